// SPDX-License-Identifier: GPL-2.0-only
/*
 * Profiles: JSON round trip, bad input (one line with the JSON path, no
 * crash), traits, diff, its structured form and the markdown report on the
 * real profiles in vmm/tests/data/.
 */
#include <stdlib.h>

#include "idregs/declared.h"
#include "idregs/field.h"
#include "idregs/kversion.h"
#include "idregs/profile.h"
#include "unit.h"

#define DATA	"vmm/tests/data/"

static struct idreg_profile a, b;

static int slot_of(const char *name)
{
	return idreg_reg_slot(idreg_reg_by_name(name));
}

/* Parse @text, expect failure with @want somewhere in the message. */
static void bad_profile(const char *text, const char *want, const char *desc)
{
	char err[IDREG_ERR_LEN] = "";
	int r;

	idreg_profile_init(&a, "t");
	r = idreg_profile_from_json(&a, text, strlen(text), err);
	UNIT_OK(r == -1 && strstr(err, want) && !strchr(err, '\n'), desc);
	if (r != -1 || !strstr(err, want))
		printf("#   error: \"%s\", want \"%s\"\n", err, want);
}

static void test_bad_input(void)
{
	bad_profile("", "empty input", "empty profile");
	bad_profile("\n  ", "empty input", "whitespace-only profile");
	bad_profile("{\"format\": ", "line 1 column", "truncated JSON");
	bad_profile("[1]", "$: expected an object, got an array", "not an object");
	bad_profile("{\"format\": \"x\", \"registers\": {}}", "format: expected",
		    "wrong format");
	bad_profile("{\"format\": \"idregs-profile-1\"}", "missing \"registers\"",
		    "no registers");
	bad_profile("{\"format\": \"idregs-profile-1\", \"registers\": {}, \"x\": 1}",
		    "unknown key \"x\"", "unknown top-level key");
	bad_profile("{\"format\": \"idregs-profile-1\", \"registers\": {\"FOO_EL1\": {}}}",
		    "registers.FOO_EL1: unknown register", "unknown register");
	bad_profile("{\"format\": \"idregs-profile-1\", \"registers\": {\"S3_0_C0_C9_0\": {}}}",
		    "registers.S3_0_C0_C9_0: unknown register", "CRm outside the ID space");
	bad_profile("{\"format\": \"idregs-profile-1\", \"registers\": {\"S3_0_C0_C4_1\": {\"value\": 0, \"mask\": 0}, \"ID_AA64PFR1_EL1\": {\"value\": 0, \"mask\": 0}}}",
		    "register given twice",
		    "a register by its encoding and by its table name");
	bad_profile("{\"format\": \"idregs-profile-1\", \"registers\": {\"S3_0_C0_C04_1\": {\"value\": 0, \"mask\": 0}}}",
		    "registers.S3_0_C0_C04_1: unknown register",
		    "an encoding spelled with a leading zero");
	bad_profile("{\"format\": \"idregs-profile-1\", \"registers\": {\"ID_AA64ISAR0_EL1\": {\"value\": 1}}}",
		    "registers.ID_AA64ISAR0_EL1: missing \"mask\"", "no mask");
	bad_profile("{\"format\": \"idregs-profile-1\", \"registers\": {\"ID_AA64ISAR0_EL1\": {\"value\": [], \"mask\": 0}}}",
		    "registers.ID_AA64ISAR0_EL1.value: expected an integer or a \"0x...\" string, got an array",
		    "value of the wrong type");
	bad_profile("{\"format\": \"idregs-profile-1\", \"registers\": {\"ID_AA64ISAR0_EL1\": {\"value\": -1, \"mask\": 0}}}",
		    "registers.ID_AA64ISAR0_EL1.value: negative value -1", "negative value");
	bad_profile("{\"format\": \"idregs-profile-1\", \"registers\": {\"ID_AA64ISAR0_EL1\": {\"value\": \"0x10000000000000000\", \"mask\": 0}}}",
		    "registers.ID_AA64ISAR0_EL1.value: value 0x10000000000000000 does not fit in 64 bits",
		    "string wider than 64 bits");
	bad_profile("{\"format\": \"idregs-profile-1\", \"registers\": {\"ID_AA64ISAR0_EL1\": {\"value\": 18446744073709551616, \"mask\": 0}}}",
		    "(\"value\"): too big integer", "integer wider than 64 bits");
	bad_profile("{\"format\": \"idregs-profile-1\", \"registers\": {\"ID_AA64ISAR0_EL1\": {\"value\": \"12z\", \"mask\": 0}}}",
		    "\"12z\" is not a number", "garbage number string");
	bad_profile("{\"format\": \"idregs-profile-1\", \"registers\": {\"ID_AA64ISAR0_EL1\": {\"value\": 1.5, \"mask\": 0}}}",
		    "got a real number", "real number");
	bad_profile("{\"format\": \"idregs-profile-1\", \"registers\": {}, \"registers\": {}}",
		    "duplicate object key", "duplicate key");
	bad_profile("{\"format\": \"idregs-profile-1\", \"registers\": {}, \"writable_imp_id_regs\": 1}",
		    "writable_imp_id_regs: expected a boolean", "capability not a boolean");
}

