/*
 * Unit tests for runtime/site.c: the policy's plumbing copied by site_init,
 * a good site file overriding it, and every mistake a site file can hold,
 * each with its exact "PATH:LINE: error: ..." message. The policy is a
 * local one (the linked generated gen_policy is not used).
 */
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "site.h"

static const struct gen_listen test_listen[] = {
	{ "127.0.0.1", 5269, GEN_TLS_STARTTLS, 3 },
	{ "::1", 5270, GEN_TLS_DIRECT, 4 },
};

static const struct gen_cert test_certs[] = {
	{ "a.example", "certs/a.pem", "certs/a.key", 5 },
	{ "*.w.example", "certs/w.pem", "certs/w.key", 6 },
};

static const struct gen_peer test_peers[] = {
	{ .name = "inside", .line = 10, .connect = GEN_CONNECT_STATIC,
	    .host = "127.0.1.1", .port = 5269, .auth = GEN_AUTH_CERTIFICATE },
	{ .name = "partner", .line = 20, .connect = GEN_CONNECT_SRV,
	    .auth = GEN_AUTH_CERTIFICATE },
	{ .name = "listener", .line = 30, .connect = GEN_CONNECT_NONE,
	    .auth = GEN_AUTH_DIALBACK },
};

static const struct gen_policy test_policy = {
	.name = "site-test",
	.guard = {
		.name = "edge.example",
		.listen = test_listen,
		.nlisten = 2,
		.certs = test_certs,
		.ncerts = 2,
		.ca_file = "certs/ca.pem",
	},
	.peers = test_peers,
	.npeers = 3,
};

static char dir[64];
static char path[128];

/* Sends stderr to a new file until stderr_end and returns the saved
 * stderr; *FD is the file's descriptor. */
static int
stderr_begin(int *fd)
{
	char errpath[160];
	int saved;

	snprintf(errpath, sizeof(errpath), "%s/stderr", dir);
	*fd = open(errpath, O_RDWR | O_CREAT | O_TRUNC, 0600);
	assert_int_not_equal(*fd, -1);
	unlink(errpath);
	fflush(stderr);
	saved = dup(2);
	dup2(*fd, 2);
	return saved;
}

/* Puts stderr back to SAVED and reads what FD got into ERR. */
static void
stderr_end(int saved, int fd, char *err, size_t errlen)
{
	ssize_t n;

	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	n = pread(fd, err, errlen - 1, 0);
	err[n > 0 ? n : 0] = '\0';
	close(fd);
}

/*
 * Writes CONTENT (LEN bytes) as the site file, loads it over policy P's
 * values into S, and returns site_load's result; what it printed on stderr
 * goes to ERR.
 */
static int
load_for(const struct gen_policy *p, struct site *s, const char *content,
    size_t len, char *err, size_t errlen)
{
	FILE *f;
	int saved, fd, rc;

	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(content, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	saved = stderr_begin(&fd);
	assert_int_equal(site_init(s, p), 0);
	rc = site_load(s, p, path);
	stderr_end(saved, fd, err, errlen);
	return rc;
}

/* load_for the test's policy. */
static int
load(struct site *s, const char *content, size_t len, char *err,
    size_t errlen)
{
	return load_for(&test_policy, s, content, len, err, errlen);
}

static int
group_setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/xedge-site-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/site.conf", dir);
	return 0;
}

static int
group_teardown(void **state)
{
	(void)state;
	unlink(path);
	rmdir(dir);
	return 0;
}

