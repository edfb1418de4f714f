/* mission_audit--2.5.0.sql: the Mission Audit Lifecycle contract, schema 2.5.0 */

\echo Use "CREATE EXTENSION mission_audit" to load this file. \quit

/*
 * Every SQL-language body below is BEGIN ATOMIC, so it is parsed here, under
 * the search_path CREATE EXTENSION pins, and never re-resolved under a caller's.
 */

-- Contract constants -------------------------------------------------------

CREATE TYPE mission_audit_verdict AS ENUM
	('pass', 'pass_with_warnings', 'fail', 'blocked_decision_required');
COMMENT ON TYPE mission_audit_verdict IS 'AuditVerdict of the Mission Audit Lifecycle contract';

CREATE TYPE mission_audit_severity AS ENUM
	('info', 'warning', 'error', 'critical');
COMMENT ON TYPE mission_audit_severity IS 'AuditSeverity of the Mission Audit Lifecycle contract';

CREATE TYPE mission_audit_status AS ENUM
	('pending', 'running', 'awaiting_decision', 'completed', 'failed');
COMMENT ON TYPE mission_audit_status IS 'audit_status of the reduced state';

CREATE FUNCTION mission_audit_schema_version() RETURNS text
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	BEGIN ATOMIC SELECT '2.5.0'; END;
COMMENT ON FUNCTION mission_audit_schema_version() IS 'contract schema version implemented by this extension';

CREATE FUNCTION mission_audit_event_types() RETURNS text[]
	AS 'MODULE_PATHNAME', 'mission_audit_event_types'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mission_audit_event_types() IS 'the five audit event types, in contract order';

CREATE FUNCTION mission_audit_terminal_statuses() RETURNS mission_audit_status[]
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	BEGIN ATOMIC SELECT ARRAY['completed', 'failed']::mission_audit_status[]; END;
COMMENT ON FUNCTION mission_audit_terminal_statuses() IS 'statuses after which an audit accepts no further events';

-- Validation ---------------------------------------------------------------

CREATE FUNCTION mission_audit_validate(event_type text, payload jsonb) RETURNS jsonb
	AS 'MODULE_PATHNAME', 'mission_audit_validate'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mission_audit_validate(text, jsonb) IS 'validate an audit payload: {valid, event_type, violations}';

CREATE FUNCTION mission_audit_is_valid(event_type text, payload jsonb) RETURNS boolean
	AS 'MODULE_PATHNAME', 'mission_audit_is_valid'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mission_audit_is_valid(text, jsonb) IS 'true when an audit payload is valid (fast path for CHECK constraints)';

CREATE FUNCTION mission_audit_validate_event(event jsonb) RETURNS jsonb
	AS 'MODULE_PATHNAME', 'mission_audit_validate_event'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mission_audit_validate_event(jsonb) IS 'validate an event envelope and its audit payload: {valid, event_type, violations}';

CREATE FUNCTION mission_audit_event_is_valid(event jsonb) RETURNS boolean
	AS 'MODULE_PATHNAME', 'mission_audit_event_is_valid'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mission_audit_event_is_valid(jsonb) IS 'true when an event envelope and its audit payload are valid';

CREATE FUNCTION mission_audit_normalize_event(event jsonb) RETURNS jsonb
	AS 'MODULE_PATHNAME', 'mission_audit_normalize_event'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mission_audit_normalize_event(jsonb) IS 'the envelope with ids normalized and defaults filled in; error when invalid';

-- Reducer ------------------------------------------------------------------

CREATE FUNCTION mission_audit_reduce_transfn(internal, jsonb) RETURNS internal
	AS 'MODULE_PATHNAME', 'mission_audit_reduce_transfn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION mission_audit_reduce_combinefn(internal, internal) RETURNS internal
	AS 'MODULE_PATHNAME', 'mission_audit_reduce_combinefn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION mission_audit_reduce_serialfn(internal) RETURNS bytea
	AS 'MODULE_PATHNAME', 'mission_audit_reduce_serialfn'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION mission_audit_reduce_deserialfn(bytea, internal) RETURNS internal
	AS 'MODULE_PATHNAME', 'mission_audit_reduce_deserialfn'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION mission_audit_reduce_finalfn(internal) RETURNS jsonb
	AS 'MODULE_PATHNAME', 'mission_audit_reduce_finalfn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;

