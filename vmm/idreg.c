// SPDX-License-Identifier: GPL-2.0-only
/*
 * idreg: host profiles and CPU models for KVM/arm64 ID registers, for
 * people and scripts configuring a VMM.  Built natively (no dump/apply)
 * and as a static arm64 binary with KVM (IDREG_HAVE_KVM).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "idregs/answers.h"
#include "idregs/baseline.h"
#include "idregs/declared.h"
#include "idregs/kversion.h"
#include "idregs/field.h"
#include "idregs/migration.h"
#include "idregs/model.h"
#include "idregs/model_check.h"
#include "idregs/predict.h"
#include "idregs/profile.h"
#include "idregs/qemu.h"
#include "idregs/qemu_args.h"
#include "idregs/qemu_check.h"
#include "idregs/qemu_forms.h"
#include "idregs/repro.h"
#include "idregs/vcpu_regs.h"
#include "idregs/vm_migrate.h"
#include "idregs/explore_cmd.h"
#ifdef IDREG_HAVE_KVM
#include "idregs/kvm_rules.h"
#include "idregs/guest.h"
#include "idregs/host.h"
#include "idregs/util.h"
#endif

enum {
	EXIT_YES = 0,
	EXIT_NO = 1,		/* cannot run / differences / blocked */
	EXIT_USAGE = 2,		/* bad input or usage */
	EXIT_KVM = 3,		/* KVM refused or is missing */
	EXIT_UNKNOWN = 4,	/* the profile cannot predict the answer */
};

#define EXIT_CODES \
	"exit: 0 ok, 1 the answer is no (differences, blocked, QEMU or KVM refuses),\n" \
	"      2 bad input or usage, 3 KVM error or no KVM, 4 cannot predict\n"

struct cmd {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *usage;
};

static const struct cmd *find_cmd(const char *name);

/* The vCPU configurations (CONFIG), from lib/core/vcpu_config.c's table. */
static void print_configs(FILE *f)
{
	const struct idreg_vcpu_config *c;
	unsigned int i, nr;
	char offered[96];

	c = idreg_vcpu_configs(&nr);
	fprintf(f, "CONFIG, a vCPU configuration ('idreg list --configs'):\n");
	for (i = 0; i < nr; i++) {
		idreg_vcpu_features_describe(c[i].if_offered, offered, sizeof(offered));
		fprintf(f, "  %-12s %s%s%s\n", c[i].name, c[i].what,
			c[i].if_offered ? ": " : "", c[i].if_offered ? offered : "");
	}
}

static int usage_of(const char *name, FILE *f, int code)
{
	const struct cmd *c = find_cmd(name);

	fprintf(f, "usage: idreg %s", c->usage);
	if (strstr(c->usage, "CONFIG"))
		print_configs(f);
	fprintf(f, "%s", EXIT_CODES);
	return code;
}

/* Subcommand options: only --help, and the ones a command names. */
static bool want_help(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++)
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			return true;
	return false;
}

static void print_msgs(FILE *f, const char *prefix, const struct idreg_msgs *m)
{
	unsigned int i;

	for (i = 0; i < m->nr; i++)
		fprintf(f, "%s%s\n", prefix, m->v[i]);
	if (m->oom)
		fprintf(f, "%sout of memory: messages lost\n", prefix);
}

static int load_profile(struct idreg_profile *p, const char *path)
{
	char err[IDREG_ERR_LEN];

	if (idreg_profile_load(p, path, err)) {
		fprintf(stderr, "idreg: %s\n", err);
		return -1;
	}
	return 0;
}

/* Where "--" is in argv (then a QEMU command line follows), or 0. */
static int dashdash(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--"))
			return i;
	return 0;
}

/* Is @flag among the arguments before "--"?  Then take it out. */
static bool take_flag(int *argc, char **argv, const char *flag)
{
	int i, j;

	for (i = 1; i < *argc && strcmp(argv[i], "--"); i++) {
		if (strcmp(argv[i], flag))
			continue;
		for (j = i; j + 1 <= *argc; j++)
			argv[j] = argv[j + 1];
		(*argc)--;
		return true;
	}
	return false;
}

/*
 * "@opt VALUE" among the arguments before "--": take both out, *@value =
 * VALUE.  0 (also when absent), -1 when VALUE is missing.
 */
static int take_opt(int *argc, char **argv, const char *opt, const char **value)
{
	int i, j;

	for (i = 1; i < *argc && strcmp(argv[i], "--"); i++) {
		if (strcmp(argv[i], opt))
			continue;
		if (i + 1 >= *argc || !strcmp(argv[i + 1], "--")) {
			fprintf(stderr, "idreg: %s needs a value\n", opt);
			return -1;
		}
		*value = argv[i + 1];
		for (j = i; j + 2 <= *argc; j++)
			argv[j] = argv[j + 2];
		*argc -= 2;
		return 0;
	}
	return 0;
}

/* The model of the QEMU command line after argv[@dd] ("--"). */
static int model_from_args(struct idreg_model *m, int argc, char **argv, int dd)
{
	char err[IDREG_ERR_LEN];

	if (idreg_model_from_qemu_cmdline(m, argc - dd - 1, argv + dd + 1, err)) {
		fprintf(stderr, "idreg: QEMU command line: %s\n", err);
		idreg_model_free(m);
		return -1;
	}
	return 0;
}

static int load_model(struct idreg_model *m, const char *path)
{
	char err[IDREG_ERR_LEN];

	if (idreg_model_load_any(m, path, err)) {
		fprintf(stderr, "idreg: %s\n", err);
		idreg_model_free(m);
		return -1;
	}
	if (m->nr_ignored)
		fprintf(stderr, "idreg: note: %s: %u non-SYSREG_ properties ignored\n",
			path, m->nr_ignored);
	return 0;
}

static int print_owned(char *s)
{
	if (!s) {
		fprintf(stderr, "idreg: out of memory formatting the output\n");
		return EXIT_USAGE;
	}
	fputs(s, stdout);
	free(s);
	return EXIT_YES;
}

static void list_field(const struct idreg_reg *reg, const struct idreg_field *f,
		       const struct idreg_profile *p, unsigned int slot)
{
	char prop[128];
	unsigned int i;

	idreg_prop_format(prop, sizeof(prop), reg, f);
	printf("  %-48s [%u:%u] %s%s", prop, f->lsb + f->width - 1, f->lsb,
	       idreg_policy_str(f->policy.type), f->is_signed ? " signed" : "");
	if (p)
		printf(" value 0x%" PRIx64,
		       idreg_field_get(p->value[slot], f->lsb, f->width));
	if (f->kernel_name)
		printf(" (%s: %s)", idreg_get_names() == IDREG_NAMES_ARM ?
		       "kernel" : "Arm",
		       idreg_get_names() == IDREG_NAMES_ARM ? f->kernel_name : f->name);
	printf("\n");
	for (i = 0; i < f->nr_values; i++)
		printf("      0x%-4" PRIx64 " %s%s%s\n", f->values[i].value,
		       f->values[i].name, f->values[i].meaning ? ": " : "",
		       f->values[i].meaning ? f->values[i].meaning : "");
}

static void list_aliases(const struct idreg_reg *reg)
{
	unsigned int i;
	char prop[128];

	for (i = 0; i < reg->nr_aliases; i++) {
		const struct idreg_alias *a = &reg->aliases[i];

		idreg_prop_format_alias(prop, sizeof(prop), reg, a);
		printf("  %-48s [%u:%u] kernel name of the fields above in these bits\n",
		       prop, a->lsb + a->width - 1, a->lsb);
	}
}

