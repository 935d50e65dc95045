// SPDX-License-Identifier: GPL-2.0-only
/*
 * QEMU's semantics (vmm/qemu.c): one test per disagreement of issue 19
 * between idreg and QEMU, and the seed's command line, on the real
 * profiles in vmm/tests/data/.
 */
#include <stdlib.h>

#include "idregs/baseline.h"
#include "idregs/field.h"
#include "idregs/migration.h"
#include "idregs/model.h"
#include "idregs/model_check.h"
#include "idregs/qemu.h"
#include "idregs/qemu_args.h"
#include "idregs/vcpu_regs.h"
#include "unit.h"
#include "vmm_unit.h"

#define DATA	"vmm/tests/data/"

static struct idreg_profile max_qh, n1_qh, max, max73, max612;
static struct idreg_qemu_view view;

/*
 * A representative seed line: pmu, sve, pauth off, and SYSREG_ values
 * of fields writable on the -cpu max host, as the series' authors wrote
 * theirs (pmu=off with PMUVer 6, CTR_EL0.L1Ip 2).
 */
#define SEED "-cpu host,pauth=off,pmu=off,sve=off,SYSREG_ID_AA64PFR0_EL1_CSV3=0x1," \
	"SYSREG_ID_AA64PFR0_EL1_CSV2=0x1,SYSREG_ID_AA64PFR0_EL1_DIT=0x1," \
	"SYSREG_ID_AA64PFR1_EL1_SSBS=0x2,SYSREG_ID_AA64PFR1_EL1_BT=0x1," \
	"SYSREG_ID_AA64ISAR0_EL1_RNDR=0x1,SYSREG_ID_AA64ISAR0_EL1_TS=0x2," \
	"SYSREG_ID_AA64ISAR0_EL1_FHM=0x1,SYSREG_ID_AA64ISAR0_EL1_DP=0x1," \
	"SYSREG_ID_AA64ISAR0_EL1_SM3=0x1,SYSREG_ID_AA64ISAR0_EL1_SHA3=0x1," \
	"SYSREG_ID_AA64ISAR0_EL1_RDM=0x1,SYSREG_ID_AA64ISAR0_EL1_Atomic=0x2," \
	"SYSREG_ID_AA64ISAR0_EL1_CRC32=0x1,SYSREG_ID_AA64ISAR0_EL1_SHA2=0x2," \
	"SYSREG_ID_AA64ISAR0_EL1_SHA1=0x1,SYSREG_ID_AA64ISAR0_EL1_AES=0x2," \
	"SYSREG_ID_AA64ISAR1_EL1_LRCPC=0x2,SYSREG_ID_AA64ISAR1_EL1_DPB=0x2," \
	"SYSREG_ID_AA64ISAR1_EL1_JSCVT=0x1,SYSREG_ID_AA64ISAR1_EL1_FCMA=0x1," \
	"SYSREG_ID_AA64DFR0_EL1_PMUVer=0x6,SYSREG_ID_AA64MMFR0_EL1_PARange=0x6," \
	"SYSREG_CTR_EL0_DminLine=0x4,SYSREG_CTR_EL0_L1Ip=0x2"

/* @line split at spaces into @m; 0 or -1 (with @err). */
static int parse(struct idreg_model *m, const char *line, char *err)
{
	char *copy = strdup(line), *argv[32], *save = NULL, *t;
	int argc = 0, r;

	for (t = strtok_r(copy, " ", &save); t && argc < 32; t = strtok_r(NULL, " ", &save))
		argv[argc++] = t;
	r = idreg_model_from_qemu_args(m, argc, argv, err);
	free(copy);
	return r;
}

/* The view of @line on @p; the number of errors, -1 if it does not parse. */
static int resolve(const char *line, const struct idreg_profile *p, struct idreg_model *m)
{
	char err[IDREG_ERR_LEN] = "";

	idreg_qemu_view_free(&view);
	if (parse(m, line, err)) {
		printf("#   %s: %s\n", line, err);
		return -1;
	}
	return idreg_qemu_resolve(m, p, &view);
}

static uint64_t guest(const char *reg, const char *name)
{
	const struct idreg_reg *r = idreg_reg_by_name(reg);
	const struct idreg_field *f = name ? idreg_field_by_name(r, name) : NULL;
	int slot = idreg_reg_slot(r);

	return f ? idreg_field_get(view.guest[slot], f->lsb, f->width) : view.guest[slot];
}

static char *args_of(const char *line)
{
	char err[IDREG_ERR_LEN] = "", *s;
	struct idreg_model m;

	if (parse(&m, line, err)) {
		printf("#   %s\n", err);
		return strdup("");
	}
	s = idreg_model_qemu_args(&m);
	idreg_model_free(&m);
	return s;
}

