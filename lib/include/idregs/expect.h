/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Expectation files: known, explained differences between KVM and the
 * prediction.  One per line:
 *
 *     TARGET  KERNELS  [values=LIST]  REASON...
 *
 * TARGET is a result name as the test prints it (REG.FIELD, REG.bits[h:l],
 * REG.outside_mask, with an @variant suffix where the test adds one).
 * KERNELS is "*", "X.Y" (that series), "X.Y-" (from it on) or "X.Y-A.B".
 * values=LIST (optional) narrows the expectation to the values where KVM
 * may differ: numbers and ranges, e.g. "values=0-5,0xf" -- field values for
 * a field's result, bit numbers for REG.outside_mask and REG.bits[h:l].  A
 * difference at any other value is then a failure, not an XFAIL.
 * REASON is free text and required: an expectation without a reason is
 * refused.  '#' starts a comment line.
 */
#ifndef IDREGS_EXPECT_H
#define IDREGS_EXPECT_H

#include <stddef.h>

#include "idregs/util.h"

#define IDREG_EXPECT_MAX_RANGES	8

struct idreg_expectation {
	char target[96];
	unsigned int from, to;		/* major << 16 | minor, inclusive */
	unsigned int nr_ranges;		/* 0: every value */
	struct {
		unsigned long long lo, hi;
	} values[IDREG_EXPECT_MAX_RANGES];
	char reason[640];
};

struct idreg_expectations {
	struct idreg_expectation *items;
	unsigned int nr;
	char error[IDREG_ERR_LEN];	/* file:line: what is wrong */
};

/* Parse @text (named @name in errors).  Returns 0 or -1 with .error set. */
int idreg_expect_parse(struct idreg_expectations *e, const char *text,
		       const char *name);
int idreg_expect_load(struct idreg_expectations *e, const char *path);
/* Load @file from the directory of the running executable. */
int idreg_expect_load_beside(struct idreg_expectations *e, const char *argv0,
			     const char *file);
/* "7.3.4+deb13-arm64" -> 7 << 16 | 3; 0 when it does not parse. */
unsigned int idreg_kernel_version(const char *release);

/* The expectation for @target on kernel @release ("7.3.4+deb13-arm64"). */
const struct idreg_expectation *
idreg_expect_find(const struct idreg_expectations *e, const char *target,
		  const char *release);
/* Does @x allow a difference at @value (always, without a values= list)? */
int idreg_expect_covers(const struct idreg_expectation *x, unsigned long long value);
void idreg_expect_free(struct idreg_expectations *e);

#endif /* IDREGS_EXPECT_H */
