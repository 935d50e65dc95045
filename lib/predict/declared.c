// SPDX-License-Identifier: GPL-2.0-only
/* Declared writable masks: see idregs/declared.h. */
#include <stdio.h>
#include <string.h>

#include "idregs/declared.h"
#include "idregs/field.h"
#include "idregs/kversion.h"
#include "idregs/util.h"

const struct idreg_declared_series *idreg_declared_for(unsigned int version,
							enum idreg_decl_match *match)
{
	unsigned int i;

	/* Newest first: the first series not newer than @version. */
	for (i = 0; i < idreg_nr_declared_series; i++) {
		const struct idreg_declared_series *s = &idreg_declared_series[i];

		if (s->version > version)
			continue;
		if (s->version == version)
			*match = IDREG_DECL_EXACT;
		else
			*match = i ? IDREG_DECL_BETWEEN : IDREG_DECL_NEWER;
		return s;
	}
	*match = IDREG_DECL_OLDER;
	return NULL;
}

bool idreg_declared_hides(const struct idreg_declared_series *s, unsigned int slot,
			  unsigned int features)
{
	unsigned int i;

	for (i = 0; i < s->nr_hidden; i++)
		if (s->hidden[i].slot == slot && !(s->hidden[i].unless & features))
			return true;
	return false;
}

const struct idreg_declared_reg *idreg_declared_reg(const struct idreg_declared_series *s,
						    unsigned int slot)
{
	unsigned int i;

	for (i = 0; i < s->nr_regs; i++)
		if (s->regs[i].slot == slot)
			return &s->regs[i];
	return NULL;
}

uint64_t idreg_declared_mask(const struct idreg_declared_series *s,
			     unsigned int slot, bool aarch32_el0)
{
	const struct idreg_declared_reg *d = idreg_declared_reg(s, slot);

	/* The ioctl's is_aa32_id_reg(): by encoding, whatever the descriptor. */
	if (!d || (!aarch32_el0 && idreg_is_aarch32_slot(slot)))
		return 0;
	return d->mask;
}

static void append(char *buf, size_t size, size_t *used, const char *text)
{
	int n = snprintf(buf + *used, size - *used, "%s%s", *used ? ", " : "", text);

	if (n > 0)
		*used = *used + n < size ? *used + n : size - 1;
}

const char *idreg_describe_bits(const struct idreg_reg *reg, uint64_t bits,
				char *buf, size_t size)
{
	uint64_t left = bits;
	size_t used = 0;
	char part[96];
	unsigned int i, hi, lo;

	buf[0] = 0;
	for (i = 0; reg && i < reg->nr_fields; i++) {
		const struct idreg_field *f = &reg->fields[i];
		uint64_t m = idreg_field_mask(f->lsb, f->width);

		if (!(bits & m))
			continue;
		snprintf(part, sizeof(part), "%s (%u:%u)", f->name,
			 f->lsb + f->width - 1, f->lsb);
		append(buf, size, &used, part);
		left &= ~m;
	}
	for (hi = 64; left && hi-- > 0;) {
		if (!(left >> hi & 1))
			continue;
		for (lo = hi; lo > 0 && (left >> (lo - 1) & 1); lo--)
			;
		snprintf(part, sizeof(part), "bits %u:%u", hi, lo);
		append(buf, size, &used, part);
		left &= ~idreg_field_mask(lo, hi - lo + 1);
		hi = lo;
	}
	return buf;
}

/*
 * The sanitising operations followed abstractly: which bits are known
 * (and to be what), which fields are known to be at most a value, and the
 * operation each rests on.
 */
#define SAN_MAX_CAPS	8

struct san_cap {
	uint64_t mask;
	uint64_t max;
	const struct idreg_sanitised_op *op;
};

struct san_state {
	uint64_t known, val;
	const struct idreg_sanitised_op *origin[64];
	struct san_cap caps[SAN_MAX_CAPS];
	unsigned int nr_caps;
};

static unsigned int lsb_of(uint64_t mask)
{
	return mask ? __builtin_ctzll(mask) : 0;
}

static void drop_caps(struct san_state *st, uint64_t mask)
{
	unsigned int i, n = 0;

	for (i = 0; i < st->nr_caps; i++)
		if (!(st->caps[i].mask & mask))
			st->caps[n++] = st->caps[i];
	st->nr_caps = n;
}

