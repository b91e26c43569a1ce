/*
 * The site file: overrides of the policy's plumbing (addresses, ports,
 * certificate files, CRL files, logging) and the privileges the guard
 * keeps (user, chroot), read once at start. It names only things the
 * policy defines (peers by name, certificates by domain), so it cannot add
 * a peer, a domain or a route. Every line is checked; every mistake is
 * reported as "PATH:LINE: error: ..." and the file is refused as a whole.
 *
 * Tokens are separated by blanks and cannot be quoted, so a path cannot
 * hold a blank or a '#'. Paths are used as written (relative ones from the
 * guard's working directory).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "site.h"

/* The longest line accepted, newline included. */
#define SITE_LINE_MAX 1024
/* The most tokens a line may have; more is an error anyway. */
#define SITE_TOKENS_MAX 8

/* Where each setting was made, to report a second one. 0: not yet. */
struct site_parse {
	const char *path;
	unsigned line;
	int errors;
	unsigned listen_line;	/* the first listen line */
	unsigned *peer_line;	/* per gen_policy.peers */
	unsigned *cert_line;	/* per gen_policy.guard.certs */
	unsigned ca_line;
	unsigned secret_line;
	unsigned dns_line;
	unsigned log_line;
	unsigned level_line;
	unsigned user_line;
	unsigned root_line;	/* run-as-root, yes or no */
	unsigned chroot_line;
	unsigned budget_line;
	unsigned unauth_line;
	unsigned per_source_line;
	unsigned status_line;
};

