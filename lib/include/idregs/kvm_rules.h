/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Which of KVM's paths handles a KVM_SET_ONE_REG on an ID register, and
 * what it does with the value.  idreg_predict_reg() mirrors the common path
 * (arm64_check_features()); this layer adds the registers that take another
 * path in arch/arm64/kvm/sys_regs.c, the register-specific setters that
 * refuse or rewrite a value before that check, and the per-VM facts those
 * depend on.  Portable: the traits are read off a real VM by the caller.
 */
#ifndef IDREGS_KVM_RULES_H
#define IDREGS_KVM_RULES_H

#include <stdbool.h>
#include <stdint.h>

#include "idregs/predict.h"
#include "idregs/table.h"

/* At least the number of rules in kvm_rules.c's setter table. */
#define IDREG_NR_SETTER_RULES	20

struct idreg_vm_traits {
	/* KVM_CAP_ARM_WRITABLE_IMP_ID_REGS enabled before the first vCPU */
	bool imp_id_writable;
	/* the vCPUs' features (enum idreg_vcpu_feature) */
	unsigned int features;
	/* the host runs AArch32 at EL0: ID_AA64PFR0_EL1.EL0 >= 2 */
	bool aarch32_el0;
	/* the host's sanitised CTR_EL0.IDC (the VM's default CTR_EL0 has it) */
	bool ctr_idc;
	/* an in-kernel GICv3 exists when the VM first runs (EL2 configurations) */
	bool vgic_v3;
	/* the host kernel, major << 16 | minor (0: unknown) */
	unsigned int kernel;
	/* the host has FEAT_EVT: ID_AA64MMFR2_EL1.EVT >= 1, which KVM passes on */
	bool evt;
	/*
	 * The host's sanitised value of a field that a setter drops when
	 * userspace writes exactly that value (ID_AA64PFR0_EL1.MPAM,
	 * ID_AA64PFR1_EL1.MPAM_frac, ID_AA64MMFR2_EL1.NV): userspace cannot
	 * read it, so it is unknown until KVM's answer shows it (bit i of
	 * host_known for host_value[i], i the setter rule's index).
	 */
	uint32_t host_known;
	uint8_t host_value[IDREG_NR_SETTER_RULES];
};

enum idreg_write_effect {
	IDREG_WRITE_REJECTED,	/* KVM_SET_ONE_REG fails with .err */
	IDREG_WRITE_STORED,	/* succeeds and the value reads back */
	IDREG_WRITE_IGNORED,	/* succeeds and nothing changes (RAZ/WI) */
	IDREG_WRITE_ALTERED,	/* succeeds; a setter rewrote a field: .stored */
};

struct idreg_kvm_verdict {
	enum idreg_write_effect effect;
	int err;			/* -EINVAL when rejected */
	uint64_t stored;		/* accepted: what reads back afterwards */
	const char *path;		/* the KVM code path that decided */
	const char *why;		/* short reason when rejected/ignored/altered */
	struct idreg_prediction pred;	/* when path is arm64_check_features */
	/*
	 * -1, or the setter rule whose host value (unknown to userspace) the
	 * verdict assumed differs from @host_guess, the written field; were
	 * they equal, KVM would answer @if_host_equal instead.
	 */
	int host_rule;
	const char *host_setter;	/* the sys_regs.c function of host_rule */
	uint8_t host_guess;
	struct {
		enum idreg_write_effect effect;
		int err;
		uint64_t stored;
	} if_host_equal;
	/*
	 * A kernel between two series read whose sources disagree on this
	 * write (idreg_between_known()): the verdict above is the newer
	 * series', @alt the older's, and either answer is allowed.
	 */
	bool between;
	const char *newer, *older;
	struct {
		enum idreg_write_effect effect;
		int err;
		uint64_t stored;
		const char *path, *why;
	} alt;
};

/*
 * The traits of a VM whose ID registers read @limit right after creation
 * (unreadable slots as 0) on kernel @release, its vCPUs created without
 * features (see idreg_vm_traits_set_features()); @imp_id_writable says
 * whether the capability was enabled.
 */
void idreg_vm_traits_init(struct idreg_vm_traits *t,
			  const uint64_t limit[IDREG_NR_SLOTS],
			  bool imp_id_writable, const char *release);
/*
 * The VM's vCPUs were created with @features (enum idreg_vcpu_feature):
 * SVE (ID_AA64ZFR0_EL1 visible), MTE, EL2 (the setters' NV checks).
 */
void idreg_vm_traits_set_features(struct idreg_vm_traits *t, unsigned int features);

/*
 * What creating an in-kernel GICv3 does to a VM's initialised ID
 * registers @regs (kvm_vgic_create() -> kvm_vgic_finalize_idregs(), from
 * 7.2 on).
 */
