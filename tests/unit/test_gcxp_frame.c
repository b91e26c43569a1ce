/*
 * Unit tests for runtime/gcxp_frame.c: every frame type written byte for
 * byte as xedge-gcxp(7) draws it, read back the same, whole, cut short at
 * every byte and split at every byte; every field at its bound and past
 * it; and every malformed frame refused with the message that names it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "gcxp_fixture.h"
#include "gcxp_frame.h"

/* The receiver's maximum in these tests: XML up to 4 KiB. */
#define XML_MAX 4096
#define MAX gcxp_frame_max(XML_MAX)

#define BYTES(s) { s, sizeof(s) - 1 }

static const unsigned char digest[GCXP_DIGEST_SIZE] = {
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
	0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
	0xf0, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7,
	0xf8, 0xf9, 0xfa, 0xfb, 0xfc, 0xfd, 0xfe, 0xff,
};
static const uint32_t path[] = { 3, 17, 0xfffffffe };

/* A frame to write, with its verdict path if it is a STANZA. */
struct sample {
	struct gcxp_frame f;
	const uint32_t *rules;
};

static const struct sample samples[] = {
	{ { .type = GCXP_FRAME_HELLO, .hello = { GCXP_VERSION,
	    GCXP_ROLE_EDGE, 64, 0x0102030405060708, 0x1112131415161718, 41,
	    digest,
	    BYTES("edge-a.example"), BYTES("validator.example") } }, NULL },
	{ { .type = GCXP_FRAME_HELLO, .hello = { GCXP_VERSION,
	    GCXP_ROLE_VALIDATOR, 65535, UINT64_MAX, 0, 0, digest, BYTES("v"),
	    BYTES("Edge_B-2") } }, NULL },
	{ { .type = GCXP_FRAME_HELLO, .hello = { .version = 2 } }, NULL },
	{ { .type = GCXP_FRAME_HELLO_REFUSE, .reason = {
	    GCXP_REFUSAL_POLICY, BYTES("policy digest differs") } }, NULL },
	{ { .type = GCXP_FRAME_HELLO_REFUSE, .reason = {
	    GCXP_REFUSAL_OTHER, { NULL, 0 } } }, NULL },
	{ { .type = GCXP_FRAME_STANZA, .stanza = { 1, 0, BYTES("inside"),
	    BYTES("partner"), 3, NULL,
	    BYTES("<message to='b@b.example'><body>hi</body></message>") } },
	    path },
	{ { .type = GCXP_FRAME_STANZA, .stanza = { UINT64_MAX, 1,
	    BYTES("partner"), BYTES("inside"), 0, NULL, BYTES("<x/>") } },
	    NULL },
	{ { .type = GCXP_FRAME_ACK, .ack = 1 }, NULL },
	{ { .type = GCXP_FRAME_ACK, .ack = UINT64_MAX }, NULL },
	{ { .type = GCXP_FRAME_REFUSE, .refuse = { 7, 12,
	    STANZA_COND_POLICY_VIOLATION, BYTES("blocked content") } },
	    NULL },
	{ { .type = GCXP_FRAME_REFUSE, .refuse = { 8, 0,
	    STANZA_COND_UNEXPECTED_REQUEST, { NULL, 0 } } }, NULL },
	{ { .type = GCXP_FRAME_PING }, NULL },
	{ { .type = GCXP_FRAME_ERROR, .reason = { GCXP_ERR_SEQUENCE,
	    BYTES("seq 9 after 7: caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80") } },
	    NULL },
};
#define NSAMPLES (sizeof(samples) / sizeof(samples[0]))

/* ---- frames built by hand, byte by byte ----------------------------- */

struct raw {
	unsigned char b[16384];
	size_t n;
};

static void
raw_int(struct raw *r, uint64_t v, size_t size)
{
	while (size-- > 0)
		r->b[r->n++] = (unsigned char)(v >> 8 * size);
}

static void
raw_mem(struct raw *r, const void *p, size_t len)
{
	memcpy(r->b + r->n, p, len);
	r->n += len;
}

/* A length of LENSIZE bytes, then S. */
static void
raw_str(struct raw *r, size_t lensize, const char *s)
{
	raw_int(r, strlen(s), lensize);
	raw_mem(r, s, strlen(s));
}

