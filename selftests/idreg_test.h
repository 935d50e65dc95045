/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the idregs selftests share (selftests/idreg_test.c): the vCPU
 * configurations of the command line, a VM per configuration with every
 * ID register read (the passes, the imp-id pass beside them), the result
 * names, the machine-readable records (docs/results.md) and the one way
 * a test reports a result.  A test walks its checks twice (struct
 * idreg_test_run): once only counting them, for the KTAP plan, then
 * checking them.
 *
 * kselftest.h keeps its result counters per translation unit, so what
 * reports a result (or ends the test) is static inline here, compiled into
 * the test's own file; idreg_test.c reports nothing.  Include after
 * kselftest.h.
 */
#ifndef IDREGS_SELFTEST_H
#define IDREGS_SELFTEST_H

#include <errno.h>
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
 * "@imp_id_writable").
 */
struct idreg_test_vm {
	struct idreg_vm vm;
	struct idreg_vm_traits traits;
	const struct idreg_vcpu_config *cfg;
	bool imp_id, open;
	struct idreg_kvm_counters made;		/* VMs created to open it */
	uint64_t mask[IDREG_NR_SLOTS];
	uint64_t limit[IDREG_NR_SLOTS];		/* the defaults, KVM's limits */
	bool readable[IDREG_NR_SLOTS];
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
 * What a result is about (the record before it, docs/results.md): what
 * KVM did; only KVM against the copy of its source the generator read
 * (the declared masks, the declared sanitising); or a guest its wall-time
 * bound stopped (load, not KVM).
 */
enum idreg_result_kind {
	IDREG_RESULT_BEHAVIOUR,
	IDREG_RESULT_SOURCE,
	IDREG_RESULT_TIMING,
};

const char *idreg_result_kind_name(enum idreg_result_kind kind);

/* A result decided by a guest's run that returned @r. */
static inline enum idreg_result_kind idreg_result_kind_of_run(int r)
{
	return r == -ETIMEDOUT ? IDREG_RESULT_TIMING : IDREG_RESULT_BEHAVIOUR;
}

/*
 * A test's VMs and time (docs/results.md).  On a nested host tearing down
 * a VM whose vCPU has EL2 is what takes a test's time (docs/kernels.md),
 * so each test says how many VMs each pass created, and where its time
 * went: creating VMs, walking (ONE_REG and the predictions), running
 * guests, tearing VMs down.  idreg_test_start() starts the clock.
 */
void idreg_test_clock_start(void);
/* A pass's own work begins (after its VM was opened with the others). */
void idreg_test_pass_begin(void);
/*
 * It is done: its "idregs-vms" record (the VMs opening it created and
 * those created since idreg_test_pass_begin()); the time so far against
 * the timeout (idreg_test_time_check()).
 */
void idreg_test_pass_done(const struct idreg_test_vm *t);
/* The same for a test without passes: the VMs since idreg_test_pass_begin(). */
void idreg_test_config_done(const struct idreg_vcpu_config *cfg);
/*
 * Would pass @t, a configuration with EL2, not end within the timeout?
 * Judged by the longest such pass so far in this run (each of its vCPUs'
 * teardown takes minutes on a 16K-page nested host, docs/kernels.md);
 * then true, with the reason (and what to run instead) in @why.
 */
bool idreg_test_pass_over_time(const struct idreg_test_vm *t, char *why, size_t size);
/*
 * The same for a part of a configuration's checks that creates a VM of its
 * own (idreg_test_part_enter(); guest_consequences_test's and
 * vcpu_surroundings_test's checks): the next one starts, its clock begun
 * (false), or does not fit, why in @why (true), judged by the teardown
 * of the @vcpus vCPUs it creates at what tearing down one with EL2 took
 * in this run (before any was torn down, by the longest such part so
 * far); begun without asking (a part in a VM that exists already); done
 * (its time, the longest an EL2 configuration's part took so far).
 */
bool idreg_test_cfg_part_start(const struct idreg_vcpu_config *cfg, unsigned int vcpus,
			       char *why, size_t size);
void idreg_test_part_begin(void);
void idreg_test_cfg_part_done(const struct idreg_vcpu_config *cfg);
/*
 * Once the time passes half of selftests/settings' timeout: a warning
 * line naming the phase that took most of it.  Also after each
 * idreg_test_vm_close().
 */
void idreg_test_time_check(void);
/* At the end: the "idregs-vms-total" and "idregs-time" records. */
void idreg_test_time_report(void);

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

/* How a result came out. */
enum idreg_outcome { IDREG_PASS, IDREG_FAIL, IDREG_XFAIL, IDREG_SKIP };

__printf(3, 4)
static inline void idreg_test_report(enum idreg_result_kind kind, enum idreg_outcome o,
				     const char *fmt, ...);

/*
 * A test's walk of its checks, written once and run twice: first counting
 * (no check done, no VM changed, nothing printed: only the results counted
 * for the KTAP plan), then checking.  Before each result the walk asks
 * idreg_test_due(); before changing a VM between results,
 * idreg_test_acting().
 */
struct idreg_test_run {
	bool counting;
	unsigned int results;	/* announced so far by idreg_test_due() */
	char skip[512];		/* checking, but this pass is skipped: why */
	bool part_skipped;	/* only the current part of the pass is */
};

/*
 * The next result: counted; true when the walk is to check and report it
 * now (the checking run).  Every check reports exactly one result, or the
 * test ends at once: a plan that does not match its results is a bug of
 * the test.
 */
static inline bool idreg_test_due(struct idreg_test_run *run)
{
	if (!run->counting && ksft_test_num() != run->results)
		ksft_exit_fail_msg("plan: %u results reported after %u checks\n",
				   ksft_test_num(), run->results);
	run->results++;
	if (!run->counting && run->skip[0]) {
		idreg_test_report(IDREG_RESULT_TIMING, IDREG_SKIP, "%s\n", run->skip);
		return false;
	}
	return !run->counting;
}

/* Whether to change a VM (or run a guest) between results: not while counting. */
static inline bool idreg_test_acting(const struct idreg_test_run *run)
{
	return !run->counting && !run->skip[0];
}

/*
 * A pass of configuration @t begins, and ends.  While checking: its
 * idregs-vms record and the clock; and where the time left is less than
 * an earlier EL2 configuration's pass took (idreg_test_pass_over_time()),
 * every result of this one a skip saying so, the walk going through it
 * as when counting.
 */
static inline void idreg_test_pass_enter(struct idreg_test_run *run, const struct idreg_test_vm *t)
{
	if (run->counting)
		return;
	idreg_test_pass_begin();
	idreg_test_pass_over_time(t, run->skip, sizeof(run->skip));
}

static inline void idreg_test_pass_leave(struct idreg_test_run *run, const struct idreg_test_vm *t)
{
	if (run->counting)
		return;
	run->skip[0] = 0;
	idreg_test_pass_done(t);
}

/*
 * Within a pass, a part that creates a VM of its own with @vcpus vCPUs
 * (guest_view_test's models): skipped the same way when the time left
 * cannot hold their teardown (idreg_test_cfg_part_start()).
 */
static inline void idreg_test_part_enter(struct idreg_test_run *run, const struct idreg_test_vm *t,
					 unsigned int vcpus)
{
	if (run->counting || run->skip[0])
		return;
	run->part_skipped = idreg_test_cfg_part_start(t->cfg, vcpus, run->skip,
						      sizeof(run->skip));
}

static inline void idreg_test_part_leave(struct idreg_test_run *run, const struct idreg_test_vm *t)
{
	if (run->counting)
		return;
	if (run->part_skipped) {
		run->skip[0] = 0;
		run->part_skipped = false;
	} else if (!run->skip[0]) {
		idreg_test_cfg_part_done(t->cfg);
	}
}

/* The counting run is over: print the KTAP plan, make the next run check. */
static inline void idreg_test_plan(struct idreg_test_run *run)
{
	ksft_set_plan(run->results);
	run->counting = false;
	run->results = 0;
}

/* The checking run is over: its last check too reported one result. */
static inline void idreg_test_checked(const struct idreg_test_run *run)
{
	if (ksft_test_num() != run->results)
		ksft_exit_fail_msg("plan: %u results reported after %u checks\n",
				   ksft_test_num(), run->results);
}

/* The longest result line a test prints. */
#define IDREG_RESULT_LEN	8192

/*
 * The one way a test reports: the record "# idregs-result: n=N kind=K"
 * (docs/results.md), then KTAP result N, printf-style.
 */
__printf(3, 0)
static inline void idreg_test_vreport(enum idreg_result_kind kind, enum idreg_outcome o,
				      const char *fmt, va_list ap)
{
	char msg[IDREG_RESULT_LEN];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	idreg_test_record("result", "n=%u kind=%s", ksft_test_num() + 1,
			  idreg_result_kind_name(kind));
	switch (o) {
	case IDREG_PASS:
		ksft_test_result_pass("%s", msg);
		break;
	case IDREG_FAIL:
		ksft_test_result_fail("%s", msg);
		break;
	case IDREG_XFAIL:
		ksft_test_result_xfail("%s", msg);
		break;
	case IDREG_SKIP:
		ksft_test_result_skip("%s", msg);
		break;
	}
}

__printf(3, 4)
static inline void idreg_test_report(enum idreg_result_kind kind, enum idreg_outcome o,
				     const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	idreg_test_vreport(kind, o, fmt, ap);
	va_end(ap);
}

/* A result that passes when @ok, else fails. */
__printf(3, 4)
static inline void idreg_test_result(enum idreg_result_kind kind, bool ok, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	idreg_test_vreport(kind, ok ? IDREG_PASS : IDREG_FAIL, fmt, ap);
	va_end(ap);
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
		idreg_test_result(IDREG_RESULT_BEHAVIOUR, !nr, "%s: %s\n", target, detail);
		return;
	}
	for (i = 0; i < nr; i++) {
		if (!idreg_expect_covers(x, diff[i].value, diff[i].dir)) {
			idreg_test_report(IDREG_RESULT_BEHAVIOUR, IDREG_FAIL,
					  "%s: %s (expectation line %u names it, but not value 0x%llx with direction=%s: %s)\n",
					  target, detail, x->line, (unsigned long long)diff[i].value,
					  idreg_expect_dir_name(diff[i].dir), x->reason);
			return;
		}
	}
	x->matched += nr;
	idreg_test_report(IDREG_RESULT_BEHAVIOUR, IDREG_XFAIL, "%s: %s (expected: %s)\n", target,
			  detail, x->reason);
}

