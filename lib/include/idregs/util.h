/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The few kernel idioms idregs uses in userspace, under their kernel names
 * so that the code reads (and checkpatch checks) like kernel code, and the
 * small helpers every reader of an input file shares (lib/core/file.c).
 */
#ifndef IDREGS_UTIL_H
#define IDREGS_UTIL_H

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

#ifndef __printf
#define __printf(a, b)	__attribute__((format(printf, a, b)))
#endif

#include <stddef.h>

/* Room for a one-line error message: what failed, on which file, errno. */
#define IDREG_ERR_LEN		320

/*
 * Read a whole file ("-" is stdin) into a NUL-terminated malloc'ed buffer;
 * NULL with a message in @err (IDREG_ERR_LEN bytes) on failure.
 */
char *idreg_read_file(const char *path, size_t *len, char *err);

#endif /* IDREGS_UTIL_H */