static void
raw_begin(struct raw *r, unsigned type)
{
	r->n = 0;
	raw_int(r, 0, 4);
	raw_int(r, type, 1);
}

/* Sets the length field to what follows it. */
static void
raw_end(struct raw *r)
{
	size_t n = r->n;

	r->n = 0;
	raw_int(r, n - 4, 4);
	r->n = n;
}

/* The start of a version 1 HELLO, up to its names. */
static void
raw_hello(struct raw *r, unsigned role, unsigned window, uint64_t instance,
    uint64_t peer_instance, uint64_t received)
{
	raw_begin(r, GCXP_FRAME_HELLO);
	raw_int(r, GCXP_VERSION, 2);
	raw_int(r, role, 1);
	raw_int(r, window, 2);
	raw_int(r, instance, 8);
	raw_int(r, peer_instance, 8);
	raw_int(r, received, 8);
	raw_mem(r, digest, sizeof(digest));
}

/* The start of a STANZA, up to its verdict path. */
static void
raw_stanza(struct raw *r, uint64_t seq, unsigned direction, const char *from,
    const char *to)
{
	raw_begin(r, GCXP_FRAME_STANZA);
	raw_int(r, seq, 8);
	raw_int(r, direction, 1);
	raw_str(r, 1, from);
	raw_str(r, 1, to);
}

/* ---- helpers -------------------------------------------------------- */

static size_t
write_sample(const struct sample *s, unsigned char *out, size_t cap)
{
	size_t n = gcxp_frame_write(out, cap, &s->f, s->rules);

	assert_true(n > 0);
	return n;
}

/* IN[0..len) is exactly one frame, and it is WANT. */
static void
expect_frame(const void *in, size_t len, const struct sample *want)
{
	struct gcxp_frame f;
	const char *why = NULL;
	size_t used = 0;

	assert_int_equal(gcxp_frame_parse(in, len, MAX, &f, &used, &why), 1);
	assert_null(why);
	assert_int_equal(used, len);
	assert_true(gcxp_fixture_equal(&want->f, want->rules, &f, NULL));
}

/* IN[0..len) is refused with WANT; each of its prefixes is refused the
 * same way or waits for more, never read as a frame. */
static void
expect_malformed(const void *in, size_t len, const char *want)
{
	struct gcxp_frame f;
	const char *why;
	size_t used, i;
	int rc;

	for (i = 0; i <= len; i++) {
		why = NULL;
		rc = gcxp_frame_parse(in, i, MAX, &f, &used, &why);
		if (rc == 0 && i < len)
			continue;
		assert_int_equal(rc, -1);
		assert_non_null(why);
		assert_string_equal(why, want);
	}
}

static void
expect_raw_malformed(const struct raw *r, const char *want)
{
	expect_malformed(r->b, r->n, want);
}

/*
 * GOOD written, then the SIZE bytes at OFF set to VALUE, is refused with
 * WANT; and BAD, GOOD with that field so, is not written at all.
 */
static void
expect_field_refused(const struct sample *good, const struct gcxp_frame *bad,
    size_t off, size_t size, uint64_t value, const char *want)
{
	static unsigned char out[8192];
	size_t n = write_sample(good, out, sizeof(out));

	while (size-- > 0)
		out[off++] = (unsigned char)(value >> 8 * size);
	expect_malformed(out, n, want);
	memset(out, 0xa5, sizeof(out));
	assert_int_equal(gcxp_frame_write(out, sizeof(out), bad, good->rules),
	    0);
	assert_int_equal(out[0], 0xa5);
}

/* ---- tests ---------------------------------------------------------- */

/* R, once its length is set, is what the writer makes of S. */
static void
expect_layout(struct raw *r, const struct sample *s)
{
	static unsigned char out[8192];
	size_t n;

	raw_end(r);
	n = write_sample(s, out, sizeof(out));
	assert_int_equal(n, r->n);
	assert_memory_equal(out, r->b, n);
}

/* Each type's bytes as the specification draws them, built here field by
 * field rather than by the writer under test. */
