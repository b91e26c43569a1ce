/*
 * libFuzzer target for the site-file reader (runtime/site.c). Each input
 * is a site file, read with site_load_file over the fuzz policy's
 * plumbing (tests/fuzz/fuzz.policy). A file that is accepted must leave a
 * site the guard can start from, checked here, aborting otherwise:
 *  - at least one listen address, each numeric with a port, none twice;
 *  - one entry per policy peer, a dialled one with its address and port;
 *  - one certificate per policy certificate, for the same domain, with
 *    both files named;
 *  - a name server, if any, that is a numeric IPv4 address with a port;
 *  - a log level the logger knows;
 *  - not both a user to become and the order to stay root, and a chroot
 *    directory, if any, that is an absolute path.
 * AddressSanitizer and UndefinedBehaviorSanitizer do the rest; whatever
 * the file, site_free must leave nothing allocated.
 */
#include <arpa/inet.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "site.h"


/* Whether TEXT is a numeric address of family AF. */
static int
fuzz_is_address(int af, const char *text)
{
	unsigned char a[16];

	return text != NULL && inet_pton(af, text, a) == 1;
}

/* Checks the invariants above on S, read over P without error. */
static void
fuzz_check_site(const struct site *s, const struct gen_policy *p)
{
	size_t i, j;

	fuzz_check(s->nlisten > 0, "no listen address");
	for (i = 0; i < s->nlisten; i++) {
		fuzz_check((fuzz_is_address(AF_INET, s->listen[i].host) ||
		    fuzz_is_address(AF_INET6, s->listen[i].host)) &&
		    s->listen[i].port != 0, "listen address not numeric");
		for (j = 0; j < i; j++)
			fuzz_check(s->listen[j].port != s->listen[i].port ||
			    strcmp(s->listen[j].host, s->listen[i].host) != 0,
			    "listen address twice");
	}
	fuzz_check(s->npeers == p->npeers, "peer count changed");
	for (i = 0; i < s->npeers; i++) {
		if (p->peers[i].connect != GEN_CONNECT_STATIC &&
		    s->peers[i].host == NULL)
			continue;
		fuzz_check((fuzz_is_address(AF_INET, s->peers[i].host) ||
		    fuzz_is_address(AF_INET6, s->peers[i].host)) &&
		    s->peers[i].port != 0, "peer address not numeric");
	}
	fuzz_check(s->ncerts == p->guard.ncerts, "certificate count changed");
	for (i = 0; i < s->ncerts; i++)
		fuzz_check(strcmp(s->certs[i].domain, p->guard.certs[i].domain)
		    == 0 && s->certs[i].cert_file != NULL &&
		    s->certs[i].key_file != NULL, "certificate lost a file");
	fuzz_check(s->dns_server == NULL ||
	    (fuzz_is_address(AF_INET, s->dns_server) && s->dns_port != 0),
	    "name server not an IPv4 address");
	fuzz_check(s->log_level >= LOG_LVL_DEBUG && s->log_level <= LOG_LVL_ERR,
	    "log level out of range");
	fuzz_check(s->user == NULL || !s->run_as_root,
	    "a user to become, and root to stay");
	fuzz_check(s->chroot_dir == NULL || s->chroot_dir[0] == '/',
	    "chroot directory not absolute");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct site s;
	FILE *f;

	/* fmemopen reads a copy: the input itself is const. */
	f = fmemopen(NULL, size + 1, "w+");
	fuzz_check(f != NULL, "fmemopen failed");
	fuzz_check(fwrite(data, 1, size, f) == size && fseek(f, 0, SEEK_SET)
	    == 0, "cannot write the input to memory");
	fuzz_check(site_init(&s, &gen_policy) == 0, "site_init failed");
	if (site_load_file(&s, &gen_policy, f, "fuzz.site") == 0)
		fuzz_check_site(&s, &gen_policy);
	site_free(&s);
	fclose(f);
	return 0;
}
