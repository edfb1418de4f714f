/* contract.c: the Mission Audit Lifecycle contract 2.5.0 as field tables */
#include "mission_audit.h"

#include "utils/builtins.h"

/*
 * Field constructors.  Each table below lists a model's fields in pydantic
 * declaration order, which is the order violations are reported in.
 */
#define STR(n, req, nul, minlen, slot_) \
	{ .name = (n), .name_len = sizeof(n) - 1, .kind = MA_STRING, .required = (req), .nullable = (nul), \
	  .min_length = (minlen), .slot = (slot_) }
#define INT_MIN0(n, req, nul, slot_) \
	{ .name = (n), .name_len = sizeof(n) - 1, .kind = MA_INTEGER, .required = (req), .nullable = (nul), \
	  .has_minimum = true, .minimum = 0, .slot = (slot_) }
#define CHOICE(n, k, lits, req, nul, slot_) \
	{ .name = (n), .name_len = sizeof(n) - 1, .kind = (k), .required = (req), .nullable = (nul), \
	  .literals = (lits), .slot = (slot_) }
#define SUBMODEL(n, m, req, nul, slot_) \
	{ .name = (n), .name_len = sizeof(n) - 1, .kind = MA_MODEL, .required = (req), .nullable = (nul), \
	  .model = &(m), .slot = (slot_) }
#define OF_KIND(n, k, req, nul) \
	{ .name = (n), .name_len = sizeof(n) - 1, .kind = (k), .required = (req), .nullable = (nul) }
#define MODEL(name, fields) { (name), (fields), lengthof(fields) }

static const char *const trigger_modes[] = {"manual", "post_merge", NULL};
static const char *const enforcement_modes[] = {"advisory", "blocking", NULL};
static const char *const severities[] = {"info", "warning", "error", "critical", NULL};
static const char *const verdicts[] = {"pass", "pass_with_warnings", "fail",
"blocked_decision_required", NULL};
static const char *const hash_algorithms[] = {"sha256", "sha512", "md5", NULL};
static const char *const actor_kinds[] = {"human", "llm", "system", NULL};

/* Nested references --------------------------------------------------- */

static const MaField content_hash_fields[] = {
	STR("hash", true, false, 1, SLOT_NONE),
	CHOICE("algorithm", MA_LITERAL, hash_algorithms, true, false, SLOT_NONE),
	INT_MIN0("size_bytes", false, true, SLOT_NONE),
	STR("encoding", false, true, 0, SLOT_NONE),
};
static const MaModel content_hash_model = MODEL("ContentHashRef", content_hash_fields);

static const MaField provenance_fields[] = {
	OF_KIND("source_event_ids", MA_STRING_TUPLE, false, true),
	STR("git_sha", false, true, 0, SLOT_NONE),
	STR("git_ref", false, true, 0, SLOT_NONE),
	STR("actor_id", false, true, 0, SLOT_NONE),
	CHOICE("actor_kind", MA_LITERAL, actor_kinds, false, true, SLOT_NONE),
	STR("revised_at", false, true, 0, SLOT_NONE),
};
static const MaModel provenance_model = MODEL("ProvenanceRef", provenance_fields);

static const MaField artifact_ref_fields[] = {
	STR("report_path", true, false, 1, SLOT_NONE),
	SUBMODEL("content_hash", content_hash_model, true, false, SLOT_NONE),
	SUBMODEL("provenance", provenance_model, true, false, SLOT_NONE),
};
const MaModel ma_artifact_ref_model = MODEL("AuditArtifactRef", artifact_ref_fields);

/* Payloads: four common fields, then each type's own ---------------------- */

#define COMMON_FIELDS \
	STR("mission_id", true, false, 1, SLOT_MISSION_ID), \
	STR("run_id", true, false, 1, SLOT_RUN_ID), \
	STR("feature_slug", true, false, 1, SLOT_FEATURE_SLUG), \
	STR("actor", true, false, 1, SLOT_NONE)

static const MaField requested_fields[] = {
	COMMON_FIELDS,
	CHOICE("trigger_mode", MA_LITERAL, trigger_modes, true, false, SLOT_TRIGGER_MODE),
	{.name = "audit_scope", .name_len = 11, .kind = MA_STRING_LIST, .required = true,
	.min_length = 1, .slot = SLOT_AUDIT_SCOPE},
	CHOICE("enforcement_mode", MA_LITERAL, enforcement_modes, true, false, SLOT_ENFORCEMENT_MODE),
};

static const MaField started_fields[] = {
	COMMON_FIELDS,
	STR("audit_scope_hash", true, false, 1, SLOT_AUDIT_SCOPE_HASH),
};

static const MaField decision_requested_fields[] = {
	COMMON_FIELDS,
	STR("decision_id", true, false, 1, SLOT_DECISION_ID),
	STR("question", true, false, 0, SLOT_QUESTION),
	STR("context_summary", true, false, 0, SLOT_CONTEXT_SUMMARY),
	CHOICE("severity", MA_ENUM, severities, true, false, SLOT_SEVERITY),
};

static const MaField completed_fields[] = {
	COMMON_FIELDS,
	CHOICE("verdict", MA_ENUM, verdicts, true, false, SLOT_VERDICT),
	CHOICE("severity", MA_ENUM, severities, true, false, SLOT_SEVERITY),
	INT_MIN0("findings_count", true, false, SLOT_FINDINGS_COUNT),
	SUBMODEL("artifact_ref", ma_artifact_ref_model, true, false, SLOT_ARTIFACT_REF),
	STR("summary", true, false, 0, SLOT_SUMMARY),
};

