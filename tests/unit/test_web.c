/*
 * Unit tests for web/: the escaping of each format, the renderers on a
 * snapshot built by hand with hostile strings (the JSON is parsed by
 * Python's json module, the metrics by a line check), and the HTTP side
 * on a real loop: 404, 405 with Allow, and the security headers; over
 * HTTPS (certificates from tls_fixture.h, an OpenSSL client on a thread of
 * its own while the loop serves), a page only for a client certificate
 * from the client CA.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "guard.h"
#include "loop.h"
#include "web.h"
#include "web_int.h"
#include "tls_fixture.h"

/* A value as a hostile peer would choose it. */
#define HOSTILE "<script>alert(\"x\")</script>&'\\\n\x01"

static void
test_escape_html(void **state)
{
	struct web_buf b = { 0 };

	(void)state;
	web_put_html(&b, HOSTILE);
	assert_string_equal(b.data, "&lt;script&gt;alert(&quot;x&quot;)"
	    "&lt;/script&gt;&amp;&#39;\\\n\x01");
	free(b.data);
}

static void
test_escape_json(void **state)
{
	struct web_buf b = { 0 };

	(void)state;
	web_put_json(&b, HOSTILE);
	assert_string_equal(b.data, "\"\\u003cscript\\u003ealert(\\\"x\\\")"
	    "\\u003c/script\\u003e\\u0026'\\\\\\n\\u0001\"");
	free(b.data);
}

static void
test_escape_label(void **state)
{
	struct web_buf b = { 0 };

	(void)state;
	web_put_label(&b, "a\"b\\c\nd<");
	assert_string_equal(b.data, "a\\\"b\\\\c\\nd<");
	free(b.data);
}

/* The buffer's bound: past WEB_BODY_MAX it fails, and stays failed. */
static void
test_buf_bound(void **state)
{
	static char chunk[64 * 1024];
	struct web_buf b = { 0 };
	size_t i;

	(void)state;
	memset(chunk, 'x', sizeof(chunk) - 1);
	for (i = 0; i <= WEB_BODY_MAX / (sizeof(chunk) - 1); i++)
		web_puts(&b, chunk);
	assert_true(b.failed);
	assert_true(b.len <= WEB_BODY_MAX);
	web_puts(&b, "y");
	assert_int_not_equal(b.data[b.len - 1], 'y');
	free(b.data);
}

/* A snapshot of the unit tests' policy with a stream and an alert whose
 * strings are hostile. */
struct fixture {
	struct web_snapshot snap;
	uint64_t (*counts)[GEN_VERDICT_COUNT];
	struct status_peer *peers;
	struct alert_record alert;
	char *authed[1];
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct web_snapshot *s;

	if (f == NULL)
		return -1;
	s = &f->snap;
	f->counts = calloc(gen_policy.nrules, sizeof(*f->counts));
	f->peers = calloc(gen_policy.npeers, sizeof(*f->peers));
	f->authed[0] = HOSTILE;
	s->policy = &gen_policy;
	s->version = "0.1.0";
	s->site_file = "/etc/xedge/" HOSTILE;
	s->started_ms = 1700000000000u;
	s->now_ms = s->started_ms + 61000;
	s->healthy = 1;
	s->memory_held = 1000;
	s->memory_budget = 2000;
	s->peer_status = f->peers;
	f->peers[0].stanzas[STATUS_IN] = 7;
	f->peers[0].ready[STATUS_IN] = 1;
	f->counts[GEN_RULE_NO_ROUTE][GEN_VERDICT_BOUNCE] = 3;
	s->rule_counts = (const uint64_t (*)[GEN_VERDICT_COUNT])f->counts;
	s->nstreams = 1;
	s->nshown = 1;
	s->stream_counts[STATUS_IN][STATUS_STATE_READY] = 1;
	s->streams[0] = (struct status_stream){ .conn = 9, .peer = 0,
	    .dir = STATUS_IN, .state = STATUS_STATE_READY, .local = "a.example",
	    .remote = HOSTILE, .addr = "127.0.0.1:4000",
	    .tls_version = "TLSv1.3", .tls_cipher = "TLS_AES_256_GCM_SHA384",
	    .auth = "certificate", .authed = f->authed, .nauthed = 1,
	    .since_ms = s->started_ms, .stanzas_in = 7 };
	f->alert.when_ms = s->now_ms - 1000;
	f->alert.rule = GEN_RULE_NO_ROUTE;
	f->alert.verdict = GEN_VERDICT_BOUNCE;
	f->alert.peer = 0;
	strcpy(f->alert.from, HOSTILE);
	strcpy(f->alert.to, "b@b.example");
	strcpy(f->alert.why, HOSTILE);
	s->alerts[0] = &f->alert;
	s->nalerts = 1;
	s->alert_totals.raised = 4;
	*state = f;
	return f->counts == NULL || f->peers == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	free(f->counts);
	free(f->peers);
	free(f);
	return 0;
}

