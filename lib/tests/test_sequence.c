// SPDX-License-Identifier: GPL-2.0-only
/*
 * The stateful explorer's portable core (idregs/sequence.h): the
 * reproducer's text both ways, the generator's determinism, the model's
 * predictions of a few orders of operations, the shrinker.
 */
#include <errno.h>
#include <stdlib.h>

#include "unit.h"

#include "idregs/field.h"
#include "idregs/sequence.h"

#define ISAR0		idreg_slot_index(3, 0, 0, 6, 0)
#define ISAR0_LIMIT	0x0221100110212120ULL
#define ISAR0_AES	(0xfULL << 4)

static struct idreg_seq_defaults defaults;

/* A host of ID_AA64ISAR0_EL1 alone, its AES field writable. */
static void defaults_init(void)
{
	memset(&defaults, 0, sizeof(defaults));
	defaults.readable[ISAR0] = true;
	defaults.limit[ISAR0] = ISAR0_LIMIT;
	defaults.mask[ISAR0] = ISAR0_AES;
	defaults.traits.aarch32_el0 = true;
	defaults.traits.kernel = 7 << 16 | 3;
}

static const char text[] =
	"idregs-sequence 1\n"
	"# a comment\n"
	"vm\n"
	"vcpu 0\n"
	"init 0.0\n"
	"init 0.1 other\n"
	"set 0.0 ID_AA64ISAR0_EL1 0x0221100110212110\n"
	"set 0.0 ID_AA64ISAR0_EL1.AES 0x1\n"
	"get 0.0 S3_0_C0_C6_0\n"
	"\n"
	"run 0.0\n"
	"masks 0\n"
	"cap 0 imp-id\n"
	"save 0\n";

static void test_text(void)
{
	static struct idreg_seq s, again;
	char err[IDREG_ERR_LEN] = "", *out, *out2;

	UNIT_EQ_I64(idreg_seq_parse(&s, text, err), 0, "the reproducer parses");
	UNIT_EQ_I64(s.nr, 11, "eleven steps, the comment and blank line skipped");
	UNIT_EQ_I64(s.step[3].other, 1, "init ... other");
	UNIT_EQ_I64(s.step[6].slot, ISAR0, "a register by its encoding name");
	UNIT_OK(s.step[5].field && s.step[5].field->lsb == 4, "a field of it");
	UNIT_EQ_U64(idreg_seq_set_value(&s.step[5], ISAR0_LIMIT), (ISAR0_LIMIT & ~0xf0ULL) | 0x10,
		    "the field written over the register's value");
	UNIT_EQ_U64(s.step[4].val, 0x0221100110212110ULL, "the value written");
	out = idreg_seq_format(&s);
	UNIT_EQ_I64(idreg_seq_parse(&again, out, err), 0, "what it prints parses");
	out2 = idreg_seq_format(&again);
	UNIT_EQ_STR(out2, out, "print, parse, print: the same text");
	UNIT_OK(strstr(out, "get 0.0 ID_AA64ISAR0_EL1\n") != NULL, "registers printed by name");
	free(out);
	free(out2);
	UNIT_EQ_I64(idreg_seq_parse(&s, "vm\n", err), -1, "no header: refused");
	UNIT_EQ_I64(idreg_seq_parse(&s, "idregs-sequence 1\nset 0.0 NO_SUCH_REG 0x1\n", err), -1,
		    "an unknown register: refused");
	UNIT_EQ_STR(err, "line 2: unknown ID register 'NO_SUCH_REG'", "and the line named");
	UNIT_EQ_I64(idreg_seq_parse(&s, "idregs-sequence 1\nset 0.0 ID_AA64ISAR0_EL1.AES 0x10\n", err),
		    -1, "a field value too wide: refused");
	UNIT_EQ_I64(idreg_seq_parse(&s, "idregs-sequence 1\ninit 0.0 others\n", err), -1,
		    "a misspelt init: refused");
}

/* The set steps of 60 generated sequences on a VM with a PMU, SVE or MTE. */
static unsigned int unmodelled_sets(unsigned int kinds)
{
	static struct idreg_seq_model m;
	static struct idreg_seq s;
	unsigned int i, j, n = 0;

	for (i = 0; i < 60; i++) {
		idreg_seq_generate_kinds(&s, &defaults, 1, i, 40, kinds);
		idreg_seq_model_init(&m, &defaults);
		for (j = 0; j < s.nr; j++) {
			const struct idreg_step *st = &s.step[j];
			const struct idreg_seq_vm *v = &m.vm[st->vm];

			if (!idreg_seq_step_valid(&m, st))
				continue;
			n += st->kind == IDREG_STEP_SET &&
			     ((v->features_set && (v->other || v->sve)) || v->mte);
			idreg_seq_check_step(&m, st, NULL, NULL);
		}
	}
	return n;
}