/* 1. A value a legacy option overrides is resolved, not refused. */
static void test_conflicts(void)
{
	struct idreg_model m;
	char *s;

	UNIT_EQ_U64(resolve("-cpu host,pmu=off,SYSREG_ID_AA64DFR0_EL1_PMUVer=0x6", &max_qh, &m), 0,
		    "pmu=off with PMUVer 6: accepted");
	UNIT_EQ_U64(guest("ID_AA64DFR0_EL1", "PMUVer"), 0, "the guest reads PMUVer 0");
	UNIT_OK(unit_has_msg(&view.notes, "SYSREG_ID_AA64DFR0_EL1_PMUVer=0x6: pmu=off wins (arm_cpu_realizefn()"),
		"a note names the option and the value the guest gets");
	idreg_model_free(&m);
	UNIT_EQ_U64(resolve("-cpu host,sve=off,SYSREG_ID_AA64ZFR0_EL1_SVEver=0x1", &max_qh, &m), 0,
		    "sve=off with ZFR0.SVEver 1: accepted");
	UNIT_EQ_U64(guest("ID_AA64ZFR0_EL1", NULL), 0, "ID_AA64ZFR0_EL1 reads 0");
	idreg_model_free(&m);
	UNIT_EQ_U64(resolve("-cpu host,pauth=off,SYSREG_ID_AA64ISAR1_EL1_API=0x5", &max_qh, &m), 1,
		    "pauth=off with API 5: one error, and not the conflict");
	UNIT_OK(unit_has_msg(&view.errors, "SYSREG_ID_AA64ISAR1_EL1_API' not found (the field is not writable"),
		"KVM does not let API be written on max: the series has no such property");
	UNIT_OK(unit_has_msg(&view.notes, "SYSREG_ID_AA64ISAR1_EL1_API=0x5: pauth=off wins"),
		"and pauth=off would win anyway");
	UNIT_EQ_U64(guest("ID_AA64ISAR1_EL1", "API"), 0, "API reads 0");
	idreg_model_free(&m);
	s = args_of("-cpu host,pmu=off,SYSREG_ID_AA64DFR0_EL1_PMUVer=0x6");
	UNIT_EQ_STR(s, "-cpu host,pmu=off", "qemu-args leaves the overridden value out");
	free(s);
}

/* 2. Defaults: pmu, sve, pauth on where KVM offers them; no pmu without a PMU. */
static void test_defaults(void)
{
	struct idreg_profile nopmu = n1_qh;
	struct idreg_model m;
	char *s = args_of("-cpu host");

	UNIT_EQ_STR(s, "-cpu host", "a model without options prints none");
	free(s);
	UNIT_EQ_U64(resolve("-cpu host", &max_qh, &m), 0, "-cpu host on max");
	UNIT_EQ_U64(view.features, IDREG_VCPU_PMU | IDREG_VCPU_SVE | IDREG_VCPU_PAUTH,
		    "QEMU turns on pmu, sve, pauth where KVM offers them");
	idreg_model_free(&m);
	UNIT_EQ_U64(resolve("-cpu host", &n1_qh, &m), 0, "-cpu host on neoverse-n1");
	UNIT_EQ_U64(view.features, IDREG_VCPU_PMU, "only the PMU there");
	idreg_model_free(&m);
	nopmu.offered &= ~IDREG_VCPU_PMU;
	nopmu.features &= ~IDREG_VCPU_PMU;
	UNIT_EQ_U64(resolve("-cpu host,pmu=off", &nopmu, &m), 1, "pmu=off where KVM has no PMU");
	UNIT_OK(unit_has_msg(&view.errors, "Property 'host-arm-cpu.pmu' not found"),
		"QEMU stops: the property does not exist");
	idreg_model_free(&m);
	UNIT_EQ_U64(resolve("-cpu host,sve=on", &n1_qh, &m), 1, "sve=on where KVM has no SVE");
	UNIT_OK(unit_has_msg(&view.errors, "'sve' feature not supported by KVM on this host"),
		"QEMU stops, in its words");
	idreg_model_free(&m);
}