/* list --configs: one name a line, in the table's order (run_tests.sh reads it). */
static int list_configs(void)
{
	const struct idreg_vcpu_config *c;
	unsigned int i, nr;

	c = idreg_vcpu_configs(&nr);
	for (i = 0; i < nr; i++)
		printf("%s\n", c[i].name);
	return EXIT_YES;
}

static int cmd_list(int argc, char **argv)
{
	bool json = take_flag(&argc, argv, "--json");
	struct idreg_profile *p = NULL;
	unsigned int r, i;
	int slot, shown;

	if (argc == 2 && !strcmp(argv[1], "--configs") && !json)
		return list_configs();
	if (argc == 3 && !strcmp(argv[1], "--writable")) {
		p = malloc(sizeof(*p));
		if (!p || load_profile(p, argv[2])) {
			free(p);
			return EXIT_USAGE;
		}
	} else if (argc != 1) {
		return usage_of("list", stderr, EXIT_USAGE);
	}
	if (json) {
		shown = print_owned(idreg_list_to_json(p));
		free(p);
		return shown;
	}
	for (r = 0; r < idreg_nr_regs; r++) {
		const struct idreg_reg *reg = &idreg_regs[r];

		slot = idreg_reg_slot(reg);
		if (slot < 0 || (p && !p->readable[slot]))
			continue;
		shown = 0;
		for (i = 0; i < reg->nr_fields; i++) {
			const struct idreg_field *f = &reg->fields[i];

			if (!idreg_field_is_named(f) ||
			    (p && !idreg_profile_field_writable(p, slot, f)))
				continue;
			if (!shown++)
				printf("%s (op0 3 op1 %u CRn 0 CRm %u op2 %u)\n",
				       reg->name, reg->op1, reg->crm, reg->op2);
			list_field(reg, f, p, slot);
		}
		if (shown)
			list_aliases(reg);
	}
	free(p);
	return EXIT_YES;
}

/*
 * baseline --name: the fleet's name for the model and when it was made
 * (SOURCE_DATE_EPOCH when set, for files that must not change).
 */
static int name_model(struct idreg_model *m, const char *name)
{
	const char *epoch = getenv("SOURCE_DATE_EPOCH");
	char err[IDREG_ERR_LEN];

	if (!name)
		return 0;
	if (idreg_model_set_name(m, name, err)) {
		fprintf(stderr, "idreg: baseline --name: %s\n", err);
		return -1;
	}
	idreg_model_set_created(m, epoch ? strtoll(epoch, NULL, 10) : (long long)time(NULL));
	return 0;
}

static int cmd_baseline(int argc, char **argv)
{
	const struct idreg_profile **ps;
	struct idreg_profile *all;
	struct idreg_msgs blocking = { 0 }, notes = { 0 }, dropped = { 0 };
	bool json = take_flag(&argc, argv, "--json");
	const char *name = NULL;
	struct idreg_model m;
	int i, n, rc;
	char features[96];

	if (take_opt(&argc, argv, "--name", &name))
		return usage_of("baseline", stderr, EXIT_USAGE);
	n = argc - 1;
	if (n < 1)
		return usage_of("baseline", stderr, EXIT_USAGE);
	all = calloc(n, sizeof(*all));
	ps = calloc(n, sizeof(*ps));
	if (!all || !ps) {
		fprintf(stderr, "idreg: out of memory for %d profiles\n", n);
		rc = EXIT_USAGE;
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (load_profile(&all[i], argv[i + 1])) {
			rc = EXIT_USAGE;
			goto out;
		}
		ps[i] = &all[i];
	}
	idreg_model_init(&m);
	idreg_baseline(ps, n, &m, &dropped, &blocking, &notes);
	if (name_model(&m, name)) {
		rc = EXIT_USAGE;
		goto free_model;
	}
	if (json) {
		rc = print_owned(idreg_baseline_to_json(&m, n, &dropped, &blocking, &notes));
	} else {
		print_msgs(stderr, "note: ", &notes);
		print_msgs(stderr, "dropped: ", &dropped);
		print_msgs(stderr, "blocking: ", &blocking);
		rc = print_owned(idreg_model_to_json(&m));
	}
	if (rc == EXIT_YES && blocking.nr)
		rc = EXIT_NO;
	idreg_vcpu_features_describe(m.features, features, sizeof(features));
	fprintf(stderr, "idreg: baseline of %d hosts: %u properties, vCPU features %s (%u dropped), %u blocking\n",
		n, m.nr, features, dropped.nr, blocking.nr);
free_model:
	idreg_model_free(&m);
	idreg_msgs_free(&dropped);
	idreg_msgs_free(&blocking);
	idreg_msgs_free(&notes);
out:
	free(all);
	free(ps);
	return rc;
}

/* MODEL, or "-- QEMU-ARGS": @argv[@i] or the line after "--". */
static int model_arg(struct idreg_model *m, int argc, char **argv, int i, int dd)
{
	if (dd)
		return model_from_args(m, argc, argv, dd);
	return load_model(m, argv[i]);
}

/*
 * An answer's exit status: 1 when it has problems, else 4 when something
 * cannot be predicted (@unknown may be NULL); its messages freed.
 */
static int answer_status(int rc, struct idreg_msgs *problems, struct idreg_msgs *unknown,
			 struct idreg_msgs *notes)
{
	if (rc == EXIT_YES && problems->nr)
		rc = EXIT_NO;
	else if (rc == EXIT_YES && unknown && unknown->nr)
		rc = EXIT_UNKNOWN;
	idreg_msgs_free(problems);
	if (unknown)
		idreg_msgs_free(unknown);
	idreg_msgs_free(notes);
	return rc;
}

static int cmd_compare(int argc, char **argv)
{
	struct idreg_msgs problems = { 0 }, notes = { 0 }, unknown = { 0 };
	bool json = take_flag(&argc, argv, "--json");
	int dd = dashdash(argc, argv), rc;
	const char *ppath, *mname;
	struct idreg_profile *p;
	struct idreg_model m;

	if (dd ? dd != 2 : argc != 3)
		return usage_of("compare", stderr, EXIT_USAGE);
	ppath = dd ? argv[1] : argv[2];
	mname = dd ? "the command line" : argv[1];
	p = malloc(sizeof(*p));
	if (!p || load_profile(p, ppath)) {
		free(p);
		return EXIT_USAGE;
	}
	if (model_arg(&m, argc, argv, 1, dd)) {
		free(p);
		return EXIT_USAGE;
	}
	idreg_model_check_qemu(&m, p, true, &problems, &notes, &unknown);
	if (json) {
		rc = print_owned(idreg_compare_to_json(ppath, mname, &m, &problems, &notes,
						       &unknown));
	} else {
		print_msgs(stdout, "note: ", &notes);
		print_msgs(stdout, "", &problems);
		print_msgs(stdout, "", &unknown);
		printf("%s %s %s (%u properties, %u problems)\n", ppath,
		       problems.nr ? "cannot run" : unknown.nr ? "may or may not run" : "can run",
		       mname, m.nr, problems.nr);
		rc = EXIT_YES;
	}
	rc = answer_status(rc, &problems, &unknown, &notes);
	idreg_model_free(&m);
	free(p);
	return rc;
}

/* Two profiles and the model QEMU runs on both, or -1 (usage). */
static int migrate_args(int argc, char **argv, int dd, struct idreg_profile *p,
			struct idreg_model *m)
{
	if (load_profile(&p[0], argv[1]) || load_profile(&p[1], argv[2]))
		return -1;
	if (dd)
		return model_from_args(m, argc, argv, dd);
	idreg_model_init(m);
	return 0;
}

