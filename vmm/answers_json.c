// SPDX-License-Identifier: GPL-2.0-only
/*
 * The CLI's answers as JSON (idregs/answers.h): list, compare, baseline,
 * guest-check.
 */
#include <inttypes.h>
#include <stdio.h>

#include "idregs/answers.h"
#include "idregs/field.h"
#include "json.h"

/* Set @key of @obj to @v (consumed); *@bad on failure. */
static void put(json_t *obj, const char *key, json_t *v, int *bad)
{
	*bad |= !obj || !v || json_object_set_new(obj, key, v);
}

static void push(json_t *arr, json_t *v, int *bad)
{
	*bad |= !arr || !v || json_array_append_new(arr, v);
}

static json_t *register_name(unsigned int slot)
{
	char buf[32];

	return json_string(idreg_slot_name(slot, buf, sizeof(buf)));
}

/* The property of the named field whose bits are @bits of @slot, or NULL. */
static const char *field_of_bits(unsigned int slot, uint64_t bits)
{
	const struct idreg_reg *reg = idreg_reg_by_slot(slot);
	static char prop[128];
	unsigned int i;

	for (i = 0; reg && i < reg->nr_fields; i++) {
		const struct idreg_field *f = &reg->fields[i];

		if (idreg_field_is_named(f) && idreg_field_mask(f->lsb, f->width) == bits &&
		    idreg_prop_format(prop, sizeof(prop), reg, f) >= 0)
			return prop;
	}
	return NULL;
}

static json_t *msgs_json(const struct idreg_msgs *m, int *bad)
{
	json_t *a = json_array(), *o;
	const char *field;
	unsigned int i;

	for (i = 0; i < m->nr; i++) {
		const struct idreg_msg_about *ab = &m->about[i];

		o = json_object();
		put(o, "message", json_string(m->v[i]), bad);
		if (ab->slot >= 0) {
			put(o, "register", register_name(ab->slot), bad);
			put(o, "bits", idreg_json_hex(ab->bits), bad);
			field = field_of_bits(ab->slot, ab->bits);
			if (field)
				put(o, "property", json_string(field), bad);
		}
		if (ab->feature)
			put(o, "feature", json_string(idreg_vcpu_feature_name(ab->feature)), bad);
		push(a, o, bad);
	}
	if (m->oom)
		push(a, json_pack("{s:s}", "message", "out of memory: messages lost"), bad);
	return a;
}

static json_t *field_json(const struct idreg_reg *reg, const struct idreg_field *f,
			  const struct idreg_profile *p, unsigned int slot, int *bad)
{
	json_t *o = json_object(), *values = json_array();
	char prop[128];
	unsigned int i;

	idreg_prop_format(prop, sizeof(prop), reg, f);
	put(o, "name", json_string(idreg_field_name(f)), bad);
	put(o, "property", json_string(prop), bad);
	put(o, "lsb", json_integer(f->lsb), bad);
	put(o, "width", json_integer(f->width), bad);
	put(o, "mask", idreg_json_hex(idreg_field_mask(f->lsb, f->width)), bad);
	put(o, "policy", json_string(idreg_policy_str(f->policy.type)), bad);
	put(o, "signed", json_boolean(f->is_signed), bad);
	if (f->kernel_name)
		put(o, "kernel_name", json_string(f->kernel_name), bad);
	if (p)
		put(o, "value", idreg_json_hex(idreg_field_get(p->value[slot], f->lsb, f->width)),
		    bad);
	for (i = 0; i < f->nr_values; i++)
		push(values, json_pack("{s:o, s:s, s:s}", "value", idreg_json_hex(f->values[i].value),
				       "name", f->values[i].name,
				       "meaning", f->values[i].meaning ? f->values[i].meaning : ""),
		     bad);
	put(o, "values", values, bad);
	return o;
}

