// SPDX-License-Identifier: GPL-2.0-only
/*
 * KVM's set paths (lib/predict/kvm_rules.c) on the generated tables: implementation
 * ID registers with and without the capability, MPIDR, CLIDR, RAZ/WI
 * AArch32 registers, hidden ZFR0, unallocated slots, the register-specific
 * setters and the host values they compare with.
 */
#include <errno.h>
#include <string.h>

#include "unit.h"

#include "idregs/field.h"
#include "idregs/kvm_rules.h"
#include "idregs/kversion.h"
#include "idregs/vcpu_config.h"

#define MIDR_SLOT	idreg_slot_index(3, 0, 0, 0, 0)
#define MPIDR_SLOT	idreg_slot_index(3, 0, 0, 0, 5)
#define CLIDR_SLOT	idreg_slot_index(3, 1, 0, 0, 1)
#define PFR0_SLOT	idreg_slot_index(3, 0, 0, 1, 0)
#define ZFR0_SLOT	idreg_slot_index(3, 0, 0, 4, 4)

static enum idreg_write_effect predict(int slot, uint64_t mask, uint64_t limit, uint64_t val,
				       const struct idreg_vm_traits *t)
{
	struct idreg_kvm_verdict v;

	return idreg_kvm_predict(slot, idreg_reg_by_slot(slot), mask, limit, val, t, &v);
}

static void test_imp_id(void)
{
	struct idreg_vm_traits locked = { .aarch32_el0 = true }, open = locked;
	uint64_t midr = 0x410fd0c1, mask = 0xffffffff;

	open.imp_id_writable = true;
	UNIT_OK(predict(MIDR_SLOT, mask, midr, midr, &locked) == IDREG_WRITE_STORED,
		"MIDR: the current value is always accepted");
	UNIT_OK(predict(MIDR_SLOT, mask, midr, midr ^ 0x10, &locked) == IDREG_WRITE_REJECTED,
		"MIDR: another value needs the capability");
	UNIT_OK(predict(MIDR_SLOT, mask, midr, 0x12345678, &open) == IDREG_WRITE_STORED,
		"MIDR: with the capability any value inside the mask");
	UNIT_OK(predict(MIDR_SLOT, mask, midr, midr | 1ULL << 32, &open) == IDREG_WRITE_REJECTED,
		"MIDR: bits outside the mask refused even with the capability");
}

static void test_paths(void)
{
	struct idreg_vm_traits t = { .aarch32_el0 = true, .ctr_idc = true }, no32 = t, noidc = t;
	uint64_t clidr = 0x01000004;	/* LoC 1, Ctype1 unified */
	struct idreg_kvm_verdict v;

	no32.aarch32_el0 = false;
	noidc.ctr_idc = false;
	UNIT_OK(predict(MPIDR_SLOT, 0, 0x80000000, 0x80000001, &t) == IDREG_WRITE_STORED,
		"MPIDR: any value, no ID check");
	UNIT_OK(predict(CLIDR_SLOT, 0x00007fffffffffffULL, clidr, clidr | 1ULL << 50, &t) ==
		IDREG_WRITE_REJECTED, "CLIDR: a RES0 bit is refused");
	UNIT_OK(predict(CLIDR_SLOT, 0x00007fffffffffffULL, clidr, 0x4, &t) == IDREG_WRITE_STORED,
		"CLIDR: LoC 0 (implies IDC) accepted when the host has IDC");
	UNIT_OK(predict(CLIDR_SLOT, 0x00007fffffffffffULL, clidr, 0x4, &noidc) == IDREG_WRITE_REJECTED,
		"CLIDR: LoC 0 refused when the host lacks IDC");
	UNIT_OK(predict(PFR0_SLOT, 0xffffffff, 0, 0x1234, &no32) == IDREG_WRITE_IGNORED,
		"AArch32 register without AArch32 EL0: written and ignored");
	UNIT_OK(predict(idreg_slot_index(3, 0, 0, 1, 3), 0, 0, 1, &no32) == IDREG_WRITE_REJECTED,
		"ID_AFR0_EL1 (ID_HIDDEN) is RAZ, not write-ignored, even without AArch32");
	UNIT_OK(predict(idreg_slot_index(3, 0, 0, 1, 3), 0, 0, 0, &t) == IDREG_WRITE_STORED,
		"ID_AFR0_EL1 takes its current value 0");
	UNIT_OK(predict(ZFR0_SLOT, 0x0fffff0f0ffff0ffULL, 0, 1, &t) == IDREG_WRITE_REJECTED,
		"ZFR0 without SVE is RAZ: only 0");
	UNIT_OK(idreg_kvm_predict(idreg_slot_index(3, 0, 0, 3, 7), NULL, 0, 0, 1, &t, &v) ==
		IDREG_WRITE_REJECTED && v.err == -EINVAL, "an unallocated slot refuses non-zero with EINVAL");
	UNIT_OK(idreg_kvm_predict(idreg_slot_index(3, 0, 0, 3, 7), NULL, 0, 0, 0, &t, &v) ==
		IDREG_WRITE_STORED, "an unallocated slot takes 0");
}

