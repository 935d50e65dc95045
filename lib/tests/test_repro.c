// SPDX-License-Identifier: GPL-2.0-only
/* The reproducer line of a finding (lib/predict/repro.c). */
#include "unit.h"

#include "idregs/field.h"
#include "idregs/repro.h"

int main(void)
{
	int dfr0 = idreg_slot_index(3, 0, 0, 5, 0), midr = idreg_slot_index(3, 0, 0, 0, 0);
	const struct idreg_reg *reg = idreg_reg_by_slot(dfr0);
	uint64_t limit = 0x1030500aULL;
	char buf[160];

	UNIT_EQ_STR(idreg_try_line(buf, sizeof(buf), dfr0, reg, limit, 0x1030580aULL, NULL, false),
		    "idreg try ID_AA64DFR0_EL1.PMUVer=0x8 --vcpu default",
		    "one field changed: REG.FIELD=VALUE, default configuration");
	UNIT_EQ_STR(idreg_try_line(buf, sizeof(buf), dfr0, reg, limit, 0x1030580bULL, "pmu", false),
		    "idreg try ID_AA64DFR0_EL1=0x000000001030580b --vcpu pmu",
		    "two fields changed: the whole register");
	UNIT_EQ_STR(idreg_try_line(buf, sizeof(buf), midr, idreg_reg_by_slot(midr), 0x410fd0c1,
				   0x410fd0c2, "default", true),
		    "idreg try MIDR_EL1.Revision=0x2 --vcpu default --imp-id",
		    "with KVM_CAP_ARM_WRITABLE_IMP_ID_REGS");
	UNIT_OK(idreg_try_line(buf, 20, dfr0, reg, limit, 0x1030580aULL, NULL, false) == buf &&
		strlen(buf) == 19, "truncated to the buffer");
	return unit_done();
}
