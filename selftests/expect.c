// SPDX-License-Identifier: GPL-2.0-only
/* Known-result files (expectations and known findings): expect.h. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "expect.h"
#include "idregs/field.h"
#include "idregs/kversion.h"
#include "idregs/util.h"
#include "idregs/vcpu_config.h"

#define VERSION_MAX	0xffffffffU

static int parse_kernels(const char *s, unsigned int *from, unsigned int *to)
{
	const char *p;

	if (!strcmp(s, "*")) {
		*from = 0;
		*to = VERSION_MAX;
		return 0;
	}
	if (idreg_parse_kernel_version(s, &p, from))
		return -1;
	if (!*p) {
		*to = *from;
		return 0;
	}
	if (*p != '-')
		return -1;
	if (!p[1]) {
		*to = VERSION_MAX;
		return 0;
	}
	if (idreg_parse_kernel_version(p + 1, &p, to) || *p || *to < *from)
		return -1;
	return 0;
}

/* "values=0-5,0xf" into @x's ranges; -1 if malformed or too many. */
static int parse_values(struct idreg_expectation *x, const char *list)
{
	const char *p = list;

	x->nr_ranges = 0;
	while (*p) {
		unsigned long long lo, hi;
		char *end;

		if (x->nr_ranges == IDREG_EXPECT_MAX_RANGES)
			return -1;
		errno = 0;
		lo = strtoull(p, &end, 0);
		if (end == p || errno)
			return -1;
		hi = lo;
		if (*end == '-') {
			p = end + 1;
			hi = strtoull(p, &end, 0);
			if (end == p || errno || hi < lo)
				return -1;
		}
		x->values[x->nr_ranges].lo = lo;
		x->values[x->nr_ranges].hi = hi;
		x->nr_ranges++;
		if (*end == ',')
			end++;
		else if (*end)
			return -1;
		p = end;
	}
	return x->nr_ranges ? 0 : -1;
}

static const char *const dir_names[] = {
	[IDREG_EXPECT_ACCEPTS] = "accepts",
	[IDREG_EXPECT_REFUSES] = "refuses",
	[IDREG_EXPECT_READS] = "reads",
};

const char *idreg_expect_dir_name(enum idreg_expect_dir dir)
{
	return (unsigned int)dir < ARRAY_SIZE(dir_names) ? dir_names[dir] : "?";
}

static int parse_dir(const char *s, enum idreg_expect_dir *dir)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(dir_names); i++) {
		if (!strcmp(s, dir_names[i])) {
			*dir = i;
			return 0;
		}
	}
	return -1;
}

enum line_error {
	LINE_OK,
	LINE_FIELDS,
	LINE_LONG,
	LINE_KERNELS,
	LINE_VALUES,
	LINE_DIR,
	LINE_DUPLICATE,
	LINE_KIND,
};

static const char *const line_errors[] = {
	[LINE_FIELDS] = "need TARGET KERNELS values=LIST direction=DIR REASON, or TARGET KERNELS finding=ID [cpu=LIST] REASON",
	[LINE_LONG] = "target, reason, finding or cpu list too long",
	[LINE_KERNELS] = "KERNELS must be *, X.Y, X.Y- or X.Y-A.B",
	[LINE_VALUES] = "values= must be a list of numbers and ranges, e.g. values=0-5,0xf (at most 8): the values where KVM differs",
	[LINE_DIR] = "direction= must be accepts, refuses or reads: which way KVM differs from the prediction",
	[LINE_DUPLICATE] = "a second entry for the same target and kernels",
	[LINE_KIND] = "an entry is an expectation (values=, direction=) or a known finding (finding=, cpu=), not both",
};

/* Copy @src into @dst of @size; false if it does not fit. */
static bool copy_word(char *dst, size_t size, const char *src)
{
	size_t len = strlen(src);

	if (len >= size)
		return false;
	memcpy(dst, src, len + 1);
	return true;
}

static const char *const keys[] = { "values=", "direction=", "finding=", "cpu=" };

/* Does the word at @w start with a key?  Its index, or -1. */
static int key_of(const char *w)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(keys); i++)
		if (!strncmp(w, keys[i], strlen(keys[i])))
			return i;
	return -1;
}

