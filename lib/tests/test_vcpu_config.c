// SPDX-License-Identifier: GPL-2.0-only
/*
 * The vCPU features and configurations, all derived from
 * idregs/vcpu_features.def: every feature has its name, its
 * configuration and, where QEMU has one, its option; the lists agree.
 */
#include "unit.h"

#include "idregs/util.h"
#include "idregs/vcpu_config.h"

static const struct idreg_vcpu_feature_info *rows;
static unsigned int nr_rows;

static void test_features(void)
{
	unsigned int i, bits = 0;
	char buf[128];

	rows = idreg_vcpu_features(&nr_rows);
	UNIT_EQ_U64(nr_rows, IDREG_VCPU_NR_FEATURES, "one row per feature");
	for (i = 0; i < nr_rows; i++) {
		bits |= rows[i].feature;
		UNIT_EQ_U64(rows[i].feature, 1U << i, rows[i].name);
		UNIT_EQ_STR(idreg_vcpu_feature_name(rows[i].feature), rows[i].name, "its name");
		UNIT_EQ_U64(idreg_vcpu_feature_by_name(rows[i].name), rows[i].feature,
			    "found by its name");
	}
	UNIT_EQ_U64(bits, IDREG_VCPU_ALL_FEATURES, "the rows are every feature");
	UNIT_OK(!idreg_vcpu_feature_name(0) && !idreg_vcpu_feature_by_name("nope"),
		"no name for none");
	idreg_vcpu_features_describe(IDREG_VCPU_PMU | IDREG_VCPU_AARCH32, buf, sizeof(buf));
	UNIT_EQ_STR(buf, "pmu,aarch32-el1", "described in the rows' order");
	UNIT_EQ_U64(idreg_vcpu_feature_also(IDREG_VCPU_E2H0), IDREG_VCPU_EL2,
		    "e2h0's configuration also asks for el2");
	UNIT_EQ_U64(idreg_vcpu_feature_also(IDREG_VCPU_PMU), 0, "pmu's for nothing else");
}

static void test_configs(void)
{
	const struct idreg_vcpu_config *c, *cfgs[16];
	char err[IDREG_ERR_LEN];
	unsigned int nr, i;

	c = idreg_vcpu_configs(&nr);
	UNIT_EQ_U64(nr, IDREG_VCPU_NR_FEATURES + 2, "default, one per feature, qemu-host");
	UNIT_OK(idreg_vcpu_config_is_default(&c[0]) && c == idreg_vcpu_config_default(),
		"default first");
	for (i = 0; i < nr_rows; i++) {
		UNIT_EQ_STR(c[i + 1].name, rows[i].config, "in the rows' order");
		UNIT_EQ_U64(c[i + 1].features, rows[i].feature |
			    idreg_vcpu_feature_also(rows[i].feature), "asks for its feature");
		UNIT_OK(idreg_vcpu_config_by_name(rows[i].config) == &c[i + 1], "found by name");
	}
	UNIT_EQ_STR(c[nr - 1].name, "qemu-host", "qemu-host last");
	UNIT_EQ_U64(c[nr - 1].if_offered, IDREG_VCPU_PMU | IDREG_VCPU_SVE | IDREG_VCPU_PAUTH,
		    "qemu-host: QEMU's -cpu host defaults pmu, sve and pauth on");
	for (i = 0; i < nr_rows; i++)
		UNIT_OK(!(c[nr - 1].if_offered & rows[i].feature) == !rows[i].qemu_host,
			"qemu-host: the rows' qemu_host");
	UNIT_EQ_U64(idreg_vcpu_config_parse("all", cfgs, 16, err), nr, "all is every one");
	UNIT_OK(idreg_vcpu_config_parse("pmu,nope", cfgs, 16, err) < 0 &&
		strstr(err, "'nope'") && strstr(err, "el2-e2h0"),
		"an unknown name, with the known ones");
}

static void test_options(void)
{
	const struct idreg_vcpu_option *o;
	unsigned int nr, i, with = 0;
	bool machine = false;

	for (i = 0; i < nr_rows; i++) {
		o = idreg_vcpu_option_of(rows[i].feature);
		with += !!rows[i].qemu;
		UNIT_OK(rows[i].qemu ? o && !strcmp(o->name, rows[i].qemu) : !o, rows[i].name);
		if (o)
			UNIT_OK(idreg_vcpu_option_by_name(o->name, o->machine) == o &&
				!idreg_vcpu_option_by_name(o->name, !o->machine),
				"found by name, -cpu or -M");
	}
	o = idreg_vcpu_options(&nr);
	UNIT_EQ_U64(nr, with, "every option, once");
	for (i = 0; i < nr; i++) {
		UNIT_OK(!machine || o[i].machine, "the -cpu options first");
		machine = o[i].machine;
	}
	o = idreg_vcpu_option_of(IDREG_VCPU_AARCH32);
	UNIT_OK(o && !strcmp(o->name, "aarch64") && o->off_asks && !o->machine,
		"aarch32-el1 is -cpu aarch64=off");
	o = idreg_vcpu_option_of(IDREG_VCPU_MTE);
	UNIT_OK(o && o->machine && !o->off_asks, "mte is -M virt,mte=on");
}

int main(void)
{
	test_features();
	test_configs();
	test_options();
	return unit_done();
}
