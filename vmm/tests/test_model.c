// SPDX-License-Identifier: GPL-2.0-only
/*
 * Models: assignments, the validator, baseline policies (on synthetic
 * hosts and on the real profiles in vmm/tests/data/), QEMU/QMP output and
 * bad model JSON.
 */
#include <errno.h>
#include <stdlib.h>

#include "idregs/baseline.h"
#include "idregs/field.h"
#include "idregs/model.h"
#include "idregs/model_check.h"
#include "idregs/qemu.h"
#include "idregs/qemu_args.h"
#include "unit.h"
#include "vmm_unit.h"

#define DATA	"vmm/tests/data/"

static struct idreg_profile max, n1, h1, h2, max_qh, n1_qh;

static const struct idreg_field *field(const char *reg, const char *name,
				       unsigned int *slot)
{
	const struct idreg_reg *r = idreg_reg_by_name(reg);

	*slot = idreg_reg_slot(r);
	return idreg_field_by_name(r, name);
}

/* Give host @p @value in REG.FIELD, writable or not. */
static void put(struct idreg_profile *p, const char *reg, const char *name,
		uint64_t value, bool writable)
{
	unsigned int slot;
	const struct idreg_field *f = field(reg, name, &slot);
	uint64_t fm = idreg_field_mask(f->lsb, f->width);

	p->value[slot] = idreg_field_set(p->value[slot], f->lsb, f->width, value);
	p->mask[slot] = writable ? p->mask[slot] | fm : p->mask[slot] & ~fm;
}

static uint64_t model_value(const struct idreg_model *m, const char *reg,
			    const char *name)
{
	unsigned int slot;
	const struct idreg_field *f = field(reg, name, &slot);
	const struct idreg_assign *a = idreg_model_find(m, idreg_reg_by_name(reg), f);

	return a ? a->value : 0xdead;
}

static void test_set(void)
{
	char err[IDREG_ERR_LEN] = "";
	struct idreg_model m;

	idreg_model_init(&m);
	UNIT_EQ_I64(idreg_model_set(&m, "SYSREG_ID_AA64ISAR1_EL1_LRCPC", 2, err), 0,
		    "set LRCPC");
	UNIT_EQ_I64(idreg_model_set(&m, "SYSREG_ID_AA64ISAR1_EL1_LRCPC", 1, err), -EEXIST,
		    "set twice");
	UNIT_EQ_I64(idreg_model_set(&m, "SYSREG_ID_AA64ISAR1_EL1_LRCPC_X", 1, err), -ENOENT,
		    "unknown field");
	UNIT_OK(strstr(err, "ID_AA64ISAR1_EL1 has no such field") != NULL,
		"the message names the register");
	UNIT_EQ_I64(idreg_model_set(&m, "SYSREG_NOPE_EL1_X", 1, err), -ENOENT,
		    "unknown register");
	UNIT_EQ_I64(idreg_model_set(&m, "ID_AA64ISAR1_EL1_LRCPC", 1, err), -ENOENT,
		    "no SYSREG_ prefix");
	UNIT_EQ_I64(idreg_model_set(&m, "SYSREG_ID_AA64ISAR0_EL1_AES", 0x10, err), -ERANGE,
		    "value wider than the field");
	UNIT_EQ_STR(err, "SYSREG_ID_AA64ISAR0_EL1_AES: value 0x10 wider than 4-bit field",
		    "width message");
	UNIT_EQ_I64(idreg_model_set(&m, "SYSREG_MIDR_EL1_RES0_63_32", 0, err), -EINVAL,
		    "reserved bits are no property");
	UNIT_EQ_I64(idreg_model_set(&m, "SYSREG_ID_AA64ISAR0_EL1_AES", 1, err), 0, "set AES");
	UNIT_EQ_U64(m.nr, 2, "two assignments");
	UNIT_EQ_U64(idreg_model_merge(&m, idreg_slot_index(3, 0, 0, 6, 1), 0, NULL),
		    2 << 20, "merge puts LRCPC at bits 23:20");
	idreg_model_free(&m);
}

