/* scalars.c: event ids, timestamps, UUIDs, versions and JSON numbers */
#include "mission_audit.h"

#include "common/int.h"
#include "fmgr.h"
#include "mb/pg_wchar.h"
#include "utils/builtins.h"

/* Code points in a string of the server encoding. */
int
ma_utf8_length(const char *s, int len)
{
	for (int i = 0; i < len; i++)
		if (IS_HIGHBIT_SET(s[i]))
			return pg_mbstrlen_with_len(s, len);
	return len;
}

/* ASCII lower case without a call into libpgport per character. */
static inline char
ascii_lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

/*
 * Byte classes, built on first use: the upper-case Crockford base32 digit
 * (no I, L, O, U; either case accepted), or 0; and the value of a hex digit,
 * or -1.
 */
static char crockford_upper[256];
static int8 hex_digit[256];
static bool tables_ready = false;

static void
init_tables(void)
{
	const char *crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

	for (const char *d = crockford; *d; d++)
	{
		crockford_upper[(unsigned char) *d] = *d;
		crockford_upper[(unsigned char) ascii_lower(*d)] = *d;
	}
	for (int c = 0; c < 256; c++)
		hex_digit[c] = -1;
	for (int i = 0; i < 16; i++)
	{
		hex_digit[(unsigned char) "0123456789abcdef"[i]] = i;
		hex_digit[(unsigned char) "0123456789ABCDEF"[i]] = i;
	}
	tables_ready = true;
}

static inline int
hex_value(char c)
{
	if (unlikely(!tables_ready))
		init_tables();
	return hex_digit[(unsigned char) c];
}