static void test_first_run(void)
{
	struct idreg_vm_traits t = { .kernel = 7 << 16 | 3 }, gic = t, old = t;
	int pfr0 = idreg_slot_index(3, 0, 0, 4, 0), mmfr3 = idreg_slot_index(3, 0, 0, 7, 3);
	int isar2 = idreg_slot_index(3, 0, 0, 6, 2), mmfr1 = idreg_slot_index(3, 0, 0, 7, 1);
	uint64_t regs[IDREG_NR_SLOTS] = { 0 };

	gic.vgic_v3 = true;
	old.kernel = 6 << 16 | 12;
	regs[pfr0] = 0x1101001021110222ULL;	/* GIC (27:24) = 1 */
	regs[mmfr3] = 0x00010101;		/* S1POE (19:16), S1PIE (11:8), TCRX (3:0) = 1 */
	regs[isar2] = 1ULL << 60;		/* ATS1A = 1 */
	regs[mmfr1] = 1ULL << 12;		/* HPDS = 1 */
	idreg_after_first_run(regs, &gic);
	UNIT_EQ_U64(regs[pfr0], 0x1101001021110222ULL, "with a vGICv3 the GIC field stays");
	regs[pfr0] = 0x1101001020110222ULL;
	idreg_after_first_run(regs, &gic);
	UNIT_EQ_U64(regs[pfr0], 0x1101001021110222ULL,
		    "7.x with a vGICv3: GIC written 0 reads IMP after the first run");
	gic.kernel = old.kernel;
	regs[pfr0] = 0x1101001020110222ULL;
	idreg_after_first_run(regs, &gic);
	UNIT_EQ_U64(regs[pfr0], 0x1101001020110222ULL, "6.12 with a vGICv3 keeps GIC as written");
	gic.kernel = t.kernel;
	regs[pfr0] = 0x1101001021110222ULL;
	UNIT_EQ_U64(regs[mmfr3], 0x00010101, "S1PIE/S1POE stay when TCRX, ATS1A, HPDS are there");
	idreg_after_first_run(regs, &t);
	UNIT_EQ_U64(regs[pfr0], 0x1101001020110222ULL,
		    "without a vGICv3 the first run clears ID_AA64PFR0_EL1.GIC");
	regs[mmfr1] = 0;
	idreg_after_first_run(regs, &t);
	UNIT_EQ_U64(regs[mmfr3], 0x00000101, "S1POE cleared without HPDS, S1PIE kept");
	regs[mmfr3] = 0x00010100;		/* TCRX = 0 */
	idreg_after_first_run(regs, &old);
	UNIT_EQ_U64(regs[mmfr3], 0x00010100, "6.12 enforces no dependencies");
	idreg_after_first_run(regs, &t);
	UNIT_EQ_U64(regs[mmfr3], 0, "7.x clears S1PIE and S1POE without TCRX");
	UNIT_EQ_U64(idreg_kernel_version("7.3.4+deb13-arm64"), 7 << 16 | 3, "release parsed");
	UNIT_EQ_U64(idreg_kernel_version("garbage"), 0, "unknown release is 0");
}

