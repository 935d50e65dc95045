// SPDX-License-Identifier: GPL-2.0-only
/*
 * KVM's set paths for ID registers (Linux 6.12-7.3 arch/arm64/kvm/sys_regs.c):
 *  - set_imp_id_reg() for MIDR/REVIDR/AIDR (7.x): the current value is
 *    always fine; any other only with KVM_CAP_ARM_WRITABLE_IMP_ID_REGS, and
 *    then every bit outside the writable mask must be zero;
 *  - MPIDR_EL1 has no user setter: any value is stored for that vCPU;
 *  - set_clidr() refuses RES0 bits, and a value implying IDC (LoC 0, or
 *    LoUIS and LoUU both 0) unless the host's CTR_EL0.IDC is set;
 *  - AArch32 ID registers on a host without AArch32 EL0 are RAZ/WI: every
 *    write succeeds and is dropped (aa32_id_visibility());
 *  - the register-specific setters (set_id_dfr0_el1(), set_id_aa64dfr0_el1(),
 *    set_id_aa64pfr0_el1(), set_id_aa64pfr1_el1(), set_id_aa64mmfr2_el1(),
 *    set_ctr_el0()) rewrite or refuse some field values first: setter_rules
 *    below;
 *  - everything else reaches arm64_check_features(), where a register
 *    visible as RAZ (ID_UNALLOCATED, ID_HIDDEN, ID_AA64ZFR0_EL1 without
 *    SVE) accepts only 0 -- also in AArch32's CRm 1..3 on a host without
 *    AArch32, where only the AA32_ID_WRITABLE registers are write-ignored.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "idregs/declared.h"
#include "idregs/field.h"
#include "idregs/kvm_rules.h"
#include "idregs/kversion.h"
#include "idregs/util.h"
#include "idregs/vcpu_config.h"

void idreg_vm_traits_init(struct idreg_vm_traits *t,
			  const uint64_t limit[IDREG_NR_SLOTS],
			  bool imp_id_writable, const char *release)
{
	uint64_t pfr0 = limit[idreg_slot_index(3, 0, 0, 4, 0)];
	uint64_t ctr = limit[idreg_slot_index(3, 3, 0, 0, 1)];

	memset(t, 0, sizeof(*t));
	t->imp_id_writable = imp_id_writable;
	/* ID_AA64PFR0_EL1.EL0 is 2 when EL0 can run AArch32. */
	t->aarch32_el0 = idreg_field_get(pfr0, 0, 4) >= 2;
	/* CTR_EL0.IDC, bit 28: set_clidr() compares against the host's. */
	t->ctr_idc = ctr >> 28 & 1;
	t->kernel = idreg_kernel_version(release);
	/* ID_AA64MMFR2_EL1.EVT, bits 59:56 (ARM64_HAS_EVT: at least IMP). */
	t->evt = idreg_field_get(limit[idreg_slot_index(3, 0, 0, 7, 2)], 56, 4) >= 1;
}

void idreg_vm_traits_set_features(struct idreg_vm_traits *t, unsigned int features)
{
	t->features = features;
}

uint64_t idreg_guest_ctr_view(const struct idreg_vm_traits *t, uint64_t val, uint64_t limit,
			      uint64_t hw)
{
	return t->evt && val == limit ? hw : val;
}

/*
 * A rule's version is the first series read whose source has it (the
 * series read before it lack it): the setters' rules below are in 7.2's
 * and 7.3's sys_regs.c, not in 6.12's.  A kernel between two series read
 * is predicted as both (idreg_kvm_predict(), idreg_after_first_run_older()):
 * the sources read do not say when between them a rule came.  Rules in
 * every series read apply to every kernel (those before 6.12 are not
 * checked).
 */
#define SINCE_7_2		(7 << 16 | 2)
#define SINCE_7_3		(7 << 16 | 3)
#define ALWAYS			0

/* kvm_idregs_enforce_dependencies() (config.c): in 7.3, not in 7.2. */
#define ENFORCES_DEPS_SINCE	SINCE_7_3

/* The field @name of register @reg and its slot, or NULL if no table has it. */
static const struct idreg_field *reg_field(const char *reg, const char *name, int *slot)
{
	const struct idreg_reg *r = idreg_reg_by_name(reg);

	*slot = r ? idreg_reg_slot(r) : -1;
	return r && *slot >= 0 ? idreg_field_by_name(r, name) : NULL;
}

/* kvm_has_feat(): the field is at least @min (all these are unsigned). */
static bool has_feat(const uint64_t regs[IDREG_NR_SLOTS], const char *reg,
		     const char *name, uint64_t min)
{
	int slot;
	const struct idreg_field *f = reg_field(reg, name, &slot);

	return f && idreg_field_get(regs[slot], f->lsb, f->width) >= min;
}

