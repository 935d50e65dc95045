// SPDX-License-Identifier: GPL-2.0-only
/*
 * The vCPU beyond its ID registers: KVM's rules for its firmware
 * pseudo-registers, vector lengths and register list, between hosts
 * (idregs/vcpu_regs.h).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idregs/field.h"
#include "idregs/kvm_rules.h"
#include "idregs/model_check.h"
#include "idregs/vcpu_regs.h"

/* ARM64_SYS_REG(3, op1, crn, crm, op2), as a constant. */
#define SYSREG(op1, crn, crm, op2)					\
	(IDREG_KVM_REG_ARM64 | 3ULL << IDREG_KVM_REG_SIZE_SHIFT |	\
	 (uint64_t)IDREG_KVM_SYSREG << IDREG_KVM_REG_CLASS_SHIFT |	\
	 3ULL << 14 | (op1) << 11 | (crn) << 7 | (crm) << 3 | (op2))

/* The level bits of a workaround register (KVM_REG_FEATURE_LEVEL_MASK). */
#define WA_LEVEL		UINT64_C(0xf)
#define WA2_ENABLED		(UINT64_C(1) << 4)
#define WA2_NOT_AVAIL		0
#define WA2_UNKNOWN		1
#define WA2_AVAIL		2
#define WA2_NOT_REQUIRED	3
#define PSCI_0_1		0x1ULL
#define PSCI_0_2		0x2ULL

static const struct {
	uint64_t id;
	const char *name;
} uapi_names[] = {
	{ IDREG_KVM_PSCI_VERSION, "KVM_REG_ARM_PSCI_VERSION" },
	{ IDREG_KVM_SMCCC_WA1, "KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1" },
	{ IDREG_KVM_SMCCC_WA2, "KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2" },
	{ IDREG_KVM_SMCCC_WA3, "KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_3" },
	{ IDREG_KVM_FW_BMAP(0), "KVM_REG_ARM_STD_BMAP" },
	{ IDREG_KVM_FW_BMAP(1), "KVM_REG_ARM_STD_HYP_BMAP" },
	{ IDREG_KVM_FW_BMAP(2), "KVM_REG_ARM_VENDOR_HYP_BMAP" },
	{ IDREG_KVM_FW_BMAP(3), "KVM_REG_ARM_VENDOR_HYP_BMAP_2" },
	{ IDREG_KVM_REG_SVE_VLS, "KVM_REG_ARM64_SVE_VLS" },
	{ SYSREG(3, 14, 3, 1), "KVM_REG_ARM_TIMER_CTL" },
	{ SYSREG(3, 14, 0, 2), "KVM_REG_ARM_TIMER_CVAL" },
	{ SYSREG(3, 14, 3, 2), "KVM_REG_ARM_TIMER_CNT" },
	{ SYSREG(3, 14, 2, 1), "KVM_REG_ARM_PTIMER_CTL" },
	{ SYSREG(3, 14, 2, 2), "KVM_REG_ARM_PTIMER_CVAL" },
	{ SYSREG(3, 14, 0, 1), "KVM_REG_ARM_PTIMER_CNT" },
};

const char *idreg_kvm_uapi_name(uint64_t id, char *buf, size_t size)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(uapi_names); i++)
		if (uapi_names[i].id == id) {
			snprintf(buf, size, "%s", uapi_names[i].name);
			return buf;
		}
	return idreg_kvm_reg_describe(id, buf, size);
}

bool idreg_kvm_is_fw(uint64_t id)
{
	unsigned int class = idreg_kvm_reg_class(id);

	return (id & IDREG_KVM_REG_ARCH_MASK) == IDREG_KVM_REG_ARM64 &&
	       (class == IDREG_KVM_FW || class == IDREG_KVM_FW_FEAT_BMAP);
}

uint64_t idreg_kvm_fw_by_name(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(uapi_names); i++)
		if (idreg_kvm_is_fw(uapi_names[i].id) && !strcmp(uapi_names[i].name, name))
			return uapi_names[i].id;
	return 0;
}