static void set_known(struct san_state *st, uint64_t bits, uint64_t val,
		      const struct idreg_sanitised_op *op)
{
	unsigned int b;

	st->known |= bits;
	st->val = (st->val & ~bits) | (val & bits);
	for (b = 0; b < 64; b++)
		if (bits >> b & 1)
			st->origin[b] = op;
}

static void add_cap(struct san_state *st, uint64_t mask, uint64_t max,
		    const struct idreg_sanitised_op *op)
{
	unsigned int i;

	for (i = 0; i < st->nr_caps; i++)
		if (st->caps[i].mask == mask) {
			if (max < st->caps[i].max) {
				st->caps[i].max = max;
				st->caps[i].op = op;
			}
			return;
		}
	drop_caps(st, mask);
	if (st->nr_caps < SAN_MAX_CAPS)
		st->caps[st->nr_caps++] = (struct san_cap){ mask, max, op };
}

static void san_apply(struct san_state *st, const struct idreg_sanitised_op *op)
{
	uint64_t m = op->mask, field;

	switch (op->kind) {
	case IDREG_SANITISED_CLEAR:
		drop_caps(st, m);
		set_known(st, m, 0, op);
		break;
	case IDREG_SANITISED_SET:
		drop_caps(st, m);
		set_known(st, op->value & m, op->value, op);
		break;
	case IDREG_SANITISED_ANY:
		drop_caps(st, m);
		st->known &= ~m;
		break;
	case IDREG_SANITISED_CAP:
		if ((st->known & m) == m) {
			field = (st->val & m) >> lsb_of(m);
			if (field > op->value)
				set_known(st, m, op->value << lsb_of(m), op);
		} else {
			st->known &= ~m;
			add_cap(st, m, op->value, op);
		}
		break;
	}
}

/* The most @st says field @mask can be; false if it says nothing. */
static bool san_bound(const struct san_state *st, uint64_t mask, uint64_t *max,
		      const struct idreg_sanitised_op **op)
{
	unsigned int i;

	if ((st->known & mask) == mask) {
		*max = (st->val & mask) >> lsb_of(mask);
		*op = st->origin[lsb_of(mask)];
		return true;
	}
	for (i = 0; i < st->nr_caps; i++)
		if (st->caps[i].mask == mask) {
			*max = st->caps[i].max;
			*op = st->caps[i].op;
			return true;
		}
	return false;
}

static void join_cap(struct san_state *out, const struct san_state *a,
		     const struct san_state *b, uint64_t mask)
{
	const struct idreg_sanitised_op *oa, *ob;
	uint64_t ma, mb;

	if ((out->known & mask) == mask || !san_bound(a, mask, &ma, &oa) ||
	    !san_bound(b, mask, &mb, &ob))
		return;
	add_cap(out, mask, ma > mb ? ma : mb, ma > mb ? oa : ob);
}

/* What holds whether or not an operation happened: @a without it, @b with. */
static void san_join(struct san_state *a, const struct san_state *b)
{
	struct san_state out = *a;
	unsigned int i;

	out.known = a->known & b->known & ~(a->val ^ b->val);
	out.val = a->val & out.known;
	out.nr_caps = 0;
	for (i = 0; i < a->nr_caps; i++)
		join_cap(&out, a, b, a->caps[i].mask);
	for (i = 0; i < b->nr_caps; i++)
		join_cap(&out, a, b, b->caps[i].mask);
	*a = out;
}

static bool san_applies(const struct idreg_sanitised_op *op, unsigned int features)
{
	return !(op->when & ~features) && !(op->unless & features);
}

bool idreg_sanitised_by_features(unsigned int slot, uint64_t mask, unsigned int features)
{
	const struct idreg_sanitised_op *op;
	unsigned int i, j;

	for (i = 0; i < idreg_nr_declared_series; i++)
		for (j = 0; j < idreg_declared_series[i].nr_sanitised; j++) {
			op = &idreg_declared_series[i].sanitised[j];
			if (op->slot == slot && (op->mask & mask) && op->when &&
			    !(op->when & ~features) && !(op->unless & features))
				return true;
		}
	return false;
}

bool idreg_sanitised_has(const struct idreg_declared_series *s, unsigned int slot)
{
	unsigned int i;

	for (i = 0; i < s->nr_sanitised; i++)
		if (s->sanitised[i].slot == slot)
			return true;
	return false;
}