/* 3. EL2 needs virtualization=on; EL3 never under KVM. */
static void test_el2_el3(void)
{
	struct idreg_model m;
	char *s = args_of("-cpu host,SYSREG_ID_AA64PFR0_EL1_EL2=0x1");

	UNIT_EQ_STR(s, "-cpu host", "EL2 without virtualization=on: left out");
	free(s);
	s = args_of("-M virt,virtualization=on -cpu host,SYSREG_ID_AA64PFR0_EL1_EL2=0x1");
	UNIT_EQ_STR(s, "-cpu host,SYSREG_ID_AA64PFR0_EL1_EL2=0x1 -M virt,virtualization=on",
		    "with virtualization=on it stays, with the option");
	free(s);
	UNIT_EQ_U64(resolve("-cpu host,SYSREG_ID_AA64PFR0_EL1_DIT=0x1", &max_qh, &m), 0,
		    "a line with SYSREG_ properties on max");
	UNIT_EQ_U64(guest("ID_AA64PFR0_EL1", "EL2"), 0, "QEMU writes EL2 0 without EL2");
	UNIT_EQ_U64(guest("ID_AA64PFR0_EL1", "EL3"), 0, "and EL3 0");
	idreg_model_free(&m);
	UNIT_EQ_U64(resolve("-M virt,secure=on -cpu host", &max_qh, &m), 1, "secure=on");
	UNIT_OK(unit_has_msg(&view.errors, "Security extensions (TrustZone)"), "refused under KVM");
	idreg_model_free(&m);
	UNIT_EQ_U64(resolve("-M virt,virtualization=on -cpu host", &max_qh, &m), 1,
		    "virtualization=on where KVM offers no EL2");
	UNIT_OK(unit_has_msg(&view.errors, "does not support providing Virtualization extensions"),
		"QEMU stops, in its words");
	idreg_model_free(&m);
}

/* 4. MTE blocks migration. */
static void test_mte(void)
{
	struct idreg_msgs out = { 0 }, notes = { 0 };
	struct idreg_profile mte = max_qh;
	struct idreg_model m;
	char err[IDREG_ERR_LEN];

	mte.offered |= IDREG_VCPU_MTE;
	mte.features |= IDREG_VCPU_MTE;
	UNIT_OK(!parse(&m, "-M virt,mte=on -cpu host", err), "mte=on parses");
	UNIT_OK(idreg_model_check_qemu(&m, &mte, true, &out, &notes, NULL) >= 1 &&
		unit_has_msg(&out, "Live migration disabled due to MTE enabled"),
		"compare: MTE is a migration blocker");
	idreg_model_free(&m);
	idreg_msgs_free(&out);
	idreg_msgs_free(&notes);
}

/* 6. sve<N>, kvm-steal-time, kvm-no-adjvtime are kept. */
static void test_vls(void)
{
	struct idreg_profile p = max_qh;
	struct idreg_model m;
	char *s = args_of("-cpu host,sve128=on,sve256=off,kvm-steal-time=off,kvm-no-adjvtime=on");

	UNIT_EQ_STR(s, "-cpu host,sve128=on,sve256=off,kvm-steal-time=off,kvm-no-adjvtime=on",
		    "vector lengths and the kvm- options are printed back");
	free(s);
	p.sve_vls = 0x7;
	p.sve_vls_known = true;
	UNIT_EQ_U64(resolve("-cpu host,sve1024=on", &p, &m), 1, "a length KVM does not offer");
	UNIT_OK(unit_has_msg(&view.errors, "does not support the vector length 1024-bits"),
		"QEMU stops, naming it");
	idreg_model_free(&m);
	UNIT_EQ_U64(resolve("-cpu host,sve128=on,SYSREG_ID_AA64PFR0_EL1_DIT=0x1", &p, &m), 0,
		    "128 bits at most");
	UNIT_EQ_U64(view.sve_vls, 1, "only 128");
	UNIT_EQ_U64(guest("ID_AA64ZFR0_EL1", "F64MM"), 0, "F64MM cleared (arm_cpu_sve_finalize())");
	idreg_model_free(&m);
}

/* 7. Properties QEMU never creates, or not on that host. */
static void test_missing_props(void)
{
	struct idreg_model m;

	UNIT_EQ_U64(resolve("-cpu host,SYSREG_MIDR_EL1_PartNum=0x51", &max_qh, &m), 1,
		    "MIDR_EL1 property");
	UNIT_OK(unit_has_msg(&view.errors, "never enables KVM_CAP_ARM_WRITABLE_IMP_ID_REGS"),
		"QEMU has none: it never enables the capability");
	idreg_model_free(&m);
	UNIT_OK(resolve("-cpu host,SYSREG_ID_AA64MMFR2_EL1_FWB=0x0", &n1_qh, &m) >= 1 &&
		unit_has_msg(&view.errors, "Property 'host-arm-cpu.SYSREG_ID_AA64MMFR2_EL1_FWB' not found (the field is not writable"),
		"a field not writable on that host has no property there");
	idreg_model_free(&m);
}

