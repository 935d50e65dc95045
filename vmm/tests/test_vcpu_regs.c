// SPDX-License-Identifier: GPL-2.0-only
/*
 * The whole vCPU in profiles (vmm/vcpu_regs.c): the register list idreg
 * dump records, KVM's rules for the firmware registers, and what baseline,
 * compare and migrate decide on them, on the profiles dumped on the
 * emulated hosts (the -vcpu-regs.json ones in vmm/tests/data/) and on profiles written
 * before them.
 */
#include <stdlib.h>

#include "idregs/baseline.h"
#include "idregs/migration.h"
#include "idregs/model_check.h"
#include "idregs/vcpu_regs.h"
#include "unit.h"
#include "vmm_unit.h"

#define DATA	"vmm/tests/data/"

#define STD_BMAP	IDREG_KVM_FW_BMAP(0)
#define VENDOR_BMAP_2	IDREG_KVM_FW_BMAP(3)
#define PSCI_1_1	0x10001
#define PSCI_1_3	0x10003

static struct idreg_profile max, n1, max612, old, copy;

/* Does a message of @m have @about's KVM register? */
static bool about_kvm_reg(const struct idreg_msgs *m, uint64_t id)
{
	unsigned int i;

	for (i = 0; i < m->nr; i++)
		if (m->about[i].kvm_reg == id)
			return true;
	return false;
}

static const struct idreg_model_kvm_reg *model_kvm_reg(const struct idreg_model *m, uint64_t id)
{
	unsigned int i;

	for (i = 0; i < m->nr_kvm_regs; i++)
		if (m->kvm_regs[i].id == id)
			return &m->kvm_regs[i];
	return NULL;
}

static void test_recorded(void)
{
	const struct idreg_profile_reg *r;
	char err[IDREG_ERR_LEN] = "", name[64];
	char *text, *again;

	UNIT_OK(max.kvm_regs_known && max.nr_kvm_regs > 200, "max: the register list is recorded");
	r = idreg_profile_kvm_reg(&max, IDREG_KVM_SMCCC_WA3);
	UNIT_OK(r && r->has_value && r->value == 2, "max: WORKAROUND_3 reads 2 (not required)");
	r = idreg_profile_kvm_reg(&n1, IDREG_KVM_SMCCC_WA3);
	UNIT_OK(r && r->has_value && r->value == 1, "neoverse-n1: WORKAROUND_3 reads 1 (available)");
	r = idreg_profile_kvm_reg(&max, IDREG_KVM_PSCI_VERSION);
	UNIT_OK(r && r->value == PSCI_1_3, "7.3 with PSCI 0.2 asked for, as QEMU does: PSCI 1.3");
	r = idreg_profile_kvm_reg(&max, VENDOR_BMAP_2);
	UNIT_OK(r && r->has_writable && r->value == 0 && r->writable == 3,
		"VENDOR_HYP_BMAP_2: clear by default, DISCOVER_IMPL_VER/CPUS settable");
	UNIT_OK(!idreg_profile_kvm_reg(&max612, VENDOR_BMAP_2), "6.12 has no VENDOR_HYP_BMAP_2");
	r = idreg_profile_kvm_reg(&max, IDREG_KVM_REG_TIMER_CNT);
	UNIT_OK(r && !r->has_value, "the counter is listed, its ticking value is not recorded");
	UNIT_OK(max.hw_cntfrq_known && max.counter_offset, "CNTFRQ_EL0 and KVM_CAP_COUNTER_OFFSET");
	UNIT_EQ_STR(idreg_kvm_uapi_name(IDREG_KVM_SMCCC_WA3, name, sizeof(name)),
		    "KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_3", "firmware registers by their uapi names");
	UNIT_EQ_U64(idreg_kvm_fw_by_name("KVM_REG_ARM_STD_BMAP"), STD_BMAP, "and back");
	UNIT_EQ_U64(idreg_kvm_fw_by_name("KVM_REG_ARM_TIMER_CNT"), 0, "a timer is no firmware register");

	text = idreg_profile_to_json(&max);
	idreg_profile_init(&copy, "copy");
	UNIT_OK(text && !idreg_profile_from_json(&copy, text, strlen(text), err),
		"parse what was printed");
	again = idreg_profile_to_json(&copy);
	UNIT_OK(text && again && !strcmp(text, again), "printing the register list is a fixed point");
	UNIT_OK(copy.nr_kvm_regs == max.nr_kvm_regs &&
		!memcmp(copy.kvm_regs, max.kvm_regs, max.nr_kvm_regs * sizeof(max.kvm_regs[0])),
		"every register survives");
	free(text);
	free(again);

	UNIT_OK(!old.kvm_regs_known && !old.nr_kvm_regs && !old.hw_cntfrq_known,
		"a profile written before loads, without a register list");
}

