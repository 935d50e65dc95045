// SPDX-License-Identifier: GPL-2.0-only
/*
 * CPU models: assignments by property name, validation against a host
 * profile, the baseline of several hosts, QEMU arguments.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idregs/declared.h"
#include "idregs/field.h"
#include "idregs/kvm_rules.h"
#include "idregs/model.h"
#include "idregs/predict.h"
#include "idregs/qemu.h"

void idreg_model_init(struct idreg_model *m)
{
	memset(m, 0, sizeof(*m));
	snprintf(m->name, sizeof(m->name), "host");
	m->q.steal_time = m->q.no_adjvtime = m->q.secure = -1;
}

void idreg_model_state(struct idreg_model *m, const struct idreg_vcpu_option *o, bool on)
{
	m->q.given |= o->feature;
	if (on != o->off_asks)
		m->features |= o->feature;
	else
		m->features &= ~o->feature;
}

void idreg_model_free(struct idreg_model *m)
{
	free(m->items);
	idreg_model_init(m);
}

int idreg_assign_prop(const struct idreg_assign *a, char *buf, size_t size)
{
	return idreg_prop_format(buf, size, a->reg, a->field);
}

static int cmp_assign(const struct idreg_assign *a, const struct idreg_assign *b)
{
	char pa[128], pb[128];

	idreg_assign_prop(a, pa, sizeof(pa));
	idreg_assign_prop(b, pb, sizeof(pb));
	return strcmp(pa, pb);
}

const struct idreg_assign *idreg_model_find(const struct idreg_model *m,
					    const struct idreg_reg *reg,
					    const struct idreg_field *field)
{
	unsigned int i;

	for (i = 0; i < m->nr; i++)
		if (m->items[i].reg == reg && m->items[i].field == field)
			return &m->items[i];
	return NULL;
}

/* As idreg_model_set_field(), messages naming the property @prop. */
static int set_field(struct idreg_model *m, const struct idreg_reg *reg,
		     const struct idreg_field *field, uint64_t value,
		     const char *prop, char *err)
{
	struct idreg_assign a = { .reg = reg, .field = field, .value = value };
	struct idreg_assign *items;
	int slot = idreg_reg_slot(reg);
	unsigned int i;

	if (slot < 0) {
		snprintf(err, IDREG_ERR_LEN, "%s: %s is outside the feature ID space",
			 prop, reg->name);
		return -ENOENT;
	}
	if (!idreg_field_is_named(field)) {
		snprintf(err, IDREG_ERR_LEN, "%s: reserved bits, not a field", prop);
		return -EINVAL;
	}
	if (!idreg_value_fits(value, field->width)) {
		snprintf(err, IDREG_ERR_LEN,
			 "%s: value 0x%" PRIx64 " wider than %u-bit field",
			 prop, value, field->width);
		return -ERANGE;
	}
	if (idreg_model_find(m, reg, field)) {
		snprintf(err, IDREG_ERR_LEN, "%s: set twice (%s.%s)", prop,
			 reg->name, field->name);
		return -EEXIST;
	}
	if (m->nr == m->alloc) {
		unsigned int n = m->alloc ? m->alloc * 2 : 64;

		items = realloc(m->items, n * sizeof(*items));
		if (!items) {
			snprintf(err, IDREG_ERR_LEN, "%s: out of memory", prop);
			return -ENOMEM;
		}
		m->items = items;
		m->alloc = n;
	}
	a.slot = slot;
	/* Insertion keeps the order QEMU arguments and JSON are printed in. */
	for (i = m->nr; i > 0 && cmp_assign(&m->items[i - 1], &a) > 0; i--)
		m->items[i] = m->items[i - 1];
	m->items[i] = a;
	m->nr++;
	return 0;
}

int idreg_model_set_field(struct idreg_model *m, const struct idreg_reg *reg,
			  const struct idreg_field *field, uint64_t value,
			  char *err)
{
	char prop[128];

	idreg_prop_format(prop, sizeof(prop), reg, field);
	return set_field(m, reg, field, value, prop, err);
}

static bool field_in_alias(const struct idreg_field *f,
			   const struct idreg_alias *a)
{
	return f->lsb >= a->lsb && f->lsb + f->width <= a->lsb + a->width;
}

