// SPDX-License-Identifier: GPL-2.0-only
/*
 * writable_masks_test: KVM_ARM_GET_REG_WRITABLE_MASKS answers, every slot
 * with writable bits is readable through ONE_REG, and the masks are the
 * ones the kernel's own sys_regs.c declares (lib/predict/generated/idreg_declared.c,
 * read by gen/ from each kernel series we have the source of), not merely
 * whatever the ioctl says.
 *
 * For a kernel of a series we read, a declared bit that is not writable and
 * a writable bit nothing declares both fail, naming the fields.  For a
 * kernel newer than the series read, a declared bit lost fails and a
 * writable bit gained is reported as a new writable field; between two
 * series read, only what both declare or neither does can fail.
 *
 * The ioctl refuses (EINVAL, writing nothing) a nonzero reserved word and
 * a range other than KVM_ARM_FEATURE_ID_RANGE
 * (kvm_vm_ioctl_get_reg_writable_masks()).
 *
 * Its answer is the same whatever the caller's buffer held: asked again
 * with every byte 0xff, each slot reads as with a zeroed buffer, 0 for
 * every slot without writable bits (masks.unwritable).  And a slot it says
 * has no writable bit keeps its value whichever single bit is written
 * (refused, or ignored as KVM does for RAZ/WI registers), MPIDR_EL1 aside,
 * which is no feature register (masks.unwritable_kept).
 *
 * Two answers of KVM the masks promise, whatever source was read: a slot
 * with writable bits stores a change (masks.writable_stores: not a RAZ/WI
 * register reporting a mask), and a field a series read up to this
 * kernel's declared writable still takes the values it took there
 * (masks.kept_writable: a VM saved on that kernel is restored by writing
 * them; the 6.12 masks are those a real 6.12 KVM reported,
 * vmm/tests/test_profile.c).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <linux/kvm.h>

#include "kselftest.h"
#include "idreg_test.h"
#include "idregs/candidates.h"
#include "idregs/declared.h"
#include "idregs/field.h"
#include "idregs/kvm_rules.h"

#define POISON			0x5a5a5a5a5a5a5a5aULL
#define NR_RESERVED_WORDS	(sizeof(((struct reg_mask_range *)0)->reserved) / sizeof(__u32))

/*
 * Ask with @range_id and reserved word @word = @val: true when KVM refuses
 * with EINVAL and leaves the buffer as it was.  @detail says otherwise.
 */
static bool refused_untouched(struct idreg_vm *vm, uint32_t range_id, int word, uint32_t val,
			      char *detail, size_t size)
{
	static uint64_t buf[IDREG_NR_SLOTS];
	unsigned int i, touched = 0;
	int r;

	for (i = 0; i < IDREG_NR_SLOTS; i++)
		buf[i] = POISON;
	r = idreg_get_writable_masks_with(vm, buf, range_id, word, val);
	for (i = 0; i < IDREG_NR_SLOTS; i++)
		touched += buf[i] != POISON;
	if (r == -EINVAL && !touched)
		return true;
	snprintf(detail, size, "; range %u, reserved[%d] = 0x%x: returned %d (%s), %u masks written",
		 range_id, word, val, r, r ? strerror(-r) : "success", touched);
	return false;
}

static void check_reserved_words(struct idreg_vm *vm)
{
	char detail[256] = "";
	unsigned int word, bad = 0;

	for (word = 0; word < NR_RESERVED_WORDS; word++) {
		bad += !refused_untouched(vm, KVM_ARM_FEATURE_ID_RANGE, word, 1,
					  detail, sizeof(detail));
		bad += !refused_untouched(vm, KVM_ARM_FEATURE_ID_RANGE, word, 0x80000000U,
					  detail, sizeof(detail));
	}
	idreg_test_result(IDREG_RESULT_BEHAVIOUR, !bad, "masks.reserved: each of the %zu reserved words set to 1 or 0x80000000 is refused with EINVAL, nothing written%s\n",
			  NR_RESERVED_WORDS, detail);
}

static void check_ranges(struct idreg_vm *vm)
{
	char detail[256] = "";
	unsigned int bad;

	bad = !refused_untouched(vm, KVM_ARM_FEATURE_ID_RANGE + 1, -1, 0, detail, sizeof(detail));
	bad += !refused_untouched(vm, 0xffffffffU, -1, 0, detail, sizeof(detail));
	idreg_test_result(IDREG_RESULT_BEHAVIOUR, !bad, "masks.range: ranges %u and 0xffffffff are refused with EINVAL, nothing written%s\n",
			  KVM_ARM_FEATURE_ID_RANGE + 1, detail);
}

