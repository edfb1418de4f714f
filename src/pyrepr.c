/* pyrepr.c: strings quoted as Python's repr() quotes them, for anomaly messages */
#include "mission_audit.h"

#include "mb/pg_wchar.h"

#include "unprintable.h"

/* Is a code point >= U+00A0 one that str.isprintable() rejects? */
static bool
is_unprintable(pg_wchar c)
{
	int			lo = 0;
	int			hi = lengthof(unprintable_ranges) - 1;

	while (lo <= hi)
	{
		int			mid = (lo + hi) / 2;

		if (c < unprintable_ranges[mid][0])
			hi = mid - 1;
		else if (c > unprintable_ranges[mid][1])
			lo = mid + 1;
		else
			return true;
	}
	return false;
}

/*
 * Append repr(s): single quotes unless s holds a single quote and no double
 * quote; escapes for backslash, the quote in use, \t \n \r, and every other
 * unprintable character as \xhh, \uhhhh or \Uhhhhhhhh.  s is valid UTF-8.
 */
void
ma_append_pyrepr(StringInfo buf, const char *s, int len)
{
	char		quote = '\'';
	const unsigned char *p = (const unsigned char *) s;
	const unsigned char *end = p + len;
	bool		utf8 = (GetDatabaseEncoding() == PG_UTF8);

	if (memchr(s, '\'', len) && !memchr(s, '"', len))
		quote = '"';

	appendStringInfoChar(buf, quote);
	while (p < end)
	{
		int			clen;
		pg_wchar	c;

		/*
		 * In a UTF-8 database jsonb holds valid UTF-8; elsewhere (SQL_ASCII)
		 * a non-ASCII byte is passed through as it is.
		 */
		if (utf8 && IS_HIGHBIT_SET(*p) && pg_utf_mblen(p) <= end - p)
		{
			clen = pg_utf_mblen(p);
			c = utf8_to_unicode(p);
		}
		else
		{
			clen = 1;
			c = IS_HIGHBIT_SET(*p) ? 0xA1 : *p;	/* 0xA1: any printable */
		}

		if (c == (pg_wchar) quote || c == '\\')
		{
			appendStringInfoChar(buf, '\\');
			appendStringInfoChar(buf, (char) c);
		}
		else if (c == '\t')
			appendStringInfoString(buf, "\\t");
		else if (c == '\n')
			appendStringInfoString(buf, "\\n");
		else if (c == '\r')
			appendStringInfoString(buf, "\\r");
		else if (c < 0x20 || (c >= 0x7f && c < 0xa0) || (c >= 0xa0 && is_unprintable(c)))
		{
			if (c <= 0xff)
				appendStringInfo(buf, "\\x%02x", c);
			else if (c <= 0xffff)
				appendStringInfo(buf, "\\u%04x", c);
			else
				appendStringInfo(buf, "\\U%08x", c);
		}
		else
			appendBinaryStringInfo(buf, (const char *) p, clen);
		p += clen;
	}
	appendStringInfoChar(buf, quote);
}
