/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the idregs selftests share (selftests/idreg_test.c): the vCPU
 * configurations of the command line, a VM per configuration with every
 * ID register read (the passes, the imp-id pass beside them), the result
 * names, the machine-readable records (docs/results.md) and the plan: a
 * test builds the list of its results, then runs it, and the KTAP plan is
 * the list's length.
 *
 * kselftest.h keeps its result counters per translation unit, so what
 * reports a result (or ends the test) is static inline here, compiled into
 * the test's own file; idreg_test.c reports nothing.  Include after
 * kselftest.h.
 */
#ifndef IDREGS_SELFTEST_H
#define IDREGS_SELFTEST_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "expect.h"
#include "idregs/field.h"
#include "idregs/kvm.h"
#include "idregs/kvm_rules.h"
#include "idregs/util.h"
#include "idregs/vcpu_config.h"

/* At most every configuration once. */
#define IDREG_TEST_MAX_CONFIGS	16
/* What a test runs without --vcpu: every configuration, skipped where not offered. */
#define IDREG_TEST_DEFAULT_CONFIGS	"offered"

/* One value (or bit) where KVM differed from the prediction, and how. */
struct idreg_test_diff {
	uint64_t value;
	enum idreg_expect_dir dir;
};

/*
 * A VM of one vCPU configuration with its ID registers as KVM first gives
 * them: a pass of a test.  @open is false when the host cannot give the
 * configuration (vm.last_error says why); @imp_id when it was created with
 * KVM_CAP_ARM_WRITABLE_IMP_ID_REGS (the imp-id pass, results
 * "@imp_id_writable").  @priv is the test's own state for the pass.
 */
struct idreg_test_vm {
	struct idreg_vm vm;
	struct idreg_vm_traits traits;
	const struct idreg_vcpu_config *cfg;
	bool imp_id, open;
	uint64_t mask[IDREG_NR_SLOTS];
	uint64_t limit[IDREG_NR_SLOTS];		/* the defaults, KVM's limits */
	bool readable[IDREG_NR_SLOTS];
	void *priv;
};

/*
 * Open @t for @cfg (NULL: default): the VM, the masks, every register, the
 * traits.  0; IDREG_VM_UNAVAILABLE when the host cannot give @cfg; -1 on
 * an error (t->vm.last_error).
 */
int idreg_test_vm_open(struct idreg_test_vm *t, const struct idreg_vcpu_config *cfg,
		       bool imp_id, const char *release);
void idreg_test_vm_close(struct idreg_test_vm *t);

/* A named field a test may write: a real field, wholly inside @mask. */
bool idreg_test_walkable(const struct idreg_field *f, uint64_t mask);

/* The seed of field @f of @slot's random candidates: the same in every run. */
static inline uint64_t idreg_test_seed(uint64_t seed, unsigned int slot,
				       const struct idreg_field *f)
{
	return seed ^ ((uint64_t)slot << 8) ^ f->lsb;
}

/*
 * Every result name: printf-style @fmt, then "@CONFIG" for a configuration
 * other than default (NULL is default), or "@imp_id_writable" for the
 * imp-id pass.  Returns @buf.
 */
__printf(5, 6)
const char *idreg_test_name(char *buf, size_t size, const struct idreg_vcpu_config *cfg,
			    bool imp_id, const char *fmt, ...);
#define idreg_test_vm_name(t, buf, size, ...) \
	idreg_test_name(buf, size, (t)->cfg, (t)->imp_id, __VA_ARGS__)

/*
 * The configurations of "--vcpu LIST" in @argc/@argv (default
 * IDREG_TEST_DEFAULT_CONFIGS; "offered" and "all" are every one): their
 * number, or -1 with the reason in @err (IDREG_ERR_LEN).
 */
int idreg_test_parse_configs(int argc, char **argv, const struct idreg_vcpu_config **out,
			     char *err);

/*
 * The passes of a test: one per configuration, in the command line's
 * order, then (where asked for and KVM has the capability) the imp-id pass
 * with the default configuration.  @base is the default configuration's
 * pass, or NULL.
 */
struct idreg_test_passes {
	struct idreg_test_vm pass[IDREG_TEST_MAX_CONFIGS + 1];
	unsigned int nr;
	struct idreg_test_vm *base, *imp;
	bool imp_cap;		/* KVM has KVM_CAP_ARM_WRITABLE_IMP_ID_REGS */
};

/* Open them all; 0, or -1 with the reason in @err (IDREG_ERR_LEN). */
int idreg_test_passes_open(struct idreg_test_passes *p, int argc, char **argv,
			   const char *release, bool imp_pass, char *err);
void idreg_test_passes_close(struct idreg_test_passes *p);

/*
 * The plan: a list of steps, each a result (run() reports exactly one) or
 * an action between results (run() reports none).  ctx, slot, arg and n
 * are the step's own arguments.
 */
struct idreg_test_step;
typedef void (*idreg_test_step_fn)(const struct idreg_test_step *s);

struct idreg_test_step {
	idreg_test_step_fn run;
	void *ctx;
	unsigned int slot;
	const void *arg;
	unsigned int n, m;
	bool action;
};

struct idreg_test_plan {
	struct idreg_test_step *steps;
	unsigned int nr, cap, results;
};

