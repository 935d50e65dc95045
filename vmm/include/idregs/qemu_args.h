/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * QEMU command lines, read and written (vmm/qemu_args.c).
 */
#ifndef IDREGS_QEMU_ARGS_H
#define IDREGS_QEMU_ARGS_H

#include <stddef.h>
#include <stdint.h>

#include "idregs/model.h"

/*
 * A -cpu integer as QEMU parses it (qemu_strtou64() with base 0: "010" is
 * 8, "0x10" 16, "10" 10).  0, or -1 if @s is not a number.
 */
int idreg_qemu_parse_int(const char *s, uint64_t *v);

/*
 * A QEMU command line (what follows "--"): -cpu host,..., -M/-machine
 * virt,..., -accel kvm, -enable-kvm, -smp N; other options and their
 * arguments are skipped.  As QEMU: a -cpu property given twice takes the
 * last value, and the last -cpu counts.  What QEMU itself refuses whatever
 * the host (an unknown -cpu property, a bad boolean, gic-version=5, a
 * value wider than its field, a -smp topology that does not add up) is
 * not an error here: the first such item goes to @m->q.stop, in QEMU's
 * words, for idreg_qemu_resolve().  0, or -1 with @err (IDREG_ERR_LEN)
 * naming what idreg does not model: another CPU model or machine, TCG, a
 * -smp key virt has not, a SYSREG_ value that is not a number.
 */
int idreg_model_from_qemu_args(struct idreg_model *m, int argc, char *const *argv,
			       char *err);

/*
 * The shortest line that gives @m: "-cpu host,pmu=on,sve=off,SYSREG_A=0x1"
 * (the options of idreg_model_options(), sve<N>, kvm-steal-time,
 * kvm-no-adjvtime as stated, then the properties sorted by name, hex
 * values; a property a stated legacy option overrides is left out, see
 * idreg_qemu_overridden()), then " -M virt,..." for machine options away
 * from QEMU's defaults; malloc'ed, or NULL on ENOMEM.
 */
char *idreg_model_qemu_args(const struct idreg_model *m);
/*
 * What the line leaves out of @m and why, into @notes: a SYSREG_ value a
 * stated legacy option overrides, a GIC field (given as gic-version), a
 * property QEMU never creates, secure=on, MTE's migration blocker.
 */
void idreg_model_notes(const struct idreg_model *m, struct idreg_msgs *notes);

/*
 * What stops QEMU on every host, whatever the line: a property QEMU never
 * creates (MIDR_EL1, REVIDR_EL1, AIDR_EL1), secure=on, what the line's
 * parse found (@m->q.stop).  How many.
 */
unsigned int idreg_model_never_starts(const struct idreg_model *m);

#endif /* IDREGS_QEMU_ARGS_H */
