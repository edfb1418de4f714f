/* validate.c: one walker that checks a JSON value against a model's field table */
#include "mission_audit.h"

#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/builtins.h"

/*
 * pydantic's error types and wording, so that SQL users and the Python
 * library see the same violations.
 */
#define MSG_MISSING			"Field required"
#define MSG_STRING_TYPE		"Input should be a valid string"
#define MSG_STRING_SHORT	"String should have at least 1 character"
#define MSG_INT_TYPE		"Input should be a valid integer"
#define MSG_INT_PARSING		"Input should be a valid integer, unable to parse string as an integer"
#define MSG_INT_FROM_FLOAT	"Input should be a valid integer, got a number with a fractional part"
#define MSG_LIST_TYPE		"Input should be a valid list"
#define MSG_TUPLE_TYPE		"Input should be a valid tuple"
#define MSG_TOO_SHORT		"List should have at least %d item after validation, not %d"
#define MSG_DICT_TYPE		"Input should be a valid dictionary"
#define MSG_MODEL_TYPE		"Input should be a valid dictionary or instance of %s"
#define MSG_DATETIME_TYPE	"Input should be a valid datetime"
#define MSG_DATETIME_PARSE	"Input should be a valid datetime or date, %s"
#define MSG_UUID_TYPE		"UUID input should be a string, bytes or UUID object"
#define MSG_VERSION_PATTERN	"String should match pattern '^\\d+\\.\\d+\\.\\d+$'"
#define MSG_EXTRA_FORBIDDEN	"Extra inputs are not permitted"

/*
 * An object or array input larger than this, in jsonb's binary form, is
 * echoed as a summary (see push_input); smaller ones, and every scalar, are
 * echoed exactly as pydantic does.
 */
#define MA_INPUT_ECHO_MAX_BYTES 8192

/*
 * A field or message longer than this (a 1 MB unknown key, a 1 MB
 * schema_version in the cutover gate's message) is clipped in an error's
 * DETAIL line, at a character boundary, with its full length in bytes; the
 * violation documents keep it whole, as the reference does.
 */
#define MA_DETAIL_TEXT_MAX_BYTES 256

void
ma_report_init(MaReport *report, bool collect)
{
	memset(report, 0, sizeof(*report));
	report->collect = collect;
	if (collect)
	{
		/* jsonb sorts keys at the end, so the array can be opened first */
		initStringInfo(&report->path);
		initStringInfo(&report->scratch);
		initStringInfo(&report->detail);
		pushJsonbValue(&report->pstate, WJB_BEGIN_OBJECT, NULL);
		ma_push_key(&report->pstate, "violations");
		pushJsonbValue(&report->pstate, WJB_BEGIN_ARRAY, NULL);
	}
}

/*
 * A report for an error's DETAIL: the first max_detail violations as
 * "field: message (type)" lines and the count of all, in memory proportional
 * to those lines: no violation document is built.
 */
void
ma_report_init_detail(MaReport *report, int max_detail)
{
	memset(report, 0, sizeof(*report));
	report->collect = true;
	report->max_detail = max_detail;
	initStringInfo(&report->path);
	initStringInfo(&report->scratch);
	initStringInfo(&report->detail);
}

/*
 * Push a violation's input.  pushJsonbValue unpacks a container into one
 * JsonbValue per element, and a `missing` violation echoes the whole object
 * once per missing field, so a large object or array is echoed as
 * {"truncated": true, "type": "object"|"array", "size": <keys or items>,
 * "bytes": <its jsonb size>} instead: the document stays proportional to the
 * number of violations, not to that times the input.
 */
static void
push_input(MaReport *report, const JsonbValue *input)
{
	JsonbContainer *c;
	JsonbValue	v;

	if (input->type != jbvBinary || input->val.binary.len <= MA_INPUT_ECHO_MAX_BYTES)
	{
		pushJsonbValue(&report->pstate, WJB_VALUE, (JsonbValue *) input);
		return;
	}
	c = input->val.binary.data;
	pushJsonbValue(&report->pstate, WJB_BEGIN_OBJECT, NULL);
	ma_push_key(&report->pstate, "truncated");
	v.type = jbvBool;
	v.val.boolean = true;
	pushJsonbValue(&report->pstate, WJB_VALUE, &v);
	ma_push_key(&report->pstate, "type");
	if (JsonContainerIsArray(c))
		ma_push_string(&report->pstate, "array", 5);
	else
		ma_push_string(&report->pstate, "object", 6);
	ma_push_key(&report->pstate, "size");
	v.type = jbvNumeric;
	v.val.numeric = int64_to_numeric(JsonContainerSize(c));
	pushJsonbValue(&report->pstate, WJB_VALUE, &v);
	ma_push_key(&report->pstate, "bytes");
	v.type = jbvNumeric;
	v.val.numeric = int64_to_numeric(input->val.binary.len);
	pushJsonbValue(&report->pstate, WJB_VALUE, &v);
	pushJsonbValue(&report->pstate, WJB_END_OBJECT, NULL);
}

