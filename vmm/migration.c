// SPDX-License-Identifier: GPL-2.0-only
/*
 * A running guest moved by QEMU between hosts: the ID registers of the
 * source's vCPU written to the destination's KVM (idregs/migration.h).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "idregs/kvm_rules.h"
#include "idregs/migration.h"
#include "idregs/predict.h"
#include "idregs/qemu.h"
#include "idregs/table.h"
#include "idregs/vcpu_regs.h"

/* QEMU's refusals on one host, each said of that host. */
static unsigned int copy_errors(const struct idreg_qemu_view *v, const struct idreg_profile *p,
				struct idreg_msgs *out)
{
	unsigned int i;

	for (i = 0; i < v->errors.nr; i++)
		idreg_msgs_add_about(out, v->errors.about[i], "on %s: %s", p->label,
				     v->errors.v[i]);
	return v->errors.nr;
}

static void describe(char *buf, size_t size, const struct idreg_kvm_verdict *v)
{
	if (v->pred.reason != IDREG_REASON_OK)
		idreg_prediction_describe(buf, size, &v->pred);
	else
		snprintf(buf, size, "%s: %s", v->path, v->why ? v->why : "refused");
}

/* The destination's KVM and each register the source carries. */
static unsigned int check_slots(const struct idreg_qemu_view *vs, const struct idreg_qemu_view *vd,
				const struct idreg_profile *src, const struct idreg_profile *dst,
				struct idreg_msgs *out)
{
	struct idreg_profile view = *dst;
	struct idreg_kvm_verdict v;
	struct idreg_vm_traits t;
	unsigned int slot, bad = 0;
	char why[256], name[32];

	idreg_profile_restrict(&view, vd->features);
	/* QEMU never enables KVM_CAP_ARM_WRITABLE_IMP_ID_REGS. */
	idreg_vm_traits_init(&t, vd->kvm, false, dst->release);
	idreg_vm_traits_set_features(&t, vd->features);
	for (slot = 0; slot < IDREG_NR_SLOTS; slot++) {
		if (!src->readable[slot] || vs->kvm[slot] == vd->kvm[slot])
			continue;
		idreg_kvm_predict(slot, idreg_reg_by_slot(slot), view.mask[slot], vd->kvm[slot],
				  vs->kvm[slot], &t, &v);
		if (v.effect == IDREG_WRITE_STORED)
			continue;
		describe(why, sizeof(why), &v);
		idreg_msgs_add_about(out, idreg_about_bits(slot, vs->kvm[slot] ^ vd->kvm[slot]),
				     "%s: %s's 0x%016" PRIx64 " refused on %s (it has 0x%016" PRIx64 "): %s",
				     idreg_slot_name(slot, name, sizeof(name)), src->label,
				     vs->kvm[slot], dst->label, vd->kvm[slot], why);
		bad++;
	}
	return bad;
}

static void note_features(const struct idreg_qemu_view *vs, const struct idreg_qemu_view *vd,
			  const struct idreg_profile *src, const struct idreg_profile *dst,
			  struct idreg_msgs *notes)
{
	unsigned int i, f;

	for (i = 0; i < IDREG_VCPU_NR_FEATURES; i++) {
		f = 1U << i;
		if (!((vs->features ^ vd->features) & f))
			continue;
		idreg_msgs_add_about(notes, idreg_about_feature(f),
				     "feature %s: QEMU's vCPU has it on %s only: its registers are on one side of the migration",
				     idreg_vcpu_feature_name(f),
				     vs->features & f ? src->label : dst->label);
	}
}

/*
 * The source's vCPU as QEMU leaves it: the firmware registers the line
 * writes (the model's kvm_regs: -cpu host,kvm-psci-version) hold the
 * model's values, which travel.
 */
static void written_fw(const struct idreg_model *m, struct idreg_profile *src)
{
	struct idreg_profile_reg *r;
	unsigned int i, j;

	for (i = 0; i < m->nr_kvm_regs; i++)
		for (j = 0; j < src->nr_kvm_regs; j++) {
			r = &src->kvm_regs[j];
			if (r->id != m->kvm_regs[i].id)
				continue;
			r->value = m->kvm_regs[i].value;
			r->has_value = true;
		}
}

unsigned int idreg_migration_check(const struct idreg_model *m, const struct idreg_profile *src,
				   const struct idreg_profile *dst, struct idreg_msgs *out,
				   struct idreg_msgs *notes)
{
	struct idreg_qemu_view *vs = calloc(1, sizeof(*vs)), *vd = calloc(1, sizeof(*vd));
	struct idreg_profile *moved = malloc(sizeof(*moved));
	unsigned int bad = 0;

	if (!vs || !vd || !moved) {
		idreg_msgs_add(out, "out of memory for the two hosts' views");
		bad = 1;
	} else {
		idreg_qemu_resolve(m, src, vs);
		idreg_qemu_resolve(m, dst, vd);
		bad = copy_errors(vs, src, out) + copy_errors(vd, dst, out);
		if (!bad)
			bad = check_slots(vs, vd, src, dst, out);
		*moved = *src;
		written_fw(m, moved);
		bad += idreg_migration_check_vcpu(moved, dst, vs->features, vd->features,
						  vs->sve_vls, vd->sve_vls, out, notes);
		note_features(vs, vd, src, dst, notes);
	}
	if (vs)
		idreg_qemu_view_free(vs);
	if (vd)
		idreg_qemu_view_free(vd);
	free(vs);
	free(vd);
	free(moved);
	return bad;
}
