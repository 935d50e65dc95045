// SPDX-License-Identifier: GPL-2.0-only
/*
 * Known-result files: parsing, kernel ranges, values and direction, stale
 * entries, known findings (never an expectation, per CPU), refusal of bad
 * lines, and the project's own files (every target known, none twice).
 */
#include <ctype.h>
#include <dirent.h>
#include <stdlib.h>

#include "unit.h"

#include "expect.h"
#include "idregs/util.h"

#define V	"values=0 direction=accepts"

static void test_ranges(void)
{
	struct idreg_expectations e;
	const char *text =
		"# comment\n"
		"\n"
		"A.F\t6.13-\t" V "\tfrom 6.13 on\n"
		"B.F 6.12 " V " only 6.12\n"
		"C.F  6.12-7.2  " V "  a closed range\n"
		"D.F * " V " always\n";

	UNIT_OK(idreg_expect_parse(&e, text, "t") == 0, "a valid file parses");
	UNIT_EQ_U64(e.nr, 4, "four expectations, comments and blank lines skipped");
	UNIT_EQ_U64(e.nr ? e.items[0].line : 0, 3, "line numbers count blank lines");
	UNIT_OK(idreg_expect_find(&e, "A.F", "7.3.4+deb13-arm64") != NULL, "open range matches 7.3");
	UNIT_OK(idreg_expect_find(&e, "A.F", "7.3.4") != NULL, "a plain release (self-built) too");
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

	UNIT_OK(idreg_expect_parse(&e, "A.F 6.12- values=0-5,0xf direction=refuses why\n", "t") == 0,
		"values= and direction= parse");
	x = idreg_expect_find(&e, "A.F", "7.3.4");
	UNIT_OK(x && x->nr_ranges == 2 && x->dir == IDREG_EXPECT_REFUSES, "two ranges, refuses");
	UNIT_OK(x && idreg_expect_covers(x, 0, IDREG_EXPECT_REFUSES) &&
		idreg_expect_covers(x, 5, IDREG_EXPECT_REFUSES) &&
		idreg_expect_covers(x, 0xf, IDREG_EXPECT_REFUSES),
		"range ends and a single value are covered");
	UNIT_OK(x && !idreg_expect_covers(x, 6, IDREG_EXPECT_REFUSES) &&
		!idreg_expect_covers(x, 0xe, IDREG_EXPECT_REFUSES),
		"values outside the list are not");
	UNIT_OK(x && !idreg_expect_covers(x, 0, IDREG_EXPECT_ACCEPTS) &&
		!idreg_expect_covers(x, 0, IDREG_EXPECT_READS),
		"the other directions are not");
	UNIT_EQ_STR(x ? x->reason : NULL, "why", "the reason follows the direction");
	idreg_expect_free(&e);
}

static void test_stale(void)
{
	struct idreg_expectations e;
	struct idreg_expectation *x;
	char err[IDREG_ERR_LEN];

	UNIT_OK(idreg_expect_parse(&e, "A.F 6.13- " V " new\nB.F 6.12 " V " old\n", "t") == 0,
		"two entries");
	UNIT_EQ_U64(idreg_expect_stale(&e, "7.3.4", err), 1, "on 7.3 the 6.13- entry is stale");
	UNIT_OK(strstr(err, "line 1: A.F") != NULL, err);
	UNIT_EQ_U64(idreg_expect_stale(&e, "6.12.117", err), 1, "on 6.12 the 6.12 entry is");
	x = idreg_expect_find(&e, "A.F", "7.3.4");
	if (x)
		x->matched++;
	UNIT_EQ_U64(idreg_expect_stale(&e, "7.3.4", err), 0, "once it matched, it is not");
	idreg_expect_free(&e);
}

