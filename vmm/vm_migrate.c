// SPDX-License-Identifier: GPL-2.0-only
/*
 * idreg vm-save and vm-restore: idregs' own VMM moves a running guest
 * between hosts (docs/migration.md).  vm-save creates a VM (a vCPU
 * configuration, or a model's features and fields), runs the migration
 * guest to its snapshot store and writes the VM's complete state to a file;
 * vm-restore creates a new VM from the file, writes every register, names
 * each one KVM refuses, and when none is refused continues the guest and
 * checks what it reads.  Without KVM (the native build) both say so.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "idregs/util.h"
#include "idregs/vcpu_config.h"
#include "idregs/vm_migrate.h"
#include "idregs/vm_state.h"

enum {
	EXIT_YES = 0,
	EXIT_NO = 1,
	EXIT_USAGE = 2,
	EXIT_KVM = 3,
};

#ifdef IDREG_HAVE_KVM

#include "idregs/field.h"
#include "idregs/guest.h"
#include "idregs/host.h"
#include "idregs/kvm.h"
#include "idregs/model.h"
#include "idregs/profile.h"
#include "idregs/qemu.h"
#include "idregs/vcpu_state.h"

static const char save_usage[] =
	"usage: idreg vm-save [--vcpu CONFIG | --model MODEL] FILE\n";
static const char restore_usage[] =
	"usage: idreg vm-restore [--json] [--vcpu CONFIG] FILE\n";

struct save_args {
	const struct idreg_vcpu_config *cfg;
	const char *model, *file;
};

static int save_parse(int argc, char **argv, struct save_args *a)
{
	char err[IDREG_ERR_LEN];
	int i;

	memset(a, 0, sizeof(*a));
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--vcpu") && i + 1 < argc && !a->model) {
			if (idreg_vcpu_config_parse(argv[++i], &a->cfg, 1, err) != 1) {
				fprintf(stderr, "idreg: vm-save: --vcpu %s: %s\n", argv[i], err);
				return -1;
			}
		} else if (!strcmp(argv[i], "--model") && i + 1 < argc && !a->cfg) {
			a->model = argv[++i];
		} else if (argv[i][0] != '-' && !a->file) {
			a->file = argv[i];
		} else {
			break;
		}
	}
	if (i < argc || !a->file) {
		fputs(save_usage, stderr);
		return -1;
	}
	return 0;
}

/*
 * The VM of vm-save: a configuration's, or as idreg apply creates it for a
 * model (the stated options, pmu, sve, pauth where unstated and offered)
 * with what QEMU writes for the model.  No in-kernel GIC: with one, KVM
 * wants the PMU's interrupt before the PMU is initialised, and the GIC's
 * own state would have to travel too (docs/migration.md); without one,
 * KVM clears the GIC fields at the first run on every host alike.
 */
static int save_open(struct idreg_vm *vm, const struct save_args *a, unsigned int *nr_written,
		     bool *bad_model)
{
	const struct idreg_vcpu_config *c = a->cfg ?: idreg_vcpu_config_default();
	struct idreg_vcpu_config cfg = { .name = "of the model" };
	struct idreg_apply_result res;
	char err[IDREG_ERR_LEN];
	struct idreg_model m;
	int r;

	*nr_written = 0;
	*bad_model = false;
	if (!a->model)
		return idreg_vm_open(vm, c, IDREG_VM_IMP_ID_IF_OFFERED);
	idreg_model_init(&m);
	if (idreg_model_load(&m, a->model, err)) {
		fprintf(stderr, "idreg: vm-save: %s\n", err);
		idreg_model_free(&m);
		*bad_model = true;
		return -EINVAL;
	}
	cfg.features = m.features;
	cfg.if_offered = (IDREG_VCPU_PMU | IDREG_VCPU_SVE | IDREG_VCPU_PAUTH) & ~m.q.given;
	r = idreg_vm_open(vm, &cfg, IDREG_VM_IMP_ID_IF_OFFERED) ?:
	    idreg_host_qemu_writes(vm, &m, "vm-save");
	if (!r && idreg_host_apply(vm, &m, &res))
		r = idreg_vm_fail(vm, -res.err, "writing the model %s: %s", a->model, res.msg);
	if (!r)
		*nr_written = res.nr_regs;
	idreg_model_free(&m);
	return r;
}

