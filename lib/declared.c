// SPDX-License-Identifier: GPL-2.0-only
/* Declared writable masks: see idregs/declared.h. */
#include <stdio.h>
#include <string.h>

#include "idregs/declared.h"
#include "idregs/field.h"
#include "idregs/kvm_rules.h"

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