static void set_field(uint64_t regs[IDREG_NR_SLOTS], const char *reg, const char *name,
		      uint64_t val)
{
	int slot;
	const struct idreg_field *f = reg_field(reg, name, &slot);

	if (f)
		regs[slot] = idreg_field_set(regs[slot], f->lsb, f->width, val);
}

/*
 * config.c's id_aa64mmfr3_el1_feat_map: S1PIE needs TCR2 and ATS1A, S1POE
 * also HPDS (feat_s1pie(), feat_s1poe()); a field whose needs are not met
 * reads 0.  Nothing it clears feeds another rule, so one pass is the fixed
 * point the kernel loops to.
 */
static void enforce_dependencies(uint64_t regs[IDREG_NR_SLOTS])
{
	bool base = has_feat(regs, "ID_AA64MMFR3_EL1", "TCRX", 1) &&
		    has_feat(regs, "ID_AA64ISAR2_EL1", "ATS1A", 1);

	if (!base)
		set_field(regs, "ID_AA64MMFR3_EL1", "S1PIE", 0);
	if (!base || !has_feat(regs, "ID_AA64MMFR1_EL1", "HPDS", 1))
		set_field(regs, "ID_AA64MMFR3_EL1", "S1POE", 0);
}

/*
 * The GIC fields cleared without an in-kernel GICv3 (GCIE from 7.x, where
 * a host without GICv5 has it 0 anyway).
 */
static const struct {
	const char *reg, *field;
} cleared_without_vgic[] = {
	{ "ID_AA64PFR0_EL1", "GIC" },
	{ "ID_AA64PFR2_EL1", "GCIE" },
	{ "ID_PFR1_EL1", "GIC" },
};

/*
 * kvm_finalize_sys_regs() with an in-kernel GICv3 (7.2 and 7.3, not 6.12, which
 * keeps what userspace wrote): kvm_vgic_finalize_idregs() again, whatever
 * userspace wrote: ID_AA64PFR0_EL1.GIC IMP, ID_AA64PFR2_EL1.GCIE 0, and
 * ID_PFR1_EL1.GIC GICv3 where the host runs AArch32 at EL0, else 0.
 */
#define VGIC_IDREGS_AT_RUN_SINCE	SINCE_7_2

static void vgic_v3_fields(uint64_t regs[IDREG_NR_SLOTS], const struct idreg_vm_traits *t)
{
	set_field(regs, "ID_AA64PFR0_EL1", "GIC", 1);
	set_field(regs, "ID_AA64PFR2_EL1", "GCIE", 0);
	set_field(regs, "ID_PFR1_EL1", "GIC", t->aarch32_el0 ? 1 : 0);
}

static void after_first_run(uint64_t regs[IDREG_NR_SLOTS], const struct idreg_vm_traits *t,
			    unsigned int kernel)
{
	unsigned int i;

	if (kernel >= ENFORCES_DEPS_SINCE)
		enforce_dependencies(regs);
	if (t->vgic_v3 && kernel >= VGIC_IDREGS_AT_RUN_SINCE)
		vgic_v3_fields(regs, t);
	for (i = 0; !t->vgic_v3 && i < ARRAY_SIZE(cleared_without_vgic); i++)
		set_field(regs, cleared_without_vgic[i].reg, cleared_without_vgic[i].field, 0);
}

void idreg_after_first_run(uint64_t regs[IDREG_NR_SLOTS],
			   const struct idreg_vm_traits *t)
{
	const struct idreg_declared_series *older, *newer;

	if (idreg_between_known(t->kernel, &older, &newer))
		after_first_run(regs, t, newer->version);
	else
		after_first_run(regs, t, t->kernel);
}

/*
 * kvm_vgic_create() of a GICv3 (vgic/vgic-init.c) calls
 * kvm_vgic_finalize_idregs() from 7.2 on (7.2 and 7.3 read; 6.12 leaves
 * the ID registers to the first run): the same fields as at the run.
 */
#define VGIC_IDREGS_AT_CREATE_SINCE	SINCE_7_2

void idreg_vgic_created(uint64_t regs[IDREG_NR_SLOTS], const struct idreg_vm_traits *t)
{
	const struct idreg_declared_series *older, *newer;
	unsigned int kernel = t->kernel;

	if (idreg_between_known(t->kernel, &older, &newer))
		kernel = newer->version;
	if (kernel >= VGIC_IDREGS_AT_CREATE_SINCE)
		vgic_v3_fields(regs, t);
}

