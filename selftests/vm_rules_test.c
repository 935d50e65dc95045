// SPDX-License-Identifier: GPL-2.0-only
/*
 * vm_rules_test: the VM-wide rules of KVM's ID registers.
 *
 * For every ID register with a writable field, one value that KVM accepts
 * before any vCPU ran is picked (the first named field with a value the
 * prediction calls safe and KVM stores).  Then:
 *   vm_wide  the value written through vCPU 0 reads back through vCPU 1,
 *            created after the write, and the default written through
 *            vCPU 1 reads back through vCPU 0, created before that write
 *            (then the value again; per_vcpu instead for the registers
 *            KVM keeps per vCPU, idreg_slot_vm_wide(): neither vCPU sees
 *            what was written through the other);
 *   reset    KVM_ARM_VCPU_INIT again on every vCPU keeps what each read,
 *            and so does MPIDR_EL1, written with a mark on every vCPU;
 *   frozen   after the first KVM_RUN, writing that field back to the value
 *            it had before (accepted then) fails with EBUSY and changes
 *            nothing, and writing the current value succeeds
 *            (writable_after_run instead where KVM has no such check,
 *            idreg_slot_frozen_after_run(): the write is stored);
 *   errno_after_run
 *            after the first KVM_RUN, every value of every walkable field
 *            (up to 4 bits wide) written on top of the current value
 *            gets the errno 7.3's order gives (idreg_kvm_predict_after_run()):
 *            what a register-specific setter refuses itself stays EINVAL,
 *            its check coming before set_id_reg()'s freeze; any other
 *            change is EBUSY; the current value passes;
 *   other_vm a second VM, created after the writes (and after the first
 *            VM is gone: a part of its own, skipped like a model of
 *            guest_view_test where the time left cannot hold it), reads
 *            the default of every register changed.
 * A pass that finds no value to change fails: its checks would be empty.
 * MIDR_EL1, REVIDR_EL1 and AIDR_EL1 accept no change without
 * KVM_CAP_ARM_WRITABLE_IMP_ID_REGS, so where the kernel has it a second
 * pass checks the same rules for them in a VM that enabled it (results
 * suffixed @imp_id_writable; its second VM has no capability and keeps the
 * boot CPU's values, reset_imp_id_reg()).
 *
 * Every check runs once per vCPU configuration (--vcpu LIST; without it
 * every configuration, idreg_test.h): the VM,
 * its vCPUs and the second VM are created with the configuration's
 * features (idreg_vm_open()), the values to change are picked with its
 * defaults and KVM's rules for it, and results carry "@config" (none for
 * default).  A configuration the host cannot give skips with the reason.
 * The imp-id pass runs once, with the default configuration.
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

#define RULES_SEED		0x5eed0f7a11e5ULL
#define RULES_RANDOM		4
#define MAX_CANDIDATES		96
#define DETAIL_LEN		1024
/*
 * Two vCPUs see both orders: 1 is created after a write through 0, and 0
 * exists before a write through 1.  (Each vCPU with EL2 costs minutes of
 * teardown on a 16K-page nested host, docs/tests.md.)
 */
#define NR_RULE_VCPUS		2
#define MPIDR_MARK		(0x5aULL << 32)	/* Aff3, flipped on every vCPU */

struct change {
	const struct idreg_reg *reg;
	const struct idreg_field *field;
	uint64_t val;			/* the register with the field changed */
};

/* What is checked in a pass (its VM: struct idreg_test_vm). */
struct rules_pass {
	struct idreg_test_vm *t;
	struct change changes[IDREG_NR_SLOTS];
	unsigned int nr_changes;
	/* What each vCPU read before the second KVM_ARM_VCPU_INIT. */
	uint64_t before_reset[NR_RULE_VCPUS][IDREG_NR_SLOTS];
	uint64_t mpidr[NR_RULE_VCPUS];	/* written with MPIDR_MARK */
};