#define DFR0_SLOT	idreg_slot_index(3, 0, 0, 1, 2)
#define AA64PFR0_SLOT	idreg_slot_index(3, 0, 0, 4, 0)
#define AA64DFR0_SLOT	idreg_slot_index(3, 0, 0, 5, 0)
#define MMFR2_SLOT	idreg_slot_index(3, 0, 0, 7, 2)
#define CTR_SLOT	idreg_slot_index(3, 3, 0, 0, 1)
#define V7_3		(7 << 16 | 3)
#define V6_12		(6 << 16 | 12)

static void test_dfr0(void)
{
	struct idreg_vm_traits t = { .aarch32_el0 = true, .kernel = V6_12 };
	uint64_t mask = 0xffffffff, limit = 0x0300000a;	/* PerfMon 3 (27:24), CopDbg 0xa */
	struct idreg_kvm_verdict v;

	idreg_kvm_predict(DFR0_SLOT, idreg_reg_by_slot(DFR0_SLOT), mask, limit,
			  0x0f00000a, &t, &v);
	UNIT_OK(v.effect == IDREG_WRITE_ALTERED && v.stored == 0x0000000a,
		"DFR0: PerfMon IMPDEF accepted and stored as 0 (set_id_dfr0_el1)");
	UNIT_OK(predict(DFR0_SLOT, mask, limit, 0x0200000a, &t) == IDREG_WRITE_REJECTED,
		"DFR0: PerfMon 2 refused although lower is safe");
	UNIT_OK(predict(DFR0_SLOT, mask, limit, 0x0000000a, &t) == IDREG_WRITE_STORED,
		"DFR0: PerfMon 0 accepted");
	UNIT_OK(predict(DFR0_SLOT, mask, limit, 0x03000005, &t) == IDREG_WRITE_REJECTED,
		"DFR0: CopDbg 5 refused (floor Armv8)");
	UNIT_OK(predict(DFR0_SLOT, mask, limit, 0x03000006, &t) == IDREG_WRITE_STORED,
		"DFR0: CopDbg 6 accepted");
}

static void test_aa64dfr0(void)
{
	struct idreg_vm_traits t = { .aarch32_el0 = true, .kernel = V7_3 };
	uint64_t mask = 0x000000f000f00f0fULL, limit = 0x1030510aULL;	/* PMUVer 1, DebugVer 0xa */
	struct idreg_kvm_verdict v;

	idreg_kvm_predict(AA64DFR0_SLOT, idreg_reg_by_slot(AA64DFR0_SLOT), mask, limit,
			  0x10305f0aULL, &t, &v);
	UNIT_OK(v.effect == IDREG_WRITE_ALTERED && v.stored == 0x1030500aULL,
		"AA64DFR0: PMUVer IMP_DEF accepted and stored as 0 (set_id_aa64dfr0_el1)");
	UNIT_OK(predict(AA64DFR0_SLOT, mask, limit, 0x10305105ULL, &t) == IDREG_WRITE_REJECTED,
		"AA64DFR0: DebugVer 5 refused (floor IMP)");
	UNIT_OK(predict(AA64DFR0_SLOT, mask, limit, 0x10305106ULL, &t) == IDREG_WRITE_STORED,
		"AA64DFR0: DebugVer 6 accepted");
}

