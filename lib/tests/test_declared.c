// SPDX-License-Identifier: GPL-2.0-only
/*
 * The declared writable masks (lib/predict/generated/idreg_declared.c, read from
 * sys_regs.c) against the masks KVM reported on the emulated hosts
 * (shared/masks.md: Linux 6.12.117 and 7.3.4, -cpu max), and the look-ups
 * of lib/predict/declared.c.
 */
#include "unit.h"

#include "idregs/declared.h"
#include "idregs/field.h"
#include "idregs/kvm_rules.h"

#define V(maj, min)	((maj) << 16 | (min))
#define PFR0_SLOT	idreg_slot_index(3, 0, 0, 4, 0)
#define AA64PFR1_SLOT	idreg_slot_index(3, 0, 0, 4, 1)
#define ISAR1_SLOT	idreg_slot_index(3, 0, 0, 6, 1)
#define MIDR_SLOT	idreg_slot_index(3, 0, 0, 0, 0)
#define ID_PFR0_SLOT	idreg_slot_index(3, 0, 0, 1, 0)
#define CTR_SLOT	idreg_slot_index(3, 3, 0, 0, 1)

static void test_series(void)
{
	enum idreg_decl_match m;
	const struct idreg_declared_series *s;

	s = idreg_declared_for(V(7, 3), &m);
	UNIT_OK(s && m == IDREG_DECL_EXACT && !strcmp(s->series, "7.3"), "7.3 is read exactly");
	s = idreg_declared_for(V(7, 9), &m);
	UNIT_OK(s && m == IDREG_DECL_NEWER && !strcmp(s->series, "7.3"),
		"7.9 is held to the newest series, 7.3");
	s = idreg_declared_for(V(6, 13), &m);
	UNIT_OK(s && m == IDREG_DECL_BETWEEN && !strcmp(s->series, "6.12"),
		"6.13 is between 6.12 and 7.2: the older neighbour is 6.12");
	s = idreg_declared_for(V(7, 2), &m);
	UNIT_OK(s && m == IDREG_DECL_EXACT && !strcmp(s->series, "7.2"), "7.2 is read exactly");
	s = idreg_declared_for(V(6, 8), &m);
	UNIT_OK(!s && m == IDREG_DECL_OLDER, "6.8 is older than every series read");
}

/* Masks KVM reported on the emulated hosts (shared/masks.md). */
static void test_masks(void)
{
	enum idreg_decl_match m;
	const struct idreg_declared_series *s73 = idreg_declared_for(V(7, 3), &m);
	const struct idreg_declared_series *s612 = idreg_declared_for(V(6, 12), &m);

	UNIT_EQ_U64(idreg_declared_mask(s73, PFR0_SLOT, true), 0xffff00f0ff00ffffULL,
		    "7.3 ID_AA64PFR0_EL1 as KVM reported it");
	UNIT_EQ_U64(idreg_declared_mask(s612, PFR0_SLOT, true), 0xffff00f00f00ffffULL,
		    "6.12 ID_AA64PFR0_EL1 as KVM reported it");
	UNIT_EQ_U64(idreg_declared_mask(s73, AA64PFR1_SLOT, true), 0x0f00000f0000f0ffULL,
		    "7.3 ID_AA64PFR1_EL1 as KVM reported it");
	UNIT_EQ_U64(idreg_declared_mask(s73, MIDR_SLOT, true), 0xffffffffULL,
		    "7.3 declares MIDR_EL1 31:0 (IMPLEMENTATION_ID)");
	UNIT_EQ_U64(idreg_declared_mask(s612, MIDR_SLOT, true), 0,
		    "6.12 declares nothing of MIDR_EL1");
	UNIT_EQ_U64(idreg_declared_mask(s73, ID_PFR0_SLOT, true), 0xffffffffULL,
		    "AArch32 ID_PFR0_EL1 is wholly writable with AArch32 EL0");
	UNIT_EQ_U64(idreg_declared_mask(s73, ID_PFR0_SLOT, false), 0,
		    "and not reported without it");
	UNIT_EQ_U64(idreg_declared_mask(s73, CTR_SLOT, true), 0x300fc00fULL,
		    "7.3 CTR_EL0: DIC, IDC, DminLine, L1Ip, IminLine");
	UNIT_OK(idreg_declared_reg(s73, PFR0_SLOT)->kind == IDREG_DECL_FILTERED &&
		!strcmp(idreg_declared_reg(s73, PFR0_SLOT)->setter, "set_id_aa64pfr0_el1"),
		"7.3 ID_AA64PFR0_EL1 is ID_FILTERED with set_id_aa64pfr0_el1");
}