/* The test: its run, a pass per configuration. */
struct rules_test {
	struct idreg_test_run run;
	char release[128];
	struct idreg_test_passes passes;
	struct rules_pass rules[IDREG_TEST_MAX_CONFIGS + 1];
};

/* No expectation file: every rule checked here is KVM's and predicted. */
static void report(const char *target, bool ok, const char *detail)
{
	idreg_test_result(IDREG_RESULT_BEHAVIOUR, ok, "%s: %s\n", target, detail);
}

/* The imp-id pass is only about what the capability makes writable. */
static bool pass_covers(const struct rules_pass *p, unsigned int slot)
{
	return !p->t->imp_id || idreg_is_imp_id_slot(slot);
}

/* The name of the pass's result @what ("run", "changes", ...). */
static const char *name_of(char *buf, size_t size, const struct rules_pass *p, const char *what)
{
	return idreg_test_vm_name(p->t, buf, size, "%s", what);
}

/* Write @val; true when KVM stores it and the limit can be written back. */
static bool accepted_and_restored(struct rules_pass *p, unsigned int slot, uint64_t val)
{
	uint64_t back = 0;
	bool stored;

	if (idreg_set_slot(&p->t->vm, 0, slot, val))
		return false;
	stored = !idreg_get_slot(&p->t->vm, 0, slot, &back) && back == val;
	if (idreg_set_slot(&p->t->vm, 0, slot, p->t->limit[slot]))
		ksft_exit_fail_msg("restoring the default: %s\n", p->t->vm.last_error);
	return stored;
}

static bool pick_change(struct rules_pass *p, unsigned int slot, struct change *c)
{
	const struct idreg_reg *reg = idreg_reg_by_slot(slot);
	bool hidden = idreg_slot_hidden(slot, reg, &p->t->traits);
	uint64_t limit = p->t->limit[slot], mask = p->t->mask[slot];
	unsigned int i, j, n;

	for (i = 0; reg && !hidden && i < reg->nr_fields; i++) {
		const struct idreg_field *f = &reg->fields[i];
		uint64_t cand[MAX_CANDIDATES], lim_raw = idreg_field_get(limit, f->lsb, f->width);

		if (!idreg_test_walkable(f, mask))
			continue;
		n = idreg_pick_candidates(f, lim_raw, RULES_RANDOM,
					  idreg_test_seed(RULES_SEED, slot, f),
					  cand, MAX_CANDIDATES);
		for (j = 0; j < n; j++) {
			uint64_t val = idreg_field_set(limit, f->lsb, f->width, cand[j]);
			struct idreg_kvm_verdict v;

			if (cand[j] == lim_raw ||
			    idreg_kvm_predict(slot, reg, mask, limit, val, &p->t->traits,
					      &v) != IDREG_WRITE_STORED ||
			    !accepted_and_restored(p, slot, val))
				continue;
			c->reg = reg;
			c->field = f;
			c->val = val;
			return true;
		}
	}
	return false;
}

static void pick_changes(struct rules_pass *p)
{
	unsigned int slot;

	for (slot = 0; slot < IDREG_NR_SLOTS; slot++)
		if (pass_covers(p, slot) && p->t->readable[slot] && p->t->mask[slot] &&
		    pick_change(p, slot, &p->changes[slot]))
			p->nr_changes++;
}

static const char *target_of(char *buf, size_t size, const struct rules_pass *p,
			     const struct change *c, const char *rule)
{
	return idreg_test_vm_name(p->t, buf, size, "%s.%s", c->reg->name, rule);
}

/*
 * Read @slot through every vCPU of @v after @want was written through
 * vCPU @writer: the others read it too when @vm_wide, else what they held,
 * @held.  Note in @detail what differs.
 */
