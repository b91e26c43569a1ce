/*
 * Offline runs of the pipeline (see replay.h), and xedge --replay: a file
 * of stanzas through the compiled policy, each verdict printed.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "replay.h"

/* What a made-up stream opens and closes with: the stanzas between are
 * parsed as on a jabber:server stream. */
#define REPLAY_HEADER "<stream:stream xmlns='jabber:server' " \
	"xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>"
#define REPLAY_TRAILER "</stream:stream>"

/* Bytes of the file read at a time; a stanza may span reads. */
#define REPLAY_CHUNK 65536

enum replay_outcome
replay_stanza(struct replay_run *r, const struct gen_policy *p, int peer,
    struct stanza_node *e, struct arena *a)
{
	const char *from = stanza_attr(e, "", "from");
	const char *to = stanza_attr(e, "", "to");
	unsigned i;
	int n;

	/* The stream was authenticated for the domain of 'from' if PEER
	 * may originate it (as the guard ties a stream to the peer of its
	 * domain), and for no other: a stanza that claims another breaks
	 * the stream, as on the wire. */
	n = from != NULL ? jid_domain(from, r->from_domain) : -1;
	r->authed[0] = r->from_domain;
	if (to == NULL || jid_domain(to, r->local) < 0)
		r->local[0] = '\0';
	r->c = (struct pipe_ctx){ .policy = p, .src = { .peer = peer,
	    .local = r->local, .authed = r->authed, .nauthed = n >= 0 &&
	    gen_origin_peer(r->from_domain, (size_t)n) == peer },
	    .stanza = e, .arena = a, .out = &r->out };
	switch (pipeline_run(&r->c)) {
	case PIPE_DELIVER:
		break;
	case PIPE_DROP:
		return REPLAY_DROP;
	case PIPE_REFUSE:
		return REPLAY_BOUNCE;
	default:
		return REPLAY_STREAM_ERROR;
	}
	/* An audit (a content rule whose verdict is pass) leaves the
	 * stanza as it was. */
	if (r->c.decision.verdict == GEN_VERDICT_MODIFY)
		return REPLAY_MODIFY;
	for (i = 0; i < r->c.nhits; i++)
		if (r->c.hits[i].verdict == GEN_VERDICT_MODIFY)
			return REPLAY_MODIFY;
	return REPLAY_PASS;
}

const char *
replay_outcome_name(enum replay_outcome o)
{
	static const char *const names[] = {
		[REPLAY_PASS] = "pass", [REPLAY_MODIFY] = "modify",
		[REPLAY_DROP] = "drop", [REPLAY_BOUNCE] = "bounce",
		[REPLAY_STREAM_ERROR] = "stream-error",
	};

	return names[o];
}

const char *
replay_condition(const struct replay_run *r, enum replay_outcome o)
{
	if (o == REPLAY_BOUNCE)
		return stanza_cond_name(r->c.cond);
	if (o == REPLAY_STREAM_ERROR)
		return pipeline_stream_error_name(r->c.stream_error);
	return NULL;
}

void
replay_print_rule(FILE *f, const struct gen_policy *p, unsigned rule)
{
	const struct gen_rule *r = &p->rules[rule];

	if (r->file != NULL)
		fprintf(f, "'%s' (%s:%u)", r->name, r->file, r->line);
	else
		fprintf(f, "'%s' (built in)", r->name);
}

void
replay_run_free(struct replay_run *r)
{
	free(r->out.data);
	r->out = (struct pipe_buf){ 0 };
}

struct xml_parser *
replay_parser(const struct gen_policy *p)
{
	struct xml_limits lim = { .max_stanza = p->limits.stanza_size,
	    .max_depth = XML_STREAM_DEPTH, .max_attrs = XML_STREAM_ATTRS };
	struct xml_parser *x = xml_new(&lim);
	size_t used;

	if (x != NULL && xml_parse(x, REPLAY_HEADER, strlen(REPLAY_HEADER),
	    &used) != XML_STREAM_OPEN) {
		xml_free(x);
		x = NULL;
	}
	return x;
}

/* Sets *WHY to X's error, as "CONDITION (TEXT)" in BUF of LEN bytes. */
static const char *
replay_xml_error(const struct xml_parser *x, char *buf, size_t len)
{
	snprintf(buf, len, "%s (%s)", xml_error_name(xml_error_condition(x)),
	    xml_error_text(x));
	return buf;
}

struct stanza_node *
replay_parse_text(struct xml_parser *x, const char *text, char *whybuf,
    size_t len, const char **why)
{
	size_t n = strlen(text), used;

	switch (xml_parse(x, text, n, &used)) {
	case XML_ELEMENT:
		if (strspn(text + used, " \t\r\n") == n - used)
			return xml_element(x);
		*why = "more than one element";
		return NULL;
	case XML_ERROR:
		*why = replay_xml_error(x, whybuf, len);
		return NULL;
	case XML_NEED_MORE:
		*why = "the element is not complete";
		return NULL;
	default:
		*why = "not an element";
		return NULL;
	}
}

/* The peer stanza E of a replay comes from: FIXED if not -1, else the one
 * that originates its 'from' domain; -1 after printing why there is
 * none. */