static void test_round_trip(void)
{
	char err[IDREG_ERR_LEN] = "";
	char *text, *again;

	UNIT_OK(!idreg_profile_load(&a, DATA "max.json", err), "load max.json");
	text = idreg_profile_to_json(&a);
	UNIT_OK(text != NULL, "profile to JSON");
	idreg_profile_init(&b, "copy");
	UNIT_OK(text && !idreg_profile_from_json(&b, text, strlen(text), err),
		"parse what was printed");
	again = idreg_profile_to_json(&b);
	UNIT_OK(again && text && !strcmp(text, again), "printing is a fixed point");
	UNIT_OK(!memcmp(a.value, b.value, sizeof(a.value)) &&
		!memcmp(a.mask, b.mask, sizeof(a.mask)) &&
		!memcmp(a.readable, b.readable, sizeof(a.readable)),
		"values, masks and readability survive");
	UNIT_EQ_U64(b.midr, 0xf0510, "MIDR of -cpu max");
	UNIT_OK(b.imp_id_cap, "7.3 has KVM_CAP_ARM_WRITABLE_IMP_ID_REGS");
	UNIT_EQ_STR(b.release, "7.3.4+deb13-arm64", "kernel release");
	/* Dumped before the tables described MPIDR_EL1: S3_0_C0_C0_5 then. */
	UNIT_OK(b.readable[slot_of("MPIDR_EL1")] &&
		b.value[slot_of("MPIDR_EL1")] == 0x80000000,
		"an older profile's S3_0_C0_C0_5 is MPIDR_EL1");
	UNIT_OK(text && !strstr(text, "S3_0_C0_C0_5") && strstr(text, "\"MPIDR_EL1\""),
		"and is written back as MPIDR_EL1");
	free(text);
	free(again);
}

#define VCPU_PROFILE(v) "{\"format\": \"idregs-profile-1\", \"registers\": {}, \"vcpu\": " v "}"