/* An alias's value goes to the fields its bits are split into. */
static int set_alias(struct idreg_model *m, const struct idreg_reg *reg,
		     const struct idreg_alias *alias, uint64_t value,
		     const char *prop, char *err)
{
	unsigned int i;
	int r;

	if (!idreg_value_fits(value, alias->width)) {
		snprintf(err, IDREG_ERR_LEN,
			 "%s: value 0x%" PRIx64 " wider than %u-bit field",
			 prop, value, alias->width);
		return -ERANGE;
	}
	for (i = 0; i < reg->nr_fields; i++) {
		const struct idreg_field *f = &reg->fields[i];

		if (!field_in_alias(f, alias))
			continue;
		r = set_field(m, reg, f, idreg_field_get(value << alias->lsb,
							  f->lsb, f->width),
			      prop, err);
		if (r)
			return r;
	}
	return 0;
}

static int unknown_prop(const char *prop, const struct idreg_reg *reg,
			char *err)
{
	char near[128];
	const char *hint = idreg_prop_suggest(prop, near, sizeof(near));
	int n;

	if (reg)
		n = snprintf(err, IDREG_ERR_LEN,
			     "%s: unknown property (%s has no such field)",
			     prop, reg->name);
	else
		n = snprintf(err, IDREG_ERR_LEN,
			     "%s: unknown property (no such register)", prop);
	if (hint && n >= 0 && n < IDREG_ERR_LEN)
		snprintf(err + n, IDREG_ERR_LEN - n, "; did you mean %s?", hint);
	return -ENOENT;
}

int idreg_model_set(struct idreg_model *m, const char *prop, uint64_t value,
		    char *err)
{
	const struct idreg_alias *alias;
	const struct idreg_field *field;
	const struct idreg_reg *reg;
	int r = idreg_prop_lookup(prop, &reg, &field, &alias);

	if (r == -EINVAL) {
		snprintf(err, IDREG_ERR_LEN, "%s: unknown property (no %s prefix)",
			 prop, IDREG_PROP_PREFIX);
		return -ENOENT;
	}
	if (r)
		return unknown_prop(prop, reg, err);
	if (alias)
		return set_alias(m, reg, alias, value, prop, err);
	return set_field(m, reg, field, value, prop, err);
}

uint64_t idreg_model_merge(const struct idreg_model *m, unsigned int slot,
			   uint64_t base, uint64_t *touched)
{
	uint64_t t = 0;
	unsigned int i;

	for (i = 0; i < m->nr; i++) {
		const struct idreg_assign *a = &m->items[i];

		if (a->slot != slot)
			continue;
		base = idreg_field_set(base, a->field->lsb, a->field->width, a->value);
		t |= idreg_field_mask(a->field->lsb, a->field->width);
	}
	if (touched)
		*touched = t;
	return base;
}

static bool value_is_reserved(const struct idreg_field *f, uint64_t v)
{
	unsigned int i;

	if (f->kind == IDREG_FIELD_PLAIN || !f->nr_values)
		return false;
	for (i = 0; i < f->nr_values; i++)
		if (f->values[i].value == v)
			return false;
	return true;
}

static void describe_verdict(char *buf, size_t size,
			     const struct idreg_kvm_verdict *v)
{
	if (!strcmp(v->path, "arm64_check_features") &&
	    v->pred.reason != IDREG_REASON_OK)
		idreg_prediction_describe(buf, size, &v->pred);
	else
		snprintf(buf, size, "%s: %s", v->path, v->why ? v->why : "refused");
}

/* The table checks, and the host checks when @p is given; true if fine. */
static bool check_assign(const struct idreg_assign *a,
			 const struct idreg_profile *p,
			 const struct idreg_vm_traits *t, struct idreg_msgs *out)
{
	const struct idreg_field *f = a->field;
	struct idreg_kvm_verdict v;
	uint64_t cur, val;
	char prop[128], why[256];

	idreg_assign_prop(a, prop, sizeof(prop));
	if (!idreg_value_fits(a->value, f->width)) {
		idreg_msgs_add(out, "%s: value 0x%" PRIx64 " wider than %u-bit field",
			       prop, a->value, f->width);
		return false;
	}
	cur = p ? idreg_field_get(p->value[a->slot], f->lsb, f->width) : 0;
	/* A host's own value is never refused, named or not. */
	if (value_is_reserved(f, a->value) && !(p && a->value == cur)) {
		idreg_msgs_add(out, "%s: value 0x%" PRIx64 " is reserved (%s names no such value)",
			       prop, a->value, f->name);
		return false;
	}
	if (!p)
		return true;
	if (!p->readable[a->slot]) {
		idreg_msgs_add(out, "%s: %s is not readable on %s", prop,
			       a->reg->name, p->label);
		return false;
	}
	if (a->value == cur)
		return true;
	if (!idreg_profile_field_writable(p, a->slot, f)) {
		idreg_msgs_add(out, "%s: value 0x%" PRIx64 " but the field is not writable on %s (value there 0x%" PRIx64 ", mask 0x%016" PRIx64 ")",
			       prop, a->value, p->label, cur, p->mask[a->slot]);
		return false;
	}
	val = idreg_field_set(p->value[a->slot], f->lsb, f->width, a->value);
	idreg_kvm_predict(a->slot, a->reg, p->mask[a->slot], p->value[a->slot],
			  val, t, &v);
	if (v.effect == IDREG_WRITE_STORED)
		return true;
	describe_verdict(why, sizeof(why), &v);
	idreg_msgs_add(out, "%s: value 0x%" PRIx64 " %s against %s's 0x%" PRIx64 ": %s",
		       prop, a->value,
		       v.effect == IDREG_WRITE_IGNORED ? "would be ignored" : "is unsafe",
		       p->label, cur, why);
	return false;
}