/* The KEY=VALUE word @word (key @key) into @x. */
static enum line_error parse_key(struct idreg_expectation *x, int key, const char *word,
				 bool *has_values, bool *has_dir)
{
	const char *v = word + strlen(keys[key]);

	switch (key) {
	case 0:
		*has_values = true;
		return parse_values(x, v) ? LINE_VALUES : LINE_OK;
	case 1:
		*has_dir = true;
		return parse_dir(v, &x->dir) ? LINE_DIR : LINE_OK;
	case 2:
		if (!*v)
			return LINE_FIELDS;
		return copy_word(x->finding, sizeof(x->finding), v) ? LINE_OK : LINE_LONG;
	default:
		if (!*v)
			return LINE_FIELDS;
		return copy_word(x->cpus, sizeof(x->cpus), v) ? LINE_OK : LINE_LONG;
	}
}

/* The next blank-separated word at *@p, or NULL; *@p moves past it. */
static char *take_word(char **p)
{
	char *w = *p + strspn(*p, " \t");
	size_t len = strcspn(w, " \t");

	if (!len)
		return NULL;
	*p = w + len;
	if (**p)
		*(*p)++ = 0;
	return w;
}

static enum line_error parse_line(struct idreg_expectation *x, char *line)
{
	char *target, *kernels, *word, *reason, *p = line;
	bool has_values = false, has_dir = false;
	enum line_error err;
	int key;

	memset(x, 0, sizeof(*x));
	target = take_word(&p);
	kernels = take_word(&p);
	if (!target || !kernels)
		return LINE_FIELDS;
	/* KEY=VALUE words, then the reason: the rest of the line. */
	for (;;) {
		reason = p + strspn(p, " \t");
		key = key_of(reason);
		if (key < 0)
			break;
		word = take_word(&p);
		err = parse_key(x, key, word, &has_values, &has_dir);
		if (err)
			return err;
	}
	if (x->finding[0] || x->cpus[0]) {
		if (has_values || has_dir || !x->finding[0])
			return LINE_KIND;
	} else if (!has_values) {
		return LINE_VALUES;
	} else if (!has_dir) {
		return LINE_DIR;
	}
	if (!*reason)
		return LINE_FIELDS;
	if (strlen(target) >= sizeof(x->target) || strlen(reason) >= sizeof(x->reason))
		return LINE_LONG;
	if (parse_kernels(kernels, &x->from, &x->to))
		return LINE_KERNELS;
	/* Both fit: their lengths were checked above. */
	memcpy(x->target, target, strlen(target) + 1);
	memcpy(x->reason, reason, strlen(reason) + 1);
	return LINE_OK;
}

/* Do CPU lists @a and @b ("" any, else comma-separated) share a model? */
static bool cpus_overlap(const char *a, const char *b)
{
	const char *p = a;

	if (!*a || !*b)
		return true;
	while (*p) {
		size_t len = strcspn(p, ",");
		const char *q = b;

		while (*q) {
			size_t qlen = strcspn(q, ",");

			if (qlen == len && !strncmp(p, q, len))
				return true;
			q += qlen + (q[qlen] == ',');
		}
		p += len + (p[len] == ',');
	}
	return false;
}

static bool duplicate(const struct idreg_expectations *e, const struct idreg_expectation *x)
{
	unsigned int i;

	for (i = 0; i < e->nr; i++) {
		const struct idreg_expectation *y = &e->items[i];

		if (strcmp(y->target, x->target) || x->from > y->to || y->from > x->to ||
		    idreg_expect_is_finding(x) != idreg_expect_is_finding(y))
			continue;
		if (!idreg_expect_is_finding(x) || cpus_overlap(x->cpus, y->cpus))
			return true;
	}
	return false;
}