/* Python's json module parses TEXT and finds the hostile strings intact;
 * returns its exit status. */
static int
json_check(const char *text)
{
	static const char cmd[] = "/usr/bin/python3 -c '"
	    "import json, sys; d = json.load(sys.stdin); "
	    "h = \"<script>alert(\\\"x\\\")</script>&\\x27\\\\\\n\\x01\"; "
	    "s = d[\"streams\"][\"list\"][0]; a = d[\"alerts\"][\"recent\"][0]; "
	    "sys.exit(0 if s[\"remote\"] == h and s[\"authenticated\"] == [h] "
	    "and a[\"from\"] == h and a[\"why\"] == h "
	    "and d[\"alerts\"][\"raised\"] == 4 else 1)'";
	FILE *p = popen(cmd, "w");

	if (p == NULL)
		return -1;
	fputs(text, p);
	return pclose(p);
}

static void
test_render_json(void **state)
{
	struct fixture *f = *state;
	struct web_buf b = { 0 };

	web_render_json(&b, &f->snap);
	assert_false(b.failed);
	assert_null(strstr(b.data, "<script"));
	assert_int_equal(json_check(b.data), 0);
	free(b.data);
}

/* Every line is a comment or "name{labels} value" with the label values
 * escaped: no raw newline or quote can end one early. */
static void
test_render_metrics(void **state)
{
	struct fixture *f = *state;
	struct web_buf b = { 0 };
	char *line, *save = NULL;

	web_render_metrics(&b, &f->snap);
	assert_false(b.failed);
	assert_non_null(strstr(b.data, "xedge_rule_stanzas_total{rule=\""));
	assert_non_null(strstr(b.data, "verdict=\"bounce\"} 3\n"));
	assert_non_null(strstr(b.data, "xedge_streams{direction=\"in\","
	    "state=\"ready\"} 1\n"));
	assert_non_null(strstr(b.data, "xedge_alerts_total 4\n"));
	assert_non_null(strstr(b.data, "xedge_uptime_seconds 61\n"));
	for (line = strtok_r(b.data, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save))
		assert_true(line[0] == '#' || strncmp(line, "xedge_", 6) == 0);
	free(b.data);
}

static void
test_render_page(void **state)
{
	struct fixture *f = *state;
	struct web_buf b = { 0 };

	web_render_page(&b, &f->snap);
	assert_false(b.failed);
	assert_null(strstr(b.data, "<script>"));
	assert_non_null(strstr(b.data, "&lt;script&gt;alert(&quot;x&quot;)"));
	assert_non_null(strstr(b.data, "<p id=\"alert-banner\" class=\"bad\">"
	    "1 alert in the last five minutes</p>"));
	assert_non_null(strstr(b.data, "</main></body></html>"));
	free(b.data);
}

/*
 * A peer whose link is required and has no ready stream: the snapshot is
 * unhealthy, /healthz's text names the peer, the JSON and metrics say it
 * is required and down, its page row is "bad", and its last error (a
 * hostile text) is shown escaped everywhere. The policy is the unit
 * tests' one with the first peer's link made required.
 */