const struct idreg_profile_reg *idreg_profile_kvm_reg(const struct idreg_profile *p,
						      uint64_t id)
{
	unsigned int i;

	for (i = 0; i < p->nr_kvm_regs; i++)
		if (p->kvm_regs[i].id == id)
			return &p->kvm_regs[i];
	return NULL;
}

/* WORKAROUND_2's levels as KVM folds a written value before comparing. */
static uint64_t wa2_folded(uint64_t v)
{
	v &= WA_LEVEL;
	return v == WA2_AVAIL || v == WA2_NOT_REQUIRED ? WA2_NOT_REQUIRED : WA2_NOT_AVAIL;
}

static bool wa_accepts(const struct idreg_profile_reg *d, uint64_t id, uint64_t val,
		       bool *kept, char *why, size_t size)
{
	uint64_t allowed = WA_LEVEL | (id == IDREG_KVM_SMCCC_WA2 ? WA2_ENABLED : 0), level;

	if (val & ~allowed) {
		snprintf(why, size, "bits 0x%" PRIx64 " are no level", val & ~allowed);
		return false;
	}
	if (id == IDREG_KVM_SMCCC_WA2) {
		if (val & WA2_ENABLED && (val & WA_LEVEL) != WA2_AVAIL) {
			snprintf(why, size, "the enabled bit needs level AVAIL");
			return false;
		}
		if ((val & WA_LEVEL) > WA2_NOT_REQUIRED) {
			snprintf(why, size, "level %" PRIu64 " is unknown to KVM", val & WA_LEVEL);
			return false;
		}
		level = wa2_folded(val);
	} else {
		level = val;
	}
	if (level > d->value) {
		snprintf(why, size, "level %" PRIu64 " is above the host's %" PRIu64
			 ": KVM refuses a level the host cannot give", val & WA_LEVEL, d->value);
		return false;
	}
	*kept = (val & WA_LEVEL) != d->value;
	return true;
}

bool idreg_fw_accepts(const struct idreg_profile *dst, uint64_t id, uint64_t val,
		      bool *kept, char *why, size_t size)
{
	const struct idreg_profile_reg *d = idreg_profile_kvm_reg(dst, id);
	bool dummy;
	uint64_t w;

	kept = kept ? kept : &dummy;
	*kept = false;
	if (!d || !d->has_value) {
		snprintf(why, size, "not in the register list of %s", dst->label);
		return false;
	}
	switch (idreg_kvm_reg_class(id)) {
	case IDREG_KVM_FW_FEAT_BMAP:
		/* KVM implements the default's bits at least. */
		w = d->has_writable ? d->writable : d->value;
		if (val & ~w) {
			snprintf(why, size, "bits 0x%" PRIx64 " are not implemented there (KVM takes a subset of 0x%" PRIx64 ")",
				 val & ~w, w);
			return false;
		}
		return true;
	case IDREG_KVM_FW:
		break;
	default:
		snprintf(why, size, "not a firmware register");
		return false;
	}
	if (id != IDREG_KVM_PSCI_VERSION)
		return wa_accepts(d, id, val, kept, why, size);
	/* QEMU's vCPUs ask for PSCI 0.2 (KVM_ARM_VCPU_PSCI_0_2): 0.1 is refused. */
	if (val == PSCI_0_1 || val < PSCI_0_2 || val > d->value) {
		snprintf(why, size, "KVM takes the PSCI versions it knows from 0.2 up to its own 0x%" PRIx64,
			 d->value);
		return false;
	}
	return true;
}

/* "max=0x2, neoverse-n1=0x1" for register @id, "(not listed)" where absent. */
static void values_of(const struct idreg_profile *const *ps, unsigned int nr, uint64_t id,
		      char *buf, size_t size)
{
	const struct idreg_profile_reg *r;
	unsigned int i;
	int n = 0;

	buf[0] = '\0';
	for (i = 0; i < nr && n >= 0 && (size_t)n < size; i++) {
		r = idreg_profile_kvm_reg(ps[i], id);
		if (r && r->has_value)
			n += snprintf(buf + n, size - n, "%s%s=0x%" PRIx64, i ? ", " : "",
				      ps[i]->label, r->value);
		else
			n += snprintf(buf + n, size - n, "%s%s: not listed", i ? ", " : "",
				      ps[i]->label);
	}
}