/* Each field may be fine alone and the register still refused as a whole. */
static unsigned int check_registers(const struct idreg_model *m,
				    const struct idreg_profile *p,
				    const struct idreg_vm_traits *t,
				    struct idreg_msgs *out)
{
	unsigned int slot, bad = 0;
	struct idreg_kvm_verdict v;
	uint64_t val, touched;
	char why[256], buf[32];

	for (slot = 0; slot < IDREG_NR_SLOTS; slot++) {
		val = idreg_model_merge(m, slot, p->value[slot], &touched);
		if (!touched || !p->readable[slot] || val == p->value[slot])
			continue;
		idreg_kvm_predict(slot, idreg_reg_by_slot(slot), p->mask[slot],
				  p->value[slot], val, t, &v);
		if (v.effect == IDREG_WRITE_STORED)
			continue;
		describe_verdict(why, sizeof(why), &v);
		idreg_msgs_add(out, "%s: 0x%016" PRIx64 " as a whole refused on %s: %s",
			       idreg_slot_name(slot, buf, sizeof(buf)),
			       val, p->label, why);
		bad++;
	}
	return bad;
}

/* The features @m asks for that @p's vCPU lacks, one message each. */
static unsigned int check_features(const struct idreg_model *m,
				   const struct idreg_profile *p,
				   struct idreg_msgs *out)
{
	unsigned int i, f, bad = 0;
	char why[256];

	for (i = 0; i < IDREG_VCPU_NR_FEATURES; i++) {
		f = 1U << i;
		if (!(m->features & f & ~p->features))
			continue;
		idreg_profile_lacks(p, f, why, sizeof(why));
		idreg_msgs_add(out, "feature %s: the model asks for it and %s cannot give it: %s",
			       idreg_vcpu_feature_name(f), p->label, why);
		bad++;
	}
	return bad;
}

unsigned int idreg_model_check(const struct idreg_model *m,
			       const struct idreg_profile *p,
			       struct idreg_msgs *out)
{
	const struct idreg_declared_series *s = idreg_declared_of_release(p ? p->release : NULL);
	struct idreg_profile view;
	struct idreg_vm_traits t;
	unsigned int i, bad = 0, missing = 0;

	if (p) {
		bad = check_features(m, p, out);
		missing = m->features & ~p->features;
		view = *p;
		idreg_profile_restrict(&view, m->features);
		idreg_profile_traits(&view, &t);
		p = &view;
	}
	for (i = 0; i < m->nr; i++) {
		/* Its feature's message says it all. */
		if (missing & idreg_vcpu_field_feature(s, m->items[i].reg, m->items[i].field))
			continue;
		bad += !check_assign(&m->items[i], p, p ? &t : NULL, out);
	}
	if (p && !bad)
		bad += check_registers(m, p, &t, out);
	return bad;
}

/* Per-field facts of all hosts, for the baseline. */
struct field_view {
	const struct idreg_reg *reg;
	const struct idreg_field *f;
	unsigned int slot;
	char prop[128];
	bool all_writable, all_equal;
	unsigned int not_writable;	/* index of one host where it is not */
};

static uint64_t host_field(const struct idreg_profile *p,
			   const struct field_view *fv)
{
	return idreg_field_get(p->value[fv->slot], fv->f->lsb, fv->f->width);
}

static int64_t ordered(const struct field_view *fv, uint64_t raw)
{
	bool s = fv->f->is_signed || fv->f->policy.is_signed;

	return idreg_ftr_value(raw, fv->f->width, s);
}

