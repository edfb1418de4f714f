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

/* A legacy name and its length. */
typedef struct
{
	const char *name;
	uint32		len;
} LegacyName;

#define LEGACY_NAME(s) {s, sizeof(s) - 1}

/* Forbidden legacy keys, sorted as the message lists them; their lengths all differ. */
static const LegacyName legacy_keys[] = {
	LEGACY_NAME("feature_number"), LEGACY_NAME("feature_slug"),
	LEGACY_NAME("legacy_aggregate_id"), LEGACY_NAME("mission_key")
};

#define LEGACY_KEY_MIN_LEN 11
#define LEGACY_KEY_MAX_LEN 19
static const LegacyName legacy_event_names[] = {
	LEGACY_NAME("FeatureCreated"), LEGACY_NAME("FeatureClosed")
};
static const LegacyName legacy_aggregate_names[] = {
	LEGACY_NAME("feature"), LEGACY_NAME("feature_catalog")
};

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

/* Which legacy key is the key [s, s + len)?  -1 for none; at most one memcmp. */
static inline int
legacy_key_index(const char *s, uint32 len)
{
	/* the names' lengths differ, so the length picks the one candidate */
	if (len < LEGACY_KEY_MIN_LEN || len > LEGACY_KEY_MAX_LEN)
		return -1;
	for (int k = 0; k < lengthof(legacy_keys); k++)
		if (legacy_keys[k].len == len)
			return s[0] == legacy_keys[k].name[0] &&
				memcmp(s, legacy_keys[k].name, len) == 0 ? k : -1;
	return -1;
}

/*
 * Add to *mask the legacy keys of container c and everything below it,
 * reading the JEntries in place (no JsonbValue is built).  The container
 * skip, when it is a child of c, is not walked: its keys are known clean.
 */
static void
walk_keys(JsonbContainer *c, const JsonbContainer *skip, uint32 *mask)
{
	uint32		n = JsonContainerSize(c);
	bool		object = JsonContainerIsObject(c);
	uint32		nentries = object ? 2 * n : n;
	const JEntry *children = c->children;
	const char *base = (const char *) (children + nentries);
	uint32		offset = 0;
	int			k;

	check_stack_depth();
	for (uint32 i = 0; i < nentries; i++)
	{
		JEntry		e = children[i];
		uint32		end = JBE_HAS_OFF(e) ? JBE_OFFLENFLD(e) : offset + JBE_OFFLENFLD(e);

		if ((i & 4095) == 0)
			CHECK_FOR_INTERRUPTS();	/* an array of millions of scalars */

		if (object && i < n)
		{
			if ((k = legacy_key_index(base + offset, end - offset)) >= 0)
				*mask |= 1u << k;
		}
		else if (JBE_ISCONTAINER(e))
		{
			JsonbContainer *child = (JsonbContainer *) (base + INTALIGN(offset));

			if (child != skip)
				walk_keys(child, NULL, mask);
		}
		offset = end;
	}
}

/* Does a valid value of this kind hold no object: a scalar or a list of strings? */
static bool
kind_is_flat(MaKind kind)
{
	switch (kind)
	{
		case MA_STRING:
		case MA_INTEGER:
		case MA_LITERAL:
		case MA_ENUM:
		case MA_STRING_LIST:
		case MA_STRING_TUPLE:
		case MA_EVENT_ID:
		case MA_TIMESTAMP:
		case MA_UUID:
		case MA_VERSION:
			return true;
		default:
			return false;		/* MA_MODEL, MA_DICT, or a kind this file does not know */
	}
}

/*
 * Can a value that passed model hold a legacy key anywhere?  Not when the
 * model is closed: it forbids unknown keys, declares no legacy key, and
 * each field is flat or a closed model.
 */
static bool
model_is_closed(const MaModel *model)
{
	if (!model->forbid_extra)
		return false;
	for (int i = 0; i < model->nfields; i++)
	{
		const MaField *f = &model->fields[i];

		if (legacy_key_index(f->name, f->name_len) >= 0)
			return false;
		if (f->kind == MA_MODEL ? !model_is_closed(f->model) : !kind_is_flat(f->kind))
			return false;
	}
	return true;
}

/*
 * Which parts of a validated envelope can hold a legacy key?  A payload
 * whose model is closed (above) holds none.  When the envelope model
 * declares no legacy key and payload is its only field that can hold a
 * container, an envelope whose keys are all declared fields holds legacy
 * keys in its payload only.  Decided from the tables once per backend.
 */