static void
test_layout(void **state)
{
	static struct raw r;

	(void)state;
	raw_hello(&r, 1, 64, 0x0102030405060708, 0x1112131415161718, 41);
	raw_str(&r, 1, "edge-a.example");
	raw_str(&r, 1, "validator.example");
	expect_layout(&r, &samples[0]);
	raw_begin(&r, 1);
	raw_int(&r, 2, 2);
	expect_layout(&r, &samples[2]);
	raw_begin(&r, 2);
	raw_int(&r, 2, 1);
	raw_str(&r, 2, "policy digest differs");
	expect_layout(&r, &samples[3]);
	raw_stanza(&r, 1, 0, "inside", "partner");
	raw_int(&r, 3, 2);
	raw_int(&r, 3, 4);
	raw_int(&r, 17, 4);
	raw_int(&r, 0xfffffffe, 4);
	raw_str(&r, 4, samples[5].f.stanza.xml.p);
	expect_layout(&r, &samples[5]);
	raw_begin(&r, 4);
	raw_int(&r, 1, 8);
	expect_layout(&r, &samples[7]);
	raw_begin(&r, 5);
	raw_int(&r, 7, 8);
	raw_int(&r, 12, 4);
	raw_str(&r, 1, "policy-violation");
	raw_str(&r, 2, "blocked content");
	expect_layout(&r, &samples[9]);
	raw_begin(&r, 6);
	expect_layout(&r, &samples[11]);
	assert_memory_equal(r.b, "\0\0\0\1\6", 5);
	raw_begin(&r, 7);
	raw_int(&r, 3, 1);
	raw_str(&r, 2, samples[12].f.reason.text.p);
	expect_layout(&r, &samples[12]);
}

static void
test_round_trip(void **state)
{
	static unsigned char out[8192];
	size_t i, n;

	(void)state;
	for (i = 0; i < NSAMPLES; i++) {
		n = write_sample(&samples[i], out, sizeof(out));
		expect_frame(out, n, &samples[i]);
	}
}

/* Every proper prefix of a valid frame waits for more, whatever follows
 * in the buffer is not looked at. */
static void
test_truncated(void **state)
{
	static unsigned char out[8192];
	struct gcxp_frame f;
	const char *why;
	size_t i, k, n, used;

	(void)state;
	for (i = 0; i < NSAMPLES; i++) {
		n = write_sample(&samples[i], out, sizeof(out));
		for (k = 0; k < n; k++) {
			why = NULL;
			used = 12345;
			assert_int_equal(gcxp_frame_parse(out, k, MAX, &f,
			    &used, &why), 0);
			assert_null(why);
			assert_int_equal(used, 12345);
		}
	}
}

/*
 * Every sample in a row on one stream, received in two reads split at
 * every byte: the receiver parses what it holds after each read, keeps
 * the rest, and reads the same frames in the same order whatever the
 * split.
 */
static void
test_split(void **state)
{
	static unsigned char stream[16384], held[16384];
	struct gcxp_frame f;
	const char *why;
	size_t i, k, n = 0, nheld, next, used, part;
	int rc;

	(void)state;
	for (i = 0; i < NSAMPLES; i++)
		n += write_sample(&samples[i], stream + n, sizeof(stream) - n);
	for (k = 0; k <= n; k++) {
		nheld = 0;
		next = 0;
		for (part = 0; part < 2; part++) {
			if (part == 0) {
				memcpy(held, stream, k);
				nheld = k;
			} else {
				memcpy(held + nheld, stream + k, n - k);
				nheld += n - k;
			}
			while ((rc = gcxp_frame_parse(held, nheld, MAX, &f,
			    &used, &why)) == 1) {
				assert_true(next < NSAMPLES);
				assert_true(gcxp_fixture_equal(
				    &samples[next].f, samples[next].rules, &f,
				    NULL));
				next++;
				memmove(held, held + used, nheld - used);
				nheld -= used;
			}
			assert_int_equal(rc, 0);
		}
		assert_int_equal(next, NSAMPLES);
		assert_int_equal(nheld, 0);
	}
}

/* The header alone decides a frame too long, of length 0, or of an
 * unknown type. */
