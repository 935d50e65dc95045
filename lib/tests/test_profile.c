// SPDX-License-Identifier: GPL-2.0-only
/*
 * Profiles: JSON round trip, bad input (one line with the JSON path, no
 * crash), traits and diff on the real profiles in lib/tests/data/.
 */
#include <stdlib.h>

#include "idregs/field.h"
#include "idregs/profile.h"
#include "unit.h"

#define DATA	"lib/tests/data/"

static struct idreg_profile a, b;

static int slot_of(const char *name)
{
	return idreg_reg_slot(idreg_reg_by_name(name));
}

/* Parse @text, expect failure with @want somewhere in the message. */
static void bad_profile(const char *text, const char *want, const char *desc)
{
	char err[IDREG_ERR_LEN] = "";
	int r;

	idreg_profile_init(&a, "t");
	r = idreg_profile_from_json(&a, text, strlen(text), err);
	UNIT_OK(r == -1 && strstr(err, want) && !strchr(err, '\n'), desc);
	if (r != -1 || !strstr(err, want))
		printf("#   error: \"%s\", want \"%s\"\n", err, want);
}

static void test_bad_input(void)
{
	bad_profile("", "empty input", "empty profile");
	bad_profile("  \n", "empty input", "whitespace-only profile");
	bad_profile("{\"format\": ", "line 1 column", "truncated JSON");
	bad_profile("[1]", "$: expected an object, got an array", "not an object");
	bad_profile("{\"format\": \"x\", \"registers\": {}}", "format: expected",
		    "wrong format");
	bad_profile("{\"format\": \"idregs-profile-1\"}", "missing \"registers\"",
		    "no registers");
	bad_profile("{\"format\": \"idregs-profile-1\", \"registers\": {}, \"x\": 1}",
		    "unknown key \"x\"", "unknown top-level key");
	bad_profile("{\"format\": \"idregs-profile-1\", \"registers\": {\"FOO_EL1\": {}}}",
		    "registers.FOO_EL1: unknown register", "unknown register");
	bad_profile("{\"format\": \"idregs-profile-1\", \"registers\": {\"S3_0_C0_C9_0\": {}}}",
		    "registers.S3_0_C0_C9_0: unknown register", "CRm outside the ID space");
	bad_profile("{\"format\": \"idregs-profile-1\", \"registers\": {\"S3_0_C0_C4_1\": {\"value\": 0, \"mask\": 0}}}",
		    "registers.S3_0_C0_C4_1: unknown register",
		    "encoding spelled instead of its table name");
	bad_profile("{\"format\": \"idregs-profile-1\", \"registers\": {\"ID_AA64ISAR0_EL1\": {\"value\": 1}}}",
		    "registers.ID_AA64ISAR0_EL1: missing \"mask\"", "no mask");
	bad_profile("{\"format\": \"idregs-profile-1\", \"registers\": {\"ID_AA64ISAR0_EL1\": {\"value\": [], \"mask\": 0}}}",
		    "registers.ID_AA64ISAR0_EL1.value: expected an integer or a \"0x...\" string, got an array",
		    "value of the wrong type");
	bad_profile("{\"format\": \"idregs-profile-1\", \"registers\": {\"ID_AA64ISAR0_EL1\": {\"value\": -1, \"mask\": 0}}}",
		    "registers.ID_AA64ISAR0_EL1.value: negative value -1", "negative value");
	bad_profile("{\"format\": \"idregs-profile-1\", \"registers\": {\"ID_AA64ISAR0_EL1\": {\"value\": \"0x10000000000000000\", \"mask\": 0}}}",
		    "registers.ID_AA64ISAR0_EL1.value: value 0x10000000000000000 does not fit in 64 bits",
		    "string wider than 64 bits");
	bad_profile("{\"format\": \"idregs-profile-1\", \"registers\": {\"ID_AA64ISAR0_EL1\": {\"value\": 18446744073709551616, \"mask\": 0}}}",
		    "(\"value\"): too big integer", "integer wider than 64 bits");
	bad_profile("{\"format\": \"idregs-profile-1\", \"registers\": {\"ID_AA64ISAR0_EL1\": {\"value\": \"12z\", \"mask\": 0}}}",
		    "\"12z\" is not a number", "garbage number string");
	bad_profile("{\"format\": \"idregs-profile-1\", \"registers\": {\"ID_AA64ISAR0_EL1\": {\"value\": 1.5, \"mask\": 0}}}",
		    "got a real number", "real number");
	bad_profile("{\"format\": \"idregs-profile-1\", \"registers\": {}, \"registers\": {}}",
		    "duplicate object key", "duplicate key");
	bad_profile("{\"format\": \"idregs-profile-1\", \"registers\": {}, \"writable_imp_id_regs\": 1}",
		    "writable_imp_id_regs: expected a boolean", "capability not a boolean");
}