static int cmd_migrate(int argc, char **argv)
{
	struct idreg_msgs problems = { 0 }, notes = { 0 };
	bool json = take_flag(&argc, argv, "--json");
	int dd = dashdash(argc, argv), rc;
	struct idreg_profile *p;
	struct idreg_model m;

	if (dd ? dd != 3 : argc != 3)
		return usage_of("migrate", stderr, EXIT_USAGE);
	p = calloc(2, sizeof(*p));
	if (!p || migrate_args(argc, argv, dd, p, &m)) {
		free(p);
		return EXIT_USAGE;
	}
	idreg_migration_check(&m, &p[0], &p[1], &problems, &notes);
	if (json) {
		rc = print_owned(idreg_migrate_to_json(argv[1], argv[2], &problems, &notes));
	} else {
		print_msgs(stdout, "note: ", &notes);
		print_msgs(stdout, "", &problems);
		printf("a guest of %s %s move to %s (%u problems)\n", argv[1],
		       problems.nr ? "cannot" : "can", argv[2], problems.nr);
		rc = EXIT_YES;
	}
	rc = answer_status(rc, &problems, NULL, &notes);
	idreg_model_free(&m);
	free(p);
	return rc;
}

static int cmd_qemu_args(int argc, char **argv)
{
	struct idreg_msgs problems = { 0 }, notes = { 0 };
	enum idreg_qemu_form form = IDREG_FORM_CPU;
	const char *form_name = NULL;
	struct idreg_model m;
	int dd, rc;
	char *s;

	if (take_opt(&argc, argv, "--form", &form_name) ||
	    (form_name && idreg_qemu_form_by_name(form_name, &form))) {
		if (form_name)
			fprintf(stderr, "idreg: --form %s: expected cpu, global or libvirt\n", form_name);
		return usage_of("qemu-args", stderr, EXIT_USAGE);
	}
	dd = dashdash(argc, argv);
	if (dd ? dd != 1 : argc != 2)
		return usage_of("qemu-args", stderr, EXIT_USAGE);
	if (model_arg(&m, argc, argv, 1, dd))
		return EXIT_USAGE;
	/*
	 * Only a warning: a baseline carries hosts' own values, and those
	 * may be unnamed in the tables yet fine on those hosts ('compare').
	 */
	idreg_model_check(&m, NULL, &problems);
	print_msgs(stderr, "idreg: warning: ", &problems);
	idreg_model_notes(&m, &notes);
	print_msgs(stderr, "idreg: note: ", &notes);
	idreg_msgs_free(&problems);
	idreg_msgs_free(&notes);
	if (idreg_model_never_starts(&m)) {
		fprintf(stderr, "idreg: QEMU would stop on every host: no line gives this model\n");
		idreg_model_free(&m);
		return EXIT_NO;
	}
	s = idreg_model_qemu_form(&m, form);
	rc = print_owned(s);
	idreg_model_free(&m);
	return rc;
}

/* How the vCPU got each option: stated, or QEMU's default on this host. */
static void explain_options(const struct idreg_model *m, const struct idreg_profile *p,
			    const struct idreg_qemu_view *v)
{
	const struct idreg_vcpu_option *o = NULL;
	unsigned int i, nr;
	char why[160];
	bool on;

	o = idreg_vcpu_options(&nr);
	for (i = 0; i < nr; i++) {
		on = idreg_qemu_option_state(m, v, &o[i], why, sizeof(why));
		printf("option %s%s=%s: %s\n", o[i].machine ? "-M virt," : "", o[i].name,
		       on ? "on" : "off", why);
	}
	if (v->gic_user)
		printf("in-kernel GIC: none: QEMU's own GICv2 (kernel-irqchip=off)\n");
	else
		printf("in-kernel GIC: v%u (finalize_gic_version()%s)\n", v->gic,
		       m->q.gic ? ", gic-version stated" : "");
	if (v->features & IDREG_VCPU_SVE && p->sve_vls_known) {
		printf("SVE vector lengths:");
		for (i = 0; i < 16; i++)
			if (v->sve_vls & 1U << i)
				printf(" %u", 128 * (i + 1));
		printf(" (KVM_REG_ARM64_SVE_VLS, arm_cpu_sve_finalize())\n");
	}
}

static void explain_text(const struct idreg_model *m, const struct idreg_profile *p,
			 const struct idreg_qemu_view *v)
{
	char buf[32], key[32];
	const char *name;
	unsigned int i, slot;

	printf("host %s: kernel %s, MIDR 0x%" PRIx64 "\n", p->label, p->release, p->midr);
	explain_options(m, p, v);
	for (i = 0; i < v->nr_changes; i++) {
		const struct idreg_qemu_change *c = &v->changes[i];

		printf("field %s.%s: guest reads 0x%" PRIx64 " (profile 0x%" PRIx64 "): %s (%s)\n",
		       c->reg->name, idreg_field_name(c->field), c->to, c->from, c->by,
		       c->why ? c->why : "");
	}
	for (slot = 0; slot < IDREG_NR_SLOTS; slot++) {
		idreg_qemu_slot_key(slot, key, sizeof(key));
		name = idreg_slot_name(slot, buf, sizeof(buf));
		if (v->kind[slot] == IDREG_GUEST_VALUE)
			printf("register %s %s = 0x%016" PRIx64 "%s%s\n", key, name, v->guest[slot],
			       v->why[slot] ? ": " : "", v->why[slot] ? v->why[slot] : "");
		else
			printf("register %s %s = %s: %s\n", key, name,
			       v->kind[slot] == IDREG_GUEST_UNDEF ? "undef" : "not predicted",
			       v->why[slot]);
	}
	print_msgs(stdout, "note: ", &v->notes);
	print_msgs(stdout, "error: ", &v->errors);
	print_msgs(stdout, "unknown: ", &v->unknown);
	print_msgs(stdout, "qemu says: ", &v->says);
	if (v->errors.nr)
		printf("QEMU would not run this line on %s: %u errors\n", p->label, v->errors.nr);
	else if (v->unknown.nr)
		printf("idreg cannot predict this line on %s: %u unknowns\n", p->label,
		       v->unknown.nr);
	else
		printf("QEMU starts and KVM accepts this line on %s\n", p->label);
}

/* PROFILE [--json] -- ARGS and the like: the profile and the model. */
static int load_explain(int argc, char **argv, int npos, struct idreg_profile *p,
			struct idreg_model *m, bool *json)
{
	int dd = dashdash(argc, argv);

	*json = dd == npos + 2 && !strcmp(argv[npos + 1], "--json");
	if (!dd || dd != npos + 1 + *json)
		return -1;
	if (load_profile(p, argv[1]))
		return -1;
	return model_from_args(m, argc, argv, dd);
}

static int cmd_explain(int argc, char **argv)
{
	struct idreg_qemu_view *v = malloc(sizeof(*v));
	struct idreg_profile *p = malloc(sizeof(*p));
	struct idreg_model m;
	bool json;
	char *line;
	int rc;

	if (!v || !p || load_explain(argc, argv, 1, p, &m, &json)) {
		free(v);
		free(p);
		return v && p ? usage_of("explain", stderr, EXIT_USAGE) : EXIT_USAGE;
	}
	idreg_qemu_resolve(&m, p, v);
	line = idreg_model_qemu_args(&m);
	if (json)
		rc = print_owned(idreg_qemu_view_to_json(v, p, line ? line : ""));
	else
		explain_text(&m, p, v), rc = EXIT_YES;
	if (rc == EXIT_YES && (v->errors.nr || v->unknown.nr))
		rc = v->errors.nr ? EXIT_NO : EXIT_UNKNOWN;
	free(line);
	idreg_qemu_view_free(v);
	idreg_model_free(&m);
	free(v);
	free(p);
	return rc;
}

