/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The vCPU beyond its ID registers (vmm/vcpu_regs.c): KVM's firmware
 * pseudo-registers, the SVE vector lengths, the timers and whatever else
 * KVM_GET_REG_LIST gives, as profiles record them, and KVM's rules for
 * writing them into another host's vCPU (a restore, a baseline).
 *
 * The rules are those of arch/arm64/kvm/hypercalls.c (kvm_arm_set_fw_reg())
 * and guest.c (set_sve_vls()), Documentation/virt/kvm/arm/
 * fw-pseudo-registers.rst:
 *  - KVM_REG_ARM_PSCI_VERSION: any version the kernel knows (0.2 .. its
 *    own) is stored;
 *  - KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1/_3: a level up to the host's is
 *    accepted, none is stored: the guest always sees the host's level;
 *  - KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2: as above, the levels folded to
 *    "not available" and "not required";
 *  - the hypercall bitmaps (KVM_REG_ARM_*_BMAP*): any subset of the bits
 *    the kernel implements is stored, until the VM first runs;
 *  - KVM_REG_ARM64_SVE_VLS: exactly the host's lengths up to a maximum.
 */
#ifndef IDREGS_VCPU_REGS_H
#define IDREGS_VCPU_REGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "idregs/model.h"
#include "idregs/profile.h"
#include "idregs/vm_state.h"

#define IDREG_KVM_FW_REG(r)	(IDREG_KVM_REG_ARM64 | 3ULL << IDREG_KVM_REG_SIZE_SHIFT | \
				 (uint64_t)IDREG_KVM_FW << IDREG_KVM_REG_CLASS_SHIFT | (r))
#define IDREG_KVM_FW_BMAP(r)	(IDREG_KVM_REG_ARM64 | 3ULL << IDREG_KVM_REG_SIZE_SHIFT | \
				 (uint64_t)IDREG_KVM_FW_FEAT_BMAP << IDREG_KVM_REG_CLASS_SHIFT | (r))
#define IDREG_KVM_PSCI_VERSION	IDREG_KVM_FW_REG(0)
#define IDREG_KVM_SMCCC_WA1	IDREG_KVM_FW_REG(1)
#define IDREG_KVM_SMCCC_WA2	IDREG_KVM_FW_REG(2)
#define IDREG_KVM_SMCCC_WA3	IDREG_KVM_FW_REG(3)

/*
 * @id as KVM's uapi names it (KVM_REG_ARM_PSCI_VERSION,
 * KVM_REG_ARM_STD_BMAP, KVM_REG_ARM64_SVE_VLS, KVM_REG_ARM_TIMER_CNT...),
 * else idreg_kvm_reg_describe()'s words.
 */
const char *idreg_kvm_uapi_name(uint64_t id, char *buf, size_t size);
/* The firmware register KVM's uapi calls @name, or 0. */
uint64_t idreg_kvm_fw_by_name(const char *name);
/* Is @id a firmware pseudo-register or hypercall bitmap? */
bool idreg_kvm_is_fw(uint64_t id);

/* @p's record of register @id, or NULL (not listed, or not recorded). */
const struct idreg_profile_reg *idreg_profile_kvm_reg(const struct idreg_profile *p,
						      uint64_t id);

/*
 * Would the KVM of @dst store (or accept) @val written to firmware
 * register @id, as a restore or a VMM writes it?  false with the reason
 * in @why (@size bytes).  *@kept (may be NULL) is set when KVM accepts
 * but keeps its own value (the workaround levels).
 */
bool idreg_fw_accepts(const struct idreg_profile *dst, uint64_t id, uint64_t val,
		      bool *kept, char *why, size_t size);

/*
 * The baseline of the whole vCPU beyond the ID registers (called by
 * idreg_baseline()): the SVE vector lengths every host gives the same
 * (m->q.sve_on), the firmware registers lowered to what every host takes
 * (m->kvm_regs: what the VMM must set) or blocking, the counter
 * frequency, MIDR/REVIDR/AIDR with the implementations the guest must be
 * told, and registers some hosts list and others do not.  Returns the
 * number of blocking messages added.
 */
unsigned int idreg_baseline_vcpu(const struct idreg_profile *const *ps, unsigned int nr,
				 struct idreg_model *m, struct idreg_msgs *blocking,
				 struct idreg_msgs *notes);

/*
 * A guest whose vCPU has @src_features on @src and @dst_features on @dst
 * (and the vector lengths @src_vls, @dst_vls QEMU gives there, 0 without
 * SVE) moved from @src to @dst: each firmware register the destination's KVM refuses (or does
 * not list), different vector lengths.  One message per problem in @out;
 * @notes for what travels but changes, and for a profile without the
 * register list.  Returns the number of problems.
 */
unsigned int idreg_migration_check_vcpu(const struct idreg_profile *src,
					const struct idreg_profile *dst,
					unsigned int src_features, unsigned int dst_features,
					uint32_t src_vls, uint32_t dst_vls,
					struct idreg_msgs *out, struct idreg_msgs *notes);

/*
 * The rest of the vCPU from @a to @b, as idreg diff shows it: each
 * firmware register's value and settable bits, a firmware register one
 * lists and the other not, the other registers only one lists (a line
 * per side), the SVE vector lengths, CNTFRQ_EL0, KVM_CAP_COUNTER_OFFSET.
 * One message per difference in @out ("NAME: BEFORE -> AFTER"); a note in
 * @notes for a profile without the register list.  How many.
 */
unsigned int idreg_vcpu_diff(const struct idreg_profile *a, const struct idreg_profile *b,
			     struct idreg_msgs *out, struct idreg_msgs *notes);

/* A note in @notes when @p predates the register list (it lacks it). */
void idreg_profile_note_lacks(const struct idreg_profile *p, struct idreg_msgs *notes);

#endif /* IDREGS_VCPU_REGS_H */