void idreg_vgic_created(uint64_t regs[IDREG_NR_SLOTS], const struct idreg_vm_traits *t);
/*
 * What the VM's ID registers (@regs, as configured) read once it has run:
 * KVM's kvm_finalize_sys_regs() at the first KVM_RUN enforces feature
 * dependencies (7.x: kvm_idregs_enforce_dependencies() in config.c clears
 * ID_AA64MMFR3_EL1.S1PIE/S1POE when TCRX, ATS1A or HPDS are missing) and,
 * without an in-kernel GICv3, clears the GIC fields (6.12 and 7.x).
 */
void idreg_after_first_run(uint64_t regs[IDREG_NR_SLOTS],
			   const struct idreg_vm_traits *t);
/*
 * A kernel between two series read (idreg_between_known()) whose sources
 * disagree on what the first run does to @regs: idreg_after_first_run()
 * gives the newer series' answer, this one the older's into @regs (as
 * configured on entry); either is the kernel's.  False, @regs as they were
 * when the two agree or the kernel is not between two series.
 */
bool idreg_after_first_run_older(uint64_t regs[IDREG_NR_SLOTS],
				 const struct idreg_vm_traits *t,
				 const char **older, const char **newer);
/*
 * idreg_after_first_run() for a VM that has run, whose registers read
 * @seen (where @seen_ok): on a kernel between two series read whose
 * answers differ, the one the registers that differ show (the newer on a
 * tie); returns that series, NULL when there was no choice to make.
 */
const char *idreg_after_first_run_seen(uint64_t regs[IDREG_NR_SLOTS],
				       const struct idreg_vm_traits *t,
				       const uint64_t seen[IDREG_NR_SLOTS],
				       const bool seen_ok[IDREG_NR_SLOTS]);

/* MIDR_EL1, REVIDR_EL1, AIDR_EL1: KVM's set_imp_id_reg(). */
bool idreg_is_imp_id_slot(unsigned int slot);
/* MPIDR_EL1: a per-vCPU register without any ID check. */
bool idreg_is_mpidr_slot(unsigned int slot);
/* CLIDR_EL1: KVM's set_clidr(), not arm64_check_features(). */
bool idreg_is_clidr_slot(unsigned int slot);
/* Visible as RAZ to userspace for a VM with @t (sysreg_visible_as_raz()). */
bool idreg_slot_hidden(unsigned int slot, const struct idreg_reg *reg,
		       const struct idreg_vm_traits *t);

/*
 * What KVM does when userspace writes @val to the register in @slot (@reg
 * may be NULL for a slot no table describes) whose writable mask is @mask
 * and whose KVM default is @limit, before any vCPU ran.
 */
enum idreg_write_effect idreg_kvm_predict(unsigned int slot,
					  const struct idreg_reg *reg,
					  uint64_t mask, uint64_t limit,
					  uint64_t val,
					  const struct idreg_vm_traits *t,
					  struct idreg_kvm_verdict *v);

/*
 * What the guest reads for CTR_EL0 when the VM's value is @val and the
 * host's sanitised one (the VM's default) @limit: KVM traps CTR_EL0
 * (HCR_EL2.TID2) and answers @val, unless the host has FEAT_EVT and @val
 * is @limit; then it traps only the cache ID registers (TID4) and the
 * guest reads the hardware's CTR_EL0, @hw (vcpu_set_hcr() in 7.3, at the
 * first run; the same choice in 6.12).  @hw is what MRS CTR_EL0 returns to
 * a host process: where Linux traps that (mismatched cache types) it
 * returns the sanitised value, and KVM then takes TID2 anyway.
 */
uint64_t idreg_guest_ctr_view(const struct idreg_vm_traits *t, uint64_t val, uint64_t limit,
			      uint64_t hw);

/* How KVM's answer to a write compares with the verdict. */
enum idreg_answer {
	IDREG_ANSWER_MISMATCH,
	IDREG_ANSWER_MATCH,
	/* it matches only if the host's value is v->host_guess: now known */
	IDREG_ANSWER_LEARNT,
	/*
	 * v->between: it matches one of the two series' verdicts (which one:
	 * idreg_between_describe())
	 */
	IDREG_ANSWER_BETWEEN,
};

/*
 * For an IDREG_ANSWER_BETWEEN: "refused, as in 7.2 (6.12:
 * set_id_aa64pfr0_el1 stored)", which series the kernel followed and what
 * the other would have done; snprintf semantics.
 */
int idreg_between_describe(char *buf, size_t size, const struct idreg_kvm_verdict *v,
			   uint64_t before, int r, uint64_t back);