/* The vCPU configuration a profile was dumped with. */
static void test_vcpu(void)
{
	char err[IDREG_ERR_LEN] = "", *text;

	UNIT_OK(!idreg_profile_load(&a, DATA "max.json", err), "load max.json");
	UNIT_OK(!strcmp(a.vcpu->name, "default") && !a.features && !a.offered_known,
		"a profile without the record: default, no features");
	UNIT_OK(!idreg_profile_load(&a, DATA "max-qemu-host.json", err), "load max-qemu-host.json");
	UNIT_OK(!strcmp(a.vcpu->name, "qemu-host"), "qemu-host");
	UNIT_EQ_U64(a.features, IDREG_VCPU_PMU | IDREG_VCPU_SVE | IDREG_VCPU_PAUTH,
		    "max gave PMUv3, SVE and PAuth");
	UNIT_OK(a.offered_known && (a.offered & IDREG_VCPU_AARCH32), "and offers AArch32 EL1");
	UNIT_EQ_U64(idreg_field_get(a.value[slot_of("ID_AA64DFR0_EL1")], 8, 4), 6,
		    "PMUVer is that of PMUv3 (6)");
	text = idreg_profile_to_json(&a);
	idreg_profile_init(&b, "copy");
	UNIT_OK(text && !idreg_profile_from_json(&b, text, strlen(text), err) &&
		b.vcpu == a.vcpu && b.features == a.features && b.offered == a.offered &&
		b.offered_known, "the record survives a round trip");
	free(text);
	UNIT_OK(!idreg_profile_load(&a, DATA "neoverse-n1-qemu-host.json", err),
		"load neoverse-n1-qemu-host.json");
	UNIT_OK(a.features == IDREG_VCPU_PMU && a.offered == IDREG_VCPU_PMU,
		"neoverse-n1 offers and gave only PMUv3");

	bad_profile(VCPU_PROFILE("[]"), "vcpu: expected an object, got an array", "vcpu not an object");
	bad_profile(VCPU_PROFILE("{\"config\": \"host\", \"features\": []}"),
		    "vcpu.config: unknown vCPU configuration \"host\"", "unknown configuration");
	bad_profile(VCPU_PROFILE("{\"config\": \"pmu\"}"), "vcpu: missing \"features\"",
		    "no features");
	bad_profile(VCPU_PROFILE("{\"config\": \"pmu\", \"features\": [\"pmu\", \"gpu\"]}"),
		    "vcpu.features[1]: unknown vCPU feature \"gpu\"", "unknown feature");
	bad_profile(VCPU_PROFILE("{\"config\": \"pmu\", \"features\": [\"pmu\", \"pmu\"]}"),
		    "vcpu.features[1]: feature \"pmu\" given twice", "a feature twice");
	bad_profile(VCPU_PROFILE("{\"config\": \"pmu\", \"features\": []}"),
		    "vcpu.features: not what configuration pmu asks for", "pmu without pmu");
	bad_profile(VCPU_PROFILE("{\"config\": \"qemu-host\", \"features\": [\"mte\"]}"),
		    "vcpu.features: not what configuration qemu-host asks for", "qemu-host with mte");
	bad_profile(VCPU_PROFILE("{\"config\": \"sve\", \"features\": [\"sve\"], \"offered\": [\"pmu\"]}"),
		    "vcpu.offered: lacks a feature the vCPU got", "offered lacks what was given");
	bad_profile(VCPU_PROFILE("{\"config\": \"sve\", \"features\": [\"sve\"], \"x\": 1}"),
		    "vcpu: unknown key \"x\"", "unknown key in vcpu");
}

/* What QEMU's -M virt adds: the vGIC, the GICs offered, vector lengths, hw. */
static void test_qemu_virt(void)
{
	char err[IDREG_ERR_LEN] = "", *text;

	UNIT_OK(!idreg_profile_load(&a, DATA "max-qemu-host.json", err), "a profile of before");
	UNIT_OK(!a.gic_known && !a.sve_vls_known && !a.hw_known && !a.gic,
		"keeps loading, without the new record");
	UNIT_OK(!idreg_profile_load(&a, DATA "max-qemu-virt.json", err), "load max-qemu-virt.json");
	UNIT_OK(a.gic == 3 && a.gic_known && a.gic_offered == 1U << 3,
		"read with the GICv3 QEMU creates there, the only one KVM offers");
	UNIT_OK(a.sve_vls_known && a.sve_vls == 0xffff, "vector lengths 128..2048");
	UNIT_OK(a.hw_known && a.hw_dczid == 4, "DCZID_EL0 as the CPU gives it");
	UNIT_EQ_U64(idreg_field_get(a.value[slot_of("ID_AA64PFR0_EL1")], 24, 4), 1,
		    "ID_AA64PFR0_EL1.GIC 1 with the vGICv3");
	text = idreg_profile_to_json(&a);
	idreg_profile_init(&b, "copy");
	UNIT_OK(text && !idreg_profile_from_json(&b, text, strlen(text), err) &&
		b.gic == a.gic && b.gic_offered == a.gic_offered && b.sve_vls == a.sve_vls &&
		b.hw_ctr == a.hw_ctr && b.hw_dczid == a.hw_dczid, "the record survives a round trip");
	free(text);
	UNIT_OK(!idreg_profile_load(&a, DATA "neoverse-n1-qemu-virt.json", err) &&
		!a.sve_vls_known && a.gic == 3, "neoverse-n1: no SVE, GICv3");
	bad_profile(VCPU_PROFILE("{\"config\": \"default\", \"features\": [], \"gic\": \"v4\"}"),
		    "vcpu.gic: expected \"v2\", \"v3\" or \"none\"", "a GIC of another version");
	bad_profile(VCPU_PROFILE("{\"config\": \"default\", \"features\": [], \"sve_vls\": [100]}"),
		    "vcpu.sve_vls: expected vector lengths in bits, 128..2048", "a vector length of 100 bits");
	bad_profile(VCPU_PROFILE("{\"config\": \"default\", \"features\": [], \"hw\": {\"ctr\": 1}}"),
		    "vcpu.hw: unknown key \"ctr\"", "hw with an unknown key");
}

