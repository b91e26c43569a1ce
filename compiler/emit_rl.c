/*
 * The ragel emitter: domains.rl, three machines over a domain name (lower
 * case, no trailing dot) that implement gen_route(), gen_origin_peer() and
 * gen_fronted_cert() of runtime/policy_types.h.
 *
 * Each machine is the union of one sub-machine per pattern: "a.example"
 * exactly, or any+ ".a.example" for "*.a.example" (a certificate's
 * "*.a.example" covers one label only, as RFC 6125 says: [^.]+ ".a.example").
 * A pattern's leaving action runs when the input ends in a final state of
 * its sub-machine, that is when the whole domain matched it; in the union
 * every pattern that matched runs its action. Each action offers its result
 * with a rank, and the highest rank wins: an exact pattern outranks every
 * wildcard, and a wildcard's rank is the length of its suffix, so the
 * longest suffix wins. Equal patterns are refused by the checks, so two
 * actions never offer the same rank for one input. An input no pattern
 * matches leaves the result at its default.
 */
#include <stdlib.h>
#include <string.h>

#include "emit.h"
#include "source.h"
#include "xmalloc.h"

/* Exact patterns outrank every suffix (a domain has at most 253 bytes). */
#define EMIT_RL_EXACT_RANK 1024

/* One pattern of a machine, with the value it yields. */
struct emit_rl_entry {
	const struct m_pattern *pat;
	long value;
	const char *what;	/* for the comment: "peer inside domain" */
	const char *whose;
};

static int
emit_rl_cmp(const void *a, const void *b)
{
	const struct emit_rl_entry *x = a, *y = b;

	return strcmp(x->pat->name, y->pat->name);
}

/*
 * Writes the host code line that declares the result with its default:
 * the peer of DFLT, the default route, marked as its policy line (and the
 * lines after it as domains.rl again); -1 if DFLT is NULL.
 */
static void
emit_rl_default(struct out *o, const struct m_route *dflt)
{
	if (dflt == NULL) {
		out_printf(o, "\tint best = -1;\n");
		return;
	}
	out_line_policy(o, dflt->loc.file->path, dflt->loc.first_line);
	out_printf(o, "\tint best = %ld;\n", (long)dflt->peer);
	out_line_self(o, "domains.rl");
}

/*
 * Writes machine NAME as function FUNC over the N entries E (sorted here
 * by pattern, so that the output does not depend on statement order);
 * DFLT is the route whose peer is the result when no pattern matches
 * (NULL: -1), ONE_LABEL selects the certificate meaning of wildcards.
 * Each action, and the default, carries a #line directive to the policy
 * line it comes from; ragel copies them into the C it writes (host code
 * and action bodies alike, its own directives only before them).
 */
static void
emit_rl_machine(struct out *o, const char *func, struct emit_rl_entry *e,
    size_t n, const struct m_route *dflt, int one_label)
{
	size_t i;

	qsort(e, n, sizeof(*e), emit_rl_cmp);
	out_printf(o, "\nint\n%s(const char *domain, size_t len)\n{\n", func);
	if (n == 0) {
		out_printf(o, "\t(void)domain;\n\t(void)len;\n");
		emit_rl_default(o, dflt);
		out_printf(o, "\treturn best;\n}\n");
		return;
	}
	out_printf(o, "\tconst char *p = domain, *pe = domain + len;\n");
	out_printf(o, "\tconst char *eof = pe;\n");
	out_printf(o, "\tunsigned rank = 0;\n\tint cs;\n");
	emit_rl_default(o, dflt);
	out_printf(o, "%%%%{\n\tmachine %s;\n\n", func);
	for (i = 0; i < n; i++) {
		const struct m_pattern *pat = e[i].pat;

		out_printf(o, "\t# %s ", e[i].what);
		emit_comment_text(o, e[i].whose);
		out_printf(o, "%s\"%s\"\n", e[i].whose[0] ? " " : "",
		    pat->name);
		out_printf(o, "\taction m%zu {\n", i);
		out_line_policy(o, pat->loc.file->path, pat->loc.first_line);
		out_printf(o, "\t\tgen_pick(&best, &rank, %ld, %u);\n",
		    e[i].value, pat->wildcard ?
		    (unsigned)strlen(M_SUFFIX(pat)) : EMIT_RL_EXACT_RANK);
		/* What ragel writes after an action is its own. */
		out_line_self(o, "domains.rl");
		out_printf(o, "\t}\n");
	}
	out_printf(o, "\n\tmain := (\n");
	for (i = 0; i < n; i++) {
		const struct m_pattern *pat = e[i].pat;

		out_printf(o, "\t\t%s", i == 0 ? "  " : "| ");
		if (pat->wildcard)
			out_printf(o, "%s \".%s\"", one_label ? "[^.]+" :
			    "any+", M_SUFFIX(pat));
		else
			out_printf(o, "\"%s\"", pat->name);
		out_printf(o, " %%m%zu\n", i);
	}
	out_printf(o, "\t);\n\n\twrite data noerror nofinal noentry;\n");
	out_printf(o, "\twrite init;\n\twrite exec;\n}%%%%\n\n");
	out_printf(o, "\treturn best;\n}\n");
}

