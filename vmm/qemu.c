// SPDX-License-Identifier: GPL-2.0-only
/*
 * QEMU's semantics for -cpu host under KVM: option defaults and
 * existence, precedence, the effective guest view, and whether the host
 * runs a model that way.  Every rule names the QEMU (or kernel) function
 * it was read from; docs/vmm.md lists them.  Command lines are
 * vmm/qemu_args.c's.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idregs/declared.h"
#include "idregs/field.h"
#include "idregs/kvm_rules.h"
#include "idregs/model_check.h"
#include "idregs/qemu.h"
#include "idregs/qemu_words.h"
#include "idregs/vcpu_regs.h"

/*
 * What QEMU gives a field itself, after the SYSREG_ properties (the
 * series' order; it applies them before arm_cpu_realizefn() and the
 * finalize functions run): each feature's .qemu_clears without it
 * (idregs/vcpu_features.def), then EL3, which the vCPU never has under KVM.
 */
static const struct idreg_qemu_override no_el3[] = {
	{ "ID_AA64PFR0_EL1", "EL3", 0, "no EL3 under KVM (secure=off)", "arm_cpu_realizefn()" },
	{ "ID_PFR1_EL1", "Security", 0, "no EL3 under KVM (secure=off)", "arm_cpu_realizefn()" },
	{ "ID_DFR0_EL1", "CopSDbg", 0, "no EL3 under KVM (secure=off)", "arm_cpu_realizefn()" },
	{ "ID_AA64PFR0_EL1", "RME", 0, "no EL3 under KVM (secure=off)", "arm_cpu_realizefn()" },
};

#define MAX_OVERRIDES	64

/* Made from the rows once; the strings point into text. */
static struct {
	struct idreg_qemu_override v[MAX_OVERRIDES];
	unsigned int nr;
	char option[IDREG_VCPU_NR_FEATURES][64];
	char hidden[IDREG_VCPU_NR_FEATURES][256];
	char text[4096];
	size_t used;
} ov;

static char *ov_copy(const char *s, size_t n)
{
	char *d = &ov.text[ov.used];

	if (ov.used + n + 1 > sizeof(ov.text))
		return NULL;
	memcpy(d, s, n);
	d[n] = 0;
	ov.used += n + 1;
	return d;
}

/*
 * The option that turns @r's feature off, as a reason: "pmu=off"; an
 * option that defaults off everywhere is off unless stated ("(-M virt's
 * default)").
 */
static const char *off_option(const struct idreg_vcpu_feature_info *r, unsigned int i)
{
	snprintf(ov.option[i], sizeof(ov.option[i]), "%s=%s%s", r->qemu,
		 r->qemu_off_asks ? "on" : "off",
		 r->qemu_host ? "" : r->qemu_machine ? " (-M virt's default)" :
		 " (-cpu host's default)");
	return ov.option[i];
}

/* One "REG.Field@function()" item of @r's .qemu_clears (@n bytes at @s). */
static void add_clear(const struct idreg_vcpu_feature_info *r, unsigned int i,
		      const char *s, size_t n)
{
	const char *at = memchr(s, '@', n), *dot;
	struct idreg_qemu_override *o = &ov.v[ov.nr];

	if (!at || ov.nr >= MAX_OVERRIDES - ARRAY_SIZE(no_el3))
		return;
	dot = memchr(s, '.', at - s);
	o->reg = ov_copy(s, (dot ? dot : at) - s);
	o->field = dot ? ov_copy(dot + 1, at - dot - 1) : NULL;
	o->function = ov_copy(at + 1, s + n - at - 1);
	o->feature = r->feature;
	o->option = r->qemu ? off_option(r, i) : r->name;
	if (o->reg && o->function && (!dot || o->field))
		ov.nr++;
}

/* "KVM: <.kvm_hides>; QEMU: <the functions of .qemu_clears>". */
static void make_hidden(const struct idreg_vcpu_feature_info *r, unsigned int i,
			unsigned int first)
{
	char *b = ov.hidden[i];
	size_t size = sizeof(ov.hidden[i]), n;
	unsigned int j, k;

	if (!r->kvm_hides) {
		snprintf(b, size, "KVM hides it without the feature (sys_regs.c)");
		return;
	}
	n = snprintf(b, size, "KVM: %s", r->kvm_hides);
	for (j = first; j < ov.nr && n < size; j++) {
		for (k = first; k < j && strcmp(ov.v[k].function, ov.v[j].function); k++)
			;
		if (k == j)
			n += snprintf(b + n, size - n, "%s%s", j == first ? "; QEMU: " : ", ",
				      ov.v[j].function);
	}
}

static void overrides_made(void)
{
	const struct idreg_vcpu_feature_info *rows;
	unsigned int nr, i, first;
	const char *s, *e;

	if (ov.nr)
		return;
	rows = idreg_vcpu_features(&nr);
	for (i = 0; i < nr && i < IDREG_VCPU_NR_FEATURES; i++) {
		first = ov.nr;
		for (s = rows[i].qemu_clears; s && *s; s = *e ? e + 1 : e) {
			e = s + strcspn(s, " ");
			add_clear(&rows[i], i, s, e - s);
		}
		make_hidden(&rows[i], i, first);
	}
	for (i = 0; i < ARRAY_SIZE(no_el3); i++)
		ov.v[ov.nr++] = no_el3[i];
}

static bool override_matches(const struct idreg_qemu_override *o, const struct idreg_reg *reg,
			     const struct idreg_field *field)
{
	if (strcmp(o->reg, reg->name))
		return false;
	return o->field ? idreg_field_by_name(reg, o->field) == field : idreg_field_is_named(field);
}

const struct idreg_qemu_override *idreg_qemu_override_of(const struct idreg_reg *reg,
							 const struct idreg_field *field,
							 unsigned int features)
{
	unsigned int i;

	overrides_made();
	for (i = 0; i < ov.nr; i++)
		if (override_matches(&ov.v[i], reg, field) && !(features & ov.v[i].feature))
			return &ov.v[i];
	return NULL;
}

/*
 * The features a model's stated options decide away on every host: those
 * stated off, and those whose option QEMU turns off unless asked (not
 * .qemu_host: virtualization, mte, aarch64=off) and the model does not ask.
 */
