/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * KVM/arm64 access for idregs: a VM with vCPUs, the writable masks and
 * GET/SET_ONE_REG by ID register encoding.  arm64 only (lib/kvm/).
 *
 * Every call returns 0 or a negative errno; the failing call is also
 * described in the VM's last_error so that callers can print register,
 * value and errno without re-deriving them.
 */
#ifndef IDREGS_KVM_H
#define IDREGS_KVM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "idregs/table.h"
#include "idregs/util.h"
#include "idregs/vcpu_config.h"

#define IDREG_MAX_VCPUS		8

struct idreg_vm {
	int kvm_fd;
	int vm_fd;
	int nr_vcpus;
	int vcpu_fd[IDREG_MAX_VCPUS];
	void *vcpu_run[IDREG_MAX_VCPUS];	/* mmap'ed struct kvm_run */
	size_t run_size;			/* KVM_GET_VCPU_MMAP_SIZE */
	/* enum idreg_vcpu_feature: what every vCPU is created with */
	unsigned int features;
	bool imp_id_on;				/* KVM_CAP_ARM_WRITABLE_IMP_ID_REGS */
	bool psci_0_2;				/* vCPUs get KVM_ARM_VCPU_PSCI_0_2 */
	/* An in-kernel GICv3 (EL2 configurations), -1: none */
	int vgic_fd;
	bool vgic_ready;			/* KVM_DEV_ARM_VGIC_CTRL_INIT done */
	bool vgic_v2;				/* the in-kernel GIC is a GICv2 */
	char last_error[256];
};

/*
 * Record in vm->last_error what failed, with strerror(@err) and the errno,
 * and return -@err: the one way lib/kvm/ reports a failure.
 */
__printf(3, 4)
int idreg_vm_fail(struct idreg_vm *vm, int err, const char *fmt, ...);

/*
 * What this process has asked of KVM so far (the selftests' idregs-vms and
 * idregs-time records, docs/results.md; tools/bench): VMs and vCPUs
 * created, the vCPUs with EL2 among them (on a nested host each brings
 * two nested stage-2 MMUs, and tearing those down is what makes such a VM
 * slow to destroy: docs/kernels.md), GET and SET_ONE_REG calls, and the
 * wall time spent creating VMs (with their vCPUs and vGIC), in KVM_RUN
 * (lib/kvm/guest.c) and destroying them; and the most tearing down one
 * EL2 vCPU cost (a VM's teardown over its EL2 vCPUs: what one costs,
 * measured).
 */
struct idreg_kvm_counters {
	unsigned int vms, vcpus, el2_vcpus;
	unsigned long gets, sets;
	double create_s, run_s, destroy_s, el2_vcpu_destroy_max_s;
};

void idreg_kvm_counters(struct idreg_kvm_counters *out);
/* Add @seconds spent running a guest. */
void idreg_kvm_count_run(double seconds);

/* Why the suite cannot run here, or NULL: no /dev/kvm, or no capability 230. */
const char *idreg_kvm_unavailable(void);

/* Open /dev/kvm and create an empty VM. */
int idreg_vm_create(struct idreg_vm *vm);
/* KVM_ENABLE_CAP on the VM (before vCPUs exist, for most capabilities). */
int idreg_vm_enable_cap(struct idreg_vm *vm, uint32_t cap, uint64_t arg0);
int idreg_kvm_check_cap(struct idreg_vm *vm, long cap);
/*
 * Create a vCPU and KVM_ARM_VCPU_INIT it with the preferred target and
 * vm->features (SVE finalized, PMU initialised).
 */
int idreg_vcpu_add(struct idreg_vm *vm);
/* KVM_CREATE_VCPU (and its kvm_run mapped), not initialised: vCPU nr_vcpus - 1. */
int idreg_vcpu_create(struct idreg_vm *vm);
/* KVM_ARM_VCPU_INIT with the preferred target and @features (enum idreg_vcpu_feature). */
int idreg_vcpu_init_with(struct idreg_vm *vm, int vcpu, unsigned int features);
/* KVM_ARM_VCPU_INIT again on an existing vCPU (a reset), same features. */
int idreg_vcpu_reinit(struct idreg_vm *vm, int vcpu);
void idreg_vm_destroy(struct idreg_vm *vm);

/* idreg_vm_open() flags: KVM takes the capability only before any vCPU. */
#define IDREG_VM_IMP_ID			(1U << 0)	/* enable KVM_CAP_ARM_WRITABLE_IMP_ID_REGS */
#define IDREG_VM_IMP_ID_IF_OFFERED	(1U << 1)	/* the same, where KVM has it */
/* vCPUs with KVM_ARM_VCPU_PSCI_0_2, as QEMU creates them where KVM has it */
#define IDREG_VM_PSCI_0_2		(1U << 2)
/* idreg_vm_open(): the host cannot give the configuration; last_error says why. */
#define IDREG_VM_UNAVAILABLE		1

