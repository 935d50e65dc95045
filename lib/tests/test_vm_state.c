// SPDX-License-Identifier: GPL-2.0-only
/* The saved VM's file format (lib/core/vm_state.c): parse, write, refuse. */
#include <errno.h>
#include <stdlib.h>

#include "unit.h"

#include "idregs/util.h"
#include "idregs/vcpu_config.h"
#include "idregs/vm_state.h"

#define ISAR0		0x603000000013c030ULL	/* S3_0_C0_C6_0 */
#define PC		0x6030000000100040ULL	/* core pc: word 64 */
#define X5		0x603000000010000aULL	/* core regs.regs[5] */
#define PSCI		0x6030000000140000ULL
#define STD_BMAP	0x6030000000160000ULL
#define Z3		0x6080000000150060ULL	/* SVE Z3 slice 0, 2048 bits */
#define FFR		0x6050000000150600ULL	/* SVE FFR slice 0, 256 bits */
#define DEMUX		0x6020000000110001ULL	/* CCSIDR 1, 32 bits */

static const char good[] =
	"idregs-vm-state 1\n"
	"# a comment\n"
	"features pmu,sve\n"
	"imp-id-regs on\n"
	"vcpus 1\n"
	"vgic 3\n"
	"memory 0x40000000 0x100\n"
	"mem 0x40 0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f40\n"
	"\n"
	"reg 0 0x603000000013c030 0x0000000000221100  # S3_0_C0_C6_0\n"
	"reg 0 0x6020000000110001 0x700fe01a\n"
	"guest-slots 48 49\n"
	"end\n";

static int parse(const char *text, struct idreg_vm_state *s, char *err)
{
	err[0] = 0;
	return idreg_vm_state_parse(s, text, err);
}

static void test_parse(void)
{
	struct idreg_vm_state s;
	char err[IDREG_ERR_LEN];
	const struct idreg_vm_state_reg *r;

	UNIT_EQ_I64(parse(good, &s, err), 0, "a good file parses");
	UNIT_EQ_STR(err, "", "without a message");
	UNIT_EQ_U64(s.features, IDREG_VCPU_PMU | IDREG_VCPU_SVE, "features pmu,sve");
	UNIT_OK(s.imp_id, "imp-id-regs on");
	UNIT_EQ_U64(s.nr_vcpus, 1, "one vCPU");
	UNIT_EQ_U64(s.vgic, 3, "a GICv3");
	UNIT_EQ_U64(s.mem_gpa, 0x40000000, "memory base");
	UNIT_EQ_U64(s.mem_size, 0x100, "memory size");
	UNIT_EQ_U64(s.mem[0x3f], 0, "a chunk not listed is zero");
	UNIT_EQ_U64(s.mem[0x40], 1, "the listed chunk's first byte");
	UNIT_EQ_U64(s.mem[0x7f], 0x40, "its last byte");
	UNIT_EQ_U64(s.nr_regs, 2, "two registers");
	r = idreg_vm_state_find(&s, 0, ISAR0);
	UNIT_OK(r && idreg_vm_state_u64(r) == 0x221100, "the 64-bit value");
	UNIT_OK(r && r->val[0] == 0x00 && r->val[1] == 0x11, "stored little-endian");
	r = idreg_vm_state_find(&s, 0, DEMUX);
	UNIT_OK(r && idreg_vm_state_u64(r) == 0x700fe01a, "a 32-bit register");
	UNIT_EQ_U64(s.nr_slots, 2, "guest-slots");
	UNIT_EQ_U64(s.slots[1], 49, "the second slot");
	idreg_vm_state_free(&s);
}

