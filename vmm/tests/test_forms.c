// SPDX-License-Identifier: GPL-2.0-only
/*
 * The forms a VMM stack takes (vmm/qemu_forms.c): every model printed as a
 * -cpu line, as -global lines and as a libvirt fragment reads back as the
 * same model; libvirt's own spellings and QEMU's -global forms are read;
 * bad input names what is wrong.  Also the named model file (baseline
 * --name) in and out of JSON.
 */
#include <stdlib.h>

#include "idregs/baseline.h"
#include "idregs/field.h"
#include "idregs/model.h"
#include "idregs/qemu_args.h"
#include "idregs/qemu_forms.h"
#include "unit.h"
#include "vmm_unit.h"

#define DATA	"vmm/tests/data/"

static const char *const form_names[] = { "cpu", "global", "libvirt" };

/* @m's JSON, with its name and date or without (the cpu and global forms carry none). */
static char *json_of(const struct idreg_model *m, bool meta)
{
	struct idreg_model_meta saved = m->meta;
	struct idreg_model *mm = (struct idreg_model *)m;
	char *s;

	if (!meta)
		memset(&mm->meta, 0, sizeof(mm->meta));
	s = idreg_model_to_json(m);
	mm->meta = saved;
	return s;
}

/* @text in @form read back into @back. */
static int read_back(struct idreg_model *back, enum idreg_qemu_form form, const char *text,
		     char *err)
{
	if (form == IDREG_FORM_LIBVIRT)
		return idreg_model_from_libvirt(back, text, err);
	return idreg_model_from_qemu_text(back, text, err);
}

/*
 * Each form of @m reads back as @want (the model the line gives: @m but
 * what a legacy option overrides), names and dates where the form keeps them.
 */
static void round_trip(const char *what, const struct idreg_model *m,
		       const struct idreg_model *want)
{
	char desc[200], err[IDREG_ERR_LEN] = "", *text, *got, *exp;
	struct idreg_model back;
	enum idreg_qemu_form f;

	for (f = IDREG_FORM_CPU; f <= IDREG_FORM_LIBVIRT; f++) {
		bool meta = f == IDREG_FORM_LIBVIRT;

		snprintf(desc, sizeof(desc), "%s: the %s form reads back as the model", what,
			 form_names[f]);
		text = idreg_model_qemu_form(m, f);
		if (read_back(&back, f, text ? text : "", err)) {
			UNIT_OK(false, desc);
			printf("#   %s\n#   %s", err, text ? text : "(null)\n");
			free(text);
			continue;
		}
		got = json_of(&back, meta);
		exp = json_of(want, meta);
		UNIT_EQ_STR(got, exp, desc);
		idreg_model_free(&back);
		free(got);
		free(exp);
		free(text);
	}
}

static int model_json(struct idreg_model *m, const char *json)
{
	char err[IDREG_ERR_LEN] = "";

	idreg_model_init(m);
	if (idreg_model_from_json(m, json, strlen(json), err)) {
		printf("#   %s: %s\n", json, err);
		return -1;
	}
	return 0;
}

/* A -global joins a -cpu line of any length (the baseline's: 8.7 kB). */
static void long_line_and_global(const struct idreg_model *m)
{
	char *line = idreg_model_qemu_args(m), *text, err[IDREG_ERR_LEN] = "";
	const char *g = " -global host-arm-cpu.kvm-steal-time=off";
	struct idreg_model back;
	int r;

	text = malloc(strlen(line) + strlen(g) + 1);
	sprintf(text, "%s%s", line, g);
	r = idreg_model_from_qemu_text(&back, text, err);
	UNIT_OK(strlen(line) > 4096 && !r && back.nr == m->nr && back.q.steal_time == 0,
		"a -global after the baseline's whole -cpu line joins it");
	if (r)
		printf("#   %s\n", err);
	idreg_model_free(&back);
	free(text);
	free(line);
}