/*
 * The fields that hide without a feature (lib/core/vcpu_config.c's table) are
 * all that differ between a qemu-host profile and a default one of the
 * same host: restricted to no feature, one reads as the other.
 */
static void test_restrict(const char *qemu_host, const char *dflt)
{
	const struct idreg_reg *zfr0 = idreg_reg_by_name("ID_AA64ZFR0_EL1");
	const struct idreg_reg *clidr = idreg_reg_by_name("CLIDR_EL1");
	const struct idreg_reg *isar1 = idreg_reg_by_name("ID_AA64ISAR1_EL1");
	const struct idreg_declared_series *s;
	char err[IDREG_ERR_LEN] = "", buf[32];
	unsigned int slot, bad = 0;

	UNIT_OK(!idreg_profile_load(&a, qemu_host, err) && !idreg_profile_load(&b, dflt, err),
		"load a qemu-host and a default profile");
	UNIT_OK(a.features && !b.features, "with and without features");
	idreg_profile_restrict(&a, 0);
	UNIT_EQ_U64(a.features, 0, "restricted to none");
	for (slot = 0; slot < IDREG_NR_SLOTS; slot++) {
		if (a.value[slot] == b.value[slot])
			continue;
		printf("#   %s: 0x%016" PRIx64 " restricted, 0x%016" PRIx64 " default\n",
		       idreg_slot_name(slot, buf, sizeof(buf)), a.value[slot], b.value[slot]);
		bad++;
	}
	UNIT_EQ_U64(bad, 0, "every register as the default vCPU reads it");
	s = idreg_declared_of_release(a.release);
	UNIT_OK(s && !strcmp(s->series, "7.3"), "the profiles' kernel series is 7.3");
	UNIT_EQ_U64(idreg_vcpu_field_feature(s, zfr0, idreg_field_by_name(zfr0, "SVEver")),
		    IDREG_VCPU_SVE, "ZFR0.SVEver needs sve");
	UNIT_EQ_U64(idreg_vcpu_field_feature(s, clidr, idreg_field_by_name(clidr, "Ttype3")),
		    IDREG_VCPU_MTE, "CLIDR.Ttype3 needs mte");
	UNIT_EQ_U64(idreg_vcpu_field_feature(s, isar1, idreg_field_by_name(isar1, "LRCPC")), 0,
		    "ISAR1.LRCPC needs nothing");
	UNIT_EQ_U64(idreg_vcpu_feature_bits(s, slot_of("ID_AA64ISAR1_EL1"), IDREG_VCPU_PAUTH),
		    0xff000ff0, "ISAR1: GPI, GPA, API, APA are pauth's");
	UNIT_EQ_U64(idreg_vcpu_feature_bits(s, slot_of("ID_AA64ISAR2_EL1"), IDREG_VCPU_PAUTH),
		    0xff00, "ISAR2: APA3, GPA3 are pauth's");
	UNIT_EQ_U64(idreg_vcpu_feature_bits(s, slot_of("ID_AA64PFR1_EL1"), IDREG_VCPU_MTE),
		    0xf0000000f00, "PFR1: MTE_frac, MTE are mte's");
	UNIT_EQ_U64(idreg_vcpu_feature_bits(s, slot_of("ID_AA64PFR2_EL1"), IDREG_VCPU_MTE),
		    0xff0, "PFR2: MTEFAR, MTESTOREONLY are mte's");
	UNIT_EQ_U64(idreg_vcpu_feature_bits(s, slot_of("ID_AA64ZFR0_EL1"), IDREG_VCPU_SVE),
		    ~0ULL, "ZFR0 is sve's, all of it");
	UNIT_EQ_U64(idreg_vcpu_feature_bits(s, slot_of("ID_AA64ZFR0_EL1"), IDREG_VCPU_PMU),
		    0, "and not pmu's");
}

