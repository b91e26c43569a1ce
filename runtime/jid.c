/*
 * JID domain extraction. Only the domainpart matters to routing; it is
 * checked here against the characters a DNS domain or an IP literal may
 * hold, so that nothing odd reaches the lookups or the logs.
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

int
jid_canon_domain(const char *domain, size_t len, char *out)
{
	size_t i;

	if (len > 0 && domain[len - 1] == '.')
		len--;
	if (len == 0 || len > JID_DOMAIN_MAX || domain[0] == '.')
		return -1;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)domain[i];

		if (!jid_domain_byte(c))
			return -1;
		if (c == '.' && i + 1 < len && domain[i + 1] == '.')
			return -1;
		out[i] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : (char)c;
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