static int read_guest(const char *path, struct idreg_guest_read *g)
{
	char err[IDREG_ERR_LEN], *text;
	size_t len;

	text = idreg_read_file(path, &len, err);
	if (!text) {
		fprintf(stderr, "idreg: %s\n", err);
		return -1;
	}
	idreg_guest_read_parse(g, text);
	free(text);
	return 0;
}

/* One line per difference, as guest-check has always printed them. */
static void print_guest_diff(const struct idreg_guest_diff *d)
{
	char key[32], buf[32];
	const char *name = idreg_slot_name(d->slot, buf, sizeof(buf));

	idreg_qemu_slot_key(d->slot, key, sizeof(key));
	switch (d->kind) {
	case IDREG_GUEST_DIFF_MISSING:
		printf("%s %s: missing from the guest's output\n", key, name);
		break;
	case IDREG_GUEST_DIFF_UNDEF:
		printf("%s %s: predicted %s, read %s\n", key, name,
		       d->predicted ? "undef" : "a value", d->read ? "undef" : "a value");
		break;
	case IDREG_GUEST_DIFF_FIELD:
		printf("%s %s.%s: predicted 0x%" PRIx64 ", read 0x%" PRIx64 "\n", key, name,
		       idreg_field_name(d->field), d->predicted, d->read);
		break;
	case IDREG_GUEST_DIFF_BITS:
		printf("%s %s bits 0x%016" PRIx64 ": predicted 0x%016" PRIx64 ", read 0x%016" PRIx64 "\n",
		       key, name, d->bits, d->predicted, d->read);
		break;
	}
}

static int cmd_guest_check(int argc, char **argv)
{
	struct idreg_qemu_view *v = malloc(sizeof(*v));
	struct idreg_profile *p = malloc(sizeof(*p));
	struct idreg_guest_read *g = calloc(1, sizeof(*g));
	bool json = take_flag(&argc, argv, "--json");
	int dd = dashdash(argc, argv), rc = EXIT_USAGE;
	struct idreg_guest_diffs d;
	unsigned int bad, i;
	struct idreg_model m;

	if (!v || !p || !g || dd != 3) {
		rc = v && p && g ? usage_of("guest-check", stderr, EXIT_USAGE) : EXIT_USAGE;
		goto out;
	}
	if (load_profile(p, argv[1]) || read_guest(argv[2], g) ||
	    model_from_args(&m, argc, argv, dd))
		goto out;
	idreg_qemu_resolve(&m, p, v);
	bad = idreg_guest_compare(v, g, &d);
	if (json) {
		rc = print_owned(idreg_guest_check_to_json(p->label, argv[2], v, &d));
	} else {
		print_msgs(stdout, "error: ", &v->errors);
		for (i = 0; i < d.nr; i++)
			print_guest_diff(&d.v[i]);
		printf("guest-check %s on %s: %u differences, %u registers not predicted%s\n",
		       argv[2], p->label, bad, d.unpredicted,
		       v->errors.nr ? " (the line has errors)" : "");
		rc = EXIT_YES;
	}
	if (rc == EXIT_YES && (bad || d.oom))
		rc = EXIT_NO;
	idreg_guest_diffs_free(&d);
	idreg_qemu_view_free(v);
	idreg_model_free(&m);
out:
	free(v);
	free(p);
	free(g);
	return rc;
}

static int cmd_qmp_check(int argc, char **argv)
{
	struct idreg_profile *p = malloc(sizeof(*p));
	struct idreg_msgs problems = { 0 };
	char err[IDREG_ERR_LEN], *text;
	unsigned int bad;
	struct idreg_model m;
	size_t len;
	int rc = EXIT_USAGE;

	if (!p || argc != 3) {
		free(p);
		return p ? usage_of("qmp-check", stderr, EXIT_USAGE) : EXIT_USAGE;
	}
	if (load_profile(p, argv[1]))
		goto out;
	text = idreg_read_file(argv[2], &len, err);
	idreg_model_init(&m);
	if (!text || idreg_model_from_qmp(&m, text, len, err)) {
		fprintf(stderr, "idreg: %s: %s\n", argv[2], err);
		free(text);
		idreg_model_free(&m);
		goto out;
	}
	free(text);
	bad = idreg_qmp_compare(&m, p, &problems);
	/* The series lists SYSREG_ properties: they are QEMU's view of the host. */
	if (m.nr)
		bad += idreg_model_check_qemu(&m, p, false, &problems, NULL, NULL);
	print_msgs(stdout, "", &problems);
	printf("qmp-check %s against %s: %u properties, %u disagreements\n", argv[2], p->label,
	       m.nr, bad);
	rc = bad ? EXIT_NO : EXIT_YES;
	idreg_msgs_free(&problems);
	idreg_model_free(&m);
out:
	free(p);
	return rc;
}

/*
 * The text 'idreg diff' has always printed, the capability first, then
 * the rest of the vCPU (@vcpu, NULL with --writable-only) and its notes.
 */
static void print_diff_text(const struct idreg_profile *p,
			    const char *const *paths,
			    const struct idreg_diff *d, bool writable_only,
			    const struct idreg_msgs *vcpu, const struct idreg_msgs *notes)
{
	unsigned int i, nr = 0;
	char line[256], features[96];

	for (i = 0; i < 2; i++) {
		idreg_vcpu_features_describe(p[i].features, features, sizeof(features));
		printf("%s %s: kernel %s, MIDR 0x%" PRIx64 ", vCPU %s (%s)\n",
		       i ? "+++" : "---", paths[i], p[i].release, p[i].midr,
		       p[i].vcpu->name, features);
	}
	for (i = 0; i < d->nr; i++) {
		if (writable_only && !idreg_change_is_writability(&d->v[i]))
			continue;
		idreg_change_format(&d->v[i], line, sizeof(line));
		printf("%s\n", line);
		/* Not counted, as before: it is the host's, not a field. */
		nr += d->v[i].kind != IDREG_CHANGE_CAP;
	}
	if (vcpu) {
		print_msgs(stdout, "", vcpu);
		print_msgs(stdout, "note: ", notes);
		nr += vcpu->nr;
	}
	printf("%u %sdifferences\n", nr, writable_only ? "writability " : "");
}

static unsigned int nr_shown(const struct idreg_diff *d, bool writable_only)
{
	unsigned int i, nr = 0;

	for (i = 0; i < d->nr; i++)
		nr += !writable_only || idreg_change_is_writability(&d->v[i]);
	return nr;
}

static int cmd_diff(int argc, char **argv)
{
	struct idreg_msgs vcpu = { 0 }, notes = { 0 };
	bool markdown = false, writable_only = false;
	const char *paths[2];
	struct idreg_profile *p;
	struct idreg_diff d;
	int i, n = 0, rc;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--markdown"))
			markdown = true;
		else if (!strcmp(argv[i], "--writable-only"))
			writable_only = true;
		else if (n < 2 && (argv[i][0] != '-' || !argv[i][1]))
			paths[n++] = argv[i];
		else
			return usage_of("diff", stderr, EXIT_USAGE);
	}
	if (n != 2)
		return usage_of("diff", stderr, EXIT_USAGE);
	p = calloc(2, sizeof(*p));
	if (!p || load_profile(&p[0], paths[0]) || load_profile(&p[1], paths[1])) {
		free(p);
		return EXIT_USAGE;
	}
	if (idreg_profile_changes(&p[0], &p[1], &d)) {
		free(p);
		return print_owned(NULL);
	}
	/* --writable-only: the ID registers' masks; the rest has none. */
	if (!writable_only)
		idreg_vcpu_diff(&p[0], &p[1], &vcpu, &notes);
	rc = nr_shown(&d, writable_only) || vcpu.nr ? EXIT_NO : EXIT_YES;
	if (markdown) {
		if (print_owned(idreg_diff_markdown(&p[0], &p[1], &d, writable_only,
						    writable_only ? NULL : &vcpu)))
			rc = EXIT_USAGE;
	} else {
		print_diff_text(p, paths, &d, writable_only, writable_only ? NULL : &vcpu,
				&notes);
	}
	idreg_msgs_free(&vcpu);
	idreg_msgs_free(&notes);
	idreg_diff_free(&d);
	free(p);
	return rc;
}

