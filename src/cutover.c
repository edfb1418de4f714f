/* cutover.c: contract 3.0.0's cutover gate, the reference's assert_canonical_cutover_signal */
#include "mission_audit.h"

#include "mb/pg_wchar.h"
#include "miscadmin.h"

/*
 * The gate demands schema_version exactly "3.0.0" and refuses the legacy
 * mission-domain names anywhere in an envelope.  Its rules run in order and
 * the first that fails decides the message (rule book section 5.3).
 */
#define REQUIRED_SIGNAL "3.0.0"
#define ACCEPTED_MAJOR 3

/* Forbidden legacy keys, sorted as the message lists them; their lengths all differ. */
#define LEGACY_KEY(s) {s, sizeof(s) - 1}
static const struct
{
	const char *name;
	uint32		len;
}			legacy_keys[] = {
	LEGACY_KEY("feature_number"), LEGACY_KEY("feature_slug"),
	LEGACY_KEY("legacy_aggregate_id"), LEGACY_KEY("mission_key")
};

#define LEGACY_KEY_MIN_LEN 11
#define LEGACY_KEY_MAX_LEN 19
static const char *const legacy_event_names[] = {"FeatureCreated", "FeatureClosed"};
static const char *const legacy_aggregate_names[] = {"feature", "feature_catalog"};

/* The first code point of each run of ten Unicode decimal digits (Nd). */
static const pg_wchar digit_zeros[] = {
	0x30, 0x660, 0x6F0, 0x7C0, 0x966, 0x9E6, 0xA66, 0xAE6, 0xB66, 0xBE6, 0xC66, 0xCE6,
	0xD66, 0xDE6, 0xE50, 0xED0, 0xF20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0,
	0x1A80, 0x1A90, 0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0,
	0xA9F0, 0xAA50, 0xABF0, 0xFF10, 0x104A0, 0x10D30, 0x11066, 0x110F0, 0x11136,
	0x111D0, 0x112F0, 0x11450, 0x114D0, 0x11650, 0x116C0, 0x11730, 0x118E0, 0x11950,
	0x11C50, 0x11D50, 0x11DA0, 0x16A60, 0x16AC0, 0x16B50, 0x1D7CE, 0x1D7D8, 0x1D7E2,
	0x1D7EC, 0x1D7F6, 0x1E140, 0x1E2F0, 0x1E950, 0x1FBF0,
};

/* A decimal digit's value (what Python's int() reads), or -1. */
static int
digit_value(pg_wchar c)
{
	for (int i = 0; i < lengthof(digit_zeros); i++)
		if (c >= digit_zeros[i] && c < digit_zeros[i] + 10)
			return c - digit_zeros[i];
	return -1;
}

/*
 * The major version of the text before the first '.': -1 when it is empty
 * or not all decimal digits (str.isdigit() fails), else whether int() of it
 * is ACCEPTED_MAJOR (1) or not (0).  Outside UTF-8 only ASCII digits count.
 */
static int
major_is_accepted(const char *s, int len)
{
	const char *end = s + len;
	const char *dot = memchr(s, '.', len);
	bool		utf8 = GetDatabaseEncoding() == PG_UTF8;
	int			significant = 0;	/* digits after leading zeros */
	int			value = 0;

	if (dot)
		end = dot;
	if (s == end)
		return -1;
	while (s < end)
	{
		pg_wchar	c;
		int			clen = utf8 ? pg_utf_mblen((const unsigned char *) s) : 1;
		int			d;

		if (clen > end - s)
			return -1;
		c = utf8 ? utf8_to_unicode((const unsigned char *) s) : (unsigned char) *s;
		if ((d = digit_value(c)) < 0 || (!utf8 && c > 0x7F))
			return -1;
		if (d > 0 || significant > 0)
		{
			significant++;
			value = d;
		}
		s += clen;
	}
	return significant == 1 && value == ACCEPTED_MAJOR ? 1 : 0;
}