static void
test_init_copies_policy(void **state)
{
	struct site s;

	(void)state;
	assert_int_equal(site_init(&s, &test_policy), 0);
	assert_int_equal(s.nlisten, 2);
	assert_string_equal(s.listen[0].host, "127.0.0.1");
	assert_int_equal(s.listen[0].port, 5269);
	assert_false(s.listen[0].direct_tls);
	assert_string_equal(s.listen[1].host, "::1");
	assert_true(s.listen[1].direct_tls);
	assert_ptr_not_equal(s.listen[0].host, test_listen[0].host);
	assert_int_equal(s.npeers, 3);
	assert_string_equal(s.peers[0].host, "127.0.1.1");
	assert_int_equal(s.peers[0].port, 5269);
	assert_null(s.peers[1].host);
	assert_null(s.peers[2].host);
	assert_int_equal(s.ncerts, 2);
	assert_string_equal(s.certs[1].domain, "*.w.example");
	assert_string_equal(s.certs[1].cert_file, "certs/w.pem");
	assert_string_equal(s.certs[1].key_file, "certs/w.key");
	assert_string_equal(s.ca_file, "certs/ca.pem");
	assert_false(s.use_syslog);
	assert_int_equal(s.log_level, LOG_LVL_INFO);
	site_free(&s);
	assert_null(s.listen);
	assert_int_equal(s.npeers, 0);
}

static void
test_good_file(void **state)
{
	static const char good[] =
	    "# the site's plumbing\n"
	    "\n"
	    "listen 127.0.3.1 5269\n"
	    "  listen\t::1 5223 direct-tls   # XEP-0368\r\n"
	    "peer inside 127.0.1.1 15269\n"
	    "peer partner 10.1.2.3 5269\n"
	    "certificate a.example /etc/xedge/a.pem /etc/xedge/a.key\n"
	    "ca /etc/xedge/ca.pem\n"
	    "dialback-secret /etc/xedge/dialback.secret\n"
	    "crl /etc/xedge/ca.crl\n"
	    "crl /etc/xedge/partner.crl\n"
	    "dns 127.0.0.53 5353\n"
	    "log syslog\n"
	    "log-level debug\n"
	    "user _xedge\n"
	    "run-as-root no\n"
	    "chroot /var/empty\n"
	    "# no newline at the end\n"
	    "   ";
	struct site s;
	char err[512];

	(void)state;
	assert_int_equal(load(&s, good, sizeof(good) - 1, err, sizeof(err)),
	    0);
	assert_string_equal(err, "");
	/* The site's listen lines replace the policy's. */
	assert_int_equal(s.nlisten, 2);
	assert_string_equal(s.listen[0].host, "127.0.3.1");
	assert_int_equal(s.listen[0].port, 5269);
	assert_false(s.listen[0].direct_tls);
	assert_string_equal(s.listen[1].host, "::1");
	assert_int_equal(s.listen[1].port, 5223);
	assert_true(s.listen[1].direct_tls);
	assert_string_equal(s.peers[0].host, "127.0.1.1");
	assert_int_equal(s.peers[0].port, 15269);
	assert_string_equal(s.peers[1].host, "10.1.2.3");
	assert_null(s.peers[2].host);
	assert_string_equal(s.certs[0].domain, "a.example");
	assert_string_equal(s.certs[0].cert_file, "/etc/xedge/a.pem");
	assert_string_equal(s.certs[0].key_file, "/etc/xedge/a.key");
	/* Not named: the policy's value stays. */
	assert_string_equal(s.certs[1].cert_file, "certs/w.pem");
	assert_string_equal(s.ca_file, "/etc/xedge/ca.pem");
	assert_string_equal(s.dialback_secret_file,
	    "/etc/xedge/dialback.secret");
	/* CRL files add up, in order. */
	assert_int_equal(s.ncrl, 2);
	assert_string_equal(s.crl_files[0], "/etc/xedge/ca.crl");
	assert_string_equal(s.crl_files[1], "/etc/xedge/partner.crl");
	assert_string_equal(s.dns_server, "127.0.0.53");
	assert_int_equal(s.dns_port, 5353);
	assert_true(s.use_syslog);
	assert_int_equal(s.log_level, LOG_LVL_DEBUG);
	assert_string_equal(s.user, "_xedge");
	assert_false(s.run_as_root);
	assert_string_equal(s.chroot_dir, "/var/empty");
	site_free(&s);
}