static void test_emit(void)
{
	char err[IDREG_ERR_LEN] = "", *s, *j;
	struct idreg_model m, back;

	idreg_model_init(&m);
	idreg_model_set(&m, "SYSREG_ID_AA64ISAR1_EL1_LRCPC", 2, err);
	idreg_model_set(&m, "SYSREG_ID_AA64ISAR0_EL1_AES", 1, err);
	idreg_model_set(&m, "SYSREG_CTR_EL0_L1Ip", 3, err);
	s = idreg_model_qemu_args(&m);
	UNIT_EQ_STR(s, "-cpu host,SYSREG_CTR_EL0_L1Ip=0x3,SYSREG_ID_AA64ISAR0_EL1_AES=0x1,SYSREG_ID_AA64ISAR1_EL1_LRCPC=0x2",
		    "QEMU arguments, sorted, options not stated left at QEMU's defaults");
	free(s);
	j = idreg_model_to_json(&m);
	UNIT_EQ_STR(j, "{\n  \"model\": {\n    \"name\": \"host\",\n    \"props\": {\n"
		       "      \"SYSREG_CTR_EL0_L1Ip\": 3,\n"
		       "      \"SYSREG_ID_AA64ISAR0_EL1_AES\": 1,\n"
		       "      \"SYSREG_ID_AA64ISAR1_EL1_LRCPC\": 2\n"
		       "    }\n  }\n}\n",
		    "QMP-style JSON");
	idreg_model_init(&back);
	UNIT_OK(j && !idreg_model_from_json(&back, j, strlen(j), err), "read it back");
	UNIT_EQ_U64(back.nr, 3, "three properties back");
	UNIT_EQ_U64(model_value(&back, "ID_AA64ISAR1_EL1", "LRCPC"), 2, "LRCPC back");
	free(j);
	idreg_model_free(&back);
	idreg_model_free(&m);
}