static unsigned int stated_off(const struct idreg_model *m)
{
	const struct idreg_vcpu_option *o;
	unsigned int off = m->q.given & ~m->features, i, nr;

	o = idreg_vcpu_options(&nr);
	for (i = 0; i < nr; i++)
		if (!(idreg_vcpu_qemu_host_features() & o[i].feature))
			off |= o[i].feature & ~m->features;
	return off;
}

const struct idreg_qemu_override *idreg_qemu_overridden(const struct idreg_model *m,
							const struct idreg_reg *reg,
							const struct idreg_field *field)
{
	return idreg_qemu_override_of(reg, field, ~stated_off(m));
}

/* kvm_vgic_finalize_idregs() (Linux 7.x vgic-init.c): what the vGIC sets. */
static const struct {
	const char *reg, *field;
	uint8_t v3;			/* value with a vGICv3; 0 otherwise */
	bool aarch32_el0;		/* only where the host runs AArch32 EL0 */
} gic_fields[] = {
	{ "ID_AA64PFR0_EL1", "GIC", 1, false },
	{ "ID_PFR1_EL1", "GIC", 1, true },
	{ "ID_AA64PFR2_EL1", "GCIE", 0, false },
};

bool idreg_qemu_gic_field(const struct idreg_reg *reg, const struct idreg_field *field)
{
	unsigned int i;

	for (i = 0; reg && i < ARRAY_SIZE(gic_fields); i++)
		if (!strcmp(reg->name, gic_fields[i].reg) &&
		    idreg_field_by_name(reg, gic_fields[i].field) == field)
			return true;
	return false;
}

/* Record why a field will differ from the profile; the last word wins. */
static void annotate(struct idreg_qemu_view *v, unsigned int slot, const struct idreg_field *f,
		     const char *by, const char *why)
{
	struct idreg_qemu_change *c;
	unsigned int i;

	for (i = 0; i < v->nr_changes; i++)
		if (v->changes[i].slot == slot && v->changes[i].field == f)
			break;
	if (i == IDREG_QEMU_MAX_CHANGES)
		return;
	c = &v->changes[i];
	if (i == v->nr_changes) {
		v->nr_changes++;
		memset(c, 0, sizeof(*c));
		c->slot = slot;
		c->reg = idreg_reg_by_slot(slot);
		c->field = f;
	}
	snprintf(c->by, sizeof(c->by), "%s", by);
	c->why = why;
}

/* Annotate every named field of @slot in @bits. */
static void annotate_bits(struct idreg_qemu_view *v, unsigned int slot, uint64_t bits,
			  const char *by, const char *why)
{
	const struct idreg_reg *reg = idreg_reg_by_slot(slot);
	unsigned int i;

	for (i = 0; reg && i < reg->nr_fields; i++) {
		const struct idreg_field *f = &reg->fields[i];

		if (idreg_field_is_named(f) && (idreg_field_mask(f->lsb, f->width) & bits))
			annotate(v, slot, f, by, why);
	}
}

static unsigned int feature_index(unsigned int f)
{
	unsigned int i = 0;

	while (i < IDREG_VCPU_NR_FEATURES - 1 && f != 1U << i)
		i++;
	return i;
}

static const char *feature_option(unsigned int f, bool on)
{
	static char buf[IDREG_VCPU_NR_FEATURES][40];
	const struct idreg_vcpu_option *o = idreg_vcpu_option_of(f);
	unsigned int i = feature_index(f);

	if (!o)
		return idreg_vcpu_feature_name(f);
	snprintf(buf[i], sizeof(buf[i]), "%s%s=%s", o->machine ? "-M virt," : "", o->name,
		 on != o->off_asks ? "on" : "off");
	return buf[i];
}

/* What stops QEMU: the first thing only, in QEMU's words (@says, @hint). */
static void stop(struct idreg_qemu_view *v, struct idreg_msg_about about, const char *what,
		 const char *says, const char *hint, const char *why)
{
	if (v->stopped)
		return;
	v->stopped = true;
	if (says && *says)
		idreg_msgs_add(&v->says, "%s", says);
	if (hint && *hint)
		idreg_msgs_add(&v->says, "%s", hint);
	idreg_msgs_add_about(&v->errors, about, "%s: QEMU stops: %s%s%s (%s)", what,
			     says ? says : "", hint && *hint ? "; " : "", hint ? hint : "", why);
}

static void stop_words(struct idreg_qemu_view *v, struct idreg_msg_about about, const char *what,
		       enum idreg_qemu_word w, const char *says)
{
	stop(v, about, what, says, NULL, idreg_qemu_words(w)->function);
}

/* Does KVM offer @f on @p: 1, 0, or -1 (the profile does not record it)? */
static int offers(const struct idreg_profile *p, unsigned int f)
{
	if (p->features & f)
		return 1;
	if (!p->offered_known)
		return -1;
	return !!(p->offered & f);
}

/*
 * The features QEMU asks KVM for: each stated option as stated, else QEMU's
 * default: pmu, sve, pauth (.qemu_host) on where KVM offers them (the
 * properties' defaults follow kvm_arm_get_host_cpu_features()), aarch64
 * on, the -M virt options off.  Where the profile does not record what
 * KVM offers, the default is taken as on (and cannot be predicted).
 */
static unsigned int asked_features(const struct idreg_model *m, const struct idreg_profile *p)
{
	unsigned int host = idreg_vcpu_qemu_host_features(), dflt = 0, i, f;

	for (i = 0; i < IDREG_VCPU_NR_FEATURES; i++) {
		f = 1U << i;
		if ((host & f) && offers(p, f))
			dflt |= f;
	}
	return (dflt & ~m->q.given) | (m->features & m->q.given);
}

/*
 * The features whose option QEMU creates only where KVM offers them (pmu:
 * .qemu_only_offered).
 */
static unsigned int only_offered(void)
{
	const struct idreg_vcpu_feature_info *rows;
	unsigned int nr, i, f = 0;

	rows = idreg_vcpu_features(&nr);
	for (i = 0; i < nr; i++)
		if (rows[i].qemu_only_offered)
			f |= rows[i].feature;
	return f;
}

/* The first -cpu item QEMU stops at, and what it says there. */
struct cpu_stop {
	unsigned int pos;		/* 0: none */
	struct idreg_msg_about about;
	char what[160], says[320], hint[160], why[400];
};