static void test_baselines(void)
{
	struct idreg_profile *p = calloc(4, sizeof(*p));
	const struct idreg_profile *ps[2];
	struct idreg_msgs d = { 0 }, b = { 0 }, n = { 0 };
	char err[IDREG_ERR_LEN] = "";
	struct idreg_model m;

	if (!p || unit_load_profile(&p[0], DATA "max-qemu-virt.json", err) ||
	    unit_load_profile(&p[1], DATA "neoverse-n1-qemu-virt.json", err) ||
	    unit_load_profile(&p[2], DATA "max.json", err) ||
	    unit_load_profile(&p[3], DATA "neoverse-n1.json", err)) {
		UNIT_OK(false, "the committed profiles load");
		printf("#   %s\n", err);
		free(p);
		return;
	}
	ps[0] = &p[0];
	ps[1] = &p[1];
	idreg_model_init(&m);
	idreg_baseline(ps, 2, &m, &d, &b, &n);
	UNIT_OK(!idreg_model_set_name(&m, "pool-2026-12", err), "a fleet's name is a model name");
	idreg_model_set_created(&m, 1796000000);
	UNIT_EQ_STR(m.meta.created, "2026-11-30T00:53:20Z", "created: UTC, ISO 8601");
	UNIT_OK(m.nr > 200, "the baseline of the qemu-virt profiles has its properties");
	round_trip("baseline of max and neoverse-n1 (qemu-host, -M virt)", &m, &m);
	long_line_and_global(&m);
	idreg_set_names(IDREG_NAMES_KERNEL);
	round_trip("the same in the kernel's names (CLIDR_EL1 Ttypen, BIGEND)", &m, &m);
	idreg_set_names(IDREG_NAMES_ARM);
	idreg_model_free(&m);

	ps[0] = &p[2];
	ps[1] = &p[3];
	idreg_baseline(ps, 2, &m, &d, &b, &n);
	round_trip("baseline of profiles without vCPU features", &m, &m);
	idreg_model_free(&m);
	idreg_msgs_free(&d);
	idreg_msgs_free(&b);
	idreg_msgs_free(&n);
	free(p);
}

static void test_options(void)
{
	static const char *const models[] = {
		"{\"model\": {\"name\": \"host\", \"props\": {}}}",
		"{\"model\": {\"props\": {\"pmu\": true, \"sve\": true, \"pauth\": false, \"sve128\": true, \"sve256\": false, \"kvm-steal-time\": false, \"kvm-no-adjvtime\": true, \"SYSREG_ID_AA64DFR0_EL1_PMUVer\": 6}}, \"machine\": {\"mte\": true, \"virtualization\": true, \"gic-version\": \"3\"}}",
		"{\"model\": {\"props\": {\"aarch64\": false}}, \"machine\": {\"gic-version\": \"2\"}}",
		"{\"model\": {\"props\": {\"pmu\": false}}, \"machine\": {\"gic-version\": \"max\", \"mte\": true}}",
		"{\"model\": {\"props\": {}}, \"machine\": {\"gic-version\": \"host\"}}",
		"{\"format\": \"idregs-model-1\", \"name\": \"a_b.c-1\", \"created\": \"2026-12-06T23:00:00Z\", \"model\": {\"props\": {\"sve\": false}}}",
	};
	struct idreg_model m;
	char desc[64];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(models); i++) {
		snprintf(desc, sizeof(desc), "options model %u", i);
		if (model_json(&m, models[i])) {
			UNIT_OK(false, desc);
			continue;
		}
		round_trip(desc, &m, &m);
		if (i == 0) {
			char *json = idreg_model_to_json(&m);

			UNIT_OK(!m.meta.name[0] && json && !strstr(json, "format") &&
				!strstr(json, "created"),
				"a model without a name loads and prints as before: no format, name, date");
			free(json);
		}
		idreg_model_free(&m);
	}
}

/* A value pmu=off overrides is left out of every form alike. */
static void test_left_out(void)
{
	struct idreg_model m, want;

	if (model_json(&m, "{\"model\": {\"props\": {\"pmu\": false, \"SYSREG_ID_AA64DFR0_EL1_PMUVer\": 6, \"SYSREG_ID_AA64ISAR1_EL1_LRCPC\": 2}}}") ||
	    model_json(&want, "{\"model\": {\"props\": {\"pmu\": false, \"SYSREG_ID_AA64ISAR1_EL1_LRCPC\": 2}}}")) {
		UNIT_OK(false, "the models load");
		return;
	}
	round_trip("pmu=off with PMUVer 6", &m, &want);
	idreg_model_free(&m);
	idreg_model_free(&want);
}