static bool all_vcpus_read(struct idreg_vm *v, unsigned int slot, int writer, uint64_t want,
			   bool vm_wide, const uint64_t held[NR_RULE_VCPUS], char *detail,
			   size_t size)
{
	bool ok = true;
	int i;

	for (i = 0; i < v->nr_vcpus; i++) {
		uint64_t now = 0, expect = i == writer || vm_wide ? want : held[i];

		if (idreg_get_slot(v, i, slot, &now)) {
			idreg_append(detail, size, "; vcpu %d: %s", i, v->last_error);
			ok = false;
		} else if (now != expect) {
			idreg_append(detail, size, "; vcpu %d reads 0x%016llx, want 0x%016llx", i,
				     (unsigned long long)now, (unsigned long long)expect);
			ok = false;
		}
	}
	return ok;
}

/* Write @val through vCPU @vcpu; false, and why in @detail, where KVM refuses it. */
static bool write_through(struct rules_pass *p, int vcpu, unsigned int slot, uint64_t val,
			  char *detail, size_t size)
{
	if (!idreg_set_slot(&p->t->vm, vcpu, slot, val))
		return true;
	idreg_append(detail, size, "; writing 0x%016llx through vcpu %d: %s",
		     (unsigned long long)val, vcpu, p->t->vm.last_error);
	return false;
}

/*
 * The change was written through vCPU 0 before vCPU 1 existed.  Then a
 * write through the vCPU that is not where the value went, the other one
 * existing before it: VM-wide, the default through vCPU 1 reads back
 * through vCPU 0; per vCPU, the change through vCPU 1 and the default
 * through vCPU 0 leave vCPU 1 its own.  Last, the change again, as the
 * checks after this one want it.
 */
static bool write_other_way(struct rules_pass *p, unsigned int slot, const struct change *c,
			    bool vm_wide, uint64_t held[NR_RULE_VCPUS], char *detail, size_t size)
{
	uint64_t limit = p->t->limit[slot];
	int writer = vm_wide ? 1 : 0;

	idreg_append(detail, size, "; %sthe default 0x%016llx written through vcpu %d",
		     vm_wide ? "" : "the change written through vcpu 1 and ",
		     (unsigned long long)limit, writer);
	if (!vm_wide) {
		if (!write_through(p, 1, slot, c->val, detail, size))
			return false;
		held[1] = c->val;
	}
	return write_through(p, writer, slot, limit, detail, size) &&
	       all_vcpus_read(&p->t->vm, slot, writer, limit, vm_wide, held, detail, size) &&
	       write_through(p, writer, slot, c->val, detail, size);
}

static void check_vm_wide(struct rules_pass *p, unsigned int slot, const struct change *c)
{
	uint64_t held[NR_RULE_VCPUS] = { c->val, p->t->limit[slot] };
	bool vm_wide = idreg_slot_vm_wide(slot), ok;
	char target[96], detail[DETAIL_LEN];

	snprintf(detail, sizeof(detail), "%s = 0x%llx: 0x%016llx written through vcpu 0, then vcpu 1 created",
		 c->field->name,
		 (unsigned long long)idreg_field_get(c->val, c->field->lsb, c->field->width),
		 (unsigned long long)c->val);
	ok = all_vcpus_read(&p->t->vm, slot, 0, c->val, vm_wide, held, detail, sizeof(detail)) &&
	     write_other_way(p, slot, c, vm_wide, held, detail, sizeof(detail));
	if (ok && vm_wide)
		idreg_append(detail, sizeof(detail), ": each write read back through the other vCPU");
	else if (ok)
		idreg_append(detail, sizeof(detail), ": kept per vCPU, neither write seen by the other vCPU");
	report(target_of(target, sizeof(target), p, c, vm_wide ? "vm_wide" : "per_vcpu"), ok,
	       detail);
}

/*
 * A second VM of the configuration (without any capability), created
 * after the writes and after the pass's VM is gone: every register
 * changed reads its default there.
 */
