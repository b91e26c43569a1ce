/*
 * Unit tests for web/: the escaping of each format, the renderers on a
 * snapshot built by hand with hostile strings (the JSON is parsed by
 * Python's json module, the metrics by a line check), and the HTTP side
 * on a real loop: 404, 405 with Allow, and the security headers.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "guard.h"
#include "loop.h"
#include "web.h"
#include "web_int.h"

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
	struct status_peer_count *peers;
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
	s->peer_counts = f->peers;
	f->peers[0].stanzas[STATUS_IN] = 7;
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
	w = web_start(l, "127.0.0.1", TEST_PORT, NULL);
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
	memset(&guard, 0, sizeof(guard));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
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
		cmocka_unit_test(test_http_405),
		cmocka_unit_test(test_http_404_and_health),
	};

	return cmocka_run_group_tests_name("web", tests, NULL, NULL);
}