/*
 * A firmware register every host lists: the one value every host stores
 * (the lowest PSCI version, the bits every bitmap has), which the VMM
 * must write, or blocking (the workaround levels: KVM stores only the
 * host's own).
 */
static void baseline_fw(const struct idreg_profile *const *ps, unsigned int nr, uint64_t id,
			struct idreg_model *m, struct idreg_msgs *blocking,
			struct idreg_msgs *notes)
{
	const struct idreg_profile_reg *r;
	uint64_t low = ~0ULL, all = ~0ULL, diff = 0, pick;
	unsigned int i, lo = 0, hi = 0;
	char vals[512], name[64], why[256];

	for (i = 0; i < nr; i++) {
		r = idreg_profile_kvm_reg(ps[i], id);
		diff |= r->value ^ idreg_profile_kvm_reg(ps[0], id)->value;
		if (r->value < low) {
			low = r->value;
			lo = i;
		}
		if (r->value > idreg_profile_kvm_reg(ps[hi], id)->value)
			hi = i;
		all &= r->value;
	}
	if (!diff)
		return;
	values_of(ps, nr, id, vals, sizeof(vals));
	idreg_kvm_uapi_name(id, name, sizeof(name));
	if (id != IDREG_KVM_PSCI_VERSION && idreg_kvm_reg_class(id) == IDREG_KVM_FW) {
		idreg_msgs_add_about(blocking, idreg_about_kvm_reg(id, diff),
				     "%s: differs (%s): KVM stores no level but the host's and refuses one above it: a guest started on %s cannot be restored on %s",
				     name, vals, ps[hi]->label, ps[lo]->label);
		return;
	}
	pick = id == IDREG_KVM_PSCI_VERSION ? low : all;
	for (i = 0; i < nr; i++)
		if (!idreg_fw_accepts(ps[i], id, pick, NULL, why, sizeof(why))) {
			idreg_msgs_add_about(blocking, idreg_about_kvm_reg(id, diff),
					     "%s: differs (%s) and %s refuses 0x%" PRIx64 ": %s",
					     name, vals, ps[i]->label, pick, why);
			return;
		}
	if (idreg_model_set_kvm_reg(m, id, pick)) {
		blocking->oom = true;
		return;
	}
	idreg_msgs_add_about(notes, idreg_about_kvm_reg(id, diff),
			     "%s: differs (%s); every host stores 0x%" PRIx64 " (%s): the VMM must set it before the VM runs (%s)",
			     name, vals, pick,
			     id == IDREG_KVM_PSCI_VERSION ? "the lowest version" : "the bits all have",
			     id == IDREG_KVM_PSCI_VERSION ? "QEMU 11.1: -cpu host,kvm-psci-version, as qemu-args writes it" :
			     "QEMU has no option for it");
}

/* Is @id in every host's list? */
static bool listed_by_all(const struct idreg_profile *const *ps, unsigned int nr, uint64_t id)
{
	unsigned int i;

	for (i = 0; i < nr; i++)
		if (!idreg_profile_kvm_reg(ps[i], id))
			return false;
	return true;
}

/* The hosts that list @id, and those that do not, into @buf. */
static void who_lists(const struct idreg_profile *const *ps, unsigned int nr, uint64_t id,
		      char *buf, size_t size)
{
	unsigned int i, pass, k;
	int n = 0;
	bool has;

	buf[0] = '\0';
	for (pass = 0; pass < 2; pass++) {
		n += snprintf(buf + n, size - n, "%s", pass ? "; not by " : "listed by ");
		for (i = 0, k = 0; i < nr && n >= 0 && (size_t)n < size; i++) {
			has = idreg_profile_kvm_reg(ps[i], id);
			if (has == !pass)
				n += snprintf(buf + n, size - n, "%s%s", k++ ? ", " : "",
					      ps[i]->label);
		}
		if (n < 0 || (size_t)n >= size)
			return;
	}
}

