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

/* Reads <label/> or <equivalentlabel/> element L into F: its form, the
 * label inside it, and for LABEL_ESS the text into TEXT. */
static enum label_form
label_inner(struct stanza_node *l, char *text, struct label_found *f)
{
	struct stanza_node *c, *inner = NULL;
	long n;

	for (c = l->children; c != NULL; c = c->next) {
		if (label_blank(c))
			continue;
		if (c->kind != STANZA_ELEMENT || inner != NULL) {
			f->why = "a label that holds more than one label";
			return f->form = LABEL_INVALID;
		}
		inner = c;
	}
	f->inner = inner;
	if (inner == NULL)
		return f->form = LABEL_DEFAULT;
	if (strcmp(inner->ns, NS_STANAG_4774) == 0)
		return f->form = LABEL_4774;
	if (!stanza_is(inner, NS_SECLABEL_ESS, "esssecuritylabel")) {
		f->why = "a label in a format the guard does not know";
		return f->form = LABEL_INVALID;
	}
	if ((n = label_text(inner, text)) < 0) {
		f->why = "an ESS label that is not base64 text";
		return f->form = LABEL_INVALID;
	}
	f->len = (size_t)n;
	return f->form = LABEL_ESS;
}

enum label_form
label_find(struct stanza_node *s, int message, char *text,
    struct label_found *f)
{
	struct stanza_node *e;

	*f = (struct label_found){ .form = LABEL_NONE };
	for (e = s->children; e != NULL; e = e->next)
		if (stanza_is(e, NS_SECLABEL, "securitylabel")) {
			if (f->sl != NULL) {
				f->why = "two security labels";
				return f->form = LABEL_INVALID;
			}
			f->sl = e;
		}
	if (f->sl == NULL)
		return LABEL_NONE;
	if (!message) {
		f->why = "a security label on presence or IQ (XEP-0258 "
		    "labels messages)";
		return f->form = LABEL_INVALID;
	}
	for (e = f->sl->children; e != NULL; e = e->next) {
		if (label_blank(e))
			continue;
		/* One test of the namespace, then of the name. */
		if (e->kind != STANZA_ELEMENT || strcmp(e->ns, NS_SECLABEL) != 0)
			e = NULL;
		else if (strcmp(e->name, "equivalentlabel") == 0) {
			/* Each is read: a few, not as many as a stanza
			 * holds. */
			if (++f->equivalents > LABEL_EQUIVALENTS_MAX) {
				f->why = "more equivalent labels than the "
				    "guard reads";
				return f->form = LABEL_INVALID;
			}
		} else if (strcmp(e->name, "displaymarking") == 0 &&
		    f->marking == NULL)
			f->marking = e;
		else if (strcmp(e->name, "label") == 0 && f->label == NULL)
			f->label = e;
		else
			e = NULL;
		if (e == NULL) {
			f->why = "a security label of the wrong structure";
			return f->form = LABEL_INVALID;
		}
	}
	if (f->label == NULL) {
		f->why = "a security label without a label";
		return f->form = LABEL_INVALID;
	}
	return label_inner(f->label, text, f);
}

int
label_read_equivalent(const struct stanza_node *e, const struct gen_policy *p,
    struct ess_label *l, const char **why)
{
	static char text[ESS_TEXT_MAX];
	struct label_found f = { .form = LABEL_NONE };

	switch (label_inner((struct stanza_node *)e, text, &f)) {
	case LABEL_ESS:
		return ess_label_decode(text, f.len, l, why);
	case LABEL_4774:
		return label_4774_read(f.inner, p, l, why);
	case LABEL_DEFAULT:
		*why = "an empty equivalent label";
		return -1;
	default:
		*why = f.why;
		return -1;
	}
}