/*
 * The one place that creates a VM with its first vCPU for a vCPU
 * configuration (NULL: default): the features the configuration asks for
 * and the host offers, capabilities in the order KVM requires (the
 * imp-id one as @flags say, then KVM_CAP_ARM_MTE, both before the vCPU),
 * KVM_ARM_VCPU_INIT with the configuration's feature bits, SVE finalized,
 * the PMU initialised.  A configuration with EL2 also gets an in-kernel
 * GICv3, as QEMU's virt machine has: KVM refuses to run a vCPU with EL2
 * without an initialised vGIC (kvm_arch_vcpu_run_pid_change() ->
 * kvm_vgic_vcpu_nv_init() -> kvm_vgic_set_owner(): -EAGAIN), and creating
 * it sets ID_AA64PFR0_EL1.GIC (kvm_vgic_finalize_idregs()), so it is
 * created right after the first vCPU, before anything is read or written.
 * Every vCPU added later (idreg_vcpu_add()) gets the same.  Returns 0, a negative errno, or IDREG_VM_UNAVAILABLE when KVM
 * does not offer a feature the configuration needs (the VM is destroyed
 * then; last_error stays).
 */
int idreg_vm_open(struct idreg_vm *vm, const struct idreg_vcpu_config *cfg, unsigned int flags);
/* The in-kernel GICs KVM can create: bit 2 v2, bit 3 v3 (KVM_CREATE_DEVICE_TEST). */
unsigned int idreg_vgic_offered(struct idreg_vm *vm);
/*
 * An in-kernel GIC of @version (2 or 3) at QEMU virt's addresses, after
 * the vCPUs, as QEMU's virt machine creates it; creating it sets the GIC
 * fields (kvm_vgic_finalize_idregs()).  Nothing if the VM has one.
 */
int idreg_vm_add_vgic(struct idreg_vm *vm, unsigned int version);
/* vCPU 0's SVE vector lengths: bit N/128 - 1 for N bits, up to 2048. */
int idreg_sve_vls(struct idreg_vm *vm, uint32_t *vls);
/*
 * Before the first KVM_RUN, once every vCPU exists: initialise the vGIC if
 * the VM has one (no vCPU can be added after that).
 */
int idreg_vm_prepare_run(struct idreg_vm *vm);
/* The features (enum idreg_vcpu_feature) KVM offers for @vm's vCPUs. */
unsigned int idreg_vcpu_features_offered(struct idreg_vm *vm);
/*
 * The 192 writable masks and every slot's value as vCPU 0 reads it now;
 * @readable (may be NULL) says which slots GET_ONE_REG knows.  Slots it
 * does not know are expected, so they leave no last_error behind.
 */
int idreg_vm_read_all(struct idreg_vm *vm, uint64_t mask[IDREG_NR_SLOTS],
		      uint64_t val[IDREG_NR_SLOTS], bool readable[IDREG_NR_SLOTS]);

struct idreg_vm_traits;
/*
 * The traits of @vm, whose defaults are @limit, on kernel @release: its
 * features and the imp-id capability as idreg_vm_open() set them up, and
 * the host's (for a VM with EL2, from a second VM without features, once
 * per process: its own defaults say AArch64 only).  Returns 0 or a
 * negative errno.
 */
int idreg_vm_traits(struct idreg_vm *vm, const uint64_t limit[IDREG_NR_SLOTS],
		    const char *release, struct idreg_vm_traits *t);

/* The 192 writable masks, indexed as KVM_ARM_FEATURE_ID_RANGE_IDX. */
int idreg_get_writable_masks(struct idreg_vm *vm, uint64_t masks[IDREG_NR_SLOTS]);
/*
 * The same ioctl as asked: struct reg_mask_range with .range = @range_id
 * and, when @word >= 0, .reserved[@word] = @val (to check that KVM refuses
 * what it must).  @masks is not cleared first.
 */
int idreg_get_writable_masks_with(struct idreg_vm *vm, uint64_t masks[IDREG_NR_SLOTS],
				  uint32_t range_id, int word, uint32_t val);

/* GET/SET_ONE_REG on an ID register by encoding (op0 is always 3). */
int idreg_get(struct idreg_vm *vm, int vcpu, int op1, int crm, int op2, uint64_t *val);
int idreg_set(struct idreg_vm *vm, int vcpu, int op1, int crm, int op2, uint64_t val);
/* The same for a slot index 0..191. */
int idreg_get_slot(struct idreg_vm *vm, int vcpu, int slot, uint64_t *val);
int idreg_set_slot(struct idreg_vm *vm, int vcpu, int slot, uint64_t val);
/*
 * idreg_set_slot() where a refusal is an answer, not an error (the walk's
 * tries): the negative errno, and last_error is left as it was, since
 * describing each refused value would cost more than the ioctl.
 */
int idreg_try_set_slot(struct idreg_vm *vm, int vcpu, int slot, uint64_t val);

/* The running kernel's release (uname -r) into @buf; "" if unknown. */
void idreg_kernel_release(char *buf, size_t size);

/* CTR_EL0 as this process reads it with MRS (see idreg_guest_ctr_view()). */
uint64_t idreg_host_ctr_el0(void);
/* DCZID_EL0 the same way: a guest reads the CPU's (KVM does not trap it). */
uint64_t idreg_host_dczid_el0(void);


#endif /* IDREGS_KVM_H */