static void
test_run_as_root(void **state)
{
	static const char content[] = "run-as-root yes\n";
	struct site s;
	char err[256];

	(void)state;
	assert_int_equal(load(&s, content, sizeof(content) - 1, err,
	    sizeof(err)), 0);
	assert_true(s.run_as_root);
	assert_null(s.user);
	assert_null(s.chroot_dir);
	site_free(&s);
}

/* The admission bounds: safe defaults, and a site's own values, sizes with
 * or without a suffix. */
static void
test_admission(void **state)
{
	static const char file[] =
	    "memory-budget 64M\n"
	    "max-unauthenticated 500\n"
	    "max-unauthenticated-per-source 10\n";
	struct site s;
	char err[512];

	(void)state;
	assert_int_equal(site_init(&s, &test_policy), 0);
	assert_int_equal(s.admit.memory_budget, ADMIT_DEFAULT_BUDGET);
	assert_int_equal(s.admit.max_unauth, ADMIT_DEFAULT_UNAUTH);
	assert_int_equal(s.admit.max_unauth_per_source,
	    ADMIT_DEFAULT_UNAUTH_PER_SOURCE);
	site_free(&s);
	assert_int_equal(load(&s, file, sizeof(file) - 1, err, sizeof(err)),
	    0);
	assert_string_equal(err, "");
	assert_int_equal(s.admit.memory_budget, 64 << 20);
	assert_int_equal(s.admit.max_unauth, 500);
	assert_int_equal(s.admit.max_unauth_per_source, 10);
	site_free(&s);
	assert_int_equal(load(&s, "memory-budget 1000000\n", 22, err,
	    sizeof(err)), 0);
	assert_int_equal(s.admit.memory_budget, 1000000);
	site_free(&s);
	assert_int_equal(load(&s, "memory-budget 3G\n", 17, err,
	    sizeof(err)), 0);
	assert_int_equal(s.admit.memory_budget, (size_t)3 << 30);
	site_free(&s);
	assert_int_equal(load(&s, "memory-budget 512K\n", 19, err,
	    sizeof(err)), 0);
	assert_int_equal(s.admit.memory_budget, 512 << 10);
	site_free(&s);
}

static void
test_empty_file(void **state)
{
	struct site s;
	char err[256];

	(void)state;
	assert_int_equal(load(&s, "", 0, err, sizeof(err)), 0);
	assert_int_equal(s.nlisten, 2);
	assert_string_equal(s.listen[0].host, "127.0.0.1");
	assert_int_equal(s.ncrl, 0);
	site_free(&s);
}

/* A bad file and the message expected after "PATH:". */
struct bad {
	const char *content;
	const char *message;
};

