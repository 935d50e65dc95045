// SPDX-License-Identifier: GPL-2.0-only
/*
 * Field arithmetic and the feature ID space slot index.
 */
#include <idregs/field.h>

bool idreg_field_valid(unsigned int lsb, unsigned int width)
{
	return width >= 1 && width <= 64 && lsb < 64 && lsb + width <= 64;
}

bool idreg_value_fits(uint64_t value, unsigned int width)
{
	if (width >= 64)
		return true;
	return (value >> width) == 0;
}

/* Shifting a 64-bit value by 64 is undefined, so a full width is special. */
static uint64_t low_mask(unsigned int width)
{
	if (width >= 64)
		return ~0ULL;
	return (1ULL << width) - 1;
}

uint64_t idreg_field_mask(unsigned int lsb, unsigned int width)
{
	if (!idreg_field_valid(lsb, width))
		return 0;
	return low_mask(width) << lsb;
}

uint64_t idreg_field_get(uint64_t reg, unsigned int lsb, unsigned int width)
{
	if (!idreg_field_valid(lsb, width))
		return 0;
	return (reg >> lsb) & low_mask(width);
}

int64_t idreg_sign_extend(uint64_t raw, unsigned int width)
{
	uint64_t sign;

	if (width == 0)
		return 0;
	if (width >= 64)
		return (int64_t)raw;
	raw &= low_mask(width);
	sign = 1ULL << (width - 1);
	/* (raw ^ sign) - sign: no implementation-defined shifts or casts. */
	return (int64_t)((raw ^ sign) - sign);
}

int64_t idreg_field_get_signed(uint64_t reg, unsigned int lsb,
			       unsigned int width)
{
	if (!idreg_field_valid(lsb, width))
		return 0;
	return idreg_sign_extend(idreg_field_get(reg, lsb, width), width);
}

uint64_t idreg_field_set(uint64_t reg, unsigned int lsb, unsigned int width,
			 uint64_t raw)
{
	uint64_t mask = idreg_field_mask(lsb, width);

	return (reg & ~mask) | ((raw << lsb) & mask);
}

static int op1_to_idx(unsigned int op1)
{
	switch (op1) {
	case 0:
		return 0;
	case 1:
		return 1;
	case 3:
		return 2;
	default:
		return -1;
	}
}

int idreg_slot_index(unsigned int op0, unsigned int op1, unsigned int crn,
		     unsigned int crm, unsigned int op2)
{
	int op1_idx = op1_to_idx(op1);

	if (op0 != 3 || op1_idx < 0 || crn != 0 || crm > 7 || op2 > 7)
		return -1;
	return op1_idx * 64 + (int)(crm * 8 + op2);
}

int idreg_slot_encoding(unsigned int idx, struct idreg_encoding *enc)
{
	static const uint8_t idx_to_op1[] = { 0, 1, 3 };

	if (idx >= IDREG_NR_SLOTS)
		return -1;
	enc->op0 = 3;
	enc->op1 = idx_to_op1[idx / 64];
	enc->crn = 0;
	enc->crm = (idx / 8) % 8;
	enc->op2 = idx % 8;
	return 0;
}

bool idreg_is_aarch32_slot(unsigned int slot)
{
	struct idreg_encoding e;

	if (idreg_slot_encoding(slot, &e))
		return false;
	return e.op1 == 0 && e.crm >= 1 && e.crm <= 3;
}

int idreg_reg_slot(const struct idreg_reg *reg)
{
	return idreg_slot_index(reg->op0, reg->op1, reg->crn, reg->crm,
				reg->op2);
}

const char *idreg_policy_str(uint8_t type)
{
	switch (type) {
	case IDREG_POLICY_NONE:
		return "none";
	case IDREG_POLICY_EXACT:
		return "exact";
	case IDREG_POLICY_LOWER_SAFE:
		return "lower-safe";
	case IDREG_POLICY_HIGHER_SAFE:
		return "higher-safe";
	case IDREG_POLICY_HIGHER_OR_ZERO_SAFE:
		return "higher-or-zero-safe";
	}
	return "?";
}