static void
test_header(void **state)
{
	static unsigned char b[8];
	static const unsigned char unknown[] = { 0, 8, 9, 255 };
	struct gcxp_frame f;
	const char *why;
	size_t used, i;
	uint32_t max;

	(void)state;
	expect_malformed("\0\0\0\0", 4, "frame length 0");
	max = MAX;
	b[0] = (unsigned char)((max + 1) >> 24);
	b[1] = (unsigned char)((max + 1) >> 16);
	b[2] = (unsigned char)((max + 1) >> 8);
	b[3] = (unsigned char)(max + 1);
	expect_malformed(b, 4, "frame longer than the maximum");
	memset(b, 0xff, 4);
	expect_malformed(b, 4, "frame longer than the maximum");
	/* The same length is fine for a receiver with a larger maximum. */
	assert_int_equal(gcxp_frame_parse(b, 4, UINT32_MAX, &f, &used, &why),
	    0);
	for (i = 0; i < sizeof(unknown); i++) {
		memcpy(b, "\0\0\0\1", 4);
		b[4] = unknown[i];
		expect_malformed(b, 5, "unknown frame type");
	}
}

/* The largest STANZA a receiver takes is what gcxp_frame_max() says:
 * longest names, longest path, XML_MAX bytes of XML. */
static void
test_frame_max(void **state)
{
	static unsigned char out[16384];
	static char xml[XML_MAX + 1], name[GCXP_NAME_MAX];
	static uint32_t rules[GCXP_PATH_MAX];
	struct sample s = { { .type = GCXP_FRAME_STANZA }, rules };
	struct gcxp_frame f;
	const char *why;
	size_t n, used;

	(void)state;
	memset(xml, 'x', sizeof(xml));
	memset(name, 'n', sizeof(name));
	s.f.stanza = (struct gcxp_stanza){ 1, 0, { name, sizeof(name) },
	    { name, sizeof(name) }, GCXP_PATH_MAX, NULL, { xml, XML_MAX } };
	n = write_sample(&s, out, sizeof(out));
	assert_int_equal(n, 4 + (size_t)MAX);
	expect_frame(out, n, &s);
	/* One byte of XML more, and its length field alone refuses it. */
	s.f.stanza.xml.len++;
	n = write_sample(&s, out, sizeof(out));
	expect_malformed(out, n, "frame longer than the maximum");
	assert_int_equal(gcxp_frame_parse(out, 4, MAX, &f, &used, &why), -1);
	assert_int_equal(gcxp_frame_parse(out, n, MAX + 1, &f, &used, &why),
	    1);
	/* A length its 32 bits cannot say is never written, even where the
	 * caller's buffer would take it. */
	s.f.stanza.xml.len = UINT32_MAX - (MAX - XML_MAX) + 1;
	assert_int_equal(gcxp_frame_write(out, SIZE_MAX, &s.f, rules), 0);
	assert_int_equal(gcxp_frame_max(UINT32_MAX), UINT32_MAX);
	assert_int_equal(gcxp_frame_max(UINT32_MAX - MAX + XML_MAX + 1),
	    UINT32_MAX);
	assert_int_equal(gcxp_frame_max(UINT32_MAX - MAX + XML_MAX - 1),
	    UINT32_MAX - 1);
}

/* Each type at its longest has the length xedge-gcxp(7) gives under
 * BOUNDS. */
static void
test_longest(void **state)
{
	static unsigned char out[8192];
	static char name[GCXP_NAME_MAX], text[GCXP_TEXT_MAX];
	struct sample s;
	int c;

	(void)state;
	memset(name, 'n', sizeof(name));
	memset(text, 't', sizeof(text));
	assert_int_equal(gcxp_frame_max(0), 4624);
	s = samples[0];
	s.f.hello.name = (struct gcxp_bytes){ name, sizeof(name) };
	s.f.hello.peer = s.f.hello.name;
	assert_int_equal(write_sample(&s, out, sizeof(out)), 4 + 574);
	s = samples[3];
	s.f.reason.text = (struct gcxp_bytes){ text, sizeof(text) };
	assert_int_equal(write_sample(&s, out, sizeof(out)), 4 + 1028);
	s = samples[9];
	for (c = 0; c < STANZA_COND_COUNT; c++)
		if (strlen(stanza_cond_name((enum stanza_cond)c)) >
		    strlen(stanza_cond_name(s.f.refuse.condition)))
			s.f.refuse.condition = (enum stanza_cond)c;
	assert_int_equal(strlen(stanza_cond_name(s.f.refuse.condition)), 23);
	s.f.refuse.text = (struct gcxp_bytes){ text, sizeof(text) };
	assert_int_equal(write_sample(&s, out, sizeof(out)), 4 + 1063);
	assert_int_equal(write_sample(&samples[8], out, sizeof(out)), 4 + 9);
	assert_int_equal(write_sample(&samples[11], out, sizeof(out)), 4 + 1);
}