/* Arm's spelling, the kernel's, and the kernel's Ttypen for CLIDR_EL1's Ttype<n>. */
static void test_names(void)
{
	char err[IDREG_ERR_LEN] = "", *s;
	struct idreg_model m;

	idreg_model_init(&m);
	UNIT_EQ_I64(idreg_model_set(&m, "SYSREG_ID_AA64MMFR0_EL1_BIGEND", 0, err), 0,
		    "the kernel's spelling is accepted");
	UNIT_EQ_I64(idreg_model_set(&m, "SYSREG_ID_AA64MMFR0_EL1_BigEnd", 0, err), -EEXIST,
		    "Arm's spelling names the same field");
	UNIT_EQ_STR(err, "SYSREG_ID_AA64MMFR0_EL1_BigEnd: set twice (ID_AA64MMFR0_EL1.BigEnd)",
		    "set twice names the field");
	UNIT_EQ_I64(idreg_model_set(&m, "SYSREG_ID_AA64MMFR0_EL1_Bigend", 0, err), -ENOENT,
		    "no case folding beyond the two spellings");
	UNIT_EQ_STR(err, "SYSREG_ID_AA64MMFR0_EL1_Bigend: unknown property (ID_AA64MMFR0_EL1 has no such field); did you mean SYSREG_ID_AA64MMFR0_EL1_BigEnd?",
		    "and the nearest name is suggested");
	UNIT_EQ_I64(idreg_model_set(&m, "SYSREG_ID_AA64ISAR0_EL1_ATOMIK", 2, err), -ENOENT,
		    "a misspelt kernel name");
	UNIT_OK(strstr(err, "did you mean SYSREG_ID_AA64ISAR0_EL1_ATOMIC?") != NULL,
		"suggests the kernel spelling it is nearest to");
	UNIT_EQ_I64(idreg_model_set(&m, "SYSREG_ID_AA64MMFR0_EL1_Nothing_like_it", 0, err), -ENOENT,
		    "far from every name");
	UNIT_OK(!strstr(err, "did you mean"), "no suggestion then");
	UNIT_EQ_I64(idreg_model_set(&m, "SYSREG_ID_AA64ISAR0_EL1_Atomic", 2, err), 0, "Atomic");
	UNIT_EQ_I64(idreg_model_set(&m, "SYSREG_CLIDR_EL1_Ttypen", 0x1234, err), 0,
		    "the kernel's Ttypen (bits 46:33)");
	UNIT_EQ_U64(model_value(&m, "CLIDR_EL1", "Ttype1"), 0,
		    "goes to Ttype1 (bits 34:33)");
	UNIT_EQ_U64(model_value(&m, "CLIDR_EL1", "Ttype3"), 3, "and Ttype3");
	UNIT_EQ_U64(idreg_model_merge(&m, idreg_slot_index(3, 1, 0, 0, 1), 0, NULL),
		    0x1234ULL << 33, "Ttypen's bits as given");
	UNIT_EQ_I64(idreg_model_set(&m, "SYSREG_CLIDR_EL1_Ttype2", 1, err), -EEXIST,
		    "Ttype2 was set through Ttypen");
	UNIT_EQ_I64(idreg_model_set(&m, "SYSREG_CLIDR_EL1_Ttypen", 0x4000, err), -ERANGE,
		    "Ttypen is 14 bits wide");
	s = idreg_model_qemu_args(&m);
	UNIT_EQ_STR(s, "-cpu host,SYSREG_CLIDR_EL1_Ttype1=0x0,SYSREG_CLIDR_EL1_Ttype2=0x1,SYSREG_CLIDR_EL1_Ttype3=0x3,SYSREG_CLIDR_EL1_Ttype4=0x0,SYSREG_CLIDR_EL1_Ttype5=0x2,SYSREG_CLIDR_EL1_Ttype6=0x0,SYSREG_CLIDR_EL1_Ttype7=0x1,SYSREG_ID_AA64ISAR0_EL1_Atomic=0x2,SYSREG_ID_AA64MMFR0_EL1_BigEnd=0x0",
		    "QEMU arguments in Arm's spelling");
	free(s);
	idreg_set_names(IDREG_NAMES_KERNEL);
	s = idreg_model_qemu_args(&m);
	UNIT_EQ_STR(s, "-cpu host,SYSREG_CLIDR_EL1_Ttypen=0x1234,SYSREG_ID_AA64ISAR0_EL1_ATOMIC=0x2,SYSREG_ID_AA64MMFR0_EL1_BIGEND=0x0",
		    "and in the kernel's, Ttype<n> as one Ttypen");
	free(s);
	s = idreg_model_to_json(&m);
	UNIT_OK(s && strstr(s, "\"SYSREG_CLIDR_EL1_Ttypen\": 4660") &&
		strstr(s, "\"SYSREG_ID_AA64MMFR0_EL1_BIGEND\": 0") && !strstr(s, "Ttype1"),
		"JSON in the kernel's spelling too");
	free(s);
	idreg_set_names(IDREG_NAMES_ARM);
	idreg_model_free(&m);

	idreg_model_init(&m);
	idreg_model_set(&m, "SYSREG_CLIDR_EL1_Ttype2", 1, err);
	idreg_set_names(IDREG_NAMES_KERNEL);
	s = idreg_model_qemu_args(&m);
	UNIT_EQ_STR(s, "-cpu host,SYSREG_CLIDR_EL1_Ttype2=0x1",
		    "part of Ttypen stays Arm's Ttype2 (the kernel has no name for it)");
	free(s);
	idreg_set_names(IDREG_NAMES_ARM);
	idreg_model_free(&m);
}

static void test_qmp_answer(void)
{
	static const char answer[] =
		"{\"return\": {\"model\": {\"name\": \"host\", \"props\": {\n"
		"\"SYSREG_ID_AA64ISAR1_EL1_LRCPC\": 2, \"pauth\": true,\n"
		"\"SYSREG_REVIDR_EL1_IMPLEMENTATION_DEFINED\": \"0xffffffffffffffff\",\n"
		"\"sve\": false, \"sve128\": true}}}}\n";
	char err[IDREG_ERR_LEN] = "";
	struct idreg_model m;

	idreg_model_init(&m);
	UNIT_OK(!idreg_model_from_json(&m, answer, strlen(answer), err),
		"the whole QMP answer is read");
	UNIT_EQ_U64(m.nr, 2, "its SYSREG_ properties");
	UNIT_EQ_U64(m.nr_ignored, 0, "nothing skipped");
	UNIT_EQ_U64(m.q.sve_on, 1, "sve128 read");
	UNIT_EQ_U64(m.features, IDREG_VCPU_PAUTH, "pauth on, sve off");
	UNIT_EQ_U64(model_value(&m, "REVIDR_EL1", "IMPLEMENTATION_DEFINED"),
		    UINT64_MAX, "a 64-bit value as a string");
	idreg_model_free(&m);
}