static void check_other_vm(struct rules_pass *p)
{
	char detail[DETAIL_LEN] = "", name[64];
	unsigned int slot, kept = 0;
	struct idreg_vm other;

	if (idreg_vm_open(&other, p->t->cfg, 0)) {
		idreg_test_result(IDREG_RESULT_BEHAVIOUR, false, "%s: second VM: %s\n",
				  name_of(name, sizeof(name), p, "other_vm"), other.last_error);
		return;
	}
	for (slot = 0; slot < IDREG_NR_SLOTS; slot++) {
		uint64_t now = 0, limit = p->t->limit[slot];

		if (!p->changes[slot].reg)
			continue;
		if (idreg_get_slot(&other, 0, slot, &now))
			idreg_append(detail, sizeof(detail), "; %s: %s", p->changes[slot].reg->name,
				     other.last_error);
		else if (now != limit)
			idreg_append(detail, sizeof(detail), "; %s reads 0x%016llx, not the default 0x%016llx",
				     p->changes[slot].reg->name, (unsigned long long)now,
				     (unsigned long long)limit);
		else
			kept++;
	}
	idreg_vm_destroy(&other);
	idreg_test_result(IDREG_RESULT_BEHAVIOUR, !detail[0], "%s: a second VM created after the writes keeps the default of %u of the %u registers changed%s\n",
			  name_of(name, sizeof(name), p, "other_vm"), kept, p->nr_changes, detail);
}

static void snapshot_before_reset(struct rules_pass *p)
{
	unsigned int slot;
	int i;

	for (i = 0; i < p->t->vm.nr_vcpus; i++)
		for (slot = 0; slot < IDREG_NR_SLOTS; slot++)
			if (p->changes[slot].reg &&
			    idreg_get_slot(&p->t->vm, i, slot, &p->before_reset[i][slot]))
				ksft_exit_fail_msg("%s\n", p->t->vm.last_error);
}

/* Each vCPU reads after the reset what it read before. */
static void check_reset(struct rules_pass *p, unsigned int slot, const struct change *c)
{
	char target[96], detail[DETAIL_LEN];
	bool ok = true;
	int i;

	snprintf(detail, sizeof(detail), "vcpu 0 reads 0x%016llx after KVM_ARM_VCPU_INIT again",
		 (unsigned long long)p->before_reset[0][slot]);
	for (i = 0; i < p->t->vm.nr_vcpus; i++) {
		uint64_t now = 0, before = p->before_reset[i][slot];

		if (idreg_get_slot(&p->t->vm, i, slot, &now)) {
			idreg_append(detail, sizeof(detail), "; vcpu %d: %s", i, p->t->vm.last_error);
			ok = false;
		} else if (now != before) {
			idreg_append(detail, sizeof(detail), "; vcpu %d: 0x%016llx before, 0x%016llx after",
				   i, (unsigned long long)before, (unsigned long long)now);
			ok = false;
		}
	}
	if (ok)
		idreg_append(detail, sizeof(detail), "; all %d vCPUs read what they read before",
			   p->t->vm.nr_vcpus);
	report(target_of(target, sizeof(target), p, c, "reset"), ok, detail);
}

/*
 * After the run: writing the field's default back (accepted before the run)
 * fails with EBUSY and changes nothing where the register is frozen, and is
 * stored where it is not; the current value is accepted either way.  Where
 * the first run set the field back to its default (the GIC fields with a
 * vGIC, idreg_after_first_run()), the value written before the run is the
 * change tried instead.
 */