/* A buffer one byte too small takes nothing; one of the size takes the
 * frame. */
static void
test_cap(void **state)
{
	static unsigned char out[8192];
	size_t i, n, k;

	(void)state;
	for (i = 0; i < NSAMPLES; i++) {
		n = write_sample(&samples[i], out, sizeof(out));
		for (k = 0; k < n; k++) {
			memset(out, 0xa5, sizeof(out));
			assert_int_equal(gcxp_frame_write(out, k,
			    &samples[i].f, samples[i].rules), 0);
			assert_int_equal(out[0], 0xa5);
		}
		assert_int_equal(gcxp_frame_write(out, n, &samples[i].f,
		    samples[i].rules), n);
	}
	assert_int_equal(gcxp_frame_write(out, sizeof(out),
	    &(struct gcxp_frame){ .type = 0 }, NULL), 0);
	assert_int_equal(gcxp_frame_write(out, sizeof(out),
	    &(struct gcxp_frame){ .type = 8 }, NULL), 0);
}

static void
test_names(void **state)
{
	static unsigned char out[8192];
	static char name[GCXP_NAME_MAX + 1];
	static const char bad[] = " @/:\x7f\x80\xff";
	static struct raw r;
	struct sample s = samples[0];
	size_t i, n;

	(void)state;
	memset(name, 'a', sizeof(name));
	s.f.hello.name = (struct gcxp_bytes){ name, GCXP_NAME_MAX };
	s.f.hello.peer = (struct gcxp_bytes){
	    "ABCXYZabcxyz0189.-_", 19 };
	n = write_sample(&s, out, sizeof(out));
	expect_frame(out, n, &s);
	s.f.hello.name.len++;
	assert_int_equal(gcxp_frame_write(out, sizeof(out), &s.f, NULL), 0);
	s.f.hello.name.len = 0;
	assert_int_equal(gcxp_frame_write(out, sizeof(out), &s.f, NULL), 0);
	for (i = 0; i < sizeof(bad) - 1; i++) {
		name[3] = bad[i];
		s.f.hello.name.len = 5;
		assert_int_equal(gcxp_frame_write(out, sizeof(out), &s.f,
		    NULL), 0);
		raw_stanza(&r, 1, 0, "a", "b");
		r.b[r.n - 1] = (unsigned char)bad[i];
		raw_int(&r, 0, 2);
		raw_str(&r, 4, "<x/>");
		raw_end(&r);
		expect_raw_malformed(&r,
		    "name with a byte other than A-Z a-z 0-9 . _ -");
	}
}

static void
test_texts(void **state)
{
	static unsigned char out[8192];
	static char text[GCXP_TEXT_MAX + 2];
	static const char *const bad[] = {
		"\x80",			/* a stray continuation byte */
		"ok\xc3",		/* cut short */
		"\xc0\xaf",		/* overlong */
		"\xed\xa0\x80",		/* a surrogate */
		"\xf4\x90\x80\x80",	/* past U+10FFFF */
	};
	static struct raw r;
	struct sample s = samples[9];
	size_t i, n;

	(void)state;
	memset(text, 't', sizeof(text));
	text[GCXP_TEXT_MAX + 1] = '\0';
	s.f.refuse.text = (struct gcxp_bytes){ text, GCXP_TEXT_MAX };
	n = write_sample(&s, out, sizeof(out));
	expect_frame(out, n, &s);
	s.f.refuse.text.len++;
	assert_int_equal(gcxp_frame_write(out, sizeof(out), &s.f, NULL), 0);
	raw_begin(&r, GCXP_FRAME_REFUSE);
	raw_int(&r, 1, 8);
	raw_int(&r, 0, 4);
	raw_str(&r, 1, "gone");
	raw_str(&r, 2, text);
	raw_end(&r);
	expect_raw_malformed(&r, "text longer than 1024");
	/* HELLO_REFUSE and ERROR at their longest text, and past it. */
	s = samples[3];
	s.f.reason.text = (struct gcxp_bytes){ text, GCXP_TEXT_MAX };
	n = write_sample(&s, out, sizeof(out));
	expect_frame(out, n, &s);
	s.f.reason.text.len++;
	assert_int_equal(gcxp_frame_write(out, sizeof(out), &s.f, NULL), 0);
	s = samples[12];
	s.f.reason.text = (struct gcxp_bytes){ text, GCXP_TEXT_MAX };
	n = write_sample(&s, out, sizeof(out));
	expect_frame(out, n, &s);
	raw_begin(&r, GCXP_FRAME_ERROR);
	raw_int(&r, GCXP_ERR_MALFORMED, 1);
	raw_str(&r, 2, text);
	raw_end(&r);
	expect_raw_malformed(&r, "text longer than 1024");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		s.f.reason.text = (struct gcxp_bytes){ bad[i], strlen(bad[i]) };
		assert_int_equal(gcxp_frame_write(out, sizeof(out), &s.f,
		    NULL), 0);
		raw_begin(&r, GCXP_FRAME_ERROR);
		raw_int(&r, 1, 1);
		raw_str(&r, 2, bad[i]);
		raw_end(&r);
		expect_raw_malformed(&r, "text not UTF-8");
	}
}