static json_t *aliases_json(const struct idreg_reg *reg, int *bad)
{
	json_t *a = json_array();
	char prop[128];
	unsigned int i;

	for (i = 0; i < reg->nr_aliases; i++) {
		const struct idreg_alias *al = &reg->aliases[i];

		idreg_prop_format_alias(prop, sizeof(prop), reg, al);
		push(a, json_pack("{s:s, s:i, s:i, s:o}", "property", prop, "lsb", al->lsb,
				  "width", al->width,
				  "mask", idreg_json_hex(idreg_field_mask(al->lsb, al->width))),
		     bad);
	}
	return a;
}

/* As idreg list prints it: the registers with a named (and writable) field. */
char *idreg_list_to_json(const struct idreg_profile *p)
{
	json_t *regs = json_array(), *r, *fields;
	unsigned int i, k;
	char key[32];
	int slot, bad = 0;

	for (i = 0; i < idreg_nr_regs && !bad; i++) {
		const struct idreg_reg *reg = &idreg_regs[i];

		slot = idreg_reg_slot(reg);
		if (slot < 0 || (p && !p->readable[slot]))
			continue;
		fields = json_array();
		for (k = 0; k < reg->nr_fields; k++) {
			const struct idreg_field *f = &reg->fields[k];

			if (!idreg_field_is_named(f) ||
			    (p && !idreg_profile_field_writable(p, slot, f)))
				continue;
			push(fields, field_json(reg, f, p, slot, &bad), &bad);
		}
		if (!json_array_size(fields)) {
			json_decref(fields);
			continue;
		}
		snprintf(key, sizeof(key), "S3_%u_C0_C%u_%u", reg->op1, reg->crm, reg->op2);
		r = json_pack("{s:s, s:s, s:o}", "name", reg->name, "key", key, "fields", fields);
		put(r, "aliases", aliases_json(reg, &bad), &bad);
		push(regs, r, &bad);
	}
	r = json_pack("{s:s, s:o}", "format", "idregs-list-1", "registers", regs);
	if (r && p)
		put(r, "profile", json_string(p->label), &bad);
	if (bad) {
		json_decref(r);
		return NULL;
	}
	return idreg_json_dump(r, JSON_INDENT(1));
}

char *idreg_compare_to_json(const char *profile, const char *model, const struct idreg_model *m,
			    const struct idreg_msgs *problems, const struct idreg_msgs *notes,
			    const struct idreg_msgs *unknown)
{
	json_t *root;
	int bad = 0;

	root = json_pack("{s:s, s:s, s:s, s:i, s:b}", "format", "idregs-compare-1",
			 "profile", profile, "model", model, "properties", m->nr,
			 "accepted", !problems->nr && !unknown->nr);
	put(root, "problems", msgs_json(problems, &bad), &bad);
	put(root, "unpredictable", msgs_json(unknown, &bad), &bad);
	put(root, "notes", msgs_json(notes, &bad), &bad);
	if (bad) {
		json_decref(root);
		return NULL;
	}
	return idreg_json_dump(root, JSON_INDENT(1));
}

char *idreg_migrate_to_json(const char *source, const char *dest,
			    const struct idreg_msgs *problems, const struct idreg_msgs *notes)
{
	json_t *root;
	int bad = 0;

	root = json_pack("{s:s, s:s, s:s, s:b}", "format", "idregs-migrate-1",
			 "source", source, "dest", dest, "accepted", !problems->nr);
	put(root, "problems", msgs_json(problems, &bad), &bad);
	put(root, "notes", msgs_json(notes, &bad), &bad);
	if (bad) {
		json_decref(root);
		return NULL;
	}
	return idreg_json_dump(root, JSON_INDENT(1));
}

char *idreg_baseline_to_json(const struct idreg_model *m, unsigned int nr,
			     const struct idreg_msgs *dropped, const struct idreg_msgs *blocking,
			     const struct idreg_msgs *notes)
{
	json_t *root;
	char features[96];
	int bad = 0;

	idreg_vcpu_features_describe(m->features, features, sizeof(features));
	root = json_pack("{s:s, s:i, s:s, s:b}", "format", "idregs-baseline-1", "hosts", nr,
			 "features", features, "migratable", !blocking->nr);
	put(root, "model", idreg_model_json(m), &bad);
	put(root, "dropped", msgs_json(dropped, &bad), &bad);
	put(root, "blocking", msgs_json(blocking, &bad), &bad);
	put(root, "notes", msgs_json(notes, &bad), &bad);
	if (bad) {
		json_decref(root);
		return NULL;
	}
	return idreg_json_dump(root, JSON_INDENT(1));
}

