/*
 * What the files of the checks share (check.c, check_filter.c,
 * check_label.c, check_equiv.c, check_pair.c).
 */
#ifndef XEDGEC_CHECK_INT_H
#define XEDGEC_CHECK_INT_H

#include "check.h"

/* Whether NAME is a numeric IPv4 or IPv6 address. */
int check_is_address(const char *name);

/* The index of the peer a stanza to DOMAIN goes to, as the generated
 * routing machine picks it (an exact pattern first, then the longest
 * wildcard, then the default route), or -1. */
int check_route_of(const struct model *m, const char *domain);

/* The index of the peer that may send stanzas from DOMAIN, or -1. */
int check_origin_of(const struct model *m, const char *domain);

/* check_filter.c: the filters, the peers' use of them and the alert
 * block. */
void check_content(const struct model *m);

/* check_label.c: the label policies and the peers' clearances. */
void check_labels(const struct model *m);

/* check_equiv.c: the equivalences between label policies, and whether
 * they cover what peers may send each other; and whether label policy
 * number L has a map into one a clearance uses (its labels are decided
 * relabelled). */
void check_equivalents(const struct model *m);
int check_label_relabelled(const struct model *m, size_t l);

/* check_pair.c: the pair block, if any: its three guards, and an edge
 * for every peer. */
void check_pair(const struct model *m);

#endif
