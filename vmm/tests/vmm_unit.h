/* SPDX-License-Identifier: GPL-2.0-only */
/* What the VMM side's unit tests share: a committed profile, messages. */
#ifndef IDREGS_VMM_UNIT_H
#define IDREGS_VMM_UNIT_H

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "idregs/model.h"
#include "idregs/profile.h"

/* Load @file into @p, labelled with its file name as messages print it. */
static inline int unit_load_profile(struct idreg_profile *p, const char *file, char *err)
{
	const char *base = strrchr(file, '/');

	if (idreg_profile_load(p, file, err))
		return -1;
	snprintf(p->label, sizeof(p->label), "%s", base ? base + 1 : file);
	return 0;
}

/* Whether a message of @m contains @s; if none does, all are printed. */
static inline bool unit_has_msg(const struct idreg_msgs *m, const char *s)
{
	unsigned int i;

	for (i = 0; i < m->nr; i++)
		if (strstr(m->v[i], s))
			return true;
	for (i = 0; i < m->nr; i++)
		printf("#   message: %s\n", m->v[i]);
	printf("#   none has \"%s\"\n", s);
	return false;
}

#endif
