// SPDX-License-Identifier: GPL-2.0-only
/*
 * A model in the forms a VMM stack takes: QEMU's -cpu line, -global lines,
 * a libvirt domain fragment; and each read back into a model.  Every form
 * is made from idreg_model_qemu_args()'s line, so what goes into a line
 * (and what is left out, and why) has one home.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idregs/qemu_args.h"
#include "idregs/qemu_forms.h"
#include "idregs/util.h"

#define LIBVIRT_QEMU_NS	"http://libvirt.org/schemas/domain/qemu/1.0"
/* libvirt keeps an application's own elements in <metadata>, by namespace. */
#define IDREGS_META_NS	"urn:idregs:model:1"

static int form_err(char *err, const char *fmt, ...) __printf(2, 3);
static int form_err(char *err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, IDREG_ERR_LEN, fmt, ap);
	va_end(ap);
	return -1;
}

int idreg_qemu_form_by_name(const char *name, enum idreg_qemu_form *form)
{
	static const char *const names[] = { "cpu", "global", "libvirt" };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (!strcmp(name, names[i]))
			return *form = i, 0;
	return -1;
}

/* A growing string; on ENOMEM it is freed and stays NULL. */
struct text {
	char *s;
	size_t n, size;
};

static void add(struct text *t, const char *fmt, ...) __printf(2, 3);
static void add(struct text *t, const char *fmt, ...)
{
	va_list ap;
	char *ns;
	int n;

	if (!t->s && t->size)
		return;
	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(t->s ? t->s + t->n : NULL, t->s ? t->size - t->n : 0, fmt, ap);
		va_end(ap);
		if (n < 0)
			return;
		if (t->s && t->n + n < t->size)
			break;
		t->size = 2 * (t->size + n + 1);
		ns = realloc(t->s, t->size);
		if (!ns) {
			free(t->s);
			t->s = NULL;
			return;
		}
		t->s = ns;
	}
	t->n += n;
}

/* XML's five entities, for attribute values in and out. */
static const char *const xml_entities[][2] = {
	{ "&amp;", "&" }, { "&lt;", "<" }, { "&gt;", ">" },
	{ "&apos;", "'" }, { "&quot;", "\"" },
};

/* @s with XML's five special characters escaped. */
static void add_xml(struct text *t, const char *s)
{
	unsigned int k;

	for (; *s; s++) {
		for (k = 0; k < ARRAY_SIZE(xml_entities); k++)
			if (*s == xml_entities[k][1][0])
				break;
		if (k < ARRAY_SIZE(xml_entities))
			add(t, "%s", xml_entities[k][0]);
		else
			add(t, "%c", *s);
	}
}

/* One <qemu:arg value='...'/> line. */
static void add_arg(struct text *t, const char *value)
{
	add(t, "    <qemu:arg value='");
	add_xml(t, value);
	add(t, "'/>\n");
}

/*
 * The line's parts: "-cpu NAME[,ITEMS][ -M virt,MACHINE]"; *@items and
 * *@machine point into @line (cut at the items' ends), "" when none.
 */
static void split_line(char *line, char **items, char **machine)
{
	char *m = strstr(line, " -M virt,"), *c;

	*machine = "";
	if (m) {
		*m = '\0';
		*machine = m + strlen(" -M virt,");
	}
	c = strchr(line + strlen("-cpu "), ',');
	*items = "";
	if (c) {
		*c = '\0';
		*items = c + 1;
	}
}

static void global_form(struct text *t, const struct idreg_model *m, char *items, char *machine)
{
	char *item, *save = NULL;

	add(t, "-cpu %s\n", m->name);
	for (item = strtok_r(items, ",", &save); item; item = strtok_r(NULL, ",", &save))
		add(t, "-global %s-arm-cpu.%s\n", m->name, item);
	if (*machine)
		add(t, "-M virt,%s\n", machine);
}

/* libvirt's own element for gic-version (2, 3, host); else "". */
static const char *libvirt_gic(const char *item)
{
	static const char *const versions[] = { "2", "3", "host" };
	unsigned int i;

	if (strncmp(item, "gic-version=", strlen("gic-version=")))
		return "";
	for (i = 0; i < ARRAY_SIZE(versions); i++)
		if (!strcmp(item + strlen("gic-version="), versions[i]))
			return versions[i];
	return "";
}

