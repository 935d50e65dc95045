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
 *  - everything else reaches arm64_check_features(), where a register
 *    visible as RAZ (ID_UNALLOCATED, ID_HIDDEN, ID_AA64ZFR0_EL1 without
 *    SVE) accepts only 0 -- also in AArch32's CRm 1..3 on a host without
 *    AArch32, where only the AA32_ID_WRITABLE registers are write-ignored.
 * Register-specific setters that run before arm64_check_features() are not
 * modelled here: where they differ the walk's expectation file says so.
 */
#include <errno.h>
#include <string.h>

#include "idregs/field.h"
#include "idregs/kvm_rules.h"
#include "idregs/util.h"

void idreg_vm_traits_init(struct idreg_vm_traits *t,
			  const uint64_t limit[IDREG_NR_SLOTS],
			  bool imp_id_writable, const char *release)
{
	uint64_t pfr0 = limit[idreg_slot_index(3, 0, 0, 4, 0)];
	uint64_t ctr = limit[idreg_slot_index(3, 3, 0, 0, 1)];

	memset(t, 0, sizeof(*t));
	t->imp_id_writable = imp_id_writable;
	t->sve = false;
	/* ID_AA64PFR0_EL1.EL0 is 2 when EL0 can run AArch32. */
	t->aarch32_el0 = idreg_field_get(pfr0, 0, 4) >= 2;
	/* CTR_EL0.IDC, bit 28: set_clidr() compares against the host's. */
	t->ctr_idc = ctr >> 28 & 1;
	t->kernel = idreg_kernel_version(release);
}

/* kvm_idregs_enforce_dependencies(): in 7.3, not in 6.12 (between: unchecked). */
#define ENFORCES_DEPS_SINCE	(6 << 16 | 13)

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

static void clear_field(uint64_t regs[IDREG_NR_SLOTS], const char *reg, const char *name)
{
	int slot;
	const struct idreg_field *f = reg_field(reg, name, &slot);

	if (f)
		regs[slot] = idreg_field_set(regs[slot], f->lsb, f->width, 0);
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
		clear_field(regs, "ID_AA64MMFR3_EL1", "S1PIE");
	if (!base || !has_feat(regs, "ID_AA64MMFR1_EL1", "HPDS", 1))
		clear_field(regs, "ID_AA64MMFR3_EL1", "S1POE");
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

void idreg_after_first_run(uint64_t regs[IDREG_NR_SLOTS],
			   const struct idreg_vm_traits *t)
{
	unsigned int i;

	if (t->kernel >= ENFORCES_DEPS_SINCE)
		enforce_dependencies(regs);
	for (i = 0; !t->vgic_v3 && i < ARRAY_SIZE(cleared_without_vgic); i++)
		clear_field(regs, cleared_without_vgic[i].reg, cleared_without_vgic[i].field);
}

bool idreg_is_imp_id_slot(unsigned int slot)
{
	return slot == (unsigned int)idreg_slot_index(3, 0, 0, 0, 0) ||	/* MIDR_EL1 */
	       slot == (unsigned int)idreg_slot_index(3, 0, 0, 0, 6) ||	/* REVIDR_EL1 */
	       slot == (unsigned int)idreg_slot_index(3, 1, 0, 0, 7);	/* AIDR_EL1 */
}

bool idreg_is_mpidr_slot(unsigned int slot)
{
	return slot == (unsigned int)idreg_slot_index(3, 0, 0, 0, 5);
}

bool idreg_is_clidr_slot(unsigned int slot)
{
	return slot == (unsigned int)idreg_slot_index(3, 1, 0, 0, 1);
}

bool idreg_is_aarch32_slot(unsigned int slot)
{
	struct idreg_encoding e;

	if (idreg_slot_encoding(slot, &e))
		return false;
	return e.op1 == 0 && e.crm >= 1 && e.crm <= 3;
}

/*
 * Registers KVM describes with ID_HIDDEN in sys_reg_descs[] (6.12 and 7.3):
 * architecturally allocated, but always RAZ for userspace and guest.
 */
static const char *const kvm_hidden_regs[] = {
	"ID_AFR0_EL1", "ID_DFR1_EL1", "ID_AA64SMFR0_EL1",
	"ID_AA64AFR0_EL1", "ID_AA64AFR1_EL1",
};

static bool kvm_hides(const struct idreg_reg *reg)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(kvm_hidden_regs); i++)
		if (!strcmp(reg->name, kvm_hidden_regs[i]))
			return true;
	return false;
}

bool idreg_slot_hidden(unsigned int slot, const struct idreg_reg *reg,
		       const struct idreg_vm_traits *t)
{
	/* No table knows the slot: KVM's ID_UNALLOCATED (RAZ) entries. */
	if (!reg || kvm_hides(reg))
		return true;
	if (!t->sve && slot == (unsigned int)idreg_slot_index(3, 0, 0, 4, 4))
		return true;	/* ID_AA64ZFR0_EL1 */
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

enum idreg_write_effect idreg_kvm_predict(unsigned int slot,
					  const struct idreg_reg *reg,
					  uint64_t mask, uint64_t limit,
					  uint64_t val,
					  const struct idreg_vm_traits *t,
					  struct idreg_kvm_verdict *v)
{
	memset(v, 0, sizeof(*v));
	if (idreg_is_imp_id_slot(slot)) {
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
	if (idreg_is_mpidr_slot(slot))
		return verdict(v, IDREG_WRITE_STORED, "MPIDR_EL1 (no ID check)", NULL);
	if (idreg_is_clidr_slot(slot) && reg) {
		const char *why = clidr_refusal(reg, val, t);

		return verdict(v, why ? IDREG_WRITE_REJECTED : IDREG_WRITE_STORED,
			       "set_clidr", why);
	}
	/* ID_UNALLOCATED and ID_HIDDEN are RAZ whatever the host runs. */
	if (!reg || kvm_hides(reg))
		return verdict(v, val ? IDREG_WRITE_REJECTED : IDREG_WRITE_STORED,
			       "arm64_check_features", val ? "register is RAZ" : NULL);
	if (!t->aarch32_el0 && idreg_is_aarch32_slot(slot))
		return verdict(v, IDREG_WRITE_IGNORED, "aa32_id_visibility",
			       "AArch32 ID register is RAZ/WI without AArch32 EL0");
	if (idreg_predict_reg(reg, mask, limit, val, idreg_slot_hidden(slot, reg, t), &v->pred))
		return verdict(v, IDREG_WRITE_STORED, "arm64_check_features", NULL);
	return verdict(v, IDREG_WRITE_REJECTED, "arm64_check_features",
		       idreg_reason_name(v->pred.reason));
}