bool idreg_after_first_run_older(uint64_t regs[IDREG_NR_SLOTS],
				 const struct idreg_vm_traits *t,
				 const char **older, const char **newer)
{
	const struct idreg_declared_series *o, *n;
	uint64_t as_newer[IDREG_NR_SLOTS], as_older[IDREG_NR_SLOTS];

	if (!idreg_between_known(t->kernel, &o, &n))
		return false;
	memcpy(as_newer, regs, sizeof(as_newer));
	memcpy(as_older, regs, sizeof(as_older));
	after_first_run(as_newer, t, n->version);
	after_first_run(as_older, t, o->version);
	*older = o->series;
	*newer = n->series;
	if (!memcmp(as_newer, as_older, sizeof(as_newer)))
		return false;
	memcpy(regs, as_older, sizeof(as_older));
	return true;
}

const char *idreg_after_first_run_seen(uint64_t regs[IDREG_NR_SLOTS],
				       const struct idreg_vm_traits *t,
				       const uint64_t seen[IDREG_NR_SLOTS],
				       const bool seen_ok[IDREG_NR_SLOTS])
{
	uint64_t older[IDREG_NR_SLOTS];
	const char *o, *n;
	unsigned int slot, as_newer = 0, as_older = 0;

	memcpy(older, regs, sizeof(older));
	idreg_after_first_run(regs, t);
	if (!idreg_after_first_run_older(older, t, &o, &n))
		return NULL;
	for (slot = 0; slot < IDREG_NR_SLOTS; slot++) {
		if (regs[slot] == older[slot] || !seen_ok[slot])
			continue;
		as_newer += seen[slot] == regs[slot];
		as_older += seen[slot] == older[slot];
	}
	if (as_older <= as_newer)
		return n;
	memcpy(regs, older, sizeof(older));
	return o;
}

/*
 * The IMPLEMENTATION_ID() descriptors of any series read (MIDR_EL1,
 * REVIDR_EL1, AIDR_EL1 in 7.x); 6.12 keeps the same registers invariant,
 * which answers as set_imp_id_reg() without the capability.
 */
bool idreg_is_imp_id_slot(unsigned int slot)
{
	const struct idreg_declared_reg *d;
	unsigned int i;

	for (i = 0; i < idreg_nr_declared_series; i++) {
		d = idreg_declared_reg(&idreg_declared_series[i], slot);
		if (d && d->kind == IDREG_DECL_IMP_ID)
			return true;
	}
	return false;
}

bool idreg_is_mpidr_slot(unsigned int slot)
{
	return slot == (unsigned int)idreg_slot_index(3, 0, 0, 0, 5);
}

bool idreg_is_clidr_slot(unsigned int slot)
{
	return slot == (unsigned int)idreg_slot_index(3, 1, 0, 0, 1);
}

/*
 * The series whose hidden registers a kernel's are: its own or the next
 * older one read (idreg_declared_for()), the newest for an unknown kernel,
 * the oldest for one older than every series (those before 6.12 are not
 * checked).
 */
static const struct idreg_declared_series *hidden_series(unsigned int kernel)
{
	const struct idreg_declared_series *s;
	enum idreg_decl_match match;

	if (!kernel)
		return &idreg_declared_series[0];
	s = idreg_declared_for(kernel, &match);
	return s ?: &idreg_declared_series[idreg_nr_declared_series - 1];
}

/*
 * Does KVM hide @slot (RAZ) for a vCPU with @features?  A kernel between
 * two series read hides only what both hide: a slot the older series left
 * unallocated the newer one may describe (6.12's ID_AA64ISAR3_EL1, whose
 * fields 6.16 to 7.1 fill in one by one).
 */
static bool kvm_hides(unsigned int kernel, unsigned int slot, unsigned int features)
{
	const struct idreg_declared_series *older, *newer;

	if (kernel && idreg_between_known(kernel, &older, &newer))
		return idreg_declared_hides(older, slot, features) &&
		       idreg_declared_hides(newer, slot, features);
	return idreg_declared_hides(hidden_series(kernel), slot, features);
}

/* ID_HIDDEN: RAZ whatever the vCPU's features. */
static bool kvm_hides_always(unsigned int slot, const struct idreg_vm_traits *t)
{
	return kvm_hides(t->kernel, slot, IDREG_VCPU_ALL_FEATURES);
}

bool idreg_slot_hidden(unsigned int slot, const struct idreg_reg *reg,
		       const struct idreg_vm_traits *t)
{
	/* No table knows the slot: KVM's ID_UNALLOCATED (RAZ) entries. */
	if (!reg)
		return true;
	/* ID_HIDDEN, ID_AA64ZFR0_EL1 without SVE: generated from sys_regs.c. */
	if (kvm_hides(t->kernel, slot, t->features))
		return true;
	if (!t->aarch32_el0 && idreg_is_aarch32_slot(slot))
		return true;
	return false;
}

