/*
 * Shared by the two halves of the ESS label reader and writer
 * (label_ess.c and label_ess_write.c, the label; label_ess_cat.c, its
 * security categories).
 */
#ifndef XEDGE_LABEL_ESS_INT_H
#define XEDGE_LABEL_ESS_INT_H

#include <openssl/asn1t.h>

#include "label_ess.h"

/* ESSSecurityLabel, as a SET OF ANY (label_ess.c). */
DECLARE_ASN1_ITEM(ESS_LABEL_SET)

/* Writes O in dotted text at OUT (ESS_OID_MAX bytes). Returns 0, or -1
 * when it does not fit. */
int ess_oid_text(const ASN1_OBJECT *o, char *out);

/* Decodes the SecurityCategories DER (the whole SET, LEN bytes at DER)
 * into L's categories. Returns 0, or -1 with *WHY. */
int ess_categories(const unsigned char *der, size_t len, struct ess_label *l,
    const char **why);

/* L's categories as a SecurityCategories SET, DER, in a new ASN1_TYPE
 * (caller frees). Returns NULL when a category's syntax is ESS_UNKNOWN or
 * memory is exhausted. */
ASN1_TYPE *ess_categories_encode(const struct ess_label *l);

#endif