static void libvirt_form(struct text *t, const struct idreg_model *m, char *items, char *machine)
{
	char *item, *save = NULL, rest[256] = "", arg[256];
	const char *gic = "";
	size_t n = 0;

	for (item = strtok_r(machine, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		if (*libvirt_gic(item))
			gic = libvirt_gic(item);
		else if (n < sizeof(rest))
			n += snprintf(rest + n, sizeof(rest) - n, "%s%s", n ? "," : "", item);
	}
	add(t, "<domain type='kvm' xmlns:qemu='%s'>\n", LIBVIRT_QEMU_NS);
	if (m->meta.name[0]) {
		add(t, "  <metadata>\n    <idregs:model xmlns:idregs='%s' name='", IDREGS_META_NS);
		add_xml(t, m->meta.name);
		add(t, "' created='");
		add_xml(t, m->meta.created);
		add(t, "'/>\n  </metadata>\n");
	}
	add(t, "  <cpu mode='host-passthrough'/>\n");
	if (*gic)
		add(t, "  <features>\n    <gic version='%s'/>\n  </features>\n", gic);
	add(t, "  <qemu:commandline>\n");
	for (item = strtok_r(items, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		snprintf(arg, sizeof(arg), "%s-arm-cpu.%s", m->name, item);
		add_arg(t, "-global");
		add_arg(t, arg);
	}
	if (*rest) {
		add_arg(t, "-machine");
		add_arg(t, rest);
	}
	add(t, "  </qemu:commandline>\n</domain>\n");
}

char *idreg_model_qemu_form(const struct idreg_model *m, enum idreg_qemu_form form)
{
	char *line = idreg_model_qemu_args(m), *items, *machine;
	struct text t = { 0 };

	if (!line)
		return NULL;
	if (form == IDREG_FORM_CPU) {
		add(&t, "%s\n", line);
	} else {
		split_line(line, &items, &machine);
		if (form == IDREG_FORM_GLOBAL)
			global_form(&t, m, items, machine);
		else
			libvirt_form(&t, m, items, machine);
	}
	free(line);
	return t.s;
}

/* Words of a command line we build; each owned. */
struct words {
	char **v;
	int n, cap;
};

static int push(struct words *w, const char *s)
{
	char **nv;

	if (w->n + 1 >= w->cap) {
		w->cap = w->cap ? 2 * w->cap : 16;
		nv = realloc(w->v, w->cap * sizeof(*nv));
		if (!nv)
			return -1;
		w->v = nv;
	}
	w->v[w->n] = strdup(s);
	return w->v[w->n] ? (w->n++, 0) : -1;
}

static void words_free(struct words *w)
{
	while (w->n)
		free(w->v[--w->n]);
	free(w->v);
}

/*
 * The global's "PROP=VALUE" if it is one of host-arm-cpu, "" if it is
 * another type's, or NULL with @err.  "driver=D,property=P,value=V" is
 * QEMU's other spelling.
 */
static const char *global_item(const char *arg, char *buf, size_t size, char *err)
{
	char d[64] = "", p[128] = "", v[64] = "";
	const char *dot = strchr(arg, '.'), *eq;

	if (!strncmp(arg, "driver=", 7)) {
		if (sscanf(arg, "driver=%63[^,],property=%127[^,],value=%63s", d, p, v) != 3) {
			form_err(err, "-global %s: expected driver=D,property=P,value=V", arg);
			return NULL;
		}
	} else {
		eq = dot ? strchr(dot, '=') : NULL;
		if (!eq || dot - arg >= (long)sizeof(d) || eq - dot - 1 >= (long)sizeof(p) ||
		    strlen(eq + 1) >= sizeof(v)) {
			form_err(err, "-global %s: expected host-arm-cpu.PROPERTY=VALUE", arg);
			return NULL;
		}
		memcpy(d, arg, dot - arg);
		memcpy(p, dot + 1, eq - dot - 1);
		memcpy(v, eq + 1, strlen(eq + 1) + 1);
	}
	if (strcmp(d, "host-arm-cpu")) {
		if (strlen(d) > 8 && !strcmp(d + strlen(d) - 8, "-arm-cpu")) {
			form_err(err, "-global %s: idreg models -cpu host (host-arm-cpu) only", arg);
			return NULL;
		}
		return "";
	}
	snprintf(buf, size, "%s=%s", p, v);
	return buf;
}

/* Is PROP=VALUE a -cpu host item QEMU takes?  Else @err in QEMU's words. */
static int check_global(const char *arg, const char *item, char *err)
{
	char cpu[320], inner[IDREG_ERR_LEN], why_buf[IDREG_ERR_LEN], opt[] = "-cpu";
	char *argv[2];
	const char *why;
	struct idreg_model m;
	int r;

	argv[0] = opt;
	argv[1] = cpu;
	snprintf(cpu, sizeof(cpu), "host,%s", item);
	r = idreg_model_from_qemu_args(&m, 2, argv, inner);
	idreg_model_free(&m);
	if (!r)
		return 0;
	/* A property QEMU does not have is that, whatever its value. */
	snprintf(cpu, sizeof(cpu), "host,%.*s=on", (int)strcspn(item, "="), item);
	if (idreg_model_from_qemu_args(&m, 2, argv, why_buf) && strstr(why_buf, "not found"))
		memcpy(inner, why_buf, sizeof(inner));
	idreg_model_free(&m);
	why = strstr(inner, "QEMU stops: ");
	why = why ? why + strlen("QEMU stops: ") : inner;
	if (!strncmp(why, "-cpu ", 5))
		why += 5;
	return form_err(err, "-global %s: QEMU stops: can't apply global host-arm-cpu.%s: %s",
			arg, item, why);
}

/* The -global items of argv, ",PROP=VALUE" each, into @globals. */
static int add_global(struct text *globals, const char *arg, char *err)
{
	char buf[256];
	const char *item = global_item(arg, buf, sizeof(buf), err);

	if (!item)
		return -1;
	if (!*item)
		return 0;
	if (check_global(arg, item, err))
		return -1;
	add(globals, ",%s", item);
	return globals->s ? 0 : form_err(err, "-global %s: out of memory", arg);
}

/* -machine OPTS without a machine type: "mte=on" (the first item has '='). */
static bool untyped_machine(const char *v)
{
	const char *eq = strchr(v, '='), *comma = strchr(v, ',');

	return eq && (!comma || eq < comma);
}

/* @w's word @i with @text inserted at byte @at; -1 on ENOMEM. */
static int insert(struct words *w, int i, size_t at, const char *text)
{
	size_t n = strlen(w->v[i]), t = strlen(text);
	char *s = realloc(w->v[i], n + t + 1);

	if (!s)
		return -1;
	memmove(s + at + t, s + at, n - at + 1);
	memcpy(s + at, text, t);
	w->v[i] = s;
	return 0;
}

/* argv with the -global items joined to -cpu's, into @w. */
static int gather(struct words *w, int argc, char *const *argv, char *err)
{
	struct text globals = { 0 };
	int i, cpu = -1, r = 0;

	add(&globals, "%s", "");
	for (i = 0; i < argc && !r; i++) {
		const char *a = argv[i][0] == '-' && argv[i][1] == '-' ? argv[i] + 1 : argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "-global") && v) {
			r = add_global(&globals, v, err);
			i++;
		} else if ((!strcmp(a, "-M") || !strcmp(a, "-machine")) && v && untyped_machine(v)) {
			r = push(w, "-M") || push(w, "virt,") || insert(w, w->n - 1, 5, v);
			i++;
		} else if (!strcmp(a, "-global")) {
			r = form_err(err, "-global: needs an argument");
		} else {
			if (!strcmp(a, "-cpu") && v)
				cpu = w->n + 1;
			r = push(w, argv[i]);
		}
	}
	/*
	 * Before the -cpu items: QEMU registers -cpu's items as globals after
	 * every -global, so for one property the -cpu item is applied last.
	 */
	if (!r && globals.s && globals.n) {
		if (cpu < 0) {
			r = push(w, "-cpu") || push(w, "host");
			cpu = w->n - 1;
		}
		r = r || insert(w, cpu, strcspn(w->v[cpu], ","), globals.s);
	}
	if (r > 0 || (r && !*err))
		r = form_err(err, "out of memory reading the command line");
	free(globals.s);
	return r ? -1 : 0;
}