static bool host_accepts(const struct idreg_profile *p,
			 const struct field_view *fv, uint64_t raw)
{
	struct idreg_vm_traits t;
	struct idreg_kvm_verdict v;
	uint64_t val = idreg_field_set(p->value[fv->slot], fv->f->lsb,
				       fv->f->width, raw);

	idreg_profile_traits(p, &t);
	return idreg_kvm_predict(fv->slot, fv->reg, p->mask[fv->slot],
				 p->value[fv->slot], val, &t, &v) ==
	       IDREG_WRITE_STORED;
}

static const char *policy_name(uint8_t type)
{
	switch (type) {
	case IDREG_POLICY_EXACT:
		return "EXACT";
	case IDREG_POLICY_LOWER_SAFE:
		return "LOWER_SAFE";
	case IDREG_POLICY_HIGHER_SAFE:
		return "HIGHER_SAFE";
	case IDREG_POLICY_HIGHER_OR_ZERO_SAFE:
		return "HIGHER_OR_ZERO_SAFE";
	}
	return "no KVM policy";
}

static void host_values(const struct idreg_profile *const *ps, unsigned int nr,
			const struct field_view *fv, char *buf, size_t size)
{
	unsigned int i;
	int n = 0;

	buf[0] = '\0';
	for (i = 0; i < nr && n >= 0 && (size_t)n < size; i++)
		n += snprintf(buf + n, size - n, "%s%s=0x%" PRIx64, i ? ", " : "",
			      ps[i]->label, host_field(ps[i], fv));
}

/*
 * The value every host can take for a field that differs, by its policy.
 * Returns false (and says why in @why) when there is none.
 */
static bool pick_value(const struct idreg_profile *const *ps, unsigned int nr,
		       const struct field_view *fv, uint64_t *out,
		       const char **why)
{
	uint8_t type = fv->f->policy.type;
	uint64_t best = host_field(ps[0], fv), v;
	bool zero = false;
	unsigned int i;

	for (i = 0; i < nr; i++) {
		v = host_field(ps[i], fv);
		zero |= v == 0;
		if (type == IDREG_POLICY_LOWER_SAFE && ordered(fv, v) < ordered(fv, best))
			best = v;
		if ((type == IDREG_POLICY_HIGHER_SAFE ||
		     type == IDREG_POLICY_HIGHER_OR_ZERO_SAFE) &&
		    ordered(fv, v) > ordered(fv, best))
			best = v;
	}
	switch (type) {
	case IDREG_POLICY_HIGHER_OR_ZERO_SAFE:
		*out = zero ? 0 : best;
		return true;
	case IDREG_POLICY_LOWER_SAFE:
	case IDREG_POLICY_HIGHER_SAFE:
		*out = best;
		return true;
	case IDREG_POLICY_EXACT:
		for (i = 0; i < nr; i++)
			if (!host_accepts(ps[i], fv, fv->f->policy.safe_val)) {
				*why = "EXACT field: a host refuses its safe value";
				return false;
			}
		*out = fv->f->policy.safe_val;
		return true;
	}
	/*
	 * No order (MIDR with the capability, CLIDR's own setter): any value
	 * every host accepts will do, so take the first host's.
	 */
	for (i = 0; i < nr; i++)
		if (!host_accepts(ps[i], fv, host_field(ps[0], fv))) {
			*why = "no KVM policy and a host refuses the first host's value";
			return false;
		}
	*out = host_field(ps[0], fv);
	return true;
}

static void baseline_field(const struct idreg_profile *const *ps,
			   unsigned int nr, struct field_view *fv,
			   struct idreg_model *m, struct idreg_msgs *blocking,
			   struct idreg_msgs *notes)
{
	const char *why = NULL;
	char vals[512], err[IDREG_ERR_LEN];
	uint64_t v = host_field(ps[0], fv);
	unsigned int i;

	fv->all_writable = fv->all_equal = true;
	for (i = 0; i < nr; i++) {
		if (!idreg_profile_field_writable(ps[i], fv->slot, fv->f) ||
		    !ps[i]->readable[fv->slot]) {
			fv->all_writable = false;
			fv->not_writable = i;
		}
		if (host_field(ps[i], fv) != v)
			fv->all_equal = false;
	}
	if (fv->all_equal) {
		/* Not writable everywhere: every host has the value anyway. */
		if (fv->all_writable && idreg_model_set_field(m, fv->reg, fv->f, v, err))
			idreg_msgs_add(blocking, "%s", err);
		return;
	}
	host_values(ps, nr, fv, vals, sizeof(vals));
	if (!fv->all_writable) {
		idreg_msgs_add(blocking, "%s: differs (%s) and is not writable on %s",
			       fv->prop, vals, ps[fv->not_writable]->label);
		return;
	}
	if (!pick_value(ps, nr, fv, &v, &why)) {
		idreg_msgs_add(blocking, "%s: differs (%s): %s", fv->prop, vals, why);
		return;
	}
	if (idreg_model_set_field(m, fv->reg, fv->f, v, err))
		idreg_msgs_add(blocking, "%s", err);
	else if (fv->f->policy.type == IDREG_POLICY_NONE)
		idreg_msgs_add(notes, "%s: differs (%s); no KVM policy, every host accepts %s's 0x%" PRIx64,
			       fv->prop, vals, ps[0]->label, v);
	else
		idreg_msgs_add(notes, "%s: differs (%s); %s gives 0x%" PRIx64,
			       fv->prop, vals, policy_name(fv->f->policy.type), v);
}

