/*
 * The s2s handlers (runtime/s2s_in.c, s2s_dialback.c, s2s_egress.c) driven
 * element by element, with seams instead of the network: -Wl,--wrap on
 * conn_write (what the guard writes is captured here), conn_connect_fd
 * (outbound dialling fails, and is counted) and resolve_start (DNS SRV
 * lookups are answered by the test). Runs against
 * examples/single-edge.policy (inside: a.example, partner: b.example; both
 * 'certificate or dialback'), or a copy of it the test changes: the guard
 * reads its policy through guard.policy.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "guard.h"
#include "policy.h"
#include "policy_fixture.h"
#include "s2s_int.h"
#include "stanza_fixture.h"
#include "status.h"

static char written[16384];
static size_t nwritten;
static int dials;
static char dialled[4][80];	/* the first dials, "host:port" */

/* The lookup the guard started last, for the test to answer. */
static struct {
	char domain[64];
	resolve_fn *fn;
	void *arg;
	int started;
} lookup;

int __wrap_conn_write(struct conn *c, const void *data, size_t len);
int __wrap_conn_connect_fd(const char *host, uint16_t port);
struct resolve_req *__wrap_resolve_start(const char *domain, int direct_tls,
    resolve_fn *fn, void *arg);
void __wrap_resolve_cancel(struct resolve_req *req);

int
__wrap_conn_write(struct conn *c, const void *data, size_t len)
{
	(void)c;
	if (nwritten + len >= sizeof(written))
		return -1;
	memcpy(written + nwritten, data, len);
	nwritten += len;
	written[nwritten] = '\0';
	return 0;
}

/* Every dial fails, as towards a server that is down. */
int
__wrap_conn_connect_fd(const char *host, uint16_t port)
{
	if (dials < 4)
		snprintf(dialled[dials], sizeof(dialled[dials]), "%s:%u", host,
		    (unsigned)port);
	dials++;
	return -1;
}

struct resolve_req *
__wrap_resolve_start(const char *domain, int direct_tls, resolve_fn *fn,
    void *arg)
{
	(void)direct_tls;
	snprintf(lookup.domain, sizeof(lookup.domain), "%s", domain);
	lookup.fn = fn;
	lookup.arg = arg;
	lookup.started++;
	/* Any non-NULL pointer: the guard only hands it back to cancel. */
	return (struct resolve_req *)&lookup;
}

void
__wrap_resolve_cancel(struct resolve_req *req)
{
	assert_ptr_equal(req, &lookup);
	lookup.fn = NULL;
}

struct fixture {
	struct xml_parser *xml;
	struct s2s *s;
	int peer_fd;
};