static void bad_kvm_reg(const char *regs, const char *want, const char *desc)
{
	char text[512], err[IDREG_ERR_LEN] = "";
	int r;

	snprintf(text, sizeof(text), "{\"format\": \"idregs-profile-1\", \"registers\": {}, \"kvm_regs\": %s}",
		 regs);
	idreg_profile_init(&copy, "t");
	r = idreg_profile_from_json(&copy, text, strlen(text), err);
	UNIT_OK(r == -1 && strstr(err, want), desc);
	if (r != -1 || !strstr(err, want))
		printf("#   error: \"%s\", want \"%s\"\n", err, want);
}

static void test_bad_input(void)
{
	bad_kvm_reg("[]", "\"kvm_regs\" must be an object", "kvm_regs not an object");
	bad_kvm_reg("{\"X\": {\"value\": \"0x1\"}}", "kvm_regs.X: missing \"id\"", "no id");
	bad_kvm_reg("{\"X\": {\"id\": \"0x1\"}}", "kvm_regs.X.id: not a KVM/arm64 register id",
		    "an id of no arm64 register");
	bad_kvm_reg("{\"X\": {\"id\": \"0x6030000000140000\", \"v\": 1}}", "unknown key \"v\"",
		    "an unknown key");
}

static void test_rules(void)
{
	char why[256];
	bool kept;

	UNIT_OK(!idreg_fw_accepts(&n1, IDREG_KVM_SMCCC_WA3, 2, &kept, why, sizeof(why)) &&
		strstr(why, "above the host's 1"),
		"WORKAROUND_3: neoverse-n1 refuses max's level 2");
	UNIT_OK(idreg_fw_accepts(&max, IDREG_KVM_SMCCC_WA3, 1, &kept, why, sizeof(why)) && kept,
		"max accepts neoverse-n1's level 1 and keeps its own");
	UNIT_OK(!idreg_fw_accepts(&max, IDREG_KVM_SMCCC_WA3, 0x12, &kept, why, sizeof(why)),
		"bits above the level are refused");
	UNIT_OK(!idreg_fw_accepts(&max, IDREG_KVM_SMCCC_WA2, 0x13, &kept, why, sizeof(why)),
		"WORKAROUND_2: the enabled bit needs level AVAIL");
	UNIT_OK(!idreg_fw_accepts(&max, IDREG_KVM_SMCCC_WA2, 2, &kept, why, sizeof(why)),
		"WORKAROUND_2: AVAIL folds to NOT_REQUIRED, above max's NOT_AVAIL");
	UNIT_OK(idreg_fw_accepts(&max, IDREG_KVM_SMCCC_WA2, 1, &kept, why, sizeof(why)),
		"WORKAROUND_2: UNKNOWN folds to NOT_AVAIL");
	UNIT_OK(!idreg_fw_accepts(&max612, IDREG_KVM_PSCI_VERSION, PSCI_1_3, NULL, why, sizeof(why)),
		"PSCI 1.3 is unknown to 6.12");
	UNIT_OK(idreg_fw_accepts(&max, IDREG_KVM_PSCI_VERSION, PSCI_1_1, &kept, why, sizeof(why)) &&
		!kept, "7.3 stores PSCI 1.1");
	UNIT_OK(!idreg_fw_accepts(&max, IDREG_KVM_PSCI_VERSION, 1, NULL, why, sizeof(why)),
		"PSCI 0.1 is refused with PSCI 0.2 asked for");
	UNIT_OK(idreg_fw_accepts(&max, VENDOR_BMAP_2, 3, NULL, why, sizeof(why)) &&
		!idreg_fw_accepts(&max, VENDOR_BMAP_2, 4, NULL, why, sizeof(why)),
		"a bitmap takes the bits KVM implements, no other");
	UNIT_OK(!idreg_fw_accepts(&max612, VENDOR_BMAP_2, 0, NULL, why, sizeof(why)) &&
		strstr(why, "not in the register list"), "nor where KVM lists no such register");
}

