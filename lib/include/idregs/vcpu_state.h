/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Saving a running VM's complete state from KVM/arm64 and restoring it into
 * a new VM on another host (lib/kvm/vcpu_state.c), and the guest that
 * checks it (docs/migration.md).  arm64 only.
 *
 * The migration guest runs on vCPU 0 of a VM with one memslot (the guest
 * runner's, idregs/guest.h): it reads its ID registers into the "before"
 * area with CNTVCT_EL0 after them, counts x5 up to
 * IDREG_MIG_COUNT_SNAPSHOT and stores x5 to MMIO: userspace saves the VM
 * there.  Continued (after a restore, or where it was), it reads them again
 * into the "after" area, counts on to IDREG_MIG_COUNT_DONE, stores x5
 * again and ends.
 */
#ifndef IDREGS_VCPU_STATE_H
#define IDREGS_VCPU_STATE_H

#include <stdbool.h>
#include <stdint.h>

#include "idregs/guest.h"
#include "idregs/kvm.h"
#include "idregs/vm_state.h"

#define IDREG_MIG_AREA_BEFORE		0x8000UL	/* offsets in guest memory */
#define IDREG_MIG_AREA_AFTER		0xa000UL
#define IDREG_MIG_COUNT_SNAPSHOT	1000
#define IDREG_MIG_COUNT_DONE		2000

/*
 * Program the migration guest on @g (idreg_guest_init() done) to read
 * @nr @slots, set vCPU 0's start registers and run it to its snapshot
 * store.  @counter: x5 as stored there.  0 or a negative errno
 * (vm->last_error says what happened).
 */
int idreg_mig_guest_start(struct idreg_guest *g, const unsigned int *slots, unsigned int nr,
			  uint64_t *counter);
/*
 * Continue the guest to its end: @counter is x5 at its second store.
 */
int idreg_mig_guest_finish(struct idreg_guest *g, uint64_t *counter);

/*
 * Complete what the vCPUs left pending (the MMIO store they exited on:
 * KVM_RUN with immediate_exit), then read every register KVM_GET_REG_LIST
 * lists for each vCPU, the guest memory of @g and the VM's features into
 * @s (initialised here).
 */
int idreg_vm_state_save(struct idreg_vm *vm, const struct idreg_guest *g,
			struct idreg_vm_state *s);

/* A register the restore could not write. */
struct idreg_restore_refusal {
	uint64_t id;
	unsigned int vcpu;
	int err;				/* positive errno */
	uint64_t value;				/* the low 64 bits */
	uint64_t now;				/* what the new VM holds, if readable */
	bool now_known;
};

#define IDREG_RESTORE_MAX_REFUSALS	256

struct idreg_restore_result {
	unsigned int nr_set;			/* registers written */
	unsigned int nr_refused, nr_lost;	/* refusals (beyond the array: lost) */
	struct idreg_restore_refusal refused[IDREG_RESTORE_MAX_REFUSALS];
	unsigned int nr_extra;			/* in the new VM's list, not in the state */
	bool counter_offset;			/* KVM_ARM_SET_COUNTER_OFFSET used */
	uint64_t offset;
};

/*
 * Create @vm (the vCPU configuration @cfg, NULL: @s's features;
 * KVM_CAP_ARM_WRITABLE_IMP_ID_REGS
 * where offered, @s's in-kernel GIC) and @g with @s's memory, then write every register of @s
 * in the order KVM needs: the ID registers (before anything runs, and they
 * decide which other registers exist), the firmware pseudo-registers, the
 * SVE vector lengths (only their current value: the vCPU is finalized
 * already), then the rest in list order; the counter through
 * KVM_ARM_SET_COUNTER_OFFSET where KVM has it (the guest's counter goes on
 * from the saved value).  Every refusal is recorded in @res, not only the
 * first.  Returns 0 when all were written, -EINVAL when some were refused,
 * IDREG_VM_UNAVAILABLE when KVM does not offer a feature, or another
 * negative errno (vm->last_error).
 */
int idreg_vm_state_restore(struct idreg_vm *vm, struct idreg_guest *g,
			   const struct idreg_vm_state *s, const struct idreg_vcpu_config *cfg,
			   struct idreg_restore_result *res);

/*
 * KVM_GET_REG_LIST of vCPU @vcpu into *@ids (malloc'ed, *@nr entries).
 * 0 or a negative errno (vm->last_error).
 */
int idreg_vcpu_reg_list(struct idreg_vm *vm, int vcpu, uint64_t **ids, unsigned int *nr);
/*
 * KVM_GET_ONE_REG (@set false) or KVM_SET_ONE_REG of register @id through
 * @val (idreg_kvm_reg_size(@id) bytes): 0 or -errno, without a message.
 */
int idreg_vcpu_one_reg(struct idreg_vm *vm, int vcpu, bool set, uint64_t id, void *val);

/* The register's name: an ID register's from the tables, else idreg_kvm_reg_describe(). */
const char *idreg_kvm_reg_name(uint64_t id, char *buf, size_t size);

#endif /* IDREGS_VCPU_STATE_H */
