// SPDX-License-Identifier: GPL-2.0-only
/*
 * What the idregs selftests share (idreg_test.h): configurations, passes,
 * result names, records, result kinds.  Nothing here reports a KTAP result.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <linux/kvm.h>

#include "idreg_test.h"

int idreg_test_vm_open(struct idreg_test_vm *t, const struct idreg_vcpu_config *cfg,
		       bool imp_id, const char *release)
{
	int r;

	struct idreg_kvm_counters before;

	memset(t, 0, sizeof(*t));
	t->cfg = cfg;
	t->imp_id = imp_id;
	idreg_kvm_counters(&before);
	r = idreg_vm_open(&t->vm, cfg, imp_id ? IDREG_VM_IMP_ID : 0);
	if (!r && (idreg_vm_read_all(&t->vm, t->mask, t->limit, t->readable) ||
		   idreg_vm_traits(&t->vm, t->limit, release, &t->traits)))
		r = -1;
	idreg_kvm_counters(&t->made);
	t->made.vms -= before.vms;
	t->made.vcpus -= before.vcpus;
	t->made.el2_vcpus -= before.el2_vcpus;
	if (r)
		return r == IDREG_VM_UNAVAILABLE ? r : -1;
	t->open = true;
	return 0;
}

void idreg_test_vm_close(struct idreg_test_vm *t)
{
	if (t->open) {
		idreg_vm_destroy(&t->vm);
		/* A teardown can take minutes (docs/kernels.md): say so in time. */
		idreg_test_time_check();
	}
	t->open = false;
}

bool idreg_test_walkable(const struct idreg_field *f, uint64_t mask)
{
	uint64_t fm = idreg_field_mask(f->lsb, f->width);

	return f->kind < IDREG_FIELD_RES0 && (mask & fm) == fm;
}

const char *idreg_test_name(char *buf, size_t size, const struct idreg_vcpu_config *cfg,
			    bool imp_id, const char *fmt, ...)
{
	va_list ap;

	buf[0] = 0;
	va_start(ap, fmt);
	vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	if (imp_id)
		idreg_append(buf, size, "@imp_id_writable");
	else if (!idreg_vcpu_config_is_default(cfg))
		idreg_append(buf, size, "@%s", cfg->name);
	return buf;
}

int idreg_test_parse_configs(int argc, char **argv, const struct idreg_vcpu_config **out,
			     char *err)
{
	const char *list = IDREG_TEST_DEFAULT_CONFIGS;
	char why[IDREG_ERR_LEN];
	int i, n;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--vcpu") && i + 1 < argc) {
			list = argv[++i];
			continue;
		}
		snprintf(err, IDREG_ERR_LEN,
			 "usage: %.100s [--vcpu CONFIG[,CONFIG...]|offered|all]: bad argument '%.60s'",
			 argv[0], argv[i]);
		return -1;
	}
	/* Every configuration: those the host does not offer skip, saying why. */
	n = idreg_vcpu_config_parse(strcmp(list, "offered") ? list : "all", out,
				    IDREG_TEST_MAX_CONFIGS, why);
	if (n < 0)
		snprintf(err, IDREG_ERR_LEN, "--vcpu %.60s: %.150s", list, why);
	return n;
}

/* "# idregs-config:" for a pass of a configuration (docs/results.md). */
static void record_config(const struct idreg_test_vm *t)
{
	char features[64];

	if (!t->open) {
		idreg_test_record("config", "name=%s offered=0 reason=%s", t->cfg->name,
				  t->vm.last_error);
		return;
	}
	idreg_vcpu_features_describe(t->vm.features, features, sizeof(features));
	idreg_test_record("config", "name=%s offered=1 features=%s", t->cfg->name, features);
}

int idreg_test_passes_open(struct idreg_test_passes *p, int argc, char **argv,
			   const char *release, bool imp_pass, char *err)
{
	const struct idreg_vcpu_config *cfgs[IDREG_TEST_MAX_CONFIGS];
	struct idreg_test_vm *t;
	int i, n = idreg_test_parse_configs(argc, argv, cfgs, err);

	memset(p, 0, sizeof(*p));
	if (n < 0)
		return -1;
	for (i = 0; i < n; i++) {
		t = &p->pass[p->nr++];
		if (idreg_test_vm_open(t, cfgs[i], false, release) < 0) {
			snprintf(err, IDREG_ERR_LEN, "vcpu %s: %.200s", cfgs[i]->name,
				 t->vm.last_error);
			return -1;
		}
		record_config(t);
		if (t->open && idreg_vcpu_config_is_default(cfgs[i]))
			p->base = t;
	}
	/* The capability's pass is about MIDR/REVIDR/AIDR: once, with the default vCPU. */
	if (p->base)
		p->imp_cap = idreg_kvm_check_cap(&p->base->vm,
						 KVM_CAP_ARM_WRITABLE_IMP_ID_REGS) > 0;
	if (!imp_pass || !p->imp_cap)
		return 0;
	t = &p->pass[p->nr];
	if (idreg_test_vm_open(t, p->base->cfg, true, release)) {
		snprintf(err, IDREG_ERR_LEN, "%.200s", t->vm.last_error);
		return -1;
	}
	p->imp = t;
	p->nr++;
	return 0;
}