int idreg_model_from_qemu_cmdline(struct idreg_model *m, int argc, char *const *argv,
				  char *err)
{
	struct words w = { 0 };
	int r;

	err[0] = '\0';
	idreg_model_init(m);
	r = gather(&w, argc, argv, err);
	if (!r)
		r = idreg_model_from_qemu_args(m, w.n, w.v, err);
	words_free(&w);
	return r;
}

int idreg_model_from_qemu_text(struct idreg_model *m, const char *text, char *err)
{
	struct words w = { 0 };
	char *copy = strdup(text), *t, *save = NULL;
	int r = copy ? 0 : -1;

	for (t = copy ? strtok_r(copy, " \t\r\n", &save) : NULL; t && !r;
	     t = strtok_r(NULL, " \t\r\n", &save))
		r = push(&w, t);
	if (r) {
		idreg_model_init(m);
		r = form_err(err, "out of memory reading the command line");
	} else {
		r = idreg_model_from_qemu_cmdline(m, w.n, w.v, err);
	}
	words_free(&w);
	free(copy);
	return r;
}

/* One tag of an XML text: its name and where its attributes are. */
struct tag {
	char name[64];
	const char *attrs, *end;	/* the attributes: [attrs, end) */
	bool closing;
};

/* The '>' that ends the tag whose attributes start at @s (quotes skipped). */
static const char *tag_end(const char *s)
{
	char q = 0;

	for (; *s; s++) {
		if (q && *s == q)
			q = 0;
		else if (!q && (*s == '\'' || *s == '"'))
			q = *s;
		else if (!q && *s == '>')
			return s;
	}
	return NULL;
}