/* 8. gic-version, not the GIC fields. */
static void test_gic(void)
{
	struct idreg_profile p = max_qh;
	struct idreg_model m;
	char *s = args_of("-cpu host,SYSREG_ID_AA64PFR0_EL1_GIC=0x1");

	UNIT_EQ_STR(s, "-cpu host -M virt,gic-version=3", "a pinned GIC field is a gic-version");
	free(s);
	p.gic_known = true;
	p.gic_offered = 1U << 2 | 1U << 3;
	UNIT_EQ_U64(resolve("-cpu host", &p, &m), 0, "a host with GICv2 and v3");
	UNIT_EQ_U64(view.gic, 2, "QEMU defaults to v2 for at most 8 vCPUs (finalize_gic_version())");
	UNIT_EQ_U64(guest("ID_AA64PFR0_EL1", "GIC"), 0, "and the guest reads GIC 0");
	idreg_model_free(&m);
	UNIT_EQ_U64(resolve("-smp 9 -cpu host", &p, &m), 0, "nine vCPUs");
	UNIT_EQ_U64(guest("ID_AA64PFR0_EL1", "GIC"), 1, "GICv3: GIC 1");
	idreg_model_free(&m);
}

/* 9. Numbers as QEMU reads them: base 0. */
static void test_numbers(void)
{
	static const char json[] =
		"{\"model\": {\"name\": \"host\", \"props\": {\"SYSREG_CTR_EL0_L1Ip\": \"010\"}}}";
	char err[IDREG_ERR_LEN] = "";
	struct idreg_model m;

	idreg_model_init(&m);
	UNIT_OK(idreg_model_from_json(&m, json, strlen(json), err), "\"010\" for a 2-bit field");
	UNIT_OK(strstr(err, "value 0x8 wider than 2-bit field") != NULL, "is 8, as QEMU reads it");
	idreg_model_free(&m);
	UNIT_OK(parse(&m, "-cpu host,SYSREG_ID_AA64ISAR0_EL1_Atomic=010", err) == 0 &&
		m.nr == 1 && m.items[0].value == 8, "-cpu ...=010 is 8");
	idreg_model_free(&m);
}

/* The seed's line: accepted on max, what neoverse-n1 cannot give named. */
static void test_seed(void)
{
	struct idreg_model m;

	UNIT_EQ_U64(resolve("-accel kvm -M virt " SEED, &max_qh, &m), 0,
		    "the seed's line: QEMU starts and KVM accepts on max");
	UNIT_EQ_U64(guest("ID_AA64DFR0_EL1", "PMUVer"), 0, "PMUVer 0 (pmu=off)");
	UNIT_EQ_U64(guest("ID_AA64ZFR0_EL1", NULL), 0, "ID_AA64ZFR0_EL1 0 (sve=off)");
	UNIT_OK(!guest("ID_AA64ISAR1_EL1", "APA") && !guest("ID_AA64ISAR1_EL1", "API") &&
		!guest("ID_AA64ISAR1_EL1", "GPA") && !guest("ID_AA64ISAR1_EL1", "GPI") &&
		!guest("ID_AA64ISAR2_EL1", "APA3") && !guest("ID_AA64ISAR2_EL1", "GPA3"),
		"the PAuth fields 0 (pauth=off)");
	UNIT_EQ_U64(guest("CTR_EL0", "L1Ip"), 2, "CTR_EL0.L1Ip as the line says");
	idreg_model_free(&m);
	UNIT_EQ_U64(resolve("-accel kvm -M virt " SEED, &n1_qh, &m), 5,
		    "neoverse-n1 refuses five registers of it");
	UNIT_OK(unit_has_msg(&view.errors, "SYSREG_ID_AA64ISAR1_EL1_LRCPC=0x2 where the host has 0x1") &&
		unit_has_msg(&view.errors, "SYSREG_ID_AA64ISAR0_EL1_RNDR=0x1 where the host has 0x0") &&
		unit_has_msg(&view.errors, "SYSREG_ID_AA64PFR1_EL1_BT=0x1 where the host has 0x0") &&
		unit_has_msg(&view.errors, "SYSREG_ID_AA64MMFR0_EL1_PARange=0x6 where the host has 0x5"),
		"each named with the host's value");
	idreg_model_free(&m);
}

