/*
 * Stanza structure checks. A guard refuses what a conforming sender never
 * produces, so that the server behind it never has to cope with it. Each
 * rule cites the section of RFC 6120 (or RFC 6121) it applies; where the
 * RFCs leave room (a receiver's leniency towards values it does not know,
 * how many <text/> an error carries) the guard takes the strict reading,
 * and the comment says so. Strings are compared as sent: XMPP's attribute
 * values and condition names are case-sensitive.
 */
#include <string.h>

#include "jid.h"
#include "stanza_check.h"
#include "stanza_error.h"

/* The longest subtag of a language tag (RFC 5646 section 2.1). */
#define STANZA_CHECK_SUBTAG_MAX 8

/* RFC 6120 section 8.2.3 rule 2. */
static const char *const stanza_check_iq_types[] = {
	"get", "set", "result", "error", NULL
};

/* RFC 6121 section 5.2.2; no 'type' means "normal". A receiver is to
 * take a type it does not know for "normal"; the guard refuses it. */
static const char *const stanza_check_message_types[] = {
	"chat", "error", "groupchat", "headline", "normal", NULL
};

/* RFC 6121 section 4.7.1; no 'type' means available. */
static const char *const stanza_check_presence_types[] = {
	"error", "probe", "subscribe", "subscribed", "unavailable",
	"unsubscribe", "unsubscribed", NULL
};

/* RFC 6120 section 8.3.2, "error-type". */
static const char *const stanza_check_error_types[] = {
	"auth", "cancel", "continue", "modify", "wait", NULL
};

/* Returns 1 if S is one of the NULL-terminated SET, else 0. */
static int
stanza_check_one_of(const char *s, const char *const *set)
{
	for (; *set != NULL; set++)
		if (strcmp(s, *set) == 0)
			return 1;
	return 0;
}

