// SPDX-License-Identifier: GPL-2.0-only
/*
 * JSON in and out for profiles and models, on jansson.  Kept out of the
 * lib/ top directory so that only the CLI and its tests link jansson.
 *
 * Every error is one line, "<JSON path>: <what is wrong>", or for text that
 * is no JSON at all "line L column C: <jansson's words>".
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "idregs/field.h"
#include "idregs/model.h"
#include "idregs/profile.h"
#include "idregs/qemu.h"
#include "idregs/qemu_args.h"
#include "idregs/util.h"
#include "json.h"

static __printf(3, 4) int jerr(char *err, const char *path, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(err, IDREG_ERR_LEN, "%s: ", path);

	if (n < 0 || n >= IDREG_ERR_LEN)
		return -1;
	va_start(ap, fmt);
	vsnprintf(err + n, IDREG_ERR_LEN - n, fmt, ap);
	va_end(ap);
	return -1;
}

static const char *type_name(const json_t *j)
{
	switch (json_typeof(j)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
		return "an integer";
	case JSON_REAL:
		return "a real number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "a boolean";
	case JSON_NULL:
		return "null";
	}
	return "something else";
}

/* The key whose value starts before @pos, to name a number jansson refused. */
static void key_before(const char *text, size_t pos, char *buf, size_t size)
{
	const char *end, *start;
	size_t n;

	buf[0] = '\0';
	while (pos > 0 && text[pos - 1] != ':')
		pos--;
	if (!pos)
		return;
	end = text + pos - 1;
	while (end > text && end[-1] != '"')
		end--;
	if (end <= text + 1)
		return;
	end--;
	start = end;
	while (start > text && start[-1] != '"')
		start--;
	n = end - start < (long)size - 1 ? (size_t)(end - start) : size - 1;
	memcpy(buf, start, n);
	buf[n] = '\0';
}

static json_t *parse(const char *text, size_t len, char *err)
{
	json_error_t je;
	char key[96];
	size_t i;
	json_t *root;

	for (i = 0; i < len && isspace((unsigned char)text[i]); i++)
		;
	if (i == len) {
		snprintf(err, IDREG_ERR_LEN, "empty input: expected a JSON object");
		return NULL;
	}
	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	if (root)
		return root;
	if (json_error_code(&je) == json_error_numeric_overflow) {
		key_before(text, je.position, key, sizeof(key));
		/* The result is used so that a long key may truncate quietly. */
		if (snprintf(err, IDREG_ERR_LEN,
			     "line %d column %d%s%s%s: %s (JSON integers stop at 2^63-1: write 64-bit values as \"0x...\" strings)",
			     je.line, je.column, key[0] ? " (\"" : "", key,
			     key[0] ? "\")" : "", je.text) < 0)
			err[0] = '\0';
	} else {
		snprintf(err, IDREG_ERR_LEN, "line %d column %d: %s",
			 je.line, je.column, je.text);
	}
	return NULL;
}

/*
 * An integer, or a string as QEMU parses a -cpu integer (base 0: "0x<hex>",
 * "0<octal>", "<decimal>"; idreg_qemu_parse_int()), as 64 unsigned bits.
 */
static int get_u64(const json_t *j, const char *path, uint64_t *out, char *err)
{
	const char *s;
	char *end;

	if (json_is_integer(j)) {
		json_int_t i = json_integer_value(j);

		if (i < 0)
			return jerr(err, path, "negative value %" JSON_INTEGER_FORMAT, i);
		*out = (uint64_t)i;
		return 0;
	}
	if (!json_is_string(j))
		return jerr(err, path, "expected an integer or a \"0x...\" string, got %s",
			    type_name(j));
	s = json_string_value(j);
	if (!idreg_qemu_parse_int(s, out))
		return 0;
	errno = 0;
	if (isdigit((unsigned char)s[0]) && (strtoull(s, &end, 0), !*end) && errno == ERANGE)
		return jerr(err, path, "value %s does not fit in 64 bits", s);
	return jerr(err, path, "\"%s\" is not a number (0x<hex>, 0<octal> or decimal, as QEMU reads -cpu integers)",
		    s);
}

