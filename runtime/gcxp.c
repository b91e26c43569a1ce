/*
 * A build's part in a guard pair (xedge-gcxp(7)): who it is on the links
 * (its name, role, window and the policy's digest, which the HELLO
 * carries), the TLS material of the pair, and the start and end of the
 * edge (gcxp_edge.c) or the validator (gcxp_validator.c).
 */
#include <stdio.h>

#include <openssl/rand.h>

#include "gcxp.h"
#include "gcxp_int.h"
#include "guard.h"
#include "log.h"
#include "tls.h"

int
gcxp_load(void)
{
	const struct gen_pair *p = &guard.policy->pair;
	struct tls_cert_spec spec = { .domain = guard.policy->role_name,
	    .cert_file = p->cert_file, .key_file = p->key_file };

	if (guard.policy->role == GEN_ROLE_SINGLE)
		return 0;
	guard.gcxp_tls = tls_ctx_new(&spec, 1, p->ca_file);
	return guard.gcxp_tls == NULL ? -1 : 0;
}

int
gcxp_start(void)
{
	const struct gen_policy *pol = guard.policy;
	struct gcxp_self self = { .name = pol->role_name,
	    .window = (uint16_t)pol->pair.window,
	    .max_frame = gcxp_frame_max(pol->limits.stanza_size) };

	if (pol->role == GEN_ROLE_SINGLE)
		return 0;
	if (gcxp_digest_bytes(pol->sha256, self.digest) == -1 ||
	    RAND_bytes((unsigned char *)&self.instance,
	    sizeof(self.instance)) != 1) {
		log_event(LOG_LVL_ERR, 0, "gcxp-failed", "reason=\"no digest "
		    "or no randomness\"");
		return -1;
	}
	self.instance |= 1;	/* never 0 */
	self.tls = pol->tls_policy;
	self.tls.min_version = self.tls.max_version = TLS1_3_VERSION;
	if (pol->role == GEN_ROLE_EDGE) {
		self.role = GCXP_ROLE_EDGE;
		return gcxp_edge_start(&self);
	}
	self.role = GCXP_ROLE_VALIDATOR;
	return gcxp_validator_start(&self);
}

void
gcxp_status_changed(struct status_link *s, int up, const char *why)
{
	s->up = up;
	s->since_ms = loop_wall_ms();
	if (why != NULL)
		snprintf(s->error, sizeof(s->error), "%s", why);
}

size_t
gcxp_status_links(struct status_link *out)
{
	if (guard.gcxp_edge != NULL) {
		gcxp_edge_status(out);
		return 1;
	}
	if (guard.gcxp_validator != NULL) {
		gcxp_validator_status(out);
		return 2;
	}
	return 0;
}

size_t
gcxp_shutdown_step(int force)
{
	if (guard.gcxp_edge != NULL)
		return gcxp_edge_shutdown_step(force);
	if (guard.gcxp_validator != NULL)
		return gcxp_validator_shutdown_step();
	return 0;
}

void
gcxp_free(void)
{
	gcxp_edge_free();
	gcxp_validator_free();
	tls_ctx_free(guard.gcxp_tls);
	guard.gcxp_tls = NULL;
}
