/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Feature probes: what a guest finds when it uses a feature its ID
 * registers say it has.  Where an ID field (as KVM_GET_ONE_REG reads it)
 * says a feature is implemented, the architecture says its instructions or
 * registers work; one that takes an exception in the guest means KVM
 * advertises what it does not give.  Each probe is one step of the
 * AArch64 guest (idregs/guest.h): the probing instruction, then a store of
 * x0; an exception is a trapped step.  The probes need no knowledge of
 * KVM's source.  (7.3 lets a guest hypervisor read CNTPOFF_EL2 whatever
 * ECV says, so that probe shows a trap only where KVM advertises CNTPOFF
 * and refuses the register.)
 */
#ifndef IDREGS_GUEST_PROBE_H
#define IDREGS_GUEST_PROBE_H

#include <stdbool.h>
#include <stdint.h>

#include "idregs/guest.h"

struct idreg_probe {
	const char *reg, *field;	/* the ID field naming the feature */
	unsigned int min;		/* implemented from this value (unsigned) */
	const char *use;		/* what the guest does */
	uint32_t insn;			/* the probing instruction (result in x0) */
	bool el2_only;			/* an EL2 register: a guest at vEL2 only */
	bool el1_only;			/* set up at EL1 (CPACR_EL1) */
};

#define IDREG_NR_PROBES	2
extern const struct idreg_probe idreg_probes[IDREG_NR_PROBES];

struct idreg_probe_result {
	bool run[IDREG_NR_PROBES];	/* the field says implemented: probed */
	bool trapped[IDREG_NR_PROBES];	/* the probe took an exception */
	uint64_t esr[IDREG_NR_PROBES];
};

/*
 * Probe, on @vcpu, every feature whose field @vals (KVM_GET_ONE_REG's
 * values, by slot) says implemented and the guest's EL can use.  Returns
 * 0 when the guest ran to the end (whatever the probes found), or
 * idreg_guest_run()'s error.
 */
int idreg_guest_probe_features(struct idreg_guest *g, int vcpu,
			       const uint64_t vals[IDREG_NR_SLOTS],
			       struct idreg_probe_result *res);

#endif /* IDREGS_GUEST_PROBE_H */
