// SPDX-License-Identifier: GPL-2.0-only
/*
 * guest_view_test: what the guest sees.
 *
 * For each model (the host's defaults; every writable named field lowered
 * to a safe value picked with a fixed seed; every such field at its lowest
 * safe value) a VM is configured with KVM_SET_ONE_REG, a guest reads every
 * ID register the tables describe and GET_ONE_REG can read, and each
 * register is checked twice: the guest reads what GET_ONE_REG returns, and
 * GET_ONE_REG after the run still returns the configured value.  Only
 * values KVM's rules (lib/predict/kvm_rules.c, its setters included) predict to be
 * stored as written are configured; explained differences are in
 * guest_view.expect.
 * Two more checks show that the runner's bounds end a stalled guest.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/kvm.h>

#include "kselftest.h"
#include "idreg_test.h"
#include "idregs/candidates.h"
#include "expect.h"
#include "idregs/field.h"
#include "idregs/guest.h"
#include "idregs/kvm.h"
#include "idregs/kvm_rules.h"
#include "idregs/predict.h"

#define MODEL_SEED		0x6e57a11ce0ddba11ULL
#define MODEL_RANDOM		8
#define MAX_CANDIDATES		96
#define DETAIL_LEN		1024
#define BOUND_TIMEOUT_MS	300
#define BOUND_MAX_EXITS		40
#define INSN_B_BACK_ONE		0x17ffffffU	/* b .-4 */

enum model_kind { MODEL_DEFAULT, MODEL_SEEDED, MODEL_LOWEST, NR_MODELS };

static const char *const model_names[NR_MODELS] = { "default", "seeded", "lowest" };

struct view_vm {
	struct idreg_test_vm t;
	struct idreg_guest guest;
	uint64_t applied[IDREG_NR_SLOTS];	/* read back after configuring */
	uint64_t after_run[IDREG_NR_SLOTS];	/* what KVM makes of it at the run */
	uint64_t configured[IDREG_NR_SLOTS];	/* bits of configured fields */
};

static struct idreg_expectations view_expect;
static char kernel_release[128];
/* The vCPU configuration being run (its results are named "...@name"). */
static const struct idreg_vcpu_config *cfg;
static unsigned int slots[IDREG_NR_SLOTS], nr_slots;
static uint64_t host_ctr;	/* CTR_EL0 as this process reads it */

/* A result no expectation can excuse. */
static void report(const char *target, bool ok, const char *detail)
{
	ksft_test_result(ok, "%s: %s\n", target, detail);
}

/*
 * A register's value against the prediction: the bits in @differ are
 * where they differ (all 64 when there was no value to compare).
 */
static void report_bits(const char *target, uint64_t differ, const char *detail)
{
	struct idreg_test_diff diff[64];
	unsigned int bit, nr = 0;

	for (bit = 0; bit < 64; bit++)
		if (differ >> bit & 1)
			diff[nr++] = (struct idreg_test_diff){ bit, IDREG_EXPECT_READS };
	idreg_test_report_diffs(&view_expect, kernel_release, target, detail, diff, nr);
}

/* A model's VM of configuration @c with its guest: 0, -1, or IDREG_VM_UNAVAILABLE. */
static int view_vm_open(struct view_vm *w, const struct idreg_vcpu_config *c)
{
	int r;

	memset(w, 0, sizeof(*w));
	r = idreg_test_vm_open(&w->t, c, false, kernel_release);
	if (r)
		return r;
	if (idreg_guest_init(&w->guest, &w->t.vm))
		return -1;
	memcpy(w->applied, w->t.limit, sizeof(w->applied));
	return 0;
}

static void view_vm_close(struct view_vm *w)
{
	idreg_test_vm_close(&w->t);
	idreg_guest_free(&w->guest);
}

/* Order of raw field values as the field's signedness has it. */
static bool field_below(const struct idreg_field *f, uint64_t a, uint64_t b)
{
	if (f->is_signed)
		return idreg_sign_extend(a, f->width) < idreg_sign_extend(b, f->width);
	return a < b;
}

/*
 * The model's value for @f given the register as configured so far (@cur):
 * safe by the prediction both for the field alone and for the register.
 * Returns false when the model leaves the field at its limit.
 */
