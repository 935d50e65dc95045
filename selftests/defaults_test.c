// SPDX-License-Identifier: GPL-2.0-only
/*
 * defaults_test: what a new VM's ID registers hold before anything is
 * written, and the order KVM requires for the capability that opens them.
 *
 *   REG.defaults   every ID register the tables describe, as vCPU 0 reads
 *                  it, satisfies the architecture: RES0 fields are 0, RES1
 *                  fields all ones, and an enumerated field holds one of
 *                  the values the description names (a reserved value in
 *                  a default would be KVM or the host inventing a feature
 *                  level);
 *   REG.sanitised  every ID register KVM's sanitising code in sys_regs.c
 *                  touches satisfies what the source declares for the
 *                  vCPU configuration (lib/predict/generated/idreg_declared.c,
 *                  read from each kernel series by gen/): a feature KVM
 *                  does not give this vCPU reads as not implemented, a
 *                  capped field is at most its cap, a forced field has
 *                  its forced value.  Operations that also depend on the
 *                  host (spectre state, GIC, page size, ...) are not
 *                  held against it.  A kernel newer than every series
 *                  read is held to the newest, and the result says so;
 *                  one between two series to the older;
 *   CLIDR_EL1.tag_cache
 *                  the tag-cache type of CLIDR_EL1's reset value follows
 *                  the VM's MTE: reset_clidr() (6.12, 7.3) gives Ttype<LoC>
 *                  = 2 (a unified tag cache) when kvm_has_mte() and no
 *                  Ttype otherwise, whatever the host has;
 *   ID_AA64DFR0_EL1.PMUVer_limit
 *                  a vCPU with a PMU is offered min(the host's PMUVer,
 *                  V3P5) (kvm_arm_pmu_get_pmuver_limit(), pmu-emul.c); the
 *                  host's side comes from perf, without KVM
 *                  (idregs/host_pmu.h: 64-bit event counters mean PMUv3p5
 *                  or later), so the result is exact where perf tells;
 *   (all per vCPU configuration: --vcpu LIST, by default every one;
 *   results REG.x@config)
 *   order.imp_id_cap_after_vcpu
 *                  KVM_CAP_ARM_WRITABLE_IMP_ID_REGS enabled once a vCPU
 *                  exists is refused (EINVAL, kvm_vm_ioctl_enable_cap():
 *                  only while !kvm->created_vcpus), and MIDR_EL1 then still
 *                  refuses a changed value; and where the masks report
 *                  MIDR_EL1 writable, KVM_CHECK_EXTENSION advertises the
 *                  capability.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <linux/kvm.h>

#include "kselftest.h"
#include "idreg_test.h"
#include "idregs/declared.h"
#include "expect.h"
#include "idregs/field.h"
#include "idregs/host_pmu.h"
#include "idregs/kversion.h"
#include "idregs/kvm.h"
#include "idregs/kvm_rules.h"

#define DETAIL_LEN	512

static bool enum_named(const struct idreg_field *f, uint64_t v)
{
	unsigned int i;

	for (i = 0; i < f->nr_values; i++)
		if (f->values[i].value == v)
			return true;
	return false;
}

/* The architecture's word on one field's default, or NULL if it holds. */
static const char *field_problem(const struct idreg_field *f, uint64_t v)
{
	switch (f->kind) {
	case IDREG_FIELD_RES0:
	case IDREG_FIELD_RAZ:
		return v ? "RES0 field is not 0" : NULL;
	case IDREG_FIELD_RES1:
		return v != idreg_field_mask(0, f->width) ? "RES1 field is not all ones" : NULL;
	case IDREG_FIELD_ENUM:
	case IDREG_FIELD_UNSIGNED_ENUM:
	case IDREG_FIELD_SIGNED_ENUM:
		return f->nr_values && !enum_named(f, v) ? "value the description does not name" : NULL;
	default:
		return NULL;
	}
}