static void check_after_run(struct rules_pass *p, unsigned int slot, const struct change *c)
{
	const struct idreg_field *f = c->field;
	bool frozen = idreg_slot_frozen_after_run(slot), ok;
	struct idreg_vm *vm = &p->t->vm;
	uint64_t now = 0, after = 0, val;
	char target[96], detail[DETAIL_LEN] = "";
	int r;

	target_of(target, sizeof(target), p, c, frozen ? "frozen" : "writable_after_run");
	if (idreg_get_slot(vm, 0, slot, &now)) {
		report(target, false, vm->last_error);
		return;
	}
	val = idreg_field_set(now, f->lsb, f->width,
			      idreg_field_get(p->t->limit[slot], f->lsb, f->width));
	if (val == now)
		val = idreg_field_set(now, f->lsb, f->width,
				      idreg_field_get(c->val, f->lsb, f->width));
	r = idreg_set_slot(vm, 0, slot, val);
	ok = r == (frozen ? -EBUSY : 0);
	idreg_append(detail, sizeof(detail), "%s 0x%llx -> 0x%llx (0x%016llx) returned %d (%s), want %s",
		     f->name, (unsigned long long)idreg_field_get(now, f->lsb, f->width),
		     (unsigned long long)idreg_field_get(val, f->lsb, f->width),
		     (unsigned long long)val, r, r ? strerror(-r) : "success",
		     frozen ? "EBUSY" : "success");
	if (idreg_get_slot(vm, 0, slot, &after) || after != (frozen ? now : val)) {
		idreg_append(detail, sizeof(detail), "; register 0x%016llx before, 0x%016llx after, want 0x%016llx",
			     (unsigned long long)now, (unsigned long long)after,
			     (unsigned long long)(frozen ? now : val));
		ok = false;
	}
	r = idreg_set_slot(vm, 0, slot, after);
	if (r) {
		idreg_append(detail, sizeof(detail), "; writing the current value: %s", vm->last_error);
		ok = false;
	} else {
		idreg_append(detail, sizeof(detail), "; the current value 0x%016llx is accepted",
			     (unsigned long long)after);
	}
	report(target, ok, detail);
}

/* What idreg_kvm_predict_after_run()'s answer @want allows, in words. */
static const char *want_words(int want)
{
	switch (want) {
	case 0: return "0 (success)";
	case -EINVAL: return "-22 (EINVAL)";
	case -EBUSY: return "-16 (EBUSY)";
	default: return "EINVAL or EBUSY";
	}
}

/*
 * After the run, each value of each walkable field up to 4 bits wide, on
 * top of the current value: KVM's errno as predicted.  A write KVM stores
 * (CLIDR_EL1 and MPIDR_EL1 have no freeze) is undone.
 */
static void check_errno_after_run(struct rules_pass *p)
{
	char detail[DETAIL_LEN] = "", name[64];
	unsigned int slot, i, n = 0, bad = 0, einval = 0, ebusy = 0, between = 0;
	struct idreg_vm *vm = &p->t->vm;

	for (slot = 0; slot < IDREG_NR_SLOTS; slot++) {
		const struct idreg_reg *reg = idreg_reg_by_slot(slot);
		uint64_t now, x;

		if (!reg || !pass_covers(p, slot) || !p->t->readable[slot] ||
		    idreg_get_slot(vm, 0, slot, &now))
			continue;
		for (i = 0; i < reg->nr_fields; i++) {
			const struct idreg_field *f = &reg->fields[i];

			if (!idreg_test_walkable(f, p->t->mask[slot]) || f->width > 4)
				continue;
			for (x = 0; x < 1ULL << f->width; x++) {
				uint64_t val = idreg_field_set(now, f->lsb, f->width, x), back = now;
				int want = idreg_kvm_predict_after_run(slot, reg, p->t->limit[slot],
								       now, val, &p->t->traits);
				int r;

				if (want == IDREG_AFTER_RUN_UNKNOWN)
					continue;
				r = idreg_set_slot(vm, 0, slot, val);
				idreg_get_slot(vm, 0, slot, &back);
				if (back != now)
					idreg_set_slot(vm, 0, slot, now);
				n++;
				einval += want == -EINVAL;
				ebusy += want == -EBUSY;
				between += want == IDREG_AFTER_RUN_BETWEEN;
				if (r == want || (want == IDREG_AFTER_RUN_BETWEEN &&
						  (r == -EINVAL || r == -EBUSY)))
					continue;
				if (bad++ < 4)
					idreg_append(detail, sizeof(detail), " [%s.%s = 0x%llx: %d (%s), want %s]",
						     reg->name, f->name, (unsigned long long)x, r,
						     r ? strerror(-r) : "success", want_words(want));
			}
		}
	}
	idreg_test_result(IDREG_RESULT_BEHAVIOUR, n && !bad, "%s: %u writes after the first run, %u of them to be refused by a setter's own check (EINVAL), %u by the freeze (EBUSY) and %u by either (the series read around this kernel disagree): %u answered otherwise%s\n",
			  name_of(name, sizeof(name), p, "errno_after_run"), n, einval, ebusy,
			  between, bad, detail);
}

