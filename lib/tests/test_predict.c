// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for lib/predict/predict.c, on hand-built tables.
 */
#include <errno.h>
#include <stdlib.h>

#include <idregs/candidates.h>
#include <idregs/field.h>
#include <idregs/predict.h>
#include <idregs/util.h>

#include "unit.h"


#define POLICY(t, s, safe)	{ .type = (t), .is_signed = (s), .safe_val = (safe) }

static const struct idreg_policy none = POLICY(IDREG_POLICY_NONE, false, 0);
static const struct idreg_policy exact2 = POLICY(IDREG_POLICY_EXACT, false, 2);
static const struct idreg_policy lower = POLICY(IDREG_POLICY_LOWER_SAFE, false, 0);
static const struct idreg_policy s_lower = POLICY(IDREG_POLICY_LOWER_SAFE, true, 0);
static const struct idreg_policy higher = POLICY(IDREG_POLICY_HIGHER_SAFE, false, 0);
static const struct idreg_policy s_higher = POLICY(IDREG_POLICY_HIGHER_SAFE, true, 0);
static const struct idreg_policy hoz = POLICY(IDREG_POLICY_HIGHER_OR_ZERO_SAFE, false, 0);
static const struct idreg_policy s_exact_f = POLICY(IDREG_POLICY_EXACT, true, 0xf);

/*
 * The test register: one ftr_bits entry per policy, an 8-bit field, and
 * [23:20] which the writable mask below only half covers.
 */
static const struct idreg_ftr_bits ftr_bits[] = {
	{ .lsb = 0, .width = 4, .policy = POLICY(IDREG_POLICY_LOWER_SAFE, true, 0) },
	{ .lsb = 4, .width = 4, .policy = POLICY(IDREG_POLICY_LOWER_SAFE, false, 0) },
	{ .lsb = 8, .width = 4, .policy = POLICY(IDREG_POLICY_HIGHER_SAFE, false, 0) },
	{ .lsb = 12, .width = 4, .policy = POLICY(IDREG_POLICY_HIGHER_OR_ZERO_SAFE, false, 0) },
	{ .lsb = 16, .width = 4, .policy = POLICY(IDREG_POLICY_EXACT, false, 2) },
	{ .lsb = 20, .width = 4, .policy = POLICY(IDREG_POLICY_LOWER_SAFE, false, 0) },
	{ .lsb = 24, .width = 8, .policy = POLICY(IDREG_POLICY_LOWER_SAFE, false, 0) },
};

static const struct idreg_enum_value b_values[] = {
	{ .value = 0, .name = "NI" },
	{ .value = 1, .name = "IMP" },
	{ .value = 2, .name = "V2" },
	{ .value = 0xf, .name = "V15" },
};

static const struct idreg_field fields[] = {
	{ .name = "WIDE", .lsb = 24, .width = 8 },
	{ .name = "B", .lsb = 4, .width = 4, .kind = IDREG_FIELD_UNSIGNED_ENUM,
	  .values = b_values, .nr_values = ARRAY_SIZE(b_values) },
	{ .name = "A", .lsb = 0, .width = 4, .kind = IDREG_FIELD_SIGNED_ENUM,
	  .is_signed = true },
};

static const struct idreg_reg reg = {
	.name = "ID_TEST_EL1", .op0 = 3, .op1 = 0, .crn = 0, .crm = 4,
	.op2 = 0, .fields = fields, .nr_fields = ARRAY_SIZE(fields),
	.has_ftr_reg = true, .ftr_bits = ftr_bits,
	.nr_ftr_bits = ARRAY_SIZE(ftr_bits),
};

static const struct idreg_reg no_ftr_reg = {
	.name = "ID_NOFTR_EL1", .op0 = 3, .op1 = 0, .crn = 0, .crm = 4,
	.op2 = 1, .has_ftr_reg = false,
};

/* [19:0] and [31:24] fully writable; only [21:20] of [23:20]. */
#define WRITABLE	0xff3fffffULL
/* WIDE=0x40 [23:20]=4 EXACT=5 HOZ=5 HIGHER=5 B=1 A=0, bit 40 set */
#define LIMIT		0x0000010040555510ULL