static void bad_model(const char *text, const char *want, const char *desc)
{
	char err[IDREG_ERR_LEN] = "";
	struct idreg_model m;
	int r;

	idreg_model_init(&m);
	r = idreg_model_from_json(&m, text, strlen(text), err);
	UNIT_OK(r == -1 && strstr(err, want) && !strchr(err, '\n'), desc);
	if (r != -1 || !strstr(err, want))
		printf("#   error: \"%s\", want \"%s\"\n", err, want);
	idreg_model_free(&m);
}

#define PROPS(x) "{\"model\": {\"name\": \"host\", \"props\": {" x "}}}"

static void test_bad_json(void)
{
	bad_model("", "empty input", "empty model");
	bad_model("{\"model\": {", "line 1 column", "malformed JSON");
	bad_model("{}", "$: missing \"model\"", "no model");
	bad_model("{\"model\": []}", "\"model\" must be an object, got an array", "model is an array");
	bad_model("{\"model\": {\"name\": 1, \"props\": {}}}", "model.name: expected a string",
		  "name is a number");
	bad_model("{\"model\": {\"props\": 1}}", "\"props\" must be an object", "props not an object");
	bad_model("{\"return\": 3}", "return: expected an object", "return not an object");
	bad_model(PROPS("\"SYSREG_ID_AA64ISAR1_EL1_LRCPC\": 256"),
		  "model.props.SYSREG_ID_AA64ISAR1_EL1_LRCPC: value 0x100 wider than 4-bit field",
		  "value wider than the field, with its JSON path");
	bad_model("{\"return\": " PROPS("\"SYSREG_ID_AA64ISAR1_EL1_LRCPC\": 16") "}",
		  "return.model.props.SYSREG_ID_AA64ISAR1_EL1_LRCPC: value 0x10 wider",
		  "the path of a QMP answer");
	bad_model(PROPS("\"SYSREG_ID_AA64ISAR1_EL1_LRCPC\": -1"),
		  "model.props.SYSREG_ID_AA64ISAR1_EL1_LRCPC: negative value -1", "negative");
	bad_model(PROPS("\"SYSREG_ID_AA64ISAR1_EL1_LRCPC\": \"0x1ffffffffffffffff\""),
		  "SYSREG_ID_AA64ISAR1_EL1_LRCPC: value 0x1ffffffffffffffff does not fit in 64 bits",
		  "string beyond 64 bits");
	bad_model(PROPS("\"SYSREG_ID_AA64ISAR1_EL1_LRCPC\": 99999999999999999999999"),
		  "(\"SYSREG_ID_AA64ISAR1_EL1_LRCPC\"): too big integer", "integer beyond 64 bits");
	bad_model(PROPS("\"SYSREG_ID_AA64ISAR1_EL1_LRCPC\": true"),
		  "LRCPC: expected an integer or a \"0x...\" string, got a boolean", "boolean value");
	bad_model(PROPS("\"SYSREG_ID_AA64ISAR1_EL1_LRCPC\": \"two\""),
		  "\"two\" is not a number", "word for a number");
	bad_model(PROPS("\"SYSREG_ID_AA64ISAR1_EL1_LRCPD\": 1"),
		  "model.props.SYSREG_ID_AA64ISAR1_EL1_LRCPD: unknown property", "unknown name");
	bad_model(PROPS("\"SYSREG_ID_AA64ISAR1_EL1_LRCPC\": 1, \"SYSREG_ID_AA64ISAR1_EL1_LRCPC\": 2"),
		  "duplicate object key", "duplicate property");
	bad_model("{\"model\": {\"props\": {}}} x", "line 1 column", "trailing garbage");
}