static void check_defaults(const struct idreg_reg *reg, uint64_t val, const char *name)
{
	char detail[DETAIL_LEN] = "";
	unsigned int i, bad = 0;

	for (i = 0; i < reg->nr_fields; i++) {
		const struct idreg_field *f = &reg->fields[i];
		uint64_t v = idreg_field_get(val, f->lsb, f->width);
		const char *why = field_problem(f, v);

		if (!why)
			continue;
		bad++;
		idreg_append(detail, sizeof(detail), "; %s (%u:%u) = 0x%llx: %s", f->name,
			     f->lsb + f->width - 1, f->lsb, (unsigned long long)v, why);
	}
	idreg_test_result(IDREG_RESULT_BEHAVIOUR, !bad, "%s: 0x%016llx%s\n", name,
			  (unsigned long long)val, bad ? detail : " satisfies the architecture");
}

#define MAX_PROBLEMS	8

/* The sanitising code's series this kernel is held to, and how. */
struct sanitised_ref {
	const struct idreg_declared_series *s;
	enum idreg_decl_match match;
	unsigned int version;
};

static const char *ref_words(const struct sanitised_ref *r)
{
	switch (r->match) {
	case IDREG_DECL_EXACT:
		return "";
	case IDREG_DECL_NEWER:
		return " (kernel newer than every series read: held to the newest)";
	default:
		return " (kernel between two series read: held to what the two agree on)";
	}
}

static void describe_op(const struct idreg_sanitised_op *op, char *buf, size_t size)
{
	char when[64], unless[64];

	idreg_vcpu_features_describe(op->when, when, sizeof(when));
	idreg_vcpu_features_describe(op->unless, unless, sizeof(unless));
	switch (op->kind) {
	case IDREG_SANITISED_CLEAR:
		snprintf(buf, size, "clears it");
		break;
	case IDREG_SANITISED_SET:
		snprintf(buf, size, "sets it to %s (0x%llx)", op->value_name,
			 (unsigned long long)(op->value >> __builtin_ctzll(op->mask)));
		break;
	case IDREG_SANITISED_CAP:
		snprintf(buf, size, "caps it at %s (0x%llx)", op->value_name,
			 (unsigned long long)op->value);
		break;
	default:
		snprintf(buf, size, "sets it from %s", op->value_name);
		break;
	}
	if (op->when)
		idreg_append(buf, size, " with %s", when);
	if (op->unless)
		idreg_append(buf, size, " unless the vCPU has %s", unless);
}

/* @reg's default @val against what the source declares for @features. */
static void check_sanitised(const struct sanitised_ref *ref, const struct idreg_reg *reg,
			    unsigned int slot, unsigned int features, uint64_t val,
			    const char *name)
{
	struct idreg_sanitised_problem p[MAX_PROBLEMS];
	char detail[1024] = "", bits[128], what[160];
	unsigned int n, i, checked;

	n = idreg_sanitised_check_kernel(ref->version, slot, features, val, p, MAX_PROBLEMS,
					 &checked);
	for (i = 0; i < n && i < MAX_PROBLEMS; i++) {
		const struct idreg_sanitised_op *op = p[i].op;
		unsigned int lsb = __builtin_ctzll(p[i].mask);

		describe_op(op, what, sizeof(what));
		idreg_describe_bits(reg, p[i].mask, bits, sizeof(bits));
		idreg_append(detail, sizeof(detail), "; %s = 0x%llx, but %s() (%s, %s) %s",
			     bits, (unsigned long long)(p[i].got >> lsb), op->func,
			     ref->match == IDREG_DECL_BETWEEN ?
			     idreg_declared_newer(ref->version)->series : ref->s->series,
			     op->where, what);
	}
	idreg_test_result(IDREG_RESULT_SOURCE, !n, "%s: 0x%016llx%s, %u operations of %s sys_regs.c%s\n",
			  name, (unsigned long long)val,
			  n ? detail : " as declared", checked, ref->s->series, ref_words(ref));
}