static void
test_path(void **state)
{
	static unsigned char out[8192];
	static uint32_t rules[GCXP_PATH_MAX + 1];
	static struct raw r;
	struct sample s = samples[5];
	size_t i, n;

	(void)state;
	for (i = 0; i <= GCXP_PATH_MAX; i++)
		rules[i] = (uint32_t)(i * 2654435761u);
	s.rules = rules;
	s.f.stanza.nrules = GCXP_PATH_MAX;
	n = write_sample(&s, out, sizeof(out));
	expect_frame(out, n, &s);
	s.f.stanza.nrules++;
	assert_int_equal(gcxp_frame_write(out, sizeof(out), &s.f, rules), 0);
	raw_stanza(&r, 1, 0, "a", "b");
	raw_int(&r, GCXP_PATH_MAX + 1, 2);
	for (i = 0; i <= GCXP_PATH_MAX; i++)
		raw_int(&r, rules[i], 4);
	raw_str(&r, 4, "<x/>");
	raw_end(&r);
	expect_raw_malformed(&r, "verdict path longer than 1024");
}

/*
 * Bodies whose lengths run past their end, that end inside a field, or
 * that go on after their last field. The strings are bodies: the test
 * puts the length and the type before them.
 */
#define U64_0 "\0\0\0\0\0\0\0\0"
#define U64_1 "\0\0\0\0\0\0\0\1"
/* Version 1, edge, window 1, instance 1, no peer instance seen. */
#define HELLO_FIXED "\0\1" "\1" "\0\1" U64_1 U64_0 U64_0 \
	U64_0 U64_0 U64_0 U64_0
/* Seq 1, direction 0, from "a" to "b". */
#define STANZA_AB U64_1 "\0" "\1" "a" "\1" "b"
/* Seq 1, rule 0. */
#define REFUSE_FIXED U64_1 "\0\0\0\0"

struct malformed {
	unsigned type;
	const char *body;
	size_t len;
	const char *why;
};
#define MALFORMED(type, body, why) { type, body, sizeof(body) - 1, why }