/* The result that fails on a stale expectation: one that matched nothing. */
static inline void idreg_test_report_stale(const struct idreg_expectations *e,
					   const char *release, const char *file)
{
	char err[IDREG_ERR_LEN];
	unsigned int n = idreg_expect_stale(e, release, err);

	idreg_test_result(IDREG_RESULT_BEHAVIOUR, !n,
			  "expectations: %u entries of %s, %u for this kernel stale%s%s\n",
			  e->nr, file, n, n ? " (an excuse for nothing is a failure): " : "", err);
}

/* The skip of a pass the host cannot give: "vcpu@CONFIG: why". */
static inline void idreg_test_report_unavailable(const struct idreg_test_vm *t, const char *why)
{
	char name[64];

	idreg_test_report(IDREG_RESULT_BEHAVIOUR, IDREG_SKIP, "%s: %s\n",
			  idreg_test_vm_name(t, name, sizeof(name), "vcpu"),
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

	idreg_test_clock_start();
	ksft_print_header();
	why = idreg_kvm_unavailable();
	if (why)
		ksft_exit_skip("%s\n", why);
	idreg_kernel_release(release, size);
	if (file && idreg_expect_load_beside(e, argv0, file))
		ksft_exit_fail_msg("%s\n", e->error);
}

/* The end of a test that ran its checks: its VMs and time, then kselftest's exit. */
static inline void idreg_test_finished(void)
{
	idreg_test_time_report();
	ksft_finished();
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
