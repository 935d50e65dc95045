/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * QEMU's semantics for -cpu host under KVM, one rule each, read from QEMU's
 * target/arm/{kvm.c,cpu.c,cpu64.c,arm-qmp-cmds.c} and hw/arm/virt.c and the
 * SYSREG_ series (docs/vmm.md lists them): which options exist on a host
 * and their defaults, the order of precedence (KVM's default, then the
 * SYSREG_ properties, then the legacy options), the machine's options and
 * its in-kernel GIC.  A model resolves, on a host profile, into the
 * effective guest view: what every ID register reads in the guest.
 */
#ifndef IDREGS_QEMU_H
#define IDREGS_QEMU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "idregs/model.h"
#include "idregs/profile.h"

/* A value QEMU itself gives a field, whatever a SYSREG_ property says. */
struct idreg_qemu_override {
	const char *reg, *field;	/* field NULL: every field of reg */
	unsigned int feature;		/* cleared without it; 0: always under KVM */
	const char *option;		/* the option that decides: "pmu=off" */
	const char *function;		/* where QEMU does it */
};

/*
 * The override that applies to @field of @reg on a vCPU with @features, or
 * NULL.  idreg_qemu_overridden() asks the same of a model without a host:
 * only what its stated options decide on every host.
 */
const struct idreg_qemu_override *idreg_qemu_override_of(const struct idreg_reg *reg,
							 const struct idreg_field *field,
							 unsigned int features);
const struct idreg_qemu_override *idreg_qemu_overridden(const struct idreg_model *m,
							const struct idreg_reg *reg,
							const struct idreg_field *field);
/* Is @field one the in-kernel GIC decides (kvm_vgic_finalize_idregs())? */
bool idreg_qemu_gic_field(const struct idreg_reg *reg, const struct idreg_field *field);

enum idreg_guest_kind {
	IDREG_GUEST_VALUE,		/* the guest reads guest[slot] */
	IDREG_GUEST_UNDEF,		/* the read UNDEFs */
	IDREG_GUEST_UNPREDICTED,	/* it depends on what the profile lacks */
};

/* One field whose guest value is not the profile's, and why. */
struct idreg_qemu_change {
	unsigned int slot;
	const struct idreg_reg *reg;
	const struct idreg_field *field;
	uint64_t from, to;		/* the profile's value, the guest's */
	char by[160];			/* "pmu=off", "SYSREG_...=0x6", "gic-version=3" */
	const char *why;		/* the QEMU or KVM function that does it */
};

#define IDREG_QEMU_MAX_CHANGES	512

struct idreg_qemu_view {
	unsigned int features;		/* the vCPU QEMU creates, as the profile shows it */
	unsigned int asked;		/* what QEMU asks KVM for: stated, or its default */
	const struct idreg_profile *profile;	/* resolved on */
	unsigned int gic;		/* its GIC: 2 or 3 */
	bool gic_user;			/* kernel-irqchip=off: QEMU's own GICv2, none in KVM */
	bool stopped;			/* QEMU stops (errors[0] says where) */
	uint32_t sve_vls;		/* vector lengths (bit N/128 - 1), if SVE */
	bool series;			/* SYSREG_ properties: QEMU writes ID registers */
	bool blocker;			/* a migration blocker (MTE) */
	uint64_t kvm[IDREG_NR_SLOTS];	/* KVM's value for that vCPU and GIC */
	uint64_t guest[IDREG_NR_SLOTS];	/* what the guest reads */
	enum idreg_guest_kind kind[IDREG_NR_SLOTS];
	const char *why[IDREG_NR_SLOTS];	/* the kernel's reason: RAZ, UNDEF, ... */
	struct idreg_qemu_change changes[IDREG_QEMU_MAX_CHANGES];
	unsigned int nr_changes;
	/*
	 * What stops QEMU (the first thing only: QEMU stops there) or what
	 * KVM refuses; what the profile cannot predict (nothing refused);
	 * choices worth knowing; and the lines QEMU prints for the errors,
	 * in its words (idregs/qemu_words.h), one a line.
	 */
	struct idreg_msgs errors, unknown, notes, says;
};

/*
 * What a guest of QEMU started with @m reads on the host of @p, and
 * whether QEMU starts and KVM accepts it.  Returns the number of errors.
 * @v is big: allocate it; free it with idreg_qemu_view_free().
 */
unsigned int idreg_qemu_resolve(const struct idreg_model *m, const struct idreg_profile *p,
				struct idreg_qemu_view *v);
void idreg_qemu_view_free(struct idreg_qemu_view *v);

/*
 * idreg_model_check() (idregs/model_check.h) on the model's effective
 * guest view on @p: first what QEMU refuses there (one message each, in
 * @out), then the checks for the features QEMU asks for and the SYSREG_ values no legacy
 * option overrides.  Overrides go to @notes (may be NULL), and so does a
 * migration blocker (MTE), which also counts in the return value when
 * @migration is set.  What the profile cannot predict goes to @unknown
 * (may be NULL: to @out) and does not count.
 */
unsigned int idreg_model_check_qemu(const struct idreg_model *m,
				    const struct idreg_profile *p, bool migration,
				    struct idreg_msgs *out, struct idreg_msgs *notes,
				    struct idreg_msgs *unknown);

/*
 * What QEMU writes to KVM for @m on the host of @p (values as read there)
 * for a vCPU with @features, as a model in @out (initialised here): the
 * SYSREG_ values no legacy option overrides and no vGIC decides, and, as
 * the series writes its whole copy, 0 in each field an override clears
 * where the host has more (EL2 without virtualization=on, EL3).  For the
 * checks of vmm/model_check.c and for idreg apply.
 */
int idreg_qemu_effective_model(const struct idreg_model *m, const struct idreg_profile *p,
			       unsigned int features, struct idreg_model *out);

/*
 * Is option @o on for the vCPU of @v (resolved from @m), and why, into
 * @why: "stated", or QEMU's default on that host and what decides it.
 */
bool idreg_qemu_option_state(const struct idreg_model *m, const struct idreg_qemu_view *v,
			     const struct idreg_vcpu_option *o, char *why, size_t size);

/* "S3_<op1>_C0_C<crm>_<op2>" of @slot, as the guest prints it. */
const char *idreg_qemu_slot_key(unsigned int slot, char *buf, size_t size);

/*
 * The view as JSON ("idregs-explain-1"): profile, line, accepted, errors,
 * notes, features, gic, fields (each change: register, field, property,
 * profile, guest, by, why) and registers keyed S3_<op1>_C0_C<crm>_<op2>
 * (name, guest: value|undef|unpredicted, value, kvm, why).  Malloc'ed, or
 * NULL on ENOMEM (vmm/json.c).
 */
char *idreg_qemu_view_to_json(const struct idreg_qemu_view *v, const struct idreg_profile *p,
			      const char *line);

#endif /* IDREGS_QEMU_H */