static void test_traits(void)
{
	struct idreg_vm_traits t;
	const struct idreg_reg *isar1 = idreg_reg_by_name("ID_AA64ISAR1_EL1");
	char err[IDREG_ERR_LEN] = "";

	UNIT_OK(!idreg_profile_load(&a, DATA "neoverse-n1.json", err), "load neoverse-n1.json");
	idreg_profile_traits(&a, &t);
	UNIT_OK(t.imp_id_writable && !(t.features & IDREG_VCPU_SVE), "traits: imp-id capability, no SVE");
	UNIT_OK(idreg_profile_field_writable(&a, slot_of("ID_AA64ISAR1_EL1"),
					     idreg_field_by_name(isar1, "LRCPC")),
		"ISAR1.LRCPC writable on neoverse-n1");
	UNIT_EQ_U64(idreg_field_get(a.value[slot_of("ID_AA64ISAR1_EL1")], 20, 4), 1,
		    "neoverse-n1 LRCPC is 1");
}

static bool has_msg(const struct idreg_msgs *m, const char *s)
{
	unsigned int i;

	for (i = 0; i < m->nr; i++)
		if (strstr(m->v[i], s))
			return true;
	return false;
}

static void test_diff(void)
{
	struct idreg_msgs d = { 0 };
	char err[IDREG_ERR_LEN] = "";

	UNIT_OK(!idreg_profile_load(&a, DATA "max-6.12.json", err) &&
		!idreg_profile_load(&b, DATA "max.json", err), "load 6.12 and 7.3 max");
	idreg_profile_diff(&a, &b, &d);
	UNIT_OK(d.nr > 0, "6.12 and 7.3 differ");
	UNIT_OK(has_msg(&d, "SYSREG_MIDR_EL1_PartNum: not writable -> writable"),
		"MIDR_EL1 newly writable");
	UNIT_OK(has_msg(&d, "SYSREG_REVIDR_EL1_IMPLEMENTATION_DEFINED: not writable -> writable"),
		"REVIDR_EL1 newly writable");
	UNIT_OK(has_msg(&d, "SYSREG_AIDR_EL1_IMPLEMENTATION_DEFINED: not writable -> writable"),
		"AIDR_EL1 newly writable");
	idreg_msgs_free(&d);
	idreg_profile_diff(&b, &b, &d);
	UNIT_EQ_U64(d.nr, 0, "a profile does not differ from itself");
	idreg_msgs_free(&d);
	UNIT_OK(!idreg_profile_load(&a, DATA "neoverse-n1.json", err), "load neoverse-n1");
	idreg_profile_diff(&b, &a, &d);
	UNIT_OK(has_msg(&d, "SYSREG_ID_AA64ISAR1_EL1_LRCPC: value 0x2 -> 0x1"),
		"value difference by SYSREG_ name with both values");
	idreg_msgs_free(&d);
}

/* The change of @kind for @prop (a SYSREG_ name or a register), or NULL. */
static const struct idreg_change *find_change(const struct idreg_diff *d,
					      enum idreg_change_kind kind,
					      const char *prop)
{
	unsigned int i;

	for (i = 0; i < d->nr; i++)
		if (d->v[i].kind == kind && !strcmp(d->v[i].prop, prop))
			return &d->v[i];
	return NULL;
}

static unsigned int count_kind(const struct idreg_diff *d,
			       enum idreg_change_kind kind, const char *reg)
{
	unsigned int i, nr = 0;