static void test_aa64pfr0(void)
{
	struct idreg_vm_traits t = { .aarch32_el0 = true, .kernel = V7_3 }, old = t;
	uint64_t mask = 0xffff00f0ff00ffffULL, limit = 0x1101001021110222ULL;

	old.kernel = V6_12;
	UNIT_OK(predict(AA64PFR0_SLOT, mask, limit, limit & ~0xfULL, &t) == IDREG_WRITE_REJECTED,
		"AA64PFR0: EL0 = 0 refused on 7.3 (set_id_aa64pfr0_el1() of 7.2 and 7.3)");
	UNIT_OK(predict(AA64PFR0_SLOT, mask, limit, limit & ~0xf0ULL, &t) == IDREG_WRITE_REJECTED,
		"AA64PFR0: EL1 = 0 refused on 7.3");
	UNIT_OK(predict(AA64PFR0_SLOT, mask, limit, limit & ~0xfULL, &old) == IDREG_WRITE_STORED,
		"AA64PFR0: EL0 = 0 accepted on 6.12 (lower is safe)");
	UNIT_OK(predict(AA64PFR0_SLOT, mask, limit, limit & ~0xf00ULL, &t) == IDREG_WRITE_STORED,
		"AA64PFR0: EL2 = 0 accepted without a vCPU with EL2");
	idreg_vm_traits_set_features(&t, IDREG_VCPU_EL2);
	UNIT_OK(predict(AA64PFR0_SLOT, mask, limit, limit & ~0xf00ULL, &t) == IDREG_WRITE_REJECTED,
		"AA64PFR0: EL2 = 0 refused for a vCPU with EL2");
}

#define AA64PFR1_SLOT	idreg_slot_index(3, 0, 0, 4, 1)
#define AA64MMFR0_SLOT	idreg_slot_index(3, 0, 0, 7, 0)

/* set_id_aa64pfr1_el1(): MTE_frac ASYNC on an MTE2 host without it, with MTE. */
static void test_mte_frac(void)
{
	struct idreg_vm_traits t = { .aarch32_el0 = true, .kernel = V7_3 }, plain = t;
	uint64_t limit = 0xfULL << 40 | 2ULL << 8, mte3 = 0xfULL << 40 | 3ULL << 8;
	uint64_t async = limit & ~(0xfULL << 40);
	struct idreg_kvm_verdict v;

	idreg_vm_traits_set_features(&t, IDREG_VCPU_MTE);
	UNIT_OK(t.features == IDREG_VCPU_MTE, "traits: the mte configuration sets mte only");
	idreg_kvm_predict(AA64PFR1_SLOT, idreg_reg_by_slot(AA64PFR1_SLOT), 0, limit, async, &t,
			  &v);
	UNIT_OK(v.effect == IDREG_WRITE_ALTERED && v.stored == limit,
		"MTE_frac 0 with MTE on an MTE2 host without ASYNC: stored as 0xf");
	UNIT_OK(predict(AA64PFR1_SLOT, 0, limit, async, &plain) == IDREG_WRITE_REJECTED,
		"MTE_frac 0 without the MTE capability: outside the mask, refused");
	UNIT_OK(predict(AA64PFR1_SLOT, 0, mte3, mte3 & ~(0xfULL << 40), &t) ==
		IDREG_WRITE_REJECTED, "MTE_frac 0 on an MTE3 host: refused");
}