static int get_object(json_t *parent, const char *key, const char *path,
		      json_t **out, bool required, char *err)
{
	json_t *j = json_object_get(parent, key);

	*out = j;
	if (!j)
		return required ? jerr(err, path, "missing \"%s\"", key) : 0;
	if (!json_is_object(j))
		return jerr(err, path, "\"%s\" must be an object, got %s", key,
			    type_name(j));
	return 0;
}

static int check_keys(json_t *obj, const char *path, const char *const *known,
		      char *err)
{
	const char *key;
	json_t *v;
	unsigned int i;

	json_object_foreach(obj, key, v) {
		for (i = 0; known[i] && strcmp(known[i], key); i++)
			;
		if (!known[i])
			return jerr(err, path, "unknown key \"%s\"", key);
	}
	return 0;
}

/*
 * A register name of the tables, or S3_<op1>_C0_C<crm>_<op2> as
 * idreg_slot_name() spells it: also for a slot the tables name now
 * (MPIDR_EL1 was S3_0_C0_C0_5 in profiles dumped before it was described).
 */
static int slot_by_name(const char *name)
{
	const struct idreg_reg *reg = idreg_reg_by_name(name);
	unsigned int op1, crm, op2;
	char buf[32];
	int slot, n = 0;

	if (reg)
		return idreg_reg_slot(reg);
	if (sscanf(name, "S3_%u_C0_C%u_%u%n", &op1, &crm, &op2, &n) != 3 ||
	    name[n] || op1 > 7 || crm > 15 || op2 > 7)
		return -1;
	slot = idreg_slot_index(3, op1, 0, crm, op2);
	if (slot < 0)
		return -1;
	/* No leading zeros or other variants: one spelling per slot. */
	snprintf(buf, sizeof(buf), "S3_%u_C0_C%u_%u", op1, crm, op2);
	return strcmp(buf, name) ? -1 : slot;
}

static int profile_reg(struct idreg_profile *p, const char *name, json_t *j,
		       char *err)
{
	static const char *const keys[] = { "value", "mask", NULL };
	char path[160], sub[176];
	int slot = slot_by_name(name);
	json_t *v;

	snprintf(path, sizeof(path), "registers.%s", name);
	if (slot < 0)
		return jerr(err, path, "unknown register (not a table name or S3_<op1>_C0_C<crm>_<op2> of the ID space)");
	if (p->readable[slot])
		return jerr(err, path, "register given twice");
	if (!json_is_object(j))
		return jerr(err, path, "expected an object, got %s", type_name(j));
	if (check_keys(j, path, keys, err))
		return -1;
	v = json_object_get(j, "value");
	snprintf(sub, sizeof(sub), "%s.value", path);
	if (!v)
		return jerr(err, path, "missing \"value\"");
	if (get_u64(v, sub, &p->value[slot], err))
		return -1;
	v = json_object_get(j, "mask");
	snprintf(sub, sizeof(sub), "%s.mask", path);
	if (!v)
		return jerr(err, path, "missing \"mask\"");
	if (get_u64(v, sub, &p->mask[slot], err))
		return -1;
	p->readable[slot] = true;
	return 0;
}

/* ["pmu", "sve"] into feature bits. */
static int feature_list(json_t *j, const char *path, unsigned int *out, char *err)
{
	char sub[64];
	unsigned int f;
	size_t i;
	json_t *v;

	*out = 0;
	if (!json_is_array(j))
		return jerr(err, path, "expected an array of feature names, got %s", type_name(j));
	json_array_foreach(j, i, v) {
		snprintf(sub, sizeof(sub), "%s[%zu]", path, i);
		if (!json_is_string(v))
			return jerr(err, sub, "expected a feature name, got %s", type_name(v));
		f = idreg_vcpu_feature_by_name(json_string_value(v));
		if (!f)
			return jerr(err, sub, "unknown vCPU feature \"%s\"", json_string_value(v));
		if (*out & f)
			return jerr(err, sub, "feature \"%s\" given twice", json_string_value(v));
		*out |= f;
	}
	return 0;
}

/* "v2"/"v3" (and "none" for @none_ok): 0, 2 or 3; -1 if neither. */
static int gic_name(json_t *j, bool none_ok)
{
	const char *s = json_is_string(j) ? json_string_value(j) : "";

	if (!strcmp(s, "v2") || !strcmp(s, "v3"))
		return s[1] - '0';
	return none_ok && !strcmp(s, "none") ? 0 : -1;
}