static uint64_t res0_bits(const struct idreg_reg *reg)
{
	uint64_t res0 = 0;
	unsigned int i;

	for (i = 0; reg && i < reg->nr_fields; i++)
		if (reg->fields[i].kind == IDREG_FIELD_RES0)
			res0 |= idreg_field_mask(reg->fields[i].lsb, reg->fields[i].width);
	return res0;
}

static const char *clidr_refusal(const struct idreg_reg *reg, uint64_t val,
				 const struct idreg_vm_traits *t)
{
	const struct idreg_field *loc = idreg_field_by_name(reg, "LoC");
	const struct idreg_field *louis = idreg_field_by_name(reg, "LoUIS");
	const struct idreg_field *louu = idreg_field_by_name(reg, "LoUU");
	bool idc;

	if (val & res0_bits(reg))
		return "RES0 bits set";
	if (!loc || !louis || !louu)
		return "tables lack CLIDR_EL1.LoC/LoUIS/LoUU";
	idc = !idreg_field_get(val, loc->lsb, loc->width) ||
	      (!idreg_field_get(val, louis->lsb, louis->width) &&
	       !idreg_field_get(val, louu->lsb, louu->width));
	if (idc && !t->ctr_idc)
		return "value implies IDC but the host's CTR_EL0.IDC is 0";
	return NULL;
}

enum rule_kind {
	RULE_REWRITE,		/* field == lo: stored as hi */
	/*
	 * field == lo and the VM's default of the field is hi (and of
	 * cond_field is cond_val): stored as hi.  The rules of this kind
	 * compare with the host's sanitised value, which the VM's default
	 * shows in the configuration the rule needs.
	 */
	RULE_REWRITE_IF_LIMIT,
	RULE_DROP_HOST,		/* field == the host's sanitised value: stored as 0 */
	RULE_REFUSE,		/* lo <= field <= hi: -EINVAL */
	RULE_LIMIT_OR,		/* field neither the VM's default nor lo: -EINVAL */
};


/* A stage-2 granule field for a vCPU with EL2: the default, or NI (1). */
#define TGRAN2_RULE(f)								\
	{ "ID_AA64MMFR0_EL1", f, "set_id_aa64mmfr0_el1", RULE_LIMIT_OR, 1, 1,	\
	  SINCE_7_2, IDREG_VCPU_EL2, f " neither the default nor NI (1) for a vCPU with EL2",	\
	  NULL, 0 }

/*
 * What the register-specific setters of sys_regs.c do before set_id_reg()
 * (and so before arm64_check_features()).  The rules of one register are
 * in the setter's own order: every setter rewrites first, then refuses.
 */
