// SPDX-License-Identifier: GPL-2.0-only
/*
 * The values the tests try in a field: see idregs/candidates.h.
 */
#include <stdlib.h>

#include <idregs/candidates.h>
#include <idregs/field.h>

uint64_t idreg_xorshift64(uint64_t *state)
{
	uint64_t x = *state ? *state : 0x9e3779b97f4a7c15ULL;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*state = x;
	return x;
}

struct candidates {
	uint64_t *out;
	unsigned int nr;
	unsigned int cap;
};

static void add(struct candidates *c, uint64_t v)
{
	unsigned int i;

	if (c->nr >= c->cap)
		return;
	for (i = 0; i < c->nr; i++) {
		if (c->out[i] == v)
			return;
	}
	c->out[c->nr++] = v;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* limit-1 and limit+1 in the field's own signedness, when in range. */
static void add_neighbours(struct candidates *c, uint64_t limit,
			   unsigned int width, bool is_signed, uint64_t max)
{
	int64_t s, s_max, s_min;

	if (!is_signed) {
		if (limit > 0)
			add(c, limit - 1);
		if (limit < max)
			add(c, limit + 1);
		return;
	}
	s = idreg_sign_extend(limit, width);
	s_max = (int64_t)(max >> 1);
	s_min = -s_max - 1;
	if (s > s_min)
		add(c, (uint64_t)(s - 1) & max);
	if (s < s_max)
		add(c, (uint64_t)(s + 1) & max);
}

unsigned int idreg_pick_candidates(const struct idreg_field *field,
				   uint64_t limit_raw, unsigned int nr_random,
				   uint64_t seed, uint64_t *out,
				   unsigned int cap)
{
	struct candidates c = { .out = out, .cap = cap };
	unsigned int width = field->width;
	uint64_t max, v, state = seed;
	unsigned int i;

	if (!idreg_field_valid(field->lsb, width))
		return 0;
	max = idreg_field_mask(0, width);

	if (idreg_value_fits(limit_raw, width)) {
		add(&c, limit_raw);
		add_neighbours(&c, limit_raw, width, field->is_signed, max);
	}
	add(&c, 0);
	add(&c, max);
	if (field->is_signed) {
		add(&c, max >> 1);
		add(&c, (max >> 1) + 1);
	}
	for (i = 0; i < field->nr_values; i++) {
		if (idreg_value_fits(field->values[i].value, width))
			add(&c, field->values[i].value);
	}

	if (width <= 4) {
		for (v = 0; v <= max; v++)
			add(&c, v);
	} else {
		for (i = 0; i < nr_random; i++)
			add(&c, idreg_xorshift64(&state) & max);
	}

	if (c.nr)
		qsort(out, c.nr, sizeof(*out), cmp_u64);
	return c.nr;
}