/* The next tag after *@p (comments, <?...?>, <!...> and text skipped): 1, 0 at the end, -1. */
static int next_tag(const char **p, struct tag *t, char *err)
{
	const char *s = *p, *e;
	size_t n;

	for (;;) {
		s = strchr(s, '<');
		if (!s)
			return 0;
		if (strncmp(s, "<!--", 4) && s[1] != '?' && s[1] != '!')
			break;
		e = strncmp(s, "<!--", 4) ? strchr(s, '>') : strstr(s + 4, "-->");
		if (!e)
			return form_err(err, "libvirt XML: %.20s...: not closed", s);
		s = e + 1;
	}
	t->closing = s[1] == '/';
	s += 1 + t->closing;
	n = strcspn(s, " \t\r\n/>");
	if (!n || n >= sizeof(t->name))
		return form_err(err, "libvirt XML: %.20s...: a tag without a name", s - 1);
	memcpy(t->name, s, n);
	t->name[n] = '\0';
	t->attrs = s + n;
	t->end = tag_end(t->attrs);
	if (!t->end)
		return form_err(err, "libvirt XML: <%s: no '>'", t->name);
	*p = t->end + 1;
	return 1;
}

/* @s[0..n) with XML's entities replaced, into @out; -1 if bad or too long. */
static int unescape(const char *s, size_t n, char *out, size_t size)
{
	size_t i = 0, o = 0, k;

	while (i < n) {
		if (o + 1 >= size)
			return -1;
		if (s[i] != '&') {
			out[o++] = s[i++];
			continue;
		}
		for (k = 0; k < ARRAY_SIZE(xml_entities); k++)
			if (!strncmp(s + i, xml_entities[k][0], strlen(xml_entities[k][0])))
				break;
		if (k == ARRAY_SIZE(xml_entities))
			return -1;
		out[o++] = xml_entities[k][1][0];
		i += strlen(xml_entities[k][0]);
	}
	out[o] = '\0';
	return 0;
}

/* Attribute @name of @t into @out: 1, 0 if it has none, -1 if malformed. */
static int attr(const struct tag *t, const char *name, char *out, size_t size)
{
	const char *s = t->attrs, *v, *q;
	size_t n;

	for (;;) {
		while (s < t->end && (isspace((unsigned char)*s) || *s == '/'))
			s++;
		if (s >= t->end)
			return 0;
		n = strcspn(s, "= \t\r\n>");
		v = s + n;
		while (isspace((unsigned char)*v))
			v++;
		if (*v != '=')
			return -1;
		v++;
		while (isspace((unsigned char)*v))
			v++;
		if (*v != '\'' && *v != '"')
			return -1;
		q = strchr(v + 1, *v);
		if (!q || q > t->end)
			return -1;
		if (n == strlen(name) && !strncmp(s, name, n))
			return unescape(v + 1, q - v - 1, out, size) ? -1 : 1;
		s = q + 1;
	}
}

/* What the libvirt form says besides its <qemu:arg> values. */
struct domain {
	bool kvm, cpu;
	char cpu_items[256];		/* "host,pmu=off,..." */
	char gic[16];
	struct idreg_model_meta meta;
};

static int bad_attr(const struct tag *t, const char *name, char *err)
{
	return form_err(err, "libvirt XML: <%s>: attribute %s missing or malformed", t->name, name);
}

/* <feature policy='disable' name='sve'/> in <cpu>, <pmu state='off'/> in <features>. */
static int cpu_item(struct domain *d, const struct tag *t, char *err)
{
	char name[64], how[16];
	bool pmu = !strcmp(t->name, "pmu");
	size_t n = strlen(d->cpu_items);

	if (pmu)
		snprintf(name, sizeof(name), "pmu");
	else if (attr(t, "name", name, sizeof(name)) != 1)
		return bad_attr(t, "name", err);
	if (attr(t, pmu ? "state" : "policy", how, sizeof(how)) != 1)
		return bad_attr(t, pmu ? "state" : "policy", err);
	if (!strcmp(how, "on") || !strcmp(how, "require") || !strcmp(how, "force"))
		snprintf(d->cpu_items + n, sizeof(d->cpu_items) - n, ",%s=on", name);
	else if (!strcmp(how, "off") || !strcmp(how, "disable") || !strcmp(how, "forbid"))
		snprintf(d->cpu_items + n, sizeof(d->cpu_items) - n, ",%s=off", name);
	else
		return form_err(err, "libvirt XML: <%s %s='%s'>: expected on/off or require/disable",
				t->name, pmu ? "state" : "policy", how);
	return 0;
}