/* Append s to a DETAIL line, clipped to MA_DETAIL_TEXT_MAX_BYTES. */
static void
append_clipped(StringInfo buf, const char *s, int len)
{
	if (len <= MA_DETAIL_TEXT_MAX_BYTES)
		appendBinaryStringInfo(buf, s, len);
	else
	{
		appendBinaryStringInfo(buf, s, pg_mbcliplen(s, len, MA_DETAIL_TEXT_MAX_BYTES));
		appendStringInfo(buf, "... (%d bytes)", len);
	}
}

/* Record one violation at the current path, plus field if non-NULL. */
void
ma_report_violation(MaReport *report, const char *field, const char *type,
					const char *message, const JsonbValue *input)
{
	StringInfo	where = &report->scratch;

	report->count++;
	if (!report->collect)
		return;

	/* a payload may hold a million bad items: one scratch buffer, exact copies */
	CHECK_FOR_INTERRUPTS();
	resetStringInfo(where);
	appendBinaryStringInfo(where, report->path.data, report->path.len);
	if (field)
	{
		if (where->len > 0)
			appendStringInfoChar(where, '.');
		appendStringInfoString(where, field);
	}

	if (report->max_detail > 0)
	{
		if (report->count <= report->max_detail)
		{
			StringInfo	detail = &report->detail;

			if (report->count > 1)
				appendStringInfoString(detail, "; ");
			if (where->len)
				append_clipped(detail, where->data, where->len);
			else
				appendStringInfoString(detail, "(root)");
			appendStringInfoString(detail, ": ");
			append_clipped(detail, message, strlen(message));
			appendStringInfo(detail, " (%s)", type);
		}
	}
	if (report->pstate == NULL)
		return;					/* a DETAIL report: no document */

	/* the parse state keeps pointers until the end: hand it lasting copies */
	pushJsonbValue(&report->pstate, WJB_BEGIN_OBJECT, NULL);
	ma_push_key(&report->pstate, "field");
	ma_push_string(&report->pstate, pnstrdup(where->data, where->len), where->len);
	ma_push_key(&report->pstate, "type");
	ma_push_string(&report->pstate, type, strlen(type));
	ma_push_key(&report->pstate, "message");
	ma_push_string(&report->pstate, pstrdup(message), strlen(message));
	ma_push_key(&report->pstate, "input");
	push_input(report, input);
	pushJsonbValue(&report->pstate, WJB_END_OBJECT, NULL);
}

/* "Input should be 'a', 'b' or 'c'" for a literal or enum field. */
static char *
choice_message(const char *const *literals)
{
	StringInfoData buf;
	int			n = 0;

	while (literals[n])
		n++;
	initStringInfo(&buf);
	appendStringInfoString(&buf, "Input should be ");
	for (int i = 0; i < n; i++)
	{
		if (i > 0)
			appendStringInfoString(&buf, i == n - 1 ? " or " : ", ");
		appendStringInfo(&buf, "'%s'", literals[i]);
	}
	return buf.data;
}

/* Python's name for the type of a JSON value, for "got <type>" messages. */
const char *
ma_python_type_name(const JsonbValue *v)
{
	switch (v->type)
	{
		case jbvNull:
			return "NoneType";
		case jbvBool:
			return "bool";
		case jbvNumeric:
			{
				MaNumberShape shape;

				/* json.loads reads 3.0 as a float; 1e2 is lost to jsonb */
				ma_number_shape(v->val.numeric, &shape);
				return shape.integral && !shape.fractional_text ? "int" : "float";
			}
		case jbvString:
			return "str";
		case jbvBinary:
			return JsonContainerIsArray(v->val.binary.data) ? "list" : "dict";
		default:
			return "object";
	}
}

static inline bool
is_object(const JsonbValue *v)
{
	return v->type == jbvBinary && JsonContainerIsObject(v->val.binary.data);
}

static inline bool
is_array(const JsonbValue *v)
{
	return v->type == jbvBinary && JsonContainerIsArray(v->val.binary.data);
}

