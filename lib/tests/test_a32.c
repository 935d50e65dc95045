// SPDX-License-Identifier: GPL-2.0-only
/*
 * The A32 guest's instruction words against the Arm ARM's encodings (the
 * words as GNU as assembles them).
 */
#include <idregs/field.h>
#include <idregs/a32.h>

#include "unit.h"

static void test_encoders(void)
{
	/* mrc p15, 0, r0, c0, c0, 0 (MIDR) */
	UNIT_EQ_U64(idreg_a32_mrc(15, 0, 0, 0, 0, 0), 0xee100f10, "idreg_a32_mrc(15, 0, 0, 0, 0, 0)");
	/* mrc p15, 0, r0, c0, c1, 0 (ID_PFR0) */
	UNIT_EQ_U64(idreg_a32_mrc(15, 0, 0, 0, 1, 0), 0xee100f11, "idreg_a32_mrc(15, 0, 0, 0, 1, 0)");
	/* mrc p15, 1, r0, c0, c0, 1 (CLIDR) */
	UNIT_EQ_U64(idreg_a32_mrc(15, 1, 0, 0, 0, 1), 0xee300f30, "idreg_a32_mrc(15, 1, 0, 0, 0, 1)");
	/* mrc p15, 0, r0, c1, c0, 2 / mcr (CPACR) */
	UNIT_EQ_U64(idreg_a32_mrc(15, 0, 0, 1, 0, 2), 0xee110f50, "idreg_a32_mrc(15, 0, 0, 1, 0, 2)");
	UNIT_EQ_U64(idreg_a32_mcr(15, 0, 0, 1, 0, 2), 0xee010f50, "idreg_a32_mcr(15, 0, 0, 1, 0, 2)");
	/* vmrs r0, mvfr0 / mvfr1 / mvfr2 */
	UNIT_EQ_U64(idreg_a32_vmrs(IDREG_A32_VMRS_MVFR0, 0), 0xeef70a10, "idreg_a32_vmrs(IDREG_A32_VMRS_MVFR0, 0)");
	UNIT_EQ_U64(idreg_a32_vmrs(IDREG_A32_VMRS_MVFR1, 0), 0xeef60a10, "idreg_a32_vmrs(IDREG_A32_VMRS_MVFR1, 0)");
	UNIT_EQ_U64(idreg_a32_vmrs(IDREG_A32_VMRS_MVFR2, 0), 0xeef50a10, "idreg_a32_vmrs(IDREG_A32_VMRS_MVFR2, 0)");
	/* str r0, [r1]; str lr, [r3, #32] */
	UNIT_EQ_U64(idreg_a32_str(0, 1, 0), 0xe5810000, "idreg_a32_str(0, 1, 0)");
	UNIT_EQ_U64(idreg_a32_str(14, 3, 32), 0xe583e020, "idreg_a32_str(14, 3, 32)");
	/* b from 0x4 to 0x20; b . */
	UNIT_EQ_U64(idreg_a32_b(4, 0x20), 0xea000005, "idreg_a32_b(4, 0x20)");
	UNIT_EQ_U64(idreg_a32_b(8, 8), IDREG_A32_B_SELF, "idreg_a32_b(8, 8)");
}

static void test_registers(void)
{
	unsigned int i, vmrs = 0, mrc = 0;

	for (i = 0; i < IDREG_A32_NR_REGS; i++) {
		const struct idreg_a32_reg *r = &idreg_a32_regs[i];
		uint32_t w = idreg_a32_read_insn(r);

		UNIT_OK(idreg_slot_index(3, r->op1, 0, r->crm, r->op2) >= 0, r->name);
		if ((w & 0x0ff00fffU) == 0x0ef00a10U)
			vmrs++;
		else if ((w & 0x0f100f10U) == 0x0e100f10U)
			mrc++;
	}
	UNIT_EQ_U64(vmrs, 3, "vmrs");
	UNIT_EQ_U64(mrc, IDREG_A32_NR_REGS - 3, "MRC p15 reads");
	/* CTR is p15, 0, c0, c0, 1; MVFR0 VMRS reg 7 */
	UNIT_EQ_U64(idreg_a32_read_insn(&idreg_a32_regs[22]), 0xee100f30, "idreg_a32_read_insn(&idreg_a32_regs[22])");
	UNIT_EQ_U64(idreg_a32_read_insn(&idreg_a32_regs[16]), 0xeef70a10, "idreg_a32_read_insn(&idreg_a32_regs[16])");
}

int main(void)
{
	test_encoders();
	test_registers();
	return unit_done();
}