static int domain_tag(struct domain *d, struct words *w, const struct tag *t, char *err)
{
	char v[320];

	if (!strcmp(t->name, "domain")) {
		if (attr(t, "type", v, sizeof(v)) != 1 || strcmp(v, "kvm"))
			return form_err(err, "libvirt XML: <domain type='%s'>: idreg models QEMU under KVM only",
					attr(t, "type", v, sizeof(v)) == 1 ? v : "");
		d->kvm = true;
	} else if (!strcmp(t->name, "cpu")) {
		if (attr(t, "mode", v, sizeof(v)) != 1 || strcmp(v, "host-passthrough"))
			return form_err(err, "libvirt XML: <cpu mode='%s'>: idreg models -cpu host only (mode='host-passthrough')",
					attr(t, "mode", v, sizeof(v)) == 1 ? v : "");
		d->cpu = true;
	} else if (!strcmp(t->name, "gic")) {
		if (attr(t, "version", d->gic, sizeof(d->gic)) != 1)
			return bad_attr(t, "version", err);
	} else if (!strcmp(t->name, "feature") || !strcmp(t->name, "pmu")) {
		return cpu_item(d, t, err);
	} else if (!strcmp(t->name, "qemu:arg")) {
		if (attr(t, "value", v, sizeof(v)) != 1)
			return bad_attr(t, "value", err);
		if (push(w, v))
			return form_err(err, "libvirt XML: out of memory");
	} else if (!strcmp(t->name, "idregs:model")) {
		if (attr(t, "name", d->meta.name, sizeof(d->meta.name)) != 1)
			return bad_attr(t, "name", err);
		if (attr(t, "created", d->meta.created, sizeof(d->meta.created)) < 0)
			return bad_attr(t, "created", err);
	}
	return 0;
}

/* The command line the domain gives: -cpu host,ITEMS [-M virt,gic-version=N] ARGS. */
static int domain_line(const struct domain *d, const struct words *args, struct words *w)
{
	char gic[48];
	int i, r;

	snprintf(gic, sizeof(gic), "virt,gic-version=%s", d->gic);
	r = push(w, "-cpu") || push(w, d->cpu_items);
	if (!r && d->gic[0])
		r = push(w, "-M") || push(w, gic);
	for (i = 0; !r && i < args->n; i++)
		r = push(w, args->v[i]);
	return r;
}

int idreg_model_from_libvirt(struct idreg_model *m, const char *xml, char *err)
{
	struct domain d = { .cpu_items = "host" };
	struct words args = { 0 }, w = { 0 };
	struct tag t;
	int r;

	idreg_model_init(m);
	while ((r = next_tag(&xml, &t, err)) > 0)
		if (!t.closing && domain_tag(&d, &args, &t, err))
			break;
	if (r > 0)
		r = -1;
	else if (!r && !d.kvm)
		r = form_err(err, "libvirt XML: no <domain type='kvm'>");
	else if (!r && !d.cpu)
		r = form_err(err, "libvirt XML: no <cpu mode='host-passthrough'> (QEMU's -cpu host)");
	if (!r && domain_line(&d, &args, &w))
		r = form_err(err, "libvirt XML: out of memory");
	if (!r)
		r = idreg_model_from_qemu_cmdline(m, w.n, w.v, err);
	if (!r && d.meta.name[0] && idreg_model_set_name(m, d.meta.name, err))
		r = -1;
	if (!r)
		memcpy(m->meta.created, d.meta.created, sizeof(m->meta.created));
	words_free(&args);
	words_free(&w);
	return r;
}

int idreg_model_load_any(struct idreg_model *m, const char *path, char *err)
{
	char tmp[IDREG_ERR_LEN];
	const char *s;
	size_t len;
	char *text = idreg_read_file(path, &len, err);
	int r;

	idreg_model_init(m);
	if (!text)
		return -1;
	for (s = text; isspace((unsigned char)*s); s++)
		;
	if (*s == '<')
		r = idreg_model_from_libvirt(m, text, tmp);
	else
		r = idreg_model_from_json(m, text, len, tmp);
	if (r)
		form_err(err, "%s: %s", path, tmp);
	free(text);
	return r;
}
