// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host profiles: traits, writability and differences between two hosts.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idregs/declared.h"
#include "idregs/field.h"
#include "idregs/profile.h"

static void msgs_put(struct idreg_msgs *m, struct idreg_msg_about about, char *s)
{
	struct idreg_msg_about *ab;
	char **v;

	v = s ? realloc(m->v, (m->nr + 1) * sizeof(*v)) : NULL;
	if (v)
		m->v = v;
	ab = v ? realloc(m->about, (m->nr + 1) * sizeof(*ab)) : NULL;
	if (!ab) {
		free(s);
		m->oom = true;
		return;
	}
	m->about = ab;
	m->about[m->nr] = about;
	m->v[m->nr++] = s;
}

static __printf(3, 0) void msgs_vadd(struct idreg_msgs *m, struct idreg_msg_about about,
				      const char *fmt, va_list ap)
{
	va_list again;
	char *s;
	int n;

	va_copy(again, ap);
	n = vsnprintf(NULL, 0, fmt, ap);
	s = n < 0 ? NULL : malloc(n + 1);
	if (s)
		vsnprintf(s, n + 1, fmt, again);
	va_end(again);
	msgs_put(m, about, s);
}

void idreg_msgs_add(struct idreg_msgs *m, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	msgs_vadd(m, (struct idreg_msg_about){ .slot = -1 }, fmt, ap);
	va_end(ap);
}

void idreg_msgs_add_about(struct idreg_msgs *m, struct idreg_msg_about about,
			  const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	msgs_vadd(m, about, fmt, ap);
	va_end(ap);
}

void idreg_msgs_append(struct idreg_msgs *dst, const struct idreg_msgs *src)
{
	unsigned int i;

	for (i = 0; i < src->nr; i++)
		msgs_put(dst, src->about[i], strdup(src->v[i]));
	dst->oom |= src->oom;
}

void idreg_msgs_free(struct idreg_msgs *m)
{
	unsigned int i;

	for (i = 0; i < m->nr; i++)
		free(m->v[i]);
	free(m->v);
	free(m->about);
	memset(m, 0, sizeof(*m));
}

void idreg_profile_init(struct idreg_profile *p, const char *label)
{
	memset(p, 0, sizeof(*p));
	snprintf(p->label, sizeof(p->label), "%s", label ? label : "");
	p->vcpu = idreg_vcpu_config_default();
}

void idreg_profile_traits(const struct idreg_profile *p,
			  struct idreg_vm_traits *t)
{
	/* idreg apply enables the capability whenever KVM has it. */
	idreg_vm_traits_init(t, p->value, p->imp_id_cap, p->release);
	idreg_vm_traits_set_features(t, p->features);
}

void idreg_profile_restrict(struct idreg_profile *p, unsigned int features)
{
	const struct idreg_declared_series *s = idreg_declared_of_release(p->release);
	unsigned int slot, i;
	uint64_t hide = 0;

	for (slot = 0; slot < IDREG_NR_SLOTS; slot++) {
		hide = 0;
		for (i = 0; i < IDREG_VCPU_NR_FEATURES; i++)
			if (p->features & ~features & 1U << i)
				hide |= idreg_vcpu_feature_bits(s, slot, 1U << i);
		p->value[slot] &= ~hide;
	}
	p->features &= features;
}

void idreg_profile_lacks(const struct idreg_profile *p, unsigned int feature,
			 char *buf, size_t size)
{
	char have[96];

	idreg_vcpu_features_describe(p->features, have, sizeof(have));
	if ((p->offered_known && !(p->offered & feature)) ||
	    (p->vcpu->if_offered & feature))
		snprintf(buf, size, "KVM does not offer %s there (vCPU %s: %s)",
			 idreg_vcpu_feature_name(feature), p->vcpu->name, have);
	else
		snprintf(buf, size, "dumped with vCPU configuration %s (%s), which does not ask for %s",
			 p->vcpu->name, have, idreg_vcpu_feature_name(feature));
}

bool idreg_profile_field_writable(const struct idreg_profile *p,
				  unsigned int slot,
				  const struct idreg_field *field)
{
	uint64_t fm = idreg_field_mask(field->lsb, field->width);

	return slot < IDREG_NR_SLOTS && (p->mask[slot] & fm) == fm;
}

/* A growing array of changes; on ENOMEM it is freed and stays so. */
struct changes {
	struct idreg_diff *d;
	bool oom;
};

static struct idreg_change *change_add(struct changes *cs,
				       enum idreg_change_kind kind,
				       unsigned int slot, uint64_t bits,
				       uint64_t before, uint64_t after)
{
	struct idreg_diff *d = cs->d;
	struct idreg_change *v, *c;
	char buf[32];

	if (cs->oom)
		return NULL;
	v = realloc(d->v, (d->nr + 1) * sizeof(*v));
	if (!v) {
		cs->oom = true;
		return NULL;
	}
	d->v = v;
	c = &v[d->nr++];
	memset(c, 0, sizeof(*c));
	c->kind = kind;
	c->slot = slot;
	c->bits = bits;
	c->before = before;
	c->after = after;
	if (slot < IDREG_NR_SLOTS)
		snprintf(c->reg, sizeof(c->reg), "%s",
			 idreg_slot_name(slot, buf, sizeof(buf)));
	snprintf(c->prop, sizeof(c->prop), "%s", c->reg);
	return c;
}

/* 0 not writable, 1 partly, 2 wholly: the order "became writable" climbs. */
static int writable_rank(uint64_t w, uint64_t bits)
{
	return w == bits ? 2 : w ? 1 : 0;
}

static enum idreg_change_kind writable_kind(uint64_t bits, uint64_t wa,
					    uint64_t wb)
{
	int ra = writable_rank(wa, bits), rb = writable_rank(wb, bits);

	if (ra != rb)
		return rb > ra ? IDREG_CHANGE_BECAME_WRITABLE :
				 IDREG_CHANGE_NO_LONGER_WRITABLE;
	return wa & ~wb ? IDREG_CHANGE_NO_LONGER_WRITABLE :
			  IDREG_CHANGE_BECAME_WRITABLE;
}

static void diff_field(const struct idreg_profile *a,
		       const struct idreg_profile *b, unsigned int slot,
		       const struct idreg_reg *reg,
		       const struct idreg_field *f, struct changes *cs)
{
	uint64_t fm = idreg_field_mask(f->lsb, f->width);
	uint64_t va = idreg_field_get(a->value[slot], f->lsb, f->width);
	uint64_t vb = idreg_field_get(b->value[slot], f->lsb, f->width);
	uint64_t wa = a->mask[slot] & fm, wb = b->mask[slot] & fm;
	struct idreg_change *c;
	unsigned int i;

	/* One at a time: the second change_add() may move the first. */
	for (i = 0; i < 2; i++) {
		if (i == 0 && va != vb)
			c = change_add(cs, IDREG_CHANGE_VALUE, slot, fm, va, vb);
		else if (i == 1 && wa != wb)
			c = change_add(cs, writable_kind(fm, wa, wb), slot, fm, wa, wb);
		else
			continue;
		if (!c)
			continue;
		c->field = f;
		idreg_prop_format(c->prop, sizeof(c->prop), reg, f);
	}
}

static void diff_slot(const struct idreg_profile *a,
		      const struct idreg_profile *b, unsigned int slot,
		      struct changes *cs)
{
	const struct idreg_reg *reg = idreg_reg_by_slot(slot);
	uint64_t covered = 0, dv, dm;
	unsigned int i;

