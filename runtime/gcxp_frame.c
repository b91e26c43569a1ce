/*
 * The GCXP frame codec (xedge-gcxp(7)). Every frame type has a row in one
 * table: how its body is read, what its fields must satisfy, and how it is
 * written. The parser and the writers share the checks, so that a writer
 * never puts on the wire what a receiver would refuse, and the parser
 * refuses what a writer would not write.
 */
#include <string.h>

#include "gcxp_frame.h"
#include "text_fold.h"

/* The length field, and the type after it. */
#define GCXP_LENGTH_SIZE 4
#define GCXP_HEADER_SIZE (GCXP_LENGTH_SIZE + 1)

/* The most a STANZA's length field counts besides its XML: type, seq,
 * direction, two names, the longest verdict path, the XML's length. */
#define GCXP_STANZA_OVERHEAD \
	(1 + 8 + 1 + 2 * (1 + GCXP_NAME_MAX) + 2 + 4 * GCXP_PATH_MAX + 4)

/* A cursor over a frame's body. The first thing found wrong is kept in
 * why, and every read after it yields nothing, so that a body is read
 * field after field and checked once at the end. */
struct gcxp_reader {
	const unsigned char *p;
	size_t left;
	const char *truncated;	/* what a fixed field past the end means */
	const char *why;	/* NULL while nothing is wrong */
};

/* A cursor over the frame being written: with p NULL, it only counts. */
struct gcxp_writer {
	unsigned char *p;
	size_t n;
	const uint32_t *rules;	/* a STANZA's verdict path */
};

/* What a frame type is made of: messages that name it, and its parts. */
struct gcxp_kind {
	const char *truncated;
	const char *trailing;
	void (*parse)(struct gcxp_reader *, struct gcxp_frame *);
	const char *(*check)(const struct gcxp_frame *);
	void (*put)(struct gcxp_writer *, const struct gcxp_frame *);
};

/* The big-endian uint32 at P: a frame's length, a rule id. */
static uint32_t
gcxp_be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

/* Takes N bytes off R; NULL (and R's why set to WHY, unless something
 * was already wrong) if the body holds fewer. */
static const unsigned char *
gcxp_take(struct gcxp_reader *r, size_t n, const char *why)
{
	const unsigned char *p = r->p;

	if (r->why != NULL)
		return NULL;
	if (n > r->left) {
		r->why = why;
		return NULL;
	}
	r->p += n;
	r->left -= n;
	return p;
}

/* Reads a big-endian unsigned integer of SIZE bytes (at most 8); 0 when
 * the body is too short for it. */
static uint64_t
gcxp_get(struct gcxp_reader *r, size_t size)
{
	const unsigned char *p = gcxp_take(r, size, r->truncated);
	uint64_t v = 0;

	if (p == NULL)
		return 0;
	while (size-- > 0)
		v = v << 8 | *p++;
	return v;
}

/* Reads a length of LENSIZE bytes and that many bytes after it into *B;
 * OVERRUN is what it means that the body ends before them. */
static void
gcxp_get_bytes(struct gcxp_reader *r, size_t lensize, struct gcxp_bytes *b,
    const char *overrun)
{
	b->len = (size_t)gcxp_get(r, lensize);
	b->p = (const char *)gcxp_take(r, b->len, overrun);
}

static void
gcxp_put(struct gcxp_writer *w, uint64_t v, size_t size)
{
	size_t i;

	if (w->p != NULL)
		for (i = 0; i < size; i++)
			w->p[w->n + i] = (unsigned char)(v >> 8 * (size - 1 - i));
	w->n += size;
}

static void
gcxp_put_raw(struct gcxp_writer *w, const void *p, size_t len)
{
	if (w->p != NULL && len > 0)
		memcpy(w->p + w->n, p, len);
	w->n += len;
}

/* Writes B's length in LENSIZE bytes, then B. */
static void
gcxp_put_bytes(struct gcxp_writer *w, size_t lensize,
    const struct gcxp_bytes *b)
{
	gcxp_put(w, b->len, lensize);
	gcxp_put_raw(w, b->p, b->len);
}

/* A guard's or a peer's name: what a policy's peer names and DNS names
 * share, so that a name is safe in a log line as it is. */
