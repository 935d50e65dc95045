// SPDX-License-Identifier: GPL-2.0-only
/*
 * Known facts about the generated ID register tables.  The lookups are
 * local on purpose: this checks the generated data, not lib/table.c.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "idregs/table.h"

static int passed, failed;

static void check(int ok, const char *desc)
{
	if (ok)
		passed++;
	else
		failed++;
	printf("%sok %d - %s\n", ok ? "" : "not ", passed + failed, desc);
}

static const struct idreg_reg *reg(const char *name)
{
	for (unsigned int i = 0; i < idreg_nr_regs; i++)
		if (!strcmp(idreg_regs[i].name, name))
			return &idreg_regs[i];
	return NULL;
}

static const struct idreg_field *field(const char *rname, const char *fname)
{
	const struct idreg_reg *r = reg(rname);

	for (unsigned int i = 0; r && i < r->nr_fields; i++)
		if (!strcmp(r->fields[i].name, fname))
			return &r->fields[i];
	return NULL;
}

static const char *value_name(const struct idreg_field *f, uint64_t value)
{
	for (unsigned int i = 0; f && i < f->nr_values; i++)
		if (f->values[i].value == value)
			return f->values[i].name;
	return NULL;
}

static int streq(const char *a, const char *b)
{
	return a && b && !strcmp(a, b);
}

/* Fields within 0..63, sorted by lsb descending, and no bit claimed twice. */
static int layout_ok(const struct idreg_reg *r)
{
	uint64_t seen = 0;

	for (unsigned int i = 0; i < r->nr_fields; i++) {
		const struct idreg_field *f = &r->fields[i];
		uint64_t mask;

		if (!f->width || f->lsb + f->width > 64)
			return 0;
		if (i && f->lsb >= r->fields[i - 1].lsb)
			return 0;
		mask = (f->width == 64 ? ~0ull : (1ull << f->width) - 1) << f->lsb;
		if (seen & mask)
			return 0;
		seen |= mask;
	}
	return 1;
}

int main(void)
{
	const struct idreg_field *aes = field("ID_AA64ISAR0_EL1", "AES");
	const struct idreg_field *dl = field("ID_AA64DFR0_EL1", "DoubleLock");
	const struct idreg_field *pmu = field("ID_AA64DFR0_EL1", "PMUVer");
	const struct idreg_reg *midr = reg("MIDR_EL1");
	const struct idreg_reg *dfr0 = reg("ID_AA64DFR0_EL1");
	int all_ok = 1, pmu_ftr_ok = 0;

	check(aes && aes->lsb == 4 && aes->width == 4,
	      "ID_AA64ISAR0_EL1.AES is bits 7:4");
	check(aes && !aes->is_signed && aes->kind == IDREG_FIELD_UNSIGNED_ENUM,
	      "ID_AA64ISAR0_EL1.AES is an unsigned enum");
	/* The sysreg file spells value 1 "AES" (ID_AA64ISAR0_EL1_AES_AES). */
	check(streq(value_name(aes, 0), "NI") && streq(value_name(aes, 1), "AES") &&
	      streq(value_name(aes, 2), "PMULL"),
	      "ID_AA64ISAR0_EL1.AES values 0/1/2 are NI/AES/PMULL");
	check(dl && dl->is_signed, "ID_AA64DFR0_EL1.DoubleLock is signed");
	check(field("CTR_EL0", "L1Ip") != NULL, "CTR_EL0.L1Ip exists");
	check(midr && (midr->source & IDREG_SRC_SUPPLEMENT) &&
	      midr->op0 == 3 && midr->op1 == 0 && midr->crn == 0 &&
	      midr->crm == 0 && midr->op2 == 0,
	      "MIDR_EL1 present at 3,0,0,0,0 from the supplement");
	check(pmu && pmu->policy.type == IDREG_POLICY_LOWER_SAFE &&
	      (pmu->policy.source & IDREG_SRC_KVM_OVERRIDE) &&
	      pmu->policy.override_reason,
	      "ID_AA64DFR0_EL1.PMUVer policy is LOWER_SAFE by KVM override");
	for (unsigned int i = 0; dfr0 && pmu && i < dfr0->nr_ftr_bits; i++) {
		const struct idreg_ftr_bits *b = &dfr0->ftr_bits[i];

		if (b->lsb == pmu->lsb && b->width == pmu->width)
			pmu_ftr_ok = b->policy.type == IDREG_POLICY_LOWER_SAFE &&
				     (b->policy.source & IDREG_SRC_KVM_OVERRIDE);
	}
	check(dfr0 && dfr0->has_ftr_reg && pmu_ftr_ok,
	      "ID_AA64DFR0_EL1 ftr_bits carry the PMUVer override too");
	check(idreg_nr_regs >= 50, "at least 50 registers");
	for (unsigned int i = 0; i < idreg_nr_regs; i++) {
		if (!layout_ok(&idreg_regs[i])) {
			printf("# bad layout: %s\n", idreg_regs[i].name);
			all_ok = 0;
		}
	}
	check(all_ok, "every field within 0..63, sorted, no overlaps");
	check(strstr(idreg_table_inputs, "kernel: ") != NULL,
	      "idreg_table_inputs records the kernel version");

	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
