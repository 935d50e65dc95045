// SPDX-License-Identifier: GPL-2.0-only
/*
 * sequences_test: KVM's ID registers under other orders of operations
 * than the other tests' (issue 27), the stateful explorer bounded.
 *
 * Each sequence runs on fresh VMs of vCPUs without features: VMs and
 * vCPUs created before and after writes, KVM_ARM_VCPU_INIT first, again
 * and with other features (the PMU toggled: refused once the VM's or the
 * vCPU's features are fixed), KVM_SET_ONE_REG of any field value through
 * any vCPU, KVM_GET_ONE_REG, KVM_RUN of a guest reading ID registers on
 * any vCPU, the masks ioctl (idregs/sequence.h has the language); the
 * DEVICE_SEQUENCES after them (DEVICE_STEPS long) also vCPUs with a PMU
 * or SVE, KVM_ARM_VCPU_FINALIZE and the SVE vector lengths, the PMU's
 * device attributes, a vGIC created and initialised before and after
 * vCPUs, KVM_CAP_ARM_MTE, in any order.  Every
 * answer is checked against the prediction (the rules the walk uses:
 * lib/predict's idreg_kvm_predict() before the VM's first run,
 * idreg_kvm_predict_after_run() after it), and after every step the
 * kernel's taint and log: a WARN, BUG or Oops fails the step.
 *
 *   sequence.N    sequence N of the fixed seed; a failure prints its
 *                 shrunk reproducer for 'idreg replay'.  N below
 *                 NR_SEQUENCES: SEQ_STEPS steps of the ID registers
 *                 alone; from NR_SEQUENCES on, DEVICE_STEPS with the
 *                 vCPU's devices' steps too
 *   finding.NAME  a known finding's reproducer (selftests/finding-NAME.seq,
 *                 docs/findings.md), last: it may make the kernel WARN,
 *                 once per boot, and taint it.  A failure where KVM
 *                 misbehaves; skipped on a kernel that panics on a WARN
 *                 (panic_on_warn), which a kernel CI machine may be
 *
 * Before a result during which the kernel's taint changed, and before a
 * reproducer that failed, an idregs-taint record (docs/results.md) says
 * which result the kernel's warnings and taint belong to: the runners
 * accept them only when that result is a known finding of the host, and
 * keep judging every other result.  Nothing after the reproducers, the
 * last results of the suite's last test, can hide behind their taint.
 *
 * The bound (NR_SEQUENCES x SEQ_STEPS + DEVICE_SEQUENCES x DEVICE_STEPS)
 * keeps the test within a few seconds on an emulated host, the nested
 * one included; 'idreg explore' runs longer.  At the end the records of the VMs it made and of its time
 * (idregs-vms, idregs-vms-total, idregs-time: docs/results.md).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest.h"
#include "idreg_test.h"
#include "idregs/explore.h"
#include "idregs/kernel_log.h"
#include "idregs/sequence.h"

#define SEQ_SEED	0x5e9e7ce5ULL
#define NR_SEQUENCES	24
#define DEVICE_SEQUENCES	48
#define DEVICE_STEPS	60
#define SEQ_STEPS	40
#define SHRINK_BUDGET	200

/* The known findings' reproducers, read from beside the test. */
static const char *const findings[] = {
	"pmuver0-reinit",
};

/* Does @s initialise a vCPU with the other features (a PMU)? */
static bool needs_other(const struct idreg_seq *s)
{
	unsigned int i;

	for (i = 0; i < s->nr; i++)
		if (s->step[i].kind == IDREG_STEP_INIT && s->step[i].other)
			return true;
	return false;
}

/* The sequence's text as KTAP comment lines. */
static void print_sequence(const struct idreg_seq *s)
{
	char *text = idreg_seq_format(s), *line, *save = NULL;

	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		ksft_print_msg("  %s\n", line);
	free(text);
}

/* A kernel that panics on a WARN: a reproducer would stop the machine. */
static bool panics_on_warn(void)
{
	unsigned long on = 0;
	FILE *f = fopen("/proc/sys/kernel/panic_on_warn", "r");

	if (!f)
		return false;
	if (fscanf(f, "%lu", &on) != 1)
		on = 0;
	fclose(f);
	return on != 0;
}

/*
 * The record that claims the kernel's warnings and taint for the result
 * that follows: @taint_before is the taint before it ran; a reproducer
 * that failed (@failed) claims what it made the kernel log, tainted or not
 * (a kernel tainted before warns without a change).
 */
static void claim_taint(const struct idreg_explorer *x, unsigned long taint_before, bool failed)
{
	unsigned long taint = idreg_kernel_taint();

	if (taint == taint_before && !failed)
		return;
	if (failed)
		idreg_test_record("taint", "n=%u before=%lu after=%lu step=%u", ksft_test_num() + 1,
				  taint_before, taint, x->failed_at);
	else
		idreg_test_record("taint", "n=%u before=%lu after=%lu", ksft_test_num() + 1,
				  taint_before, taint);
}