/*
 * A register some hosts list and others do not.  A firmware register
 * blocks: a restore where KVM lacks it fails.  Of the others, a feature
 * only some hosts' vCPUs have leaves the model, and the registers it adds
 * (SVE's ZCR_EL1 and Z registers, the PAuth keys) or replaces (the V
 * registers under SVE) with it: not counted.  Otherwise QEMU's restore
 * stops at a register the destination lacks (cpu_post_load()); KVM shows
 * a feature's registers by the VM's ID registers, so the baseline's
 * lowered values may hide it on the others: said, not decided.
 */
static void baseline_listed(const struct idreg_profile *const *ps, unsigned int nr,
			    const struct idreg_model *m, uint64_t id, struct idreg_msgs *blocking,
			    struct idreg_msgs *notes)
{
	unsigned int i, with_all = ~0U, with_any = 0, without_all = ~0U, without_any = 0;
	bool fw = idreg_kvm_is_fw(id);
	char name[64], who[512];

	for (i = 0; i < nr; i++) {
		if (idreg_profile_kvm_reg(ps[i], id)) {
			with_all &= ps[i]->features;
			with_any |= ps[i]->features;
		} else {
			without_all &= ps[i]->features;
			without_any |= ps[i]->features;
		}
	}
	/* A dropped feature all listers have and no other, or the reverse. */
	if (!fw && ((with_all & ~without_any) | (without_all & ~with_any)) & ~m->features)
		return;
	if (fw)
		values_of(ps, nr, id, who, sizeof(who));
	else
		who_lists(ps, nr, id, who, sizeof(who));
	idreg_msgs_add_about(fw ? blocking : notes, idreg_about_kvm_reg(id, 0),
			     fw ? "%s: not listed on every host (%s): a restore where KVM lacks it fails"
				: "%s: %s: a guest moving to a host without it fails to restore unless the model's ID registers hide it there too (KVM lists a feature's registers by the VM's ID registers)",
			     idreg_kvm_uapi_name(id, name, sizeof(name)), who);
}

/*
 * The largest set of vector lengths QEMU gives the same on every host:
 * KVM takes exactly a host's lengths up to a maximum, so the set is the
 * common prefix of all hosts' lengths.
 */
static void baseline_vls(const struct idreg_profile *const *ps, unsigned int nr,
			 struct idreg_model *m, struct idreg_msgs *blocking,
			 struct idreg_msgs *notes)
{
	uint32_t below, common = 0, set;
	unsigned int i, n, top;
	char vals[512];
	int used = 0;

	if (!(m->features & IDREG_VCPU_SVE))
		return;
	for (i = 0; i < nr; i++)
		if (!ps[i]->sve_vls_known) {
			idreg_msgs_add_about(notes, idreg_about_feature(IDREG_VCPU_SVE),
					     "sve<N>: %s records no vector lengths (a profile written before them): the lengths are not decided",
					     ps[i]->label);
			return;
		}
	for (top = 0; top < 16; top++) {
		below = (2U << top) - 1;
		set = ps[0]->sve_vls & below;
		for (i = 1; i < nr; i++)
			if ((ps[i]->sve_vls & below) != set)
				break;
		if (i < nr)
			break;
		if (set & 1U << top)
			common = set;
	}
	vals[0] = '\0';
	for (i = 0; i < nr && used >= 0 && (size_t)used < sizeof(vals); i++) {
		used += snprintf(vals + used, sizeof(vals) - used, "%s%s:", i ? "; " : "",
				 ps[i]->label);
		for (n = 0; n < 16 && (size_t)used < sizeof(vals); n++)
			if (ps[i]->sve_vls & 1U << n)
				used += snprintf(vals + used, sizeof(vals) - used, " %u", 128 * (n + 1));
	}
	if (!common) {
		idreg_msgs_add_about(blocking, idreg_about_kvm_reg(IDREG_KVM_REG_SVE_VLS, 0),
				     "sve<N>: no vector lengths are the same on every host up to a maximum (%s): KVM_REG_ARM64_SVE_VLS takes exactly a host's lengths up to the largest",
				     vals);
		return;
	}
	m->q.sve_on = common;
	m->q.sve_off = 0;
	for (i = 0; i < nr; i++)
		if (ps[i]->sve_vls != common)
			break;
	if (i < nr)
		idreg_msgs_add_about(notes, idreg_about_kvm_reg(IDREG_KVM_REG_SVE_VLS, 0),
				     "sve<N>: the hosts' vector lengths differ (%s); up to %u bits they are the same: sve<N>=on for those",
				     vals, 128 * (32 - __builtin_clz(common)));
}

