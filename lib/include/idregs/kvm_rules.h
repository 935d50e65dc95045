/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Which of KVM's paths handles a KVM_SET_ONE_REG on an ID register, and
 * what it does with the value.  idreg_predict_reg() mirrors the common path
 * (arm64_check_features()); this layer adds the registers that take another
 * path in arch/arm64/kvm/sys_regs.c and the per-VM facts those depend on.
 * Portable: the traits are read off a real VM by the caller.
 */
#ifndef IDREGS_KVM_RULES_H
#define IDREGS_KVM_RULES_H

#include <stdbool.h>
#include <stdint.h>

#include "idregs/expect.h"
#include "idregs/predict.h"
#include "idregs/table.h"

struct idreg_vm_traits {
	/* KVM_CAP_ARM_WRITABLE_IMP_ID_REGS enabled before the first vCPU */
	bool imp_id_writable;
	/* the vCPUs were initialised with KVM_ARM_VCPU_SVE */
	bool sve;
	/* the host runs AArch32 at EL0: ID_AA64PFR0_EL1.EL0 >= 2 */
	bool aarch32_el0;
	/* the host's sanitised CTR_EL0.IDC (the VM's default CTR_EL0 has it) */
	bool ctr_idc;
	/* an in-kernel GICv3 exists when the VM first runs (never, in idregs) */
	bool vgic_v3;
	/* the host kernel, major << 16 | minor (0: unknown) */
	unsigned int kernel;
};

enum idreg_write_effect {
	IDREG_WRITE_REJECTED,	/* KVM_SET_ONE_REG fails with .err */
	IDREG_WRITE_STORED,	/* succeeds and the value reads back */
	IDREG_WRITE_IGNORED,	/* succeeds and nothing changes (RAZ/WI) */
};

struct idreg_kvm_verdict {
	enum idreg_write_effect effect;
	int err;			/* -EINVAL when rejected */
	const char *path;		/* the KVM code path that decided */
	const char *why;		/* short reason when rejected/ignored */
	struct idreg_prediction pred;	/* when path is arm64_check_features */
};

/*
 * The traits of a VM whose ID registers read @limit right after creation
 * (unreadable slots as 0) on kernel @release: idregs never asks for SVE on
 * its vCPUs, and @imp_id_writable says whether the capability was enabled.
 */
void idreg_vm_traits_init(struct idreg_vm_traits *t,
			  const uint64_t limit[IDREG_NR_SLOTS],
			  bool imp_id_writable, const char *release);

/*
 * What the VM's ID registers (@regs, as configured) read once it has run:
 * KVM's kvm_finalize_sys_regs() at the first KVM_RUN enforces feature
 * dependencies (7.x: kvm_idregs_enforce_dependencies() in config.c clears
 * ID_AA64MMFR3_EL1.S1PIE/S1POE when TCRX, ATS1A or HPDS are missing) and,
 * without an in-kernel GICv3, clears the GIC fields (6.12 and 7.x).
 */
void idreg_after_first_run(uint64_t regs[IDREG_NR_SLOTS],
			   const struct idreg_vm_traits *t);

/* MIDR_EL1, REVIDR_EL1, AIDR_EL1: KVM's set_imp_id_reg(). */
bool idreg_is_imp_id_slot(unsigned int slot);
/* MPIDR_EL1: a per-vCPU register without any ID check. */
bool idreg_is_mpidr_slot(unsigned int slot);
/* CLIDR_EL1: KVM's set_clidr(), not arm64_check_features(). */
bool idreg_is_clidr_slot(unsigned int slot);
/* AArch32 ID registers: op1 0, CRm 1..3. */
bool idreg_is_aarch32_slot(unsigned int slot);
/* Visible as RAZ to userspace for a VM with @t (sysreg_visible_as_raz()). */
bool idreg_slot_hidden(unsigned int slot, const struct idreg_reg *reg,
		       const struct idreg_vm_traits *t);

/*
 * What KVM does when userspace writes @val to the register in @slot (@reg
 * may be NULL for a slot no table describes) whose writable mask is @mask
 * and whose KVM default is @limit, before any vCPU ran.
 */
enum idreg_write_effect idreg_kvm_predict(unsigned int slot,
					  const struct idreg_reg *reg,
					  uint64_t mask, uint64_t limit,
					  uint64_t val,
					  const struct idreg_vm_traits *t,
					  struct idreg_kvm_verdict *v);

#endif /* IDREGS_KVM_RULES_H */