static void test_ftr(void)
{
	UNIT_OK(idreg_predict_ftr(&none, 4, 5, 5), "NONE: limit accepted");
	UNIT_OK(!idreg_predict_ftr(&none, 4, 5, 4), "NONE: lower rejected");
	UNIT_OK(!idreg_predict_ftr(&none, 4, 5, 6), "NONE: higher rejected");

	UNIT_OK(idreg_predict_ftr(&exact2, 4, 5, 2), "EXACT: safe_val accepted");
	UNIT_OK(idreg_predict_ftr(&exact2, 4, 5, 5), "EXACT: limit accepted");
	UNIT_OK(!idreg_predict_ftr(&exact2, 4, 5, 3), "EXACT: 3 rejected");
	UNIT_OK(!idreg_predict_ftr(&exact2, 4, 5, 0), "EXACT: 0 rejected");

	UNIT_OK(idreg_predict_ftr(&lower, 4, 5, 3), "LOWER: lower accepted");
	UNIT_OK(idreg_predict_ftr(&lower, 4, 5, 5), "LOWER: limit accepted");
	UNIT_OK(!idreg_predict_ftr(&lower, 4, 5, 6), "LOWER: higher rejected");

	UNIT_OK(idreg_predict_ftr(&higher, 4, 5, 6), "HIGHER: higher accepted");
	UNIT_OK(idreg_predict_ftr(&higher, 4, 5, 5), "HIGHER: limit accepted");
	UNIT_OK(!idreg_predict_ftr(&higher, 4, 5, 3), "HIGHER: lower rejected");

	UNIT_OK(idreg_predict_ftr(&hoz, 4, 5, 0), "HOZ: 0 accepted");
	UNIT_OK(idreg_predict_ftr(&hoz, 4, 5, 6), "HOZ: higher accepted");
	UNIT_OK(!idreg_predict_ftr(&hoz, 4, 5, 3), "HOZ: lower rejected");
	UNIT_OK(idreg_predict_ftr(&hoz, 4, 0, 0), "HOZ: limit 0, new 0 accepted");
	UNIT_OK(!idreg_predict_ftr(&hoz, 4, 0, 3), "HOZ: limit 0, new 3 rejected");
}

static void test_ftr_signed(void)
{
	UNIT_OK(idreg_predict_ftr(&s_lower, 4, 0, 0xf),
		"signed LOWER: limit 0, 0xf (-1) accepted");
	UNIT_OK(!idreg_predict_ftr(&s_lower, 4, 0, 0x1),
		"signed LOWER: limit 0, 0x1 rejected");
	UNIT_OK(!idreg_predict_ftr(&lower, 4, 0, 0xf),
		"unsigned LOWER: limit 0, 0xf rejected");
	UNIT_OK(!idreg_predict_ftr(&s_higher, 4, 0, 0xf),
		"signed HIGHER: limit 0, 0xf (-1) rejected");
	UNIT_OK(idreg_predict_ftr(&s_higher, 4, 0xf, 0x7),
		"signed HIGHER: limit -1, 7 accepted");
	/* The kernel compares the raw safe_val with the sign-extended value. */
	UNIT_OK(!idreg_predict_ftr(&s_exact_f, 4, 0, 0xf),
		"signed EXACT safe 0xf: 0xf (-1) rejected, as in the kernel");
	UNIT_EQ_I64(idreg_ftr_value(0xf, 4, true), -1, "ftr value 0xf/4 signed");
	UNIT_EQ_I64(idreg_ftr_value(0x1f, 4, false), 0xf,
		    "ftr value keeps only the width");
	/* cpuid_feature_extract_field_width() returns an int. */
	UNIT_EQ_I64(idreg_ftr_value(0x80000000, 32, false), INT32_MIN,
		    "ftr value of a 32-bit unsigned field passes through int");
	UNIT_OK(idreg_predict_ftr(&lower, 32, 0x7fffffff, 0x80000000),
		"32-bit unsigned LOWER: 0x80000000 below 0x7fffffff (kernel int)");
}

