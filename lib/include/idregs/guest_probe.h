/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Running the feature probes (idregs/probe.h says what they are and what
 * they must find) in the AArch64 guest (lib/kvm/guest_probe.c).
 */
#ifndef IDREGS_GUEST_PROBE_H
#define IDREGS_GUEST_PROBE_H

#include <stdbool.h>
#include <stdint.h>

#include "idregs/guest.h"
#include "idregs/probe.h"
#include "idregs/table.h"

struct idreg_probe_result {
	bool run[IDREG_NR_PROBES];	/* probed */
	bool trapped[IDREG_NR_PROBES];	/* the probe took an exception */
	uint64_t esr[IDREG_NR_PROBES];
};

/* The exception class of an ESR (0: unknown reason, an UNDEF). */
static inline unsigned int idreg_esr_ec(uint64_t esr)
{
	return (esr >> 26) & 0x3f;
}

/*
 * Run, on @vcpu, the probes @which selects (those the guest's EL can run;
 * the others are left out of @res->run).  Returns 0 when the guest ran to
 * the end (whatever the probes found), or idreg_guest_run()'s error.
 */
int idreg_guest_probe(struct idreg_guest *g, int vcpu, const bool which[IDREG_NR_PROBES],
		      struct idreg_probe_result *res);

/*
 * One program, one first run: the guest reads @nr @slots (as
 * idreg_guest_read_slots()), then runs the probes @which selects (as
 * idreg_guest_probe()).  A VM whose values must answer both needs one first
 * run, not two (each a VM of its own, docs/tests.md).
 */
int idreg_guest_read_and_probe(struct idreg_guest *g, int vcpu, const unsigned int *slots,
			       unsigned int nr, const bool which[IDREG_NR_PROBES],
			       struct idreg_guest_view *view, struct idreg_probe_result *res);

/*
 * The same, probing every feature whose fields @vals (KVM_GET_ONE_REG's
 * values, by slot) say implemented and the guest's EL can use.
 */
int idreg_guest_read_and_probe_features(struct idreg_guest *g, int vcpu, const unsigned int *slots,
					unsigned int nr, const uint64_t vals[IDREG_NR_SLOTS],
					struct idreg_guest_view *view,
					struct idreg_probe_result *res);

#endif /* IDREGS_GUEST_PROBE_H */
