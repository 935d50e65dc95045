/* SPDX-License-Identifier: GPL-2.0-only */
/* idregs-guest: what start.S and guest.c give each other. */
#ifndef IDREGS_GUEST_H
#define IDREGS_GUEST_H

/* One slot's read: its value, or undef = 1 if the MRS was UNDEFINED. */
struct id_read {
	unsigned long val;
	unsigned long undef;
};

/* start.S: read slot idx (op1 index * 64 + CRm * 8 + op2). */
struct id_read read_id(unsigned int idx);

/* guest.c: called by start.S. */
void main(void);
void fatal_exception(unsigned long esr, unsigned long elr);

/* ESR_EL1 of the last UNDEFINED read, stored by start.S. */
extern unsigned long last_esr;

#endif