	if (a->readable[slot] != b->readable[slot]) {
		change_add(cs, IDREG_CHANGE_READABLE, slot, 0,
			   a->readable[slot], b->readable[slot]);
		return;
	}
	if (!a->readable[slot])
		return;
	for (i = 0; reg && i < reg->nr_fields; i++) {
		if (!idreg_field_is_named(&reg->fields[i]))
			continue;
		covered |= idreg_field_mask(reg->fields[i].lsb,
					    reg->fields[i].width);
		diff_field(a, b, slot, reg, &reg->fields[i], cs);
	}
	/* Bits with no property name: reserved fields, unnamed registers. */
	dv = (a->value[slot] ^ b->value[slot]) & ~covered;
	dm = (a->mask[slot] ^ b->mask[slot]) & ~covered;
	if (dv)
		change_add(cs, IDREG_CHANGE_UNNAMED_VALUE, slot, dv,
			   a->value[slot] & dv, b->value[slot] & dv);
	if (dm)
		change_add(cs, IDREG_CHANGE_UNNAMED_WRITABLE, slot, dm,
			   a->mask[slot] & dm, b->mask[slot] & dm);
}

int idreg_profile_changes(const struct idreg_profile *a,
			  const struct idreg_profile *b, struct idreg_diff *d)
{
	struct changes cs = { .d = d };
	struct idreg_change *c;
	unsigned int slot;

	memset(d, 0, sizeof(*d));
	if (a->imp_id_cap != b->imp_id_cap) {
		c = change_add(&cs, IDREG_CHANGE_CAP, IDREG_NR_SLOTS, 0,
			       a->imp_id_cap, b->imp_id_cap);
		if (c)
			snprintf(c->prop, sizeof(c->prop),
				 "KVM_CAP_ARM_WRITABLE_IMP_ID_REGS");
	}
	for (slot = 0; slot < IDREG_NR_SLOTS; slot++)
		diff_slot(a, b, slot, &cs);
	if (cs.oom) {
		idreg_diff_free(d);
		return -1;
	}
	return 0;
}

void idreg_diff_free(struct idreg_diff *d)
{
	free(d->v);
	memset(d, 0, sizeof(*d));
}

bool idreg_change_is_writability(const struct idreg_change *c)
{
	return c->kind != IDREG_CHANGE_VALUE &&
	       c->kind != IDREG_CHANGE_UNNAMED_VALUE;
}

static const char *writability(uint64_t w, uint64_t bits)
{
	static const char *const words[] = {
		"not writable", "partly writable", "writable",
	};

	return words[writable_rank(w, bits)];
}

void idreg_change_format(const struct idreg_change *c, char *buf, size_t size)
{
	switch (c->kind) {
	case IDREG_CHANGE_CAP:
		snprintf(buf, size, "%s: %s -> %s", c->prop,
			 c->before ? "yes" : "no", c->after ? "yes" : "no");
		break;
	case IDREG_CHANGE_READABLE:
		snprintf(buf, size, "%s: %s -> %s", c->reg,
			 c->before ? "readable" : "not readable",
			 c->after ? "readable" : "not readable");
		break;
	case IDREG_CHANGE_BECAME_WRITABLE:
	case IDREG_CHANGE_NO_LONGER_WRITABLE:
		snprintf(buf, size, "%s: %s -> %s", c->prop,
			 writability(c->before, c->bits),
			 writability(c->after, c->bits));
		break;
	case IDREG_CHANGE_VALUE:
		snprintf(buf, size, "%s: value 0x%" PRIx64 " -> 0x%" PRIx64,
			 c->prop, c->before, c->after);
		break;
	case IDREG_CHANGE_UNNAMED_VALUE:
	case IDREG_CHANGE_UNNAMED_WRITABLE:
		snprintf(buf, size, "%s: unnamed bits 0x%016" PRIx64
			 ": %s 0x%016" PRIx64 " -> 0x%016" PRIx64, c->reg,
			 c->bits, c->kind == IDREG_CHANGE_UNNAMED_VALUE ?
			 "value" : "writable", c->before, c->after);
		break;
	}
}

