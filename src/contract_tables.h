/* contract_tables.h: field constructors and the model pieces every contract shares */
#ifndef MISSION_AUDIT_CONTRACT_TABLES_H
#define MISSION_AUDIT_CONTRACT_TABLES_H

#include "mission_audit.h"

/*
 * Field constructors.  Each model lists its fields in pydantic declaration
 * order, which is the order violations are reported in.
 */
#define STR(n, req, nul, minlen, slot_) \
	{ .name = (n), .name_len = sizeof(n) - 1, .kind = MA_STRING, .required = (req), .nullable = (nul), \
	  .min_length = (minlen), .slot = (slot_) }
#define INT_MIN(n, min, req, nul, slot_) \
	{ .name = (n), .name_len = sizeof(n) - 1, .kind = MA_INTEGER, .required = (req), .nullable = (nul), \
	  .has_minimum = true, .minimum = (min), .slot = (slot_) }
#define INT_MIN0(n, req, nul, slot_) INT_MIN(n, 0, req, nul, slot_)
#define CHOICE(n, k, lits, req, nul, slot_) \
	{ .name = (n), .name_len = sizeof(n) - 1, .kind = (k), .required = (req), .nullable = (nul), \
	  .literals = (lits), .slot = (slot_) }
#define SUBMODEL(n, m, req, nul, slot_) \
	{ .name = (n), .name_len = sizeof(n) - 1, .kind = MA_MODEL, .required = (req), .nullable = (nul), \
	  .model = &(m), .slot = (slot_) }
#define OF_KIND(n, k, req, nul) \
	{ .name = (n), .name_len = sizeof(n) - 1, .kind = (k), .required = (req), .nullable = (nul) }

/* A model: its pydantic name, fields, and whether unknown keys are forbidden. */
#define MODEL(name, fields, forbid) { (name), (fields), lengthof(fields), (forbid), NULL }

/* Literal lists (contract.c), the same in every contract. */
extern const char *const ma_trigger_modes[];
extern const char *const ma_enforcement_modes[];
extern const char *const ma_severities[];
extern const char *const ma_verdicts[];
extern const char *const ma_hash_algorithms[];
extern const char *const ma_actor_kinds[];

/* Nested references: ContentHashRef and ProvenanceRef field sets never changed. */
extern const MaField ma_content_hash_fields[4];
extern const MaField ma_provenance_fields[6];

/* AuditArtifactRef, given its contract's nested models. */
#define ARTIFACT_REF_FIELDS(content_hash_model, provenance_model) \
	STR("report_path", true, false, 1, SLOT_NONE), \
	SUBMODEL("content_hash", content_hash_model, true, false, SLOT_NONE), \
	SUBMODEL("provenance", provenance_model, true, false, SLOT_NONE)

/* Each payload type's own fields, after its contract's identity prefix. */
#define REQUESTED_FIELDS \
	CHOICE("trigger_mode", MA_LITERAL, ma_trigger_modes, true, false, SLOT_TRIGGER_MODE), \
	{.name = "audit_scope", .name_len = 11, .kind = MA_STRING_LIST, .required = true, \
	 .min_length = 1, .slot = SLOT_AUDIT_SCOPE}, \
	CHOICE("enforcement_mode", MA_LITERAL, ma_enforcement_modes, true, false, SLOT_ENFORCEMENT_MODE)

#define STARTED_FIELDS \
	STR("audit_scope_hash", true, false, 1, SLOT_AUDIT_SCOPE_HASH)

#define DECISION_REQUESTED_FIELDS \
	STR("decision_id", true, false, 1, SLOT_DECISION_ID), \
	STR("question", true, false, 0, SLOT_QUESTION), \
	STR("context_summary", true, false, 0, SLOT_CONTEXT_SUMMARY), \
	CHOICE("severity", MA_ENUM, ma_severities, true, false, SLOT_SEVERITY)

#define COMPLETED_FIELDS(artifact_ref_model) \
	CHOICE("verdict", MA_ENUM, ma_verdicts, true, false, SLOT_VERDICT), \
	CHOICE("severity", MA_ENUM, ma_severities, true, false, SLOT_SEVERITY), \
	INT_MIN0("findings_count", true, false, SLOT_FINDINGS_COUNT), \
	SUBMODEL("artifact_ref", artifact_ref_model, true, false, SLOT_ARTIFACT_REF), \
	STR("summary", true, false, 0, SLOT_SUMMARY)

#define FAILED_FIELDS(artifact_ref_model) \
	STR("error_code", true, false, 1, SLOT_ERROR_CODE), \
	STR("error_message", true, false, 0, SLOT_ERROR_MESSAGE), \
	SUBMODEL("partial_artifact_ref", artifact_ref_model, false, true, SLOT_PARTIAL_ARTIFACT_REF)

/* The Event envelope's 2.5.0 fields, by MaEnvelopeField position. */
#define ENVELOPE_FIELDS \
	[ENV_EVENT_ID] = OF_KIND("event_id", MA_EVENT_ID, true, false), \
	[ENV_EVENT_TYPE] = STR("event_type", true, false, 1, SLOT_NONE), \
	[ENV_AGGREGATE_ID] = STR("aggregate_id", true, false, 1, SLOT_NONE), \
	[ENV_PAYLOAD] = OF_KIND("payload", MA_DICT, false, false), \
	[ENV_TIMESTAMP] = OF_KIND("timestamp", MA_TIMESTAMP, true, false), \
	[ENV_NODE_ID] = STR("node_id", true, false, 1, SLOT_NONE), \
	[ENV_LAMPORT_CLOCK] = INT_MIN0("lamport_clock", true, false, SLOT_NONE), \
	[ENV_CAUSATION_ID] = OF_KIND("causation_id", MA_EVENT_ID, false, true), \
	[ENV_PROJECT_UUID] = OF_KIND("project_uuid", MA_UUID, true, false), \
	[ENV_PROJECT_SLUG] = STR("project_slug", false, true, 0, SLOT_NONE), \
	[ENV_CORRELATION_ID] = OF_KIND("correlation_id", MA_EVENT_ID, true, false), \
	[ENV_SCHEMA_VERSION] = OF_KIND("schema_version", MA_VERSION, false, false), \
	[ENV_DATA_TIER] = {.name = "data_tier", .name_len = 9, .kind = MA_INTEGER, \
		.has_minimum = true, .minimum = 0, .has_maximum = true, .maximum = 4}

#endif							/* MISSION_AUDIT_CONTRACT_TABLES_H */
