/* contract_2_5_0.c: the Mission Audit Lifecycle contract 2.5.0 as tables */
#include "contract_tables.h"

/* Unknown keys are ignored (pydantic's default) in every model of 2.5.0. */

static const MaModel content_hash_model = MODEL("ContentHashRef", ma_content_hash_fields, false);
static const MaModel provenance_model = MODEL("ProvenanceRef", ma_provenance_fields, false);

static const MaField artifact_ref_fields[] = {
	ARTIFACT_REF_FIELDS(content_hash_model, provenance_model),
};
static const MaModel artifact_ref_model = MODEL("AuditArtifactRef", artifact_ref_fields, false);

/* Payloads: mission_id, run_id, feature_slug, actor, then each type's own */
#define IDENTITY_FIELDS \
	STR("mission_id", true, false, 1, SLOT_MISSION_ID), \
	STR("run_id", true, false, 1, SLOT_RUN_ID), \
	STR("feature_slug", true, false, 1, SLOT_FEATURE_SLUG), \
	STR("actor", true, false, 1, SLOT_NONE)

static const MaField requested_fields[] = {IDENTITY_FIELDS, REQUESTED_FIELDS};
static const MaField started_fields[] = {IDENTITY_FIELDS, STARTED_FIELDS};
static const MaField decision_requested_fields[] = {IDENTITY_FIELDS, DECISION_REQUESTED_FIELDS};
static const MaField completed_fields[] = {IDENTITY_FIELDS, COMPLETED_FIELDS(artifact_ref_model)};
static const MaField failed_fields[] = {IDENTITY_FIELDS, FAILED_FIELDS(artifact_ref_model)};

static const MaModel requested_model =
MODEL("MissionAuditRequestedPayload", requested_fields, false);
static const MaModel started_model =
MODEL("MissionAuditStartedPayload", started_fields, false);
static const MaModel decision_requested_model =
MODEL("MissionAuditDecisionRequestedPayload", decision_requested_fields, false);
static const MaModel completed_model =
MODEL("MissionAuditCompletedPayload", completed_fields, false);
static const MaModel failed_model =
MODEL("MissionAuditFailedPayload", failed_fields, false);

static const MaModel *const payload_models[MA_NUM_AUDIT_TYPES] = {
	[EK_REQUESTED] = &requested_model,
	[EK_STARTED] = &started_model,
	[EK_DECISION_REQUESTED] = &decision_requested_model,
	[EK_COMPLETED] = &completed_model,
	[EK_FAILED] = &failed_model,
};

/* The event envelope, shared by every family */
static const MaField envelope_fields[ENV_BUILD_ID] = {ENVELOPE_FIELDS};
static const MaModel envelope_model = MODEL("Event", envelope_fields, false);

/* The reducer's identity: Requested sets it, Started fills it while unset. */
static const MaSlot identity_slots[] = {SLOT_MISSION_ID, SLOT_RUN_ID, SLOT_FEATURE_SLUG};

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
	{"feature_slug", FROM_SLOT, SLOT_FEATURE_SLUG},
	{"trigger_mode", FROM_SLOT, SLOT_TRIGGER_MODE},
	{"error_message", FROM_SLOT, SLOT_ERROR_MESSAGE},
	{"findings_count", FROM_SLOT, SLOT_FINDINGS_COUNT},
	{"audit_scope_hash", FROM_SLOT, SLOT_AUDIT_SCOPE_HASH},
	{"enforcement_mode", FROM_SLOT, SLOT_ENFORCEMENT_MODE},
	{"pending_decisions", FROM_PENDING},
	{"partial_artifact_ref", FROM_ARTIFACT_SLOT, SLOT_PARTIAL_ARTIFACT_REF},
};

const MaContract ma_contract_2_5_0 = {
	.id = MA_CONTRACT_2_5_0,
	.payload_models = payload_models,
	.envelope_model = &envelope_model,
	.artifact_ref_model = &artifact_ref_model,
	.schema_version_default = "1.0.0",
	.cutover_gate = false,
	.identity_slots = identity_slots,
	.nidentity_slots = lengthof(identity_slots),
	.identity_mask = MA_SLOT_BIT(SLOT_MISSION_ID) | MA_SLOT_BIT(SLOT_RUN_ID) |
	MA_SLOT_BIT(SLOT_FEATURE_SLUG),
	.backfill_kinds = MA_KIND_BIT(EK_STARTED),
	.state_keys = state_keys,
	.nstate_keys = lengthof(state_keys),
};
