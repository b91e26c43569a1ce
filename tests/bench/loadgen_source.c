/*
 * loadgen: the source role. It dials the path as the sending domain,
 * negotiates STARTTLS and SASL EXTERNAL, and queues message stanzas as
 * fast as the path takes them or, in rate mode, on a timer.
 */
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "loadgen.h"

static void
lg_digits(char *p, size_t width, uint64_t v)
{
	while (width-- > 0) {
		p[width] = (char)('0' + v % 10);
		v /= 10;
	}
}

/* Queues N message stanzas stamped with the current time on source C. */
static void
lg_send_messages(struct lg *lg, struct lg_conn *c, size_t n)
{
	uint64_t now = lg_now();
	char *p = lg_out_reserve(c, n * lg->tmpl_len);
	size_t i;

	for (i = 0; i < n; i++, p += lg->tmpl_len) {
		memcpy(p, lg->tmpl + lg->sent % lg->ntmpl * lg->tmpl_len,
		    lg->tmpl_len);
		lg_digits(p + lg->id_off, LG_ID_DIGITS, ++lg->sent);
		lg_digits(p + lg->ts_off, LG_TS_DIGITS, now);
	}
	c->outlen += n * lg->tmpl_len;
}

/* The labels of file PATH into *LABELS (at most LG_LABELS), one a line:
 * the base64 text, then, after a space, its display marking if it has
 * one. Returns how many. */
static size_t
lg_labels(const char *path, char labels[][LG_LABEL_MAX])
{
	FILE *f = fopen(path, "r");
	size_t n = 0;

	if (f == NULL)
		lg_die("cannot read the labels file");
	while (n < LG_LABELS && fgets(labels[n], LG_LABEL_MAX, f) != NULL) {
		labels[n][strcspn(labels[n], "\n")] = '\0';
		if (labels[n][0] != '\0')
			n++;
	}
	fclose(f);
	if (n == 0)
		lg_die("no label in the labels file");
	return n;
}

/* The XEP-0258 label of LINE of the labels file (see lg_labels) into
 * OUT (CAP bytes). */
static void
lg_securitylabel(char *out, size_t cap, const char *line)
{
	size_t n = strcspn(line, " ");

	snprintf(out, cap, "<securitylabel xmlns='urn:xmpp:sec-label:0'>"
	    "%s%s%s<label><esssecuritylabel xmlns='urn:xmpp:sec-label:ess:0'>"
	    "%.*s</esssecuritylabel></label></securitylabel>",
	    line[n] != '\0' ? "<displaymarking>" : "",
	    line[n] != '\0' ? line + n + 1 : "",
	    line[n] != '\0' ? "</displaymarking>" : "", (int)n, line);
}

/* Writes at OUT (LEN bytes) a message with HEAD (N bytes), padded with
 * words in the body, then the XEP-0258 label of LABEL, a line of the
 * labels file (none if NULL). */
static void
lg_message(char *out, size_t len, const char *head, size_t n,
    const char *label)
{
	static const char words[] = "lorem ipsum dolor sit amet ";
	char tail[LG_LABEL_MAX + 256], sl[LG_LABEL_MAX + 192] = "";
	size_t pad, i;

	if (label != NULL)
		lg_securitylabel(sl, sizeof(sl), label);
	snprintf(tail, sizeof(tail), "</body>%s</message>", sl);
	pad = len - n - strlen(tail);
	memcpy(out, head, n);
	for (i = 0; i < pad; i++)
		out[n + i] = words[i % (sizeof(words) - 1)];
	memcpy(out + n + pad, tail, strlen(tail));
}

/*
 * Builds the message templates: opts.size bytes each (or the smallest
 * message that carries an id, a time stamp and the longest label),
 * padded with words in the body; one per label of opts.labels, each
 * carrying it, else one.
 */
