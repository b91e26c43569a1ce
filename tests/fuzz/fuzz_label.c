/*
 * libFuzzer target for the ESS security label decoder (runtime/label_ess*.c).
 * The first byte of an input chooses what the rest is: even, the BER of a
 * label, which the target writes in base64 so that the fuzzer reaches the
 * ASN.1 directly; odd, the base64 text itself, as a sender writes it.
 * Beyond the sanitizers, it aborts when a label that decodes breaks what
 * label_ess.h promises of it, or when the guard, writing it again (as it
 * does relabelling), writes what does not read back as the same label.
 */
#include <stdint.h>
#include <string.h>

#include <openssl/evp.h>

#include "fuzz.h"
#include "label_ess.h"

/* What a decoded label must be. */
static void
fuzz_label_check(const struct ess_label *l)
{
	const struct ess_category *c;
	size_t i, j;

	fuzz_check(l->policy[0] != '\0', "a label without a policy");
	fuzz_check(l->classification >= -1 &&
	    l->classification <= ESS_CLASSIFICATION_MAX,
	    "a classification out of range");
	fuzz_check(!l->has_privacy || (strlen(l->privacy) >= 1 &&
	    strlen(l->privacy) <= ESS_PRIVACY_MAX), "a privacy mark's length");
	fuzz_check(l->ncategories <= ESS_CATEGORIES_MAX, "too many categories");
	for (i = 0; i < l->ncategories; i++) {
		c = &l->categories[i];
		fuzz_check(c->tag[0] != '\0', "a category without a tag set");
		fuzz_check(c->nvalues <= ESS_VALUES_MAX, "too many values");
		for (j = 1; j < c->nvalues; j++)
			fuzz_check(c->values[j - 1] < c->values[j],
			    "values out of order or twice");
	}
}

/* Whether category C is one of L's (ess_label_encode() writes them in
 * DER's order, and an informative bit map as attributes). */
static int
fuzz_label_has(const struct ess_label *l, const struct ess_category *c)
{
	size_t i;

	for (i = 0; i < l->ncategories; i++)
		if (l->categories[i].syntax == c->syntax &&
		    strcmp(l->categories[i].tag, c->tag) == 0 &&
		    l->categories[i].nvalues == c->nvalues &&
		    memcmp(l->categories[i].values, c->values,
		    c->nvalues * sizeof(c->values[0])) == 0)
			return 1;
	return 0;
}

/* Writes L again and reads it back: the same label, or none written
 * only where L has a category of a syntax the guard does not know. */
static void
fuzz_label_rewrite(const struct ess_label *l)
{
	/* Attributes take more room than a bit map: room for the most
	 * values of the most categories. */
	static char out[ESS_CATEGORIES_MAX * ESS_VALUES_MAX * 12 + 4096];
	static struct ess_label back;
	const char *why;
	size_t i;
	long n;
	int unknown = 0;

	for (i = 0; i < l->ncategories; i++)
		unknown |= l->categories[i].syntax == ESS_UNKNOWN;
	n = ess_label_encode(l, out, sizeof(out));
	fuzz_check((n < 0) == unknown, "a label not written, or written "
	    "with a category of an unknown syntax");
	if (n < 0 || (size_t)n > ESS_TEXT_MAX)
		return;
	fuzz_check(ess_label_decode(out, (size_t)n, &back, &why) == 0,
	    "a label written that does not read");
	fuzz_check(strcmp(back.policy, l->policy) == 0 &&
	    back.classification == l->classification &&
	    back.has_privacy == l->has_privacy &&
	    strcmp(back.privacy, l->privacy) == 0 &&
	    back.ncategories == l->ncategories, "a label read back changed");
	for (i = 0; i < l->ncategories; i++)
		fuzz_check(fuzz_label_has(&back, &l->categories[i]),
		    "a category read back changed");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ess_label label;
	static char text[ESS_TEXT_MAX + 4];
	const char *why = NULL;
	size_t n;
	int rc;

	if (size < 1)
		return 0;
	if (data[0] % 2 == 0) {
		if ((size - 1) * 4 / 3 + 4 > ESS_TEXT_MAX)
			return 0;
		n = (size_t)EVP_EncodeBlock((unsigned char *)text, data + 1,
		    (int)(size - 1));
	} else {
		n = size - 1 < ESS_TEXT_MAX ? size - 1 : ESS_TEXT_MAX;
		memcpy(text, data + 1, n);
	}
	rc = ess_label_decode(text, n, &label, &why);
	fuzz_check(rc == 0 || why != NULL, "an invalid label without a reason");
	if (rc == 0) {
		fuzz_label_check(&label);
		fuzz_label_rewrite(&label);
	}
	return 0;
}
