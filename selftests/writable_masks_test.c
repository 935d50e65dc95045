// SPDX-License-Identifier: GPL-2.0-only
/*
 * writable_masks_test: KVM_ARM_GET_REG_WRITABLE_MASKS answers, and what it
 * answers is consistent with KVM_GET_ONE_REG: a register with writable
 * bits must be readable through ONE_REG.  The ioctl refuses (EINVAL,
 * writing nothing) a nonzero reserved word and a range other than
 * KVM_ARM_FEATURE_ID_RANGE (kvm_vm_ioctl_get_reg_writable_masks()).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <linux/kvm.h>

#include "kselftest.h"
#include "idregs/field.h"
#include "idregs/kvm.h"

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

static void check_refusals(struct idreg_vm *vm)
{
	char detail[256] = "";
	unsigned int word, bad = 0;

	for (word = 0; word < NR_RESERVED_WORDS; word++) {
		bad += !refused_untouched(vm, KVM_ARM_FEATURE_ID_RANGE, word, 1,
					  detail, sizeof(detail));
		bad += !refused_untouched(vm, KVM_ARM_FEATURE_ID_RANGE, word, 0x80000000U,
					  detail, sizeof(detail));
	}
	ksft_test_result(!bad, "masks.reserved: each of the %zu reserved words set to 1 or 0x80000000 is refused with EINVAL, nothing written%s\n",
			 NR_RESERVED_WORDS, detail);
	detail[0] = 0;
	bad = !refused_untouched(vm, KVM_ARM_FEATURE_ID_RANGE + 1, -1, 0, detail, sizeof(detail));
	bad += !refused_untouched(vm, 0xffffffffU, -1, 0, detail, sizeof(detail));
	ksft_test_result(!bad, "masks.range: ranges %u and 0xffffffff are refused with EINVAL, nothing written%s\n",
			 KVM_ARM_FEATURE_ID_RANGE + 1, detail);
}

int main(void)
{
	uint64_t masks[IDREG_NR_SLOTS];
	struct idreg_vm vm;
	const char *why;
	int slot, nonzero = 0, r;

	ksft_print_header();
	why = idreg_kvm_unavailable();
	if (why)
		ksft_exit_skip("%s\n", why);

	if (idreg_vm_create(&vm) || idreg_vcpu_add(&vm))
		ksft_exit_fail_msg("%s\n", vm.last_error);

	for (slot = 0; slot < IDREG_NR_SLOTS; slot++)
		masks[slot] = 0;
	r = idreg_get_writable_masks(&vm, masks);
	for (slot = 0; slot < IDREG_NR_SLOTS; slot++)
		nonzero += masks[slot] != 0;

	ksft_set_plan(4 + nonzero);
	ksft_test_result(r == 0, "KVM_ARM_GET_REG_WRITABLE_MASKS%s%s\n",
			 r ? ": " : "", r ? vm.last_error : "");
	ksft_test_result(nonzero > 0, "%d of %d slots have writable bits\n",
			 nonzero, IDREG_NR_SLOTS);
	check_refusals(&vm);

	for (slot = 0; slot < IDREG_NR_SLOTS; slot++) {
		char buf[32];
		const char *name = idreg_slot_name(slot, buf, sizeof(buf));
		uint64_t val;

		if (!masks[slot])
			continue;
		r = idreg_get_slot(&vm, 0, slot, &val);
		if (r)
			ksft_test_result_fail("%s: writable mask 0x%016llx but %s\n",
					      name, (unsigned long long)masks[slot],
					      vm.last_error);
		else
			ksft_test_result_pass("%s: mask 0x%016llx value 0x%016llx\n",
					      name, (unsigned long long)masks[slot],
					      (unsigned long long)val);
	}
	idreg_vm_destroy(&vm);
	ksft_finished();
}