static unsigned int san_problem(struct idreg_sanitised_problem *out, unsigned int n,
				unsigned int cap, const struct idreg_sanitised_op *op,
				uint64_t mask, uint64_t val)
{
	if (n < cap)
		out[n] = (struct idreg_sanitised_problem){ op, mask, val & mask };
	return n + 1;
}

/* @st: what @s's sanitising code leaves of @slot on a VM with @features. */
static void san_run(const struct idreg_declared_series *s, unsigned int slot,
		    unsigned int features, struct san_state *st)
{
	struct san_state with;
	unsigned int i;

	memset(st, 0, sizeof(*st));
	for (i = 0; i < s->nr_sanitised; i++) {
		const struct idreg_sanitised_op *op = &s->sanitised[i];

		if (op->slot != slot || !san_applies(op, features))
			continue;
		if (!op->host) {
			san_apply(st, op);
			continue;
		}
		with = *st;
		san_apply(&with, op);
		san_join(st, &with);
	}
}

unsigned int idreg_sanitised_check(const struct idreg_declared_series *s, unsigned int slot,
				   unsigned int features, uint64_t val,
				   struct idreg_sanitised_problem *out, unsigned int cap,
				   unsigned int *checked)
{
	struct san_state st;
	const struct idreg_sanitised_op *seen[64];
	unsigned int i, b, n = 0, nr_seen = 0, j;
	uint64_t bad;

	san_run(s, slot, features, &st);
	/* One problem per operation whose known bits the default breaks. */
	bad = (val ^ st.val) & st.known;
	for (b = 0; b < 64; b++) {
		const struct idreg_sanitised_op *op = st.origin[b];
		uint64_t mask = 0;

		if (!(st.known >> b & 1))
			continue;
		for (j = 0; j < nr_seen && seen[j] != op; j++)
			;
		if (j < nr_seen)
			continue;
		seen[nr_seen++] = op;
		for (j = b; j < 64; j++)
			if (st.known >> j & 1 && st.origin[j] == op)
				mask |= 1ULL << j;
		if (bad & mask)
			n = san_problem(out, n, cap, op, mask, val);
	}
	for (i = 0; i < st.nr_caps; i++)
		if ((val & st.caps[i].mask) >> lsb_of(st.caps[i].mask) > st.caps[i].max)
			n = san_problem(out, n, cap, st.caps[i].op, st.caps[i].mask, val);
	*checked = nr_seen + st.nr_caps;
	return n;
}

/* The bits of @slot that @s's sanitising code surely clears for @features. */
static uint64_t san_zero(const struct idreg_declared_series *s, unsigned int slot,
			 unsigned int features)
{
	struct san_state st;

	san_run(s, slot, features, &st);
	return st.known & ~st.val;
}

/*
 * What a feature hides that the sanitising code does not say: the
 * per-vCPU resets gen/sanitised_resets.txt lists, which the generator
 * does not read.  reset_clidr() (6.12 and 7.3) gives the tag cache a type
 * (CLIDR_EL1.Ttype<loc>) only when kvm_has_mte().  A field here must not
 * also come from the table (test_declared checks).
 */
static const struct {
	const char *reg;
	uint64_t mask;
	unsigned int feature;
} reset_hides[] = {
	{ "CLIDR_EL1", 0x00007ffe00000000ULL, IDREG_VCPU_MTE },	/* Ttype1..7, 46:33 */
};

uint64_t idreg_vcpu_reset_bits(unsigned int slot, unsigned int feature)
{
	const struct idreg_reg *reg = idreg_reg_by_slot(slot);
	uint64_t bits = 0;
	unsigned int i;

	for (i = 0; reg && i < ARRAY_SIZE(reset_hides); i++)
		if ((reset_hides[i].feature & feature) && !strcmp(reg->name, reset_hides[i].reg))
			bits |= reset_hides[i].mask;
	return bits;
}

uint64_t idreg_vcpu_sanitised_bits(const struct idreg_declared_series *s, unsigned int slot,
				   unsigned int feature)
{
	unsigned int i, f, also;
	uint64_t bits = 0;

	for (i = 0; s && i < IDREG_VCPU_NR_FEATURES; i++) {
		f = 1U << i;
		if (!(feature & f))
			continue;
		also = idreg_vcpu_feature_also(f);
		bits |= san_zero(s, slot, also) & ~san_zero(s, slot, f | also);
	}
	return bits;
}