/*
 * The final function sorts the state's event array in place: a permutation
 * of a multiset, so the state means the same afterwards (READ_ONLY holds and
 * window frames can keep appending to it).
 */
CREATE AGGREGATE mission_audit_reduce(event jsonb) (
	SFUNC = mission_audit_reduce_transfn,
	STYPE = internal,
	FINALFUNC = mission_audit_reduce_finalfn,
	FINALFUNC_MODIFY = READ_ONLY,
	COMBINEFUNC = mission_audit_reduce_combinefn,
	SERIALFUNC = mission_audit_reduce_serialfn,
	DESERIALFUNC = mission_audit_reduce_deserialfn,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE mission_audit_reduce(jsonb) IS 'fold event envelopes into the reduced audit state (any input order)';

CREATE FUNCTION mission_audit_reduce_events(events jsonb) RETURNS jsonb
	AS 'MODULE_PATHNAME', 'mission_audit_reduce_events'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mission_audit_reduce_events(jsonb) IS 'reduce a JSON array of event envelopes';

CREATE FUNCTION mission_audit_read_jsonl(jsonl text,
		OUT line_number integer, OUT event jsonb) RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'mission_audit_read_jsonl'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 100;
COMMENT ON FUNCTION mission_audit_read_jsonl(text) IS 'one row per non-blank line of a JSONL text';

-- Conformance --------------------------------------------------------------

CREATE FUNCTION mission_audit_check_event_type(event_type text) RETURNS text
	AS 'MODULE_PATHNAME', 'mission_audit_check_event_type'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mission_audit_check_event_type(text) IS 'returns an audit event type unchanged; error for any other text';

CREATE FUNCTION mission_audit_payload_schema(event_type text) RETURNS jsonb
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
BEGIN ATOMIC
	SELECT CASE mission_audit_check_event_type(event_type)
	WHEN 'MissionAuditRequested' THEN
		$schema${
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "$id": "urn:mission-audit:2.5.0:MissionAuditRequested",
  "title": "MissionAuditRequestedPayload",
  "description": "Payload of MissionAuditRequested (Mission Audit Lifecycle contract 2.5.0). An audit of a mission run was requested. Unknown keys are allowed.",
  "type": "object",
  "properties": {
    "mission_id": {
      "type": "string",
      "minLength": 1,
      "description": "Mission identifier, for example \"mission-042\"."
    },
    "run_id": {
      "type": "string",
      "minLength": 1,
      "description": "Audit run identifier within the mission, for example \"run-007\"."
    },
    "feature_slug": {
      "type": "string",
      "minLength": 1,
      "description": "Feature slug the mission works on, for example \"042-payments-refactor\"."
    },
    "actor": {
      "type": "string",
      "minLength": 1,
      "description": "Who emitted the event, for example \"agent-claude\" or \"human:alice\"."
    },
    "trigger_mode": {
      "type": "string",
      "enum": [
        "manual",
        "post_merge"
      ],
      "description": "What triggered the audit."
    },
    "audit_scope": {
      "type": "array",
      "items": {
        "type": "string"
      },
      "minItems": 1,
      "description": "Paths or globs the audit covers."
    },
    "enforcement_mode": {
      "type": "string",
      "enum": [
        "advisory",
        "blocking"
      ],
      "description": "Whether a failing audit blocks the mission."
    }
  },
  "required": [
    "mission_id",
    "run_id",
    "feature_slug",
    "actor",
    "trigger_mode",
    "audit_scope",
    "enforcement_mode"
  ],
  "additionalProperties": true
}
$schema$::jsonb
	WHEN 'MissionAuditStarted' THEN
		$schema${
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "$id": "urn:mission-audit:2.5.0:MissionAuditStarted",
  "title": "MissionAuditStartedPayload",
  "description": "Payload of MissionAuditStarted (Mission Audit Lifecycle contract 2.5.0). The audit run started. Unknown keys are allowed.",
  "type": "object",
  "properties": {
    "mission_id": {
      "type": "string",
      "minLength": 1,
      "description": "Mission identifier, for example \"mission-042\"."
    },
    "run_id": {
      "type": "string",
      "minLength": 1,
      "description": "Audit run identifier within the mission, for example \"run-007\"."
    },
    "feature_slug": {
      "type": "string",
      "minLength": 1,
      "description": "Feature slug the mission works on, for example \"042-payments-refactor\"."
    },
    "actor": {
      "type": "string",
      "minLength": 1,
      "description": "Who emitted the event, for example \"agent-claude\" or \"human:alice\"."
    },
    "audit_scope_hash": {
      "type": "string",
      "minLength": 1,
      "description": "Hash of the resolved audit scope, for example \"sha256:<hex>\"."
    }
  },
  "required": [
    "mission_id",
    "run_id",
    "feature_slug",
    "actor",
    "audit_scope_hash"
  ],
  "additionalProperties": true
}
$schema$::jsonb
	WHEN 'MissionAuditDecisionRequested' THEN
		$schema${
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "$id": "urn:mission-audit:2.5.0:MissionAuditDecisionRequested",
  "title": "MissionAuditDecisionRequestedPayload",
  "description": "Payload of MissionAuditDecisionRequested (Mission Audit Lifecycle contract 2.5.0). The audit needs a human decision before it can finish. Unknown keys are allowed.",
  "type": "object",
  "properties": {
    "mission_id": {
      "type": "string",
      "minLength": 1,
      "description": "Mission identifier, for example \"mission-042\"."
    },
    "run_id": {
      "type": "string",
      "minLength": 1,
      "description": "Audit run identifier within the mission, for example \"run-007\"."
    },
    "feature_slug": {
      "type": "string",
      "minLength": 1,
      "description": "Feature slug the mission works on, for example \"042-payments-refactor\"."
    },
    "actor": {
      "type": "string",
      "minLength": 1,
      "description": "Who emitted the event, for example \"agent-claude\" or \"human:alice\"."
    },
    "decision_id": {
      "type": "string",
      "minLength": 1,
      "description": "Identifier of the decision checkpoint."
    },
    "question": {
      "type": "string",
      "description": "The question put to the decision maker."
    },
    "context_summary": {
      "type": "string",
      "description": "Context for the decision."
    },
    "severity": {
      "type": "string",
      "enum": [
        "info",
        "warning",
        "error",
        "critical"
      ],
      "description": "Severity of the finding behind the decision."
    }
  },
  "required": [
    "mission_id",
    "run_id",
    "feature_slug",
    "actor",
    "decision_id",
    "question",
    "context_summary",
    "severity"
  ],
  "additionalProperties": true
}
$schema$::jsonb
	WHEN 'MissionAuditCompleted' THEN
		$schema${
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "$id": "urn:mission-audit:2.5.0:MissionAuditCompleted",
  "title": "MissionAuditCompletedPayload",
  "description": "Payload of MissionAuditCompleted (Mission Audit Lifecycle contract 2.5.0). The audit finished with a verdict. Terminal. Unknown keys are allowed.",
  "type": "object",
  "properties": {
    "mission_id": {
      "type": "string",
      "minLength": 1,
      "description": "Mission identifier, for example \"mission-042\"."
    },
    "run_id": {
      "type": "string",
      "minLength": 1,
      "description": "Audit run identifier within the mission, for example \"run-007\"."
    },
    "feature_slug": {
      "type": "string",
      "minLength": 1,
      "description": "Feature slug the mission works on, for example \"042-payments-refactor\"."
    },
    "actor": {
      "type": "string",
      "minLength": 1,
      "description": "Who emitted the event, for example \"agent-claude\" or \"human:alice\"."
    },
    "verdict": {
      "type": "string",
      "enum": [
        "pass",
        "pass_with_warnings",
        "fail",
        "blocked_decision_required"
      ],
      "description": "Outcome of the audit."
    },
    "severity": {
      "type": "string",
      "enum": [
        "info",
        "warning",
        "error",
        "critical"
      ],
      "description": "Highest severity among the findings."
    },
    "findings_count": {
      "type": "integer",
      "minimum": 0,
      "description": "Number of findings."
    },
    "artifact_ref": {
      "$ref": "#/$defs/AuditArtifactRef"
    },
    "summary": {
      "type": "string",
      "description": "Human-readable summary of the audit."
    }
  },
  "required": [
    "mission_id",
    "run_id",
    "feature_slug",
    "actor",
    "verdict",
    "severity",
    "findings_count",
    "artifact_ref",
    "summary"
  ],
  "additionalProperties": true,
  "$defs": {
    "AuditArtifactRef": {
      "title": "AuditArtifactRef",
      "description": "Reference to an audit report artifact.",
      "type": "object",
      "properties": {
        "report_path": {
          "type": "string",
          "minLength": 1,
          "description": "Path of the report, for example \"audits/mission-042/run-007/report.json\"."
        },
        "content_hash": {
          "$ref": "#/$defs/ContentHashRef"
        },
        "provenance": {
          "$ref": "#/$defs/ProvenanceRef"
        }
      },
      "required": [
        "report_path",
        "content_hash",
        "provenance"
      ],
      "additionalProperties": true
    },
    "ContentHashRef": {
      "title": "ContentHashRef",
      "description": "Content hash of an artifact.",
      "type": "object",
      "properties": {
        "hash": {
          "type": "string",
          "minLength": 1,
          "description": "Hex digest of the artifact content."
        },
        "algorithm": {
          "type": "string",
          "enum": [
            "sha256",
            "sha512",
            "md5"
          ],
          "description": "Digest algorithm."
        },
        "size_bytes": {
          "anyOf": [
            {
              "type": "integer",
              "minimum": 0
            },
            {
              "type": "null"
            }
          ],
          "default": null,
          "description": "Artifact size in bytes."
        },
        "encoding": {
          "anyOf": [
            {
              "type": "string"
            },
            {
              "type": "null"
            }
          ],
          "default": null,
          "description": "Text encoding of the artifact, for example \"utf-8\"."
        }
      },
      "required": [
        "hash",
        "algorithm"
      ],
      "additionalProperties": true
    },
    "ProvenanceRef": {
      "title": "ProvenanceRef",
      "description": "Where an artifact came from. Every field is optional and nullable.",
      "type": "object",
      "properties": {
        "source_event_ids": {
          "anyOf": [
            {
              "type": "array",
              "items": {
                "type": "string"
              }
            },
            {
              "type": "null"
            }
          ],
          "default": null,
          "description": "Ids of the events the artifact was derived from."
        },
        "git_sha": {
          "anyOf": [
            {
              "type": "string"
            },
            {
              "type": "null"
            }
          ],
          "default": null,
          "description": "Commit the audit ran against."
        },
        "git_ref": {
          "anyOf": [
            {
              "type": "string"
            },
            {
              "type": "null"
            }
          ],
          "default": null,
          "description": "Git ref the audit ran against."
        },
        "actor_id": {
          "anyOf": [
            {
              "type": "string"
            },
            {
              "type": "null"
            }
          ],
          "default": null,
          "description": "Identifier of the producing actor."
        },
        "actor_kind": {
          "anyOf": [
            {
              "type": "string",
              "enum": [
                "human",
                "llm",
                "system"
              ]
            },
            {
              "type": "null"
            }
          ],
          "default": null,
          "description": "Kind of the producing actor."
        },
        "revised_at": {
          "anyOf": [
            {
              "type": "string"
            },
            {
              "type": "null"
            }
          ],
          "default": null,
          "description": "When the artifact was last revised."
        }
      },
      "additionalProperties": true
    }
  }
}
$schema$::jsonb
	WHEN 'MissionAuditFailed' THEN
		$schema${
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "$id": "urn:mission-audit:2.5.0:MissionAuditFailed",
  "title": "MissionAuditFailedPayload",
  "description": "Payload of MissionAuditFailed (Mission Audit Lifecycle contract 2.5.0). The audit could not run to a verdict. Terminal. Unknown keys are allowed.",
  "type": "object",
  "properties": {
    "mission_id": {
      "type": "string",
      "minLength": 1,
      "description": "Mission identifier, for example \"mission-042\"."
    },
    "run_id": {
      "type": "string",
      "minLength": 1,
      "description": "Audit run identifier within the mission, for example \"run-007\"."
    },
    "feature_slug": {
      "type": "string",
      "minLength": 1,
      "description": "Feature slug the mission works on, for example \"042-payments-refactor\"."
    },
    "actor": {
      "type": "string",
      "minLength": 1,
      "description": "Who emitted the event, for example \"agent-claude\" or \"human:alice\"."
    },
    "error_code": {
      "type": "string",
      "minLength": 1,
      "description": "Machine-readable error code, for example \"AUDIT_TIMEOUT\"."
    },
    "error_message": {
      "type": "string",
      "description": "Human-readable error message."
    },
    "partial_artifact_ref": {
      "anyOf": [
        {
          "$ref": "#/$defs/AuditArtifactRef"
        },
        {
          "type": "null"
        }
      ],
      "default": null,
      "description": "Partial report written before the failure, if any."
    }
  },
  "required": [
    "mission_id",
    "run_id",
    "feature_slug",
    "actor",
    "error_code",
    "error_message"
  ],
  "additionalProperties": true,
  "$defs": {
    "AuditArtifactRef": {
      "title": "AuditArtifactRef",
      "description": "Reference to an audit report artifact.",
      "type": "object",
      "properties": {
        "report_path": {
          "type": "string",
          "minLength": 1,
          "description": "Path of the report, for example \"audits/mission-042/run-007/report.json\"."
        },
        "content_hash": {
          "$ref": "#/$defs/ContentHashRef"
        },
        "provenance": {
          "$ref": "#/$defs/ProvenanceRef"
        }
      },
      "required": [
        "report_path",
        "content_hash",
        "provenance"
      ],
      "additionalProperties": true
    },
    "ContentHashRef": {
      "title": "ContentHashRef",
      "description": "Content hash of an artifact.",
      "type": "object",
      "properties": {
        "hash": {
          "type": "string",
          "minLength": 1,
          "description": "Hex digest of the artifact content."
        },
        "algorithm": {
          "type": "string",
          "enum": [
            "sha256",
            "sha512",
            "md5"
          ],
          "description": "Digest algorithm."
        },
        "size_bytes": {
          "anyOf": [
            {
              "type": "integer",
              "minimum": 0
            },
            {
              "type": "null"
            }
          ],
          "default": null,
          "description": "Artifact size in bytes."
        },
        "encoding": {
          "anyOf": [
            {
              "type": "string"
            },
            {
              "type": "null"
            }
          ],
          "default": null,
          "description": "Text encoding of the artifact, for example \"utf-8\"."
        }
      },
      "required": [
        "hash",
        "algorithm"
      ],
      "additionalProperties": true
    },
    "ProvenanceRef": {
      "title": "ProvenanceRef",
      "description": "Where an artifact came from. Every field is optional and nullable.",
      "type": "object",
      "properties": {
        "source_event_ids": {
          "anyOf": [
            {
              "type": "array",
              "items": {
                "type": "string"
              }
            },
            {
              "type": "null"
            }
          ],
          "default": null,
          "description": "Ids of the events the artifact was derived from."
        },
        "git_sha": {
          "anyOf": [
            {
              "type": "string"
            },
            {
              "type": "null"
            }
          ],
          "default": null,
          "description": "Commit the audit ran against."
        },
        "git_ref": {
          "anyOf": [
            {
              "type": "string"
            },
            {
              "type": "null"
            }
          ],
          "default": null,
          "description": "Git ref the audit ran against."
        },
        "actor_id": {
          "anyOf": [
            {
              "type": "string"
            },
            {
              "type": "null"
            }
          ],
          "default": null,
          "description": "Identifier of the producing actor."
        },
        "actor_kind": {
          "anyOf": [
            {
              "type": "string",
              "enum": [
                "human",
                "llm",
                "system"
              ]
            },
            {
              "type": "null"
            }
          ],
          "default": null,
          "description": "Kind of the producing actor."
        },
        "revised_at": {
          "anyOf": [
            {
              "type": "string"
            },
            {
              "type": "null"
            }
          ],
          "default": null,
          "description": "When the artifact was last revised."
        }
      },
      "additionalProperties": true
    }
  }
}
$schema$::jsonb
	END;
END;
COMMENT ON FUNCTION mission_audit_payload_schema(text) IS 'the JSON Schema (Draft 2020-12) shipped for an audit payload type';
