/*
 * The parser's life (xml_new, xml_reset, xml_free), its limits, and what
 * the caller reads after xml_parse: events' results and errors.
 */
#include "xml_int.h"

/* Sets the bound on the bytes of an element to MAX (not 0), and the bound
 * on its arenas with it: what MAX bytes may need, or max_memory if that is
 * less. */
static void
xml_set_max_stanza(struct xml_parser *x, size_t max)
{
	size_t mem = max > (SIZE_MAX - XML_ARENA_SLACK) / XML_ARENA_PER_BYTE ?
	    0 : max * XML_ARENA_PER_BYTE + XML_ARENA_SLACK;

	if (x->lim.max_memory != 0 && (mem == 0 || x->lim.max_memory < mem))
		mem = x->lim.max_memory;
	x->lim.max_stanza = max;
	x->root_arena.limit = x->elem_arena.limit = mem;
}

struct xml_parser *
xml_new(const struct xml_limits *limits)
{
	struct xml_parser *x;

	if ((x = calloc(1, sizeof(*x))) == NULL)
		return NULL;
	x->lim = *limits;
	xml_set_max_stanza(x, x->lim.max_stanza != 0 ? x->lim.max_stanza :
	    XML_DEFAULT_MAX_STANZA);
	if (x->lim.max_depth == 0)
		x->lim.max_depth = XML_DEFAULT_MAX_DEPTH;
	if (x->lim.max_attrs == 0)
		x->lim.max_attrs = XML_DEFAULT_MAX_ATTRS;
	xml_reset(x);
	return x;
}

void
xml_lower_max_stanza(struct xml_parser *x, size_t max)
{
	if (max != 0 && max < x->lim.max_stanza)
		xml_set_max_stanza(x, max);
}

void
xml_raise_max_stanza(struct xml_parser *x, size_t max)
{
	x->lim.max_memory = 0;
	xml_set_max_stanza(x, max > x->lim.max_stanza ? max :
	    x->lim.max_stanza);
}

void
xml_count_into(struct xml_parser *x, size_t *held)
{
	arena_count_into(&x->root_arena, held);
	arena_count_into(&x->elem_arena, held);
	if (x->held != NULL)
		*x->held -= x->scratch_cap;
	if (held != NULL)
		*held += x->scratch_cap;
	x->held = held;
}

void
xml_free(struct xml_parser *x)
{
	if (x == NULL)
		return;
	arena_free(&x->root_arena);
	arena_free(&x->elem_arena);
	xml_scratch_free(x);
	free(x->attrs);
	free(x->stack);
	free(x);
}

void
xml_reset(struct xml_parser *x)
{
	arena_reset(&x->root_arena);
	arena_reset(&x->elem_arena);
	xml_scratch_free(x);
	xml_machine_start(x);
	x->event = XML_NEED_MORE;
	x->err = XML_ERR_NONE;
	x->err_text = NULL;
	x->elem_returned = 0;
	x->close_pending = 0;
	x->tok_open = 0;
	x->tag_open = 0;
	x->name_pending = 0;
	x->in_elem = 0;
	x->acct_bytes = 0;
	x->depth = 0;
	x->root_open = 0;
	x->ns = NULL;
	x->dflt = "";
}

const struct stanza_node *
xml_stream_root(const struct xml_parser *x)
{
	return x->root_open ? x->stack[0].node : NULL;
}

struct stanza_node *
xml_element(struct xml_parser *x)
{
	return x->event == XML_ELEMENT ? x->stack[1].node : NULL;
}

struct arena *
xml_element_arena(struct xml_parser *x)
{
	return &x->elem_arena;
}

enum xml_error
xml_error_condition(const struct xml_parser *x)
{
	return x->err;
}

const char *
xml_error_text(const struct xml_parser *x)
{
	return x->err_text != NULL ? x->err_text : "";
}

const char *
xml_error_name(enum xml_error e)
{
	switch (e) {
	case XML_ERR_NOT_WELL_FORMED: return "not-well-formed";
	case XML_ERR_RESTRICTED_XML: return "restricted-xml";
	case XML_ERR_INVALID_NAMESPACE: return "invalid-namespace";
	case XML_ERR_BAD_NAMESPACE_PREFIX: return "bad-namespace-prefix";
	case XML_ERR_UNSUPPORTED_ENCODING: return "unsupported-encoding";
	case XML_ERR_POLICY_VIOLATION: return "policy-violation";
	case XML_ERR_INTERNAL: return "internal-server-error";
	case XML_ERR_NONE: break;
	}
	return "undefined-condition";
}