void idreg_test_passes_close(struct idreg_test_passes *p)
{
	unsigned int i;

	for (i = 0; i < p->nr; i++)
		idreg_test_vm_close(&p->pass[i]);
}

/* selftests/settings' timeout (selftests/Makefile passes it). */
#ifndef IDREG_TEST_TIMEOUT_S
#define IDREG_TEST_TIMEOUT_S	45	/* kselftest's default */
#endif

static struct {
	double t0;
	bool warned;
	struct idreg_kvm_counters pass_start;
	double pass_t0;
	double el2_pass_s;	/* the longest pass of an EL2 configuration so far */
	double part_t0;
	double el2_part_s;	/* the longest part (a VM of its own) of one so far */
} clock_of_test;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

void idreg_test_clock_start(void)
{
	clock_of_test.t0 = now_s();
}

void idreg_test_pass_begin(void)
{
	idreg_kvm_counters(&clock_of_test.pass_start);
	clock_of_test.pass_t0 = now_s();
}

static void pass_record(const char *config, int imp_id, const struct idreg_kvm_counters *made)
{
	const struct idreg_kvm_counters *b = &clock_of_test.pass_start;
	struct idreg_kvm_counters now;

	idreg_kvm_counters(&now);
	idreg_test_record("vms", "config=%s imp_id=%d vms=%u vcpus=%u el2_vcpus=%u", config, imp_id,
			  made->vms + now.vms - b->vms, made->vcpus + now.vcpus - b->vcpus,
			  made->el2_vcpus + now.el2_vcpus - b->el2_vcpus);
	idreg_test_time_check();
}

/* Since @t0, for configuration @cfg: the longest with EL2 so far in @longest. */
static void keep_longest(const struct idreg_vcpu_config *cfg, double t0, double *longest)
{
	double took = now_s() - t0;

	if ((cfg->features & IDREG_VCPU_EL2) && took > *longest)
		*longest = took;
}

void idreg_test_pass_done(const struct idreg_test_vm *t)
{
	keep_longest(t->cfg, clock_of_test.pass_t0, &clock_of_test.el2_pass_s);
	pass_record(t->cfg->name, t->imp_id, &t->made);
}

/* Leave this much of the timeout for the end of the test. */
#define BUDGET_MARGIN_S		(IDREG_TEST_TIMEOUT_S / 20.0)
/*
 * And count this much more than the measure: one EL2 vCPU's teardown
 * varied by a fifth within a run on the shared 16K-page host, and one
 * that started on the average ended 16 s before the timeout
 * (docs/figures.md).
 */
#define BUDGET_SPREAD		1.25

/*
 * Would @need seconds of configuration @cfg's not fit in the time left?
 * Then why, in @why: not enough left for @what (a phrase with its time).
 */
static bool over_time(const struct idreg_vcpu_config *cfg, double need, const char *what,
		      const char *instead, char *why, size_t size)
{
	double left = IDREG_TEST_TIMEOUT_S - (now_s() - clock_of_test.t0) - BUDGET_MARGIN_S;
	char name[64];

	if (!(cfg->features & IDREG_VCPU_EL2) || !need || need * BUDGET_SPREAD < left)
		return false;
	idreg_test_name(name, sizeof(name), cfg, false, "vcpu");
	snprintf(why, size, "%s: not enough of the %d s timeout left (%.0f s) for %s, %.0f%% added for the spread (mostly the teardown of the vCPUs' nested stage-2 MMUs, docs/kernels.md)%s",
		 name, IDREG_TEST_TIMEOUT_S, left > 0 ? left : 0, what,
		 (BUDGET_SPREAD - 1) * 100, instead);
	return true;
}

