/*
 * The canonical printer (see print.h). The order is: policy, guard
 * (listen, certificate, ca-bundle), the pair if given (ca-bundle,
 * validator, edges in policy order, each edge's peers in the order of
 * the peers, window), limits (all six keys), tls-policy
 * (all five keys), each peer in policy order (domain, connect, protocol,
 * tls, auth, originates if given, limits and tls-policy keys it
 * overrides, filters, clearances, catalog if given, link if
 * required), routes in policy
 * order with the default last, label policies, filters, the alert block
 * and tests.
 */
#include <arpa/inet.h>
#include <string.h>

#include "print.h"
#include "tlsname.h"

/* The inside of a string literal: quotes and backslashes escaped. */
static void
print_string_body(FILE *fp, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', fp);
		fputc(*s, fp);
	}
}

static void
print_string(FILE *fp, const char *s)
{
	fputc('"', fp);
	print_string_body(fp, s);
	fputc('"', fp);
}

/* A dotted IPv4 address is written bare, anything else as a string. */
static void
print_host(FILE *fp, const char *host)
{
	unsigned char buf[4];

	if (inet_pton(AF_INET, host, buf) == 1)
		fputs(host, fp);
	else
		print_string(fp, host);
}

/* Writes V into BUF in the first of the units (NAME, worth DIV, largest
 * first, the last worth 1) that divides it. */
static void
print_fmt_unit(char buf[PRINT_FMT_MAX], uint32_t v, const char *const *name,
    const uint32_t *div)
{
	size_t i;

	for (i = 0; div[i] != 1 && (v == 0 || v % div[i] != 0); i++)
		;
	snprintf(buf, PRINT_FMT_MAX, "%lu%s", (unsigned long)(v / div[i]),
	    name[i]);
}

void
print_fmt_duration(char buf[PRINT_FMT_MAX], uint32_t v)
{
	static const char *const name[] = { "d", "h", "m", "s" };
	static const uint32_t div[] = { 86400, 3600, 60, 1 };

	print_fmt_unit(buf, v, name, div);
}

void
print_fmt_size(char buf[PRINT_FMT_MAX], uint32_t v)
{
	static const char *const name[] = { "GiB", "MiB", "KiB", "" };
	static const uint32_t div[] = { 1u << 30, 1u << 20, 1u << 10, 1 };

	print_fmt_unit(buf, v, name, div);
}

/* Prints a limits block with the keys in MASK. */
static void
print_limits(FILE *fp, const char *indent, const struct m_limits *l,
    unsigned mask)
{
	char buf[PRINT_FMT_MAX];
	int k;

	fprintf(fp, "%slimits {\n", indent);
	for (k = 0; k < LIMIT_COUNT; k++) {
		if (!(mask & (1u << k)))
			continue;
		fprintf(fp, "%s\t%s ", indent, ast_limit_name(k));
		if (k == LIMIT_STANZA_SIZE)
			print_fmt_size(buf, l->v[k]);
		else if (k == LIMIT_QUEUE_LENGTH)
			snprintf(buf, sizeof(buf), "%lu",
			    (unsigned long)l->v[k]);
		else
			print_fmt_duration(buf, l->v[k]);
		fprintf(fp, "%s;\n", buf);
	}
	fprintf(fp, "%s}\n", indent);
}

/* Prints a tls-policy block with the keys in MASK, names in their
 * canonical spelling, a list going on over lines of at most 72 columns
 * (a tab counting 8). */
static void
print_tls(FILE *fp, const char *indent, const struct m_tls *t, unsigned mask)
{
	const char *canon;
	size_t i, col, len, margin = 8 * (strlen(indent) + 1);
	int k;

	fprintf(fp, "%stls-policy {\n", indent);
	for (k = 0; k < TLS_KEY_LISTS; k++) {
		if (!(mask & (1u << k)))
			continue;
		fprintf(fp, "%s\t%s", indent, ast_tls_key_name(k));
		col = margin + strlen(ast_tls_key_name(k));
		for (i = 0; i < t->n[k]; i++) {
			canon = tlsname_canon(k, t->list[k][i].name);
			/* A name, quoted unless a version, then , or ;. */
			len = strlen(canon) + (k == TLS_KEY_VERSIONS ? 0 : 2) +
			    1;
			if (i > 0 && col + 1 + len > 72) {
				fprintf(fp, ",\n%s\t    ", indent);
				col = margin + 4;
			} else {
				fputs(i > 0 ? ", " : " ", fp);
				col += i > 0 ? 2 : 1;
			}
			if (k == TLS_KEY_VERSIONS)
				fputs(canon, fp);
			else
				print_string(fp, canon);
			col += len - 1;
		}
		fputs(";\n", fp);
	}
	if (mask & (1u << TLS_KEY_CRL_EXPIRED))
		fprintf(fp, "%s\tcrl-expired %s;\n", indent,
		    t->crl_expired == CRL_EXPIRED_WARN ? "warn" : "refuse");
	fprintf(fp, "%s}\n", indent);
}