static void expect(bool accept, enum idreg_reason reason, uint64_t val,
		   uint64_t writable, const char *desc)
{
	struct idreg_prediction why;
	bool got = idreg_predict_reg(&reg, writable, LIMIT, val, false, &why);
	char buf[160];

	if (!unit_report(got == accept && why.reason == reason, desc)) {
		idreg_prediction_describe(buf, sizeof(buf), &why);
		printf("#   val 0x%016" PRIx64 ": %s\n", val, buf);
	}
}

static uint64_t with(unsigned int lsb, unsigned int width, uint64_t raw)
{
	return idreg_field_set(LIMIT, lsb, width, raw);
}

static void test_reg(void)
{
	struct idreg_prediction why;
	char buf[160];

	expect(true, IDREG_REASON_OK, LIMIT, WRITABLE, "limit accepted");
	expect(true, IDREG_REASON_OK, with(0, 4, 0xf), WRITABLE,
	       "signed field lowered to -1 accepted");
	expect(false, IDREG_REASON_FTR_FIELD, with(0, 4, 0x1), WRITABLE,
	       "signed field raised to 1 rejected");
	expect(true, IDREG_REASON_OK, with(4, 4, 0), WRITABLE,
	       "LOWER field lowered accepted");
	expect(true, IDREG_REASON_OK, with(8, 4, 9), WRITABLE,
	       "HIGHER field raised accepted");
	expect(true, IDREG_REASON_OK, with(12, 4, 0), WRITABLE,
	       "HOZ field zeroed accepted");
	expect(true, IDREG_REASON_OK, with(16, 4, 2), WRITABLE,
	       "EXACT field at safe_val accepted");
	expect(false, IDREG_REASON_FTR_FIELD, with(16, 4, 3), WRITABLE,
	       "EXACT field at neither limit nor safe_val rejected");
	expect(true, IDREG_REASON_OK, with(24, 8, 0x3f), WRITABLE,
	       "8-bit field lowered accepted");
	expect(false, IDREG_REASON_FTR_FIELD, with(24, 8, 0x41), WRITABLE,
	       "8-bit field raised rejected");
	expect(false, IDREG_REASON_OUTSIDE_MASK, with(20, 4, 3), WRITABLE,
	       "entry half outside the writable mask must equal the limit");
	expect(true, IDREG_REASON_OK, with(20, 4, 3), WRITABLE | 0xf00000,
	       "same entry, fully writable: lowered accepted");
	expect(false, IDREG_REASON_OUTSIDE_MASK, LIMIT & ~(1ULL << 40), WRITABLE,
	       "bit outside any ftr entry differs: rejected");
	expect(true, IDREG_REASON_OK, LIMIT, 0, "nothing writable: limit accepted");
	expect(false, IDREG_REASON_OUTSIDE_MASK, with(4, 4, 0), 0,
	       "nothing writable: lowered field rejected");

	idreg_predict_reg(&reg, WRITABLE, LIMIT, with(20, 4, 3) ^ (1ULL << 40),
			  false, &why);
	UNIT_EQ_U64(why.diff, (1ULL << 40) | (0x6ULL << 20),
		    "outside-mask diff names the differing bits");
	UNIT_EQ_I64(why.err, -EINVAL, "rejection is -EINVAL");
	UNIT_EQ_U64(why.mask, 0xff0fffffULL,
		    "mask covers the fully writable entries only");

	idreg_predict_reg(&reg, WRITABLE, LIMIT,
			  with(16, 4, 3) | 0x1 | (1ULL << 50), false, &why);
	UNIT_OK(why.ftr == &ftr_bits[0] && why.f_val == 1 && why.f_lim == 0 &&
		why.safe == 0, "first unsafe entry in table order is named");
	idreg_prediction_describe(buf, sizeof(buf), &why);
	UNIT_EQ_STR(buf, "unsafe ftr field [3:0]: value 1, limit 0, safe 0",
		    "description of an unsafe entry");
	UNIT_OK(idreg_prediction_describe(NULL, 0, &why) > 0,
		"describe with no buffer gives the length");

	UNIT_OK(!idreg_predict_reg(&no_ftr_reg, ~0ULL, 0, 0, false, &why) &&
		why.reason == IDREG_REASON_NO_FTR_REG && why.err == -EINVAL,
		"no ftr_reg: even the limit is rejected");
	UNIT_OK(idreg_predict_reg(&no_ftr_reg, 0, 0, 0, true, &why) &&
		why.reason == IDREG_REASON_OK,
		"hidden, no ftr_reg: 0 accepted (RAZ checked first)");
	UNIT_OK(idreg_predict_reg(&reg, WRITABLE, LIMIT, 0, true, NULL),
		"hidden: 0 accepted even though the limit differs");
	UNIT_OK(!idreg_predict_reg(&reg, WRITABLE, 0, LIMIT, true, &why) &&
		why.reason == IDREG_REASON_HIDDEN && why.diff == LIMIT,
		"hidden: non-zero rejected");
	idreg_prediction_describe(buf, sizeof(buf), &why);
	UNIT_EQ_STR(buf, "hidden register (bits 0x0000010040555510)",
		    "description of a hidden register");
}

