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

/* The probes @which selects that the guest's EL can run: their indexes. */
static unsigned int select_probes(bool el2, const bool which[IDREG_NR_PROBES],
				  struct idreg_probe_result *res, unsigned int idx[IDREG_NR_PROBES],
				  unsigned int *setup)
{
	unsigned int i, n = 0;

	memset(res, 0, sizeof(*res));
	*setup = 0;
	for (i = 0; i < IDREG_NR_PROBES; i++) {
		if (!which[i] || !idreg_probe_runs_at(&idreg_probes[i], el2))
			continue;
		res->run[i] = true;
		idx[n++] = i;
		*setup |= idreg_probes[i].setup;
	}
	return n;
}

/* Their set-up, then each probe as a step. */
static int emit_probes(struct idreg_guest *g, bool el2, const unsigned int *idx, unsigned int n,
		       unsigned int setup)
{
	unsigned int i;
	int r = emit_setup(g, el2 ? 0 : setup);

	for (i = 0; i < n && !r; i++)
		r = idreg_guest_emit(g, idreg_probes[idx[i]].insn) ?:
		    idreg_guest_emit(g, idreg_insn_str(0, 1, 0));
	return r;
}

/*
 * The probes' results from @out's steps @first.., after a run that
 * returned @r: a run that ended must have reported every step.
 */
static int probe_results(struct idreg_guest *g, int vcpu, int r,
			 const struct idreg_guest_result *out, unsigned int first,
			 const unsigned int *idx, unsigned int n, struct idreg_probe_result *res)
{
	unsigned int i;

	for (i = 0; first + i < out->nr_steps && i < n; i++) {
		res->trapped[idx[i]] = out->trapped[first + i];
		res->esr[idx[i]] = out->esr[first + i];
	}
	if (!r && out->nr_steps != first + n)
		r = idreg_vm_fail(g->vm, EPROTO, "probe guest on vcpu %d reported %u values for %u steps",
				  vcpu, out->nr_steps, first + n);
	return r;
}

int idreg_guest_probe(struct idreg_guest *g, int vcpu, const bool which[IDREG_NR_PROBES],
		      struct idreg_probe_result *res)
{
	static struct idreg_guest_result out;
	bool el2 = g->vm->features & IDREG_VCPU_EL2;
	unsigned int n, setup, idx[IDREG_NR_PROBES];
	int r;

	n = select_probes(el2, which, res, idx, &setup);
	idreg_guest_reset_program(g);
	r = emit_probes(g, el2, idx, n, setup) ?: idreg_guest_emit_done(g);
	if (r)
		return r;
	r = idreg_guest_run(g, vcpu, NULL, &out);
	return probe_results(g, vcpu, r, &out, 0, idx, n, res);
}

int idreg_guest_read_and_probe(struct idreg_guest *g, int vcpu, const unsigned int *slots,
			       unsigned int nr, const bool which[IDREG_NR_PROBES],
			       struct idreg_guest_view *view, struct idreg_probe_result *res)
{
	static struct idreg_guest_result out;
	bool el2 = g->vm->features & IDREG_VCPU_EL2;
	unsigned int n, setup, idx[IDREG_NR_PROBES];
	int r;

	memset(view, 0, sizeof(*view));
	n = select_probes(el2, which, res, idx, &setup);
	idreg_guest_reset_program(g);
	r = idreg_guest_emit_read_slots(g, slots, nr) ?: emit_probes(g, el2, idx, n, setup) ?:
	    idreg_guest_emit_done(g);
	if (r)
		return r;
	r = idreg_guest_run(g, vcpu, NULL, &out);
	idreg_guest_view_fill(view, &out, slots, nr);
	return probe_results(g, vcpu, r, &out, nr, idx, n, res);
}

int idreg_guest_read_and_probe_features(struct idreg_guest *g, int vcpu, const unsigned int *slots,
					unsigned int nr, const uint64_t vals[IDREG_NR_SLOTS],
					struct idreg_guest_view *view,
					struct idreg_probe_result *res)
{
	bool which[IDREG_NR_PROBES];
	unsigned int i;

	for (i = 0; i < IDREG_NR_PROBES; i++)
		which[i] = idreg_probe_implemented(&idreg_probes[i], vals);
	return idreg_guest_read_and_probe(g, vcpu, slots, nr, which, view, res);
}
