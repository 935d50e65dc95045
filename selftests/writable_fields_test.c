// SPDX-License-Identifier: GPL-2.0-only
/*
 * writable_fields_test: the exhaustive walk.
 *
 * For every ID register with writable bits (KVM_ARM_GET_REG_WRITABLE_MASKS)
 * and every named field wholly inside the mask, write candidate values
 * (every value up to 4 bits; boundaries, enum values, limit+-1 and a
 * fixed-seed sample for wider fields) with KVM_SET_ONE_REG and compare KVM's
 * answer with the prediction from the tables (lib/predict/kvm_rules.c).  Accepted
 * values are read back and the register restored.  Writable bits in no named
 * field, and every bit outside the mask, are tried one bit at a time.  The
 * implementation ID registers are walked again in a VM with
 * KVM_CAP_ARM_WRITABLE_IMP_ID_REGS.  Known, explained differences between
 * KVM and the prediction are listed in writable_fields.expect.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <linux/kvm.h>

#include "kselftest.h"
#include "idreg_test.h"
#include "idregs/candidates.h"
#include "expect.h"
#include "idregs/field.h"
#include "idregs/kvm.h"
#include "idregs/kvm_rules.h"
#include "idregs/repro.h"
#include "idregs/predict.h"

#define WALK_SEED		0x1d5e9a7c0ffee000ULL
#define WALK_RANDOM		8
#define WALK_MAX_CANDIDATES	96
#define DETAIL_LEN		1024

struct walk_test;

/* The walk's own state of a pass (struct idreg_test_vm). */
struct walk_vm {
	struct walk_test *test;
	struct idreg_test_vm *t;
	unsigned int fields, values;	/* walked in this VM */
	/* The default configuration's VM, or NULL (this one, or none walked). */
	const struct walk_vm *base;
	/* Fields walked here with another default or mask than in base's. */
	unsigned int new_fields, new_values;
	/* Refused writes not read back yet (check_unread()), the last one. */
	unsigned int unread;
	uint64_t unread_last;
};

/* What every pass walked, together. */
struct walk_stats {
	unsigned int fields, values, accepted, rejected, findings;
	unsigned int mismatches, reserved_accepted;
};

/* The test: its run, the expectations, a walk per pass. */
struct walk_test {
	struct idreg_test_run run;
	struct idreg_expectations expect;
	char release[128];
	struct idreg_test_passes passes;
	struct walk_vm walks[IDREG_TEST_MAX_CONFIGS + 1];
	struct walk_stats stats;
};

/* @diff: the field values (or bit numbers) where KVM and the prediction differed. */
static void report_values(const struct walk_vm *w, const char *target, const char *detail,
			  const struct idreg_test_diff *diff, unsigned int nr)
{
	idreg_test_report_diffs(&w->test->expect, w->test->release, target, detail, diff, nr);
}

/*
 * Say in @detail how KVM's answer @r, @back differs from the verdict @v;
 * returns the direction of the difference.
 */
static enum idreg_expect_dir describe_mismatch(const struct idreg_kvm_verdict *v, uint64_t val,
					       uint64_t before, int r, uint64_t back,
					       char *detail, size_t size)
{
	if (v->effect == IDREG_WRITE_REJECTED && r == 0) {
		idreg_append(detail, size, " [0x%016llx accepted (reads 0x%016llx), predicted refused by %s: %s]",
			     (unsigned long long)val, (unsigned long long)back, v->path, v->why);
		return IDREG_EXPECT_ACCEPTS;
	}
	if (v->effect != IDREG_WRITE_REJECTED && r) {
		idreg_append(detail, size, " [0x%016llx refused with errno %d, predicted accepted by %s]",
			     (unsigned long long)val, -r, v->path);
		return IDREG_EXPECT_REFUSES;
	}
	if (r && r != v->err) {
		idreg_append(detail, size, " [0x%016llx refused with errno %d, predicted errno %d]",
			     (unsigned long long)val, -r, -v->err);
		return IDREG_EXPECT_REFUSES;
	}
	if (r)
		idreg_append(detail, size, " [0x%016llx refused with errno %d but the register changed: 0x%016llx -> 0x%016llx]",
			     (unsigned long long)val, -r, (unsigned long long)before,
			     (unsigned long long)back);
	else
		idreg_append(detail, size, " [wrote 0x%016llx, read back 0x%016llx, predicted 0x%016llx by %s]",
			     (unsigned long long)val, (unsigned long long)back,
			     (unsigned long long)v->stored, v->path);
	return IDREG_EXPECT_READS;
}