static void expect_class(const struct idreg_field *f, uint64_t raw,
			 enum idreg_value_class want, const char *desc)
{
	enum idreg_value_class got;

	got = idreg_classify(&reg, f, WRITABLE, LIMIT, raw, false, NULL);
	if (!unit_report(got == want, desc))
		printf("#   0x%" PRIx64 ": %s, want %s\n", raw,
		       idreg_value_class_name(got), idreg_value_class_name(want));
}

static void test_classify(void)
{
	const struct idreg_field *b = &fields[1], *a = &fields[2];
	struct idreg_prediction why;

	/* B's limit is 1 (IMP), LOWER_SAFE. */
	expect_class(b, 0, IDREG_VALUE_SAFE, "classify: lower named value safe");
	expect_class(b, 1, IDREG_VALUE_SAFE, "classify: limit safe");
	expect_class(b, 2, IDREG_VALUE_UNSAFE, "classify: higher named value unsafe");
	expect_class(b, 0xf, IDREG_VALUE_UNSAFE, "classify: 0xf named, unsafe");
	expect_class(b, 3, IDREG_VALUE_RESERVED, "classify: unnamed value reserved");
	expect_class(b, 0x10, IDREG_VALUE_OUT_OF_RANGE,
		     "classify: 0x10 in 4 bits out of range");
	/* A has no named values: never reserved. */
	expect_class(a, 0xf, IDREG_VALUE_SAFE, "classify: signed -1 safe");
	expect_class(a, 0x7, IDREG_VALUE_UNSAFE, "classify: signed 7 unsafe");

	why.reason = IDREG_REASON_OK;
	idreg_classify(&reg, b, WRITABLE, LIMIT, 3, false, &why);
	UNIT_OK(!why.accept && why.reason == IDREG_REASON_FTR_FIELD,
		"reserved value still carries the prediction");

	UNIT_EQ_STR(idreg_value_class_name(IDREG_VALUE_SAFE), "safe", "name safe");
	UNIT_EQ_STR(idreg_value_class_name(IDREG_VALUE_UNSAFE), "unsafe",
		    "name unsafe");
	UNIT_EQ_STR(idreg_value_class_name(IDREG_VALUE_RESERVED), "reserved",
		    "name reserved");
	UNIT_EQ_STR(idreg_value_class_name(IDREG_VALUE_OUT_OF_RANGE),
		    "out-of-range", "name out-of-range");
}

static bool sorted_unique(const uint64_t *v, unsigned int n)
{
	unsigned int i;

	for (i = 1; i < n; i++) {
		if (v[i - 1] >= v[i])
			return false;
	}
	return true;
}

static bool contains(const uint64_t *v, unsigned int n, uint64_t x)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (v[i] == x)
			return true;
	}
	return false;
}

static const struct idreg_enum_value wide_values[] = {
	{ .value = 0x1234, .name = "X" },
	{ .value = 0x10, .name = "Y" },
	{ .value = 0x1ffff, .name = "TOO_BIG" },
};

static const struct idreg_field wide16 = {
	.name = "W", .lsb = 16, .width = 16, .values = wide_values,
	.nr_values = ARRAY_SIZE(wide_values),
};

static const struct idreg_field signed8 = {
	.name = "S", .lsb = 0, .width = 8, .is_signed = true,
};