/* The counter: its frequency, and how the VMM restores it. */
static void baseline_counter(const struct idreg_profile *const *ps, unsigned int nr,
			     struct idreg_msgs *blocking, struct idreg_msgs *notes)
{
	unsigned int i, first = nr;

	for (i = 0; i < nr; i++) {
		if (!ps[i]->hw_cntfrq_known)
			continue;
		if (first == nr)
			first = i;
		else if (ps[i]->hw_cntfrq != ps[first]->hw_cntfrq) {
			idreg_msgs_add(blocking, "CNTFRQ_EL0: %s counts at %" PRIu64 " Hz, %s at %" PRIu64 " Hz: the guest reads the host's frequency and KVM cannot set it",
				       ps[first]->label, ps[first]->hw_cntfrq, ps[i]->label,
				       ps[i]->hw_cntfrq);
			break;
		}
	}
	for (i = 0; i < nr; i++)
		if (ps[i]->kvm_regs_known && !ps[i]->counter_offset)
			idreg_msgs_add_about(notes, idreg_about_kvm_reg(IDREG_KVM_REG_TIMER_CNT, 0),
					     "KVM_REG_ARM_TIMER_CNT: %s has no KVM_CAP_COUNTER_OFFSET: a restore there writes the counter itself (the guest's counter jumps by the time the write takes)",
					     ps[i]->label);
}

/*
 * MIDR_EL1, REVIDR_EL1, AIDR_EL1 differ: where every host lets the VMM
 * write them (KVM_CAP_ARM_WRITABLE_IMP_ID_REGS) and offers the guest
 * the implementation list (KVM_REG_ARM_VENDOR_HYP_BMAP_2, DISCOVER_IMPL),
 * a VMM can give one identity and tell the guest every host's; QEMU
 * does not (the ID-register baseline says so as blocking).
 */
static void baseline_impl(const struct idreg_profile *const *ps, unsigned int nr,
			  struct idreg_msgs *notes)
{
	const unsigned int slots[] = {
		idreg_slot_index(3, 0, 0, 0, 0), idreg_slot_index(3, 0, 0, 0, 6),
		idreg_slot_index(3, 1, 0, 0, 7),
	};
	const struct idreg_profile_reg *b;
	char list[640];
	unsigned int i, k;
	bool differ = false;
	int n = 0;

	for (i = 1; i < nr; i++)
		for (k = 0; k < ARRAY_SIZE(slots); k++)
			differ |= ps[i]->value[slots[k]] != ps[0]->value[slots[k]];
	if (!differ)
		return;
	for (i = 0; i < nr; i++) {
		b = idreg_profile_kvm_reg(ps[i], IDREG_KVM_FW_BMAP(3));
		if (!ps[i]->imp_id_cap || !b || !b->has_writable || (b->writable & 3) != 3)
			return;
	}
	list[0] = '\0';
	for (i = 0; i < nr && n >= 0 && (size_t)n < sizeof(list); i++)
		n += snprintf(list + n, sizeof(list) - n, "%s{MIDR 0x%" PRIx64 ", REVIDR 0x%" PRIx64
			      ", AIDR 0x%" PRIx64 "}", i ? ", " : "", ps[i]->value[slots[0]],
			      ps[i]->value[slots[1]], ps[i]->value[slots[2]]);
	idreg_msgs_add_about(notes, idreg_about_kvm_reg(IDREG_KVM_FW_BMAP(3), 3),
			     "MIDR_EL1/REVIDR_EL1/AIDR_EL1: every host has KVM_CAP_ARM_WRITABLE_IMP_ID_REGS and the DISCOVER_IMPL hypercalls: a VMM that writes one identity, sets KVM_REG_ARM_VENDOR_HYP_BMAP_2 bits 0-1 and tells the guest the implementations %s can move it; QEMU does neither",
			     list);
}