/* Write the default back and check it took. */
static bool restore(struct walk_vm *w, unsigned int slot, char *detail, size_t size)
{
	uint64_t limit = w->t->limit[slot], back = 0;

	if (!idreg_set_slot(&w->t->vm, 0, slot, limit) &&
	    !idreg_get_slot(&w->t->vm, 0, slot, &back) && back == limit)
		return true;
	idreg_append(detail, size, " [restoring 0x%016llx failed (reads 0x%016llx): %s]",
		     (unsigned long long)limit, (unsigned long long)back, w->t->vm.last_error);
	return false;
}

/*
 * A refused write must leave the register as it was.  Writes refused as
 * predicted are not read back one by one: one read checks the run of them
 * before the next write that is not, and at the end of each result.
 * Returns false, saying what it found in @detail, if the register moved.
 */
static bool check_unread(struct walk_vm *w, unsigned int slot, char *detail, size_t size)
{
	unsigned int nr = w->unread;
	uint64_t back = 0;
	int r;

	if (!nr)
		return true;
	w->unread = 0;
	r = idreg_get_slot(&w->t->vm, 0, slot, &back);
	if (!r && back == w->t->limit[slot])
		return true;
	idreg_append(detail, size, " [after %u refused writes (the last 0x%016llx) the register reads 0x%016llx, not 0x%016llx%s%s]",
		     nr, (unsigned long long)w->unread_last, (unsigned long long)back,
		     (unsigned long long)w->t->limit[slot], r ? ": " : "", r ? w->t->vm.last_error : "");
	restore(w, slot, detail, size);
	return false;
}

/* check_unread() at the end of a result: one more difference if it failed. */
static void settle(struct walk_vm *w, unsigned int slot, struct idreg_test_diff *diff,
		   unsigned int *bad, unsigned int max, char *detail, size_t size)
{
	/* No values= list can excuse a refused write that changed the register. */
	if (!check_unread(w, slot, detail, size) && *bad < max)
		diff[(*bad)++] = (struct idreg_test_diff){ UINT64_MAX, IDREG_EXPECT_READS };
}

/* A kernel between two series read answered as one of them: which. */
static void note_between(const struct walk_vm *w, unsigned int slot,
			 const struct idreg_kvm_verdict *v, uint64_t val, uint64_t before,
			 int r, uint64_t back)
{
	char buf[32], name[64], words[256];

	idreg_between_describe(words, sizeof(words), v, before, r, back);
	ksft_print_msg("%s: 0x%016llx %s\n",
		       idreg_test_vm_name(w->t, name, sizeof(name), "%s",
					  idreg_slot_name(slot, buf, sizeof(buf))),
		       (unsigned long long)val, words);
}

/*
 * Write @val, compare KVM's answer and the register read back with the
 * prediction (a refused write must leave the register as it was), restore.
 * Returns true when KVM did what was predicted; else @dir says how it
 * differed and @detail collects what differed.
 */