/* set_id_aa64mmfr0_el1() and ignore_feat_doublelock() for a vCPU with EL2. */
static void test_nv_setters(void)
{
	struct idreg_vm_traits t = { .aarch32_el0 = true, .kernel = V7_3 }, plain = t;
	uint64_t mask = 0xfULL << 32 | 0xfULL << 36 | 0xfULL << 40;
	uint64_t limit = 2ULL << 40 | 2ULL << 36 | 2ULL << 32;
	uint64_t dfr_mask = 0xfULL << 36 | 0xf, dfr = 0xfULL << 36 | 6;
	struct idreg_kvm_verdict v;

	idreg_vm_traits_set_features(&t, IDREG_VCPU_EL2 | IDREG_VCPU_E2H0);
	UNIT_OK((t.features & IDREG_VCPU_EL2) && !(t.features & IDREG_VCPU_MTE), "traits: el2-e2h0 has EL2");
	UNIT_OK(predict(AA64MMFR0_SLOT, mask, limit, (limit & ~(0xfULL << 40)) | 1ULL << 40, &t) ==
		IDREG_WRITE_STORED, "TGran4_2 NI accepted with EL2");
	idreg_kvm_predict(AA64MMFR0_SLOT, idreg_reg_by_slot(AA64MMFR0_SLOT), mask, limit,
			  limit & ~(0xfULL << 40), &t, &v);
	UNIT_OK(v.effect == IDREG_WRITE_REJECTED && !strcmp(v.path, "set_id_aa64mmfr0_el1"),
		"TGran4_2 0 (as stage 1) refused with EL2 by the setter");
	idreg_kvm_predict(AA64MMFR0_SLOT, idreg_reg_by_slot(AA64MMFR0_SLOT), mask, limit,
			  limit & ~(0xfULL << 40), &plain, &v);
	UNIT_OK(v.effect == IDREG_WRITE_REJECTED && !strcmp(v.path, "arm64_check_features"),
		"TGran4_2 0 refused without EL2 by the common check (FTR_EXACT, safe 1)");
	idreg_kvm_predict(AA64DFR0_SLOT, idreg_reg_by_slot(AA64DFR0_SLOT), dfr_mask, dfr,
			  6, &t, &v);
	UNIT_OK(v.effect == IDREG_WRITE_ALTERED && v.stored == dfr,
		"DoubleLock IMP with EL2 on a host without it: stored as NI");
}

/* MPAM: refused unless equal to the host's value, which a dropped write shows. */
static void test_host_values(void)
{
	struct idreg_vm_traits t = { .aarch32_el0 = true, .kernel = V7_3 };
	uint64_t mask = 0xffff00f0ff00ffffULL, limit = 0x1101001021110222ULL;
	uint64_t mpam1 = limit | 1ULL << 40, mpam2 = limit | 2ULL << 40;
	struct idreg_kvm_verdict v;

	idreg_kvm_predict(AA64PFR0_SLOT, idreg_reg_by_slot(AA64PFR0_SLOT), mask, limit, mpam1,
			  &t, &v);
	UNIT_OK(v.effect == IDREG_WRITE_REJECTED && v.host_rule >= 0 && v.host_guess == 1,
		"MPAM 1, host unknown: refused unless the host has MPAM 1");
	UNIT_OK(v.if_host_equal.effect == IDREG_WRITE_ALTERED && v.if_host_equal.stored == limit,
		"MPAM 1 on a host with MPAM 1: accepted, stored as 0");
	UNIT_OK(idreg_kvm_answer(&t, &v, limit, -EINVAL, limit) == IDREG_ANSWER_MATCH,
		"a refusal that leaves the register matches");
	UNIT_OK(idreg_kvm_answer(&t, &v, limit, -EINVAL, mpam1) == IDREG_ANSWER_MISMATCH,
		"a refusal that changed the register does not");
	UNIT_OK(idreg_kvm_answer(&t, &v, limit, 0, mpam1) == IDREG_ANSWER_MISMATCH,
		"accepted and stored as written: no rule says so");
	UNIT_OK(t.host_known == 0, "nothing learnt from a mismatch");
	UNIT_OK(idreg_kvm_answer(&t, &v, limit, 0, limit) == IDREG_ANSWER_LEARNT,
		"accepted and dropped: the host's MPAM is 1");
	UNIT_OK(predict(AA64PFR0_SLOT, mask, limit, mpam2, &t) == IDREG_WRITE_REJECTED,
		"then MPAM 2 is refused, with no doubt left");
	idreg_kvm_predict(AA64PFR0_SLOT, idreg_reg_by_slot(AA64PFR0_SLOT), mask, limit, mpam2,
			  &t, &v);
	UNIT_OK(v.host_rule < 0, "no unknown left for MPAM");
	UNIT_OK(predict(AA64PFR0_SLOT, mask, limit, mpam1, &t) == IDREG_WRITE_ALTERED,
		"and MPAM 1 is dropped");
	UNIT_OK(predict(MMFR2_SLOT, 0xf0ff000ff00fffffULL, 0, 2ULL << 24, &t) == IDREG_WRITE_REJECTED,
		"MMFR2: NV, host unknown: refused");
	t.kernel = V6_12;
	idreg_kvm_predict(MMFR2_SLOT, idreg_reg_by_slot(MMFR2_SLOT), 0xf0ff000ff00fffffULL, 0,
			  2ULL << 24, &t, &v);
	UNIT_OK(v.effect == IDREG_WRITE_REJECTED && v.host_rule < 0,
		"MMFR2: 6.12 has no NV setter: refused whatever the host");
}

