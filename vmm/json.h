/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * jansson helpers shared by vmm/json.c (profiles, models, explain) and
 * vmm/answers_json.c (the other commands' --json): private to vmm/.
 */
#ifndef IDREGS_VMM_JSON_H
#define IDREGS_VMM_JSON_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "idregs/model.h"

/* "0x%016x": 64-bit values as strings (JSON numbers stop being exact at 2^53). */
json_t *idreg_json_hex(uint64_t v);
/* @root as text with a final newline (consumes @root); NULL on ENOMEM. */
char *idreg_json_dump(json_t *root, size_t flags);
/* {"model": {"name": ..., "props": {...}}, "machine": {...}}, or NULL. */
json_t *idreg_model_json(const struct idreg_model *m);

#endif /* IDREGS_VMM_JSON_H */