static bool try_value(struct walk_vm *w, unsigned int slot, const struct idreg_reg *reg,
		      uint64_t val, bool *accepted, enum idreg_expect_dir *dir,
		      char *detail, size_t size)
{
	struct idreg_kvm_verdict v;
	uint64_t limit = w->t->limit[slot], back = 0;
	enum idreg_answer a;
	char buf[32], name[64], repro[160];
	bool unread_ok;
	int r;

	idreg_kvm_predict(slot, reg, w->t->mask[slot], limit, val, &w->t->traits, &v);
	/* Before a write predicted to change the register, check the run. */
	unread_ok = v.effect == IDREG_WRITE_REJECTED || check_unread(w, slot, detail, size);
	r = idreg_try_set_slot(&w->t->vm, 0, slot, val);
	*accepted = r == 0;
	w->test->stats.values++;
	w->values++;
	if (r == 0)
		w->test->stats.accepted++;
	else
		w->test->stats.rejected++;

	*dir = IDREG_EXPECT_READS;
	if (r && v.effect == IDREG_WRITE_REJECTED && r == v.err) {
		if (v.between)
			note_between(w, slot, &v, val, limit, r, limit);
		w->unread++;
		w->unread_last = val;
		return true;
	}
	/*
	 * Predicted refused, answered otherwise: the read below checks a run
	 * still unread too when KVM refused; an accepted write overwrote it,
	 * and is a difference of its own.
	 */
	w->unread = 0;
	if (idreg_get_slot(&w->t->vm, 0, slot, &back)) {
		idreg_append(detail, size, " [reading back after writing 0x%016llx: %s]",
			     (unsigned long long)val, w->t->vm.last_error);
		restore(w, slot, detail, size);
		return false;
	}
	a = idreg_kvm_answer(&w->t->traits, &v, limit, r, back);
	if (a == IDREG_ANSWER_MISMATCH) {
		*dir = describe_mismatch(&v, val, limit, r, back, detail, size);
		/* A finding: the command that shows it, and its record. */
		idreg_try_line(repro, sizeof(repro), slot, reg, limit, val,
			       w->t->cfg ? w->t->cfg->name : NULL, w->t->imp_id);
		ksft_print_msg("reproduce: %s\n", repro);
		/* The field's result, reported after its walk, is the next. */
		idreg_test_record("reproduce", "n=%u command=%s", ksft_test_num() + 1, repro);
	} else if (a == IDREG_ANSWER_BETWEEN) {
		note_between(w, slot, &v, val, limit, r, back);
	} else if (a == IDREG_ANSWER_LEARNT) {
		ksft_print_msg("%s: 0x%016llx accepted, read back 0x%016llx: %s() dropped a field equal to the host's sanitised value, so that value is 0x%x\n",
			       idreg_test_vm_name(w->t, name, sizeof(name), "%s",
						  idreg_slot_name(slot, buf, sizeof(buf))),
			       (unsigned long long)val, (unsigned long long)back, v.host_setter,
			       v.host_guess);
	}
	if (back != limit && !restore(w, slot, detail, size))
		return false;
	return unread_ok && a != IDREG_ANSWER_MISMATCH;
}

