/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * QEMU's own words: every message idreg quotes as QEMU's, in one table
 * (vmm/qemu_words.c), as the release named by IDREG_QEMU_WORDS_RELEASE
 * prints them (each format checked against that binary's strings by
 * tools/qemu-check.sh).  Profiles name no QEMU release yet: every
 * profile gets these.
 */
#ifndef IDREGS_QEMU_WORDS_H
#define IDREGS_QEMU_WORDS_H

#include <stddef.h>

#include "idregs/util.h"

#define IDREG_QEMU_WORDS_RELEASE	"11.1"

enum idreg_qemu_word {
	QW_GLOBAL,		/* a -cpu property's error: this prefix, then the setter's */
	QW_PROP_NOT_FOUND,
	QW_EXPECTS,
	QW_FEATURE_NO_KVM,
	QW_PAUTH_NO_KVM,
	QW_AARCH64_NO_KVM,
	QW_SVE_ENABLE,
	QW_SVE_DISABLE,
	QW_SVE_NO_LENGTH,
	QW_SVE_ALL_OFF,
	QW_SVE_KVM_HOLES,
	QW_SVE_NEEDS_SVE,
	QW_SVE_NO_KVM,
	QW_MTE_NO_KVM,
	QW_EL2_NO_KVM,
	QW_SECURE_KVM,
	QW_GIC_NO_V2,
	QW_GIC_NO_V3,
	QW_GIC_NO_V4,
	QW_GIC_V2_ONLY,
	QW_GIC_BAD,
	QW_EL2_GICV3,
	QW_TOPOLOGY,
	QW_SYSREG,
	QW_SET_REG,
	QW_VCPU_INIT,
	QW_PSCI_INVALID,
	QW_PSCI_UNSUPPORTED,
	QW_PSCI_HINT,
	QW_NR
};

struct idreg_qemu_words {
	const char *format;	/* what QEMU prints, a printf format */
	const char *function;	/* where QEMU prints it */
};

/* Row @w of the table. */
const struct idreg_qemu_words *idreg_qemu_words(enum idreg_qemu_word w);

/* QEMU's words @w with its arguments into @buf; returns @buf. */
char *idreg_qemu_say(char *buf, size_t size, enum idreg_qemu_word w, ...);

#endif /* IDREGS_QEMU_WORDS_H */
