// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for lib/arch/field.c and lib/arch/table.c, on hand-built tables.
 */
#include <errno.h>
#include <stdlib.h>

#include <idregs/field.h>
#include <idregs/util.h>

#include "unit.h"

static const struct idreg_enum_value pac_values[] = {
	{ .value = 0, .name = "NI" },
	{ .value = 1, .name = "PAuth" },
	{ .value = 3, .name = "PAuth2" },
};

static const struct idreg_field isar2_fields[] = {
	{ .name = "PAC_frac", .lsb = 24, .width = 4,
	  .kind = IDREG_FIELD_UNSIGNED_ENUM, .values = pac_values,
	  .nr_values = 3 },
	{ .name = "WFxT", .lsb = 0, .width = 4 },
};

/* "ID_X_EL1" + "A_B" and "ID_X_EL1_A" + "B" make the split ambiguous. */
static const struct idreg_field x_fields[] = {
	{ .name = "A_B", .lsb = 4, .width = 4 },
	{ .name = "C", .lsb = 0, .width = 4 },
};

static const struct idreg_field x_a_fields[] = {
	{ .name = "B", .lsb = 0, .width = 4 },
};

static const struct idreg_reg regs[] = {
	{ .name = "ID_AA64ISAR2_EL1", .op0 = 3, .op1 = 0, .crn = 0, .crm = 6,
	  .op2 = 2, .fields = isar2_fields, .nr_fields = 2 },
	{ .name = "ID_X_EL1", .op0 = 3, .op1 = 3, .crn = 0, .crm = 7,
	  .op2 = 7, .fields = x_fields, .nr_fields = 2 },
	{ .name = "ID_X_EL1_A", .op0 = 3, .op1 = 1, .crn = 0, .crm = 0,
	  .op2 = 0, .fields = x_a_fields, .nr_fields = 1 },
};

#define NR_REGS	ARRAY_SIZE(regs)

static void test_masks(void)
{
	UNIT_EQ_U64(idreg_field_mask(4, 4), 0xf0, "mask [7:4]");
	UNIT_EQ_U64(idreg_field_mask(0, 64), ~0ULL, "mask of all 64 bits");
	UNIT_EQ_U64(idreg_field_mask(63, 1), 1ULL << 63, "mask of bit 63");
	UNIT_EQ_U64(idreg_field_mask(60, 8), 0, "mask past bit 63 is empty");
	UNIT_OK(idreg_field_valid(60, 4), "[63:60] is valid");
	UNIT_OK(!idreg_field_valid(61, 4), "[64:61] is not valid");
	UNIT_OK(!idreg_field_valid(0, 0), "zero width is not valid");
	UNIT_OK(!idreg_field_valid(64, 1), "lsb 64 is not valid");
	UNIT_OK(idreg_value_fits(0xf, 4) && !idreg_value_fits(0x10, 4),
		"0xf fits 4 bits, 0x10 does not");
	UNIT_OK(idreg_value_fits(~0ULL, 64), "anything fits 64 bits");
}

static void test_get_set(void)
{
	uint64_t reg = 0x1234f00000000021ULL;

	UNIT_EQ_U64(idreg_field_get(reg, 44, 4), 0xf, "get raw [47:44]");
	UNIT_EQ_I64(idreg_field_get_signed(reg, 44, 4), -1,
		    "get signed [47:44] of 0xf is -1");
	UNIT_EQ_U64(idreg_field_get(reg, 48, 16), 0x1234, "get raw [63:48]");
	UNIT_EQ_I64(idreg_field_get_signed(reg, 0, 4), 1,
		    "get signed 0x1 is 1");
	UNIT_EQ_I64(idreg_field_get_signed(reg, 4, 4), 2,
		    "get signed 0x2 is 2");
	UNIT_EQ_I64(idreg_sign_extend(0x8, 4), -8, "sign-extend 0x8/4 = -8");
	UNIT_EQ_I64(idreg_sign_extend(0x7, 4), 7, "sign-extend 0x7/4 = 7");
	UNIT_EQ_I64(idreg_sign_extend(~0ULL, 64), -1, "sign-extend 64 bits");
	UNIT_EQ_U64(idreg_field_set(reg, 44, 4, 0x3), 0x1234300000000021ULL,
		    "set [47:44] = 3");
	UNIT_EQ_U64(idreg_field_set(0, 4, 4, 0x1f), 0xf0,
		    "set drops bits above the width");
	UNIT_EQ_U64(idreg_field_set(0x5, 0, 64, ~0ULL), ~0ULL,
		    "set all 64 bits");
}

static void test_slots(void)
{
	struct idreg_encoding enc;
	unsigned int idx, bad = 0;

	for (idx = 0; idx < IDREG_NR_SLOTS; idx++) {
		if (idreg_slot_encoding(idx, &enc) ||
		    idreg_slot_index(enc.op0, enc.op1, enc.crn, enc.crm,
				     enc.op2) != (int)idx)
			bad++;
	}
	UNIT_EQ_U64(bad, 0, "slot index round trip for all 192 slots");

	UNIT_EQ_I64(idreg_slot_index(3, 0, 0, 4, 0), 32,
		    "ID_AA64PFR0_EL1 is slot 32");
	UNIT_EQ_I64(idreg_slot_index(3, 3, 0, 0, 1), 129,
		    "CTR_EL0 is slot 129");
	UNIT_EQ_I64(idreg_slot_index(3, 1, 0, 0, 4), 68,
		    "GMID_EL1 is slot 68");
	UNIT_EQ_I64(idreg_slot_index(3, 2, 0, 0, 0), -1, "op1 2 is outside");
	UNIT_EQ_I64(idreg_slot_index(3, 4, 0, 0, 0), -1, "op1 4 is outside");
	UNIT_EQ_I64(idreg_slot_index(2, 0, 0, 1, 0), -1, "op0 2 is outside");
	UNIT_EQ_I64(idreg_slot_index(3, 0, 1, 0, 0), -1, "CRn 1 is outside");
	UNIT_EQ_I64(idreg_slot_index(3, 0, 0, 8, 0), -1, "CRm 8 is outside");
	UNIT_EQ_I64(idreg_slot_index(3, 0, 0, 0, 8), -1, "op2 8 is outside");
	UNIT_EQ_I64(idreg_slot_encoding(IDREG_NR_SLOTS, &enc), -1,
		    "slot 192 has no encoding");
	UNIT_EQ_I64(idreg_reg_slot(&regs[0]), 50, "ID_AA64ISAR2_EL1 slot");
}

