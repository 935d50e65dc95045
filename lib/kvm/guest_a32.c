// SPDX-License-Identifier: GPL-2.0-only
/*
 * The AArch32 EL1 guest: hand-assembled A32 code that reads the AArch32 ID
 * registers, run by the guest runner of guest.c (idregs/guest_a32.h).
 */
#include <errno.h>
#include <string.h>

#include "idregs/field.h"
#include "idregs/guest_a32.h"
#include "idregs/util.h"

/*
 * The A32 vector table at VBAR (offset 0 of guest memory), over the
 * AArch64 one: vector v branches to its handler.  The undefined
 * instruction handler (vector 1) reports a trapped step where the AArch64
 * guest reports its synchronous exception (exception address + 8 * 4) and
 * resumes after the step's store; the others report at + 8 * (8 + v) and
 * stop.
 */
#define A32_VECTORS		8
#define A32_VECTOR_UNDEF	1
#define A32_UNDEF_HANDLER	0x20
#define A32_OTHER_HANDLER(v)	(0x40 + 8 * (v))
#define A32_EXC_SYNC_OFFSET	32	/* guest.c: 8 * VECTOR_SYNC_EL1H */

static void write_a32_vectors(uint32_t *mem)
{
	unsigned int v;

	for (v = 0; v < A32_VECTORS; v++) {
		uint32_t h = v == A32_VECTOR_UNDEF ? A32_UNDEF_HANDLER : A32_OTHER_HANDLER(v);

		mem[v] = idreg_a32_b(4 * v, h);
		if (v == A32_VECTOR_UNDEF)
			continue;
		mem[h / 4] = idreg_a32_str(14, 3, 8 * (8 + v));
		mem[h / 4 + 1] = IDREG_A32_B_SELF;
	}
	mem[A32_UNDEF_HANDLER / 4] = idreg_a32_str(14, 3, A32_EXC_SYNC_OFFSET);
	mem[A32_UNDEF_HANDLER / 4 + 1] = IDREG_A32_ADD_LR_4;
	mem[A32_UNDEF_HANDLER / 4 + 2] = IDREG_A32_MOVS_PC_LR;
}

/* CPACR.cp10/cp11 full access, then FPEXC.EN: what VMRS of MVFRn needs. */
static int emit_fp_enable(struct idreg_guest *g)
{
	return idreg_guest_emit(g, idreg_a32_mrc(15, 0, 0, 1, 0, 2)) ?:
	       idreg_guest_emit(g, IDREG_A32_ORR_R0_CP10_11) ?:
	       idreg_guest_emit(g, idreg_a32_mcr(15, 0, 0, 1, 0, 2)) ?:
	       idreg_guest_emit(g, IDREG_A32_ISB) ?:
	       idreg_guest_emit(g, IDREG_A32_MOV_R0_FPEXC_EN) ?:
	       idreg_guest_emit(g, IDREG_A32_VMSR_FPEXC_R0) ?:
	       idreg_guest_emit(g, IDREG_A32_ISB);
}

int idreg_guest_a32_read(struct idreg_guest *g, int vcpu, const struct idreg_guest_limits *lim,
			 struct idreg_guest_view *view)
{
	static struct idreg_guest_result res;
	unsigned int i;
	int r;

	memset(view, 0, sizeof(*view));
	if (!(g->vm->features & IDREG_VCPU_AARCH32))
		return idreg_vm_fail(g->vm, EINVAL, "the A32 guest needs an AArch32 EL1 vCPU");
	write_a32_vectors(g->mem);
	idreg_guest_reset_program(g);
	r = emit_fp_enable(g);
	for (i = 0; i < IDREG_A32_NR_REGS && !r; i++)
		r = idreg_guest_emit(g, idreg_a32_read_insn(&idreg_a32_regs[i])) ?:
		    idreg_guest_emit(g, idreg_a32_str(0, 1, 0));
	r = r ?: idreg_guest_emit_done_a32(g);
	if (r)
		return r;
	r = idreg_guest_run(g, vcpu, lim, &res);
	for (i = 0; i < res.nr_steps && i < IDREG_A32_NR_REGS; i++) {
		const struct idreg_a32_reg *a = &idreg_a32_regs[i];
		int slot = idreg_slot_index(3, a->op1, 0, a->crm, a->op2);

		if (slot < 0)
			continue;
		view->trapped[slot] = res.trapped[i];
		view->read[slot] = !res.trapped[i];
		view->val[slot] = res.value[i] & 0xffffffffULL;
		view->esr[slot] = res.esr[i];
	}
	view->exits = res.exits;
	view->seconds = res.seconds;
	if (!r && res.nr_steps != IDREG_A32_NR_REGS)
		r = idreg_vm_fail(g->vm, EPROTO,
				  "A32 guest on vcpu %d reported %u values for %d registers",
				  vcpu, res.nr_steps, IDREG_A32_NR_REGS);
	return r;
}
