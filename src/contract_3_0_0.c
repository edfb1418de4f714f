/* contract_3_0_0.c: the Mission Audit Lifecycle contract 3.0.0 (the mission contract cutover) as tables */
#include "contract_tables.h"

/*
 * What differs from 2.5.0: the identity prefix (mission_slug, mission_number,
 * mission_type for feature_slug), unknown keys forbidden in every payload
 * model and nested reference, build_id required in the envelope, the cutover
 * gate, and DecisionRequested, Completed and Failed backfilling identity.
 */

static const MaModel content_hash_model = MODEL("ContentHashRef", ma_content_hash_fields, true);
static const MaModel provenance_model = MODEL("ProvenanceRef", ma_provenance_fields, true);

static const MaField artifact_ref_fields[] = {
	ARTIFACT_REF_FIELDS(content_hash_model, provenance_model),
};
static const MaModel artifact_ref_model = MODEL("AuditArtifactRef", artifact_ref_fields, true);

#define IDENTITY_FIELDS \
	STR("mission_id", true, false, 1, SLOT_MISSION_ID), \
	STR("run_id", true, false, 1, SLOT_RUN_ID), \
	STR("mission_slug", true, false, 1, SLOT_MISSION_SLUG), \
	INT_MIN("mission_number", 1, true, false, SLOT_MISSION_NUMBER), \
	STR("mission_type", true, false, 1, SLOT_MISSION_TYPE), \
	STR("actor", true, false, 1, SLOT_NONE)

static const MaField requested_fields[] = {IDENTITY_FIELDS, REQUESTED_FIELDS};
static const MaField started_fields[] = {IDENTITY_FIELDS, STARTED_FIELDS};
static const MaField decision_requested_fields[] = {IDENTITY_FIELDS, DECISION_REQUESTED_FIELDS};
static const MaField completed_fields[] = {IDENTITY_FIELDS, COMPLETED_FIELDS(artifact_ref_model)};
static const MaField failed_fields[] = {IDENTITY_FIELDS, FAILED_FIELDS(artifact_ref_model)};

static const MaModel requested_model =
MODEL("MissionAuditRequestedPayload", requested_fields, true);
static const MaModel started_model =
MODEL("MissionAuditStartedPayload", started_fields, true);
static const MaModel decision_requested_model =
MODEL("MissionAuditDecisionRequestedPayload", decision_requested_fields, true);
static const MaModel completed_model =
MODEL("MissionAuditCompletedPayload", completed_fields, true);
static const MaModel failed_model =
MODEL("MissionAuditFailedPayload", failed_fields, true);

static const MaModel *const payload_models[MA_NUM_AUDIT_TYPES] = {
	[EK_REQUESTED] = &requested_model,
	[EK_STARTED] = &started_model,
	[EK_DECISION_REQUESTED] = &decision_requested_model,
	[EK_COMPLETED] = &completed_model,
	[EK_FAILED] = &failed_model,
};

/* The envelope: 2.5.0's fields plus build_id, declared after timestamp. */
static const MaField envelope_fields[ENV_NFIELDS] = {
	ENVELOPE_FIELDS,
	[ENV_BUILD_ID] = STR("build_id", true, false, 1, SLOT_NONE),
};
static const int envelope_order[ENV_NFIELDS] = {
	ENV_EVENT_ID, ENV_EVENT_TYPE, ENV_AGGREGATE_ID, ENV_PAYLOAD, ENV_TIMESTAMP,
	ENV_BUILD_ID, ENV_NODE_ID, ENV_LAMPORT_CLOCK, ENV_CAUSATION_ID, ENV_PROJECT_UUID,
	ENV_PROJECT_SLUG, ENV_CORRELATION_ID, ENV_SCHEMA_VERSION, ENV_DATA_TIER,
};
static const MaModel envelope_model = {
	"Event", envelope_fields, lengthof(envelope_fields), false, envelope_order
};

static const MaSlot identity_slots[] = {
	SLOT_MISSION_ID, SLOT_RUN_ID, SLOT_MISSION_SLUG, SLOT_MISSION_NUMBER, SLOT_MISSION_TYPE
};

/* The reduced state, in jsonb key order (shorter first, then bytewise). */
static const MaStateKey state_keys[] = {
	{"run_id", FROM_SLOT, SLOT_RUN_ID},
	{"summary", FROM_SLOT, SLOT_SUMMARY},
	{"verdict", FROM_SLOT, SLOT_VERDICT},
	{"severity", FROM_SLOT, SLOT_SEVERITY},
	{"anomalies", FROM_ANOMALIES},
	{"error_code", FROM_SLOT, SLOT_ERROR_CODE},
	{"mission_id", FROM_SLOT, SLOT_MISSION_ID},
	{"audit_scope", FROM_SLOT, SLOT_AUDIT_SCOPE},
	{"event_count", FROM_EVENT_COUNT},
	{"artifact_ref", FROM_ARTIFACT_SLOT, SLOT_ARTIFACT_REF},
	{"audit_status", FROM_STATUS},
	{"mission_slug", FROM_SLOT, SLOT_MISSION_SLUG},
	{"mission_type", FROM_SLOT, SLOT_MISSION_TYPE},
	{"trigger_mode", FROM_SLOT, SLOT_TRIGGER_MODE},
	{"error_message", FROM_SLOT, SLOT_ERROR_MESSAGE},
	{"findings_count", FROM_SLOT, SLOT_FINDINGS_COUNT},
	{"mission_number", FROM_SLOT, SLOT_MISSION_NUMBER},
	{"audit_scope_hash", FROM_SLOT, SLOT_AUDIT_SCOPE_HASH},
	{"enforcement_mode", FROM_SLOT, SLOT_ENFORCEMENT_MODE},
	{"pending_decisions", FROM_PENDING},
	{"partial_artifact_ref", FROM_ARTIFACT_SLOT, SLOT_PARTIAL_ARTIFACT_REF},
};

const MaContract ma_contract_3_0_0 = {
	.id = MA_CONTRACT_3_0_0,
	.payload_models = payload_models,
	.envelope_model = &envelope_model,
	.artifact_ref_model = &artifact_ref_model,
	.schema_version_default = "3.0.0",
	.cutover_gate = true,
	.identity_slots = identity_slots,
	.nidentity_slots = lengthof(identity_slots),
	.identity_mask = MA_SLOT_BIT(SLOT_MISSION_ID) | MA_SLOT_BIT(SLOT_RUN_ID) |
	MA_SLOT_BIT(SLOT_MISSION_SLUG) | MA_SLOT_BIT(SLOT_MISSION_NUMBER) |
	MA_SLOT_BIT(SLOT_MISSION_TYPE),
	.backfill_kinds = MA_KIND_BIT(EK_STARTED) | MA_KIND_BIT(EK_DECISION_REQUESTED) |
	MA_KIND_BIT(EK_COMPLETED) | MA_KIND_BIT(EK_FAILED),
	.state_keys = state_keys,
	.nstate_keys = lengthof(state_keys),
};
