/* validate_sql.c: SQL-visible validation, normalization and contract constants */
#include "mission_audit.h"

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

PG_MODULE_MAGIC;

PG_FUNCTION_INFO_V1(mission_audit_event_types);
PG_FUNCTION_INFO_V1(mission_audit_contracts);
PG_FUNCTION_INFO_V1(mission_audit_check_contract);
PG_FUNCTION_INFO_V1(mission_audit_check_event_type);
PG_FUNCTION_INFO_V1(mission_audit_validate);
PG_FUNCTION_INFO_V1(mission_audit_is_valid);
PG_FUNCTION_INFO_V1(mission_audit_validate_event);
PG_FUNCTION_INFO_V1(mission_audit_event_is_valid);
PG_FUNCTION_INFO_V1(mission_audit_normalize_event);

/* The whole jsonb value as a JsonbValue, scalars unwrapped. */
static void
jsonb_root_value(Jsonb *jb, JsonbValue *out)
{
	if (JB_ROOT_IS_SCALAR(jb))
	{
		if (!JsonbExtractScalar(&jb->root, out))
			elog(ERROR, "could not extract scalar from jsonb");
		return;
	}
	out->type = jbvBinary;
	out->val.binary.data = &jb->root;
	out->val.binary.len = VARSIZE(jb) - VARHDRSZ;
}

/* mission_audit_event_types(): the five audit types in contract order */
Datum
mission_audit_event_types(PG_FUNCTION_ARGS)
{
	Datum		elems[MA_NUM_AUDIT_TYPES];

	for (int i = 0; i < MA_NUM_AUDIT_TYPES; i++)
		elems[i] = CStringGetTextDatum(ma_event_type_names[i]);
	PG_RETURN_ARRAYTYPE_P(construct_array(elems, MA_NUM_AUDIT_TYPES, TEXTOID, -1, false,
										  TYPALIGN_INT));
}

/* mission_audit_contracts(): the contracts a contract argument may name */
Datum
mission_audit_contracts(PG_FUNCTION_ARGS)
{
	Datum		elems[MA_NUM_CONTRACTS];

	for (int i = 0; i < MA_NUM_CONTRACTS; i++)
		elems[i] = CStringGetTextDatum(ma_contract_names[i]);
	PG_RETURN_ARRAYTYPE_P(construct_array(elems, MA_NUM_CONTRACTS, TEXTOID, -1, false,
										  TYPALIGN_INT));
}

/* mission_audit_check_contract(text): its argument, or an error */
Datum
mission_audit_check_contract(PG_FUNCTION_ARGS)
{
	text	   *contract = PG_GETARG_TEXT_PP(0);

	(void) ma_contract_from_text(contract);
	PG_RETURN_TEXT_P(contract);
}

/* mission_audit_check_event_type(text): its argument, or an error */
Datum
mission_audit_check_event_type(PG_FUNCTION_ARGS)
{
	text	   *event_type = PG_GETARG_TEXT_PP(0);

	(void) ma_event_kind_or_error(event_type);
	PG_RETURN_TEXT_P(event_type);
}

/*
 * The answer for a valid payload of each type, built once per backend: the
 * common case then costs the fast check plus a small copy.
 */
static Jsonb *
valid_result(MaEventKind kind)
{
	static Jsonb *cache[MA_NUM_AUDIT_TYPES];

	if (cache[kind] == NULL)
	{
		MemoryContext old = MemoryContextSwitchTo(TopMemoryContext);
		MaReport	report;
		JsonbValue	type_name;

		ma_report_init(&report, true);
		type_name.type = jbvString;
		type_name.val.string.val = (char *) ma_event_type_names[kind];
		type_name.val.string.len = strlen(ma_event_type_names[kind]);
		cache[kind] = ma_report_result(&report, &type_name);
		MemoryContextSwitchTo(old);
	}
	return cache[kind];
}

/* mission_audit_validate(event_type, payload [, contract]): verdict and every violation */
Datum
mission_audit_validate(PG_FUNCTION_ARGS)
{
	text	   *event_type = PG_GETARG_TEXT_PP(0);
	Jsonb	   *payload = PG_GETARG_JSONB_P(1);
	MaEventKind kind = ma_event_kind_or_error(event_type);
	const MaModel *model = ma_contract_arg(fcinfo, 2)->payload_models[kind];
	MaReport	report;
	JsonbValue	value;
	JsonbValue	type_name;

	jsonb_root_value(payload, &value);
	ma_report_init(&report, false);
	if (ma_check_model(model, &value, &report, NULL))
	{
		Jsonb	   *valid = valid_result(kind);

		PG_RETURN_JSONB_P(memcpy(palloc(VARSIZE(valid)), valid, VARSIZE(valid)));
	}

	ma_report_init(&report, true);
	ma_check_model(model, &value, &report, NULL);
	type_name.type = jbvString;
	type_name.val.string.val = (char *) ma_event_type_names[kind];
	type_name.val.string.len = strlen(ma_event_type_names[kind]);
	PG_RETURN_JSONB_P(ma_report_result(&report, &type_name));
}

/* mission_audit_is_valid(event_type, payload [, contract]): the verdict alone, fast */
Datum
mission_audit_is_valid(PG_FUNCTION_ARGS)
{
	text	   *event_type = PG_GETARG_TEXT_PP(0);
	Jsonb	   *payload = PG_GETARG_JSONB_P(1);
	MaEventKind kind = ma_event_kind_or_error(event_type);
	MaReport	report;
	JsonbValue	value;

	jsonb_root_value(payload, &value);
	ma_report_init(&report, false);
	PG_RETURN_BOOL(ma_check_model(ma_contract_arg(fcinfo, 2)->payload_models[kind], &value,
								  &report, NULL));
}