/* Prints the guard block, every port and key written out. */
static void
print_guard(FILE *fp, const struct model *m)
{
	size_t i;

	fputs("\nguard ", fp);
	print_string(fp, m->guard_name);
	fputs(" {\n", fp);
	for (i = 0; i < m->nlisten; i++) {
		fputs("\tlisten ", fp);
		print_host(fp, m->listen[i].host);
		fprintf(fp, " port %u%s;\n", m->listen[i].port,
		    m->listen[i].direct_tls ? " direct-tls" : "");
	}
	for (i = 0; i < m->ncerts; i++) {
		fputs("\tcertificate ", fp);
		print_string(fp, m->certs[i].domain.name);
		fputs(" file ", fp);
		print_string(fp, m->certs[i].file);
		fputs(" key ", fp);
		print_string(fp, m->certs[i].key);
		fputs(";\n", fp);
	}
	if (m->ca_file != NULL) {
		fputs("\tca-bundle ", fp);
		print_string(fp, m->ca_file);
		fputs(";\n", fp);
	}
	fputs("}\n", fp);
}

/* Prints the certificate item of guard G of the pair, its key written
 * out. */
static void
print_pair_cert(FILE *fp, const struct m_pair_guard *g)
{
	fputs("\t\tcertificate file ", fp);
	print_string(fp, g->cert_file);
	fputs(" key ", fp);
	print_string(fp, g->key_file);
	fputs(";\n", fp);
}

/* Prints the pair block, if any: its window written out, and each
 * edge's peers on one line. */
static void
print_pair(FILE *fp, const struct model *m)
{
	const struct m_pair *pr = &m->pair;
	const char *sep;
	size_t e, i;

	if (!pr->given)
		return;
	fputs("\npair {\n\tca-bundle ", fp);
	print_string(fp, pr->ca_file);
	fputs(";\n\tvalidator ", fp);
	print_string(fp, pr->validator.name);
	fputs(" {\n\t\tlisten ", fp);
	print_host(fp, pr->host);
	fprintf(fp, " port %u;\n", pr->port);
	print_pair_cert(fp, &pr->validator);
	fputs("\t}\n", fp);
	for (e = 0; e < pr->nedges; e++) {
		fputs("\tedge ", fp);
		print_string(fp, pr->edges[e].name);
		fputs(" {\n\t\tpeers", fp);
		sep = " ";
		for (i = 0; i < m->npeers; i++) {
			if (m->peers[i].edge != (int)e)
				continue;
			fprintf(fp, "%s%s", sep, m->peers[i].name);
			sep = ", ";
		}
		fputs(";\n", fp);
		print_pair_cert(fp, &pr->edges[e]);
		fputs("\t}\n", fp);
	}
	fprintf(fp, "\twindow %lu;\n}\n", (unsigned long)pr->window);
}

/* Prints a clearance, its categories in the order of their bits, for
 * DOMAIN if not NULL. */
static void
print_clearance(FILE *fp, const struct model *m, const struct m_clearance *c,
    const char *domain)
{
	const struct m_label_policy *lp = &m->labels[c->policy];
	const struct m_tagset *ts;
	size_t t, k;

	fprintf(fp, "\tclearance %s ", lp->name);
	print_string(fp, lp->cls[c->rank].name);
	for (t = 0; t < lp->ntagsets; t++) {
		ts = &lp->tagsets[t];
		for (k = 0; k < ts->ncats; k++) {
			if (!model_clearance_holds(c, t, k))
				continue;
			fputc(' ', fp);
			print_string(fp, ts->cats[k].name);
		}
	}
	if (domain != NULL) {
		fputs(" domain ", fp);
		print_string(fp, domain);
	}
	fputs(";\n", fp);
}

/* Prints the requirements of classification C of LP, each on a line of
 * its own, its categories in the order of their bits. */