/* The guest's reads against GET_ONE_REG: what the VM was configured with. */
static unsigned int check_before(struct idreg_vm *vm, const struct idreg_guest *g,
				 const unsigned int *slots, unsigned int nr)
{
	const uint64_t *before = (const uint64_t *)((const char *)g->mem + IDREG_MIG_AREA_BEFORE);
	unsigned int i, bad = 0;
	uint64_t v;
	char name[32];

	for (i = 0; i < nr; i++) {
		if (idreg_get_slot(vm, 0, slots[i], &v) || v == before[i])
			continue;
		fprintf(stderr, "idreg: vm-save: the guest read %s = 0x%016" PRIx64 ", GET_ONE_REG 0x%016" PRIx64 "\n",
			idreg_slot_name(slots[i], name, sizeof(name)), before[i], v);
		bad++;
	}
	return bad;
}

static int write_state(const struct idreg_vm_state *s, const char *path)
{
	char *text = idreg_vm_state_format(s);
	FILE *f = text ? fopen(path, "w") : NULL;
	int ok = f && fputs(text, f) >= 0;

	if (f && fclose(f))
		ok = 0;
	if (!ok)
		fprintf(stderr, "idreg: vm-save: cannot write %s: %s\n", path,
			text ? strerror(errno) : "out of memory");
	free(text);
	return ok ? 0 : -1;
}

int idreg_cmd_vm_save(int argc, char **argv)
{
	static unsigned int slots[IDREG_NR_SLOTS];
	struct idreg_guest g = { .mem = NULL };
	struct idreg_vm_state s;
	struct save_args a;
	struct idreg_vm vm;
	unsigned int nr, written, bad;
	uint64_t counter = 0;
	char features[96];
	bool bad_model;
	int r;

	if (save_parse(argc, argv, &a))
		return EXIT_USAGE;
	r = save_open(&vm, &a, &written, &bad_model);
	if (bad_model)
		return EXIT_USAGE;
	nr = r ? 0 : idreg_guest_readable_slots(&vm, 0, slots);
	r = r ?: idreg_guest_init(&g, &vm) ?:
	    idreg_mig_guest_start(&g, slots, nr, &counter) ?:
	    idreg_vm_state_save(&vm, &g, &s);
	if (r) {
		fprintf(stderr, "idreg: vm-save: %s\n", vm.last_error);
		idreg_guest_free(&g);
		idreg_vm_destroy(&vm);
		return r == IDREG_VM_UNAVAILABLE ? EXIT_NO : EXIT_KVM;
	}
	bad = check_before(&vm, &g, slots, nr);
	memcpy(s.slots, slots, nr * sizeof(slots[0]));
	s.nr_slots = nr;
	r = write_state(&s, a.file);
	idreg_vcpu_features_describe(vm.features, features, sizeof(features));
	if (!r)
		printf("saved %s: %u registers of %u vCPU(s), memory 0x%" PRIx64 "+0x%" PRIx64
		       ", vCPU features %s, GIC %s, KVM_CAP_ARM_WRITABLE_IMP_ID_REGS %s; model %s (%u registers written); "
		       "the guest read %u ID registers (%u differ from GET_ONE_REG), counter %" PRIu64 "\n",
		       a.file, s.nr_regs, s.nr_vcpus, s.mem_gpa, s.mem_size, features,
		       s.vgic == 3 ? "v3" : s.vgic == 2 ? "v2" : "none", s.imp_id ? "on" : "off", a.model ? a.model : "none", written, nr, bad,
		       counter);
	idreg_vm_state_free(&s);
	idreg_guest_free(&g);
	idreg_vm_destroy(&vm);
	if (r)
		return EXIT_USAGE;
	return bad || counter != IDREG_MIG_COUNT_SNAPSHOT ? EXIT_NO : EXIT_YES;
}

struct restore_args {
	const struct idreg_vcpu_config *cfg;
	const char *file;
	bool json;
};

static int restore_parse(int argc, char **argv, struct restore_args *a)
{
	char err[IDREG_ERR_LEN];
	int i;

	memset(a, 0, sizeof(*a));
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json")) {
			a->json = true;
		} else if (!strcmp(argv[i], "--vcpu") && i + 1 < argc) {
			if (idreg_vcpu_config_parse(argv[++i], &a->cfg, 1, err) != 1) {
				fprintf(stderr, "idreg: vm-restore: --vcpu %s: %s\n", argv[i], err);
				return -1;
			}
		} else if (argv[i][0] != '-' && !a->file) {
			a->file = argv[i];
		} else {
			break;
		}
	}
	if (i < argc || !a->file) {
		fputs(restore_usage, stderr);
		return -1;
	}
	return 0;
}