/* "gic", "gic_offered": the vGIC read with and those KVM can create. */
static int profile_gic(struct idreg_profile *p, json_t *vcpu, char *err)
{
	json_t *g = json_object_get(vcpu, "gic"), *o = json_object_get(vcpu, "gic_offered"), *e;
	size_t i;
	int v;

	if (g) {
		v = gic_name(g, true);
		if (v < 0)
			return jerr(err, "vcpu.gic", "expected \"v2\", \"v3\" or \"none\"");
		p->gic = v;
	}
	if (!o)
		return 0;
	if (!json_is_array(o))
		return jerr(err, "vcpu.gic_offered", "expected an array, got %s", type_name(o));
	json_array_foreach(o, i, e) {
		v = gic_name(e, false);
		if (v < 0)
			return jerr(err, "vcpu.gic_offered", "expected \"v2\" or \"v3\" entries");
		p->gic_offered |= 1U << v;
	}
	p->gic_known = true;
	return 0;
}

/* "sve_vls": [128, 256, ...], "hw": {"ctr_el0": ..., "dczid_el0": ...}. */
static int profile_vls_hw(struct idreg_profile *p, json_t *vcpu, char *err)
{
	static const char *const hw_keys[] = { "ctr_el0", "dczid_el0", NULL };
	json_t *vls = json_object_get(vcpu, "sve_vls"), *hw = json_object_get(vcpu, "hw"), *e;
	json_int_t n;
	size_t i;

	if (vls && !json_is_array(vls))
		return jerr(err, "vcpu.sve_vls", "expected an array, got %s", type_name(vls));
	json_array_foreach(vls, i, e) {
		n = json_is_integer(e) ? json_integer_value(e) : 0;
		if (n < 128 || n > 2048 || n % 128)
			return jerr(err, "vcpu.sve_vls", "expected vector lengths in bits, 128..2048");
		p->sve_vls |= 1U << (n / 128 - 1);
	}
	p->sve_vls_known = vls;
	if (!hw)
		return 0;
	if (!json_is_object(hw))
		return jerr(err, "vcpu.hw", "expected an object, got %s", type_name(hw));
	if (check_keys(hw, "vcpu.hw", hw_keys, err) ||
	    get_u64(json_object_get(hw, "ctr_el0"), "vcpu.hw.ctr_el0", &p->hw_ctr, err) ||
	    get_u64(json_object_get(hw, "dczid_el0"), "vcpu.hw.dczid_el0", &p->hw_dczid, err))
		return -1;
	p->hw_known = true;
	return 0;
}

/* "vcpu": the configuration, the features its vCPU got and KVM offers. */
static int profile_vcpu(struct idreg_profile *p, json_t *j, char *err)
{
	static const char *const keys[] = {
		"config", "features", "offered", "gic", "gic_offered", "sve_vls", "hw", NULL
	};
	const struct idreg_vcpu_config *c;
	json_t *v;

	if (!json_is_object(j))
		return jerr(err, "vcpu", "expected an object, got %s", type_name(j));
	if (check_keys(j, "vcpu", keys, err))
		return -1;
	v = json_object_get(j, "config");
	if (!json_is_string(v))
		return jerr(err, "vcpu.config", "expected a vCPU configuration name");
	c = idreg_vcpu_config_by_name(json_string_value(v));
	if (!c)
		return jerr(err, "vcpu.config", "unknown vCPU configuration \"%s\"",
			    json_string_value(v));
	p->vcpu = c;
	if (profile_gic(p, j, err) || profile_vls_hw(p, j, err))
		return -1;
	v = json_object_get(j, "features");
	if (!v)
		return jerr(err, "vcpu", "missing \"features\"");
	if (feature_list(v, "vcpu.features", &p->features, err))
		return -1;
	if ((p->features & c->features) != c->features ||
	    (p->features & ~(c->features | c->if_offered)))
		return jerr(err, "vcpu.features", "not what configuration %s asks for", c->name);
	v = json_object_get(j, "offered");
	if (!v)
		return 0;
	if (feature_list(v, "vcpu.offered", &p->offered, err))
		return -1;
	if (p->features & ~p->offered)
		return jerr(err, "vcpu.offered", "lacks a feature the vCPU got");
	p->offered_known = true;
	return 0;
}