bool idreg_test_pass_over_time(const struct idreg_test_vm *t, char *why, size_t size)
{
	char instead[96], what[96];

	/* A configuration the host does not give is a skip anyway. */
	if (!t->open)
		return false;
	snprintf(instead, sizeof(instead), ": run it alone, --vcpu %s, as run_tests.sh does",
		 t->cfg->name);
	snprintf(what, sizeof(what), "a configuration with EL2, which took %.0f s here",
		 clock_of_test.el2_pass_s);
	return over_time(t->cfg, clock_of_test.el2_pass_s, what, instead, why, size);
}

void idreg_test_part_begin(void)
{
	clock_of_test.part_t0 = now_s();
}

void idreg_test_cfg_part_done(const struct idreg_vcpu_config *cfg)
{
	keep_longest(cfg, clock_of_test.part_t0, &clock_of_test.el2_part_s);
}

/* The most tearing down one vCPU with EL2 took in this run so far: 0 before the first. */
static double el2_vcpu_teardown_s(void)
{
	struct idreg_kvm_counters c;

	idreg_kvm_counters(&c);
	return c.el2_vcpu_destroy_max_s;
}

/*
 * A part needs the teardown of the vCPUs it creates, at what one took in
 * this run; before any, what the longest part so far took.
 */
bool idreg_test_cfg_part_start(const struct idreg_vcpu_config *cfg, unsigned int vcpus,
			       char *why, size_t size)
{
	double each = el2_vcpu_teardown_s(), need = each ? vcpus * each : clock_of_test.el2_part_s;
	char what[128];

	if (each)
		snprintf(what, sizeof(what), "%u vCPU%s with EL2, at the %.0f s tearing one down took here at most",
			 vcpus, vcpus == 1 ? "" : "s", each);
	else
		snprintf(what, sizeof(what), "a part of a configuration with EL2, which took %.0f s here",
			 need);
	if (over_time(cfg, need, what, "", why, size))
		return true;
	idreg_test_part_begin();
	return false;
}

void idreg_test_config_done(const struct idreg_vcpu_config *cfg)
{
	static const struct idreg_kvm_counters none;

	pass_record(cfg->name, 0, &none);
}

/* Where the time went so far: the phases, walk being the rest. */
struct test_phases {
	double total, create, walk, run, teardown;
};

static void phases_now(struct test_phases *p)
{
	struct idreg_kvm_counters c;

	idreg_kvm_counters(&c);
	p->total = now_s() - clock_of_test.t0;
	p->create = c.create_s;
	p->run = c.run_s;
	p->teardown = c.destroy_s;
	p->walk = p->total - p->create - p->run - p->teardown;
}

static const char *longest_phase(const struct test_phases *p)
{
	const char *name = "walk";
	double most = p->walk;

	if (p->create > most) {
		name = "create";
		most = p->create;
	}
	if (p->run > most) {
		name = "run";
		most = p->run;
	}
	return p->teardown > most ? "teardown" : name;
}

void idreg_test_time_check(void)
{
	struct test_phases p;

	phases_now(&p);
	if (clock_of_test.warned || p.total * 2 < IDREG_TEST_TIMEOUT_S)
		return;
	clock_of_test.warned = true;
	printf("# warning: %.0f s of the %d s timeout gone, most of it in %s: create %.1f s, walk %.1f s, run %.1f s, teardown %.1f s\n",
	       p.total, IDREG_TEST_TIMEOUT_S, longest_phase(&p), p.create, p.walk, p.run,
	       p.teardown);
}

void idreg_test_time_report(void)
{
	struct idreg_kvm_counters c;
	struct test_phases p;

	idreg_kvm_counters(&c);
	idreg_test_record("vms-total", "vms=%u vcpus=%u el2_vcpus=%u gets=%lu sets=%lu", c.vms,
			  c.vcpus, c.el2_vcpus, c.gets, c.sets);
	idreg_test_time_check();
	phases_now(&p);
	idreg_test_record("time", "seconds=%.2f create=%.2f walk=%.2f run=%.2f teardown=%.2f timeout=%d",
			  p.total, p.create, p.walk, p.run, p.teardown, IDREG_TEST_TIMEOUT_S);
}

const char *idreg_result_kind_name(enum idreg_result_kind kind)
{
	switch (kind) {
	case IDREG_RESULT_SOURCE: return "source";
	case IDREG_RESULT_TIMING: return "timing";
	default: return "behaviour";
	}
}

void idreg_test_record(const char *kind, const char *fmt, ...)
{
	va_list ap;

	printf("# idregs-%s: ", kind);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

void idreg_append(char *buf, size_t size, const char *fmt, ...)
{
	size_t used = strlen(buf);
	va_list ap;

	if (used >= size - 1)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + used, size - used, fmt, ap);
	va_end(ap);
}