static void candidate(struct cpu_stop *c, unsigned int pos, struct idreg_msg_about about,
		      const char *what, const char *says, const char *hint, const char *why)
{
	pos = pos ? pos : 1;		/* a model's: no order known */
	if (c->pos && c->pos <= pos)
		return;
	c->pos = pos;
	c->about = about;
	snprintf(c->what, sizeof(c->what), "%s", what);
	snprintf(c->says, sizeof(c->says), "%s", says ? says : "");
	snprintf(c->hint, sizeof(c->hint), "%s", hint ? hint : "");
	snprintf(c->why, sizeof(c->why), "%s", why);
}

/* A -cpu item's error: QEMU's words after object_apply_global_props()'s. */
static void global_says(char *buf, size_t size, const char *key, const char *val,
			const char *says)
{
	size_t n;

	idreg_qemu_say(buf, size, QW_GLOBAL, "host-arm-cpu", key, val);
	n = strlen(buf);
	snprintf(buf + n, size - n, "%s", says);
}

/* A stated option whose setter refuses it on this host. */
static void option_stop(const struct idreg_model *m, const struct idreg_profile *p,
			unsigned int f, struct cpu_stop *c)
{
	const struct idreg_vcpu_option *o = idreg_vcpu_option_of(f);
	bool on = m->features & f;
	char says[200], full[320];
	enum idreg_qemu_word w;

	if (!o || o->machine || !(m->q.given & f) || offers(p, f) != 0)
		return;
	/* pmu: no property at all; sve, aarch64: their setters; pauth: at realize */
	if (only_offered() & f)
		w = QW_PROP_NOT_FOUND;
	else if (on && f == IDREG_VCPU_SVE)
		w = QW_FEATURE_NO_KVM;
	else if (on && f == IDREG_VCPU_AARCH32)
		w = QW_AARCH64_NO_KVM;
	else
		return;
	if (w == QW_PROP_NOT_FOUND)
		idreg_qemu_say(says, sizeof(says), w, "host-arm-cpu", o->name);
	else
		idreg_qemu_say(says, sizeof(says), w, o->name, "KVM");
	global_says(full, sizeof(full), o->name, on != o->off_asks ? "on" : "off", says);
	candidate(c, m->q.pos[feature_index(f)], idreg_about_feature(f), feature_option(f, on),
		  full, NULL, idreg_qemu_words(w)->function);
}

/*
 * The series (Cornelia Huck, Eric Auger: kvm_arm_get_host_cpu_features()
 * reads KVM_ARM_GET_REG_WRITABLE_MASKS) creates a SYSREG_ property for a
 * field only where it is writable on that host, and never enables
 * KVM_CAP_ARM_WRITABLE_IMP_ID_REGS: no MIDR/REVIDR/AIDR property at all.
 */
static void prop_stop(const struct idreg_profile *p,
		      const struct idreg_assign *a, struct cpu_stop *c)
{
	char prop[128], says[200], full[320], val[24], why[400];

	if (!idreg_is_imp_id_slot(a->slot) && p->readable[a->slot] &&
	    idreg_profile_field_writable(p, a->slot, a->field))
		return;
	idreg_assign_prop(a, prop, sizeof(prop));
	snprintf(val, sizeof(val), "0x%" PRIx64, a->value);
	idreg_qemu_say(says, sizeof(says), QW_PROP_NOT_FOUND, "host-arm-cpu", prop);
	global_says(full, sizeof(full), prop, val, says);
	if (idreg_is_imp_id_slot(a->slot))
		snprintf(why, sizeof(why), "QEMU never enables KVM_CAP_ARM_WRITABLE_IMP_ID_REGS, so the series creates no %s property",
			 a->reg->name);
	else
		snprintf(why, sizeof(why), "the field is not writable on %s (mask 0x%016" PRIx64 "), and the series creates properties for writable fields only",
			 p->label, p->mask[a->slot]);
	candidate(c, a->pos ? a->pos : 1, idreg_about_bits(a->slot,
		  idreg_field_mask(a->field->lsb, a->field->width)), prop, full, NULL, why);
}

/* sve<N>=on where KVM has no SVE: cpu_arm_set_vq() refuses it. */
static void vq_stop(const struct idreg_model *m, const struct idreg_profile *p, struct cpu_stop *c)
{
	char says[64], full[320], key[16];
	unsigned int n;

	if (!m->q.sve_on || offers(p, IDREG_VCPU_SVE) != 0)
		return;
	n = 128 * (__builtin_ctz(m->q.sve_on) + 1);
	snprintf(key, sizeof(key), "sve%u", n);
	idreg_qemu_say(says, sizeof(says), QW_SVE_ENABLE, (int)n);
	global_says(full, sizeof(full), key, "on", says);
	candidate(c, m->q.sve_pos, idreg_about_feature(IDREG_VCPU_SVE), key, full,
		  idreg_qemu_words(QW_SVE_NO_KVM)->format, idreg_qemu_words(QW_SVE_NO_KVM)->function);
}

/* The -cpu items, in order (object_apply_global_props() stops at one). */
static void check_cpu_items(const struct idreg_model *m, const struct idreg_profile *p,
			    struct idreg_qemu_view *v)
{
	struct cpu_stop c = { 0 };
	unsigned int i;

	if (m->q.stop_pos)
		candidate(&c, m->q.stop_pos, idreg_about_feature(0), "-cpu host",
			  m->q.stop, NULL, m->q.stop_why);
	for (i = 0; i < IDREG_VCPU_NR_FEATURES; i++)
		option_stop(m, p, 1U << i, &c);
	vq_stop(m, p, &c);
	for (i = 0; i < m->nr; i++)
		prop_stop(p, &m->items[i], &c);
	if (c.pos)
		stop(v, c.about, c.what, c.says, c.hint, c.why);
}

/* machvirt_init(): the machine's options the accelerator must offer. */
static void check_machine(const struct idreg_model *m, const struct idreg_profile *p,
			  struct idreg_qemu_view *v)
{
	char says[200];

