// SPDX-License-Identifier: GPL-2.0-only
/*
 * guest_consequences_test: what a guest gets from what the ID registers
 * say, where KVM emulates or traps the feature, judged by what the guest
 * does (the other tests judge the values read).
 *
 * Per vCPU configuration (--vcpu LIST, as the other tests; results carry
 * "@config", none for default), a fresh VM for each check that runs
 * (none for one skipped), the rules modelled on the 7.3 source (the
 * function named in each comment):
 *
 *   kvm_gates      the features KVM hides by its own rule, not by a field
 *                  userspace writes, must be UNDEFINED in the guest where
 *                  hidden and usable where not: SME always (RDSVL), MTE's
 *                  tag registers without KVM_CAP_ARM_MTE (MRS GCR_EL1),
 *                  the PMU without KVM_ARM_VCPU_PMU_V3 (MRS PMCR_EL0);
 *                  and the ID fields must say what the guest got;
 *   pmu.counters   after userspace lowers PMCR_EL0.N, the guest reads the
 *                  lowered N, its counter N-1 and the cycle counter work
 *                  and counter N is UNDEFINED (KVM emulates every counter
 *                  access);
 *   pmu.events     with the default PMUVer and with PMUVer lowered to
 *                  PMUv3, the event type and an event counter the guest
 *                  writes read back as wide as PMUVer says (10- or 16-bit
 *                  event numbers, 32- or 64-bit counters);
 *   pmu.cycles     in the same two guests, the cycle counter keeps 64
 *                  bits, counts once enabled and stands still at EL1 with
 *                  PMCCFILTR_EL0.P;
 *   sve.vl         the vector length RDVL gives is the largest of the
 *                  vCPU's lengths (KVM_REG_ARM64_SVE_VLS) with ZCR_EL1.LEN
 *                  at its top, 128 bits with LEN 0;
 *   pauth.use      without pointer authentication the HINT-space PACIA1716
 *                  and AUTIA1716 are NOPs and PACIA, AUTIA and PACGA are
 *                  UNDEFINED; with it the guest sets its key and signs and
 *                  authenticates a pointer;
 *   timer.ecv      a guest hypervisor's CNTHCTL_EL2 keeps the ECV bits the
 *                  VM's ECV allows, by default and with ECV written 0.
 *
 * And once, on the default vCPU, debug.wrps: after userspace lowers
 * ID_AA64DFR0_EL1.WRPs to one watchpoint, the architecture makes the
 * second watchpoint's registers UNDEFINED (6.12 and 7.3 let the guest use
 * them: a finding, docs/findings.md#debug-wrps-not-enforced, a failure
 * there, known to the runners by tools/check-kernels.known); debug.brps:
 * the breakpoint beyond BRPs is UNDEFINED and the last one works; and
 * aarch32.after_run: an AArch32 EL1 vCPU's AArch64 ID registers after its
 * first run (issue 27's AArch32 question).
 *
 * Mutants 120-125 and 140-149 (tools/mutate/mutants/) were written first,
 * as the KVM mistakes these checks are for.  A guest at EL1 has no timer
 * (ECV) check and none of the cache maintenance CTR_EL0 describes: KVM
 * emulates nothing there a lowered field changes (docs/tests.md).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/kvm.h>

#include "kselftest.h"
#include "idreg_test.h"
#include "idregs/field.h"
#include "idregs/guest.h"
#include "idregs/guest_a32.h"
#include "idregs/guest_probe.h"
#include "idregs/kvm.h"
#include "idregs/kvm_rules.h"
#include "idregs/probe.h"

#define DETAIL_LEN		2048

/* PMCR_EL0 for KVM_SET_ONE_REG, and its N field (15:11). */
#define REG_PMCR_EL0		ARM64_SYS_REG(3, 3, 9, 12, 0)
#define PMCR_N_SHIFT		11
#define PMCR_N_MASK		(0x1fULL << PMCR_N_SHIFT)
/* PMEVCNTR<n>_EL0 exist for n up to 30; 31 is the cycle counter's index. */
#define PMU_MAX_EVENT_COUNTERS	31

/* Instruction words of the guests. */
#define INSN_ISB		0xd5033fdfU
#define INSN_MOVZ_X0(imm)	(0xd2800000U | ((uint32_t)(imm) << 5))
#define INSN_MSR_ZCR_EL1_X0	0xd5181200U	/* msr S3_0_C1_C2_0, x0 */
/* ZCR_EL1.LEN (3:0) at its top: the largest length the vCPU has. */
#define ZCR_LEN_MAX		0xf

static char kernel_release[128];
static struct idreg_expectations expect;

/* ID_AA64DFR0_EL1.WRPs (23:20): watchpoints - 1. */
#define DFR0_SLOT		idreg_slot_index(3, 0, 0, 5, 0)
#define DFR0_WRPS_SHIFT		20
#define DFR0_WRPS_MASK		(0xfULL << DFR0_WRPS_SHIFT)

/* mrs x0 of the system register S3_<op1>_C<crn>_C<crm>_<op2> */
static uint32_t insn_mrs(unsigned int op1, unsigned int crn, unsigned int crm,
			 unsigned int op2)
{
	return 0xd5380000U | op1 << 16 | crn << 12 | crm << 8 | op2 << 5;
}

/* mrs x0, PMEVCNTR<n>_EL0: S3_3_C14_C(8 + n / 8)_(n % 8) */
static uint32_t insn_mrs_pmevcntr(unsigned int n)
{
	return insn_mrs(3, 14, 8 | n >> 3, n & 7);
}

#define INSN_MRS_PMCR_EL0	insn_mrs(3, 9, 12, 0)
#define INSN_MRS_PMCCNTR_EL0	insn_mrs(3, 9, 13, 0)

static const char *name_of(char *buf, size_t size, const struct idreg_vcpu_config *cfg,
			   const char *what)
{
	return idreg_test_name(buf, size, cfg, false, "%s", what);
}

static const struct idreg_probe *probe_named(const char *name, unsigned int *idx)
{
	unsigned int i;

	for (i = 0; i < IDREG_NR_PROBES; i++) {
		if (!strcmp(idreg_probes[i].name, name)) {
			*idx = i;
			return &idreg_probes[i];
		}
	}
	ksft_exit_fail_msg("no probe %s in lib/arch/probe.c\n", name);
	return NULL;
}

/* Emit one step: @insn, then str x0, [x1]. */
static int emit_step(struct idreg_guest *g, uint32_t insn)
{
	return idreg_guest_emit(g, insn) ?: idreg_guest_emit(g, idreg_insn_str(0, 1, 0));
}

/*
 * The program emitted so far (@r: how that went) run on vCPU 0, where it
 * must report @nr steps; the guest freed.  @what names the program.
 */
static int run_program(struct idreg_guest *g, int r, unsigned int nr, const char *what,
		       struct idreg_guest_result *res)
{
	struct idreg_vm *vm = g->vm;

	r = r ?: idreg_guest_emit_done(g) ?: idreg_guest_run(g, 0, NULL, res);
	if (!r && res->nr_steps != nr)
		r = idreg_vm_fail(vm, EPROTO, "the %s guest reported %u values for %u steps", what,
				  res->nr_steps, nr);
	idreg_guest_free(g);
	return r;
}

/* ---- kvm_gates ------------------------------------------------------- */

/* A feature KVM hides by its own rule, and when. */
struct gate {
	const char *probe;
	const char *rule;
};

/*
 * SME: sys_regs.c:sanitise_id_aa64pfr1_el1() clears ID_AA64PFR1_EL1.SME
 * for every vCPU and the field is not writable; KVM leaves CPTR_EL2's SME
 * trap set for a guest (no SME support), and handle_exit.c answers EC 0x1d
 * (kvm_handle_unknown_ec()) with an UNDEF.
 * MTE: sys_regs.c:vcpu_set_hcr() sets HCR_EL2.ATA only for a VM with
 * KVM_CAP_ARM_MTE (kvm_has_mte()); without it GCR_EL1 traps and
 * MTE_REG()'s mte_visibility() hides it: an UNDEF.
 * PMU: sys_regs.c:pmu_visibility() hides the PMU registers of a vCPU
 * without KVM_ARM_VCPU_PMU_V3 (kvm_vcpu_has_pmu(): the vCPU feature, not
 * PMUVer), so the trapped access is an UNDEF.
 */
static bool gate_hidden(const char *probe, const struct idreg_vm *vm)
{
	if (!strcmp(probe, "SME"))
		return true;
	if (!strcmp(probe, "MTE"))
		return !(vm->features & IDREG_VCPU_MTE);
	return !(vm->features & IDREG_VCPU_PMU);
}

static const struct gate gates[] = {
	{ "SME", "sanitise_id_aa64pfr1_el1() hides it from every vCPU" },
	{ "MTE", "vcpu_set_hcr(): HCR_EL2.ATA only with KVM_CAP_ARM_MTE" },
	{ "PMU", "pmu_visibility(): the vCPU feature KVM_ARM_VCPU_PMU_V3" },
};

/*
 * Do @vm's ID registers (vCPU 0, GET_ONE_REG) say @p's feature is there?
 * The registers a guest reads (guest_view_test checks they are the same).
 */
static bool fields_say(struct idreg_vm *vm, const struct idreg_probe *p)
{
	static uint64_t vals[IDREG_NR_SLOTS];
	unsigned int i;
	int slot;

	for (i = 0; i < p->nr_fields; i++)
		if (idreg_probe_field(p, i, &slot) && idreg_get_slot(vm, 0, slot, &vals[slot]))
			ksft_exit_fail_msg("%s: %s\n", p->name, vm->last_error);
	return idreg_probe_implemented(p, vals);
}

/*
 * One gate's verdict into @detail: true when the guest did as predicted,
 * and the ID fields say what the guest got (a feature that UNDEFs must
 * read absent, one that runs present).
 */