/*
 * The value of a string that pydantic's lax mode reads as an integer (see
 * ma_string_reads_as_int), clamped to int64: enough to check the bounds.
 */
static int64
int_string_value(const char *s, int len)
{
	const char *end = s + len;
	bool		minus = false;
	int64		value = 0;

	while (s < end && isspace((unsigned char) *s))
		s++;
	if (s < end && (*s == '+' || *s == '-'))
		minus = (*s++ == '-');
	for (; s < end && ((*s >= '0' && *s <= '9') || *s == '_'); s++)
		if (*s != '_')
			value = value > PG_INT64_MAX / 100 ? PG_INT64_MAX / 10 : value * 10 + (*s - '0');
	return minus ? -value : value;
}

/* Integer: a JSON number without fraction, within the field's bounds. */
static void
check_integer(const MaField *f, const JsonbValue *v, MaReport *r)
{
	MaNumberShape shape;
	char		msg[80];
	bool		lax = false;	/* pydantic accepts it, the JSON Schema does not */

	if (v->type == jbvString || v->type == jbvBool)
	{
		/* pydantic coerces a numeric string or a bool, then checks bounds */
		if (v->type == jbvBool)
			shape.value = v->val.boolean ? 1 : 0;
		else if (ma_string_reads_as_int(v->val.string.val, v->val.string.len))
			shape.value = int_string_value(v->val.string.val, v->val.string.len);
		else
		{
			ma_report_violation(r, f->name, v->type == jbvString ? "int_parsing" : "int_type",
								v->type == jbvString ? MSG_INT_PARSING : MSG_INT_TYPE, v);
			return;
		}
		shape.negative = shape.value < 0;
		shape.integral = true;
		shape.fits_int64 = true;
		lax = true;
	}
	else if (v->type != jbvNumeric)
	{
		ma_report_violation(r, f->name, "int_type", MSG_INT_TYPE, v);
		return;
	}
	else
		ma_number_shape(v->val.numeric, &shape);

	if (!shape.integral)
		ma_report_violation(r, f->name, "int_from_float", MSG_INT_FROM_FLOAT, v);
	else if (f->has_minimum && (shape.negative ? true :
								(shape.fits_int64 && shape.value < f->minimum)))
	{
		snprintf(msg, sizeof(msg), "Input should be greater than or equal to %d", f->minimum);
		ma_report_violation(r, f->name, "greater_than_equal", msg, v);
	}
	else if (f->has_maximum && !shape.negative &&
			 (!shape.fits_int64 || shape.value > f->maximum))
	{
		snprintf(msg, sizeof(msg), "Input should be less than or equal to %d", f->maximum);
		ma_report_violation(r, f->name, "less_than_equal", msg, v);
	}
	else if (lax)
		ma_report_violation(r, f->name, "int_type", MSG_INT_TYPE, v);
}

static void
check_choice(const MaField *f, const JsonbValue *v, MaReport *r)
{
	if (v->type == jbvString)
	{
		const char *s = v->val.string.val;
		int			len = v->val.string.len;

		for (const char *const *lit = f->literals; *lit; lit++)
			if (len > 0 && (*lit)[0] == s[0] && strncmp(*lit, s, len) == 0 &&
				(*lit)[len] == '\0')
				return;
	}
	if (r->collect)
	{
		char	   *msg = choice_message(f->literals);

		ma_report_violation(r, f->name, f->kind == MA_ENUM ? "enum" : "literal_error", msg, v);
	}
	else
		r->count++;
}

/* Push ".name" (or ".index") onto the report's path; returns the old length. */
static int
path_push(MaReport *r, const char *name, int index)
{
	int			old = r->path.len;

	if (!r->collect)
		return old;
	if (old > 0)
		appendStringInfoChar(&r->path, '.');
	if (name)
		appendStringInfoString(&r->path, name);
	else
		appendStringInfo(&r->path, "%d", index);
	return old;
}

static void
path_pop(MaReport *r, int old)
{
	if (r->collect)
	{
		r->path.len = old;
		r->path.data[old] = '\0';
	}
}