/* One register's writable bits against the declarations; true if it differs. */
static bool print_declared_slot(const struct idreg_profile *p,
				const struct idreg_declared_series *s,
				unsigned int slot, bool aarch32_el0, bool markdown)
{
	const struct idreg_reg *reg = idreg_reg_by_slot(slot);
	uint64_t want = idreg_declared_mask(s, slot, aarch32_el0);
	uint64_t lost = want & ~p->mask[slot], gained = p->mask[slot] & ~want;
	char name[32], bits[512];
	const char *rname = idreg_slot_name(slot, name, sizeof(name));

	if (gained)
		printf("%s%s: writable, not declared: %s\n", markdown ? "- " : "", rname,
		       idreg_describe_bits(reg, gained, bits, sizeof(bits)));
	if (lost)
		printf("%s%s: declared, not writable: %s\n", markdown ? "- " : "", rname,
		       idreg_describe_bits(reg, lost, bits, sizeof(bits)));
	return lost || gained;
}

/*
 * A kernel between two series read: what both declare must be writable,
 * what neither does must not; a field they disagree on may be either, and
 * the line says which one this kernel follows.
 */
static int print_declared_between(const struct idreg_profile *p, const struct idreg_vm_traits *t,
				  bool markdown)
{
	const struct idreg_declared_series *older, *newer;
	unsigned int slot, nr = 0, version = idreg_kernel_version(p->release);
	char name[32], what[1024];

	idreg_between_known(version, &older, &newer);
	printf("%sKernel %s, between Linux %s and %s: against what both sys_regs.c declare (%s, %s)%s\n",
	       markdown ? "## " : "", p->release, older->series, newer->series, older->package,
	       newer->package, markdown ? "\n" : "");
	for (slot = 0; slot < IDREG_NR_SLOTS; slot++) {
		bool ok = idreg_declared_mask_check(version, slot, t->aarch32_el0, p->mask[slot],
						    what, sizeof(what));

		/* A passing slot's words name the fields the series disagree on after "; ". */
		nr += !ok;
		if (!ok || strchr(what, ';'))
			printf("%s%s%s%s\n", markdown ? "- " : "",
			       idreg_slot_name(slot, name, sizeof(name)), what[0] == ':' ? "" : ":",
			       what);
	}
	printf("%s%u registers differ from what both declare\n", markdown && nr ? "\n" : "", nr);
	return nr ? EXIT_NO : EXIT_YES;
}

static int cmd_declared(int argc, char **argv)
{
	bool markdown = argc == 3 && !strcmp(argv[1], "--markdown");
	const struct idreg_declared_series *s;
	enum idreg_decl_match match;
	struct idreg_vm_traits t;
	struct idreg_profile p;
	unsigned int slot, nr = 0;

	if (argc != 2 + markdown)
		return usage_of("declared", stderr, EXIT_USAGE);
	if (load_profile(&p, argv[argc - 1]))
		return EXIT_USAGE;
	idreg_profile_traits(&p, &t);
	s = idreg_declared_for(idreg_kernel_version(p.release), &match);
	if (!s) {
		fprintf(stderr, "idreg: %s: kernel %s is older than every series whose sys_regs.c was read\n",
			argv[argc - 1], p.release);
		return EXIT_USAGE;
	}
	if (match == IDREG_DECL_BETWEEN)
		return print_declared_between(&p, &t, markdown);
	printf("%sKernel %s against the writable masks Linux %s's sys_regs.c declares (%s)%s\n",
	       markdown ? "## " : "", p.release, s->series, s->package, markdown ? "\n" : "");
	for (slot = 0; slot < IDREG_NR_SLOTS; slot++)
		nr += print_declared_slot(&p, s, slot, t.aarch32_el0, markdown);
	printf("%s%u registers differ\n", markdown && nr ? "\n" : "", nr);
	return nr ? EXIT_NO : EXIT_YES;
}

/* dump [--vcpu CONFIG]: the configuration (qemu-host by default), or -1. */
static int dump_args(int argc, char **argv, const struct idreg_vcpu_config **cfg)
{
	const char *name = argc == 3 ? argv[2] : "qemu-host";
	char err[IDREG_ERR_LEN];

	if ((argc != 1 && argc != 3) || (argc == 3 && strcmp(argv[1], "--vcpu"))) {
		usage_of("dump", stderr, EXIT_USAGE);
		return -1;
	}
	if (idreg_vcpu_config_parse(name, cfg, 1, err) != 1) {
		fprintf(stderr, "idreg: --vcpu %s: %s\n", name, err);
		return -1;
	}
	return 0;
}

#ifdef IDREG_HAVE_KVM

static int cmd_dump(int argc, char **argv)
{
	const struct idreg_vcpu_config *cfg;
	char err[IDREG_ERR_LEN];
	struct idreg_profile *p;
	int rc;

	if (dump_args(argc, argv, &cfg))
		return EXIT_USAGE;
	p = malloc(sizeof(*p));
	if (!p) {
		fprintf(stderr, "idreg: out of memory\n");
		return EXIT_KVM;
	}
	rc = idreg_host_dump(p, cfg, err);
	if (rc) {
		fprintf(stderr, "idreg: dump: %s\n", err);
		free(p);
		return rc == IDREG_VM_UNAVAILABLE ? EXIT_NO : EXIT_KVM;
	}
	rc = print_owned(idreg_profile_to_json(p));
	free(p);
	return rc;
}

/* Run a guest that reads every readable ID register: into @rows, how many. */
static int guest_view(struct idreg_vm *vm, const struct idreg_model *m,
		      struct idreg_guest_view_row *rows, unsigned int *nr)
{
	static unsigned int slots[IDREG_NR_SLOTS];
	static struct idreg_guest_view view;
	struct idreg_guest g;
	uint64_t touched;
	unsigned int i;
	int r;

	*nr = idreg_guest_readable_slots(vm, 0, slots);
	r = idreg_guest_init(&g, vm);
	if (!r)
		r = idreg_guest_read_slots(&g, 0, slots, *nr, NULL, &view);
	if (r) {
		fprintf(stderr, "idreg: apply --guest-view: %s\n", vm->last_error);
		idreg_guest_free(&g);
		return EXIT_KVM;
	}
	for (i = 0; i < *nr; i++) {
		struct idreg_guest_view_row *row = &rows[i];

		row->slot = slots[i];
		idreg_model_merge(m, row->slot, 0, &touched);
		row->model = touched;
		if (idreg_get_slot(vm, 0, row->slot, &row->kvm))
			row->kvm = 0;
		row->trapped = !view.read[row->slot];
		row->esr = view.esr[row->slot];
		row->value = view.val[row->slot];
	}
	idreg_guest_free(&g);
	return EXIT_YES;
}

