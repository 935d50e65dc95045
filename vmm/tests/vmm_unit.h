/* SPDX-License-Identifier: GPL-2.0-only */
/* What the VMM side's unit tests share: loading a committed profile. */
#ifndef IDREGS_VMM_UNIT_H
#define IDREGS_VMM_UNIT_H

#include <stdio.h>
#include <string.h>

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

#endif