/* Is s 8-4-4-4-12 hex digits with hyphens? */
static bool
is_hyphenated_uuid(const char *s, int len)
{
	static const int group_start[] = {0, 9, 14, 19, 24, 37};
	int			bad = 0;

	if (len != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-')
		return false;
	if (unlikely(!tables_ready))
		init_tables();
	/* OR of all digit values, group by group: negative iff any is not hex */
	for (int g = 0; g < 5; g++)
		for (int i = group_start[g]; i < group_start[g + 1] - 1; i++)
			bad |= hex_digit[(unsigned char) s[i]];
	return bad >= 0;
}

/*
 * Normalize an event id: a 26-character ULID to upper case, a hyphenated
 * UUID to lower case, 32 hex digits to a hyphenated lower-case UUID.  On
 * failure, append the reference library's reason to why.
 */
bool
ma_parse_event_id(const char *s, int len, MaEventId *out, StringInfo why)
{
	int			nchars;

	if (len == 26)
	{
		int			i;

		if (unlikely(!tables_ready))
			init_tables();
		for (i = 0; i < 26 && (out->text[i] = crockford_upper[(unsigned char) s[i]]) != 0; i++)
			;
		if (i == 26)
		{
			out->len = 26;
			out->text[26] = '\0';
			return true;
		}
	}
	else if (len == 36 && is_hyphenated_uuid(s, len))
	{
		for (int i = 0; i < 36; i++)
			out->text[i] = ascii_lower(s[i]);
		out->len = 36;
		out->text[36] = '\0';
		return true;
	}
	else if (len == 32)
	{
		int			i;
		int			o = 0;

		for (i = 0; i < 32 && hex_value(s[i]) >= 0; i++)
		{
			if (i == 8 || i == 12 || i == 16 || i == 20)
				out->text[o++] = '-';
			out->text[o++] = ascii_lower(s[i]);
		}
		if (i == 32)
		{
			out->len = 36;
			out->text[36] = '\0';
			return true;
		}
	}

	/* the reference library's reasons, by length in code points */
	if (why == NULL)
		return false;
	nchars = ma_utf8_length(s, len);
	if (nchars == 26)
	{
		appendStringInfoString(why, "Value error, 26-char event_id must be valid "
							   "Crockford base32 (chars I, L, O, U are not allowed); got ");
		ma_append_pyrepr(why, s, len);
	}
	else
		appendStringInfo(why, "Value error, event_id must be 26-char ULID (Crockford base32), "
						 "36-char UUID, or 32-char hex UUID; got %d chars", nchars);
	return false;
}

/* Read n ASCII digits at s into *value. */
static bool
read_digits(const char *s, int n, int *value)
{
	int			v = 0;

	for (int i = 0; i < n; i++)
	{
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*value = v;
	return true;
}

/* Write v as exactly n decimal digits. */
static char *
put_digits(char *p, int v, int n)
{
	for (int i = n - 1; i >= 0; i--, v /= 10)
		p[i] = '0' + v % 10;
	return p + n;
}

static int
days_in_month(int year, int month)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool		leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

	return (month == 2 && leap) ? 29 : days[month - 1];
}

/*
 * Parse HH:MM[:SS[(.|,)fraction]][Z|z|+HH:MM|-HH:MM|+HHMM|-HHMM] at s and
 * render it as isoformat() renders it: "HH:MM:SS[.ffffff][+HH:MM]".
 */
static bool
parse_time(const char *s, const char *end, char *out, int *outlen, int64 *hms, int *suffix)
{
	int			hour,
				minute,
				second = 0,
				usec = 0;
	char	   *p;

	if (end - s < 5 || s[2] != ':' || !read_digits(s, 2, &hour) ||
		!read_digits(s + 3, 2, &minute) || hour > 23 || minute > 59)
		return false;
	s += 5;
	if (s < end && *s == ':')
	{
		if (end - s < 3 || !read_digits(s + 1, 2, &second) || second > 59)
			return false;
		s += 3;
		if (s < end && (*s == '.' || *s == ','))
		{
			int			digits = 0;

			for (s++; s < end && *s >= '0' && *s <= '9'; s++, digits++)
				if (digits < 6)
					usec = usec * 10 + (*s - '0');
			if (digits == 0)
				return false;
			for (; digits < 6; digits++)
				usec *= 10;
		}
	}
	*hms = (hour * 100 + minute) * 100 + second;
	*suffix = usec != 0 ? 3 : 0;
	p = out;
	*p++ = 'T';
	p = put_digits(p, hour, 2);
	*p++ = ':';
	p = put_digits(p, minute, 2);
	*p++ = ':';
	p = put_digits(p, second, 2);
	if (usec != 0)
	{
		*p++ = '.';
		p = put_digits(p, usec, 6);
	}

	if (s < end)
	{
		int			oh,
					om;
		char		sign = *s;

		if ((sign == 'Z' || sign == 'z') && end - s == 1)
		{
			memcpy(p, "+00:00", 6);
			p += 6;
			if (usec == 0)
				*suffix = 1;
		}
		else if (sign == '+' || sign == '-')
		{
			s++;
			if (end - s == 5 && s[2] == ':' && read_digits(s, 2, &oh) &&
				read_digits(s + 3, 2, &om))
				 /* +HH:MM */ ;
			else if (end - s == 4 && read_digits(s, 2, &oh) && read_digits(s + 2, 2, &om))
				 /* +HHMM */ ;
			else
				return false;
			if (oh > 23 || om > 59)
				return false;
			if (oh == 0 && om == 0)
				sign = '+';
			if (usec == 0)
				*suffix = (sign == '+') ? 1 : 2;
			*p++ = sign;
			p = put_digits(p, oh, 2);
			*p++ = ':';
			p = put_digits(p, om, 2);
		}
		else
			return false;
	}
	*outlen = p - out;
	return true;
}

/*
 * The rendered timestamp "YYYY-MM-DDTHH:MM:SS[suffix]" as a number that
 * sorts as the text does: the fixed-width digits as one integer, then the
 * suffix's first character, which text order puts as none < '+' < '-' < '.'.
 * Equal prefixes fall back to comparing the text.
 */
int64
ma_ts_prefix(const char *key, int len)
{
	int64		v = 0;
	int			suffix = 0;

	for (int i = 0; i < 19 && i < len; i++)
		if (key[i] >= '0' && key[i] <= '9')
			v = v * 10 + (key[i] - '0');
	if (len > 19)
		suffix = key[19] == '+' ? 1 : key[19] == '-' ? 2 : 3;
	return v * 4 + suffix;
}

/*
 * Parse an ISO 8601 date-time (the spellings our README lists) into its sort
 * key, the text Python's datetime.isoformat() gives the parsed value, and that
 * key's numeric prefix (computed from the fields, equal to ma_ts_prefix of
 * the text).  On failure *why is pydantic's reason.
 */
bool
ma_parse_timestamp(const char *s, int len, MaTimestamp *out, const char **why)
{
	int			year,
				month,
				day;
	int64		hms = 0;
	int			suffix = 0;
	char	   *key = out->text;
	const char *end = s + len;

	/* speedate's order: each part's characters, then the ranges */
	*why = NULL;
	if (len < 10)
		*why = "input is too short";
	else if (!read_digits(s, 4, &year))
		*why = "invalid character in year";
	else if (s[4] != '-')
		*why = "invalid date separator, expected `-`";
	else if (!read_digits(s + 5, 2, &month))
		*why = "invalid character in month";
	else if (s[7] != '-')
		*why = "invalid date separator, expected `-`";
	else if (!read_digits(s + 8, 2, &day))
		*why = "invalid character in day";
	else if (month < 1 || month > 12)
		*why = "month value is outside expected range of 1-12";
	else if (year == 0 || day < 1 || day > days_in_month(year, month))
		*why = year == 0 ? "year value is outside expected range" :
			"day value is outside expected range";
	if (*why)
		return false;

	key = put_digits(key, year, 4);
	*key++ = '-';
	key = put_digits(key, month, 2);
	*key++ = '-';
	key = put_digits(key, day, 2);
	if (len == 10)
	{
		memcpy(key, "T00:00:00", 10);
		out->len = 19;
	}
	else if ((s[10] == 'T' || s[10] == 't' || s[10] == ' ') &&
			 parse_time(s + 11, end, key, &out->len, &hms, &suffix))
		out->len += 10;
	else
	{
		*why = "unexpected extra characters at the end of the input";
		return false;
	}
	out->text[out->len] = '\0';
	out->prefix = ((((int64) year * 100 + month) * 100 + day) * 1000000 + hms) * 4 + suffix;
	return true;
}

/* Are n bytes at s hex digits in 8-4-4-4-12 groups (hyphenated) or 32 in a row? */
static bool
uuid_body_ok(const char *s, int n)
{
	if (n == 36)
		return is_hyphenated_uuid(s, n);
	if (n != 32)
		return false;
	for (int i = 0; i < 32; i++)
		if (hex_value(s[i]) < 0)
			return false;
	return true;
}

/*
 * Is s a UUID as pydantic reads one (through the Rust uuid crate): 32 hex
 * digits, 8-4-4-4-12, that in braces, or after a lower-case "urn:uuid:"?
 * On failure append the crate's reason, worked out as its InvalidUuid does:
 * the first bad character (its byte position from 1), else the simple
 * length, else the group count, else the first group of the wrong length.
 * Two quirks of the crate are kept.  A wrapped input of the exact width (38
 * bytes in braces, 45 after "urn:uuid:") fails inside its fast path, which
 * reports on the 36-byte body alone, as if it had been given without the
 * wrapper.  And the last group's length is the whole input's length less 24,
 * wrapper included.
 */
bool
ma_parse_uuid(const char *s, int len, StringInfo why)
{
	static const int group_start[] = {0, 9, 14, 19, 24};
	static const int group_len[] = {8, 4, 4, 4, 12};
	const char *body;
	int			n;
	int			offset = 0;
	bool		simple = true;
	int			hyphens = 0;
	int			bounds[4] = {0, 0, 0, 0};

	if (len == 32 || len == 36)
	{
		if (uuid_body_ok(s, len))
			return true;
	}
	else if (len == 38 && s[0] == '{' && s[37] == '}')
	{
		if (is_hyphenated_uuid(s + 1, 36))
			return true;
		s += 1, len = 36;		/* the fast path's report is on the body */
	}
	else if (len == 45 && strncmp(s, "urn:uuid:", 9) == 0)
	{
		if (is_hyphenated_uuid(s + 9, 36))
			return true;
		s += 9, len = 36;
	}
	if (why == NULL)
		return false;

	body = s;
	n = len;
	if (len >= 2 && s[0] == '{' && s[len - 1] == '}')
		body = s + 1, n = len - 2, offset = 1, simple = false;
	else if (len >= 9 && strncmp(s, "urn:uuid:", 9) == 0)
		body = s + 9, n = len - 9, offset = 9, simple = false;

	for (int i = 0; i < n;)
	{
		int			clen = pg_mblen(body + i);

		if (clen > n - i)
			clen = n - i;
		if (body[i] == '-')
		{
			if (hyphens < 4)
				bounds[hyphens] = i;
			hyphens++;
		}
		else if (clen > 1 || hex_value(body[i]) < 0)
		{
			/* every byte before it is ASCII, so bytes and characters agree */
			appendStringInfo(why, "invalid character: found `%.*s` at %d",
							 clen, body + i, offset + i + 1);
			return false;
		}
		i += clen;
	}
	if (hyphens == 0 && simple)
		appendStringInfo(why, "invalid length: expected length 32 for simple format, found %d", n);
	else if (hyphens != 4)
		appendStringInfo(why, "invalid group count: expected 5, found %d", hyphens + 1);
	else
	{
		int			g;

		for (g = 0; g < 4 && bounds[g] == group_start[g + 1] - 1; g++)
			;
		appendStringInfo(why, "invalid group length in group %d: expected %d, found %d",
						 g, group_len[g], g < 4 ? bounds[g] - group_start[g] : len - group_start[4]);
	}
	return false;
}

/* ^[0-9]+\.[0-9]+\.[0-9]+$ with $ at the very end (no final newline). */
bool
ma_is_version(const char *s, int len)
{
	int			runs = 0;
	int			digits = 0;

	for (int i = 0; i < len; i++)
	{
		if (s[i] >= '0' && s[i] <= '9')
			digits++;
		else if (s[i] == '.' && digits > 0 && runs < 2)
		{
			runs++;
			digits = 0;
		}
		else
			return false;
	}
	return runs == 2 && digits > 0;
}

/*
 * The numeric on-disk header, which is fixed by pg_upgrade compatibility:
 * a uint16 after the varlena header holds flags; the short form packs sign,
 * display scale and weight into it, the long form adds an int16 weight.
 * Digits are base-10000 int16s with leading and trailing zero digits
 * stripped, so a value is integral iff it has no digit below the unit.
 */
#define NUMHDR_SIGN_MASK	0xC000
#define NUMHDR_NEG			0x4000
#define NUMHDR_SHORT		0x8000
#define NUMHDR_SPECIAL		0xC000
#define NUMHDR_SHORT_SIGN	0x2000
#define NUMHDR_SHORT_DSCALE_MASK 0x1F80
#define NUMHDR_SHORT_DSCALE_SHIFT 7
#define NUMHDR_SHORT_WSIGN	0x0040
#define NUMHDR_SHORT_WMASK	0x003F
#define NUMHDR_DSCALE_MASK	0x3FFF

typedef struct MaNumericHeader
{
	bool		negative;
	int			weight;
	int			dscale;
	int			ndigits;
	const int16 *digits;
} MaNumericHeader;

static inline void
read_numeric_header(Numeric num, MaNumericHeader *h)
{
	const char *data = VARDATA_ANY(num);
	int			size = VARSIZE_ANY_EXHDR(num);
	uint16		head;

	memcpy(&head, data, sizeof(uint16));
	if ((head & NUMHDR_SIGN_MASK) == NUMHDR_SPECIAL)
		elog(ERROR, "unexpected NaN or infinity in jsonb number");
	if ((head & NUMHDR_SIGN_MASK) == NUMHDR_SHORT)
	{
		h->negative = (head & NUMHDR_SHORT_SIGN) != 0;
		h->dscale = (head & NUMHDR_SHORT_DSCALE_MASK) >> NUMHDR_SHORT_DSCALE_SHIFT;
		h->weight = (head & NUMHDR_SHORT_WSIGN) ? (int) (head | ~NUMHDR_SHORT_WMASK) :
			(int) (head & NUMHDR_SHORT_WMASK);
		h->digits = (const int16 *) (data + sizeof(uint16));
		h->ndigits = (size - sizeof(uint16)) / sizeof(int16);
	}
	else
	{
		int16		weight;

		memcpy(&weight, data + sizeof(uint16), sizeof(int16));
		h->negative = (head & NUMHDR_SIGN_MASK) == NUMHDR_NEG;
		h->dscale = head & NUMHDR_DSCALE_MASK;
		h->weight = weight;
		h->digits = (const int16 *) (data + 2 * sizeof(uint16));
		h->ndigits = (size - 2 * sizeof(uint16)) / sizeof(int16);
	}
}

/* Sign, integrality and (when it fits) the int64 value of a JSON number. */
void
ma_number_shape(Numeric num, MaNumberShape *shape)
{
	MaNumericHeader h;

	read_numeric_header(num, &h);
	shape->negative = h.negative && h.ndigits > 0;
	shape->integral = h.ndigits == 0 || h.weight >= h.ndigits - 1;
	shape->fractional_text = h.dscale > 0;
	shape->fits_int64 = false;
	shape->value = 0;
	if (!shape->integral)
		return;

	/*
	 * Exactly the values of int64 fit, 2^63 - 1 and -2^63 included: at most
	 * five base-10000 digits (below 10^20), accumulated with overflow checks.
	 */
	if (h.weight <= 4)
	{
		uint64		v = 0;
		uint64		limit = (uint64) PG_INT64_MAX + (shape->negative ? 1 : 0);

		for (int i = 0; i <= h.weight; i++)
			if (pg_mul_u64_overflow(v, 10000, &v) ||
				pg_add_u64_overflow(v, i < h.ndigits ? h.digits[i] : 0, &v))
				return;
		if (v > limit)
			return;
		shape->value = shape->negative ? (int64) (0 - v) : (int64) v;
		shape->fits_int64 = true;
	}
}

/* An integral number with no display scale: 3.0 becomes 3, 1e2 stays 100. */
Numeric
ma_integral_numeric(Numeric num)
{
	MaNumericHeader h;

	read_numeric_header(num, &h);
	if (h.dscale == 0 && !(h.negative && h.ndigits == 0))
		return num;
	return DatumGetNumeric(DirectFunctionCall2(numeric_trunc,
											   NumericGetDatum(num),
											   Int32GetDatum(0)));
}

/*
 * Would pydantic's lax mode read this string as an integer?  Surrounding
 * whitespace, a sign, digits (single underscores between them, as Python
 * writes 1_000), and an all-zero fraction are accepted.
 */
bool
ma_string_reads_as_int(const char *s, int len)
{
	const char *end = s + len;
	int			digits = 0;

	while (s < end && isspace((unsigned char) *s))
		s++;
	while (end > s && isspace((unsigned char) end[-1]))
		end--;
	if (s < end && (*s == '+' || *s == '-'))
		s++;
	for (; s < end; s++)
	{
		if (*s >= '0' && *s <= '9')
			digits++;
		else if (*s == '_' && digits > 0 && s + 1 < end && s[1] >= '0' && s[1] <= '9')
			continue;
		else
			break;
	}
	if (digits == 0)
		return false;
	if (s < end && *s == '.')
		for (s++; s < end && *s == '0'; s++)
			;
	return s == end;
}