static void check_finding(struct idreg_explorer *x, const char *argv0, const char *name)
{
	unsigned long taint = idreg_kernel_taint();
	static struct idreg_seq s;
	char file[96], path[PATH_MAX + 256], err[IDREG_ERR_LEN];
	size_t len;
	char *text;

	snprintf(file, sizeof(file), "finding-%s.seq", name);
	text = idreg_read_file(idreg_path_beside(path, sizeof(path), argv0, file), &len, err);
	if (!text || idreg_seq_parse(&s, text, err)) {
		free(text);
		idreg_test_result(IDREG_RESULT_BEHAVIOUR, false, "finding.%s: %s: %s\n", name, file,
				  err);
		return;
	}
	free(text);
	if (needs_other(&s) && !x->d.other_offered) {
		idreg_test_report(IDREG_RESULT_BEHAVIOUR, IDREG_SKIP,
				  "finding.%s: KVM offers no PMU here, which the reproducer's 'init ... other' needs\n",
				  name);
		return;
	}
	if (panics_on_warn()) {
		idreg_test_report(IDREG_RESULT_BEHAVIOUR, IDREG_SKIP,
				  "finding.%s: /proc/sys/kernel/panic_on_warn is set: a reproducer that makes the kernel WARN would panic it\n",
				  name);
		return;
	}
	if (idreg_explorer_run(x, &s, NULL)) {
		claim_taint(x, taint, false);
		idreg_test_result(IDREG_RESULT_BEHAVIOUR, true, "finding.%s: %u steps (%s), as predicted, the kernel clean\n",
				  name, s.nr, file);
		return;
	}
	ksft_print_msg("reproduce: idreg replay %s (docs/findings.md: %s)\n", file, name);
	claim_taint(x, taint, true);
	idreg_test_result(IDREG_RESULT_BEHAVIOUR, false, "finding.%s: %s\n", name, x->why);
}

static void check_sequence(struct idreg_explorer *x, unsigned int index, unsigned int nr,
			   unsigned int kinds)
{
	unsigned long taint = idreg_kernel_taint();
	static struct idreg_seq s;

	idreg_seq_generate_kinds(&s, &x->d, SEQ_SEED, index, nr, kinds);
	if (idreg_explorer_run(x, &s, NULL)) {
		claim_taint(x, taint, false);
		idreg_test_result(IDREG_RESULT_BEHAVIOUR, true,
				  "sequence.%u: %u steps (seed 0x%llx) as predicted, the kernel clean\n",
				  index, s.nr, SEQ_SEED);
		return;
	}
	ksft_print_msg("sequence %u failed at %s; shrinking\n", index, x->why);
	idreg_explorer_shrink(x, &s, x->failed_at, SHRINK_BUDGET);
	ksft_print_msg("reproduce: idreg replay FILE, FILE holding these %u lines:\n", s.nr + 1);
	print_sequence(&s);
	claim_taint(x, taint, false);
	idreg_test_result(IDREG_RESULT_BEHAVIOUR, false, "sequence.%u: %s\n", index, x->why);
}

/* How many steps of each kind ran: that the bound covers them all. */
static void print_kinds(const struct idreg_explorer *x)
{
	char line[256] = "";
	unsigned int k;

	for (k = 0; k < IDREG_NR_STEP_KINDS; k++)
		idreg_append(line, sizeof(line), "%s %s %lu", k ? "," : "", idreg_step_kind_name(k),
			     x->kind[k]);
	ksft_print_msg("%lu steps (%lu skipped):%s\n", x->steps, x->skipped, line);
}

/*
 * The VMs the explorer made (its probe's included): one record, the
 * configuration being the explorer's own, vCPUs of any feature.
 */
static void print_vms(void)
{
	struct idreg_kvm_counters c;

	idreg_kvm_counters(&c);
	idreg_test_record("vms", "config=explorer imp_id=0 vms=%u vcpus=%u el2_vcpus=%u", c.vms,
			  c.vcpus, c.el2_vcpus);
}

int main(int argc, char **argv)
{
	unsigned int i;
	static struct idreg_explorer x;
	char release[128], err[IDREG_ERR_LEN];

	idreg_test_start(argv[0], release, sizeof(release), NULL, NULL);
	if (argc > 1)
		ksft_exit_fail_msg("usage: %s (no arguments: the known findings' reproducers run last, by default)\n",
				   argv[0]);
	if (idreg_explorer_open(&x, err))
		ksft_exit_fail_msg("%s\n", err);
	if (x.kmsg_fd < 0)
		ksft_print_msg("/dev/kmsg: %s: the kernel log is not watched, the taint is\n",
			       x.kmsg_why);
	ksft_set_plan(NR_SEQUENCES + DEVICE_SEQUENCES + ARRAY_SIZE(findings));

	for (i = 0; i < NR_SEQUENCES; i++)
		check_sequence(&x, i, SEQ_STEPS, IDREG_SEQ_BASIC_KINDS);
	for (i = NR_SEQUENCES; i < NR_SEQUENCES + DEVICE_SEQUENCES; i++)
		check_sequence(&x, i, DEVICE_STEPS, IDREG_SEQ_ALL_KINDS);
	print_kinds(&x);
	/* Last: a reproducer's taint hides no result after it. */
	for (i = 0; i < ARRAY_SIZE(findings); i++)
		check_finding(&x, argv[0], findings[i]);
	idreg_explorer_close(&x);
	print_vms();
	idreg_test_finished();
}
