/*
 * The guard's process-wide state and the serialization buffer every stream
 * shares: a stanza is serialized once, then copied into the destination's
 * output buffer.
 */
#include <stdlib.h>

#include "guard.h"
#include "stanza.h"

struct guard guard;

long
guard_serialize(const struct stanza_node *e, const char **out)
{
	size_t need;
	char *grown;

	need = stanza_serialize(e, STANZA_NS_SERVER, guard.scratch,
	    guard.scratch_cap);
	if (need > guard.scratch_cap) {
		grown = realloc(guard.scratch, need);
		if (grown == NULL)
			return -1;
		guard.scratch = grown;
		guard.scratch_cap = need;
		stanza_serialize(e, STANZA_NS_SERVER, guard.scratch,
		    guard.scratch_cap);
	}
	*out = guard.scratch;
	return (long)need;
}
