// SPDX-License-Identifier: GPL-2.0-only
/*
 * KVM's answers after a VM's first run (idreg_kvm_predict_after_run()) and
 * reset_clidr()'s tag cache (idreg_clidr_reset_ttype()) and the PMU version
 * cap (idreg_pmuver_limit_problem()), on the generated tables.
 */
#include <errno.h>

#include "unit.h"

#include "idregs/field.h"
#include "idregs/kvm_rules.h"
#include "idregs/kversion.h"
#include "idregs/vcpu_config.h"

#define MIDR_SLOT	idreg_slot_index(3, 0, 0, 0, 0)
#define MPIDR_SLOT	idreg_slot_index(3, 0, 0, 0, 5)
#define CLIDR_SLOT	idreg_slot_index(3, 1, 0, 0, 1)
#define MMFR0_SLOT	idreg_slot_index(3, 0, 0, 7, 0)
#define ISAR0_SLOT	idreg_slot_index(3, 0, 0, 6, 0)
#define PFR0_SLOT	idreg_slot_index(3, 0, 0, 4, 0)
#define TGRAN4_2	(0xfULL << 40)

static int after(int slot, uint64_t limit, uint64_t cur, uint64_t val,
		 const struct idreg_vm_traits *t)
{
	return idreg_kvm_predict_after_run(slot, idreg_reg_by_slot(slot), limit, cur, val, t);
}

static void test_frozen(void)
{
	struct idreg_vm_traits t = { .aarch32_el0 = true, .kernel = 7 << 16 | 3 }, el2 = t;
	uint64_t limit = 2ULL << 40 | 2ULL << 36 | 2ULL << 32, isar0 = 0x0221100110212120ULL;

	idreg_vm_traits_set_features(&el2, IDREG_VCPU_EL2);
	UNIT_EQ_I64(after(ISAR0_SLOT, isar0, isar0, isar0, &t), 0, "the current value passes");
	UNIT_EQ_I64(after(ISAR0_SLOT, isar0, isar0, isar0 & ~0xf0ULL, &t), -EBUSY,
		    "a change the checks would accept: EBUSY");
	UNIT_EQ_I64(after(MMFR0_SLOT, limit, limit, limit & ~TGRAN4_2, &t), -EBUSY,
		    "TGran4_2 0 without EL2: the common check comes after the freeze: EBUSY");
	UNIT_EQ_I64(after(MMFR0_SLOT, limit, limit, limit & ~TGRAN4_2, &el2), -EINVAL,
		    "TGran4_2 0 with EL2: set_id_aa64mmfr0_el1() refuses before the freeze: EINVAL");
	UNIT_EQ_I64(after(MMFR0_SLOT, limit, limit, (limit & ~TGRAN4_2) | 1ULL << 40, &el2), -EBUSY,
		    "TGran4_2 NI with EL2: the setter allows it, the freeze refuses it");
}

/*
 * set_id_aa64pfr0_el1()'s refusal of EL1 not implemented is in 7.2's
 * source, not 6.12's: EINVAL before the freeze from 7.2 on, EBUSY on 6.12,
 * either on a kernel between them.
 */
static void test_between(void)
{
	struct idreg_vm_traits t = { .aarch32_el0 = true };
	uint64_t pfr0 = 0x1000000011112222ULL, el1_ni = pfr0 & ~0xf0ULL;

	t.kernel = 7 << 16 | 3;
	UNIT_EQ_I64(after(PFR0_SLOT, pfr0, pfr0, el1_ni, &t), -EINVAL, "7.3: EINVAL");
	t.kernel = 6 << 16 | 12;
	UNIT_EQ_I64(after(PFR0_SLOT, pfr0, pfr0, el1_ni, &t), -EBUSY, "6.12: EBUSY");
	t.kernel = 6 << 16 | 18;
	UNIT_EQ_I64(after(PFR0_SLOT, pfr0, pfr0, el1_ni, &t), IDREG_AFTER_RUN_BETWEEN,
		    "6.18, between the two: either");
	UNIT_EQ_I64(after(PFR0_SLOT, pfr0, pfr0, pfr0 & ~0xf000ULL, &t), -EBUSY,
		    "6.18: a change both series freeze is EBUSY");
}

static void test_other_paths(void)
{
	struct idreg_vm_traits t = { .aarch32_el0 = true, .ctr_idc = true }, imp = t;
	uint64_t midr = 0x410fd0c1, clidr = 0x0000000001000004ULL;

	imp.imp_id_writable = true;
	UNIT_EQ_I64(after(MIDR_SLOT, midr, midr, midr, &t), 0, "MIDR: the current value");
	UNIT_EQ_I64(after(MIDR_SLOT, midr, midr, midr ^ 0x10, &t), -EINVAL,
		    "MIDR without the capability: EINVAL before the freeze");
	UNIT_EQ_I64(after(MIDR_SLOT, midr, midr, midr ^ 0x10, &imp), -EBUSY,
		    "MIDR with the capability: EBUSY");
	UNIT_EQ_I64(after(MPIDR_SLOT, 0, 0, 1, &t), 0, "MPIDR: no freeze");
	UNIT_EQ_I64(after(CLIDR_SLOT, clidr, clidr, clidr | 1ULL << 27, &t), 0,
		    "CLIDR: no freeze (set_clidr())");
	UNIT_EQ_I64(after(CLIDR_SLOT, clidr, clidr, clidr | 1ULL << 63, &t), -EINVAL,
		    "CLIDR: RES0 still refused");
}

static void test_clidr_ttype(void)
{
	uint64_t loc1 = 0x0000000001000004ULL, loc2 = 0x0000000002000021ULL;

	UNIT_EQ_U64(idreg_clidr_reset_ttype(loc1, false), 0, "no MTE: no tag cache");
	UNIT_EQ_U64(idreg_clidr_reset_ttype(loc1, true), 2ULL << 33, "MTE, LoC 1: Ttype1 = 2");
	UNIT_EQ_U64(idreg_clidr_reset_ttype(loc2, true), 2ULL << 35, "MTE, LoC 2: Ttype2 = 2");
	UNIT_OK(!(idreg_clidr_reset_ttype(loc2, true) & ~IDREG_CLIDR_TTYPE_MASK),
		"inside Ttype1..7");
}

static void test_pmuver_limit(void)
{
	UNIT_OK(!idreg_pmuver_limit_problem(6, IDREG_HOST_PMU_64BIT), "64-bit counters: V3P5");
	UNIT_OK(idreg_pmuver_limit_problem(5, IDREG_HOST_PMU_64BIT) != NULL,
		"64-bit counters: V3P4 is below min(host, V3P5)");
	UNIT_OK(!idreg_pmuver_limit_problem(4, IDREG_HOST_PMU_CHAINED), "chained: V3P1");
	UNIT_OK(idreg_pmuver_limit_problem(6, IDREG_HOST_PMU_CHAINED) != NULL,
		"chained: V3P5 is above the host");
	UNIT_OK(idreg_pmuver_limit_problem(7, IDREG_HOST_PMU_UNKNOWN) != NULL, "V3P7 is above the cap");
	UNIT_OK(idreg_pmuver_limit_problem(0, IDREG_HOST_PMU_UNKNOWN) != NULL, "no PMUv3 with a PMU");
	UNIT_OK(!idreg_pmuver_limit_problem(5, IDREG_HOST_PMU_UNKNOWN), "unknown host: V3P4 allowed");
}

int main(void)
{
	test_pmuver_limit();
	test_frozen();
	test_between();
	test_other_paths();
	test_clidr_ttype();
	return unit_done();
}