/* A profile without the record: the vCPU it was read from is all it offers. */
static void test_old_profile(void)
{
	struct idreg_model m;

	UNIT_EQ_U64(resolve("-cpu host", &max, &m), 0, "-cpu host on a profile of before");
	UNIT_EQ_U64(view.features, 0, "no feature: none was recorded");
	idreg_model_free(&m);
	UNIT_EQ_U64(resolve("-cpu host,xyz=on", &max, &m), 1, "an unknown -cpu option: QEMU refuses it");
	UNIT_OK(unit_has_msg(&view.says, "can't apply global host-arm-cpu.xyz=on: Property 'host-arm-cpu.xyz' not found"),
		"in QEMU's words");
	idreg_model_free(&m);
	UNIT_EQ_U64(resolve("-cpu max", &max, &m), (uint64_t)-1, "another CPU model");
}

/*
 * Each row's .qemu_clears (idregs/vcpu_features.def) names real fields,
 * which QEMU then gives 0 without the feature and leaves alone with it.
 */
static void test_rows_clear(void)
{
	const struct idreg_vcpu_feature_info *rows;
	const struct idreg_qemu_override *o;
	const struct idreg_field *field;
	const struct idreg_reg *reg;
	unsigned int nr, i, n2, items = 0, found = 0;
	char item[128], *at, *dot;
	const char *s;
	size_t n;

	rows = idreg_vcpu_features(&nr);
	for (i = 0; i < nr; i++) {
		for (s = rows[i].qemu_clears; s && *s; s += n + !!s[n]) {
			n = strcspn(s, " ");
			snprintf(item, sizeof(item), "%.*s", (int)n, s);
			items++;
			at = strchr(item, '@');
			if (at)
				*at = 0;
			dot = strchr(item, '.');
			if (dot)
				*dot++ = 0;
			reg = idreg_reg_by_name(item);
			field = reg && dot ? idreg_field_by_name(reg, dot) : NULL;
			for (n2 = 0; reg && !dot && n2 < reg->nr_fields && !field; n2++)
				if (idreg_field_is_named(&reg->fields[n2]))
					field = &reg->fields[n2];
			o = field ? idreg_qemu_override_of(reg, field, 0) : NULL;
			found += at && o && o->feature == rows[i].feature &&
				 !strcmp(o->function, at + 1) &&
				 !idreg_qemu_override_of(reg, field, rows[i].feature);
		}
	}
	UNIT_OK(items && found == items, "every .qemu_clears item is a field QEMU clears");
}

/* Issue 28: where idreg was not what QEMU 11.1 does. */

/* 1. sve<N> as arm_cpu_sve_finalize() resolves it under KVM. */
static void test_28_sve_lengths(void)
{
	struct idreg_profile p = max_qh;
	struct idreg_model m;

	p.sve_vls = 0xffff;
	p.sve_vls_known = true;
	UNIT_EQ_U64(resolve("-cpu host,sve256=off,SYSREG_ID_AA64PFR0_EL1_DIT=0x1", &p, &m), 0,
		    "sve256=off starts");
	UNIT_EQ_U64(view.sve_vls, 1, "and leaves 128 bits only: every larger length goes too");
	UNIT_EQ_U64(guest("ID_AA64ZFR0_EL1", "F64MM"), 0, "F64MM cleared below 256 bits");
	idreg_model_free(&m);
	UNIT_EQ_U64(resolve("-cpu host,sve512=on,sve256=off", &p, &m), 1, "sve512=on,sve256=off");
	UNIT_OK(unit_has_msg(&view.says, "cannot disable sve256") &&
		unit_has_msg(&view.says, "The KVM host requires all supported vector lengths smaller than 512 bits to also be enabled."),
		"is refused: KVM needs every length below the largest");
	idreg_model_free(&m);
	UNIT_EQ_U64(resolve("-cpu host,sve128=off", &p, &m), 1, "sve128=off");
	UNIT_OK(unit_has_msg(&view.says, "Disabling sve128 results in all vector lengths being disabled."),
		"is refused: no length left");
	idreg_model_free(&m);
	UNIT_EQ_U64(resolve("-cpu host,sve256=on,sve128=off", &p, &m), 1, "sve256=on,sve128=off");
	UNIT_OK(unit_has_msg(&view.says, "cannot disable sve128"), "is refused");
	idreg_model_free(&m);
}

/* 2. sve-max-vq is TCG's max's only. */
static void test_28_sve_max_vq(void)
{
	struct idreg_model m;

	UNIT_EQ_U64(resolve("-cpu host,sve-max-vq=4", &max_qh, &m), 1, "sve-max-vq=4 on host");
	UNIT_OK(unit_has_msg(&view.says, "can't apply global host-arm-cpu.sve-max-vq=4: Property 'host-arm-cpu.sve-max-vq' not found"),
		"QEMU stops: no such property");
	idreg_model_free(&m);
}