/* Is @id in the list of a host before @i? */
static bool listed_before(const struct idreg_profile *const *ps, unsigned int i, uint64_t id)
{
	while (i--)
		if (idreg_profile_kvm_reg(ps[i], id))
			return true;
	return false;
}

/* The register lists of the hosts @ps (all known), each register once. */
static void baseline_lists(const struct idreg_profile *const *ps, unsigned int nr,
			   struct idreg_model *m, struct idreg_msgs *blocking,
			   struct idreg_msgs *notes)
{
	unsigned int i, j;
	uint64_t id;

	for (i = 0; i < nr; i++)
		for (j = 0; j < ps[i]->nr_kvm_regs; j++) {
			id = ps[i]->kvm_regs[j].id;
			if (listed_before(ps, i, id))
				continue;
			if (listed_by_all(ps, nr, id)) {
				if (idreg_kvm_is_fw(id))
					baseline_fw(ps, nr, id, m, blocking, notes);
				continue;
			}
			baseline_listed(ps, nr, m, id, blocking, notes);
		}
}

unsigned int idreg_baseline_vcpu(const struct idreg_profile *const *ps, unsigned int nr,
				 struct idreg_model *m, struct idreg_msgs *blocking,
				 struct idreg_msgs *notes)
{
	const struct idreg_profile **known = calloc(nr ? nr : 1, sizeof(*known));
	unsigned int before = blocking->nr, i, n = 0;

	if (!known) {
		blocking->oom = true;
		return 1;
	}
	for (i = 0; i < nr; i++) {
		idreg_profile_note_lacks(ps[i], notes);
		if (ps[i]->kvm_regs_known)
			known[n++] = ps[i];
	}
	baseline_vls(ps, nr, m, blocking, notes);
	baseline_counter(ps, nr, blocking, notes);
	baseline_impl(ps, nr, notes);
	if (n > 1)
		baseline_lists(known, n, m, blocking, notes);
	free(known);
	return blocking->nr - before;
}

unsigned int idreg_model_check_kvm_regs(const struct idreg_model *m,
					const struct idreg_profile *p, struct idreg_msgs *out,
					struct idreg_msgs *notes)
{
	unsigned int i, bad = 0;
	char name[64], why[256];
	uint64_t id, val;
	bool kept;

	if (!p->kvm_regs_known) {
		if (notes && m->nr_kvm_regs)
			idreg_profile_note_lacks(p, notes);
		return 0;
	}
	for (i = 0; i < m->nr_kvm_regs; i++) {
		id = m->kvm_regs[i].id;
		val = m->kvm_regs[i].value;
		if (idreg_fw_accepts(p, id, val, &kept, why, sizeof(why)) && !kept)
			continue;
		if (kept)
			snprintf(why, sizeof(why), "KVM accepts it and keeps the host's 0x%" PRIx64,
				 idreg_profile_kvm_reg(p, id)->value);
		idreg_msgs_add_about(out, idreg_about_kvm_reg(id, val),
				     "%s=0x%" PRIx64 ": refused by %s: %s",
				     idreg_kvm_uapi_name(id, name, sizeof(name)), val, p->label, why);
		bad++;
	}
	return bad;
}