/* The guest's view as apply --guest-view has always printed it. */
static void print_guest_view(const struct idreg_guest_view_row *rows, unsigned int nr)
{
	unsigned int i;
	char buf[32];

	for (i = 0; i < nr; i++) {
		const struct idreg_guest_view_row *r = &rows[i];
		const char *name = idreg_slot_name(r->slot, buf, sizeof(buf));

		if (r->trapped)
			printf("guest %-20s trapped (ESR 0x%" PRIx64 ")\n", name, r->esr);
		else
			printf("guest %-20s 0x%016" PRIx64 "%s%s\n", name, r->value,
			       r->value != r->kvm ? " != GET_ONE_REG" : "",
			       r->model ? " (model)" : "");
	}
	printf("guest view: %u registers, %u differ from GET_ONE_REG\n", nr,
	       idreg_guest_view_differ(rows, nr));
}

static int cmd_apply(int argc, char **argv)
{
	struct idreg_vcpu_config cfg = { .name = "of the model" };
	static struct idreg_guest_view_row rows[IDREG_NR_SLOTS];
	bool json = take_flag(&argc, argv, "--json");
	bool gv = take_flag(&argc, argv, "--guest-view");
	struct idreg_apply_answer ans = { 0 };
	struct idreg_apply_result res;
	struct idreg_model m;
	struct idreg_vm vm;
	char features[96];
	int rc, dd;

	dd = dashdash(argc, argv);
	if (dd ? dd != 1 : argc != 2)
		return usage_of("apply", stderr, EXIT_USAGE);
	if (model_arg(&m, argc, argv, 1, dd))
		return EXIT_USAGE;
	/*
	 * The vCPU QEMU creates for the model here: the features its stated
	 * options ask for, pmu, sve, pauth where not stated and KVM offers them.
	 */
	cfg.features = m.features;
	cfg.if_offered = idreg_vcpu_qemu_host_features() & ~m.q.given;
	rc = idreg_vm_open(&vm, &cfg, IDREG_VM_IMP_ID_IF_OFFERED);
	if (!rc)
		rc = idreg_host_qemu_writes(&vm, &m, "apply");
	if (rc) {
		fprintf(stderr, "idreg: apply: %s\n", vm.last_error);
		idreg_vm_destroy(&vm);
		idreg_model_free(&m);
		return rc == IDREG_VM_UNAVAILABLE ? EXIT_NO : EXIT_KVM;
	}
	idreg_vcpu_features_describe(vm.features, features, sizeof(features));
	if (idreg_host_apply(&vm, &m, &res)) {
		fprintf(stderr, "idreg: apply %s: %s\n", argv[1], res.msg);
		rc = EXIT_KVM;
		goto out;
	}
	ans = (struct idreg_apply_answer){ .model = argv[1], .properties = m.nr,
		.registers = res.nr_regs, .features = vm.features, .imp_id = vm.imp_id_on };
	if (!json)
		printf("applied %s: %u properties in %u registers (vCPU features %s; KVM_CAP_ARM_WRITABLE_IMP_ID_REGS %s)\n",
		       argv[1], m.nr, res.nr_regs, features, vm.imp_id_on ? "on" : "off");
	rc = gv ? guest_view(&vm, &m, rows, &ans.nr_rows) : EXIT_YES;
	if (rc == EXIT_YES && gv)
		ans.rows = rows;
	if (rc == EXIT_YES && json)
		rc = print_owned(idreg_apply_to_json(&ans));
	else if (rc == EXIT_YES && gv)
		print_guest_view(rows, ans.nr_rows);
	if (rc == EXIT_YES && gv && idreg_guest_view_differ(rows, ans.nr_rows))
		rc = EXIT_NO;
out:
	idreg_vm_destroy(&vm);
	idreg_model_free(&m);
	return rc;
}
#else
static int no_kvm(const char *name)
{
	fprintf(stderr, "idreg: %s needs KVM: this build has none (use the arm64 build on an arm64 host)\n",
		name);
	return EXIT_KVM;
}

static int cmd_dump(int argc, char **argv)
{
	const struct idreg_vcpu_config *cfg;

	if (dump_args(argc, argv, &cfg))
		return EXIT_USAGE;
	return no_kvm("dump");
}

static int cmd_apply(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return no_kvm("apply");
}
#endif

/* try REG[.FIELD]=VALUE [--vcpu CONFIG] [--imp-id]: what to write. */
struct try_args {
	const struct idreg_reg *reg;
	const struct idreg_field *field;	/* NULL: VALUE is the register */
	uint64_t value;
	const struct idreg_vcpu_config *cfg;
	bool imp_id;
};

static int try_parse(int argc, char **argv, struct try_args *a)
{
	char spec[128], err[IDREG_ERR_LEN], *eq, *dot, *end;
	const char *cfg = "default";
	int i;

	memset(a, 0, sizeof(*a));
	if (argc < 2)
		return usage_of("try", stderr, EXIT_USAGE);
	for (i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--vcpu") && i + 1 < argc)
			cfg = argv[++i];
		else if (!strcmp(argv[i], "--imp-id"))
			a->imp_id = true;
		else
			return usage_of("try", stderr, EXIT_USAGE);
	}
	snprintf(spec, sizeof(spec), "%s", argv[1]);
	eq = strchr(spec, '=');
	if (!eq) {
		fprintf(stderr, "idreg: try %s: expected REG.FIELD=VALUE or REG=VALUE\n", argv[1]);
		return EXIT_USAGE;
	}
	*eq = 0;
	errno = 0;
	a->value = strtoull(eq + 1, &end, 0);
	if (errno || end == eq + 1 || *end) {
		fprintf(stderr, "idreg: try %s: '%s' is not a number\n", argv[1], eq + 1);
		return EXIT_USAGE;
	}
	dot = strchr(spec, '.');
	if (dot)
		*dot = 0;
	a->reg = idreg_reg_by_name(spec);
	if (!a->reg || idreg_reg_slot(a->reg) < 0) {
		fprintf(stderr, "idreg: try %s: no ID register %s\n", argv[1], spec);
		return EXIT_USAGE;
	}
	if (dot) {
		a->field = idreg_field_by_name(a->reg, dot + 1);
		if (!a->field) {
			fprintf(stderr, "idreg: try %s: %s has no field %s\n", argv[1], spec, dot + 1);
			return EXIT_USAGE;
		}
		if (a->field->width < 64 && a->value >> a->field->width) {
			fprintf(stderr, "idreg: try %s: 0x%" PRIx64 " does not fit in %u bits\n",
				argv[1], a->value, a->field->width);
			return EXIT_USAGE;
		}
	}
	if (idreg_vcpu_config_parse(cfg, &a->cfg, 1, err) != 1) {
		fprintf(stderr, "idreg: try --vcpu %s: %s\n", cfg, err);
		return EXIT_USAGE;
	}
	return EXIT_YES;
}

#ifdef IDREG_HAVE_KVM
static const char *effect_name(enum idreg_write_effect e)
{
	switch (e) {
	case IDREG_WRITE_REJECTED:
		return "refused";
	case IDREG_WRITE_IGNORED:
		return "accepted and ignored";
	case IDREG_WRITE_ALTERED:
		return "accepted, stored rewritten";
	default:
		return "accepted";
	}
}