unsigned int idreg_profile_diff(const struct idreg_profile *a,
				const struct idreg_profile *b,
				struct idreg_msgs *out)
{
	unsigned int before = out->nr, i;
	struct idreg_diff d;
	char line[256];

	if (idreg_profile_changes(a, b, &d)) {
		out->oom = true;
		return 0;
	}
	/* The capability is the caller's to print, as it always was. */
	for (i = 0; i < d.nr; i++) {
		if (d.v[i].kind == IDREG_CHANGE_CAP)
			continue;
		idreg_change_format(&d.v[i], line, sizeof(line));
		idreg_msgs_add(out, "%s", line);
	}
	idreg_diff_free(&d);
	return out->nr - before;
}

/* The markdown report. */

/* "27:24", or "5" for a single bit: the run [@lo, @hi] of a register. */
static void print_bits(FILE *f, unsigned int hi, unsigned int lo)
{
	if (hi == lo)
		fprintf(f, "%u", lo);
	else
		fprintf(f, "%u:%u", hi, lo);
}

/* A field's bits as "hi:lo". */
static void print_mask_bits(FILE *f, uint64_t bits)
{
	unsigned int lo = __builtin_ctzll(bits);

	print_bits(f, 63 - __builtin_clzll(bits), lo);
}

/* The table's head, before its first row (*nr counts the rows). */
static void md_table_head(FILE *f, unsigned int *nr)
{
	if (!(*nr)++)
		fprintf(f, "| property | bits | before | after |\n"
			   "|---|---|---|---|\n");
}

static void md_field_rows(FILE *f, const struct idreg_diff *d,
			  enum idreg_change_kind kind, unsigned int *nr)
{
	const struct idreg_change *c;
	unsigned int i;

	for (i = 0; i < d->nr; i++) {
		c = &d->v[i];
		if (c->kind != kind)
			continue;
		md_table_head(f, nr);
		fprintf(f, "| `%s` | ", c->prop);
		print_mask_bits(f, c->bits);
		if (kind == IDREG_CHANGE_VALUE)
			fprintf(f, " | 0x%" PRIx64 " | 0x%" PRIx64 " |\n",
				c->before, c->after);
		else
			fprintf(f, " | %s | %s |\n",
				writability(c->before, c->bits),
				writability(c->after, c->bits));
	}
}

/*
 * One row per run of changed bits that moved the same way, so that each
 * row reads "writable -> not writable" or back, with the bits a person
 * can look up.
 */
static void md_unnamed_rows(FILE *f, const struct idreg_change *c,
			    unsigned int *nr)
{
	unsigned int lo, hi;
	uint64_t run;

	for (lo = 0; lo < 64; lo = hi + 1) {
		hi = lo;
		if (!(c->bits >> lo & 1))
			continue;
		while (hi < 63 && (c->bits >> (hi + 1) & 1) &&
		       (c->after >> (hi + 1) & 1) == (c->after >> lo & 1))
			hi++;
		run = idreg_field_mask(lo, hi - lo + 1);
		if (!(*nr)++)
			fprintf(f, "| register | bits | mask | before | after |\n"
				   "|---|---|---|---|---|\n");
		fprintf(f, "| `%s` | ", c->reg);
		print_bits(f, hi, lo);
		fprintf(f, " | 0x%016" PRIx64 " | %s | %s |\n", run,
			c->before & run ? "writable" : "not writable",
			c->after & run ? "writable" : "not writable");
	}
}

static void md_unnamed_value_rows(FILE *f, const struct idreg_diff *d,
				  unsigned int *nr)
{
	const struct idreg_change *c;
	unsigned int i;

	for (i = 0; i < d->nr; i++) {
		c = &d->v[i];
		if (c->kind != IDREG_CHANGE_UNNAMED_VALUE)
			continue;
		md_table_head(f, nr);
		fprintf(f, "| `%s` unnamed bits | 0x%016" PRIx64
			" | 0x%016" PRIx64 " | 0x%016" PRIx64 " |\n",
			c->reg, c->bits, c->before, c->after);
	}
}