static void
test_required_peer_down(void **state)
{
	struct fixture *f = *state;
	struct gen_policy policy = gen_policy;
	struct gen_peer *peers;
	struct web_buf b = { 0 };
	char line[128];

	peers = calloc(gen_policy.npeers, sizeof(*peers));
	assert_non_null(peers);
	memcpy(peers, gen_policy.peers, gen_policy.npeers * sizeof(*peers));
	peers[0].required = 1;
	policy.peers = peers;
	f->snap.policy = &policy;
	assert_true(web_healthy(&f->snap));
	f->peers[0].ready[STATUS_IN] = 0;
	snprintf(f->peers[0].error, sizeof(f->peers[0].error), "%s", HOSTILE);
	f->peers[0].error_ms = f->snap.now_ms - 2000;
	assert_false(web_healthy(&f->snap));
	f->snap.healthy = 0;

	web_render_health(&b, &f->snap);
	snprintf(line, sizeof(line), "unhealthy\npeer %s: link required, "
	    "no ready stream\n", peers[0].name);
	assert_string_equal(b.data, line);
	free(b.data);
	memset(&b, 0, sizeof(b));

	web_render_json(&b, &f->snap);
	assert_non_null(strstr(b.data, "\"required\":true,\"up\":false"));
	assert_non_null(strstr(b.data, "\"last_error\":\"\\u003cscript"));
	assert_null(strstr(b.data, "<script"));
	free(b.data);
	memset(&b, 0, sizeof(b));

	web_render_metrics(&b, &f->snap);
	snprintf(line, sizeof(line), "\nxedge_peer_up{peer=\"%s\"} 0\n",
	    peers[0].name);
	assert_non_null(strstr(b.data, line));
	snprintf(line, sizeof(line), "\nxedge_peer_required{peer=\"%s\"} 1\n",
	    peers[0].name);
	assert_non_null(strstr(b.data, line));
	snprintf(line, sizeof(line), "\nxedge_peer_last_error_timestamp_seconds"
	    "{peer=\"%s\"} 1700000059.000\n", peers[0].name);
	assert_non_null(strstr(b.data, line));
	assert_non_null(strstr(b.data, "\nxedge_healthy 0\n"));
	free(b.data);
	memset(&b, 0, sizeof(b));

	web_render_page(&b, &f->snap);
	assert_non_null(strstr(b.data, "<tr class=\"bad\"><td>"));
	assert_non_null(strstr(b.data, "<td>required, DOWN</td>"));
	assert_non_null(strstr(b.data, "<td>&lt;script&gt;alert("));
	assert_null(strstr(b.data, "<script>"));
	free(b.data);
	free(peers);
}

/* The HTTP side: a request written to the server on a real loop, the loop
 * run until the server has answered and closed, the answer read back. */
#define TEST_PORT 18931

static void
stop_loop(struct loop *l, struct loop_timer *t, void *arg)
{
	(void)t;
	(void)arg;
	loop_stop(l);
}

static char *
http(const char *request)
{
	static char answer[64 * 1024];
	struct sockaddr_in sa = { .sin_family = AF_INET,
	    .sin_port = htons(TEST_PORT) };
	struct loop_timer t = { 0 };
	struct loop *l;
	struct web *w;
	ssize_t n;
	size_t len = 0;
	int fd;

	l = loop_new();
	assert_non_null(l);
	w = web_start(l, "127.0.0.1", TEST_PORT, NULL, NULL);
	assert_non_null(w);
	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_int_not_equal(fd, -1);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(write(fd, request, strlen(request)),
	    (ssize_t)strlen(request));
	loop_timer_arm(l, &t, 300, stop_loop, NULL);
	assert_int_equal(loop_run(l), 0);
	while ((n = read(fd, answer + len, sizeof(answer) - 1 - len)) > 0)
		len += (size_t)n;
	answer[len] = '\0';
	close(fd);
	web_stop(w);
	loop_free(l);
	return answer;
}

static void
assert_security_headers(const char *a)
{
	assert_non_null(strstr(a, "Content-Security-Policy: default-src "
	    "'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
	    "img-src 'self' data:;"));
	assert_non_null(strstr(a, "frame-ancestors 'none'"));
	assert_non_null(strstr(a, "X-Content-Type-Options: nosniff\r\n"));
	assert_non_null(strstr(a, "Referrer-Policy: no-referrer\r\n"));
	assert_non_null(strstr(a, "Cache-Control: no-store\r\n"));
}

static void
test_http_405(void **state)
{
	const char *a;

	(void)state;
	a = http("POST / HTTP/1.0\r\nContent-Length: 3\r\n\r\nx=1");
	assert_true(strncmp(a, "HTTP/1.0 405", 12) == 0 ||
	    strncmp(a, "HTTP/1.1 405", 12) == 0);
	assert_non_null(strstr(a, "Allow: GET, HEAD\r\n"));
	assert_security_headers(a);
	a = http("DELETE /metrics HTTP/1.0\r\n\r\n");
	assert_non_null(strstr(a, " 405 "));
}