static const struct setter_rule {
	const char *reg, *field, *fn;
	enum rule_kind kind;
	uint8_t lo, hi;
	unsigned int since;	/* kernel version */
	/* the vCPU features it applies with (vcpu_has_nv(): EL2, kvm_has_mte(): MTE) */
	unsigned int needs;
	const char *why;
	/* RULE_REWRITE_IF_LIMIT: another field of the default, or NULL */
	const char *cond_field;
	uint8_t cond_val;
} setter_rules[] = {
	{ "ID_DFR0_EL1", "PerfMon", "set_id_dfr0_el1", RULE_REWRITE, 0xf, 0, ALWAYS, 0,
	  "PerfMon IMPDEF (0xf) is stored as 0", NULL, 0 },
	{ "ID_DFR0_EL1", "PerfMon", "set_id_dfr0_el1", RULE_REFUSE, 1, 2, ALWAYS, 0,
	  "PerfMon must be 0 or PMUv3 (3) and later", NULL, 0 },
	{ "ID_DFR0_EL1", "CopDbg", "set_id_dfr0_el1", RULE_REFUSE, 0, 5, ALWAYS, 0,
	  "CopDbg below Armv8 (6)", NULL, 0 },
	{ "ID_AA64DFR0_EL1", "PMUVer", "set_id_aa64dfr0_el1", RULE_REWRITE, 0xf, 0, ALWAYS, 0,
	  "PMUVer IMP_DEF (0xf) is stored as 0", NULL, 0 },
	{ "ID_AA64DFR0_EL1", "DebugVer", "set_id_aa64dfr0_el1", RULE_REFUSE, 0, 5, ALWAYS, 0,
	  "DebugVer below IMP (6)", NULL, 0 },
	/* ignore_feat_doublelock(): the NV VM's default shows the host's value. */
	{ "ID_AA64DFR0_EL1", "DoubleLock", "set_id_aa64dfr0_el1", RULE_REWRITE_IF_LIMIT, 0, 0xf,
	  SINCE_7_2, IDREG_VCPU_EL2,
	  "DoubleLock IMP (0) on a host without it (0xf) is stored as 0xf for a vCPU with EL2", NULL, 0 },
	{ "ID_AA64PFR0_EL1", "MPAM", "set_id_aa64pfr0_el1", RULE_DROP_HOST, 0, 0, ALWAYS, 0,
	  "MPAM equal to the host's sanitised MPAM is stored as 0", NULL, 0 },
	{ "ID_AA64PFR0_EL1", "EL0", "set_id_aa64pfr0_el1", RULE_REFUSE, 0, 0, SINCE_7_2, 0,
	  "EL0 not implemented", NULL, 0 },
	{ "ID_AA64PFR0_EL1", "EL1", "set_id_aa64pfr0_el1", RULE_REFUSE, 0, 0, SINCE_7_2, 0,
	  "EL1 not implemented", NULL, 0 },
	{ "ID_AA64PFR0_EL1", "EL2", "set_id_aa64pfr0_el1", RULE_REFUSE, 0, 0, SINCE_7_2, IDREG_VCPU_EL2,
	  "EL2 not implemented for a vCPU with EL2", NULL, 0 },
	{ "ID_AA64PFR1_EL1", "MPAM_frac", "set_id_aa64pfr1_el1", RULE_DROP_HOST, 0, 0, ALWAYS,
	  0, "MPAM_frac equal to the host's sanitised MPAM_frac is stored as 0", NULL, 0 },
	/*
	 * With MTE, sanitise_id_aa64pfr1_el1() leaves the host's MTE and
	 * MTE_frac in the VM's default.
	 */
	{ "ID_AA64PFR1_EL1", "MTE_frac", "set_id_aa64pfr1_el1", RULE_REWRITE_IF_LIMIT, 0, 0xf,
	  SINCE_7_2, IDREG_VCPU_MTE,
	  "MTE_frac ASYNC (0) on an MTE2 host without it (0xf) is stored as 0xf", "MTE", 2 },
	/* set_id_aa64mmfr0_el1(): tgran2_val_allowed() against the VM's default. */
	TGRAN2_RULE("TGran4_2"),
	TGRAN2_RULE("TGran16_2"),
	TGRAN2_RULE("TGran64_2"),
	{ "ID_AA64MMFR2_EL1", "NV", "set_id_aa64mmfr2_el1", RULE_DROP_HOST, 0, 0, SINCE_7_2,
	  0, "NV equal to the host's sanitised NV is stored as 0", NULL, 0 },
	{ "CTR_EL0", "L1Ip", "set_ctr_el0", RULE_REFUSE, 0, 1, SINCE_7_2, 0,
	  "L1Ip VPIPT (0) and AIVIVT (1) are reserved", NULL, 0 },
};

_Static_assert(ARRAY_SIZE(setter_rules) <= IDREG_NR_SETTER_RULES,
	       "IDREG_NR_SETTER_RULES too small");
_Static_assert(IDREG_NR_SETTER_RULES <= 32, "host_known has 32 bits");

/*
 * The register and field of each rule, looked up once: the walk predicts
 * thousands of writes, and on an emulated host every name compare counts.
 */
static const struct idreg_field *rule_field(unsigned int i, const struct idreg_reg *reg,
					    const struct idreg_field **cond)
{
	static const struct idreg_reg *regs[ARRAY_SIZE(setter_rules)];
	static const struct idreg_field *fields[ARRAY_SIZE(setter_rules)];
	static const struct idreg_field *conds[ARRAY_SIZE(setter_rules)];
	static bool resolved;
	const struct setter_rule *rule;
	unsigned int j;

	if (!resolved) {
		for (j = 0; j < ARRAY_SIZE(setter_rules); j++) {
			rule = &setter_rules[j];
			regs[j] = idreg_reg_by_name(rule->reg);
			if (!regs[j])
				continue;
			fields[j] = idreg_field_by_name(regs[j], rule->field);
			if (rule->cond_field)
				conds[j] = idreg_field_by_name(regs[j], rule->cond_field);
		}
		resolved = true;
	}
	*cond = conds[i];
	return regs[i] == reg ? fields[i] : NULL;
}

static bool rule_applies(const struct setter_rule *rule, const struct idreg_vm_traits *t)
{
	if (t->kernel < rule->since)
		return false;
	return (t->features & rule->needs) == rule->needs;
}

/* RULE_REWRITE_IF_LIMIT: does the VM's default meet the rule's condition? */
static bool limit_meets(const struct setter_rule *rule, const struct idreg_field *f,
			const struct idreg_field *cond, uint64_t limit)
{
	if (idreg_field_get(limit, f->lsb, f->width) != rule->hi)
		return false;
	if (!rule->cond_field)
		return true;
	return cond && idreg_field_get(limit, cond->lsb, cond->width) == rule->cond_val;
}