static const MaField failed_fields[] = {
	COMMON_FIELDS,
	STR("error_code", true, false, 1, SLOT_ERROR_CODE),
	STR("error_message", true, false, 0, SLOT_ERROR_MESSAGE),
	SUBMODEL("partial_artifact_ref", ma_artifact_ref_model, false, true,
			 SLOT_PARTIAL_ARTIFACT_REF),
};

static const MaModel requested_model = MODEL("MissionAuditRequestedPayload", requested_fields);
static const MaModel started_model = MODEL("MissionAuditStartedPayload", started_fields);
static const MaModel decision_requested_model =
MODEL("MissionAuditDecisionRequestedPayload", decision_requested_fields);
static const MaModel completed_model = MODEL("MissionAuditCompletedPayload", completed_fields);
static const MaModel failed_model = MODEL("MissionAuditFailedPayload", failed_fields);

const char *const ma_event_type_names[MA_NUM_AUDIT_TYPES] = {
	[EK_REQUESTED] = "MissionAuditRequested",
	[EK_STARTED] = "MissionAuditStarted",
	[EK_DECISION_REQUESTED] = "MissionAuditDecisionRequested",
	[EK_COMPLETED] = "MissionAuditCompleted",
	[EK_FAILED] = "MissionAuditFailed",
};

const MaModel *const ma_payload_models[MA_NUM_AUDIT_TYPES] = {
	[EK_REQUESTED] = &requested_model,
	[EK_STARTED] = &started_model,
	[EK_DECISION_REQUESTED] = &decision_requested_model,
	[EK_COMPLETED] = &completed_model,
	[EK_FAILED] = &failed_model,
};

/* The event envelope, shared by every family --------------------------- */

static const MaField envelope_fields[ENV_NFIELDS] = {
	[ENV_EVENT_ID] = OF_KIND("event_id", MA_EVENT_ID, true, false),
	[ENV_EVENT_TYPE] = STR("event_type", true, false, 1, SLOT_NONE),
	[ENV_AGGREGATE_ID] = STR("aggregate_id", true, false, 1, SLOT_NONE),
	[ENV_PAYLOAD] = OF_KIND("payload", MA_DICT, false, false),
	[ENV_TIMESTAMP] = OF_KIND("timestamp", MA_TIMESTAMP, true, false),
	[ENV_NODE_ID] = STR("node_id", true, false, 1, SLOT_NONE),
	[ENV_LAMPORT_CLOCK] = INT_MIN0("lamport_clock", true, false, SLOT_NONE),
	[ENV_CAUSATION_ID] = OF_KIND("causation_id", MA_EVENT_ID, false, true),
	[ENV_PROJECT_UUID] = OF_KIND("project_uuid", MA_UUID, true, false),
	[ENV_PROJECT_SLUG] = STR("project_slug", false, true, 0, SLOT_NONE),
	[ENV_CORRELATION_ID] = OF_KIND("correlation_id", MA_EVENT_ID, true, false),
	[ENV_SCHEMA_VERSION] = OF_KIND("schema_version", MA_VERSION, false, false),
	[ENV_DATA_TIER] = {.name = "data_tier", .name_len = 9, .kind = MA_INTEGER,
		.has_minimum = true, .minimum = 0, .has_maximum = true, .maximum = 4},
};
const MaModel ma_envelope_model = MODEL("Event", envelope_fields);

StaticAssertDecl(ENV_NFIELDS <= MA_MAX_FIELDS, "MA_MAX_FIELDS must hold the envelope");

/* The audit kind of an event_type string. */
MaEventKind
ma_event_kind(const char *type, int len)
{
	static const char family[] = "MissionAudit";

	const int	prefix = sizeof(family) - 1;

	if (len < prefix || memcmp(type, family, prefix) != 0)
		return EK_FOREIGN;
	if (len == prefix)
		return EK_UNRECOGNIZED;
	for (int i = 0; i < MA_NUM_AUDIT_TYPES; i++)
	{
		const char *name = ma_event_type_names[i];

		if (name[prefix] == type[prefix] && strlen(name) == len &&
			memcmp(name + prefix, type + prefix, len - prefix) == 0)
			return (MaEventKind) i;
	}
	return EK_UNRECOGNIZED;
}

/* The kind of a payload function's event_type argument; ERROR unless audit. */
MaEventKind
ma_event_kind_or_error(text *event_type)
{
	MaEventKind kind = ma_event_kind(VARDATA_ANY(event_type),
									 VARSIZE_ANY_EXHDR(event_type));

	if (kind >= MA_NUM_AUDIT_TYPES)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown mission audit event type \"%s\"",
						text_to_cstring(event_type)),
				 errhint("Use one of MissionAuditRequested, MissionAuditStarted, "
						 "MissionAuditDecisionRequested, MissionAuditCompleted, "
						 "MissionAuditFailed.")));
	return kind;
}

const char *const ma_contract_names[MA_NUM_CONTRACTS] = {
	[MA_CONTRACT_2_5_0] = "2.5.0",
	[MA_CONTRACT_3_0_0] = "3.0.0",
};

/* The id of a contract named by a SQL argument; ERROR for any other text. */
MaContractId
ma_contract_from_text(text *name)
{
	const char *s = VARDATA_ANY(name);
	int			len = VARSIZE_ANY_EXHDR(name);

	for (int i = 0; i < MA_NUM_CONTRACTS; i++)
		if (strlen(ma_contract_names[i]) == len &&
			memcmp(ma_contract_names[i], s, len) == 0)
			return (MaContractId) i;
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("unknown mission audit contract \"%s\"", text_to_cstring(name)),
			 errhint("Use one of 2.5.0, 3.0.0 (see mission_audit_contracts()).")));
	return MA_CONTRACT_2_5_0;	/* keep compiler quiet */
}