static void test_describe(void)
{
	const struct idreg_reg *isar1 = idreg_reg_by_slot(ISAR1_SLOT);
	char buf[128];

	UNIT_EQ_STR(idreg_describe_bits(isar1, 0xfULL << 24, buf, sizeof(buf)), "GPA (27:24)",
		    "one named field");
	UNIT_EQ_STR(idreg_describe_bits(NULL, 0xcULL | 1ULL << 63, buf, sizeof(buf)),
		    "bits 63:63, bits 3:2", "runs of unnamed bits, high to low");
	UNIT_EQ_STR(idreg_describe_bits(isar1, 0, buf, sizeof(buf)), "", "no bits, no words");
}

#define AA64DFR0_SLOT	idreg_slot_index(3, 0, 0, 5, 0)
#define MMFR2_SLOT	idreg_slot_index(3, 0, 0, 7, 2)

/* The 7.3 sanitising code (sys_regs.c, nested.c) on made-up defaults. */
static void test_sanitised(void)
{
	enum idreg_decl_match m;
	const struct idreg_declared_series *s = idreg_declared_for(V(7, 3), &m);
	struct idreg_sanitised_problem p[4];
	unsigned int n, checked;
	uint64_t sve = 1ULL << 32, csv2 = 2ULL << 56;

	n = idreg_sanitised_check(s, PFR0_SLOT, 0, sve, p, 4, &checked);
	UNIT_OK(n == 1 && p[0].mask == 0xfULL << 32 && p[0].got == sve &&
		!strcmp(p[0].op->func, "sanitise_id_aa64pfr0_el1") &&
		p[0].op->unless == IDREG_VCPU_SVE,
		"PFR0.SVE = 1 without SVE: sanitise_id_aa64pfr0_el1 clears it unless sve");
	n = idreg_sanitised_check(s, PFR0_SLOT, IDREG_VCPU_SVE, sve | csv2, p, 4, &checked);
	UNIT_OK(n == 0 && checked > 0, "with SVE it may be set; CSV2 depends on the host");
	n = idreg_sanitised_check(s, AA64DFR0_SLOT, 0, 0xbULL | 1ULL << 8, p, 4, &checked);
	UNIT_OK(n == 2, "DFR0: DebugVer above its cap V8P8 and PMUVer without a PMU");
	n = idreg_sanitised_check(s, AA64DFR0_SLOT, IDREG_VCPU_PMU, 0x8ULL | 1ULL << 8, p, 4,
				  &checked);
	UNIT_OK(n == 0, "with a PMU, PMUVer is the host's; DebugVer at its cap");
	n = idreg_sanitised_check(s, MMFR2_SLOT, IDREG_VCPU_EL2, 0, p, 4, &checked);
	UNIT_OK(n == 1 && !strcmp(p[0].op->func, "limit_nv_id_reg") &&
		p[0].op->kind == IDREG_SANITISED_SET,
		"EL2: MMFR2.TTL forced to IMP by limit_nv_id_reg");
	n = idreg_sanitised_check(s, ID_PFR0_SLOT, 0, 0x131, p, 4, &checked);
	UNIT_OK(n == 0 && checked == 0, "AArch32 ID_PFR0_EL1: RAZ only depending on the host");
	UNIT_OK(!idreg_sanitised_has(s, MIDR_SLOT), "MIDR_EL1: no sanitising operation");
}

/*
 * What a feature hides comes from the sanitising table, per series; the
 * resets the generator does not read add CLIDR_EL1.Ttype for MTE, and no
 * bit is said by both.
 */