/* Append a result (or an action: idreg_test_plan_do()); exits on ENOMEM. */
void idreg_test_plan_add(struct idreg_test_plan *p, idreg_test_step_fn run, void *ctx,
			 unsigned int slot, const void *arg, unsigned int n, unsigned int m);
void idreg_test_plan_do(struct idreg_test_plan *p, idreg_test_step_fn run, void *ctx,
			unsigned int slot, const void *arg, unsigned int n);
void idreg_test_plan_free(struct idreg_test_plan *p);

/* Records for the runners (docs/results.md): "# idregs-KIND: key=value ...". */
__printf(2, 3)
void idreg_test_record(const char *kind, const char *fmt, ...);

/* Append printf-style text to a bounded diagnostics buffer. */
__printf(3, 4)
void idreg_append(char *buf, size_t size, const char *fmt, ...);

/*
 * Reporting: inline, in the test's own file (kselftest's counters); not
 * in idreg_test.c, which does not include kselftest.h.
 */
#ifdef KSFT_PASS

/*
 * Run the plan: the KTAP plan is the number of results in it, and each
 * step must report as many as it promised (else the test fails at once:
 * a plan that does not match its results is a bug of the test).
 */
static inline void idreg_test_plan_run(struct idreg_test_plan *p)
{
	unsigned int i;

	ksft_set_plan(p->results);
	for (i = 0; i < p->nr; i++) {
		const struct idreg_test_step *s = &p->steps[i];
		unsigned int before = ksft_test_num(), want = !s->action;

		s->run(s);
		if (ksft_test_num() - before != want)
			ksft_exit_fail_msg("plan: step %u reported %u results, not %u\n", i,
					   ksft_test_num() - before, want);
	}
	idreg_test_plan_free(p);
}

/*
 * One KTAP result: pass when KVM did what was predicted (@nr == 0), else
 * XFAIL if an expectation names @target on this kernel and covers every
 * one of the @nr differences (value and direction), else fail.
 */
static inline void idreg_test_report_diffs(struct idreg_expectations *e, const char *release,
					   const char *target, const char *detail,
					   const struct idreg_test_diff *diff, unsigned int nr)
{
	struct idreg_expectation *x = nr ? idreg_expect_find(e, target, release) : NULL;
	unsigned int i;

	if (!nr || !x) {
		ksft_test_result(!nr, "%s: %s\n", target, detail);
		return;
	}
	for (i = 0; i < nr; i++) {
		if (!idreg_expect_covers(x, diff[i].value, diff[i].dir)) {
			ksft_test_result_fail("%s: %s (expectation line %u names it, but not value 0x%llx with direction=%s: %s)\n",
					      target, detail, x->line,
					      (unsigned long long)diff[i].value,
					      idreg_expect_dir_name(diff[i].dir), x->reason);
			return;
		}
	}
	x->matched += nr;
	ksft_test_result_xfail("%s: %s (expected: %s)\n", target, detail, x->reason);
}

/* The result that fails on a stale expectation: one that matched nothing. */
static inline void idreg_test_report_stale(const struct idreg_expectations *e,
					   const char *release, const char *file)
{
	char err[IDREG_ERR_LEN];
	unsigned int n = idreg_expect_stale(e, release, err);

	ksft_test_result(!n, "expectations: %u entries of %s, %u for this kernel stale%s%s\n",
			 e->nr, file, n, n ? " (an excuse for nothing is a failure): " : "", err);
}

/* The skip of a pass the host cannot give: "vcpu@CONFIG: why". */
static inline void idreg_test_report_unavailable(const struct idreg_test_vm *t, const char *why)
{
	char name[64];

	ksft_test_result_skip("%s: %s\n", idreg_test_vm_name(t, name, sizeof(name), "vcpu"),
			      why ? why : t->vm.last_error);
}

/*
 * The common start of a test: KTAP header; a skip (exit 4) with the reason
 * where KVM or its writable masks are missing; the running kernel's release
 * into @release; the expectation file @file (if not NULL) from beside the
 * test binary.
 */
static inline void idreg_test_start(const char *argv0, char *release, size_t size,
				    struct idreg_expectations *e, const char *file)
{
	const char *why;

	ksft_print_header();
	why = idreg_kvm_unavailable();
	if (why)
		ksft_exit_skip("%s\n", why);
	idreg_kernel_release(release, size);
	if (file && idreg_expect_load_beside(e, argv0, file))
		ksft_exit_fail_msg("%s\n", e->error);
}

/* idreg_test_passes_open(), or the end of the test (exit 1, the reason). */
static inline void idreg_test_open(struct idreg_test_passes *p, int argc, char **argv,
				   const char *release, bool imp_pass)
{
	char err[IDREG_ERR_LEN];

	if (idreg_test_passes_open(p, argc, argv, release, imp_pass, err))
		ksft_exit_fail_msg("%s\n", err);
}

/* idreg_test_parse_configs(), or the end of the test. */
static inline unsigned int idreg_test_configs(int argc, char **argv,
					      const struct idreg_vcpu_config **out)
{
	char err[IDREG_ERR_LEN];
	int n = idreg_test_parse_configs(argc, argv, out, err);

	if (n < 0)
		ksft_exit_fail_msg("%s\n", err);
	return n;
}

#endif /* KSFT_PASS */

#endif /* IDREGS_SELFTEST_H */