/* Bits no property can set must agree, or the guests differ. */
static void baseline_unnamed(const struct idreg_profile *const *ps,
			     unsigned int nr, unsigned int slot,
			     uint64_t covered, struct idreg_msgs *blocking)
{
	char buf[32];
	uint64_t diff = 0;
	unsigned int i;

	for (i = 1; i < nr; i++) {
		if (ps[i]->readable[slot] != ps[0]->readable[slot]) {
			idreg_msgs_add(blocking, "%s: readable on %s but not on %s",
				       idreg_slot_name(slot, buf, sizeof(buf)),
				       ps[ps[0]->readable[slot] ? 0 : i]->label,
				       ps[ps[0]->readable[slot] ? i : 0]->label);
			return;
		}
		diff |= (ps[i]->value[slot] ^ ps[0]->value[slot]) & ~covered;
	}
	if (diff)
		idreg_msgs_add(blocking, "%s: bits 0x%016" PRIx64 " differ and no SYSREG_ property names them",
			       idreg_slot_name(slot, buf, sizeof(buf)), diff);
}

/*
 * The features every host's vCPU has; a line in @dropped for each one some
 * have and others lack, naming those that lack it.
 */
static unsigned int baseline_features(const struct idreg_profile *const *ps,
				      unsigned int nr, struct idreg_msgs *dropped)
{
	unsigned int all = ~0U, any = 0, i, j, f;
	char why[256], hosts[1024];
	size_t used;

	for (i = 0; i < nr; i++) {
		all &= ps[i]->features;
		any |= ps[i]->features;
	}
	for (j = 0; j < IDREG_VCPU_NR_FEATURES; j++) {
		f = 1U << j;
		if (!(any & f & ~all))
			continue;
		used = 0;
		hosts[0] = 0;
		for (i = 0; i < nr && used < sizeof(hosts); i++) {
			if (ps[i]->features & f)
				continue;
			idreg_profile_lacks(ps[i], f, why, sizeof(why));
			used += snprintf(hosts + used, sizeof(hosts) - used, "%s%s: %s",
					 used ? "; " : "", ps[i]->label, why);
		}
		idreg_msgs_add(dropped, "feature %s: not in the model, blocked by %s",
			       idreg_vcpu_feature_name(f), hosts);
	}
	return nr ? all : 0;
}

/*
 * QEMU's options for the baseline's features: pmu, sve, pauth on where
 * every host offers them (stated, so that a host without one refuses to
 * start rather than give less), off where some do not, unstated where
 * none does.  Where some hosts lack a PMU no line fits: QEMU has no pmu
 * property there (arm_cpu_post_init()) and turns it on elsewhere.  The
 * GIC: v3 where every host has it and some would default to v2
 * (finalize_gic_version()).  MTE blocks migration (kvm_arm_enable_mte()).
 */
static void baseline_options(const struct idreg_profile *const *ps, unsigned int nr,
			     struct idreg_model *m, struct idreg_msgs *blocking)
{
	static const unsigned int cpu_opts[] = { IDREG_VCPU_PMU, IDREG_VCPU_SVE, IDREG_VCPU_PAUTH };
	unsigned int any = 0, i, v2 = 0, v3 = ~0U, f;

	for (i = 0; i < nr; i++) {
		any |= ps[i]->features;
		if (ps[i]->gic_known) {
			v2 |= ps[i]->gic_offered & 1U << 2;
			v3 &= ps[i]->gic_offered;
		}
	}
	for (i = 0; i < ARRAY_SIZE(cpu_opts); i++) {
		f = cpu_opts[i];
		if (!(any & f))
			continue;
		m->q.given |= f;
		if (f == IDREG_VCPU_PMU && !(m->features & f))
			idreg_msgs_add(blocking, "pmu: some hosts offer a PMU and others do not: QEMU has no pmu property where KVM offers none (arm_cpu_post_init()) and turns it on where it does, so no line gives both the same guest");
	}
	if (v2 && (v3 & 1U << 3))
		m->q.gic = 3;
	if (m->features & IDREG_VCPU_MTE)
		idreg_msgs_add(blocking, "mte=on: QEMU blocks migration (\"Live migration disabled due to MTE enabled\", kvm_arm_enable_mte())");
}

