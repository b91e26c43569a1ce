/*
 * Throughput of the XML tokenizer on one core: a stream of typical message
 * stanzas (about 500 bytes: addresses, a body, a thread, chat state,
 * receipt request, origin id), with some presence and iq mixed in, fed in
 * 16 KiB reads as they would come from TLS. Prints MB/s and stanzas/s for
 * parsing alone and for parsing plus re-serializing, as the guard does.
 *
 * Usage: xml_bench [megabytes-of-stanzas [read-size [parse]]]; "parse" skips
 * the serializing runs (for profiling the tokenizer alone).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "stanza.h"
#include "xml.h"

#define BENCH_HDR "<?xml version='1.0'?><stream:stream xmlns='jabber:server' " \
	"xmlns:stream='http://etherx.jabber.org/streams' " \
	"xmlns:db='jabber:server:dialback' from='a.example' to='b.example' " \
	"version='1.0'>"

static const char *bench_words[] = {
	"wherefore", "art", "thou", "Romeo", "deny", "thy", "father", "and",
	"refuse", "name", "or", "if", "wilt", "not", "be", "but", "sworn", "my",
	"love", "I'll", "no", "longer", "a", "Capulet", "&amp;", "caf\xc3\xa9",
	"5\xe2\x82\xac", "<3", "it's", "\"quoted\"",
};

/* Appends one stanza numbered I to B (room enough); returns its length. */
static size_t
bench_stanza(char *b, unsigned i)
{
	char body[400];
	size_t n = 0;
	unsigned w, k = i * 2654435761u;

	if (i % 10 == 7)
		return (size_t)sprintf(b, "<presence from='juliet@a.example/"
		    "balcony' to='romeo@b.example' id='p%u'><show>away</show>"
		    "<status>Gone to the balcony</status><priority>5</priority>"
		    "<c xmlns='http://jabber.org/protocol/caps' hash='sha-1' "
		    "node='https://conversations.im' ver='q07IKJEyjvHSyhy//"
		    "CH0CxmKi8w='/></presence>", i);
	if (i % 10 == 9)
		return (size_t)sprintf(b, "<iq type='get' id='iq%u' "
		    "from='a.example' to='b.example'><ping xmlns='urn:xmpp:"
		    "ping'/></iq>", i);
	for (w = 0; n < 180 + k % 60; w++) {
		const char *word = bench_words[(k >> (w % 16)) %
		    (sizeof(bench_words) / sizeof(bench_words[0]))];

		if (strcmp(word, "<3") == 0)
			word = "&lt;3";
		else if (strcmp(word, "\"quoted\"") == 0)
			word = "&quot;quoted&quot;";
		n += (size_t)sprintf(body + n, "%s%s", w ? " " : "", word);
		k = k * 1103515245u + 12345u;
	}
	return (size_t)sprintf(b, "<message from='juliet@a.example/balcony' "
	    "to='romeo@b.example/orchard' type='chat' id='msg-%08u' "
	    "xml:lang='en'><body>%s</body><thread>e0ffe42b28561960c6b12b944a0"
	    "92794b9683a38</thread><active xmlns='http://jabber.org/protocol/"
	    "chatstates'/><request xmlns='urn:xmpp:receipts'/><origin-id "
	    "xmlns='urn:xmpp:sid:0' id='%08x-5b2c-4d0a-9e1f'/></message>\n",
	    i, body, i);
}

static double
bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * Parses BUF[0..len) in reads of READ bytes; with SERIALIZE, serializes
 * each element into OUT. Returns the stanza count, or -1 on a parse error.
 */
static long
bench_run(const char *buf, size_t len, size_t read, int serialize,
    char *out, size_t outcap)
{
	struct xml_limits lim = { 262144, 64, 64, 0 };
	struct xml_parser *x = xml_new(&lim);
	size_t off = 0, end, used;
	enum xml_event ev;
	long count = 0;

	if (x == NULL)
		return -1;
	while (off < len) {
		end = off + read < len ? off + read : len;
		while (off < end) {
			ev = xml_parse(x, buf + off, end - off, &used);
			off += used;
			if (ev == XML_ERROR) {
				fprintf(stderr, "xml_bench: %s: %s at %zu\n",
				    xml_error_name(xml_error_condition(x)),
				    xml_error_text(x), off);
				xml_free(x);
				return -1;
			}
			if (ev == XML_ELEMENT) {
				count++;
				if (serialize && stanza_serialize(
				    xml_element(x), STANZA_NS_SERVER, out,
				    outcap) > outcap)
					return -1;
			}
		}
	}
	xml_free(x);
	return count;
}

int
main(int argc, char **argv)
{
	size_t mb = argc > 1 ? strtoul(argv[1], NULL, 10) : 64;
	size_t read = argc > 2 ? strtoul(argv[2], NULL, 10) : 16384;
	int passes = argc > 3 && strcmp(argv[3], "parse") == 0 ? 1 : 2;
	size_t cap = mb * 1024 * 1024 + 4096, len, stanza_bytes = 0;
	static char out[65536];
	double t0, best[2] = { 1e9, 1e9 };
	long count = 0;
	unsigned i;
	char *buf;
	int ser, rep;

	if (mb == 0 || read == 0 || (buf = malloc(cap)) == NULL) {
		fprintf(stderr, "usage: xml_bench [megabytes [read-size "
		    "[parse]]]\n");
		return 1;
	}
	len = (size_t)sprintf(buf, "%s", BENCH_HDR);
	for (i = 0; len + 2048 < cap - 64; i++) {
		size_t n = bench_stanza(buf + len, i);

		len += n;
		stanza_bytes += n;
	}
	len += (size_t)sprintf(buf + len, "</stream:stream>");
	for (ser = 0; ser < passes; ser++) {
		for (rep = 0; rep < 5; rep++) {
			t0 = bench_now();
			count = bench_run(buf, len, read, ser, out,
			    sizeof(out));
			if (count < 0)
				return 1;
			t0 = bench_now() - t0;
			if (t0 < best[ser])
				best[ser] = t0;
		}
	}
	printf("xml_bench: %ld stanzas, %.0f bytes average, %zu-byte reads\n",
	    count, (double)stanza_bytes / (double)count, read);
	printf("xml_bench: parse: %.0f MB/s, %.0f stanzas/s\n",
	    (double)len / best[0] / 1e6, (double)count / best[0]);
	if (passes == 2)
		printf("xml_bench: parse+serialize: %.0f MB/s, "
		    "%.0f stanzas/s\n", (double)len / best[1] / 1e6,
		    (double)count / best[1]);
	free(buf);
	return 0;
}