	if (m->q.secure > 0)
		stop_words(v, idreg_about_feature(0), "-M virt,secure=on", QW_SECURE_KVM,
			   idreg_qemu_say(says, sizeof(says), QW_SECURE_KVM, "KVM"));
	if ((v->asked & IDREG_VCPU_EL2) && !offers(p, IDREG_VCPU_EL2))
		stop_words(v, idreg_about_feature(IDREG_VCPU_EL2), "-M virt,virtualization=on",
			   QW_EL2_NO_KVM, idreg_qemu_words(QW_EL2_NO_KVM)->format);
	if ((v->asked & IDREG_VCPU_EL2) && (v->gic != 3 || v->gic_user))
		stop_words(v, idreg_about_feature(IDREG_VCPU_EL2), "-M virt,virtualization=on",
			   QW_EL2_GICV3, idreg_qemu_words(QW_EL2_GICV3)->format);
}

/* machvirt_init(), once the vCPU object exists: MTE needs KVM's. */
static void check_mte(const struct idreg_profile *p, struct idreg_qemu_view *v)
{
	if ((v->asked & IDREG_VCPU_MTE) && !offers(p, IDREG_VCPU_MTE))
		stop_words(v, idreg_about_feature(IDREG_VCPU_MTE), "-M virt,mte=on", QW_MTE_NO_KVM,
			   idreg_qemu_words(QW_MTE_NO_KVM)->format);
}

/* What realize refuses after the vector lengths, and the vCPU's creation. */
static void check_vcpu(const struct idreg_profile *p, struct idreg_qemu_view *v)
{
	unsigned int a = v->asked;
	char says[160];

	if ((a & IDREG_VCPU_PAUTH) && !offers(p, IDREG_VCPU_PAUTH))
		stop_words(v, idreg_about_feature(IDREG_VCPU_PAUTH), "pauth=on", QW_PAUTH_NO_KVM,
			   idreg_qemu_say(says, sizeof(says), QW_PAUTH_NO_KVM, "KVM"));
	/*
	 * KVM_ARM_VCPU_INIT (kvm_vcpu_init_check_features()) refuses 32-bit
	 * EL1 with MTE or EL2; QEMU 11.1 on Linux 7.3.4 also stops so with
	 * SVE or pointer authentication (docs/qemu.md): EINVAL.
	 */
	if ((a & IDREG_VCPU_AARCH32) &&
	    (a & (IDREG_VCPU_MTE | IDREG_VCPU_EL2 | IDREG_VCPU_SVE | IDREG_VCPU_PAUTH))) {
		idreg_qemu_say(says, sizeof(says), QW_VCPU_INIT, 0UL);
		snprintf(says + strlen(says), sizeof(says) - strlen(says), ": %s", strerror(EINVAL));
		stop_words(v, idreg_about_feature(IDREG_VCPU_AARCH32),
			   "aarch64=off with SVE, pointer authentication, MTE or EL2", QW_VCPU_INIT, says);
	}
}

/*
 * kvm_arch_init_vcpu() writes -cpu host,kvm-psci-version's version to
 * KVM_REG_ARM_PSCI_VERSION: a version this KVM does not take stops QEMU.
 */
static void check_psci(const struct idreg_model *m, const struct idreg_profile *p,
		       struct idreg_qemu_view *v)
{
	unsigned int i, major, minor;
	char says[160], why[160];
	uint64_t val;

	for (i = 0; i < m->nr_kvm_regs && m->kvm_regs[i].id != IDREG_KVM_PSCI_VERSION; i++)
		;
	if (i == m->nr_kvm_regs || v->stopped)
		return;
	val = m->kvm_regs[i].value;
	major = val >> 16;
	minor = val & 0xffff;
	if (!p->kvm_regs_known) {
		idreg_msgs_add_about(&v->unknown, idreg_about_kvm_reg(IDREG_KVM_PSCI_VERSION, 0),
				     "kvm-psci-version=%u.%u: %s predates the register list: whether its KVM takes that version is not recorded",
				     major, minor, p->label);
		return;
	}
	if (idreg_fw_accepts(p, IDREG_KVM_PSCI_VERSION, val, NULL, why, sizeof(why)))
		return;
	idreg_qemu_say(says, sizeof(says), QW_PSCI_UNSUPPORTED, (int)major, (int)minor);
	snprintf(why, sizeof(why), "%s; KVM_SET_ONE_REG refuses it",
		 idreg_qemu_words(QW_PSCI_UNSUPPORTED)->function);
	stop(v, idreg_about_kvm_reg(IDREG_KVM_PSCI_VERSION, val), "kvm-psci-version", says,
	     idreg_qemu_words(QW_PSCI_HINT)->format, why);
}

/* What the profile cannot say of the vCPU QEMU creates (nothing refused). */
static void check_unknown(const struct idreg_model *m, const struct idreg_profile *p,
			  struct idreg_qemu_view *v)
{
	unsigned int i, f, need = v->asked | (m->q.given & only_offered());
	char why[256];

	for (i = 0; i < IDREG_VCPU_NR_FEATURES; i++) {
		f = 1U << i;
		if (!(need & f) || (p->features & f))
			continue;
		if (offers(p, f) < 0)
			snprintf(why, sizeof(why), "the profile does not record whether KVM offers it");
		else if (v->asked & f)
			idreg_profile_lacks(p, f, why, sizeof(why));
		else
			continue;
		idreg_msgs_add_about(&v->unknown, idreg_about_feature(f),
				     "%s: cannot predict the guest: %s: %s",
				     feature_option(f, v->asked & f), p->label, why);
	}
	if ((v->asked & IDREG_VCPU_SVE) && (m->q.sve_on | m->q.sve_off) && !p->sve_vls_known)
		idreg_msgs_add_about(&v->unknown, idreg_about_feature(IDREG_VCPU_SVE),
				     "sve<N>: cannot predict the vector lengths: %s records none",
				     p->label);
}

/*
 * hw/arm/virt.c's finalize_gic_version() under KVM: unset, v2 where KVM
 * can create one and maxcpus is at most 8, else v3; host and max: v3
 * where KVM has it, else v2; 4: never under KVM.  kernel-irqchip=off:
 * QEMU's own GICv2 only, no in-kernel GIC.
 */
static unsigned int resolve_gic(const struct idreg_model *m, const struct idreg_profile *p,
				struct idreg_qemu_view *v)
{
	unsigned int offered = p->gic_known ? p->gic_offered : 1U << 3;
	unsigned int cpus = m->q.maxcpus ? m->q.maxcpus : m->q.smp ? m->q.smp : 1, gic = m->q.gic;
	const char *accel = "KVM";
	char says[200];

