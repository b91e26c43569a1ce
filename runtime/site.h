/*
 * The site file: the plumbing an accreditor does not approve, read once at
 * start. It may override where the guard listens, where each peer is
 * reached, where certificate files lie and where logs go, and name the CRL
 * files (re-read on SIGHUP, see crl.h); it cannot add a peer, a domain or
 * a route. Lines are "keyword args...", '#' starts a comment:
 *
 *   listen ADDRESS PORT [direct-tls]
 *   peer NAME ADDRESS PORT
 *   certificate DOMAIN CERT_FILE KEY_FILE
 *   ca FILE
 *   dialback-secret FILE  the XEP-0185 secret (SHA-256 of the file, at
 *                        least 32 bytes), shared by the guards of one site
 *   crl FILE             a CRL file (PEM); repeatable
 *   dns ADDRESS [PORT]   the (IPv4) name server for peers found by DNS SRV
 *   log stderr|syslog
 *   log-level debug|info|warn|error
 *   user NAME            who the guard becomes after a start as root
 *   run-as-root yes|no   stay root (warned in the log); excludes user
 *   chroot DIR           the (absolute) directory to chroot to
 *   memory-budget SIZE               bytes, or with a K, M or G suffix
 *   max-unauthenticated N            connections not yet authenticated
 *   max-unauthenticated-per-source N the same, per IPv4 address or IPv6 /64
 *   status-listen ADDRESS PORT [https CERT_FILE KEY_FILE CLIENT_CA_FILE]
 *                        the status page (web/web.h), off without this
 *                        line; plain HTTP on a loopback address only,
 *                        else HTTPS to clients with a certificate from
 *                        CLIENT_CA_FILE
 */
#ifndef XEDGE_SITE_H
#define XEDGE_SITE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "admit.h"
#include "log.h"
#include "policy_types.h"
#include "tls.h"

struct site_listen {
	char *host;
	uint16_t port;
	int direct_tls;
};

struct site_peer {
	char *host;	/* NULL: the peer is not dialled (or by SRV) */
	uint16_t port;
};

/* The effective plumbing: the policy's values with the site's overrides. */
struct site {
	struct site_listen *listen;
	size_t nlisten;
	struct site_peer *peers;	/* one per gen_policy.peers */
	size_t npeers;
	struct tls_cert_spec *certs;	/* one per gen_policy.guard.certs */
	size_t ncerts;
	char *ca_file;
	char *dialback_secret_file;	/* NULL: a random secret per start */
	char **crl_files;	/* in the order given */
	size_t ncrl;
	char *dns_server;	/* NULL: the system's resolv.conf */
	uint16_t dns_port;
	int use_syslog;
	enum log_level log_level;
	char *user;		/* NULL: priv.c's default */
	int run_as_root;
	char *chroot_dir;	/* NULL: priv.c decides */
	struct admit_settings admit;	/* admission bounds (admit.h) */
	char *status_host;	/* the status page's address; NULL: off */
	uint16_t status_port;
	/* The status page's HTTPS files; all NULL: plain HTTP (loopback). */
	char *status_cert_file;
	char *status_key_file;
	char *status_client_ca_file;
};

/* Fills S with the policy's own values. Returns 0 or -1 (no memory). */
int site_init(struct site *s, const struct gen_policy *p);

/* Applies the overrides in file PATH; on a mistake prints
 * "PATH:LINE: error: ..." to stderr and returns -1. */
int site_load(struct site *s, const struct gen_policy *p, const char *path);

/* Same, reading the lines of F, which is named PATH in messages; F stays
 * open. */
int site_load_file(struct site *s, const struct gen_policy *p, FILE *f,
    const char *path);

void site_free(struct site *s);

#endif
