// SPDX-License-Identifier: GPL-2.0-only
/*
 * idreg_bench: the raw costs the walk is built from, measured on this
 * host's KVM: GET+SET_ONE_REG pairs on one ID register (the floor of any
 * walk), and creating a VM with one initialised vCPU.  Prints
 * "bench: key=value" lines for tools/bench.sh.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "idregs/field.h"
#include "idregs/kvm.h"

#define PAIRS		20000
#define VMS		20

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int bench_pairs(void)
{
	int slot = idreg_slot_index(3, 0, 0, 6, 0);	/* ID_AA64ISAR0_EL1 */
	struct idreg_vm vm;
	uint64_t val;
	double t0, t;
	int i;

	if (idreg_vm_create(&vm) || idreg_vcpu_add(&vm)) {
		fprintf(stderr, "bench: %s\n", vm.last_error);
		return 1;
	}
	t0 = now();
	for (i = 0; i < PAIRS; i++) {
		if (idreg_get_slot(&vm, 0, slot, &val) || idreg_set_slot(&vm, 0, slot, val)) {
			fprintf(stderr, "bench: pair %d: %s\n", i, vm.last_error);
			return 1;
		}
	}
	t = now() - t0;
	printf("bench: getset_pairs=%d seconds=%.4f pair_us=%.3f pairs_per_s=%.0f\n",
	       PAIRS, t, t / PAIRS * 1e6, PAIRS / t);
	idreg_vm_destroy(&vm);
	return 0;
}

static int bench_vms(void)
{
	double t0 = now(), t;
	int i;

	for (i = 0; i < VMS; i++) {
		struct idreg_vm vm;

		if (idreg_vm_create(&vm) || idreg_vcpu_add(&vm)) {
			fprintf(stderr, "bench: vm %d: %s\n", i, vm.last_error);
			return 1;
		}
		idreg_vm_destroy(&vm);
	}
	t = now() - t0;
	printf("bench: vm_vcpu_create=%d seconds=%.4f vm_vcpu_ms=%.3f\n", VMS, t, t / VMS * 1e3);
	return 0;
}

int main(void)
{
	const char *why = idreg_kvm_unavailable();

	if (why) {
		printf("bench: skipped: %s\n", why);
		return 4;
	}
	return bench_pairs() || bench_vms();
}
