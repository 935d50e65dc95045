// SPDX-License-Identifier: GPL-2.0-only
/*
 * defaults_test: what a new VM's ID registers hold before anything is
 * written, and the order KVM requires for the capability that opens them.
 *
 *   REG.defaults   every ID register the tables describe, as vCPU 0 reads
 *                  it, satisfies the architecture: RES0 fields are 0, RES1
 *                  fields all ones, and an enumerated field holds one of
 *                  the values the description names (a reserved value in
 *                  a default would be KVM or the host inventing a feature
 *                  level);
 *   order.imp_id_cap_after_vcpu
 *                  KVM_CAP_ARM_WRITABLE_IMP_ID_REGS enabled once a vCPU
 *                  exists is refused (EINVAL, kvm_vm_ioctl_enable_cap():
 *                  only while !kvm->created_vcpus), and MIDR_EL1 then still
 *                  refuses a changed value; and where the masks report
 *                  MIDR_EL1 writable, KVM_CHECK_EXTENSION advertises the
 *                  capability.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <linux/kvm.h>

#include "kselftest.h"
#include "idreg_test.h"
#include "idregs/field.h"
#include "idregs/kvm.h"

#define DETAIL_LEN	512

static bool enum_named(const struct idreg_field *f, uint64_t v)
{
	unsigned int i;

	for (i = 0; i < f->nr_values; i++)
		if (f->values[i].value == v)
			return true;
	return false;
}

/* The architecture's word on one field's default, or NULL if it holds. */
static const char *field_problem(const struct idreg_field *f, uint64_t v)
{
	switch (f->kind) {
	case IDREG_FIELD_RES0:
	case IDREG_FIELD_RAZ:
		return v ? "RES0 field is not 0" : NULL;
	case IDREG_FIELD_RES1:
		return v != idreg_field_mask(0, f->width) ? "RES1 field is not all ones" : NULL;
	case IDREG_FIELD_ENUM:
	case IDREG_FIELD_UNSIGNED_ENUM:
	case IDREG_FIELD_SIGNED_ENUM:
		return f->nr_values && !enum_named(f, v) ? "value the description does not name" : NULL;
	default:
		return NULL;
	}
}

static void check_defaults(const struct idreg_reg *reg, uint64_t val)
{
	char detail[DETAIL_LEN] = "";
	unsigned int i, bad = 0;

	for (i = 0; i < reg->nr_fields; i++) {
		const struct idreg_field *f = &reg->fields[i];
		uint64_t v = idreg_field_get(val, f->lsb, f->width);
		const char *why = field_problem(f, v);

		if (!why)
			continue;
		bad++;
		idreg_append(detail, sizeof(detail), "; %s (%u:%u) = 0x%llx: %s", f->name,
			     f->lsb + f->width - 1, f->lsb, (unsigned long long)v, why);
	}
	ksft_test_result(!bad, "%s.defaults: 0x%016llx%s\n", reg->name,
			 (unsigned long long)val, bad ? detail : " satisfies the architecture");
}

/*
 * The capability asked for too late: refused, and nothing opened.  Where
 * the masks report MIDR_EL1 writable (@midr_mask) the capability must be
 * advertised, or nothing could ever change it.
 */
static void check_imp_id_cap_order(uint64_t midr_mask)
{
	int midr = idreg_slot_index(3, 0, 0, 0, 0);
	struct idreg_vm vm;
	uint64_t before, after;
	int r, w;

	if (idreg_vm_open(&vm, NULL, 0) || idreg_get_slot(&vm, 0, midr, &before)) {
		ksft_test_result_fail("order.imp_id_cap_after_vcpu: %s\n", vm.last_error);
		idreg_vm_destroy(&vm);
		return;
	}
	if (!idreg_kvm_check_cap(&vm, KVM_CAP_ARM_WRITABLE_IMP_ID_REGS) && midr_mask) {
		ksft_test_result_fail("order.imp_id_cap_after_vcpu: the masks report MIDR_EL1 writable (0x%016llx) but KVM_CHECK_EXTENSION(KVM_CAP_ARM_WRITABLE_IMP_ID_REGS) is 0\n",
				      (unsigned long long)midr_mask);
		idreg_vm_destroy(&vm);
		return;
	}
	if (!idreg_kvm_check_cap(&vm, KVM_CAP_ARM_WRITABLE_IMP_ID_REGS)) {
		ksft_test_result_skip("order.imp_id_cap_after_vcpu: KVM lacks KVM_CAP_ARM_WRITABLE_IMP_ID_REGS and reports MIDR_EL1 read-only (as 6.12 does)\n");
		idreg_vm_destroy(&vm);
		return;
	}
	r = idreg_vm_enable_cap(&vm, KVM_CAP_ARM_WRITABLE_IMP_ID_REGS, 0);
	w = idreg_set_slot(&vm, 0, midr, before ^ 1ULL << 20);
	idreg_get_slot(&vm, 0, midr, &after);
	ksft_test_result(r == -EINVAL && w == -EINVAL && after == before,
			 "order.imp_id_cap_after_vcpu: enabling it with a vCPU: %d (want %d, EINVAL); then MIDR_EL1 Variant changed: %d (want %d), reads 0x%llx (was 0x%llx)\n",
			 r, -EINVAL, w, -EINVAL, (unsigned long long)after,
			 (unsigned long long)before);
	idreg_vm_destroy(&vm);
}

int main(int argc, char **argv)
{
	static uint64_t mask[IDREG_NR_SLOTS], val[IDREG_NR_SLOTS];
	static bool readable[IDREG_NR_SLOTS];
	unsigned int slot, nr = 0;
	char release[128];
	struct idreg_vm vm;

	(void)argc;
	idreg_test_start(argv[0], release, sizeof(release), NULL, NULL);
	if (idreg_vm_open(&vm, NULL, 0) || idreg_vm_read_all(&vm, mask, val, readable))
		ksft_exit_fail_msg("%s\n", vm.last_error);
	for (slot = 0; slot < IDREG_NR_SLOTS; slot++)
		nr += readable[slot] && idreg_reg_by_slot(slot);
	ksft_set_plan(nr + 1);
	for (slot = 0; slot < IDREG_NR_SLOTS; slot++)
		if (readable[slot] && idreg_reg_by_slot(slot))
			check_defaults(idreg_reg_by_slot(slot), val[slot]);
	idreg_vm_destroy(&vm);
	check_imp_id_cap_order(mask[idreg_slot_index(3, 0, 0, 0, 0)]);
	ksft_finished();
}