struct masks_run {
	struct idreg_vm vm;
	uint64_t mask[IDREG_NR_SLOTS];
	uint64_t val[IDREG_NR_SLOTS];
	bool readable[IDREG_NR_SLOTS];
	struct idreg_vm_traits traits;
	const struct idreg_declared_series *decl;
	enum idreg_decl_match match;
	int read;			/* idreg_vm_read_all()'s answer */
};

/*
 * The answer with the buffer prefilled with 0xff against the one with a
 * zeroed buffer (@m->mask): the same in every slot.
 */
static void check_unwritable_answer(struct masks_run *m)
{
	static uint64_t buf[IDREG_NR_SLOTS];
	char detail[512] = "", name[32];
	unsigned int slot, bad = 0, zero = 0;
	int r;

	memset(buf, 0xff, sizeof(buf));
	r = idreg_get_writable_masks_with(&m->vm, buf, KVM_ARM_FEATURE_ID_RANGE, -1, 0);
	for (slot = 0; !r && slot < IDREG_NR_SLOTS; slot++) {
		zero += !m->mask[slot];
		if (buf[slot] == m->mask[slot])
			continue;
		if (bad++ < 4)
			idreg_append(detail, sizeof(detail), " [%s: 0x%016llx, with a zeroed buffer 0x%016llx]",
				     idreg_slot_name(slot, name, sizeof(name)),
				     (unsigned long long)buf[slot],
				     (unsigned long long)m->mask[slot]);
	}
	idreg_test_result(IDREG_RESULT_BEHAVIOUR, !r && !bad, "masks.unwritable: asked with every byte of the buffer 0xff, the %u slots without writable bits answer 0 and the others their mask%s%s%s%s\n",
			  zero, r ? ": " : "", r ? m->vm.last_error : "",
			  bad ? "; they differ:" : "", detail);
}

/*
 * Each readable slot the masks give no writable bit (MPIDR_EL1 aside)
 * keeps its value whichever single bit is written: KVM refuses the write
 * or ignores it.  A value that changed is written back.
 */
static void check_unwritable_kept(struct masks_run *m)
{
	char detail[512] = "", name[32];
	unsigned int slot, bit, n = 0, bad = 0;

	for (slot = 0; slot < IDREG_NR_SLOTS; slot++) {
		uint64_t val = m->val[slot], back;

		if (m->mask[slot] || !m->readable[slot] || idreg_is_mpidr_slot(slot))
			continue;
		n++;
		for (bit = 0; bit < 64; bit++) {
			int r = idreg_set_slot(&m->vm, 0, slot, val ^ 1ULL << bit);

			back = val;
			if (idreg_get_slot(&m->vm, 0, slot, &back) || back == val)
				continue;
			if (bad++ < 4)
				idreg_append(detail, sizeof(detail), " [%s: bit %u written (%d), reads 0x%016llx, was 0x%016llx]",
					     idreg_slot_name(slot, name, sizeof(name)), bit, r,
					     (unsigned long long)back, (unsigned long long)val);
			idreg_set_slot(&m->vm, 0, slot, val);
		}
	}
	idreg_test_result(IDREG_RESULT_BEHAVIOUR, !bad, "masks.unwritable_kept: the %u readable slots without writable bits keep their value whichever one bit is written%s%s\n",
			  n, bad ? "; changed:" : "", detail);
}

/*
 * The first value of @f, other than the default's, that KVM would store
 * on a VM of traits @t if @f's bits were writable as in @mask: one a VMM
 * could write on a kernel declaring @mask.  False when the default is the
 * only such value.
 */
static bool value_once_writable(const struct masks_run *m, const struct idreg_vm_traits *t,
				unsigned int slot, const struct idreg_reg *reg,
				const struct idreg_field *f, uint64_t mask, uint64_t *val)
{
	uint64_t cand[16], limit = m->val[slot];
	uint64_t lim_raw = idreg_field_get(limit, f->lsb, f->width);
	struct idreg_kvm_verdict v;
	unsigned int i, n;

	n = idreg_pick_candidates(f, lim_raw, 0, 0, cand, ARRAY_SIZE(cand));
	for (i = 0; i < n; i++) {
		*val = idreg_field_set(limit, f->lsb, f->width, cand[i]);
		if (cand[i] != lim_raw &&
		    idreg_kvm_predict(slot, reg, mask, limit, *val, t, &v) ==
		    IDREG_WRITE_STORED)
			return true;
	}
	return false;
}