/* max and neoverse-n1: WORKAROUND_3 keeps a max guest off neoverse-n1. */
static void test_baseline_max_n1(void)
{
	const struct idreg_profile *ps[] = { &max, &n1 };
	struct idreg_msgs blocking = { 0 }, notes = { 0 }, dropped = { 0 };
	struct idreg_model m;
	unsigned int i;
	bool fp = false;

	idreg_model_init(&m);
	idreg_baseline(ps, 2, &m, &dropped, &blocking, &notes);
	UNIT_OK(about_kvm_reg(&blocking, IDREG_KVM_SMCCC_WA3) &&
		unit_has_msg(&blocking, "KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_3: differs (max-vcpu-regs.json=0x2, neoverse-n1-vcpu-regs.json=0x1)"),
		"WORKAROUND_3 blocks, named");
	UNIT_OK(unit_has_msg(&blocking, "CNTFRQ_EL0: max-vcpu-regs.json counts at 1000000000 Hz, neoverse-n1-vcpu-regs.json at 62500000 Hz"),
		"the counter frequencies differ: blocking");
	for (i = 0; i < notes.nr; i++)
		fp |= !!strstr(notes.v[i], "fp_regs") || !!strstr(notes.v[i], "SVE Z0");
	UNIT_OK(!fp, "the V and Z registers follow sve, which the model drops: no note");
	UNIT_EQ_U64(m.nr_kvm_regs, 0, "no firmware register to set: the rest is the same");
	idreg_msgs_free(&blocking);
	idreg_msgs_free(&notes);
	idreg_msgs_free(&dropped);
	idreg_model_free(&m);
}

/* 7.3 and 6.12: PSCI lowered, VENDOR_HYP_BMAP_2 only on 7.3. */
static void test_baseline_kernels(void)
{
	const struct idreg_profile *ps[] = { &max, &max612 };
	struct idreg_msgs blocking = { 0 }, notes = { 0 }, dropped = { 0 }, p = { 0 };
	const struct idreg_model_kvm_reg *psci;
	struct idreg_model m;

	idreg_model_init(&m);
	idreg_baseline(ps, 2, &m, &dropped, &blocking, &notes);
	psci = model_kvm_reg(&m, IDREG_KVM_PSCI_VERSION);
	UNIT_OK(psci && psci->value == PSCI_1_1, "PSCI lowered to 6.12's 1.1, for the VMM to set");
	UNIT_OK(about_kvm_reg(&blocking, VENDOR_BMAP_2) &&
		unit_has_msg(&blocking, "KVM_REG_ARM_VENDOR_HYP_BMAP_2: not listed on every host"),
		"a firmware register one kernel lacks blocks");
	UNIT_EQ_U64(m.q.sve_on, 0xffff, "both offer every vector length: sve128..sve2048=on");
	UNIT_EQ_U64(idreg_model_check_kvm_regs(&m, &max612, &p, NULL), 0, "6.12 takes the model's PSCI");
	idreg_model_set_kvm_reg(&m, IDREG_KVM_PSCI_VERSION, PSCI_1_3);
	UNIT_OK(idreg_model_check_kvm_regs(&m, &max612, &p, NULL) == 1 &&
		unit_has_msg(&p, "KVM_REG_ARM_PSCI_VERSION=0x10003: refused by max-6.12-vcpu-regs.json"),
		"compare: a PSCI version 6.12 does not know is a problem");
	idreg_msgs_free(&p);
	UNIT_OK(idreg_model_check_kvm_regs(&m, &old, &p, &notes) == 0 &&
		unit_has_msg(&notes, "max-qemu-host.json predates the register list"),
		"a profile written before: not checked, and said");
	idreg_msgs_free(&blocking);
	idreg_msgs_free(&notes);
	idreg_msgs_free(&dropped);
	idreg_model_free(&m);
}

