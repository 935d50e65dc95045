// SPDX-License-Identifier: GPL-2.0-only
/*
 * Look-ups in the ID register tables and SYSREG_<REG>_<FIELD> names.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <idregs/field.h>

static enum idreg_names printed_names = IDREG_NAMES_ARM;

void idreg_set_names(enum idreg_names names)
{
	printed_names = names;
}

enum idreg_names idreg_get_names(void)
{
	return printed_names;
}

const char *idreg_field_name(const struct idreg_field *field)
{
	if (printed_names == IDREG_NAMES_KERNEL && field->kernel_name)
		return field->kernel_name;
	return field->name;
}

bool idreg_field_is_named(const struct idreg_field *field)
{
	switch (field->kind) {
	case IDREG_FIELD_PLAIN:
	case IDREG_FIELD_ENUM:
	case IDREG_FIELD_UNSIGNED_ENUM:
	case IDREG_FIELD_SIGNED_ENUM:
		return true;
	}
	return false;
}

const struct idreg_reg *idreg_reg_by_name_in(const struct idreg_reg *regs,
					     unsigned int nr,
					     const char *name)
{
	unsigned int i;

	for (i = 0; i < nr; i++) {
		if (regs[i].name && !strcmp(regs[i].name, name))
			return &regs[i];
	}
	return NULL;
}

static bool reg_has_encoding(const struct idreg_reg *reg,
			     const struct idreg_encoding *enc)
{
	return reg->op0 == enc->op0 && reg->op1 == enc->op1 &&
	       reg->crn == enc->crn && reg->crm == enc->crm &&
	       reg->op2 == enc->op2;
}

const struct idreg_reg *idreg_reg_by_encoding_in(const struct idreg_reg *regs,
						 unsigned int nr,
						 const struct idreg_encoding *enc)
{
	unsigned int i;

	for (i = 0; i < nr; i++) {
		if (reg_has_encoding(&regs[i], enc))
			return &regs[i];
	}
	return NULL;
}

const struct idreg_reg *idreg_reg_by_name(const char *name)
{
	return idreg_reg_by_name_in(idreg_regs, idreg_nr_regs, name);
}

const struct idreg_reg *idreg_reg_by_encoding(const struct idreg_encoding *enc)
{
	return idreg_reg_by_encoding_in(idreg_regs, idreg_nr_regs, enc);
}

const struct idreg_reg *idreg_reg_by_slot(unsigned int idx)
{
	struct idreg_encoding enc;

	if (idreg_slot_encoding(idx, &enc))
		return NULL;
	return idreg_reg_by_encoding(&enc);
}

const struct idreg_field *idreg_field_by_name(const struct idreg_reg *reg,
					      const char *name)
{
	unsigned int i;

	for (i = 0; i < reg->nr_fields; i++) {
		const struct idreg_field *f = &reg->fields[i];

		if ((f->name && !strcmp(f->name, name)) ||
		    (f->kernel_name && !strcmp(f->kernel_name, name)))
			return f;
	}
	return NULL;
}

const struct idreg_alias *idreg_alias_by_name(const struct idreg_reg *reg,
					      const char *name)
{
	unsigned int i;

	for (i = 0; i < reg->nr_aliases; i++) {
		if (!strcmp(reg->aliases[i].name, name))
			return &reg->aliases[i];
	}
	return NULL;
}

const char *idreg_enum_name(const struct idreg_field *field, uint64_t raw)
{
	unsigned int i;

	for (i = 0; i < field->nr_values; i++) {
		if (field->values[i].value == raw)
			return field->values[i].name;
	}
	return NULL;
}

static int prop_format_name(char *buf, size_t size, const struct idreg_reg *reg,
			    const char *name)
{
	int len = snprintf(buf, size, IDREG_PROP_PREFIX "%s_%s", reg->name, name);

	if (len < 0 || (size_t)len >= size)
		return -1;
	return len;
}

int idreg_prop_format(char *buf, size_t size, const struct idreg_reg *reg,
		      const struct idreg_field *field)
{
	return prop_format_name(buf, size, reg, idreg_field_name(field));
}

int idreg_prop_format_alias(char *buf, size_t size, const struct idreg_reg *reg,
			    const struct idreg_alias *alias)
{
	return prop_format_name(buf, size, reg, alias->name);
}

/* Does @s start with "@name_"?  Returns what follows the '_', or NULL. */
static const char *skip_reg_name(const char *s, const char *name)
{
	size_t len = strlen(name);

	if (strncmp(s, name, len) || s[len] != '_')
		return NULL;
	return s + len + 1;
}

static bool longer_name(const struct idreg_reg *a, const struct idreg_reg *b)
{
	return !b || strlen(a->name) > strlen(b->name);
}