static int profile_root(struct idreg_profile *p, json_t *root, char *err)
{
	static const char *const keys[] = {
		"format", "kernel", "midr", "writable_imp_id_regs", "vcpu", "registers", NULL
	};
	json_t *j, *regs;
	const char *key;

	if (!json_is_object(root))
		return jerr(err, "$", "expected an object, got %s", type_name(root));
	if (check_keys(root, "$", keys, err))
		return -1;
	j = json_object_get(root, "format");
	if (!json_is_string(j) || strcmp(json_string_value(j), IDREG_PROFILE_FORMAT))
		return jerr(err, "format", "expected \"%s\"", IDREG_PROFILE_FORMAT);
	j = json_object_get(root, "kernel");
	if (j && !json_is_string(j))
		return jerr(err, "kernel", "expected a string, got %s", type_name(j));
	if (j)
		snprintf(p->release, sizeof(p->release), "%s", json_string_value(j));
	j = json_object_get(root, "midr");
	if (j && get_u64(j, "midr", &p->midr, err))
		return -1;
	j = json_object_get(root, "writable_imp_id_regs");
	if (j && !json_is_boolean(j))
		return jerr(err, "writable_imp_id_regs", "expected a boolean, got %s",
			    type_name(j));
	p->imp_id_cap = json_is_true(j);
	j = json_object_get(root, "vcpu");
	if (j && profile_vcpu(p, j, err))
		return -1;
	if (get_object(root, "registers", "$", &regs, true, err))
		return -1;
	json_object_foreach(regs, key, j)
		if (profile_reg(p, key, j, err))
			return -1;
	return 0;
}

int idreg_profile_from_json(struct idreg_profile *p, const char *text,
			    size_t len, char *err)
{
	json_t *root = parse(text, len, err);
	int r = root ? profile_root(p, root, err) : -1;

	json_decref(root);
	return r;
}

/* "<path>: <error>" for everything read from a file. */
static void prefix_err(char *err, const char *path)
{
	char tmp[IDREG_ERR_LEN];
	int n = snprintf(tmp, sizeof(tmp), "%s: ", path);

	if (n > 0 && n < IDREG_ERR_LEN)
		memccpy(tmp + n, err, '\0', IDREG_ERR_LEN - n);
	tmp[IDREG_ERR_LEN - 1] = '\0';
	memcpy(err, tmp, IDREG_ERR_LEN);
}

int idreg_profile_load(struct idreg_profile *p, const char *path, char *err)
{
	size_t len;
	char *text = idreg_read_file(path, &len, err);
	int r;

	if (!text)
		return -1;
	idreg_profile_init(p, path);
	r = idreg_profile_from_json(p, text, len, err);
	if (r)
		prefix_err(err, path);
	free(text);
	return r;
}

json_t *idreg_json_hex(uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "0x%016" PRIx64, v);
	return json_string(buf);
}

char *idreg_json_dump(json_t *root, size_t flags)
{
	char *s, *nl;
	size_t n;

	if (!root)
		return NULL;
	s = json_dumps(root, flags);
	json_decref(root);
	if (!s)
		return NULL;
	n = strlen(s);
	nl = realloc(s, n + 2);
	if (!nl) {
		free(s);
		return NULL;
	}
	memcpy(nl + n, "\n", 2);
	return nl;
}

static json_t *features_json(unsigned int features)
{
	json_t *a = json_array();
	unsigned int i;

	for (i = 0; a && i < IDREG_VCPU_NR_FEATURES; i++)
		if (features & 1U << i &&
		    json_array_append_new(a, json_string(idreg_vcpu_feature_name(1U << i)))) {
			json_decref(a);
			return NULL;
		}
	return a;
}

static const char *gic_str(unsigned int v)
{
	return v == 2 ? "v2" : v == 3 ? "v3" : "none";
}