static void site_error(struct site_parse *sp, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Prints "PATH:LINE: error: MESSAGE" and counts it. */
static void
site_error(struct site_parse *sp, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s:%u: error: ", sp->path, sp->line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	sp->errors++;
}

/* Replaces the string at *DST by a copy of SRC; 0 or -1. */
static int
site_set(char **dst, const char *src)
{
	char *copy;

	copy = strdup(src);
	if (copy == NULL)
		return -1;
	free(*dst);
	*dst = copy;
	return 0;
}

/* Same for the const strings of a tls_cert_spec, which the site owns. */
static int
site_set_const(const char **dst, const char *src)
{
	char *old = (char *)*dst;

	if (site_set(&old, src) == -1)
		return -1;
	*dst = old;
	return 0;
}

int
site_init(struct site *s, const struct gen_policy *p)
{
	const struct gen_guard *g = &p->guard;
	size_t i;

	memset(s, 0, sizeof(*s));
	s->log_level = LOG_LVL_INFO;
	s->admit.memory_budget = ADMIT_DEFAULT_BUDGET;
	s->admit.max_unauth = ADMIT_DEFAULT_UNAUTH;
	s->admit.max_unauth_per_source = ADMIT_DEFAULT_UNAUTH_PER_SOURCE;
	if ((g->nlisten > 0 &&
	    (s->listen = calloc(g->nlisten, sizeof(*s->listen))) == NULL) ||
	    (p->npeers > 0 &&
	    (s->peers = calloc(p->npeers, sizeof(*s->peers))) == NULL) ||
	    (g->ncerts > 0 &&
	    (s->certs = calloc(g->ncerts, sizeof(*s->certs))) == NULL))
		goto fail;
	s->nlisten = g->nlisten;
	s->npeers = p->npeers;
	s->ncerts = g->ncerts;
	for (i = 0; i < g->nlisten; i++) {
		if (site_set(&s->listen[i].host, g->listen[i].host) == -1)
			goto fail;
		s->listen[i].port = g->listen[i].port;
		s->listen[i].direct_tls =
		    g->listen[i].tls_mode == GEN_TLS_DIRECT;
	}
	for (i = 0; i < p->npeers; i++) {
		if (p->peers[i].connect != GEN_CONNECT_STATIC)
			continue;
		if (site_set(&s->peers[i].host, p->peers[i].host) == -1)
			goto fail;
		s->peers[i].port = p->peers[i].port;
	}
	for (i = 0; i < g->ncerts; i++)
		if (site_set_const(&s->certs[i].domain, g->certs[i].domain) ||
		    site_set_const(&s->certs[i].cert_file,
		    g->certs[i].cert_file) ||
		    site_set_const(&s->certs[i].key_file, g->certs[i].key_file))
			goto fail;
	if (g->ca_file != NULL && site_set(&s->ca_file, g->ca_file) == -1)
		goto fail;
	return 0;
fail:
	site_free(s);
	return -1;
}

void
site_free(struct site *s)
{
	size_t i;

	for (i = 0; i < s->nlisten; i++)
		free(s->listen[i].host);
	for (i = 0; i < s->npeers; i++)
		free(s->peers[i].host);
	for (i = 0; i < s->ncerts; i++) {
		free((char *)s->certs[i].domain);
		free((char *)s->certs[i].cert_file);
		free((char *)s->certs[i].key_file);
	}
	free(s->listen);
	free(s->peers);
	free(s->certs);
	free(s->ca_file);
	free(s->dialback_secret_file);
	for (i = 0; i < s->ncrl; i++)
		free(s->crl_files[i]);
	free(s->crl_files);
	free(s->dns_server);
	free(s->user);
	free(s->chroot_dir);
	free(s->status_host);
	free(s->status_cert_file);
	free(s->status_key_file);
	free(s->status_client_ca_file);
	memset(s, 0, sizeof(*s));
}

/* Parses a port, 1 to 65535 in decimal; 0 if TEXT is not one. */
static uint16_t
site_port(const char *text)
{
	unsigned long v = 0;
	const char *p;

	for (p = text; *p >= '0' && *p <= '9' && v <= 65535; p++)
		v = v * 10 + (unsigned long)(*p - '0');
	if (p == text || *p != '\0' || v == 0 || v > 65535)
		return 0;
	return (uint16_t)v;
}

/* Whether TEXT is a numeric IPv4 or IPv6 address. */
static int
site_is_address(const char *text)
{
	unsigned char a[sizeof(struct in6_addr)];

	return inet_pton(AF_INET, text, a) == 1 ||
	    inet_pton(AF_INET6, text, a) == 1;
}

/* Checks ADDRESS and PORT for keyword WHAT; returns the port or 0 after
 * reporting. */
static uint16_t
site_endpoint(struct site_parse *sp, const char *what, const char *address,
    const char *port)
{
	uint16_t n;

	if (!site_is_address(address)) {
		site_error(sp, "%s: \"%s\" is not a numeric IPv4 or IPv6 "
		    "address", what, address);
		return 0;
	}
	n = site_port(port);
	if (n == 0)
		site_error(sp, "%s: \"%s\" is not a port (1 to 65535)", what,
		    port);
	return n;
}

/* "listen ADDRESS PORT [direct-tls]": the site's listen lines replace the
 * policy's. */
static void
site_listen(struct site *s, const struct gen_policy *p, struct site_parse *sp,
    char **tok, int ntok)
{
	struct site_listen *l;
	uint16_t port;
	size_t i;

	if (p->role == GEN_ROLE_VALIDATOR) {
		site_error(sp, "listen: a pair's validator takes no S2S "
		    "stream; it listens for the edges where the policy's pair "
		    "block says");
		return;
	}
	if (ntok == 4 && strcmp(tok[3], "direct-tls") != 0) {
		site_error(sp, "listen: expected \"direct-tls\", not \"%s\"",
		    tok[3]);
		return;
	}
	port = site_endpoint(sp, "listen", tok[1], tok[2]);
	if (port == 0)
		return;
	if (sp->listen_line == 0) {
		for (i = 0; i < s->nlisten; i++)
			free(s->listen[i].host);
		s->nlisten = 0;
		sp->listen_line = sp->line;
	}
	for (i = 0; i < s->nlisten; i++)
		if (s->listen[i].port == port &&
		    strcmp(s->listen[i].host, tok[1]) == 0) {
			site_error(sp, "listen: %s port %u is already listed",
			    tok[1], port);
			return;
		}
	l = reallocarray(s->listen, s->nlisten + 1, sizeof(*l));
	if (l == NULL) {
		site_error(sp, "out of memory");
		return;
	}
	s->listen = l;
	l = &s->listen[s->nlisten];
	memset(l, 0, sizeof(*l));
	if (site_set(&l->host, tok[1]) == -1) {
		site_error(sp, "out of memory");
		return;
	}
	l->port = port;
	l->direct_tls = ntok == 4;
	s->nlisten++;
}

/* "peer NAME ADDRESS PORT": where a peer the policy dials is reached. */
static void
site_peer(struct site *s, const struct gen_policy *p, struct site_parse *sp,
    char **tok, int ntok)
{
	uint16_t port;
	size_t i;

	(void)ntok;
	for (i = 0; i < p->npeers; i++)
		if (strcmp(p->peers[i].name, tok[1]) == 0)
			break;
	if (i == p->npeers) {
		site_error(sp, "peer: the policy has no peer \"%s\"", tok[1]);
		return;
	}
	if (p->peers[i].protocol == GEN_PROTO_GCXP) {
		site_error(sp, "peer: \"%s\" is reached over gcxp, through "
		    "the validator the policy's pair block names", tok[1]);
		return;
	}
	if (p->peers[i].connect == GEN_CONNECT_NONE) {
		site_error(sp, "peer: the policy never connects to peer \"%s\" "
		    "(policy line %u)", tok[1], p->peers[i].line);
		return;
	}
	if (sp->peer_line[i] != 0) {
		site_error(sp, "peer: \"%s\" is already set on line %u",
		    tok[1], sp->peer_line[i]);
		return;
	}
	port = site_endpoint(sp, "peer", tok[2], tok[3]);
	if (port == 0)
		return;
	if (site_set(&s->peers[i].host, tok[2]) == -1) {
		site_error(sp, "out of memory");
		return;
	}
	s->peers[i].port = port;
	sp->peer_line[i] = sp->line;
}

/* "certificate DOMAIN CERT_FILE KEY_FILE": where the files of a
 * certificate the policy declares lie. */
static void
site_certificate(struct site *s, const struct gen_policy *p,
    struct site_parse *sp, char **tok, int ntok)
{
	size_t i;

	(void)ntok;
	for (i = 0; i < p->guard.ncerts; i++)
		if (strcasecmp(p->guard.certs[i].domain, tok[1]) == 0)
			break;
	if (i == p->guard.ncerts) {
		site_error(sp, "certificate: the policy has no certificate for "
		    "\"%s\"", tok[1]);
		return;
	}
	if (sp->cert_line[i] != 0) {
		site_error(sp, "certificate: \"%s\" is already set on line %u",
		    tok[1], sp->cert_line[i]);
		return;
	}
	if (site_set_const(&s->certs[i].cert_file, tok[2]) == -1 ||
	    site_set_const(&s->certs[i].key_file, tok[3]) == -1) {
		site_error(sp, "out of memory");
		return;
	}
	sp->cert_line[i] = sp->line;
}

/* Returns 0 if the keyword in TOK[0] is set for the first time (noting
 * where in *SEEN), else reports and returns -1. */
static int
site_once(struct site_parse *sp, unsigned *seen, const char *keyword)
{
	if (*seen != 0) {
		site_error(sp, "%s: already set on line %u", keyword, *seen);
		return -1;
	}
	*seen = sp->line;
	return 0;
}

/* "ca FILE": the CA bundle for peer certificates. */
static void
site_dialback_secret(struct site *s, const struct gen_policy *p,
    struct site_parse *sp, char **tok, int ntok)
{
	(void)p;
	(void)ntok;
	if (site_once(sp, &sp->secret_line, "dialback-secret") == 0 &&
	    site_set(&s->dialback_secret_file, tok[1]) == -1)
		site_error(sp, "out of memory");
}

static void
site_ca(struct site *s, const struct gen_policy *p, struct site_parse *sp,
    char **tok, int ntok)
{
	(void)p;
	(void)ntok;
	if (site_once(sp, &sp->ca_line, "ca") == 0 &&
	    site_set(&s->ca_file, tok[1]) == -1)
		site_error(sp, "out of memory");
}

/* "crl FILE": one more CRL file; naming one twice is a mistake. */
static void
site_crl(struct site *s, const struct gen_policy *p, struct site_parse *sp,
    char **tok, int ntok)
{
	char **files;
	size_t i;

	(void)p;
	(void)ntok;
	for (i = 0; i < s->ncrl; i++)
		if (strcmp(s->crl_files[i], tok[1]) == 0) {
			site_error(sp, "crl: \"%s\" is already listed", tok[1]);
			return;
		}
	files = reallocarray(s->crl_files, s->ncrl + 1, sizeof(*files));
	if (files == NULL) {
		site_error(sp, "out of memory");
		return;
	}
	s->crl_files = files;
	files[s->ncrl] = NULL;
	if (site_set(&files[s->ncrl], tok[1]) == -1) {
		site_error(sp, "out of memory");
		return;
	}
	s->ncrl++;
}

/* "dns ADDRESS [PORT]": the name server asked for SRV lookups. */
static void
site_dns(struct site *s, const struct gen_policy *p, struct site_parse *sp,
    char **tok, int ntok)
{
	uint16_t port;

	(void)p;
	port = site_endpoint(sp, "dns", tok[1], ntok > 2 ? tok[2] : "53");
	if (port == 0)
		return;
	/* The resolver library takes IPv4 name server addresses only. */
	if (strchr(tok[1], ':') != NULL) {
		site_error(sp, "dns: \"%s\" is not an IPv4 address", tok[1]);
		return;
	}
	if (site_once(sp, &sp->dns_line, "dns") != 0)
		return;
	if (site_set(&s->dns_server, tok[1]) == -1) {
		site_error(sp, "out of memory");
		return;
	}
	s->dns_port = port;
}

/* Returns 0 if the argument in TOK[1] is WORD0, 1 if it is WORD1, else
 * reports and returns -1. */
static int
site_one_of(struct site_parse *sp, char **tok, const char *word0,
    const char *word1)
{
	if (strcmp(tok[1], word0) == 0)
		return 0;
	if (strcmp(tok[1], word1) == 0)
		return 1;
	site_error(sp, "%s: expected %s or %s, not \"%s\"", tok[0], word0,
	    word1, tok[1]);
	return -1;
}

/* "log stderr|syslog". */
static void
site_log(struct site *s, const struct gen_policy *p, struct site_parse *sp,
    char **tok, int ntok)
{
	int to_syslog;

	(void)p;
	(void)ntok;
	to_syslog = site_one_of(sp, tok, "stderr", "syslog");
	if (to_syslog != -1 && site_once(sp, &sp->log_line, "log") == 0)
		s->use_syslog = to_syslog;
}

/* "log-level debug|info|warn|error". */
static void
site_log_level(struct site *s, const struct gen_policy *p,
    struct site_parse *sp, char **tok, int ntok)
{
	static const char *const levels[] = {
		[LOG_LVL_DEBUG] = "debug",
		[LOG_LVL_INFO] = "info",
		[LOG_LVL_WARN] = "warn",
		[LOG_LVL_ERR] = "error",
	};
	size_t i;

	(void)p;
	(void)ntok;
	for (i = 0; i < sizeof(levels) / sizeof(levels[0]); i++)
		if (strcmp(tok[1], levels[i]) == 0)
			break;
	if (i == sizeof(levels) / sizeof(levels[0])) {
		site_error(sp, "log-level: expected debug, info, warn or error, "
		    "not \"%s\"", tok[1]);
		return;
	}
	if (site_once(sp, &sp->level_line, "log-level") == 0)
		s->log_level = (enum log_level)i;
}

/* "user NAME": whom a guard started as root becomes; a guard told to
 * stay root becomes no one else, so the two cannot both be said. */
static void
site_user(struct site *s, const struct gen_policy *p, struct site_parse *sp,
    char **tok, int ntok)
{
	(void)p;
	(void)ntok;
	if (s->run_as_root) {
		site_error(sp, "user: \"run-as-root yes\" on line %u keeps the "
		    "guard root", sp->root_line);
		return;
	}
	if (site_once(sp, &sp->user_line, "user") == 0 &&
	    site_set(&s->user, tok[1]) == -1)
		site_error(sp, "out of memory");
}

/* "run-as-root yes|no": whether a guard started as root stays root. */
static void
site_run_as_root(struct site *s, const struct gen_policy *p,
    struct site_parse *sp, char **tok, int ntok)
{
	int no;

	(void)p;
	(void)ntok;
	no = site_one_of(sp, tok, "yes", "no");
	if (no == -1)
		return;
	if (!no && sp->user_line != 0) {
		site_error(sp, "run-as-root: the guard becomes the user of line "
		    "%u", sp->user_line);
		return;
	}
	if (site_once(sp, &sp->root_line, "run-as-root") == 0)
		s->run_as_root = !no;
}

/* "chroot DIR": the directory the guard confines itself to. A relative
 * path would depend on the directory the guard was started in. */
static void
site_chroot(struct site *s, const struct gen_policy *p,
    struct site_parse *sp, char **tok, int ntok)
{
	(void)p;
	(void)ntok;
	if (tok[1][0] != '/') {
		site_error(sp, "chroot: \"%s\" is not an absolute path", tok[1]);
		return;
	}
	if (site_once(sp, &sp->chroot_line, "chroot") == 0 &&
	    site_set(&s->chroot_dir, tok[1]) == -1)
		site_error(sp, "out of memory");
}

/*
 * Parses TEXT, decimal digits with an optional K, M or G suffix if SUFFIX
 * (binary multiples), into *OUT: 0 if it is a number from 1 to MAX, else
 * -1.
 */
static int
site_count(const char *text, int suffix, uint64_t max, uint64_t *out)
{
	uint64_t v = 0, unit = 1;
	const char *p;

	for (p = text; *p >= '0' && *p <= '9'; p++) {
		if (v > (UINT64_MAX - 9) / 10)
			return -1;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (suffix && *p != '\0' && p[1] == '\0') {
		unit = *p == 'K' ? 1024 : *p == 'M' ? 1024 * 1024 :
		    *p == 'G' ? 1024 * 1024 * 1024 : 0;
		if (unit != 0)
			p++;
	}
	if (p == text || *p != '\0' || v == 0 || v > max / unit)
		return -1;
	*out = v * unit;
	return 0;
}

/* "memory-budget SIZE": what the guard may hold before it refuses new
 * connections and stops streams still negotiating from growing. */
static void
site_memory_budget(struct site *s, const struct gen_policy *p,
    struct site_parse *sp, char **tok, int ntok)
{
	uint64_t v;

	(void)p;
	(void)ntok;
	if (site_count(tok[1], 1, SIZE_MAX, &v) == -1) {
		site_error(sp, "memory-budget: \"%s\" is not a size (bytes, or "
		    "a number with a K, M or G suffix)", tok[1]);
		return;
	}
	if (site_once(sp, &sp->budget_line, "memory-budget") == 0)
		s->admit.memory_budget = (size_t)v;
}

/* The most unauthenticated connections a site may allow, which sizes the
 * per-source table (admit.c). */
#define SITE_UNAUTH_MAX (1024 * 1024)

/* Parses the connection count of keyword TOK[0] into *OUT, noting the
 * line in *SEEN; reports a mistake. */
static void
site_unauth(struct site_parse *sp, char **tok, unsigned *seen, size_t *out)
{
	uint64_t v;

	if (site_count(tok[1], 0, SITE_UNAUTH_MAX, &v) == -1) {
		site_error(sp, "%s: \"%s\" is not a number from 1 to %d",
		    tok[0], tok[1], SITE_UNAUTH_MAX);
		return;
	}
	if (site_once(sp, seen, tok[0]) == 0)
		*out = (size_t)v;
}

/* "max-unauthenticated N". */
static void
site_max_unauth(struct site *s, const struct gen_policy *p,
    struct site_parse *sp, char **tok, int ntok)
{
	(void)p;
	(void)ntok;
	site_unauth(sp, tok, &sp->unauth_line, &s->admit.max_unauth);
}

/* "max-unauthenticated-per-source N". */
static void
site_max_unauth_per_source(struct site *s, const struct gen_policy *p,
    struct site_parse *sp, char **tok, int ntok)
{
	(void)p;
	(void)ntok;
	site_unauth(sp, tok, &sp->per_source_line,
	    &s->admit.max_unauth_per_source);
}

/* Whether the numeric address TEXT is a loopback address: 127.0.0.0/8,
 * ::1 or an IPv4-mapped 127.x address. */
static int
site_is_loopback(const char *text)
{
	unsigned char a[sizeof(struct in6_addr)];
	static const unsigned char mapped[12] = { [10] = 0xff, [11] = 0xff };

	if (inet_pton(AF_INET, text, a) == 1)
		return a[0] == 127;
	if (inet_pton(AF_INET6, text, a) != 1)
		return 0;
	if (memcmp(a, mapped, sizeof(mapped)) == 0)
		return a[12] == 127;
	return memcmp(a, &in6addr_loopback, sizeof(in6addr_loopback)) == 0;
}

/*
 * "status-listen ADDRESS PORT [https CERT_FILE KEY_FILE CLIENT_CA_FILE]":
 * where the read-only status page is served. Plain HTTP is for loopback
 * only: anywhere else the page is an operator's window into a security
 * product, so it is served only over HTTPS to clients whose certificate
 * chains to CLIENT_CA_FILE (web/https.c). The files are read at start,
 * before the privileges go.
 */
static void
site_status_listen(struct site *s, const struct gen_policy *p,
    struct site_parse *sp, char **tok, int ntok)
{
	uint16_t port;

	(void)p;
	if (ntok > 3 && (ntok != 7 || strcmp(tok[3], "https") != 0)) {
		site_error(sp, "status-listen: expected \"https CERT_FILE "
		    "KEY_FILE CLIENT_CA_FILE\" after the port");
		return;
	}
	port = site_endpoint(sp, "status-listen", tok[1], tok[2]);
	if (port == 0)
		return;
	if (ntok == 3 && !site_is_loopback(tok[1])) {
		site_error(sp, "status-listen: \"%s\" is not a loopback "
		    "address; off loopback the status page is served only "
		    "over HTTPS with client certificates (\"https CERT_FILE "
		    "KEY_FILE CLIENT_CA_FILE\")", tok[1]);
		return;
	}
	if (site_once(sp, &sp->status_line, "status-listen") != 0)
		return;
	if (site_set(&s->status_host, tok[1]) == -1 || (ntok == 7 &&
	    (site_set(&s->status_cert_file, tok[4]) == -1 ||
	    site_set(&s->status_key_file, tok[5]) == -1 ||
	    site_set(&s->status_client_ca_file, tok[6]) == -1))) {
		site_error(sp, "out of memory");
		return;
	}
	s->status_port = port;
}

/* Splits LINE at blanks, up to a '#'; returns the token count (at most
 * SITE_TOKENS_MAX + 1, meaning "too many"). */
static int
site_split(char *line, char **tok)
{
	char *p = line;
	int n = 0;

	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			p++;
		if (*p == '\0' || *p == '#')
			return n;
		if (n == SITE_TOKENS_MAX + 1)
			return n;
		tok[n++] = p;
		while (*p != '\0' && *p != '#' && *p != ' ' && *p != '\t' &&
		    *p != '\r' && *p != '\n')
			p++;
		if (*p == '#') {
			*p = '\0';
			return n;
		}
		if (*p != '\0')
			*p++ = '\0';
	}
}

/* The keywords, with how many arguments each takes. */
static const struct site_keyword {
	const char *name;
	int min_args;
	int max_args;
	const char *usage;
	void (*apply)(struct site *, const struct gen_policy *,
	    struct site_parse *, char **, int);
} site_keywords[] = {
	{ "listen", 2, 3, "listen ADDRESS PORT [direct-tls]", site_listen },
	{ "peer", 3, 3, "peer NAME ADDRESS PORT", site_peer },
	{ "certificate", 3, 3, "certificate DOMAIN CERT_FILE KEY_FILE",
	    site_certificate },
	{ "ca", 1, 1, "ca FILE", site_ca },
	{ "dialback-secret", 1, 1, "dialback-secret FILE",
	    site_dialback_secret },
	{ "crl", 1, 1, "crl FILE", site_crl },
	{ "dns", 1, 2, "dns ADDRESS [PORT]", site_dns },
	{ "log", 1, 1, "log stderr|syslog", site_log },
	{ "log-level", 1, 1, "log-level debug|info|warn|error",
	    site_log_level },
	{ "user", 1, 1, "user NAME", site_user },
	{ "run-as-root", 1, 1, "run-as-root yes|no", site_run_as_root },
	{ "chroot", 1, 1, "chroot DIR", site_chroot },
	{ "memory-budget", 1, 1, "memory-budget SIZE", site_memory_budget },
	{ "max-unauthenticated", 1, 1, "max-unauthenticated N",
	    site_max_unauth },
	{ "max-unauthenticated-per-source", 1, 1,
	    "max-unauthenticated-per-source N", site_max_unauth_per_source },
	{ "status-listen", 2, 6, "status-listen ADDRESS PORT "
	    "[https CERT_FILE KEY_FILE CLIENT_CA_FILE]", site_status_listen },
};

/* Applies one line, already split into NTOK tokens. */
static void
site_line(struct site *s, const struct gen_policy *p, struct site_parse *sp,
    char **tok, int ntok)
{
	const struct site_keyword *k = NULL;
	size_t i;

	for (i = 0; i < sizeof(site_keywords) / sizeof(site_keywords[0]); i++)
		if (strcmp(tok[0], site_keywords[i].name) == 0)
			k = &site_keywords[i];
	if (k == NULL) {
		site_error(sp, "unknown keyword \"%s\"", tok[0]);
		return;
	}
	if (ntok - 1 < k->min_args || ntok - 1 > k->max_args) {
		site_error(sp, "%s: wrong number of arguments; usage: %s",
		    k->name, k->usage);
		return;
	}
	k->apply(s, p, sp, tok, ntok);
}

/*
 * Reads one line of F into LINE (NUL-terminated, newline dropped). Returns
 * 0 at the end of the file, -1 for a line too long or holding a NUL byte
 * (read to its end and dropped), else 1.
 */
static int
site_getline(FILE *f, char *line, size_t size)
{
	size_t len = 0;
	int c, bad = 0;

	while ((c = getc(f)) != EOF && c != '\n') {
		if (c == '\0' || len == size - 1)
			bad = 1;
		else
			line[len++] = (char)c;
	}
	line[len] = '\0';
	if (c == EOF && len == 0 && !bad)
		return 0;
	return bad ? -1 : 1;
}

/* Reads the lines of F into S, reporting each mistake. */
static void
site_read(struct site *s, const struct gen_policy *p, struct site_parse *sp,
    FILE *f)
{
	char line[SITE_LINE_MAX + 1];
	char *tok[SITE_TOKENS_MAX + 1];
	int ntok, r;

	while ((r = site_getline(f, line, sizeof(line))) != 0) {
		sp->line++;
		if (r == -1) {
			site_error(sp, "line longer than %d bytes or holding "
			    "a NUL byte", SITE_LINE_MAX);
			continue;
		}
		ntok = site_split(line, tok);
		if (ntok > 0)
			site_line(s, p, sp, tok, ntok);
	}
}

int
site_load(struct site *s, const struct gen_policy *p, const char *path)
{
	FILE *f;
	int rc;

	f = fopen(path, "r");
	if (f == NULL) {
		fprintf(stderr, "%s: error: %s\n", path, strerror(errno));
		return -1;
	}
	rc = site_load_file(s, p, f, path);
	fclose(f);
	return rc;
}

int
site_load_file(struct site *s, const struct gen_policy *p, FILE *f,
    const char *path)
{
	struct site_parse sp;

	memset(&sp, 0, sizeof(sp));
	sp.path = path;
	sp.peer_line = calloc(p->npeers + 1, sizeof(*sp.peer_line));
	sp.cert_line = calloc(p->guard.ncerts + 1, sizeof(*sp.cert_line));
	if (sp.peer_line == NULL || sp.cert_line == NULL) {
		fprintf(stderr, "%s: error: out of memory\n", path);
		sp.errors++;
	} else {
		site_read(s, p, &sp, f);
		if (ferror(f)) {
			fprintf(stderr, "%s: error: %s\n", path,
			    strerror(errno));
			sp.errors++;
		}
	}
	free(sp.peer_line);
	free(sp.cert_line);
	return sp.errors > 0 ? -1 : 0;
}
