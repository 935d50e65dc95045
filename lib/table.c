// SPDX-License-Identifier: GPL-2.0-only
/*
 * Look-ups in the ID register tables and SYSREG_<REG>_<FIELD> names.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <idregs/field.h>

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
		if (reg->fields[i].name && !strcmp(reg->fields[i].name, name))
			return &reg->fields[i];
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

int idreg_prop_format(char *buf, size_t size, const struct idreg_reg *reg,
		      const struct idreg_field *field)
{
	int len = snprintf(buf, size, IDREG_PROP_PREFIX "%s_%s", reg->name,
			   field->name);

	if (len < 0 || (size_t)len >= size)
		return -1;
	return len;
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

int idreg_prop_parse_in(const struct idreg_reg *regs, unsigned int nr,
			const char *prop, const struct idreg_reg **reg,
			const struct idreg_field **field)
{
	const size_t prefix_len = strlen(IDREG_PROP_PREFIX);
	const struct idreg_reg *best = NULL;
	unsigned int i;

	*reg = NULL;
	*field = NULL;
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
		if (f && (!*field || longer_name(&regs[i], *reg))) {
			*reg = &regs[i];
			*field = f;
		}
		if (longer_name(&regs[i], best))
			best = &regs[i];
	}
	if (*field)
		return 0;
	*reg = best;
	return -ENOENT;
}

int idreg_prop_parse(const char *prop, const struct idreg_reg **reg,
		     const struct idreg_field **field)
{
	return idreg_prop_parse_in(idreg_regs, idreg_nr_regs, prop, reg, field);
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