static int
stanza_check_is_letter(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/*
 * Returns 1 if LANG has the shape of a language tag, as RFC 6120 section
 * 8.1.5 requires of xml:lang (an NMTOKEN conforming to BCP 47), else 0.
 * The shape, kept simple: subtags of 1 to 8 ASCII letters or digits
 * joined by single hyphens, the first of letters only. Every well-formed
 * tag has it, grandfathered and private-use ones included ("i-klingon",
 * "x-local"); which subtag may stand where, and the registry, are not
 * checked, so a few ill-formed tags pass ("a-b"). An empty value is no
 * NMTOKEN and fails.
 */
static int
stanza_check_lang_ok(const char *lang)
{
	size_t len = 0;
	int first = 1;

	for (;; lang++) {
		unsigned char c = (unsigned char)*lang;

		if (c == '-' || c == '\0') {
			if (len == 0)
				return 0;
			if (c == '\0')
				return 1;
			len = 0;
			first = 0;
		} else if (stanza_check_is_letter(c) ||
		    (!first && c >= '0' && c <= '9')) {
			if (++len > STANZA_CHECK_SUBTAG_MAX)
				return 0;
		} else {
			return 0;
		}
	}
}

/* Returns 1 if element E has no xml:lang or a well-shaped one, else 0. */
static int
stanza_check_element_lang(const struct stanza_node *e)
{
	const char *lang = stanza_attr(e, STANZA_NS_XML, "lang");

	return lang == NULL || stanza_check_lang_ok(lang);
}

/*
 * Checks the attributes of a stanza of kind KIND (its element name) with
 * 'id' ID and 'type' TYPE, either NULL when absent.
 */
static enum stanza_check_defect
stanza_check_kind(const char *kind, const char *id, const char *type)
{
	const char *const *types;

	if (strcmp(kind, "iq") == 0) {
		/* RFC 6120 section 8.2.3 rules 1 and 2. An empty 'id' is
		 * present: rule 3 has an IQ response to a request that had
		 * none carry one. */
		if (id == NULL)
			return STANZA_CHECK_IQ_NO_ID;
		if (type == NULL)
			return STANZA_CHECK_IQ_NO_TYPE;
		types = stanza_check_iq_types;
	} else if (strcmp(kind, "message") == 0) {
		types = stanza_check_message_types;
	} else if (strcmp(kind, "presence") == 0) {
		types = stanza_check_presence_types;
	} else {
		return STANZA_CHECK_KIND;
	}
	if (type != NULL && !stanza_check_one_of(type, types))
		return STANZA_CHECK_TYPE;
	if (id != NULL && strnlen(id, STANZA_CHECK_ID_MAX + 1) >
	    STANZA_CHECK_ID_MAX)
		return STANZA_CHECK_ID_LENGTH;
	return STANZA_CHECK_OK;
}

/*
 * Checks the <error/> child ERROR of an error stanza (RFC 6120 section
 * 8.3.2): a known 'type'; 'by', if present, a JID (section 8.3.1);
 * exactly one defined condition, at most one <text/> (both qualified by
 * urn:ietf:params:xml:ns:xmpp-stanzas) and at most one application-
 * specific condition (any other namespace); the section names one of
 * each, and the guard allows no more. Their order is not checked:
 * the section's prose does not fix it, and the schemas of Appendix A are
 * not normative. The defined conditions are those of section 8.3.3
 * (stanza_cond_lookup). Section 8.3.2 lets a receiver take a condition it
 * does not know for <undefined-condition/>, in case later specifications
 * define more; a guard cannot vouch for what it does not know, so it
 * refuses those until stanza_error.c lists them.
 */
static enum stanza_check_defect
stanza_check_error(const struct stanza_node *error)
{
	const struct stanza_node *c;
	const char *type, *by;
	unsigned conditions = 0, texts = 0, apps = 0;

	type = stanza_attr(error, "", "type");
	if (type == NULL || !stanza_check_one_of(type,
	    stanza_check_error_types))
		return STANZA_CHECK_ERROR_TYPE;
	by = stanza_attr(error, "", "by");
	if (by != NULL && !jid_valid(by))
		return STANZA_CHECK_ERROR_BY;
	for (c = error->children; c != NULL; c = c->next) {
		if (c->kind != STANZA_ELEMENT)
			continue;
		if (!stanza_check_element_lang(c))
			return STANZA_CHECK_LANG;
		if (strcmp(c->ns, STANZA_NS_STANZAS) != 0)
			apps++;
		else if (strcmp(c->name, "text") == 0)
			texts++;
		else if (stanza_cond_lookup(c->name, strlen(c->name)) >= 0)
			conditions++;
		else
			return STANZA_CHECK_CONDITION_UNKNOWN;
	}
	if (conditions == 0)
		return STANZA_CHECK_CONDITION_MISSING;
	if (conditions > 1)
		return STANZA_CHECK_CONDITION_DUPLICATE;
	if (texts > 1)
		return STANZA_CHECK_TEXT_DUPLICATE;
	if (apps > 1)
		return STANZA_CHECK_APP_DUPLICATE;
	return STANZA_CHECK_OK;
}

enum stanza_check_defect
stanza_check_stanza(const struct stanza_node *e, const struct stanza_head *h)
{
	const struct stanza_node *c, *error = NULL;
	const char *type = h->type;
	unsigned elements = 0, errors = 0;
	enum stanza_check_defect d;

	d = stanza_check_kind(e->name, h->id, type);
	if (d != STANZA_CHECK_OK)
		return d;
	if (h->lang != NULL && !stanza_check_lang_ok(h->lang))
		return STANZA_CHECK_LANG;
	/* Text between child elements is neither payload nor error. */
	for (c = e->children; c != NULL; c = c->next) {
		if (c->kind != STANZA_ELEMENT)
			continue;
		elements++;
		if (!stanza_check_element_lang(c))
			return STANZA_CHECK_LANG;
		/* The stanza error is qualified by the stanza's own
		 * namespace; an "error" of another is payload. */
		if (strcmp(c->name, "error") == 0 &&
		    strcmp(c->ns, e->ns) == 0) {
			errors++;
			error = c;
		}
	}
	if (type != NULL && strcmp(type, "error") == 0) {
		/* RFC 6120 section 8.3.1 rule 4; of two, which one the
		 * receiver reads is anyone's guess. */
		if (errors == 0)
			return STANZA_CHECK_ERROR_MISSING;
		if (errors > 1)
			return STANZA_CHECK_ERROR_DUPLICATE;
		return stanza_check_error(error);
	}
	/* Section 8.3.1: an <error/> child in a stanza of type error only. */
	if (errors > 0)
		return STANZA_CHECK_ERROR_UNEXPECTED;
	if (strcmp(e->name, "iq") != 0)
		return STANZA_CHECK_OK;
	/* Section 8.2.3 rules 5 and 6: stanza_check_kind left an iq only
	 * get, set or result here. */
	if (strcmp(type, "result") == 0)
		return elements <= 1 ? STANZA_CHECK_OK : STANZA_CHECK_IQ_RESULT;
	return elements == 1 ? STANZA_CHECK_OK : STANZA_CHECK_IQ_REQUEST;
}

const char *
stanza_check_defect_name(enum stanza_check_defect d)
{
	switch (d) {
	case STANZA_CHECK_OK:
		return "ok";
	case STANZA_CHECK_KIND:
		return "unknown-kind";
	case STANZA_CHECK_TYPE:
		return "unknown-type";
	case STANZA_CHECK_ID_LENGTH:
		return "id-too-long";
	case STANZA_CHECK_LANG:
		return "malformed-xml-lang";
	case STANZA_CHECK_IQ_NO_ID:
		return "iq-without-id";
	case STANZA_CHECK_IQ_NO_TYPE:
		return "iq-without-type";
	case STANZA_CHECK_IQ_REQUEST:
		return "iq-request-not-one-child";
	case STANZA_CHECK_IQ_RESULT:
		return "iq-result-several-children";
	case STANZA_CHECK_ERROR_MISSING:
		return "error-child-missing";
	case STANZA_CHECK_ERROR_UNEXPECTED:
		return "error-child-unexpected";
	case STANZA_CHECK_ERROR_DUPLICATE:
		return "error-child-duplicate";
	case STANZA_CHECK_ERROR_TYPE:
		return "error-type-unknown";
	case STANZA_CHECK_ERROR_BY:
		return "error-by-malformed";
	case STANZA_CHECK_CONDITION_MISSING:
		return "condition-missing";
	case STANZA_CHECK_CONDITION_DUPLICATE:
		return "condition-duplicate";
	case STANZA_CHECK_CONDITION_UNKNOWN:
		return "condition-unknown";
	case STANZA_CHECK_TEXT_DUPLICATE:
		return "text-duplicate";
	case STANZA_CHECK_APP_DUPLICATE:
		return "app-condition-duplicate";
	}
	return "invalid";
}
