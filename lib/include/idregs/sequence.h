/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The stateful explorer's portable core (issue 27): sequences of
 * operations a VMM does on VMs with several vCPUs, their text form (the
 * reproducer idreg replay runs), their generation from a seed, the model
 * that predicts each step's answer from the prediction rules
 * (idregs/kvm_rules.h: no second copy of them) and the shrinker.
 * lib/kvm/explore.c runs a sequence on KVM.
 *
 * The text, one step a line, '#' comments and blank lines ignored:
 *
 *   idregs-sequence 1            format and version, first
 *   vm                           KVM_CREATE_VM: VM 0, 1, ... in order
 *   vcpu V                       KVM_CREATE_VCPU in VM V (not initialised)
 *   init V.C                     KVM_ARM_VCPU_INIT of vCPU C of VM V with
 *                                the run's vCPU features
 *   init V.C other               ... with the PMU feature toggled
 *   init V.C sve                 ... with the SVE feature
 *   set V.C REG 0xVALUE          KVM_SET_ONE_REG (REG: a table name or
 *                                S3_<op1>_C0_C<crm>_<op2>)
 *   set V.C REG.FIELD 0xVALUE    ... of the register as KVM reads it then,
 *                                with FIELD changed (a reproducer that
 *                                holds on any host)
 *   get V.C REG                  KVM_GET_ONE_REG
 *   run V.C                      KVM_RUN of a guest reading ID registers
 *   masks V                      KVM_ARM_GET_REG_WRITABLE_MASKS
 *   cap V imp-id                 KVM_ENABLE_CAP on VM V of
 *                                KVM_CAP_ARM_WRITABLE_IMP_ID_REGS
 *   cap V mte                    ... of KVM_CAP_ARM_MTE
 *   finalize V.C                 KVM_ARM_VCPU_FINALIZE(KVM_ARM_VCPU_SVE)
 *   vls V.C                      KVM_SET_ONE_REG of KVM_REG_ARM64_SVE_VLS
 *                                with the value it reads
 *   pmu V.C OP                   the vCPU's KVM_ARM_VCPU_PMU_V3_CTRL group:
 *                                OP has (KVM_HAS_DEVICE_ATTR of INIT),
 *                                irq (SET of IRQ, PPI 23), get-irq (GET),
 *                                filter (SET of FILTER: allow event 0),
 *                                set-pmu (SET_PMU, the host's PMU), init
 *   vgic V                       KVM_CREATE_DEVICE of a GICv3 with its
 *                                distributor and redistributor addresses
 *   vgic V init                  its KVM_DEV_ARM_VGIC_CTRL_INIT
 *   save V                       idregs' own VMM: every register of VM V's
 *                                vCPUs (KVM_GET_REG_LIST) saved and
 *                                restored into a new VM (the next number)
 *
 * A step naming a VM or vCPU the sequence has not created is skipped
 * (nothing is done, nothing checked): what the shrinker leaves when it
 * drops a creation.
 */
#ifndef IDREGS_SEQUENCE_H
#define IDREGS_SEQUENCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "idregs/kvm_rules.h"
#include "idregs/table.h"
#include "idregs/util.h"

#define IDREG_SEQ_VERSION	1
#define IDREG_SEQ_MAGIC		"idregs-sequence"
#define IDREG_SEQ_MAX_STEPS	512
#define IDREG_SEQ_MAX_VMS	3
#define IDREG_SEQ_MAX_VCPUS	4
/* The longest explanation of a step KVM answered otherwise. */
#define IDREG_SEQ_WHY_LEN	512

enum idreg_step_kind {
	IDREG_STEP_VM,
	IDREG_STEP_VCPU,
	IDREG_STEP_INIT,
	IDREG_STEP_SET,
	IDREG_STEP_GET,
	IDREG_STEP_RUN,
	IDREG_STEP_MASKS,
	IDREG_STEP_CAP,
	IDREG_STEP_SAVE,
	IDREG_STEP_FINALIZE,
	IDREG_STEP_VLS,
	IDREG_STEP_PMU,
	IDREG_STEP_VGIC,
	IDREG_NR_STEP_KINDS,
};

/* The step kinds sequences_test's first NR_SEQUENCES use (its fixed sequences). */
#define IDREG_SEQ_BASIC_KINDS	((1U << (IDREG_STEP_SAVE + 1)) - 1)
#define IDREG_SEQ_ALL_KINDS	((1U << IDREG_NR_STEP_KINDS) - 1)
/*
 * With the kinds: also the writes the bounded test leaves out (they
 * become get steps there): any write to a VM whose ID registers the model
 * does not predict (its configuration not read, below), where only the
 * host watch judges it, and a PMU version KVM has no event mask for (0,
 * IMP_DEF, the reserved 2 and 3) on a VM with a PMU
 * (ID_AA64DFR0_EL1.PMUVer), which meets pmuver0-reinit, a known
 * finding that warns and taints the host (docs/findings.md): the suite's
 * default run must not do that to a kernel CI machine.  idreg explore
 * makes them.
 */
#define IDREG_SEQ_TAINTING_WRITES	(1U << 31)

/* pmu steps' operations on the vCPU's KVM_ARM_VCPU_PMU_V3_CTRL group */
enum idreg_pmu_op {
	IDREG_PMU_HAS,
	IDREG_PMU_IRQ,
	IDREG_PMU_GET_IRQ,
	IDREG_PMU_FILTER,
	IDREG_PMU_SET_PMU,
	IDREG_PMU_INIT,
	IDREG_NR_PMU_OPS,
};

/* cap steps' capabilities; vgic steps' operations */
enum { IDREG_CAP_IMP_ID, IDREG_CAP_MTE, IDREG_NR_CAPS };
enum { IDREG_VGIC_CREATE, IDREG_VGIC_INIT, IDREG_NR_VGIC_OPS };

/* The PMU overflow interrupt a pmu irq step sets: PPI 23, as QEMU's virt. */
#define IDREG_SEQ_PMU_IRQ	23

struct idreg_step {
	enum idreg_step_kind kind;
	unsigned int vm, vcpu;
	unsigned int slot;		/* set, get */
	uint64_t val;			/* set: the register, or @field's value */
	const struct idreg_field *field;	/* set: NULL for the whole register */
	bool other;			/* init: with the PMU feature toggled */
	bool sve;			/* init: with the SVE feature */
	unsigned int op;		/* pmu, cap, vgic: which (the enums above) */
};

struct idreg_seq {
	struct idreg_step step[IDREG_SEQ_MAX_STEPS];
	unsigned int nr;
};

/* What a set step writes over the register's value @current. */
uint64_t idreg_seq_set_value(const struct idreg_step *s, uint64_t current);

/* The step kind's keyword ("vm", "set", ...). */
const char *idreg_step_kind_name(enum idreg_step_kind kind);
/* One step as its line (without newline); snprintf semantics. */
int idreg_step_format(char *buf, size_t size, const struct idreg_step *s);
/* The sequence's text, malloc'ed (NULL: out of memory). */
char *idreg_seq_format(const struct idreg_seq *s);
/* Parse a sequence's text: 0, or -1 with "line N: what" in @err (IDREG_ERR_LEN). */
int idreg_seq_parse(struct idreg_seq *s, const char *text, char *err);

/*
 * A VM's configuration, fixed by its first KVM_ARM_VCPU_INIT: its vCPUs'
 * features and KVM_CAP_ARM_MTE; an index of idreg_seq_defaults' cfg[].
 */
#define IDREG_SEQ_CFG_PMU	(1U << 0)
#define IDREG_SEQ_CFG_SVE	(1U << 1)
#define IDREG_SEQ_CFG_MTE	(1U << 2)
#define IDREG_SEQ_NR_CFGS	8

/* What a fresh VM of one configuration gives (not valid: not read). */
struct idreg_seq_cfg {
	bool valid;
	uint64_t limit[IDREG_NR_SLOTS];
	bool readable[IDREG_NR_SLOTS];
	struct idreg_vm_traits traits;
};

/*
 * What a fresh VM of the run's vCPU configuration gives (read once, from
 * a VM of its own, by lib/kvm/explore.c): every VM of the sequence starts
 * from it; once a VM's first KVM_ARM_VCPU_INIT fixes another
 * configuration, from cfg[] of it (read the same way where the host
 * offers it; cfg[0] is unused: the fields below).
 */
struct idreg_seq_defaults {
	uint64_t limit[IDREG_NR_SLOTS];
	uint64_t mask[IDREG_NR_SLOTS];
	bool readable[IDREG_NR_SLOTS];
	struct idreg_vm_traits traits;
	/* KVM offers the "other" features (the PMU toggled) on this host */
	bool other_offered;
	/* KVM has KVM_CAP_ARM_WRITABLE_IMP_ID_REGS */
	bool imp_id_offered;
	/* KVM offers KVM_ARM_VCPU_SVE (KVM_CAP_ARM_SVE), KVM_CAP_ARM_MTE, a GICv3 */
	bool sve_offered, mte_offered, vgic_offered;
	/* the host PMU's perf type (KVM_ARM_VCPU_PMU_V3_SET_PMU), -1: none found */
	int pmu_id;
	struct idreg_seq_cfg cfg[IDREG_SEQ_NR_CFGS];
};

struct idreg_seq_vcpu {
	bool inited, ran;
	bool finalized;			/* KVM_ARM_VCPU_FINALIZE(SVE) taken */
	bool pmu_created, pmu_irq;	/* its PMU initialised; its interrupt set */
	uint64_t clidr;			/* CLIDR_EL1 is kept per vCPU */
};

struct idreg_seq_vm {
	bool features_set;		/* a vCPU was initialised */
	bool other;			/* ... with the other features */
	bool sve;			/* ... with SVE */
	bool ran;			/* a vCPU ran */
	bool mte;			/* KVM_CAP_ARM_MTE enabled */
	bool vgic, vgic_inited;		/* an in-kernel GICv3; initialised */
	unsigned int cfg;		/* IDREG_SEQ_CFG_*, once features_set */
	unsigned int nr_vcpus;
	struct idreg_seq_vcpu vcpu[IDREG_SEQ_MAX_VCPUS];
	uint64_t val[IDREG_NR_SLOTS];	/* the VM-wide values */
	struct idreg_vm_traits traits;	/* learns host values (idreg_kvm_answer()) */
};

struct idreg_seq_model {
	const struct idreg_seq_defaults *d;
	struct idreg_seq_vm vm[IDREG_SEQ_MAX_VMS];
	unsigned int nr_vms;
};

void idreg_seq_model_init(struct idreg_seq_model *m, const struct idreg_seq_defaults *d);
/*
 * Does @s name what exists (false: the step is skipped)?  A creation is
 * valid while under the bounds.
 */
bool idreg_seq_step_valid(const struct idreg_seq_model *m, const struct idreg_step *s);

/*
 * What the step did on KVM: the ioctl's result (0 or -errno) and, where
 * the step reads, the values.  For set: @before and @back, the register
 * through the same vCPU before and after the write (when the vCPU is
 * initialised).  For run: what the guest read (@guest_read says which).
 */
struct idreg_step_answer {
	int r;
	uint64_t value;				/* get */
	uint64_t before, back;			/* set */
	const uint64_t *guest_val;		/* run: IDREG_NR_SLOTS values */
	const bool *guest_read;
	bool guest_done;
	const uint64_t *masks;			/* masks */
	const char *detail;			/* what KVM's refusal was, or NULL */
};

/*
 * Check KVM's @a to valid step @s against the model's prediction and
 * advance the model.  True when they agree; else @why (IDREG_SEQ_WHY_LEN
 * bytes) says what KVM did and what was predicted, by which rule.  Used
 * without KVM (@a NULL) it advances the model as predicted (the
 * generator's dry run).
 */
bool idreg_seq_check_step(struct idreg_seq_model *m, const struct idreg_step *s,
		      const struct idreg_step_answer *a, char *why);

/*
 * Does the guest of a run step read @slot as the model holds it?  False
 * for what the guest sees through other paths than the VM's value
 * (CTR_EL0, DCZID_EL0, MPIDR_EL1) or not at all (the AArch32 registers of
 * an AArch64 guest stay readable): the run step compares the values the
 * sequence changed.
 */
bool idreg_seq_guest_compares(unsigned int slot);

/* A deterministic generator (xorshift64*; @state never 0). */
uint64_t idreg_seq_rand(uint64_t *state);
/*
 * Sequence number @index of the run with @seed: @nr steps, chosen with
 * the model's dry run over @d.  The same seed, index and defaults give
 * the same sequence.
 */
void idreg_seq_generate(struct idreg_seq *s, const struct idreg_seq_defaults *d,
			uint64_t seed, unsigned int index, unsigned int nr);
/*
 * The same with the step kinds of @kinds only (bit k: enum idreg_step_kind
 * k): idreg_seq_generate() is IDREG_SEQ_BASIC_KINDS, which gives the
 * sequences the explorer gave before the vCPU's devices were steps.
 */
void idreg_seq_generate_kinds(struct idreg_seq *s, const struct idreg_seq_defaults *d,
			      uint64_t seed, unsigned int index, unsigned int nr,
			      unsigned int kinds);

/*
 * Shrink failing @s to a shortest sequence @fails still calls failing:
 * first everything after the failing step @failed_at, then chunks of
 * steps, halving their size down to single steps, until no step can go.
 * Returns the number of times @fails was called (at most @budget).
 */
unsigned int idreg_seq_shrink(struct idreg_seq *s, unsigned int failed_at,
			      bool (*fails)(const struct idreg_seq *s, void *ctx,
					    unsigned int *failed_at),
			      void *ctx, unsigned int budget);

#endif /* IDREGS_SEQUENCE_H */