static void
test_http_404_and_health(void **state)
{
	const char *a;

	(void)state;
	guard.policy = &gen_policy;
	a = http("GET /nothing HTTP/1.0\r\n\r\n");
	assert_non_null(strstr(a, " 404 "));
	assert_security_headers(a);
	a = http("GET /healthz HTTP/1.0\r\n\r\n");
	assert_non_null(strstr(a, " 200 "));
	assert_non_null(strstr(a, "\r\n\r\nok\n"));
	a = http("HEAD /status.json HTTP/1.0\r\n\r\n");
	assert_non_null(strstr(a, " 200 "));
	assert_non_null(strstr(a, "Content-Type: application/json\r\n"));
	assert_non_null(strstr(a, "\r\n\r\n"));
	assert_string_equal(strstr(a, "\r\n\r\n"), "\r\n\r\n");
	guard.admit.held = 10;
	guard.site.admit.memory_budget = 5;
	a = http("GET /healthz HTTP/1.0\r\n\r\n");
	assert_non_null(strstr(a, " 503 "));
	assert_non_null(strstr(a, "\r\n\r\nunhealthy\nmemory: 10 bytes held, "
	    "budget 5\n"));
	memset(&guard, 0, sizeof(guard));
}

/* A client socket from SRC (a loopback address) connected to the test
 * server, having sent REQUEST. */
static int
client_from(const char *src, const char *request)
{
	struct sockaddr_in me = { .sin_family = AF_INET }, sa = {
	    .sin_family = AF_INET, .sin_port = htons(TEST_PORT) };
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_int_not_equal(fd, -1);
	inet_pton(AF_INET, src, &me.sin_addr);
	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	assert_int_equal(bind(fd, (struct sockaddr *)&me, sizeof(me)), 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(write(fd, request, strlen(request)),
	    (ssize_t)strlen(request));
	return fd;
}

/* Runs L for MS milliseconds. */
static void
run_for(struct loop *l, uint64_t ms)
{
	struct loop_timer t = { 0 };

	loop_timer_arm(l, &t, ms, stop_loop, NULL);
	assert_int_equal(loop_run(l), 0);
}

/* A status page on a real loop, for clients to hold its places. */
struct held {
	struct loop *l;
	struct web *w;
};

static int
held_setup(void **state)
{
	struct held *h = calloc(1, sizeof(*h));

	assert_non_null(h);
	guard.policy = &gen_policy;
	h->l = loop_new();
	assert_non_null(h->l);
	h->w = web_start(h->l, "127.0.0.1", TEST_PORT, NULL, NULL);
	assert_non_null(h->w);
	*state = h;
	return 0;
}

static int
held_teardown(void **state)
{
	struct held *h = *state;

	web_stop(h->w);
	loop_free(h->l);
	memset(&guard, 0, sizeof(guard));
	free(h);
	return 0;
}

/* A client from ADDR asking for /healthz, not blocking on its reads. */
static int
late_client(const char *addr)
{
	int fd = client_from(addr, "GET /healthz HTTP/1.0\r\n\r\n");

	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	return fd;
}

/* Reads FD's answer and fails unless it is a 200. */
static void
assert_answered(int fd)
{
	char answer[4096];
	ssize_t n;

	n = read(fd, answer, sizeof(answer) - 1);
	assert_true(n > 0);
	answer[n] = '\0';
	assert_non_null(strstr(answer, " 200 "));
}

/*
 * With every connection taken by clients that never finish a request, a
 * new one waits in the backlog; as soon as one closes, it is accepted and
 * answered, not at the next timeout.
 */
static void
test_http_backlog(void **state)
{
	static const char *const src[] = { "127.0.0.2", "127.0.0.3" };
	struct held *h = *state;
	char answer[64];
	int held[16], late;
	size_t i;

	for (i = 0; i < 16; i++)
		held[i] = client_from(src[i / 8], "GET / HTTP/1.1\r\n");
	run_for(h->l, 200);
	late = late_client("127.0.0.4");
	run_for(h->l, 200);
	assert_int_equal(read(late, answer, sizeof(answer)), -1);
	close(held[0]);
	run_for(h->l, 300);
	assert_answered(late);
	close(late);
	for (i = 1; i < 16; i++)
		close(held[i]);
}

/*
 * Clients from one address past its limit (8) are turned away by MHD as
 * they are handed over, and that costs no place: a client from another
 * address, which connects after them, is answered while the first 8 hold
 * theirs.
 */
static void
test_http_per_address(void **state)
{
	struct held *h = *state;
	int held[12], late;
	size_t i;

	for (i = 0; i < 12; i++)
		held[i] = client_from("127.0.0.2", "GET / HTTP/1.1\r\n");
	run_for(h->l, 200);
	late = late_client("127.0.0.3");
	run_for(h->l, 300);
	assert_answered(late);
	close(late);
	for (i = 0; i < 12; i++)
		close(held[i]);
}

/*
 * HTTPS: the server on a real loop with the fixture's certificate "a" and
 * its CA as the client CA; the client, on a thread, sends one request with
 * leaf certificate LEAF (NULL: none), or in plain HTTP if PLAIN, and reads
 * the answer to its end.
 */
#define TEST_TLS_PORT 18932

struct https_client {
	const char *leaf;
	int plain;
	const char *request;
	char answer[64 * 1024];
	int handshake_ok;
	_Atomic int done;
};

/* The status code of answer A, or 0 if A is not an HTTP answer. */
static int
http_status(const char *a)
{
	if (strncmp(a, "HTTP/1.", 7) != 0 || a[8] != ' ')
		return 0;
	return atoi(a + 9);
}

static int
https_connect(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
	    .sin_port = htons(TEST_TLS_PORT) };
	struct timeval tv = { .tv_sec = 3 };
	int fd;

	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd == -1 || setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv,
	    sizeof(tv)) == -1 ||
	    connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == -1) {
		if (fd != -1)
			close(fd);
		return -1;
	}
	return fd;
}

