/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A minimal guest runner for idregs: one memslot holding a vector table and
 * a program of AArch64 instruction words, run at EL1 with the MMU off.  The
 * guest reports through stores to unmapped guest-physical addresses, each
 * of which exits to userspace as KVM_EXIT_MMIO:
 *
 *   x1 = IDREG_GUEST_DATA_GPA	a value (one "step" of the program)
 *   x2 = IDREG_GUEST_DONE_GPA	the program finished
 *   x3 = IDREG_GUEST_EXC_GPA	+ 8 * vector: an exception, ESR_EL1 stored
 *
 * A synchronous exception at EL1 (an MRS KVM refuses becomes UNDEF in the
 * guest) counts as a step with its ESR and resumes 8 bytes after the
 * faulting instruction, i.e. after the "mrs; str" pair of that step.  Any
 * other vector ends the run.  Every run is bounded in exits and wall time.
 */
#ifndef IDREGS_GUEST_H
#define IDREGS_GUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "idregs/kvm.h"
#include "idregs/table.h"

#define IDREG_GUEST_MEM_GPA	0x40000000ULL
#define IDREG_GUEST_MEM_SIZE	0x10000UL	/* a 64K page at most */
#define IDREG_GUEST_CODE_OFFSET	0x1000UL	/* vectors below */
#define IDREG_GUEST_DATA_GPA	0x10000000ULL
#define IDREG_GUEST_DONE_GPA	0x10000008ULL
#define IDREG_GUEST_EXC_GPA	0x10001000ULL

#define IDREG_GUEST_MAX_STEPS	256
#define IDREG_GUEST_TIMEOUT_MS	10000

/* Instruction words. */
#define IDREG_INSN_B_SELF	0x14000000U	/* b . */
#define IDREG_INSN_NOP		0xd503201fU
/* mrs x<rt>, S3_<op1>_C0_C<crm>_<op2> */
uint32_t idreg_insn_mrs_id(unsigned int op1, unsigned int crm, unsigned int op2,
			   unsigned int rt);
/* str x<rt>, [x<rn>, #imm] (imm a multiple of 8 below 32K) */
uint32_t idreg_insn_str(unsigned int rt, unsigned int rn, unsigned int imm);

struct idreg_guest {
	struct idreg_vm *vm;
	void *mem;			/* IDREG_GUEST_MEM_SIZE bytes at MEM_GPA */
	uint32_t *code;			/* at IDREG_GUEST_CODE_OFFSET */
	unsigned int nr_insns, max_insns;
};

struct idreg_guest_limits {
	unsigned int max_exits;		/* 0: steps of the program + slack */
	unsigned int timeout_ms;	/* 0: IDREG_GUEST_TIMEOUT_MS */
};

struct idreg_guest_result {
	uint64_t value[IDREG_GUEST_MAX_STEPS];
	uint64_t esr[IDREG_GUEST_MAX_STEPS];	/* when trapped[] */
	bool trapped[IDREG_GUEST_MAX_STEPS];
	unsigned int nr_steps;
	unsigned int exits;
	bool done;			/* the guest reached its "done" store */
	double seconds;
};

/*
 * Map the guest memory into @vm (memslot 0) and write the vector table.
 * Once per VM.  The program starts empty.
 */
int idreg_guest_init(struct idreg_guest *g, struct idreg_vm *vm);
void idreg_guest_free(struct idreg_guest *g);

/* Replace the program by nothing; append words.  -ENOSPC when full. */
void idreg_guest_reset_program(struct idreg_guest *g);
int idreg_guest_emit(struct idreg_guest *g, uint32_t insn);
/* One step: mrs x0 of the ID register in @slot, then str x0, [x1]. */
int idreg_guest_emit_read_slot(struct idreg_guest *g, unsigned int slot);
/* str xzr, [x2]; b . */
int idreg_guest_emit_done(struct idreg_guest *g);
/*
 * The same in A32 code ("str r0, [r2]; b ."), the only program an AArch32
 * EL1 vCPU (KVM_ARM_VCPU_EL1_32BIT) runs: it starts in SVC mode, and KVM
 * refuses an AArch64 PSTATE for it.
 */
int idreg_guest_emit_done_a32(struct idreg_guest *g);

/*
 * Run the program on @vcpu from its first word (PC, PSTATE = EL1h with
 * DAIF masked, VBAR_EL1, x1-x3 are set first; EL2h and VBAR_EL2 for a vCPU
 * with EL2, AArch32 SVC for an AArch32 EL1 one; the vGIC, if the VM has
 * one, initialised before the first run).  Returns 0 when the guest
 * reached "done"; otherwise a negative errno with vm->last_error saying what
 * happened (exit reason, PC, ESR_EL1): -ETIMEDOUT when the wall-time bound
 * ended it, -ELOOP for too many exits, -EFAULT for an exception other than
 * a synchronous one at EL1, -EIO for an exit the runner does not handle,
 * -ENOSPC for more steps than IDREG_GUEST_MAX_STEPS.  @lim may be NULL.
 * @res holds what the guest reported up to the end in every case.
 */
int idreg_guest_run(struct idreg_guest *g, int vcpu,
		    const struct idreg_guest_limits *lim,
		    struct idreg_guest_result *res);

/*
 * The slots a guest may read: the tables describe the register and
 * KVM_GET_ONE_REG reads it on @vcpu (an MRS of an encoding KVM does not
 * know would be UNDEF in the guest).  Fills @slots in slot order, returns
 * how many.
 */
unsigned int idreg_guest_readable_slots(struct idreg_vm *vm, int vcpu,
					unsigned int slots[IDREG_NR_SLOTS]);

/* What the guest read; per slot, valid where read[slot]. */
struct idreg_guest_view {
	uint64_t val[IDREG_NR_SLOTS];
	uint64_t esr[IDREG_NR_SLOTS];
	bool read[IDREG_NR_SLOTS];	/* the guest stored a value */
	bool trapped[IDREG_NR_SLOTS];	/* the MRS took an exception */
	unsigned int exits;
	double seconds;
};

/*
 * Program the guest to read @nr slots and run it on @vcpu: the return value
 * and last_error are idreg_guest_run()'s.
 */
int idreg_guest_read_slots(struct idreg_guest *g, int vcpu,
			   const unsigned int *slots, unsigned int nr,
			   const struct idreg_guest_limits *lim,
			   struct idreg_guest_view *view);

/* The steps that read @nr slots, for a program that does more after them. */
int idreg_guest_emit_read_slots(struct idreg_guest *g, const unsigned int *slots, unsigned int nr);

/* @view from the first @nr steps of @res, a program's reads of @slots. */
void idreg_guest_view_fill(struct idreg_guest_view *view, const struct idreg_guest_result *res,
			   const unsigned int *slots, unsigned int nr);

#endif /* IDREGS_GUEST_H */