	for (i = 0; i < d->nr; i++)
		nr += d->v[i].kind == kind && (!reg || !strcmp(d->v[i].reg, reg));
	return nr;
}

static void test_changes(void)
{
	const enum idreg_change_kind became = IDREG_CHANGE_BECAME_WRITABLE;
	const struct idreg_change *c;
	struct idreg_msgs m = { 0 };
	struct idreg_diff d;
	char err[IDREG_ERR_LEN] = "", line[256];
	unsigned int i, same = 0, nr_text = 0;

	UNIT_OK(!idreg_profile_load(&a, DATA "max-6.12.json", err) &&
		!idreg_profile_load(&b, DATA "max.json", err), "load 6.12 and 7.3 max");
	UNIT_OK(!idreg_profile_changes(&a, &b, &d), "structured diff 6.12 -> 7.3");
	c = d.nr ? &d.v[0] : NULL;
	UNIT_OK(c && c->kind == IDREG_CHANGE_CAP && !c->before && c->after,
		"first change: the imp-id capability appeared");
	UNIT_EQ_U64(count_kind(&d, became, "MIDR_EL1"), 5,
		    "MIDR_EL1: 5 fields became writable");
	UNIT_OK(find_change(&d, became, "SYSREG_REVIDR_EL1_IMPLEMENTATION_DEFINED") &&
		find_change(&d, became, "SYSREG_AIDR_EL1_IMPLEMENTATION_DEFINED"),
		"REVIDR_EL1 and AIDR_EL1 became writable");
	c = find_change(&d, became, "SYSREG_CTR_EL0_L1Ip");
	UNIT_OK(c && c->bits == 0xc000 && !c->before && c->after == 0xc000 &&
		!strcmp(c->reg, "CTR_EL0") && c->field,
		"CTR_EL0_L1Ip became writable, with its bits and register");
	UNIT_OK(find_change(&d, became, "SYSREG_ID_AA64MMFR0_EL1_TGran4_2") != NULL,
		"ID_AA64MMFR0_EL1_TGran4_2 (kernel: TGRAN4_2) became writable");
	UNIT_EQ_U64(count_kind(&d, became, NULL), 31, "31 fields became writable");
	UNIT_EQ_U64(count_kind(&d, IDREG_CHANGE_NO_LONGER_WRITABLE, NULL), 0,
		    "no named field stopped being writable");
	c = find_change(&d, IDREG_CHANGE_UNNAMED_WRITABLE, "ID_AA64ISAR0_EL1");
	UNIT_OK(c && c->bits == 0xf000000 && c->before == 0xf000000 && !c->after,
		"ISAR0 unnamed bits 27:24 no longer writable");
	c = find_change(&d, IDREG_CHANGE_VALUE, "SYSREG_ID_AA64MMFR2_EL1_NV");
	UNIT_OK(c && c->before == 2 && c->after == 0 && !idreg_change_is_writability(c),
		"MMFR2.NV value change, not a writability change");

	/* The text lines are the structured changes, formatted, in order. */
	idreg_profile_diff(&a, &b, &m);
	for (i = 0; i < d.nr; i++) {
		if (d.v[i].kind == IDREG_CHANGE_CAP)
			continue;
		idreg_change_format(&d.v[i], line, sizeof(line));
		same += nr_text < m.nr && !strcmp(line, m.v[nr_text]);
		nr_text++;
	}
	UNIT_OK(nr_text == m.nr && same == m.nr && m.nr == 34,
		"text diff = formatted changes (34 lines)");
	idreg_msgs_free(&m);
	idreg_diff_free(&d);

	UNIT_OK(!idreg_profile_changes(&b, &a, &d), "structured diff 7.3 -> 6.12");
	UNIT_EQ_U64(count_kind(&d, IDREG_CHANGE_NO_LONGER_WRITABLE, "MIDR_EL1"), 5,
		    "backwards: MIDR_EL1 fields no longer writable");
	UNIT_EQ_U64(count_kind(&d, became, NULL), 0, "backwards: nothing became writable");
	idreg_diff_free(&d);

	UNIT_OK(!idreg_profile_changes(&b, &b, &d) && d.nr == 0 && !d.v,
		"no changes from a profile to itself");
	idreg_diff_free(&d);
}