/* gic, gic_offered, sve_vls, hw: only what the profile knows. */
static int vcpu_extras_json(const struct idreg_profile *p, json_t *v)
{
	json_t *a;
	unsigned int i;
	int bad = 0;

	if (p->gic_known) {
		a = json_array();
		for (i = 2; a && i <= 3; i++)
			if (p->gic_offered & 1U << i)
				bad |= json_array_append_new(a, json_string(gic_str(i)));
		bad |= json_object_set_new(v, "gic", json_string(gic_str(p->gic)));
		bad |= json_object_set_new(v, "gic_offered", a);
	}
	if (p->sve_vls_known) {
		a = json_array();
		for (i = 0; a && i < 16; i++)
			if (p->sve_vls & 1U << i)
				bad |= json_array_append_new(a, json_integer(128 * (i + 1)));
		bad |= json_object_set_new(v, "sve_vls", a);
	}
	if (p->hw_known)
		bad |= json_object_set_new(v, "hw", json_pack("{s:o, s:o}", "ctr_el0", idreg_json_hex(p->hw_ctr),
							      "dczid_el0", idreg_json_hex(p->hw_dczid)));
	return bad;
}

static json_t *vcpu_json(const struct idreg_profile *p)
{
	json_t *v = json_pack("{s:s, s:o}", "config", p->vcpu->name,
			      "features", features_json(p->features));

	if (v && p->offered_known &&
	    json_object_set_new(v, "offered", features_json(p->offered))) {
		json_decref(v);
		return NULL;
	}
	if (v && vcpu_extras_json(p, v)) {
		json_decref(v);
		return NULL;
	}
	return v;
}

char *idreg_profile_to_json(const struct idreg_profile *p)
{
	json_t *root = json_object(), *regs = json_object(), *r;
	unsigned int slot;
	char buf[32];
	int bad = !root || !regs;

	bad |= json_object_set_new(root, "format", json_string(IDREG_PROFILE_FORMAT));
	bad |= json_object_set_new(root, "kernel", json_string(p->release));
	bad |= json_object_set_new(root, "midr", idreg_json_hex(p->midr));
	bad |= json_object_set_new(root, "writable_imp_id_regs",
				   json_boolean(p->imp_id_cap));
	bad |= json_object_set_new(root, "vcpu", vcpu_json(p));
	for (slot = 0; !bad && slot < IDREG_NR_SLOTS; slot++) {
		if (!p->readable[slot])
			continue;
		r = json_pack("{s:o, s:o}", "value", idreg_json_hex(p->value[slot]),
			      "mask", idreg_json_hex(p->mask[slot]));
		bad |= json_object_set_new(regs, idreg_slot_name(slot, buf, sizeof(buf)), r);
	}
	bad |= json_object_set_new(root, "registers", regs);
	if (bad) {
		json_decref(root);
		return NULL;
	}
	return idreg_json_dump(root, JSON_INDENT(1));
}

/* A vCPU option: a boolean, as QMP gives them. */
static int option(struct idreg_model *m, const struct idreg_vcpu_option *o, json_t *j,
		  const char *path, char *err)
{
	if (!json_is_boolean(j))
		return jerr(err, path, "expected true or false (%s=on|off), got %s", o->name,
			    type_name(j));
	idreg_model_state(m, o, json_is_true(j));
	return 0;
}

/* A boolean option as -1/0/1 (not given, off, on). */
static int tristate(int8_t *out, json_t *j, const char *path, char *err)
{
	if (!json_is_boolean(j))
		return jerr(err, path, "expected true or false, got %s", type_name(j));
	*out = json_is_true(j);
	return 0;
}

/* "machine": the -M virt options (mte, virtualization, secure, gic-version). */
static int model_machine(struct idreg_model *m, json_t *machine, const char *prefix,
			 char *err)
{
	const struct idreg_vcpu_option *o;
	char path[200], buf[16];
	const char *key;
	json_t *j;

	json_object_foreach(machine, key, j) {
		snprintf(path, sizeof(path), "%smachine.%s", prefix, key);
		o = idreg_vcpu_option_by_name(key, true);
		if (o) {
			if (option(m, o, j, path, err))
				return -1;
		} else if (!strcmp(key, "secure")) {
			if (tristate(&m->q.secure, j, path, err))
				return -1;
		} else if (!strcmp(key, "gic-version")) {
			if (json_is_integer(j))
				snprintf(buf, sizeof(buf), "%d", (int)json_integer_value(j));
			else
				snprintf(buf, sizeof(buf), "%s", json_is_string(j) ? json_string_value(j) : "");
			if (!strcmp(buf, "2") || !strcmp(buf, "3"))
				m->q.gic = buf[0] - '0';
			else if (!strcmp(buf, "host") || !strcmp(buf, "max"))
				m->q.gic = buf[0] == 'h' ? IDREG_GIC_HOST : IDREG_GIC_MAX;
			else
				return jerr(err, path, "expected \"2\", \"3\", \"host\" or \"max\"");
		} else {
			return jerr(err, path, "unknown machine option (known: mte, virtualization, secure, gic-version)");
		}
	}
	return 0;
}