uint64_t idreg_vcpu_feature_bits(const struct idreg_declared_series *s, unsigned int slot,
				 unsigned int feature)
{
	return idreg_vcpu_sanitised_bits(s, slot, feature) | idreg_vcpu_reset_bits(slot, feature);
}

unsigned int idreg_vcpu_field_feature(const struct idreg_declared_series *s,
				      const struct idreg_reg *reg, const struct idreg_field *f)
{
	int slot = reg && f && idreg_field_is_named(f) ? idreg_reg_slot(reg) : -1;
	uint64_t mask;
	unsigned int i;

	if (slot < 0)
		return 0;
	mask = idreg_field_mask(f->lsb, f->width);
	for (i = 0; i < IDREG_VCPU_NR_FEATURES; i++)
		if ((idreg_vcpu_feature_bits(s, slot, 1U << i) & mask) == mask)
			return 1U << i;
	return 0;
}

const struct idreg_declared_series *idreg_declared_of_release(const char *release)
{
	unsigned int version = release ? idreg_kernel_version(release) : 0;
	enum idreg_decl_match match;

	if (!version)
		return &idreg_declared_series[0];
	return idreg_declared_for(version, &match);
}

const struct idreg_declared_series *idreg_declared_newer(unsigned int version)
{
	const struct idreg_declared_series *best = NULL;
	unsigned int i;

	for (i = 0; i < idreg_nr_declared_series; i++)
		if (idreg_declared_series[i].version > version &&
		    (!best || idreg_declared_series[i].version < best->version))
			best = &idreg_declared_series[i];
	return best;
}

bool idreg_between_known(unsigned int version,
			 const struct idreg_declared_series **older,
			 const struct idreg_declared_series **newer)
{
	enum idreg_decl_match match;
	const struct idreg_declared_series *o = idreg_declared_for(version, &match);

	if (!o || match != IDREG_DECL_BETWEEN)
		return false;
	*older = o;
	*newer = idreg_declared_newer(version);
	return *newer != NULL;
}

enum idreg_since idreg_since_known(unsigned int since, unsigned int version)
{
	enum idreg_decl_match match;
	const struct idreg_declared_series *before;

	if (!since || version >= since)
		return IDREG_SINCE_YES;
	/* The newest series read before @since lacks it; so do older kernels. */
	before = idreg_declared_for(since - 1, &match);
	if (!before || version <= before->version)
		return IDREG_SINCE_NO;
	return IDREG_SINCE_BETWEEN;
}

bool idreg_declared_mask_any(unsigned int version, unsigned int slot, bool aarch32_el0)
{
	enum idreg_decl_match match;
	const struct idreg_declared_series *s = idreg_declared_for(version, &match), *o, *n;

	if (idreg_between_known(version, &o, &n))
		return idreg_declared_mask(o, slot, aarch32_el0) ||
		       idreg_declared_mask(n, slot, aarch32_el0);
	return s && idreg_declared_mask(s, slot, aarch32_el0);
}

/* One series' check: EXACT or NEWER (@newer). */
static bool mask_check_one(const struct idreg_declared_series *s, bool newer,
			   unsigned int slot, bool aarch32_el0, uint64_t got,
			   char *buf, size_t size)
{
	const struct idreg_reg *reg = idreg_reg_by_slot(slot);
	const struct idreg_declared_reg *d = idreg_declared_reg(s, slot);
	uint64_t want = idreg_declared_mask(s, slot, aarch32_el0);
	uint64_t lost = want & ~got, gained = got & ~want;
	char bits[512], what[160];

	snprintf(what, sizeof(what), "%s %s sys_regs.c%s%s",
		 newer ? "newer than the newest series read," : "as", s->series,
		 d ? " " : "", d ? d->setter : "");
	if (lost) {
		snprintf(buf, size, ": declared writable but not: %s (%s)",
			 idreg_describe_bits(reg, lost, bits, sizeof(bits)), what);
		return false;
	}
	if (gained && !newer) {
		snprintf(buf, size, ": writable but not declared: %s (%s)",
			 idreg_describe_bits(reg, gained, bits, sizeof(bits)), what);
		return false;
	}
	if (gained)
		snprintf(buf, size, ": new writable field: %s (%s)",
			 idreg_describe_bits(reg, gained, bits, sizeof(bits)), what);
	else
		snprintf(buf, size, " %s", what);
	return true;
}