/* Array of strings: list_type or tuple_type, min items, each item a string. */
static void
check_string_array(const MaField *f, const JsonbValue *v, MaReport *r)
{
	JsonbContainer *c;
	int			n;

	if (!is_array(v))
	{
		if (f->kind == MA_STRING_TUPLE)
			ma_report_violation(r, f->name, "tuple_type", MSG_TUPLE_TYPE, v);
		else
			ma_report_violation(r, f->name, "list_type", MSG_LIST_TYPE, v);
		return;
	}
	c = v->val.binary.data;
	n = JsonContainerSize(c);
	if (n < f->min_length)
	{
		char		msg[96];

		snprintf(msg, sizeof(msg), MSG_TOO_SHORT, f->min_length, n);
		ma_report_violation(r, f->name, "too_short", msg, v);
		return;
	}
	for (int i = 0; i < n; i++)
	{
		JsonbValue	item;

		/* getIth copies scalars into a fresh JsonbValue; fine per item */
		JsonbValue *p = getIthJsonbValueFromContainer(c, i);

		item = *p;
		pfree(p);
		if (item.type != jbvString)
		{
			int			old = path_push(r, f->name, 0);
			char		idx[16];

			snprintf(idx, sizeof(idx), "%d", i);
			ma_report_violation(r, idx, "string_type", MSG_STRING_TYPE, &item);
			path_pop(r, old);
			if (!r->collect)
				return;
		}
	}
}

static void
check_event_id(const MaField *f, const JsonbValue *v, MaReport *r, MaEventId *id)
{
	StringInfoData why;

	if (v->type == jbvString)
	{
		if (!r->collect)
		{
			if (!ma_parse_event_id(v->val.string.val, v->val.string.len, id, NULL))
				r->count++;
			return;
		}
		initStringInfo(&why);
		if (!ma_parse_event_id(v->val.string.val, v->val.string.len, id, &why))
			ma_report_violation(r, f->name, "value_error", why.data, v);
		pfree(why.data);
	}
	else if (v->type == jbvNull)
		ma_report_violation(r, f->name, "string_type", MSG_STRING_TYPE, v);
	else if (r->collect)
	{
		char	   *msg = psprintf("Value error, event_id must be a string; got %s",
								   ma_python_type_name(v));

		ma_report_violation(r, f->name, "value_error", msg, v);
		pfree(msg);
	}
	else
		r->count++;
}

static void
check_timestamp(const MaField *f, const JsonbValue *v, MaReport *r, MaTimestamp *ts)
{
	const char *why;

	if (v->type != jbvString)
	{
		/* deliberately stricter than pydantic: numbers are not Unix times */
		ma_report_violation(r, f->name, "datetime_type", MSG_DATETIME_TYPE, v);
		return;
	}
	if (!ma_parse_timestamp(v->val.string.val, v->val.string.len, ts, &why))
	{
		char		msg[160];

		snprintf(msg, sizeof(msg), MSG_DATETIME_PARSE, why);
		ma_report_violation(r, f->name, "datetime_from_date_parsing", msg, v);
	}
}

static void
check_uuid(const MaField *f, const JsonbValue *v, MaReport *r)
{
	StringInfoData why;

	if (v->type != jbvString)
	{
		ma_report_violation(r, f->name, "uuid_type", MSG_UUID_TYPE, v);
		return;
	}
	if (!r->collect)
	{
		if (!ma_parse_uuid(v->val.string.val, v->val.string.len, NULL))
			r->count++;
		return;
	}
	initStringInfo(&why);
	appendStringInfoString(&why, "Input should be a valid UUID, ");
	if (!ma_parse_uuid(v->val.string.val, v->val.string.len, &why))
		ma_report_violation(r, f->name, "uuid_parsing", why.data, v);
	pfree(why.data);
}

/*
 * Check one present value against its field's kind; ids and timestamps
 * leave what they parsed in *out.
 */
static void
check_value(const MaField *f, const JsonbValue *v, MaReport *r, MaFound *out)
{
	if (v->type == jbvNull && f->nullable)
		return;

	switch (f->kind)
	{
		case MA_STRING:
			if (v->type != jbvString)
				ma_report_violation(r, f->name, "string_type", MSG_STRING_TYPE, v);
			else if (f->min_length > 0 && v->val.string.len == 0)
				ma_report_violation(r, f->name, "string_too_short", MSG_STRING_SHORT, v);
			break;
		case MA_INTEGER:
			check_integer(f, v, r);
			break;
		case MA_LITERAL:
		case MA_ENUM:
			check_choice(f, v, r);
			break;
		case MA_STRING_LIST:
		case MA_STRING_TUPLE:
			check_string_array(f, v, r);
			break;
		case MA_MODEL:
			{
				int			old = path_push(r, f->name, 0);

				ma_check_model(f->model, v, r, NULL);
				path_pop(r, old);
			}
			break;
		case MA_DICT:
			if (!is_object(v))
				ma_report_violation(r, f->name, "dict_type", MSG_DICT_TYPE, v);
			break;
		case MA_EVENT_ID:
			check_event_id(f, v, r, &out->parsed.id);
			break;
		case MA_TIMESTAMP:
			check_timestamp(f, v, r, &out->parsed.ts);
			break;
		case MA_UUID:
			check_uuid(f, v, r);
			break;
		case MA_VERSION:
			if (v->type != jbvString)
				ma_report_violation(r, f->name, "string_type", MSG_STRING_TYPE, v);
			else if (!ma_is_version(v->val.string.val, v->val.string.len))
				ma_report_violation(r, f->name, "string_pattern_mismatch",
									MSG_VERSION_PATTERN, v);
			break;
	}
}

