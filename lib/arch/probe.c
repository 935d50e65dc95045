// SPDX-License-Identifier: GPL-2.0-only
/*
 * The feature probes (idregs/probe.h): each feature, the ID fields
 * that name it and the instruction a guest uses it with.  What Arm says,
 * and which absences KVM gates; no KVM here (lib/kvm/guest_probe.c runs
 * them).
 */
#include "idregs/field.h"
#include "idregs/probe.h"

const struct idreg_probe idreg_probes[IDREG_NR_PROBES] = {
	/* SVE: RDVL, with CPACR_EL1.ZEN and FPEN open; CPTR_EL2.ZEN gates it */
	{ "SVE", { { "ID_AA64PFR0_EL1", "SVE", 1 } }, 1, "rdvl x0, #1",
	  IDREG_A64_RDVL_X0_1, IDREG_PROBE_CPACR, false, true, true },
	/*
	 * FEAT_ECV with CNTPOFF: the guest hypervisor's CNTPOFF_EL2.  Not
	 * gated: 7.3 lets a guest hypervisor read it whatever ECV says.
	 */
	{ "ECV CNTPOFF", { { "ID_AA64MMFR0_EL1", "ECV", 2 } }, 1, "mrs x0, CNTPOFF_EL2",
	  IDREG_A64_MRS_X0_CNTPOFF_EL2, 0, true, false, false },
	/* FP (signed: 0xf not implemented): FMOV (general); CPTR_EL2 traps FP */
	{ "FP", { { "ID_AA64PFR0_EL1", "FP", 0 } }, 1, "fmov d0, x0",
	  IDREG_A64_FMOV_D0_X0, IDREG_PROBE_CPACR, false, true, true },
	/* AdvSIMD (signed: 0xf not implemented): MOVI; the same trap */
	{ "AdvSIMD", { { "ID_AA64PFR0_EL1", "AdvSIMD", 0 } }, 1, "movi v0.2d, #0",
	  IDREG_A64_MOVI_V0_2D_0, IDREG_PROBE_CPACR, false, true, true },
	/*
	 * Generic authentication (QARMA5, IMPDEF, QARMA3): PACGA, which
	 * HCR_EL2.API = 0 traps whatever SCTLR_EL1 says.
	 */
	{ "generic authentication",
	  { { "ID_AA64ISAR1_EL1", "GPA", 1 }, { "ID_AA64ISAR1_EL1", "GPI", 1 },
	    { "ID_AA64ISAR2_EL1", "GPA3", 1 } }, 3, "pacga x0, x1, x2",
	  IDREG_A64_PACGA_X0_X1_X2, 0, false, false, true },
	/*
	 * Address authentication: PACIA (not the HINT-space PACIASP, a NOP
	 * without the feature), enabled by SCTLR_EL1.EnIA; HCR_EL2.API = 0
	 * traps it then.
	 */
	{ "address authentication",
	  { { "ID_AA64ISAR1_EL1", "APA", 1 }, { "ID_AA64ISAR1_EL1", "API", 1 },
	    { "ID_AA64ISAR2_EL1", "APA3", 1 } }, 3, "pacia x0, x1",
	  IDREG_A64_PACIA_X0_X1, IDREG_PROBE_ENIA, false, true, true },
	/*
	 * SME: RDSVL (legal outside streaming mode), with CPACR_EL1.SMEN
	 * open; CPTR_EL2's SME trap gates it (EC 0x1d, which KVM answers
	 * with an UNDEF).
	 */
	{ "SME", { { "ID_AA64PFR1_EL1", "SME", 1 } }, 1, "rdsvl x0, #1",
	  IDREG_A64_RDSVL_X0_1, IDREG_PROBE_CPACR | IDREG_PROBE_SMEN, false, true, true },
	/*
	 * MTE2's tag registers: GCR_EL1, which HCR_EL2.ATA = 0 traps (at EL1:
	 * at EL2 with E2H the encoding names another register).
	 */
	{ "MTE", { { "ID_AA64PFR1_EL1", "MTE", 2 } }, 1, "mrs x0, GCR_EL1",
	  IDREG_A64_MRS_X0_GCR_EL1, 0, false, true, true },
	/*
	 * PMUv3: PMCR_EL0.  Not gated by the field: KVM traps the PMU of
	 * every vCPU (MDCR_EL2.TPM) and answers by whether the vCPU has the
	 * feature KVM_ARM_VCPU_PMU_V3, not by what PMUVer says
	 * (guest_consequences_test checks a vCPU without it).
	 */
	{ "PMU", { { "ID_AA64DFR0_EL1", "PMUVer", 1 } }, 1, "mrs x0, PMCR_EL0",
	  IDREG_A64_MRS_X0_PMCR_EL0, 0, false, false, false },
};

const struct idreg_field *idreg_probe_field(const struct idreg_probe *p, unsigned int i,
					    int *slot)
{
	const struct idreg_reg *reg = i < p->nr_fields ? idreg_reg_by_name(p->fields[i].reg) : NULL;
	const struct idreg_field *f = reg ? idreg_field_by_name(reg, p->fields[i].field) : NULL;

	*slot = f ? idreg_reg_slot(reg) : -1;
	return *slot < 0 ? NULL : f;
}

bool idreg_probe_field_implemented(const struct idreg_probe *p, unsigned int i, uint64_t raw)
{
	const struct idreg_field *f;
	int slot;

	f = idreg_probe_field(p, i, &slot);
	if (!f)
		return false;
	if (f->is_signed)
		return idreg_sign_extend(raw, f->width) >=
		       idreg_sign_extend(p->fields[i].min, f->width);
	return raw >= p->fields[i].min;
}

uint64_t idreg_probe_field_absent(const struct idreg_probe *p, unsigned int i)
{
	const struct idreg_field *f;
	int slot;

	f = idreg_probe_field(p, i, &slot);
	return f && f->is_signed ? idreg_field_mask(0, f->width) : 0;
}

bool idreg_probe_implemented(const struct idreg_probe *p, const uint64_t vals[IDREG_NR_SLOTS])
{
	const struct idreg_field *f;
	unsigned int i;
	int slot;

	for (i = 0; i < p->nr_fields; i++) {
		f = idreg_probe_field(p, i, &slot);
		if (f && idreg_probe_field_implemented(p, i,
						       idreg_field_get(vals[slot], f->lsb, f->width)))
			return true;
	}
	return false;
}

bool idreg_probe_runs_at(const struct idreg_probe *p, bool el2)
{
	return el2 ? !p->el1_only : !p->el2_only;
}