/* The firmware registers of @src written into @dst's vCPU. */
static unsigned int migrate_fw(const struct idreg_profile *src, const struct idreg_profile *dst,
			       struct idreg_msgs *out, struct idreg_msgs *notes)
{
	const struct idreg_profile_reg *r, *d;
	unsigned int i, bad = 0;
	char name[64], why[256];
	bool kept;

	for (i = 0; i < src->nr_kvm_regs; i++) {
		r = &src->kvm_regs[i];
		if (!idreg_kvm_is_fw(r->id) || !r->has_value)
			continue;
		idreg_kvm_uapi_name(r->id, name, sizeof(name));
		d = idreg_profile_kvm_reg(dst, r->id);
		if (idreg_fw_accepts(dst, r->id, r->value, &kept, why, sizeof(why))) {
			if (kept)
				idreg_msgs_add_about(notes, idreg_about_kvm_reg(r->id, r->value ^ d->value),
						     "%s: %s's 0x%" PRIx64 " is accepted on %s, whose guest sees its own 0x%" PRIx64,
						     name, src->label, r->value, dst->label, d->value);
			continue;
		}
		idreg_msgs_add_about(out, idreg_about_kvm_reg(r->id, d ? r->value ^ d->value : 0),
				     "%s: %s's 0x%016" PRIx64 " refused on %s%s: %s", name,
				     src->label, r->value, dst->label, d ? "" : " (not in its list)",
				     why);
		bad++;
	}
	return bad;
}

unsigned int idreg_migration_check_vcpu(const struct idreg_profile *src,
					const struct idreg_profile *dst,
					unsigned int src_features, unsigned int dst_features,
					uint32_t src_vls, uint32_t dst_vls,
					struct idreg_msgs *out, struct idreg_msgs *notes)
{
	unsigned int bad = 0;

	idreg_profile_note_lacks(src, notes);
	idreg_profile_note_lacks(dst, notes);
	if (src_features & dst_features & IDREG_VCPU_SVE && src_vls && dst_vls &&
	    src_vls != dst_vls) {
		idreg_msgs_add_about(out, idreg_about_kvm_reg(IDREG_KVM_REG_SVE_VLS, src_vls ^ dst_vls),
				     "KVM_REG_ARM64_SVE_VLS: QEMU gives the guest vector lengths 0x%x on %s and 0x%x on %s (bit N/128-1): its SVE state does not fit",
				     src_vls, src->label, dst_vls, dst->label);
		bad++;
	}
	if (src->kvm_regs_known && dst->kvm_regs_known)
		bad += migrate_fw(src, dst, out, notes);
	return bad;
}

/* " 128 256 512" for vector lengths @vls, " none" without. */
static void vls_text(uint32_t vls, char *buf, size_t size)
{
	unsigned int n;
	int used = 0;

	buf[0] = '\0';
	for (n = 0; n < 16 && used >= 0 && (size_t)used < size; n++)
		if (vls & 1U << n)
			used += snprintf(buf + used, size - used, " %u", 128 * (n + 1));
	if (!vls)
		snprintf(buf, size, " none");
}

/* A firmware register both list: its value, a bitmap's settable bits. */
static unsigned int diff_fw(const struct idreg_profile_reg *ra, const struct idreg_profile_reg *rb,
			    const char *name, struct idreg_msgs *out)
{
	unsigned int nr = 0;

	if (ra->has_value && rb->has_value && ra->value != rb->value) {
		idreg_msgs_add_about(out, idreg_about_kvm_reg(ra->id, ra->value ^ rb->value),
				     "%s: value 0x%" PRIx64 " -> 0x%" PRIx64, name, ra->value,
				     rb->value);
		nr++;
	}
	if (ra->has_writable && rb->has_writable && ra->writable != rb->writable) {
		idreg_msgs_add_about(out, idreg_about_kvm_reg(ra->id, ra->writable ^ rb->writable),
				     "%s: settable bits 0x%" PRIx64 " -> 0x%" PRIx64, name,
				     ra->writable, rb->writable);
		nr++;
	}
	return nr;
}

