/*
 * What every egress shares (egress.h): keeping a stanza's meta with the
 * stanza when it has to wait, and the list of sources that wait for a
 * destination.
 */
#include <string.h>

#include "egress.h"

static size_t
egress_strsize(const char *str)
{
	return str != NULL ? strlen(str) + 1 : 0;
}

/* Copies a possibly NULL string to *TAIL, which it advances; returns the
 * copy. */
static const char *
egress_str(char **tail, const char *str)
{
	size_t n;
	char *copy;

	if (str == NULL)
		return NULL;
	n = strlen(str) + 1;
	copy = memcpy(*tail, str, n);
	*tail += n;
	return copy;
}

size_t
egress_meta_size(const struct egress_meta *m)
{
	return egress_strsize(m->from) + egress_strsize(m->to) +
	    egress_strsize(m->id) + egress_strsize(m->type);
}

void
egress_meta_keep(struct egress_meta *kept, const struct egress_meta *m,
    char *tail)
{
	*kept = *m;
	kept->path = NULL;
	kept->npath = 0;
	kept->from = egress_str(&tail, m->from);
	kept->to = egress_str(&tail, m->to);
	kept->id = egress_str(&tail, m->id);
	kept->type = egress_str(&tail, m->type);
}

void
egress_wait_on(struct egress_waiter **waiters, void *dst,
    const struct egress_ops *eg, struct egress_waiter *w)
{
	w->waiting_for = dst;
	w->egress = eg;
	w->next = *waiters;
	*waiters = w;
	w->ops->pause(w);
}

void
egress_unlist(struct egress_waiter **waiters, struct egress_waiter *w)
{
	struct egress_waiter **pp;

	for (pp = waiters; *pp != NULL; pp = &(*pp)->next)
		if (*pp == w) {
			*pp = w->next;
			break;
		}
	w->next = NULL;
	w->waiting_for = NULL;
}

void
egress_release(struct egress_waiter **waiters)
{
	struct egress_waiter *w;

	while ((w = *waiters) != NULL) {
		*waiters = w->next;
		w->next = NULL;
		w->waiting_for = NULL;
		w->ops->resume(w);
	}
}