static bool judge_gate(const struct gate *gt, unsigned int idx, struct idreg_vm *vm,
		       const struct idreg_probe_result *pr, char *detail, size_t size)
{
	bool hidden = gate_hidden(gt->probe, vm);
	bool undef = pr->trapped[idx] && !idreg_esr_ec(pr->esr[idx]);
	bool said = fields_say(vm, &idreg_probes[idx]);
	bool ok = (hidden ? undef : !pr->trapped[idx]) && said == !hidden;

	idreg_append(detail, size, "; %s %s (%s): %s", gt->probe, hidden ? "hidden" : "there",
		     gt->rule, idreg_probes[idx].use);
	if (!pr->trapped[idx])
		idreg_append(detail, size, " ran%s", hidden ? ", want an UNDEF" : "");
	else
		idreg_append(detail, size, " took ESR 0x%llx (EC 0x%x)%s",
			     (unsigned long long)pr->esr[idx], idreg_esr_ec(pr->esr[idx]),
			     hidden == undef ? "" : hidden ? ", want an UNDEF (EC 0)" : ", want it to run");
	if (said == hidden)
		idreg_append(detail, size, ", but its ID fields say %s", said ? "there" : "absent");
	return ok;
}

static void check_kvm_gates(const struct idreg_vcpu_config *cfg, struct idreg_vm *vm)
{
	bool which[IDREG_NR_PROBES] = { false };
	struct idreg_probe_result pr;
	char detail[DETAIL_LEN] = "", name[64];
	unsigned int i, idx, judged = 0, bad = 0;
	struct idreg_guest g;
	int r;

	name_of(name, sizeof(name), cfg, "kvm_gates");
	for (i = 0; i < ARRAY_SIZE(gates); i++) {
		probe_named(gates[i].probe, &idx);
		which[idx] = true;
	}
	r = idreg_guest_init(&g, vm) ?: idreg_guest_probe(&g, 0, which, &pr);
	if (r) {
		idreg_test_result(idreg_result_kind_of_run(r), false, "%s: %s\n", name,
				  vm->last_error);
		idreg_guest_free(&g);
		return;
	}
	for (i = 0; i < ARRAY_SIZE(gates); i++) {
		probe_named(gates[i].probe, &idx);
		if (!pr.run[idx]) {
			idreg_append(detail, sizeof(detail), "; %s not probed at vEL2 (its set-up is EL1's)",
				     gates[i].probe);
			continue;
		}
		judged++;
		bad += !judge_gate(&gates[i], idx, vm, &pr, detail, sizeof(detail));
	}
	idreg_test_result(IDREG_RESULT_BEHAVIOUR, judged && !bad, "%s: %u of %u features as KVM gates them%s\n",
			  name, judged - bad, judged, detail);
	idreg_guest_free(&g);
}

/* ---- pmu.counters ---------------------------------------------------- */

static int pmcr_reg(struct idreg_vm *vm, unsigned long req, uint64_t *val)
{
	struct kvm_one_reg reg = { .id = REG_PMCR_EL0, .addr = (uint64_t)(uintptr_t)val };

	if (ioctl(vm->vcpu_fd[0], req, &reg))
		return idreg_vm_fail(vm, errno, "%s PMCR_EL0",
				     req == KVM_SET_ONE_REG ? "KVM_SET_ONE_REG" : "KVM_GET_ONE_REG");
	return 0;
}

/*
 * The guest's steps: PMCR_EL0, PMEVCNTR<n-1>_EL0 (n > 0), PMEVCNTR<n>_EL0
 * (n < 31), PMCCNTR_EL0.
 */
enum { STEP_PMCR, STEP_BELOW, STEP_AT, STEP_CYCLES, NR_PMU_STEPS };

static int run_pmu_guest(struct idreg_vm *vm, unsigned int n, int steps[NR_PMU_STEPS],
			 struct idreg_guest_result *res)
{
	struct idreg_guest g;
	unsigned int nr = 0;
	int r = idreg_guest_init(&g, vm);

	if (r)
		return r;
	idreg_guest_reset_program(&g);
	steps[STEP_PMCR] = nr++;
	r = emit_step(&g, INSN_MRS_PMCR_EL0);
	steps[STEP_BELOW] = n > 0 ? (int)nr++ : -1;
	if (!r && n > 0)
		r = emit_step(&g, insn_mrs_pmevcntr(n - 1));
	steps[STEP_AT] = n < PMU_MAX_EVENT_COUNTERS ? (int)nr++ : -1;
	if (!r && n < PMU_MAX_EVENT_COUNTERS)
		r = emit_step(&g, insn_mrs_pmevcntr(n));
	steps[STEP_CYCLES] = nr++;
	r = r ?: emit_step(&g, INSN_MRS_PMCCNTR_EL0);
	return run_program(&g, r, nr, "PMU", res);
}

/* Each step as predicted: runs, or (STEP_AT) an UNDEF. */
static unsigned int judge_pmu_steps(const struct idreg_guest_result *res,
				    const int steps[NR_PMU_STEPS], unsigned int n,
				    char *detail, size_t size)
{
	static const char *const what[NR_PMU_STEPS] = {
		"MRS PMCR_EL0", "MRS PMEVCNTR<N-1>_EL0", "MRS PMEVCNTR<N>_EL0", "MRS PMCCNTR_EL0",
	};
	unsigned int s, bad = 0;

	for (s = 0; s < NR_PMU_STEPS; s++) {
		int i = steps[s];
		bool want_undef = s == STEP_AT;

		if (i < 0)
			continue;
		if (res->trapped[i] == want_undef && (!want_undef || !idreg_esr_ec(res->esr[i])))
			continue;
		bad++;
		idreg_append(detail, size, "; %s (N = %u) %s", what[s], n,
			     res->trapped[i] ? "took an exception" : "ran");
		if (res->trapped[i])
			idreg_append(detail, size, " (ESR 0x%llx)", (unsigned long long)res->esr[i]);
		idreg_append(detail, size, ", want %s", want_undef ? "an UNDEF (EC 0)" : "it to run");
	}
	return bad;
}

/*
 * pmu.counters: sys_regs.c:set_pmcr() takes a PMCR_EL0.N no larger than
 * the host PMU's counters (kvm_arm_pmu_get_max_counters()) as the VM's
 * nr_pmu_counters before the first run, except for a vCPU with EL2 (and
 * with KVM_ARM_VCPU_PMU_V3_STRICT), whose N stays; kvm_vcpu_read_pmcr()
 * (pmu-emul.c) gives it to the guest (at vEL2: the VM's N), and
 * pmu_counter_idx_valid() makes every event counter at or above it an
 * UNDEF, the cycle counter excepted.
 */
static void check_pmu_counters(const struct idreg_vcpu_config *cfg, struct idreg_vm *vm)
{
	static struct idreg_guest_result res;
	char detail[DETAIL_LEN] = "", name[64];
	uint64_t pmcr = 0, after = 0;
	unsigned int n0, want, bad = 0;
	bool el2 = vm->features & IDREG_VCPU_EL2;
	int steps[NR_PMU_STEPS], r;

	name_of(name, sizeof(name), cfg, "pmu.counters");
	if (pmcr_reg(vm, KVM_GET_ONE_REG, &pmcr))
		ksft_exit_fail_msg("%s: %s\n", name, vm->last_error);
	n0 = (pmcr & PMCR_N_MASK) >> PMCR_N_SHIFT;
	if (!n0) {
		idreg_test_report(IDREG_RESULT_BEHAVIOUR, IDREG_SKIP, "%s: PMCR_EL0.N is 0: nothing to lower\n",
				  name);
		return;
	}
	want = el2 ? n0 : n0 - 1;
	pmcr = (pmcr & ~PMCR_N_MASK) | (uint64_t)(n0 - 1) << PMCR_N_SHIFT;
	if (pmcr_reg(vm, KVM_SET_ONE_REG, &pmcr) || pmcr_reg(vm, KVM_GET_ONE_REG, &after)) {
		idreg_test_report(IDREG_RESULT_BEHAVIOUR, IDREG_FAIL, "%s: N %u -> %u: %s\n", name,
				  n0, n0 - 1, vm->last_error);
		return;
	}
	if ((after & PMCR_N_MASK) >> PMCR_N_SHIFT != want) {
		bad++;
		idreg_append(detail, sizeof(detail), "; GET_ONE_REG reads N = %llu",
			     (unsigned long long)((after & PMCR_N_MASK) >> PMCR_N_SHIFT));
	}
	r = run_pmu_guest(vm, want, steps, &res);
	if (r) {
		idreg_test_result(idreg_result_kind_of_run(r), false, "%s: %s\n", name,
				  vm->last_error);
		return;
	}
	if (res.trapped[steps[STEP_PMCR]] ||
	    (res.value[steps[STEP_PMCR]] & PMCR_N_MASK) >> PMCR_N_SHIFT != want) {
		bad++;
		idreg_append(detail, sizeof(detail), "; the guest's PMCR_EL0 %s 0x%llx",
			     res.trapped[steps[STEP_PMCR]] ? "took ESR" : "reads",
			     (unsigned long long)(res.trapped[steps[STEP_PMCR]] ?
						  res.esr[steps[STEP_PMCR]] : res.value[steps[STEP_PMCR]]));
	}
	bad += judge_pmu_steps(&res, steps, want, detail, sizeof(detail));
	idreg_test_result(IDREG_RESULT_BEHAVIOUR, !bad, "%s: PMCR_EL0.N %u written as %u%s: the guest reads N = %u, counter N-1 and the cycle counter work, counter N is UNDEFINED%s\n",
			  name, n0, n0 - 1, el2 ? " (a vCPU with EL2 keeps its N: set_pmcr())" : "",
			  want, detail);
}

/* ---- pmu.events, pmu.cycles ------------------------------------------ */

