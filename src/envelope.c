/* envelope.c: checking an event envelope and reading what the reducer needs */
#include "mission_audit.h"

#include "mb/pg_wchar.h"

/* An empty object container: what an absent payload defaults to. */
static const uint32 empty_object = JB_FOBJECT;

#define MAX_DETAIL_VIOLATIONS 10

static inline bool
is_envelope_object(Jsonb *event)
{
	return JB_ROOT_IS_OBJECT(event) && !JB_ROOT_IS_SCALAR(event);
}

/*
 * The cutover gate, given the envelope's fields as read (validated: the
 * envelope and payload passed their models).  Its violation has the field
 * schema_version whatever the rule, as the reference reports it.
 */
static bool
check_cutover(const MaContract *contract, Jsonb *event, const MaEnvelope *env,
			  bool validated, MaReport *report)
{
	char	   *why;
	JsonbValue	none;

	why = ma_cutover_failure(contract, event, env, validated, report->collect);
	if (why == NULL)
		return true;
	none.type = jbvNull;
	ma_report_violation(report, "schema_version", "cutover_policy", why, &none);
	return false;
}

/*
 * Check the envelope against the contract: its cutover gate if it has one,
 * the envelope model and, when event_type is an audit type and the payload
 * an object (absent means {}), the payload with the "payload." prefix.  On
 * success env (if given) holds the parsed envelope.
 */
bool
ma_check_envelope(const MaContract *contract, Jsonb *event, MaReport *report,
				  MaEnvelope *env)
{
	JsonbValue	root;
	MaEnvelope	local;
	MaFound    *type;
	MaFound    *payload;
	MaEventKind kind = EK_FOREIGN;
	int			before = report->count;

	if (env == NULL)
		env = &local;

	root.type = jbvBinary;
	root.val.binary.data = &event->root;
	root.val.binary.len = VARSIZE(event) - VARHDRSZ;

	/*
	 * A contract's gate reports first, so a collecting walk runs it on the
	 * fields read ahead.  The verdict alone runs it last, on the fields the
	 * model's walk found, and its legacy-key walk leaves out a payload that
	 * a closed model has just validated.  An event that is not an object is
	 * model_type, without a gate.
	 */
	if (contract->cutover_gate && report->collect && is_envelope_object(event))
	{
		ma_read_fields(contract->envelope_model, &event->root, env->fields);
		check_cutover(contract, event, env, false, report);
	}
	if (!ma_check_model(contract->envelope_model, &root, report, env->fields) &&
		!report->collect)
		return false;
	if (JB_ROOT_IS_SCALAR(event) || !JB_ROOT_IS_OBJECT(event))
		return false;

	type = &env->fields[ENV_EVENT_TYPE];
	if (type->present && type->value.type == jbvString)
		kind = ma_event_kind(type->value.val.string.val, type->value.val.string.len);
	env->kind = kind;

	payload = &env->fields[ENV_PAYLOAD];
	if (kind < MA_NUM_AUDIT_TYPES)
	{
		JsonbValue	value;
		int			old = report->path.len;

		if (payload->present)
			value = payload->value;
		else
		{
			value.type = jbvBinary;
			value.val.binary.data = (JsonbContainer *) &empty_object;
			value.val.binary.len = sizeof(empty_object);
		}
		if (value.type == jbvBinary && JsonContainerIsObject(value.val.binary.data))
		{
			if (report->collect)
				appendStringInfoString(&report->path, "payload");
			ma_check_model(contract->payload_models[kind], &value, report, env->payload_fields);
			if (report->collect)
			{
				report->path.len = old;
				report->path.data[old] = '\0';
			}
		}
	}
	if (contract->cutover_gate && !report->collect && report->count == before)
		check_cutover(contract, event, env, true, report);
	return report->count == before;
}

/*
 * Raise the error for an invalid envelope: SQLSTATE 22023, the event's id
 * when it has one, and its first violations.
 */
void
ma_report_envelope_error(const MaContract *contract, Jsonb *event)
{
	MaReport	report;
	MaEnvelope	env;
	const MaFound *id;
	StringInfoData which;

	ma_report_init_detail(&report, MAX_DETAIL_VIOLATIONS);
	ma_check_envelope(contract, event, &report, &env);
	if (report.count == 0)
		elog(ERROR, "envelope error raised for a valid envelope");

	initStringInfo(&which);
	id = &env.fields[ENV_EVENT_ID];
	if (JB_ROOT_IS_OBJECT(event) && !JB_ROOT_IS_SCALAR(event) &&
		id->present && id->value.type == jbvString)
	{
		/* at most 64 bytes of the id, cut at a character boundary */
		appendStringInfoString(&which, " ");
		ma_append_pyrepr(&which, id->value.val.string.val,
						 pg_mbcliplen(id->value.val.string.val,
									  id->value.val.string.len, 64));
	}
	if (report.count > MAX_DETAIL_VIOLATIONS)
		appendStringInfo(&report.detail, "; and %d more",
						 report.count - MAX_DETAIL_VIOLATIONS);

	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("invalid mission audit event%s", which.data),
			 errdetail("%d violation%s: %s.", report.count,
					   report.count == 1 ? "" : "s", report.detail.data),
			 errhint("Call mission_audit_validate_event() on the event to see every violation.")));
}