/* 3. finalize_gic_version() counts maxcpus; -smp takes a topology. */
static void test_28_smp(void)
{
	struct idreg_profile p = max_qh;
	struct idreg_model m;

	p.gic_known = true;
	p.gic_offered = 1U << 2 | 1U << 3;
	UNIT_EQ_U64(resolve("-smp 4,maxcpus=16 -cpu host", &p, &m), 0, "-smp 4,maxcpus=16");
	UNIT_EQ_U64(view.gic, 3, "GICv3: more than 8 possible vCPUs");
	idreg_model_free(&m);
	UNIT_EQ_U64(resolve("-smp sockets=2,cores=4 -cpu host", &p, &m), 0, "-smp sockets=2,cores=4");
	UNIT_EQ_U64(m.q.maxcpus, 8, "is 8 vCPUs");
	UNIT_EQ_U64(view.gic, 2, "GICv2");
	idreg_model_free(&m);
}

/* 4. Given twice, the last wins; of two -cpu, the last. */
static void test_28_last_wins(void)
{
	struct idreg_model m;

	UNIT_EQ_U64(resolve("-cpu host,pmu=off,pmu=on", &max_qh, &m), 0, "pmu=off,pmu=on");
	UNIT_OK(view.features & IDREG_VCPU_PMU, "the PMU is on");
	idreg_model_free(&m);
	UNIT_EQ_U64(resolve("-cpu host,SYSREG_CTR_EL0_L1Ip=0x1,SYSREG_CTR_EL0_L1Ip=0x2", &max_qh, &m),
		    0, "a property given twice");
	UNIT_EQ_U64(guest("CTR_EL0", "L1Ip"), 2, "the last value");
	idreg_model_free(&m);
	UNIT_EQ_U64(resolve("-cpu host,pmu=off -cpu host", &max_qh, &m), 0, "two -cpu");
	UNIT_OK(view.features & IDREG_VCPU_PMU, "the second's defaults: the PMU is on");
	idreg_model_free(&m);
}

/* 5. Without EL3, realize also clears CopSDbg and RME. */
static void test_28_no_el3(void)
{
	const struct idreg_reg *dfr0 = idreg_reg_by_name("ID_DFR0_EL1");
	const struct idreg_reg *pfr0 = idreg_reg_by_name("ID_AA64PFR0_EL1");

	UNIT_OK(idreg_qemu_override_of(dfr0, idreg_field_by_name(dfr0, "CopSDbg"), ~0U) != NULL,
		"ID_DFR0_EL1.CopSDbg is QEMU's 0");
	UNIT_OK(idreg_qemu_override_of(pfr0, idreg_field_by_name(pfr0, "RME"), ~0U) != NULL,
		"ID_AA64PFR0_EL1.RME is QEMU's 0");
}

/* 6. A profile without "offered" does not say KVM offers nothing. */
static void test_28_offered_unknown(void)
{
	struct idreg_model m;

	UNIT_EQ_U64(resolve("-cpu host,pmu=off", &max, &m), 0, "pmu=off on max.json: no refusal");
	UNIT_OK(unit_has_msg(&view.unknown, "does not record whether KVM offers it"),
		"but it cannot be predicted");
	idreg_model_free(&m);
}

/* 7. A profile dumped with the mte configuration: the defaults stay QEMU's. */
static void test_28_mte_profile(void)
{
	const struct idreg_vcpu_option *o = idreg_vcpu_option_of(IDREG_VCPU_PMU);
	struct idreg_profile p = max_qh;
	struct idreg_model m;
	char why[160];

	p.features = IDREG_VCPU_MTE;
	p.offered |= IDREG_VCPU_MTE;
	UNIT_EQ_U64(resolve("-cpu host", &p, &m), 0, "-cpu host on an mte profile");
	UNIT_OK(idreg_qemu_option_state(&m, &view, o, why, sizeof(why)) &&
		strstr(why, "QEMU's default where KVM offers it"), "pmu=on: QEMU's default");
	UNIT_OK(unit_has_msg(&view.unknown, "pmu=on: cannot predict") &&
		unit_has_msg(&view.unknown, "sve=on: cannot predict"),
		"pmu and sve alike cannot be predicted");
	idreg_model_free(&m);
}