/*
 * Is @slot's default held to the source for a vCPU of @features: does the
 * series sanitise it with an operation that depends on nothing but the
 * vCPU?  (The others depend on the host too and prove nothing alone.)
 */
static bool held_to_source(const struct sanitised_ref *ref, unsigned int slot,
			   unsigned int features, uint64_t val)
{
	struct idreg_sanitised_problem p[1];
	unsigned int checked;

	if (!ref->s || !idreg_sanitised_has(ref->s, slot))
		return false;
	idreg_sanitised_check(ref->s, slot, features, val, p, 1, &checked);
	return checked > 0;
}

/*
 * Any VM with a vCPU and without the capability asks the order question:
 * the default configuration's pass's (@base, kept open for it: nothing was
 * written there), else a new one without features.
 */
static int order_vm_open(struct idreg_vm *vm, struct idreg_test_vm *base)
{
	if (!base || !base->open)
		return idreg_vm_open(vm, NULL, 0);
	*vm = base->vm;
	base->open = false;
	return 0;
}

/*
 * The capability asked for too late: refused, and nothing opened.  Where
 * the masks report MIDR_EL1 writable (@midr_mask) the capability must be
 * advertised, or nothing could ever change it.
 */
static void check_imp_id_cap_order(uint64_t midr_mask, struct idreg_test_vm *base)
{
	int midr = idreg_slot_index(3, 0, 0, 0, 0);
	struct idreg_vm vm;
	uint64_t before, after;
	int r, w;

	if (order_vm_open(&vm, base) || idreg_get_slot(&vm, 0, midr, &before)) {
		idreg_test_report(IDREG_RESULT_BEHAVIOUR, IDREG_FAIL, "order.imp_id_cap_after_vcpu: %s\n",
				  vm.last_error);
		idreg_vm_destroy(&vm);
		return;
	}
	if (!idreg_kvm_check_cap(&vm, KVM_CAP_ARM_WRITABLE_IMP_ID_REGS) && midr_mask) {
		idreg_test_report(IDREG_RESULT_BEHAVIOUR, IDREG_FAIL, "order.imp_id_cap_after_vcpu: the masks report MIDR_EL1 writable (0x%016llx) but KVM_CHECK_EXTENSION(KVM_CAP_ARM_WRITABLE_IMP_ID_REGS) is 0\n",
				  (unsigned long long)midr_mask);
		idreg_vm_destroy(&vm);
		return;
	}
	if (!idreg_kvm_check_cap(&vm, KVM_CAP_ARM_WRITABLE_IMP_ID_REGS)) {
		idreg_test_report(IDREG_RESULT_BEHAVIOUR, IDREG_SKIP, "order.imp_id_cap_after_vcpu: KVM lacks KVM_CAP_ARM_WRITABLE_IMP_ID_REGS and reports MIDR_EL1 read-only (as 6.12 does)\n");
		idreg_vm_destroy(&vm);
		return;
	}
	r = idreg_vm_enable_cap(&vm, KVM_CAP_ARM_WRITABLE_IMP_ID_REGS, 0);
	w = idreg_set_slot(&vm, 0, midr, before ^ 1ULL << 20);
	idreg_get_slot(&vm, 0, midr, &after);
	idreg_test_result(IDREG_RESULT_BEHAVIOUR, r == -EINVAL && w == -EINVAL && after == before,
			  "order.imp_id_cap_after_vcpu: enabling it with a vCPU: %d (want %d, EINVAL); then MIDR_EL1 Variant changed: %d (want %d), reads 0x%llx (was 0x%llx)\n",
			  r, -EINVAL, w, -EINVAL, (unsigned long long)after,
			  (unsigned long long)before);
	idreg_vm_destroy(&vm);
}

/* The host's PMU as perf drives it, and in words. */
struct host_pmu {
	enum idreg_host_pmu pmu;
	char why[160];
};