/* The vector lengths: the common prefix, as KVM_REG_ARM64_SVE_VLS wants. */
static void test_baseline_vls(void)
{
	const struct idreg_profile *ps[] = { &max, &copy };
	struct idreg_msgs blocking = { 0 }, notes = { 0 }, dropped = { 0 };
	struct idreg_model m;

	copy = max;
	snprintf(copy.label, sizeof(copy.label), "copy");
	copy.sve_vls = 1U << 0 | 1U << 1 | 1U << 3;	/* 128, 256, 512 */
	idreg_model_init(&m);
	idreg_baseline(ps, 2, &m, &dropped, &blocking, &notes);
	UNIT_EQ_U64(m.q.sve_on, 3, "max and {128, 256, 512}: sve128 and sve256 (max has 384)");
	UNIT_OK(unit_has_msg(&notes, "up to 256 bits they are the same"), "said in a note");
	idreg_model_free(&m);
	idreg_msgs_free(&notes);

	copy.sve_vls = 1U << 1;				/* 256 only */
	idreg_model_init(&m);
	idreg_baseline(ps, 2, &m, &dropped, &blocking, &notes);
	UNIT_OK(about_kvm_reg(&blocking, IDREG_KVM_REG_SVE_VLS) &&
		unit_has_msg(&blocking, "sve<N>: no vector lengths are the same"),
		"no common prefix: blocking");
	idreg_msgs_free(&blocking);
	idreg_msgs_free(&notes);
	idreg_msgs_free(&dropped);
	idreg_model_free(&m);
}

/* Profiles written before say what they lack. */
static void test_old_profiles(void)
{
	const struct idreg_profile *ps[] = { &max, &old };
	struct idreg_msgs blocking = { 0 }, notes = { 0 }, dropped = { 0 };
	struct idreg_model m;

	idreg_model_init(&m);
	idreg_baseline(ps, 2, &m, &dropped, &blocking, &notes);
	UNIT_OK(unit_has_msg(&notes, "max-qemu-host.json predates the register list"),
		"a note names the profile without a register list");
	UNIT_OK(!about_kvm_reg(&blocking, IDREG_KVM_SMCCC_WA3), "and nothing is decided on it");
	idreg_msgs_free(&blocking);
	idreg_msgs_free(&notes);
	idreg_msgs_free(&dropped);
	idreg_model_free(&m);
}

/* idreg migrate: the source's firmware registers into the destination. */
static void test_migrate(void)
{
	struct idreg_msgs out = { 0 }, notes = { 0 };
	struct idreg_model m;

	idreg_model_init(&m);
	idreg_migration_check(&m, &max, &n1, &out, &notes);
	UNIT_OK(about_kvm_reg(&out, IDREG_KVM_SMCCC_WA3) &&
		unit_has_msg(&out, "KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_3: max-vcpu-regs.json's 0x0000000000000002 refused on neoverse-n1-vcpu-regs.json"),
		"max into neoverse-n1: WORKAROUND_3 refused");
	idreg_msgs_free(&out);
	idreg_msgs_free(&notes);
	idreg_migration_check(&m, &n1, &max, &out, &notes);
	UNIT_OK(!about_kvm_reg(&out, IDREG_KVM_SMCCC_WA3) &&
		about_kvm_reg(&notes, IDREG_KVM_SMCCC_WA3),
		"neoverse-n1 into max: accepted, the guest sees max's level (a note)");
	idreg_msgs_free(&out);
	idreg_msgs_free(&notes);
	idreg_migration_check(&m, &max, &max612, &out, &notes);
	UNIT_OK(about_kvm_reg(&out, IDREG_KVM_PSCI_VERSION) && about_kvm_reg(&out, VENDOR_BMAP_2),
		"7.3 into 6.12: PSCI 1.3 and VENDOR_HYP_BMAP_2 refused");
	idreg_msgs_free(&out);
	idreg_msgs_free(&notes);
	idreg_model_free(&m);
}

