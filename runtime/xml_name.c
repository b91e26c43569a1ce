/*
 * Name checks left to C by the machine: QName form and the non-ASCII
 * characters of names (XML 1.0 fifth edition, Namespaces in XML 1.0).
 */
#include "xml_int.h"

/* Decodes the UTF-8 sequence at S (already validated) into *CP and returns
 * its length. */
static size_t
xml_utf8_decode(const unsigned char *s, uint32_t *cp)
{
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] < 0xe0) {
		*cp = (uint32_t)(s[0] & 0x1f) << 6 | (s[1] & 0x3f);
		return 2;
	}
	if (s[0] < 0xf0) {
		*cp = (uint32_t)(s[0] & 0x0f) << 12 |
		    (uint32_t)(s[1] & 0x3f) << 6 | (s[2] & 0x3f);
		return 3;
	}
	*cp = (uint32_t)(s[0] & 0x07) << 18 | (uint32_t)(s[1] & 0x3f) << 12 |
	    (uint32_t)(s[2] & 0x3f) << 6 | (s[3] & 0x3f);
	return 4;
}

/* XML 1.0 fifth edition NameStartChar and NameChar, above ASCII. */
static int
xml_name_start_cp(uint32_t c)
{
	return (c >= 0xc0 && c <= 0xd6) || (c >= 0xd8 && c <= 0xf6) ||
	    (c >= 0xf8 && c <= 0x2ff) || (c >= 0x370 && c <= 0x37d) ||
	    (c >= 0x37f && c <= 0x1fff) || (c >= 0x200c && c <= 0x200d) ||
	    (c >= 0x2070 && c <= 0x218f) || (c >= 0x2c00 && c <= 0x2fef) ||
	    (c >= 0x3001 && c <= 0xd7ff) || (c >= 0xf900 && c <= 0xfdcf) ||
	    (c >= 0xfdf0 && c <= 0xfffd) || (c >= 0x10000 && c <= 0xeffff);
}

static int
xml_name_cp(uint32_t c)
{
	return xml_name_start_cp(c) || c == 0xb7 ||
	    (c >= 0x300 && c <= 0x36f) || (c >= 0x203f && c <= 0x2040);
}

/*
 * Checks what the machine leaves to C in a name with a colon or non-ASCII
 * characters: at most one colon, not first or last (a QName), a
 * NameStartChar after it, and the non-ASCII characters. Stores the colon's
 * offset (or N) in *COLON.
 */
int
xml_check_qname_chars(struct xml_parser *x, const char *name, size_t n,
    size_t *colon)
{
	const unsigned char *s = (const unsigned char *)name;
	size_t i = 0, len;
	uint32_t cp;
	int start = 1;

	*colon = n;
	while (i < n) {
		if (s[i] < 0x80) {
			if (s[i] == ':') {
				if (*colon != n || i == 0 || i == n - 1)
					return xml_fail(x,
					    XML_ERR_NOT_WELL_FORMED,
					    "bad qualified name");
				*colon = i++;
				start = 1;
				continue;
			}
			if (start && (s[i] == '-' || s[i] == '.' ||
			    (s[i] >= '0' && s[i] <= '9')))
				return xml_fail(x, XML_ERR_NOT_WELL_FORMED,
				    "bad name start");
			i++;
		} else {
			len = xml_utf8_decode(s + i, &cp);
			if (start ? !xml_name_start_cp(cp) : !xml_name_cp(cp))
				return xml_fail(x, XML_ERR_NOT_WELL_FORMED,
				    "bad name character");
			i += len;
		}
		start = 0;
	}
	return 0;
}
