// SPDX-License-Identifier: GPL-2.0-only
/*
 * KVM's set paths (lib/kvm_rules.c) on the generated tables: implementation
 * ID registers with and without the capability, MPIDR, CLIDR, RAZ/WI
 * AArch32 registers, hidden ZFR0, unallocated slots.
 */
#include <errno.h>

#include "unit.h"

#include "idregs/field.h"
#include "idregs/kvm_rules.h"

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

int main(void)
{
	test_first_run();
	test_imp_id();
	test_paths();
	return unit_done();
}
