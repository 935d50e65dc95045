// SPDX-License-Identifier: GPL-2.0-only
/*
 * vCPU configurations: names and feature sets.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "idregs/util.h"
#include "idregs/vcpu_config.h"

static const struct idreg_vcpu_feature_info rows[] = {
#define IDREG_VCPU_FEATURE(id, ...)	{ .feature = IDREG_VCPU_##id, __VA_ARGS__ },
#include "idregs/vcpu_features.def"
#undef IDREG_VCPU_FEATURE
};

_Static_assert(ARRAY_SIZE(rows) == IDREG_VCPU_NR_FEATURES, "one row per feature");

const struct idreg_vcpu_feature_info *idreg_vcpu_features(unsigned int *nr)
{
	*nr = ARRAY_SIZE(rows);
	return rows;
}

const struct idreg_vcpu_feature_info *idreg_vcpu_feature_info(unsigned int feature)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(rows); i++)
		if (rows[i].feature == feature)
			return &rows[i];
	return NULL;
}

/*
 * The configurations: "default", one per feature (in the rows' order),
 * then QEMU's -cpu host with the default machine, whose -cpu options
 * default on where KVM offers them (.qemu_host).  Made from the rows once.
 */
static struct idreg_vcpu_config configs[IDREG_VCPU_NR_FEATURES + 2];

static const struct idreg_vcpu_config *configs_made(void)
{
	struct idreg_vcpu_config *c = configs;
	unsigned int i;

	if (c[0].name)
		return c;
	*c++ = (struct idreg_vcpu_config){ "default", 0, 0, "no vCPU feature" };
	for (i = 0; i < ARRAY_SIZE(rows); i++)
		*c++ = (struct idreg_vcpu_config){ rows[i].config,
						   rows[i].feature | rows[i].also, 0,
						   rows[i].what };
	*c = (struct idreg_vcpu_config){ "qemu-host", 0, idreg_vcpu_qemu_host_features(),
					 "what QEMU's -cpu host asks for where KVM offers it" };
	return configs;
}

unsigned int idreg_vcpu_qemu_host_features(void)
{
	unsigned int i, f = 0;

	for (i = 0; i < ARRAY_SIZE(rows); i++)
		if (rows[i].qemu_host)
			f |= rows[i].feature;
	return f;
}

const struct idreg_vcpu_config *idreg_vcpu_configs(unsigned int *nr)
{
	*nr = ARRAY_SIZE(configs);
	return configs_made();
}

const struct idreg_vcpu_config *idreg_vcpu_config_default(void)
{
	return configs_made();
}

const struct idreg_vcpu_config *idreg_vcpu_config_by_name(const char *name)
{
	const struct idreg_vcpu_config *c = configs_made();
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(configs); i++)
		if (!strcmp(c[i].name, name))
			return &c[i];
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

	const struct idreg_vcpu_config *c = configs_made();

	buf[0] = 0;
	for (i = 0; i < ARRAY_SIZE(configs); i++)
		snprintf(buf + strlen(buf), size - strlen(buf), "%s%s", i ? ", " : "", c[i].name);
}

int idreg_vcpu_config_parse(const char *list, const struct idreg_vcpu_config **out,
			    unsigned int cap, char *err)
{
	char names[256], item[64];
	const struct idreg_vcpu_config *all = configs_made();
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
				if (add_config(&all[i], out, &n, cap, err))
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

unsigned int idreg_vcpu_feature_also(unsigned int feature)
{
	unsigned int i, also = 0;

	for (i = 0; i < IDREG_VCPU_NR_FEATURES; i++)
		if (feature & 1U << i)
			also |= rows[i].also;
	return also & ~feature;
}

const char *idreg_vcpu_feature_name(unsigned int feature)
{
	unsigned int i;

	for (i = 0; i < IDREG_VCPU_NR_FEATURES; i++)
		if (feature == 1U << i)
			return rows[i].name;
	return NULL;
}

unsigned int idreg_vcpu_feature_by_name(const char *name)
{
	unsigned int i;

	for (i = 0; i < IDREG_VCPU_NR_FEATURES; i++)
		if (!strcmp(name, rows[i].name))
			return 1U << i;
	return 0;
}

const char *idreg_vcpu_feature_noun(unsigned int feature, char *buf, size_t size)
{
	const char *name = idreg_vcpu_feature_name(feature);
	size_t i;

	for (i = 0; name && name[i] && i + 1 < size; i++)
		buf[i] = toupper((unsigned char)name[i]);
	if (size)
		buf[i] = 0;
	return buf;
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
				 rows[i].name);
	}
}

/* QEMU's options: the rows' with one, the -cpu ones first, then the -M ones. */
static struct {
	struct idreg_vcpu_option v[IDREG_VCPU_NR_FEATURES];
	unsigned int nr;
} options;

static void options_init(void)
{
	unsigned int i, pass;

	if (options.nr)
		return;
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < ARRAY_SIZE(rows); i++)
			if (rows[i].qemu && rows[i].qemu_machine == pass)
				options.v[options.nr++] = (struct idreg_vcpu_option){
					rows[i].feature, rows[i].qemu,
					rows[i].qemu_machine, rows[i].qemu_off_asks };
}

const struct idreg_vcpu_option *idreg_vcpu_options(unsigned int *nr)
{
	options_init();
	*nr = options.nr;
	return options.v;
}

const struct idreg_vcpu_option *idreg_vcpu_option_of(unsigned int feature)
{
	unsigned int i, nr;
	const struct idreg_vcpu_option *o = idreg_vcpu_options(&nr);

	for (i = 0; i < nr; i++)
		if (o[i].feature == feature)
			return &o[i];
	return NULL;
}

const struct idreg_vcpu_option *idreg_vcpu_option_by_name(const char *name, bool machine)
{
	unsigned int i, nr;
	const struct idreg_vcpu_option *o = idreg_vcpu_options(&nr);

	for (i = 0; i < nr; i++)
		if (o[i].machine == machine && !strcmp(o[i].name, name))
			return &o[i];
	return NULL;
}