/* Partial masks: more writable bits is "became", losing any is "no longer". */
static void test_changes_partial(void)
{
	int slot = slot_of("ID_AA64ISAR1_EL1");
	const struct idreg_reg *reg = idreg_reg_by_name("ID_AA64ISAR1_EL1");
	const struct idreg_field *f = idreg_field_by_name(reg, "LRCPC");
	struct idreg_diff d;
	char line[256];

	idreg_profile_init(&a, "a");
	idreg_profile_init(&b, "b");
	a.readable[slot] = b.readable[slot] = true;
	a.mask[slot] = 0x1ull << f->lsb;
	b.mask[slot] = 0xfull << f->lsb;
	UNIT_OK(!idreg_profile_changes(&a, &b, &d) && d.nr == 1 &&
		d.v[0].kind == IDREG_CHANGE_BECAME_WRITABLE, "partly -> wholly: became");
	if (d.nr) {
		idreg_change_format(&d.v[0], line, sizeof(line));
		UNIT_EQ_STR(line, "SYSREG_ID_AA64ISAR1_EL1_LRCPC: partly writable -> writable",
			    "partial writability in the text");
	}
	idreg_diff_free(&d);
	b.mask[slot] = 0x6ull << f->lsb;
	UNIT_OK(!idreg_profile_changes(&a, &b, &d) && d.nr == 1 &&
		d.v[0].kind == IDREG_CHANGE_NO_LONGER_WRITABLE,
		"partly -> partly losing a bit: no longer");
	idreg_diff_free(&d);
	/* Value and writability of one field: two changes, each with its name. */
	b.value[slot] = 0x2ull << f->lsb;
	UNIT_OK(!idreg_profile_changes(&a, &b, &d) && d.nr == 2 &&
		!strcmp(d.v[0].prop, "SYSREG_ID_AA64ISAR1_EL1_LRCPC") &&
		!strcmp(d.v[1].prop, "SYSREG_ID_AA64ISAR1_EL1_LRCPC"),
		"a field whose value and mask change names both changes");
	idreg_diff_free(&d);
	b.value[slot] = 0;
	b.readable[slot] = false;
	UNIT_OK(!idreg_profile_changes(&a, &b, &d) && d.nr == 1 &&
		d.v[0].kind == IDREG_CHANGE_READABLE &&
		idreg_change_is_writability(&d.v[0]),
		"a register that stops being readable is one writability change");
	idreg_diff_free(&d);
}

