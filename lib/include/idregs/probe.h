/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Feature probes: what a guest finds when it uses a feature, in both
 * directions.
 *
 * Implemented: where an ID field (as KVM_GET_ONE_REG reads it) says a
 * feature is there, the architecture says its instructions or registers
 * work; one that takes an exception in the guest means KVM advertises what
 * it does not give (guest_view_test's features@CONFIG).
 *
 * Absent: the architecture makes a feature's instructions UNDEFINED where
 * it is not implemented.  For the features KVM can and does make so by a
 * trap control (gated: FP and AdvSIMD through CPTR_EL2, pointer
 * authentication through HCR_EL2.API, SVE through CPTR_EL2.ZEN, SME
 * through CPTR_EL2's SME trap, MTE's tag registers through HCR_EL2.ATA) an ID
 * field that says absent, whether by KVM's defaults or written so by
 * userspace, must leave the guest an UNDEF (ESR EC 0) on the probe
 * (hidden@CONFIG).  A feature KVM does not gate (AES, atomics, ECV's
 * CNTPOFF_EL2: 7.3 lets a guest hypervisor read it whatever ECV says; the
 * PMU, which KVM gates by the vCPU feature KVM_ARM_VCPU_PMU_V3, not by
 * PMUVer) is probed only where implemented.
 *
 * A feature may be named by several fields (PAuth's algorithms): it is
 * implemented when any of them says so.  Each probe is one step of the
 * AArch64 guest (idregs/guest.h): the probing instruction, then a store
 * of x0; an exception is a trapped step.  A guest at EL1 first opens
 * CPACR_EL1.FPEN and ZEN (and SMEN for SME's) and, for the address
 * authentication probe, sets SCTLR_EL1.EnIA (with EnIA 0 PACIA is a NOP that nothing traps).  The
 * table and the field logic are here, portable (lib/arch/probe.c,
 * unit-tested with the instruction words); running them needs KVM
 * (idregs/guest_probe.h, lib/kvm/guest_probe.c).  The probes need no
 * knowledge of KVM's source.
 */
#ifndef IDREGS_PROBE_H
#define IDREGS_PROBE_H

#include <stdbool.h>
#include <stdint.h>

#include "idregs/table.h"

#define IDREG_PROBE_MAX_FIELDS	3

/* Instruction words of the probes and their set-up. */
#define IDREG_A64_RDVL_X0_1		0x04bf5020U	/* rdvl x0, #1 */
#define IDREG_A64_MRS_X0_CNTPOFF_EL2	0xd53ce0c0U	/* mrs x0, S3_4_C14_C0_6 */
#define IDREG_A64_FMOV_D0_X0		0x9e670000U	/* fmov d0, x0 */
#define IDREG_A64_MOVI_V0_2D_0		0x6f00e400U	/* movi v0.2d, #0 */
#define IDREG_A64_PACGA_X0_X1_X2	0x9ac23020U	/* pacga x0, x1, x2 */
#define IDREG_A64_PACIA_X0_X1		0xdac10020U	/* pacia x0, x1 */
#define IDREG_A64_MOVZ_X0_CPACR_ZEN_FPEN 0xd2a00660U	/* mov x0, #0x330000 */
#define IDREG_A64_MSR_CPACR_EL1_X0	0xd5181040U	/* msr cpacr_el1, x0 */
#define IDREG_A64_MRS_X0_SCTLR_EL1	0xd5381000U	/* mrs x0, sctlr_el1 */
#define IDREG_A64_ORR_X0_ENIA		0xb2610000U	/* orr x0, x0, #(1 << 31) */
#define IDREG_A64_MSR_SCTLR_EL1_X0	0xd5181000U	/* msr sctlr_el1, x0 */
#define IDREG_A64_ISB			0xd5033fdfU	/* isb */
#define IDREG_A64_RDSVL_X0_1		0x04bf5820U	/* rdsvl x0, #1 */
#define IDREG_A64_MRS_X0_GCR_EL1	0xd53810c0U	/* mrs x0, S3_0_C1_C0_6 */
#define IDREG_A64_MRS_X0_PMCR_EL0	0xd53b9c00U	/* mrs x0, pmcr_el0 */
/* mov x0, #0x3330000: CPACR_EL1.SMEN (25:24), FPEN and ZEN open */
#define IDREG_A64_MOVZ_X0_CPACR_SMEN_ZEN_FPEN 0xd2a06660U

/* What a probe needs set up first, at EL1. */
#define IDREG_PROBE_CPACR	(1U << 0)	/* CPACR_EL1.FPEN and ZEN open */
#define IDREG_PROBE_ENIA	(1U << 1)	/* SCTLR_EL1.EnIA set */
#define IDREG_PROBE_SMEN	(1U << 2)	/* with CPACR: SMEN open too */

struct idreg_probe_field {
	const char *reg, *field;
	unsigned int min;	/* implemented from this value (in the field's signedness) */
};

struct idreg_probe {
	const char *name;			/* the feature */
	struct idreg_probe_field fields[IDREG_PROBE_MAX_FIELDS];
	unsigned int nr_fields;			/* any implemented: the feature is */
	const char *use;			/* what the guest does */
	uint32_t insn;				/* the probing instruction (result in x0) */
	unsigned int setup;			/* IDREG_PROBE_* */
	bool el2_only;				/* an EL2 register: a guest at vEL2 only */
	bool el1_only;				/* its set-up is EL1's */
	bool gated;				/* KVM makes its absence UNDEFINED */
};

#define IDREG_NR_PROBES	9
extern const struct idreg_probe idreg_probes[IDREG_NR_PROBES];

/* Field @i of @p in the tables (NULL if the tables lack it), its slot in @slot. */
const struct idreg_field *idreg_probe_field(const struct idreg_probe *p, unsigned int i,
					    int *slot);
/* Does @raw say field @i of @p is implemented? */
bool idreg_probe_field_implemented(const struct idreg_probe *p, unsigned int i, uint64_t raw);
/*
 * The value of field @i of @p that says absent: the lowest, all ones
 * (-1: not implemented) for a signed field, 0 for an unsigned one.
 */
uint64_t idreg_probe_field_absent(const struct idreg_probe *p, unsigned int i);
/* Do the registers @vals (by slot) say @p's feature is implemented? */
bool idreg_probe_implemented(const struct idreg_probe *p, const uint64_t vals[IDREG_NR_SLOTS]);
/* Can a guest at vEL2 (@el2) or EL1 run @p? */
bool idreg_probe_runs_at(const struct idreg_probe *p, bool el2);

#endif /* IDREGS_PROBE_H */
