/*
 * Alerts: the state, the per-rule rate, the counters and the ring of
 * recent alerts. Formatting and the sinks are in alert_sink.c.
 *
 * A rule's rate window opens with its first alert and closes once
 * rate_window_ms have passed (monotonic time); the alerts past `rate` in
 * it are only counted, at a constant cost and with no memory, and the
 * count goes out as one summary when the window closes: at alert_tick, or
 * at the rule's next alert, whichever comes first.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alert_int.h"
#include "log.h"

int
alert_init(struct alert_state *s, const struct alert_config *cfg,
    const struct gen_policy *p, alert_send_fn *send, void *arg)
{
	*s = (struct alert_state){ .cfg = cfg, .policy = p, .send = send,
	    .send_arg = arg, .fd = -1 };
	if ((cfg->message_to != NULL &&
	    (send == NULL || cfg->message_from == NULL)) ||
	    (cfg->rate != 0 && cfg->rate_window_ms == 0) ||
	    cfg->recent > ALERT_RECENT_MAX) {
		*s = (struct alert_state){ 0 };
		errno = EINVAL;
		return -1;
	}
	s->rules = calloc(p->nrules, sizeof(*s->rules));
	s->ring = cfg->recent != 0 ?
	    calloc(cfg->recent, sizeof(*s->ring)) : NULL;
	s->line = malloc(ALERT_LINE_MAX);
	if (s->rules == NULL || (cfg->recent != 0 && s->ring == NULL) ||
	    s->line == NULL)
		goto fail;
	if (cfg->file != NULL) {
		s->fd = open(cfg->file, O_WRONLY | O_APPEND | O_CREAT |
		    O_CLOEXEC | O_NOCTTY, 0640);
		if (s->fd == -1) {
			char path[LOG_QUOTE_SIZE(128)];

			log_errno(LOG_LVL_ERR, 0, "alert-file-open", "path=%s",
			    log_quote(cfg->file, path, sizeof(path)));
			goto fail;
		}
	}
	return 0;
fail:
	/* errno is the failing call's: malloc's ENOMEM or open's. */
	alert_fini(s);
	return -1;
}

void
alert_fini(struct alert_state *s)
{
	int saved = errno;

	/* An all-zero state has no file: fd 0 is not ours. */
	if (s->cfg != NULL && s->cfg->file != NULL && s->fd != -1)
		close(s->fd);
	free(s->rules);
	free(s->ring);
	free(s->line);
	*s = (struct alert_state){ 0 };
	errno = saved;
}

/* Copies the string SRC (NULL: empty) into DST of CAP bytes; a longer one
 * is cut at a UTF-8 character boundary and ends in "...". */
static void
alert_copy(char *dst, size_t cap, const char *src)
{
	size_t n;

	if (src == NULL)
		src = "";
	n = alert_cut(src, cap - 1);
	if (src[n] != '\0') {
		n = alert_cut(src, cap - 4);
		memcpy(dst + n, "...", 3);
		memcpy(dst, src, n);
		dst[n + 3] = '\0';
		return;
	}
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* Fills R from alert A, its strings copied and bounded. */
static void
alert_record(struct alert_record *r, const struct alert *a)
{
	r->when_ms = a->when_ms;
	r->conn = a->conn;
	r->rule = a->rule;
	r->verdict = a->verdict;
	r->peer = a->peer;
	r->dir = a->dir;
	r->kind = a->kind;
	alert_copy(r->from, sizeof(r->from), a->from);
	alert_copy(r->to, sizeof(r->to), a->to);
	alert_copy(r->id, sizeof(r->id), a->id);
	alert_copy(r->why, sizeof(r->why), a->why);
}

/* Closes RULE's rate window if it has passed at NOW_MS, and reports what
 * it held back, dated WALL_MS. */
static void
alert_rule_close(struct alert_state *s, unsigned rule, uint64_t now_ms,
    uint64_t wall_ms)
{
	uint64_t held = alert_window_close(&s->rules[rule].window, now_ms,
	    s->cfg->rate_window_ms);

	if (held != 0)
		alert_sink_suppressed(s, rule, held, now_ms, wall_ms);
}

void
alert_raise(struct alert_state *s, const struct alert *a, uint64_t now_ms)
{
	struct alert_rule_state *rs;
	struct alert_record *r;

	XEDGE_ASSERT(a->rule < s->policy->nrules &&
	    a->verdict < GEN_VERDICT_COUNT && a->kind <= GEN_KIND_IQ &&
	    a->dir <= ALERT_OUTBOUND &&
	    a->peer >= -1 && a->peer < (int)s->policy->npeers);
	rs = &s->rules[a->rule];
	rs->count.raised++;
	s->count.raised++;
	if (s->cfg->rate != 0) {
		alert_rule_close(s, a->rule, now_ms, a->when_ms);
		if (!alert_window_take(&rs->window, now_ms, s->cfg->rate)) {
			rs->count.suppressed++;
			s->count.suppressed++;
			return;
		}
	}
	if (s->ring != NULL) {
		r = &s->ring[s->ring_next];
		s->ring_next = (s->ring_next + 1) % s->cfg->recent;
		if (s->ring_len < s->cfg->recent)
			s->ring_len++;
	} else {
		r = &s->scratch;
	}
	alert_record(r, a);
	alert_sink_alert(s, r, now_ms);
}

void
alert_tick(struct alert_state *s, uint64_t now_ms, uint64_t wall_ms)
{
	unsigned i;

	if (s->cfg == NULL)
		return;
	/* The cap's window first, so that the summaries below may go out
	 * in a new one. */
	if (s->cfg->message_to != NULL)
		alert_sink_messages_tick(s, now_ms, wall_ms);
	if (s->cfg->rate == 0)
		return;
	for (i = 0; i < s->policy->nrules; i++)
		alert_rule_close(s, i, now_ms, wall_ms);
}

size_t
alert_recent(const struct alert_state *s, const struct alert_record **out,
    size_t max)
{
	size_t i, n = s->ring_len < max ? s->ring_len : max;

	/* The newest is just before the next slot, going backwards. */
	for (i = 0; i < n; i++)
		out[i] = &s->ring[(s->ring_next + s->cfg->recent - 1 - i) %
		    s->cfg->recent];
	return n;
}

const struct alert_counters *
alert_counters(const struct alert_state *s)
{
	return &s->count;
}

const struct alert_rule_count *
alert_rule_counters(const struct alert_state *s, unsigned rule)
{
	XEDGE_ASSERT(rule < s->policy->nrules);
	return &s->rules[rule].count;
}