/* sve128..sve2048, kvm-steal-time, kvm-no-adjvtime; 1 if @key is none of them. */
static int cpu_extra(struct idreg_model *m, const char *key, json_t *j, const char *path,
		     char *err)
{
	unsigned int n;
	char tail;

	if (!strcmp(key, "kvm-steal-time"))
		return tristate(&m->q.steal_time, j, path, err);
	if (!strcmp(key, "kvm-no-adjvtime"))
		return tristate(&m->q.no_adjvtime, j, path, err);
	if (sscanf(key, "sve%u%c", &n, &tail) != 1 || n < 128 || n > 2048 || n % 128)
		return 1;
	if (!json_is_boolean(j))
		return jerr(err, path, "expected true or false, got %s", type_name(j));
	if (json_is_true(j))
		m->q.sve_on |= 1U << (n / 128 - 1);
	else
		m->q.sve_off |= 1U << (n / 128 - 1);
	return 0;
}

static int model_props(struct idreg_model *m, json_t *props, const char *prefix,
		       char *err)
{
	char path[200], why[IDREG_ERR_LEN];
	const struct idreg_vcpu_option *o;
	const char *key;
	uint64_t v;
	json_t *j;
	int r;

	json_object_foreach(props, key, j) {
		snprintf(path, sizeof(path), "%smodel.props.%s", prefix, key);
		o = idreg_vcpu_option_by_name(key, false);
		if (o) {
			if (option(m, o, j, path, err))
				return -1;
			continue;
		}
		r = cpu_extra(m, key, j, path, err);
		if (r <= 0) {
			if (r)
				return -1;
			continue;
		}
		/* QEMU's expansion also lists pauth-impdef...: not ours. */
		if (strncmp(key, IDREG_PROP_PREFIX, strlen(IDREG_PROP_PREFIX))) {
			m->nr_ignored++;
			continue;
		}
		if (get_u64(j, path, &v, err))
			return -1;
		if (idreg_model_set(m, key, v, why))
			return jerr(err, path, "%s", why + strlen(key) + 2);
	}
	return 0;
}

/* "format", "name", "created" of a named model (idregs/model.h); each optional. */
static int model_meta(struct idreg_model *m, json_t *root, char *err)
{
	json_t *format = json_object_get(root, "format"), *name = json_object_get(root, "name");
	json_t *created = json_object_get(root, "created");
	char why[IDREG_ERR_LEN];

	if (format && (!json_is_string(format) ||
		       strcmp(json_string_value(format), IDREG_MODEL_FORMAT)))
		return jerr(err, "format", "expected \"%s\" (a model file of another idreg?)",
			    IDREG_MODEL_FORMAT);
	if (name && (!json_is_string(name) ||
		     idreg_model_set_name(m, json_string_value(name), why)))
		return jerr(err, "name", "%s", json_is_string(name) ? why : "expected a string");
	if (created && (!json_is_string(created) ||
			strlen(json_string_value(created)) >= sizeof(m->meta.created)))
		return jerr(err, "created", "expected a date, 2026-12-06T23:00:00Z");
	if (created)
		snprintf(m->meta.created, sizeof(m->meta.created), "%s", json_string_value(created));
	return 0;
}

static int model_root(struct idreg_model *m, json_t *root, char *err)
{
	json_t *model, *props, *name, *ret, *machine;
	const char *prefix = "";

	if (!json_is_object(root))
		return jerr(err, "$", "expected an object, got %s", type_name(root));
	ret = json_object_get(root, "return");
	if (ret) {
		if (!json_is_object(ret))
			return jerr(err, "return", "expected an object, got %s",
				    type_name(ret));
		root = ret;
		prefix = "return.";
	} else if (model_meta(m, root, err)) {
		return -1;
	}
	if (get_object(root, "model", ret ? "return" : "$", &model, true, err))
		return -1;
	name = json_object_get(model, "name");
	if (name && !json_is_string(name))
		return jerr(err, ret ? "return.model.name" : "model.name",
			    "expected a string, got %s", type_name(name));
	if (name)
		snprintf(m->name, sizeof(m->name), "%s", json_string_value(name));
	if (get_object(model, "props", ret ? "return.model" : "model", &props,
		       true, err))
		return -1;
	if (get_object(root, "machine", ret ? "return" : "$", &machine, false, err))
		return -1;
	if (model_props(m, props, prefix, err) ||
	    (machine && model_machine(m, machine, prefix, err)))
		return -1;
	return 0;
}