/* The setter's verdict: NULL when it passes *@val on, rewritten. */
static const struct setter_rule *run_setter(const struct idreg_reg *reg, uint64_t limit,
					    uint64_t *val, const struct idreg_vm_traits *t,
					    struct idreg_kvm_verdict *v)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(setter_rules); i++) {
		const struct setter_rule *rule = &setter_rules[i];
		const struct idreg_field *cond, *f = rule_field(i, reg, &cond);
		uint64_t x;

		if (!f || !rule_applies(rule, t))
			continue;
		x = idreg_field_get(*val, f->lsb, f->width);
		switch (rule->kind) {
		case RULE_REWRITE:
			if (x == rule->lo)
				*val = idreg_field_set(*val, f->lsb, f->width, rule->hi);
			break;
		case RULE_REWRITE_IF_LIMIT:
			if (x == rule->lo && limit_meets(rule, f, cond, limit))
				*val = idreg_field_set(*val, f->lsb, f->width, rule->hi);
			break;
		case RULE_LIMIT_OR:
			if (x != rule->lo && x != idreg_field_get(limit, f->lsb, f->width))
				return rule;
			break;
		case RULE_DROP_HOST:
			if (!(t->host_known & 1U << i)) {
				/* Unknown: assume it differs, unless 0 (the same either way). */
				if (x) {
					v->host_rule = i;
					v->host_setter = rule->fn;
					v->host_guess = x;
				}
			} else if (x == t->host_value[i]) {
				*val = idreg_field_set(*val, f->lsb, f->width, 0);
			}
			break;
		case RULE_REFUSE:
			if (x >= rule->lo && x <= rule->hi)
				return rule;
			break;
		}
	}
	return NULL;
}

static enum idreg_write_effect verdict(struct idreg_kvm_verdict *v,
				       enum idreg_write_effect effect,
				       const char *path, const char *why)
{
	v->effect = effect;
	v->err = effect == IDREG_WRITE_REJECTED ? -EINVAL : 0;
	v->path = path;
	v->why = why;
	return effect;
}

/* What reads back after an accepted write: STORED or ALTERED by a setter. */
static enum idreg_write_effect stored(struct idreg_kvm_verdict *v, uint64_t val,
				      uint64_t rewritten, const char *path)
{
	v->stored = rewritten;
	if (rewritten == val)
		return verdict(v, IDREG_WRITE_STORED, path, NULL);
	return verdict(v, IDREG_WRITE_ALTERED, path, "a setter rewrote a field");
}

/* set_id_reg() after the setter: arm64_check_features() on the rewritten value. */
static enum idreg_write_effect predict_id_reg(unsigned int slot, const struct idreg_reg *reg,
					      uint64_t mask, uint64_t limit, uint64_t val,
					      const struct idreg_vm_traits *t,
					      struct idreg_kvm_verdict *v)
{
	const struct setter_rule *refused;
	uint64_t user = val;

	refused = run_setter(reg, limit, &val, t, v);
	if (refused)
		return verdict(v, IDREG_WRITE_REJECTED, refused->fn, refused->why);
	if (!idreg_predict_reg(reg, mask, limit, val, idreg_slot_hidden(slot, reg, t), &v->pred))
		return verdict(v, IDREG_WRITE_REJECTED, "arm64_check_features",
			       idreg_reason_name(v->pred.reason));
	return stored(v, user, val, val == user ? "arm64_check_features" :
		      "arm64_check_features after a setter's rewrite");
}

static enum idreg_write_effect predict_path(unsigned int slot, const struct idreg_reg *reg,
					   uint64_t mask, uint64_t limit, uint64_t val,
					   const struct idreg_vm_traits *t,
					   struct idreg_kvm_verdict *v)
{
	if (idreg_is_imp_id_slot(slot)) {
		v->stored = val;
		if (val == limit)
			return verdict(v, IDREG_WRITE_STORED, "set_imp_id_reg", NULL);
		if (!t->imp_id_writable)
			return verdict(v, IDREG_WRITE_REJECTED, "set_imp_id_reg",
				       "KVM_CAP_ARM_WRITABLE_IMP_ID_REGS not enabled");
		if (val & ~mask)
			return verdict(v, IDREG_WRITE_REJECTED, "set_imp_id_reg",
				       "bits outside the writable mask");
		return verdict(v, IDREG_WRITE_STORED, "set_imp_id_reg", NULL);
	}
	v->stored = val;
	if (idreg_is_mpidr_slot(slot))
		return verdict(v, IDREG_WRITE_STORED, "MPIDR_EL1 (no ID check)", NULL);
	if (idreg_is_clidr_slot(slot) && reg) {
		const char *why = clidr_refusal(reg, val, t);

		return verdict(v, why ? IDREG_WRITE_REJECTED : IDREG_WRITE_STORED,
			       "set_clidr", why);
	}
	/* ID_UNALLOCATED and ID_HIDDEN are RAZ whatever the host runs. */
	if (!reg || kvm_hides_always(slot, t))
		return verdict(v, val ? IDREG_WRITE_REJECTED : IDREG_WRITE_STORED,
			       "arm64_check_features", val ? "register is RAZ" : NULL);
	if (!t->aarch32_el0 && idreg_is_aarch32_slot(slot)) {
		v->stored = limit;
		return verdict(v, IDREG_WRITE_IGNORED, "aa32_id_visibility",
			       "AArch32 ID register is RAZ/WI without AArch32 EL0");
	}
	return predict_id_reg(slot, reg, mask, limit, val, t, v);
}