static json_t *diff_json(const struct idreg_guest_diff *d, int *bad)
{
	json_t *o = json_object();
	char key[32];

	put(o, "key", json_string(idreg_qemu_slot_key(d->slot, key, sizeof(key))), bad);
	put(o, "register", register_name(d->slot), bad);
	switch (d->kind) {
	case IDREG_GUEST_DIFF_MISSING:
		put(o, "kind", json_string("missing"), bad);
		break;
	case IDREG_GUEST_DIFF_UNDEF:
		put(o, "kind", json_string("undef"), bad);
		put(o, "predicted", json_string(d->predicted ? "undef" : "value"), bad);
		put(o, "read", json_string(d->read ? "undef" : "value"), bad);
		break;
	case IDREG_GUEST_DIFF_FIELD:
	case IDREG_GUEST_DIFF_BITS:
		put(o, "kind", json_string(d->kind == IDREG_GUEST_DIFF_FIELD ? "field" : "bits"),
		    bad);
		if (d->field)
			put(o, "field", json_string(idreg_field_name(d->field)), bad);
		put(o, "bits", idreg_json_hex(d->bits), bad);
		put(o, "predicted", idreg_json_hex(d->predicted), bad);
		put(o, "read", idreg_json_hex(d->read), bad);
		break;
	}
	return o;
}

char *idreg_guest_check_to_json(const char *profile, const char *guest,
				const struct idreg_qemu_view *v,
				const struct idreg_guest_diffs *d)
{
	json_t *root, *diffs = json_array();
	unsigned int i;
	int bad = 0;

	for (i = 0; i < d->nr; i++)
		push(diffs, diff_json(&d->v[i], &bad), &bad);
	root = json_pack("{s:s, s:s, s:s, s:i, s:b}", "format", "idregs-guest-check-1",
			 "profile", profile, "guest", guest, "unpredicted", d->unpredicted,
			 "agrees", !d->nr && !d->oom);
	put(root, "errors", msgs_json(&v->errors, &bad), &bad);
	put(root, "differences", diffs, &bad);
	if (bad || d->oom) {
		json_decref(root);
		return NULL;
	}
	return idreg_json_dump(root, JSON_INDENT(1));
}

static json_t *guest_row_json(const struct idreg_guest_view_row *r, int *bad)
{
	json_t *o = json_object();
	char key[32];

	put(o, "key", json_string(idreg_qemu_slot_key(r->slot, key, sizeof(key))), bad);
	put(o, "register", register_name(r->slot), bad);
	put(o, "trapped", json_boolean(r->trapped), bad);
	if (r->trapped)
		put(o, "esr", idreg_json_hex(r->esr), bad);
	else
		put(o, "value", idreg_json_hex(r->value), bad);
	put(o, "kvm", idreg_json_hex(r->kvm), bad);
	put(o, "model", json_boolean(r->model), bad);
	return o;
}

char *idreg_apply_to_json(const struct idreg_apply_answer *a)
{
	json_t *root, *rows;
	char features[96];
	unsigned int i;
	int bad = 0;

	idreg_vcpu_features_describe(a->features, features, sizeof(features));
	root = json_pack("{s:s, s:s, s:i, s:i, s:s, s:b}", "format", "idregs-apply-1",
			 "model", a->model, "properties", a->properties,
			 "registers_written", a->registers, "features", features,
			 "imp_id", a->imp_id);
	if (a->rows) {
		rows = json_array();
		for (i = 0; i < a->nr_rows; i++)
			push(rows, guest_row_json(&a->rows[i], &bad), &bad);
		put(root, "guest", rows, &bad);
		put(root, "differ", json_integer(idreg_guest_view_differ(a->rows, a->nr_rows)),
		    &bad);
	}
	if (bad) {
		json_decref(root);
		return NULL;
	}
	return idreg_json_dump(root, JSON_INDENT(1));
}