/* "; GPA (27:24) not writable, as in 7.2 (6.12 declared it)" after @buf. */
static void follows(char *buf, size_t size, const struct idreg_reg *reg, uint64_t bits,
		    const char *what, const struct idreg_declared_series *as,
		    const struct idreg_declared_series *other, const char *other_did)
{
	size_t used = strlen(buf);
	char names[512];

	if (bits && used + 1 < size)
		snprintf(buf + used, size - used, "; %s %s, as in %s (%s %s)",
			 idreg_describe_bits(reg, bits, names, sizeof(names)), what,
			 as->series, other->series, other_did);
}

bool idreg_declared_mask_check(unsigned int version, unsigned int slot, bool aarch32_el0,
			       uint64_t got, char *buf, size_t size)
{
	const struct idreg_reg *reg = idreg_reg_by_slot(slot);
	const struct idreg_declared_series *o, *n, *s;
	enum idreg_decl_match match;
	uint64_t wo, wn, both, either, lost, gained, as_o, as_n;
	char bits[512];

	buf[0] = 0;
	if (!idreg_between_known(version, &o, &n)) {
		s = idreg_declared_for(version, &match);
		if (!s) {
			snprintf(buf, size, ": kernel older than every series read");
			return true;
		}
		return mask_check_one(s, match == IDREG_DECL_NEWER, slot, aarch32_el0, got,
				      buf, size);
	}
	wo = idreg_declared_mask(o, slot, aarch32_el0);
	wn = idreg_declared_mask(n, slot, aarch32_el0);
	both = wo & wn;
	either = wo ^ wn;
	lost = both & ~got;
	gained = got & ~(wo | wn);
	if (lost) {
		snprintf(buf, size, ": declared writable but not: %s (by both %s and %s sys_regs.c)",
			 idreg_describe_bits(reg, lost, bits, sizeof(bits)), o->series, n->series);
		return false;
	}
	if (gained) {
		snprintf(buf, size, ": writable but not declared: %s (by neither %s nor %s sys_regs.c)",
			 idreg_describe_bits(reg, gained, bits, sizeof(bits)), o->series, n->series);
		return false;
	}
	/* Which series each disputed bit follows: writable where it declares. */
	as_n = either & ~(got ^ wn);
	as_o = either & ~as_n;
	snprintf(buf, size, " as both %s and %s sys_regs.c declare", o->series, n->series);
	follows(buf, size, reg, as_n & wn, "writable", n, o, "did not declare it");
	follows(buf, size, reg, as_n & ~wn, "not writable", n, o, "declared it");
	follows(buf, size, reg, as_o & wo, "writable", o, n, "does not declare it");
	follows(buf, size, reg, as_o & ~wo, "not writable", o, n, "declares it");
	return true;
}

#define SAN_MAX_PROBLEMS	16

unsigned int idreg_sanitised_check_kernel(unsigned int version, unsigned int slot,
					  unsigned int features, uint64_t val,
					  struct idreg_sanitised_problem *out, unsigned int cap,
					  unsigned int *checked)
{
	struct idreg_sanitised_problem pn[SAN_MAX_PROBLEMS], po[SAN_MAX_PROBLEMS];
	const struct idreg_declared_series *o, *n;
	enum idreg_decl_match match;
	unsigned int nn, no, i, j, k = 0, unused;

	if (!idreg_between_known(version, &o, &n)) {
		o = idreg_declared_for(version, &match);
		*checked = 0;
		return o ? idreg_sanitised_check(o, slot, features, val, out, cap, checked) : 0;
	}
	nn = idreg_sanitised_check(n, slot, features, val, pn, SAN_MAX_PROBLEMS, checked);
	no = idreg_sanitised_check(o, slot, features, val, po, SAN_MAX_PROBLEMS, &unused);
	for (i = 0; i < nn && i < SAN_MAX_PROBLEMS; i++) {
		for (j = 0; j < no && j < SAN_MAX_PROBLEMS; j++)
			if (pn[i].mask & po[j].mask)
				break;
		if (j == no || j == SAN_MAX_PROBLEMS)
			continue;
		if (k < cap)
			out[k] = pn[i];
		k++;
	}
	return k;
}