/* One series' verdict, with what it would be were the host's value written. */
static void predict_one(unsigned int slot, const struct idreg_reg *reg, uint64_t mask,
			uint64_t limit, uint64_t val, const struct idreg_vm_traits *t,
			struct idreg_kvm_verdict *v)
{
	struct idreg_kvm_verdict alt;
	struct idreg_vm_traits known;

	memset(v, 0, sizeof(*v));
	v->host_rule = -1;
	predict_path(slot, reg, mask, limit, val, t, v);
	if (v->host_rule < 0)
		return;
	/* What KVM would answer were the host's value the one written. */
	known = *t;
	known.host_known |= 1U << v->host_rule;
	known.host_value[v->host_rule] = v->host_guess;
	memset(&alt, 0, sizeof(alt));
	alt.host_rule = -1;
	predict_path(slot, reg, mask, limit, val, &known, &alt);
	v->if_host_equal.effect = alt.effect;
	v->if_host_equal.err = alt.err;
	v->if_host_equal.stored = alt.stored;
}

enum idreg_write_effect idreg_kvm_predict(unsigned int slot,
					  const struct idreg_reg *reg,
					  uint64_t mask, uint64_t limit,
					  uint64_t val,
					  const struct idreg_vm_traits *t,
					  struct idreg_kvm_verdict *v)
{
	const struct idreg_declared_series *older, *newer;
	struct idreg_kvm_verdict alt;
	struct idreg_vm_traits as;

	if (!idreg_between_known(t->kernel, &older, &newer)) {
		predict_one(slot, reg, mask, limit, val, t, v);
		return v->effect;
	}
	/*
	 * Between two series read: the newer one's verdict, and the older
	 * one's where their sources disagree; either answer is the kernel's.
	 */
	as = *t;
	as.kernel = newer->version;
	predict_one(slot, reg, mask, limit, val, &as, v);
	as.kernel = older->version;
	predict_one(slot, reg, mask, limit, val, &as, &alt);
	if (alt.effect == v->effect && alt.err == v->err && alt.stored == v->stored)
		return v->effect;
	v->between = true;
	v->newer = newer->series;
	v->older = older->series;
	v->alt.effect = alt.effect;
	v->alt.err = alt.err;
	v->alt.stored = alt.stored;
	v->alt.path = alt.path;
	v->alt.why = alt.why;
	return v->effect;
}

static bool answer_is(enum idreg_write_effect effect, int err, uint64_t stored,
		      uint64_t before, int r, uint64_t back)
{
	if (effect == IDREG_WRITE_REJECTED)
		return r == err && back == before;
	return r == 0 && back == stored;
}

enum idreg_answer idreg_kvm_answer(struct idreg_vm_traits *t,
				   const struct idreg_kvm_verdict *v,
				   uint64_t before, int r, uint64_t back)
{
	if (answer_is(v->effect, v->err, v->stored, before, r, back))
		return v->between ? IDREG_ANSWER_BETWEEN : IDREG_ANSWER_MATCH;
	if (v->between && answer_is(v->alt.effect, v->alt.err, v->alt.stored, before, r, back))
		return IDREG_ANSWER_BETWEEN;
	if (v->host_rule < 0 ||
	    !answer_is(v->if_host_equal.effect, v->if_host_equal.err,
		       v->if_host_equal.stored, before, r, back))
		return IDREG_ANSWER_MISMATCH;
	t->host_known |= 1U << v->host_rule;
	t->host_value[v->host_rule] = v->host_guess;
	return IDREG_ANSWER_LEARNT;
}

bool idreg_slot_vm_wide(unsigned int slot)
{
	return !idreg_is_clidr_slot(slot) && !idreg_is_mpidr_slot(slot);
}

/* The per-vCPU ones are exactly those that bypass set_id_reg(). */
bool idreg_slot_frozen_after_run(unsigned int slot)
{
	return idreg_slot_vm_wide(slot);
}