/* What the writer writes, the parser reads back the same. */
static void test_round_trip(void)
{
	struct idreg_vm_state s, t;
	uint8_t z[256], x5[8] = { 7 }, pc[8] = { 0, 0x10, 0, 0x40 }, ffr[32];
	char err[IDREG_ERR_LEN], *text;
	unsigned int i;
	bool same = true;

	for (i = 0; i < sizeof(z); i++)
		z[i] = i;
	memset(ffr, 0xff, sizeof(ffr));
	idreg_vm_state_init(&s);
	s.features = IDREG_VCPU_PAUTH;
	s.nr_vcpus = 2;
	s.vgic = 2;
	s.mem_gpa = 0x40000000;
	s.mem_size = 0x1000;
	s.mem = calloc(1, s.mem_size);
	s.mem[0x800] = 0xd5;
	s.mem[0xfff] = 0x14;
	UNIT_EQ_I64(idreg_vm_state_add_reg(&s, 0, X5, x5) |
		    idreg_vm_state_add_reg(&s, 1, PC, pc) |
		    idreg_vm_state_add_reg(&s, 1, Z3, z) |
		    idreg_vm_state_add_reg(&s, 0, FFR, ffr), 0, "four registers added");
	UNIT_EQ_I64(idreg_vm_state_add_reg(&s, 0, 0x4000000000000000ULL, x5), -EINVAL,
		    "not an arm64 id: refused");
	text = idreg_vm_state_format(&s);
	UNIT_OK(text && strstr(text, "reg 1 0x6080000000150060 0xfffefd"), "Z3: most significant byte first");
	UNIT_OK(text && strstr(text, "# SVE Z3 slice 0"), "a register's comment names it");
	UNIT_OK(text && !strstr(text, "mem 0x0000"), "zero chunks are left out");
	UNIT_EQ_I64(text ? parse(text, &t, err) : -1, 0, "the written file parses");
	UNIT_EQ_STR(err, "", "without a message");
	UNIT_EQ_U64(t.features, IDREG_VCPU_PAUTH, "features back");
	UNIT_EQ_U64(t.nr_vcpus, 2, "vcpus back");
	UNIT_EQ_U64(t.vgic, 2, "vgic back");
	UNIT_OK(!t.imp_id, "imp-id-regs off back");
	UNIT_EQ_U64(t.nr_regs, 4, "registers back");
	for (i = 0; i < t.nr_regs && i < s.nr_regs; i++)
		same &= t.regs[i].id == s.regs[i].id && t.regs[i].vcpu == s.regs[i].vcpu &&
			!memcmp(t.regs[i].val, s.regs[i].val, idreg_kvm_reg_size(s.regs[i].id));
	UNIT_OK(same, "every register's id, vCPU and value back, in order");
	UNIT_OK(t.mem && !memcmp(t.mem, s.mem, s.mem_size), "memory back");
	free(text);
	idreg_vm_state_free(&t);
	idreg_vm_state_free(&s);
}

/* Each broken file is refused with the line and what is wrong. */
static void test_refusals(void)
{
	static const struct {
		const char *text, *msg, *what;
	} cases[] = {
		{ "idregs-vm-state 2\nend\n", "line 1: version 2: this idreg reads version 1",
		  "a newer version" },
		{ "features pmu\n", "line 1: not an idregs VM state (want 'idregs-vm-state 1' first)",
		  "no magic line" },
		{ "idregs-vm-state 1\nvcpus 1\nmemory 0x0 0x40\n",
		  "line 4: no 'end': the file is cut short", "cut short" },
		{ "idregs-vm-state 1\nfeatures pmu,warp\nend\n", "line 2: unknown vCPU feature 'warp'",
		  "an unknown feature" },
		{ "idregs-vm-state 1\nvcpus 1\nreg 0 0x603000000013c030 0x1234\nend\n",
		  "line 3: reg S3_0_C0_C6_0: want 0x and 16 hex digits", "a value of the wrong size" },
		{ "idregs-vm-state 1\nvcpus 1\nreg 1 0x603000000013c030 0x0000000000000000\nend\n",
		  "line 3: reg of vcpu 1: the state has 1", "a vCPU beyond vcpus" },
		{ "idregs-vm-state 1\nvcpus 1\nreg 0 0x6030000000100000 0x0000000000000000\n"
		  "reg 0 0x6030000000100000 0x0000000000000001\nend\n",
		  "line 4: reg core regs.regs[0] of vcpu 0 given twice", "a register twice" },
		{ "idregs-vm-state 1\nvcpus 1\nmem 0x0 00\nend\n", "line 3: mem before memory",
		  "memory contents before its size" },
		{ "idregs-vm-state 1\nvcpus 1\nmemory 0x0 0x40\nmem 0x40 00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000\nend\n",
		  "line 4: mem offset 0x40: not a chunk of the 0x40 bytes", "a chunk outside memory" },
		{ "idregs-vm-state 1\nvcpus 1\nmemory 0x0 0x40\nwhatever 1\nend\n",
		  "line 4: unknown record 'whatever' (or wrong number of words)", "an unknown record" },
		{ "idregs-vm-state 1\nvgic 4\nend\n", "line 2: vgic: want 2 or 3 (a GICv2 or GICv3)",
		  "a GIC KVM has not" },
		{ "idregs-vm-state 1\nvcpus 1\nend\n", "line 4: the state names no memory",
		  "no memory" },
		{ "idregs-vm-state 1\nvcpus 1\nmemory 0x0 0x40\nend\nvcpus 1\n",
		  "line 5: 'vcpus' after end", "a record after end" },
	};
	struct idreg_vm_state s;
	char err[IDREG_ERR_LEN];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		UNIT_EQ_I64(parse(cases[i].text, &s, err), -1, cases[i].what);
		UNIT_EQ_STR(err, cases[i].msg, "  its message");
		UNIT_EQ_U64(s.nr_regs + s.nr_vcpus + (s.mem != NULL), 0, "  and an empty state");
	}
}

