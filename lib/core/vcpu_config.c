// SPDX-License-Identifier: GPL-2.0-only
/*
 * vCPU configurations: names and feature sets.
 */
#include <stdio.h>
#include <string.h>

#include "idregs/field.h"
#include "idregs/util.h"
#include "idregs/vcpu_config.h"

static const struct idreg_vcpu_config configs[] = {
	{ "default", 0, 0, "no vCPU feature" },
	{ "pmu", IDREG_VCPU_PMU, 0, "PMUv3" },
	{ "sve", IDREG_VCPU_SVE, 0, "SVE, finalized with the host's vector lengths" },
	{ "pauth", IDREG_VCPU_PAUTH, 0, "address and generic pointer authentication" },
	{ "mte", IDREG_VCPU_MTE, 0, "MTE (KVM_CAP_ARM_MTE on the VM)" },
	{ "el2", IDREG_VCPU_EL2, 0, "EL2 (nested virtualization)" },
	{ "el2-e2h0", IDREG_VCPU_EL2 | IDREG_VCPU_E2H0, 0, "EL2 with HCR_EL2.E2H RES0" },
	{ "aarch32-el1", IDREG_VCPU_AARCH32, 0, "AArch32 EL1" },
	/*
	 * QEMU's -cpu host with the default machine: its pmu, sve and pauth
	 * options default on where KVM offers them; MTE and EL2 are machine
	 * options (mte=on, virtualization=on), AArch32 EL1 is aarch64=off.
	 */
	{ "qemu-host", 0, IDREG_VCPU_PMU | IDREG_VCPU_SVE | IDREG_VCPU_PAUTH,
	  "what QEMU's -cpu host asks for: PMUv3, SVE, pointer authentication where offered" },
};

static const char *const feature_names[IDREG_VCPU_NR_FEATURES] = {
	"pmu", "sve", "pauth", "mte", "el2", "e2h0", "aarch32-el1",
};

const struct idreg_vcpu_config *idreg_vcpu_configs(unsigned int *nr)
{
	*nr = ARRAY_SIZE(configs);
	return configs;
}

const struct idreg_vcpu_config *idreg_vcpu_config_default(void)
{
	return &configs[0];
}

const struct idreg_vcpu_config *idreg_vcpu_config_by_name(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(configs); i++)
		if (!strcmp(configs[i].name, name))
			return &configs[i];
	return NULL;
}

static int add_config(const struct idreg_vcpu_config *c, const struct idreg_vcpu_config **out,
		      unsigned int *n, unsigned int cap, char *err)
{
	unsigned int i;

	for (i = 0; i < *n; i++)
		if (out[i] == c) {
			snprintf(err, IDREG_ERR_LEN, "vCPU configuration %s named twice", c->name);
			return -1;
		}
	if (*n >= cap) {
		snprintf(err, IDREG_ERR_LEN, "more than %u vCPU configurations", cap);
		return -1;
	}
	out[(*n)++] = c;
	return 0;
}

static void list_names(char *buf, size_t size)
{
	unsigned int i;

	buf[0] = 0;
	for (i = 0; i < ARRAY_SIZE(configs); i++)
		snprintf(buf + strlen(buf), size - strlen(buf), "%s%s", i ? ", " : "",
			 configs[i].name);
}

int idreg_vcpu_config_parse(const char *list, const struct idreg_vcpu_config **out,
			    unsigned int cap, char *err)
{
	char names[256], item[64];
	const char *p = list, *end;
	unsigned int n = 0, i;

	do {
		const struct idreg_vcpu_config *c;
		size_t len;

		end = strchr(p, ',');
		len = end ? (size_t)(end - p) : strlen(p);
		snprintf(item, sizeof(item), "%.*s", (int)len, p);
		c = idreg_vcpu_config_by_name(item);
		if (!strcmp(item, "all")) {
			for (i = 0; i < ARRAY_SIZE(configs); i++)
				if (add_config(&configs[i], out, &n, cap, err))
					return -1;
		} else if (c) {
			if (add_config(c, out, &n, cap, err))
				return -1;
		} else {
			list_names(names, sizeof(names));
			snprintf(err, IDREG_ERR_LEN, "unknown vCPU configuration '%.40s' (known: %.200s, all)",
				 item, names);
			return -1;
		}
		p = end ? end + 1 : NULL;
	} while (p);
	return n;
}

const char *idreg_vcpu_feature_name(unsigned int feature)
{
	unsigned int i;

	for (i = 0; i < IDREG_VCPU_NR_FEATURES; i++)
		if (feature == 1U << i)
			return feature_names[i];
	return NULL;
}

unsigned int idreg_vcpu_feature_by_name(const char *name)
{
	unsigned int i;

	for (i = 0; i < IDREG_VCPU_NR_FEATURES; i++)
		if (!strcmp(name, feature_names[i]))
			return 1U << i;
	return 0;
}

void idreg_vcpu_features_describe(unsigned int features, char *buf, size_t size)
{
	unsigned int i;
	size_t used = 0;

	snprintf(buf, size, "none");
	for (i = 0; i < IDREG_VCPU_NR_FEATURES; i++) {
		if (!(features & 1U << i) || used >= size)
			continue;
		used += snprintf(buf + used, size - used, "%s%s", used ? "," : "",
				 feature_names[i]);
	}
}

