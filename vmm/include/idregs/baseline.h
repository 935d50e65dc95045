/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The baseline of several hosts (vmm/baseline.c).
 */
#ifndef IDREGS_BASELINE_H
#define IDREGS_BASELINE_H

#include "idregs/model.h"
#include "idregs/profile.h"

/*
 * The most capable model all @nr hosts can run.  Its vCPU features are
 * those every host's profile has; each one dropped gets a line in
 * @dropped naming the feature and the hosts without it, and the hosts are
 * compared as vCPUs without it.  Per field writable on
 * every host, the safest value under its KVM policy (LOWER_SAFE: minimum,
 * signed-aware; HIGHER_SAFE: maximum; HIGHER_OR_ZERO_SAFE: 0 if any host
 * has 0, else the maximum; EXACT: the safe value if every host accepts
 * it).  Fields equal everywhere are pinned too, so that the model fully
 * describes the guest.  What keeps hosts apart goes to @blocking (fields
 * that differ and are not writable somewhere, EXACT/no-policy fields,
 * differing bits no property names, and whatever the validator then finds
 * on a host); @notes gets choices worth knowing (e.g. MIDR taken from the
 * first host).  Returns the number of blocking messages.
 */
unsigned int idreg_baseline(const struct idreg_profile *const *profiles,
			    unsigned int nr, struct idreg_model *m,
			    struct idreg_msgs *dropped,
			    struct idreg_msgs *blocking,
			    struct idreg_msgs *notes);

#endif /* IDREGS_BASELINE_H */