/* MIDR_EL1, REVIDR_EL1, AIDR_EL1: QEMU has no property for them. */
static void baseline_imp_id(const struct idreg_profile *const *ps, unsigned int nr,
			    unsigned int slot, struct idreg_msgs *blocking)
{
	char buf[32];
	unsigned int i;

	for (i = 1; i < nr; i++)
		if (ps[i]->value[slot] != ps[0]->value[slot]) {
			idreg_msgs_add(blocking, "%s: differs (%s 0x%" PRIx64 ", %s 0x%" PRIx64 ") and QEMU cannot set it: it never enables KVM_CAP_ARM_WRITABLE_IMP_ID_REGS, so the series creates no property",
				       idreg_slot_name(slot, buf, sizeof(buf)), ps[0]->label,
				       ps[0]->value[slot], ps[i]->label, ps[i]->value[slot]);
			return;
		}
}

unsigned int idreg_baseline(const struct idreg_profile *const *all,
			    unsigned int nr, struct idreg_model *m,
			    struct idreg_msgs *dropped,
			    struct idreg_msgs *blocking,
			    struct idreg_msgs *notes)
{
	unsigned int before = blocking->nr, slot, i;
	struct idreg_msgs problems = { 0 };
	const struct idreg_profile **profiles;
	struct idreg_profile *views;

	m->features = baseline_features(all, nr, dropped);
	/* Each host as a vCPU with only the model's features reads it. */
	views = calloc(nr ? nr : 1, sizeof(*views));
	profiles = calloc(nr ? nr : 1, sizeof(*profiles));
	if (!views || !profiles) {
		free(views);
		free(profiles);
		blocking->oom = true;
		return 1;
	}
	for (i = 0; i < nr; i++) {
		views[i] = *all[i];
		idreg_profile_restrict(&views[i], m->features);
		profiles[i] = &views[i];
	}

	baseline_options(all, nr, m, blocking);
	for (slot = 0; nr && slot < IDREG_NR_SLOTS; slot++) {
		const struct idreg_reg *reg = idreg_reg_by_slot(slot);
		uint64_t covered = 0;

		if (idreg_is_imp_id_slot(slot)) {
			baseline_imp_id(profiles, nr, slot, blocking);
			continue;
		}
		for (i = 0; reg && i < reg->nr_fields; i++) {
			struct field_view fv = {
				.reg = reg, .f = &reg->fields[i], .slot = slot,
			};

			if (!idreg_field_is_named(fv.f))
				continue;
			covered |= idreg_field_mask(fv.f->lsb, fv.f->width);
			/* QEMU or the vGIC decide these, whatever a property says. */
			if (idreg_qemu_override_of(reg, fv.f, m->features) ||
			    idreg_qemu_gic_field(reg, fv.f))
				continue;
			idreg_prop_format(fv.prop, sizeof(fv.prop), reg, fv.f);
			baseline_field(profiles, nr, &fv, m, blocking, notes);
		}
		baseline_unnamed(profiles, nr, slot, covered, blocking);
	}
	for (i = 0; i < nr; i++) {
		unsigned int j;

		idreg_model_check(m, profiles[i], &problems);
		for (j = 0; j < problems.nr; j++)
			idreg_msgs_add(blocking, "%s", problems.v[j]);
		idreg_msgs_free(&problems);
	}
	free(views);
	free(profiles);
	return blocking->nr - before;
}

static const struct idreg_alias *alias_of(const struct idreg_assign *a)
{
	unsigned int i;

	for (i = 0; i < a->reg->nr_aliases; i++)
		if (field_in_alias(a->field, &a->reg->aliases[i]))
			return &a->reg->aliases[i];
	return NULL;
}

/*
 * The model's value of @alias's bits if it assigns every field there;
 * *@first gets the index of the first of those assignments.
 */
static bool alias_value(const struct idreg_model *m, const struct idreg_reg *reg,
			const struct idreg_alias *alias, uint64_t *value,
			unsigned int *first)
{
	const struct idreg_assign *a;
	unsigned int i;
	uint64_t v = 0;

	*first = m->nr;
	for (i = 0; i < reg->nr_fields; i++) {
		const struct idreg_field *f = &reg->fields[i];

		if (!field_in_alias(f, alias))
			continue;
		a = idreg_model_find(m, reg, f);
		if (!a)
			return false;
		v = idreg_field_set(v, f->lsb - alias->lsb, f->width, a->value);
		if ((unsigned int)(a - m->items) < *first)
			*first = a - m->items;
	}
	*value = v;
	return true;
}