static void md_none(FILE *f, unsigned int nr)
{
	fprintf(f, "%s\n", nr ? "" : "none\n");
}

static void md_heading(FILE *f, const struct idreg_profile *a,
		       const struct idreg_profile *b, bool writable_only)
{
	fprintf(f, "# %s: kernel %s → %s, ",
		writable_only ? "Writable-field report" : "ID register report",
		a->release, b->release);
	if (a->midr == b->midr)
		fprintf(f, "MIDR 0x%" PRIx64 "\n\n", a->midr);
	else
		fprintf(f, "MIDR 0x%" PRIx64 " → 0x%" PRIx64 "\n\n",
			a->midr, b->midr);
	fprintf(f, "- from: `%s`: kernel %s, MIDR 0x%" PRIx64 "\n",
		a->label, a->release, a->midr);
	fprintf(f, "- to: `%s`: kernel %s, MIDR 0x%" PRIx64 "\n",
		b->label, b->release, b->midr);
}

/* Capability and readability: few, so a list under the heading. */
static unsigned int md_register_changes(FILE *f, const struct idreg_diff *d)
{
	char line[256];
	unsigned int i, nr = 0;

	for (i = 0; i < d->nr; i++) {
		if (d->v[i].kind != IDREG_CHANGE_CAP &&
		    d->v[i].kind != IDREG_CHANGE_READABLE)
			continue;
		idreg_change_format(&d->v[i], line, sizeof(line));
		fprintf(f, "- %s\n", line);
		nr++;
	}
	return nr;
}

char *idreg_diff_markdown(const struct idreg_profile *a,
			  const struct idreg_profile *b,
			  const struct idreg_diff *d, bool writable_only,
			  const struct idreg_msgs *vcpu)
{
	unsigned int became = 0, lost = 0, unnamed = 0, values = 0, regs, i;
	char *s = NULL;
	size_t size;
	FILE *f;

	f = open_memstream(&s, &size);
	if (!f)
		return NULL;
	md_heading(f, a, b, writable_only);
	regs = md_register_changes(f, d);
	fprintf(f, "\n## Became writable\n\n");
	md_field_rows(f, d, IDREG_CHANGE_BECAME_WRITABLE, &became);
	md_none(f, became);
	fprintf(f, "## No longer writable\n\n");
	md_field_rows(f, d, IDREG_CHANGE_NO_LONGER_WRITABLE, &lost);
	md_none(f, lost);
	fprintf(f, "## Writable bits no table names\n\n");
	for (i = 0; i < d->nr; i++)
		if (d->v[i].kind == IDREG_CHANGE_UNNAMED_WRITABLE)
			md_unnamed_rows(f, &d->v[i], &unnamed);
	md_none(f, unnamed);
	if (!writable_only) {
		fprintf(f, "## Values changed\n\n");
		md_field_rows(f, d, IDREG_CHANGE_VALUE, &values);
		md_unnamed_value_rows(f, d, &values);
		md_none(f, values);
	}
	if (vcpu) {
		fprintf(f, "## The rest of the vCPU\n\n");
		for (i = 0; i < vcpu->nr; i++)
			fprintf(f, "- %s\n", vcpu->v[i]);
		md_none(f, vcpu->nr);
	}
	fprintf(f, "**Totals:** became writable %u, no longer writable %u, unnamed writable bit runs %u, ",
		became, lost, unnamed);
	if (writable_only)
		fprintf(f, "values not compared (--writable-only), ");
	else
		fprintf(f, "values changed %u, ", values);
	fprintf(f, "capability/readability %u", regs);
	if (vcpu)
		fprintf(f, ", the rest of the vCPU %u", vcpu->nr);
	fprintf(f, ".\n");
	if (fclose(f)) {
		free(s);
		return NULL;
	}
	return s;
}