	v->gic_user = m->q.kernel_irqchip == 0;
	if (v->gic_user)
		offered = 1U << 2, accel = "KVM with kernel-irqchip=off";
	else if (!p->gic_known)
		idreg_msgs_add(&v->notes, "%s records no GIC versions: taken as GICv3 only", p->label);
	if (!gic || gic == IDREG_GIC_HOST || gic == IDREG_GIC_MAX)
		gic = (!gic && (offered & 1U << 2) && cpus <= 8) || !(offered & 1U << 3) ? 2 : 3;
	if (gic == 2 && !(offered & 1U << 2))
		idreg_qemu_say(says, sizeof(says), QW_GIC_NO_V2, accel);
	else if (gic == 2 && cpus > 8 && !m->q.gic)
		idreg_qemu_say(says, sizeof(says), QW_GIC_V2_ONLY, accel);
	else if (gic == 3 && !(offered & 1U << 3))
		idreg_qemu_say(says, sizeof(says), QW_GIC_NO_V3, accel);
	else if (gic == 4)
		idreg_qemu_say(says, sizeof(says), QW_GIC_NO_V4, accel);
	else
		return gic;
	stop_words(v, idreg_about_feature(0), "-M virt,gic-version", QW_GIC_NO_V3, says);
	return gic == 4 ? 3 : gic;
}

static uint32_t vls_top(uint32_t vls)
{
	uint32_t top = 0;

	while (vls) {
		vls >>= 1;
		top++;
	}
	return top;
}

static void sve_stop(struct idreg_qemu_view *v, enum idreg_qemu_word w, unsigned int n,
		     enum idreg_qemu_word hint, unsigned int hn)
{
	char says[64], h[160];

	idreg_qemu_say(says, sizeof(says), w, (int)n);
	idreg_qemu_say(h, sizeof(h), hint, (int)hn);
	stop(v, idreg_about_feature(IDREG_VCPU_SVE), "sve<N>", says, h,
	     idreg_qemu_words(w)->function);
}

/*
 * arm_cpu_sve_finalize() under KVM, with @have the lengths KVM offers:
 * lengths stated on, and those KVM offers below the largest of them not
 * stated; else all KVM offers below the smallest one stated off.  The
 * result must be all KVM offers up to its largest.
 */
static uint32_t sve_finalize(uint32_t have, const struct idreg_model *m, bool sve,
			     struct idreg_qemu_view *v)
{
	uint32_t set = m->q.sve_on | m->q.sve_off, map = m->q.sve_on, mask, diff;
	unsigned int max, vq;

	if (map) {
		max = vls_top(map);
		map |= have & ~set & ((1U << max) - 1);
	} else {
		if (!sve)
			return 0;
		vq = (set & have) ? (unsigned int)__builtin_ctz(set & have) + 1 : 17;
		max = vq - 1;
		map = have & ~set & ((1U << max) - 1);
		if (!map) {
			sve_stop(v, QW_SVE_DISABLE, vq * 128, QW_SVE_ALL_OFF, vq * 128);
			return 0;
		}
		max = vls_top(map);
	}
	mask = (1U << max) - 1;
	map &= mask;
	diff = map ^ (have & mask);
	vq = vls_top(diff);
	if (diff && (map & 1U << (vq - 1)))
		sve_stop(v, QW_SVE_ENABLE, vq * 128, QW_SVE_NO_LENGTH, vq * 128);
	else if (diff)
		sve_stop(v, QW_SVE_DISABLE, vq * 128, QW_SVE_KVM_HOLES, max * 128);
	else if (!sve)
		sve_stop(v, QW_SVE_ENABLE, max * 128, QW_SVE_NEEDS_SVE, 0);
	return diff || !sve ? 0 : map;
}

/*
 * sve<N> (written to KVM as KVM_REG_ARM64_SVE_VLS by kvm_arm_sve_set_vls()):
 * where the profile records KVM's lengths.
 */
static uint32_t resolve_vls(const struct idreg_model *m, const struct idreg_profile *p,
			    struct idreg_qemu_view *v)
{
	bool sve = v->asked & IDREG_VCPU_SVE;

	if (!p->sve_vls_known || offers(p, IDREG_VCPU_SVE) != 1)
		return 0;
	return sve_finalize(p->sve_vls, m, sve, v);
}

/* SYSREG_ values, then what QEMU sets itself (the series' order). */
static void apply_props(const struct idreg_model *m, const struct idreg_profile *p,
			struct idreg_qemu_view *v)
{
	const struct idreg_qemu_override *o;
	char by[160], prop[128];
	unsigned int i;

	for (i = 0; i < m->nr; i++) {
		const struct idreg_assign *a = &m->items[i];
		const struct idreg_field *f = a->field;

		idreg_assign_prop(a, prop, sizeof(prop));
		o = idreg_qemu_override_of(a->reg, f, v->features);
		if (idreg_qemu_gic_field(a->reg, f) &&
		    a->value != idreg_field_get(v->guest[a->slot], f->lsb, f->width))
			idreg_msgs_add(&v->notes, "%s=0x%" PRIx64 ": the in-kernel GICv%u decides (kvm_vgic_finalize_idregs() at the first run): the guest reads 0x%" PRIx64,
				       prop, a->value, v->gic,
				       idreg_field_get(v->guest[a->slot], f->lsb, f->width));
		if (o || idreg_qemu_gic_field(a->reg, f) || !p->readable[a->slot])
			continue;
		v->guest[a->slot] = idreg_field_set(v->guest[a->slot], f->lsb, f->width, a->value);
		snprintf(by, sizeof(by), "%s=0x%" PRIx64, prop, a->value);
		annotate(v, a->slot, f, by, "the series' SYSREG_ property");
	}
}