/* ID_AA64DFR0_EL1.PMUVer (11:8): 1 PMUv3, 4 PMUv3p1, ..., 6 PMUv3p5. */
#define DFR0_PMUVER_SHIFT	8
#define DFR0_PMUVER_MASK	(0xfULL << DFR0_PMUVER_SHIFT)
#define PMUVER_V3		1
/* ID_AA64PFR0_EL1.EL2 (11:8): nonzero where EL2 is implemented. */
#define PFR0_SLOT		idreg_slot_index(3, 0, 0, 4, 0)
#define PFR0_EL2_MASK		(0xfULL << 8)
#define PMUVER_V3P5		6
#define PMUVER_IMP_DEF		0xf
/* PMEVTYPER<n>_EL0/PMCCFILTR_EL0: P (exclude EL1), U (exclude EL0), NSH. */
#define PMU_FILTER_P		(1ULL << 31)
#define PMU_FILTER_U		(1ULL << 30)
#define PMU_FILTER_NSH		(1ULL << 27)
/* What the guest writes: every bit of the low word; a counter beyond 32 bits. */
#define PMU_TYPE_ALL		0xffffffffULL
#define PMU_COUNTER_WIDE	0x100000005ULL

/* The PMU guest's registers, instruction words (x4 the value to write). */
#define INSN_ORR_X4_XZR_LOW32	0xb2407fe4U	/* mov x4, #0xffffffff */
#define INSN_MOVZ_X4_5		0xd28000a4U	/* mov x4, #5 */
#define INSN_MOVK_X4_1_LSL32	0xf2c00024U	/* movk x4, #1, lsl #32 */
#define INSN_MOVZ_X4_BIT31	0xd2b00004U	/* mov x4, #0x80000000 */
#define INSN_MOVZ_X4_LOOP	0xd284e204U	/* mov x4, #10000 */
#define INSN_SUBS_X4_1		0xf1000484U	/* subs x4, x4, #1 */
#define INSN_BNE_BACK1		0x54ffffe1U	/* b.ne .-4 */
#define INSN_MRS_X4_PMCR	0xd53b9c04U	/* mrs x4, pmcr_el0 */
#define INSN_ORR_X4_1		0xb2400084U	/* orr x4, x4, #1 (PMCR_EL0.E) */
#define INSN_MSR_PMCR_X4	0xd51b9c04U	/* msr pmcr_el0, x4 */
#define INSN_MSR_PMCNTENSET_X4	0xd51b9c24U	/* msr pmcntenset_el0, x4 */
#define INSN_MSR_PMCNTENCLR_X4	0xd51b9c44U	/* msr pmcntenclr_el0, x4 */

/* A PMU register S3_3_C<crn>_C<crm>_<op2>, as one number. */
#define PMU_REG(crn, crm, op2)	((crn) << 8 | (crm) << 4 | (op2))
#define PMEVTYPER0		PMU_REG(14, 12, 0)
#define PMEVCNTR0		PMU_REG(14, 8, 0)
#define PMCCNTR			PMU_REG(9, 13, 0)
#define PMCCFILTR		PMU_REG(14, 15, 7)
#define PMEVTYPER1		PMU_REG(14, 12, 1)
#define PMSELR			PMU_REG(9, 12, 5)
#define PMXEVTYPER		PMU_REG(9, 13, 1)
/* Counter 1's type, through PMSELR_EL0/PMXEVTYPER_EL0: P and event 0x11. */
#define PMU_TYPE_SELECTED	0x80000011ULL
#define INSN_MOVZ_X4_1		0xd2800024U	/* mov x4, #1 */
#define INSN_MOVZ_X4_0X11	0xd2800224U	/* mov x4, #0x11 */
#define INSN_MOVK_X4_BIT31	0xf2b00004U	/* movk x4, #0x8000, lsl #16 */

/* mrs x0, @reg */
static uint32_t insn_mrs_pmu(unsigned int reg)
{
	return insn_mrs(3, reg >> 8, reg >> 4 & 0xf, reg & 0xf);
}

/* msr @reg, x4 */
static uint32_t insn_msr_pmu_x4(unsigned int reg)
{
	return (insn_mrs_pmu(reg) & ~(1U << 21)) | 4;	/* L (21) clear: MSR; Rt x4 */
}

/*
 * The steps, in order: PMEVTYPER0_EL0 read back after all ones were
 * written; PMXEVTYPER_EL0 and PMEVTYPER1_EL0 read back after
 * PMU_TYPE_SELECTED was written through PMXEVTYPER_EL0 with
 * PMSELR_EL0.SEL = 1; PMEVCNTR0_EL0 and PMCCNTR_EL0 read back after
 * PMU_COUNTER_WIDE; then, the cycle counter enabled (PMCR_EL0.E,
 * PMCNTENSET_EL0.C), PMCCNTR_EL0 before and after a loop, and the same
 * with PMCCFILTR_EL0.P set (not counting at EL1).
 */
enum {
	PSTEP_TYPE, PSTEP_XTYPE, PSTEP_TYPE1, PSTEP_COUNTER, PSTEP_CYCLES, PSTEP_RUN0, PSTEP_RUN1, PSTEP_P0, PSTEP_P1,
	NR_PSTEPS
};

static int emit_loop(struct idreg_guest *g)
{
	return idreg_guest_emit(g, INSN_MOVZ_X4_LOOP) ?: idreg_guest_emit(g, INSN_SUBS_X4_1) ?:
	       idreg_guest_emit(g, INSN_BNE_BACK1);
}

static int run_pmu_version_guest(struct idreg_vm *vm, struct idreg_guest_result *res)
{
	struct idreg_guest g;
	int r = idreg_guest_init(&g, vm);

	if (r)
		return r;
	idreg_guest_reset_program(&g);
	r = idreg_guest_emit(&g, INSN_ORR_X4_XZR_LOW32) ?:
	    idreg_guest_emit(&g, insn_msr_pmu_x4(PMEVTYPER0)) ?:
	    emit_step(&g, insn_mrs_pmu(PMEVTYPER0)) ?:
	    idreg_guest_emit(&g, INSN_MOVZ_X4_1) ?: idreg_guest_emit(&g, insn_msr_pmu_x4(PMSELR)) ?:
	    idreg_guest_emit(&g, INSN_ISB) ?:
	    idreg_guest_emit(&g, INSN_MOVZ_X4_0X11) ?: idreg_guest_emit(&g, INSN_MOVK_X4_BIT31) ?:
	    idreg_guest_emit(&g, insn_msr_pmu_x4(PMXEVTYPER)) ?:
	    emit_step(&g, insn_mrs_pmu(PMXEVTYPER)) ?: emit_step(&g, insn_mrs_pmu(PMEVTYPER1)) ?:
	    idreg_guest_emit(&g, INSN_MOVZ_X4_5) ?: idreg_guest_emit(&g, INSN_MOVK_X4_1_LSL32) ?:
	    idreg_guest_emit(&g, insn_msr_pmu_x4(PMEVCNTR0)) ?:
	    emit_step(&g, insn_mrs_pmu(PMEVCNTR0)) ?:
	    idreg_guest_emit(&g, insn_msr_pmu_x4(PMCCNTR)) ?:
	    emit_step(&g, insn_mrs_pmu(PMCCNTR)) ?:
	    idreg_guest_emit(&g, INSN_MOVZ_X4_BIT31) ?:
	    idreg_guest_emit(&g, INSN_MSR_PMCNTENSET_X4) ?:
	    idreg_guest_emit(&g, INSN_MRS_X4_PMCR) ?: idreg_guest_emit(&g, INSN_ORR_X4_1) ?:
	    idreg_guest_emit(&g, INSN_MSR_PMCR_X4) ?: idreg_guest_emit(&g, INSN_ISB) ?:
	    emit_step(&g, insn_mrs_pmu(PMCCNTR)) ?: emit_loop(&g) ?:
	    emit_step(&g, insn_mrs_pmu(PMCCNTR)) ?:
	    idreg_guest_emit(&g, INSN_MOVZ_X4_BIT31) ?:
	    idreg_guest_emit(&g, insn_msr_pmu_x4(PMCCFILTR)) ?: idreg_guest_emit(&g, INSN_ISB) ?:
	    emit_step(&g, insn_mrs_pmu(PMCCNTR)) ?: emit_loop(&g) ?:
	    emit_step(&g, insn_mrs_pmu(PMCCNTR)) ?:
	    /*
	     * The cycle counter off again: KVM's perf event for it belongs to
	     * this thread, and while enabled it holds the host's one cycle
	     * counter when the next VM's guest runs here (a host PMU without
	     * 64-bit event counters, cortex-a72 or neoverse-n1, has no other
	     * place for it: that guest's cycle counter would not count).
	     */
	    idreg_guest_emit(&g, INSN_MOVZ_X4_BIT31) ?:
	    idreg_guest_emit(&g, INSN_MSR_PMCNTENCLR_X4) ?: idreg_guest_emit(&g, INSN_ISB);
	return run_program(&g, r, NR_PSTEPS, "PMU", res);
}

/* One VM's run, for both results: its PMUVer and what the guest got. */
struct pmu_version_run {
	unsigned int pmuver;
	int r;
	char error[IDREG_ERR_LEN];
	struct idreg_guest_result res;
};

/*
 * What KVM keeps of an event type: pmu-emul.c:kvm_pmu_evtyper_mask(), P
 * and U, NSH where the VM's ID_AA64PFR0_EL1.EL2 says EL2 is implemented
 * (@el2; a vCPU without EL2 has the host's field), and the event number
 * as wide as the VM's PMUVer says (__kvm_pmu_event_mask(): 10 bits for
 * PMUv3, 16 from PMUv3p1).
 */
static uint64_t pmu_type_kept(unsigned int pmuver, bool el2)
{
	return PMU_FILTER_P | PMU_FILTER_U | (el2 ? PMU_FILTER_NSH : 0) |
	       (pmuver == PMUVER_V3 ? 0x3ffULL : 0xffffULL);
}

/*
 * An event counter is 64 bits wide from PMUv3p5 (kvm_pmc_is_64bit(): the
 * VM's PMUVer), 32 below; the cycle counter always 64.
 */
