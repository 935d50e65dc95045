/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Predict whether KVM/arm64 accepts a feature ID register value on
 * KVM_SET_ONE_REG: a mirror of arm64_check_features() in
 * arch/arm64/kvm/sys_regs.c (Linux 7.3), driven by the ftr_bits tables.
 *
 * The checks and rewrites of the register-specific .set_user hooks that run
 * before arm64_check_features(), the implementation ID registers, CLIDR_EL1
 * and the write-ignored AArch32 ID registers are lib/predict/kvm_rules.c's
 * (idreg_kvm_predict()), on top of this.
 *
 * All functions are pure: no global state, no allocation.
 */
#ifndef IDREGS_PREDICT_H
#define IDREGS_PREDICT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <idregs/table.h>

/*
 * A field value as KVM compares it (arm64_ftr_value()): @raw's low @width
 * bits, sign-extended if @is_signed, then passed through a 32-bit C int as
 * cpuid_feature_extract_field_width() does.  The int only matters for
 * entries of 32 bits or more: a 32-bit unsigned field then compares signed.
 */
int64_t idreg_ftr_value(uint64_t raw, unsigned int width, bool is_signed);

/*
 * Would KVM accept @new_raw for one ftr_bits entry whose limit is
 * @limit_raw?  Equal values are always accepted; IDREG_POLICY_NONE accepts
 * nothing else.  EXACT compares against policy->safe_val as stored (raw),
 * like the kernel, even for a signed entry.
 */
bool idreg_predict_ftr(const struct idreg_policy *policy, unsigned int width,
		       uint64_t limit_raw, uint64_t new_raw);

enum idreg_reason {
	IDREG_REASON_OK,
	IDREG_REASON_HIDDEN,		/* RAZ register: only 0 is accepted */
	IDREG_REASON_NO_FTR_REG,	/* no arm64_ftr_reg: always -EINVAL */
	IDREG_REASON_FTR_FIELD,		/* a writable ftr_bits entry is unsafe */
	IDREG_REASON_OUTSIDE_MASK,	/* non-writable bits differ from limit */
};

struct idreg_prediction {
	bool accept;
	int err;			/* 0, or -EINVAL as KVM_SET_ONE_REG */
	enum idreg_reason reason;
	/* IDREG_REASON_FTR_FIELD: the first unsafe entry, in table order. */
	const struct idreg_ftr_bits *ftr;
	int64_t f_val, f_lim, safe;	/* what KVM compared for it */
	/* HIDDEN: the non-zero bits; OUTSIDE_MASK: bits differing from limit */
	uint64_t diff;
	/* Bits of the ftr_bits entries wholly inside the writable mask. */
	uint64_t mask;
};

/*
 * The arm64_check_features() verdict for writing @val when KVM's default
 * (the value read right after VM creation, not the last value written) is
 * @limit.  @hidden: the register is visible as RAZ (ID_UNALLOCATED,
 * ID_HIDDEN, ID_AA64ZFR0_EL1 without SVE).  Entries that are only partly
 * inside @writable_mask are skipped, so their bits must equal @limit.
 * @why may be NULL.  Returns why->accept.
 */
bool idreg_predict_reg(const struct idreg_reg *reg, uint64_t writable_mask,
		       uint64_t limit, uint64_t val, bool hidden,
		       struct idreg_prediction *why);

const char *idreg_reason_name(enum idreg_reason reason);
/* One line for humans; snprintf semantics (returns the untruncated length). */
int idreg_prediction_describe(char *buf, size_t size,
			      const struct idreg_prediction *why);

/*
 * Classes of a candidate value for one named field, decided in this order:
 *   1. OUT_OF_RANGE: the raw value does not fit in the field's width (or
 *      the field itself does not fit in 64 bits);
 *   2. RESERVED: the field has named values and this is none of them;
 *   3. SAFE: idreg_predict_reg() accepts the limit with only this field
 *      replaced by the value;
 *   4. UNSAFE: otherwise.
 * RESERVED beats the prediction because it is a statement about the
 * architecture, not about KVM: KVM knows no value names and may accept a
 * reserved value (e.g. one equal to the limit); the prediction for it is
 * still available through @why.
 */
enum idreg_value_class {
	IDREG_VALUE_SAFE,
	IDREG_VALUE_UNSAFE,
	IDREG_VALUE_RESERVED,
	IDREG_VALUE_OUT_OF_RANGE,
};

/*
 * Classify @raw for @field of @reg.  @why (may be NULL) receives the
 * prediction for the whole register value; it is left untouched for
 * OUT_OF_RANGE, where no register value can be formed.
 */
enum idreg_value_class idreg_classify(const struct idreg_reg *reg,
				      const struct idreg_field *field,
				      uint64_t writable_mask, uint64_t limit,
				      uint64_t raw, bool hidden,
				      struct idreg_prediction *why);
const char *idreg_value_class_name(enum idreg_value_class cls);

#endif /* IDREGS_PREDICT_H */