/* Add to *mask the legacy keys of container c and everything below it. */
static void
walk_keys(JsonbContainer *c, uint32 *mask)
{
	uint32		n = JsonContainerSize(c);
	bool		object = JsonContainerIsObject(c);
	uint32		nentries = object ? 2 * n : n;
	const JEntry *children = c->children;
	const char *base = (const char *) (children + nentries);
	uint32		offset = 0;

	check_stack_depth();
	for (uint32 i = 0; i < nentries; i++)
	{
		JEntry		e = children[i];
		uint32		end = JBE_HAS_OFF(e) ? JBE_OFFLENFLD(e) : offset + JBE_OFFLENFLD(e);

		if ((i & 4095) == 0)
			CHECK_FOR_INTERRUPTS();	/* an array of millions of scalars */

		if (object && i < n)
		{
			uint32		len = end - offset;

			/* the names' lengths differ: one comparison per key at most */
			if (len >= LEGACY_KEY_MIN_LEN && len <= LEGACY_KEY_MAX_LEN)
				for (int k = 0; k < lengthof(legacy_keys); k++)
					if (legacy_keys[k].len == len &&
						memcmp(base + offset, legacy_keys[k].name, len) == 0)
						*mask |= 1u << k;
		}
		else if (JBE_ISCONTAINER(e))
			walk_keys((JsonbContainer *) (base + INTALIGN(offset)), mask);
		offset = end;
	}
}

/* Is v a string equal to one of the n names? Which one, or -1. */
static int
string_in(const JsonbValue *v, const char *const *names, int n, int len)
{
	if (v == NULL || v->type != jbvString)
		return -1;
	for (int i = 0; i < n; i++)
		if (strlen(names[i]) == len && memcmp(v->val.string.val, names[i], len) == 0)
			return i;
	return -1;
}

#define FAIL(...) return want_message ? psprintf(__VA_ARGS__) : (char *) ""

/*
 * Run the gate on an envelope (an object) whose top-level schema_version,
 * event_type and aggregate_id are given (NULL when absent).  NULL when it
 * passes; otherwise the reference's exception text for the first failing
 * rule, or "" when want_message is false.
 */
char *
ma_cutover_failure(Jsonb *event, const JsonbValue *sv, const JsonbValue *type,
				   const JsonbValue *agg, bool want_message)
{
	StringInfoData msg;
	uint32		mask = 0;
	int			i;

	/* rules 1-5: the signal itself */
	if (sv == NULL || sv->type == jbvNull)
		FAIL("missing canonical cutover signal 'schema_version'");
	if (sv->type != jbvString)
		FAIL("schema_version must be a string; got %s", ma_python_type_name(sv));
	if (sv->val.string.len != strlen(REQUIRED_SIGNAL) ||
		memcmp(sv->val.string.val, REQUIRED_SIGNAL, sv->val.string.len) != 0)
	{
		int			major = major_is_accepted(sv->val.string.val, sv->val.string.len);

		if (!want_message)
			return "";
		initStringInfo(&msg);
		appendStringInfoString(&msg, major < 0 ?
							   "cutover signal must start with a numeric major version: " :
							   major == 0 ?
							   "unsupported cutover major version in 'schema_version': " :
							   "cutover signal must equal '" REQUIRED_SIGNAL "'; got ");
		ma_append_pyrepr(&msg, sv->val.string.val, sv->val.string.len);
		return msg.data;
	}

	/* rule 6: legacy keys at any depth, arrays included; keys only */
	walk_keys(&event->root, &mask);
	if (mask != 0)
	{
		if (!want_message)
			return "";
		initStringInfo(&msg);
		appendStringInfoString(&msg, "payload contains forbidden legacy keys: [");
		for (i = 0; i < lengthof(legacy_keys); i++)
			if (mask & (1u << i))
				appendStringInfo(&msg, "%s'%s'", msg.data[msg.len - 1] == '[' ? "" : ", ",
								 legacy_keys[i].name);
		appendStringInfoChar(&msg, ']');
		return msg.data;
	}

	/* rule 7: legacy event names */
	if (type && type->type == jbvString &&
		(i = string_in(type, legacy_event_names, lengthof(legacy_event_names),
					   type->val.string.len)) >= 0)
		FAIL("payload contains forbidden legacy event names: ['%s']", legacy_event_names[i]);

	/* rule 8: legacy aggregate names, the text before the first '/' */
	if (agg && agg->type == jbvString)
	{
		const char *slash = memchr(agg->val.string.val, '/', agg->val.string.len);
		int			len = slash ? slash - agg->val.string.val : agg->val.string.len;

		if ((i = string_in(agg, legacy_aggregate_names, lengthof(legacy_aggregate_names),
						   len)) >= 0)
			FAIL("payload contains forbidden legacy aggregate names: ['%s']",
				 legacy_aggregate_names[i]);
	}
	return NULL;
}
