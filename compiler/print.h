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

#endif