static bool pick_value(const struct view_vm *w, enum model_kind kind, unsigned int slot,
		       const struct idreg_reg *reg, const struct idreg_field *f,
		       uint64_t cur, uint64_t *out)
{
	uint64_t cand[MAX_CANDIDATES], safe[MAX_CANDIDATES], lower[MAX_CANDIDATES];
	uint64_t limit = w->t.limit[slot], lim_raw = idreg_field_get(limit, f->lsb, f->width);
	uint64_t seed = idreg_test_seed(MODEL_SEED, slot, f), state = seed;
	bool hidden = idreg_slot_hidden(slot, reg, &w->t.traits);
	unsigned int n, i, nr_safe = 0, nr_lower = 0;
	struct idreg_kvm_verdict v;

	n = idreg_pick_candidates(f, lim_raw, MODEL_RANDOM, seed, cand, MAX_CANDIDATES);
	for (i = 0; i < n; i++) {
		uint64_t val = idreg_field_set(cur, f->lsb, f->width, cand[i]);

		if (cand[i] == lim_raw ||
		    idreg_classify(reg, f, w->t.mask[slot], limit, cand[i], hidden, NULL) !=
		    IDREG_VALUE_SAFE ||
		    idreg_kvm_predict(slot, reg, w->t.mask[slot], limit, val, &w->t.traits, &v) !=
		    IDREG_WRITE_STORED)
			continue;
		safe[nr_safe++] = cand[i];
		if (field_below(f, cand[i], lim_raw))
			lower[nr_lower++] = cand[i];
	}
	if (!nr_safe)
		return false;
	if (kind == MODEL_SEEDED) {
		/* Lowered where something lower is safe, else any other safe value. */
		if (nr_lower)
			*out = lower[idreg_xorshift64(&state) % nr_lower];
		else
			*out = safe[idreg_xorshift64(&state) % nr_safe];
		return true;
	}
	*out = lim_raw;
	for (i = 0; i < nr_safe; i++)
		if (field_below(f, safe[i], *out))
			*out = safe[i];
	return *out != lim_raw;
}

struct apply_stats {
	unsigned int regs, fields, bad;
};

/* Write @f = @raw on top of the register as applied so far. */
static void apply_field(struct view_vm *w, unsigned int slot, const struct idreg_reg *reg,
			const struct idreg_field *f, uint64_t raw, struct apply_stats *st,
			char *detail, size_t size)
{
	uint64_t val = idreg_field_set(w->applied[slot], f->lsb, f->width, raw), back = 0;
	int r;

	r = idreg_set_slot(&w->t.vm, 0, slot, val);
	if (r) {
		idreg_append(detail, size, " [%s.%s = 0x%llx: %s]", reg->name, f->name,
			     (unsigned long long)raw, w->t.vm.last_error);
		st->bad++;
		return;
	}
	if (idreg_get_slot(&w->t.vm, 0, slot, &back)) {
		idreg_append(detail, size, " [%s.%s: %s]", reg->name, f->name, w->t.vm.last_error);
		st->bad++;
		return;
	}
	if (back != val) {
		idreg_append(detail, size, " [%s: wrote 0x%016llx, read back 0x%016llx]",
			     reg->name, (unsigned long long)val, (unsigned long long)back);
		st->bad++;
	}
	w->applied[slot] = back;
	w->configured[slot] |= idreg_field_mask(f->lsb, f->width);
	st->fields++;
}

static void apply_model(struct view_vm *w, enum model_kind kind)
{
	char target[64], detail[DETAIL_LEN] = "", summary[DETAIL_LEN + 160];
	struct apply_stats st = { 0 };
	unsigned int i, j;

	idreg_test_name(target, sizeof(target), cfg, false, "apply@%s", model_names[kind]);
	if (kind == MODEL_DEFAULT) {
		ksft_test_result_skip("%s: the default model writes nothing; its checks compare the guest with KVM's defaults\n",
				      target);
		return;
	}
	for (i = 0; i < nr_slots; i++) {
		unsigned int slot = slots[i];
		const struct idreg_reg *reg = idreg_reg_by_slot(slot);
		unsigned int before = st.fields;

		for (j = 0; j < reg->nr_fields; j++) {
			const struct idreg_field *f = &reg->fields[j];
			uint64_t raw;

			if (idreg_test_walkable(f, w->t.mask[slot]) &&
			    pick_value(w, kind, slot, reg, f, w->applied[slot], &raw))
				apply_field(w, slot, reg, f, raw, &st, detail, sizeof(detail));
		}
		st.regs += st.fields != before;
	}
	snprintf(summary, sizeof(summary), "%u fields configured in %u registers%s%s%s",
		 st.fields, st.regs, st.fields ? "" : " (none: the model would check nothing)",
		 st.bad ? "; refused or altered:" : "", detail);
	report(target, st.fields && !st.bad, summary);
}

