/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The AArch32 EL1 guest (lib/kvm/guest_a32.c): for a vCPU created with
 * KVM_ARM_VCPU_EL1_32BIT (the aarch32-el1 configuration), A32 code that
 * reads every AArch32 ID register it can (MRC p15 for ID_PFR0-2, ID_DFR0/1,
 * ID_AFR0, ID_MMFR0-5, ID_ISAR0-6, CTR and CLIDR; VMRS for MVFR0-2) and
 * stores each to the guest runner's data address (idregs/guest.h), in the
 * same memslot and with the same bounds as the AArch64 guest.
 *
 * The guest starts in SVC mode with the MMU off; r1, r2, r3 are x1, x2,
 * x3 of the AArch64 guest (data, done, exception addresses).  It first
 * enables cp10/cp11 in CPACR and FPEXC.EN (VMRS needs them), then each
 * step is "read into r0; str r0, [r1]".  Its vectors replace the AArch64
 * ones at VBAR (an AArch32 EL1 vCPU never takes those): an undefined
 * instruction is a trapped step (the store of LR_und to the exception
 * address of the synchronous vector) and resumes after the step's store;
 * any other exception ends the run.
 *
 * The registers and their encoders are idregs/a32.h's.
 */
#ifndef IDREGS_GUEST_A32_H
#define IDREGS_GUEST_A32_H

#include "idregs/a32.h"
#include "idregs/guest.h"

/*
 * Program the A32 guest to read every register of idreg_a32_regs[] and run
 * it on @vcpu (an AArch32 EL1 vCPU).  @view is indexed by the slot of each
 * register's AArch64 register (val holds the 32 bits read); the return
 * value and last_error are idreg_guest_run()'s, or -EPROTO when the guest
 * reported another number of values.
 */
int idreg_guest_a32_read(struct idreg_guest *g, int vcpu,
			 const struct idreg_guest_limits *lim,
			 struct idreg_guest_view *view);

#endif /* IDREGS_GUEST_A32_H */
