// SPDX-License-Identifier: GPL-2.0-only
/*
 * CPU models: field assignments by property name, the aliases a model
 * prints, the vCPU options it states.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "idregs/field.h"
#include "idregs/model.h"

void idreg_model_init(struct idreg_model *m)
{
	memset(m, 0, sizeof(*m));
	snprintf(m->name, sizeof(m->name), "host");
	m->q.steal_time = m->q.no_adjvtime = m->q.secure = m->q.kernel_irqchip = -1;
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

int idreg_model_set_name(struct idreg_model *m, const char *name, char *err)
{
	size_t n = strlen(name), i;

	if (!n || n >= sizeof(m->meta.name) || !isalnum((unsigned char)name[0]))
		goto bad;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)name[i]) && !strchr("._-", name[i]))
			goto bad;
	memcpy(m->meta.name, name, n + 1);
	return 0;
bad:
	snprintf(err, IDREG_ERR_LEN, "model name '%s': expected 1-%zu of A-Z a-z 0-9 . _ -, starting with a letter or digit",
		 name, sizeof(m->meta.name) - 1);
	return -1;
}

void idreg_model_set_created(struct idreg_model *m, long long t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm) ||
	    !strftime(m->meta.created, sizeof(m->meta.created), "%Y-%m-%dT%H:%M:%SZ", &tm))
		m->meta.created[0] = '\0';
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
