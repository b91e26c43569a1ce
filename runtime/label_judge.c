/*
 * The access decision on a stanza's label (see label_int.h): the label
 * brought into the label policy of each side's clearance (itself, its
 * equivalent through a map, or an equivalent label it carries), decided
 * there, and the label it leaves with.
 */
#include <string.h>

#include "label_int.h"
#include "pipeline.h"

/* The labels being decided: the one read, and as brought into each
 * side's label policy. The guard runs one stanza at a time, on one
 * thread, and a label (some 25 KiB) need not be on the stack. */
static struct ess_label label_read, label_into_side[2];

/* The label policy of the guard's policy P of OID, or NULL. */
static const struct gen_label_policy *
label_policy_of(const struct gen_policy *p, const char *oid)
{
	size_t i;

	for (i = 0; i < p->nlabel_policies; i++)
		if (strcmp(p->label_policies[i].oid, oid) == 0)
			return &p->label_policies[i];
	return NULL;
}

/* FROM's map into TO, or NULL. */
static const struct gen_label_map *
label_map_into(const struct gen_label_policy *from,
    const struct gen_label_policy *to)
{
	size_t i;

	for (i = 0; from != NULL && i < from->nmaps; i++)
		if (from->maps[i].to == to)
			return &from->maps[i];
	return NULL;
}

/* The equivalent label of policy TO that F's <securitylabel/> carries,
 * read into *OUT; NULL when it carries none. */
static const struct ess_label *
label_equivalent(const struct gen_policy *p, const struct label_found *f,
    const struct gen_label_policy *to, struct ess_label *out)
{
	const struct stanza_node *e;
	const char *why;

	for (e = f->sl->children; e != NULL; e = e->next)
		if (stanza_is(e, NS_SECLABEL, "equivalentlabel") &&
		    label_read_equivalent(e, p, out, &why) == 0 &&
		    strcmp(out->policy, to->oid) == 0)
			return out;
	return NULL;
}

/*
 * Label L of stanza F brought into label policy TO, for the guard's
 * policy P: itself if of TO; else its equivalent through its policy's
 * map into TO, or else the equivalent label of TO that it carries, into
 * *OUT. Returns it, or NULL with *WHY.
 */
static const struct ess_label *
label_into(const struct gen_policy *p, const struct ess_label *l,
    const struct label_found *f, const struct gen_label_policy *to,
    struct ess_label *out, const char **why)
{
	const struct gen_label_policy *from;
	const struct gen_label_map *m;

	if (strcmp(l->policy, to->oid) == 0)
		return l;
	from = label_policy_of(p, l->policy);
	if ((m = label_map_into(from, to)) != NULL)
		return (*why = label_map(l, from, m, out)) == NULL ? out : NULL;
	if (f->equivalents && label_equivalent(p, f, to, out) != NULL)
		return out;
	*why = from == NULL ? "a label of a security policy the guard does "
	    "not know" : "a label of another security policy, with no "
	    "equivalent in the peer's";
	return NULL;
}

struct label_verdict
label_judge(const struct gen_policy *p, const struct ess_label *l,
    const struct label_found *f, const struct gen_clearance *const k[2])
{
	static char out[ESS_TEXT_MAX];
	struct label_verdict v = { LABEL_ALLOW, NULL, NULL, NULL, 0 };
	const struct ess_label *in = NULL;
	long n;
	int d;

	for (d = PIPE_INBOUND; d <= PIPE_OUTBOUND; d++) {
		if (k[d]->policy == NULL)
			continue;
		if (l != NULL && (in = label_into(p, l, f, k[d]->policy,
		    &label_into_side[d], &v.why)) == NULL) {
			v.deny = d;
			return v;
		}
		if ((v.why = label_acdf(in, k[d])) != NULL) {
			v.deny = d;
			return v;
		}
	}
	if (in == NULL || k[PIPE_OUTBOUND]->policy == NULL)
		return v;
	v.mark = label_classification(k[PIPE_OUTBOUND]->policy, in);
	if (in == l)
		return v;
	if ((n = ess_label_encode(in, out, sizeof(out))) < 0) {
		v.deny = PIPE_OUTBOUND;
		v.why = "a label that cannot be written relabelled";
		return v;
	}
	v.out = out;
	v.out_len = (size_t)n;
	return v;
}

/* The decision on the ESS label of F, its TEXT, between clearances K[0]
 * and K[1]: kept, or decoded and decided, and kept. A label that comes
 * with equivalents may be decided by them, and is not kept. */
static struct label_verdict
label_judge_ess(const struct gen_policy *p, const char *text,
    const struct label_found *f, const struct gen_clearance *const k[2])
{
	struct label_verdict v = { LABEL_BAD, NULL, NULL, NULL, 0 };

	if (!f->equivalents && label_cache_get(text, f->len, k[0], k[1], &v))
		return v;
	if (ess_label_decode(text, f->len, &label_read, &v.why) == 0)
		v = label_judge(p, &label_read, f, k);
	if (!f->equivalents)
		label_cache_put(text, f->len, k[0], k[1], &v);
	return v;
}

/* Whether every equivalent label F carries is one the guard reads; *WHY
 * says why not. An equivalent that crosses is one the guard checked. */
static int
label_equivalents_read(const struct gen_policy *p,
    const struct label_found *f, const char **why)
{
	const struct stanza_node *e;

	for (e = f->sl->children; e != NULL; e = e->next)
		if (stanza_is(e, NS_SECLABEL, "equivalentlabel") &&
		    label_read_equivalent(e, p, &label_into_side[0], why) == -1)
			return 0;
	return 1;
}

struct label_verdict
label_verdict_of(const struct gen_policy *p, const char *text,
    const struct label_found *f, const struct gen_clearance *const k[2])
{
	struct label_verdict v = { LABEL_BAD, f->why, NULL, NULL, 0 };

	if (f->form == LABEL_INVALID || (f->equivalents &&
	    !label_equivalents_read(p, f, &v.why)))
		return v;
	switch (f->form) {
	case LABEL_ESS:
		return label_judge_ess(p, text, f, k);
	case LABEL_4774:
		if (label_4774_read(f->inner, p, &label_read, &v.why) == 0)
			v = label_judge(p, &label_read, f, k);
		return v;
	default:
		return label_judge(p, NULL, f, k);
	}
}
