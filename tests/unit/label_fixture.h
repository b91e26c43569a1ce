/*
 * Test fixture: an ESS label given as DER bytes, written in base64 as
 * XEP-0258 carries it, and decoded.
 */
#ifndef XEDGE_TEST_LABEL_FIXTURE_H
#define XEDGE_TEST_LABEL_FIXTURE_H

#include <string.h>

#include <openssl/evp.h>

#include "label_ess.h"

/* Decodes the N bytes DER into *L: what ess_label_decode() returns, with
 * its reason in *WHY. */
static inline int
fixture_ess_der(const unsigned char *der, size_t n, struct ess_label *l,
    const char **why)
{
	char text[4096];

	assert_true(n * 4 / 3 + 4 < sizeof(text));
	EVP_EncodeBlock((unsigned char *)text, der, (int)n);
	*why = NULL;
	return ess_label_decode(text, strlen(text), l, why);
}

#endif