static uint64_t pmu_counter_kept(unsigned int pmuver)
{
	bool wide = pmuver >= PMUVER_V3P5 && pmuver != PMUVER_IMP_DEF;

	return wide ? PMU_COUNTER_WIDE : (uint32_t)PMU_COUNTER_WIDE;
}

static void describe_step(char *detail, size_t size, const struct idreg_guest_result *res,
			  unsigned int i, const char *what)
{
	if (res->trapped[i])
		idreg_append(detail, size, "%s took ESR 0x%llx", what,
			     (unsigned long long)res->esr[i]);
	else
		idreg_append(detail, size, "%s 0x%llx", what, (unsigned long long)res->value[i]);
}

static bool step_is(const struct idreg_guest_result *res, unsigned int i, uint64_t want)
{
	return !res->trapped[i] && res->value[i] == want;
}

static bool judge_pmu_events(const struct pmu_version_run *run, bool el2, char *detail,
			     size_t size)
{
	const struct idreg_guest_result *res = &run->res;
	uint64_t type = pmu_type_kept(run->pmuver, el2), counter = pmu_counter_kept(run->pmuver);
	bool ok = step_is(res, PSTEP_TYPE, type) && step_is(res, PSTEP_COUNTER, counter) &&
		  step_is(res, PSTEP_XTYPE, PMU_TYPE_SELECTED) &&
		  step_is(res, PSTEP_TYPE1, PMU_TYPE_SELECTED);

	idreg_append(detail, size, "; PMUVer 0x%x: ", run->pmuver);
	describe_step(detail, size, res, PSTEP_TYPE, "PMEVTYPER0_EL0");
	idreg_append(detail, size, " (want 0x%llx), ", (unsigned long long)type);
	describe_step(detail, size, res, PSTEP_XTYPE, "PMXEVTYPER_EL0 (SEL 1)");
	describe_step(detail, size, res, PSTEP_TYPE1, " and PMEVTYPER1_EL0");
	idreg_append(detail, size, " (want 0x%llx), ", (unsigned long long)PMU_TYPE_SELECTED);
	describe_step(detail, size, res, PSTEP_COUNTER, "PMEVCNTR0_EL0");
	idreg_append(detail, size, " (want 0x%llx)", (unsigned long long)counter);
	return ok;
}

static bool judge_pmu_cycles(const struct pmu_version_run *run, char *detail, size_t size)
{
	const struct idreg_guest_result *res = &run->res;
	bool wide = step_is(res, PSTEP_CYCLES, PMU_COUNTER_WIDE);
	bool counts = !res->trapped[PSTEP_RUN0] && !res->trapped[PSTEP_RUN1] &&
		      res->value[PSTEP_RUN1] > res->value[PSTEP_RUN0];
	bool filtered = !res->trapped[PSTEP_P0] && !res->trapped[PSTEP_P1] &&
			res->value[PSTEP_P1] == res->value[PSTEP_P0];

	idreg_append(detail, size, "; PMUVer 0x%x: ", run->pmuver);
	describe_step(detail, size, res, PSTEP_CYCLES, "PMCCNTR_EL0");
	idreg_append(detail, size, " (want 0x%llx), counting", (unsigned long long)PMU_COUNTER_WIDE);
	describe_step(detail, size, res, PSTEP_RUN0, "");
	describe_step(detail, size, res, PSTEP_RUN1, " ->");
	idreg_append(detail, size, "%s, with PMCCFILTR_EL0.P", counts ? "" : " (want it to grow)");
	describe_step(detail, size, res, PSTEP_P0, "");
	describe_step(detail, size, res, PSTEP_P1, " ->");
	idreg_append(detail, size, "%s", filtered ? "" : " (want it to stand still at EL1)");
	return wide && counts && filtered;
}

/*
 * pmu.events and pmu.cycles: the same guest on @vm (the default PMUVer)
 * and on a fresh VM with PMUVer written 0x1 (PMUv3; lower is safe,
 * set_id_aa64dfr0_el1()).  KVM emulates every PMU register access
 * (MDCR_EL2.TPM), so what the guest reads back is what KVM kept:
 * pmu.events the event type (pmu_type_kept()), the one written through
 * PMXEVTYPER_EL0 kept in the counter PMSELR_EL0 selects
 * (access_pmu_evtyper()), and an event counter's width
 * (pmu_counter_kept()); pmu.cycles the cycle counter's 64 bits,
 * that it counts once enabled and stands still at EL1 under
 * PMCCFILTR_EL0.P (kvm_pmu_create_perf_event(): exclude_kernel from
 * kvm_pmc_counts_at_el1()).
 */
static void check_pmu_version(const struct idreg_vcpu_config *cfg, struct idreg_vm *vm)
{
	static struct pmu_version_run runs[2];
	char events[DETAIL_LEN] = "", cycles[DETAIL_LEN] = "", ename[64], cname[64];
	bool events_ok = true, cycles_ok = true;
	struct idreg_vm lowered;
	uint64_t dfr0 = 0, pfr0 = 0, pmcr = 0;
	unsigned int i;
	bool el2;

	name_of(ename, sizeof(ename), cfg, "pmu.events");
	name_of(cname, sizeof(cname), cfg, "pmu.cycles");
	if (idreg_get_slot(vm, 0, DFR0_SLOT, &dfr0) || idreg_get_slot(vm, 0, PFR0_SLOT, &pfr0) ||
	    pmcr_reg(vm, KVM_GET_ONE_REG, &pmcr))
		ksft_exit_fail_msg("%s: %s\n", ename, vm->last_error);
	if ((pmcr & PMCR_N_MASK) >> PMCR_N_SHIFT < 2) {
		idreg_test_report(IDREG_RESULT_BEHAVIOUR, IDREG_SKIP, "%s: PMCR_EL0 0x%llx: fewer than the 2 event counters the guest uses\n",
				  ename, (unsigned long long)pmcr);
		idreg_test_report(IDREG_RESULT_BEHAVIOUR, IDREG_SKIP, "%s: PMCR_EL0 0x%llx: fewer than the 2 event counters the guest uses\n",
				  cname, (unsigned long long)pmcr);
		return;
	}
	el2 = pfr0 & PFR0_EL2_MASK;
	runs[0].pmuver = (dfr0 & DFR0_PMUVER_MASK) >> DFR0_PMUVER_SHIFT;
	runs[0].r = run_pmu_version_guest(vm, &runs[0].res);
	snprintf(runs[0].error, sizeof(runs[0].error), "%s", vm->last_error);
	runs[1].pmuver = PMUVER_V3;
	if (idreg_vm_open(&lowered, cfg, 0))
		ksft_exit_fail_msg("%s: %s\n", ename, lowered.last_error);
	runs[1].r = idreg_set_slot(&lowered, 0, DFR0_SLOT,
				   (dfr0 & ~DFR0_PMUVER_MASK) | (uint64_t)PMUVER_V3 << DFR0_PMUVER_SHIFT) ?:
		    run_pmu_version_guest(&lowered, &runs[1].res);
	snprintf(runs[1].error, sizeof(runs[1].error), "%s", lowered.last_error);
	idreg_vm_destroy(&lowered);
	for (i = 0; i < ARRAY_SIZE(runs); i++) {
		if (runs[i].r) {
			idreg_test_result(idreg_result_kind_of_run(runs[i].r), false, "%s: PMUVer 0x%x: %s\n",
					  ename, runs[i].pmuver, runs[i].error);
			idreg_test_result(idreg_result_kind_of_run(runs[i].r), false, "%s: PMUVer 0x%x: %s\n",
					  cname, runs[i].pmuver, runs[i].error);
			return;
		}
		events_ok &= judge_pmu_events(&runs[i], el2, events, sizeof(events));
		cycles_ok &= judge_pmu_cycles(&runs[i], cycles, sizeof(cycles));
	}
	idreg_test_result(IDREG_RESULT_BEHAVIOUR, events_ok, "%s: PMEVTYPER0_EL0 written all ones, counter 1's type through PMSELR_EL0/PMXEVTYPER_EL0 and an event counter 0x%llx, read back as the VM's PMUVer says%s\n",
			  ename, (unsigned long long)PMU_COUNTER_WIDE, events);
	idreg_test_result(IDREG_RESULT_BEHAVIOUR, cycles_ok, "%s: the cycle counter keeps 64 bits, counts once enabled and not at EL1 under PMCCFILTR_EL0.P%s\n",
			  cname, cycles);
}

/* ---- sve.vl ---------------------------------------------------------- */

/*
 * sve.vl: KVM programs ZCR_EL2.LEN with the vCPU's largest length
 * (fpsimd.c/hyp switch: vcpu_sve_max_vq(), from KVM_REG_ARM64_SVE_VLS as
 * finalized), so with ZCR_EL1.LEN at its top RDVL gives that length in
 * bytes, and with LEN 0 the architecture's 16.
 */