void
lg_template(struct lg *lg)
{
	static char labels[LG_LABELS][LG_LABEL_MAX];
	char head[512];
	size_t i, longest = 0, fixed;
	int n;

	lg->ntmpl = lg->o.labels != NULL ? lg_labels(lg->o.labels, labels) : 1;
	for (i = 0; lg->o.labels != NULL && i < lg->ntmpl; i++)
		if (strlen(labels[i]) > longest)
			longest = strlen(labels[i]);
	n = snprintf(head, sizeof(head), "<message from='user@%s/r' "
	    "to='user@%s/r' type='chat' id='%0*d'><body>ts:%0*d ",
	    lg->o.from, lg->o.to, LG_ID_DIGITS, 0, LG_TS_DIGITS, 0);
	if (n < 0 || (size_t)n >= sizeof(head))
		lg_die("domain names too long");
	/* The head, the longest label's element and the closing tags. */
	fixed = (size_t)n + strlen("</body></message>") + (lg->o.labels !=
	    NULL ? longest + 256 : 0);
	lg->tmpl_len = lg->o.size > fixed ? lg->o.size : fixed;
	if ((lg->tmpl = malloc(lg->ntmpl * lg->tmpl_len)) == NULL)
		lg_die("out of memory");
	for (i = 0; i < lg->ntmpl; i++)
		lg_message(lg->tmpl + i * lg->tmpl_len, lg->tmpl_len, head,
		    (size_t)n, lg->o.labels != NULL ? labels[i] : NULL);
	lg->id_off = (size_t)(strstr(head, "id='") - head) + 4;
	lg->ts_off = (size_t)(strstr(head, "ts:") - head) + 3;
}

void
lg_source_header(struct lg *lg, struct lg_conn *c)
{
	char h[512];

	snprintf(h, sizeof(h), "<stream:stream xmlns='jabber:server' "
	    "xmlns:stream='" LG_NS_STREAM "' from='%s' to='%s' "
	    "version='1.0'>", lg->o.from, lg->o.to);
	lg_send(c, h);
}

/* Advances a source's negotiation on one event. Returns 0 or -1. */
int
lg_source_event(struct lg *lg, struct lg_conn *c, enum lg_event ev,
    size_t start, size_t end)
{
	char auth[512];
	unsigned char b64[256];

	if (ev == LG_EV_OPEN)
		return 0;
	if (lg_is(c->in, start, end, "failure"))
		return lg_fail(c, "%.*s", (int)(end - start), c->in + start);
	switch (c->state) {
	case LG_FEATURES_TLS:
		if (!lg_is(c->in, start, end, "features") ||
		    !lg_has(c->in, start, end, "starttls"))
			return lg_fail(c, "no STARTTLS offered");
		lg_send(c, "<starttls xmlns='" LG_NS_TLS "'/>");
		c->state = LG_PROCEED;
		return 0;
	case LG_PROCEED:
		if (!lg_is(c->in, start, end, "proceed"))
			return lg_fail(c, "expected <proceed/>");
		c->state = LG_HANDSHAKE;
		return 0;
	case LG_FEATURES_SASL:
		if (!lg_is(c->in, start, end, "features") ||
		    !lg_has(c->in, start, end, "EXTERNAL"))
			return lg_fail(c, "no SASL EXTERNAL offered");
		if (strlen(lg->o.from) > 180)
			return lg_fail(c, "domain name too long");
		EVP_EncodeBlock(b64, (const unsigned char *)lg->o.from,
		    (int)strlen(lg->o.from));
		snprintf(auth, sizeof(auth), "<auth xmlns='" LG_NS_SASL "' "
		    "mechanism='EXTERNAL'>%s</auth>", b64);
		lg_send(c, auth);
		c->state = LG_SASL_RESULT;
		return 0;
	case LG_SASL_RESULT:
		if (!lg_is(c->in, start, end, "success"))
			return lg_fail(c, "expected SASL <success/>");
		c->scan.depth = 0;
		lg_source_header(lg, c);
		c->state = LG_FEATURES_END;
		return 0;
	case LG_FEATURES_END:
		if (!lg_is(c->in, start, end, "features"))
			return lg_fail(c, "expected stream features");
		c->state = LG_READY;
		lg->ready++;
		return 0;
	default:
		return lg_fail(c, "internal error: source state");
	}
}