static int
replay_peer(int fixed, const struct stanza_node *e, FILE *out)
{
	char domain[JID_DOMAIN_MAX + 1];
	const char *jid = stanza_attr(e, "", "from");
	int n, peer;

	if (fixed >= 0)
		return fixed;
	if (jid == NULL || (n = jid_domain(jid, domain)) < 0) {
		fputs("no peer: no 'from' domain to choose it by\n", out);
		return -1;
	}
	peer = gen_origin_peer(domain, (size_t)n);
	if (peer < 0)
		fprintf(out, "no peer: none originates %s\n", domain);
	return peer;
}

/* Runs the element parser X just read, number N of the file, from peer
 * FROM (-1: the one of its 'from'), and prints what became of it. */
static void
replay_one(const struct gen_policy *p, struct replay_run *r, unsigned long n,
    int from, struct xml_parser *x, FILE *out)
{
	struct stanza_node *e = xml_element(x);
	enum replay_outcome o;
	const char *cond, *why;
	int peer;

	fprintf(out, "%lu %s ", n, e->name);
	if ((peer = replay_peer(from, e, out)) < 0)
		return;
	o = replay_stanza(r, p, peer, e, xml_element_arena(x));
	fprintf(out, "from %s: %s", p->peers[peer].name,
	    replay_outcome_name(o));
	if ((cond = replay_condition(r, o)) != NULL)
		fprintf(out, " %s", cond);
	fputs(" by ", out);
	replay_print_rule(out, p, r->c.decision.rule);
	why = r->c.why != NULL ? r->c.why : "no reason given";
	switch (o) {
	case REPLAY_PASS:
	case REPLAY_MODIFY:
		fprintf(out, "\n  %.*s\n", (int)r->c.len, r->c.bytes);
		break;
	case REPLAY_DROP:
		fprintf(out, "\n  (dropped: %s)\n", why);
		break;
	case REPLAY_BOUNCE:
		fprintf(out, "\n  (error %s, type %s, to %s: %s)\n", cond,
		    stanza_cond_type(r->c.cond), r->c.head.from, why);
		break;
	case REPLAY_STREAM_ERROR:
		fprintf(out, "\n  (stream error %s: %s)\n", cond, why);
		break;
	}
}

/* The index of P's peer called NAME, or -1. */
static int
replay_peer_named(const struct gen_policy *p, const char *name)
{
	size_t i;

	for (i = 0; i < p->npeers; i++)
		if (strcmp(p->peers[i].name, name) == 0)
			return (int)i;
	return -1;
}

/*
 * Feeds DATA[0..len) to X, running each element completed; *N counts
 * them. Returns XML_NEED_MORE when
 * all of DATA was taken, else the event that stopped it (an error, the
 * stream's end).
 */
static enum xml_event
replay_feed(const struct gen_policy *p, struct replay_run *r,
    struct xml_parser *x, const char *data, size_t len, int from,
    unsigned long *n, FILE *out)
{
	enum xml_event ev;
	size_t off = 0, used;

	while (off < len) {
		ev = xml_parse(x, data + off, len - off, &used);
		off += used;
		if (ev == XML_ELEMENT)
			replay_one(p, r, ++*n, from, x, out);
		else if (ev != XML_NEED_MORE)
			return ev;
	}
	return XML_NEED_MORE;
}

int
replay_file(const struct gen_policy *p, const char *path, const char *from,
    FILE *out, FILE *err)
{
	struct replay_run r = { 0 };
	struct xml_parser *x = NULL;
	char *buf = NULL, why[256];
	unsigned long n = 0;
	size_t len;
	enum xml_event ev = XML_NEED_MORE;
	int peer = from != NULL ? replay_peer_named(p, from) : -1, rc = -1;
	FILE *f = NULL;

	if (from != NULL && peer < 0) {
		fprintf(err, "xedge: no peer '%s' in policy %s\n", from, p->name);
		return -1;
	}
	if ((f = fopen(path, "r")) == NULL) {
		fprintf(err, "xedge: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if ((buf = malloc(REPLAY_CHUNK)) == NULL ||
	    (x = replay_parser(p)) == NULL) {
		fprintf(err, "xedge: out of memory\n");
		goto done;
	}
	while (ev == XML_NEED_MORE &&
	    (len = fread(buf, 1, REPLAY_CHUNK, f)) > 0)
		ev = replay_feed(p, &r, x, buf, len, peer, &n, out);
	if (ev == XML_NEED_MORE && ferror(f)) {
		fprintf(err, "xedge: %s: read error\n", path);
		goto done;
	}
	fflush(out);
	if (ev == XML_NEED_MORE) {
		/* The end of the made-up stream shows whether the file
		 * ended between elements. */
		ev = replay_feed(p, &r, x, REPLAY_TRAILER,
		    strlen(REPLAY_TRAILER), peer, &n, out);
		if (ev == XML_STREAM_CLOSE)
			rc = 0;
		else
			fprintf(err, "xedge: %s: the file ends inside stanza "
			    "%lu\n", path, n + 1);
	} else if (ev == XML_ERROR) {
		fprintf(err, "xedge: %s: stanza %lu: %s\n", path, n + 1,
		    replay_xml_error(x, why, sizeof(why)));
	} else {
		fprintf(err, "xedge: %s: after stanza %lu: a stream's end tag "
		    "(the file holds stanzas only)\n", path, n);
	}
done:
	replay_run_free(&r);
	xml_free(x);
	free(buf);
	fclose(f);
	return rc;
}