static void test_ctr(void)
{
	struct idreg_vm_traits t = { .aarch32_el0 = true, .kernel = V7_3 };
	struct idreg_kvm_verdict v;
	uint64_t limit = 0xb444c004ULL, mask = 0x300fc00fULL;	/* L1Ip (15:14) PIPT */

	idreg_kvm_predict(CTR_SLOT, idreg_reg_by_slot(CTR_SLOT), mask, limit,
			  limit & ~0xc000ULL, &t, &v);
	UNIT_OK(v.effect == IDREG_WRITE_REJECTED && !strcmp(v.path, "set_ctr_el0"),
		"CTR_EL0: L1Ip VPIPT refused by set_ctr_el0");
	UNIT_OK(predict(CTR_SLOT, mask, limit, (limit & ~0xc000ULL) | 0x8000, &t) ==
		IDREG_WRITE_STORED, "CTR_EL0: L1Ip VIPT accepted");
}

static void test_ctr_view(void)
{
	struct idreg_vm_traits evt = { .evt = true }, none = { .evt = false };
	uint64_t limit = 0x9444c004ULL, hw = 0x49444c004ULL, lowered = 0x8440c000ULL;

	UNIT_EQ_U64(idreg_guest_ctr_view(&evt, limit, limit, hw), hw,
		    "FEAT_EVT and the host's CTR_EL0: TID4, the guest reads the hardware");
	UNIT_EQ_U64(idreg_guest_ctr_view(&evt, lowered, limit, hw), lowered,
		    "FEAT_EVT and a changed CTR_EL0: TID2, the guest reads the VM's");
	UNIT_EQ_U64(idreg_guest_ctr_view(&none, limit, limit, hw), limit,
		    "no FEAT_EVT: TID2, the guest reads the VM's");
}

static void test_per_vcpu(void)
{
	UNIT_OK(!idreg_slot_vm_wide(CLIDR_SLOT) && !idreg_slot_frozen_after_run(CLIDR_SLOT),
		"CLIDR_EL1 is per vCPU and stays writable after the run");
	UNIT_OK(!idreg_slot_vm_wide(MPIDR_SLOT), "MPIDR_EL1 is per vCPU");
	UNIT_OK(idreg_slot_vm_wide(AA64PFR0_SLOT) && idreg_slot_frozen_after_run(AA64PFR0_SLOT),
		"ID_AA64PFR0_EL1 is per VM and frozen after the run");
}