static void test_check(void)
{
	struct idreg_msgs p = { 0 };
	char err[IDREG_ERR_LEN] = "";
	struct idreg_model m;

	idreg_model_init(&m);
	idreg_model_set(&m, "SYSREG_ID_AA64ISAR1_EL1_LRCPC", 0, err);
	UNIT_EQ_U64(idreg_model_check(&m, &n1, &p), 0, "lower LRCPC is safe on neoverse-n1");
	idreg_msgs_free(&p);
	idreg_model_free(&m);

	idreg_model_set(&m, "SYSREG_ID_AA64ISAR1_EL1_LRCPC", 3, err);
	UNIT_EQ_U64(idreg_model_check(&m, &n1, &p), 1, "higher LRCPC is not");
	UNIT_OK(unit_has_msg(&p, "SYSREG_ID_AA64ISAR1_EL1_LRCPC: value 0x3 is unsafe against neoverse-n1.json's 0x1"),
		"unsafe, named with both values");
	idreg_msgs_free(&p);
	idreg_model_free(&m);

	idreg_model_set(&m, "SYSREG_ID_AA64ISAR1_EL1_LRCPC", 7, err);
	UNIT_EQ_U64(idreg_model_check(&m, NULL, &p), 1, "reserved value, tables only");
	UNIT_OK(unit_has_msg(&p, "LRCPC: value 0x7 is reserved"), "reserved message");
	idreg_msgs_free(&p);
	idreg_model_free(&m);

	idreg_model_set(&m, "SYSREG_ID_AA64MMFR2_EL1_FWB", 1, err);
	UNIT_EQ_U64(idreg_model_check(&m, &n1, &p), 1, "FWB=1 on neoverse-n1");
	UNIT_OK(unit_has_msg(&p, "SYSREG_ID_AA64MMFR2_EL1_FWB: value 0x1 but the field is not writable on neoverse-n1.json"),
		"not-writable message");
	idreg_msgs_free(&p);
	idreg_model_free(&m);

	idreg_model_set(&m, "SYSREG_ID_AA64MMFR2_EL1_FWB", 0, err);
	UNIT_EQ_U64(idreg_model_check(&m, &n1, &p), 0,
		    "a host's own value is fine even where not writable");
	idreg_msgs_free(&p);
	idreg_model_free(&m);

	idreg_model_set(&m, "SYSREG_MIDR_EL1_PartNum", 0xd0c, err);
	UNIT_EQ_U64(idreg_model_check(&m, &max, &p), 0, "MIDR writable with the 7.3 capability");
	idreg_msgs_free(&p);
	idreg_model_free(&m);
}

static void test_baseline_policies(void)
{
	const struct idreg_profile *ps[] = { &h1, &h2 };
	struct idreg_msgs blocking = { 0 }, notes = { 0 }, dropped = { 0 };
	struct idreg_model m;

	h1 = max;
	h2 = max;
	snprintf(h1.label, sizeof(h1.label), "h1");
	snprintf(h2.label, sizeof(h2.label), "h2");
	/* FP is signed: 0xf is -1, "not implemented", below 0. */
	put(&h1, "ID_AA64PFR0_EL1", "FP", 0, true);
	put(&h2, "ID_AA64PFR0_EL1", "FP", 0xf, true);
	put(&h1, "ID_AA64PFR0_EL1", "AdvSIMD", 0, true);
	put(&h2, "ID_AA64PFR0_EL1", "AdvSIMD", 0xf, true);
	put(&h1, "ID_AA64MMFR1_EL1", "SpecSEI", 0, true);
	put(&h2, "ID_AA64MMFR1_EL1", "SpecSEI", 1, true);
	put(&h1, "CTR_EL0", "CWG", 4, true);
	put(&h2, "CTR_EL0", "CWG", 3, true);
	put(&h1, "CTR_EL0", "ERG", 4, true);
	put(&h2, "CTR_EL0", "ERG", 0, true);
	put(&h1, "ID_AA64FPFR0_EL1", "F8CVT", 1, true);
	put(&h2, "ID_AA64FPFR0_EL1", "F8CVT", 0, true);
	put(&h1, "ID_AA64ISAR0_EL1", "RNDR", 1, true);
	put(&h2, "ID_AA64ISAR0_EL1", "RNDR", 0, false);
	idreg_model_init(&m);
	idreg_baseline(ps, 2, &m, &dropped, &blocking, &notes);
	UNIT_EQ_U64(dropped.nr, 0, "no vCPU feature to drop");
	UNIT_EQ_U64(model_value(&m, "ID_AA64PFR0_EL1", "FP"), 0xf,
		    "LOWER_SAFE signed: -1 is below 0");
	UNIT_EQ_U64(model_value(&m, "ID_AA64MMFR1_EL1", "SpecSEI"), 1, "HIGHER_SAFE: maximum");
	UNIT_EQ_U64(model_value(&m, "CTR_EL0", "CWG"), 4, "HIGHER_OR_ZERO_SAFE: maximum");
	UNIT_EQ_U64(model_value(&m, "CTR_EL0", "ERG"), 0, "HIGHER_OR_ZERO_SAFE: 0 if any is 0");
	UNIT_EQ_U64(model_value(&m, "ID_AA64FPFR0_EL1", "F8CVT"), 0, "EXACT: the safe value");
	UNIT_EQ_U64(blocking.nr, 1, "one blocking field");
	UNIT_OK(unit_has_msg(&blocking, "SYSREG_ID_AA64ISAR0_EL1_RNDR: differs (h1=0x1, h2=0x0) and is not writable on h2"),
		"blocking by name, with the host");
	UNIT_EQ_U64(model_value(&m, "ID_AA64ISAR0_EL1", "RNDR"), 0xdead, "and left out of the model");
	idreg_msgs_free(&blocking);
	idreg_msgs_free(&notes);
	idreg_model_free(&m);
}