/* After the run, every readable ID register the pass covers accepts its current value. */
static void check_current_values(struct rules_pass *p)
{
	char detail[DETAIL_LEN] = "", buf[32], name[64];
	unsigned int slot, n = 0, bad = 0;

	for (slot = 0; slot < IDREG_NR_SLOTS; slot++) {
		uint64_t now;

		if (!pass_covers(p, slot) || !p->t->readable[slot] ||
		    idreg_get_slot(&p->t->vm, 0, slot, &now))
			continue;
		n++;
		if (idreg_set_slot(&p->t->vm, 0, slot, now)) {
			idreg_append(detail, sizeof(detail), " [%s: %s]",
				   idreg_slot_name(slot, buf, sizeof(buf)), p->t->vm.last_error);
			bad++;
		}
	}
	idreg_test_result(IDREG_RESULT_BEHAVIOUR, n && !bad, "%s: %u of %u ID registers accept their current value after the run%s\n",
			  name_of(name, sizeof(name), p, "current_values"), n - bad, n, detail);
}

/*
 * An AArch32 EL1 vCPU cannot run the AArch64 guest (KVM refuses an AArch64
 * PSTATE for it): its first KVM_RUN is an A32 program that only says it is
 * done; guest_view_test's A32 guest checks what it reads.
 */
static void run_guest_a32(struct rules_pass *p)
{
	static struct idreg_guest_result res;
	struct idreg_guest guest;
	char name[64];
	int r = idreg_guest_init(&guest, &p->t->vm);

	if (!r) {
		idreg_guest_reset_program(&guest);
		r = idreg_guest_emit_done_a32(&guest) ?: idreg_guest_run(&guest, 0, NULL, &res);
	}
	idreg_test_result(idreg_result_kind_of_run(r), !r && res.done, "%s: vcpu 0 ran an A32 program to its end (%u exits) (what an AArch32 guest reads: guest_view_test)%s%s\n",
			  name_of(name, sizeof(name), p, "run"), res.exits, r ? ": " : "",
			  r ? p->t->vm.last_error : "");
	idreg_guest_free(&guest);
}

static void run_guest(struct rules_pass *p)
{
	static struct idreg_guest_view view;
	static unsigned int slots[IDREG_NR_SLOTS];
	struct idreg_guest guest;
	unsigned int nr;
	int r;

	static uint64_t after[IDREG_NR_SLOTS];
	char detail[512] = "", name[64];
	unsigned int slot, seen = 0;

	nr = idreg_guest_readable_slots(&p->t->vm, 0, slots);
	r = idreg_guest_init(&guest, &p->t->vm);
	r = r ?: idreg_guest_read_slots(&guest, 0, slots, nr, NULL, &view);
	if (r) {
		idreg_test_report(idreg_result_kind_of_run(r), IDREG_FAIL, "%s: the first KVM_RUN: %s\n", name_of(name, sizeof(name), p, "run"),
				  p->t->vm.last_error);
		idreg_guest_free(&guest);
		return;
	}
	/* vCPU 0 wrote the changes, so even per-vCPU CLIDR_EL1 must show them. */
	for (slot = 0; slot < IDREG_NR_SLOTS; slot++)
		after[slot] = p->changes[slot].reg ? p->changes[slot].val : p->t->limit[slot];
	/* Between two series read, the first run may follow either. */
	idreg_after_first_run_seen(after, &p->t->traits, view.val, view.read);
	for (slot = 0; slot < IDREG_NR_SLOTS; slot++) {
		const struct change *c = &p->changes[slot];

		if (!c->reg)
			continue;
		if (!view.read[slot])
			idreg_append(detail, sizeof(detail), "; %s: the guest could not read it",
				     c->reg->name);
		else if (view.val[slot] == after[slot])
			seen++;
		else
			idreg_append(detail, sizeof(detail), "; %s: guest reads 0x%016llx, want 0x%016llx (written 0x%016llx)",
				     c->reg->name, (unsigned long long)view.val[slot],
				     (unsigned long long)after[slot], (unsigned long long)c->val);
	}
	idreg_test_result(IDREG_RESULT_BEHAVIOUR, !detail[0], "%s: vcpu 0 ran a guest reading %u ID registers (%u exits); it sees the %u written values%s\n",
			  name_of(name, sizeof(name), p, "run"), nr, view.exits, seen, detail);
	idreg_guest_free(&guest);
}

