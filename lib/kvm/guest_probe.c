// SPDX-License-Identifier: GPL-2.0-only
/*
 * Feature probes run by the AArch64 guest (idregs/guest_probe.h).
 */
#include <errno.h>
#include <string.h>

#include "idregs/field.h"
#include "idregs/guest_probe.h"
#include "idregs/util.h"

#define INSN_MOVZ_X0_CPACR_ZEN_FPEN	0xd2a00660U	/* mov x0, #0x330000 */
#define INSN_MSR_CPACR_EL1_X0		0xd5181040U	/* msr cpacr_el1, x0 */
#define INSN_ISB			0xd5033fdfU
#define INSN_RDVL_X0_1			0x04bf5020U	/* rdvl x0, #1 */
#define INSN_MRS_X0_CNTPOFF_EL2		0xd53ce0c0U	/* mrs x0, S3_4_C14_C0_6 */

const struct idreg_probe idreg_probes[IDREG_NR_PROBES] = {
	/* SVE: RDVL, with CPACR_EL1.ZEN and FPEN open */
	{ "ID_AA64PFR0_EL1", "SVE", 1, "rdvl x0, #1", INSN_RDVL_X0_1, false, true },
	/* FEAT_ECV with CNTPOFF: the guest hypervisor's CNTPOFF_EL2 */
	{ "ID_AA64MMFR0_EL1", "ECV", 2, "mrs x0, CNTPOFF_EL2", INSN_MRS_X0_CNTPOFF_EL2, true, false },
};

static bool probe_applies(const struct idreg_probe *p, const uint64_t vals[IDREG_NR_SLOTS],
			  bool el2)
{
	const struct idreg_reg *reg = idreg_reg_by_name(p->reg);
	const struct idreg_field *f = reg ? idreg_field_by_name(reg, p->field) : NULL;
	int slot = reg ? idreg_reg_slot(reg) : -1;

	if (!f || slot < 0 || (p->el2_only && !el2) || (p->el1_only && el2))
		return false;
	return idreg_field_get(vals[slot], f->lsb, f->width) >= p->min;
}

int idreg_guest_probe_features(struct idreg_guest *g, int vcpu,
			       const uint64_t vals[IDREG_NR_SLOTS],
			       struct idreg_probe_result *res)
{
	static struct idreg_guest_result out;
	bool el2 = g->vm->features & IDREG_VCPU_EL2;
	unsigned int i, n = 0, idx[IDREG_NR_PROBES];
	int r;

	memset(res, 0, sizeof(*res));
	idreg_guest_reset_program(g);
	r = el2 ? 0 : idreg_guest_emit(g, INSN_MOVZ_X0_CPACR_ZEN_FPEN) ?:
		      idreg_guest_emit(g, INSN_MSR_CPACR_EL1_X0) ?:
		      idreg_guest_emit(g, INSN_ISB);
	for (i = 0; i < IDREG_NR_PROBES && !r; i++) {
		if (!probe_applies(&idreg_probes[i], vals, el2))
			continue;
		res->run[i] = true;
		idx[n++] = i;
		r = idreg_guest_emit(g, idreg_probes[i].insn) ?:
		    idreg_guest_emit(g, idreg_insn_str(0, 1, 0));
	}
	r = r ?: idreg_guest_emit_done(g);
	if (r)
		return r;
	r = idreg_guest_run(g, vcpu, NULL, &out);
	for (i = 0; i < out.nr_steps && i < n; i++) {
		res->trapped[idx[i]] = out.trapped[i];
		res->esr[idx[i]] = out.esr[i];
	}
	if (!r && out.nr_steps != n)
		r = idreg_vm_fail(g->vm, EPROTO, "probe guest on vcpu %d reported %u values for %u probes",
				  vcpu, out.nr_steps, n);
	return r;
}
