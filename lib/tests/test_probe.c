// SPDX-License-Identifier: GPL-2.0-only
/*
 * The feature probes' instruction words against the Arm ARM's encodings
 * (each word built here from the encoding's fields, and as GNU as
 * assembles the instruction), their ID fields against the tables, and when
 * a feature counts as implemented.
 */
#include <idregs/field.h>
#include <idregs/probe.h>

#include "unit.h"

static void test_words(void)
{
	/* FMOV (general), sf 1, ftype 01 (double), rmode 00, opcode 111: X to D */
	UNIT_EQ_U64(IDREG_A64_FMOV_D0_X0,
		    1U << 31 | 0x1eU << 24 | 1U << 22 | 1U << 21 | 7U << 16, "fmov d0, x0");
	UNIT_EQ_U64(IDREG_A64_FMOV_D0_X0, 0x9e670000, "fmov d0, x0 (as)");
	/* MOVI, Q 1, op 1, cmode 1110: the 64-bit per-byte-mask form, imm8 0 */
	UNIT_EQ_U64(IDREG_A64_MOVI_V0_2D_0,
		    1U << 30 | 1U << 29 | 0x0fU << 24 | 0xeU << 12 | 1U << 10,
		    "movi v0.2d, #0");
	UNIT_EQ_U64(IDREG_A64_MOVI_V0_2D_0, 0x6f00e400, "movi v0.2d, #0 (as)");
	/* PACGA: sf 1, S 0, 11010110, Rm, opcode 001100, Rn, Rd */
	UNIT_EQ_U64(IDREG_A64_PACGA_X0_X1_X2,
		    1U << 31 | 0xd6U << 21 | 2U << 16 | 0xcU << 10 | 1U << 5 | 0,
		    "pacga x0, x1, x2");
	UNIT_EQ_U64(IDREG_A64_PACGA_X0_X1_X2, 0x9ac23020, "pacga x0, x1, x2 (as)");
	/* PACIA: sf 1, 1, S 0, 11010110, opcode2 00001, opcode 000 Z 0, Rn, Rd */
	UNIT_EQ_U64(IDREG_A64_PACIA_X0_X1,
		    1U << 31 | 1U << 30 | 0xd6U << 21 | 1U << 16 | 1U << 5 | 0,
		    "pacia x0, x1");
	UNIT_EQ_U64(IDREG_A64_PACIA_X0_X1, 0xdac10020, "pacia x0, x1 (as)");
	/* RDVL: 00000100 1 0 1 11111 01010 imm6, Rd */
	UNIT_EQ_U64(IDREG_A64_RDVL_X0_1,
		    0x04U << 24 | 1U << 23 | 1U << 21 | 0x1fU << 16 | 0xaU << 11 | 1U << 5,
		    "rdvl x0, #1");
	/* MRS: 1101010100 L 1 o0 op1 CRn CRm op2 Rt (S3_4_C14_C0_6) */
	UNIT_EQ_U64(IDREG_A64_MRS_X0_CNTPOFF_EL2,
		    0xd5300000U | 1U << 19 | 4U << 16 | 14U << 12 | 0U << 8 | 6U << 5,
		    "mrs x0, CNTPOFF_EL2");
	/* MRS/MSR SCTLR_EL1 (S3_0_C1_C0_0), MSR CPACR_EL1 (S3_0_C1_C0_2) */
	UNIT_EQ_U64(IDREG_A64_MRS_X0_SCTLR_EL1, 0xd5300000U | 1U << 19 | 1U << 12,
		    "mrs x0, sctlr_el1");
	UNIT_EQ_U64(IDREG_A64_MSR_SCTLR_EL1_X0, 0xd5100000U | 1U << 19 | 1U << 12,
		    "msr sctlr_el1, x0");
	UNIT_EQ_U64(IDREG_A64_MSR_CPACR_EL1_X0, 0xd5100000U | 1U << 19 | 1U << 12 | 2U << 5,
		    "msr cpacr_el1, x0");
	/* ORR (immediate), 64-bit: N 1, immr 33, imms 0: one bit, rotated to 31 */
	UNIT_EQ_U64(IDREG_A64_ORR_X0_ENIA, 0xb2000000U | 1U << 22 | 33U << 16,
		    "orr x0, x0, #0x80000000");
	UNIT_EQ_U64(IDREG_A64_ORR_X0_ENIA, 0xb2610000, "orr x0, x0, #0x80000000 (as)");
	/* MOVZ x0, #0x33, lsl #16: CPACR_EL1.ZEN (17:16) and FPEN (21:20) = 3 */
	UNIT_EQ_U64(IDREG_A64_MOVZ_X0_CPACR_ZEN_FPEN, 0xd2800000U | 1U << 21 | 0x33U << 5,
		    "mov x0, #0x330000");
	UNIT_EQ_U64(IDREG_A64_ISB, 0xd5033fdf, "isb");
	/* RDSVL: 00000100 1 0 1 11111 01011 imm6, Rd */
	UNIT_EQ_U64(IDREG_A64_RDSVL_X0_1,
		    0x04U << 24 | 1U << 23 | 1U << 21 | 0x1fU << 16 | 0xbU << 11 | 1U << 5,
		    "rdsvl x0, #1");
	/* MRS GCR_EL1 (S3_0_C1_C0_6), PMCR_EL0 (S3_3_C9_C12_0) */
	UNIT_EQ_U64(IDREG_A64_MRS_X0_GCR_EL1, 0xd5300000U | 1U << 19 | 1U << 12 | 6U << 5,
		    "mrs x0, gcr_el1");
	UNIT_EQ_U64(IDREG_A64_MRS_X0_PMCR_EL0,
		    0xd5300000U | 1U << 19 | 3U << 16 | 9U << 12 | 12U << 8, "mrs x0, pmcr_el0");
	/* MOVZ x0, #0x333, lsl #16: SMEN (25:24) too */
	UNIT_EQ_U64(IDREG_A64_MOVZ_X0_CPACR_SMEN_ZEN_FPEN, 0xd2800000U | 1U << 21 | 0x333U << 5,
		    "mov x0, #0x3330000");
}