static int
setup(void **state)
{
	struct fixture *f;
	int sv[2];

	if (strcmp(GEN_POLICY_NAME, "single-edge") != 0)
		skip();
	f = calloc(1, sizeof(*f));
	assert_non_null(f);
	guard.policy = &gen_policy;
	guard.loop = loop_new();
	assert_non_null(guard.loop);
	assert_int_equal(route_init(&guard.route, &gen_policy), 0);
	assert_int_equal(s2s_init(), 0);
	assert_int_equal(site_init(&guard.site, &gen_policy), 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	s2s_accept(sv[0], 0);
	f->s = guard.streams;
	assert_non_null(f->s);
	f->peer_fd = sv[1];
	nwritten = 0;
	dials = 0;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	/* The connection's free needs the loop: what is left is freed with
	 * the process. */
	close(f->peer_fd);
	xml_free(f->xml);
	route_free(&guard.route);
	s2s_fini();
	site_free(&guard.site);
	free(f);
	return 0;
}

/* Gives stream S the header from FROM to TO, as a peer would send it. */
static void
header(struct fixture *f, const char *from, const char *to)
{
	struct stanza_node root = { .kind = STANZA_ELEMENT,
	    .ns = STANZA_NS_STREAMS, .name = "stream" };
	struct stanza_attr a_from = { .ns = "", .name = "from", .value = from },
	    a_to = { .ns = "", .name = "to", .value = to },
	    a_ver = { .ns = "", .name = "version", .value = "1.0" },
	    a_ns = { .ns = STANZA_NS_XMLNS, .name = "xmlns",
	    .value = STANZA_NS_SERVER };

	a_from.next = &a_to;
	a_to.next = &a_ver;
	a_ver.next = &a_ns;
	root.attrs = &a_from;
	s2s_in_header(f->s, &root);
}

static void
element(struct fixture *f, const char *text)
{
	s2s_in_element(f->s, (struct stanza_node *)fixture_stanza(&f->xml,
	    text));
}

static void
test_header_for_unfronted_domain(void **state)
{
	struct fixture *f = *state;

	header(f, "b.example", "zzz.example");
	assert_non_null(strstr(written, "<host-unknown"));
	assert_int_equal(f->s->state, S2S_CLOSED);
}

/* Before TLS, a certificate-and-dialback peer may not use dialback (it
 * is not forced): a db:verify ends the stream, whatever its fields. */
static void
test_db_verify_before_tls(void **state)
{
	struct fixture *f = *state;

	header(f, "b.example", "a.example");
	assert_non_null(strstr(written, "<starttls"));
	assert_int_equal(f->s->state, S2S_NEGOTIATE);
	nwritten = 0;
	element(f, "<db:verify xmlns:db='jabber:server:dialback' "
	    "from='b.example' to='a.example' id='x'>00</db:verify>");
	assert_non_null(strstr(written, "<policy-violation"));
	assert_int_equal(f->s->state, S2S_CLOSED);
	assert_string_equal(guard.peer_status[fixture_peer("partner")].error,
	    "policy-violation");
}

/* After (pretended) TLS, the guard answers a db:verify for a domain it
 * fronts with the key it would issue, and invalid otherwise. */
static void
test_db_verify_answers(void **state)
{
	struct fixture *f = *state;
	char key[DIALBACK_KEY_LEN + 1], text[512];

	header(f, "b.example", "a.example");
	f->s->tls_up = 1;
	dialback_key(guard.dialback_secret, "b.example", "a.example", "s1",
	    key);
	snprintf(text, sizeof(text), "<db:verify xmlns:db='jabber:server:"
	    "dialback' from='b.example' to='a.example' id='s1'>%s</db:verify>",
	    key);
	nwritten = 0;
	element(f, text);
	assert_string_equal(written, "<db:verify from='a.example' "
	    "to='b.example' id='s1' type='valid'/>");
	nwritten = 0;
	element(f, "<db:verify xmlns:db='jabber:server:dialback' "
	    "from='b.example' to='z.example' id='s1'>00</db:verify>");
	assert_string_equal(written, "<db:verify from='z.example' "
	    "to='b.example' id='s1' type='invalid'/>");
}

static void
test_stanza_before_auth(void **state)
{
	struct fixture *f = *state;

	header(f, "b.example", "a.example");
	f->s->tls_up = 1;
	element(f, "<message from='x@b.example' to='y@a.example'/>");
	assert_non_null(strstr(written, "<not-authorized"));
}

/* A stream counts among its peer's ready streams from s2s_ready until it
 * closes; an idle close is no error. */
static void
test_ready_count(void **state)
{
	struct fixture *f = *state;
	struct status_peer *p;

	header(f, "b.example", "a.example");
	p = &guard.peer_status[fixture_peer("partner")];
	f->s->tls_up = 1;
	f->s->authed[f->s->nauthed++] = strdup("b.example");
	s2s_ready(f->s);
	assert_int_equal(p->ready[STATUS_IN], 1);
	assert_int_equal(p->ready[STATUS_OUT], 0);
	s2s_close(f->s, STANZA_COND_REMOTE_SERVER_TIMEOUT, "idle");
	assert_int_equal(p->ready[STATUS_IN], 0);
	assert_string_equal(p->error, "");
}

/*
 * A destination that is down is dialled once; until the backoff ends,
 * stanzas for it bounce at once (here: back to b.example, dialled and
 * failing too) instead of each dialling again.
 */
static void
test_backoff(void **state)
{
	struct fixture *f = *state;
	int i;

	header(f, "b.example", "a.example");
	f->s->tls_up = 1;
	f->s->state = S2S_READY;
	f->s->authed[f->s->nauthed++] = strdup("b.example");
	for (i = 0; i < 20; i++)
		element(f, "<message from='x@b.example' to='y@a.example'/>");
	/* a.example once, then b.example once for the bounces; each failed
	 * dial is its peer's last error. */
	assert_int_equal(dials, 2);
	assert_string_equal(guard.peer_status[fixture_peer("inside")].error,
	    "connect failed");
	assert_true(guard.peer_status[fixture_peer("inside")].error_ms > 0);
	assert_int_equal(guard.route.counters[gen_policy.peers[0].rules.route]
	    [GEN_VERDICT_BOUNCE], 20);
}

/*
 * The partner found by DNS SRV (a copy of the policy, changed as a test
 * may): a stanza for it waits on a stream whose lookup is under way; the
 * answer is dialled; a failed lookup bounces what waited and starts the
 * backoff, so the next stanza starts no lookup of its own.
 */
static void
test_srv_lookup(void **state)
{
	struct fixture *f = *state;
	struct gen_peer peers[GEN_NPEERS];
	struct gen_policy pol = gen_policy;
	struct resolve_answer a = { .ok = 1, .host = "127.0.0.9",
	    .port = 5270 };
	int partner = fixture_peer("partner");
	unsigned route;

	memcpy(peers, gen_policy.peers, sizeof(peers));
	peers[partner].connect = GEN_CONNECT_SRV;
	pol.peers = peers;
	guard.policy = &pol;
	free(guard.site.peers[partner].host);
	guard.site.peers[partner].host = NULL;
	route = peers[partner].rules.route;
	memset(&lookup, 0, sizeof(lookup));
	header(f, "a.example", "b.example");
	f->s->tls_up = 1;
	f->s->state = S2S_READY;
	f->s->authed[f->s->nauthed++] = strdup("a.example");
	element(f, "<message from='x@a.example' to='y@b.example' id='m1'/>");
	assert_int_equal(lookup.started, 1);
	assert_string_equal(lookup.domain, "b.example");
	assert_int_equal(dials, 0);
	lookup.fn(lookup.arg, &a);
	/* The answer is dialled and fails; what waited bounces, towards
	 * a.example (dialled too, at its static address). */
	assert_int_equal(dials, 2);
	assert_string_equal(dialled[0], "127.0.0.9:5270");
	assert_string_equal(dialled[1], "127.0.1.1:5269");
	assert_int_equal(guard.route.counters[route][GEN_VERDICT_BOUNCE], 1);
	/* The backoff holds the next stanza without a lookup. */
	element(f, "<message from='x@a.example' to='y@b.example' id='m2'/>");
	assert_int_equal(lookup.started, 1);
	assert_int_equal(guard.route.counters[route][GEN_VERDICT_BOUNCE], 2);
	guard.policy = &gen_policy;
}

/*
 * A peer whose link is required is dialled with no stanza to send, from
 * the other side's domain; a failed dial backs off like any other; a peer
 * with a ready stream, or whose link is not required, is not dialled.
 */
static void
test_required_link(void **state)
{
	struct fixture *f = *state;
	struct gen_peer peers[GEN_NPEERS];
	struct gen_policy pol = gen_policy;
	int partner = fixture_peer("partner");

	memcpy(peers, gen_policy.peers, sizeof(peers));
	pol.peers = peers;
	guard.policy = &pol;
	s2s_links_tick();
	assert_int_equal(dials, 0);
	peers[partner].required = 1;
	s2s_links_tick();
	assert_int_equal(dials, 1);
	assert_string_equal(dialled[0], "127.0.2.1:5269");
	assert_string_equal(guard.peer_status[partner].error,
	    "connect failed");
	s2s_links_tick();
	assert_int_equal(dials, 1);
	/* Up by the partner's own stream: nothing to dial. */
	peers[fixture_peer("inside")].required = 1;
	header(f, "a.example", "b.example");
	f->s->tls_up = 1;
	f->s->authed[f->s->nauthed++] = strdup("a.example");
	s2s_ready(f->s);
	s2s_links_tick();
	assert_int_equal(dials, 1);
	guard.policy = &gen_policy;
}

/* A peer's bytes are those of its streams that ended and of those alive. */
static void
test_peer_bytes(void **state)
{
	struct fixture *f = *state;
	struct status_peer out[GEN_NPEERS];
	int partner = fixture_peer("partner");

	header(f, "b.example", "a.example");
	f->s->conn->bytes_in = 100;
	f->s->conn->bytes_out = 7;
	s2s_status_peers(out);
	assert_int_equal(out[partner].bytes[STATUS_IN], 100);
	assert_int_equal(out[partner].bytes[STATUS_OUT], 7);
	assert_int_equal(out[fixture_peer("inside")].bytes[STATUS_IN], 0);
	/* Its connection ends: kept in the peer's totals. */
	s2s_status_ended(f->s);
	f->s->conn->bytes_in = 1;
	s2s_status_peers(out);
	assert_int_equal(out[partner].bytes[STATUS_IN], 101);
	assert_int_equal(guard.peer_status[partner].bytes[STATUS_OUT], 7);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_header_for_unfronted_domain, setup, teardown),
		cmocka_unit_test_setup_teardown(test_db_verify_before_tls,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_db_verify_answers, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_stanza_before_auth, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_ready_count, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_backoff, setup, teardown),
		cmocka_unit_test_setup_teardown(test_srv_lookup, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_required_link, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_peer_bytes, setup,
		    teardown),
	};

	return cmocka_run_group_tests_name("s2s", tests, NULL, NULL);
}