static void test_lookup(void)
{
	struct idreg_encoding enc = { 3, 3, 0, 7, 7 };
	const struct idreg_reg *isar2 = &regs[0];

	UNIT_OK(idreg_reg_by_name_in(regs, NR_REGS, "ID_X_EL1") == &regs[1],
		"register by name");
	UNIT_OK(!idreg_reg_by_name_in(regs, NR_REGS, "ID_X"),
		"no register by a name prefix");
	UNIT_OK(idreg_reg_by_encoding_in(regs, NR_REGS, &enc) == &regs[1],
		"register by encoding");
	enc.op2 = 6;
	UNIT_OK(!idreg_reg_by_encoding_in(regs, NR_REGS, &enc),
		"no register at an empty encoding");
	UNIT_OK(idreg_field_by_name(isar2, "PAC_frac") == &isar2_fields[0],
		"field by name");
	UNIT_OK(!idreg_field_by_name(isar2, "pac_frac"),
		"field names are case-sensitive");
	UNIT_EQ_STR(idreg_enum_name(&isar2_fields[0], 3), "PAuth2",
		    "enum name of 3");
	UNIT_EQ_STR(idreg_enum_name(&isar2_fields[0], 2), NULL,
		    "no enum name for 2");
}

static void test_prop_names(void)
{
	const struct idreg_reg *reg;
	const struct idreg_field *field;
	unsigned int i, j, bad = 0;
	char buf[64];
	int ret;

	ret = idreg_prop_format(buf, sizeof(buf), &regs[0], &isar2_fields[0]);
	UNIT_EQ_STR(buf, "SYSREG_ID_AA64ISAR2_EL1_PAC_frac", "format");
	UNIT_EQ_I64(ret, (int64_t)strlen(buf), "format returns the length");
	UNIT_EQ_I64(idreg_prop_format(buf, 8, &regs[0], &isar2_fields[0]), -1,
		    "format reports truncation");

	ret = idreg_prop_parse_in(regs, NR_REGS,
				  "SYSREG_ID_AA64ISAR2_EL1_PAC_frac",
				  &reg, &field);
	UNIT_OK(!ret && reg == &regs[0] && field == &isar2_fields[0],
		"parse SYSREG_ID_AA64ISAR2_EL1_PAC_frac");

	/* Without ID_X_EL1_A, whose names are ambiguous on purpose. */
	for (i = 0; i < NR_REGS - 1; i++) {
		for (j = 0; j < regs[i].nr_fields; j++) {
			idreg_prop_format(buf, sizeof(buf), &regs[i],
					  &regs[i].fields[j]);
			if (idreg_prop_parse_in(regs, NR_REGS - 1, buf, &reg,
						&field) ||
			    reg != &regs[i] || field != &regs[i].fields[j])
				bad++;
		}
	}
	UNIT_EQ_U64(bad, 0, "format/parse round trip of every field");

	ret = idreg_prop_parse_in(regs, NR_REGS, "SYSREG_ID_X_EL1_C",
				  &reg, &field);
	UNIT_OK(!ret && reg == &regs[1] && field == &x_fields[1],
		"parse picks the register that has the field");
	ret = idreg_prop_parse_in(regs, NR_REGS, "SYSREG_ID_X_EL1_A_B",
				  &reg, &field);
	UNIT_OK(!ret && reg == &regs[2] && field == &x_a_fields[0],
		"ambiguous split: the longest register name wins");
	ret = idreg_prop_parse_in(regs, NR_REGS, "SYSREG_ID_AA64ISAR2_EL1_Nope",
				  &reg, &field);
	UNIT_OK(ret == -ENOENT && reg == &regs[0] && !field,
		"unknown field: -ENOENT, register still named");
	ret = idreg_prop_parse_in(regs, NR_REGS, "SYSREG_ID_NOPE_EL1_X",
				  &reg, &field);
	UNIT_OK(ret == -ENOENT && !reg && !field, "unknown register: -ENOENT");
	ret = idreg_prop_parse_in(regs, NR_REGS, "ID_AA64ISAR2_EL1_PAC_frac",
				  &reg, &field);
	UNIT_EQ_I64(ret, -EINVAL, "missing SYSREG_ prefix: -EINVAL");
	ret = idreg_prop_parse_in(regs, NR_REGS, "SYSREG_ID_AA64ISAR2_EL1",
				  &reg, &field);
	UNIT_EQ_I64(ret, -ENOENT, "register without a field: -ENOENT");
}

int main(void)
{
	test_masks();
	test_get_set();
	test_slots();
	test_lookup();
	test_prop_names();
	return unit_done();
}
