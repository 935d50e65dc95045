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

#include "idregs/field.h"
#include "idregs/profile.h"

void idreg_msgs_add(struct idreg_msgs *m, const char *fmt, ...)
{
	char **v;
	char *s;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	s = n < 0 ? NULL : malloc(n + 1);
	if (!s) {
		m->oom = true;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(s, n + 1, fmt, ap);
	va_end(ap);
	v = realloc(m->v, (m->nr + 1) * sizeof(*v));
	if (!v) {
		free(s);
		m->oom = true;
		return;
	}
	v[m->nr++] = s;
	m->v = v;
}

void idreg_msgs_free(struct idreg_msgs *m)
{
	unsigned int i;

	for (i = 0; i < m->nr; i++)
		free(m->v[i]);
	free(m->v);
	memset(m, 0, sizeof(*m));
}

void idreg_profile_init(struct idreg_profile *p, const char *label)
{
	memset(p, 0, sizeof(*p));
	snprintf(p->label, sizeof(p->label), "%s", label ? label : "");
}

void idreg_profile_traits(const struct idreg_profile *p,
			  struct idreg_vm_traits *t)
{
	uint64_t pfr0 = p->value[idreg_slot_index(3, 0, 0, 4, 0)];
	uint64_t ctr = p->value[idreg_slot_index(3, 3, 0, 0, 1)];

	memset(t, 0, sizeof(*t));
	/* idreg apply enables the capability whenever KVM has it. */
	t->imp_id_writable = p->imp_id_cap;
	/* Neither dump nor apply asks for SVE on the vCPU. */
	t->sve = false;
	t->aarch32_el0 = idreg_field_get(pfr0, 0, 4) >= 2;
	t->ctr_idc = ctr >> 28 & 1;
}

bool idreg_profile_field_writable(const struct idreg_profile *p,
				  unsigned int slot,
				  const struct idreg_field *field)
{
	uint64_t fm = idreg_field_mask(field->lsb, field->width);

	return slot < IDREG_NR_SLOTS && (p->mask[slot] & fm) == fm;
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

static const char *writability(const struct idreg_profile *p, unsigned int slot,
			       uint64_t fm)
{
	uint64_t w = p->mask[slot] & fm;

	if (w == fm)
		return "writable";
	return w ? "partly writable" : "not writable";
}

static void diff_field(const struct idreg_profile *a,
		       const struct idreg_profile *b, unsigned int slot,
		       const struct idreg_reg *reg,
		       const struct idreg_field *f, struct idreg_msgs *out)
{
	uint64_t fm = idreg_field_mask(f->lsb, f->width);
	uint64_t va = idreg_field_get(a->value[slot], f->lsb, f->width);
	uint64_t vb = idreg_field_get(b->value[slot], f->lsb, f->width);
	char prop[128];

	idreg_prop_format(prop, sizeof(prop), reg, f);
	if (va != vb)
		idreg_msgs_add(out, "%s: value 0x%" PRIx64 " -> 0x%" PRIx64,
			       prop, va, vb);
	if ((a->mask[slot] & fm) != (b->mask[slot] & fm))
		idreg_msgs_add(out, "%s: %s -> %s", prop,
			       writability(a, slot, fm),
			       writability(b, slot, fm));
}

static void diff_slot(const struct idreg_profile *a,
		      const struct idreg_profile *b, unsigned int slot,
		      struct idreg_msgs *out)
{
	const struct idreg_reg *reg = idreg_reg_by_slot(slot);
	uint64_t covered = 0, dv, dm;
	char buf[32];
	const char *name;
	unsigned int i;

	if (a->readable[slot] != b->readable[slot]) {
		idreg_msgs_add(out, "%s: %s -> %s",
			       idreg_slot_name_buf(slot, buf, sizeof(buf)),
			       a->readable[slot] ? "readable" : "not readable",
			       b->readable[slot] ? "readable" : "not readable");
		return;
	}
	if (!a->readable[slot])
		return;
	for (i = 0; reg && i < reg->nr_fields; i++) {
		if (!idreg_field_is_named(&reg->fields[i]))
			continue;
		covered |= idreg_field_mask(reg->fields[i].lsb,
					    reg->fields[i].width);
		diff_field(a, b, slot, reg, &reg->fields[i], out);
	}
	/* Bits with no property name: reserved fields, unnamed registers. */
	dv = (a->value[slot] ^ b->value[slot]) & ~covered;
	dm = (a->mask[slot] ^ b->mask[slot]) & ~covered;
	name = idreg_slot_name_buf(slot, buf, sizeof(buf));
	if (dv)
		idreg_msgs_add(out, "%s: unnamed bits 0x%016" PRIx64
			       ": value 0x%016" PRIx64 " -> 0x%016" PRIx64,
			       name, dv, a->value[slot] & dv, b->value[slot] & dv);
	if (dm)
		idreg_msgs_add(out, "%s: unnamed bits 0x%016" PRIx64
			       ": writable 0x%016" PRIx64 " -> 0x%016" PRIx64,
			       name, dm, a->mask[slot] & dm, b->mask[slot] & dm);
}

unsigned int idreg_profile_diff(const struct idreg_profile *a,
				const struct idreg_profile *b,
				struct idreg_msgs *out)
{
	unsigned int before = out->nr, slot;

	for (slot = 0; slot < IDREG_NR_SLOTS; slot++)
		diff_slot(a, b, slot, out);
	return out->nr - before;
}

const char *idreg_slot_name_buf(unsigned int slot, char *buf, size_t size)
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

char *idreg_read_file(const char *path, size_t *len, char *err)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	size_t n = 0, cap = 0;
	char *buf = NULL, *nb;

	if (!f) {
		snprintf(err, IDREG_ERR_LEN, "%s: cannot open: %s (errno %d)",
			 path, strerror(errno), errno);
		return NULL;
	}
	for (;;) {
		if (cap - n < 4096) {
			cap = cap ? cap * 2 : 65536;
			nb = realloc(buf, cap + 1);
			if (!nb) {
				snprintf(err, IDREG_ERR_LEN, "%s: out of memory", path);
				goto fail;
			}
			buf = nb;
		}
		size_t r = fread(buf + n, 1, cap - n, f);

		n += r;
		if (r == 0)
			break;
	}
	if (ferror(f)) {
		snprintf(err, IDREG_ERR_LEN, "%s: read error: %s (errno %d)",
			 path, strerror(errno), errno);
		goto fail;
	}
	if (f != stdin)
		fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
fail:
	if (f != stdin)
		fclose(f);
	free(buf);
	return NULL;
}