static void test_round_trip(void)
{
	char err[IDREG_ERR_LEN] = "";
	char *text, *again;

	UNIT_OK(!idreg_profile_load(&a, DATA "max.json", err), "load max.json");
	text = idreg_profile_to_json(&a);
	UNIT_OK(text != NULL, "profile to JSON");
	idreg_profile_init(&b, "copy");
	UNIT_OK(text && !idreg_profile_from_json(&b, text, strlen(text), err),
		"parse what was printed");
	again = idreg_profile_to_json(&b);
	UNIT_OK(again && text && !strcmp(text, again), "printing is a fixed point");
	UNIT_OK(!memcmp(a.value, b.value, sizeof(a.value)) &&
		!memcmp(a.mask, b.mask, sizeof(a.mask)) &&
		!memcmp(a.readable, b.readable, sizeof(a.readable)),
		"values, masks and readability survive");
	UNIT_EQ_U64(b.midr, 0xf0510, "MIDR of -cpu max");
	UNIT_OK(b.imp_id_cap, "7.3 has KVM_CAP_ARM_WRITABLE_IMP_ID_REGS");
	UNIT_EQ_STR(b.release, "7.3.4+deb13-arm64", "kernel release");
	free(text);
	free(again);
}

static void test_traits(void)
{
	struct idreg_vm_traits t;
	const struct idreg_reg *isar1 = idreg_reg_by_name("ID_AA64ISAR1_EL1");
	char err[IDREG_ERR_LEN] = "";

	UNIT_OK(!idreg_profile_load(&a, DATA "neoverse-n1.json", err), "load neoverse-n1.json");
	idreg_profile_traits(&a, &t);
	UNIT_OK(t.imp_id_writable && !t.sve, "traits: imp-id capability, no SVE");
	UNIT_OK(idreg_profile_field_writable(&a, slot_of("ID_AA64ISAR1_EL1"),
					     idreg_field_by_name(isar1, "LRCPC")),
		"ISAR1.LRCPC writable on neoverse-n1");
	UNIT_EQ_U64(idreg_field_get(a.value[slot_of("ID_AA64ISAR1_EL1")], 20, 4), 1,
		    "neoverse-n1 LRCPC is 1");
}

static bool has_msg(const struct idreg_msgs *m, const char *s)
{
	unsigned int i;

	for (i = 0; i < m->nr; i++)
		if (strstr(m->v[i], s))
			return true;
	return false;
}

static void test_diff(void)
{
	struct idreg_msgs d = { 0 };
	char err[IDREG_ERR_LEN] = "";

	UNIT_OK(!idreg_profile_load(&a, DATA "max-6.12.json", err) &&
		!idreg_profile_load(&b, DATA "max.json", err), "load 6.12 and 7.3 max");
	idreg_profile_diff(&a, &b, &d);
	UNIT_OK(d.nr > 0, "6.12 and 7.3 differ");
	UNIT_OK(has_msg(&d, "SYSREG_MIDR_EL1_PartNum: not writable -> writable"),
		"MIDR_EL1 newly writable");
	UNIT_OK(has_msg(&d, "SYSREG_REVIDR_EL1_IMPLEMENTATION_DEFINED: not writable -> writable"),
		"REVIDR_EL1 newly writable");
	UNIT_OK(has_msg(&d, "SYSREG_AIDR_EL1_IMPLEMENTATION_DEFINED: not writable -> writable"),
		"AIDR_EL1 newly writable");
	idreg_msgs_free(&d);
	idreg_profile_diff(&b, &b, &d);
	UNIT_EQ_U64(d.nr, 0, "a profile does not differ from itself");
	idreg_msgs_free(&d);
	UNIT_OK(!idreg_profile_load(&a, DATA "neoverse-n1.json", err), "load neoverse-n1");
	idreg_profile_diff(&b, &a, &d);
	UNIT_OK(has_msg(&d, "SYSREG_ID_AA64ISAR1_EL1_LRCPC: value 0x2 -> 0x1"),
		"value difference by SYSREG_ name with both values");
	idreg_msgs_free(&d);
}

static void test_load_errors(void)
{
	char err[IDREG_ERR_LEN] = "";

	UNIT_OK(idreg_profile_load(&a, DATA "no-such-file.json", err) == -1 &&
		strstr(err, "no-such-file.json: cannot open") && strstr(err, "errno"),
		"missing file named with errno");
}

int main(void)
{
	test_bad_input();
	test_round_trip();
	test_traits();
	test_diff();
	test_load_errors();
	return unit_done();
}