static void test_markdown(void)
{
	char err[IDREG_ERR_LEN] = "";
	const char *no_longer, *unnamed, *values;
	struct idreg_diff d;
	char *md, *wo;

	UNIT_OK(!idreg_profile_load(&a, DATA "max-6.12.json", err) &&
		!idreg_profile_load(&b, DATA "max.json", err), "load 6.12 and 7.3 max");
	UNIT_OK(!idreg_profile_changes(&a, &b, &d), "changes for the report");
	md = idreg_diff_markdown(&a, &b, &d, false, NULL);
	wo = idreg_diff_markdown(&a, &b, &d, true, NULL);
	UNIT_OK(md && wo, "markdown printed");
	if (!md || !wo)
		goto out;
	UNIT_OK(!strncmp(md, "# ", 2) && strstr(md, "6.12.117+deb13-arm64 → 7.3.4+deb13-arm64") &&
		strstr(md, "MIDR 0xf0510\n"), "heading names both kernels and the MIDR");
	UNIT_OK(strstr(md, "| `SYSREG_MIDR_EL1_PartNum` | 15:4 | not writable | writable |") &&
		strstr(md, "| `SYSREG_REVIDR_EL1_IMPLEMENTATION_DEFINED` | 63:0 |") &&
		strstr(md, "| `SYSREG_AIDR_EL1_IMPLEMENTATION_DEFINED` |") &&
		strstr(md, "| `SYSREG_CTR_EL0_L1Ip` | 15:14 |") &&
		strstr(md, "| `SYSREG_ID_AA64MMFR0_EL1_TGran4_2` | 43:40 |"),
		"became writable: MIDR, REVIDR, AIDR, CTR_EL0_L1Ip, TGran4_2 by name");
	no_longer = strstr(md, "## No longer writable\n\nnone\n");
	unnamed = strstr(md, "## Writable bits no table names\n");
	values = strstr(md, "## Values changed\n");
	UNIT_OK(no_longer && unnamed && values && no_longer < unnamed && unnamed < values,
		"sections in order, an empty one says none");
	UNIT_OK(strstr(md, "| `ID_AA64ISAR0_EL1` | 27:24 | 0x000000000f000000 | writable | not writable |") &&
		strstr(md, "| `ID_AA64FPFR0_EL1` | 7:2 | 0x00000000000000fc | not writable | writable |"),
		"unnamed bits: ISAR0 27:24 lost, FPFR0 7:2 gained");
	UNIT_OK(strstr(md, "| `SYSREG_ID_AA64MMFR2_EL1_NV` | 27:24 | 0x2 | 0x0 |") != NULL,
		"value change listed");
	UNIT_OK(strstr(md, "**Totals:** became writable 31, no longer writable 0, unnamed writable bit runs 2, values changed 1, capability/readability 1.\n") != NULL,
		"totals line");
	UNIT_OK(!strstr(wo, "## Values changed") && !strstr(wo, "MMFR2_EL1_NV") &&
		strstr(wo, "SYSREG_MIDR_EL1_PartNum") &&
		strstr(wo, "values not compared (--writable-only)"),
		"writable-only: no values section, writability kept");
out:
	free(md);
	free(wo);
	idreg_diff_free(&d);
}

static void test_load_errors(void)
{
	char err[IDREG_ERR_LEN] = "";

	UNIT_OK(idreg_profile_load(&a, DATA "no-such-file.json", err) == -1 &&
		strstr(err, "no-such-file.json: cannot open") && strstr(err, "errno"),
		"missing file named with errno");
}

/*
 * The masks a real KVM reported (profiles dumped on the emulated host)
 * are the masks gen/ read from that series' sys_regs.c: the declared
 * masks that writable_masks_test holds later kernels to (masks.kept_writable)
 * are what KVM did, not only what its source says.
 */
static void test_measured_masks(const char *path)
{
	const struct idreg_declared_series *s;
	enum idreg_decl_match match;
	char err[IDREG_ERR_LEN] = "", name[32];
	unsigned int slot, bad = 0;
	bool aarch32_el0;

	UNIT_OK(!idreg_profile_load(&a, path, err), path);
	s = idreg_declared_for(idreg_kernel_version(a.release), &match);
	UNIT_OK(s && match == IDREG_DECL_EXACT, "the profile's kernel is a series read");
	if (!s)
		return;
	aarch32_el0 = idreg_field_get(a.value[idreg_slot_index(3, 0, 0, 4, 0)], 0, 4) >= 2;
	for (slot = 0; slot < IDREG_NR_SLOTS; slot++) {
		if (a.mask[slot] == idreg_declared_mask(s, slot, aarch32_el0))
			continue;
		bad++;
		fprintf(stderr, "%s: %s: measured 0x%016llx, %s declares 0x%016llx\n", path,
			idreg_slot_name(slot, name, sizeof(name)), (unsigned long long)a.mask[slot],
			s->series, (unsigned long long)idreg_declared_mask(s, slot, aarch32_el0));
	}
	UNIT_EQ_U64(bad, 0, "every measured mask is the declared one");
}

int main(void)
{
	test_bad_input();
	test_round_trip();
	test_vcpu();
	test_qemu_virt();
	test_restrict(DATA "max-qemu-host.json", DATA "max.json");
	test_restrict(DATA "neoverse-n1-qemu-host.json", DATA "neoverse-n1.json");
	test_traits();
	test_diff();
	test_measured_masks(DATA "max-6.12.json");
	test_measured_masks(DATA "max.json");
	test_measured_masks(DATA "neoverse-n1.json");
	test_changes();
	test_changes_partial();
	test_markdown();
	test_load_errors();
	return unit_done();
}