static void walk_field(struct walk_vm *w, unsigned int slot, const struct idreg_reg *reg,
		       const struct idreg_field *f)
{
	uint64_t cand[WALK_MAX_CANDIDATES], limit = w->t->limit[slot];
	struct idreg_test_diff diff[WALK_MAX_CANDIDATES];
	uint64_t lim_raw = idreg_field_get(limit, f->lsb, f->width);
	unsigned int n, i, acc = 0, rej = 0, reserved_acc = 0, bad = 0;
	char target[96], detail[DETAIL_LEN] = "";
	bool hidden = idreg_slot_hidden(slot, reg, &w->t->traits);

	idreg_test_vm_name(w->t, target, sizeof(target), "%s.%s", reg->name, f->name);
	w->test->stats.fields++;
	w->fields++;
	if (idreg_set_slot(&w->t->vm, 0, slot, limit)) {
		snprintf(detail, sizeof(detail), "writing the current value 0x%016llx: %s",
			 (unsigned long long)limit, w->t->vm.last_error);
		/* No values= list can excuse it. */
		diff[0] = (struct idreg_test_diff){ UINT64_MAX, IDREG_EXPECT_REFUSES };
		report_values(w, target, detail, diff, 1);
		return;
	}
	n = idreg_pick_candidates(f, lim_raw, WALK_RANDOM,
				  idreg_test_seed(WALK_SEED, slot, f),
				  cand, WALK_MAX_CANDIDATES);
	for (i = 0; i < n; i++) {
		uint64_t val = idreg_field_set(limit, f->lsb, f->width, cand[i]);
		enum idreg_expect_dir dir;
		bool accepted;

		if (!try_value(w, slot, reg, val, &accepted, &dir, detail, sizeof(detail)))
			diff[bad++] = (struct idreg_test_diff){ cand[i], dir };
		if (!accepted) {
			rej++;
			continue;
		}
		acc++;
		if (idreg_classify(reg, f, w->t->mask[slot], limit, cand[i], hidden, NULL) ==
		    IDREG_VALUE_RESERVED && cand[i] != lim_raw)
			reserved_acc++;
	}
	settle(w, slot, diff, &bad, ARRAY_SIZE(diff), detail, sizeof(detail));
	w->test->stats.mismatches += bad;
	if (w->base && ((w->t->limit[slot] ^ w->base->t->limit[slot]) & idreg_field_mask(f->lsb, f->width) ||
			!idreg_test_walkable(f, w->base->t->mask[slot]))) {
		w->new_fields++;
		w->new_values += n;
	}
	if (reserved_acc) {
		w->test->stats.findings++;
		w->test->stats.reserved_accepted += reserved_acc;
		ksft_print_msg("finding: %s accepted %u reserved (unnamed) value(s)\n",
			       target, reserved_acc);
	}
	{
		char summary[DETAIL_LEN + 160];

		snprintf(summary, sizeof(summary),
			 "limit 0x%llx, %u values, %u accepted, %u rejected, %u reserved accepted%s%s",
			 (unsigned long long)lim_raw, n, acc, rej, reserved_acc,
			 bad ? "; mismatches:" : "", detail);
		report_values(w, target, summary, diff, bad);
	}
}

static const char *kind_name(uint8_t kind)
{
	switch (kind) {
	case IDREG_FIELD_RES0: return "Res0";
	case IDREG_FIELD_RES1: return "Res1";
	case IDREG_FIELD_RAZ: return "Raz";
	case IDREG_FIELD_UNKN: return "Unkn";
	default: return "field";
	}
}

/* What the architecture says of bit @bit of @reg: its field, or nothing. */
static const struct idreg_field *field_at(const struct idreg_reg *reg, unsigned int bit)
{
	unsigned int i;

	for (i = 0; reg && i < reg->nr_fields; i++) {
		const struct idreg_field *f = &reg->fields[i];

		if (bit >= f->lsb && bit < f->lsb + f->width)
			return f;
	}
	return NULL;
}

/* Bits of the walkable named fields: the rest of the mask is "unnamed". */
static uint64_t walkable_bits(const struct idreg_reg *reg, uint64_t mask)
{
	uint64_t covered = 0;
	unsigned int i;

	for (i = 0; reg && i < reg->nr_fields; i++)
		if (idreg_test_walkable(&reg->fields[i], mask))
			covered |= idreg_field_mask(reg->fields[i].lsb, reg->fields[i].width);
	return covered;
}

/*
 * The next run of @bits, from *@bit up, that lies in one and the same table
 * field (or in none): [*lo, *bit).  Returns false when no bit is left.
 */
static bool next_run(const struct idreg_reg *reg, uint64_t bits, unsigned int *bit,
		     unsigned int *lo, const struct idreg_field **f)
{
	while (*bit < 64 && !(bits & (1ULL << *bit)))
		(*bit)++;
	if (*bit >= 64)
		return false;
	*lo = *bit;
	*f = field_at(reg, *bit);
	while (*bit < 64 && (bits & (1ULL << *bit)) && field_at(reg, *bit) == *f)
		(*bit)++;
	return true;
}

static const char *unnamed_what(const struct idreg_reg *reg, const struct idreg_field *f)
{
	if (!reg)
		return "register not described by any table";
	if (!f)
		return "no field of the tables";
	if (f->kind >= IDREG_FIELD_RES0)
		return kind_name(f->kind);
	return "part of a field the mask covers only partly";
}

/*
 * Writable bits [@hi:@lo] that no walkable field covers, all in table field
 * @f (or in none): one result, tried a bit at a time.
 */