/*
 * The writable masks of every series read up to this kernel's: what a VMM
 * could write there it may have written, and a VM saved on such a kernel
 * is restored by writing it again (the kernel's "no regressions" rule for
 * its ABI).  0 for a kernel older than every series read.
 */
static uint64_t mask_floor(const struct masks_run *m, unsigned int slot)
{
	uint64_t floor = 0;
	unsigned int i;

	for (i = 0; i < idreg_nr_declared_series; i++)
		if (idreg_declared_series[i].version <= m->traits.kernel)
			floor |= idreg_declared_mask(&idreg_declared_series[i], slot,
						     m->traits.aarch32_el0);
	return floor;
}

/*
 * masks.kept_writable: each field an earlier series let a VMM write and
 * this kernel's masks no longer do still takes, on this host, the first
 * value other than the default the earlier masks let through: KVM's answer
 * to the write, not its masks, decides.  A field with only its default to
 * give was as fixed there as here.
 */
static void check_kept_writable(struct masks_run *m)
{
	char detail[512] = "", name[32];
	unsigned int slot, i, lost = 0, tried = 0, bad = 0;

	for (slot = 0; slot < IDREG_NR_SLOTS; slot++) {
		const struct idreg_reg *reg = idreg_reg_by_slot(slot);
		uint64_t floor = mask_floor(m, slot) & ~m->mask[slot], val;
		int r;

		for (i = 0; reg && floor && m->readable[slot] && i < reg->nr_fields; i++) {
			const struct idreg_field *f = &reg->fields[i];

			if (!idreg_test_walkable(f, floor))
				continue;
			lost++;
			if (!value_once_writable(m, &m->traits, slot, reg, f, m->mask[slot] | floor,
						 &val))
				continue;
			tried++;
			r = idreg_set_slot(&m->vm, 0, slot, val);
			if (!r) {
				idreg_set_slot(&m->vm, 0, slot, m->val[slot]);
				continue;
			}
			if (bad++ < 4)
				idreg_append(detail, sizeof(detail), " [%s.%s = 0x%llx: %d (%s)]",
					     idreg_slot_name(slot, name, sizeof(name)), f->name,
					     (unsigned long long)idreg_field_get(val, f->lsb, f->width),
					     r, strerror(-r));
		}
	}
	idreg_test_result(IDREG_RESULT_BEHAVIOUR, !bad, "masks.kept_writable: %u fields a series read up to this kernel's declared writable are not here; %u of them had a value other than the default to give on this host, and %u of those are refused%s\n",
			  lost, tried, bad, detail);
}

/*
 * masks.writable_stores: a slot whose mask has writable bits stores a
 * change: the first field with a value other than its default that KVM
 * would store (were the register not RAZ/WI: a mask on such a slot says
 * what is not so) takes it and reads it back.  A slot with nothing but
 * its defaults to give cannot tell.
 */
static void check_writable_stores(struct masks_run *m)
{
	struct idreg_vm_traits t = m->traits;
	char detail[512] = "", name[32];
	unsigned int slot, i, n = 0, tried = 0, bad = 0;

	t.aarch32_el0 = true;
	for (slot = 0; slot < IDREG_NR_SLOTS; slot++) {
		const struct idreg_reg *reg = idreg_reg_by_slot(slot);
		uint64_t val, back;
		int r = 0;

		if (!reg || !m->mask[slot] || !m->readable[slot])
			continue;
		n++;
		for (i = 0; i < reg->nr_fields; i++)
			if (idreg_test_walkable(&reg->fields[i], m->mask[slot]) &&
			    value_once_writable(m, &t, slot, reg, &reg->fields[i], m->mask[slot], &val))
				break;
		if (i == reg->nr_fields)
			continue;
		tried++;
		back = m->val[slot];
		r = idreg_set_slot(&m->vm, 0, slot, val) ?: idreg_get_slot(&m->vm, 0, slot, &back);
		idreg_set_slot(&m->vm, 0, slot, m->val[slot]);
		if (!r && back == val)
			continue;
		if (bad++ < 4)
			idreg_append(detail, sizeof(detail), " [%s.%s = 0x%llx: %d (%s), reads 0x%016llx]",
				     idreg_slot_name(slot, name, sizeof(name)), reg->fields[i].name,
				     (unsigned long long)idreg_field_get(val, reg->fields[i].lsb,
									 reg->fields[i].width),
				     r, r ? strerror(-r) : "success", (unsigned long long)back);
	}
	idreg_test_result(IDREG_RESULT_BEHAVIOUR, !bad, "masks.writable_stores: of the %u slots with writable bits, %u had a value other than the default to give, and %u did not store it%s\n",
			  n, tried, bad, detail);
}