int idreg_model_from_json(struct idreg_model *m, const char *text, size_t len,
			  char *err)
{
	json_t *root = parse(text, len, err);
	int r = root ? model_root(m, root, err) : -1;

	json_decref(root);
	return r;
}

int idreg_model_load(struct idreg_model *m, const char *path, char *err)
{
	size_t len;
	char *text = idreg_read_file(path, &len, err);
	int r;

	if (!text)
		return -1;
	r = idreg_model_from_json(m, text, len, err);
	if (r)
		prefix_err(err, path);
	free(text);
	return r;
}

/* The options of @m printed in JSON: -cpu ones into @props, -M into @machine. */
static int options_json(const struct idreg_model *m, json_t *props, json_t *machine)
{
	struct idreg_model_option o[IDREG_VCPU_NR_FEATURES];
	unsigned int i, nr = idreg_model_options(m, o);
	int bad = 0;

	for (i = 0; i < nr; i++)
		bad |= json_object_set_new(o[i].opt->machine ? machine : props, o[i].opt->name,
					   json_boolean(o[i].on));
	for (i = 0; i < 16; i++) {
		char name[16];

		if (!((m->q.sve_on | m->q.sve_off) & 1U << i))
			continue;
		snprintf(name, sizeof(name), "sve%u", 128 * (i + 1));
		bad |= json_object_set_new(props, name, json_boolean(m->q.sve_on & 1U << i));
	}
	if (m->q.steal_time >= 0)
		bad |= json_object_set_new(props, "kvm-steal-time", json_boolean(m->q.steal_time));
	if (m->q.no_adjvtime >= 0)
		bad |= json_object_set_new(props, "kvm-no-adjvtime", json_boolean(m->q.no_adjvtime));
	if (m->q.secure >= 0)
		bad |= json_object_set_new(machine, "secure", json_boolean(m->q.secure));
	if (m->q.gic)
		bad |= json_object_set_new(machine, "gic-version",
					   json_string(m->q.gic == IDREG_GIC_HOST ? "host" :
						       m->q.gic == IDREG_GIC_MAX ? "max" :
						       m->q.gic == 2 ? "2" : "3"));
	return bad;
}

json_t *idreg_model_json(const struct idreg_model *m)
{
	json_t *props = json_object(), *machine = json_object(), *v, *root;
	unsigned int i;
	uint64_t value;
	char prop[128];
	int bad = !props || !machine, r;

	bad |= options_json(m, props, machine);

	for (i = 0; !bad && i < m->nr; i++) {
		r = idreg_model_prop_at(m, i, prop, sizeof(prop), &value);
		if (r <= 0) {
			bad |= r < 0;
			continue;
		}
		/* QMP gives integers; only a 64-bit field can need a string. */
		v = value <= INT64_MAX ? json_integer((json_int_t)value) : idreg_json_hex(value);
		bad |= json_object_set_new(props, prop, v);
	}
	root = bad ? NULL : json_pack("{s:{s:s, s:o}}", "model", "name", m->name, "props", props);
	if (root && json_object_size(machine))
		bad |= json_object_set(root, "machine", machine);
	if (root && m->meta.name[0])
		bad |= json_object_set_new(root, "format", json_string(IDREG_MODEL_FORMAT)) |
		       json_object_set_new(root, "name", json_string(m->meta.name));
	if (root && m->meta.name[0] && m->meta.created[0])
		bad |= json_object_set_new(root, "created", json_string(m->meta.created));
	json_decref(machine);
	if (!root || bad) {
		json_decref(root ? root : props);
		return NULL;
	}
	return root;
}

char *idreg_model_to_json(const struct idreg_model *m)
{
	return idreg_json_dump(idreg_model_json(m), JSON_INDENT(2) | JSON_SORT_KEYS);
}