static void
print_requires(FILE *fp, const struct m_label_policy *lp,
    const struct m_label_value *c)
{
	const struct m_require *req;
	size_t r, t, k;

	for (r = 0; r < c->nrequires; r++) {
		req = &c->requires[r];
		fprintf(fp, "\n\t    require %s", ast_require_op_name(req->op));
		for (t = 0; t < lp->ntagsets; t++) {
			for (k = 0; k < lp->tagsets[t].ncats; k++) {
				if (!model_label_named(req->cats, req->ncats,
				    t, k))
					continue;
				fputc(' ', fp);
				print_string(fp, lp->tagsets[t].cats[k].name);
			}
		}
	}
}

/* Prints the classifications category C of LP excludes, by rank. */
static void
print_excludes(FILE *fp, const struct m_label_policy *lp,
    const struct m_label_value *c)
{
	size_t i;

	if (c->nexcludes == 0)
		return;
	fputs(" excludes", fp);
	for (i = 0; i < lp->ncls; i++) {
		if (!model_label_named(c->excludes, c->nexcludes, 0, i))
			continue;
		fputc(' ', fp);
		print_string(fp, lp->cls[i].name);
	}
}

/* Prints the equivalent statement of map MAP of label policy LP: the
 * classifications in rank order, then the categories in bit order. */
static void
print_equivalent(FILE *fp, const struct model *m,
    const struct m_label_policy *lp, const struct m_label_map *map)
{
	const struct m_label_policy *to = &m->labels[map->to];
	const struct m_equiv *e;
	size_t i, t, k, n = model_label_ncats(lp);

	fprintf(fp, "\tequivalent %s {\n", to->name);
	for (i = 0; i < lp->ncls + n; i++) {
		e = i < lp->ncls ? &map->cls[i] : &map->cats[i - lp->ncls];
		if (!e->given)
			continue;
		if (i < lp->ncls) {
			fputs("\t\tclassification ", fp);
			print_string(fp, lp->cls[i].name);
		} else {
			model_label_bit(lp, i - lp->ncls, &t, &k);
			fputs("\t\tcategory ", fp);
			print_string(fp, lp->tagsets[t].cats[k].name);
		}
		fputs(" = ", fp);
		if (e->none)
			fputs("none", fp);
		else if (i < lp->ncls)
			print_string(fp, to->cls[e->to].name);
		else
			print_string(fp, to->tagsets[e->tagset].cats[e->to].name);
		fputs(";\n", fp);
	}
	fputs("\t}\n", fp);
}

/* Prints label policy number L: its items in the order of the language,
 * its classifications, tag sets and categories in policy order (which
 * gives ranks and bits), missing-label written out, original where
 * labels are relabelled into it, and its equivalents in the order of the
 * label policies they are in. */
static void
print_label_policy(FILE *fp, const struct model *m, size_t l)
{
	const struct m_label_policy *lp = &m->labels[l];
	const struct m_tagset *ts;
	size_t i, k, d;

	fprintf(fp, "\nlabel-policy %s {\n\toid ", lp->name);
	print_string(fp, lp->oid);
	fputs(";\n", fp);
	for (i = 0; i < lp->ncls; i++) {
		fputs("\tclassification ", fp);
		print_string(fp, lp->cls[i].name);
		fprintf(fp, " = %lu", (unsigned long)lp->cls[i].lacv);
		for (d = 0; d < DISPLAY_COUNT; d++) {
			if (lp->cls[i].display[d] == NULL)
				continue;
			fprintf(fp, " %s ", ast_display_name(d));
			print_string(fp, lp->cls[i].display[d]);
		}
		print_requires(fp, lp, &lp->cls[i]);
		fputs(";\n", fp);
	}
	for (i = 0; i < lp->ntagsets; i++) {
		ts = &lp->tagsets[i];
		fputs("\ttagset ", fp);
		print_string(fp, ts->name);
		fputs(" oid ", fp);
		print_string(fp, ts->oid);
		fprintf(fp, " %s%s {\n", ast_tag_type_name(ts->type),
		    ts->type != TAG_INFORMATIVE &&
		    model_tagset_enumerated(ts) ? " enumerated" : "");
		for (k = 0; k < ts->ncats; k++) {
			fputs("\t\tcategory ", fp);
			print_string(fp, ts->cats[k].name);
			fprintf(fp, " = %lu", (unsigned long)ts->cats[k].lacv);
			print_excludes(fp, lp, &ts->cats[k]);
			fputs(";\n", fp);
		}
		fputs("\t}\n", fp);
	}
	if (lp->missing >= 0) {
		fputs("\tmissing-label assume ", fp);
		print_string(fp, lp->cls[lp->missing].name);
		fputs(";\n", fp);
	} else
		fputs("\tmissing-label deny;\n", fp);
	if (lp->keep_original || model_label_relabelled_into(m, l))
		fprintf(fp, "\toriginal %s;\n", lp->keep_original ? "keep" :
		    "replace");
	for (i = 0; i < lp->nmaps; i++)
		print_equivalent(fp, m, lp, &lp->maps[i]);
	fputs("}\n", fp);
}

