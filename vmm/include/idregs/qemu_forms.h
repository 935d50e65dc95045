/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A model in the forms a VMM stack takes, each read back (vmm/qemu_forms.c):
 *
 *   cpu      -cpu host,pmu=on,...,SYSREG_<REG>_<FIELD>=0x1 -M virt,...
 *            (idreg_model_qemu_args(): the one line)
 *   global   -cpu host, then one "-global host-arm-cpu.ITEM" line per item of
 *            that line's -cpu (QEMU's -cpu options are globals of the CPU
 *            type too: cpu_common_parse_features()), then -M virt,...
 *   libvirt  a <domain> fragment: <cpu mode='host-passthrough'/> (libvirt's
 *            -cpu host), <features><gic version='N'/></features>, the
 *            -global pairs as <qemu:commandline> arguments, -M virt's other
 *            options as "-machine OPTS", the model's name in <metadata>.
 */
#ifndef IDREGS_QEMU_FORMS_H
#define IDREGS_QEMU_FORMS_H

#include "idregs/model.h"

enum idreg_qemu_form {
	IDREG_FORM_CPU,
	IDREG_FORM_GLOBAL,
	IDREG_FORM_LIBVIRT,
};

/* "cpu", "global", "libvirt"; 0, or -1 if @name is none of them. */
int idreg_qemu_form_by_name(const char *name, enum idreg_qemu_form *form);

/* @m in @form, ending in a newline; malloc'ed, or NULL on ENOMEM. */
char *idreg_model_qemu_form(const struct idreg_model *m, enum idreg_qemu_form form);

/*
 * A QEMU command line as idreg_model_from_qemu_args() reads it, with
 * "-global host-arm-cpu.PROP=VALUE" (or driver=host-arm-cpu,property=,
 * value=) as an item of -cpu host, before its own items (QEMU registers
 * -cpu's items as globals after every -global: for one property the -cpu
 * item is applied last; globals of other types are skipped) and
 * "-machine OPTS" without a type as -M virt,OPTS.  0, or -1 with @err.
 */
int idreg_model_from_qemu_cmdline(struct idreg_model *m, int argc, char *const *argv,
				  char *err);
/* The same from text: words split at white space (the cpu and global forms). */
int idreg_model_from_qemu_text(struct idreg_model *m, const char *text, char *err);

/*
 * The libvirt form read back: the <domain> (type kvm), <cpu> (mode
 * host-passthrough), <gic version>, the <qemu:arg> values, the name and
 * date in idregs' <metadata>.  Anything else in the domain is skipped.
 * 0, or -1 with @err naming what is wrong.
 */
int idreg_model_from_libvirt(struct idreg_model *m, const char *xml, char *err);

/* A model file: JSON, or (starting with '<') the libvirt form. */
int idreg_model_load_any(struct idreg_model *m, const char *path, char *err);

#endif /* IDREGS_QEMU_FORMS_H */