/* 8. QEMU 11.1's words. */
static void test_28_words(void)
{
	struct idreg_profile mte = max_qh;
	struct idreg_model m;

	UNIT_EQ_U64(resolve("-cpu host,aarch64=off", &n1_qh, &m), 1, "aarch64=off on neoverse-n1");
	UNIT_OK(unit_has_msg(&view.says, "can't apply global host-arm-cpu.aarch64=off: 'aarch64' feature cannot be disabled for KVM because this host does not support 32-bit EL1"),
		"in 11.1's words");
	idreg_model_free(&m);
	mte.offered &= ~IDREG_VCPU_MTE;
	UNIT_EQ_U64(resolve("-M virt,mte=on -cpu host", &mte, &m), 1, "mte=on without MTE");
	UNIT_OK(unit_has_msg(&view.says, "MTE requested, but not supported by KVM"), "in 11.1's words");
	idreg_model_free(&m);
	UNIT_OK(resolve("-accel kvm -M virt " SEED, &n1_qh, &m) > 0 &&
		unit_has_msg(&view.says, "Could not set register system register op0:3 op1:0 crn:0 crm:6 op2:1 to ") &&
		!unit_has_msg(&view.says, " to 0x"), "a refused register: QEMU's hex, no 0x");
	idreg_model_free(&m);
}

/* 9. aarch64=off with QEMU's defaults on max: KVM_ARM_VCPU_INIT fails. */
static void test_28_aarch32_init(void)
{
	struct idreg_model m;

	UNIT_EQ_U64(resolve("-cpu host,aarch64=off", &max_qh, &m), 1, "aarch64=off on max");
	UNIT_OK(unit_has_msg(&view.says, "kvm_init_vcpu: kvm_arch_init_vcpu failed (0): Invalid argument"),
		"in QEMU's words");
	UNIT_EQ_U64(view.unknown.nr, 0, "a refusal, not a guess");
	idreg_model_free(&m);
}

/* 10. kernel-irqchip=off: QEMU's own GICv2, no GIC field. */
static void test_28_irqchip_off(void)
{
	struct idreg_model m;

	UNIT_EQ_U64(resolve("-accel kvm,kernel-irqchip=off -cpu host,SYSREG_ID_AA64PFR0_EL1_DIT=0x1",
			    &max_qh, &m), 0, "-accel kvm,kernel-irqchip=off");
	UNIT_OK(view.gic_user, "no in-kernel GIC");
	UNIT_EQ_U64(guest("ID_AA64PFR0_EL1", "GIC"), 0, "GIC 0");
	idreg_model_free(&m);
	UNIT_EQ_U64(resolve("-M virt,kernel-irqchip=off,gic-version=3 -cpu host", &max_qh, &m), 1,
		    "gic-version=3 with kernel-irqchip=off");
	UNIT_OK(unit_has_msg(&view.says, "KVM with kernel-irqchip=off does not support GICv3 emulation"),
		"refused in QEMU's words");
	idreg_model_free(&m);
}

/* 11. QEMU stops at the first thing: nothing after it is reported. */
static void test_28_first_stop(void)
{
	struct idreg_model m;

	UNIT_EQ_U64(resolve("-accel kvm -M virt " SEED ",foo=on", &n1_qh, &m), 1,
		    "the seed's line with foo=on on neoverse-n1: one error");
	UNIT_OK(unit_has_msg(&view.says, "Property 'host-arm-cpu.foo' not found") && view.says.nr == 1,
		"the unknown property, no KVM refusal");
	idreg_model_free(&m);
}

/* 12. QEMU's refusals are refusals, not bad input. */
static void test_28_refusals(void)
{
	struct idreg_model m;

	UNIT_EQ_U64(resolve("-M virt,gic-version=4 -cpu host", &max_qh, &m), 1, "gic-version=4");
	UNIT_OK(unit_has_msg(&view.says, "KVM does not support GICv4 emulation, is virtualization=on?"),
		"in QEMU's words");
	idreg_model_free(&m);
	UNIT_EQ_U64(resolve("-cpu host,pmu=1", &max_qh, &m), 1, "pmu=1");
	UNIT_OK(unit_has_msg(&view.says, "Parameter 'pmu' expects 'on' or 'off'"), "in QEMU's words");
	idreg_model_free(&m);
	UNIT_EQ_U64(resolve("-cpu host,SYSREG_ID_AA64ISAR1_EL1_LRCPC=0x100", &max_qh, &m), 1,
		    "a value too wide: QEMU's refusal");
	idreg_model_free(&m);
}

/* @line stops QEMU on @p (@desc), saying @says. */
static void stops_saying(const char *line, const struct idreg_profile *p, const char *says,
			 const char *desc)
{
	struct idreg_model m;

	UNIT_EQ_U64(resolve(line, p, &m), 1, desc);
	UNIT_OK(unit_has_msg(&view.says, says), says);
	idreg_model_free(&m);
}