/* The client's side, one exchange; ANSWER holds what came back. */
static void
https_exchange(struct https_client *hc, int fd)
{
	SSL_CTX *ctx;
	SSL *ssl = NULL;
	size_t len = 0;
	int n;

	if (hc->plain) {
		if (write(fd, hc->request, strlen(hc->request)) > 0)
			while ((n = (int)read(fd, hc->answer + len,
			    sizeof(hc->answer) - 1 - len)) > 0)
				len += (size_t)n;
		hc->answer[len] = '\0';
		return;
	}
	ctx = SSL_CTX_new(TLS_client_method());
	if (ctx == NULL ||
	    SSL_CTX_load_verify_locations(ctx, fx_path("ca", "pem"),
	    NULL) != 1)
		goto out;
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	if (hc->leaf != NULL && (SSL_CTX_use_certificate_file(ctx,
	    fx_path(hc->leaf, "pem"), SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_use_PrivateKey_file(ctx, fx_path(hc->leaf, "key"),
	    SSL_FILETYPE_PEM) != 1))
		goto out;
	ssl = SSL_new(ctx);
	if (ssl == NULL || SSL_set_fd(ssl, fd) != 1 || SSL_connect(ssl) != 1)
		goto out;
	hc->handshake_ok = 1;
	if (SSL_write(ssl, hc->request, (int)strlen(hc->request)) <= 0)
		goto out;
	while ((n = SSL_read(ssl, hc->answer + len,
	    (int)(sizeof(hc->answer) - 1 - len))) > 0)
		len += (size_t)n;
out:
	hc->answer[len] = '\0';
	SSL_free(ssl);
	SSL_CTX_free(ctx);
	ERR_clear_error();
}

static void *
https_client_run(void *arg)
{
	struct https_client *hc = arg;
	int fd;

	fd = https_connect();
	if (fd != -1) {
		https_exchange(hc, fd);
		close(fd);
	}
	hc->done = 1;
	return NULL;
}

/* Stops the loop once the client is done (or after about 5 s). */
static void
https_poll(struct loop *l, struct loop_timer *t, void *arg)
{
	static unsigned ticks;
	struct https_client *hc = arg;

	if (hc->done || ++ticks > 500) {
		ticks = 0;
		loop_stop(l);
	} else
		loop_timer_arm(l, t, 10, https_poll, hc);
}

/* Serves one exchange of HC over HTTPS on a fresh loop. */
static void
https(struct https_client *hc)
{
	struct loop_timer t = { 0 };
	struct web_tls *tls;
	struct loop *l;
	struct web *w;
	pthread_t th;

	tls = web_tls_load(fx_path("a", "pem"), fx_path("a", "key"),
	    fx_path("ca", "pem"));
	assert_non_null(tls);
	l = loop_new();
	assert_non_null(l);
	w = web_start(l, "127.0.0.1", TEST_TLS_PORT, tls, NULL);
	assert_non_null(w);
	if (hc->request == NULL)
		hc->request = "GET /healthz HTTP/1.0\r\n\r\n";
	assert_int_equal(pthread_create(&th, NULL, https_client_run, hc), 0);
	loop_timer_arm(l, &t, 10, https_poll, hc);
	assert_int_equal(loop_run(l), 0);
	web_stop(w);
	assert_int_equal(pthread_join(th, NULL), 0);
	assert_true(hc->done);
	loop_free(l);
	web_tls_free(tls);
}

static int
https_setup(void **state)
{
	(void)state;
	guard.policy = &gen_policy;
	return fx_make();
}

static int
https_teardown(void **state)
{
	(void)state;
	fx_remove();
	memset(&guard, 0, sizeof(guard));
	return 0;
}

/* A certificate from the client CA gets the page, over TLS 1.2 or 1.3. */
static void
test_https_client_cert(void **state)
{
	struct https_client hc = { .leaf = "b" };
	struct https_client page = { .leaf = "clientonly",
	    .request = "GET /status.json HTTP/1.0\r\n\r\n" };

	(void)state;
	https(&hc);
	assert_true(hc.handshake_ok);
	assert_true(http_status(hc.answer) == 200);
	assert_non_null(strstr(hc.answer, "\r\n\r\nok\n"));
	assert_security_headers(hc.answer);
	https(&page);
	assert_true(http_status(page.answer) == 200);
	assert_non_null(strstr(page.answer, "\"policy\""));
}

/* No certificate, or one not from the client CA, expired or not for
 * client authentication: the handshake completes (GnuTLS only asks for
 * a certificate), and the request gets 403 and no page. */
static void
test_https_refused(void **state)
{
	static const char *const leaves[] = {
		NULL, "untrusted", "expired", "serveronly",
	};
	struct https_client hc;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(leaves) / sizeof(leaves[0]); i++) {
		memset(&hc, 0, sizeof(hc));
		hc.leaf = leaves[i];
		hc.request = "GET /status.json HTTP/1.0\r\n\r\n";
		https(&hc);
		assert_true(http_status(hc.answer) == 403);
		assert_null(strstr(hc.answer, "\"policy\""));
		assert_non_null(strstr(hc.answer, "client certificate"));
	}
}

