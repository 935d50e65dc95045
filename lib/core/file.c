// SPDX-License-Identifier: GPL-2.0-only
/* Whole-file input, shared by the profile, model and expectation readers. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idregs/util.h"

char *idreg_read_file(const char *path, size_t *len, char *err)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	size_t n = 0, cap = 0;
	char *buf = NULL, *nb;

	if (!f) {
		snprintf(err, IDREG_ERR_LEN, "%s: cannot open: %s (errno %d)",
			 path, strerror(errno), errno);
		return NULL;
	}
	for (;;) {
		if (cap - n < 4096) {
			cap = cap ? cap * 2 : 65536;
			nb = realloc(buf, cap + 1);
			if (!nb) {
				snprintf(err, IDREG_ERR_LEN, "%s: out of memory", path);
				goto fail;
			}
			buf = nb;
		}
		size_t r = fread(buf + n, 1, cap - n, f);

		n += r;
		if (r == 0)
			break;
	}
	if (ferror(f)) {
		snprintf(err, IDREG_ERR_LEN, "%s: read error: %s (errno %d)",
			 path, strerror(errno), errno);
		goto fail;
	}
	if (f != stdin)
		fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
fail:
	if (f != stdin)
		fclose(f);
	free(buf);
	return NULL;
}