static void test_findings(void)
{
	struct idreg_expectations e;
	const struct idreg_expectation *x;
	char err[IDREG_ERR_LEN];
	const char *text =
		"A.F 6.16 finding=pmuver-signed cpu=max,a64fx PMUVer compared as signed\n"
		"A.F 6.16 finding=pmuver-signed cpu=neoverse-n1 the same on another CPU\n"
		"B.F 6.16\tfinding=other\tkept\twhole\n"
		"A.F 6.16 " V " an expectation beside the findings\n";

	UNIT_OK(idreg_expect_parse(&e, text, "t") == 0, "findings and an expectation parse");
	UNIT_EQ_U64(e.nr, 4, "four entries");
	x = e.nr == 4 ? &e.items[0] : NULL;
	UNIT_OK(x && idreg_expect_is_finding(x), "finding= makes a known finding");
	UNIT_EQ_STR(x ? x->finding : NULL, "pmuver-signed", "its id");
	UNIT_EQ_STR(x ? x->cpus : NULL, "max,a64fx", "its CPUs");
	UNIT_OK(x && idreg_expect_applies(x, "6.16.12", "a64fx") &&
		!idreg_expect_applies(x, "6.16.12", "neoverse-n1") &&
		!idreg_expect_applies(x, "6.17.1", "max"), "it applies to its series and CPUs only");
	UNIT_EQ_STR(e.nr == 4 ? e.items[2].reason : NULL, "kept\twhole", "a reason after tabs is kept whole");
	x = idreg_expect_find(&e, "A.F", "6.16.12");
	UNIT_OK(x && !idreg_expect_is_finding(x), "a test finds the expectation, never a finding");
	UNIT_OK(idreg_expect_find(&e, "B.F", "6.16.12") == NULL, "a finding excuses nothing");
	UNIT_EQ_U64(idreg_expect_stale(&e, "6.16.12", err), 1, "only the expectation can be stale");
	idreg_expect_free(&e);
}

static void test_targets(const char *target, bool known)
{
	struct idreg_expectations e;
	char text[256];

	snprintf(text, sizeof(text), "%s * " V " why\n", target);
	UNIT_OK(idreg_expect_parse(&e, text, "t") == 0, target);
	UNIT_OK((idreg_expect_check_targets(&e, "t") == 0) == known,
		known ? "a target the tests report" : e.error);
	idreg_expect_free(&e);
}

/* The project's own files: they parse, and every target is one a test reports. */
static void test_file(const char *path)
{
	struct idreg_expectations e;
	int r = idreg_expect_load(&e, path);

	UNIT_OK(r == 0, r ? e.error : path);
	r = r ?: idreg_expect_check_targets(&e, path);
	UNIT_OK(r == 0, r ? e.error : path);
	idreg_expect_free(&e);
}

#define MAX_GROUPS	64
#define GROUP_LEN	32

struct groups {
	char name[MAX_GROUPS][GROUP_LEN];
	char file[MAX_GROUPS][GROUP_LEN];
	unsigned int nr;
};

static bool is_file_name(const char *kind, size_t len, char end)
{
	static const char *const exts[] = { "h", "c", "expect", "seq" };
	unsigned int i;

	for (i = 0; end == '"' && i < ARRAY_SIZE(exts); i++)
		if (strlen(exts[i]) == len && !strncmp(kind, exts[i], len))
			return true;
	return false;
}

/*
 * The test-wide result groups a test's source prints: a string literal
 * that starts "GROUP.KIND" (lower case: a register's results start with
 * its name) and ends there or goes on with ':', as a result line does;
 * file names ("expect.h", "guest_view.expect") are none.
 */
static void groups_in(const char *text, const char *file, struct groups *g)
{
	const char *p, *q, *kind;
	unsigned int i;
	size_t len;

	for (p = strchr(text, '"'); p; p = strchr(p + 1, '"')) {
		q = p + 1;
		if (!islower((unsigned char)*q))
			continue;
		while (islower((unsigned char)*q) || isdigit((unsigned char)*q) || *q == '_')
			q++;
		if (*q != '.')
			continue;
		len = q - (p + 1);
		kind = ++q;
		while (isalnum((unsigned char)*q) || *q == '_' || *q == '%')
			q++;
		if (q == kind || (*q != ':' && *q != '"') || is_file_name(kind, q - kind, *q) ||
		    len >= GROUP_LEN)
			continue;
		for (i = 0; i < g->nr; i++)
			if (strlen(g->name[i]) == len && !strncmp(g->name[i], p + 1, len))
				break;
		if (i < g->nr || g->nr == MAX_GROUPS)
			continue;
		snprintf(g->name[g->nr], GROUP_LEN, "%.*s", (int)len, p + 1);
		snprintf(g->file[g->nr++], GROUP_LEN, "%.*s", GROUP_LEN - 1, file);
	}
}

/*
 * expect.c's list of test-wide result groups and the groups the tests'
 * sources print (selftests/ *_test.c) are the same.
 */
