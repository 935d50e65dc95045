/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The AArch32 ID registers and the A32 instructions that read them, as
 * Arm says (lib/arch/a32.c): MRC p15 for ID_PFR0-2, ID_DFR0/1, ID_AFR0,
 * ID_MMFR0-5, ID_ISAR0-6, CTR and CLIDR; VMRS for MVFR0-2.  The encoders
 * are pure functions, unit-tested against the Arm ARM's encodings; the A32
 * guest (idregs/guest_a32.h) runs them.
 */
#ifndef IDREGS_A32_H
#define IDREGS_A32_H

#include <stdint.h>

#define IDREG_A32_AL		0xe0000000U	/* condition: always */
#define IDREG_A32_B_SELF	0xeafffffeU	/* b . */
#define IDREG_A32_ISB		0xf57ff06fU	/* isb sy */
#define IDREG_A32_MOVS_PC_LR	0xe1b0f00eU	/* movs pc, lr: exception return */
#define IDREG_A32_ADD_LR_4	0xe28ee004U	/* add lr, lr, #4 */
#define IDREG_A32_ORR_R0_CP10_11 0xe380060fU	/* orr r0, r0, #0xf00000 */
#define IDREG_A32_MOV_R0_FPEXC_EN 0xe3a00101U	/* mov r0, #0x40000000 */
#define IDREG_A32_VMSR_FPEXC_R0	0xeee80a10U	/* vmsr fpexc, r0 */

/* The VMRS register numbers of MVFR0-2 ("reg" of VMRS, Arm ARM F6.1.218). */
#define IDREG_A32_VMRS_MVFR0	7
#define IDREG_A32_VMRS_MVFR1	6
#define IDREG_A32_VMRS_MVFR2	5

/* mrc p<cp>, <opc1>, r<rt>, c<crn>, c<crm>, <opc2> */
static inline uint32_t idreg_a32_mrc(unsigned int cp, unsigned int opc1, unsigned int rt,
				     unsigned int crn, unsigned int crm, unsigned int opc2)
{
	return 0xee100010U | (opc1 & 7) << 21 | (crn & 15) << 16 | (rt & 15) << 12 |
	       (cp & 15) << 8 | (opc2 & 7) << 5 | (crm & 15);
}

/* mcr: the same with L = 0 */
static inline uint32_t idreg_a32_mcr(unsigned int cp, unsigned int opc1, unsigned int rt,
				     unsigned int crn, unsigned int crm, unsigned int opc2)
{
	return idreg_a32_mrc(cp, opc1, rt, crn, crm, opc2) & ~(1U << 20);
}

/* vmrs r<rt>, <spec_reg> */
static inline uint32_t idreg_a32_vmrs(unsigned int reg, unsigned int rt)
{
	return 0xeef00a10U | (reg & 15) << 16 | (rt & 15) << 12;
}

/* str r<rt>, [r<rn>, #imm] (0 <= imm < 4096) */
static inline uint32_t idreg_a32_str(unsigned int rt, unsigned int rn, unsigned int imm)
{
	return 0xe5800000U | (rn & 15) << 16 | (rt & 15) << 12 | (imm & 0xfff);
}

/* b <to>, the instruction being at byte offset @at (both word aligned) */
static inline uint32_t idreg_a32_b(uint32_t at, uint32_t to)
{
	return 0xea000000U | (((to - (at + 8)) >> 2) & 0xffffffU);
}

/*
 * An AArch32 ID register: its name, how A32 code reads it (MRC p15 or
 * VMRS) and the AArch64 register (op1, CRm, op2 of op0=3, CRn=0) whose low
 * 32 bits it is, and so KVM_GET_ONE_REG's slot.
 */
struct idreg_a32_reg {
	const char *name;
	const char *aarch64;
	unsigned int op1, crm, op2;	/* the AArch64 encoding */
};

#define IDREG_A32_NR_REGS	24
extern const struct idreg_a32_reg idreg_a32_regs[IDREG_A32_NR_REGS];

/* The instruction reading @r into r0: MRC p15 or VMRS. */
uint32_t idreg_a32_read_insn(const struct idreg_a32_reg *r);

#endif /* IDREGS_A32_H */
