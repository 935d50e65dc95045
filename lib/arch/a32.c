// SPDX-License-Identifier: GPL-2.0-only
/*
 * The AArch32 ID registers and the A32 instructions that read them
 * (idregs/a32.h): what Arm says, no KVM; the A32 guest
 * (lib/kvm/guest_a32.c) runs them.
 */
#include "idregs/a32.h"

/*
 * Each AArch32 ID register with the AArch64 register KVM keeps it in
 * (Arm ARM: the AArch32 register is architecturally mapped to the low 32
 * bits of it).  MRC p15, 0, <Rt>, c0, <CRm>, <opc2> for the CRn=0 ID
 * registers shares op1/CRm/op2 with the AArch64 encoding; CTR is p15, 0,
 * c0, c0, 1 and CLIDR p15, 1, c0, c0, 1; MVFR0-2 are read with VMRS.
 */
const struct idreg_a32_reg idreg_a32_regs[IDREG_A32_NR_REGS] = {
	{ "ID_PFR0", "ID_PFR0_EL1", 0, 1, 0 },
	{ "ID_PFR1", "ID_PFR1_EL1", 0, 1, 1 },
	{ "ID_DFR0", "ID_DFR0_EL1", 0, 1, 2 },
	{ "ID_AFR0", "ID_AFR0_EL1", 0, 1, 3 },
	{ "ID_MMFR0", "ID_MMFR0_EL1", 0, 1, 4 },
	{ "ID_MMFR1", "ID_MMFR1_EL1", 0, 1, 5 },
	{ "ID_MMFR2", "ID_MMFR2_EL1", 0, 1, 6 },
	{ "ID_MMFR3", "ID_MMFR3_EL1", 0, 1, 7 },
	{ "ID_ISAR0", "ID_ISAR0_EL1", 0, 2, 0 },
	{ "ID_ISAR1", "ID_ISAR1_EL1", 0, 2, 1 },
	{ "ID_ISAR2", "ID_ISAR2_EL1", 0, 2, 2 },
	{ "ID_ISAR3", "ID_ISAR3_EL1", 0, 2, 3 },
	{ "ID_ISAR4", "ID_ISAR4_EL1", 0, 2, 4 },
	{ "ID_ISAR5", "ID_ISAR5_EL1", 0, 2, 5 },
	{ "ID_MMFR4", "ID_MMFR4_EL1", 0, 2, 6 },
	{ "ID_ISAR6", "ID_ISAR6_EL1", 0, 2, 7 },
	{ "MVFR0", "MVFR0_EL1", 0, 3, 0 },
	{ "MVFR1", "MVFR1_EL1", 0, 3, 1 },
	{ "MVFR2", "MVFR2_EL1", 0, 3, 2 },
	{ "ID_PFR2", "ID_PFR2_EL1", 0, 3, 4 },
	{ "ID_DFR1", "ID_DFR1_EL1", 0, 3, 5 },
	{ "ID_MMFR5", "ID_MMFR5_EL1", 0, 3, 6 },
	{ "CTR", "CTR_EL0", 3, 0, 1 },
	{ "CLIDR", "CLIDR_EL1", 1, 0, 1 },
};

uint32_t idreg_a32_read_insn(const struct idreg_a32_reg *r)
{
	if (r->op1 == 0 && r->crm == 3 && r->op2 <= 2)
		return idreg_a32_vmrs(IDREG_A32_VMRS_MVFR0 - r->op2, 0);
	/* CTR_EL0 (op1 3) is p15, 0, c0, c0, 1; the others keep op1 */
	return idreg_a32_mrc(15, r->op1 == 3 ? 0 : r->op1, 0, 0, r->crm, r->op2);
}