/* What QEMU's realize and finalize functions give fields, over the props. */
static void apply_overrides(const struct idreg_model *m, struct idreg_qemu_view *v)
{
	const struct idreg_qemu_override *o;
	const struct idreg_assign *a;
	char prop[128];
	unsigned int slot, i;

	for (slot = 0; slot < IDREG_NR_SLOTS; slot++) {
		const struct idreg_reg *reg = idreg_reg_by_slot(slot);

		for (i = 0; reg && i < reg->nr_fields; i++) {
			const struct idreg_field *f = &reg->fields[i];

			o = idreg_qemu_override_of(reg, f, v->features);
			if (!o)
				continue;
			a = idreg_model_find(m, reg, f);
			if (a && a->value) {
				idreg_assign_prop(a, prop, sizeof(prop));
				idreg_msgs_add(&v->notes, "%s=0x%" PRIx64 ": %s wins (%s, after the SYSREG_ properties): the guest reads 0x0",
					       prop, a->value, o->option, o->function);
			}
			if (!v->series || !idreg_field_get(v->guest[slot], f->lsb, f->width))
				continue;
			v->guest[slot] = idreg_field_set(v->guest[slot], f->lsb, f->width, 0);
			annotate(v, slot, f, o->option, o->function);
		}
	}
}

/* "; FIELD 0xV over 0xW, ..." for each field KVM refuses alone. */
static const char *refused_fields(const struct idreg_profile *p, const struct idreg_qemu_view *v,
				  const struct idreg_vm_traits *t, unsigned int slot)
{
	static char buf[1024];
	const struct idreg_reg *reg = idreg_reg_by_slot(slot);
	struct idreg_kvm_verdict k;
	char prop[128];
	unsigned int i;
	size_t n = 0;

	buf[0] = 0;
	for (i = 0; reg && i < reg->nr_fields && n < sizeof(buf); i++) {
		const struct idreg_field *f = &reg->fields[i];
		uint64_t want = idreg_field_get(v->guest[slot], f->lsb, f->width);
		uint64_t have = idreg_field_get(v->kvm[slot], f->lsb, f->width);

		if (want == have)
			continue;
		idreg_kvm_predict(slot, reg, p->mask[slot], v->kvm[slot],
				  idreg_field_set(v->kvm[slot], f->lsb, f->width, want), t, &k);
		if (k.effect == IDREG_WRITE_STORED)
			continue;
		idreg_prop_format(prop, sizeof(prop), reg, f);
		n += snprintf(buf + n, sizeof(buf) - n, "%s %s=0x%" PRIx64 " where the host has 0x%" PRIx64,
			      n ? "," : "; refused alone:", prop, want, have);
	}
	return buf;
}

/*
 * arm_cpu_sve_finalize(): a largest vector length under 256 bits clears
 * ID_AA64ZFR0_EL1.F64MM in QEMU's copy, which the series writes.
 */
static void apply_vls(const struct idreg_model *m, struct idreg_qemu_view *v)
{
	const struct idreg_reg *reg = idreg_reg_by_name("ID_AA64ZFR0_EL1");
	const struct idreg_field *f = reg ? idreg_field_by_name(reg, "F64MM") : NULL;
	const struct idreg_assign *a = f ? idreg_model_find(m, reg, f) : NULL;
	int slot = reg ? idreg_reg_slot(reg) : -1;

	if (!f || slot < 0 || !(v->features & IDREG_VCPU_SVE) || !v->sve_vls || v->sve_vls > 1)
		return;
	if (a && a->value)
		idreg_msgs_add(&v->notes, "SYSREG_ID_AA64ZFR0_EL1_F64MM=0x%" PRIx64 ": the largest vector length is 128 bits, so arm_cpu_sve_finalize() clears it: the guest reads 0x0",
			       a->value);
	if (!v->series || !idreg_field_get(v->guest[slot], f->lsb, f->width))
		return;
	v->guest[slot] = idreg_field_set(v->guest[slot], f->lsb, f->width, 0);
	annotate(v, slot, f, "largest vector length 128 bits", "arm_cpu_sve_finalize()");
}

/* The series writes every ID register; KVM must take each one. */
static void check_writes(const struct idreg_profile *p, struct idreg_qemu_view *v,
			 const struct idreg_vm_traits *t)
{
	struct idreg_kvm_verdict k;
	struct idreg_encoding e;
	char name[80], says[200];
	unsigned int slot;

	for (slot = 0; slot < IDREG_NR_SLOTS; slot++) {
		if (!p->readable[slot] || v->guest[slot] == v->kvm[slot])
			continue;
		idreg_kvm_predict(slot, idreg_reg_by_slot(slot), p->mask[slot], v->kvm[slot],
				  v->guest[slot], t, &k);
		if (k.effect == IDREG_WRITE_STORED)
			continue;
		if (k.effect == IDREG_WRITE_ALTERED) {
			v->guest[slot] = k.stored;
			continue;
		}
		idreg_slot_encoding(slot, &e);
		idreg_qemu_say(name, sizeof(name), QW_SYSREG, 3, (int)e.op1, 0, (int)e.crm, (int)e.op2);
		idreg_qemu_say(says, sizeof(says), QW_SET_REG, name, (unsigned long)v->guest[slot],
			       (unsigned long)v->kvm[slot]);
		idreg_msgs_add(&v->says, "%s", says);
		idreg_msgs_add_about(&v->errors, idreg_about_bits(slot, v->guest[slot] ^ v->kvm[slot]),
				     "KVM refuses: QEMU stops with \"%s\" (write_list_to_kvmstate()): %s: %s%s",
				     says, k.path, k.why ? k.why : "refused", refused_fields(p, v, t, slot));
	}
}

/* kvm_vgic_finalize_idregs(): the GIC fields follow the vGIC QEMU creates. */
static void apply_gic(const struct idreg_profile *p, struct idreg_qemu_view *v,
		      const struct idreg_vm_traits *t)
{
	char by[32];
	unsigned int i;

	snprintf(by, sizeof(by), v->gic_user ? "no in-kernel GIC" : "the in-kernel GICv%u", v->gic);
	for (i = 0; i < ARRAY_SIZE(gic_fields); i++) {
		const struct idreg_reg *reg = idreg_reg_by_name(gic_fields[i].reg);
		const struct idreg_field *f = reg ? idreg_field_by_name(reg, gic_fields[i].field) : NULL;
		int slot = reg ? idreg_reg_slot(reg) : -1;
		uint64_t val = v->gic == 3 ? gic_fields[i].v3 : 0;

		if (!f || slot < 0 || !p->readable[slot])
			continue;
		if (gic_fields[i].aarch32_el0 && !t->aarch32_el0)
			val = 0;
		v->kvm[slot] = idreg_field_set(v->kvm[slot], f->lsb, f->width, val);
		v->guest[slot] = idreg_field_set(v->guest[slot], f->lsb, f->width, val);
		annotate(v, slot, f, by, v->gic_user ?
			 "kvm_finalize_sys_regs() clears the GIC fields without one (kernel-irqchip=off)" :
			 "kvm_vgic_finalize_idregs() (finalize_gic_version() chose it)");
	}
}

