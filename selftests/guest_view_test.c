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
 * guest_view.expect.  A fourth model changes only CTR_EL0 (each writable
 * field at its lowest safe value): KVM then traps CTR (HCR_EL2.TID2) and
 * must answer the VM's value.
 *
 * An AArch32 EL1 vCPU (aarch32-el1) runs the A32 guest instead
 * (lib/kvm/guest_a32.c): it reads ID_PFR0-2, ID_DFR0/1, ID_AFR0,
 * ID_MMFR0-5, ID_ISAR0-6, CTR and CLIDR with MRC p15 and MVFR0-2 with
 * VMRS, and each must be the low 32 bits of GET_ONE_REG's value of the
 * AArch64 register (REG.view@MODEL@aarch32-el1).
 *
 * Per configuration, features@CONFIG: where an ID field of the VM's
 * defaults says a feature is there, the AArch64 guest can use it
 * (lib/kvm/guest_probe.c: FP's FMOV, AdvSIMD's MOVI, SVE's RDVL, PACGA,
 * PACIA, a guest hypervisor's CNTPOFF_EL2).  And hidden@CONFIG, the other
 * direction for the features whose absence KVM makes UNDEFINED by a trap
 * (FP, AdvSIMD, SVE, generic and address authentication): in a VM of its
 * own, each one the defaults say implemented is hidden where its fields
 * are writable (the absent value written: 0xf for a signed field, 0
 * otherwise; KVM may refuse, and the line says so), then each one the ID
 * fields say absent, by default or so written, must be an UNDEF (ESR EC
 * 0) in the guest.  A kernel that lets userspace lower such a field
 * without gating the feature fails it.
 * Two more checks show that the runner's bounds end a stalled guest.
 *
 * VMs (docs/tests.md): a configuration's first VM is its pass's, opened
 * at the start and untouched since; every other check that runs a guest
 * gets a fresh one.  Running a second program in a VM after a vCPU reset
 * (a VMM's reboot) does not answer as a fresh VM does (issue 30: the
 * guest then read MIDR_EL1 as 0, and an SVE instruction trapped with EC
 * 0x19 instead of UNDEF, on the emulated nested 7.3 host), so no two
 * programs share a VM.
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
#include "idregs/guest_a32.h"
#include "idregs/guest_probe.h"
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

enum model_kind { MODEL_DEFAULT, MODEL_SEEDED, MODEL_LOWEST, MODEL_CTR, NR_MODELS };

static const char *const model_names[NR_MODELS] = { "default", "seeded", "lowest", "ctr" };

#define CTR_SLOT	((unsigned int)idreg_slot_index(3, 3, 0, 0, 1))

struct view_test;

struct view_vm {
	struct view_test *test;
	struct idreg_test_vm t;
	struct idreg_guest guest;
	uint64_t applied[IDREG_NR_SLOTS];	/* read back after configuring */
	uint64_t after_run[IDREG_NR_SLOTS];	/* what KVM makes of it at the run */
	uint64_t configured[IDREG_NR_SLOTS];	/* bits of configured fields */
};

/*
 * One model of a configuration: its VM, what the guest read, and what
 * GET_ONE_REG reads after the run.
 */
struct model {
	struct view_vm w;
	enum model_kind kind;
	const unsigned int *slots;	/* the registers the guest reads */
	unsigned int nr_slots;
	struct idreg_guest_view view;
	bool ran;			/* its first run is done: run_r says how */
	int run_r;
	uint64_t now[IDREG_NR_SLOTS];
	bool have_now[IDREG_NR_SLOTS];
};

/*
 * A configuration as the test found it at its start.  Its pass's VM,
 * fresh, is the first VM the configuration needs (config_vm_open()).
 */
struct view_config {
	struct idreg_test_vm *t;	/* its pass: the name, why it is missing */
	const char *why;		/* the host cannot give it; or NULL */
	bool a32;			/* an AArch32 EL1 vCPU: the A32 guest */
	unsigned int slots[IDREG_NR_SLOTS], nr_slots;	/* what GET_ONE_REG reads */
};

/* The test: its run, the expectations, the configurations, a model's VM. */
struct view_test {
	struct idreg_test_run run;
	struct idreg_expectations expect;
	char release[128];
	uint64_t host_ctr;	/* CTR_EL0 as this process reads it */
	struct idreg_test_passes passes;
	struct view_config configs[IDREG_TEST_MAX_CONFIGS + 1];
	unsigned int nr_configs;
	struct model model;	/* one model's VM is open at a time (and hidden@'s) */
};

/* A result no expectation can excuse. */
static void report(const char *target, bool ok, const char *detail)
{
	idreg_test_result(IDREG_RESULT_BEHAVIOUR, ok, "%s: %s\n", target, detail);
}

/*
 * A register's value against the prediction: the bits in @differ are
 * where they differ (all 64 when there was no value to compare).
 */
static void report_bits(const struct view_vm *w, const char *target, uint64_t differ,
			const char *detail)
{
	struct idreg_test_diff diff[64];
	unsigned int bit, nr = 0;

	for (bit = 0; bit < 64; bit++)
		if (differ >> bit & 1)
			diff[nr++] = (struct idreg_test_diff){ bit, IDREG_EXPECT_READS };
	idreg_test_report_diffs(&w->test->expect, w->test->release, target, detail, diff, nr);
}

/* A VM of configuration @c with its guest: 0, -1, or IDREG_VM_UNAVAILABLE. */
static int view_vm_open(struct view_vm *w, struct view_test *vt,
			const struct idreg_vcpu_config *c)
{
	int r;

	memset(w, 0, sizeof(*w));
	w->test = vt;
	r = idreg_test_vm_open(&w->t, c, false, vt->release);
	if (r)
		return r;
	if (idreg_guest_init(&w->guest, &w->t.vm))
		return -1;
	memcpy(w->applied, w->t.limit, sizeof(w->applied));
	return 0;
}

/*
 * A fresh VM of configuration @c with its guest: the pass's own VM, opened
 * at the start and untouched since, the first time; then a new one.
 */
static int config_vm_open(struct view_vm *w, struct view_test *vt, struct view_config *c)
{
	if (!c->t->open)
		return view_vm_open(w, vt, c->t->cfg);
	memset(w, 0, sizeof(*w));
	w->test = vt;
	w->t = *c->t;
	c->t->open = false;
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

/* apply@MODEL: the model's values configured, each read back as written. */
static void apply_model(struct model *m)
{
	char target[64], detail[DETAIL_LEN] = "", summary[DETAIL_LEN + 160];
	struct apply_stats st = { 0 };
	struct view_vm *w = &m->w;
	enum model_kind kind = m->kind;
	unsigned int i, j;

	idreg_test_name(target, sizeof(target), w->t.cfg, false, "apply@%s", model_names[kind]);
	if (kind == MODEL_DEFAULT) {
		idreg_test_report(IDREG_RESULT_BEHAVIOUR, IDREG_SKIP, "%s: the default model writes nothing; its checks compare the guest with KVM's defaults\n",
				  target);
		return;
	}
	for (i = 0; i < m->nr_slots; i++) {
		unsigned int slot = m->slots[i];
		const struct idreg_reg *reg = idreg_reg_by_slot(slot);
		unsigned int before = st.fields;

		if (kind == MODEL_CTR && slot != CTR_SLOT)
			continue;
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
	if (slot == CTR_SLOT)
		want = idreg_guest_ctr_view(&w->t.traits, now, w->t.limit[slot], w->test->host_ctr);
	/* An AArch32 register is the low 32 bits of the AArch64 one. */
	if (w->t.vm.features & IDREG_VCPU_AARCH32)
		want &= 0xffffffffULL;
	if (have_now && !view->trapped[slot] && view->read[slot])
		differ = view->val[slot] ^ want;
	idreg_test_name(target, sizeof(target), w->t.cfg, false, "%s.view@%s", name,
			model_names[kind]);
	if (!have_now)
		snprintf(detail, sizeof(detail), "GET_ONE_REG after the run: %s",
			 w->t.vm.last_error);
	else if (view->trapped[slot])
		snprintf(detail, sizeof(detail),
			 "the guest's read took an exception (ESR, or LR for A32, 0x%llx); GET_ONE_REG 0x%016llx",
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
	report_bits(w, target, differ, detail);
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
	idreg_test_name(target, sizeof(target), w->t.cfg, false, "%s.holds@%s", name,
			model_names[kind]);
	if (!have_now) {
		snprintf(detail, sizeof(detail), "GET_ONE_REG after the run: %s", w->t.vm.last_error);
		report_bits(w, target, ~0ULL, detail);
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
	report_bits(w, target, now ^ want, detail);
}

/*
 * Run @insns in a VM of its own and expect the runner to stop it with
 * @want.  A fresh VM each time: rewriting code a vCPU already ran would
 * need cache maintenance the guest (MMU and caches off) cannot rely on.
 */
static void check_bound(struct view_test *vt, const char *target, const uint32_t *insns,
			unsigned int n, const struct idreg_guest_limits *lim, int want)
{
	static struct idreg_guest_result res;
	char detail[DETAIL_LEN];
	struct view_vm w;
	unsigned int i;
	int r = 0;

	if (view_vm_open(&w, vt, NULL))
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

/* runner.time_bound: the wall-time bound ends a guest that branches to itself. */
static void check_time_bound(struct view_test *vt)
{
	const uint32_t spin[] = { IDREG_INSN_B_SELF };
	const struct idreg_guest_limits time_bound = { .timeout_ms = BOUND_TIMEOUT_MS };

	check_bound(vt, "runner.time_bound: a branch-to-self guest is stopped",
		    spin, ARRAY_SIZE(spin), &time_bound, -ETIMEDOUT);
}

/* runner.exit_bound: the bound on exits ends a guest that stores in a loop. */
static void check_exit_bound(struct view_test *vt)
{
	const uint32_t store_loop[] = { idreg_insn_str(0, 1, 0), INSN_B_BACK_ONE };
	const struct idreg_guest_limits exit_bound = { .max_exits = BOUND_MAX_EXITS,
						       .timeout_ms = 5 * BOUND_TIMEOUT_MS };

	check_bound(vt, "runner.exit_bound: a guest storing in a loop is stopped",
		    store_loop, ARRAY_SIZE(store_loop), &exit_bound, -ELOOP);
}

/* Model @kind's VM of configuration @c, not configured yet. */
static void model_open(struct view_test *vt, struct view_config *c, enum model_kind kind)
{
	struct model *m = &vt->model;
	char name[64];

	if (config_vm_open(&m->w, vt, c))
		ksft_exit_fail_msg("%s: %s\n",
				   idreg_test_name(name, sizeof(name), c->t->cfg, false, "model %s",
						   model_names[kind]),
				   m->w.t.vm.last_error);
	m->kind = kind;
	m->slots = c->slots;
	m->nr_slots = c->nr_slots;
	m->ran = false;
}

/*
 * The model's first run: the guest reads the registers (the A32 one for an
 * AArch32 EL1 vCPU); with @pr, then probes the features the defaults name
 * (features@ and the default model share a VM: the same values, one run).
 */
static void model_first_run(struct model *m, struct idreg_probe_result *pr)
{
	struct view_vm *w = &m->w;
	int r;

	memcpy(w->after_run, w->applied, sizeof(w->after_run));
	if (pr)
		r = idreg_guest_read_and_probe_features(&w->guest, 0, m->slots, m->nr_slots,
							w->t.limit, &m->view, pr);
	else if (w->t.vm.features & IDREG_VCPU_AARCH32)
		r = idreg_guest_a32_read(&w->guest, 0, NULL, &m->view);
	else
		r = idreg_guest_read_slots(&w->guest, 0, m->slots, m->nr_slots, NULL, &m->view);
	/* Between two series read, the first run may follow either. */
	idreg_after_first_run_seen(w->after_run, &w->t.traits, m->view.val, m->view.read);
	m->ran = true;
	m->run_r = r;
}

/* run@MODEL: the guest reads the registers (the A32 one for an AArch32 EL1 vCPU). */
static void run_model(struct model *m)
{
	struct view_vm *w = &m->w;
	bool a32 = w->t.vm.features & IDREG_VCPU_AARCH32;
	char target[64], detail[DETAIL_LEN];
	int r;

	if (!m->ran)
		model_first_run(m, NULL);
	r = m->run_r;
	idreg_test_name(target, sizeof(target), w->t.cfg, false, "run@%s", model_names[m->kind]);
	if (r)
		snprintf(detail, sizeof(detail), "%.1000s", w->t.vm.last_error);
	else
		snprintf(detail, sizeof(detail), "the %s guest read %u registers, %u exits, %.3f s",
			 a32 ? "A32" : "AArch64", a32 ? IDREG_A32_NR_REGS : m->nr_slots,
			 m->view.exits, m->view.seconds);
	idreg_test_result(idreg_result_kind_of_run(r), r == 0 && m->nr_slots, "%s: %s\n", target,
			  detail);
}

/* REG.view@MODEL: GET_ONE_REG after the run (kept for holds), against the guest's read. */
static void check_model_view(struct model *m, unsigned int slot)
{
	m->have_now[slot] = !idreg_get_slot(&m->w.t.vm, 0, slot, &m->now[slot]);
	check_view(&m->w, m->kind, slot, &m->view, m->have_now[slot], m->now[slot]);
}

/*
 * features@CONFIG: with the configuration's defaults, each feature its ID
 * fields say is there, the guest uses (idregs/guest_probe.h).  The default
 * model's VM and run: the guest reads the registers first, then probes
 * (model_first_run()); the model's checks follow later from what it read.
 */
static void check_features(struct view_test *vt, struct view_config *c)
{
	struct idreg_probe_result pr;
	char target[64], detail[DETAIL_LEN] = "";
	unsigned int i, probed = 0, bad = 0;
	struct model *m = &vt->model;
	int r;

	idreg_test_name(target, sizeof(target), c->t->cfg, false, "features");
	model_open(vt, c, MODEL_DEFAULT);
	model_first_run(m, &pr);
	r = m->run_r;
	for (i = 0; !r && i < IDREG_NR_PROBES; i++) {
		const struct idreg_probe *p = &idreg_probes[i];

		if (!pr.run[i])
			continue;
		probed++;
		bad += pr.trapped[i];
		idreg_append(detail, sizeof(detail), "; %s: %s %s", p->name, p->use,
			     pr.trapped[i] ? "took an exception" : "works");
		if (pr.trapped[i])
			idreg_append(detail, sizeof(detail), " (ESR 0x%llx)",
				     (unsigned long long)pr.esr[i]);
	}
	if (r)
		idreg_test_result(idreg_result_kind_of_run(r), false, "%s: %s\n", target,
				  m->w.t.vm.last_error);
	else
		idreg_test_result(IDREG_RESULT_BEHAVIOUR, !bad, "%s: %u of %u features the defaults name were used by the guest%s\n",
				  target, probed, IDREG_NR_PROBES, detail);
}

/* "REG.FIELD = 0xV" of each field of @p, as @vals has them, into @buf. */
static void describe_probe_fields(const struct idreg_probe *p, const uint64_t *vals,
				  char *buf, size_t size)
{
	const struct idreg_field *f;
	unsigned int i;
	int slot;

	buf[0] = 0;
	for (i = 0; i < p->nr_fields; i++) {
		f = idreg_probe_field(p, i, &slot);
		if (f)
			idreg_append(buf, size, "%s%s.%s = 0x%llx", i ? ", " : "", p->fields[i].reg,
				     p->fields[i].field,
				     (unsigned long long)idreg_field_get(vals[slot], f->lsb, f->width));
	}
}

/*
 * Hide @p's feature: write the absent value to each of its fields that says
 * implemented, on top of @now (the VM's values, updated from GET_ONE_REG).
 * False, with the reason in @notes, where one of those fields is not
 * writable (then nothing is written) or KVM refuses a write.
 */
static bool hide_feature(struct view_vm *w, const struct idreg_probe *p, uint64_t *now,
			 char *written, size_t wsize, char *notes, size_t nsize)
{
	const struct idreg_field *f;
	unsigned int i;
	uint64_t val;
	int slot;

	for (i = 0; i < p->nr_fields; i++) {
		f = idreg_probe_field(p, i, &slot);
		if (f && idreg_probe_field_implemented(p, i, idreg_field_get(now[slot], f->lsb, f->width)) &&
		    !idreg_test_walkable(f, w->t.mask[slot])) {
			idreg_append(notes, nsize, "; %s kept: %s.%s not writable", p->name,
				     p->fields[i].reg, p->fields[i].field);
			return false;
		}
	}
	written[0] = 0;
	for (i = 0; i < p->nr_fields; i++) {
		f = idreg_probe_field(p, i, &slot);
		if (!f || !idreg_probe_field_implemented(p, i, idreg_field_get(now[slot], f->lsb, f->width)))
			continue;
		val = idreg_field_set(now[slot], f->lsb, f->width, idreg_probe_field_absent(p, i));
		if (idreg_set_slot(&w->t.vm, 0, slot, val)) {
			idreg_append(notes, nsize, "; %s kept: %s.%s = 0x%llx refused (%s)", p->name,
				     p->fields[i].reg, p->fields[i].field,
				     (unsigned long long)idreg_probe_field_absent(p, i),
				     w->t.vm.last_error);
			return false;
		}
		idreg_append(written, wsize, "%s%s.%s = 0x%llx", written[0] ? ", " : "",
			     p->fields[i].reg, p->fields[i].field,
			     (unsigned long long)idreg_probe_field_absent(p, i));
		if (idreg_get_slot(&w->t.vm, 0, slot, &now[slot]))
			now[slot] = val;
	}
	return true;
}

/* What hidden@CONFIG did and found, feature by feature. */
struct hiding {
	bool hidden[IDREG_NR_PROBES];	/* its absent value written, accepted */
	bool which[IDREG_NR_PROBES];	/* probed: the fields say absent */
	char written[IDREG_NR_PROBES][160];
	uint64_t now[IDREG_NR_SLOTS];	/* the VM's values, as written */
	unsigned int nr_hidden, probed, bad;
	char detail[DETAIL_LEN], notes[DETAIL_LEN], undef[DETAIL_LEN];
};

/*
 * Hide each gated feature the fields say implemented, where they are
 * writable; then which to probe: each the fields now say absent (a
 * hidden one still implemented is a difference of its own).
 */
static void hide_gated(struct view_vm *w, bool el2, struct hiding *h)
{
	char fields[160];
	unsigned int i;

	for (i = 0; i < IDREG_NR_PROBES; i++) {
		const struct idreg_probe *p = &idreg_probes[i];

		if (!p->gated)
			continue;
		if (!idreg_probe_runs_at(p, el2)) {
			idreg_append(h->notes, sizeof(h->notes), "; %s not probed at vEL2", p->name);
			continue;
		}
		if (idreg_probe_implemented(p, h->now))
			h->hidden[i] = hide_feature(w, p, h->now, h->written[i], sizeof(h->written[i]),
						    h->notes, sizeof(h->notes));
		h->nr_hidden += h->hidden[i];
	}
	for (i = 0; i < IDREG_NR_PROBES; i++) {
		const struct idreg_probe *p = &idreg_probes[i];

		if (!p->gated || !idreg_probe_runs_at(p, el2))
			continue;
		h->which[i] = !idreg_probe_implemented(p, h->now);
		if (h->hidden[i] && !h->which[i]) {
			describe_probe_fields(p, h->now, fields, sizeof(fields));
			idreg_append(h->detail, sizeof(h->detail), "; %s: wrote %s, accepted, but GET_ONE_REG reads %s",
				     p->name, h->written[i], fields);
			h->bad++;
		}
	}
}

/* Each absent feature the guest used must have been an UNDEF (EC 0). */
static void judge_undefs(const struct idreg_probe_result *pr, struct hiding *h)
{
	char fields[160];
	unsigned int i;

	for (i = 0; i < IDREG_NR_PROBES; i++) {
		const struct idreg_probe *p = &idreg_probes[i];

		if (!pr->run[i])
			continue;
		h->probed++;
		if (pr->trapped[i] && !idreg_esr_ec(pr->esr[i])) {
			idreg_append(h->undef, sizeof(h->undef), "%s%s", h->undef[0] ? ", " : "",
				     p->name);
			continue;
		}
		h->bad++;
		describe_probe_fields(p, h->now, fields, sizeof(fields));
		idreg_append(h->detail, sizeof(h->detail), "; %s absent (%s%s%s): %s ", p->name,
			     h->hidden[i] ? "wrote " : "", h->hidden[i] ? h->written[i] : "by default: ",
			     h->hidden[i] ? ", accepted" : fields, p->use);
		if (pr->trapped[i])
			idreg_append(h->detail, sizeof(h->detail), "took ESR 0x%llx (EC 0x%x), want an UNDEF (EC 0)",
				     (unsigned long long)pr->esr[i], idreg_esr_ec(pr->esr[i]));
		else
			idreg_append(h->detail, sizeof(h->detail), "ran, want an UNDEF (EC 0)");
	}
}

/*
 * hidden@CONFIG: a VM of its own with the configuration's defaults.  Each
 * gated feature (idregs/guest_probe.h) its fields say implemented is
 * hidden where they are writable (the absent value written; KVM may
 * refuse, and the line says so); then each gated feature the fields say
 * absent, by default or so written, must be an UNDEF in the guest (a
 * trapped step with ESR EC 0).  A feature left implemented is features@'s.
 */
static void check_hidden(struct view_test *vt, struct view_config *c)
{
	struct hiding h;
	struct idreg_probe_result pr;
	char target[64];
	struct view_vm w;
	int r;

	idreg_test_name(target, sizeof(target), c->t->cfg, false, "hidden");
	if (config_vm_open(&w, vt, c))
		ksft_exit_fail_msg("%s: %s\n", target, w.t.vm.last_error);
	memset(&h, 0, sizeof(h));
	memcpy(h.now, w.t.limit, sizeof(h.now));
	hide_gated(&w, w.t.vm.features & IDREG_VCPU_EL2, &h);
	r = idreg_guest_probe(&w.guest, 0, h.which, &pr);
	if (!r)
		judge_undefs(&pr, &h);
	if (r)
		idreg_test_result(idreg_result_kind_of_run(r), false, "%s: %s\n", target,
				  w.t.vm.last_error);
	else
		idreg_test_result(IDREG_RESULT_BEHAVIOUR, !h.bad, "%s: %u hidden, %u absent features probed%s%s%s%s\n",
				  target, h.nr_hidden, h.probed, h.undef[0] ? "; UNDEF: " : "",
				  h.undef, h.detail, h.notes);
	view_vm_close(&w);
}

/*
 * An entry whose target ends in "@CONFIG" for a configuration this run did
 * not check excused nothing because nothing it names ran: not stale here.
 */
static void set_aside_configs_not_run(struct view_test *vt)
{
	struct idreg_expectations *e = &vt->expect;
	unsigned int i, j;

	for (i = 0; i < e->nr; i++) {
		const char *at = strrchr(e->items[i].target, '@');
		bool checked = false;

		if (!at || !idreg_vcpu_config_by_name(at + 1))
			continue;
		for (j = 0; j < vt->nr_configs; j++)
			checked |= !vt->configs[j].why &&
				   !strcmp(vt->configs[j].t->cfg->name, at + 1);
		if (!checked)
			e->items[i].matched++;
	}
}

static void check_stale(struct view_test *vt)
{
	set_aside_configs_not_run(vt);
	idreg_test_report_stale(&vt->expect, vt->release, "guest_view.expect");
}

/* Is @slot the AArch64 register of one the A32 guest reads? */
static bool a32_reads(unsigned int slot)
{
	unsigned int i;

	for (i = 0; i < IDREG_A32_NR_REGS; i++)
		if (slot == (unsigned int)idreg_slot_index(3, idreg_a32_regs[i].op1, 0,
							   idreg_a32_regs[i].crm,
							   idreg_a32_regs[i].op2))
			return true;
	return false;
}

/*
 * A model: its VM configured (apply), the guest run, then per register
 * the view and the holds results; the VM closed.
 */
static void walk_model(struct view_test *vt, struct view_config *c, enum model_kind kind)
{
	struct idreg_test_run *run = &vt->run;
	struct model *m = &vt->model;
	unsigned int j, slot;

	/* The default model's VM ran already where features@ shares it. */
	if (idreg_test_acting(run) && !(kind == MODEL_DEFAULT && m->ran))
		model_open(vt, c, kind);
	if (idreg_test_due(run))
		apply_model(m);
	if (idreg_test_due(run))
		run_model(m);
	for (j = 0; j < c->nr_slots; j++) {
		slot = c->slots[j];
		/*
		 * The A32 guest reads the AArch32 registers, CTR and CLIDR:
		 * the view of those only.  Every register must hold, the
		 * AArch64 ones of an AArch32 EL1 vCPU too (KVM's first run has
		 * no AArch32 rule: guest_consequences_test's aarch32.after_run).
		 */
		if ((!c->a32 || a32_reads(slot)) && idreg_test_due(run))
			check_model_view(m, slot);
		else if (c->a32 && !a32_reads(slot) && idreg_test_acting(run))
			m->have_now[slot] = !idreg_get_slot(&m->w.t.vm, 0, slot, &m->now[slot]);
		if (idreg_test_due(run))
			check_holds(&m->w, kind, slot, m->have_now[slot], m->now[slot]);
	}
	if (idreg_test_acting(run)) {
		view_vm_close(&m->w);
		m->ran = false;
	}
}

/* A configuration: a skip where the host lacks it; its features; each model. */
static void walk_config(struct view_test *vt, struct view_config *c)
{
	int kind;

	idreg_test_pass_enter(&vt->run, c->t);
	if (c->why) {
		if (idreg_test_due(&vt->run))
			idreg_test_report_unavailable(c->t, c->why);
	} else {
		if (!c->a32 && idreg_test_due(&vt->run))
			check_features(vt, c);
		/*
		 * A part of its own: a VM of its own, one vCPU (the others
		 * have one already).
		 */
		idreg_test_part_enter(&vt->run, c->t, 1);
		if (!c->a32 && idreg_test_due(&vt->run))
			check_hidden(vt, c);
		idreg_test_part_leave(&vt->run, c->t);
		for (kind = 0; kind < NR_MODELS; kind++) {
			if (kind != MODEL_DEFAULT)
				idreg_test_part_enter(&vt->run, c->t, 1);
			walk_model(vt, c, kind);
			if (kind != MODEL_DEFAULT)
				idreg_test_part_leave(&vt->run, c->t);
		}
	}
	idreg_test_pass_leave(&vt->run, c->t);
}

/* The runner's bounds, each configuration, the expectations none needed. */
static void walk_all(struct view_test *vt)
{
	unsigned int i;

	if (idreg_test_due(&vt->run))
		check_time_bound(vt);
	if (idreg_test_due(&vt->run))
		check_exit_bound(vt);
	for (i = 0; i < vt->nr_configs; i++)
		walk_config(vt, &vt->configs[i]);
	if (idreg_test_due(&vt->run))
		check_stale(vt);
}

/* Each configuration's pass: whether it runs, the registers the guest reads. */
static void configs_init(struct view_test *vt)
{
	unsigned int i;

	for (i = 0; i < vt->passes.nr; i++) {
		struct idreg_test_vm *t = &vt->passes.pass[i];
		struct view_config *c = &vt->configs[vt->nr_configs++];

		c->t = t;
		c->why = t->open ? NULL : t->vm.last_error;
		c->a32 = t->open && (t->vm.features & IDREG_VCPU_AARCH32);
		c->nr_slots = t->open ? idreg_guest_readable_slots(&t->vm, 0, c->slots) : 0;
		ksft_print_msg("kernel %s, vcpu %s: %s%u ID registers\n", vt->release,
			       t->cfg->name, c->why ? "skipped; " : "the guest reads ", c->nr_slots);
	}
}

int main(int argc, char **argv)
{
	static struct view_test vt = { .run.counting = true };

	idreg_test_start(argv[0], vt.release, sizeof(vt.release), &vt.expect,
			 "guest_view.expect");
	idreg_test_open(&vt.passes, argc, argv, vt.release, false);
	vt.host_ctr = idreg_host_ctr_el0();
	configs_init(&vt);

	walk_all(&vt);
	idreg_test_plan(&vt.run);
	walk_all(&vt);
	idreg_test_checked(&vt.run);

	/* Every pass's VM served a configuration's first check; none is left. */
	idreg_test_passes_close(&vt.passes);
	idreg_expect_free(&vt.expect);
	idreg_test_finished();
}