static void check_sve_vl(const struct idreg_vcpu_config *cfg, struct idreg_vm *vm)
{
	static struct idreg_guest_result res;
	char name[64];
	struct idreg_guest g;
	uint32_t vls = 0;
	unsigned int vq, max_bytes;
	int r;

	name_of(name, sizeof(name), cfg, "sve.vl");
	if (idreg_sve_vls(vm, &vls) || !vls)
		ksft_exit_fail_msg("%s: no vector lengths: %s\n", name, vm->last_error);
	for (vq = 16; vq > 0 && !(vls >> (vq - 1) & 1); vq--)
		;
	max_bytes = vq * 16;
	r = idreg_guest_init(&g, vm);
	if (!r) {
		idreg_guest_reset_program(&g);
		r = idreg_guest_emit(&g, IDREG_A64_MOVZ_X0_CPACR_ZEN_FPEN) ?:
		    idreg_guest_emit(&g, IDREG_A64_MSR_CPACR_EL1_X0) ?:
		    idreg_guest_emit(&g, INSN_ISB) ?:
		    idreg_guest_emit(&g, INSN_MOVZ_X0(ZCR_LEN_MAX)) ?:
		    idreg_guest_emit(&g, INSN_MSR_ZCR_EL1_X0) ?:
		    idreg_guest_emit(&g, INSN_ISB) ?:
		    emit_step(&g, IDREG_A64_RDVL_X0_1) ?:
		    idreg_guest_emit(&g, INSN_MOVZ_X0(0)) ?:
		    idreg_guest_emit(&g, INSN_MSR_ZCR_EL1_X0) ?:
		    idreg_guest_emit(&g, INSN_ISB) ?:
		    emit_step(&g, IDREG_A64_RDVL_X0_1) ?:
		    idreg_guest_emit_done(&g) ?:
		    idreg_guest_run(&g, 0, NULL, &res);
	}
	idreg_guest_free(&g);
	if (!r && res.nr_steps != 2)
		r = idreg_vm_fail(vm, EPROTO, "the SVE guest reported %u values for 2 steps",
				  res.nr_steps);
	if (r) {
		idreg_test_result(idreg_result_kind_of_run(r), false, "%s: %s\n", name,
				  vm->last_error);
		return;
	}
	idreg_test_result(IDREG_RESULT_BEHAVIOUR,
			  !res.trapped[0] && !res.trapped[1] && res.value[0] == max_bytes &&
			  res.value[1] == 16,
			  "%s: vector lengths 0x%x: RDVL with ZCR_EL1.LEN 0x%x gives %s0x%llx (want %u), with LEN 0 %s0x%llx (want 16)\n",
			  name, vls, ZCR_LEN_MAX, res.trapped[0] ? "an exception, ESR " : "",
			  (unsigned long long)(res.trapped[0] ? res.esr[0] : res.value[0]), max_bytes,
			  res.trapped[1] ? "an exception, ESR " : "",
			  (unsigned long long)(res.trapped[1] ? res.esr[1] : res.value[1]));
}

/* ---- pauth.use ------------------------------------------------------- */

/*
 * The pointer signed (x4), the modifier (x16), the key the guest sets
 * (x5).  A pointer of 13 bits is below any TCR_EL1.T0SZ's bottom PAC bit.
 */
#define PAUTH_POINTER		0x1230ULL
#define PAUTH_KEY		0x5a5aULL
#define INSN_MOVZ_X4_POINTER	0xd2824604U	/* mov x4, #0x1230 */
#define INSN_MOVZ_X16_7		0xd28000f0U	/* mov x16, #7 */
#define INSN_MOVZ_X5_KEY	0xd28b4b45U	/* mov x5, #0x5a5a */
#define INSN_MOV_X17_X4		0xaa0403f1U	/* mov x17, x4 */
#define INSN_MOV_X0_X17		0xaa1103e0U	/* mov x0, x17 */
#define INSN_MOV_X0_X4		0xaa0403e0U	/* mov x0, x4 */
#define INSN_PACIA1716		0xd503211fU	/* HINT #8 */
#define INSN_AUTIA1716		0xd503219fU	/* HINT #12 */
#define INSN_PACIA_X0_X16	0xdac10200U	/* pacia x0, x16 */
#define INSN_AUTIA_X0_X16	0xdac11200U	/* autia x0, x16 */
#define INSN_PACGA_X0_X4_X16	0x9ad03080U	/* pacga x0, x4, x16 */
#define INSN_MSR_APIAKEYLO_X5	0xd5182105U	/* msr apiakeylo_el1, x5 */
#define INSN_MSR_APIAKEYHI_X5	0xd5182125U	/* msr apiakeyhi_el1, x5 */
#define INSN_MRS_X0_APIAKEYLO	0xd5382100U	/* mrs x0, apiakeylo_el1 */

/*
 * The steps.  With pointer authentication (the vCPU features
 * KVM_ARM_VCPU_PTRAUTH_*): SCTLR_EL1.EnIA set first, the key A written
 * (two steps) and read.  Then in both cases PACIA1716 and AUTIA1716
 * (HINT space) on x17; then, EnIA set, PACIA, AUTIA and PACGA.
 */
enum {
	ASTEP_KEYLO, ASTEP_KEYHI, ASTEP_KEY, ASTEP_HINT_PAC, ASTEP_HINT_AUT, ASTEP_PAC, ASTEP_AUT,
	ASTEP_PACGA, NR_ASTEPS
};

static int emit_enable_enia(struct idreg_guest *g)
{
	return idreg_guest_emit(g, IDREG_A64_MRS_X0_SCTLR_EL1) ?:
	       idreg_guest_emit(g, IDREG_A64_ORR_X0_ENIA) ?:
	       idreg_guest_emit(g, IDREG_A64_MSR_SCTLR_EL1_X0) ?: idreg_guest_emit(g, INSN_ISB);
}

static int run_pauth_guest(struct idreg_vm *vm, bool shown, int steps[NR_ASTEPS],
			   struct idreg_guest_result *res)
{
	struct idreg_guest g;
	unsigned int nr = 0, s;
	int r = idreg_guest_init(&g, vm);

	if (r)
		return r;
	idreg_guest_reset_program(&g);
	r = idreg_guest_emit(&g, INSN_MOVZ_X4_POINTER) ?: idreg_guest_emit(&g, INSN_MOVZ_X16_7) ?:
	    idreg_guest_emit(&g, INSN_MOVZ_X5_KEY);
	for (s = 0; s < NR_ASTEPS; s++)
		steps[s] = -1;
	if (!r && shown) {
		steps[ASTEP_KEYLO] = nr++;
		steps[ASTEP_KEYHI] = nr++;
		steps[ASTEP_KEY] = nr++;
		r = emit_enable_enia(&g) ?: emit_step(&g, INSN_MSR_APIAKEYLO_X5) ?:
		    emit_step(&g, INSN_MSR_APIAKEYHI_X5) ?: emit_step(&g, INSN_MRS_X0_APIAKEYLO) ?:
		    idreg_guest_emit(&g, INSN_ISB);
	}
	steps[ASTEP_HINT_PAC] = nr++;
	steps[ASTEP_HINT_AUT] = nr++;
	steps[ASTEP_PAC] = nr++;
	steps[ASTEP_AUT] = nr++;
	steps[ASTEP_PACGA] = nr++;
	r = r ?: idreg_guest_emit(&g, INSN_MOV_X17_X4) ?: idreg_guest_emit(&g, INSN_PACIA1716) ?:
	    emit_step(&g, INSN_MOV_X0_X17) ?: idreg_guest_emit(&g, INSN_AUTIA1716) ?:
	    emit_step(&g, INSN_MOV_X0_X17);
	if (!r && !shown)
		r = emit_enable_enia(&g);
	r = r ?: idreg_guest_emit(&g, INSN_MOV_X0_X4) ?: emit_step(&g, INSN_PACIA_X0_X16) ?:
	    emit_step(&g, INSN_AUTIA_X0_X16) ?: emit_step(&g, INSN_PACGA_X0_X4_X16);
	return run_program(&g, r, nr, "pointer authentication", res);
}

/*
 * What a step must do: run and, under @mask, give @value (@equal) or
 * something else.  No @what: nothing to judge there.
 */
struct pauth_want {
	unsigned int step;
	const char *what;
	bool equal;
	uint64_t value;
	uint64_t mask;		/* the bits compared; 0: it only has to run */
};

static bool pauth_ran(const struct idreg_guest_result *res, const int steps[NR_ASTEPS],
		      const struct pauth_want *w, char *detail, size_t size)
{
	int i = steps[w->step];
	bool ok;

	if (i < 0 || !w->what)
		return true;
	ok = !res->trapped[i] && (!w->mask || ((res->value[i] & w->mask) == w->value) == w->equal);
	if (!ok) {
		idreg_append(detail, size, "; ");
		describe_step(detail, size, res, i, w->what);
		if (!w->mask)
			idreg_append(detail, size, ", want it to run");
		else
			idreg_append(detail, size, ", want %s0x%llx under mask 0x%llx",
				     w->equal ? "" : "other than ", (unsigned long long)w->value,
				     (unsigned long long)w->mask);
	}
	return ok;
}

static bool pauth_undef(const struct idreg_guest_result *res, const int steps[NR_ASTEPS],
			unsigned int s, const char *what, char *detail, size_t size)
{
	int i = steps[s];
	bool ok = res->trapped[i] && !idreg_esr_ec(res->esr[i]);

	if (!ok) {
		idreg_append(detail, size, "; ");
		describe_step(detail, size, res, i, what);
		idreg_append(detail, size, ", want an UNDEF (EC 0)");
	}
	return ok;
}

/*
 * pauth.use: KVM lets a guest use pointer authentication only with the
 * vCPU features KVM_ARM_VCPU_PTRAUTH_* (APA/API/GPA/GPI are not writable:
 * sys_regs.c's ID_WRITABLE(ID_AA64ISAR1_EL1) leaves them out), through
 * HCR_EL2.API and APK (arm.c:vcpu_set_pauth_traps()).  Without them a
 * PAC instruction that reaches EL2 is an UNDEF
 * (handle_exit.c:kvm_handle_ptrauth()): PACGA always, PACIA/AUTIA with
 * SCTLR_EL1.EnIA set; the HINT-space PACIA1716/AUTIA1716, with EnIA clear
 * as at reset, are NOPs (the architecture's answer without the feature).
 * With them the guest writes its key A (not trapped: APK) and signs a
 * pointer, which then differs, and authenticates it back, in both
 * encodings; PACGA runs, its low 32 bits 0.
 */
