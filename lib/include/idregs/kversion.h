/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kernel versions: "7.3.4+deb13-arm64" is series 7.3, kept as
 * 7 << 16 | 3 so that series compare as numbers.
 */
#ifndef IDREGS_KVERSION_H
#define IDREGS_KVERSION_H

/*
 * "MAJOR.MINOR..." at @s -> MAJOR << 16 | MINOR in @v, @end after MINOR;
 * -1 if @s does not start like that.
 */
int idreg_parse_kernel_version(const char *s, const char **end, unsigned int *v);
/* "7.3.4+deb13-arm64" -> 7 << 16 | 3; 0 when it does not parse. */
unsigned int idreg_kernel_version(const char *release);

#endif /* IDREGS_KVERSION_H */