static void test_baseline_real(void)
{
	const struct idreg_profile *ps[] = { &max, &n1 };
	struct idreg_msgs blocking = { 0 }, notes = { 0 }, p = { 0 }, dropped = { 0 };
	struct idreg_model m;

	idreg_model_init(&m);
	UNIT_EQ_U64(idreg_baseline(ps, 1, &m, &dropped, &blocking, &notes), 0,
		    "one host blocks nothing");
	UNIT_EQ_U64(idreg_model_check(&m, &max, &p), 0, "and runs its own baseline");
	idreg_model_free(&m);
	idreg_msgs_free(&p);

	UNIT_EQ_U64(idreg_baseline(ps, 2, &m, &dropped, &blocking, &notes), 4,
		    "max + neoverse-n1: three blocking fields and MIDR");
	UNIT_OK(unit_has_msg(&blocking, "SYSREG_ID_AA64MMFR2_EL1_FWB: differs") &&
		unit_has_msg(&blocking, "SYSREG_ID_AA64MMFR2_EL1_IDS: differs") &&
		unit_has_msg(&blocking, "SYSREG_ID_AA64MMFR2_EL1_EVT: differs"),
		"MMFR2 FWB, IDS, EVT: not writable on neoverse-n1");
	UNIT_EQ_U64(model_value(&m, "ID_AA64ISAR1_EL1", "LRCPC"), 1, "LRCPC: the lower");
	UNIT_EQ_U64(model_value(&m, "ID_AA64MMFR0_EL1", "PARANGE"), 5, "PARange: the lower");
	UNIT_EQ_U64(model_value(&m, "MIDR_EL1", "PartNum"), 0xdead,
		    "MIDR: no property, QEMU has none");
	UNIT_OK(unit_has_msg(&blocking, "MIDR_EL1: differs (max.json 0xf0510, neoverse-n1.json 0x414fd0c1) and QEMU cannot set it"),
		"MIDR blocks: QEMU never enables KVM_CAP_ARM_WRITABLE_IMP_ID_REGS");
	UNIT_EQ_U64(idreg_model_check(&m, &max, &p), 0, "max runs the baseline");
	UNIT_EQ_U64(idreg_model_check(&m, &n1, &p), 0, "neoverse-n1 runs the baseline");
	idreg_msgs_free(&p);
	idreg_msgs_free(&blocking);
	idreg_msgs_free(&notes);
	idreg_model_free(&m);
}