static int cmd_try(int argc, char **argv)
{
	static uint64_t mask[IDREG_NR_SLOTS], limit[IDREG_NR_SLOTS];
	struct idreg_kvm_verdict v;
	struct idreg_vm_traits t;
	struct try_args a;
	struct idreg_vm vm;
	char release[128], features[96], line[160], between[256] = "";
	uint64_t val, back = 0;
	enum idreg_answer ans;
	int rc, slot, r;

	rc = try_parse(argc, argv, &a);
	if (rc)
		return rc;
	slot = idreg_reg_slot(a.reg);
	idreg_kernel_release(release, sizeof(release));
	rc = idreg_vm_open(&vm, a.cfg, a.imp_id ? IDREG_VM_IMP_ID : 0);
	if (!rc)
		rc = idreg_vm_read_all(&vm, mask, limit, NULL);
	if (!rc)
		rc = idreg_vm_traits(&vm, limit, release, &t);
	if (rc) {
		fprintf(stderr, "idreg: try: %s\n", vm.last_error);
		idreg_vm_destroy(&vm);
		return rc == IDREG_VM_UNAVAILABLE ? EXIT_NO : EXIT_KVM;
	}
	val = a.field ? idreg_field_set(limit[slot], a.field->lsb, a.field->width, a.value) :
			a.value;
	idreg_kvm_predict(slot, a.reg, mask[slot], limit[slot], val, &t, &v);
	r = idreg_set_slot(&vm, 0, slot, val);
	if (idreg_get_slot(&vm, 0, slot, &back)) {
		fprintf(stderr, "idreg: try: reading %s back: %s\n", a.reg->name, vm.last_error);
		idreg_vm_destroy(&vm);
		return EXIT_KVM;
	}
	ans = idreg_kvm_answer(&t, &v, limit[slot], r, back);
	idreg_vcpu_features_describe(vm.features, features, sizeof(features));
	printf("%s\n", idreg_try_line(line, sizeof(line), slot, a.reg, limit[slot], val,
				       a.cfg->name, a.imp_id));
	printf("host:      kernel %s, vCPU %s (features %s)%s\n", release, a.cfg->name, features,
	       vm.imp_id_on ? ", KVM_CAP_ARM_WRITABLE_IMP_ID_REGS on" : "");
	printf("register:  %s default 0x%016" PRIx64 ", writable mask 0x%016" PRIx64 "\n",
	       a.reg->name, limit[slot], mask[slot]);
	printf("written:   0x%016" PRIx64 "\n", val);
	if (r)
		printf("KVM:       refused, errno %d (%s); reads 0x%016" PRIx64 "\n", -r,
		       strerror(-r), back);
	else
		printf("KVM:       accepted; reads 0x%016" PRIx64 "\n", back);
	printf("predicted: %s by %s", effect_name(v.effect), v.path);
	if (v.effect == IDREG_WRITE_REJECTED && v.pred.reason != IDREG_REASON_OK) {
		char why[256];

		idreg_prediction_describe(why, sizeof(why), &v.pred);
		printf(": %s", why);
	} else if (v.why) {
		printf(": %s", v.why);
	}
	if (v.effect != IDREG_WRITE_REJECTED)
		printf("; reads 0x%016" PRIx64, v.stored);
	printf("\n");
	if (ans == IDREG_ANSWER_BETWEEN)
		idreg_between_describe(between, sizeof(between), &v, limit[slot], r, back);
	printf("%s%s%s\n", ans == IDREG_ANSWER_MISMATCH ? "DISAGREE: KVM breaks the rule above" :
	       "agree", *between ? ": " : "", between);
	idreg_vm_destroy(&vm);
	return ans == IDREG_ANSWER_MISMATCH ? EXIT_NO : EXIT_YES;
}
#else
static int cmd_try(int argc, char **argv)
{
	struct try_args a;
	int rc = try_parse(argc, argv, &a);

	return rc ? rc : no_kvm("try");
}
#endif

