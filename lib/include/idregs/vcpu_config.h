/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vCPU configurations: the features a VMM asks KVM for when it creates a
 * VM and its vCPUs (PMUv3, SVE, pointer authentication, MTE, EL2, AArch32
 * EL1).  They change the ID registers' values, KVM's limits, which
 * registers are hidden and what some setters do.  Portable: the names and
 * feature sets; lib/kvm/kvm.c creates a VM for one (idreg_vm_open()).
 */
#ifndef IDREGS_VCPU_CONFIG_H
#define IDREGS_VCPU_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>


enum idreg_vcpu_feature_bit {
#define IDREG_VCPU_FEATURE(id, ...)	IDREG_VCPU_BIT_##id,
#include "idregs/vcpu_features.def"
#undef IDREG_VCPU_FEATURE
	IDREG_VCPU_NR_FEATURES
};

enum idreg_vcpu_feature {
#define IDREG_VCPU_FEATURE(id, ...)	IDREG_VCPU_##id = 1U << IDREG_VCPU_BIT_##id,
#include "idregs/vcpu_features.def"
#undef IDREG_VCPU_FEATURE
};

/* Every feature. */
#define IDREG_VCPU_ALL_FEATURES	((1U << IDREG_VCPU_NR_FEATURES) - 1)

/* A row of idregs/vcpu_features.def (its comment says what each field is). */
struct idreg_vcpu_feature_info {
	unsigned int feature;		/* enum idreg_vcpu_feature, one bit */
	const char *name, *config, *what;
	unsigned int also;
	const char *qemu;
	bool qemu_machine, qemu_off_asks, qemu_host;
	const char *qemu_only_offered, *qemu_clears;
	const char *kvm_hides;
	const char *predicates;
};

/* The rows, in the order of their bits. */
const struct idreg_vcpu_feature_info *idreg_vcpu_features(unsigned int *nr);
/* The row of @feature (one bit), or NULL. */
const struct idreg_vcpu_feature_info *idreg_vcpu_feature_info(unsigned int feature);
/* The features whose QEMU option defaults on where KVM offers them (.qemu_host). */
unsigned int idreg_vcpu_qemu_host_features(void);

struct idreg_vcpu_config {
	const char *name;
	/* Asked for; a host that cannot give one of them skips. */
	unsigned int features;
	/* Asked for only when the host offers them (qemu-host). */
	unsigned int if_offered;
	const char *what;
};

/* The configurations, "default" first. */
const struct idreg_vcpu_config *idreg_vcpu_configs(unsigned int *nr);
const struct idreg_vcpu_config *idreg_vcpu_config_by_name(const char *name);
/* "default": the one without any feature. */
const struct idreg_vcpu_config *idreg_vcpu_config_default(void);
static inline bool idreg_vcpu_config_is_default(const struct idreg_vcpu_config *c)
{
	return !c || (!c->features && !c->if_offered);
}

/*
 * A comma-separated list of names ("all" for every configuration) into
 * @out (at most @cap, no name twice).  Returns how many, or -1 with a
 * one-line message in @err (IDREG_ERR_LEN bytes) naming the bad entry.
 */
int idreg_vcpu_config_parse(const char *list, const struct idreg_vcpu_config **out,
			    unsigned int cap, char *err);

/* The feature's short name ("pmu", "sve", ...) or NULL. */
const char *idreg_vcpu_feature_name(unsigned int feature);
/* A feature by its short name; 0 if none. */
unsigned int idreg_vcpu_feature_by_name(const char *name);
/*
 * The features the configurations of @feature's bits also ask for (EL2
 * for e2h0), @feature's own excluded.
 */
unsigned int idreg_vcpu_feature_also(unsigned int feature);
/* The feature's name in capitals, as messages call the hardware: "PMU". */
const char *idreg_vcpu_feature_noun(unsigned int feature, char *buf, size_t size);
/* "pmu,sve,pauth" ("none" for 0) into @buf. */
void idreg_vcpu_features_describe(unsigned int features, char *buf, size_t size);

/*
 * The features a VM of @c asks for on a host offering @offered: @c's own
 * and those of its if_offered the host has.
 */
static inline unsigned int idreg_vcpu_config_features(const struct idreg_vcpu_config *c,
						      unsigned int offered)
{
	return c ? c->features | (c->if_offered & offered) : 0;
}

/*
 * How QEMU asks for a feature: a -cpu option (pmu=on) or a -M virt
 * option (mte=on); aarch64=off is the one whose "off" asks for it.
 */
struct idreg_vcpu_option {
	unsigned int feature;
	const char *name;		/* QEMU's option, also the model's JSON key */
	bool machine;			/* -M virt,NAME=on, not -cpu host,NAME=on */
	bool off_asks;			/* NAME=off asks for the feature */
};

const struct idreg_vcpu_option *idreg_vcpu_options(unsigned int *nr);
/* The option for @feature, or NULL (QEMU has none: e2h0). */
const struct idreg_vcpu_option *idreg_vcpu_option_of(unsigned int feature);
/* The option called @name (-cpu if !@machine, else -M), or NULL. */
const struct idreg_vcpu_option *idreg_vcpu_option_by_name(const char *name, bool machine);

#endif /* IDREGS_VCPU_CONFIG_H */