static void test_feature_bits(void)
{
	enum idreg_decl_match m;
	const struct idreg_declared_series *s73 = idreg_declared_for(V(7, 3), &m);
	const struct idreg_declared_series *s612 = idreg_declared_for(V(6, 12), &m);
	unsigned int i, slot, f, twice = 0;

	for (i = 0; i < idreg_nr_declared_series; i++)
		for (slot = 0; slot < IDREG_NR_SLOTS; slot++)
			for (f = 0; f < IDREG_VCPU_NR_FEATURES; f++)
				twice += !!(idreg_vcpu_sanitised_bits(&idreg_declared_series[i],
								      slot, 1U << f) &
					    idreg_vcpu_reset_bits(slot, 1U << f));
	UNIT_EQ_U64(twice, 0, "no feature's bits come from both the table and the resets");
	UNIT_EQ_U64(idreg_vcpu_feature_bits(s73, AA64PFR1_SLOT, IDREG_VCPU_MTE), 0xf0000000f00,
		    "7.3: PFR1.MTE and MTE_frac (sanitise_id_aa64pfr1_el1() unless MTE)");
	UNIT_EQ_U64(idreg_vcpu_feature_bits(s612, AA64PFR1_SLOT, IDREG_VCPU_MTE), 0xf00,
		    "6.12: PFR1.MTE only; MTE_frac reads 0 with MTE too");
	UNIT_EQ_U64(idreg_vcpu_feature_bits(s73, AA64DFR0_SLOT, IDREG_VCPU_PMU), 0xf00,
		    "PMUVer is pmu's");
	UNIT_EQ_U64(idreg_vcpu_feature_bits(s73, idreg_slot_index(3, 1, 0, 0, 1),
					    IDREG_VCPU_MTE), 0x7ffeULL << 32,
		    "CLIDR_EL1.Ttype1..7 are mte's (reset_clidr())");
	UNIT_EQ_U64(idreg_vcpu_feature_bits(NULL, AA64DFR0_SLOT, IDREG_VCPU_PMU), 0,
		    "a kernel older than every series: nothing known");
	for (slot = 0, twice = 0; slot < IDREG_NR_SLOTS; slot++)
		twice += !!idreg_vcpu_feature_bits(s73, slot, IDREG_VCPU_EL2 | IDREG_VCPU_E2H0 |
						   IDREG_VCPU_AARCH32);
	UNIT_EQ_U64(twice, 0, "el2, e2h0 and aarch32-el1 hide no field: they limit, not hide");
	UNIT_OK(idreg_declared_of_release("7.3.4+deb13-arm64") == s73 &&
		idreg_declared_of_release("6.13.1") == s612 &&
		idreg_declared_of_release(NULL) == &idreg_declared_series[0] &&
		!idreg_declared_of_release("6.1.0-1"),
		"a release's series: its own, the older neighbour, the newest, none");
}

#define ISAR0_SLOT	idreg_slot_index(3, 0, 0, 6, 0)

/* Between two series read, the suite does not guess (issue 21). */
static void test_between(void)
{
	const struct idreg_declared_series *o = NULL, *n = NULL;
	enum idreg_decl_match m;
	const struct idreg_declared_series *s612 = idreg_declared_for(V(6, 12), &m);
	const struct idreg_declared_series *s72 = idreg_declared_for(V(7, 2), &m);
	uint64_t w612 = idreg_declared_mask(s612, ISAR0_SLOT, true);
	uint64_t w72 = idreg_declared_mask(s72, ISAR0_SLOT, true);
	char buf[1024];

	UNIT_OK(idreg_between_known(V(7, 0), &o, &n) && !strcmp(o->series, "6.12") &&
		!strcmp(n->series, "7.2"), "7.0 is between 6.12 and 7.2");
	UNIT_OK(!idreg_between_known(V(7, 2), &o, &n), "7.2 is read: not between");
	UNIT_OK(!idreg_between_known(V(7, 9), &o, &n), "7.9 is newer than every series");
	UNIT_OK(!idreg_between_known(V(6, 8), &o, &n), "6.8 is older than every series");
	UNIT_OK(idreg_declared_newer(V(6, 12)) == s72, "the series read after 6.12 is 7.2");
	UNIT_OK(!idreg_declared_newer(V(7, 3)), "none after 7.3");

	UNIT_OK(idreg_since_known(0, V(6, 12)) == IDREG_SINCE_YES, "a rule of every series holds");
	UNIT_OK(idreg_since_known(V(7, 2), V(7, 3)) == IDREG_SINCE_YES, "7.2's rule holds on 7.3");
	UNIT_OK(idreg_since_known(V(7, 2), V(7, 0)) == IDREG_SINCE_BETWEEN,
		"7.2's rule on 7.0: the sources read do not say");
	UNIT_OK(idreg_since_known(V(7, 2), V(6, 12)) == IDREG_SINCE_NO, "6.12's source lacks it");
	UNIT_OK(idreg_since_known(V(7, 3), V(7, 2)) == IDREG_SINCE_NO, "7.3's rule: not on 7.2");

	/* ID_AA64ISAR0_EL1 27:24: 6.12 declared them writable, 7.2 does not. */
	UNIT_EQ_U64(w612 ^ w72, 0xfULL << 24, "6.12 and 7.2 disagree on ISAR0 27:24 only");
	UNIT_OK(idreg_declared_mask_check(V(7, 0), ISAR0_SLOT, true, w72, buf, sizeof(buf)) &&
		strstr(buf, "not writable, as in 7.2 (6.12 declared it)"),
		"7.0 with 7.2's ISAR0 mask passes and says it follows 7.2");
	UNIT_OK(idreg_declared_mask_check(V(7, 0), ISAR0_SLOT, true, w612, buf, sizeof(buf)) &&
		strstr(buf, "writable, as in 6.12 (7.2 does not declare it)"),
		"7.0 with 6.12's ISAR0 mask passes and says it follows 6.12");
	UNIT_OK(!idreg_declared_mask_check(V(7, 0), ISAR0_SLOT, true, w72 & ~0xf0ULL, buf,
					   sizeof(buf)) && strstr(buf, "by both 6.12 and 7.2"),
		"a field both declare and not writable fails");
	UNIT_OK(!idreg_declared_mask_check(V(7, 0), ISAR0_SLOT, true, w612 | 0xf, buf,
					   sizeof(buf)) && strstr(buf, "by neither"),
		"a writable field neither declares fails");
	UNIT_OK(!idreg_declared_mask_check(V(7, 2), ISAR0_SLOT, true, w612, buf, sizeof(buf)) &&
		strstr(buf, "writable but not declared"), "7.2 itself is held to 7.2");
	{
		struct idreg_sanitised_problem p[4];
		unsigned int zfr0 = idreg_slot_index(3, 0, 0, 4, 4), checked, n12, n72, n70;

		n12 = idreg_sanitised_check(s612, zfr0, 0, 1, p, 4, &checked);
		n72 = idreg_sanitised_check(s72, zfr0, 0, 1, p, 4, &checked);
		n70 = idreg_sanitised_check_kernel(V(7, 0), zfr0, 0, 1, p, 4, &checked);
		UNIT_OK(n12 && n72 && n70 && p[0].mask & 0xf,
			"ZFR0 nonzero without SVE: both series clear it, so 7.0 fails too");
		UNIT_OK(!idreg_sanitised_check_kernel(V(6, 8), zfr0, 0, 1, p, 4, &checked),
			"nothing to hold a kernel older than every series to");
	}
	UNIT_OK(idreg_declared_mask_any(V(7, 0), ISAR0_SLOT, true) &&
		!idreg_declared_mask_any(V(6, 8), ISAR0_SLOT, true),
		"declared by a series a kernel is held to");
}