/* Prints a peer block with every item, originates only if given and
 * limits and tls-policy keys only where the peer overrides them. */
static void
print_peer(FILE *fp, const struct model *m, const struct m_peer *p)
{
	enum ast_direction d;
	size_t i;

	fprintf(fp, "\npeer %s {\n", p->name);
	for (i = 0; i < p->ndomains; i++) {
		fputs("\tdomain ", fp);
		print_string(fp, p->domains[i].name);
		fputs(";\n", fp);
	}
	if (p->connect == CONNECT_STATIC) {
		fputs("\tconnect ", fp);
		print_host(fp, p->host);
		fprintf(fp, " port %u;\n", p->port);
	} else
		fprintf(fp, "\tconnect %s;\n",
		    p->connect == CONNECT_SRV ? "srv" : "none");
	fprintf(fp, "\tprotocol %s;\n", p->protocol == PROTO_GCXP ? "gcxp" :
	    "s2s");
	fprintf(fp, "\ttls %s %s;\n", p->tls == TLS_OPTIONAL ? "optional" :
	    "required", p->tls_mode == TLS_MODE_DIRECT ? "direct-tls" :
	    "starttls");
	fprintf(fp, "\tauth %s%s;\n",
	    p->auth == (AUTH_CERTIFICATE | AUTH_DIALBACK) ?
	    "certificate or dialback" : p->auth == AUTH_DIALBACK ?
	    "dialback" : "certificate",
	    p->force_insecure && (p->auth & AUTH_DIALBACK) &&
	    p->tls == TLS_OPTIONAL ? " force-insecure" : "");
	for (i = 0; p->origins_given && i < p->norigins; i++) {
		fputs("\toriginates ", fp);
		print_string(fp, p->origins[i].name);
		fputs(";\n", fp);
	}
	if (p->limits.set != 0)
		print_limits(fp, "\t", &p->limits, p->limits.set);
	if (p->tls_policy.set != 0)
		print_tls(fp, "\t", &p->tls_policy, p->tls_policy.set);
	for (d = DIR_INBOUND; d < DIR_COUNT; d++)
		for (i = 0; i < p->nfilters[d]; i++)
			fprintf(fp, "\tfilter %s %s;\n",
			    m->filters[p->filters[d][i].filter].name,
			    d == DIR_INBOUND ? "inbound" : "outbound");
	if (p->clearance.given)
		print_clearance(fp, m, &p->clearance, NULL);
	for (i = 0; i < p->ndomain_clearances; i++)
		print_clearance(fp, m, &p->domain_clearances[i].clearance,
		    p->domain_clearances[i].domain);
	if (p->catalog_given)
		fprintf(fp, "\tcatalog %s;\n", ast_catalog_name(p->catalog));
	if (p->required)
		fputs("\tlink required;\n", fp);
	fputs("}\n", fp);
}

/* Prints a control's verdict, written out in full. */
static void
print_verdict(FILE *fp, const struct m_control *c)
{
	fprintf(fp, " %s", ast_verdict_name(c->verdict));
	if (c->verdict == VERDICT_BOUNCE)
		fprintf(fp, " %s", ast_cond_name(c->cond));
}

/* Prints the strings ITEMS[0..n) as a list. */
static void
print_strings(FILE *fp, char *const *items, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		fputs(i == 0 ? " " : ", ", fp);
		print_string(fp, items[i]);
	}
}

/* Prints control C: groups in their order of the language, then the
 * namespaces as given ("{ns}name" for an element). */
