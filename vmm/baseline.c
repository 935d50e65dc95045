// SPDX-License-Identifier: GPL-2.0-only
/*
 * The baseline of several hosts: the most capable model all of them can
 * run, field by field under KVM's policies, and what keeps them apart.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idregs/baseline.h"
#include "idregs/declared.h"
#include "idregs/field.h"
#include "idregs/kvm_rules.h"
#include "idregs/model_check.h"
#include "idregs/qemu.h"
#include "idregs/vcpu_regs.h"

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
	struct idreg_msg_about about = idreg_about_bits(fv->slot, idreg_field_mask(fv->f->lsb,
									       fv->f->width));
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
			idreg_msgs_add_about(blocking, about, "%s", err);
		return;
	}
	host_values(ps, nr, fv, vals, sizeof(vals));
	if (!fv->all_writable) {
		idreg_msgs_add_about(blocking, about, "%s: differs (%s) and is not writable on %s",
			       fv->prop, vals, ps[fv->not_writable]->label);
		return;
	}
	if (!pick_value(ps, nr, fv, &v, &why)) {
		idreg_msgs_add_about(blocking, about, "%s: differs (%s): %s", fv->prop, vals, why);
		return;
	}
	if (idreg_model_set_field(m, fv->reg, fv->f, v, err))
		idreg_msgs_add_about(blocking, about, "%s", err);
	else if (fv->f->policy.type == IDREG_POLICY_NONE)
		idreg_msgs_add_about(notes, about, "%s: differs (%s); no KVM policy, every host accepts %s's 0x%" PRIx64,
			       fv->prop, vals, ps[0]->label, v);
	else
		idreg_msgs_add_about(notes, about, "%s: differs (%s); %s gives 0x%" PRIx64,
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
			idreg_msgs_add_about(blocking, idreg_about_bits(slot, ~0ULL),
					     "%s: readable on %s but not on %s",
				       idreg_slot_name(slot, buf, sizeof(buf)),
				       ps[ps[0]->readable[slot] ? 0 : i]->label,
				       ps[ps[0]->readable[slot] ? i : 0]->label);
			return;
		}
		diff |= (ps[i]->value[slot] ^ ps[0]->value[slot]) & ~covered;
	}
	if (diff)
		idreg_msgs_add_about(blocking, idreg_about_bits(slot, diff),
				     "%s: bits 0x%016" PRIx64 " differ and no SYSREG_ property names them",
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
		idreg_msgs_add_about(dropped, idreg_about_feature(f),
				     "feature %s: not in the model, blocked by %s",
			       idreg_vcpu_feature_name(f), hosts);
	}
	return nr ? all : 0;
}

/*
 * QEMU's options for the baseline's features: those -cpu host turns on
 * where KVM offers them (pmu, sve, pauth: .qemu_host) on where every host
 * offers them (stated, so that a host without one refuses to start rather
 * than give less), off where some do not, unstated where none does.  An
 * option QEMU creates only where KVM offers the feature (pmu:
 * .qemu_only_offered) fits no line where some hosts lack it: QEMU has no
 * such property there and turns it on elsewhere.  The GIC: v3 where every
 * host has it and some would default to v2 (finalize_gic_version()).  MTE
 * blocks migration (kvm_arm_enable_mte()).
 */
static void baseline_options(const struct idreg_profile *const *ps, unsigned int nr,
			     struct idreg_model *m, struct idreg_msgs *blocking)
{
	const struct idreg_vcpu_feature_info *r;
	unsigned int any = 0, i, v2 = 0, v3 = ~0U, f;
	char noun[32];

	for (i = 0; i < nr; i++) {
		any |= ps[i]->features;
		if (ps[i]->gic_known) {
			v2 |= ps[i]->gic_offered & 1U << 2;
			v3 &= ps[i]->gic_offered;
		}
	}
	for (i = 0; i < IDREG_VCPU_NR_FEATURES; i++) {
		f = 1U << i;
		r = idreg_vcpu_feature_info(f);
		if (!(any & f & idreg_vcpu_qemu_host_features()))
			continue;
		m->q.given |= f;
		if (r->qemu_only_offered && !(m->features & f))
			idreg_msgs_add_about(blocking, idreg_about_feature(f),
					     "%s: some hosts offer a %s and others do not: QEMU has no %s property where KVM offers none (%s) and turns it on where it does, so no line gives both the same guest",
				       r->qemu, idreg_vcpu_feature_noun(f, noun, sizeof(noun)),
				       r->qemu, r->qemu_only_offered);
	}
	if (v2 && (v3 & 1U << 3))
		m->q.gic = 3;
	if (m->features & IDREG_VCPU_MTE)
		idreg_msgs_add_about(blocking, idreg_about_feature(IDREG_VCPU_MTE),
				     "mte=on: QEMU blocks migration (\"Live migration disabled due to MTE enabled\", kvm_arm_enable_mte())");
}

/* MIDR_EL1, REVIDR_EL1, AIDR_EL1: QEMU has no property for them. */
static void baseline_imp_id(const struct idreg_profile *const *ps, unsigned int nr,
			    unsigned int slot, struct idreg_msgs *blocking)
{
	char buf[32];
	unsigned int i;

	for (i = 1; i < nr; i++)
		if (ps[i]->value[slot] != ps[0]->value[slot]) {
			idreg_msgs_add_about(blocking, idreg_about_bits(slot, ~0ULL),
					     "%s: differs (%s 0x%" PRIx64 ", %s 0x%" PRIx64 ") and QEMU cannot set it: it never enables KVM_CAP_ARM_WRITABLE_IMP_ID_REGS, so the series creates no property",
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
	/* The hosts as dumped: their features explain their register lists. */
	idreg_baseline_vcpu(all, nr, m, blocking, notes);
	for (i = 0; i < nr; i++) {
		idreg_model_check(m, profiles[i], &problems);
		idreg_msgs_append(blocking, &problems);
		idreg_msgs_free(&problems);
	}
	free(views);
	free(profiles);
	return blocking->nr - before;
}
