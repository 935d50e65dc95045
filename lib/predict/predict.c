// SPDX-License-Identifier: GPL-2.0-only
/*
 * A portable mirror of KVM/arm64's arm64_check_features(), and the
 * classification of a candidate value by what KVM must answer.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>

#include <idregs/field.h>
#include <idregs/predict.h>

int64_t idreg_ftr_value(uint64_t raw, unsigned int width, bool is_signed)
{
	uint64_t v;

	if (!idreg_field_valid(0, width))
		return 0;
	v = idreg_field_get(raw, 0, width);
	if (is_signed)
		v = (uint64_t)idreg_sign_extend(v, width);
	return idreg_sign_extend(v & 0xffffffffULL, 32);
}

/*
 * arm64_ftr_safe_value(); NONE (no ftr_bits entry) has no safe value other
 * than the limit, so it answers the limit.
 */
static int64_t ftr_safe_value(const struct idreg_policy *policy, int64_t new,
			      int64_t cur)
{
	switch (policy->type) {
	case IDREG_POLICY_EXACT:
		return (int64_t)policy->safe_val;
	case IDREG_POLICY_LOWER_SAFE:
		return new < cur ? new : cur;
	case IDREG_POLICY_HIGHER_OR_ZERO_SAFE:
		if (!new || !cur)
			return 0;
		return new > cur ? new : cur;
	case IDREG_POLICY_HIGHER_SAFE:
		return new > cur ? new : cur;
	default:
		return cur;
	}
}

bool idreg_predict_ftr(const struct idreg_policy *policy, unsigned int width,
		       uint64_t limit_raw, uint64_t new_raw)
{
	int64_t f_val = idreg_ftr_value(new_raw, width, policy->is_signed);
	int64_t f_lim = idreg_ftr_value(limit_raw, width, policy->is_signed);

	if (f_val == f_lim)
		return true;
	return ftr_safe_value(policy, f_val, f_lim) == f_val;
}

static void reject(struct idreg_prediction *p, enum idreg_reason reason)
{
	p->accept = false;
	p->err = -EINVAL;
	p->reason = reason;
}

/* The ftr_bits walk; false (and @p filled) at the first unsafe entry. */
static bool check_ftr_bits(const struct idreg_reg *reg, uint64_t writable_mask,
			   uint64_t limit, uint64_t val,
			   struct idreg_prediction *p)
{
	unsigned int i;

	for (i = 0; i < reg->nr_ftr_bits; i++) {
		const struct idreg_ftr_bits *ftr = &reg->ftr_bits[i];
		const struct idreg_policy *pol = &ftr->policy;
		int64_t f_val, f_lim, safe;
		uint64_t ftr_mask;

		/* The kernel's tables end at the first zero width. */
		if (!ftr->width)
			break;
		ftr_mask = idreg_field_mask(ftr->lsb, ftr->width);
		if (!ftr_mask || (ftr_mask & writable_mask) != ftr_mask)
			continue;

		f_val = idreg_ftr_value(val >> ftr->lsb, ftr->width,
					pol->is_signed);
		f_lim = idreg_ftr_value(limit >> ftr->lsb, ftr->width,
					pol->is_signed);
		p->mask |= ftr_mask;

		safe = f_val == f_lim ? f_val : ftr_safe_value(pol, f_val, f_lim);
		if (safe != f_val) {
			reject(p, IDREG_REASON_FTR_FIELD);
			p->ftr = ftr;
			p->f_val = f_val;
			p->f_lim = f_lim;
			p->safe = safe;
			return false;
		}
	}
	return true;
}

bool idreg_predict_reg(const struct idreg_reg *reg, uint64_t writable_mask,
		       uint64_t limit, uint64_t val, bool hidden,
		       struct idreg_prediction *why)
{
	struct idreg_prediction p = { .accept = true };

	/* Same order as arm64_check_features(): RAZ wins over no ftr_reg. */
	if (hidden) {
		if (val) {
			reject(&p, IDREG_REASON_HIDDEN);
			p.diff = val;
		}
	} else if (!reg->has_ftr_reg) {
		reject(&p, IDREG_REASON_NO_FTR_REG);
	} else if (check_ftr_bits(reg, writable_mask, limit, val, &p)) {
		p.diff = (val ^ limit) & ~p.mask;
		if (p.diff)
			reject(&p, IDREG_REASON_OUTSIDE_MASK);
	}

	if (why)
		*why = p;
	return p.accept;
}

const char *idreg_reason_name(enum idreg_reason reason)
{
	switch (reason) {
	case IDREG_REASON_OK:
		return "accepted";
	case IDREG_REASON_HIDDEN:
		return "hidden register";
	case IDREG_REASON_NO_FTR_REG:
		return "no ftr_reg";
	case IDREG_REASON_FTR_FIELD:
		return "unsafe ftr field";
	case IDREG_REASON_OUTSIDE_MASK:
		return "bits outside any writable policy field differ from limit";
	}
	return "?";
}

int idreg_prediction_describe(char *buf, size_t size,
			      const struct idreg_prediction *why)
{
	const char *name = idreg_reason_name(why->reason);
	const struct idreg_ftr_bits *ftr = why->ftr;

	switch (why->reason) {
	case IDREG_REASON_HIDDEN:
	case IDREG_REASON_OUTSIDE_MASK:
		return snprintf(buf, size, "%s (bits 0x%016" PRIx64 ")", name,
				why->diff);
	case IDREG_REASON_FTR_FIELD:
		return snprintf(buf, size,
				"%s [%u:%u]: value %" PRId64 ", limit %" PRId64
				", safe %" PRId64, name,
				ftr->lsb + ftr->width - 1, ftr->lsb,
				why->f_val, why->f_lim, why->safe);
	default:
		return snprintf(buf, size, "%s", name);
	}
}

enum idreg_value_class idreg_classify(const struct idreg_reg *reg,
				      const struct idreg_field *field,
				      uint64_t writable_mask, uint64_t limit,
				      uint64_t raw, bool hidden,
				      struct idreg_prediction *why)
{
	bool accept;
	uint64_t val;

	if (!idreg_field_valid(field->lsb, field->width) ||
	    !idreg_value_fits(raw, field->width))
		return IDREG_VALUE_OUT_OF_RANGE;

	val = idreg_field_set(limit, field->lsb, field->width, raw);
	accept = idreg_predict_reg(reg, writable_mask, limit, val, hidden, why);

	if (field->nr_values && !idreg_enum_name(field, raw))
		return IDREG_VALUE_RESERVED;
	return accept ? IDREG_VALUE_SAFE : IDREG_VALUE_UNSAFE;
}

const char *idreg_value_class_name(enum idreg_value_class cls)
{
	switch (cls) {
	case IDREG_VALUE_SAFE:
		return "safe";
	case IDREG_VALUE_UNSAFE:
		return "unsafe";
	case IDREG_VALUE_RESERVED:
		return "reserved";
	case IDREG_VALUE_OUT_OF_RANGE:
		return "out-of-range";
	}
	return "?";
}