/* The writes through vCPU 0, vCPU 1 created only after them. */
static void write_changes(struct rules_pass *p)
{
	unsigned int slot;

	for (slot = 0; slot < IDREG_NR_SLOTS; slot++)
		if (p->changes[slot].reg && idreg_set_slot(&p->t->vm, 0, slot, p->changes[slot].val))
			ksft_exit_fail_msg("accepted before, now: %s\n", p->t->vm.last_error);
	if (idreg_vcpu_add(&p->t->vm))
		ksft_exit_fail_msg("%s\n", p->t->vm.last_error);
}

/* MPIDR_EL1 has no ID check: each vCPU's own value, marked, for the reset check. */
static void mark_mpidrs(struct rules_pass *p)
{
	unsigned int slot = idreg_slot_index(3, 0, 0, 0, 5);
	int i;

	for (i = 0; i < p->t->vm.nr_vcpus; i++) {
		uint64_t now;

		if (idreg_get_slot(&p->t->vm, i, slot, &now) ||
		    idreg_set_slot(&p->t->vm, i, slot, now ^ MPIDR_MARK))
			ksft_exit_fail_msg("MPIDR_EL1: %s\n", p->t->vm.last_error);
		p->mpidr[i] = now ^ MPIDR_MARK;
	}
}

static void check_mpidr_reset(struct rules_pass *p)
{
	unsigned int slot = idreg_slot_index(3, 0, 0, 0, 5);
	char detail[DETAIL_LEN] = "", name[64];
	bool ok = true;
	int i;

	for (i = 0; i < p->t->vm.nr_vcpus; i++) {
		uint64_t now = 0;

		if (idreg_get_slot(&p->t->vm, i, slot, &now) || now != p->mpidr[i]) {
			idreg_append(detail, sizeof(detail), "; vcpu %d: wrote 0x%016llx, reads 0x%016llx %s",
				     i, (unsigned long long)p->mpidr[i], (unsigned long long)now,
				     p->t->vm.last_error);
			ok = false;
		}
	}
	idreg_test_result(IDREG_RESULT_BEHAVIOUR, ok, "%s: the value written to each of %d vCPUs (Aff3 ^ 0x%llx) survives KVM_ARM_VCPU_INIT%s\n",
			  name_of(name, sizeof(name), p, "MPIDR_EL1.reset"), p->t->vm.nr_vcpus,
			  (unsigned long long)(MPIDR_MARK >> 32), detail);
}

/* changes: without a change every check below would be empty. */
static void report_changes(const struct rules_pass *p)
{
	char name[64];

	idreg_test_result(IDREG_RESULT_BEHAVIOUR, p->nr_changes > 0, "%s: %u ID registers with a field value the prediction and KVM both store%s\n",
			  name_of(name, sizeof(name), p, "changes"), p->nr_changes,
			  p->nr_changes ? "" : ": none, so there is nothing to check the VM-wide rules with");
}

/* KVM_ARM_VCPU_INIT again on every vCPU, after noting what each reads. */
static void reinit_vcpus(struct rules_pass *p)
{
	int i;

	snapshot_before_reset(p);
	for (i = 0; i < p->t->vm.nr_vcpus; i++)
		if (idreg_vcpu_reinit(&p->t->vm, i))
			ksft_exit_fail_msg("%s\n", p->t->vm.last_error);
}

