/*
 * Shared by the two halves of the ESS label decoder (label_ess.c, the
 * label; label_ess_cat.c, its security categories).
 */
#ifndef XEDGE_LABEL_ESS_INT_H
#define XEDGE_LABEL_ESS_INT_H

#include <openssl/asn1.h>

#include "label_ess.h"

/* Writes O in dotted text at OUT (ESS_OID_MAX bytes). Returns 0, or -1
 * when it does not fit. */
int ess_oid_text(const ASN1_OBJECT *o, char *out);

/* Decodes the SecurityCategories DER (the whole SET, LEN bytes at DER)
 * into L's categories. Returns 0, or -1 with *WHY. */
int ess_categories(const unsigned char *der, size_t len, struct ess_label *l,
    const char **why);

#endif