static void walk_unnamed(struct walk_vm *w, unsigned int slot, const struct idreg_reg *reg,
			 const struct idreg_field *f, unsigned int lo, unsigned int hi)
{
	unsigned int acc = 0, bad = 0, i;
	struct idreg_test_diff diff[64];
	char target[128], detail[DETAIL_LEN] = "", summary[DETAIL_LEN + 200], buf[32];

	idreg_test_vm_name(w->t, target, sizeof(target), "%s.bits[%u:%u]",
			   idreg_slot_name(slot, buf, sizeof(buf)), hi, lo);
	for (i = lo; i <= hi; i++) {
		enum idreg_expect_dir dir;
		bool accepted;

		if (!try_value(w, slot, reg, w->t->limit[slot] ^ (1ULL << i), &accepted,
			       &dir, detail, sizeof(detail)))
			diff[bad++] = (struct idreg_test_diff){ i, dir };
		acc += accepted;
	}
	settle(w, slot, diff, &bad, ARRAY_SIZE(diff), detail, sizeof(detail));
	/* A finding only when KVM took a value the tables do not name. */
	w->test->stats.findings += acc > 0;
	w->test->stats.mismatches += bad;
	snprintf(summary, sizeof(summary),
		 "writable bits in %s%s%s: %u of %u single-bit flips accepted%s%s",
		 unnamed_what(reg, f), f ? " " : "", f ? f->name : "", acc, hi + 1 - lo,
		 bad ? "; mismatches:" : "", detail);
	report_values(w, target, summary, diff, bad);
}

/* Every bit outside the writable mask, flipped alone, must be refused. */
static void walk_outside_mask(struct walk_vm *w, unsigned int slot, const struct idreg_reg *reg)
{
	char target[96], buf[32], detail[DETAIL_LEN] = "";
	unsigned int bit, tried = 0, bad = 0;
	struct idreg_test_diff diff[65];

	idreg_test_vm_name(w->t, target, sizeof(target), "%s.outside_mask",
			   idreg_slot_name(slot, buf, sizeof(buf)));
	/* The current value itself must always be accepted. */
	if (idreg_set_slot(&w->t->vm, 0, slot, w->t->limit[slot])) {
		idreg_append(detail, sizeof(detail), " [writing the current value 0x%016llx: %s]",
			     (unsigned long long)w->t->limit[slot], w->t->vm.last_error);
		/* No bit: no values= list can excuse it. */
		diff[bad++] = (struct idreg_test_diff){ UINT64_MAX, IDREG_EXPECT_REFUSES };
	}
	for (bit = 0; bit < 64; bit++) {
		enum idreg_expect_dir dir;
		bool accepted;

		if (w->t->mask[slot] & (1ULL << bit))
			continue;
		tried++;
		if (!try_value(w, slot, reg, w->t->limit[slot] ^ (1ULL << bit), &accepted,
			       &dir, detail, sizeof(detail)))
			diff[bad++] = (struct idreg_test_diff){ bit, dir };
	}
	settle(w, slot, diff, &bad, ARRAY_SIZE(diff), detail, sizeof(detail));
	w->test->stats.mismatches += bad;
	{
		char summary[DETAIL_LEN + 120];

		snprintf(summary, sizeof(summary), "mask 0x%016llx, %u bits flipped, %u as predicted%s%s",
			 (unsigned long long)w->t->mask[slot], tried, tried - bad,
			 bad ? "; mismatches:" : "", detail);
		report_values(w, target, summary, diff, bad);
	}
}

/* The snapshot result: every ID register of the pass reads as at its start. */
static void snapshot_unchanged(struct walk_vm *w)
{
	unsigned int slot, changed = 0;
	char buf[32], name[64];

	for (slot = 0; slot < IDREG_NR_SLOTS; slot++) {
		uint64_t now;

		if (!w->t->readable[slot])
			continue;
		if (idreg_get_slot(&w->t->vm, 0, slot, &now) || now != w->t->limit[slot]) {
			ksft_print_msg("%s: 0x%016llx at start, 0x%016llx now\n",
				       idreg_test_vm_name(w->t, name, sizeof(name), "%s",
							  idreg_slot_name(slot, buf, sizeof(buf))),
				       (unsigned long long)w->t->limit[slot],
				       (unsigned long long)now);
			changed++;
		}
	}
	idreg_test_result(IDREG_RESULT_BEHAVIOUR, !changed, "%s: every ID register as at start\n",
			  idreg_test_vm_name(w->t, name, sizeof(name), "snapshot"));
}