static void probe_host_pmu(struct host_pmu *h)
{
	unsigned int plain = 0, longs = 0;

	h->pmu = idreg_host_pmu_probe(&plain, &longs, h->why, sizeof(h->why));
	ksft_print_msg("host PMU: %s\n", h->why);
}

/* CLIDR_EL1's Ttype fields as reset_clidr() sets them for the VM's MTE. */
static void check_tag_cache(const struct idreg_test_vm *t, unsigned int slot)
{
	bool mte = t->vm.features & IDREG_VCPU_MTE;
	uint64_t val = t->limit[slot], want = idreg_clidr_reset_ttype(val, mte);
	uint64_t got = val & IDREG_CLIDR_TTYPE_MASK;
	char name[96];

	idreg_test_result(IDREG_RESULT_BEHAVIOUR, got == want, "%s: 0x%016llx, Ttype bits 0x%016llx, want 0x%016llx: reset_clidr() gives a unified tag cache at LoC %s\n",
			  idreg_test_vm_name(t, name, sizeof(name), "CLIDR_EL1.tag_cache"),
			  (unsigned long long)val, (unsigned long long)got,
			  (unsigned long long)want,
			  mte ? "because the VM has MTE" : "only to a VM with MTE, and this one has none");
}

/* ID_AA64DFR0_EL1.PMUVer of a vCPU with a PMU: pmu-emul.c's cap of the host's. */
static void check_pmu_limit(const struct idreg_test_vm *t, unsigned int slot,
			    const struct host_pmu *h)
{
	const struct idreg_field *f = idreg_field_by_name(idreg_reg_by_slot(slot), "PMUVer");
	unsigned int pmuver = f ? idreg_field_get(t->limit[slot], f->lsb, f->width) : 0;
	const char *problem = f ? idreg_pmuver_limit_problem(pmuver, h->pmu) :
			      "the tables lack ID_AA64DFR0_EL1.PMUVer";
	char name[96];

	idreg_test_result(IDREG_RESULT_BEHAVIOUR, !problem, "%s: PMUVer 0x%x for a vCPU with a PMU; %s%s%s\n",
			  idreg_test_vm_name(t, name, sizeof(name), "ID_AA64DFR0_EL1.PMUVer_limit"),
			  pmuver, h->why, problem ? ": " : "", problem ? problem : "");
}

/* The test: its run, the passes, the series held to, the host's PMU. */
struct defaults_test {
	struct idreg_test_run run;
	char release[128];
	struct idreg_test_passes passes;
	struct sanitised_ref ref;
	struct host_pmu host_pmu;
	uint64_t midr_mask;	/* MIDR_EL1's writable bits in the last pass open */
};

static void check_reg_defaults(const struct idreg_test_vm *t, unsigned int slot)
{
	const struct idreg_reg *reg = idreg_reg_by_slot(slot);
	char name[96];

	check_defaults(reg, t->limit[slot],
		       idreg_test_vm_name(t, name, sizeof(name), "%s.defaults", reg->name));
}

static void check_reg_sanitised(const struct idreg_test_vm *t, unsigned int slot,
				const struct sanitised_ref *ref)
{
	const struct idreg_reg *reg = idreg_reg_by_slot(slot);
	char name[96];

	check_sanitised(ref, reg, slot, t->vm.features, t->limit[slot],
			idreg_test_vm_name(t, name, sizeof(name), "%s.sanitised", reg->name));
}

/* What a pass did not hold against the source. */
static void note_host_only(const struct idreg_test_vm *t, const struct sanitised_ref *ref)
{
	unsigned int slot, host_only = 0;
	char host_regs[512] = "";

	for (slot = 0; slot < IDREG_NR_SLOTS; slot++) {
		const struct idreg_reg *reg = idreg_reg_by_slot(slot);

		if (t->readable[slot] && reg && ref->s && idreg_sanitised_has(ref->s, slot) &&
		    !held_to_source(ref, slot, t->vm.features, t->limit[slot])) {
			host_only++;
			idreg_append(host_regs, sizeof(host_regs), " %s", reg->name);
		}
	}
	if (host_only)
		ksft_print_msg("vcpu %s: %u registers whose sanitising depends only on the host here (not checked):%s\n",
			       t->cfg->name, host_only, host_regs);
}