/* mission_audit_validate_event(event [, contract]): envelope and payload violations */
Datum
mission_audit_validate_event(PG_FUNCTION_ARGS)
{
	Jsonb	   *event = PG_GETARG_JSONB_P(0);
	const MaContract *contract = ma_contract_arg(fcinfo, 1);
	MaReport	report;
	MaEnvelope	env;
	const JsonbValue *type = NULL;

	ma_report_init(&report, true);
	ma_check_envelope(contract, event, &report, &env);
	if (JB_ROOT_IS_OBJECT(event) && !JB_ROOT_IS_SCALAR(event) &&
		env.fields[ENV_EVENT_TYPE].present)
		type = &env.fields[ENV_EVENT_TYPE].value;
	PG_RETURN_JSONB_P(ma_report_result(&report, type));
}

/* mission_audit_event_is_valid(event [, contract]): the verdict alone, fast */
Datum
mission_audit_event_is_valid(PG_FUNCTION_ARGS)
{
	Jsonb	   *event = PG_GETARG_JSONB_P(0);
	const MaContract *contract = ma_contract_arg(fcinfo, 1);
	MaReport	report;

	ma_report_init(&report, false);
	PG_RETURN_BOOL(ma_check_envelope(contract, event, &report, NULL));
}

/* An id field's normalized value, or null when absent or null. */
static void
push_normalized_id(JsonbParseState **pstate, const MaFound *found)
{
	MaEventId	id;

	if (found->present && found->value.type == jbvString &&
		ma_parse_event_id(found->value.val.string.val, found->value.val.string.len, &id, NULL))
		ma_push_string(pstate, pnstrdup(id.text, id.len), id.len);	/* outlives id */
	else
		ma_push_null(pstate);
}

static void
push_integer(JsonbParseState **pstate, const MaFound *found, int64 fallback)
{
	JsonbValue	v;

	v.type = jbvNumeric;
	v.val.numeric = found->present ? ma_integral_numeric(found->value.val.numeric) :
		int64_to_numeric(fallback);
	pushJsonbValue(pstate, WJB_VALUE, &v);
}

/*
 * mission_audit_normalize_event(event [, contract]): ids normalized (ULID upper case,
 * UUID lower case and hyphenated), integers written as integers, and the
 * defaults of absent optional fields filled in.  Other keys are kept.
 */
Datum
mission_audit_normalize_event(PG_FUNCTION_ARGS)
{
	Jsonb	   *event = PG_GETARG_JSONB_P(0);
	const MaContract *contract = ma_contract_arg(fcinfo, 1);
	const MaModel *model = contract->envelope_model;
	MaReport	report;
	MaEnvelope	env;
	JsonbParseState *pstate = NULL;
	JsonbIterator *it;
	JsonbValue	k,
				v;
	JsonbIteratorToken tok;
	const MaFound *f = env.fields;

	ma_report_init(&report, false);
	if (!ma_check_envelope(contract, event, &report, &env))
		ma_report_envelope_error(contract, event);

	pushJsonbValue(&pstate, WJB_BEGIN_OBJECT, NULL);
	it = JsonbIteratorInit(&event->root);
	tok = JsonbIteratorNext(&it, &k, true);
	while ((tok = JsonbIteratorNext(&it, &k, true)) == WJB_KEY)
	{
		bool		rewritten = false;

		tok = JsonbIteratorNext(&it, &v, true);
		for (int i = 0; i < model->nfields && !rewritten; i++)
		{
			const char *name = model->fields[i].name;

			rewritten = (strlen(name) == k.val.string.len &&
						 memcmp(name, k.val.string.val, k.val.string.len) == 0);
		}
		if (!rewritten)
		{
			pushJsonbValue(&pstate, WJB_KEY, &k);
			pushJsonbValue(&pstate, WJB_VALUE, &v);
		}
	}

	for (int i = 0; i < model->nfields; i++)
	{
		const MaField *field = &model->fields[i];

		ma_push_key(&pstate, field->name);
		switch ((MaEnvelopeField) i)
		{
			case ENV_EVENT_ID:
			case ENV_CORRELATION_ID:
			case ENV_CAUSATION_ID:
				push_normalized_id(&pstate, &f[i]);
				break;
			case ENV_LAMPORT_CLOCK:
				push_integer(&pstate, &f[i], 0);
				break;
			case ENV_DATA_TIER:
				push_integer(&pstate, &f[i], 0);
				break;
			case ENV_SCHEMA_VERSION:
				if (f[i].present)
					pushJsonbValue(&pstate, WJB_VALUE, (JsonbValue *) &f[i].value);
				else
					ma_push_string(&pstate, contract->schema_version_default,
								   strlen(contract->schema_version_default));
				break;
			case ENV_PAYLOAD:
				if (f[i].present)
					pushJsonbValue(&pstate, WJB_VALUE, (JsonbValue *) &f[i].value);
				else
				{
					pushJsonbValue(&pstate, WJB_BEGIN_OBJECT, NULL);
					pushJsonbValue(&pstate, WJB_END_OBJECT, NULL);
				}
				break;
			default:
				if (f[i].present)
					pushJsonbValue(&pstate, WJB_VALUE, (JsonbValue *) &f[i].value);
				else
				{
					v.type = jbvNull;
					pushJsonbValue(&pstate, WJB_VALUE, &v);
				}
				break;
		}
	}
	PG_RETURN_JSONB_P(JsonbValueToJsonb(pushJsonbValue(&pstate, WJB_END_OBJECT, NULL)));
}