static void check_view(struct view_vm *w, enum model_kind kind, unsigned int slot,
		       const struct idreg_guest_view *view, bool have_now, uint64_t now)
{
	char target[96], detail[DETAIL_LEN] = "", buf[32];
	const char *name = idreg_slot_name(slot, buf, sizeof(buf));
	uint64_t want = now, differ = ~0ULL;

	/* CTR_EL0 may be the hardware's: KVM's choice between TID4 and TID2. */
	if (slot == (unsigned int)idreg_slot_index(3, 3, 0, 0, 1))
		want = idreg_guest_ctr_view(&w->t.traits, now, w->t.limit[slot], host_ctr);
	if (have_now && !view->trapped[slot] && view->read[slot])
		differ = view->val[slot] ^ want;
	idreg_test_name(target, sizeof(target), cfg, false, "%s.view@%s", name, model_names[kind]);
	if (!have_now)
		snprintf(detail, sizeof(detail), "GET_ONE_REG after the run: %s",
			 w->t.vm.last_error);
	else if (view->trapped[slot])
		snprintf(detail, sizeof(detail),
			 "the guest's MRS took an exception, ESR_EL1 0x%llx; GET_ONE_REG 0x%016llx",
			 (unsigned long long)view->esr[slot], (unsigned long long)now);
	else if (!view->read[slot])
		snprintf(detail, sizeof(detail), "the guest did not get to read it; GET_ONE_REG 0x%016llx",
			 (unsigned long long)now);
	else if (differ)
		snprintf(detail, sizeof(detail), "guest reads 0x%016llx, want 0x%016llx (differ 0x%016llx); GET_ONE_REG 0x%016llx",
			 (unsigned long long)view->val[slot], (unsigned long long)want,
			 (unsigned long long)differ, (unsigned long long)now);
	else if (want == now)
		snprintf(detail, sizeof(detail), "guest reads GET_ONE_REG's 0x%016llx",
			 (unsigned long long)now);
	else
		snprintf(detail, sizeof(detail), "guest reads the hardware's 0x%016llx (FEAT_EVT, the VM's value is the host's: TID4); GET_ONE_REG 0x%016llx",
			 (unsigned long long)want, (unsigned long long)now);
	report_bits(target, differ, detail);
}

/* Name the fields in which @a and @b differ. */
static void describe_fields(const struct idreg_reg *reg, uint64_t a, uint64_t b,
			    char *detail, size_t size)
{
	uint64_t covered = 0;
	unsigned int i;

	for (i = 0; reg && i < reg->nr_fields; i++) {
		const struct idreg_field *f = &reg->fields[i];
		uint64_t fm = idreg_field_mask(f->lsb, f->width);

		covered |= fm;
		if ((a ^ b) & fm)
			idreg_append(detail, size, " %s 0x%llx -> 0x%llx;", f->name,
				   (unsigned long long)idreg_field_get(a, f->lsb, f->width),
				   (unsigned long long)idreg_field_get(b, f->lsb, f->width));
	}
	if ((a ^ b) & ~covered)
		idreg_append(detail, size, " bits 0x%016llx outside named fields;",
			   (unsigned long long)((a ^ b) & ~covered));
}

static void check_holds(struct view_vm *w, enum model_kind kind, unsigned int slot,
			bool have_now, uint64_t now)
{
	const struct idreg_reg *reg = idreg_reg_by_slot(slot);
	uint64_t want = w->after_run[slot];
	char target[96], detail[DETAIL_LEN] = "", buf[32];
	const char *name = idreg_slot_name(slot, buf, sizeof(buf));
	unsigned int nr_bits = 0, bit;

	for (bit = 0; bit < 64; bit++)
		nr_bits += w->configured[slot] >> bit & 1;
	idreg_test_name(target, sizeof(target), cfg, false, "%s.holds@%s", name,
			model_names[kind]);
	if (!have_now) {
		snprintf(detail, sizeof(detail), "GET_ONE_REG after the run: %s", w->t.vm.last_error);
		report_bits(target, ~0ULL, detail);
		return;
	}
	snprintf(detail, sizeof(detail), "0x%016llx as configured (%u bits in configured fields)",
		 (unsigned long long)now, nr_bits);
	if (want != w->applied[slot]) {
		idreg_append(detail, sizeof(detail), "; first run without irqchip cleared:");
		describe_fields(reg, w->applied[slot], want, detail, sizeof(detail));
	}
	if (now != want) {
		snprintf(detail, sizeof(detail),
			 "configured 0x%016llx, want 0x%016llx after the run, GET_ONE_REG 0x%016llx:",
			 (unsigned long long)w->applied[slot], (unsigned long long)want,
			 (unsigned long long)now);
		describe_fields(reg, want, now, detail, sizeof(detail));
	}
	report_bits(target, now ^ want, detail);
}