static const char *
gcxp_check_name(const struct gcxp_bytes *b)
{
	size_t i;
	char c;

	if (b->len == 0)
		return "name empty";
	if (b->len > GCXP_NAME_MAX)
		return "name longer than 255";
	for (i = 0; i < b->len; i++) {
		c = b->p[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
			return "name with a byte other than A-Z a-z 0-9 . _ -";
	}
	return NULL;
}

static const char *
gcxp_check_text(const struct gcxp_bytes *b)
{
	const unsigned char *s = (const unsigned char *)b->p;
	size_t i, n;
	uint32_t c;

	if (b->len > GCXP_TEXT_MAX)
		return "text longer than 1024";
	for (i = 0; i < b->len; i += n)
		if ((n = text_utf8_decode(s + i, b->len - i, &c)) == 0)
			return "text not UTF-8";
	return NULL;
}

/* ---- HELLO ---------------------------------------------------------- */

/* A HELLO of another version is read as far as its version: the rest is
 * that version's, and only a refusal is owed to it. */
static void
gcxp_parse_hello(struct gcxp_reader *r, struct gcxp_frame *f)
{
	struct gcxp_hello *h = &f->hello;

	h->version = (uint16_t)gcxp_get(r, 2);
	if (r->why == NULL && h->version != GCXP_VERSION) {
		r->left = 0;
		return;
	}
	h->role = (enum gcxp_role)gcxp_get(r, 1);
	h->window = (uint16_t)gcxp_get(r, 2);
	h->instance = gcxp_get(r, 8);
	h->peer_instance = gcxp_get(r, 8);
	h->received = gcxp_get(r, 8);
	h->digest = gcxp_take(r, GCXP_DIGEST_SIZE, r->truncated);
	gcxp_get_bytes(r, 1, &h->name, "guard name overruns HELLO");
	gcxp_get_bytes(r, 1, &h->peer, "expected guard name overruns HELLO");
}

static const char *
gcxp_check_hello(const struct gcxp_frame *f)
{
	const struct gcxp_hello *h = &f->hello;
	const char *why;

	if (h->version != GCXP_VERSION)
		return NULL;
	if (h->role != GCXP_ROLE_EDGE && h->role != GCXP_ROLE_VALIDATOR)
		return "unknown role in HELLO";
	if (h->window == 0)
		return "HELLO window 0";
	if (h->instance == 0)
		return "HELLO instance 0";
	if (h->received != 0 && h->peer_instance == 0)
		return "HELLO received without a peer instance";
	if (h->digest == NULL)
		return "HELLO without a digest";
	if ((why = gcxp_check_name(&h->name)) != NULL ||
	    (why = gcxp_check_name(&h->peer)) != NULL)
		return why;
	return NULL;
}

static void
gcxp_put_hello(struct gcxp_writer *w, const struct gcxp_frame *f)
{
	const struct gcxp_hello *h = &f->hello;

	gcxp_put(w, h->version, 2);
	if (h->version != GCXP_VERSION)
		return;
	gcxp_put(w, h->role, 1);
	gcxp_put(w, h->window, 2);
	gcxp_put(w, h->instance, 8);
	gcxp_put(w, h->peer_instance, 8);
	gcxp_put(w, h->received, 8);
	gcxp_put_raw(w, h->digest, GCXP_DIGEST_SIZE);
	gcxp_put_bytes(w, 1, &h->name);
	gcxp_put_bytes(w, 1, &h->peer);
}

/* ---- HELLO_REFUSE and ERROR: a reason and a text --------------------- */

/* What tells the two apart: the codes each defines, and the messages
 * that name it. */
static const struct gcxp_reasons {
	int last;
	const char *unknown;
	const char *overrun;
} gcxp_reasons[] = {
	[GCXP_FRAME_HELLO_REFUSE] = { GCXP_REFUSAL_OTHER,
	    "unknown HELLO_REFUSE reason", "text overruns HELLO_REFUSE" },
	[GCXP_FRAME_ERROR] = { GCXP_ERR_RESEND,
	    "unknown ERROR reason", "text overruns ERROR" },
};

static void
gcxp_parse_reason(struct gcxp_reader *r, struct gcxp_frame *f)
{
	f->reason.code = (int)gcxp_get(r, 1);
	gcxp_get_bytes(r, 2, &f->reason.text,
	    gcxp_reasons[f->type].overrun);
}

static const char *
gcxp_check_reason(const struct gcxp_frame *f)
{
	if (f->reason.code < 1 || f->reason.code > gcxp_reasons[f->type].last)
		return gcxp_reasons[f->type].unknown;
	return gcxp_check_text(&f->reason.text);
}

static void
gcxp_put_reason(struct gcxp_writer *w, const struct gcxp_frame *f)
{
	gcxp_put(w, (uint64_t)f->reason.code, 1);
	gcxp_put_bytes(w, 2, &f->reason.text);
}

/* ---- STANZA --------------------------------------------------------- */

/* The XML takes the rest of the frame exactly: its length field is
 * redundant with the frame's, and must agree. */
static void
gcxp_parse_stanza(struct gcxp_reader *r, struct gcxp_frame *f)
{
	struct gcxp_stanza *s = &f->stanza;

	s->seq = gcxp_get(r, 8);
	s->direction = (uint8_t)gcxp_get(r, 1);
	gcxp_get_bytes(r, 1, &s->from, "source peer name overruns STANZA");
	gcxp_get_bytes(r, 1, &s->to,
	    "destination peer name overruns STANZA");
	s->nrules = (uint16_t)gcxp_get(r, 2);
	s->rules = gcxp_take(r, 4 * (size_t)s->nrules,
	    "verdict path overruns STANZA");
	gcxp_get_bytes(r, 4, &s->xml, "XML overruns STANZA");
}

static const char *
gcxp_check_stanza(const struct gcxp_frame *f)
{
	const struct gcxp_stanza *s = &f->stanza;
	const char *why;

	if (s->seq == 0)
		return "STANZA seq 0";
	if (s->direction > 1)
		return "STANZA direction neither 0 nor 1";
	if ((why = gcxp_check_name(&s->from)) != NULL ||
	    (why = gcxp_check_name(&s->to)) != NULL)
		return why;
	if (s->nrules > GCXP_PATH_MAX)
		return "verdict path longer than 1024";
	if (s->xml.len == 0)
		return "STANZA XML empty";
	return NULL;
}

static void
gcxp_put_stanza(struct gcxp_writer *w, const struct gcxp_frame *f)
{
	const struct gcxp_stanza *s = &f->stanza;
	size_t i;

	gcxp_put(w, s->seq, 8);
	gcxp_put(w, s->direction, 1);
	gcxp_put_bytes(w, 1, &s->from);
	gcxp_put_bytes(w, 1, &s->to);
	gcxp_put(w, s->nrules, 2);
	for (i = 0; i < s->nrules; i++)
		gcxp_put(w, w->rules[i], 4);
	gcxp_put_bytes(w, 4, &s->xml);
}

uint32_t
gcxp_stanza_rule(const struct gcxp_stanza *s, size_t i)
{
	return gcxp_be32(s->rules + 4 * i);
}

/* ---- ACK and PING --------------------------------------------------- */

static void
gcxp_parse_ack(struct gcxp_reader *r, struct gcxp_frame *f)
{
	f->ack = gcxp_get(r, 8);
}

static const char *
gcxp_check_ack(const struct gcxp_frame *f)
{
	return f->ack == 0 ? "ACK seq 0" : NULL;
}

static void
gcxp_put_ack(struct gcxp_writer *w, const struct gcxp_frame *f)
{
	gcxp_put(w, f->ack, 8);
}

/* A PING has no body: there is nothing to read, check or write. */
static void
gcxp_parse_ping(struct gcxp_reader *r, struct gcxp_frame *f)
{
	(void)r;
	(void)f;
}

static const char *
gcxp_check_ping(const struct gcxp_frame *f)
{
	(void)f;
	return NULL;
}

static void
gcxp_put_ping(struct gcxp_writer *w, const struct gcxp_frame *f)
{
	(void)w;
	(void)f;
}

/* ---- REFUSE --------------------------------------------------------- */

/* The condition travels by name and is held as the enum the guard
 * decides with: a name RFC 6120 does not define is refused here. */
static void
gcxp_parse_refuse(struct gcxp_reader *r, struct gcxp_frame *f)
{
	struct gcxp_refuse *x = &f->refuse;
	struct gcxp_bytes name;
	int cond;

	x->seq = gcxp_get(r, 8);
	x->rule = (uint32_t)gcxp_get(r, 4);
	gcxp_get_bytes(r, 1, &name, "condition overruns REFUSE");
	gcxp_get_bytes(r, 2, &x->text, "text overruns REFUSE");
	if (r->why != NULL)
		return;
	if ((cond = stanza_cond_lookup(name.p, name.len)) == -1)
		r->why = "REFUSE condition not an RFC 6120 stanza error";
	else
		x->condition = (enum stanza_cond)cond;
}

static const char *
gcxp_check_refuse(const struct gcxp_frame *f)
{
	const struct gcxp_refuse *x = &f->refuse;

	if (x->seq == 0)
		return "REFUSE seq 0";
	if ((int)x->condition < 0 || x->condition >= STANZA_COND_COUNT)
		return "REFUSE condition not an RFC 6120 stanza error";
	return gcxp_check_text(&x->text);
}

static void
gcxp_put_refuse(struct gcxp_writer *w, const struct gcxp_frame *f)
{
	const struct gcxp_refuse *x = &f->refuse;
	struct gcxp_bytes name;

	name.p = stanza_cond_name(x->condition);
	name.len = strlen(name.p);
	gcxp_put(w, x->seq, 8);
	gcxp_put(w, x->rule, 4);
	gcxp_put_bytes(w, 1, &name);
	gcxp_put_bytes(w, 2, &x->text);
}

/* ---- the table and the frame ---------------------------------------- */

/* Indexed by type. A PING reads nothing, and so cannot be cut short. */
static const struct gcxp_kind gcxp_kinds[] = {
	[GCXP_FRAME_HELLO] = { "truncated HELLO", "trailing bytes in HELLO",
	    gcxp_parse_hello, gcxp_check_hello, gcxp_put_hello },
	[GCXP_FRAME_HELLO_REFUSE] = { "truncated HELLO_REFUSE",
	    "trailing bytes in HELLO_REFUSE",
	    gcxp_parse_reason, gcxp_check_reason, gcxp_put_reason },
	[GCXP_FRAME_STANZA] = { "truncated STANZA", "trailing bytes in STANZA",
	    gcxp_parse_stanza, gcxp_check_stanza, gcxp_put_stanza },
	[GCXP_FRAME_ACK] = { "truncated ACK", "trailing bytes in ACK",
	    gcxp_parse_ack, gcxp_check_ack, gcxp_put_ack },
	[GCXP_FRAME_REFUSE] = { "truncated REFUSE", "trailing bytes in REFUSE",
	    gcxp_parse_refuse, gcxp_check_refuse, gcxp_put_refuse },
	[GCXP_FRAME_PING] = { NULL, "trailing bytes in PING",
	    gcxp_parse_ping, gcxp_check_ping, gcxp_put_ping },
	[GCXP_FRAME_ERROR] = { "truncated ERROR", "trailing bytes in ERROR",
	    gcxp_parse_reason, gcxp_check_reason, gcxp_put_reason },
};

static int
gcxp_fail(const char **why, const char *what)
{
	*why = what;
	return -1;
}

/*
 * The header is judged as soon as it is in: a length of 0 or past MAX,
 * or an unknown type, is refused before the receiver waits for the rest.
 * The body is read once it is all in.
 */
int
gcxp_frame_parse(const void *in, size_t len, uint32_t max,
    struct gcxp_frame *f, size_t *used, const char **why)
{
	const unsigned char *p = in;
	const struct gcxp_kind *k;
	struct gcxp_reader r;
	uint32_t n;

	if (len < GCXP_LENGTH_SIZE)
		return 0;
	n = gcxp_be32(p);
	if (n == 0)
		return gcxp_fail(why, "frame length 0");
	if (n > max)
		return gcxp_fail(why, "frame longer than the maximum");
	if (len < GCXP_HEADER_SIZE)
		return 0;
	if (p[4] < GCXP_FRAME_HELLO || p[4] > GCXP_FRAME_ERROR)
		return gcxp_fail(why, "unknown frame type");
	k = &gcxp_kinds[p[4]];
	if (len - GCXP_LENGTH_SIZE < n)
		return 0;
	memset(f, 0, sizeof(*f));
	f->type = (enum gcxp_type)p[4];
	r.p = p + GCXP_HEADER_SIZE;
	r.left = n - 1;
	r.truncated = k->truncated;
	r.why = NULL;
	k->parse(&r, f);
	if (r.why == NULL && r.left > 0)
		r.why = k->trailing;
	if (r.why == NULL)
		r.why = k->check(f);
	if (r.why != NULL)
		return gcxp_fail(why, r.why);
	*used = GCXP_LENGTH_SIZE + (size_t)n;
	return 1;
}

uint32_t
gcxp_frame_max(uint32_t xml_max)
{
	if (xml_max > UINT32_MAX - GCXP_STANZA_OVERHEAD)
		return UINT32_MAX;
	return GCXP_STANZA_OVERHEAD + xml_max;
}

/* Checks F, counts its body, then writes the header and the body: a
 * frame that does not fit leaves OUT as it was. */
size_t
gcxp_frame_write(void *out, size_t cap, const struct gcxp_frame *f,
    const uint32_t *rules)
{
	const struct gcxp_kind *k;
	struct gcxp_writer w = { NULL, 0, rules };
	size_t body;

	if (f->type < GCXP_FRAME_HELLO || f->type > GCXP_FRAME_ERROR)
		return 0;
	k = &gcxp_kinds[f->type];
	if (k->check(f) != NULL)
		return 0;
	k->put(&w, f);
	body = w.n;
	if (body >= UINT32_MAX || cap < GCXP_HEADER_SIZE ||
	    body > cap - GCXP_HEADER_SIZE)
		return 0;
	w.p = out;
	w.n = 0;
	gcxp_put(&w, body + 1, GCXP_LENGTH_SIZE);
	gcxp_put(&w, f->type, 1);
	k->put(&w, f);
	return w.n;
}