static void test_global_shape(void)
{
	struct idreg_model m;
	char *s, *line, *save = NULL;
	unsigned int lines = 0, globals = 0;

	if (model_json(&m, "{\"model\": {\"props\": {\"pmu\": true, \"SYSREG_ID_AA64ISAR1_EL1_LRCPC\": 2}}, \"machine\": {\"mte\": true}}"))
		return;
	s = idreg_model_qemu_form(&m, IDREG_FORM_GLOBAL);
	for (line = strtok_r(s, "\n", &save); line; line = strtok_r(NULL, "\n", &save), lines++)
		globals += !strncmp(line, "-global host-arm-cpu.", 21);
	UNIT_EQ_U64(lines, 4, "global form: -cpu host, two -global lines, -M virt");
	UNIT_EQ_U64(globals, 2, "global form: pmu and the property as host-arm-cpu globals");
	free(s);
	s = idreg_model_qemu_form(&m, IDREG_FORM_LIBVIRT);
	UNIT_OK(s && strstr(s, "<qemu:arg value='host-arm-cpu.SYSREG_ID_AA64ISAR1_EL1_LRCPC=0x2'/>") &&
		strstr(s, "<qemu:arg value='-machine'/>\n    <qemu:arg value='mte=on'/>") &&
		strstr(s, "xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'") &&
		!strstr(s, "<metadata>"),
		"libvirt form: -global and -machine arguments, no metadata without a name");
	free(s);
	idreg_model_free(&m);
}

/* What a person may write: libvirt's own elements, quotes, comments, other devices. */
static void test_libvirt_input(void)
{
	static const char xml[] =
		"<?xml version=\"1.0\"?>\n<!-- a <domain> of ours -->\n"
		"<domain type=\"kvm\" xmlns:qemu=\"http://libvirt.org/schemas/domain/qemu/1.0\">\n"
		"  <name>guest</name><memory unit='KiB'>1048576</memory>\n"
		"  <features><acpi/><gic version='3'/><pmu state='off'/></features>\n"
		"  <cpu mode='host-passthrough' check='none'>\n"
		"    <feature policy='disable' name='sve'/>\n  </cpu>\n"
		"  <devices><disk type='file'/></devices>\n"
		"  <qemu:commandline>\n    <qemu:arg value='-global'/>\n"
		"    <qemu:arg value=\"host-arm-cpu.SYSREG_ID_AA64ISAR1_EL1_LRCPC=0x1\"/>\n"
		"    <qemu:arg value='-global'/><qemu:arg value='kvm-pit.lost_tick_policy=delay'/>\n"
		"  </qemu:commandline>\n</domain>\n";
	char err[IDREG_ERR_LEN] = "", *line;
	struct idreg_model m;

	if (idreg_model_from_libvirt(&m, xml, err)) {
		UNIT_OK(false, "a hand-written domain reads");
		printf("#   %s\n", err);
		return;
	}
	line = idreg_model_qemu_args(&m);
	UNIT_EQ_STR(line, "-cpu host,pmu=off,sve=off,SYSREG_ID_AA64ISAR1_EL1_LRCPC=0x1 -M virt,gic-version=3",
		    "libvirt's <pmu>, <feature policy='disable'>, <gic>, other types' globals skipped");
	free(line);
	idreg_model_free(&m);
}

/* @text (libvirt: '<', JSON: '{', else a command line) fails naming @want. */
static void bad(const char *text, const char *want, const char *desc)
{
	char err[IDREG_ERR_LEN] = "";
	struct idreg_model m;
	int r;

	idreg_model_init(&m);
	if (text[0] == '<')
		r = idreg_model_from_libvirt(&m, text, err);
	else if (text[0] == '{')
		r = idreg_model_from_json(&m, text, strlen(text), err);
	else
		r = idreg_model_from_qemu_text(&m, text, err);

	if (!unit_report(r && strstr(err, want), desc))
		printf("#   exit %d, error \"%s\", want \"%s\"\n", r, err, want);
	idreg_model_free(&m);
}