/* A model's vCPU options: JSON in and out, QEMU's arguments. */
static void test_options(void)
{
	static const char text[] =
		"{\"machine\": {\"mte\": true, \"virtualization\": true},\n"
		" \"model\": {\"name\": \"host\", \"props\": {\"pmu\": true, \"sve\": true,\n"
		"  \"pauth\": false, \"aarch64\": false, \"SYSREG_ID_AA64ZFR0_EL1_SVEver\": 1,\n"
		"  \"SYSREG_ID_AA64PFR1_EL1_MTE\": 2, \"SYSREG_ID_AA64DFR0_EL1_PMUVer\": 6}}}\n";
	char err[IDREG_ERR_LEN] = "", *s, *j;
	struct idreg_model m, back;

	idreg_model_init(&m);
	UNIT_OK(!idreg_model_from_json(&m, text, strlen(text), err), "a model with vCPU options");
	UNIT_EQ_U64(m.features, IDREG_VCPU_PMU | IDREG_VCPU_SVE | IDREG_VCPU_AARCH32 |
		    IDREG_VCPU_MTE | IDREG_VCPU_EL2, "pmu, sve, aarch64=off, mte, virtualization");
	UNIT_EQ_U64(m.nr, 3, "and its three fields");
	s = idreg_model_qemu_args(&m);
	UNIT_EQ_STR(s, "-cpu host,pmu=on,sve=on,pauth=off,aarch64=off,SYSREG_ID_AA64DFR0_EL1_PMUVer=0x6,SYSREG_ID_AA64PFR1_EL1_MTE=0x2,SYSREG_ID_AA64ZFR0_EL1_SVEver=0x1 -M virt,mte=on,virtualization=on",
		    "QEMU arguments with the -cpu and -M virt options");
	free(s);
	j = idreg_model_to_json(&m);
	idreg_model_init(&back);
	UNIT_OK(j && !idreg_model_from_json(&back, j, strlen(j), err), "the JSON reads back");
	UNIT_EQ_U64(back.features, m.features, "with the same features");
	UNIT_OK(j && strstr(j, "\"machine\": {\n    \"mte\": true,\n    \"virtualization\": true\n  }"),
		"machine options beside the model");
	free(j);
	idreg_model_free(&back);
	idreg_model_free(&m);

	/* A feature's field without it is no error: QEMU resolves it (vmm/qemu.c). */
	idreg_model_init(&m);
	s = PROPS("\"pmu\": false, \"SYSREG_ID_AA64DFR0_EL1_PMUVer\": 6");
	UNIT_OK(!idreg_model_from_json(&m, s, strlen(s), err), "PMUVer 6 with pmu=off is read");
	idreg_model_free(&m);
	bad_model(PROPS("\"pmu\": \"on\""),
		  "model.props.pmu: expected true or false (pmu=on|off), got a string", "pmu as a string");
	bad_model("{\"machine\": {\"its\": true}, \"model\": {\"props\": {}}}",
		  "machine.its: unknown machine option (known: mte, virtualization, secure, gic-version)",
		  "an unknown machine option");
	bad_model("{\"machine\": 1, \"model\": {\"props\": {}}}", "\"machine\" must be an object",
		  "machine not an object");
	idreg_model_init(&m);
	s = PROPS("\"SYSREG_ID_AA64ZFR0_EL1_SVEver\": 0, \"SYSREG_ID_AA64DFR0_EL1_PMUVer\": 0");
	UNIT_OK(!idreg_model_from_json(&m, s, strlen(s), err), "0 needs no feature");
	idreg_model_free(&m);
}

/* PMUv3 and SVE: max gives both, neoverse-n1 only the PMU. */
static void test_check_features(void)
{
	static const char text[] = PROPS("\"pmu\": true, \"sve\": true,\n"
		"\"SYSREG_ID_AA64DFR0_EL1_PMUVer\": 6, \"SYSREG_ID_AA64PFR0_EL1_SVE\": 1,\n"
		"\"SYSREG_ID_AA64ZFR0_EL1_SVEver\": 1, \"SYSREG_ID_AA64ZFR0_EL1_AES\": 2");
	char err[IDREG_ERR_LEN] = "";
	struct idreg_msgs p = { 0 };
	struct idreg_model m;

	idreg_model_init(&m);
	UNIT_OK(!idreg_model_from_json(&m, text, strlen(text), err), "PMUVer 6 and SVE fields");
	UNIT_EQ_U64(idreg_model_check(&m, &max_qh, &p), 0, "max (qemu-host) runs it");
	idreg_msgs_free(&p);
	UNIT_OK(idreg_model_check(&m, &n1_qh, &p) >= 1 &&
		unit_has_msg(&p, "feature sve: the model asks for it and neoverse-n1-qemu-host.json cannot give it: KVM does not offer sve there (vCPU qemu-host: pmu)"),
		"neoverse-n1 (qemu-host) cannot: sve named");
	UNIT_EQ_U64(p.nr, 2, "its SVE fields add nothing to the feature's line");
	UNIT_OK(unit_has_msg(&p, "SYSREG_ID_AA64DFR0_EL1_PMUVer: value 0x6 is unsafe"),
		"and PMUVer 6 is above its PMUv3p1");
	idreg_msgs_free(&p);
	UNIT_OK(idreg_model_check(&m, &max, &p) == 2 &&
		unit_has_msg(&p, "feature pmu: the model asks for it and max.json cannot give it: dumped with vCPU configuration default (none), which does not ask for pmu"),
		"a profile without the record: dumped without the features");
	idreg_msgs_free(&p);
	idreg_model_free(&m);
}

