// SPDX-License-Identifier: GPL-2.0-only
/*
 * What a real QEMU did against what vmm/qemu.c predicts: its guest's reads
 * and QMP's host model.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idregs/field.h"
#include "idregs/qemu_check.h"

/* One "S3_<op1>_C0_C<crm>_<op2>=..." line: its slot, or -1. */
static int guest_line(const char *line, bool *undef, uint64_t *val)
{
	unsigned int op1, crm, op2;
	int n = 0, slot;
	char hexs[20];

	if (sscanf(line, "S3_%u_C0_C%u_%u=%n", &op1, &crm, &op2, &n) != 3 || !n)
		return -1;
	slot = idreg_slot_index(3, op1, 0, crm, op2);
	if (slot < 0)
		return -1;
	*undef = !strcmp(line + n, "undef");
	if (*undef)
		return slot;
	if (sscanf(line + n, "0x%16[0-9a-fA-F]", hexs) != 1 || strlen(hexs) != 16 ||
	    strcmp(line + n + 18, ""))
		return -1;
	*val = strtoull(hexs, NULL, 16);
	return slot;
}

void idreg_guest_read_parse(struct idreg_guest_read *g, char *text)
{
	char *line, *save = NULL;
	bool undef = false;
	uint64_t val = 0;
	int slot;

	memset(g, 0, sizeof(*g));
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		line[strcspn(line, "\r")] = 0;
		slot = guest_line(line, &undef, &val);
		if (slot < 0)
			continue;
		g->seen[slot] = true;
		g->undef[slot] = undef;
		g->val[slot] = val;
	}
}

static void diff_add(struct idreg_guest_diffs *d, struct idreg_guest_diff x)
{
	struct idreg_guest_diff *v = realloc(d->v, (d->nr + 1) * sizeof(*v));

	if (!v) {
		d->oom = true;
		return;
	}
	d->v = v;
	d->v[d->nr++] = x;
}

/* One difference per named field (and unnamed bits) that differ; how many. */
static unsigned int field_diffs(unsigned int slot, uint64_t want, uint64_t got,
				struct idreg_guest_diffs *d)
{
	const struct idreg_reg *reg = idreg_reg_by_slot(slot);
	uint64_t left = want ^ got;
	unsigned int i, n = 0;

	for (i = 0; reg && i < reg->nr_fields; i++) {
		const struct idreg_field *f = &reg->fields[i];
		uint64_t bits = idreg_field_mask(f->lsb, f->width);

		if (!idreg_field_is_named(f) || !(left & bits))
			continue;
		diff_add(d, (struct idreg_guest_diff){
			.kind = IDREG_GUEST_DIFF_FIELD, .slot = slot, .field = f, .bits = bits,
			.predicted = idreg_field_get(want, f->lsb, f->width),
			.read = idreg_field_get(got, f->lsb, f->width) });
		left &= ~bits;
		n++;
	}
	if (left)
		diff_add(d, (struct idreg_guest_diff){
			.kind = IDREG_GUEST_DIFF_BITS, .slot = slot, .bits = left,
			.predicted = want, .read = got });
	return n + !!left;
}

unsigned int idreg_guest_compare(const struct idreg_qemu_view *v, const struct idreg_guest_read *g,
				 struct idreg_guest_diffs *out)
{
	unsigned int slot, bad = 0;
	bool undef;

	memset(out, 0, sizeof(*out));
	for (slot = 0; slot < IDREG_NR_SLOTS; slot++) {
		undef = v->kind[slot] == IDREG_GUEST_UNDEF;
		if (!g->seen[slot]) {
			diff_add(out, (struct idreg_guest_diff){
				.kind = IDREG_GUEST_DIFF_MISSING, .slot = slot });
			bad++;
		} else if (v->kind[slot] == IDREG_GUEST_UNPREDICTED) {
			out->unpredicted++;
		} else if (undef || g->undef[slot]) {
			if (undef && g->undef[slot])
				continue;
			diff_add(out, (struct idreg_guest_diff){
				.kind = IDREG_GUEST_DIFF_UNDEF, .slot = slot,
				.predicted = undef, .read = g->undef[slot] });
			bad++;
		} else if (g->val[slot] != v->guest[slot]) {
			bad += field_diffs(slot, v->guest[slot], g->val[slot], out);
		}
	}
	return bad;
}

void idreg_guest_diffs_free(struct idreg_guest_diffs *d)
{
	free(d->v);
	memset(d, 0, sizeof(*d));
}

