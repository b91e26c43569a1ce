/*
 * The canonical form of a policy (xedgec -nv): includes expanded, constants
 * substituted, defaults written out where they matter, every item in one
 * fixed order and spelling. Compiling it gives the same tables as the
 * policy it was printed from.
 */
#ifndef XEDGEC_PRINT_H
#define XEDGEC_PRINT_H

#include <stdio.h>

#include "model.h"

void print_policy(FILE *fp, const struct model *m);

/* Room for a size or a duration as the canonical form writes them. */
#define PRINT_FMT_MAX 32

/* Writes into BUF a duration in the largest unit that divides it ("1m",
 * "90s"), or a size in the largest binary unit that divides it ("64KiB"),
 * else in bytes: as the canonical form and the report write them. */
void print_fmt_duration(char buf[PRINT_FMT_MAX], uint32_t v);
void print_fmt_size(char buf[PRINT_FMT_MAX], uint32_t v);

#endif
