/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The stateful explorer on KVM (lib/kvm/explore.c): runs a sequence
 * (idregs/sequence.h) step by step on real VMs, checks each answer
 * against the model and watches the host after every step: a change of
 * /proc/sys/kernel/tainted or a WARN, BUG or Oops in the kernel log
 * (/dev/kmsg, read without blocking) fails the step.  arm64 only.
 */
#ifndef IDREGS_EXPLORE_H
#define IDREGS_EXPLORE_H

#include <stdbool.h>
#include <stdio.h>

#include "idregs/guest.h"
#include "idregs/kvm.h"
#include "idregs/sequence.h"

struct idreg_explorer {
	struct idreg_seq_defaults d;
	struct idreg_seq_model m;
	struct idreg_vm vm[IDREG_SEQ_MAX_VMS];
	struct idreg_guest guest[IDREG_SEQ_MAX_VMS];
	bool guest_ready[IDREG_SEQ_MAX_VMS];
	char release[128];
	/* the host watch: -1 when /dev/kmsg cannot be read (kmsg_why says why) */
	int kmsg_fd;
	const char *kmsg_why;
	unsigned long taint;
	/* counts over every sequence run */
	unsigned long steps, skipped, kind[IDREG_NR_STEP_KINDS];
	/* the last failure: the step, what KVM did against the prediction */
	unsigned int failed_at;
	char why[IDREG_SEQ_WHY_LEN + 768];
};

/*
 * The defaults of a fresh VM of the default vCPU configuration, and the
 * host watch opened.  0, or a negative errno with @err (IDREG_ERR_LEN).
 */
int idreg_explorer_open(struct idreg_explorer *x, char *err);
void idreg_explorer_close(struct idreg_explorer *x);

/*
 * Run @s on fresh VMs (destroyed at the end).  True when every step
 * agreed with the model and the host stayed clean; else x->failed_at and
 * x->why.  @trace (may be NULL): each step and KVM's answer, a line each.
 */
bool idreg_explorer_run(struct idreg_explorer *x, const struct idreg_seq *s, FILE *trace);

/* Shrink @s, which failed at @failed_at, to a shortest failing sequence. */
void idreg_explorer_shrink(struct idreg_explorer *x, struct idreg_seq *s,
			   unsigned int failed_at, unsigned int budget);

#endif /* IDREGS_EXPLORE_H */