int idreg_expect_parse(struct idreg_expectations *e, const char *text, const char *name)
{
	char *copy = strdup(text), *line, *rest = copy;
	unsigned int lineno = 0;

	memset(e, 0, sizeof(*e));
	if (!copy) {
		snprintf(e->error, sizeof(e->error), "%s: out of memory", name);
		return -1;
	}
	/* strsep, not strtok: blank lines count for the line numbers. */
	while ((line = strsep(&rest, "\n"))) {
		struct idreg_expectation x, *items;
		enum line_error r;

		lineno++;
		line += strspn(line, " \t");
		if (!*line || *line == '#')
			continue;
		r = parse_line(&x, line);
		if (!r && duplicate(e, &x))
			r = LINE_DUPLICATE;
		if (r) {
			snprintf(e->error, sizeof(e->error), "%s:%u: %s", name, lineno,
				 line_errors[r]);
			goto fail;
		}
		x.line = lineno;
		items = realloc(e->items, (e->nr + 1) * sizeof(*items));
		if (!items) {
			snprintf(e->error, sizeof(e->error), "%s: out of memory", name);
			goto fail;
		}
		e->items = items;
		e->items[e->nr++] = x;
	}
	free(copy);
	return 0;
fail:
	free(copy);
	idreg_expect_free(e);
	return -1;
}

int idreg_expect_load(struct idreg_expectations *e, const char *path)
{
	size_t len;
	char *text;
	int r;

	memset(e, 0, sizeof(*e));
	text = idreg_read_file(path, &len, e->error);
	if (!text)
		return -1;
	r = idreg_expect_parse(e, text, path);
	free(text);
	return r;
}

const char *idreg_path_beside(char *path, size_t size, const char *argv0, const char *file)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash;

	if (n > 0)
		exe[n] = 0;
	else
		snprintf(exe, sizeof(exe), "%s", argv0);
	slash = strrchr(exe, '/');
	if (slash)
		*slash = 0;
	else
		snprintf(exe, sizeof(exe), ".");
	snprintf(path, size, "%s/%s", exe, file);
	return path;
}

int idreg_expect_load_beside(struct idreg_expectations *e, const char *argv0, const char *file)
{
	char path[PATH_MAX + 256];

	return idreg_expect_load(e, idreg_path_beside(path, sizeof(path), argv0, file));
}

static bool applies(const struct idreg_expectation *x, unsigned int v)
{
	return v && v >= x->from && v <= x->to;
}

bool idreg_expect_is_finding(const struct idreg_expectation *x)
{
	return x->finding[0] != 0;
}

bool idreg_expect_applies(const struct idreg_expectation *x, const char *release,
			  const char *cpu)
{
	if (!applies(x, idreg_kernel_version(release)))
		return false;
	return !x->cpus[0] || !cpu || cpus_overlap(x->cpus, cpu);
}

struct idreg_expectation *
idreg_expect_find(struct idreg_expectations *e, const char *target, const char *release)
{
	unsigned int v = idreg_kernel_version(release), i;

	for (i = 0; i < e->nr; i++)
		if (!strcmp(e->items[i].target, target) && applies(&e->items[i], v) &&
		    !idreg_expect_is_finding(&e->items[i]))
			return &e->items[i];
	return NULL;
}

bool idreg_expect_covers(const struct idreg_expectation *x, unsigned long long value,
			 enum idreg_expect_dir dir)
{
	unsigned int i;

	if (dir != x->dir)
		return false;
	for (i = 0; i < x->nr_ranges; i++)
		if (value >= x->values[i].lo && value <= x->values[i].hi)
			return true;
	return false;
}

unsigned int idreg_expect_stale(const struct idreg_expectations *e, const char *release,
				char *err)
{
	unsigned int v = idreg_kernel_version(release), i, n = 0;

	err[0] = 0;
	for (i = 0; i < e->nr; i++) {
		const struct idreg_expectation *x = &e->items[i];

		if (!applies(x, v) || x->matched || idreg_expect_is_finding(x))
			continue;
		if (!n++)
			snprintf(err, IDREG_ERR_LEN, "line %u: %s (direction=%s) matched nothing on %s",
				 x->line, x->target, idreg_expect_dir_name(x->dir), release);
	}
	return n;
}

/* Result kinds after "REG." that are not field names. */
static const char *const reg_results[] = {
	"outside_mask", "view", "holds", "vm_wide", "per_vcpu", "reset", "frozen",
	"writable_after_run",
};
/* Results that name no register. */
static const char *const test_results[] = {
	"apply", "run", "changes", "current_values", "snapshot", "features", "hidden", "errno_after_run",
	"kvm_gates",
};
/*
 * Test-wide results with a kind after the '.': "masks.kept_writable",
 * defaults_test's "order.imp_id_cap_after_vcpu", vcpu_surroundings_test's
 * "reg_list.round_trip", "ccsidr.guest", ..., guest_consequences_test's
 * "pmu.counters", "debug.wrps", ..., guest_view_test's
 * "runner.time_bound", sequences_test's "sequence.N" and "finding.NAME".
 * selftests/unit/test_expect.c holds this list to the names the tests'
 * sources print, both ways.
 */