static const struct malformed malformed[] = {
	MALFORMED(GCXP_FRAME_HELLO, HELLO_FIXED "\5" "abcd",
	    "guard name overruns HELLO"),
	MALFORMED(GCXP_FRAME_HELLO, HELLO_FIXED "\4" "abcd" "\2" "v",
	    "expected guard name overruns HELLO"),
	MALFORMED(GCXP_FRAME_HELLO, HELLO_FIXED, "truncated HELLO"),
	MALFORMED(GCXP_FRAME_HELLO, HELLO_FIXED "\1" "a" "\1" "b" "\0",
	    "trailing bytes in HELLO"),
	MALFORMED(GCXP_FRAME_HELLO, HELLO_FIXED "\0" "\1" "v", "name empty"),
	MALFORMED(GCXP_FRAME_STANZA, U64_1 "\0" "\x09" "inside",
	    "source peer name overruns STANZA"),
	MALFORMED(GCXP_FRAME_STANZA, U64_1 "\0" "\1" "a" "\2" "b",
	    "destination peer name overruns STANZA"),
	MALFORMED(GCXP_FRAME_STANZA,
	    STANZA_AB "\0\3" "\0\0\0\1" "\0\0\0\2" "\0\3",
	    "verdict path overruns STANZA"),
	MALFORMED(GCXP_FRAME_STANZA, STANZA_AB "\0\0" "\0\0\0\5" "<x/>",
	    "XML overruns STANZA"),
	MALFORMED(GCXP_FRAME_STANZA, STANZA_AB "\0\0" "\0\0\0\3" "<x/>",
	    "trailing bytes in STANZA"),
	MALFORMED(GCXP_FRAME_STANZA, STANZA_AB "\0\0" "\0\0\0",
	    "truncated STANZA"),
	MALFORMED(GCXP_FRAME_STANZA, STANZA_AB "\0\0" "\0\0\0\0",
	    "STANZA XML empty"),
	MALFORMED(GCXP_FRAME_REFUSE, REFUSE_FIXED "\x10" "policy-violatio",
	    "condition overruns REFUSE"),
	MALFORMED(GCXP_FRAME_REFUSE, REFUSE_FIXED "\4" "gone" "\0\3" "ab",
	    "text overruns REFUSE"),
	MALFORMED(GCXP_FRAME_REFUSE, REFUSE_FIXED "\4" "gone" "\0\0" "\0",
	    "trailing bytes in REFUSE"),
	MALFORMED(GCXP_FRAME_REFUSE, U64_1 "\0\0\0", "truncated REFUSE"),
	MALFORMED(GCXP_FRAME_REFUSE, REFUSE_FIXED "\0" "\0\0",
	    "REFUSE condition not an RFC 6120 stanza error"),
	MALFORMED(GCXP_FRAME_HELLO_REFUSE, "\1" "\0\1",
	    "text overruns HELLO_REFUSE"),
	MALFORMED(GCXP_FRAME_HELLO_REFUSE, "\1" "\0\1" "a" "\0",
	    "trailing bytes in HELLO_REFUSE"),
	MALFORMED(GCXP_FRAME_ERROR, "\1" "\1", "truncated ERROR"),
	MALFORMED(GCXP_FRAME_ERROR, "\1" "\0\2" "a", "text overruns ERROR"),
	MALFORMED(GCXP_FRAME_ACK, "\0\0\0\0\0\0\1", "truncated ACK"),
	MALFORMED(GCXP_FRAME_ACK, U64_1 "\0", "trailing bytes in ACK"),
	MALFORMED(GCXP_FRAME_PING, "\0", "trailing bytes in PING"),
};

static void
test_malformed(void **state)
{
	static struct raw r;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(malformed) / sizeof(malformed[0]); i++) {
		raw_begin(&r, malformed[i].type);
		raw_mem(&r, malformed[i].body, malformed[i].len);
		raw_end(&r);
		expect_raw_malformed(&r, malformed[i].why);
	}
}

/* Sets the unsigned integer field of SIZE bytes at P to V. */
static void
set_field(void *p, size_t size, uint64_t v)
{
	switch (size) {
	case 1:
		*(uint8_t *)p = (uint8_t)v;
		break;
	case 2:
		*(uint16_t *)p = (uint16_t)v;
		break;
	case 4:
		*(uint32_t *)p = (uint32_t)v;
		break;
	default:
		assert_int_equal(size, 8);
		*(uint64_t *)p = v;
	}
}

/* A field of struct gcxp_frame: where it is, and its size. */
#define FIELD(m) offsetof(struct gcxp_frame, m), \
	sizeof(((struct gcxp_frame *)0)->m)

/*
 * Values out of their range, refused by the parser where they arrive
 * and by the writer where they would leave: a field of a sample set to
 * a value, and the same value at the field's place on the wire.
 */
static const struct {
	size_t sample;
	size_t field, size;	/* in struct gcxp_frame */
	size_t at, len;		/* in the frame written */
	uint64_t value;
	const char *why;
} out_of_range[] = {
	{ 0, FIELD(hello.role), 7, 1, 0, "unknown role in HELLO" },
	{ 0, FIELD(hello.role), 7, 1, 3, "unknown role in HELLO" },
	{ 0, FIELD(hello.window), 8, 2, 0, "HELLO window 0" },
	{ 0, FIELD(hello.instance), 10, 8, 0, "HELLO instance 0" },
	{ 0, FIELD(hello.peer_instance), 18, 8, 0,
	    "HELLO received without a peer instance" },
	{ 3, FIELD(reason.code), 5, 1, 0, "unknown HELLO_REFUSE reason" },
	{ 3, FIELD(reason.code), 5, 1, GCXP_REFUSAL_OTHER + 1,
	    "unknown HELLO_REFUSE reason" },
	{ 5, FIELD(stanza.seq), 5, 8, 0, "STANZA seq 0" },
	{ 5, FIELD(stanza.direction), 13, 1, 2,
	    "STANZA direction neither 0 nor 1" },
	{ 7, FIELD(ack), 5, 8, 0, "ACK seq 0" },
	{ 9, FIELD(refuse.seq), 5, 8, 0, "REFUSE seq 0" },
	{ 12, FIELD(reason.code), 5, 1, 0, "unknown ERROR reason" },
	{ 12, FIELD(reason.code), 5, 1, GCXP_ERR_RESEND + 1,
	    "unknown ERROR reason" },
};

