// SPDX-License-Identifier: GPL-2.0-only
/* Findings as commands: see idregs/repro.h. */
#include <stdio.h>

#include "idregs/field.h"
#include "idregs/repro.h"

/* The one named field of @reg in which @a and @b differ, or NULL. */
static const struct idreg_field *only_field(const struct idreg_reg *reg, uint64_t a, uint64_t b)
{
	const struct idreg_field *found = NULL;
	uint64_t diff = a ^ b, covered = 0, m;
	unsigned int i;

	for (i = 0; reg && diff && i < reg->nr_fields; i++) {
		const struct idreg_field *f = &reg->fields[i];

		if (!idreg_field_is_named(f))
			continue;
		m = idreg_field_mask(f->lsb, f->width);
		if (!(diff & m))
			continue;
		if (found)
			return NULL;
		found = f;
		covered |= m;
	}
	return found && !(diff & ~covered) ? found : NULL;
}

const char *idreg_try_line(char *buf, size_t size, unsigned int slot,
			   const struct idreg_reg *reg, uint64_t limit, uint64_t val,
			   const char *config, bool imp_id)
{
	const struct idreg_field *f = only_field(reg, limit, val);
	char name[32];
	const char *rname = idreg_slot_name(slot, name, sizeof(name));
	int n;

	if (f)
		n = snprintf(buf, size, "idreg try %s.%s=0x%llx", rname, idreg_field_name(f),
			     (unsigned long long)idreg_field_get(val, f->lsb, f->width));
	else
		n = snprintf(buf, size, "idreg try %s=0x%016llx", rname, (unsigned long long)val);
	if (n >= 0 && (size_t)n < size)
		snprintf(buf + n, size - n, " --vcpu %s%s", config ? config : "default",
			 imp_id ? " --imp-id" : "");
	return buf;
}
