// SPDX-License-Identifier: GPL-2.0-only
/*
 * What KVM_GET_REG_LIST must hold of the feature ID space, from the
 * descriptors gen/ read out of each series' sys_regs.c (idregs/reglist.h).
 */
#include <stddef.h>

#include "idregs/reglist.h"

static const struct idreg_reglist_desc *desc_of(const struct idreg_reglist_series *s,
						unsigned int slot)
{
	unsigned int i;

	for (i = 0; i < s->nr_descs; i++)
		if (s->descs[i].slot == slot)
			return &s->descs[i];
	return NULL;
}

/* One series' answer: listed for every vCPU, never, or it depends. */
static enum idreg_listed series_answer(const struct idreg_reglist_series *s, unsigned int slot,
				       const struct idreg_reglist_desc **desc)
{
	const struct idreg_reglist_desc *d = desc_of(s, slot);

	if (desc)
		*desc = d;
	if (!d || !d->listed)
		return IDREG_LISTED_NO;
	return d->may_hide ? IDREG_LISTED_EITHER : IDREG_LISTED_YES;
}

enum idreg_listed idreg_reglist_expect(unsigned int version, unsigned int slot,
				       const struct idreg_reglist_series **series,
				       const struct idreg_reglist_desc **desc)
{
	const struct idreg_reglist_series *older = NULL, *newer = NULL;
	enum idreg_listed a, b;
	unsigned int i;

	/* Newest first: the first series not newer than @version, and the one before it. */
	for (i = 0; i < idreg_nr_reglist_series; i++) {
		if (idreg_reglist_series[i].version <= version) {
			older = &idreg_reglist_series[i];
			break;
		}
		newer = &idreg_reglist_series[i];
	}
	if (series)
		*series = older;
	if (desc)
		*desc = NULL;
	if (!older)
		return IDREG_LISTED_EITHER;
	a = series_answer(older, slot, desc);
	if (older->version == version)
		return a;
	if (!newer)
		/* Newer than every series: a register may have been added since. */
		return a == IDREG_LISTED_YES ? a : IDREG_LISTED_EITHER;
	b = series_answer(newer, slot, NULL);
	return a == b ? a : IDREG_LISTED_EITHER;
}
