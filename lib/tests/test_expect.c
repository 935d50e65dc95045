// SPDX-License-Identifier: GPL-2.0-only
/* Expectation files: parsing, kernel ranges, refusal of bad lines. */
#include "unit.h"

#include "idregs/expect.h"

static void test_ranges(void)
{
	struct idreg_expectations e;
	const char *text =
		"# comment\n"
		"\n"
		"A.F\t6.13-\tfrom 6.13 on\n"
		"B.F 6.12 only 6.12\n"
		"C.F  6.12-7.2  a closed range\n"
		"D.F * always\n";

	UNIT_OK(idreg_expect_parse(&e, text, "t") == 0, "a valid file parses");
	UNIT_EQ_U64(e.nr, 4, "four expectations, comments and blank lines skipped");
	UNIT_OK(idreg_expect_find(&e, "A.F", "7.3.4+deb13-arm64") != NULL, "open range matches 7.3");
	UNIT_OK(idreg_expect_find(&e, "A.F", "6.12.117+deb13-arm64") == NULL, "open range excludes 6.12");
	UNIT_OK(idreg_expect_find(&e, "B.F", "6.12.117") != NULL, "single series matches");
	UNIT_OK(idreg_expect_find(&e, "B.F", "6.1.0-56-arm64") == NULL, "6.1 is not 6.12");
	UNIT_OK(idreg_expect_find(&e, "C.F", "7.2.12") != NULL, "closed range includes its end");
	UNIT_OK(idreg_expect_find(&e, "C.F", "7.3.4") == NULL, "closed range excludes what follows");
	UNIT_OK(idreg_expect_find(&e, "D.F", "5.10.0") != NULL, "* matches any kernel");
	UNIT_OK(idreg_expect_find(&e, "D.F", "garbage") == NULL, "an unparsable release matches nothing");
	UNIT_OK(idreg_expect_find(&e, "E.F", "7.3.4") == NULL, "unknown target");
	UNIT_EQ_STR(idreg_expect_find(&e, "C.F", "7.0.1")->reason, "a closed range", "reason kept whole");
	idreg_expect_free(&e);
}

static void test_bad(const char *text, const char *want, const char *desc)
{
	struct idreg_expectations e;

	UNIT_OK(idreg_expect_parse(&e, text, "f.expect") == -1, desc);
	UNIT_OK(strstr(e.error, want) != NULL, e.error);
	UNIT_OK(e.items == NULL && e.nr == 0, "nothing kept after an error");
}

static void test_values(void)
{
	struct idreg_expectations e;
	const struct idreg_expectation *x;

	UNIT_OK(idreg_expect_parse(&e, "A.F 6.12- values=0-5,0xf why\nB.F * because\n", "t") == 0,
		"values= parses");
	x = idreg_expect_find(&e, "A.F", "7.3.4");
	UNIT_OK(x && x->nr_ranges == 2, "two ranges");
	UNIT_OK(x && idreg_expect_covers(x, 0) && idreg_expect_covers(x, 5) &&
		idreg_expect_covers(x, 0xf), "range ends and a single value are covered");
	UNIT_OK(x && !idreg_expect_covers(x, 6) && !idreg_expect_covers(x, 0xe),
		"values outside the list are not");
	UNIT_EQ_STR(x ? x->reason : NULL, "why", "the reason follows the list");
	x = idreg_expect_find(&e, "B.F", "7.3.4");
	UNIT_OK(x && x->nr_ranges == 0 && idreg_expect_covers(x, 12345),
		"without values= every value is covered");
	idreg_expect_free(&e);
}

int main(void)
{
	test_ranges();
	test_values();
	test_bad("A.F 6.12-\n", "f.expect:1: need TARGET KERNELS REASON", "a reason is required");
	test_bad("# c\nA.F 6.x why\n", "f.expect:2: KERNELS", "a malformed kernel range");
	test_bad("A.F 7.3-6.12 why\n", "f.expect:1: KERNELS", "a backwards range");
	test_bad("A.F 6.12 values=5-1 why\n", "f.expect:1: values=", "a backwards value range");
	test_bad("A.F 6.12 values=x why\n", "f.expect:1: values=", "a value that is no number");
	test_bad("A.F 6.12 values=0-5\n", "f.expect:1: need TARGET KERNELS REASON", "values= without a reason");
	return unit_done();
}
