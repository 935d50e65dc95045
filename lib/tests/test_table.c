// SPDX-License-Identifier: GPL-2.0-only
/*
 * Known facts about the generated ID register tables.  The lookups are
 * local on purpose: this checks the generated data, not lib/arch/table.c.
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

/* The same field by its kernel spelling. */
static const struct idreg_field *kernel_field(const char *rname, const char *kname)
{
	const struct idreg_reg *r = reg(rname);

	for (unsigned int i = 0; r && i < r->nr_fields; i++)
		if (streq(r->fields[i].kernel_name, kname))
			return &r->fields[i];
	return NULL;
}

/*
 * Every (register, field, msb, lsb) line of Arm's list is a field of the
 * tables under that name and at those bits.  Returns the lines checked,
 * or -1 if the file cannot be read.
 */
#define ARM_FIELDS	"gen/arm_fields.tsv"

static int arm_fields_present(int *missing)
{
	char line[256], rname[64], fname[64];
	unsigned int msb, lsb;
	int nr = 0;
	FILE *f = fopen(ARM_FIELDS, "r");

	if (!f)
		return -1;
	*missing = 0;
	while (fgets(line, sizeof(line), f)) {
		const struct idreg_field *fld;

		if (line[0] == '#' || line[0] == '\n')
			continue;
		nr++;
		if (sscanf(line, "%63s %63s %u %u", rname, fname, &msb, &lsb) != 4) {
			printf("# %s: bad line: %s", ARM_FIELDS, line);
			(*missing)++;
			continue;
		}
		fld = field(rname, fname);
		if (!fld || fld->lsb != lsb || fld->lsb + fld->width - 1U != msb ||
		    !(fld->source & IDREG_SRC_AARCHMRS)) {
			printf("# %s.%s [%u:%u] is not in the tables as Arm names it\n",
			       rname, fname, msb, lsb);
			(*missing)++;
		}
	}
	fclose(f);
	return nr;
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
	const struct idreg_field *bigend, *tbs;
	const struct idreg_reg *clidr, *mpidr;
	int all_ok = 1, pmu_ftr_ok = 0, nr_arm, missing = 0;

	check(aes && aes->lsb == 4 && aes->width == 4,
	      "ID_AA64ISAR0_EL1.AES is bits 7:4");
	check(aes && !aes->is_signed && aes->kind == IDREG_FIELD_UNSIGNED_ENUM,
	      "ID_AA64ISAR0_EL1.AES is an unsigned enum");
	/* The sysreg file spells value 1 "AES" (ID_AA64ISAR0_EL1_AES_AES). */
	check(streq(value_name(aes, 0), "NI") && streq(value_name(aes, 1), "AES") &&
	      streq(value_name(aes, 2), "PMULL"),
	      "ID_AA64ISAR0_EL1.AES values 0/1/2 are NI/AES/PMULL");
	check(dl && dl->is_signed, "ID_AA64DFR0_EL1.DoubleLock is signed");
	/* gen/arm_values.txt: what Armv8 CPUs report, the kernel's file lacks. */
	check(streq(value_name(field("ID_PFR0_EL1", "State1"), 3), "THUMB2_ALL"),
	      "ID_PFR0_EL1.State1 names 0b0011 (gen/arm_values.txt)");
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
	nr_arm = arm_fields_present(&missing);
	printf("# %d lines of %s\n", nr_arm, ARM_FIELDS);
	check(nr_arm >= 449 && !missing,
	      "every field of Arm's list is in the tables, by its Arm name and bits");
	bigend = field("ID_AA64MMFR0_EL1", "BigEnd");
	check(bigend && bigend == kernel_field("ID_AA64MMFR0_EL1", "BIGEND") &&
	      bigend->lsb == 8 && bigend->width == 4,
	      "ID_AA64MMFR0_EL1.BigEnd is the kernel's BIGEND, bits 11:8");
	clidr = reg("CLIDR_EL1");
	check(clidr && clidr->nr_aliases == 1 &&
	      streq(clidr->aliases[0].name, "Ttypen") &&
	      clidr->aliases[0].lsb == 33 && clidr->aliases[0].width == 14 &&
	      field("CLIDR_EL1", "Ttype1") && field("CLIDR_EL1", "Ttype7"),
	      "CLIDR_EL1: Arm's Ttype1..7, the kernel's Ttypen an alias of 46:33");
	mpidr = reg("MPIDR_EL1");
	check(mpidr && mpidr->op2 == 5 && field("MPIDR_EL1", "Aff3") &&
	      (mpidr->source & IDREG_SRC_SUPPLEMENT),
	      "MPIDR_EL1 at 3,0,0,0,5 with its fields");
	tbs = field("DCZID_EL0", "TBS");
	check(tbs && tbs->source == IDREG_SRC_AARCHMRS && !tbs->kernel_name,
	      "DCZID_EL0.TBS, newer than the sysreg file, from Arm's list only");
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
