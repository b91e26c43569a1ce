/*
 * Runs the generated lookups over the domains in the first column of each
 * line of standard input ("(empty)" for the empty name) and prints, per
 * line, the domain, the peer gen_route() picks, the peer
 * gen_origin_peer() picks and the certificate gen_fronted_cert() picks
 * ("-" for none).
 */
#include <stdio.h>
#include <string.h>

#include "policy_types.h"

static const char *
driver_peer(int i)
{
	return i < 0 ? "-" : gen_policy.peers[i].name;
}

int
main(void)
{
	char line[512], domain[512];
	const char *d;
	int c;

	while (fgets(line, sizeof(line), stdin) != NULL) {
		if (sscanf(line, "%511s", domain) != 1)
			continue;
		d = strcmp(domain, "(empty)") == 0 ? "" : domain;
		c = gen_fronted_cert(d, strlen(d));
		printf("%s %s %s %s\n", domain,
		    driver_peer(gen_route(d, strlen(d))),
		    driver_peer(gen_origin_peer(d, strlen(d))),
		    c < 0 ? "-" : gen_policy.guard.certs[c].domain);
	}
	return 0;
}
