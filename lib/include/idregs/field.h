/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Field arithmetic on 64-bit ID register values, the 192-slot index of the
 * feature ID space, and look-ups in the ID register tables (lib/arch/table.c).
 */
#ifndef IDREGS_FIELD_H
#define IDREGS_FIELD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <idregs/table.h>

/* The property name prefix: SYSREG_<REG>_<FIELD>. */
#define IDREG_PROP_PREFIX	"SYSREG_"

/*
 * The spelling field names are printed in (properties, messages, JSON):
 * Arm's, as QEMU's host-model properties are named, or the kernel's sysreg
 * file's, as earlier revisions of that QEMU series named them.  Input
 * accepts either.  One setting for the process; Arm's by default.
 */
enum idreg_names {
	IDREG_NAMES_ARM,
	IDREG_NAMES_KERNEL,
};

void idreg_set_names(enum idreg_names names);
enum idreg_names idreg_get_names(void);
/* @field's name in the chosen spelling. */
const char *idreg_field_name(const struct idreg_field *field);
/* "none", "exact", "lower-safe", "higher-safe", "higher-or-zero-safe". */
const char *idreg_policy_str(uint8_t type);
/* Fields that carry a value; RES0/RES1/RAZ/UNKN do not. */
bool idreg_field_is_named(const struct idreg_field *field);

struct idreg_encoding {
	uint8_t op0, op1, crn, crm, op2;
};

/* lsb/width describe a field inside 64 bits: width >= 1, lsb + width <= 64. */
bool idreg_field_valid(unsigned int lsb, unsigned int width);
/* Does @value fit in a field of @width bits (raw, unsigned)? */
bool idreg_value_fits(uint64_t value, unsigned int width);

uint64_t idreg_field_mask(unsigned int lsb, unsigned int width);
uint64_t idreg_field_get(uint64_t reg, unsigned int lsb, unsigned int width);
int64_t idreg_field_get_signed(uint64_t reg, unsigned int lsb,
			       unsigned int width);
/* Two's complement of @raw as a @width-bit number. */
int64_t idreg_sign_extend(uint64_t raw, unsigned int width);
/* @reg with the field replaced by @raw; bits of @raw above @width dropped. */
uint64_t idreg_field_set(uint64_t reg, unsigned int lsb, unsigned int width,
			 uint64_t raw);

/*
 * Slot index of the feature ID space, as KVM_ARM_GET_REG_WRITABLE_MASKS lays
 * it out: op1_idx * 64 + CRm * 8 + op2, op1_idx = 0, 1, 2 for op1 = 0, 1, 3.
 * Returns -1 for an encoding outside op0=3, op1 in {0,1,3}, CRn=0, CRm<8.
 */
int idreg_slot_index(unsigned int op0, unsigned int op1, unsigned int crn,
		     unsigned int crm, unsigned int op2);
/* Returns 0 and fills @enc, or -1 if @idx >= IDREG_NR_SLOTS. */
int idreg_slot_encoding(unsigned int idx, struct idreg_encoding *enc);
/* The AArch32 ID registers' slots: op1 0, CRm 1..3. */
bool idreg_is_aarch32_slot(unsigned int slot);
int idreg_reg_slot(const struct idreg_reg *reg);

/*
 * Table look-ups.  The _in variants search the given table, the others
 * the generated idreg_regs[].  All return NULL when nothing matches.
 */
const struct idreg_reg *idreg_reg_by_name_in(const struct idreg_reg *regs,
					     unsigned int nr,
					     const char *name);
const struct idreg_reg *idreg_reg_by_encoding_in(const struct idreg_reg *regs,
						 unsigned int nr,
						 const struct idreg_encoding *enc);
const struct idreg_reg *idreg_reg_by_name(const char *name);
const struct idreg_reg *idreg_reg_by_encoding(const struct idreg_encoding *enc);
const struct idreg_reg *idreg_reg_by_slot(unsigned int idx);

/* By either spelling, exactly (idreg_field.name or .kernel_name). */
const struct idreg_field *idreg_field_by_name(const struct idreg_reg *reg,
					      const char *name);
/* A kernel name of bits several Arm fields share (idreg_alias), or NULL. */
const struct idreg_alias *idreg_alias_by_name(const struct idreg_reg *reg,
					      const char *name);
/*
 * A slot's name for messages: the table's register name, or
 * "S3_<op1>_C0_C<crm>_<op2>" (written into @buf) for a slot no table knows.
 */
const char *idreg_slot_name(unsigned int slot, char *buf, size_t size);

/* The named value of @raw in @field, or NULL if it has none. */
const char *idreg_enum_name(const struct idreg_field *field, uint64_t raw);

/*
 * Format "SYSREG_<REG>_<FIELD>" into @buf, FIELD in the chosen spelling.
 * Returns the length, or -1 if it does not fit in @size (then @buf holds a
 * truncated string if size > 0).
 */
int idreg_prop_format(char *buf, size_t size, const struct idreg_reg *reg,
		      const struct idreg_field *field);
int idreg_prop_format_alias(char *buf, size_t size, const struct idreg_reg *reg,
			    const struct idreg_alias *alias);
/*
 * Split a property name into register and field.  Register names contain
 * underscores, so the split is found by matching against the table; when
 * several registers prefix the name, the one that also has the field wins.
 * Returns 0, -EINVAL without the SYSREG_ prefix, or -ENOENT when no
 * register/field pair matches (then *@reg is the longest register prefix,
 * or NULL, to help error messages).
 */
int idreg_prop_parse_in(const struct idreg_reg *regs, unsigned int nr,
			const char *prop, const struct idreg_reg **reg,
			const struct idreg_field **field);
int idreg_prop_parse(const char *prop, const struct idreg_reg **reg,
		     const struct idreg_field **field);
/*
 * As idreg_prop_parse(), and a register's aliases match too: on success
 * exactly one of *@field and *@alias is set.
 */
int idreg_prop_lookup_in(const struct idreg_reg *regs, unsigned int nr,
			 const char *prop, const struct idreg_reg **reg,
			 const struct idreg_field **field,
			 const struct idreg_alias **alias);
int idreg_prop_lookup(const char *prop, const struct idreg_reg **reg,
		      const struct idreg_field **field,
		      const struct idreg_alias **alias);
/*
 * The property name nearest to @prop (either spelling, or an alias; a
 * change of case counts half an edit), written into @buf; NULL when none
 * is within three edits.
 */
const char *idreg_prop_suggest_in(const struct idreg_reg *regs,
				  unsigned int nr, const char *prop,
				  char *buf, size_t size);
const char *idreg_prop_suggest(const char *prop, char *buf, size_t size);

#endif /* IDREGS_FIELD_H */
