/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Helpers shared by the idregs selftests.  Static inline, like kselftest.h
 * itself: its result counters are per translation unit, so reporting has
 * to happen in the test's own file.  Include after kselftest.h.
 */
#ifndef IDREGS_SELFTEST_H
#define IDREGS_SELFTEST_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "expect.h"
#include "idregs/kvm.h"
#include "idregs/util.h"
#include "idregs/vcpu_config.h"

/* One value (or bit) where KVM differed from the prediction, and how. */
struct idreg_test_diff {
	uint64_t value;
	enum idreg_expect_dir dir;
};

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

/* At most every configuration once. */
#define IDREG_TEST_MAX_CONFIGS	16

/*
 * The vCPU configurations a test runs: "--vcpu LIST" (comma-separated
 * names, or "all") on the command line, else "default".  A bad list ends
 * the test (exit 1, the reason on the KTAP stream).
 */
static inline unsigned int idreg_test_configs(int argc, char **argv,
					      const struct idreg_vcpu_config **out)
{
	const char *list = "default";
	char err[IDREG_ERR_LEN];
	int i, n;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--vcpu") && i + 1 < argc)
			list = argv[++i];
		else
			ksft_exit_fail_msg("usage: %s [--vcpu CONFIG[,CONFIG...]|all]: bad argument '%s'\n",
					   argv[0], argv[i]);
	}
	n = idreg_vcpu_config_parse(list, out, IDREG_TEST_MAX_CONFIGS, err);
	if (n < 0)
		ksft_exit_fail_msg("--vcpu %s: %s\n", list, err);
	return n;
}

/* "@name" for a result of configuration @c; "" for the default one. */
static inline const char *idreg_test_config_suffix(const struct idreg_vcpu_config *c,
						   char *buf, size_t size)
{
	if (idreg_vcpu_config_is_default(c))
		return "";
	snprintf(buf, size, "@%s", c->name);
	return buf;
}

/* Append printf-style text to a bounded diagnostics buffer. */
static inline __printf(3, 4)
void idreg_append(char *buf, size_t size, const char *fmt, ...)
{
	size_t used = strlen(buf);
	va_list ap;

	if (used >= size - 1)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + used, size - used, fmt, ap);
	va_end(ap);
}

#endif /* IDREGS_SELFTEST_H */