int idreg_prop_lookup_in(const struct idreg_reg *regs, unsigned int nr,
			 const char *prop, const struct idreg_reg **reg,
			 const struct idreg_field **field,
			 const struct idreg_alias **alias)
{
	const size_t prefix_len = strlen(IDREG_PROP_PREFIX);
	const struct idreg_reg *best = NULL;
	const struct idreg_alias *a;
	unsigned int i;

	*reg = NULL;
	*field = NULL;
	if (alias)
		*alias = NULL;
	if (strncmp(prop, IDREG_PROP_PREFIX, prefix_len))
		return -EINVAL;
	prop += prefix_len;

	/*
	 * "A_B_C_D" may be register A_B with field C_D or A_B_C with D; the
	 * longest register name that also has the field wins, so the answer
	 * does not depend on table order.
	 */
	for (i = 0; i < nr; i++) {
		const struct idreg_field *f;
		const char *rest;

		if (!regs[i].name)
			continue;
		rest = skip_reg_name(prop, regs[i].name);
		if (!rest)
			continue;
		f = idreg_field_by_name(&regs[i], rest);
		a = alias && !f ? idreg_alias_by_name(&regs[i], rest) : NULL;
		if ((f || a) && (!*reg || longer_name(&regs[i], *reg))) {
			*reg = &regs[i];
			*field = f;
			if (alias)
				*alias = a;
		}
		if (longer_name(&regs[i], best))
			best = &regs[i];
	}
	if (*reg)
		return 0;
	*reg = best;
	return -ENOENT;
}

int idreg_prop_parse_in(const struct idreg_reg *regs, unsigned int nr,
			const char *prop, const struct idreg_reg **reg,
			const struct idreg_field **field)
{
	return idreg_prop_lookup_in(regs, nr, prop, reg, field, NULL);
}

int idreg_prop_parse(const char *prop, const struct idreg_reg **reg,
		     const struct idreg_field **field)
{
	return idreg_prop_parse_in(idreg_regs, idreg_nr_regs, prop, reg, field);
}

int idreg_prop_lookup(const char *prop, const struct idreg_reg **reg,
		      const struct idreg_field **field,
		      const struct idreg_alias **alias)
{
	return idreg_prop_lookup_in(idreg_regs, idreg_nr_regs, prop, reg, field,
				    alias);
}

/*
 * Edit distance where a change of case costs 1 and any other edit 2, so
 * that "Bigend" is nearer "BigEnd" than "Bigenx" is.
 */
#define SUGGEST_MAX_LEN	96

static unsigned int name_distance(const char *a, const char *b)
{
	unsigned int row[SUGGEST_MAX_LEN + 1], i, j, diag, up, cost;
	size_t la = strlen(a), lb = strlen(b);

	if (la > SUGGEST_MAX_LEN || lb > SUGGEST_MAX_LEN)
		return ~0U;
	for (j = 0; j <= lb; j++)
		row[j] = 2 * j;
	for (i = 1; i <= la; i++) {
		diag = row[0];
		row[0] = 2 * i;
		for (j = 1; j <= lb; j++) {
			up = row[j];
			cost = a[i - 1] == b[j - 1] ? 0 :
			       tolower((unsigned char)a[i - 1]) ==
			       tolower((unsigned char)b[j - 1]) ? 1 : 2;
			row[j] = diag + cost;
			if (up + 2 < row[j])
				row[j] = up + 2;
			if (row[j - 1] + 2 < row[j])
				row[j] = row[j - 1] + 2;
			diag = up;
		}
	}
	return row[lb];
}

struct suggestion {
	const char *prop;
	char best[128];
	unsigned int dist;
};

static void consider(struct suggestion *s, const struct idreg_reg *reg,
		     const char *name)
{
	char cand[128];
	unsigned int d;

	if (prop_format_name(cand, sizeof(cand), reg, name) < 0)
		return;
	d = name_distance(s->prop, cand);
	if (d < s->dist) {
		s->dist = d;
		memcpy(s->best, cand, sizeof(cand));
	}
}

/* Up to three edits (six points): further away is not a misspelling. */
#define SUGGEST_MAX_DIST	6

const char *idreg_prop_suggest_in(const struct idreg_reg *regs,
				  unsigned int nr, const char *prop,
				  char *buf, size_t size)
{
	struct suggestion s = { .prop = prop, .dist = SUGGEST_MAX_DIST + 1 };
	unsigned int i, j;

	for (i = 0; i < nr; i++) {
		for (j = 0; j < regs[i].nr_fields; j++) {
			const struct idreg_field *f = &regs[i].fields[j];

			if (!idreg_field_is_named(f))
				continue;
			consider(&s, &regs[i], f->name);
			if (f->kernel_name)
				consider(&s, &regs[i], f->kernel_name);
		}
		for (j = 0; j < regs[i].nr_aliases; j++)
			consider(&s, &regs[i], regs[i].aliases[j].name);
	}
	if (s.dist > SUGGEST_MAX_DIST || !size)
		return NULL;
	snprintf(buf, size, "%s", s.best);
	return buf;
}

const char *idreg_prop_suggest(const char *prop, char *buf, size_t size)
{
	return idreg_prop_suggest_in(idreg_regs, idreg_nr_regs, prop, buf, size);
}

const char *idreg_slot_name(unsigned int slot, char *buf, size_t size)
{
	const struct idreg_reg *reg = idreg_reg_by_slot(slot);
	struct idreg_encoding e;

	if (reg)
		return reg->name;
	if (idreg_slot_encoding(slot, &e))
		snprintf(buf, size, "slot %u", slot);
	else
		snprintf(buf, size, "S3_%u_C0_C%u_%u", e.op1, e.crm, e.op2);
	return buf;
}