static const struct {
	struct pauth_want shown, hidden;
} both[] = {
	{ .shown = { ASTEP_KEYLO, "MSR APIAKEYLO_EL1", false, 0, 0 } },
	{ .shown = { ASTEP_KEYHI, "MSR APIAKEYHI_EL1", false, 0, 0 } },
	{ .shown = { ASTEP_KEY, "MRS APIAKEYLO_EL1 gives", true, PAUTH_KEY, ~0ULL } },
	{ .shown = { ASTEP_HINT_PAC, "PACIA1716 gives", false, PAUTH_POINTER, ~0ULL },
	  .hidden = { ASTEP_HINT_PAC, "PACIA1716 gives", true, PAUTH_POINTER, ~0ULL } },
	{ .shown = { ASTEP_HINT_AUT, "AUTIA1716 gives", true, PAUTH_POINTER, ~0ULL },
	  .hidden = { ASTEP_HINT_AUT, "AUTIA1716 gives", true, PAUTH_POINTER, ~0ULL } },
	{ .shown = { ASTEP_PAC, "PACIA gives", false, PAUTH_POINTER, ~0ULL } },
	{ .shown = { ASTEP_AUT, "AUTIA gives", true, PAUTH_POINTER, ~0ULL } },
	{ .shown = { ASTEP_PACGA, "PACGA's low 32 bits", true, 0, 0xffffffffULL } },
};

static const struct {
	unsigned int step;
	const char *what;
} undefs[] = {
	{ ASTEP_PAC, "PACIA" }, { ASTEP_AUT, "AUTIA" }, { ASTEP_PACGA, "PACGA" },
};

static void check_pauth_use(const struct idreg_vcpu_config *cfg, struct idreg_vm *vm)
{
	static struct idreg_guest_result res;
	bool shown = vm->features & IDREG_VCPU_PAUTH, ok = true;
	char detail[DETAIL_LEN] = "", name[64];
	int steps[NR_ASTEPS];
	unsigned int i;
	int r;

	name_of(name, sizeof(name), cfg, "pauth.use");
	r = run_pauth_guest(vm, shown, steps, &res);
	if (r) {
		idreg_test_result(idreg_result_kind_of_run(r), false, "%s: %s\n", name,
				  vm->last_error);
		return;
	}
	for (i = 0; i < ARRAY_SIZE(both); i++)
		ok &= pauth_ran(&res, steps, shown ? &both[i].shown : &both[i].hidden, detail,
				sizeof(detail));
	for (i = 0; !shown && i < ARRAY_SIZE(undefs); i++)
		ok &= pauth_undef(&res, steps, undefs[i].step, undefs[i].what, detail,
				  sizeof(detail));
	idreg_test_result(IDREG_RESULT_BEHAVIOUR, ok, "%s: pointer authentication %s: %s%s\n", name,
			  shown ? "there (KVM_ARM_VCPU_PTRAUTH_*)" : "hidden (no KVM_ARM_VCPU_PTRAUTH_*)",
			  shown ? "the guest sets key A, PACIA1716/AUTIA1716 and PACIA/AUTIA sign 0x1230 and give it back, PACGA runs" :
			  "PACIA1716/AUTIA1716 are NOPs, PACIA, AUTIA (EnIA set) and PACGA are UNDEFINED",
			  detail);
}

/* ---- timer.ecv ------------------------------------------------------- */

/* ID_AA64MMFR0_EL1.ECV (63:60): 1 ECV, 2 with CNTPOFF. */
#define MMFR0_SLOT		idreg_slot_index(3, 0, 0, 7, 0)
#define MMFR0_ECV_SHIFT		60
#define MMFR0_ECV_MASK		(0xfULL << MMFR0_ECV_SHIFT)
/* CNTHCTL_EL2: ECV (12), EL1TVT, EL1TVCT, EL1NVPCT, EL1NVVCT (13-16). */
#define CNTHCTL_ECV		(1ULL << 12)
#define CNTHCTL_ECV_TRAPS	(0xfULL << 13)
#define INSN_ORR_X5_CNTHCTL_ECV	0xb27413e5U	/* mov x5, #0x1f000 */
#define INSN_MRS_X4_CNTHCTL	0xd53ce104U	/* mrs x4, cnthctl_el2 */
#define INSN_ORR_X4_X4_X5	0xaa050084U	/* orr x4, x4, x5 */
#define INSN_MSR_CNTHCTL_X4	0xd51ce104U	/* msr cnthctl_el2, x4 */
#define INSN_MRS_X0_CNTHCTL	0xd53ce100U	/* mrs x0, cnthctl_el2 */

/* A guest hypervisor sets CNTHCTL_EL2's ECV bits and reads them back (@vm's first run). */
static int run_cnthctl_guest(struct idreg_vm *vm, struct idreg_guest_result *res)
{
	struct idreg_guest g;
	int r = idreg_guest_init(&g, vm);

	if (r)
		return r;
	idreg_guest_reset_program(&g);
	r = idreg_guest_emit(&g, INSN_ORR_X5_CNTHCTL_ECV) ?:
	    idreg_guest_emit(&g, INSN_MRS_X4_CNTHCTL) ?: idreg_guest_emit(&g, INSN_ORR_X4_X4_X5) ?:
	    idreg_guest_emit(&g, INSN_MSR_CNTHCTL_X4) ?: idreg_guest_emit(&g, INSN_ISB) ?:
	    emit_step(&g, INSN_MRS_X0_CNTHCTL);
	return run_program(&g, r, 1, "CNTHCTL_EL2", res);
}

/* What CNTHCTL_EL2 keeps of the ECV bits with @ecv (nested.c: kvm_init_nv_sysregs()). */
static uint64_t cnthctl_ecv_kept(unsigned int ecv)
{
	return (ecv >= 1 ? CNTHCTL_ECV_TRAPS : 0) | (ecv >= 2 ? CNTHCTL_ECV : 0);
}

/*
 * timer.ecv (a guest at vEL2): KVM traps nothing of ECV for a guest at
 * EL1 (docs/tests.md), but a guest hypervisor's CNTHCTL_EL2 is KVM's:
 * nested.c:kvm_init_nv_sysregs() makes its ECV bit RES0 below ECV 2 and
 * EL1TVT, EL1TVCT, EL1NVPCT and EL1NVVCT RES0 below ECV 1, from the VM's
 * ID_AA64MMFR0_EL1 at the first run (kvm_vcpu_apply_reg_masks() on each
 * write).  The guest sets bits 12-16 and reads back what the VM's ECV
 * keeps, with the default ECV (@vm) and with ECV written 0 (a fresh VM).
 */
static void check_timer_ecv(const struct idreg_vcpu_config *cfg, struct idreg_vm *vm)
{
	static struct idreg_guest_result res[2];
	char detail[DETAIL_LEN] = "", name[64];
	unsigned int ecv[2], i;
	struct idreg_vm lowered;
	uint64_t mmfr0 = 0, want;
	bool ok = true;
	int r[2];

	name_of(name, sizeof(name), cfg, "timer.ecv");
	if (idreg_get_slot(vm, 0, MMFR0_SLOT, &mmfr0))
		ksft_exit_fail_msg("%s: %s\n", name, vm->last_error);
	ecv[0] = (mmfr0 & MMFR0_ECV_MASK) >> MMFR0_ECV_SHIFT;
	ecv[1] = 0;
	r[0] = run_cnthctl_guest(vm, &res[0]);
	if (r[0]) {
		idreg_test_result(idreg_result_kind_of_run(r[0]), false, "%s: ECV %u: %s\n", name,
				  ecv[0], vm->last_error);
		return;
	}
	if (idreg_vm_open(&lowered, cfg, 0))
		ksft_exit_fail_msg("%s: %s\n", name, lowered.last_error);
	r[1] = idreg_set_slot(&lowered, 0, MMFR0_SLOT, mmfr0 & ~MMFR0_ECV_MASK) ?:
	       run_cnthctl_guest(&lowered, &res[1]);
	if (r[1]) {
		idreg_test_result(idreg_result_kind_of_run(r[1]), false, "%s: ECV written 0: %s\n",
				  name, lowered.last_error);
		idreg_vm_destroy(&lowered);
		return;
	}
	idreg_vm_destroy(&lowered);
	for (i = 0; i < ARRAY_SIZE(res); i++) {
		want = cnthctl_ecv_kept(ecv[i]);
		ok &= step_is(&res[i], 0, (res[i].value[0] & ~(CNTHCTL_ECV | CNTHCTL_ECV_TRAPS)) | want);
		idreg_append(detail, sizeof(detail), "; ECV %u: ", ecv[i]);
		describe_step(detail, sizeof(detail), &res[i], 0, "CNTHCTL_EL2");
		idreg_append(detail, sizeof(detail), " (want bits 16:12 0x%llx)",
			     (unsigned long long)(want >> 12));
	}
	idreg_test_result(IDREG_RESULT_BEHAVIOUR, ok, "%s: a guest hypervisor sets CNTHCTL_EL2 bits 16:12 and keeps what the VM's ECV allows%s\n",
			  name, detail);
}

/* ---- debug.wrps ----------------------------------------------------- */

/* mrs x0, DBGWCR<n>_EL1: S2_0_C0_C<n>_7 (op0 2) */
static uint32_t insn_mrs_dbgwcr(unsigned int n)
{
	return 0xd5300000U | n << 8 | 7U << 5;
}

/*
 * debug.wrps: ID_AA64DFR0_EL1.WRPs is writable (sys_regs.c's ID_FILTERED
 * mask; BRPs is not, for the context-aware breakpoints' sake) and lower
 * is safe.  With WRPs 0 the vCPU has one watchpoint, and the architecture
 * makes DBGWCR<n>_EL1 for n >= 1 UNDEFINED; DBGWCR0_EL1 works.  KVM traps
 * the debug registers until the guest owns them (debug.c:
 * kvm_arm_setup_mdcr_el2(), MDCR_EL2.TDA), so it could give the UNDEF at
 * the first access (sys_regs.c:trap_dbg_wb_reg()).  A difference is the
 * watchpoint's index (direction reads).
 */
