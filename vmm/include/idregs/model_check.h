/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Can a host run a model?  The table checks and KVM's judgement of each
 * write (vmm/model_check.c); QEMU's own rules come first in
 * idreg_model_check_qemu() (idregs/qemu.h).
 */
#ifndef IDREGS_MODEL_CHECK_H
#define IDREGS_MODEL_CHECK_H

#include "idregs/model.h"
#include "idregs/profile.h"

/*
 * Can the host of @p run @m?  First, can its vCPU have every feature @m
 * asks for (one message per feature it cannot give); then, against @p as a
 * vCPU with @m's features reads it (idreg_profile_restrict()), one message
 * per problem naming the property: value wider than the field, reserved
 * (unnamed) value, register not readable, field not writable there (and
 * different), value unsafe against that host's value as KVM would judge
 * it, or a register whose combined value KVM would refuse.  With @p NULL
 * only the table checks run.  Also the firmware registers @m sets
 * (idreg_model_check_kvm_regs()).  Returns the number of problems.
 */
unsigned int idreg_model_check(const struct idreg_model *m,
			       const struct idreg_profile *p,
			       struct idreg_msgs *out);
/*
 * The firmware registers @m sets (m->kvm_regs), each checked on @p by
 * KVM's rules (idregs/vcpu_regs.h): one message per register KVM refuses
 * or accepts without storing.  Where @p predates the register list,
 * nothing is checked and @notes (may be NULL) says so.
 */
unsigned int idreg_model_check_kvm_regs(const struct idreg_model *m,
					const struct idreg_profile *p, struct idreg_msgs *out,
					struct idreg_msgs *notes);

#endif /* IDREGS_MODEL_CHECK_H */
