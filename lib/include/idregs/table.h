/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The ID register tables: what gen/ produces from the kernel's sysreg file,
 * its cpufeature.c policy tables and Arm's field names (gen/arm_fields.tsv,
 * or Arm's Registers.json when given).
 * The data lives in lib/arch/generated/idreg_table.c; this header is written by
 * hand and is the contract between the generator and the rest of idregs.
 */
#ifndef IDREGS_TABLE_H
#define IDREGS_TABLE_H

#include <stdbool.h>
#include <stdint.h>

/* The feature ID space: op0=3, op1 in {0,1,3}, CRn=0, CRm 0..7, op2 0..7. */
#define IDREG_NR_SLOTS		192

/* Where a register, field or policy was described (a bit mask). */
enum idreg_source {
	IDREG_SRC_SYSREG	= 1 << 0,	/* arch/arm64/tools/sysreg */
	IDREG_SRC_AARCHMRS	= 1 << 1,	/* Arm's field list or Registers.json */
	IDREG_SRC_CPUFEATURE	= 1 << 2,	/* arch/arm64/kernel/cpufeature.c */
	IDREG_SRC_SUPPLEMENT	= 1 << 3,	/* gen/supplement.txt, by hand */
	IDREG_SRC_KVM_OVERRIDE	= 1 << 4,	/* gen/kvm_overrides.txt, by hand */
};

enum idreg_field_kind {
	IDREG_FIELD_PLAIN,		/* "Field": a number, no named values */
	IDREG_FIELD_ENUM,		/* "Enum": named values, not ordered */
	IDREG_FIELD_UNSIGNED_ENUM,	/* ordered, unsigned */
	IDREG_FIELD_SIGNED_ENUM,	/* ordered, two's complement */
	IDREG_FIELD_RES0,
	IDREG_FIELD_RES1,
	IDREG_FIELD_RAZ,
	IDREG_FIELD_UNKN,
};

/* The kernel's arm64_ftr_bits type, as KVM applies it on KVM_SET_ONE_REG. */
enum idreg_policy_type {
	IDREG_POLICY_NONE,		/* no ftr_bits entry: only the limit is safe */
	IDREG_POLICY_EXACT,		/* only safe_val, or the limit */
	IDREG_POLICY_LOWER_SAFE,
	IDREG_POLICY_HIGHER_SAFE,
	IDREG_POLICY_HIGHER_OR_ZERO_SAFE,
};

struct idreg_policy {
	uint8_t type;			/* enum idreg_policy_type */
	bool is_signed;			/* S_ARM64_FTR_BITS: compared signed */
	bool visible;			/* FTR_VISIBLE (to EL0 via emulation) */
	bool strict;			/* FTR_STRICT */
	uint64_t safe_val;		/* the ftr_bits safe value (raw field bits) */
	uint8_t source;			/* enum idreg_source bits */
	const char *override_reason;	/* set when KVM overrides the type */
};

struct idreg_enum_value {
	uint64_t value;			/* raw field bits */
	const char *name;		/* e.g. "IMP", "PAuth2" */
	const char *meaning;		/* Registers.json meaning, or NULL */
};

/*
 * Names: @name is Arm's spelling (AARCHMRS, QEMU's property names) wherever
 * Arm names the field, else the sysreg file's; @kernel_name is the sysreg
 * file's spelling when it differs (e.g. "BIGEND" for "BigEnd"), else NULL.
 */
struct idreg_field {
	const char *name;		/* Arm ARM spelling, e.g. "PAC_frac" */
	const char *kernel_name;	/* the sysreg file's, if different */
	uint8_t lsb;
	uint8_t width;
	uint8_t kind;			/* enum idreg_field_kind */
	bool is_signed;			/* SignedEnum, or signed in cpufeature.c */
	uint8_t source;			/* enum idreg_source bits */
	const struct idreg_enum_value *values;
	uint16_t nr_values;
	struct idreg_policy policy;
};

/*
 * One arm64_ftr_bits entry of the register's cpufeature.c table, in table
 * order, with KVM's overrides applied.  These, not the named fields, are what
 * KVM's arm64_check_features() walks; a named field whose bits match an entry
 * exactly also carries a copy in idreg_field.policy.
 */
struct idreg_ftr_bits {
	uint8_t lsb;
	uint8_t width;
	struct idreg_policy policy;
};

/*
 * A sysreg-file name for bits the table splits into several Arm fields
 * (CLIDR_EL1.Ttypen, bits 46:33, is Arm's Ttype1..Ttype7): accepted in
 * input, and the kernel's spelling of those bits in output.
 */
struct idreg_alias {
	const char *name;
	uint8_t lsb;
	uint8_t width;
};

struct idreg_reg {
	const char *name;		/* e.g. "ID_AA64ISAR0_EL1" */
	uint8_t op0, op1, crn, crm, op2;
	uint8_t source;			/* enum idreg_source bits */
	const struct idreg_field *fields;	/* sorted by lsb, descending */
	uint16_t nr_fields;
	bool has_ftr_reg;		/* cpufeature.c has an ARM64_FTR_REG for it */
	const struct idreg_ftr_bits *ftr_bits;
	uint16_t nr_ftr_bits;
	const struct idreg_alias *aliases;	/* sorted by lsb, descending */
	uint16_t nr_aliases;
};

extern const struct idreg_reg idreg_regs[];
extern const unsigned int idreg_nr_regs;
/* What the tables were generated from, one "key: value" per line. */
extern const char idreg_table_inputs[];

#endif /* IDREGS_TABLE_H */