/* idreg diff's view of the rest of the vCPU. */
static void test_diff(void)
{
	struct idreg_msgs out = { 0 }, notes = { 0 };
	struct idreg_profile_reg *bmap;
	unsigned int nr;

	nr = idreg_vcpu_diff(&max, &n1, &out, &notes);
	UNIT_EQ_U64(nr, out.nr, "the count is the lines");
	UNIT_OK(unit_has_msg(&out, "KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_3: value 0x2 -> 0x1") &&
		about_kvm_reg(&out, IDREG_KVM_SMCCC_WA3), "max to neoverse-n1: WORKAROUND_3's level");
	UNIT_OK(unit_has_msg(&out, "CNTFRQ_EL0: 1000000000 Hz -> 62500000 Hz"), "the counter frequency");
	UNIT_OK(unit_has_msg(&out, "register list: 61 registers listed -> not listed (KVM_REG_ARM64_SVE_VLS, SVE Z0"),
		"SVE's registers on max only: one line, named while it has room");
	UNIT_OK(unit_has_msg(&out, "register list: 32 registers not listed -> listed (core fp_regs.vregs[0]"),
		"the V registers on neoverse-n1 only (max has SVE's Z instead)");
	UNIT_EQ_U64(notes.nr, 0, "both profiles have the register list: no note");
	idreg_msgs_free(&out);
	idreg_msgs_free(&notes);

	idreg_vcpu_diff(&max, &max612, &out, &notes);
	UNIT_OK(unit_has_msg(&out, "KVM_REG_ARM_PSCI_VERSION: value 0x10003 -> 0x10001") &&
		unit_has_msg(&out, "KVM_REG_ARM_VENDOR_HYP_BMAP_2: listed -> not listed"),
		"7.3 to 6.12: PSCI 1.3 to 1.1, a firmware bitmap 6.12 lacks on its own line");
	idreg_msgs_free(&out);
	idreg_msgs_free(&notes);

	copy = max;
	copy.sve_vls = 0x3;
	copy.counter_offset = false;
	bmap = (struct idreg_profile_reg *)idreg_profile_kvm_reg(&copy, STD_BMAP);
	if (bmap)
		bmap->writable ^= 1;
	nr = idreg_vcpu_diff(&max, &copy, &out, &notes);
	UNIT_OK(unit_has_msg(&out, "sve<N>: vector lengths 128 256 384 512 640 768 896 1024 1152 1280 1408 1536 1664 1792 1920 2048 -> 128 256"),
		"the vector lengths");
	UNIT_OK(unit_has_msg(&out, "KVM_CAP_COUNTER_OFFSET: yes -> no"), "the counter offset");
	UNIT_OK(bmap && bmap->has_writable && unit_has_msg(&out, "KVM_REG_ARM_STD_BMAP: settable bits 0x"),
		"a bitmap's settable bits");
	UNIT_EQ_U64(nr, 3, "three differences, nothing else");
	idreg_msgs_free(&out);
	idreg_msgs_free(&notes);

	UNIT_EQ_U64(idreg_vcpu_diff(&max, &max, &out, &notes), 0, "a profile equals itself");
	idreg_vcpu_diff(&old, &max, &out, &notes);
	UNIT_OK(out.nr == 0 && unit_has_msg(&notes, "predates the register list"),
		"a profile before kvm_regs: nothing compared, a note says so");
	idreg_msgs_free(&out);
	idreg_msgs_free(&notes);
}

int main(void)
{
	char err[IDREG_ERR_LEN] = "";

	if (unit_load_profile(&max, DATA "max-vcpu-regs.json", err) ||
	    unit_load_profile(&n1, DATA "neoverse-n1-vcpu-regs.json", err) ||
	    unit_load_profile(&max612, DATA "max-6.12-vcpu-regs.json", err) ||
	    unit_load_profile(&old, DATA "max-qemu-host.json", err)) {
		printf("Bail out! %s\n", err);
		return 1;
	}
	test_recorded();
	test_bad_input();
	test_rules();
	test_baseline_max_n1();
	test_baseline_kernels();
	test_baseline_vls();
	test_old_profiles();
	test_migrate();
	test_diff();
	return unit_done();
}