/*
 * An option QMP lists for @r's feature against the profile: listed exactly
 * where QEMU creates it (pmu: where KVM offers a PMU, .qemu_only_offered;
 * the others always), with QEMU's default there: true where KVM offers
 * it for pmu, sve, pauth (.qemu_host), aarch64 true.
 */
static unsigned int qmp_option(const struct idreg_model *m, const struct idreg_vcpu_feature_info *r,
			       const struct idreg_profile *p, struct idreg_msgs *out)
{
	unsigned int f = r->feature;
	bool has = m->q.given & f, on = !(m->features & f) == r->qemu_off_asks;
	int offered = p->features & f ? 1 : p->offered_known ? !!(p->offered & f) : -1;
	bool exists = !r->qemu_only_offered || offered == 1, want = r->qemu_host ? offered == 1 : true;
	char noun[32];

	if (r->qemu_machine || (r->qemu_only_offered && offered < 0))
		return 0;
	if (has != exists) {
		idreg_msgs_add_about(out, idreg_about_feature(f),
				     "%s: QMP %s the property, QEMU creates it %s (KVM offers %s %s)",
				     r->qemu, has ? "lists" : "lacks", exists ? "here" : "only with a PMU",
				     offered ? "a" : "no", idreg_vcpu_feature_noun(f, noun, sizeof(noun)));
		return 1;
	}
	if (!has || (r->qemu_host && offered < 0) || on == want)
		return 0;
	idreg_msgs_add_about(out, idreg_about_feature(f),
			     "%s: QMP says %s, QEMU's default here is %s (KVM %s it)", r->qemu,
			     on ? "true" : "false", want ? "true" : "false",
			     offered ? "offers" : "does not offer");
	return 1;
}

/* sve128..sve2048: all listed, true exactly for the lengths KVM offers. */
static unsigned int qmp_vls(const struct idreg_model *m, const struct idreg_profile *p,
			    struct idreg_msgs *out)
{
	uint32_t listed = m->q.sve_on | m->q.sve_off, vls;

	if (listed != 0xffff) {
		idreg_msgs_add_about(out, idreg_about_feature(IDREG_VCPU_SVE),
				     "sve<N>: QMP lists 0x%x of sve128..sve2048 (bit N/128-1), QEMU creates all 16",
				     listed);
		return 1;
	}
	if (!p->sve_vls_known)
		return 0;
	vls = (p->features & IDREG_VCPU_SVE) || (p->offered & IDREG_VCPU_SVE) ? p->sve_vls : 0;
	if (m->q.sve_on == vls)
		return 0;
	idreg_msgs_add_about(out, idreg_about_feature(IDREG_VCPU_SVE),
			     "sve<N>: QMP enables 0x%x, the profile's vector lengths are 0x%x (bit N/128-1)",
			     m->q.sve_on, vls);
	return 1;
}

/* kvm-steal-time and kvm-no-adjvtime (kvm_arm_add_vcpu_properties()). */
static unsigned int qmp_kvm_props(const struct idreg_model *m, struct idreg_msgs *out)
{
	unsigned int bad = 0;

	if (m->q.steal_time < 0)
		bad++, idreg_msgs_add(out, "kvm-steal-time: QMP lacks the property, QEMU creates it");
	if (m->q.no_adjvtime < 0)
		bad++, idreg_msgs_add(out, "kvm-no-adjvtime: QMP lacks the property, QEMU creates it");
	else if (m->q.no_adjvtime)
		bad++, idreg_msgs_add(out, "kvm-no-adjvtime: QMP says true, QEMU's default is false");
	if (m->nr_ignored)
		bad++, idreg_msgs_add(out, "QMP lists %u properties QEMU's host model has not here (or idreg does not know)",
				      m->nr_ignored);
	return bad;
}

unsigned int idreg_qmp_compare(const struct idreg_model *m, const struct idreg_profile *p,
			       struct idreg_msgs *out)
{
	const struct idreg_vcpu_feature_info *rows;
	unsigned int i, nr, bad = 0;

	rows = idreg_vcpu_features(&nr);
	for (i = 0; i < nr; i++)
		if (rows[i].qemu)
			bad += qmp_option(m, &rows[i], p, out);
	return bad + qmp_vls(m, p, out) + qmp_kvm_props(m, out);
}

unsigned int idreg_guest_view_differ(const struct idreg_guest_view_row *rows, unsigned int nr)
{
	unsigned int i, n = 0;

	for (i = 0; i < nr; i++)
		n += rows[i].trapped || rows[i].value != rows[i].kvm;
	return n;
}