static void
test_values(void **state)
{
	static unsigned char out[8192];
	struct gcxp_frame bad;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(out_of_range) / sizeof(out_of_range[0]); i++) {
		bad = samples[out_of_range[i].sample].f;
		set_field((char *)&bad + out_of_range[i].field,
		    out_of_range[i].size, out_of_range[i].value);
		expect_field_refused(&samples[out_of_range[i].sample], &bad,
		    out_of_range[i].at, out_of_range[i].len,
		    out_of_range[i].value, out_of_range[i].why);
	}
	bad = samples[0].f;
	bad.hello.digest = NULL;
	assert_int_equal(gcxp_frame_write(out, sizeof(out), &bad, NULL), 0);
	/* "policy-violation" spelt "Policy-violation": names are exact. */
	bad = samples[9].f;
	bad.refuse.condition = STANZA_COND_COUNT;
	expect_field_refused(&samples[9], &bad, 18, 1, 'P',
	    "REFUSE condition not an RFC 6120 stanza error");
	bad.refuse.condition = (enum stanza_cond)-1;
	assert_int_equal(gcxp_frame_write(out, sizeof(out), &bad, NULL), 0);
}

/* Each code HELLO_REFUSE and ERROR define crosses. */
static void
test_reasons(void **state)
{
	static const struct {
		size_t sample;
		int last;
	} kinds[] = { { 3, GCXP_REFUSAL_OTHER }, { 12, GCXP_ERR_RESEND } };
	static unsigned char out[8192];
	struct sample s;
	size_t i, n;
	int code;

	(void)state;
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		s = samples[kinds[i].sample];
		for (code = 1; code <= kinds[i].last; code++) {
			s.f.reason.code = code;
			n = write_sample(&s, out, sizeof(out));
			assert_int_equal(out[5], code);
			expect_frame(out, n, &s);
		}
	}
}

/* Every condition RFC 6120 defines crosses by its name. */
static void
test_conditions(void **state)
{
	static unsigned char out[8192];
	struct sample s = samples[9];
	size_t n;
	int c;

	(void)state;
	for (c = 0; c < STANZA_COND_COUNT; c++) {
		s.f.refuse.condition = (enum stanza_cond)c;
		n = write_sample(&s, out, sizeof(out));
		assert_int_equal(out[17],
		    strlen(stanza_cond_name(s.f.refuse.condition)));
		expect_frame(out, n, &s);
	}
}

/* A HELLO of another version is read as far as its version, whatever
 * follows; it still needs its two bytes of version. */
static void
test_other_version(void **state)
{
	static struct raw r;
	struct sample want = samples[2];

	(void)state;
	raw_begin(&r, GCXP_FRAME_HELLO);
	raw_int(&r, 2, 2);
	raw_mem(&r, "\0\xff anything at all", 18);
	raw_end(&r);
	expect_frame(r.b, r.n, &want);
	raw_begin(&r, GCXP_FRAME_HELLO);
	raw_int(&r, 0, 2);
	raw_end(&r);
	want.f.hello.version = 0;
	expect_frame(r.b, r.n, &want);
	raw_begin(&r, GCXP_FRAME_HELLO);
	raw_int(&r, 1, 1);
	raw_end(&r);
	expect_raw_malformed(&r, "truncated HELLO");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_header),
		cmocka_unit_test(test_frame_max),
		cmocka_unit_test(test_longest),
		cmocka_unit_test(test_cap),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_texts),
		cmocka_unit_test(test_path),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_reasons),
		cmocka_unit_test(test_conditions),
		cmocka_unit_test(test_other_version),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