/*
 * Run @insns in a VM of its own and expect the runner to stop it with
 * @want.  A fresh VM each time: rewriting code a vCPU already ran would
 * need cache maintenance the guest (MMU and caches off) cannot rely on.
 */
static void check_bound(const char *target, const uint32_t *insns, unsigned int n,
			const struct idreg_guest_limits *lim, int want)
{
	static struct idreg_guest_result res;
	char detail[DETAIL_LEN];
	struct view_vm w;
	unsigned int i;
	int r = 0;

	if (view_vm_open(&w, NULL))
		ksft_exit_fail_msg("runner bounds: %s\n", w.t.vm.last_error);
	idreg_guest_reset_program(&w.guest);
	for (i = 0; i < n && !r; i++)
		r = idreg_guest_emit(&w.guest, insns[i]);
	r = r ?: idreg_guest_run(&w.guest, 0, lim, &res);
	snprintf(detail, sizeof(detail), "runner returned %d (want %d) after %.3f s, %u exits: %s",
		 r, want, res.seconds, res.exits, r ? w.t.vm.last_error : "guest finished");
	report(target, r == want, detail);
	view_vm_close(&w);
}

/*
 * The steps of a model (ctx its configuration's pass, n the model): apply
 * opens the model's VM and configures it, run runs the guest, then a view
 * and a holds result per register, and an action closes the VM.  One
 * model's VM is open at a time.
 */
static struct view_vm model_vm;
static struct idreg_guest_view model_view;
static uint64_t model_now[IDREG_NR_SLOTS];
static bool model_have_now[IDREG_NR_SLOTS];

static void step_apply(const struct idreg_test_step *s)
{
	const struct idreg_test_vm *t = s->ctx;
	char name[64];

	cfg = t->cfg;
	if (view_vm_open(&model_vm, cfg))
		ksft_exit_fail_msg("%s: %s\n",
				   idreg_test_name(name, sizeof(name), cfg, false, "model %s",
						   model_names[s->n]),
				   model_vm.t.vm.last_error);
	apply_model(&model_vm, s->n);
}

static void step_run(const struct idreg_test_step *s)
{
	struct view_vm *w = &model_vm;
	char target[64], detail[DETAIL_LEN];
	int r;

	memcpy(w->after_run, w->applied, sizeof(w->after_run));
	r = idreg_guest_read_slots(&w->guest, 0, slots, nr_slots, NULL, &model_view);
	/* Between two series read, the first run may follow either. */
	idreg_after_first_run_seen(w->after_run, &w->t.traits, model_view.val, model_view.read);
	idreg_test_name(target, sizeof(target), cfg, false, "run@%s", model_names[s->n]);
	if (r)
		snprintf(detail, sizeof(detail), "%.1000s", w->t.vm.last_error);
	else
		snprintf(detail, sizeof(detail), "the guest read %u registers, %u exits, %.3f s",
			 nr_slots, model_view.exits, model_view.seconds);
	report(target, r == 0 && nr_slots, detail);
}

static void step_view(const struct idreg_test_step *s)
{
	model_have_now[s->slot] = !idreg_get_slot(&model_vm.t.vm, 0, s->slot,
						  &model_now[s->slot]);
	check_view(&model_vm, s->n, s->slot, &model_view, model_have_now[s->slot],
		   model_now[s->slot]);
}

static void step_holds(const struct idreg_test_step *s)
{
	check_holds(&model_vm, s->n, s->slot, model_have_now[s->slot], model_now[s->slot]);
}

static void step_close(const struct idreg_test_step *s)
{
	(void)s;
	view_vm_close(&model_vm);
}

