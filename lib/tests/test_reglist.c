// SPDX-License-Identifier: GPL-2.0-only
/*
 * The register list's ID slots (lib/predict/generated/idreg_reglist.c, read
 * from each series' sys_regs.c) against what the sources say, and the
 * look-ups of lib/predict/reglist.c.
 */
#include <string.h>

#include "unit.h"

#include "idregs/field.h"
#include "idregs/reglist.h"

#define V(maj, min)	((maj) << 16 | (min))
#define SLOT(op1, crm, op2)	idreg_slot_index(3, op1, 0, crm, op2)

static void test_what_the_sources_list(void)
{
	const struct idreg_reglist_series *s;
	const struct idreg_reglist_desc *d;

	UNIT_OK(idreg_reglist_expect(V(7, 3), SLOT(0, 0, 0), &s, &d) == IDREG_LISTED_YES &&
		s && !strcmp(s->series, "7.3") && d && !strcmp(d->name, "MIDR_EL1"),
		"7.3 lists MIDR_EL1 (IMPLEMENTATION_ID(), a .get_user)");
	UNIT_OK(idreg_reglist_expect(V(6, 12), SLOT(0, 0, 0), NULL, NULL) == IDREG_LISTED_YES,
		"6.12 lists MIDR_EL1 too (invariant_sys_regs[])");
	UNIT_OK(idreg_reglist_expect(V(7, 3), SLOT(0, 3, 3), NULL, &d) == IDREG_LISTED_YES &&
		d && !strcmp(d->name, "S3_0_0_3_3") && !strcmp(d->visibility, "raz_visibility"),
		"ID_UNALLOCATED(3,3) is listed: raz_visibility reads 0, never hides");
	UNIT_OK(idreg_reglist_expect(V(7, 3), SLOT(0, 1, 3), NULL, NULL) == IDREG_LISTED_YES,
		"ID_HIDDEN(ID_AFR0_EL1) is listed");
	UNIT_OK(idreg_reglist_expect(V(7, 3), SLOT(1, 0, 0), NULL, &d) == IDREG_LISTED_NO &&
		d && !d->listed,
		"CCSIDR_EL1 has a descriptor without .reg or .get_user: the demux registers stand in");
	UNIT_OK(idreg_reglist_expect(V(7, 3), SLOT(1, 0, 1), NULL, NULL) == IDREG_LISTED_YES,
		"CLIDR_EL1 (a .reg) is listed");
	UNIT_OK(idreg_reglist_expect(V(7, 3), SLOT(3, 0, 1), NULL, NULL) == IDREG_LISTED_YES,
		"CTR_EL0 is listed");
	UNIT_OK(idreg_reglist_expect(V(7, 3), SLOT(3, 0, 7), NULL, &d) == IDREG_LISTED_NO && !d,
		"DCZID_EL0 has no descriptor: not listed");
	UNIT_OK(idreg_reglist_expect(V(7, 3), SLOT(0, 0, 1), NULL, NULL) == IDREG_LISTED_NO,
		"S3_0_C0_C0_1 has no descriptor");
}

static void test_series_choice(void)
{
	const struct idreg_reglist_series *s;

	/* 6.12 has ID_UNALLOCATED(6,3) where 7.2 has ID_AA64ISAR3_EL1: both listed. */
	UNIT_OK(idreg_reglist_expect(V(6, 16), SLOT(0, 6, 3), &s, NULL) == IDREG_LISTED_YES &&
		s && !strcmp(s->series, "6.12"),
		"6.16 (between 6.12 and 7.2): a slot both list is listed");
	UNIT_OK(idreg_reglist_expect(V(7, 9), SLOT(0, 4, 0), &s, NULL) == IDREG_LISTED_YES &&
		s && !strcmp(s->series, "7.3"),
		"7.9: what the newest series lists stays listed");
	UNIT_OK(idreg_reglist_expect(V(7, 9), SLOT(3, 0, 7), NULL, NULL) == IDREG_LISTED_EITHER,
		"7.9: a slot 7.3 does not list may have been added");
	UNIT_OK(idreg_reglist_expect(V(6, 8), SLOT(0, 4, 0), &s, NULL) == IDREG_LISTED_EITHER && !s,
		"6.8, older than every series read: nothing to hold it to");
}

int main(void)
{
	test_what_the_sources_list();
	test_series_choice();
	return unit_done();
}
