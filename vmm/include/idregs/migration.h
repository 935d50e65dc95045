/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A running guest moved by QEMU from one host to another (vmm/migration.c):
 * what the destination's KVM does with the source vCPU's ID registers.
 */
#ifndef IDREGS_MIGRATION_H
#define IDREGS_MIGRATION_H

#include "idregs/model.h"
#include "idregs/profile.h"

/*
 * QEMU started with @m on the host of @src, its guest migrated to the
 * host of @dst where QEMU runs with the same @m: QEMU's cpreg list carries
 * every ID register as the source's KVM gave it (QEMU's own changes to its
 * copy are not written without SYSREG_ properties), and the destination
 * writes each one with KVM_SET_ONE_REG (write_list_to_kvmstate()) into
 * the vCPU QEMU creates there, without KVM_CAP_ARM_WRITABLE_IMP_ID_REGS.
 * One message in @out per ID register the destination's KVM refuses (with
 * the register and its differing bits) or QEMU refuses on either host;
 * @notes says where the vCPUs' features differ (the registers of a feature
 * only one side has travel or are expected alone).  Returns the number of
 * problems.
 */
unsigned int idreg_migration_check(const struct idreg_model *m, const struct idreg_profile *src,
				   const struct idreg_profile *dst, struct idreg_msgs *out,
				   struct idreg_msgs *notes);

#endif /* IDREGS_MIGRATION_H */
