// SPDX-License-Identifier: GPL-2.0-only
/*
 * Feature probes run by the AArch64 guest (idregs/guest_probe.h).
 */
#include <errno.h>
#include <string.h>

#include "idregs/field.h"
#include "idregs/guest_probe.h"
#include "idregs/util.h"

/* The set-up the selected probes need, at EL1 (a guest at vEL2 runs none). */
static int emit_setup(struct idreg_guest *g, unsigned int setup)
{
	int r = 0;

	if (setup & IDREG_PROBE_CPACR)
		r = idreg_guest_emit(g, setup & IDREG_PROBE_SMEN ?
					IDREG_A64_MOVZ_X0_CPACR_SMEN_ZEN_FPEN :
					IDREG_A64_MOVZ_X0_CPACR_ZEN_FPEN) ?:
		    idreg_guest_emit(g, IDREG_A64_MSR_CPACR_EL1_X0);
	if (!r && (setup & IDREG_PROBE_ENIA))
		r = idreg_guest_emit(g, IDREG_A64_MRS_X0_SCTLR_EL1) ?:
		    idreg_guest_emit(g, IDREG_A64_ORR_X0_ENIA) ?:
		    idreg_guest_emit(g, IDREG_A64_MSR_SCTLR_EL1_X0);
	if (!r && setup)
		r = idreg_guest_emit(g, IDREG_A64_ISB);
	return r;
}

int idreg_guest_probe(struct idreg_guest *g, int vcpu, const bool which[IDREG_NR_PROBES],
		      struct idreg_probe_result *res)
{
	static struct idreg_guest_result out;
	bool el2 = g->vm->features & IDREG_VCPU_EL2;
	unsigned int i, n = 0, setup = 0, idx[IDREG_NR_PROBES];
	int r;

	memset(res, 0, sizeof(*res));
	for (i = 0; i < IDREG_NR_PROBES; i++) {
		if (!which[i] || !idreg_probe_runs_at(&idreg_probes[i], el2))
			continue;
		res->run[i] = true;
		idx[n++] = i;
		setup |= idreg_probes[i].setup;
	}
	idreg_guest_reset_program(g);
	r = emit_setup(g, el2 ? 0 : setup);
	for (i = 0; i < n && !r; i++)
		r = idreg_guest_emit(g, idreg_probes[idx[i]].insn) ?:
		    idreg_guest_emit(g, idreg_insn_str(0, 1, 0));
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

int idreg_guest_probe_features(struct idreg_guest *g, int vcpu,
			       const uint64_t vals[IDREG_NR_SLOTS],
			       struct idreg_probe_result *res)
{
	bool which[IDREG_NR_PROBES];
	unsigned int i;

	for (i = 0; i < IDREG_NR_PROBES; i++)
		which[i] = idreg_probe_implemented(&idreg_probes[i], vals);
	return idreg_guest_probe(g, vcpu, which, res);
}