/* The first KVM_RUN, by the guest the vCPU can run. */
static void check_run(struct rules_pass *p)
{
	if (p->t->vm.features & IDREG_VCPU_AARCH32)
		run_guest_a32(p);
	else
		run_guest(p);
}

/*
 * A pass: the changes written through vCPU 0 (vCPU 1 after them), each
 * seen VM-wide both ways; every vCPU initialised again, each change kept;
 * the first run; then after it each change frozen (or not), the current
 * values and the errno of every write; last, a second VM's defaults.
 */
static void walk_pass(struct idreg_test_run *run, struct rules_pass *p)
{
	unsigned int slot;

	if (idreg_test_due(run))
		report_changes(p);
	if (idreg_test_acting(run)) {
		write_changes(p);
		if (!p->t->imp_id)
			mark_mpidrs(p);
	}
	for (slot = 0; slot < IDREG_NR_SLOTS; slot++)
		if (p->changes[slot].reg && idreg_test_due(run))
			check_vm_wide(p, slot, &p->changes[slot]);
	if (idreg_test_acting(run))
		reinit_vcpus(p);
	for (slot = 0; slot < IDREG_NR_SLOTS; slot++)
		if (p->changes[slot].reg && idreg_test_due(run))
			check_reset(p, slot, &p->changes[slot]);
	if (!p->t->imp_id && idreg_test_due(run))
		check_mpidr_reset(p);
	if (idreg_test_due(run))
		check_run(p);
	for (slot = 0; slot < IDREG_NR_SLOTS; slot++)
		if (p->changes[slot].reg && idreg_test_due(run))
			check_after_run(p, slot, &p->changes[slot]);
	if (idreg_test_due(run))
		check_current_values(p);
	if (idreg_test_due(run))
		check_errno_after_run(p);
	if (idreg_test_acting(run))
		idreg_test_vm_close(p->t);
	idreg_test_part_enter(run, p->t, 1);	/* the second VM's vCPU */
	if (idreg_test_due(run))
		check_other_vm(p);
	idreg_test_part_leave(run, p->t);
}

/* Every pass; one the host cannot give is a skip. */
static void walk_all(struct rules_test *rt)
{
	unsigned int i;

	for (i = 0; i < rt->passes.nr; i++) {
		struct rules_pass *p = &rt->rules[i];

		idreg_test_pass_enter(&rt->run, p->t);
		if (p->t->open)
			walk_pass(&rt->run, p);
		else if (idreg_test_due(&rt->run))
			idreg_test_report_unavailable(p->t, NULL);
		idreg_test_pass_leave(&rt->run, p->t);
	}
}

/* Every pass: the values to change picked now, with its defaults and rules. */
static void passes_init(struct rules_test *rt)
{
	unsigned int i;

	for (i = 0; i < rt->passes.nr; i++) {
		struct rules_pass *p = &rt->rules[i];

		p->t = &rt->passes.pass[i];
		if (!p->t->open) {
			ksft_print_msg("kernel %s, vcpu %s: skipped; %s\n", rt->release,
				       p->t->cfg->name, p->t->vm.last_error);
			continue;
		}
		pick_changes(p);
		if (p->t->imp_id)
			ksft_print_msg("imp-id capability present: %u implementation ID registers with a value to change\n",
				       p->nr_changes);
		else
			ksft_print_msg("kernel %s, vcpu %s: %u ID registers with a value to change\n",
				       rt->release, p->t->cfg->name, p->nr_changes);
	}
	if (!rt->passes.imp)
		ksft_print_msg("imp-id capability %s: no @imp_id_writable pass\n",
			       rt->passes.base ? "absent" : "not checked (no default configuration)");
}

int main(int argc, char **argv)
{
	static struct rules_test rt = { .run.counting = true };

	idreg_test_start(argv[0], rt.release, sizeof(rt.release), NULL, NULL);
	idreg_test_open(&rt.passes, argc, argv, rt.release, true);
	passes_init(&rt);

	walk_all(&rt);
	idreg_test_plan(&rt.run);
	walk_all(&rt);
	idreg_test_checked(&rt.run);
	idreg_test_finished();
}