/* Returns 1 once C's TCP connect has completed, 0 to wait, -1 on error. */
int
lg_connected(struct lg *lg, struct lg_conn *c)
{
	int err = 0;
	socklen_t len = sizeof(err);

	if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1)
		return lg_fail(c, "getsockopt: %s", strerror(errno));
	if (err == 0 && connect(c->fd, (struct sockaddr *)&lg->dest,
	    sizeof(lg->dest)) == -1) {
		if (errno == EALREADY || errno == EINPROGRESS)
			return 0;
		if (errno != EISCONN)
			err = errno;
	}
	if (err != 0)
		return lg_fail(c, "connect %s: %s", lg->o.connect,
		    strerror(err));
	lg_source_header(lg, c);
	c->state = LG_FEATURES_TLS;
	return 1;
}

/* Queues a source's next stanzas when the phase calls for them. */
int
lg_refill(struct lg *lg, struct lg_conn *c)
{
	if (c->role != LG_SOURCE || c->state != LG_READY || lg->o.idle)
		return 0;
	if (lg->phase == LG_PH_PRIME && !c->primed) {
		c->primed = 1;
		lg_send_messages(lg, c, 1);
		return 1;
	}
	if (lg->o.rate == 0 && (lg->phase == LG_PH_WARMUP ||
	    lg->phase == LG_PH_MEASURE)) {
		size_t n = LG_RECORD / lg->tmpl_len;

		lg_send_messages(lg, c, n > 0 ? n : 1);
		return 1;
	}
	return 0;
}

/* Opens source streams while fewer than LG_NEGOTIATING are negotiating. */
void
lg_open_sources(struct lg *lg)
{
	while (lg->opened < lg->o.streams &&
	    lg->opened - lg->ready < LG_NEGOTIATING) {
		int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK |
		    SOCK_CLOEXEC, 0);

		if (fd == -1)
			lg_die("socket: %s", strerror(errno));
		if (connect(fd, (struct sockaddr *)&lg->dest,
		    sizeof(lg->dest)) == -1 && errno != EINPROGRESS)
			lg_die("connect %s: %s", lg->o.connect,
			    strerror(errno));
		lg_conn_new(lg, fd, LG_SOURCE);
		lg->opened++;
	}
}

/* Rate mode: queues the stanzas due since the load began, spread evenly. */
void
lg_tick(struct lg *lg)
{
	uint64_t expirations, due, todo, share, extra, late = 0;
	size_t i;
	unsigned k;

	if (read(lg->tfd, &expirations, sizeof(expirations)) == -1 &&
	    errno != EAGAIN)
		lg_die("timerfd: %s", strerror(errno));
	if (lg->phase != LG_PH_WARMUP && lg->phase != LG_PH_MEASURE)
		return;
	due = lg->sent_base + (uint64_t)((double)(lg_now() - lg->t_load) *
	    lg->o.rate / 1e9);
	if (due <= lg->sent + lg->late)
		return;
	todo = due - (lg->sent + lg->late);
	share = todo / lg->o.streams;
	extra = todo % lg->o.streams;
	for (i = 0, k = 0; i < lg->nconns; i++) {
		struct lg_conn *c = lg->conns[i];
		uint64_t n;

		if (c->role != LG_SOURCE)
			continue;
		n = share + ((k++ + lg->o.streams - lg->rr) %
		    lg->o.streams < extra);
		if (n == 0)
			continue;
		if (c->outlen - c->outoff > LG_OUT_BEHIND)
			late += n;
		else
			lg_send_messages(lg, c, n);
		lg_runnable(lg, c);
	}
	lg->late += late;
	lg->rr = (unsigned)((lg->rr + extra) % lg->o.streams);
}

void
lg_timer(struct lg *lg, uint64_t period_ns)
{
	struct itimerspec its;

	memset(&its, 0, sizeof(its));
	its.it_interval.tv_sec = (time_t)(period_ns / LG_SEC);
	its.it_interval.tv_nsec = (long)(period_ns % LG_SEC);
	its.it_value = its.it_interval;
	if (timerfd_settime(lg->tfd, 0, &its, NULL) == -1)
		lg_die("timerfd_settime: %s", strerror(errno));
}