/*
 * What KVM hides without each feature, from Linux 7.3's sys_regs.c (the
 * function that clears it): a nonzero value in one of these needs the
 * feature.  A NULL field is the whole register.
 */
static const struct {
	const char *reg, *field;
	unsigned int feature;
} feature_fields[] = {
	/* sanitise_id_aa64dfr0_el1(), read_sanitised_id_dfr0_el1() */
	{ "ID_AA64DFR0_EL1", "PMUVer", IDREG_VCPU_PMU },
	{ "ID_DFR0_EL1", "PerfMon", IDREG_VCPU_PMU },
	/* sanitise_id_aa64pfr0_el1(); id_visibility(): RAZ without SVE */
	{ "ID_AA64PFR0_EL1", "SVE", IDREG_VCPU_SVE },
	{ "ID_AA64ZFR0_EL1", NULL, IDREG_VCPU_SVE },
	/* __kvm_read_sanitised_id_reg() without vcpu_has_ptrauth() */
	{ "ID_AA64ISAR1_EL1", "APA", IDREG_VCPU_PAUTH },
	{ "ID_AA64ISAR1_EL1", "API", IDREG_VCPU_PAUTH },
	{ "ID_AA64ISAR1_EL1", "GPA", IDREG_VCPU_PAUTH },
	{ "ID_AA64ISAR1_EL1", "GPI", IDREG_VCPU_PAUTH },
	{ "ID_AA64ISAR2_EL1", "APA3", IDREG_VCPU_PAUTH },
	{ "ID_AA64ISAR2_EL1", "GPA3", IDREG_VCPU_PAUTH },
	/* sanitise_id_aa64pfr1_el1(), sanitise_id_aa64pfr2_el1() */
	{ "ID_AA64PFR1_EL1", "MTE", IDREG_VCPU_MTE },
	{ "ID_AA64PFR1_EL1", "MTE_frac", IDREG_VCPU_MTE },
	{ "ID_AA64PFR2_EL1", "MTEFAR", IDREG_VCPU_MTE },
	{ "ID_AA64PFR2_EL1", "MTESTOREONLY", IDREG_VCPU_MTE },
	/* reset_clidr(): the tag cache's type only with MTE */
	{ "CLIDR_EL1", "Ttype1", IDREG_VCPU_MTE },
	{ "CLIDR_EL1", "Ttype2", IDREG_VCPU_MTE },
	{ "CLIDR_EL1", "Ttype3", IDREG_VCPU_MTE },
	{ "CLIDR_EL1", "Ttype4", IDREG_VCPU_MTE },
	{ "CLIDR_EL1", "Ttype5", IDREG_VCPU_MTE },
	{ "CLIDR_EL1", "Ttype6", IDREG_VCPU_MTE },
	{ "CLIDR_EL1", "Ttype7", IDREG_VCPU_MTE },
};

unsigned int idreg_vcpu_field_feature(const struct idreg_reg *reg, const struct idreg_field *f)
{
	unsigned int i;

	for (i = 0; reg && i < ARRAY_SIZE(feature_fields); i++) {
		if (strcmp(reg->name, feature_fields[i].reg))
			continue;
		if (!feature_fields[i].field ? idreg_field_is_named(f) :
		    idreg_field_by_name(reg, feature_fields[i].field) == f)
			return feature_fields[i].feature;
	}
	return 0;
}

uint64_t idreg_vcpu_feature_bits(unsigned int slot, unsigned int feature)
{
	const struct idreg_reg *reg = idreg_reg_by_slot(slot);
	const struct idreg_field *f;
	uint64_t bits = 0;
	unsigned int i;

	for (i = 0; reg && i < ARRAY_SIZE(feature_fields); i++) {
		if (!(feature_fields[i].feature & feature) ||
		    strcmp(reg->name, feature_fields[i].reg))
			continue;
		if (!feature_fields[i].field)
			return ~0ULL;
		f = idreg_field_by_name(reg, feature_fields[i].field);
		if (f)
			bits |= idreg_field_mask(f->lsb, f->width);
	}
	return bits;
}

/* QEMU's names; KVM_ARM_VCPU_HAS_EL2_E2H0 has none. */
static const struct idreg_vcpu_option options[] = {
	{ IDREG_VCPU_PMU, "pmu", false, false },
	{ IDREG_VCPU_SVE, "sve", false, false },
	{ IDREG_VCPU_PAUTH, "pauth", false, false },
	{ IDREG_VCPU_AARCH32, "aarch64", false, true },
	{ IDREG_VCPU_MTE, "mte", true, false },
	{ IDREG_VCPU_EL2, "virtualization", true, false },
};

const struct idreg_vcpu_option *idreg_vcpu_options(unsigned int *nr)
{
	*nr = ARRAY_SIZE(options);
	return options;
}

const struct idreg_vcpu_option *idreg_vcpu_option_of(unsigned int feature)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(options); i++)
		if (options[i].feature == feature)
			return &options[i];
	return NULL;
}

const struct idreg_vcpu_option *idreg_vcpu_option_by_name(const char *name, bool machine)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(options); i++)
		if (options[i].machine == machine && !strcmp(options[i].name, name))
			return &options[i];
	return NULL;
}