/*
 * What configuration @w changes against @base: the walkable fields whose
 * default differs (SVE's with their real limits, PMUVer, the PAuth
 * fields...), named.
 */
static void report_config(const struct walk_vm *w, const struct walk_vm *base)
{
	char names[DETAIL_LEN] = "", fixed[DETAIL_LEN] = "", features[64];
	unsigned int slot, i, changed = 0, other = 0;

	for (slot = 0; base && slot < IDREG_NR_SLOTS; slot++) {
		const struct idreg_reg *reg = idreg_reg_by_slot(slot);

		for (i = 0; reg && w->t->readable[slot] && i < reg->nr_fields; i++) {
			const struct idreg_field *f = &reg->fields[i];
			uint64_t fm = idreg_field_mask(f->lsb, f->width);
			bool wk = idreg_test_walkable(f, w->t->mask[slot]);

			if (!((w->t->limit[slot] ^ base->t->limit[slot]) & fm))
				continue;
			*(wk ? &changed : &other) += 1;
			idreg_append(wk ? names : fixed, DETAIL_LEN, " %s.%s=0x%llx", reg->name,
				     f->name,
				     (unsigned long long)idreg_field_get(w->t->limit[slot], f->lsb,
									 f->width));
		}
	}
	idreg_vcpu_features_describe(w->t->vm.features, features, sizeof(features));
	if (!base || base == w) {
		idreg_test_record("walk", "config=%s fields=%u values=%u", w->t->cfg->name,
				  w->fields, w->values);
		ksft_print_msg("vcpu %s (features %s): walked %u fields, %u values\n",
			       w->t->cfg->name, features, w->fields, w->values);
		return;
	}
	idreg_test_record("walk", "config=%s fields=%u values=%u added=%u added_values=%u",
			  w->t->cfg->name, w->fields, w->values, w->new_fields, w->new_values);
	ksft_print_msg("vcpu %s (features %s): walked %u fields, %u values; over %s it adds %u fields (%u values) walked with another default or mask%s%s\n",
		       w->t->cfg->name, features, w->fields, w->values, base->t->cfg->name,
		       w->new_fields, w->new_values, changed ? ":" : "", names);
	if (other)
		ksft_print_msg("vcpu %s: %u fields outside the writable mask have another default (their bits are flipped as outside_mask):%s\n",
			       w->t->cfg->name, other, fixed);
}

/*
 * The results of one register: each walkable field, each run of the other
 * writable bits that lies in one table field (or none), the bits outside
 * the mask.
 */
static void walk_register(struct walk_vm *w, unsigned int slot)
{
	struct idreg_test_run *run = &w->test->run;
	const struct idreg_reg *reg = idreg_reg_by_slot(slot);
	uint64_t mask = w->t->mask[slot];
	const struct idreg_field *f;
	unsigned int i, bit = 0, lo;

	if (mask) {
		for (i = 0; reg && i < reg->nr_fields; i++)
			if (idreg_test_walkable(&reg->fields[i], mask) && idreg_test_due(run))
				walk_field(w, slot, reg, &reg->fields[i]);
		while (next_run(reg, mask & ~walkable_bits(reg, mask), &bit, &lo, &f))
			if (idreg_test_due(run))
				walk_unnamed(w, slot, reg, f, lo, bit - 1);
	}
	if (mask != ~0ULL && idreg_test_due(run))
		walk_outside_mask(w, slot, reg);
}

/*
 * A pass: each readable register (in the imp-id pass only MIDR, REVIDR
 * and AIDR), then the snapshot; a pass the host cannot give is a skip.
 */