/* What the continued guest showed. */
struct guest_check {
	bool ran;
	uint64_t counter;
	unsigned int nr, differ;
	uint64_t cnt_before, cnt_after;
	double seconds;			/* CNTVCT_EL0 after - before, at CNTFRQ_EL0 */
	json_t *diffs;
};

static uint64_t cntfrq(void)
{
	uint64_t v;

	__asm__ volatile("mrs %0, cntfrq_el0" : "=r"(v));
	return v;
}

static json_t *hex64(uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "0x%016" PRIx64, v);
	return json_string(buf);
}

/*
 * After the restore the guest reads its ID registers again: each must be
 * what it read before the save, and what the saved VM's register held
 * (the view it was configured with); its counters go on.
 */
static void check_guest(const struct idreg_guest *g, const struct idreg_vm_state *s,
			struct guest_check *c)
{
	const uint64_t *before = (const uint64_t *)((const char *)g->mem + IDREG_MIG_AREA_BEFORE);
	const uint64_t *after = (const uint64_t *)((const char *)g->mem + IDREG_MIG_AREA_AFTER);
	const struct idreg_vm_state_reg *reg;
	struct idreg_encoding e;
	unsigned int i;
	uint64_t saved;
	char name[32];

	c->nr = s->nr_slots;
	c->diffs = json_array();
	for (i = 0; i < s->nr_slots; i++) {
		idreg_slot_encoding(s->slots[i], &e);
		reg = idreg_vm_state_find(s, 0, idreg_kvm_sysreg_id(3, e.op1, 0, e.crm, e.op2));
		saved = reg ? idreg_vm_state_u64(reg) : before[i];
		if (after[i] == before[i] && before[i] == saved)
			continue;
		c->differ++;
		idreg_slot_name(s->slots[i], name, sizeof(name));
		json_array_append_new(c->diffs, json_pack("{s:s, s:o, s:o, s:o}", "name", name,
							   "saved", hex64(saved), "before", hex64(before[i]),
							   "after", hex64(after[i])));
	}
	c->cnt_before = before[s->nr_slots];
	c->cnt_after = after[s->nr_slots];
	c->seconds = cntfrq() ? (double)(int64_t)(c->cnt_after - c->cnt_before) / cntfrq() : 0;
}

static json_t *refusals_json(const struct idreg_restore_result *res)
{
	json_t *a = json_array();
	char name[64], what[64];
	unsigned int i;

	for (i = 0; i < res->nr_refused; i++) {
		const struct idreg_restore_refusal *f = &res->refused[i];
		json_t *o = json_pack("{s:s, s:s, s:o, s:i, s:i, s:s, s:o}",
				      "name", idreg_kvm_reg_name(f->id, name, sizeof(name)),
				      "what", idreg_kvm_reg_describe(f->id, what, sizeof(what)),
				      "id", hex64(f->id), "vcpu", f->vcpu, "errno", f->err,
				      "error", strerror(f->err), "value", hex64(f->value));

		json_object_set_new(o, "now", f->now_known ? hex64(f->now) : json_null());
		json_array_append_new(a, o);
	}
	return a;
}

static void print_text(const char *file, const struct idreg_restore_result *res,
		       const struct guest_check *c, const char *error)
{
	char name[64], what[64];
	unsigned int i;

	for (i = 0; i < res->nr_refused; i++) {
		const struct idreg_restore_refusal *f = &res->refused[i];

		printf("refused: %s (%s, id 0x%016" PRIx64 ", vcpu %u) = 0x%016" PRIx64 ": %s (errno %d)",
		       idreg_kvm_reg_name(f->id, name, sizeof(name)),
		       idreg_kvm_reg_describe(f->id, what, sizeof(what)), f->id, f->vcpu, f->value,
		       strerror(f->err), f->err);
		if (f->now_known)
			printf("; the new VM holds 0x%016" PRIx64, f->now);
		printf("\n");
	}
	if (error)
		printf("error: %s\n", error);
	if (c->ran)
		printf("guest: counter %" PRIu64 ", %u ID registers read again, %u differ; CNTVCT_EL0 0x%" PRIx64
		       " before the save, 0x%" PRIx64 " after the restore (%.3f s on)\n",
		       c->counter, c->nr, c->differ, c->cnt_before, c->cnt_after, c->seconds);
	printf("%s: %u registers written, %u refused%s, %u only in the new VM; counter offset %s\n",
	       file, res->nr_set, res->nr_refused + res->nr_lost, res->nr_lost ? " (some not listed)" : "",
	       res->nr_extra, res->counter_offset ? "set" : "not set (the counter register is)");
}

