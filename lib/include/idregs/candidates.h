/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The values the tests try in a field: the limit and its neighbours, the
 * extremes, every named value, every value of a narrow field and seeded
 * pseudo-random draws for wide ones.
 */
#ifndef IDREGS_CANDIDATES_H
#define IDREGS_CANDIDATES_H

#include <stdint.h>

#include <idregs/table.h>

/* xorshift64; a zero state is replaced by a fixed non-zero one. */
uint64_t idreg_xorshift64(uint64_t *state);

/*
 * Candidate raw values for @field, given the raw field value of the limit.
 * Fields up to 4 bits wide: every value.  Wider: 0, all-ones, for signed
 * fields also the most positive and most negative values, every named
 * value, limit-1, limit, limit+1 (in the field's signedness, when in range)
 * and @nr_random draws from idreg_xorshift64() seeded with @seed (so fewer
 * distinct values if draws collide).  Deduplicated and sorted ascending
 * into @out.  If there are more than @cap, the earlier of limit, limit-1,
 * limit+1, 0, all-ones, signed extremes, named values, the rest (ascending
 * or in draw order) are kept.  Returns the number written.
 */
unsigned int idreg_pick_candidates(const struct idreg_field *field,
				   uint64_t limit_raw, unsigned int nr_random,
				   uint64_t seed, uint64_t *out,
				   unsigned int cap);

#endif /* IDREGS_CANDIDATES_H */
