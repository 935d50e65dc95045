// SPDX-License-Identifier: GPL-2.0-only
/* Kernel versions as the expectation files and the tables key them. */
#include <stdlib.h>

#include "idregs/kversion.h"

int idreg_parse_kernel_version(const char *s, const char **end, unsigned int *v)
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

unsigned int idreg_kernel_version(const char *release)
{
	const char *end;
	unsigned int v;

	return release && !idreg_parse_kernel_version(release, &end, &v) ? v : 0;
}