/* Is key one of model's field names? */
static bool
is_field_name(const MaModel *model, const char *key, int len)
{
	for (int i = 0; i < model->nfields; i++)
		if (model->fields[i].name_len == len && memcmp(model->fields[i].name, key, len) == 0)
			return true;
	return false;
}

/*
 * One extra_forbidden violation per key of object c that is not a field of
 * model, at the key's path.  jsonb keeps keys sorted (shorter first, then
 * bytewise), not in input order, so that is the order they are reported in.
 */
static void
report_unknown_keys(const MaModel *model, JsonbContainer *c, MaReport *r)
{
	JsonbIterator *it = JsonbIteratorInit(c);
	JsonbValue	k;
	JsonbIteratorToken tok;

	while ((tok = JsonbIteratorNext(&it, &k, true)) != WJB_DONE)
	{
		JsonbValue	v;
		char	   *key;

		if (tok != WJB_KEY)
			continue;
		tok = JsonbIteratorNext(&it, &v, true);
		if (is_field_name(model, k.val.string.val, k.val.string.len))
			continue;
		key = pnstrdup(k.val.string.val, k.val.string.len);
		ma_report_violation(r, key, "extra_forbidden", MSG_EXTRA_FORBIDDEN, &v);
		pfree(key);
	}
}

/*
 * Check value against model, field by field in declaration order, then its
 * unknown keys when the model forbids them (otherwise they are ignored).  When found is given, it receives each field's value by
 * position.  Returns true when no violation was added.  Without collect, the
 * walk stops at the first violation.
 */
bool
ma_check_model(const MaModel *model, const JsonbValue *value, MaReport *report,
			   MaFound *found)
{
	int			before = report->count;
	MaFound		local[MA_MAX_FIELDS];
	int			nmatched;

	if (!is_object(value))
	{
		if (report->collect)
		{
			char	   *msg = psprintf(MSG_MODEL_TYPE, model->name);

			ma_report_violation(report, NULL, "model_type", msg, value);
			pfree(msg);
		}
		else
			report->count++;
		return false;
	}
	if (found == NULL)
		found = local;
	nmatched = ma_read_fields(model, value->val.binary.data, found);

	for (int k = 0; k < model->nfields; k++)
	{
		int			i = model->order ? model->order[k] : k;
		const MaField *f = &model->fields[i];

		if (!found[i].present)
		{
			if (f->required)
				ma_report_violation(report, f->name, "missing", MSG_MISSING, value);
		}
		else
			check_value(f, &found[i].value, report, &found[i]);

		if (!report->collect && report->count > before)
			return false;
	}
	if (model->forbid_extra && nmatched < JsonContainerSize(value->val.binary.data))
	{
		if (report->collect)
			report_unknown_keys(model, value->val.binary.data, report);
		else
			report->count++;
	}
	return report->count == before;
}

/* {"valid": ..., "event_type": ..., "violations": [...]} from a collecting report. */
Jsonb *
ma_report_result(MaReport *report, const JsonbValue *event_type)
{
	JsonbParseState **pstate = &report->pstate;
	JsonbValue	v;

	if (report->pstate == NULL)
		elog(ERROR, "violation document asked of a report that builds none");
	pushJsonbValue(pstate, WJB_END_ARRAY, NULL);
	ma_push_key(pstate, "valid");
	v.type = jbvBool;
	v.val.boolean = (report->count == 0);
	pushJsonbValue(pstate, WJB_VALUE, &v);
	ma_push_key(pstate, "event_type");
	if (event_type && event_type->type == jbvString)
		pushJsonbValue(pstate, WJB_VALUE, (JsonbValue *) event_type);
	else
		ma_push_null(pstate);
	return JsonbValueToJsonb(pushJsonbValue(pstate, WJB_END_OBJECT, NULL));
}