static void test_bad(void)
{
	bad("<domain type='qemu'><cpu mode='host-passthrough'/></domain>",
	    "<domain type='qemu'>: idreg models QEMU under KVM only", "a TCG domain");
	bad("<domain type='kvm'><cpu mode='host-model'/></domain>",
	    "<cpu mode='host-model'>: idreg models -cpu host only", "another CPU mode");
	bad("<domain type='kvm'></domain>", "no <cpu mode='host-passthrough'>", "no <cpu>");
	bad("<domain type='kvm'><!-- open", "not closed", "an unclosed comment");
	bad("<domain type='kvm'><cpu mode='host-passthrough'/><qemu:arg val='x'/></domain>",
	    "<qemu:arg>: attribute value missing", "a <qemu:arg> without a value");
	bad("-cpu host -global max-arm-cpu.pmu=on", "idreg models -cpu host (host-arm-cpu) only",
	    "a global of another CPU type");
	bad("-cpu host -global host-arm-cpu.pmu", "expected host-arm-cpu.PROPERTY=VALUE",
	    "a global without a value");
	bad("{\"format\": \"idregs-model-2\", \"model\": {\"props\": {}}}", "format: expected \"idregs-model-1\"",
	    "a model file of another format");
	bad("{\"name\": \"../etc\", \"model\": {\"props\": {}}}", "model name '../etc'",
	    "a name that is no file name");
}

/*
 * What QEMU itself refuses or resolves is no parse error (the refusal
 * comes when the line is resolved on a host: test_cli.sh, exit 1): an
 * unknown property, a value too wide; a property given on -cpu and as a
 * global takes -cpu's value (QEMU applies -cpu's items last).
 */
static void test_refused_later(void)
{
	static const char *const texts[] = {
		"<domain type='kvm'><cpu mode='host-passthrough'/><qemu:commandline>\n"
		"<qemu:arg value='-global'/><qemu:arg value='host-arm-cpu.nope=1'/></qemu:commandline></domain>",
		"-cpu host -global host-arm-cpu.SYSREG_ID_AA64ISAR1_EL1_LRCPC=0x100",
		"-cpu host,SYSREG_ID_AA64ISAR1_EL1_LRCPC=1 -global host-arm-cpu.SYSREG_ID_AA64ISAR1_EL1_LRCPC=2",
	};
	const struct idreg_reg *reg = idreg_reg_by_name("ID_AA64ISAR1_EL1");
	const struct idreg_assign *a;
	char err[IDREG_ERR_LEN] = "";
	struct idreg_model m;
	unsigned int i;
	int r;

	for (i = 0; i < ARRAY_SIZE(texts); i++) {
		idreg_model_init(&m);
		r = texts[i][0] == '<' ? idreg_model_from_libvirt(&m, texts[i], err) :
			idreg_model_from_qemu_text(&m, texts[i], err);
		if (!unit_report(!r, "a line QEMU refuses or resolves later parses"))
			printf("#   %s: %s\n", texts[i], err);
		if (i == 2) {
			a = idreg_model_find(&m, reg, idreg_field_by_name(reg, "LRCPC"));
			UNIT_OK(a && a->value == 1, "-cpu's value wins over a global's");
		}
		idreg_model_free(&m);
	}
}

static void test_cmdline(void)
{
	static const char line[] = "-accel kvm -global driver=host-arm-cpu,property=pmu,value=on\n"
		"-machine virtualization=on -M virt -cpu host";
	char err[IDREG_ERR_LEN] = "", *args;
	struct idreg_model m;

	if (idreg_model_from_qemu_text(&m, line, err)) {
		UNIT_OK(false, "QEMU's long -global form and an untyped -machine read");
		printf("#   %s\n", err);
		return;
	}
	args = idreg_model_qemu_args(&m);
	UNIT_EQ_STR(args, "-cpu host,pmu=on -M virt,virtualization=on",
		    "-global driver=,property=,value= and -machine OPTS without a type");
	free(args);
	idreg_model_free(&m);
}

int main(void)
{
	test_baselines();
	test_options();
	test_left_out();
	test_global_shape();
	test_libvirt_input();
	test_bad();
	test_refused_later();
	test_cmdline();
	return unit_done();
}
