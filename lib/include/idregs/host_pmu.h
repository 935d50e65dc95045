/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The host's own PMU as Linux perf drives it, without KVM: whether its
 * event counters are 64 bits wide (FEAT_PMUv3p5), which bounds the PMU
 * version KVM may offer a vCPU (kvm_arm_pmu_get_pmuver_limit(),
 * pmu-emul.c: min(the host's PMUVer, V3P5)).  Userspace cannot read the
 * host's ID_AA64DFR0_EL1.PMUVer (cpufeature.c: FTR_HIDDEN), but arm_pmuv3.c
 * gives a 64-bit ("long", config1:0) event one counter on PMUv3p5 and
 * chains two before it: a pinned group of long events fits in as many
 * counters as one of plain events only with 64-bit counters.
 */
#ifndef IDREGS_HOST_PMU_H
#define IDREGS_HOST_PMU_H

#include <stddef.h>

/* enum idreg_host_pmu: what KVM's PMUVer limit depends on */
#include "idregs/kvm_rules.h"

/*
 * Probe with perf_event_open (raw events, this thread, any CPU): the
 * largest group of plain events and of long events that get scheduled.
 * @why says what was measured (or why nothing could be).
 */
enum idreg_host_pmu idreg_host_pmu_probe(unsigned int *plain, unsigned int *longs,
					 char *why, size_t size);

#endif /* IDREGS_HOST_PMU_H */
