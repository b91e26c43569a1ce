/*
 * JID domain extraction and checks. Only the domainpart matters to routing;
 * it is checked here against the characters and label shape a DNS domain or
 * an IP literal may have, so that nothing odd reaches the lookups or the
 * logs. The other parts get a lighter check, for callers that pass whole
 * JIDs on.
 */
#include <string.h>

#include "jid.h"

/* A domainpart byte we accept: LDH, dots, IPv6 literal brackets and colons,
 * and any non-ASCII byte (internationalized labels are compared as UTF-8). */
static int
jid_domain_byte(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
	    c == '[' || c == ']' || c == ':' || c >= 0x80;
}

/*
 * Checks DOMAIN (LEN bytes, not terminated) and copies it lower-cased into
 * OUT: one trailing dot is dropped, and then every label must be non-empty
 * and an all-ASCII label at most 63 bytes (RFC 1035); a label with non-ASCII
 * bytes is an internationalized one, whose A-label length is not known here.
 * Returns the canonical length, or -1.
 */
int
jid_canon_domain(const char *domain, size_t len, char *out)
{
	size_t i, label = 0;
	int ascii = 1;

	if (len > 0 && domain[len - 1] == '.')
		len--;
	if (len == 0 || len > JID_DOMAIN_MAX)
		return -1;
	for (i = 0; i <= len; i++) {
		/* The end closes the last label as a dot would. */
		unsigned char c = i < len ? (unsigned char)domain[i] : '.';

		if (c == '.') {
			if (label == 0 || (ascii && label > JID_LABEL_MAX))
				return -1;
			label = 0;
			ascii = 1;
		} else if (jid_domain_byte(c)) {
			label++;
			ascii = ascii && c < 0x80;
		} else {
			return -1;
		}
		if (i < len)
			out[i] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) :
			    (char)c;
	}
	out[len] = '\0';
	return (int)len;
}

int
jid_domain(const char *jid, char *out)
{
	const char *start = jid, *end, *at, *slash;

	slash = strchr(jid, '/');
	end = slash ? slash : jid + strlen(jid);
	at = memchr(jid, '@', (size_t)(end - jid));
	if (at != NULL) {
		if (at == jid)
			return -1;
		start = at + 1;
	}
	if (slash != NULL && slash[1] == '\0')
		return -1;
	return jid_canon_domain(start, (size_t)(end - start), out);
}

/* A localpart byte RFC 7622 allows: not one of the characters it forbids
 * outright, and not a control character or a space (PRECIS
 * IdentifierClass). */
static int
jid_local_byte(unsigned char c)
{
	return c > 0x20 && c != 0x7f && strchr("\"&'/:<>@", c) == NULL;
}

/*
 * Checks JID lightly against RFC 7622: a valid domainpart (jid_domain), a
 * localpart, if any, of 1 to JID_PART_MAX bytes of jid_local_byte, and a
 * resourcepart, if any, of 1 to JID_PART_MAX bytes without control
 * characters. Stringprep and PRECIS mapping are not applied. Returns 1 if
 * JID passes, else 0.
 */
int
jid_valid(const char *jid)
{
	char domain[JID_DOMAIN_MAX + 1];
	const char *slash, *at, *p;

	if (jid_domain(jid, domain) < 0)
		return 0;
	slash = strchr(jid, '/');
	if (slash != NULL) {
		if (strlen(slash + 1) > JID_PART_MAX)
			return 0;
		for (p = slash + 1; *p != '\0'; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				return 0;
	} else {
		slash = jid + strlen(jid);
	}
	at = memchr(jid, '@', (size_t)(slash - jid));
	if (at == NULL)
		return 1;
	if (at - jid > JID_PART_MAX)
		return 0;
	for (p = jid; p < at; p++)
		if (!jid_local_byte((unsigned char)*p))
			return 0;
	return 1;
}

int
jid_domain_in(const char *domain, char *const *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(list[i], domain) == 0)
			return 1;
	return 0;
}