int idreg_model_prop_at(const struct idreg_model *m, unsigned int i,
			char *buf, size_t size, uint64_t *value)
{
	const struct idreg_assign *a = &m->items[i];
	const struct idreg_alias *alias = NULL;
	unsigned int first;

	if (idreg_get_names() == IDREG_NAMES_KERNEL && !a->field->kernel_name)
		alias = alias_of(a);
	if (alias && alias_value(m, a->reg, alias, value, &first)) {
		if (first != i)
			return 0;
		return idreg_prop_format_alias(buf, size, a->reg, alias) < 0 ? -1 : 1;
	}
	*value = a->value;
	return idreg_assign_prop(a, buf, size) < 0 ? -1 : 1;
}

/*
 * An option the model states, unless it states what QEMU's default is on
 * every host: aarch64=on, and the -M virt options off.  pmu, sve and pauth
 * default on only where KVM offers them, so they are printed as stated.
 */
static bool option_printed(const struct idreg_model *m, const struct idreg_vcpu_option *o)
{
	if (!(m->q.given & o->feature))
		return false;
	return (m->features & o->feature) || (!o->machine && !o->off_asks);
}

unsigned int idreg_model_options(const struct idreg_model *m,
				 struct idreg_model_option out[IDREG_VCPU_NR_FEATURES])
{
	const struct idreg_vcpu_option *o;
	unsigned int i, nr, n = 0;

	o = idreg_vcpu_options(&nr);
	for (i = 0; i < nr && n < IDREG_VCPU_NR_FEATURES; i++) {
		if (!option_printed(m, &o[i]))
			continue;
		out[n].opt = &o[i];
		out[n++].on = !(m->features & o[i].feature) == o[i].off_asks;
	}
	return n;
}

struct line {
	char *s;
	size_t n, size;
	bool machine;			/* " -M virt" printed */
};

static void put(struct line *l, const char *fmt, ...) __printf(2, 3);
static void put(struct line *l, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (l->n >= l->size)
		return;
	va_start(ap, fmt);
	n = vsnprintf(l->s + l->n, l->size - l->n, fmt, ap);
	va_end(ap);
	l->n += n > 0 ? (size_t)n : 0;
}

static void put_machine(struct line *l, const char *opt)
{
	put(l, "%s%s", l->machine ? "," : " -M virt,", opt);
	l->machine = true;
}

/* sve<N>, kvm-steal-time, kvm-no-adjvtime as stated. */
static void print_cpu_extras(const struct idreg_model *m, struct line *l)
{
	unsigned int i;

	for (i = 0; i < 16; i++)
		if ((m->q.sve_on | m->q.sve_off) & 1U << i)
			put(l, ",sve%u=%s", 128 * (i + 1), m->q.sve_on & 1U << i ? "on" : "off");
	if (m->q.steal_time >= 0)
		put(l, ",kvm-steal-time=%s", m->q.steal_time ? "on" : "off");
	if (m->q.no_adjvtime > 0)
		put(l, ",kvm-no-adjvtime=on");
}

/*
 * The GIC fields follow the vGIC (kvm_vgic_finalize_idregs()), which
 * -M virt,gic-version chooses: a model that pins ID_AA64PFR0_EL1.GIC and
 * states no gic-version gets the version that gives it.
 */
static unsigned int gic_from_props(const struct idreg_model *m)
{
	const struct idreg_reg *reg = idreg_reg_by_name("ID_AA64PFR0_EL1");
	const struct idreg_field *f = reg ? idreg_field_by_name(reg, "GIC") : NULL;
	const struct idreg_assign *a = f ? idreg_model_find(m, reg, f) : NULL;

	if (m->q.gic)
		return m->q.gic;
	return a ? (a->value ? 3 : 2) : 0;
}

static void print_machine(const struct idreg_model *m, struct line *l)
{
	struct idreg_model_option o[IDREG_VCPU_NR_FEATURES];
	unsigned int i, nr = idreg_model_options(m, o), gic = gic_from_props(m);
	char buf[40];

	for (i = 0; i < nr; i++) {
		if (!o[i].opt->machine)
			continue;
		snprintf(buf, sizeof(buf), "%s=%s", o[i].opt->name, o[i].on ? "on" : "off");
		put_machine(l, buf);
	}
	if (m->q.secure > 0)
		put_machine(l, "secure=on");
	if (gic == 2 || gic == 3)
		snprintf(buf, sizeof(buf), "gic-version=%u", gic);
	else if (gic)
		snprintf(buf, sizeof(buf), "gic-version=%s", gic == IDREG_GIC_HOST ? "host" : "max");
	if (gic)
		put_machine(l, buf);
}

