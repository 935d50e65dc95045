/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * CPU models as a VMM sees them: field assignments named like QEMU's
 * host-model properties, SYSREG_<REG>_<FIELD>=<value>.  Checked against
 * the tables and a host profile (idregs/model_check.h), computed as the
 * baseline of several hosts (idregs/baseline.h), emitted as QEMU
 * arguments (idregs/qemu_args.h) or QMP-style JSON:
 *
 *   {"model": {"name": "host", "props": {"SYSREG_ID_AA64ISAR1_EL1_LRCPC": 2}}}
 *
 * which is also read back, as is the whole QMP answer of
 * query-cpu-model-expansion, {"return": {"model": ...}}.
 *
 * A model also says which vCPU features the VMM asks KVM for, as QEMU
 * spells them: the -cpu options "pmu", "sve", "pauth" (and "aarch64":
 * false for AArch32 EL1) as booleans among the props, as QMP lists them,
 * with "sve128".."sve2048", "kvm-steal-time", "kvm-no-adjvtime", and the
 * -M virt options beside "model": "machine": {"mte": true,
 * "virtualization": true, "secure": false, "gic-version": "3"}.  An option
 * not given is at QEMU's default on the host that runs it (vmm/qemu.c:
 * pmu, sve and pauth on where KVM offers them).  A model is also read
 * from a QEMU command line (idregs/qemu_args.h).
 */
#ifndef IDREGS_MODEL_H
#define IDREGS_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "idregs/declared.h"
#include "idregs/profile.h"
#include "idregs/table.h"

struct idreg_assign {
	const struct idreg_reg *reg;
	const struct idreg_field *field;
	unsigned int slot;
	uint64_t value;			/* raw field bits */
	unsigned int pos;		/* its -cpu item on a command line, or 0 */
};

/* gic-version=host and =max (2 and 3 are themselves). */
#define IDREG_GIC_HOST		0x10
#define IDREG_GIC_MAX		0x11

/* The QEMU options a model states besides its vCPU features (idregs/qemu.h). */
struct idreg_qemu_opts {
	/* enum idreg_vcpu_feature: those whose option the model states */
	unsigned int given;
	/* sve<N>=on and sve<N>=off: bit N / 128 - 1 (sve128 .. sve2048) */
	uint32_t sve_on, sve_off;
	/* kvm-steal-time, kvm-no-adjvtime, -M virt,secure: -1 not stated */
	int8_t steal_time, no_adjvtime, secure;
	/* -M virt,gic-version: 0 not stated, 2, 3, IDREG_GIC_HOST/MAX */
	uint8_t gic;
	/* -smp: the number of vCPUs and maxcpus (0: not stated, QEMU's 1) */
	unsigned int smp, maxcpus;
	/* -accel kvm,kernel-irqchip (or -M): -1 not stated, 0 off, 1 on */
	int8_t kernel_irqchip;
	/*
	 * A command line's items, in order: the position of each -cpu item
	 * (1, 2, ...) as the option of feature bit i was first given (pos),
	 * the first sve<N>=on (sve_pos), and what QEMU stops at whatever the
	 * host: its words (QEMU's lines, '\n' between) and why, at -cpu
	 * item stop_pos (0: before the vCPU, the machine's own options).
	 */
	uint8_t pos[IDREG_VCPU_NR_FEATURES], sve_pos;
	unsigned int nr_pos, stop_pos;
	char stop[256], stop_why[160];
};

/*
 * What a fleet keeps with a model (idreg baseline --name): its name and
 * when it was made, beside "model" in the JSON, with the file's format:
 * {"format": "idregs-model-1", "name": "pool-2026-12", "created":
 * "2026-12-06T23:00:00Z", "model": ...}.  All optional on input; a model
 * without a name is printed without them.
 */
#define IDREG_MODEL_FORMAT	"idregs-model-1"

struct idreg_model_meta {
	char name[64];			/* "" when the model has none */
	char created[32];		/* UTC, ISO 8601; "" when not known */
};

/* A KVM register the VMM must write, not a QEMU option (idregs/vcpu_regs.h). */
struct idreg_model_kvm_reg {
	uint64_t id, value;
};

#define IDREG_MODEL_MAX_KVM_REGS	16

