/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Host profiles: what one KVM/arm64 host offers a new VM in the feature ID
 * space, i.e. every readable ID register's default value and writable mask,
 * plus the kernel release and MIDR for people reading the file.  A profile
 * is dumped on the host (vmm/host.c) and compared, baselined and
 * checked anywhere (vmm/profile.c, vmm/model_check.c, vmm/baseline.c).
 *
 * JSON, "idregs-profile-1" (64-bit numbers as "0x..." strings, because
 * JSON integers stop being exact at 2^53 and jansson's at 2^63):
 *
 *   { "format": "idregs-profile-1", "kernel": "7.3.0-1-arm64",
 *     "midr": "0x410fd0c0", "writable_imp_id_regs": true,
 *     "vcpu": { "config": "qemu-host", "features": ["pmu", "sve", "pauth"],
 *               "offered": ["pmu", "sve", "pauth", "aarch32-el1"],
 *               "gic": "v3", "gic_offered": ["v3"],
 *               "sve_vls": [128, 256], "hw": { "ctr_el0": "0x...",
 *               "dczid_el0": "0x..." } },
 *     "registers": { "ID_AA64ISAR0_EL1": { "value": "0x...", "mask": "0x..." },
 *                    "S3_0_C0_C3_3": { ... }, ... },
 *     "counter_offset": true,
 *     "kvm_regs": { "KVM_REG_ARM_STD_BMAP": { "id": "0x6030000000160000",
 *                   "value": "0x1", "writable": "0x1" }, ... } }
 *
 * Registers the tables do not name are keyed S3_<op1>_C0_C<crm>_<op2>.
 * "vcpu" says which vCPU configuration (lib/core/vcpu_config.c) the values were
 * read from, the features its vCPU got and those KVM offers; a profile
 * without it (written before) was read from a vCPU without features.
 * "gic" is the in-kernel GIC the VM had when the values were read ("none"
 * or absent: none), "gic_offered" the versions KVM can create; "sve_vls"
 * the vector lengths KVM offers (KVM_REG_ARM64_SVE_VLS, up to 2048 bits);
 * "hw" what a process on the host reads with MRS (a guest reads these
 * straight from the CPU; "cntfrq_el0" too); "kvm_regs" the rest of
 * KVM_GET_REG_LIST by uapi name (idregs/vcpu_regs.h), "counter_offset"
 * KVM_CAP_COUNTER_OFFSET.  Each is optional: profiles written before
 * them keep loading.
 * The JSON half lives in vmm/json.c (links jansson), so that the rest of
 * lib/ stays dependency-free for the selftests.
 */
#ifndef IDREGS_PROFILE_H
#define IDREGS_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "idregs/field.h"
#include "idregs/kvm_rules.h"
#include "idregs/table.h"
#include "idregs/util.h"
#include "idregs/vcpu_config.h"

#define IDREG_PROFILE_FORMAT	"idregs-profile-1"
#define IDREG_PROFILE_MAX_KVM_REGS	1024

/*
 * One register of KVM_GET_REG_LIST outside the ID space, as a fresh vCPU
 * has it.  The value is recorded for registers of up to 64 bits that do
 * not tick (not the counters); the firmware bitmaps also record the bits
 * KVM lets userspace set or clear (probed one by one before the VM runs).
 */
struct idreg_profile_reg {
	uint64_t id;			/* KVM's register id */
	uint64_t value;			/* if has_value */
	uint64_t writable;		/* if has_writable */
	bool has_value, has_writable;
};

struct idreg_profile {
	char label[128];		/* where it came from, for messages */
	char release[96];		/* the host's uname -r */
	uint64_t midr;			/* the host's MIDR_EL1 as the VM sees it */
	/* KVM_CAP_ARM_WRITABLE_IMP_ID_REGS exists (apply enables it) */
	bool imp_id_cap;
	/* the vCPU configuration the values were read from ("default") */
	const struct idreg_vcpu_config *vcpu;
	unsigned int features;		/* what its vCPU got */
	unsigned int offered;		/* what KVM offers (if offered_known) */
	bool offered_known;
	unsigned int gic;		/* the in-kernel GIC read with: 0, 2, 3 */
	unsigned int gic_offered;	/* bit 2: v2, bit 3: v3 (if gic_known) */
	bool gic_known;
	uint32_t sve_vls;		/* bit N/128 - 1: N bits (if sve_vls_known) */
	bool sve_vls_known;
	uint64_t hw_ctr, hw_dczid;	/* MRS on the host (if hw_known) */
	bool hw_known;
	uint64_t hw_cntfrq;		/* CNTFRQ_EL0 by MRS (if hw_cntfrq_known) */
	bool hw_cntfrq_known;
	/* KVM_CAP_COUNTER_OFFSET exists (if kvm_regs_known) */
	bool counter_offset;
	/*
	 * The rest of the vCPU: every register KVM_GET_REG_LIST gives outside
	 * the ID space above (firmware pseudo-registers, timers, SVE, core
	 * and system registers), in list order; kvm_regs_known false for
	 * profiles written before (idreg_profile_lacks_regs()).
	 */
	struct idreg_profile_reg kvm_regs[IDREG_PROFILE_MAX_KVM_REGS];
	unsigned int nr_kvm_regs;
	bool kvm_regs_known;
	bool readable[IDREG_NR_SLOTS];
	uint64_t value[IDREG_NR_SLOTS];	/* KVM's default for a new VM */
	uint64_t mask[IDREG_NR_SLOTS];	/* KVM_ARM_GET_REG_WRITABLE_MASKS */
};

/*
 * What a message is about, for the CLI's JSON: a register's bits (a
 * field, unnamed bits, the whole register) and a vCPU feature.
 */
struct idreg_msg_about {
	int slot;			/* -1: no register */
	uint64_t bits;			/* of that register (or of kvm_reg) */
	unsigned int feature;		/* enum idreg_vcpu_feature, 0: none */
	uint64_t kvm_reg;		/* a KVM register outside the ID space, 0: none */
};

/* A growing list of one-line messages (problems, differences, notes). */
struct idreg_msgs {
	char **v;
	struct idreg_msg_about *about;	/* one per message */
	unsigned int nr;
	bool oom;			/* a message was lost to ENOMEM */
};

__printf(2, 3)
void idreg_msgs_add(struct idreg_msgs *m, const char *fmt, ...);
/* The same, saying what the message is about. */
__printf(3, 4)
void idreg_msgs_add_about(struct idreg_msgs *m, struct idreg_msg_about about,
			  const char *fmt, ...);
/* About @slot's @bits; about @feature. */
static inline struct idreg_msg_about idreg_about_bits(unsigned int slot, uint64_t bits)
{
	return (struct idreg_msg_about){ .slot = (int)slot, .bits = bits };
}

static inline struct idreg_msg_about idreg_about_feature(unsigned int feature)
{
	return (struct idreg_msg_about){ .slot = -1, .feature = feature };
}

/* About KVM register @id (not an ID register), its @bits. */
static inline struct idreg_msg_about idreg_about_kvm_reg(uint64_t id, uint64_t bits)
{
	return (struct idreg_msg_about){ .slot = -1, .bits = bits, .kvm_reg = id };
}

/* Add every message of @src to @dst, with what each is about. */
void idreg_msgs_append(struct idreg_msgs *dst, const struct idreg_msgs *src);
void idreg_msgs_free(struct idreg_msgs *m);

void idreg_profile_init(struct idreg_profile *p, const char *label);
/* What a VM made from @p looks like to idreg_kvm_predict(). */
void idreg_profile_traits(const struct idreg_profile *p,
			  struct idreg_vm_traits *t);
/*
 * @p as a vCPU with only @features (of those @p's has) would read it: the
 * fields KVM hides without the others cleared (idreg_vcpu_feature_bits()).
 */
void idreg_profile_restrict(struct idreg_profile *p, unsigned int features);
/*
 * Why @p lacks @feature, into @buf: KVM does not offer it there, or the
 * profile's vCPU configuration did not ask for it.
 */
void idreg_profile_lacks(const struct idreg_profile *p, unsigned int feature,
			 char *buf, size_t size);
/* Is @field of the register in @slot wholly inside the writable mask? */
bool idreg_profile_field_writable(const struct idreg_profile *p,
				  unsigned int slot,
				  const struct idreg_field *field);

/*
 * Differences from @a to @b: field values by SYSREG_ name with both values,
 * bits no named field covers, and writable-mask changes by field.  Returns
 * the number of messages added to @out.
 */
unsigned int idreg_profile_diff(const struct idreg_profile *a,
				const struct idreg_profile *b,
				struct idreg_msgs *out);

/*
 * The same differences, structured, for reports.  A named field whose
 * writable bits changed is "became writable" when it ends up more writable
 * (not -> partly -> wholly) and "no longer writable" when less; between two
 * partial masks, losing any bit counts as "no longer", since a VMM that set
 * those bits before cannot now.
 */
enum idreg_change_kind {
	IDREG_CHANGE_CAP,		/* KVM_CAP_ARM_WRITABLE_IMP_ID_REGS */
	IDREG_CHANGE_READABLE,		/* a register became (un)readable */
	IDREG_CHANGE_BECAME_WRITABLE,	/* a named field */
	IDREG_CHANGE_NO_LONGER_WRITABLE,	/* a named field */
	IDREG_CHANGE_UNNAMED_WRITABLE,	/* writable bits no named field covers */
	IDREG_CHANGE_VALUE,		/* a named field's value */
	IDREG_CHANGE_UNNAMED_VALUE,	/* value bits no named field covers */
};

struct idreg_change {
	enum idreg_change_kind kind;
	unsigned int slot;		/* IDREG_NR_SLOTS for the capability */
	const struct idreg_field *field;	/* named-field kinds, else NULL */
	char reg[40];			/* table name or S3_<op1>_C0_C<crm>_<op2> */
	char prop[128];			/* SYSREG_ name; reg for the other kinds */
	uint64_t bits;			/* the field's bits, or the unnamed ones */
	/*
	 * Before and after: a field's value; for writability kinds the
	 * writable mask & bits; for the register-level kinds (capability,
	 * readable) 0 or 1.
	 */
	uint64_t before, after;
};

struct idreg_diff {
	struct idreg_change *v;
	unsigned int nr;
};

/* Writable-mask, readability and capability changes; not values. */
bool idreg_change_is_writability(const struct idreg_change *c);
/*
 * Fill @d (zeroed or freed) with every change from @a to @b, in slot order
 * after the capability.  Returns 0, or -1 on ENOMEM (@d is then freed).
 */
int idreg_profile_changes(const struct idreg_profile *a,
			  const struct idreg_profile *b, struct idreg_diff *d);
void idreg_diff_free(struct idreg_diff *d);
/* The one-line text 'idreg diff' prints for @c. */
void idreg_change_format(const struct idreg_change *c, char *buf, size_t size);
/*
 * A markdown report of @d: a heading naming both kernels and MIDRs, then
 * "Became writable", "No longer writable", "Writable bits no table names"
 * and (unless @writable_only) "Values changed", "The rest of the vCPU"
 * (the lines of @vcpu, idreg_vcpu_diff(); none when NULL), and a totals
 * line.  Malloc'ed, or NULL on ENOMEM.
 */
char *idreg_diff_markdown(const struct idreg_profile *a,
			  const struct idreg_profile *b,
			  const struct idreg_diff *d, bool writable_only,
			  const struct idreg_msgs *vcpu);

/*
 * JSON (vmm/json.c).  The parsers return 0, or -1 with a one
 * line message in @err (IDREG_ERR_LEN bytes) naming the JSON path.
 */
int idreg_profile_from_json(struct idreg_profile *p, const char *text,
			    size_t len, char *err);
/* Read @path ("-" is stdin); the label becomes @path. */
int idreg_profile_load(struct idreg_profile *p, const char *path, char *err);
/* A malloc'ed JSON text ending in a newline, or NULL on ENOMEM. */
char *idreg_profile_to_json(const struct idreg_profile *p);

#endif /* IDREGS_PROFILE_H */