static void test_generate(void)
{
	static struct idreg_seq a, b, c, d;
	char *ta, *tb, *tc, *td;
	unsigned int i, kinds = 0;

	idreg_seq_generate(&a, &defaults, 1, 0, 200);
	idreg_seq_generate(&b, &defaults, 1, 0, 200);
	idreg_seq_generate(&c, &defaults, 2, 0, 200);
	ta = idreg_seq_format(&a);
	tb = idreg_seq_format(&b);
	tc = idreg_seq_format(&c);
	idreg_seq_generate(&d, &defaults, 3, 0, 200);
	td = idreg_seq_format(&d);
	UNIT_OK(strcmp(tc, td) != 0, "seeds 2 and 3: other sequences");
	free(td);
	UNIT_EQ_I64(a.nr, 200, "200 steps asked, 200 made");
	UNIT_EQ_STR(ta, tb, "the same seed: the same sequence");
	UNIT_OK(strcmp(ta, tc) != 0, "another seed: another sequence");
	for (i = 0; i < 20; i++) {
		unsigned int j;

		idreg_seq_generate(&d, &defaults, 1, i, 40);
		for (j = 0; j < d.nr; j++)
			kinds |= 1U << d.step[j].kind;
	}
	UNIT_EQ_I64(kinds, IDREG_SEQ_BASIC_KINDS, "every basic step kind in 20 sequences of 40");
	defaults.other_offered = defaults.sve_offered = defaults.vgic_offered = true;
	for (kinds = 0, i = 0; i < 60; i++) {
		unsigned int j;

		idreg_seq_generate_kinds(&d, &defaults, 1, i, 40, IDREG_SEQ_ALL_KINDS);
		for (j = 0; j < d.nr; j++)
			kinds |= 1U << d.step[j].kind;
	}
	UNIT_EQ_I64(kinds, IDREG_SEQ_ALL_KINDS, "with the devices: every step kind in 60 of 40");
	UNIT_EQ_I64(unmodelled_sets(IDREG_SEQ_ALL_KINDS), 0,
		    "no write to a VM whose ID registers are not predicted, unless asked");
	UNIT_OK(unmodelled_sets(IDREG_SEQ_ALL_KINDS | IDREG_SEQ_TAINTING_WRITES) > 0,
		"asked: such writes");
	idreg_seq_generate_kinds(&d, &defaults, 1, 0, 200, IDREG_SEQ_BASIC_KINDS);
	td = idreg_seq_format(&d);
	UNIT_EQ_STR(td, ta, "the basic kinds: idreg_seq_generate()'s sequence");
	free(td);
	defaults.other_offered = defaults.sve_offered = defaults.vgic_offered = false;
	UNIT_EQ_I64(a.step[0].kind, IDREG_STEP_VM, "a sequence starts with a VM");
	free(ta);
	free(tb);
	free(tc);
}

/* Run @txt's steps on the model with the answers of @r (one per step). */
static unsigned int model_fails_at(const char *txt, const struct idreg_step_answer *ans)
{
	static struct idreg_seq_model m;
	static struct idreg_seq s;
	char err[IDREG_ERR_LEN], why[IDREG_SEQ_WHY_LEN];
	unsigned int i;

	if (idreg_seq_parse(&s, txt, err))
		return 999;
	idreg_seq_model_init(&m, &defaults);
	for (i = 0; i < s.nr; i++)
		if (idreg_seq_step_valid(&m, &s.step[i]) &&
		    !idreg_seq_check_step(&m, &s.step[i], &ans[i], why))
			return i;
	return s.nr;
}

