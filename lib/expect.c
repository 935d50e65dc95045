// SPDX-License-Identifier: GPL-2.0-only
/* Expectation files: see idregs/expect.h for the format. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "idregs/expect.h"
#include "idregs/util.h"

#define VERSION_MAX	0xffffffffU

/* "7.3..." -> 7 << 16 | 3; returns -1 if it does not start like that. */
static int parse_version(const char *s, const char **end, unsigned int *v)
{
	char *p;
	unsigned long major, minor;

	major = strtoul(s, &p, 10);
	if (p == s || *p != '.')
		return -1;
	s = p + 1;
	minor = strtoul(s, &p, 10);
	if (p == s || major > 0xffff || minor > 0xffff)
		return -1;
	*v = major << 16 | minor;
	*end = p;
	return 0;
}

static int parse_kernels(const char *s, unsigned int *from, unsigned int *to)
{
	const char *p;

	if (!strcmp(s, "*")) {
		*from = 0;
		*to = VERSION_MAX;
		return 0;
	}
	if (parse_version(s, &p, from))
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
	if (parse_version(p + 1, &p, to) || *p || *to < *from)
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

static int parse_line(struct idreg_expectation *x, char *line)
{
	char *target, *kernels, *reason, *save;

	memset(x, 0, sizeof(*x));
	target = strtok_r(line, " \t", &save);
	kernels = strtok_r(NULL, " \t", &save);
	reason = strtok_r(NULL, "", &save);
	while (reason && (*reason == ' ' || *reason == '\t'))
		reason++;
	if (reason && !strncmp(reason, "values=", 7)) {
		char *list = strtok_r(reason + 7, " \t", &save);

		if (!list || parse_values(x, list))
			return -4;
		reason = strtok_r(NULL, "", &save);
		while (reason && (*reason == ' ' || *reason == '\t'))
			reason++;
	}
	if (!target || !kernels || !reason || !*reason)
		return -1;
	if (strlen(target) >= sizeof(x->target) || strlen(reason) >= sizeof(x->reason))
		return -2;
	if (parse_kernels(kernels, &x->from, &x->to))
		return -3;
	/* Both fit: their lengths were checked above. */
	memcpy(x->target, target, strlen(target) + 1);
	memcpy(x->reason, reason, strlen(reason) + 1);
	return 0;
}

int idreg_expect_parse(struct idreg_expectations *e, const char *text, const char *name)
{
	static const char *const what[] = {
		"", "need TARGET KERNELS REASON", "target or reason too long",
		"KERNELS must be *, X.Y, X.Y- or X.Y-A.B",
		"values= must be a list of numbers and ranges, e.g. values=0-5,0xf (at most 8)",
	};
	char *copy = strdup(text), *line, *save;
	unsigned int lineno = 0;

	memset(e, 0, sizeof(*e));
	if (!copy) {
		snprintf(e->error, sizeof(e->error), "%s: out of memory", name);
		return -1;
	}
	for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		struct idreg_expectation x, *items;
		int r;

		lineno++;
		line += strspn(line, " \t");
		if (!*line || *line == '#')
			continue;
		r = parse_line(&x, line);
		if (r) {
			snprintf(e->error, sizeof(e->error), "%s:%u: %s", name, lineno, what[-r]);
			goto fail;
		}
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

int idreg_expect_load_beside(struct idreg_expectations *e, const char *argv0, const char *file)
{
	char exe[PATH_MAX], path[PATH_MAX + 256];
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
	snprintf(path, sizeof(path), "%s/%s", exe, file);
	return idreg_expect_load(e, path);
}

unsigned int idreg_kernel_version(const char *release)
{
	const char *end;
	unsigned int v;

	return release && !parse_version(release, &end, &v) ? v : 0;
}

const struct idreg_expectation *
idreg_expect_find(const struct idreg_expectations *e, const char *target, const char *release)
{
	unsigned int v = idreg_kernel_version(release), i;

	if (!v)
		return NULL;
	for (i = 0; i < e->nr; i++)
		if (!strcmp(e->items[i].target, target) &&
		    v >= e->items[i].from && v <= e->items[i].to)
			return &e->items[i];
	return NULL;
}

int idreg_expect_covers(const struct idreg_expectation *x, unsigned long long value)
{
	unsigned int i;

	if (!x->nr_ranges)
		return 1;
	for (i = 0; i < x->nr_ranges; i++)
		if (value >= x->values[i].lo && value <= x->values[i].hi)
			return 1;
	return 0;
}

void idreg_expect_free(struct idreg_expectations *e)
{
	free(e->items);
	e->items = NULL;
	e->nr = 0;
}