static void test_groups(void)
{
	char path[300], err[IDREG_ERR_LEN], desc[160], *text;
	struct groups g = { .nr = 0 };
	const struct dirent *de;
	unsigned int i, k;
	size_t len;
	DIR *dir = opendir("selftests");

	UNIT_OK(dir != NULL, "selftests/ opens (the unit tests run from the top directory)");
	while (dir && (de = readdir(dir))) {
		len = strlen(de->d_name);
		if (len < 8 || strcmp(de->d_name + len - 7, "_test.c"))
			continue;
		snprintf(path, sizeof(path), "selftests/%s", de->d_name);
		text = idreg_read_file(path, &len, err);
		UNIT_OK(text != NULL, text ? path : err);
		if (text)
			groups_in(text, de->d_name, &g);
		free(text);
	}
	if (dir)
		closedir(dir);
	UNIT_OK(g.nr > 0 && g.nr < MAX_GROUPS, "the tests' sources print result groups");
	for (i = 0; i < g.nr; i++) {
		for (k = 0; k < idreg_expect_nr_groups; k++)
			if (!strcmp(g.name[i], idreg_expect_groups[k]))
				break;
		snprintf(desc, sizeof(desc), "%s.* (%s) is in expect.c's result groups",
			 g.name[i], g.file[i]);
		UNIT_OK(k < idreg_expect_nr_groups, desc);
	}
	for (k = 0; k < idreg_expect_nr_groups; k++) {
		for (i = 0; i < g.nr; i++)
			if (!strcmp(g.name[i], idreg_expect_groups[k]))
				break;
		snprintf(desc, sizeof(desc), "expect.c's result group %s is one a test prints",
			 idreg_expect_groups[k]);
		UNIT_OK(i < g.nr, desc);
	}
}

int main(void)
{
	test_ranges();
	test_values();
	test_stale();
	test_findings();
	test_bad("A.F 6.12- values=0 direction=reads\n", "f.expect:1: need TARGET", "a reason is required");
	test_bad("# c\nA.F 6.x " V " why\n", "f.expect:2: KERNELS", "a malformed kernel range");
	test_bad("A.F 7.3-6.12 " V " why\n", "f.expect:1: KERNELS", "a backwards range");
	test_bad("A.F 6.12 values=5-1 direction=reads why\n", "f.expect:1: values=", "a backwards value range");
	test_bad("A.F 6.12 values=x direction=reads why\n", "f.expect:1: values=", "a value that is no number");
	test_bad("A.F 6.12 direction=reads why\n", "f.expect:1: values=", "values= is required");
	test_bad("A.F 6.12 values=0 why\n", "f.expect:1: direction=", "direction= is required");
	test_bad("A.F 6.12 values=0 direction=maybe why\n", "f.expect:1: direction=", "an unknown direction");
	test_bad("A.F 6.12- " V " a\n\nA.F 7.3 " V " b\n", "f.expect:3: a second entry", "overlapping duplicates");
	test_bad("A.F 6.16 finding=x cpu=max a\nA.F 6.16 finding=x cpu=a64fx,max b\n",
		 "f.expect:2: a second entry", "findings on a CPU in common");
	test_bad("A.F 6.16 finding=x " V " why\n", "f.expect:1: an entry is an expectation",
		 "a finding with values=");
	test_bad("A.F 6.16 cpu=max why\n", "f.expect:1: an entry is an expectation", "cpu= without finding=");
	test_bad("A.F 6.16 finding=x\n", "f.expect:1: need TARGET", "a finding needs a reason");
	test_targets("ID_AA64PFR0_EL1.EL0", true);
	test_targets("ID_AA64PFR0_EL1.outside_mask", true);
	test_targets("ID_AA64PFR0_EL1.bits[63:60]", true);
	test_targets("MIDR_EL1.outside_mask@imp_id_writable", true);
	test_targets("S3_0_C0_C3_7.outside_mask", true);
	test_targets("CTR_EL0.view@default", true);
	test_targets("apply@seeded", true);
	test_targets("ID_AA64ZFR0_EL1.SVEver@sve", true);
	test_targets("CTR_EL0.view@seeded@el2-e2h0", true);
	test_targets("apply@lowest@qemu-host", true);
	test_targets("ID_AA64ZFR0_EL1.SVEver@nosuchconfig", false);
	test_targets("CTR_EL0.view@seeded@sve@pmu", false);
	test_targets("CTR_EL0.view@sve@seeded", false);
	test_targets("ID_AA64PFR0_EL1.NoSuchField", false);
	test_targets("ID_NOSUCH_EL1.EL0", false);
	test_targets("ID_AA64PFR0_EL1.EL0@nosuchvariant", false);
	test_targets("ID_AA64PFR0_EL1.bits[60:63]", false);
	test_targets("whatever", false);
	test_targets("ID_DFR0_EL1", true);
	test_targets("masks.kept_writable", true);
	test_targets("masks.", false);
	test_file("selftests/writable_fields.expect");
	test_file("selftests/guest_view.expect");
	test_file("selftests/guest_consequences.expect");
	test_file("tools/check-kernels.known");
	test_groups();
	return unit_done();
}