const char *const idreg_expect_groups[] = {
	"masks", "order", "reg_list", "ccsidr", "cap", "vcpus", "pmu", "sve", "debug", "aarch32",
	"pauth", "timer", "runner", "sequence", "finding",
};
const unsigned int idreg_expect_nr_groups = ARRAY_SIZE(idreg_expect_groups);

static const char *const variants[] = {
	"imp_id_writable", "default", "seeded", "lowest", "ctr",
};

static bool in_list(const char *s, size_t len, const char *const *list, unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < nr; i++)
		if (strlen(list[i]) == len && !strncmp(s, list[i], len))
			return true;
	return false;
}

/* A register of the tables by name, or an S3_op1_C0_Ccrm_op2 slot name. */
static bool reg_known(const char *s, size_t len, const struct idreg_reg **reg)
{
	unsigned int op1, crm, op2;
	char name[64], tail;

	*reg = NULL;
	if (len >= sizeof(name))
		return false;
	memcpy(name, s, len);
	name[len] = 0;
	*reg = idreg_reg_by_name(name);
	if (*reg)
		return true;
	return sscanf(name, "S3_%u_C0_C%u_%u%c", &op1, &crm, &op2, &tail) == 3 &&
	       idreg_slot_index(3, op1, 0, crm, op2) >= 0;
}

static bool bits_result(const char *s)
{
	unsigned int hi, lo;
	char tail;

	return sscanf(s, "bits[%u:%u%c", &hi, &lo, &tail) == 3 && tail == ']' &&
	       !s[strcspn(s, "]") + 1] && hi < 64 && lo <= hi;
}

/*
 * What follows a result's first '@': a variant, a vCPU configuration
 * (idreg_test_config_suffix()), or a variant then a configuration
 * ("view@seeded@sve").
 */
static bool suffix_known(const char *s)
{
	const char *at = strchr(s, '@');
	size_t len = at ? (size_t)(at - s) : strlen(s);
	char name[32];

	if (in_list(s, len, variants, ARRAY_SIZE(variants)))
		return !at || (!strchr(at + 1, '@') && idreg_vcpu_config_by_name(at + 1));
	snprintf(name, sizeof(name), "%.*s", (int)len, s);
	return !at && len < sizeof(name) && idreg_vcpu_config_by_name(name);
}

static bool target_known(const char *target)
{
	const char *at = strchr(target, '@'), *dot = strchr(target, '.');
	size_t len = at ? (size_t)(at - target) : strlen(target);
	const struct idreg_reg *reg;
	char rest[96];

	if (at && !suffix_known(at + 1))
		return false;
	if (!dot || dot > target + len)
		return in_list(target, len, test_results, ARRAY_SIZE(test_results)) ||
		       reg_known(target, len, &reg);
	if (in_list(target, dot - target, idreg_expect_groups, idreg_expect_nr_groups))
		return dot + 1 < target + len;
	if (!reg_known(target, dot - target, &reg))
		return false;
	snprintf(rest, sizeof(rest), "%.*s", (int)(len - (dot + 1 - target)), dot + 1);
	return in_list(rest, strlen(rest), reg_results, ARRAY_SIZE(reg_results)) ||
	       bits_result(rest) || (reg && idreg_field_by_name(reg, rest));
}

int idreg_expect_check_targets(struct idreg_expectations *e, const char *name)
{
	unsigned int i;

	for (i = 0; i < e->nr; i++) {
		if (!target_known(e->items[i].target)) {
			snprintf(e->error, sizeof(e->error),
				 "%s:%u: %s names no register, field or result a test reports",
				 name, e->items[i].line, e->items[i].target);
			return -1;
		}
	}
	return 0;
}

void idreg_expect_free(struct idreg_expectations *e)
{
	free(e->items);
	e->items = NULL;
	e->nr = 0;
}