/*
 * What the guest reads where the profile has no value, from Linux 7.x's
 * sys_regs.c: op1 0 CRm 1..7 are trapped (HCR_EL2.TID3) and every slot
 * there has a descriptor (ID_UNALLOCATED() reads as zero); CCSIDR_EL1
 * follows CSSELR_EL1 (reset_unknown()); DCZID_EL0 is the CPU's, and so is
 * GMID_EL1 with MTE (without it HCR_EL2.TID5 traps it); other encodings are
 * unallocated or trapped without a descriptor: the read UNDEFs.
 */
static void unreadable(const struct idreg_profile *p, struct idreg_qemu_view *v,
		       unsigned int slot)
{
	struct idreg_encoding e;

	idreg_slot_encoding(slot, &e);
	if (e.op1 == 0 && e.crm >= 1) {
		v->guest[slot] = 0;
		v->why[slot] = "RAZ: sys_regs.c's ID_UNALLOCATED()/hidden ID register (HCR_EL2.TID3)";
	} else if (e.op1 == 1 && e.crm == 0 && e.op2 == 0) {
		v->kind[slot] = IDREG_GUEST_UNPREDICTED;
		v->why[slot] = "CCSIDR_EL1 follows CSSELR_EL1, which KVM resets to an unknown value (access_ccsidr(), reset_unknown())";
	} else if (e.op1 == 1 && e.crm == 0 && e.op2 == 4 && (v->features & IDREG_VCPU_MTE)) {
		v->kind[slot] = IDREG_GUEST_UNPREDICTED;
		v->why[slot] = "GMID_EL1 with MTE is not trapped (no HCR_EL2.TID5, vcpu_set_hcr()): the CPU's value";
	} else if (e.op1 == 3 && e.crm == 0 && e.op2 == 7) {
		v->kind[slot] = p->hw_known ? IDREG_GUEST_VALUE : IDREG_GUEST_UNPREDICTED;
		v->guest[slot] = p->hw_dczid;
		v->why[slot] = p->hw_known ? "DCZID_EL0 is not trapped: the CPU's value" :
			       "DCZID_EL0 is not trapped: the CPU's value, which the profile does not record";
	} else {
		v->kind[slot] = IDREG_GUEST_UNDEF;
		v->why[slot] = "UNDEF: unallocated, or trapped with no sys_regs.c descriptor (KVM injects an UNDEF)";
	}
}

static void record_changes(const struct idreg_profile *p, struct idreg_qemu_view *v)
{
	unsigned int i, n = 0;

	for (i = 0; i < v->nr_changes; i++) {
		struct idreg_qemu_change c = v->changes[i];
		const struct idreg_field *f = c.field;

		c.from = idreg_field_get(p->value[c.slot], f->lsb, f->width);
		c.to = idreg_field_get(v->guest[c.slot], f->lsb, f->width);
		if (c.from != c.to && v->kind[c.slot] == IDREG_GUEST_VALUE)
			v->changes[n++] = c;
	}
	v->nr_changes = n;
}

/* Where KVM and QEMU clear a feature's fields (.kvm_hides, .qemu_clears). */
static const char *hidden_why(unsigned int f)
{
	unsigned int i = 0;

	overrides_made();
	while (i < IDREG_VCPU_NR_FEATURES - 1 && f != 1U << i)
		i++;
	return ov.hidden[i];
}

/* KVM hides a feature's fields without it; say which option did that. */
static void annotate_features(const struct idreg_model *m, const struct idreg_profile *p,
			      struct idreg_qemu_view *v)
{
	const struct idreg_declared_series *s = idreg_declared_of_release(p->release);
	unsigned int slot, i, f;

	for (i = 0; i < IDREG_VCPU_NR_FEATURES; i++) {
		f = 1U << i;
		if (!(p->features & f & ~v->features))
			continue;
		for (slot = 0; slot < IDREG_NR_SLOTS; slot++)
			annotate_bits(v, slot, idreg_vcpu_feature_bits(s, slot, f),
				      m->q.given & f ? feature_option(f, false) :
				      "the option's default on this host", hidden_why(f));
	}
}

/*
 * QEMU's order, up to the first thing it stops at: the machine's options
 * (the parse, finalize_gic_version(), machvirt_init()'s checks), the -cpu
 * items, the vCPU's creation and realize (MTE, pauth, the vector lengths,
 * KVM_ARM_VCPU_INIT); then what the profile cannot predict.
 */
static void resolve_stages(const struct idreg_model *m, const struct idreg_profile *p,
			   struct idreg_qemu_view *v)
{
	v->asked = asked_features(m, p);
	if (m->q.stop_why[0] && !m->q.stop_pos)
		stop(v, idreg_about_feature(0), "the machine's options", m->q.stop, NULL,
		     m->q.stop_why);
	v->gic = resolve_gic(m, p, v);
	check_machine(m, p, v);
	check_cpu_items(m, p, v);
	check_mte(p, v);
	v->sve_vls = resolve_vls(m, p, v);
	check_vcpu(p, v);
	check_psci(m, p, v);
	if (!v->stopped)
		check_unknown(m, p, v);
}

unsigned int idreg_qemu_resolve(const struct idreg_model *m, const struct idreg_profile *p,
				struct idreg_qemu_view *v)
{
	struct idreg_profile *view = malloc(sizeof(*view));
	struct idreg_vm_traits t;
	unsigned int slot;