static void test_describe(void)
{
	char buf[64];

	UNIT_EQ_STR(idreg_kvm_reg_describe(ISAR0, buf, sizeof(buf)), "S3_0_C0_C6_0", "a system register");
	UNIT_EQ_STR(idreg_kvm_reg_describe(PC, buf, sizeof(buf)), "core pc", "core pc");
	UNIT_EQ_STR(idreg_kvm_reg_describe(X5, buf, sizeof(buf)), "core regs.regs[5]", "core x5");
	UNIT_EQ_STR(idreg_kvm_reg_describe(0x6040000000100054ULL + 4 * 2, buf, sizeof(buf)),
		    "core fp_regs.vregs[2]", "core v2");
	UNIT_EQ_STR(idreg_kvm_reg_describe(PSCI, buf, sizeof(buf)), "firmware PSCI_VERSION", "PSCI");
	UNIT_EQ_STR(idreg_kvm_reg_describe(STD_BMAP, buf, sizeof(buf)), "firmware STD_BMAP",
		    "a firmware bitmap");
	UNIT_EQ_STR(idreg_kvm_reg_describe(IDREG_KVM_REG_SVE_VLS, buf, sizeof(buf)), "SVE VLS", "VLS");
	UNIT_EQ_STR(idreg_kvm_reg_describe(FFR, buf, sizeof(buf)), "SVE FFR slice 0", "FFR");
	UNIT_EQ_STR(idreg_kvm_reg_describe(DEMUX, buf, sizeof(buf)), "demux CCSIDR 1", "CCSIDR");
	UNIT_EQ_STR(idreg_kvm_reg_describe(IDREG_KVM_REG_TIMER_CNT, buf, sizeof(buf)),
		    "S3_3_C14_C3_2", "the virtual counter");
	UNIT_EQ_U64(idreg_kvm_sysreg_id(3, 0, 0, 6, 0), ISAR0, "ARM64_SYS_REG(3, 0, 0, 6, 0)");
	UNIT_EQ_U64(idreg_kvm_sysreg_id(3, 3, 14, 3, 2), IDREG_KVM_REG_TIMER_CNT,
		    "ARM64_SYS_REG(3, 3, 14, 3, 2)");
	UNIT_OK(idreg_kvm_reg_is_id(ISAR0, NULL, NULL, NULL), "ID_AA64ISAR0_EL1 is an ID register");
	UNIT_OK(!idreg_kvm_reg_is_id(IDREG_KVM_REG_TIMER_CNT, NULL, NULL, NULL),
		"the counter is not");
	UNIT_EQ_U64(idreg_kvm_reg_size(Z3), 256, "a Z register is 256 bytes");
}

int main(void)
{
	test_parse();
	test_round_trip();
	test_refusals();
	test_describe();
	return unit_done();
}