static void test_model(void)
{
	static bool read[IDREG_NR_SLOTS];
	static uint64_t seen[IDREG_NR_SLOTS];
	uint64_t lower = ISAR0_LIMIT & ~ISAR0_AES;
	const char *txt = "idregs-sequence 1\nvm\nvcpu 0\nvcpu 0\nset 0.0 ID_AA64ISAR0_EL1 0x0221100110212100\n"
		"init 0.0\ninit 0.1 other\ninit 0.1\nset 0.1 ID_AA64ISAR0_EL1 0x0221100110212100\n"
		"run 0.0\nset 0.1 ID_AA64ISAR0_EL1 0x0221100110212120\n";
	struct idreg_step_answer ans[10] = {
		{ 0 }, { 0 }, { 0 },
		{ .r = -ENOEXEC },				/* not initialised */
		{ 0 },
		{ .r = -EINVAL },				/* other features */
		{ 0 },
		{ .r = 0, .before = ISAR0_LIMIT, .back = lower },	/* AES lowered, VM-wide */
		{ .r = 0, .guest_done = true, .guest_val = seen, .guest_read = read },
		{ .r = -EBUSY, .before = lower, .back = lower },	/* frozen by vCPU 0's run */
	};

	defaults.other_offered = true;
	read[ISAR0] = true;
	seen[ISAR0] = lower;
	UNIT_EQ_I64(model_fails_at(txt, ans), 10, "the model predicts every answer of KVM 7.3");
	ans[9].r = 0;
	ans[9].back = ISAR0_LIMIT;
	UNIT_EQ_I64(model_fails_at(txt, ans), 9,
		    "a write through vCPU 1 accepted after vCPU 0 ran: the step that fails");
	ans[9] = (struct idreg_step_answer){ .r = -EBUSY, .before = lower, .back = lower };
	ans[5].r = 0;
	UNIT_EQ_I64(model_fails_at(txt, ans), 5, "vCPUs of other features accepted: fails");
	ans[5].r = -EINVAL;
	seen[ISAR0] = ISAR0_LIMIT;
	UNIT_EQ_I64(model_fails_at(txt, ans), 8, "the guest reading the default: fails");
}

static const char device_text[] =
	"idregs-sequence 1\n"
	"vm\nvcpu 0\ninit 0.0 other sve\n"
	"pmu 0.0 has\npmu 0.0 irq\nrun 0.0\nvls 0.0\nfinalize 0.0\nfinalize 0.0\n"
	"vls 0.0\nrun 0.0\npmu 0.0 init\npmu 0.0 filter\nrun 0.0\n"
	"vm\ncap 1 mte\nvcpu 1\ncap 1 mte\nvgic 1\nvgic 1\ninit 1.0\npmu 1.0 has\n"
	"finalize 1.0\npmu 1.0 get-irq\nvgic 1 init\nvcpu 1\n";

/* The vCPU's devices: KVM_ARM_VCPU_FINALIZE, the PMU, the vGIC, MTE. */
static void test_devices(void)
{
	static struct idreg_seq s;
	static bool read[IDREG_NR_SLOTS];
	static uint64_t seen[IDREG_NR_SLOTS];
	char err[IDREG_ERR_LEN] = "", *out;
	struct idreg_step_answer ans[26] = {
		{ 0 }, { 0 }, { 0 },
		{ 0 },						/* the VM's vCPUs have a PMU */
		{ .r = -EINVAL },				/* no irqchip: no interrupt */
		{ .r = -EPERM },				/* SVE not finalized */
		{ 0 }, { 0 },					/* vector lengths, finalized */
		{ .r = -EPERM }, { .r = -EPERM },		/* finalized: too late */
		{ .r = -EINVAL },				/* the PMU not initialised */
		{ 0 },
		{ .r = -EBUSY },				/* the PMU is initialised */
		{ .guest_done = true, .guest_val = seen, .guest_read = read },
		{ 0 }, { 0 }, { 0 },
		{ .r = -EINVAL },				/* MTE after a vCPU */
		{ 0 }, { .r = -EEXIST },			/* a GICv3, not a second */
		{ 0 },
		{ .r = -ENXIO }, { .r = -EINVAL },		/* no PMU, no SVE */
		{ .r = -ENODEV },				/* a vGIC, no PMU */
		{ 0 }, { .r = -EBUSY },				/* no vCPU after the init */
	};

	UNIT_EQ_I64(idreg_seq_parse(&s, device_text, err), 0, "the devices' steps parse");
	UNIT_EQ_I64(s.nr, 26, "twenty-six steps");
	out = idreg_seq_format(&s);
	UNIT_EQ_STR(out, device_text, "and print as they were written");
	free(out);
	UNIT_EQ_I64(idreg_seq_parse(&s, "idregs-sequence 1\npmu 0.0 reset\n", err), -1,
		    "an unknown PMU operation is refused");
	defaults.other_offered = defaults.sve_offered = true;
	defaults.mte_offered = defaults.vgic_offered = true;
	UNIT_EQ_I64(model_fails_at(device_text, ans), 26, "the model predicts KVM 7.3's answers");
	ans[8].r = 0;
	UNIT_EQ_I64(model_fails_at(device_text, ans), 8, "a second finalize taken (mutant 130): fails there");
	ans[8].r = -EPERM;
	ans[22].r = -EIO;
	UNIT_EQ_I64(model_fails_at(device_text, ans), 22, "finalize without SVE answered otherwise (131)");
	ans[22].r = -EINVAL;
	ans[12].r = 0;
	UNIT_EQ_I64(model_fails_at(device_text, ans), 12, "a filter after the PMU's init (133)");
	ans[12].r = -EBUSY;
	ans[4].r = 0;
	UNIT_EQ_I64(model_fails_at(device_text, ans), 4, "an interrupt without irqchip (134)");
	ans[4].r = -EINVAL;
	ans[21].r = 0;
	UNIT_EQ_I64(model_fails_at(device_text, ans), 21, "has-attr without a PMU (136)");
	ans[21].r = -ENXIO;
	ans[25].r = 0;
	UNIT_EQ_I64(model_fails_at(device_text, ans), 25, "a vCPU after the vGIC's init (138)");
	ans[25].r = -EBUSY;
	ans[17].r = 0;
	UNIT_EQ_I64(model_fails_at(device_text, ans), 17, "MTE after a vCPU (139)");
	ans[17].r = -EINVAL;
	defaults.mte_offered = false;
	ans[15].r = -EINVAL;
	UNIT_EQ_I64(model_fails_at(device_text, ans), 26, "no MTE on the host: refused before vCPUs too");
	defaults.other_offered = defaults.sve_offered = defaults.vgic_offered = false;
}

