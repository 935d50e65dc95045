/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Tiny TAP-like helpers for the portable unit tests: every check prints
 * "ok N - desc" or "not ok N - desc" with the values, unit_done() prints
 * "P passed, F failed" and gives the exit status.
 */
#ifndef IDREGS_UNIT_H
#define IDREGS_UNIT_H

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static struct {
	unsigned int nr;
	unsigned int failed;
} unit;

static inline bool unit_report(bool ok, const char *desc)
{
	unit.nr++;
	if (!ok)
		unit.failed++;
	printf("%sok %u - %s\n", ok ? "" : "not ", unit.nr, desc);
	return ok;
}

#define UNIT_OK(cond, desc)						\
	do {								\
		if (!unit_report((cond), (desc)))			\
			printf("#   %s is false\n", #cond);		\
	} while (0)

#define UNIT_EQ_U64(got, want, desc)					\
	do {								\
		uint64_t __g = (got), __w = (want);			\
		if (!unit_report(__g == __w, (desc)))			\
			printf("#   %s = 0x%" PRIx64 ", want 0x%" PRIx64 "\n", \
			       #got, __g, __w);				\
	} while (0)

#define UNIT_EQ_I64(got, want, desc)					\
	do {								\
		int64_t __g = (got), __w = (want);			\
		if (!unit_report(__g == __w, (desc)))			\
			printf("#   %s = %" PRId64 ", want %" PRId64 "\n",	\
			       #got, __g, __w);				\
	} while (0)

#define UNIT_EQ_STR(got, want, desc)					\
	do {								\
		const char *__g = (got), *__w = (want);			\
		bool __ok = __g && __w ? !strcmp(__g, __w) : __g == __w; \
		if (!unit_report(__ok, (desc)))				\
			printf("#   %s = \"%s\", want \"%s\"\n", #got,	\
			       __g ? __g : "(null)", __w ? __w : "(null)"); \
	} while (0)

static inline int unit_done(void)
{
	printf("%u passed, %u failed\n", unit.nr - unit.failed, unit.failed);
	return unit.failed ? 1 : 0;
}

#endif /* IDREGS_UNIT_H */
