/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The few kernel idioms idregs uses in userspace, under their kernel names
 * so that the code reads (and checkpatch checks) like kernel code.
 */
#ifndef IDREGS_UTIL_H
#define IDREGS_UTIL_H

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

#ifndef __printf
#define __printf(a, b)	__attribute__((format(printf, a, b)))
#endif

#endif /* IDREGS_UTIL_H */
