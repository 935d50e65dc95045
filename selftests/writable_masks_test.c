// SPDX-License-Identifier: GPL-2.0-only
/*
 * writable_masks_test: KVM_ARM_GET_REG_WRITABLE_MASKS answers, and what it
 * answers is consistent with KVM_GET_ONE_REG: a register with writable
 * bits must be readable through ONE_REG.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "kselftest.h"
#include "idregs/field.h"
#include "idregs/kvm.h"

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

	ksft_set_plan(2 + nonzero);
	ksft_test_result(r == 0, "KVM_ARM_GET_REG_WRITABLE_MASKS%s%s\n",
			 r ? ": " : "", r ? vm.last_error : "");
	ksft_test_result(nonzero > 0, "%d of %d slots have writable bits\n",
			 nonzero, IDREG_NR_SLOTS);

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