static const struct cmd cmds[] = {
	{ "dump", cmd_dump, "dump [--vcpu CONFIG]\n"
	  "  Print this host's profile as JSON: kernel, MIDR, the vCPU configuration\n"
	  "  and the features its vCPU got, every readable ID register's value and\n"
	  "  writable mask (needs /dev/kvm).  CONFIG: qemu-host unless given (what\n"
	  "  QEMU's -cpu host asks for, with the in-kernel GIC of -M virt); also the\n"
	  "  GICs KVM offers, the SVE vector lengths, CTR_EL0 and DCZID_EL0.\n" },
	{ "list", cmd_list, "list [--json] [--writable PROFILE] | list --configs\n"
	  "  Registers, fields (SYSREG_ names, bits, KVM policy) and named values;\n"
	  "  with --writable only the fields writable on PROFILE, with its values;\n"
	  "  --configs: the vCPU configurations' names, one a line, in table order.\n"
	  "  --json: \"idregs-list-1\".\n" },
	{ "baseline", cmd_baseline, "baseline [--json] [--name NAME] PROFILE...\n"
	  "  Print the model (JSON) every host can run, with the vCPU features every\n"
	  "  host's vCPU has; notes, dropped features (and the hosts without them)\n"
	  "  and blocking fields on stderr.  Exit 1 if something blocks migration.\n"
	  "  --name: a model file a fleet keeps: \"name\", \"created\" (UTC; from\n"
	  "  SOURCE_DATE_EPOCH when set) and \"format\": \"idregs-model-1\".\n"
	  "  --json: \"idregs-baseline-1\", the model and the messages on stdout.\n" },
	{ "compare", cmd_compare, "compare [--json] MODEL PROFILE | compare [--json] PROFILE -- QEMU-ARGS\n"
	  "  Can the host of PROFILE run MODEL as QEMU resolves it there (the options'\n"
	  "  defaults, what QEMU refuses, the features, the fields)?  Prints each problem;\n"
	  "  exit 1 if not, or if MTE blocks migration, 4 if the profile cannot predict\n"
	  "  it.  --json: \"idregs-compare-1\".\n" },
	{ "migrate", cmd_migrate, "migrate [--json] SOURCE DEST [-- QEMU-ARGS]\n"
	  "  A guest QEMU started on the host of profile SOURCE (with QEMU-ARGS, default\n"
	  "  -cpu host), migrated to the host of DEST where QEMU runs the same line:\n"
	  "  each ID register of the source's vCPU the destination's KVM refuses (QEMU\n"
	  "  never enables KVM_CAP_ARM_WRITABLE_IMP_ID_REGS).  Exit 1 if one is refused.\n"
	  "  --json: \"idregs-migrate-1\".\n" },
	{ "qemu-args", cmd_qemu_args, "qemu-args [--form cpu|global|libvirt] MODEL | qemu-args [...] -- QEMU-ARGS\n"
	  "  Print the shortest QEMU line that gives MODEL: -cpu host[,pmu=..,sve=..,\n"
	  "  pauth=..,sve<N>=..,kvm-psci-version=X.Y],SYSREG_<REG>_<FIELD>=0x...\n"
	  "  [-M virt,...]; options left at QEMU's defaults, values a legacy option\n"
	  "  overrides and firmware registers QEMU has no option for are left out\n"
	  "  (notes on stderr).  Exit 1 if QEMU would stop on every host (MIDR_EL1, REVIDR_EL1,\n"
	  "  AIDR_EL1 properties, secure=on).  --form global: -cpu host and a line\n"
	  "  -global host-arm-cpu.ITEM per item; --form libvirt: a <domain> fragment\n"
	  "  (<cpu mode='host-passthrough'/>, <qemu:commandline> -global arguments).\n" },
	{ "explain", cmd_explain, "explain PROFILE [--json] -- QEMU-ARGS\n"
	  "  What a guest of that QEMU line reads on the host of PROFILE, field by field:\n"
	  "  each option and where its value comes from, each field QEMU or KVM changes\n"
	  "  and why (the option, the QEMU or kernel function), every ID register, notes,\n"
	  "  and what stops QEMU or what KVM refuses, in QEMU's words.  Exit 0 if QEMU\n"
	  "  starts and KVM accepts, 1 if QEMU or KVM refuses, 2 bad input, 4 if the\n"
	  "  profile cannot predict it.  --json: \"idregs-explain-1\".\n" },
	{ "guest-check", cmd_guest_check, "guest-check [--json] PROFILE GUEST_FILE -- QEMU-ARGS\n"
	  "  Compare the guest's console (lines S3_<op1>_C0_C<crm>_<op2>=0x<16 hex> or\n"
	  "  =undef; others ignored) with what explain predicts; one line per field that\n"
	  "  differs or register missing; exit 1 if any.  --json: \"idregs-guest-check-1\".\n" },
	{ "qmp-check", cmd_qmp_check, "qmp-check PROFILE QMP_FILE\n"
	  "  QEMU's query-cpu-model-expansion answer for model host (the line whose\n"
	  "  return has model.name \"host\") against what PROFILE records KVM offers:\n"
	  "  pmu, sve, pauth, aarch64, sve<N> (and SYSREG_ values); exit 1 naming a\n"
	  "  disagreement.\n" },
	{ "diff", cmd_diff, "diff [--writable-only] [--markdown] PROFILE PROFILE\n"
	  "  Fields whose values differ (SYSREG_ name, both values) and writable-mask\n"
	  "  changes by field, then the rest of the vCPU (kvm_regs): firmware\n"
	  "  registers, registers one side lists, vector lengths, CNTFRQ_EL0, the\n"
	  "  counter offset; exit 1 if there are any.  --writable-only: only what\n"
	  "  became or stopped being writable (and readable).  --markdown: a report\n"
	  "  with a section per kind of change and totals.\n" },
	{ "declared", cmd_declared, "declared [--markdown] PROFILE\n"
	  "  PROFILE's writable masks against those its kernel series' sys_regs.c\n"
	  "  declares (a newer kernel: the newest series read): fields writable but\n"
	  "  not declared, declared but not writable; exit 1 if there are any.  A\n"
	  "  kernel between two series read is held to what both declare; a field\n"
	  "  they disagree on may go either way, and the line says which it follows.\n" },
	{ "try", cmd_try, "try REG.FIELD=VALUE|REG=VALUE [--vcpu CONFIG] [--imp-id]\n"
	  "  On a fresh VM of CONFIG (default unless given; --imp-id: with\n"
	  "  KVM_CAP_ARM_WRITABLE_IMP_ID_REGS) write the register's default with FIELD\n"
	  "  set to VALUE (or VALUE as the whole register) with KVM_SET_ONE_REG and\n"
	  "  print KVM's answer and idregs' prediction with its rule; exit 0 if they\n"
	  "  agree, 1 if not (a finding: the line the tests print to reproduce it).\n" },
	{ "apply", cmd_apply, "apply [--guest-view] [--json] MODEL | apply [...] -- QEMU-ARGS\n"
	  "  Create a VM and vCPU with MODEL's vCPU features on this host's KVM (exit 1\n"
	  "  naming a feature KVM does not offer), write MODEL (one SET_ONE_REG per\n"
	  "  register) and print the result; exit 3 naming the first field KVM refuses.\n"
	  "  --guest-view: then run a guest that reads every ID register and compare.\n"
	  "  --json: \"idregs-apply-1\".\n" },
	{ "explore", idreg_cmd_explore, IDREG_EXPLORE_USAGE },
	{ "replay", idreg_cmd_replay, IDREG_REPLAY_USAGE },
	{ "vm-save", idreg_cmd_vm_save, "vm-save [--vcpu CONFIG | --model MODEL] FILE\n"
	  "  idregs' own VMM: a VM of CONFIG (default) or with MODEL's features and fields\n"
	  "  written, its guest run to a snapshot, every register and its memory saved to\n"
	  "  FILE (docs/migration.md); exit 1 if the guest did not read what was set.\n" },
	{ "vm-restore", idreg_cmd_vm_restore, "vm-restore [--json] [--vcpu CONFIG] FILE\n"
	  "  A new VM from FILE (its features, or CONFIG's), every register written in\n"
	  "  KVM's order, each refusal named; then the guest goes on and must read what\n"
	  "  it read before the save.  Exit 1 if a register is refused or the guest's view\n"
	  "  changed.  --json: \"idregs-vm-restore-1\".\n" },
};

#define NR_CMDS ARRAY_SIZE(cmds)

static const struct cmd *find_cmd(const char *name)
{
	unsigned int i;

	for (i = 0; i < NR_CMDS; i++)
		if (!strcmp(cmds[i].name, name))
			return &cmds[i];
	return NULL;
}

static int print_usage(FILE *f, int code)
{
	unsigned int i;

	fprintf(f, "usage: idreg [--names arm|kernel] COMMAND [ARGS]   (idreg COMMAND --help for one)\n"
		   "  --names: field names in output as Arm spells them (default; QEMU's\n"
		   "  properties) or as the kernel's sysreg file does (earlier QEMU revisions);\n"
		   "  input takes either.  It may come anywhere on the line.\n");
	for (i = 0; i < NR_CMDS; i++)
		fprintf(f, "  %s", cmds[i].usage);
	fprintf(f, "MODEL is {\"model\": {\"name\": \"host\", \"props\": {\"SYSREG_...\": N, \"pmu\": true}},\n"
		   " \"machine\": {\"mte\": true, \"virtualization\": true}}\n"
		   "or a QMP query-cpu-model-expansion answer {\"return\": {...}},\n"
		   "or a libvirt domain fragment (qemu-args --form libvirt),\n"
		   "or, after \"--\", a QEMU command line: -accel kvm -M virt,... -cpu host,...\n"
		   "(-global host-arm-cpu.PROP=VALUE too);\n"
		   "PROFILE is what 'idreg dump' prints.  \"-\" reads stdin.\n");
	print_configs(f);
	fprintf(f, "%s", EXIT_CODES);
	return code;
}

/* Take "--names arm|kernel" out of argv, wherever it is; -1 if bad. */
static int take_names(int *argc, char **argv)
{
	int i, j;

	for (i = 1; i < *argc; i++) {
		if (strcmp(argv[i], "--names"))
			continue;
		if (i + 1 >= *argc) {
			fprintf(stderr, "idreg: --names needs 'arm' or 'kernel'\n");
			return -1;
		}
		if (!strcmp(argv[i + 1], "arm")) {
			idreg_set_names(IDREG_NAMES_ARM);
		} else if (!strcmp(argv[i + 1], "kernel")) {
			idreg_set_names(IDREG_NAMES_KERNEL);
		} else {
			fprintf(stderr, "idreg: --names %s: expected 'arm' or 'kernel'\n",
				argv[i + 1]);
			return -1;
		}
		for (j = i; j + 2 <= *argc; j++)
			argv[j] = argv[j + 2];
		*argc -= 2;
		i--;
	}
	return 0;
}

int main(int argc, char **argv)
{
	const struct cmd *c;

	if (take_names(&argc, argv))
		return EXIT_USAGE;

	if (argc < 2)
		return print_usage(stderr, EXIT_USAGE);
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "help"))
		return print_usage(stdout, EXIT_YES);
	c = find_cmd(argv[1]);
	if (!c) {
		fprintf(stderr, "idreg: unknown command '%s'\n", argv[1]);
		return print_usage(stderr, EXIT_USAGE);
	}
	if (want_help(argc - 1, argv + 1))
		return usage_of(c->name, stdout, EXIT_YES);
	return c->run(argc - 1, argv + 1);
}