/*
 * The registers @p lists and @q does not: a firmware register each on its
 * line ("listed -> not listed", or the reverse when @p is the second),
 * the others on one line, named while the line has room.
 */
static unsigned int diff_listed(const struct idreg_profile *p, const struct idreg_profile *q,
				bool p_first, struct idreg_msgs *out)
{
	const char *was = p_first ? "listed" : "not listed", *now = p_first ? "not listed" : "listed";
	unsigned int i, nr = 0, others = 0;
	char name[64], names[400];
	bool full = false;
	size_t used = 0;
	uint64_t id;

	names[0] = '\0';
	for (i = 0; i < p->nr_kvm_regs; i++) {
		id = p->kvm_regs[i].id;
		if (idreg_profile_kvm_reg(q, id))
			continue;
		idreg_kvm_uapi_name(id, name, sizeof(name));
		if (idreg_kvm_is_fw(id)) {
			idreg_msgs_add_about(out, idreg_about_kvm_reg(id, 0), "%s: %s -> %s", name,
					     was, now);
			nr++;
			continue;
		}
		if (!full && used + strlen(name) + 8 < sizeof(names))
			used += snprintf(names + used, sizeof(names) - used, "%s%s",
					 others ? ", " : "", name);
		else if (!full)
			full = !!snprintf(names + used, sizeof(names) - used, ", ...");
		others++;
	}
	if (others)
		idreg_msgs_add(out, "register list: %u %s %s -> %s (%s)", others,
			       others == 1 ? "register" : "registers", was, now, names);
	return nr + !!others;
}

unsigned int idreg_vcpu_diff(const struct idreg_profile *a, const struct idreg_profile *b,
			     struct idreg_msgs *out, struct idreg_msgs *notes)
{
	const struct idreg_profile_reg *rb;
	char name[64], va[100], vb[100];
	unsigned int i, nr = 0;

	if (a->sve_vls_known && b->sve_vls_known && a->sve_vls != b->sve_vls) {
		vls_text(a->sve_vls, va, sizeof(va));
		vls_text(b->sve_vls, vb, sizeof(vb));
		idreg_msgs_add_about(out, idreg_about_kvm_reg(IDREG_KVM_REG_SVE_VLS,
							      a->sve_vls ^ b->sve_vls),
				     "sve<N>: vector lengths%s ->%s", va, vb);
		nr++;
	}
	if (a->hw_cntfrq_known && b->hw_cntfrq_known && a->hw_cntfrq != b->hw_cntfrq) {
		idreg_msgs_add(out, "CNTFRQ_EL0: %" PRIu64 " Hz -> %" PRIu64 " Hz", a->hw_cntfrq,
			       b->hw_cntfrq);
		nr++;
	}
	idreg_profile_note_lacks(a, notes);
	idreg_profile_note_lacks(b, notes);
	if (!a->kvm_regs_known || !b->kvm_regs_known)
		return nr;
	if (a->counter_offset != b->counter_offset) {
		idreg_msgs_add(out, "KVM_CAP_COUNTER_OFFSET: %s -> %s",
			       a->counter_offset ? "yes" : "no", b->counter_offset ? "yes" : "no");
		nr++;
	}
	for (i = 0; i < a->nr_kvm_regs; i++) {
		rb = idreg_profile_kvm_reg(b, a->kvm_regs[i].id);
		if (rb && idreg_kvm_is_fw(rb->id))
			nr += diff_fw(&a->kvm_regs[i], rb,
				      idreg_kvm_uapi_name(rb->id, name, sizeof(name)), out);
	}
	nr += diff_listed(a, b, true, out);
	nr += diff_listed(b, a, false, out);
	return nr;
}

void idreg_profile_note_lacks(const struct idreg_profile *p, struct idreg_msgs *notes)
{
	if (!p->kvm_regs_known)
		idreg_msgs_add(notes, "%s predates the register list (kvm_regs): its firmware registers, timers and the rest of its vCPU are not compared; dump it again with this idreg",
			       p->label);
}
