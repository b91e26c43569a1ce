/*
 * Decoding of a finished token: references, line ends, attribute white
 * space and CDATA sections, into the element's memory.
 */
#include "xml_int.h"

/* Writes code point CP (a Char) as UTF-8 at D; returns the length. */
static size_t
xml_utf8_encode(char *d, uint32_t cp)
{
	if (cp < 0x80) {
		d[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		d[0] = (char)(0xc0 | cp >> 6);
		d[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		d[0] = (char)(0xe0 | cp >> 12);
		d[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		d[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	d[0] = (char)(0xf0 | cp >> 18);
	d[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	d[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	d[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/*
 * Returns the first byte from S on (or END) that xml_decode must treat in
 * MODE, knowing from the token's FLAGS which kinds occur at all: with one
 * kind, memchr finds it.
 */
static const char *
xml_decode_next(const char *s, const char *end, enum xml_mode mode,
    unsigned flags)
{
	unsigned char special = mode == XML_MODE_ATTR ? XML_C_ATTR_DEC :
	    XML_C_TEXT_DEC;
	const char *c;

	if (!(flags & (XML_TOK_WS | XML_TOK_CDATA)))
		c = memchr(s, '&', (size_t)(end - s));
	else
		for (c = s; c < end &&
		    !(xml_class[(unsigned char)*c] & special); c++)
			continue;
	return c != NULL ? c : end;
}

/* Copies S[0..n) to D with CR LF and lone CR turned into LF; returns the
 * length written. */
static size_t
xml_copy_lines(char *d, const char *s, size_t n)
{
	const char *end = s + n, *cr;
	char *d0 = d;

	while ((cr = memchr(s, '\r', (size_t)(end - s))) != NULL) {
		memcpy(d, s, (size_t)(cr - s));
		d += cr - s;
		*d++ = '\n';
		s = cr + 1;
		if (s < end && *s == '\n')
			s++;
	}
	memcpy(d, s, (size_t)(end - s));
	return (size_t)(d + (end - s) - d0);
}

/*
 * Decodes S[0..n), which the machine has checked and found to contain
 * what FLAGS say, into D (room for N bytes: decoding never lengthens).
 * Returns the decoded length.
 */
size_t
xml_decode(char *d, const char *s, size_t n, enum xml_mode mode,
    unsigned flags)
{
	const char *end = s + n, *run, *semi;
	char *d0 = d;
	uint32_t cp;

	for (;;) {
		/* Copy the run of bytes that stand for themselves. */
		run = xml_decode_next(s, end, mode, flags);
		memcpy(d, s, (size_t)(run - s));
		d += run - s;
		if ((s = run) == end)
			break;
		switch (*s) {
		case '\r':
			if (s + 1 < end && s[1] == '\n')
				s++;
			*d++ = mode == XML_MODE_ATTR ? ' ' : '\n';
			s++;
			break;
		case '\t':
		case '\n':
			*d++ = ' ';
			s++;
			break;
		case '<':
			/* Only a CDATA section: its content as it is. */
			s += sizeof("<![CDATA[") - 1;
			semi = memmem(s, (size_t)(end - s), "]]>", 3);
			d += xml_copy_lines(d, s, (size_t)(semi - s));
			s = semi + 3;
			break;
		default:
			/* The machine has checked the reference: a character
			 * reference's digits run to its ';', and each
			 * predefined entity has its own length. */
			if (s[1] == '#') {
				cp = 0;
				if (s[2] == 'x')
					for (s += 3; *s != ';'; s++)
						cp = cp << 4 | xml_hex(*s);
				else
					for (s += 2; *s != ';'; s++)
						cp = cp * 10 + xml_hex(*s);
				d += xml_utf8_encode(d, cp);
				s++;
				break;
			}
			switch (s[1]) {
			case 'l': *d++ = '<'; s += sizeof("&lt;") - 1; break;
			case 'g': *d++ = '>'; s += sizeof("&gt;") - 1; break;
			case 'q': *d++ = '"'; s += sizeof("&quot;") - 1; break;
			default:
				if (s[2] == 'm') {
					*d++ = '&';
					s += sizeof("&amp;") - 1;
				} else {
					*d++ = '\'';
					s += sizeof("&apos;") - 1;
				}
				break;
			}
			break;
		}
	}
	return (size_t)(d - d0);
}