/* The registers the guest reads in @t's configuration: those GET_ONE_REG reads. */
static void step_slots(const struct idreg_test_step *s)
{
	const unsigned int *cfg_slots = s->arg;

	memcpy(slots, cfg_slots, s->n * sizeof(*slots));
	nr_slots = s->n;
}

static void step_bound(const struct idreg_test_step *s)
{
	const uint32_t spin[] = { IDREG_INSN_B_SELF };
	const uint32_t store_loop[] = { idreg_insn_str(0, 1, 0), INSN_B_BACK_ONE };
	const struct idreg_guest_limits time_bound = { .timeout_ms = BOUND_TIMEOUT_MS };
	const struct idreg_guest_limits exit_bound = { .max_exits = BOUND_MAX_EXITS,
						       .timeout_ms = 5 * BOUND_TIMEOUT_MS };

	if (s->n == 0)
		check_bound("runner.time_bound: a branch-to-self guest is stopped",
			    spin, 1, &time_bound, -ETIMEDOUT);
	else
		check_bound("runner.exit_bound: a guest storing in a loop is stopped",
			    store_loop, 2, &exit_bound, -ELOOP);
}

static void step_unavailable(const struct idreg_test_step *s)
{
	idreg_test_report_unavailable(s->ctx, s->arg);
}

static void step_stale(const struct idreg_test_step *s)
{
	(void)s;
	idreg_test_report_stale(&view_expect, kernel_release, "guest_view.expect");
}

/*
 * Why configuration @t cannot run here (the host lacks it, or the guest
 * program cannot run in it), or NULL.
 */
static const char *cannot_run(const struct idreg_test_vm *t)
{
	if (!t->open)
		return t->vm.last_error;
	if (t->vm.features & IDREG_VCPU_AARCH32)
		return "the guest program is AArch64 code; an AArch32 EL1 vCPU cannot run it";
	return NULL;
}

/* The runner's bounds, then per configuration each model. */
static void plan_view(struct idreg_test_plan *plan, struct idreg_test_passes *passes)
{
	static unsigned int cfg_slots[IDREG_TEST_MAX_CONFIGS][IDREG_NR_SLOTS];
	unsigned int i, j, n;
	int kind;

	idreg_test_plan_add(plan, step_bound, NULL, 0, NULL, 0, 0);
	idreg_test_plan_add(plan, step_bound, NULL, 0, NULL, 1, 0);
	for (i = 0; i < passes->nr; i++) {
		struct idreg_test_vm *t = &passes->pass[i];
		const char *why = cannot_run(t);

		n = t->open ? idreg_guest_readable_slots(&t->vm, 0, cfg_slots[i]) : 0;
		ksft_print_msg("kernel %s, vcpu %s: %s%u ID registers\n", kernel_release,
			       t->cfg->name, why ? "skipped; " : "the guest reads ", n);
		if (why) {
			idreg_test_plan_add(plan, step_unavailable, t, 0, why, 0, 0);
			continue;
		}
		idreg_test_plan_do(plan, step_slots, t, 0, cfg_slots[i], n);
		for (kind = 0; kind < NR_MODELS; kind++) {
			idreg_test_plan_add(plan, step_apply, t, 0, NULL, kind, 0);
			idreg_test_plan_add(plan, step_run, t, 0, NULL, kind, 0);
			for (j = 0; j < n; j++) {
				idreg_test_plan_add(plan, step_view, t, cfg_slots[i][j], NULL,
						    kind, 0);
				idreg_test_plan_add(plan, step_holds, t, cfg_slots[i][j], NULL,
						    kind, 0);
			}
			idreg_test_plan_do(plan, step_close, t, 0, NULL, kind);
		}
	}
	idreg_test_plan_add(plan, step_stale, NULL, 0, NULL, 0, 0);
}

int main(int argc, char **argv)
{
	static struct idreg_test_passes passes;
	struct idreg_test_plan plan = { 0 };

	idreg_test_start(argv[0], kernel_release, sizeof(kernel_release), &view_expect,
			 "guest_view.expect");
	idreg_test_open(&passes, argc, argv, kernel_release, false);
	host_ctr = idreg_host_ctr_el0();
	plan_view(&plan, &passes);
	/* Each model creates its own VM. */
	idreg_test_passes_close(&passes);
	idreg_test_plan_run(&plan);
	idreg_expect_free(&view_expect);
	ksft_finished();
}