/*
 * One slot against its declaration (idreg_declared_mask_check(): between
 * two series read, what they disagree on may go either way): the result
 * line says which fields.
 */
static void check_slot(const struct masks_run *m, unsigned int slot)
{
	char buf32[32], what[1024];
	bool ok = idreg_declared_mask_check(m->traits.kernel, slot, m->traits.aarch32_el0,
					    m->mask[slot], what, sizeof(what));

	idreg_test_result(IDREG_RESULT_SOURCE, ok, "%s: mask 0x%016llx%s\n",
			  idreg_slot_name(slot, buf32, sizeof(buf32)),
			  (unsigned long long)m->mask[slot], what);
}

static void check_readable(const struct masks_run *m, unsigned int slot)
{
	char buf[32];
	const char *name = idreg_slot_name(slot, buf, sizeof(buf));

	idreg_test_result(IDREG_RESULT_BEHAVIOUR, m->readable[slot],
			  "%s: readable through ONE_REG%s%s\n", name, m->readable[slot] ? "" : ": ",
			  m->readable[slot] ? "" : "KVM_GET_ONE_REG fails on a slot with writable bits");
}

/* The ioctl answers. */
static void check_masks_read(const struct masks_run *m)
{
	idreg_test_result(IDREG_RESULT_BEHAVIOUR, m->read == 0, "KVM_ARM_GET_REG_WRITABLE_MASKS%s%s\n",
			  m->read ? ": " : "", m->read ? m->vm.last_error : "");
}

/* Some slot has writable bits. */
static void check_nonzero(const struct masks_run *m)
{
	unsigned int slot, nonzero = 0;

	for (slot = 0; slot < IDREG_NR_SLOTS; slot++)
		nonzero += m->mask[slot] != 0;
	idreg_test_result(IDREG_RESULT_BEHAVIOUR, nonzero > 0, "%u of %d slots have writable bits\n",
			  nonzero, IDREG_NR_SLOTS);
}

static void report_too_old(const char *release)
{
	idreg_test_report(IDREG_RESULT_SOURCE, IDREG_SKIP,
			  "declared masks: kernel %s is older than every series read (oldest: %s)\n",
			  release, idreg_declared_series[idreg_nr_declared_series - 1].series);
}

/*
 * The ioctl answers, some slot has writable bits, it refuses what it must;
 * each slot with writable bits reads; KVM's answers the masks promise;
 * each slot's mask against the source.
 */
static void walk_masks(struct idreg_test_run *run, struct masks_run *m, const char *release)
{
	unsigned int slot;

	if (idreg_test_due(run))
		check_masks_read(m);
	if (idreg_test_due(run))
		check_nonzero(m);
	if (idreg_test_due(run))
		check_reserved_words(&m->vm);
	if (idreg_test_due(run))
		check_ranges(&m->vm);
	if (idreg_test_due(run))
		check_unwritable_answer(m);
	if (idreg_test_due(run))
		check_unwritable_kept(m);
	for (slot = 0; slot < IDREG_NR_SLOTS; slot++)
		if (m->mask[slot] && idreg_test_due(run))
			check_readable(m, slot);
	if (idreg_test_due(run))
		check_writable_stores(m);
	if (idreg_test_due(run))
		check_kept_writable(m);
	if (!m->decl && idreg_test_due(run))
		report_too_old(release);
	for (slot = 0; m->decl && slot < IDREG_NR_SLOTS; slot++)
		if ((m->mask[slot] ||
		     idreg_declared_mask_any(m->traits.kernel, slot, m->traits.aarch32_el0)) &&
		    idreg_test_due(run))
			check_slot(m, slot);
}

int main(int argc, char **argv)
{
	static struct masks_run m;
	struct idreg_test_run run = { .counting = true };
	char release[128];

	(void)argc;
	idreg_test_start(argv[0], release, sizeof(release), NULL, NULL);
	if (idreg_vm_open(&m.vm, NULL, 0))
		ksft_exit_fail_msg("%s\n", m.vm.last_error);
	m.read = idreg_vm_read_all(&m.vm, m.mask, m.val, m.readable);
	idreg_vm_traits_init(&m.traits, m.val, false, release);
	m.decl = idreg_declared_for(m.traits.kernel, &m.match);

	walk_masks(&run, &m, release);
	idreg_test_plan(&run);
	walk_masks(&run, &m, release);
	idreg_test_checked(&run);
	idreg_vm_destroy(&m.vm);
	idreg_test_finished();
}