/*
 * Compare KVM's answer with @v: @r is KVM_SET_ONE_REG's result (0 or
 * -errno), @back what KVM_GET_ONE_REG read right after it, @before what it
 * read before.  A refused write must leave @before; an accepted one must
 * read v->stored.  On IDREG_ANSWER_LEARNT the host's value is recorded in
 * @t, so that every later prediction of that field is exact.
 */
enum idreg_answer idreg_kvm_answer(struct idreg_vm_traits *t,
				   const struct idreg_kvm_verdict *v,
				   uint64_t before, int r, uint64_t back);

/*
 * Is @slot one value per VM (set_id_reg(), set_imp_id_reg())?  False for
 * the per-vCPU CLIDR_EL1 and MPIDR_EL1 (is_vm_ftr_id_reg()).
 */
bool idreg_slot_vm_wide(unsigned int slot);
/*
 * Does a change after the VM's first KVM_RUN fail with EBUSY?  False for
 * CLIDR_EL1 (set_clidr() has no kvm_vm_has_ran_once() check) and MPIDR_EL1.
 */
bool idreg_slot_frozen_after_run(unsigned int slot);

/* idreg_kvm_predict_after_run(): no prediction for this write. */
#define IDREG_AFTER_RUN_UNKNOWN	1
/*
 * idreg_kvm_predict_after_run(): a kernel between two series read whose
 * sources answer differently (a setter's check one has and the other
 * lacks): either answer is the kernel's.
 */
#define IDREG_AFTER_RUN_BETWEEN	2

/*
 * KVM's answer to writing @val to the register in @slot after the VM's
 * first KVM_RUN, the register holding @current and its default being
 * @limit: 0, -EINVAL or -EBUSY.  A register-specific setter's own checks
 * (the rules of idreg_kvm_predict()) come before set_id_reg()'s freeze
 * check, so what a setter refuses stays -EINVAL after the run, e.g.
 * set_id_aa64mmfr0_el1()'s stage-2 granules for a vCPU with EL2; any
 * other change is -EBUSY (set_id_reg()); set_imp_id_reg() refuses a change
 * without the capability with -EINVAL before its freeze check; set_clidr()
 * and MPIDR_EL1 have none.  IDREG_AFTER_RUN_UNKNOWN where the answer
 * depends on what userspace cannot know (a host value a setter drops not
 * yet learnt) or the register is RAZ; IDREG_AFTER_RUN_BETWEEN where the
 * series read around the kernel disagree.
 */
int idreg_kvm_predict_after_run(unsigned int slot, const struct idreg_reg *reg, uint64_t limit,
				uint64_t current, uint64_t val, const struct idreg_vm_traits *t);

/* CLIDR_EL1: LoC (26:24) and Ttype<n> (2 bits at 33 + 2 * (n - 1)). */
#define IDREG_CLIDR_LOC_SHIFT		24
#define IDREG_CLIDR_TTYPE_SHIFT(n)	(33 + 2 * ((n) - 1))
#define IDREG_CLIDR_TTYPE_MASK		0x00007ffe00000000ULL

/*
 * The Ttype bits reset_clidr() (6.12, 7.3) gives CLIDR_EL1 @clidr: a
 * unified tag cache (2) at the level of coherence when the VM has MTE
 * (kvm_has_mte(): the VM's, not the host's), none otherwise.
 */
uint64_t idreg_clidr_reset_ttype(uint64_t clidr, bool vm_mte);

/* ID_AA64DFR0_EL1.PMUVer values. */
#define IDREG_PMUVER_IMP	1
#define IDREG_PMUVER_V3P5	6
#define IDREG_PMUVER_IMP_DEF	0xf

/*
 * The host's PMU counters as perf finds them (lib/kvm/host_pmu.c): what
 * bounds the PMU version KVM may offer a vCPU.
 */
enum idreg_host_pmu {
	IDREG_HOST_PMU_UNKNOWN,		/* no perf PMU, or it has a single counter */
	IDREG_HOST_PMU_CHAINED,		/* 64-bit events chain two counters: before v3p5 */
	IDREG_HOST_PMU_64BIT,		/* one counter per 64-bit event: PMUv3p5 or later */
};

/*
 * Why ID_AA64DFR0_EL1.PMUVer @pmuver of a vCPU with a PMU breaks
 * kvm_arm_pmu_get_pmuver_limit() (pmu-emul.c, 6.12 and 7.3: the host's
 * PMUVer capped at V3P5, IMP_DEF as none) on a host whose own PMU perf
 * describes as @host; NULL when it holds.
 */
const char *idreg_pmuver_limit_problem(unsigned int pmuver, enum idreg_host_pmu host);

#endif /* IDREGS_KVM_RULES_H */
