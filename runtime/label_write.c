/*
 * The label a stanza leaves with (see label_int.h): relabelled into the
 * destination's label policy, or its display marking put right. A
 * receiving client shows the marking to its user, so a marking that says
 * other than the label, or than the destination's policy says of it,
 * does not cross.
 */
#include <string.h>

#include "label_int.h"

/* Whether attribute NAME of E is VALUE (NULL: absent). */
static int
label_attr_is(const struct stanza_node *e, const char *name,
    const char *value)
{
	const char *a = stanza_attr(e, "", name);

	return a == NULL ? value == NULL :
	    value != NULL && strcmp(a, value) == 0;
}

/* The text of classification CL's display marking. */
static const char *
label_marking_text(const struct gen_classification *cl)
{
	return cl->marking != NULL ? cl->marking : cl->name;
}

/* Whether <displaymarking/> M says what CL's marking says. */
static int
label_marking_is(const struct stanza_node *m,
    const struct gen_classification *cl)
{
	const char *want = label_marking_text(cl);
	size_t n = strlen(want);
	const struct stanza_node *t = m->children;

	return t != NULL && t->next == NULL && t->kind == STANZA_TEXT &&
	    t->text_len == n && memcmp(t->text, want, n) == 0 &&
	    label_attr_is(m, "fgcolor", cl->fgcolor) &&
	    label_attr_is(m, "bgcolor", cl->bgcolor);
}

/* Makes M (emptied) say CL's marking. Returns 0, or -1 out of memory. */
static int
label_marking_set(struct arena *a, struct stanza_node *m,
    const struct gen_classification *cl)
{
	const char *text = label_marking_text(cl);

	m->attrs = NULL;
	m->children = m->last_child = NULL;
	if ((cl->fgcolor != NULL &&
	    stanza_set_attr(a, m, "", "fgcolor", cl->fgcolor) == -1) ||
	    (cl->bgcolor != NULL &&
	    stanza_set_attr(a, m, "", "bgcolor", cl->bgcolor) == -1))
		return -1;
	return stanza_append_text(a, m, text, strlen(text));
}

/* Rebuilds F's <securitylabel/> for V: the marking, the label V says,
 * and the original label as an equivalent if KEEP. */
static int
label_relabel(struct arena *a, struct label_found *f,
    const struct label_verdict *v, int keep)
{
	struct stanza_node *sl = f->sl, *m, *l, *ess, *eq;

	sl->children = sl->last_child = NULL;
	if (v->mark != NULL && ((m = stanza_add_child(a, sl, NS_SECLABEL,
	    "displaymarking")) == NULL || label_marking_set(a, m,
	    v->mark) == -1))
		return -1;
	if ((l = stanza_add_child(a, sl, NS_SECLABEL, "label")) == NULL ||
	    (ess = stanza_add_child(a, l, NS_SECLABEL_ESS,
	    "esssecuritylabel")) == NULL ||
	    stanza_append_text(a, ess, v->out, v->out_len) == -1)
		return -1;
	if (!keep)
		return 0;
	if ((eq = stanza_add_child(a, sl, NS_SECLABEL,
	    "equivalentlabel")) == NULL)
		return -1;
	f->inner->next = NULL;
	stanza_append(eq, f->inner);
	return 0;
}

int
label_write(struct arena *a, struct label_found *f,
    const struct label_verdict *v, int keep)
{
	if (v->out != NULL)
		return label_relabel(a, f, v, keep) == 0 ? 1 : -1;
	if (v->mark == NULL || f->marking == NULL ||
	    label_marking_is(f->marking, v->mark))
		return 0;
	return label_marking_set(a, f->marking, v->mark) == 0 ? 1 : -1;
}
