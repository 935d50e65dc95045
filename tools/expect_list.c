// SPDX-License-Identifier: GPL-2.0-only
/*
 * expect-list FILE RELEASE [CPU]: the entries of a known-result file
 * (selftests/expect.h: expectations and known findings) that apply to
 * kernel RELEASE on QEMU CPU model CPU (default: any), one a line:
 *
 *     finding<TAB>TARGET<TAB>ID<TAB>LINE
 *     expectation<TAB>TARGET<TAB>DIRECTION<TAB>LINE
 *
 * The scripts' reader of those files (tools/check-kernels.sh), so that the
 * tests and the scripts parse them with the same code.  Exit 0, or 2 with
 * the file's first error (FILE:LINE: what is wrong).
 */
#include <stdio.h>

#include "expect.h"

int main(int argc, char **argv)
{
	struct idreg_expectations e;
	unsigned int i;

	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: expect-list FILE RELEASE [CPU]\n");
		return 2;
	}
	if (idreg_expect_load(&e, argv[1]) || idreg_expect_check_targets(&e, argv[1])) {
		fprintf(stderr, "expect-list: %s\n", e.error);
		idreg_expect_free(&e);
		return 2;
	}
	for (i = 0; i < e.nr; i++) {
		const struct idreg_expectation *x = &e.items[i];

		if (!idreg_expect_applies(x, argv[2], argc == 4 ? argv[3] : NULL))
			continue;
		if (idreg_expect_is_finding(x))
			printf("finding\t%s\t%s\t%u\n", x->target, x->finding, x->line);
		else
			printf("expectation\t%s\t%s\t%u\n", x->target,
			       idreg_expect_dir_name(x->dir), x->line);
	}
	idreg_expect_free(&e);
	return 0;
}