/* Does @root (one QMP line) answer with model.name "host"? */
static bool qmp_host_line(json_t *root)
{
	json_t *name = json_object_get(json_object_get(json_object_get(root, "return"), "model"),
				       "name");

	return json_is_string(name) && !strcmp(json_string_value(name), "host");
}

int idreg_model_from_qmp(struct idreg_model *m, const char *text, size_t len, char *err)
{
	const char *line = text, *end = text + len, *nl;
	json_error_t je;
	json_t *root;
	int r, nr = 0;

	for (; line < end; line = nl + 1) {
		nl = memchr(line, '\n', end - line);
		if (!nl)
			nl = end;
		nr++;
		root = json_loadb(line, nl - line, 0, &je);
		if (!root || !qmp_host_line(root)) {
			json_decref(root);
			continue;
		}
		r = model_root(m, root, err);
		json_decref(root);
		if (r)
			prefix_err(err, "the line with model.name \"host\"");
		return r;
	}
	snprintf(err, IDREG_ERR_LEN, "no line of %d answers {\"return\": {\"model\": {\"name\": \"host\", ...}}}",
		 nr);
	return -1;
}

static const char *kind_str(const struct idreg_qemu_view *v, unsigned int slot)
{
	switch (v->kind[slot]) {
	case IDREG_GUEST_UNDEF:
		return "undef";
	case IDREG_GUEST_UNPREDICTED:
		return "unpredicted";
	default:
		return "value";
	}
}

static json_t *msgs_json(const struct idreg_msgs *m)
{
	json_t *a = json_array();
	unsigned int i;

	for (i = 0; a && i < m->nr; i++)
		if (json_array_append_new(a, json_string(m->v[i]))) {
			json_decref(a);
			return NULL;
		}
	return a;
}

static json_t *changes_json(const struct idreg_qemu_view *v)
{
	json_t *a = json_array(), *c;
	unsigned int i;
	char prop[128];

	for (i = 0; a && i < v->nr_changes; i++) {
		const struct idreg_qemu_change *ch = &v->changes[i];

		idreg_prop_format(prop, sizeof(prop), ch->reg, ch->field);
		c = json_pack("{s:s, s:s, s:s, s:o, s:o, s:s, s:s}", "register", ch->reg->name,
			      "field", idreg_field_name(ch->field), "property", prop,
			      "profile", idreg_json_hex(ch->from), "guest", idreg_json_hex(ch->to), "by", ch->by,
			      "why", ch->why ? ch->why : "");
		if (json_array_append_new(a, c)) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

char *idreg_qemu_view_to_json(const struct idreg_qemu_view *v, const struct idreg_profile *p,
			      const char *line)
{
	json_t *root, *regs = json_object(), *r;
	unsigned int slot;
	char buf[32], features[96];
	const struct idreg_reg *reg;
	int bad = !regs;

	for (slot = 0; !bad && slot < IDREG_NR_SLOTS; slot++) {
		reg = idreg_reg_by_slot(slot);
		r = json_pack("{s:s, s:s}", "name", reg ? reg->name : "",
			      "guest", kind_str(v, slot));
		if (r && v->kind[slot] == IDREG_GUEST_VALUE)
			bad |= json_object_set_new(r, "value", idreg_json_hex(v->guest[slot]));
		if (r && p->readable[slot])
			bad |= json_object_set_new(r, "kvm", idreg_json_hex(v->kvm[slot]));
		if (r && v->why[slot])
			bad |= json_object_set_new(r, "why", json_string(v->why[slot]));
		bad |= json_object_set_new(regs, idreg_qemu_slot_key(slot, buf, sizeof(buf)), r);
	}
	idreg_vcpu_features_describe(v->features, features, sizeof(features));
	root = bad ? NULL : json_pack("{s:s, s:s, s:s, s:b, s:o, s:o, s:o, s:o, s:s, s:i, s:o, s:o}",
				      "format", "idregs-explain-1", "profile", p->label,
				      "line", line, "accepted", !v->errors.nr && !v->unknown.nr,
				      "errors", msgs_json(&v->errors),
				      "unpredictable", msgs_json(&v->unknown),
				      "qemu_says", msgs_json(&v->says), "notes", msgs_json(&v->notes),
				      "features", features, "gic", v->gic,
				      "fields", changes_json(v), "registers", regs);
	if (!root) {
		json_decref(regs);
		return NULL;
	}
	return idreg_json_dump(root, JSON_INDENT(1));
}