static void walk_pass(struct walk_vm *w)
{
	struct idreg_test_run *run = &w->test->run;
	unsigned int slot;

	idreg_test_pass_enter(run, w->t);
	if (!w->t->open) {
		if (idreg_test_due(run))
			idreg_test_report_unavailable(w->t, NULL);
	} else {
		for (slot = 0; slot < IDREG_NR_SLOTS; slot++)
			if (w->t->readable[slot] && (!w->t->imp_id || idreg_is_imp_id_slot(slot)))
				walk_register(w, slot);
		if (idreg_test_due(run))
			snapshot_unchanged(w);
	}
	idreg_test_pass_leave(run, w->t);
}

/* Every pass, then the expectations none of them needed. */
static void walk_all(struct walk_test *wt)
{
	unsigned int i;

	for (i = 0; i < wt->passes.nr; i++)
		walk_pass(&wt->walks[i]);
	if (idreg_test_due(&wt->run))
		idreg_test_report_stale(&wt->expect, wt->release, "writable_fields.expect");
}

/* The walk of the default configuration's pass, or NULL. */
static const struct walk_vm *base_walk(const struct walk_test *wt)
{
	return wt->passes.base ? &wt->walks[wt->passes.base - wt->passes.pass] : NULL;
}

/* A walk per pass; each other configuration's compared with the default's. */
static void walks_init(struct walk_test *wt)
{
	const struct walk_vm *base = base_walk(wt);
	unsigned int i;

	for (i = 0; i < wt->passes.nr; i++) {
		struct walk_vm *w = &wt->walks[i];

		w->test = wt;
		w->t = &wt->passes.pass[i];
		if (w->t->open && base && w != base && !w->t->imp_id)
			w->base = base;
	}
}

/* Per configuration walked, what it adds; the fields of the first. */
static unsigned int report_configs(const struct walk_test *wt)
{
	const struct walk_vm *base = base_walk(wt);
	unsigned int i, writable_fields = 0;
	bool first = true;

	for (i = 0; i < wt->passes.nr; i++) {
		const struct walk_vm *w = &wt->walks[i];

		if (!w->t->open || w->t->imp_id)
			continue;
		report_config(w, base);
		if (first)
			writable_fields = w->fields;
		first = false;
	}
	return writable_fields;
}

static void report_totals(const struct walk_stats *st, unsigned int writable_fields,
			  double secs)
{
	ksft_print_msg("%u writable fields; walked %u fields, tried %u values: %u accepted, %u rejected; "
		       "%u findings (%u reserved values accepted); %u mismatches; %.2f s\n",
		       writable_fields, st->fields, st->values, st->accepted, st->rejected,
		       st->findings, st->reserved_accepted, st->mismatches, secs);
	/* What the runners read (docs/results.md): the first configuration's fields. */
	idreg_test_record("writable-fields", "%u", writable_fields);
	idreg_test_record("walk-totals", "fields=%u values=%u accepted=%u rejected=%u findings=%u reserved_accepted=%u mismatches=%u seconds=%.2f",
			  st->fields, st->values, st->accepted, st->rejected,
			  st->findings, st->reserved_accepted, st->mismatches, secs);
}

int main(int argc, char **argv)
{
	static struct walk_test wt = { .run.counting = true };
	unsigned int writable_fields;
	struct timespec t0, t1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	idreg_test_start(argv[0], wt.release, sizeof(wt.release), &wt.expect,
			 "writable_fields.expect");
	idreg_test_open(&wt.passes, argc, argv, wt.release, true);
	ksft_print_msg("kernel %s, imp-id capability %s\n", wt.release,
		       wt.passes.imp ? "present" : "absent");
	walks_init(&wt);

	walk_all(&wt);
	idreg_test_plan(&wt.run);
	walk_all(&wt);
	idreg_test_checked(&wt.run);

	writable_fields = report_configs(&wt);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	report_totals(&wt.stats, writable_fields,
		      (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	idreg_test_passes_close(&wt.passes);
	idreg_test_finished();
}