static const char *effect_words(enum idreg_write_effect e, const char *why)
{
	switch (e) {
	case IDREG_WRITE_REJECTED:
		return why && *why ? why : "refused";
	case IDREG_WRITE_IGNORED:
		return "ignored";
	case IDREG_WRITE_ALTERED:
		return "stored rewritten";
	default:
		return "stored";
	}
}

int idreg_between_describe(char *buf, size_t size, const struct idreg_kvm_verdict *v,
			   uint64_t before, int r, uint64_t back)
{
	bool as_newer = answer_is(v->effect, v->err, v->stored, before, r, back);

	if (!v->between)
		return snprintf(buf, size, "%s", "");
	return snprintf(buf, size, "%s, as in %s (%s: %s %s)",
			r ? "refused" : "accepted", as_newer ? v->newer : v->older,
			as_newer ? v->older : v->newer,
			as_newer ? v->alt.path : v->path,
			as_newer ? effect_words(v->alt.effect, v->alt.why) :
				   effect_words(v->effect, v->why));
}

static int predict_after_run(unsigned int slot, const struct idreg_reg *reg, uint64_t limit,
			     uint64_t current, uint64_t val, const struct idreg_vm_traits *t)
{
	struct idreg_kvm_verdict v;

	if (idreg_is_imp_id_slot(slot)) {
		/* set_imp_id_reg(): same value, capability, then the freeze */
		if (val == current)
			return 0;
		return t->imp_id_writable ? -EBUSY : -EINVAL;
	}
	if (idreg_is_mpidr_slot(slot))
		return 0;
	if (idreg_is_clidr_slot(slot))
		/* set_clidr() has no freeze check: its own checks only */
		return reg && clidr_refusal(reg, val, t) ? -EINVAL : 0;
	if (!reg || kvm_hides_always(slot, t) || (!t->aarch32_el0 && idreg_is_aarch32_slot(slot)))
		return IDREG_AFTER_RUN_UNKNOWN;
	memset(&v, 0, sizeof(v));
	v.host_rule = -1;
	/* A register-specific setter refuses before calling set_id_reg(). */
	if (run_setter(reg, limit, &val, t, &v))
		return -EINVAL;
	if (v.host_rule >= 0)
		return IDREG_AFTER_RUN_UNKNOWN;
	/* set_id_reg(): after the first run only the current value passes. */
	return val == current ? 0 : -EBUSY;
}

int idreg_kvm_predict_after_run(unsigned int slot, const struct idreg_reg *reg, uint64_t limit,
				uint64_t current, uint64_t val, const struct idreg_vm_traits *t)
{
	const struct idreg_declared_series *older, *newer;
	struct idreg_vm_traits as = *t;
	int a, b;

	if (!idreg_between_known(t->kernel, &older, &newer))
		return predict_after_run(slot, reg, limit, current, val, t);
	as.kernel = older->version;
	a = predict_after_run(slot, reg, limit, current, val, &as);
	as.kernel = newer->version;
	b = predict_after_run(slot, reg, limit, current, val, &as);
	/*
	 * A slot one series hides and the other describes is not hidden
	 * between them (kvm_hides()): the describing series answers.
	 */
	if (idreg_declared_hides(older, slot, t->features) &&
	    !idreg_declared_hides(newer, slot, t->features))
		return b;
	if (idreg_declared_hides(newer, slot, t->features) &&
	    !idreg_declared_hides(older, slot, t->features))
		return a;
	return a == b ? a : IDREG_AFTER_RUN_BETWEEN;
}

uint64_t idreg_clidr_reset_ttype(uint64_t clidr, bool vm_mte)
{
	unsigned int loc = (clidr >> IDREG_CLIDR_LOC_SHIFT) & 7;

	if (!vm_mte || !loc)
		return 0;
	return 2ULL << IDREG_CLIDR_TTYPE_SHIFT(loc);
}

const char *idreg_pmuver_limit_problem(unsigned int pmuver, enum idreg_host_pmu host)
{
	if (pmuver < IDREG_PMUVER_IMP || pmuver == IDREG_PMUVER_IMP_DEF)
		return "a vCPU with KVM_ARM_VCPU_PMU_V3 has no PMUv3";
	if (pmuver > IDREG_PMUVER_V3P5)
		return "above pmu-emul.c's cap, PMUv3p5";
	if (host == IDREG_HOST_PMU_64BIT && pmuver != IDREG_PMUVER_V3P5)
		return "the host's PMU has 64-bit counters (PMUv3p5 or later), so min(host, V3P5) is V3P5";
	if (host == IDREG_HOST_PMU_CHAINED && pmuver >= IDREG_PMUVER_V3P5)
		return "the host's PMU chains 64-bit events (before PMUv3p5), so min(host, V3P5) is below V3P5";
	return NULL;
}