static void
print_control(FILE *fp, const struct m_control *c)
{
	char buf[PRINT_FMT_MAX];
	const char *sep = " ";
	size_t i;

	switch (c->kind) {
	case CTL_FOLD:
		fputs("\tpresence fold;\n", fp);
		return;
	case CTL_STRIP:
	case CTL_BLOCK:
		fputs(c->kind == CTL_STRIP ? "\tstrip" : "\tblock", fp);
		for (i = 0; i < GROUP_COUNT; i++)
			if (c->groups & (1u << i)) {
				fprintf(fp, "%s%s", sep, group_get(i)->name);
				sep = ", ";
			}
		for (i = 0; i < c->nns; i++, sep = ", ") {
			fputs(sep, fp);
			if (c->ns[i].name == NULL) {
				print_string(fp, c->ns[i].ns);
				continue;
			}
			fprintf(fp, "\"{");
			print_string_body(fp, c->ns[i].ns);
			fputc('}', fp);
			print_string_body(fp, c->ns[i].name);
			fputc('"', fp);
		}
		break;
	case CTL_ROOM:
		fputs("\tblock room", fp);
		print_strings(fp, c->items, c->nitems);
		break;
	case CTL_SIZE:
		print_fmt_size(buf, c->size);
		fprintf(fp, "\tstanza-size %s", buf);
		break;
	case CTL_WORDS:
		fputs(c->words == WORDS_LITERAL ? "\twords" : "\tpattern", fp);
		print_strings(fp, c->items, c->nitems);
		break;
	}
	if (c->kind != CTL_STRIP)
		print_verdict(fp, c);
	fputs(";\n", fp);
}

/* Prints the filters, the alert block with every key, and the tests. */
static void
print_content(FILE *fp, const struct model *m)
{
	const struct m_alert *a = &m->alert;
	const struct m_test *t;
	char buf[PRINT_FMT_MAX];
	size_t i, j;

	for (i = 0; i < m->nfilters; i++) {
		fprintf(fp, "\nfilter %s {\n", m->filters[i].name);
		for (j = 0; j < m->filters[i].nctl; j++)
			print_control(fp, &m->filters[i].ctl[j]);
		fputs("}\n", fp);
	}
	fputs("\nalert {\n", fp);
	if (a->log)
		fputs("\tlog;\n", fp);
	if (a->file != NULL) {
		fputs("\tfile ", fp);
		print_string(fp, a->file);
		fputs(";\n", fp);
	}
	if (a->to != NULL && a->from != NULL) {
		fputs("\tmessage ", fp);
		print_string(fp, a->to);
		fputs(" from ", fp);
		print_string(fp, a->from);
		fputs(";\n", fp);
	}
	print_fmt_duration(buf, a->window);
	fprintf(fp, "\trate %lu per %s;\n\trecent %lu;\n}\n",
	    (unsigned long)a->rate, buf, (unsigned long)a->recent);
	for (i = 0; i < m->ntests; i++) {
		t = &m->tests[i];
		fprintf(fp, "\ntest %s {\n\tfrom %s;\n\tstanza ", t->name,
		    t->peer < m->npeers ? m->peers[t->peer].name : "?");
		print_string(fp, t->stanza != NULL ? t->stanza : "");
		fprintf(fp, ";\n\texpect %s", ast_verdict_name(t->expect));
		if (t->expect == VERDICT_BOUNCE && t->cond != COND_DEFAULT)
			fprintf(fp, " %s", ast_cond_name(t->cond));
		else if (t->cond_name != NULL || t->output != NULL) {
			fputc(' ', fp);
			print_string(fp, t->cond_name != NULL ? t->cond_name :
			    t->output);
		}
		fputs(";\n}\n", fp);
	}
}

void
print_policy(FILE *fp, const struct model *m)
{
	size_t i;
	int nl = 1;

	fputs("policy ", fp);
	print_string(fp, m->name);
	fputs(";\n", fp);
	print_guard(fp, m);
	print_pair(fp, m);
	fputc('\n', fp);
	print_limits(fp, "", &m->limits, (1u << LIMIT_COUNT) - 1);
	fputc('\n', fp);
	print_tls(fp, "", &m->tls_policy, (1u << TLS_KEY_COUNT) - 1);
	for (i = 0; i < m->npeers; i++)
		print_peer(fp, m, &m->peers[i]);
	for (i = 0; i < m->nroutes; i++) {
		if (m->routes[i].is_default)
			continue;
		fputs(nl ? "\nroute " : "route ", fp);
		nl = 0;
		print_string(fp, m->routes[i].pattern.name);
		fprintf(fp, " via %s;\n", m->peers[m->routes[i].peer].name);
	}
	for (i = 0; i < m->nroutes; i++) {
		if (!m->routes[i].is_default)
			continue;
		fprintf(fp, "%sroute default via %s;\n", nl ? "\n" : "",
		    m->peers[m->routes[i].peer].name);
	}
	for (i = 0; i < m->nlabels; i++)
		print_label_policy(fp, m, i);
	print_content(fp, m);
}
