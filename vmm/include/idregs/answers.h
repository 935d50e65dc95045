/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The CLI's answers as JSON, for tools that read them (idreg COMMAND
 * --json; docs/idreg.md gives each format).  Every one is an object with
 * "format": "idregs-<command>-1"; 64-bit values are "0x%016x" strings; a
 * message is {"message": text} with, where it is about one, "register" and
 * "bits" (the register's bits it concerns; "property" where they are one
 * field's) and "feature" (a vCPU feature's name).  Malloc'ed text, or NULL on ENOMEM (vmm/answers_json.c).
 */
#ifndef IDREGS_ANSWERS_H
#define IDREGS_ANSWERS_H

#include "idregs/model.h"
#include "idregs/profile.h"
#include "idregs/qemu_check.h"

/*
 * idreg list: every register with named fields ("registers": name, key
 * S3_..., fields: name, property, lsb, width, mask, policy, signed,
 * kernel_name, values; aliases), or with @p only the fields writable
 * there, each with its value.
 */
char *idreg_list_to_json(const struct idreg_profile *p);

/*
 * idreg compare: can @profile run @model; the problems, notes and what
 * the profile cannot predict ("unpredictable").
 */
char *idreg_compare_to_json(const char *profile, const char *model, const struct idreg_model *m,
			    const struct idreg_msgs *problems, const struct idreg_msgs *notes,
			    const struct idreg_msgs *unknown);

/* idreg migrate: what refuses a guest of @source on @dest; notes. */
char *idreg_migrate_to_json(const char *source, const char *dest,
			    const struct idreg_msgs *problems, const struct idreg_msgs *notes);

/* idreg baseline: the model of @nr hosts, dropped features, blocking, notes. */
char *idreg_baseline_to_json(const struct idreg_model *m, unsigned int nr,
			     const struct idreg_msgs *dropped, const struct idreg_msgs *blocking,
			     const struct idreg_msgs *notes);

/* idreg guest-check: the view's errors and each difference @d lists. */
char *idreg_guest_check_to_json(const char *profile, const char *guest,
				const struct idreg_qemu_view *v,
				const struct idreg_guest_diffs *d);

/* idreg apply: what was written and, with --guest-view, what the guest read. */
struct idreg_apply_answer {
	const char *model;
	unsigned int properties, registers;	/* the model's; the registers written */
	unsigned int features;			/* the vCPU's */
	bool imp_id;				/* KVM_CAP_ARM_WRITABLE_IMP_ID_REGS on */
	const struct idreg_guest_view_row *rows;	/* NULL: no --guest-view */
	unsigned int nr_rows;
};

char *idreg_apply_to_json(const struct idreg_apply_answer *a);

#endif /* IDREGS_ANSWERS_H */
