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
		want = idreg_guest_ctr_view(&w->t.traits, now, w->t.limit[slot], host_ctr);
	/* An AArch32 register is the low 32 bits of the AArch64 one. */
	if (w->t.vm.features & IDREG_VCPU_AARCH32)
		want &= 0xffffffffULL;
	if (have_now && !view->trapped[slot] && view->read[slot])
		differ = view->val[slot] ^ want;
	idreg_test_name(target, sizeof(target), cfg, false, "%s.view@%s", name, model_names[kind]);
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
	if (w->t.vm.features & IDREG_VCPU_AARCH32)
		r = idreg_guest_a32_read(&w->guest, 0, NULL, &model_view);
	else
		r = idreg_guest_read_slots(&w->guest, 0, slots, nr_slots, NULL, &model_view);
	/* Between two series read, the first run may follow either. */
	idreg_after_first_run_seen(w->after_run, &w->t.traits, model_view.val, model_view.read);
	idreg_test_name(target, sizeof(target), cfg, false, "run@%s", model_names[s->n]);
	if (r)
		snprintf(detail, sizeof(detail), "%.1000s", w->t.vm.last_error);
	else
		snprintf(detail, sizeof(detail), "the %s guest read %u registers, %u exits, %.3f s",
			 w->t.vm.features & IDREG_VCPU_AARCH32 ? "A32" : "AArch64",
			 w->t.vm.features & IDREG_VCPU_AARCH32 ? IDREG_A32_NR_REGS : nr_slots,
			 model_view.exits, model_view.seconds);
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

/*
 * features@CONFIG: a VM of its own with the configuration's defaults; each
 * feature its ID fields say is there, the guest uses (idregs/guest_probe.h).
 */