	memset(v, 0, sizeof(*v));
	v->profile = p;
	if (!view) {
		idreg_msgs_add(&v->errors, "out of memory");
		return v->errors.nr;
	}
	resolve_stages(m, p, v);
	v->features = v->asked & p->features;
	v->series = m->nr > 0;
	if (v->features & IDREG_VCPU_MTE) {
		v->blocker = true;
		idreg_msgs_add(&v->notes, "mte=on: migration blocker: QEMU says \"Live migration disabled due to MTE enabled\" (kvm_arm_enable_mte())");
	}
	*view = *p;
	idreg_profile_restrict(view, v->features);
	idreg_profile_traits(view, &t);
	t.vgic_v3 = v->gic == 3;
	memcpy(v->kvm, view->value, sizeof(v->kvm));
	memcpy(v->guest, view->value, sizeof(v->guest));
	annotate_features(m, p, v);
	apply_gic(p, v, &t);
	apply_props(m, p, v);
	apply_overrides(m, v);
	apply_vls(m, v);
	/* QEMU writes the registers only once it created the vCPU it asked for. */
	if (v->series && !v->stopped && !v->unknown.nr)
		check_writes(view, v, &t);
	idreg_after_first_run(v->guest, &t);
	for (slot = 0; slot < IDREG_NR_SLOTS; slot++)
		if (!p->readable[slot])
			unreadable(p, v, slot);
	slot = idreg_slot_index(3, 3, 0, 0, 1);
	if (p->readable[slot])
		v->guest[slot] = idreg_guest_ctr_view(&t, v->guest[slot], p->value[slot],
						      p->hw_known ? p->hw_ctr : p->value[slot]);
	record_changes(p, v);
	free(view);
	return v->errors.nr;
}

/* Why option @o is @on without being stated. */
static const char *option_default(const struct idreg_vcpu_option *o, bool on,
				  const struct idreg_profile *p, char *buf, size_t size)
{
	const struct idreg_vcpu_feature_info *r = idreg_vcpu_feature_info(o->feature);
	char noun[32];

	if (!r->qemu_host)
		return "QEMU's default";
	if (on && offers(p, o->feature) < 0)
		return "QEMU's default where KVM offers it; the profile does not record whether it does";
	if (on)
		return "QEMU's default where KVM offers it (kvm_arm_get_host_cpu_features())";
	if (!r->qemu_only_offered)
		return "KVM does not offer it here";
	snprintf(buf, size, "KVM offers no %s here: QEMU has no %s property (%s)",
		 idreg_vcpu_feature_noun(o->feature, noun, sizeof(noun)), o->name,
		 r->qemu_only_offered);
	return buf;
}

bool idreg_qemu_option_state(const struct idreg_model *m, const struct idreg_qemu_view *v,
			     const struct idreg_vcpu_option *o, char *why, size_t size)
{
	bool stated = m->q.given & o->feature;
	bool on = !(v->asked & o->feature) == o->off_asks;
	const char *s = stated ? "stated" : option_default(o, on, v->profile, why, size);

	if (s != why)
		snprintf(why, size, "%s", s);
	return on;
}

const char *idreg_qemu_slot_key(unsigned int slot, char *buf, size_t size)
{
	struct idreg_encoding e = { 0 };

	idreg_slot_encoding(slot, &e);
	snprintf(buf, size, "S3_%u_C0_C%u_%u", e.op1, e.crm, e.op2);
	return buf;
}

void idreg_qemu_view_free(struct idreg_qemu_view *v)
{
	idreg_msgs_free(&v->errors);
	idreg_msgs_free(&v->unknown);
	idreg_msgs_free(&v->notes);
	idreg_msgs_free(&v->says);
}

/* The series writes what QEMU's overrides give: 0 where the host has more. */
static int add_override_zeros(const struct idreg_profile *p, unsigned int features,
			      struct idreg_model *out)
{
	const struct idreg_declared_series *s = idreg_declared_of_release(p->release);
	char err[IDREG_ERR_LEN];
	unsigned int slot, i;
	int r;

	for (slot = 0; slot < IDREG_NR_SLOTS; slot++) {
		const struct idreg_reg *reg = idreg_reg_by_slot(slot);

		for (i = 0; reg && p->readable[slot] && i < reg->nr_fields; i++) {
			const struct idreg_field *f = &reg->fields[i];

			if (!idreg_qemu_override_of(reg, f, features) ||
			    !idreg_field_get(p->value[slot], f->lsb, f->width) ||
			    idreg_vcpu_feature_bits(s, slot, ~features & ~0U) &
			    idreg_field_mask(f->lsb, f->width))
				continue;
			r = idreg_model_set_field(out, reg, f, 0, err);
			if (r && r != -EEXIST)
				return r;
		}
	}
	return 0;
}

int idreg_qemu_effective_model(const struct idreg_model *m, const struct idreg_profile *p,
			       unsigned int features, struct idreg_model *out)
{
	char err[IDREG_ERR_LEN];
	unsigned int i;
	int r;

	idreg_model_init(out);
	snprintf(out->name, sizeof(out->name), "%s", m->name);
	out->features = features;
	out->q = m->q;
	for (i = 0; i < m->nr; i++) {
		const struct idreg_assign *a = &m->items[i];

		if (idreg_qemu_override_of(a->reg, a->field, features) ||
		    idreg_qemu_gic_field(a->reg, a->field))
			continue;
		r = idreg_model_set_field(out, a->reg, a->field, a->value, err);
		if (r)
			return r;
	}
	return m->nr && p ? add_override_zeros(p, features, out) : 0;
}

unsigned int idreg_model_check_qemu(const struct idreg_model *m,
				    const struct idreg_profile *p, bool migration,
				    struct idreg_msgs *out, struct idreg_msgs *notes,
				    struct idreg_msgs *unknown)
{
	struct idreg_qemu_view *v = malloc(sizeof(*v));
	struct idreg_model eff;
	unsigned int bad;

	if (!v) {
		out->oom = true;
		return 1;
	}
	idreg_model_init(&eff);
	bad = idreg_qemu_resolve(m, p, v);
	idreg_msgs_append(out, &v->errors);
	idreg_msgs_append(unknown ? unknown : out, &v->unknown);
	if (notes)
		idreg_msgs_append(notes, &v->notes);
	if (migration && v->blocker) {
		idreg_msgs_add_about(out, idreg_about_feature(IDREG_VCPU_MTE), "mte=on: QEMU blocks migration (\"Live migration disabled due to MTE enabled\", kvm_arm_enable_mte())");
		bad++;
	}
	/* What stops QEMU says it all; else the fields, as before. */
	if (!v->errors.nr && !idreg_qemu_effective_model(m, p, v->features, &eff))
		bad += idreg_model_check(&eff, p, out);
	/* The firmware registers the VMM writes beside QEMU's options. */
	if (!v->errors.nr)
		bad += idreg_model_check_kvm_regs(m, p, out, notes);
	idreg_model_free(&eff);
	idreg_qemu_view_free(v);
	free(v);
	return bad;
}