/* A guest of @line moved from 7.3 to 6.12: is KVM_REG_ARM_PSCI_VERSION refused? */
static bool psci_refused(const char *line)
{
	struct idreg_msgs out = { 0 }, notes = { 0 };
	struct idreg_model m;
	bool refused;

	resolve(line, &max73, &m);
	idreg_migration_check(&m, &max73, &max612, &out, &notes);
	refused = unit_has_msg(&out, "KVM_REG_ARM_PSCI_VERSION: max-vcpu-regs.json's 0x");
	idreg_msgs_free(&out);
	idreg_msgs_free(&notes);
	idreg_model_free(&m);
	return refused;
}

/*
 * -cpu host,kvm-psci-version=MAJOR.MINOR (QEMU 11.1): the model's
 * KVM_REG_ARM_PSCI_VERSION, written back by qemu-args; a version the
 * host's KVM does not know stops QEMU at the vCPU's creation, in its
 * words; a migration carries the version written, not the host's.
 */
static void test_psci_version(void)
{
	struct idreg_msgs notes = { 0 };
	struct idreg_model m;
	char *s;

	s = args_of("-cpu host,kvm-psci-version=1.1,pmu=on");
	UNIT_EQ_STR(s, "-cpu host,pmu=on,kvm-psci-version=1.1", "qemu-args writes the version back");
	free(s);
	UNIT_EQ_U64(resolve("-cpu host,kvm-psci-version=1.1", &max612, &m), 0,
		    "1.1 on 6.12 (its own): QEMU starts");
	UNIT_OK(m.nr_kvm_regs == 1 && m.kvm_regs[0].id == IDREG_KVM_PSCI_VERSION &&
		m.kvm_regs[0].value == 0x10001, "the model holds KVM_REG_ARM_PSCI_VERSION 0x10001");
	idreg_model_free(&m);
	stops_saying("-cpu host,kvm-psci-version=1.3", &max612,
		     "KVM in this kernel does not support PSCI version 1.3", "1.3 on 6.12: QEMU stops");
	UNIT_OK(unit_has_msg(&view.says, "Consider setting the kvm-psci-version property on the migration source."),
		"with QEMU's hint");
	stops_saying("-cpu host,kvm-psci-version=0x10001", &max73,
		     "can't apply global host-arm-cpu.kvm-psci-version=0x10001: Invalid PSCI version.",
		     "not MAJOR.MINOR: QEMU stops on every host");
	idreg_model_init(&m);
	idreg_model_set_kvm_reg(&m, IDREG_KVM_FW_BMAP(0), 0x3);
	idreg_model_notes(&m, &notes);
	s = idreg_model_qemu_args(&m);
	UNIT_OK(unit_has_msg(&notes, "KVM_REG_ARM_STD_BMAP=0x3: QEMU has no option for it") &&
		s && !strcmp(s, "-cpu host"), "a hypercall bitmap: no option, a note says so");
	free(s);
	idreg_msgs_free(&notes);
	idreg_model_free(&m);
	UNIT_EQ_U64(resolve("-cpu host,kvm-psci-version=1.1", &max_qh, &m), 0,
		    "a profile before the register list: no error");
	UNIT_OK(unit_has_msg(&view.unknown, "predates the register list"), "but not predicted");
	idreg_model_free(&m);
	UNIT_OK(psci_refused("-cpu host"), "7.3 to 6.12 with the host's PSCI 1.3: refused");
	UNIT_OK(!psci_refused("-cpu host,kvm-psci-version=1.1"), "with kvm-psci-version=1.1: it travels");
}

int main(void)
{
	char err[IDREG_ERR_LEN] = "";

	if (unit_load_profile(&max_qh, DATA "max-qemu-host.json", err) ||
	    unit_load_profile(&n1_qh, DATA "neoverse-n1-qemu-host.json", err) ||
	    unit_load_profile(&max, DATA "max.json", err) ||
	    unit_load_profile(&max73, DATA "max-vcpu-regs.json", err) ||
	    unit_load_profile(&max612, DATA "max-6.12-vcpu-regs.json", err)) {
		printf("Bail out! %s\n", err);
		return 1;
	}
	test_conflicts();
	test_defaults();
	test_el2_el3();
	test_mte();
	test_vls();
	test_missing_props();
	test_gic();
	test_numbers();
	test_seed();
	test_old_profile();
	test_rows_clear();
	test_28_sve_lengths();
	test_28_sve_max_vq();
	test_28_smp();
	test_28_last_wins();
	test_28_no_el3();
	test_28_offered_unknown();
	test_28_mte_profile();
	test_28_words();
	test_28_aarch32_init();
	test_28_irqchip_off();
	test_28_first_stop();
	test_28_refusals();
	test_psci_version();
	idreg_qemu_view_free(&view);
	return unit_done();
}