static void test_fields(void)
{
	unsigned int i, j, gated = 0;
	char desc[96];
	int slot;

	for (i = 0; i < IDREG_NR_PROBES; i++) {
		const struct idreg_probe *p = &idreg_probes[i];

		UNIT_OK(p->nr_fields >= 1 && p->nr_fields <= IDREG_PROBE_MAX_FIELDS, p->name);
		UNIT_OK(!(p->el1_only && p->el2_only), p->name);
		gated += p->gated;
		for (j = 0; j < p->nr_fields; j++) {
			snprintf(desc, sizeof(desc), "%s: %s.%s in the tables", p->name,
				 p->fields[j].reg, p->fields[j].field);
			UNIT_OK(idreg_probe_field(p, j, &slot) && slot >= 0, desc);
		}
	}
	/* SVE, FP, AdvSIMD, the two PAuth, SME, MTE: gated; CNTPOFF_EL2, the PMU not */
	UNIT_EQ_U64(gated, 7, "gated probes");
}

static const struct idreg_probe *probe_named(const char *name)
{
	unsigned int i;

	for (i = 0; i < IDREG_NR_PROBES; i++)
		if (!strcmp(idreg_probes[i].name, name))
			return &idreg_probes[i];
	return NULL;
}

static void test_implemented(void)
{
	const struct idreg_probe *fp = probe_named("FP");
	const struct idreg_probe *ga = probe_named("generic authentication");
	const struct idreg_probe *sve = probe_named("SVE");
	uint64_t vals[IDREG_NR_SLOTS] = { 0 };
	int pfr0 = idreg_slot_index(3, 0, 0, 4, 0), isar1 = idreg_slot_index(3, 0, 0, 6, 1);
	int isar2 = idreg_slot_index(3, 0, 0, 6, 2);

	if (!fp || !ga || !sve || pfr0 < 0 || isar1 < 0 || isar2 < 0) {
		UNIT_OK(false, "FP, generic authentication, SVE probes and their slots");
		return;
	}
	/* FP is signed (bits 19:16): 0 and 1 implemented, 0xf not */
	UNIT_OK(idreg_probe_implemented(fp, vals), "FP = 0 implemented");
	vals[pfr0] = 0x1ULL << 16;
	UNIT_OK(idreg_probe_implemented(fp, vals), "FP = 1 implemented");
	vals[pfr0] = 0xfULL << 16;
	UNIT_OK(!idreg_probe_implemented(fp, vals), "FP = 0xf absent");
	UNIT_EQ_U64(idreg_probe_field_absent(fp, 0), 0xf, "FP's absent value");
	UNIT_OK(!idreg_probe_implemented(sve, vals), "SVE = 0 absent");
	UNIT_EQ_U64(idreg_probe_field_absent(sve, 0), 0, "SVE's absent value");
	/* Generic authentication: any of GPA (27:24), GPI (31:28), GPA3 (11:8) */
	UNIT_OK(!idreg_probe_implemented(ga, vals), "GPA, GPI, GPA3 = 0 absent");
	vals[isar1] = 0x1ULL << 28;
	UNIT_OK(idreg_probe_implemented(ga, vals), "GPI = 1 implemented");
	vals[isar1] = 0;
	vals[isar2] = 0x1ULL << 8;
	UNIT_OK(idreg_probe_implemented(ga, vals), "GPA3 = 1 implemented");
	UNIT_OK(idreg_probe_runs_at(ga, true) && idreg_probe_runs_at(ga, false),
		"PACGA at EL1 and vEL2");
	UNIT_OK(!idreg_probe_runs_at(fp, true) && idreg_probe_runs_at(fp, false),
		"FMOV at EL1 only (CPACR_EL1)");
}

int main(void)
{
	test_words();
	test_fields();
	test_implemented();
	return unit_done();
}