/* A VM's first init fixes its configuration: its defaults, where read. */
static void test_configs(void)
{
	const char *txt = "idregs-sequence 1\nvm\nvcpu 0\ninit 0.0 other\nget 0.0 ID_AA64ISAR0_EL1\n";
	struct idreg_step_answer ans[4] = {
		{ 0 }, { 0 }, { 0 }, { .value = ISAR0_LIMIT & ~ISAR0_AES },
	};

	defaults.other_offered = true;
	UNIT_EQ_I64(model_fails_at(txt, ans), 4,
		    "the PMU's defaults not read: its VM's ID registers not predicted");
	defaults.cfg[IDREG_SEQ_CFG_PMU].valid = true;
	defaults.cfg[IDREG_SEQ_CFG_PMU].readable[ISAR0] = true;
	defaults.cfg[IDREG_SEQ_CFG_PMU].limit[ISAR0] = ISAR0_LIMIT & ~ISAR0_AES;
	defaults.cfg[IDREG_SEQ_CFG_PMU].traits = defaults.traits;
	UNIT_EQ_I64(model_fails_at(txt, ans), 4, "read: the VM reads the PMU configuration's value");
	ans[3].value = ISAR0_LIMIT;
	UNIT_EQ_I64(model_fails_at(txt, ans), 3, "the run's default there fails");
	memset(&defaults.cfg[IDREG_SEQ_CFG_PMU], 0, sizeof(defaults.cfg[0]));
	defaults.other_offered = false;
}

/* Fails when a run step comes before a set step: at that set. */
static bool run_then_set(const struct idreg_seq *s, void *ctx, unsigned int *at)
{
	bool ran = false;
	unsigned int i;

	(*(unsigned int *)ctx)++;
	for (i = 0; i < s->nr; i++) {
		ran |= s->step[i].kind == IDREG_STEP_RUN;
		if (ran && s->step[i].kind == IDREG_STEP_SET) {
			*at = i;
			return true;
		}
	}
	return false;
}

static void test_shrink(void)
{
	static struct idreg_seq s;
	unsigned int at = 0, calls = 0, used;

	idreg_seq_generate(&s, &defaults, 7, 0, 300);
	UNIT_OK(run_then_set(&s, &calls, &at), "the generated sequence fails");
	used = idreg_seq_shrink(&s, at, run_then_set, &calls, 1000);
	UNIT_EQ_I64(s.nr, 2, "shrunk to the two steps that matter");
	UNIT_EQ_I64(s.step[0].kind, IDREG_STEP_RUN, "a run");
	UNIT_EQ_I64(s.step[1].kind, IDREG_STEP_SET, "then a set");
	UNIT_EQ_I64(used, calls - 1, "the calls counted");
	idreg_seq_generate(&s, &defaults, 7, 0, 300);
	run_then_set(&s, &calls, &at);
	UNIT_OK(idreg_seq_shrink(&s, at, run_then_set, &calls, 5) <= 5, "the budget is kept");
}

int main(void)
{
	defaults_init();
	test_text();
	test_generate();
	test_model();
	test_devices();
	test_configs();
	test_shrink();
	return unit_done();
}