/* Left out of the line: what QEMU sets whatever the property says. */
static bool prop_left_out(const struct idreg_model *m, const struct idreg_assign *a)
{
	const struct idreg_qemu_override *o = idreg_qemu_overridden(m, a->reg, a->field);

	return (o && a->value) || idreg_qemu_gic_field(a->reg, a->field);
}

char *idreg_model_qemu_args(const struct idreg_model *m)
{
	struct idreg_model_option o[IDREG_VCPU_NR_FEATURES];
	struct line l = { .size = 400 + strlen(m->name) };
	unsigned int i, nr = idreg_model_options(m, o);
	char prop[128];
	uint64_t v;

	for (i = 0; i < m->nr; i++)
		l.size += 128 + 24;
	l.s = malloc(l.size);
	if (!l.s)
		return NULL;
	put(&l, "-cpu %s", m->name);
	for (i = 0; i < nr; i++)
		if (!o[i].opt->machine)
			put(&l, ",%s=%s", o[i].opt->name, o[i].on ? "on" : "off");
	print_cpu_extras(m, &l);
	for (i = 0; i < m->nr; i++) {
		if (prop_left_out(m, &m->items[i]))
			continue;
		if (idreg_model_prop_at(m, i, prop, sizeof(prop), &v) > 0)
			put(&l, ",%s=0x%" PRIx64, prop, v);
	}
	print_machine(m, &l);
	return l.s;
}

void idreg_model_notes(const struct idreg_model *m, struct idreg_msgs *notes)
{
	const struct idreg_qemu_override *o;
	char prop[128];
	unsigned int i;

	for (i = 0; i < m->nr; i++) {
		const struct idreg_assign *a = &m->items[i];

		idreg_assign_prop(a, prop, sizeof(prop));
		o = idreg_qemu_overridden(m, a->reg, a->field);
		if (o && a->value)
			idreg_msgs_add(notes, "%s=0x%" PRIx64 ": %s wins (%s, after the SYSREG_ properties): the guest reads 0x0; left out",
				       prop, a->value, o->option, o->function);
		else if (idreg_qemu_gic_field(a->reg, a->field))
			idreg_msgs_add(notes, "%s=0x%" PRIx64 ": the in-kernel GIC decides (kvm_vgic_finalize_idregs()); given as -M virt,gic-version",
				       prop, a->value);
		else if (idreg_is_imp_id_slot(a->slot))
			idreg_msgs_add(notes, "%s: QEMU creates no %s property (it never enables KVM_CAP_ARM_WRITABLE_IMP_ID_REGS): QEMU would stop",
				       prop, a->reg->name);
	}
	if (m->q.secure > 0)
		idreg_msgs_add(notes, "secure=on: QEMU stops under KVM (machvirt_init(): no Security extensions with KVM)");
	if ((m->q.given & m->features & IDREG_VCPU_MTE))
		idreg_msgs_add(notes, "mte=on: a migration blocker (kvm_arm_enable_mte(): \"Live migration disabled due to MTE enabled\")");
}

unsigned int idreg_model_check_qemu(const struct idreg_model *m,
				    const struct idreg_profile *p, bool migration,
				    struct idreg_msgs *out, struct idreg_msgs *notes)
{
	struct idreg_qemu_view *v = malloc(sizeof(*v));
	struct idreg_model eff;
	unsigned int i, bad;

	if (!v) {
		out->oom = true;
		return 1;
	}
	idreg_model_init(&eff);
	bad = idreg_qemu_resolve(m, p, v);
	for (i = 0; i < v->errors.nr; i++)
		idreg_msgs_add(out, "%s", v->errors.v[i]);
	for (i = 0; notes && i < v->notes.nr; i++)
		idreg_msgs_add(notes, "%s", v->notes.v[i]);
	if (migration && v->blocker) {
		idreg_msgs_add(out, "mte=on: QEMU blocks migration (\"Live migration disabled due to MTE enabled\", kvm_arm_enable_mte())");
		bad++;
	}
	/* What stops QEMU says it all; else the fields, as before. */
	if (!v->errors.nr && !idreg_qemu_effective_model(m, p, v->features, &eff))
		bad += idreg_model_check(&eff, p, out);
	idreg_model_free(&eff);
	idreg_qemu_view_free(v);
	free(v);
	return bad;
}