/* Appends an entry to *E (*N entries). */
static void
emit_rl_add(struct emit_rl_entry **e, size_t *n, const struct m_pattern *pat,
    long value, const char *what, const char *whose)
{
	*e = xreallocarray(*e, *n + 1, sizeof(**e));
	(*e)[(*n)++] = (struct emit_rl_entry){ pat, value, what, whose };
}

/* Writes domains.rl: the three lookups, from every peer's domains and
 * the routes, every peer's originated domains, and the certificates. */
static void
emit_rl_file(struct out *o, const struct model *m)
{
	struct emit_rl_entry *e = NULL;
	size_t i, j, n = 0;

	emit_header(o, m);
	out_printf(o, "\n#include <stddef.h>\n\n#include \"policy_types.h\"\n"
	    "#include \"policy.h\"\n\n");
	out_printf(o, "/* ragel -G2 falls from one state's code into the next "
	    "on purpose. */\n");
	out_printf(o, "#pragma GCC diagnostic ignored "
	    "\"-Wimplicit-fallthrough\"\n\n");
	out_printf(o, "/* Keeps the result of the highest-ranked pattern that "
	    "matched. */\n");
	out_printf(o, "static void\ngen_pick(int *best, unsigned *best_rank, "
	    "int value, unsigned rank)\n{\n\tif (rank > *best_rank) {\n"
	    "\t\t*best = value;\n\t\t*best_rank = rank;\n\t}\n}\n");

	for (i = 0; i < m->npeers; i++)
		for (j = 0; j < m->peers[i].ndomains; j++)
			emit_rl_add(&e, &n, &m->peers[i].domains[j], (long)i,
			    "domain of peer", m->peers[i].name);
	for (i = 0; i < m->nroutes; i++)
		if (!m->routes[i].is_default)
			emit_rl_add(&e, &n, &m->routes[i].pattern,
			    (long)m->routes[i].peer, "route via",
			    m->peers[m->routes[i].peer].name);
	emit_rl_machine(o, "gen_route", e, n, model_default_route(m), 0);

	n = 0;
	for (i = 0; i < m->npeers; i++)
		for (j = 0; j < m->peers[i].norigins; j++)
			emit_rl_add(&e, &n, &m->peers[i].origins[j], (long)i,
			    "originated by peer", m->peers[i].name);
	emit_rl_machine(o, "gen_origin_peer", e, n, NULL, 0);

	n = 0;
	for (i = 0; i < m->ncerts; i++)
		emit_rl_add(&e, &n, &m->certs[i].domain, (long)i,
		    "certificate", "");
	emit_rl_machine(o, "gen_fronted_cert", e, n, NULL, 1);
	free(e);
}

void
emit_rl(const struct model *m, struct out *rl)
{
	emit_rl_file(rl, m);
}
