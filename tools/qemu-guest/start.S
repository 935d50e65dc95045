/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * idregs-guest: entry, exception vectors and the 192 ID register reads of
 * a bare-metal guest for QEMU's -M virt (tools/qemu-guest/guest.c prints).
 *
 * Every slot op0=3, op1 in {0, 1, 3}, CRn=0, CRm 0..7, op2 0..7 has a stub
 * of four instructions (16 bytes) in id_stubs, in that order: x1 = 0, MRS
 * into x0, return.  A stub whose MRS is UNDEFINED traps to the synchronous
 * vector, which sets x1 = 1 and returns past the MRS.  read_id(idx) returns
 * the pair {x0, x1} (struct id_read in guest.c, AAPCS64 returns it in x0/x1).
 */

	.section .text.start, "ax"
	.global _start
_start:
	/* Exceptions to our vectors, a stack, a clean bss: then main(). */
	adr	x0, vectors
	msr	vbar_el1, x0
	isb
	adr	x0, stack_top
	mov	sp, x0
	adr	x0, __bss_start
	adr	x1, __bss_end
1:	cmp	x0, x1
	b.hs	2f
	str	xzr, [x0], #8
	b	1b
2:	bl	main
3:	wfi
	b	3b

	.text
	.global read_id
read_id:
	adr	x9, id_stubs
	add	x9, x9, x0, lsl #4
	br	x9

	.macro	id_stub op1, crm, op2
	mov	x1, #0
	mrs	x0, S3_\op1\()_C0_C\crm\()_\op2
	ret
	nop
	.endm

	.balign	16
id_stubs:
	.irp	op1, 0, 1, 3
	.irp	crm, 0, 1, 2, 3, 4, 5, 6, 7
	.irp	op2, 0, 1, 2, 3, 4, 5, 6, 7
	id_stub	\op1, \crm, \op2
	.endr
	.endr
	.endr
id_stubs_end:

/*
 * A synchronous exception from EL1 with SP_EL1: the MRS of a stub is
 * skipped and reported through x1; anything else is fatal (guest.c prints
 * ESR_EL1 and ELR_EL1 and powers off).
 */
sync_el1h:
	mrs	x9, elr_el1
	adr	x10, id_stubs
	cmp	x9, x10
	b.lo	unexpected
	adr	x10, id_stubs_end
	cmp	x9, x10
	b.hs	unexpected
	mrs	x10, esr_el1
	adr	x11, last_esr
	str	x10, [x11]
	add	x9, x9, #4
	msr	elr_el1, x9
	mov	x1, #1
	eret

unexpected:
	mrs	x0, esr_el1
	mrs	x1, elr_el1
	b	fatal_exception

	.macro	vector target
	.balign	0x80
	b	\target
	.endm

	.balign	0x800
vectors:
	vector	unexpected	/* current EL, SP_EL0: sync */
	vector	unexpected	/* IRQ */
	vector	unexpected	/* FIQ */
	vector	unexpected	/* SError */
	vector	sync_el1h	/* current EL, SP_ELx: sync */
	vector	unexpected
	vector	unexpected
	vector	unexpected
	.rept	8		/* lower ELs, AArch64 and AArch32 */
	vector	unexpected
	.endr

	.bss
	.balign	16
	.space	16384
stack_top:
