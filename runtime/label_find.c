/*
 * Where a stanza's security label is, and in what form (see label_int.h).
 * The structure XEP-0258 gives a label is checked whole: a label the
 * guard cannot read the same way as the servers on either side is no
 * label it can vouch for, and is refused rather than passed.
 */
#include <string.h>

#include "label_int.h"

/* The text of E (its text children, in order) into TEXT, ESS_TEXT_MAX
 * bytes. Returns its length, or -1 when it holds an element or does not
 * fit. */
static long
label_text(const struct stanza_node *e, char *text)
{
	const struct stanza_node *t;
	size_t n = 0;

	for (t = e->children; t != NULL; t = t->next) {
		if (t->kind != STANZA_TEXT || t->text_len > ESS_TEXT_MAX - n)
			return -1;
		memcpy(text + n, t->text, t->text_len);
		n += t->text_len;
	}
	return (long)n;
}

/* Whether node T is text of whitespace only (between elements). */
static int
label_blank(const struct stanza_node *t)
{
	size_t i;

	if (t->kind != STANZA_TEXT)
		return 0;
	for (i = 0; i < t->text_len; i++)
		if (t->text[i] != ' ' && t->text[i] != '\t' &&
		    t->text[i] != '\r' && t->text[i] != '\n')
			return 0;
	return 1;
}

/* The form of <label/> element L; the ESS text into TEXT, *LEN; the
 * STANAG 4774 label in *XML. */
static enum label_form
label_inner(const struct stanza_node *l, char *text, size_t *len,
    const struct stanza_node **xml, const char **why)
{
	const struct stanza_node *c, *inner = NULL;
	long n;

	for (c = l->children; c != NULL; c = c->next) {
		if (label_blank(c))
			continue;
		if (c->kind != STANZA_ELEMENT || inner != NULL) {
			*why = "a label that holds more than one label";
			return LABEL_INVALID;
		}
		inner = c;
	}
	if (inner == NULL)
		return LABEL_DEFAULT;
	if (strcmp(inner->ns, NS_STANAG_4774) == 0) {
		*xml = inner;
		return LABEL_4774;
	}
	if (!stanza_is(inner, NS_SECLABEL_ESS, "esssecuritylabel")) {
		*why = "a label in a format the guard does not know";
		return LABEL_INVALID;
	}
	if ((n = label_text(inner, text)) < 0) {
		*why = "an ESS label that is not base64 text";
		return LABEL_INVALID;
	}
	*len = (size_t)n;
	return LABEL_ESS;
}

enum label_form
label_find(const struct stanza_node *s, int message, char *text,
    size_t *len, const struct stanza_node **xml, const char **why)
{
	const struct stanza_node *e, *sl = NULL, *label = NULL;
	int markings = 0;

	for (e = s->children; e != NULL; e = e->next)
		if (stanza_is(e, NS_SECLABEL, "securitylabel")) {
			if (sl != NULL) {
				*why = "two security labels";
				return LABEL_INVALID;
			}
			sl = e;
		}
	if (sl == NULL)
		return LABEL_NONE;
	if (!message) {
		*why = "a security label on presence or IQ (XEP-0258 "
		    "labels messages)";
		return LABEL_INVALID;
	}
	for (e = sl->children; e != NULL; e = e->next) {
		if (label_blank(e) || stanza_is(e, NS_SECLABEL,
		    "equivalentlabel"))
			continue;
		if (stanza_is(e, NS_SECLABEL, "displaymarking") &&
		    markings++ == 0)
			continue;
		if (stanza_is(e, NS_SECLABEL, "label") && label == NULL) {
			label = e;
			continue;
		}
		*why = "a security label of the wrong structure";
		return LABEL_INVALID;
	}
	if (label == NULL) {
		*why = "a security label without a label";
		return LABEL_INVALID;
	}
	return label_inner(label, text, len, xml, why);
}
