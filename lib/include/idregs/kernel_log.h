/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the running kernel says of itself: its taint flags, and the words
 * of its log that mean it went wrong.  Header-only, because the
 * initramfs's /init (tools/runner/ktap_runner.c) is built without the
 * library; the explorer (lib/kvm/explore.c) and the tests use it too.
 * (tools/lib/console.py reads IDREG_KERNEL_BAD_WORDS from this file, to
 * find them on a console: keep it one quoted word list.)
 */
#ifndef IDREGS_KERNEL_LOG_H
#define IDREGS_KERNEL_LOG_H

#include <stdio.h>
#include <stdlib.h>

/* /proc/sys/kernel/tainted, or 0 where it cannot be read. */
static inline unsigned long idreg_kernel_taint(void)
{
	char buf[32] = "";
	FILE *f = fopen("/proc/sys/kernel/tainted", "r");

	if (!f)
		return 0;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = 0;
	fclose(f);
	return strtoul(buf, NULL, 10);
}

/* A kernel log record with one of these says the kernel went wrong. */
#define IDREG_KERNEL_BAD_WORDS							\
	"WARNING:", "BUG:", "Oops", "Kernel panic", "Unable to handle kernel",	\
	"Internal error:", "UBSAN:", "KASAN:"

#endif /* IDREGS_KERNEL_LOG_H */