static void check_debug_wrps(void)
{
	static struct idreg_guest_result res;
	static uint64_t mask[IDREG_NR_SLOTS];
	struct idreg_test_diff diff = { 1, IDREG_EXPECT_READS };
	char detail[DETAIL_LEN] = "";
	const char *name = "debug.wrps";
	uint64_t dfr0 = 0, lowered;
	struct idreg_guest g;
	struct idreg_vm vm;
	int r;

	if (idreg_vm_open(&vm, NULL, 0) || idreg_get_writable_masks(&vm, mask) ||
	    idreg_get_slot(&vm, 0, DFR0_SLOT, &dfr0))
		ksft_exit_fail_msg("%s: %s\n", name, vm.last_error);
	if (!(dfr0 & DFR0_WRPS_MASK) || (mask[DFR0_SLOT] & DFR0_WRPS_MASK) != DFR0_WRPS_MASK) {
		idreg_test_report(IDREG_RESULT_BEHAVIOUR, IDREG_SKIP, "%s: ID_AA64DFR0_EL1 0x%016llx, mask 0x%016llx: WRPs is 0 or not writable\n",
				  name, (unsigned long long)dfr0, (unsigned long long)mask[DFR0_SLOT]);
		idreg_vm_destroy(&vm);
		return;
	}
	lowered = dfr0 & ~DFR0_WRPS_MASK;
	r = idreg_set_slot(&vm, 0, DFR0_SLOT, lowered) ?: idreg_guest_init(&g, &vm);
	if (!r) {
		idreg_guest_reset_program(&g);
		r = emit_step(&g, insn_mrs_dbgwcr(0)) ?: emit_step(&g, insn_mrs_dbgwcr(1)) ?:
		    idreg_guest_emit_done(&g) ?: idreg_guest_run(&g, 0, NULL, &res);
		idreg_guest_free(&g);
	}
	if (!r && res.nr_steps != 2)
		r = idreg_vm_fail(&vm, EPROTO, "the debug guest reported %u values for 2 steps",
				  res.nr_steps);
	if (r) {
		idreg_test_result(idreg_result_kind_of_run(r), false, "%s: WRPs %llu -> 0: %s\n",
				  name, (unsigned long long)(dfr0 >> DFR0_WRPS_SHIFT & 0xf),
				  vm.last_error);
		idreg_vm_destroy(&vm);
		return;
	}
	snprintf(detail, sizeof(detail), "WRPs %llu written as 0 (one watchpoint): MRS DBGWCR0_EL1 %s, MRS DBGWCR1_EL1 %s (want an UNDEF, EC 0)",
		 (unsigned long long)(dfr0 >> DFR0_WRPS_SHIFT & 0xf),
		 res.trapped[0] ? "took an exception" : "ran",
		 res.trapped[1] ? "took an exception" : "ran");
	if (res.trapped[0])
		ksft_print_msg("%s: DBGWCR0_EL1: ESR 0x%llx\n", name, (unsigned long long)res.esr[0]);
	if (res.trapped[1])
		ksft_print_msg("%s: DBGWCR1_EL1: ESR 0x%llx\n", name, (unsigned long long)res.esr[1]);
	if (res.trapped[0])
		idreg_test_result(IDREG_RESULT_BEHAVIOUR, false, "%s: %s\n", name, detail);
	else
		idreg_test_report_diffs(&expect, kernel_release, name, detail, &diff,
					res.trapped[1] && !idreg_esr_ec(res.esr[1]) ? 0 : 1);
	idreg_vm_destroy(&vm);
}

/* ---- debug.brps ------------------------------------------------------ */

/* ID_AA64DFR0_EL1.BRPs (15:12): breakpoints - 1. */
#define DFR0_BRPS_SHIFT		12
#define DFR0_BRPS_MASK		(0xfULL << DFR0_BRPS_SHIFT)
#define MAX_BREAKPOINTS		16

/* mrs x0, DBGBCR<n>_EL1: S2_0_C0_C<n>_5 (op0 2) */
static uint32_t insn_mrs_dbgbcr(unsigned int n)
{
	return 0xd5300000U | n << 8 | 5U << 5;
}

/* What step @i did, against an UNDEF (@undef) or a run. */
static void describe_debug_step(char *buf, size_t size, const struct idreg_guest_result *res,
				unsigned int i, bool undef)
{
	bool ok = undef ? res->trapped[i] && !idreg_esr_ec(res->esr[i]) : !res->trapped[i];

	if (res->trapped[i])
		snprintf(buf, size, "took ESR 0x%llx", (unsigned long long)res->esr[i]);
	else
		snprintf(buf, size, "ran");
	if (!ok)
		idreg_append(buf, size, " (want %s)", undef ? "an UNDEF, EC 0" : "it to run");
}

/*
 * debug.brps: ID_AA64DFR0_EL1.BRPs is not writable (sys_regs.c keeps it,
 * and CTX_CMPs, as the hardware's: KVM does not emulate the breakpoints,
 * the context-aware ones being the highest numbered), so a vCPU has the
 * host's BRPs + 1 breakpoints; the architecture makes DBGBCR<n>_EL1 for n
 * above BRPs UNDEFINED.  The hardware does that itself, before any trap
 * to EL2 (an unimplemented breakpoint's UNDEF comes first).  A kernel
 * whose masks say BRPs is writable gets it lowered to 1 (two
 * breakpoints, the fewest): then only KVM could give that UNDEF, and
 * sys_regs.c:trap_dbg_wb_reg() bounds neither breakpoints nor
 * watchpoints (debug.wrps).  Either way the guest's first debug register
 * access, DBGBCR<BRPs+1>_EL1, must be an UNDEF, and DBGBCR<BRPs>_EL1, the
 * last breakpoint BRPs names, must then run (trapped by MDCR_EL2.TDA
 * until the guest owns the registers, debug.c).
 */
static void check_debug_brps(void)
{
	static struct idreg_guest_result res;
	static uint64_t mask[IDREG_NR_SLOTS];
	const char *name = "debug.brps";
	char beyond[96], last[96], how[96];
	unsigned int brps;
	struct idreg_guest g;
	struct idreg_vm vm;
	uint64_t dfr0 = 0;
	int r;

	if (idreg_vm_open(&vm, NULL, 0) || idreg_get_writable_masks(&vm, mask) ||
	    idreg_get_slot(&vm, 0, DFR0_SLOT, &dfr0))
		ksft_exit_fail_msg("%s: %s\n", name, vm.last_error);
	brps = (dfr0 & DFR0_BRPS_MASK) >> DFR0_BRPS_SHIFT;
	snprintf(how, sizeof(how), "BRPs %u, not writable", brps);
	if ((mask[DFR0_SLOT] & DFR0_BRPS_MASK) == DFR0_BRPS_MASK && brps > 1) {
		if (idreg_set_slot(&vm, 0, DFR0_SLOT, (dfr0 & ~DFR0_BRPS_MASK) | 1ULL << DFR0_BRPS_SHIFT))
			ksft_exit_fail_msg("%s: the masks say BRPs is writable: %s\n", name,
					   vm.last_error);
		snprintf(how, sizeof(how), "BRPs %u written as 1 (the masks say writable)", brps);
		brps = 1;
	}
	if (brps + 1 >= MAX_BREAKPOINTS) {
		idreg_test_report(IDREG_RESULT_BEHAVIOUR, IDREG_SKIP, "%s: ID_AA64DFR0_EL1 0x%016llx: %u breakpoints, none beyond\n",
				  name, (unsigned long long)dfr0, brps + 1);
		idreg_vm_destroy(&vm);
		return;
	}
	r = idreg_guest_init(&g, &vm);
	if (!r) {
		idreg_guest_reset_program(&g);
		r = emit_step(&g, insn_mrs_dbgbcr(brps + 1)) ?: emit_step(&g, insn_mrs_dbgbcr(brps)) ?:
		    idreg_guest_emit_done(&g) ?: idreg_guest_run(&g, 0, NULL, &res);
		idreg_guest_free(&g);
	}
	if (!r && res.nr_steps != 2)
		r = idreg_vm_fail(&vm, EPROTO, "the debug guest reported %u values for 2 steps",
				  res.nr_steps);
	if (r) {
		idreg_test_result(idreg_result_kind_of_run(r), false, "%s: %s: %s\n", name, how,
				  vm.last_error);
		idreg_vm_destroy(&vm);
		return;
	}
	describe_debug_step(beyond, sizeof(beyond), &res, 0, true);
	describe_debug_step(last, sizeof(last), &res, 1, false);
	idreg_test_result(IDREG_RESULT_BEHAVIOUR,
			  res.trapped[0] && !idreg_esr_ec(res.esr[0]) && !res.trapped[1],
			  "%s: %s (%u breakpoints): MRS DBGBCR%u_EL1 first %s, then MRS DBGBCR%u_EL1 %s\n",
			  name, how, brps + 1, brps + 1, beyond, brps, last);
	idreg_vm_destroy(&vm);
}

/* ---- aarch32.after_run ----------------------------------------------- */

/*
 * A field KVM stores as written: an unsigned FTR_LOWER_SAFE field of an
 * AArch64 ISA register, wholly writable, lowered to 0 (put back if KVM
 * refuses, tried until one is taken).  Its slot, or -1.
 */
static int lower_one_field(struct idreg_test_vm *t, uint64_t vals[IDREG_NR_SLOTS],
			   char *what, size_t size)
{
	unsigned int slot, i;

	for (slot = idreg_slot_index(3, 0, 0, 6, 0); slot <= (unsigned int)idreg_slot_index(3, 0, 0, 6, 2); slot++) {
		const struct idreg_reg *reg = idreg_reg_by_slot(slot);

		for (i = 0; reg && i < reg->nr_fields; i++) {
			const struct idreg_field *f = &reg->fields[i];
			uint64_t val = idreg_field_set(vals[slot], f->lsb, f->width, 0);

			if (!idreg_test_walkable(f, t->mask[slot]) || f->is_signed ||
			    f->policy.type != IDREG_POLICY_LOWER_SAFE || val == vals[slot] ||
			    idreg_set_slot(&t->vm, 0, slot, val))
				continue;
			vals[slot] = val;
			snprintf(what, size, "%s.%s = 0", reg->name, f->name);
			return slot;
		}
	}
	t->vm.last_error[0] = 0;
	return -1;
}

