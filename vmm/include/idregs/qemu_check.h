/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What a real QEMU did, against what vmm/qemu.c predicts: the ID registers
 * its guest read (tools/qemu-guest prints them) and the host model its QMP
 * query-cpu-model-expansion lists; and what idreg apply's own guest read
 * against KVM_GET_ONE_REG.  The CLI prints the results (idreg guest-check,
 * qmp-check, apply --guest-view).
 */
#ifndef IDREGS_QEMU_CHECK_H
#define IDREGS_QEMU_CHECK_H

#include <stdbool.h>
#include <stdint.h>

#include "idregs/model.h"
#include "idregs/profile.h"
#include "idregs/qemu.h"

/* What the guest read: one "S3_<op1>_C0_C<crm>_<op2>=0x<16 hex>|undef" line each. */
struct idreg_guest_read {
	bool seen[IDREG_NR_SLOTS], undef[IDREG_NR_SLOTS];
	uint64_t val[IDREG_NR_SLOTS];
};

/* The guest's output @text (modified); other lines are skipped. */
void idreg_guest_read_parse(struct idreg_guest_read *g, char *text);

enum idreg_guest_diff_kind {
	IDREG_GUEST_DIFF_MISSING,	/* the guest printed nothing for it */
	IDREG_GUEST_DIFF_UNDEF,		/* one of prediction and read is undef */
	IDREG_GUEST_DIFF_FIELD,		/* a named field's value */
	IDREG_GUEST_DIFF_BITS,		/* bits no named field covers */
};

/* One difference between the prediction and the guest's read. */
struct idreg_guest_diff {
	enum idreg_guest_diff_kind kind;
	unsigned int slot;
	const struct idreg_field *field;	/* _FIELD */
	uint64_t bits;				/* _BITS: the bits that differ */
	/* _FIELD: the field's values; _BITS: the register's; _UNDEF: 1 for undef */
	uint64_t predicted, read;
};

struct idreg_guest_diffs {
	struct idreg_guest_diff *v;
	unsigned int nr;
	unsigned int unpredicted;	/* registers the view cannot predict */
	bool oom;
};

/*
 * The guest's reads @g against the view @v, register by register (those
 * the view cannot predict only counted): into @out, initialised here.
 * Returns the number of differences.
 */
unsigned int idreg_guest_compare(const struct idreg_qemu_view *v, const struct idreg_guest_read *g,
				 struct idreg_guest_diffs *out);
void idreg_guest_diffs_free(struct idreg_guest_diffs *d);

/*
 * QMP's host model @m against the profile @p: pmu listed exactly where KVM
 * offers a PMU (.qemu_only_offered), the options -cpu host turns on
 * (.qemu_host) on where offered, aarch64 on, sve<N> on for the vector
 * lengths KVM offers.  One message each into @out; returns how many.
 */
unsigned int idreg_qmp_compare(const struct idreg_model *m, const struct idreg_profile *p,
			       struct idreg_msgs *out);

/* One register of apply --guest-view: what the guest read, what KVM gives. */
struct idreg_guest_view_row {
	unsigned int slot;
	bool trapped;			/* the read took an exception (@esr) */
	bool model;			/* the model assigns fields of it */
	uint64_t value, esr, kvm;	/* the guest's read; KVM_GET_ONE_REG's */
};

/* How many of @rows the guest did not read as KVM_GET_ONE_REG gives them. */
unsigned int idreg_guest_view_differ(const struct idreg_guest_view_row *rows, unsigned int nr);

#endif /* IDREGS_QEMU_CHECK_H */
