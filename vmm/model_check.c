// SPDX-License-Identifier: GPL-2.0-only
/*
 * Can a host run a model?  Its assignments against the tables and a host
 * profile, as KVM would judge each write.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "idregs/declared.h"
#include "idregs/field.h"
#include "idregs/kvm_rules.h"
#include "idregs/model_check.h"
#include "idregs/predict.h"
#include "idregs/vcpu_regs.h"

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
	struct idreg_msg_about about = idreg_about_bits(a->slot, idreg_field_mask(f->lsb, f->width));
	struct idreg_kvm_verdict v;
	uint64_t cur, val;
	char prop[128], why[256];

	idreg_assign_prop(a, prop, sizeof(prop));
	if (!idreg_value_fits(a->value, f->width)) {
		idreg_msgs_add_about(out, about, "%s: value 0x%" PRIx64 " wider than %u-bit field",
			       prop, a->value, f->width);
		return false;
	}
	cur = p ? idreg_field_get(p->value[a->slot], f->lsb, f->width) : 0;
	/* A host's own value is never refused, named or not. */
	if (value_is_reserved(f, a->value) && !(p && a->value == cur)) {
		idreg_msgs_add_about(out, about, "%s: value 0x%" PRIx64 " is reserved (%s names no such value)",
			       prop, a->value, f->name);
		return false;
	}
	if (!p)
		return true;
	if (!p->readable[a->slot]) {
		idreg_msgs_add_about(out, about, "%s: %s is not readable on %s", prop,
			       a->reg->name, p->label);
		return false;
	}
	if (a->value == cur)
		return true;
	if (!idreg_profile_field_writable(p, a->slot, f)) {
		idreg_msgs_add_about(out, about, "%s: value 0x%" PRIx64 " but the field is not writable on %s (value there 0x%" PRIx64 ", mask 0x%016" PRIx64 ")",
			       prop, a->value, p->label, cur, p->mask[a->slot]);
		return false;
	}
	val = idreg_field_set(p->value[a->slot], f->lsb, f->width, a->value);
	idreg_kvm_predict(a->slot, a->reg, p->mask[a->slot], p->value[a->slot],
			  val, t, &v);
	if (v.effect == IDREG_WRITE_STORED)
		return true;
	describe_verdict(why, sizeof(why), &v);
	idreg_msgs_add_about(out, about, "%s: value 0x%" PRIx64 " %s against %s's 0x%" PRIx64 ": %s",
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
		idreg_msgs_add_about(out, idreg_about_bits(slot, val ^ p->value[slot]),
				     "%s: 0x%016" PRIx64 " as a whole refused on %s: %s",
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
		idreg_msgs_add_about(out, idreg_about_feature(f),
				     "feature %s: the model asks for it and %s cannot give it: %s",
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
	if (p)
		bad += idreg_model_check_kvm_regs(m, p, out, NULL);
	return bad;
}