static int print_json(const struct restore_args *a, const struct idreg_vm_state *s,
		      unsigned int features_asked, const struct idreg_restore_result *res,
		      const struct guest_check *c, const char *error, bool ok)
{
	char features[96];
	json_t *root, *guest;
	char *text;

	idreg_vcpu_features_describe(features_asked, features, sizeof(features));
	guest = !c->ran ? json_null() :
		json_pack("{s:I, s:i, s:i, s:O, s:o, s:o, s:f}", "counter", (json_int_t)c->counter,
			  "registers", c->nr, "differ", c->differ, "differences", c->diffs,
			  "cntvct_before", hex64(c->cnt_before), "cntvct_after", hex64(c->cnt_after),
			  "cntvct_seconds", c->seconds);
	root = json_pack("{s:s, s:s, s:b, s:s, s:i, s:i, s:i, s:i, s:b, s:o, s:s?, s:o}",
			 "schema", "idregs-vm-restore-1", "file", a->file, "restored", ok,
			 "features", features, "registers", s->nr_regs, "set", res->nr_set,
			 "refused_total", res->nr_refused + res->nr_lost, "extra", res->nr_extra,
			 "counter_offset", res->counter_offset, "refused", refusals_json(res),
			 "error", error, "guest", guest);
	text = root ? json_dumps(root, JSON_INDENT(2)) : NULL;
	json_decref(root);
	if (!text)
		return -1;
	puts(text);
	free(text);
	return 0;
}

static bool guest_ok(const struct guest_check *c)
{
	return c->ran && c->counter == IDREG_MIG_COUNT_DONE && !c->differ &&
	       c->cnt_after >= c->cnt_before;
}

int idreg_cmd_vm_restore(int argc, char **argv)
{
	struct idreg_restore_result *res = calloc(1, sizeof(*res));
	struct guest_check c = { .ran = false };
	struct idreg_guest g = { .mem = NULL };
	struct restore_args a;
	struct idreg_vm_state s;
	struct idreg_vm vm;
	char err[IDREG_ERR_LEN], *text;
	const char *error = NULL;
	unsigned int features;
	size_t len;
	int r, rc;

	if (!res || restore_parse(argc, argv, &a)) {
		free(res);
		return EXIT_USAGE;
	}
	text = idreg_read_file(a.file, &len, err);
	if (!text || idreg_vm_state_parse(&s, text, err)) {
		fprintf(stderr, "idreg: vm-restore: %s%s%s\n", text ? a.file : "", text ? ": " : "", err);
		free(text);
		free(res);
		return EXIT_USAGE;
	}
	free(text);
	r = idreg_vm_state_restore(&vm, &g, &s, a.cfg, res);
	if (!r) {
		r = idreg_mig_guest_finish(&g, &c.counter);
		c.ran = !r;
		if (c.ran)
			check_guest(&g, &s, &c);
	}
	if (r && !res->nr_refused)
		error = vm.last_error;
	if (!r && guest_ok(&c))
		rc = EXIT_YES;
	else if (res->nr_refused || c.ran || r == IDREG_VM_UNAVAILABLE)
		rc = EXIT_NO;
	else
		rc = EXIT_KVM;
	/* The new VM's features; where it was not created, what was asked. */
	features = vm.vm_fd >= 0 ? vm.features : a.cfg ? a.cfg->features : s.features;
	if (!a.json)
		print_text(a.file, res, &c, error);
	else if (print_json(&a, &s, features, res, &c, error, rc == EXIT_YES))
		rc = EXIT_KVM;
	json_decref(c.diffs);
	idreg_guest_free(&g);
	idreg_vm_destroy(&vm);
	idreg_vm_state_free(&s);
	free(res);
	return rc;
}

#else /* !IDREG_HAVE_KVM */

static int no_kvm(const char *name)
{
	fprintf(stderr, "idreg: %s needs KVM: this build has none (use the arm64 build on an arm64 host)\n",
		name);
	return EXIT_KVM;
}

int idreg_cmd_vm_save(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return no_kvm("vm-save");
}

int idreg_cmd_vm_restore(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return no_kvm("vm-restore");
}

#endif