struct idreg_model {
	char name[64];			/* QEMU's model name: "host" */
	struct idreg_model_meta meta;
	struct idreg_assign *items;	/* kept sorted by property name */
	unsigned int nr, alloc;
	/*
	 * enum idreg_vcpu_feature: what the stated options ask KVM for
	 * (q.given says which are stated; the others follow the host).
	 */
	unsigned int features;
	struct idreg_qemu_opts q;
	/* props of a QMP answer that are neither SYSREG_ nor a vCPU option */
	unsigned int nr_ignored;
	/*
	 * Firmware registers the VMM writes before the VM runs (JSON
	 * "kvm_regs" beside "model"): QEMU has an option for the PSCI version
	 * only (-cpu host,kvm-psci-version, QEMU 11.1).
	 */
	struct idreg_model_kvm_reg kvm_regs[IDREG_MODEL_MAX_KVM_REGS];
	unsigned int nr_kvm_regs;
};

void idreg_model_init(struct idreg_model *m);
void idreg_model_free(struct idreg_model *m);

/*
 * Name @m @name (1-63 of A-Z a-z 0-9 . _ -, starting with a letter or
 * digit: it names files and libvirt metadata).  0, or -1 with @err.
 */
int idreg_model_set_name(struct idreg_model *m, const char *name, char *err);
/* meta.created = @t as UTC, 2026-12-06T23:00:00Z. */
void idreg_model_set_created(struct idreg_model *m, long long t);

/* "SYSREG_<REG>_<FIELD>" of @a into @buf; as idreg_prop_format(). */
int idreg_assign_prop(const struct idreg_assign *a, char *buf, size_t size);

/*
 * Add @prop = @value.  Returns 0, or a negative errno with @err set to
 * "<prop>: <why>": -ENOENT unknown property, -EINVAL not a value field
 * (RES0...), -ERANGE wider than the field, -EEXIST already set.
 */
int idreg_model_set(struct idreg_model *m, const char *prop, uint64_t value,
		    char *err);
int idreg_model_set_field(struct idreg_model *m, const struct idreg_reg *reg,
			  const struct idreg_field *field, uint64_t value,
			  char *err);
const struct idreg_assign *idreg_model_find(const struct idreg_model *m,
					    const struct idreg_reg *reg,
					    const struct idreg_field *field);
/*
 * @base with every field the model assigns in @slot replaced; *@touched
 * (may be NULL) gets the bits the model covers there.
 */
uint64_t idreg_model_merge(const struct idreg_model *m, unsigned int slot,
			   uint64_t base, uint64_t *touched);

/* Set KVM register @id to @value in @m (replaces); -ENOSPC when full. */
int idreg_model_set_kvm_reg(struct idreg_model *m, uint64_t id, uint64_t value);

/* State option @o of @m: on or off (aarch64=off asks for AArch32 EL1). */
void idreg_model_state(struct idreg_model *m, const struct idreg_vcpu_option *o, bool on);



/*
 * The property of item @i as printed (idreg_set_names()): its field's, or,
 * with kernel names, the alias (CLIDR_EL1.Ttypen) whose fields the model
 * all assigns, given once at the first of them.  Returns 1 with @buf and
 * *@value set, 0 when the item is printed as part of such an alias, -1 if
 * the name does not fit in @size.
 */
int idreg_model_prop_at(const struct idreg_model *m, unsigned int i,
			char *buf, size_t size, uint64_t *value);

/* A vCPU option as a model prints it: pmu=on, aarch64=off, mte=on. */
struct idreg_model_option {
	const struct idreg_vcpu_option *opt;
	bool on;
};

/*
 * The options printed for @m (qemu-args, JSON) into @out, in QEMU's order;
 * returns how many: those the model states, except where it states what
 * QEMU's default is on every host (aarch64=on, mte=off, virtualization=off).
 */
unsigned int idreg_model_options(const struct idreg_model *m,
				 struct idreg_model_option out[IDREG_VCPU_NR_FEATURES]);


/* JSON (vmm/json.c); errors as for profiles. */
int idreg_model_from_json(struct idreg_model *m, const char *text,
			  size_t len, char *err);
int idreg_model_load(struct idreg_model *m, const char *path, char *err);
char *idreg_model_to_json(const struct idreg_model *m);
/*
 * QEMU's QMP conversation (one JSON object a line: the greeting, other
 * returns): the model of the line whose return has model.name "host".
 */
int idreg_model_from_qmp(struct idreg_model *m, const char *text, size_t len, char *err);

#endif /* IDREGS_MODEL_H */