static const struct idreg_field full64 = { .name = "F", .width = 64 };

static void test_candidates(void)
{
	uint64_t v[64], w[64];
	unsigned int n, m, i;

	n = idreg_pick_candidates(&fields[1], 1, 10, 1, v, ARRAY_SIZE(v));
	for (i = 0; i < n && v[i] == i; i++)
		;
	UNIT_OK(n == 16 && i == 16, "4-bit field: all 16 values in order");

	n = idreg_pick_candidates(&fields[1], 7, 0, 1, v, 5);
	UNIT_OK(n == 5 && v[0] == 0 && v[1] == 6 && v[2] == 7 && v[3] == 8 &&
		v[4] == 15, "cap 5 keeps 0, limit-1, limit, limit+1, max");

	n = idreg_pick_candidates(&wide16, 0x100, 20, 42, v, ARRAY_SIZE(v));
	UNIT_OK(sorted_unique(v, n), "16-bit field: sorted, no duplicates");
	UNIT_OK(contains(v, n, 0) && contains(v, n, 0xffff) &&
		contains(v, n, 0xff) && contains(v, n, 0x100) &&
		contains(v, n, 0x101) && contains(v, n, 0x1234) &&
		contains(v, n, 0x10), "16-bit field: fixed candidates present");
	UNIT_OK(!contains(v, n, 0x1ffff), "named value wider than field left out");
	UNIT_OK(n > 7 && n <= 7 + 20, "16-bit field: random values added");

	m = idreg_pick_candidates(&wide16, 0x100, 20, 42, w, ARRAY_SIZE(w));
	UNIT_OK(m == n && !memcmp(v, w, n * sizeof(v[0])),
		"same seed, same candidates");
	m = idreg_pick_candidates(&wide16, 0x100, 20, 43, w, ARRAY_SIZE(w));
	UNIT_OK(m != n || memcmp(v, w, n * sizeof(v[0])),
		"different seed, different candidates");

	n = idreg_pick_candidates(&wide16, 0, 0, 0, v, ARRAY_SIZE(v));
	UNIT_OK(n == 5 && v[0] == 0 && v[1] == 1 && v[4] == 0xffff,
		"limit 0: no limit-1, limit+1 present");
	n = idreg_pick_candidates(&wide16, 0xffff, 0, 0, v, ARRAY_SIZE(v));
	UNIT_OK(n == 5 && contains(v, n, 0xfffe) && v[n - 1] == 0xffff,
		"limit max: no limit+1");

	n = idreg_pick_candidates(&signed8, 0, 0, 0, v, ARRAY_SIZE(v));
	UNIT_OK(n == 5 && v[0] == 0 && v[1] == 1 && v[2] == 0x7f &&
		v[3] == 0x80 && v[4] == 0xff,
		"signed 8-bit limit 0: -1, +1 and extremes");
	n = idreg_pick_candidates(&signed8, 0x7f, 0, 0, v, ARRAY_SIZE(v));
	UNIT_OK(n == 5 && v[0] == 0 && v[1] == 0x7e && v[2] == 0x7f &&
		v[3] == 0x80 && v[4] == 0xff,
		"signed 8-bit limit 127: limit+1 would wrap, left out");

	n = idreg_pick_candidates(&full64, 5, 8, 7, v, ARRAY_SIZE(v));
	UNIT_OK(sorted_unique(v, n) && v[n - 1] == ~0ULL && contains(v, n, 4),
		"64-bit field: all-ones and limit-1 present");
	UNIT_EQ_U64(idreg_pick_candidates(&full64, 5, 8, 7, v, 0), 0,
		    "cap 0 writes nothing");
}

static void test_xorshift(void)
{
	uint64_t a = 0, b = 0, c = 1;

	idreg_xorshift64(&a);
	idreg_xorshift64(&b);
	UNIT_OK(a != 0 && a == b, "xorshift: zero seed replaced, deterministic");
	UNIT_EQ_U64(idreg_xorshift64(&c), 0x40822041ULL, "xorshift64 of 1");
}

int main(void)
{
	test_ftr();
	test_ftr_signed();
	test_reg();
	test_classify();
	test_candidates();
	test_xorshift();
	return unit_done();
}
