/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Known-result files, the one mechanism for results that differ from what
 * idregs predicts on some kernels (docs/findings.md says which is which).
 * One entry per line:
 *
 *     TARGET  KERNELS  KEY=VALUE...  REASON...
 *
 * TARGET is a result name as the test prints it (REG.FIELD, REG.bits[h:l],
 * REG.outside_mask, REG.view@MODEL, ..., with an @variant suffix where the
 * test adds one).  KERNELS is "*", "X.Y" (that series), "X.Y-" (from it
 * on) or "X.Y-A.B"; a release such as "7.3.4" or "7.3.4+deb13-arm64" is
 * in X.Y = 7.3.  REASON is free text and required.  '#' starts a comment
 * line.  An entry is one of two kinds:
 *
 * An expectation (values=LIST direction=DIR): a difference userspace truly
 * cannot predict; the test reports it XFAIL.  values=LIST: the values
 * where KVM differs, numbers and ranges, e.g. "values=0-5,0xf" -- field
 * values for a field's result, bit numbers for REG.outside_mask,
 * REG.bits[h:l] and the guest's view.  direction=DIR: "accepts" (KVM
 * accepts where refusal was predicted), "refuses" (KVM refuses where
 * acceptance was predicted) or "reads" (the answer was as predicted, but
 * the register reads back, or the guest sees, another value).  A
 * difference at a value or in a direction the entry does not name is a
 * failure; so is an entry that applies to the running kernel and matched
 * nothing in the run (a stale excuse).  The tests read theirs from
 * selftests/TEST.expect, installed beside them.
 *
 * A known finding (finding=ID [cpu=LIST]): a KVM bug; the result stays a
 * failure and tools/check-kernels.sh counts it as known (ID: its section
 * in docs/findings.md; cpu=: the QEMU CPU models it fails on, comma-
 * separated, default every one).  A finding that no longer fails is
 * stale there.  tools/check-kernels.known holds them; the tests ignore
 * findings.
 *
 * One target may not have two entries of a kind for the same kernel (and,
 * for findings, a CPU in common).
 */
#ifndef IDREGS_EXPECT_H
#define IDREGS_EXPECT_H

#include <stdbool.h>
#include <stddef.h>

#include "idregs/util.h"

#define IDREG_EXPECT_MAX_RANGES	8

enum idreg_expect_dir {
	IDREG_EXPECT_ACCEPTS,		/* KVM accepts where refusal was predicted */
	IDREG_EXPECT_REFUSES,		/* KVM refuses where acceptance was predicted */
	IDREG_EXPECT_READS,		/* another value reads back / the guest sees */
};

struct idreg_expectation {
	char target[96];
	unsigned int from, to;		/* major << 16 | minor, inclusive */
	enum idreg_expect_dir dir;
	unsigned int nr_ranges;		/* at least 1 */
	struct {
		unsigned long long lo, hi;
	} values[IDREG_EXPECT_MAX_RANGES];
	char reason[640];
	unsigned int line;		/* in its file */
	unsigned int matched;		/* differences it excused in this run */
	char finding[64];		/* a known finding's id, or "": an expectation */
	char cpus[128];			/* the CPU models a finding is on; "": any */
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
/* @file in the directory of the running executable, into @path; returns @path. */
const char *idreg_path_beside(char *path, size_t size, const char *argv0, const char *file);
/* Load @file from the directory of the running executable. */
int idreg_expect_load_beside(struct idreg_expectations *e, const char *argv0,
			     const char *file);

/* Is @x a known finding (finding=), not an expectation? */
bool idreg_expect_is_finding(const struct idreg_expectation *x);
/* Does @x apply to kernel @release (and, for a finding, CPU model @cpu)? */
bool idreg_expect_applies(const struct idreg_expectation *x, const char *release,
			  const char *cpu);
/*
 * The expectation for @target on kernel @release ("7.3.4+deb13-arm64"):
 * findings are never one.
 */
struct idreg_expectation *
idreg_expect_find(struct idreg_expectations *e, const char *target,
		  const char *release);
/* Does @x allow a difference at @value in direction @dir? */
bool idreg_expect_covers(const struct idreg_expectation *x, unsigned long long value,
			 enum idreg_expect_dir dir);
const char *idreg_expect_dir_name(enum idreg_expect_dir dir);
/*
 * The expectations that apply to kernel @release and matched nothing
 * (stale): their number; the first is named in @err (IDREG_ERR_LEN).
 */
unsigned int idreg_expect_stale(const struct idreg_expectations *e, const char *release,
				char *err);
/*
 * Does every target name something a test reports: a register of the
 * tables (or an S3_... slot name) with one of its fields or a result kind,
 * or a test-wide result?  0, or -1 with e->error naming the first that
 * does not.
 */
int idreg_expect_check_targets(struct idreg_expectations *e, const char *name);
/*
 * The test-wide result groups a target may name before its '.' ("masks"
 * of "masks.kept_writable"), as the tests print them.
 */
extern const char *const idreg_expect_groups[];
extern const unsigned int idreg_expect_nr_groups;
void idreg_expect_free(struct idreg_expectations *e);

#endif /* IDREGS_EXPECT_H */