/* Plain HTTP to the HTTPS port gets no HTTP answer. */
static void
test_https_plain_refused(void **state)
{
	struct https_client hc = { .plain = 1 };

	(void)state;
	https(&hc);
	assert_null(strstr(hc.answer, "HTTP/"));
	assert_null(strstr(hc.answer, "ok"));
}

/* The files are checked when read: missing, a key that is not the
 * certificate's, a CA file without a certificate. */
static void
test_https_load_errors(void **state)
{
	(void)state;
	assert_null(web_tls_load(fx_path("none", "pem"), fx_path("a", "key"),
	    fx_path("ca", "pem")));
	assert_null(web_tls_load(fx_path("ca", "pem"), fx_path("a", "key"),
	    fx_path("ca", "pem")));
	assert_null(web_tls_load(fx_path("a", "pem"), fx_path("a", "key"),
	    fx_path("a", "key")));
	web_tls_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_http_backlog, held_setup,
		    held_teardown),
		cmocka_unit_test_setup_teardown(test_http_per_address,
		    held_setup, held_teardown),
		cmocka_unit_test(test_escape_html),
		cmocka_unit_test(test_escape_json),
		cmocka_unit_test(test_escape_label),
		cmocka_unit_test(test_buf_bound),
		cmocka_unit_test_setup_teardown(test_render_json, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_render_metrics, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_render_page, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_required_peer_down,
		    setup, teardown),
		cmocka_unit_test(test_http_405),
		cmocka_unit_test(test_http_404_and_health),
		cmocka_unit_test_setup_teardown(test_https_client_cert,
		    https_setup, https_teardown),
		cmocka_unit_test_setup_teardown(test_https_refused,
		    https_setup, https_teardown),
		cmocka_unit_test_setup_teardown(test_https_plain_refused,
		    https_setup, https_teardown),
		cmocka_unit_test_setup_teardown(test_https_load_errors,
		    https_setup, https_teardown),
	};

	return cmocka_run_group_tests_name("web", tests, NULL, NULL);
}
