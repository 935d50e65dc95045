// SPDX-License-Identifier: GPL-2.0-only
/*
 * guest_consequences_test: what a guest gets from what the ID registers
 * say, where KVM emulates or traps the feature, judged by what the guest
 * does (the other tests judge the values read).
 *
 * Per vCPU configuration (--vcpu LIST, as the other tests; results carry
 * "@config", none for default), one VM each, the rules modelled on the
 * 7.3 source (the function named in each comment):
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
 *   sve.vl         the vector length RDVL gives is the largest of the
 *                  vCPU's lengths (KVM_REG_ARM64_SVE_VLS) with ZCR_EL1.LEN
 *                  at its top, 128 bits with LEN 0.
 *
 * And once, on the default vCPU, debug.wrps: after userspace lowers
 * ID_AA64DFR0_EL1.WRPs to one watchpoint, the architecture makes the
 * second watchpoint's registers UNDEFINED (6.12 and 7.3 let the guest use
 * them: a finding, docs/findings.md#debug-wrps-not-enforced, a failure
 * there, known to the runners by tools/check-kernels.known); and
 * aarch32.after_run: an AArch32 EL1 vCPU's AArch64 ID registers after its
 * first run (issue 27's AArch32 question).
 *
 * Mutants 120-125 (tools/mutate/mutants/) were written first, as the KVM
 * mistakes these checks are for.
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
#define NR_CONFIG_RESULTS	3

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
	r = r ?: emit_step(&g, INSN_MRS_PMCCNTR_EL0) ?: idreg_guest_emit_done(&g);
	r = r ?: idreg_guest_run(&g, 0, NULL, res);
	if (!r && res->nr_steps != nr)
		r = idreg_vm_fail(vm, EPROTO, "the PMU guest reported %u values for %u steps",
				  res->nr_steps, nr);
	idreg_guest_free(&g);
	return r;
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
	if (!(vm->features & IDREG_VCPU_PMU)) {
		idreg_test_report(IDREG_RESULT_BEHAVIOUR, IDREG_SKIP, "%s: a vCPU without KVM_ARM_VCPU_PMU_V3 (kvm_gates checks its UNDEF)\n",
				  name);
		return;
	}
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
	if (!(vm->features & IDREG_VCPU_SVE) || (vm->features & IDREG_VCPU_EL2)) {
		idreg_test_report(IDREG_RESULT_BEHAVIOUR, IDREG_SKIP, "%s: %s\n", name,
				  vm->features & IDREG_VCPU_SVE ? "a guest at vEL2 (ZCR_EL1 is EL1's)" :
				  "a vCPU without KVM_ARM_VCPU_SVE (guest_view_test's hidden checks its UNDEF)");
		return;
	}
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

static void skip_config(const struct idreg_vcpu_config *cfg, const char *why)
{
	static const char *const names[NR_CONFIG_RESULTS] = {
		"kvm_gates", "pmu.counters", "sve.vl",
	};
	char name[64];
	unsigned int i;

	for (i = 0; i < NR_CONFIG_RESULTS; i++)
		idreg_test_report(IDREG_RESULT_BEHAVIOUR, IDREG_SKIP, "%s: %s\n",
				  name_of(name, sizeof(name), cfg, names[i]), why);
}

/* A fresh VM of @cfg for each check: each one's guest runs it. */
static void run_config(const struct idreg_vcpu_config *cfg)
{
	void (*const checks[NR_CONFIG_RESULTS])(const struct idreg_vcpu_config *,
						struct idreg_vm *) = {
		check_kvm_gates, check_pmu_counters, check_sve_vl,
	};
	struct idreg_vm vm;
	char features[64];
	unsigned int i;
	int r = idreg_vm_open(&vm, cfg, 0);

	if (r == IDREG_VM_UNAVAILABLE) {
		idreg_test_record("config", "name=%s offered=0 reason=%s", cfg->name, vm.last_error);
		skip_config(cfg, vm.last_error);
		return;
	}
	if (r)
		ksft_exit_fail_msg("vcpu %s: %s\n", cfg->name, vm.last_error);
	idreg_vcpu_features_describe(vm.features, features, sizeof(features));
	idreg_test_record("config", "name=%s offered=1 features=%s", cfg->name, features);
	if (vm.features & IDREG_VCPU_AARCH32) {
		idreg_vm_destroy(&vm);
		skip_config(cfg, "an AArch32 EL1 vCPU runs no AArch64 program (aarch32.after_run runs it)");
		return;
	}
	for (i = 0; i < NR_CONFIG_RESULTS; i++) {
		if (i && idreg_vm_open(&vm, cfg, 0))
			ksft_exit_fail_msg("vcpu %s: %s\n", cfg->name, vm.last_error);
		checks[i](cfg, &vm);
		idreg_vm_destroy(&vm);
	}
}

int main(int argc, char **argv)
{
	const struct idreg_vcpu_config *cfgs[IDREG_TEST_MAX_CONFIGS];
	unsigned int i, n;

	idreg_test_start(argv[0], kernel_release, sizeof(kernel_release), &expect,
			 "guest_consequences.expect");
	n = idreg_test_configs(argc, argv, cfgs);
	ksft_set_plan(n * NR_CONFIG_RESULTS + 3);
	for (i = 0; i < n; i++)
		run_config(cfgs[i]);
	check_debug_wrps();
	check_aarch32_after_run(idreg_vcpu_config_by_name("aarch32-el1"));
	idreg_test_report_stale(&expect, kernel_release, "guest_consequences.expect");
	idreg_expect_free(&expect);
	ksft_finished();
}