/*
 * The first KVM_RUN changes the VM's ID registers only through
 * sys_regs.c:kvm_finalize_sys_regs() (config.c's
 * kvm_idregs_enforce_dependencies(), the GIC fields without an in-kernel
 * GIC: idreg_after_first_run()); nothing there or on the way
 * (arm.c:kvm_arch_vcpu_run_pid_change()) looks at KVM_ARM_VCPU_EL1_32BIT,
 * and the registers live in the VM (kvm->arch.id_regs).  So an AArch32
 * EL1 vCPU's AArch64 ID registers read after its first run what was
 * configured, as an AArch64 vCPU's do.
 */
static void check_aarch32_after_run(const struct idreg_vcpu_config *cfg)
{
	static uint64_t want[IDREG_NR_SLOTS];
	static struct idreg_guest_view view;
	char detail[DETAIL_LEN] = "", name[64], what[96] = "nothing", buf[32];
	struct idreg_test_vm t;
	struct idreg_guest g;
	unsigned int slot, checked = 0, bad = 0;
	uint64_t now;
	int r;

	name_of(name, sizeof(name), NULL, "aarch32.after_run");
	r = idreg_test_vm_open(&t, cfg, false, kernel_release);
	if (r == IDREG_VM_UNAVAILABLE) {
		idreg_test_report(IDREG_RESULT_BEHAVIOUR, IDREG_SKIP, "%s: %s\n", name, t.vm.last_error);
		return;
	}
	if (r)
		ksft_exit_fail_msg("%s: %s\n", name, t.vm.last_error);
	memcpy(want, t.limit, sizeof(want));
	lower_one_field(&t, want, what, sizeof(what));
	idreg_after_first_run(want, &t.traits);
	r = idreg_guest_init(&g, &t.vm) ?: idreg_guest_a32_read(&g, 0, NULL, &view);
	idreg_guest_free(&g);
	if (r) {
		idreg_test_result(idreg_result_kind_of_run(r), false, "%s: the A32 guest: %s\n",
				  name, t.vm.last_error);
		idreg_test_vm_close(&t);
		return;
	}
	for (slot = 0; slot < IDREG_NR_SLOTS; slot++) {
		if (!t.readable[slot] || !idreg_reg_by_slot(slot))
			continue;
		checked++;
		if (idreg_get_slot(&t.vm, 0, slot, &now)) {
			bad++;
			idreg_append(detail, sizeof(detail), "; %s: %s", idreg_slot_name(slot, buf, sizeof(buf)),
				     t.vm.last_error);
			continue;
		}
		if (now == want[slot])
			continue;
		bad++;
		idreg_append(detail, sizeof(detail), "; %s 0x%016llx, want 0x%016llx",
			     idreg_slot_name(slot, buf, sizeof(buf)), (unsigned long long)now,
			     (unsigned long long)want[slot]);
	}
	idreg_test_result(IDREG_RESULT_BEHAVIOUR, !bad && checked, "%s: an AArch32 EL1 vCPU, %s written, ran an A32 program: %u of %u ID registers read as configured (and the first run's rules)%s\n",
			  name, what, checked - bad, checked, detail);
	idreg_test_vm_close(&t);
}

/* ---- one configuration ----------------------------------------------- */

/*
 * The checks of a configuration, each with the results it reports and,
 * where it cannot run on the vCPU's features, why: then it opens no VM.
 */
struct config_check {
	void (*run)(const struct idreg_vcpu_config *cfg, struct idreg_vm *vm);
	const char *(*skip)(unsigned int features);
	const char *results[2];
	unsigned int vcpus;	/* in its VMs: what its time budget counts */
};

static const char *never_skip(unsigned int features __attribute__((unused)))
{
	return NULL;
}

static const char *skip_pmu_counters(unsigned int features)
{
	return features & IDREG_VCPU_PMU ? NULL :
	       "a vCPU without KVM_ARM_VCPU_PMU_V3 (kvm_gates checks its UNDEF)";
}

static const char *skip_pmu_version(unsigned int features)
{
	if (!(features & IDREG_VCPU_PMU))
		return "a vCPU without KVM_ARM_VCPU_PMU_V3 (kvm_gates checks its UNDEF)";
	return features & IDREG_VCPU_EL2 ? "a guest at vEL2 (its PMU filters are EL2's)" : NULL;
}

static const char *skip_sve_vl(unsigned int features)
{
	if (!(features & IDREG_VCPU_SVE))
		return "a vCPU without KVM_ARM_VCPU_SVE (guest_view_test's hidden checks its UNDEF)";
	return features & IDREG_VCPU_EL2 ? "a guest at vEL2 (ZCR_EL1 is EL1's)" : NULL;
}

static const char *skip_pauth_use(unsigned int features)
{
	return features & IDREG_VCPU_EL2 ? "a guest at vEL2 (SCTLR_EL1 and the keys are EL1's)" :
	       NULL;
}

static const char *skip_timer_ecv(unsigned int features)
{
	return features & IDREG_VCPU_EL2 ? NULL :
	       "a guest at EL1: KVM traps nothing a lowered ECV changes there (docs/tests.md)";
}

static const struct config_check config_checks[] = {
	{ check_kvm_gates, never_skip, { "kvm_gates" }, 1 },
	{ check_pmu_counters, skip_pmu_counters, { "pmu.counters" }, 1 },
	/* These two each open a second VM with a lowered field. */
	{ check_pmu_version, skip_pmu_version, { "pmu.events", "pmu.cycles" }, 2 },
	{ check_sve_vl, skip_sve_vl, { "sve.vl" }, 1 },
	{ check_pauth_use, skip_pauth_use, { "pauth.use" }, 1 },
	{ check_timer_ecv, skip_timer_ecv, { "timer.ecv" }, 2 },
};

static unsigned int nr_config_results(void)
{
	unsigned int i, j, n = 0;

	for (i = 0; i < ARRAY_SIZE(config_checks); i++)
		for (j = 0; j < ARRAY_SIZE(config_checks[i].results); j++)
			n += !!config_checks[i].results[j];
	return n;
}

static void skip_check(const struct idreg_vcpu_config *cfg, const struct config_check *c,
		       enum idreg_result_kind kind, const char *why)
{
	char name[64];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(c->results) && c->results[i]; i++)
		idreg_test_report(kind, IDREG_SKIP, "%s: %s\n",
				  name_of(name, sizeof(name), cfg, c->results[i]), why);
}

static void skip_config(const struct idreg_vcpu_config *cfg, const char *why)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(config_checks); i++)
		skip_check(cfg, &config_checks[i], IDREG_RESULT_BEHAVIOUR, why);
}

/* The pass's "idregs-vms" record: every VM opened since idreg_test_pass_begin(). */
static void pass_done(const struct idreg_vcpu_config *cfg)
{
	static struct idreg_test_vm pass;

	pass.cfg = cfg;
	idreg_test_pass_done(&pass);
}

/*
 * A fresh VM of @cfg for each check that runs (each one's guest runs it:
 * a first run freezes the ID registers, docs/tests.md), none for one
 * skipped; the first also says which features the host gave.
 */
static void run_config(const struct idreg_vcpu_config *cfg)
{
	struct idreg_vm vm;
	char features[64], late[512];
	const char *why;
	unsigned int i, have;
	int r;

	idreg_test_pass_begin();
	r = idreg_vm_open(&vm, cfg, 0);
	if (r == IDREG_VM_UNAVAILABLE) {
		idreg_test_record("config", "name=%s offered=0 reason=%s", cfg->name, vm.last_error);
		skip_config(cfg, vm.last_error);
		pass_done(cfg);
		return;
	}
	if (r)
		ksft_exit_fail_msg("vcpu %s: %s\n", cfg->name, vm.last_error);
	have = vm.features;
	idreg_vcpu_features_describe(have, features, sizeof(features));
	idreg_test_record("config", "name=%s offered=1 features=%s", cfg->name, features);
	if (have & IDREG_VCPU_AARCH32) {
		idreg_vm_destroy(&vm);
		skip_config(cfg, "an AArch32 EL1 vCPU runs no AArch64 program (aarch32.after_run runs it)");
		pass_done(cfg);
		return;
	}
	for (i = 0; i < ARRAY_SIZE(config_checks); i++) {
		why = config_checks[i].skip(have);
		if (why) {
			skip_check(cfg, &config_checks[i], IDREG_RESULT_BEHAVIOUR, why);
			continue;
		}
		/* A check with a VM of its own that the time left cannot hold. */
		if (!i) {
			idreg_test_part_begin();
		} else if (idreg_test_cfg_part_start(cfg, config_checks[i].vcpus, late,
						     sizeof(late))) {
			skip_check(cfg, &config_checks[i], IDREG_RESULT_TIMING, late);
			continue;
		}
		if (i && idreg_vm_open(&vm, cfg, 0))
			ksft_exit_fail_msg("vcpu %s: %s\n", cfg->name, vm.last_error);
		config_checks[i].run(cfg, &vm);
		idreg_vm_destroy(&vm);
		idreg_test_cfg_part_done(cfg);
	}
	pass_done(cfg);
}

int main(int argc, char **argv)
{
	const struct idreg_vcpu_config *cfgs[IDREG_TEST_MAX_CONFIGS];
	unsigned int i, n;

	idreg_test_start(argv[0], kernel_release, sizeof(kernel_release), &expect,
			 "guest_consequences.expect");
	n = idreg_test_configs(argc, argv, cfgs);
	ksft_set_plan(n * nr_config_results() + 4);
	for (i = 0; i < n; i++)
		run_config(cfgs[i]);
	check_debug_wrps();
	check_debug_brps();
	check_aarch32_after_run(idreg_vcpu_config_by_name("aarch32-el1"));
	idreg_test_report_stale(&expect, kernel_release, "guest_consequences.expect");
	idreg_expect_free(&expect);
	idreg_test_finished();
}