/* What the features change, and what each series hides. */
static void test_by_features_and_hidden(void)
{
	unsigned int pfr0 = idreg_slot_index(3, 0, 0, 4, 0), zfr0 = idreg_slot_index(3, 0, 0, 4, 4);
	unsigned int afr0 = idreg_slot_index(3, 0, 0, 1, 3), i, n;

	UNIT_OK(idreg_sanitised_by_features(pfr0, 0xf, IDREG_VCPU_EL2) &&
		idreg_sanitised_by_features(pfr0, 0xf, IDREG_VCPU_EL2 | IDREG_VCPU_E2H0),
		"EL2 rewrites ID_AA64PFR0_EL1.EL0 (limit_nv_id_reg())");
	UNIT_OK(!idreg_sanitised_by_features(pfr0, 0xf, IDREG_VCPU_ALL_FEATURES &
					     ~(IDREG_VCPU_EL2 | IDREG_VCPU_E2H0)),
		"no other feature does");
	for (i = 0; i < idreg_nr_declared_series; i++) {
		const struct idreg_declared_series *s = &idreg_declared_series[i];

		UNIT_OK(idreg_declared_hides(s, afr0, IDREG_VCPU_ALL_FEATURES), s->series);
		UNIT_OK(idreg_declared_hides(s, zfr0, 0) &&
			!idreg_declared_hides(s, zfr0, IDREG_VCPU_SVE),
			"ID_AA64ZFR0_EL1 hidden without SVE only");
		UNIT_OK(!idreg_declared_hides(s, pfr0, 0), "ID_AA64PFR0_EL1 is not");
	}
	for (i = 0, n = 0; i < IDREG_NR_SLOTS; i++)
		n += idreg_is_imp_id_slot(i);
	UNIT_OK(n == 3 && idreg_is_imp_id_slot(idreg_slot_index(3, 0, 0, 0, 0)) &&
		idreg_is_imp_id_slot(idreg_slot_index(3, 0, 0, 0, 6)) &&
		idreg_is_imp_id_slot(idreg_slot_index(3, 1, 0, 0, 7)),
		"set_imp_id_reg(): MIDR_EL1, REVIDR_EL1, AIDR_EL1");
}

int main(void)
{
	test_by_features_and_hidden();
	test_series();
	test_between();
	test_masks();
	test_describe();
	test_sanitised();
	test_feature_bits();
	return unit_done();
}