static void
test_bad(void **state)
{
	const struct bad *b = *state;
	char err[1024], want[1024];
	struct site s;

	assert_int_equal(load(&s, b->content, strlen(b->content), err,
	    sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s:%s\n", path, b->message);
	assert_string_equal(err, want);
	site_free(&s);
}

#define BAD(name, content, message) \
	static const struct bad name = { content, message }
BAD(bad_keyword, "bogus 1\n", "1: error: unknown keyword \"bogus\"");
BAD(bad_listen_args, "# c\nlisten 127.0.0.1\n",
    "2: error: listen: wrong number of arguments; usage: listen ADDRESS "
    "PORT [direct-tls]");
BAD(bad_listen_many, "listen 127.0.0.1 1 direct-tls extra\n",
    "1: error: listen: wrong number of arguments; usage: listen ADDRESS "
    "PORT [direct-tls]");
BAD(bad_listen_name, "listen localhost 5269\n",
    "1: error: listen: \"localhost\" is not a numeric IPv4 or IPv6 "
    "address");
BAD(bad_port_zero, "listen 127.0.0.1 0\n",
    "1: error: listen: \"0\" is not a port (1 to 65535)");
BAD(bad_port_big, "listen 127.0.0.1 65536\n",
    "1: error: listen: \"65536\" is not a port (1 to 65535)");
BAD(bad_port_text, "listen 127.0.0.1 52a\n",
    "1: error: listen: \"52a\" is not a port (1 to 65535)");
BAD(bad_port_sign, "listen 127.0.0.1 +52\n",
    "1: error: listen: \"+52\" is not a port (1 to 65535)");
BAD(bad_listen_flag, "listen 127.0.0.1 5269 tls\n",
    "1: error: listen: expected \"direct-tls\", not \"tls\"");
BAD(bad_listen_dup, "listen 127.0.0.1 5269\nlisten 127.0.0.1 5269\n",
    "2: error: listen: 127.0.0.1 port 5269 is already listed");
BAD(bad_peer_unknown, "peer nobody 127.0.0.1 5269\n",
    "1: error: peer: the policy has no peer \"nobody\"");
BAD(bad_peer_not_dialled, "peer listener 127.0.0.1 5269\n",
    "1: error: peer: the policy never connects to peer \"listener\" "
    "(policy line 30)");
BAD(bad_peer_dup, "peer inside 127.0.0.1 1\n\npeer inside 127.0.0.1 2\n",
    "3: error: peer: \"inside\" is already set on line 1");
BAD(bad_peer_address, "peer inside a.example 5269\n",
    "1: error: peer: \"a.example\" is not a numeric IPv4 or IPv6 address");
BAD(bad_peer_args, "peer inside 127.0.0.1\n",
    "1: error: peer: wrong number of arguments; usage: peer NAME ADDRESS "
    "PORT");
BAD(bad_cert_unknown, "certificate c.example c.pem c.key\n",
    "1: error: certificate: the policy has no certificate for "
    "\"c.example\"");
BAD(bad_cert_wildcard_instance, "certificate x.w.example c.pem c.key\n",
    "1: error: certificate: the policy has no certificate for "
    "\"x.w.example\"");
BAD(bad_cert_dup,
    "certificate *.w.example w.pem w.key\ncertificate *.w.example w w\n",
    "2: error: certificate: \"*.w.example\" is already set on line 1");
BAD(bad_cert_args, "certificate a.example a.pem\n",
    "1: error: certificate: wrong number of arguments; usage: certificate "
    "DOMAIN CERT_FILE KEY_FILE");
BAD(bad_ca_args, "ca a.pem b.pem\n",
    "1: error: ca: wrong number of arguments; usage: ca FILE");
BAD(bad_ca_dup, "ca a.pem\nca b.pem\n",
    "2: error: ca: already set on line 1");
BAD(bad_secret_dup, "dialback-secret a\ndialback-secret b\n",
    "2: error: dialback-secret: already set on line 1");
BAD(bad_secret_args, "dialback-secret\n",
    "1: error: dialback-secret: wrong number of arguments; usage: "
    "dialback-secret FILE");
BAD(bad_crl_args, "crl\n",
    "1: error: crl: wrong number of arguments; usage: crl FILE");
BAD(bad_crl_dup, "crl a.crl\ncrl b.crl\ncrl a.crl\n",
    "3: error: crl: \"a.crl\" is already listed");
BAD(bad_dns_name, "dns ns.example\n",
    "1: error: dns: \"ns.example\" is not a numeric IPv4 or IPv6 address");
BAD(bad_dns_port, "dns 127.0.0.53 0\n",
    "1: error: dns: \"0\" is not a port (1 to 65535)");
BAD(bad_dns_v6, "dns ::1\n",
    "1: error: dns: \"::1\" is not an IPv4 address");
BAD(bad_dns_dup, "dns 127.0.0.53\ndns 127.0.0.54\n",
    "2: error: dns: already set on line 1");
BAD(bad_log, "log file\n",
    "1: error: log: expected stderr or syslog, not \"file\"");
BAD(bad_log_dup, "log stderr\nlog syslog\n",
    "2: error: log: already set on line 1");
BAD(bad_level, "log-level verbose\n",
    "1: error: log-level: expected debug, info, warn or error, not "
    "\"verbose\"");
BAD(bad_level_dup, "log-level info\nlog-level warn\n",
    "2: error: log-level: already set on line 1");
BAD(bad_level_args, "log-level\n",
    "1: error: log-level: wrong number of arguments; usage: log-level "
    "debug|info|warn|error");

BAD(bad_user_args, "user a b\n",
    "1: error: user: wrong number of arguments; usage: user NAME");
BAD(bad_user_dup, "user a\nuser b\n",
    "2: error: user: already set on line 1");
BAD(bad_root_word, "run-as-root maybe\n",
    "1: error: run-as-root: expected yes or no, not \"maybe\"");
BAD(bad_root_dup, "run-as-root no\nrun-as-root yes\n",
    "2: error: run-as-root: already set on line 1");
BAD(bad_root_after_user, "user nobody\nrun-as-root yes\n",
    "2: error: run-as-root: the guard becomes the user of line 1");
BAD(bad_user_after_root, "run-as-root yes\n\nuser nobody\n",
    "3: error: user: \"run-as-root yes\" on line 1 keeps the guard root");
BAD(bad_chroot_relative, "chroot var/empty\n",
    "1: error: chroot: \"var/empty\" is not an absolute path");
BAD(bad_chroot_dup, "chroot /a\nchroot /b\n",
    "2: error: chroot: already set on line 1");

BAD(bad_budget_zero, "memory-budget 0\n",
    "1: error: memory-budget: \"0\" is not a size (bytes, or a number "
    "with a K, M or G suffix)");
BAD(bad_budget_unit, "memory-budget 12X\n",
    "1: error: memory-budget: \"12X\" is not a size (bytes, or a number "
    "with a K, M or G suffix)");
BAD(bad_budget_fraction, "memory-budget 1.5G\n",
    "1: error: memory-budget: \"1.5G\" is not a size (bytes, or a number "
    "with a K, M or G suffix)");
BAD(bad_budget_huge, "memory-budget 99999999999999999999G\n",
    "1: error: memory-budget: \"99999999999999999999G\" is not a size "
    "(bytes, or a number with a K, M or G suffix)");
BAD(bad_budget_overflow, "memory-budget 17179869184G\n",
    "1: error: memory-budget: \"17179869184G\" is not a size "
    "(bytes, or a number with a K, M or G suffix)");
BAD(bad_budget_dup, "memory-budget 1G\nmemory-budget 2G\n",
    "2: error: memory-budget: already set on line 1");
BAD(bad_unauth_zero, "max-unauthenticated 0\n",
    "1: error: max-unauthenticated: \"0\" is not a number from 1 to "
    "1048576");
BAD(bad_unauth_big, "max-unauthenticated 1048577\n",
    "1: error: max-unauthenticated: \"1048577\" is not a number from 1 "
    "to 1048576");
BAD(bad_unauth_suffix, "max-unauthenticated 1K\n",
    "1: error: max-unauthenticated: \"1K\" is not a number from 1 to "
    "1048576");
BAD(bad_per_source_text, "max-unauthenticated-per-source many\n",
    "1: error: max-unauthenticated-per-source: \"many\" is not a number "
    "from 1 to 1048576");
BAD(bad_per_source_dup,
    "max-unauthenticated-per-source 5\nmax-unauthenticated-per-source 6\n",
    "2: error: max-unauthenticated-per-source: already set on line 1");
BAD(bad_per_source_args, "max-unauthenticated-per-source\n",
    "1: error: max-unauthenticated-per-source: wrong number of arguments; "
    "usage: max-unauthenticated-per-source N");
BAD(bad_status_public, "status-listen 192.0.2.1 8080\n",
    "1: error: status-listen: \"192.0.2.1\" is not a loopback address; "
    "off loopback the status page is served only over HTTPS with "
    "client certificates (\"https CERT_FILE KEY_FILE CLIENT_CA_FILE\")");
BAD(bad_status_any, "status-listen :: 8080\n",
    "1: error: status-listen: \"::\" is not a loopback address; "
    "off loopback the status page is served only over HTTPS with "
    "client certificates (\"https CERT_FILE KEY_FILE CLIENT_CA_FILE\")");
BAD(bad_status_dup, "status-listen 127.0.0.1 1\nstatus-listen ::1 2\n",
    "2: error: status-listen: already set on line 1");
BAD(bad_status_https_short, "status-listen 192.0.2.1 8443 https c.pem\n",
    "1: error: status-listen: expected \"https CERT_FILE KEY_FILE "
    "CLIENT_CA_FILE\" after the port");
BAD(bad_status_https_word,
    "status-listen 192.0.2.1 8443 tls c.pem k.pem ca.pem\n",
    "1: error: status-listen: expected \"https CERT_FILE KEY_FILE "
    "CLIENT_CA_FILE\" after the port");
BAD(bad_status_https_long,
    "status-listen 192.0.2.1 8443 https c.pem k.pem ca.pem x\n",
    "1: error: status-listen: wrong number of arguments; usage: "
    "status-listen ADDRESS PORT [https CERT_FILE KEY_FILE CLIENT_CA_FILE]");
BAD(bad_status_port, "status-listen 127.0.0.1 0\n",
    "1: error: status-listen: \"0\" is not a port (1 to 65535)");

/* A guard of a pair: the validator takes no listen line, and a peer the
 * other edge serves (reached over gcxp) no peer line. */
static void
test_pair_lines(void **state)
{
	struct gen_peer peers[3];
	struct gen_policy pair = test_policy;
	char err[1024], want[1024];
	struct site s;

	(void)state;
	memcpy(peers, test_peers, sizeof(peers));
	peers[0].protocol = GEN_PROTO_GCXP;
	pair.peers = peers;
	pair.role = GEN_ROLE_EDGE;
	assert_int_equal(load_for(&pair, &s, "peer inside 127.0.1.1 5269\n",
	    27, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s:1: error: peer: \"inside\" is "
	    "reached over gcxp, through the validator the policy's pair "
	    "block names\n", path);
	assert_string_equal(err, want);
	site_free(&s);
	pair.role = GEN_ROLE_VALIDATOR;
	assert_int_equal(load_for(&pair, &s, "listen 127.0.0.1 5269\n", 22,
	    err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s:1: error: listen: a pair's "
	    "validator takes no S2S stream; it listens for the edges where "
	    "the policy's pair block says\n", path);
	assert_string_equal(err, want);
	site_free(&s);
}

/* The status page: off unless asked for; plain HTTP on loopback, HTTPS
 * (with its three files) anywhere. */
static void
test_status_listen(void **state)
{
	static const char v4[] = "status-listen 127.0.3.1 8080\n";
	static const char v6[] = "status-listen ::1 8081\n";
	static const char mapped[] = "status-listen ::ffff:127.0.0.1 8082\n";
	static const char https[] = "status-listen 192.0.2.1 8443 https "
	    "/etc/xedge/status.pem /etc/xedge/status.key /etc/xedge/ops-ca.pem\n";
	static const char https_lo[] = "status-listen ::1 8443 https c.pem "
	    "k.pem ca.pem\n";
	struct site s;
	char err[512];

	(void)state;
	assert_int_equal(site_init(&s, &test_policy), 0);
	assert_null(s.status_host);
	assert_int_equal(s.status_port, 0);
	site_free(&s);
	assert_int_equal(load(&s, v4, sizeof(v4) - 1, err, sizeof(err)), 0);
	assert_string_equal(s.status_host, "127.0.3.1");
	assert_int_equal(s.status_port, 8080);
	site_free(&s);
	assert_int_equal(load(&s, v6, sizeof(v6) - 1, err, sizeof(err)), 0);
	assert_string_equal(s.status_host, "::1");
	site_free(&s);
	assert_int_equal(load(&s, mapped, sizeof(mapped) - 1, err,
	    sizeof(err)), 0);
	assert_int_equal(s.status_port, 8082);
	assert_null(s.status_cert_file);
	site_free(&s);
	assert_int_equal(load(&s, https, sizeof(https) - 1, err, sizeof(err)),
	    0);
	assert_string_equal(s.status_host, "192.0.2.1");
	assert_int_equal(s.status_port, 8443);
	assert_string_equal(s.status_cert_file, "/etc/xedge/status.pem");
	assert_string_equal(s.status_key_file, "/etc/xedge/status.key");
	assert_string_equal(s.status_client_ca_file, "/etc/xedge/ops-ca.pem");
	site_free(&s);
	assert_int_equal(load(&s, https_lo, sizeof(https_lo) - 1, err,
	    sizeof(err)), 0);
	assert_string_equal(s.status_host, "::1");
	assert_string_equal(s.status_client_ca_file, "ca.pem");
	site_free(&s);
}

/* Every mistake is reported, each with its line. */
static void
test_all_errors_reported(void **state)
{
	static const char content[] =
	    "listen 127.0.0.1 5269\n"
	    "bogus\n"
	    "peer inside 127.0.0.1 5269\n"
	    "peer nobody 127.0.0.1 5269\n"
	    "log loud\n";
	char err[1024], want[1024];
	struct site s;

	(void)state;
	assert_int_equal(load(&s, content, sizeof(content) - 1, err,
	    sizeof(err)), -1);
	snprintf(want, sizeof(want),
	    "%s:2: error: unknown keyword \"bogus\"\n"
	    "%s:4: error: peer: the policy has no peer \"nobody\"\n"
	    "%s:5: error: log: expected stderr or syslog, not \"loud\"\n",
	    path, path, path);
	assert_string_equal(err, want);
	site_free(&s);
}

static void
test_long_line(void **state)
{
	char content[3000], err[1024], want[1024];
	struct site s;

	(void)state;
	memset(content, 'x', 2000);
	memcpy(content, "ca ", 3);
	memcpy(content + 2000, "\nlog syslog\nbogus\n", 19);
	assert_int_equal(load(&s, content, strlen(content), err, sizeof(err)),
	    -1);
	/* The long line is one error, and the count of lines goes on. */
	snprintf(want, sizeof(want),
	    "%s:1: error: line longer than 1024 bytes or holding a NUL byte\n"
	    "%s:3: error: unknown keyword \"bogus\"\n", path, path);
	assert_string_equal(err, want);
	assert_true(s.use_syslog);
	site_free(&s);
}

static void
test_nul_byte(void **state)
{
	static const char content[] = "ca a.pem\0 b\nlog stderr\n";
	char err[1024], want[1024];
	struct site s;

	(void)state;
	assert_int_equal(load(&s, content, sizeof(content) - 1, err,
	    sizeof(err)), -1);
	snprintf(want, sizeof(want),
	    "%s:1: error: line longer than 1024 bytes or holding a NUL byte\n",
	    path);
	assert_string_equal(err, want);
	site_free(&s);
}

static void
test_missing_file(void **state)
{
	struct site s;
	char err[256];
	int fd, saved;

	(void)state;
	assert_int_equal(site_init(&s, &test_policy), 0);
	saved = stderr_begin(&fd);
	assert_int_equal(site_load(&s, &test_policy, "/nonexistent/site"),
	    -1);
	stderr_end(saved, fd, err, sizeof(err));
	assert_string_equal(err,
	    "/nonexistent/site: error: No such file or directory\n");
	site_free(&s);
}

/* site_load_file reads a stream already open, names it as told in its
 * messages, and leaves it open. */
static void
test_load_file(void **state)
{
	static char content[] = "log syslog\nbogus\n";
	struct site s;
	char err[256];
	int fd, saved;
	FILE *f;

	(void)state;
	f = fmemopen(content, sizeof(content) - 1, "r");
	assert_non_null(f);
	assert_int_equal(site_init(&s, &test_policy), 0);
	saved = stderr_begin(&fd);
	assert_int_equal(site_load_file(&s, &test_policy, f, "(stdin)"), -1);
	stderr_end(saved, fd, err, sizeof(err));
	assert_string_equal(err, "(stdin):2: error: unknown keyword \"bogus\"\n");
	assert_true(s.use_syslog);
	assert_int_equal(ftell(f), (long)sizeof(content) - 1);
	assert_int_equal(fclose(f), 0);
	site_free(&s);
}

#define BAD_TEST(name) \
	{ "test_" #name, test_bad, NULL, NULL, (void *)&name }

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_copies_policy),
		cmocka_unit_test(test_good_file),
		cmocka_unit_test(test_empty_file),
		cmocka_unit_test(test_admission),
		cmocka_unit_test(test_status_listen),
		cmocka_unit_test(test_run_as_root),
		cmocka_unit_test(test_all_errors_reported),
		cmocka_unit_test(test_long_line),
		cmocka_unit_test(test_nul_byte),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_load_file),
		BAD_TEST(bad_keyword),
		BAD_TEST(bad_listen_args),
		BAD_TEST(bad_listen_many),
		BAD_TEST(bad_listen_name),
		BAD_TEST(bad_port_zero),
		BAD_TEST(bad_port_big),
		BAD_TEST(bad_port_text),
		BAD_TEST(bad_port_sign),
		BAD_TEST(bad_listen_flag),
		BAD_TEST(bad_listen_dup),
		BAD_TEST(bad_peer_unknown),
		BAD_TEST(bad_peer_not_dialled),
		BAD_TEST(bad_peer_dup),
		BAD_TEST(bad_peer_address),
		BAD_TEST(bad_peer_args),
		BAD_TEST(bad_cert_unknown),
		BAD_TEST(bad_cert_wildcard_instance),
		BAD_TEST(bad_cert_dup),
		BAD_TEST(bad_cert_args),
		BAD_TEST(bad_ca_args),
		BAD_TEST(bad_ca_dup),
		BAD_TEST(bad_secret_dup),
		BAD_TEST(bad_secret_args),
		BAD_TEST(bad_crl_args),
		BAD_TEST(bad_crl_dup),
		BAD_TEST(bad_dns_name),
		BAD_TEST(bad_dns_port),
		BAD_TEST(bad_dns_v6),
		BAD_TEST(bad_dns_dup),
		BAD_TEST(bad_log),
		BAD_TEST(bad_log_dup),
		BAD_TEST(bad_level),
		BAD_TEST(bad_level_dup),
		BAD_TEST(bad_level_args),
		BAD_TEST(bad_user_args),
		BAD_TEST(bad_user_dup),
		BAD_TEST(bad_root_word),
		BAD_TEST(bad_root_dup),
		BAD_TEST(bad_root_after_user),
		BAD_TEST(bad_user_after_root),
		BAD_TEST(bad_chroot_relative),
		BAD_TEST(bad_chroot_dup),
		BAD_TEST(bad_budget_zero),
		BAD_TEST(bad_budget_unit),
		BAD_TEST(bad_budget_fraction),
		BAD_TEST(bad_budget_huge),
		BAD_TEST(bad_budget_overflow),
		BAD_TEST(bad_budget_dup),
		BAD_TEST(bad_unauth_zero),
		BAD_TEST(bad_unauth_big),
		BAD_TEST(bad_unauth_suffix),
		BAD_TEST(bad_per_source_text),
		BAD_TEST(bad_per_source_dup),
		BAD_TEST(bad_per_source_args),
		BAD_TEST(bad_status_public),
		BAD_TEST(bad_status_any),
		BAD_TEST(bad_status_dup),
		BAD_TEST(bad_status_https_short),
		BAD_TEST(bad_status_https_word),
		BAD_TEST(bad_status_https_long),
		BAD_TEST(bad_status_port),
		cmocka_unit_test(test_pair_lines),
	};

	return cmocka_run_group_tests_name("site", tests, group_setup,
	    group_teardown);
}
