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

#define PAIRS		10000
#define ROUNDS		5
#define VMS		20

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/*
 * ROUNDS rounds of PAIRS pairs: the minimum is the floor (least disturbed
 * by the emulator and the other core), the median says how noisy it was.
 */
static int bench_pairs(void)
{
	int slot = idreg_slot_index(3, 0, 0, 6, 0);	/* ID_AA64ISAR0_EL1 */
	double us[ROUNDS];
	struct idreg_vm vm;
	uint64_t val;
	int i, r;

	if (idreg_vm_create(&vm) || idreg_vcpu_add(&vm)) {
		fprintf(stderr, "bench: %s\n", vm.last_error);
		return 1;
	}
	for (r = 0; r < ROUNDS; r++) {
		double t0 = now();

		for (i = 0; i < PAIRS; i++) {
			if (idreg_get_slot(&vm, 0, slot, &val) || idreg_set_slot(&vm, 0, slot, val)) {
				fprintf(stderr, "bench: pair %d: %s\n", i, vm.last_error);
				return 1;
			}
		}
		us[r] = (now() - t0) / PAIRS * 1e6;
	}
	qsort(us, ROUNDS, sizeof(us[0]), cmp_double);
	printf("bench: getset_pairs=%d rounds=%d pair_us=%.3f median_pair_us=%.3f pairs_per_s=%.0f\n",
	       PAIRS, ROUNDS, us[0], us[ROUNDS / 2], 1e6 / us[0]);
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
