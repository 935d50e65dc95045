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

#include "idregs/expect.h"
#include "idregs/kvm.h"

/* The running kernel's release, for the expectation files' version ranges. */
static inline void idreg_test_read_release(char *buf, size_t size)
{
	FILE *f = fopen("/proc/sys/kernel/osrelease", "r");

	buf[0] = 0;
	if (f) {
		if (fgets(buf, size, f))
			buf[strcspn(buf, "\n")] = 0;
		fclose(f);
	}
}

/*
 * One KTAP result: pass or fail, or XFAIL/XPASS when an expectation names
 * @target on this kernel (its reason is printed either way).  @diff lists
 * the @nr values where KVM differed: an expectation with a values= list
 * turns a failure into XFAIL only if it covers every one of them.
 */
static inline void idreg_test_report_values(const struct idreg_expectations *e,
					    const char *release, const char *target,
					    bool ok, const char *detail,
					    const uint64_t *diff, unsigned int nr)
{
	const struct idreg_expectation *x = idreg_expect_find(e, target, release);
	unsigned int i;

	for (i = 0; x && !ok && i < nr; i++) {
		if (!idreg_expect_covers(x, diff[i])) {
			ksft_test_result_fail("%s: %s (an expectation names it, but not value 0x%llx: %s)\n",
					      target, detail, (unsigned long long)diff[i], x->reason);
			return;
		}
	}
	if (x && !ok)
		ksft_test_result_xfail("%s: %s (expected: %s)\n", target, detail, x->reason);
	else if (x)
		ksft_test_result_xpass("%s: %s (an expectation names it: %s)\n",
				       target, detail, x->reason);
	else
		ksft_test_result(ok, "%s: %s\n", target, detail);
}

static inline void idreg_test_report(const struct idreg_expectations *e,
				     const char *release, const char *target,
				     bool ok, const char *detail)
{
	idreg_test_report_values(e, release, target, ok, detail, NULL, 0);
}

/*
 * The common start of a test: KTAP header; a skip (exit 4) with the reason
 * where KVM or its writable masks are missing; the running kernel's release
 * into @release; the expectation file @file from beside the test binary
 * (none when @e is NULL).
 */
static inline void idreg_test_start(const char *argv0, char *release, size_t size,
				    struct idreg_expectations *e, const char *file)
{
	const char *why;

	ksft_print_header();
	why = idreg_kvm_unavailable();
	if (why)
		ksft_exit_skip("%s\n", why);
	idreg_test_read_release(release, size);
	if (e && idreg_expect_load_beside(e, argv0, file))
		ksft_exit_fail_msg("%s\n", e->error);
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