/* A kernel between two series read: either series' answer (issue 21). */
static void test_between(void)
{
	struct idreg_vm_traits t = { .aarch32_el0 = true, .kernel = 7 << 16 | 0 };
	uint64_t mask = 0xffff00f0ff00ffffULL, limit = 0x1101001021110222ULL;
	uint64_t el0 = limit & ~0xfULL, regs[IDREG_NR_SLOTS] = { 0 };
	int pfr0 = idreg_slot_index(3, 0, 0, 4, 0);
	const char *older, *newer;
	struct idreg_kvm_verdict v;
	char buf[256];

	idreg_kvm_predict(AA64PFR0_SLOT, idreg_reg_by_slot(AA64PFR0_SLOT), mask, limit, el0, &t, &v);
	UNIT_OK(v.between && v.effect == IDREG_WRITE_REJECTED &&
		v.alt.effect == IDREG_WRITE_STORED && !strcmp(v.newer, "7.2") &&
		!strcmp(v.older, "6.12"),
		"7.0, EL0 = 0: refused as in 7.2, stored as in 6.12");
	UNIT_OK(idreg_kvm_answer(&t, &v, limit, -EINVAL, limit) == IDREG_ANSWER_BETWEEN,
		"refused is 7.2's answer");
	idreg_between_describe(buf, sizeof(buf), &v, limit, -EINVAL, limit);
	UNIT_EQ_STR(buf, "refused, as in 7.2 (6.12: arm64_check_features stored)",
		    "and the result says so");
	UNIT_OK(idreg_kvm_answer(&t, &v, limit, 0, el0) == IDREG_ANSWER_BETWEEN,
		"stored is 6.12's answer");
	idreg_between_describe(buf, sizeof(buf), &v, limit, 0, el0);
	UNIT_EQ_STR(buf, "accepted, as in 6.12 (7.2: set_id_aa64pfr0_el1 EL0 not implemented)",
		    "and the result says so");
	UNIT_OK(idreg_kvm_answer(&t, &v, limit, 0, limit) == IDREG_ANSWER_MISMATCH,
		"accepted but not stored is neither");
	idreg_kvm_predict(AA64PFR0_SLOT, idreg_reg_by_slot(AA64PFR0_SLOT), mask, limit,
			  limit | 0xf0000000000ULL, &t, &v);
	UNIT_OK(!v.between && v.effect == IDREG_WRITE_REJECTED,
		"what both series refuse is refused, not between");
	regs[pfr0] = 0x1101001020110222ULL;	/* GIC 0 written */
	t.vgic_v3 = true;
	UNIT_OK(idreg_after_first_run_older(regs, &t, &older, &newer) &&
		regs[pfr0] == 0x1101001020110222ULL && !strcmp(older, "6.12"),
		"7.0 with a vGICv3: 6.12 keeps GIC as written");
	idreg_after_first_run(regs, &t);
	UNIT_EQ_U64(regs[pfr0], 0x1101001021110222ULL, "7.2 rewrites it at the first run");
	t.kernel = 7 << 16 | 2;
	UNIT_OK(!idreg_after_first_run_older(regs, &t, &older, &newer), "7.2 is not between");
}

/* A slot the older series leaves unallocated, the newer describes. */
static void test_between_hidden(void)
{
	unsigned int isar3 = (unsigned int)idreg_slot_index(3, 0, 0, 6, 3);
	const struct idreg_reg *reg = idreg_reg_by_slot(isar3);
	struct idreg_vm_traits t = { .aarch32_el0 = true, .kernel = 6 << 16 | 12 };

	UNIT_OK(idreg_slot_hidden(isar3, reg, &t), "6.12 hides ID_AA64ISAR3_EL1 (ID_UNALLOCATED)");
	t.kernel = 7 << 16 | 0;
	UNIT_OK(!idreg_slot_hidden(isar3, reg, &t),
		"7.0, between 6.12 and 7.2 (which describes it), does not");
	t.kernel = 7 << 16 | 2;
	UNIT_OK(!idreg_slot_hidden(isar3, reg, &t), "nor does 7.2");
}

int main(void)
{
	test_between();
	test_between_hidden();
	test_dfr0();
	test_aa64dfr0();
	test_aa64pfr0();
	test_host_values();
	test_mte_frac();
	test_nv_setters();
	test_ctr();
	test_ctr_view();
	test_per_vcpu();
	test_first_run();
	test_imp_id();
	test_paths();
	return unit_done();
}