/* Baseline of qemu-host profiles: the features every host gives. */
static void test_baseline_features(void)
{
	const struct idreg_profile *ps[] = { &max_qh, &n1_qh };
	struct idreg_msgs blocking = { 0 }, notes = { 0 }, p = { 0 }, dropped = { 0 };
	struct idreg_model m;

	idreg_model_init(&m);
	UNIT_EQ_U64(idreg_baseline(ps, 1, &m, &dropped, &blocking, &notes), 0, "one host");
	UNIT_EQ_U64(m.features, IDREG_VCPU_PMU | IDREG_VCPU_SVE | IDREG_VCPU_PAUTH,
		    "its features");
	UNIT_EQ_U64(model_value(&m, "ID_AA64ZFR0_EL1", "SVEver"), 1, "its SVE fields");
	idreg_model_free(&m);
	UNIT_EQ_U64(idreg_baseline(ps, 2, &m, &dropped, &blocking, &notes), 4,
		    "max + neoverse-n1 (qemu-host): the same three blocking fields and MIDR");
	UNIT_EQ_U64(m.features, IDREG_VCPU_PMU, "only the PMU is in the model");
	UNIT_OK(dropped.nr == 2 &&
		unit_has_msg(&dropped, "feature sve: not in the model, blocked by neoverse-n1-qemu-host.json: KVM does not offer sve there") &&
		unit_has_msg(&dropped, "feature pauth: not in the model, blocked by neoverse-n1-qemu-host.json"),
		"sve and pauth dropped, the host named");
	UNIT_EQ_U64(model_value(&m, "ID_AA64DFR0_EL1", "PMUVer"), 4, "PMUVer: the lower");
	UNIT_EQ_U64(model_value(&m, "ID_AA64ZFR0_EL1", "SVEver"), 0xdead,
		    "SVE fields: sve=off decides them (arm_cpu_sve_finalize())");
	UNIT_EQ_U64(m.q.given, IDREG_VCPU_PMU | IDREG_VCPU_SVE | IDREG_VCPU_PAUTH,
		    "pmu, sve, pauth stated: on where all hosts offer, off where some do not");
	UNIT_EQ_U64(model_value(&m, "ID_AA64PFR0_EL1", "SVE"), 0xdead,
		    "PFR0.SVE: not writable, 0 on both without SVE, so left out");
	UNIT_EQ_U64(idreg_model_check(&m, &max_qh, &p), 0, "max runs the baseline");
	UNIT_EQ_U64(idreg_model_check(&m, &n1_qh, &p), 0, "neoverse-n1 runs the baseline");
	UNIT_OK(idreg_model_check(&m, &n1, &p) == 1 && unit_has_msg(&p, "feature pmu"),
		"a profile without the PMU cannot");
	idreg_msgs_free(&p);
	idreg_msgs_free(&dropped);
	idreg_msgs_free(&blocking);
	idreg_msgs_free(&notes);
	idreg_model_free(&m);
}

int main(void)
{
	char err[IDREG_ERR_LEN] = "";

	if (unit_load_profile(&max, DATA "max.json", err) ||
	    unit_load_profile(&n1, DATA "neoverse-n1.json", err) ||
	    unit_load_profile(&max_qh, DATA "max-qemu-host.json", err) ||
	    unit_load_profile(&n1_qh, DATA "neoverse-n1-qemu-host.json", err)) {
		printf("Bail out! %s\n", err);
		return 1;
	}
	test_set();
	test_emit();
	test_names();
	test_qmp_answer();
	test_bad_json();
	test_check();
	test_baseline_policies();
	test_baseline_real();
	test_options();
	test_check_features();
	test_baseline_features();
	return unit_done();
}
