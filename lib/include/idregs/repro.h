/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Findings as commands: the `idreg try` line that reproduces one write on
 * any arm64 host with /dev/kvm (a fresh VM of the vCPU configuration, the
 * register's default with the written field changed, KVM_SET_ONE_REG, KVM's
 * answer against the prediction).
 */
#ifndef IDREGS_REPRO_H
#define IDREGS_REPRO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "idregs/table.h"

/*
 * "idreg try ID_AA64DFR0_EL1.PMUVer=0x8 --vcpu default": writing @val to
 * @reg (NULL: a slot no table describes, @slot names it) whose default is
 * @limit, on a VM of configuration @config (NULL: default), with
 * KVM_CAP_ARM_WRITABLE_IMP_ID_REGS when @imp_id.  One named field that
 * differs from the default is written as REG.FIELD=VALUE, anything else
 * as REG=0x<64 bits>.  Returns @buf.
 */
const char *idreg_try_line(char *buf, size_t size, unsigned int slot,
			   const struct idreg_reg *reg, uint64_t limit, uint64_t val,
			   const char *config, bool imp_id);

#endif /* IDREGS_REPRO_H */