typedef struct ClosedTables
{
	bool		known;
	bool		envelope;		/* containers below declared fields: payload only */
	bool		payload[MA_NUM_AUDIT_TYPES];	/* the payload model is closed */
} ClosedTables;

static const ClosedTables *
closed_tables(const MaContract *contract)
{
	static ClosedTables cache[MA_NUM_CONTRACTS];
	ClosedTables *t = &cache[contract->id];
	const MaModel *env = contract->envelope_model;

	if (t->known)
		return t;
	t->envelope = true;
	for (int i = 0; i < env->nfields; i++)
	{
		const MaField *f = &env->fields[i];

		if (f->name == NULL)
			continue;			/* a slot this contract's envelope leaves empty */
		if (legacy_key_index(f->name, f->name_len) >= 0 ||
			(i == ENV_PAYLOAD ? f->kind != MA_DICT : !kind_is_flat(f->kind)))
			t->envelope = false;
	}
	for (int k = 0; k < MA_NUM_AUDIT_TYPES; k++)
		t->payload[k] = model_is_closed(contract->payload_models[k]);
	t->known = true;
	return t;
}

/*
 * Which of the n names is s (len bytes), or, with prefix, its text before
 * the first '/' (the names hold none)?  -1 for none.
 */
static int
name_in(const char *s, uint32 len, const LegacyName *names, int n, bool prefix)
{
	for (int i = 0; i < n; i++)
		if ((len == names[i].len || (prefix && len > names[i].len && s[names[i].len] == '/')) &&
			memcmp(s, names[i].name, names[i].len) == 0)
			return i;
	return -1;
}

#define FAIL(...) return want_message ? psprintf(__VA_ARGS__) : (char *) ""

/*
 * Run the gate on an envelope (an object) whose top-level fields env holds
 * as read.  NULL when it passes; otherwise the reference's exception text
 * for the first failing rule, or "" when want_message is false.  validated
 * says that the envelope and its payload passed the contract's models: the
 * legacy-key walk then leaves out what they have shown to be clean.
 */
char *
ma_cutover_failure(const MaContract *contract, Jsonb *event, const MaEnvelope *env,
				   bool validated, bool want_message)
{
	const MaFound *fields = env->fields;
	const JsonbValue *sv = fields[ENV_SCHEMA_VERSION].present ? &fields[ENV_SCHEMA_VERSION].value : NULL;
	const JsonbValue *type = fields[ENV_EVENT_TYPE].present ? &fields[ENV_EVENT_TYPE].value : NULL;
	const JsonbValue *agg = fields[ENV_AGGREGATE_ID].present ? &fields[ENV_AGGREGATE_ID].value : NULL;
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
	if (!validated)
		walk_keys(&event->root, NULL, &mask);
	else
	{
		const ClosedTables *closed = closed_tables(contract);
		const MaFound *payload = &fields[ENV_PAYLOAD];
		const JsonbContainer *clean = NULL;
		uint32		declared = 0;

		if (payload->present && env->kind < MA_NUM_AUDIT_TYPES && closed->payload[env->kind])
			clean = payload->value.val.binary.data;
		for (i = 0; i < contract->envelope_model->nfields; i++)
			declared += fields[i].present;
		if (closed->envelope && declared == JsonContainerSize(&event->root))
		{
			/* every key a declared name: only the payload can hold more keys */
			if (payload->present && clean == NULL)
				walk_keys(payload->value.val.binary.data, NULL, &mask);
		}
		else
			walk_keys(&event->root, clean, &mask);
	}
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
		(i = name_in(type->val.string.val, type->val.string.len, legacy_event_names,
					 lengthof(legacy_event_names), false)) >= 0)
		FAIL("payload contains forbidden legacy event names: ['%s']", legacy_event_names[i].name);

	/* rule 8: legacy aggregate names, the text before the first '/' */
	if (agg && agg->type == jbvString &&
		(i = name_in(agg->val.string.val, agg->val.string.len, legacy_aggregate_names,
					 lengthof(legacy_aggregate_names), true)) >= 0)
		FAIL("payload contains forbidden legacy aggregate names: ['%s']",
			 legacy_aggregate_names[i].name);
	return NULL;
}