static void step_features(const struct idreg_test_step *s)
{
	const struct idreg_test_vm *t = s->ctx;
	struct idreg_probe_result pr;
	char target[64], detail[DETAIL_LEN] = "";
	unsigned int i, probed = 0, bad = 0;
	struct view_vm w;
	int r;

	idreg_test_name(target, sizeof(target), t->cfg, false, "features");
	if (view_vm_open(&w, t->cfg))
		ksft_exit_fail_msg("%s: %s\n", target, w.t.vm.last_error);
	r = idreg_guest_probe_features(&w.guest, 0, w.t.limit, &pr);
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
		report(target, false, w.t.vm.last_error);
	else
		ksft_test_result(!bad, "%s: %u of %u features the defaults name were used by the guest%s\n",
				 target, probed, IDREG_NR_PROBES, detail);
	view_vm_close(&w);
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

/*
 * hidden@CONFIG: a VM of its own with the configuration's defaults.  Each
 * gated feature (idregs/guest_probe.h) its fields say implemented is
 * hidden where they are writable (the absent value written; KVM may
 * refuse, and the line says so); then each gated feature the fields say
 * absent, by default or so written, must be an UNDEF in the guest (a
 * trapped step with ESR EC 0).  A feature left implemented is features@'s.
 */
static void step_hidden(const struct idreg_test_step *s)
{
	const struct idreg_test_vm *t = s->ctx;
	bool which[IDREG_NR_PROBES] = { false }, hidden[IDREG_NR_PROBES] = { false }, el2;
	char target[64], detail[DETAIL_LEN] = "", notes[DETAIL_LEN] = "", undef[DETAIL_LEN] = "";
	static char written[IDREG_NR_PROBES][160];
	unsigned int i, nr_hidden = 0, probed = 0, bad = 0;
	uint64_t now[IDREG_NR_SLOTS];
	struct idreg_probe_result pr;
	char fields[160];
	struct view_vm w;
	int r;

	idreg_test_name(target, sizeof(target), t->cfg, false, "hidden");
	if (view_vm_open(&w, t->cfg))
		ksft_exit_fail_msg("%s: %s\n", target, w.t.vm.last_error);
	el2 = w.t.vm.features & IDREG_VCPU_EL2;
	memcpy(now, w.t.limit, sizeof(now));
	for (i = 0; i < IDREG_NR_PROBES; i++) {
		const struct idreg_probe *p = &idreg_probes[i];

		if (!p->gated)
			continue;
		if (!idreg_probe_runs_at(p, el2)) {
			idreg_append(notes, sizeof(notes), "; %s not probed at vEL2", p->name);
			continue;
		}
		written[i][0] = 0;
		if (idreg_probe_implemented(p, now))
			hidden[i] = hide_feature(&w, p, now, written[i], sizeof(written[i]),
						 notes, sizeof(notes));
		nr_hidden += hidden[i];
	}
	for (i = 0; i < IDREG_NR_PROBES; i++) {
		const struct idreg_probe *p = &idreg_probes[i];

		if (!p->gated || !idreg_probe_runs_at(p, el2))
			continue;
		which[i] = !idreg_probe_implemented(p, now);
		if (hidden[i] && !which[i]) {
			describe_probe_fields(p, now, fields, sizeof(fields));
			idreg_append(detail, sizeof(detail), "; %s: wrote %s, accepted, but GET_ONE_REG reads %s",
				     p->name, written[i], fields);
			bad++;
		}
	}
	r = idreg_guest_probe(&w.guest, 0, which, &pr);
	for (i = 0; !r && i < IDREG_NR_PROBES; i++) {
		const struct idreg_probe *p = &idreg_probes[i];

		if (!pr.run[i])
			continue;
		probed++;
		if (pr.trapped[i] && !idreg_esr_ec(pr.esr[i])) {
			idreg_append(undef, sizeof(undef), "%s%s", undef[0] ? ", " : "", p->name);
			continue;
		}
		bad++;
		describe_probe_fields(p, now, fields, sizeof(fields));
		idreg_append(detail, sizeof(detail), "; %s absent (%s%s%s): %s ", p->name,
			     hidden[i] ? "wrote " : "", hidden[i] ? written[i] : "by default: ",
			     hidden[i] ? ", accepted" : fields, p->use);
		if (pr.trapped[i])
			idreg_append(detail, sizeof(detail), "took ESR 0x%llx (EC 0x%x), want an UNDEF (EC 0)",
				     (unsigned long long)pr.esr[i], idreg_esr_ec(pr.esr[i]));
		else
			idreg_append(detail, sizeof(detail), "ran, want an UNDEF (EC 0)");
	}
	if (r)
		report(target, false, w.t.vm.last_error);
	else
		ksft_test_result(!bad, "%s: %u hidden, %u absent features probed%s%s%s%s\n", target,
				 nr_hidden, probed, undef[0] ? "; UNDEF: " : "", undef, detail, notes);
	view_vm_close(&w);
}

static void step_unavailable(const struct idreg_test_step *s)
{
	idreg_test_report_unavailable(s->ctx, s->arg);
}

/* The configurations this run checks (plan_view). */
static const struct idreg_vcpu_config *ran[IDREG_TEST_MAX_CONFIGS + 1];
static unsigned int nr_ran;

/*
 * An entry whose target ends in "@CONFIG" for a configuration this run did
 * not check excused nothing because nothing it names ran: not stale here.
 */
static void set_aside_configs_not_run(struct idreg_expectations *e)
{
	unsigned int i, j;

	for (i = 0; i < e->nr; i++) {
		const char *at = strrchr(e->items[i].target, '@');
		bool checked = false;

		if (!at || !idreg_vcpu_config_by_name(at + 1))
			continue;
		for (j = 0; j < nr_ran; j++)
			checked |= !strcmp(ran[j]->name, at + 1);
		if (!checked)
			e->items[i].matched++;
	}
}

static void step_stale(const struct idreg_test_step *s)
{
	(void)s;
	set_aside_configs_not_run(&view_expect);
	idreg_test_report_stale(&view_expect, kernel_release, "guest_view.expect");
}

/* Why configuration @t cannot run here (the host lacks it), or NULL. */
static const char *cannot_run(const struct idreg_test_vm *t)
{
	if (!t->open)
		return t->vm.last_error;
	return NULL;
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

/* The runner's bounds, then per configuration each model. */
static void plan_view(struct idreg_test_plan *plan, struct idreg_test_passes *passes)
{
	static unsigned int cfg_slots[IDREG_TEST_MAX_CONFIGS][IDREG_NR_SLOTS];
	unsigned int i, j, n;
	bool a32;
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
		ran[nr_ran++] = t->cfg;
		a32 = t->vm.features & IDREG_VCPU_AARCH32;
		if (!a32) {
			idreg_test_plan_add(plan, step_features, t, 0, NULL, 0, 0);
			idreg_test_plan_add(plan, step_hidden, t, 0, NULL, 0, 0);
		}
		for (kind = 0; kind < NR_MODELS; kind++) {
			idreg_test_plan_add(plan, step_apply, t, 0, NULL, kind, 0);
			idreg_test_plan_add(plan, step_run, t, 0, NULL, kind, 0);
			for (j = 0; j < n; j++) {
				/*
				 * The A32 guest reads the AArch32 registers, CTR and
				 * CLIDR.  The AArch64 ones of an AArch32 EL1 vCPU do not
				 * hold their configured values over its first run
				 * (docs/mutation.md): not checked here.
				 */
				if (a32 && !a32_reads(cfg_slots[i][j]))
					continue;
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