static void report_too_old(const char *release)
{
	idreg_test_report(IDREG_RESULT_SOURCE, IDREG_SKIP,
			  "sanitised: kernel %s is older than every series read (oldest: %s)\n",
			  release, idreg_declared_series[idreg_nr_declared_series - 1].series);
}

/*
 * Each register the tables describe and vCPU 0 reads: its defaults, and
 * where the source decides it for the vCPU alone, its sanitising; CLIDR's
 * tag cache, and PMUVer's limit for a vCPU with a PMU.
 */
static void walk_pass(struct defaults_test *dt, struct idreg_test_vm *t)
{
	struct idreg_test_run *run = &dt->run;
	unsigned int slot;

	for (slot = 0; slot < IDREG_NR_SLOTS; slot++) {
		if (!t->readable[slot] || !idreg_reg_by_slot(slot))
			continue;
		if (idreg_test_due(run))
			check_reg_defaults(t, slot);
		if (held_to_source(&dt->ref, slot, t->vm.features, t->limit[slot]) &&
		    idreg_test_due(run))
			check_reg_sanitised(t, slot, &dt->ref);
		if (idreg_is_clidr_slot(slot) && idreg_test_due(run))
			check_tag_cache(t, slot);
		if (slot == (unsigned int)idreg_slot_index(3, 0, 0, 5, 0) &&
		    (t->vm.features & IDREG_VCPU_PMU) && idreg_test_due(run))
			check_pmu_limit(t, slot, &dt->host_pmu);
	}
	if (idreg_test_acting(run)) {
		note_host_only(t, &dt->ref);
		if (t != dt->passes.base)
			idreg_test_vm_close(t);
	}
}

/* Every pass (one the host cannot give is a skip), then the capability's order. */
static void walk_all(struct defaults_test *dt)
{
	unsigned int i;

	if (!dt->ref.s && idreg_test_due(&dt->run))
		report_too_old(dt->release);
	for (i = 0; i < dt->passes.nr; i++) {
		struct idreg_test_vm *t = &dt->passes.pass[i];

		idreg_test_pass_enter(&dt->run, t);
		if (t->open)
			walk_pass(dt, t);
		else if (idreg_test_due(&dt->run))
			idreg_test_report_unavailable(t, NULL);
		idreg_test_pass_leave(&dt->run, t);
	}
	if (idreg_test_due(&dt->run))
		check_imp_id_cap_order(dt->midr_mask, dt->passes.base);
}

/* The series the sanitising is held to; MIDR_EL1's mask for the order check. */
static void defaults_init(struct defaults_test *dt)
{
	struct sanitised_ref *ref = &dt->ref;
	unsigned int i;

	probe_host_pmu(&dt->host_pmu);
	ref->version = idreg_kernel_version(dt->release);
	ref->s = idreg_declared_for(ref->version, &ref->match);
	if (ref->s)
		ksft_print_msg("sanitising code: kernel %s held to %s sys_regs.c (%s)%s\n",
			       dt->release, ref->s->series, ref->s->package, ref_words(ref));
	for (i = 0; i < dt->passes.nr; i++)
		if (dt->passes.pass[i].open)
			dt->midr_mask = dt->passes.pass[i].mask[idreg_slot_index(3, 0, 0, 0, 0)];
}

int main(int argc, char **argv)
{
	static struct defaults_test dt = { .run.counting = true };

	idreg_test_start(argv[0], dt.release, sizeof(dt.release), NULL, NULL);
	idreg_test_open(&dt.passes, argc, argv, dt.release, false);
	defaults_init(&dt);

	walk_all(&dt);
	idreg_test_plan(&dt.run);
	walk_all(&dt);
	idreg_test_checked(&dt.run);
	idreg_test_finished();
}
