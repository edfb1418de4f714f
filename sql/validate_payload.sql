-- validate_payload: mission_audit_validate() and mission_audit_is_valid() check an audit payload against the contract 2.5.0 payload models
\pset null '(null)'
\set SHOW_CONTEXT never

-- Helpers.  valid_payload(t) is a payload of type t that passes, with every
-- optional field present.  check_payload(t, p) is 'valid' or the violations
-- as "field:type" in report order; it also asks mission_audit_is_valid()
-- and, for an object, mission_audit_validate_event() on an event carrying
-- it, and says so inline when any of them disagree; it logs every case for
-- the summary at the end.  with_value(t, path, v) and without(t, path) check
-- valid_payload(t) with the dotted path set to v, or removed.
CREATE FUNCTION valid_payload(event_type text) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
	SELECT (CASE event_type
	WHEN 'MissionAuditRequested' THEN
		'{"mission_id": "mission-042", "run_id": "run-007", "feature_slug": "042-audit-trail", "actor": "agent-claude",
		  "trigger_mode": "manual", "audit_scope": ["spec.md", "plan.md"], "enforcement_mode": "blocking"}'
	WHEN 'MissionAuditStarted' THEN
		'{"mission_id": "mission-042", "run_id": "run-007", "feature_slug": "042-audit-trail", "actor": "agent-claude",
		  "audit_scope_hash": "sha256:9f86d081884c7d65"}'
	WHEN 'MissionAuditDecisionRequested' THEN
		'{"mission_id": "mission-042", "run_id": "run-007", "feature_slug": "042-audit-trail", "actor": "agent-claude",
		  "decision_id": "decision-1", "question": "Ship with two warnings?", "context_summary": "two style findings", "severity": "warning"}'
	WHEN 'MissionAuditCompleted' THEN
		'{"mission_id": "mission-042", "run_id": "run-007", "feature_slug": "042-audit-trail", "actor": "agent-claude",
		  "verdict": "pass_with_warnings", "severity": "warning", "findings_count": 2,
		  "artifact_ref": {"report_path": "audits/run-007.md",
		                   "content_hash": {"hash": "9f86d081884c7d65", "algorithm": "sha256", "size_bytes": 2048, "encoding": "utf-8"},
		                   "provenance": {"source_event_ids": ["01J0000000000000000000000A"], "git_sha": "4b825dc6", "git_ref": "refs/heads/main",
		                                  "actor_id": "agent-claude", "actor_kind": "llm", "revised_at": "2026-01-01T10:00:00Z"}},
		  "summary": "two style findings"}'
	WHEN 'MissionAuditFailed' THEN
		'{"mission_id": "mission-042", "run_id": "run-007", "feature_slug": "042-audit-trail", "actor": "agent-claude",
		  "error_code": "TIMEOUT", "error_message": "audit timed out after 600 s",
		  "partial_artifact_ref": {"report_path": "audits/run-007.partial.md",
		                           "content_hash": {"hash": "e3b0c44298fc1c14", "algorithm": "md5", "size_bytes": 0, "encoding": null},
		                           "provenance": {"source_event_ids": [], "git_sha": null, "git_ref": null,
		                                          "actor_id": null, "actor_kind": "system", "revised_at": null}}}'
	END)::jsonb
$$;

CREATE TABLE payload_cases (n serial, event_type text, payload jsonb, valid boolean, is_valid boolean);

CREATE FUNCTION check_payload(event_type text, payload jsonb) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	r jsonb := mission_audit_validate(event_type, payload);
	fast boolean := mission_audit_is_valid(event_type, payload);
	as_event jsonb;
	result text;
BEGIN
	INSERT INTO payload_cases (event_type, payload, valid, is_valid)
		VALUES (event_type, payload, (r->>'valid')::boolean, fast);
	SELECT coalesce(string_agg((v->>'field') || ':' || (v->>'type'), ', ' ORDER BY i), 'valid')
		INTO result FROM jsonb_array_elements(r->'violations') WITH ORDINALITY AS a(v, i);
	IF (r->>'valid')::boolean <> (jsonb_array_length(r->'violations') = 0) THEN
		result := result || ' (BUT "valid" is ' || (r->>'valid') || ')';
	END IF;
	IF (r->>'valid')::boolean <> fast THEN
		result := result || ' (BUT mission_audit_is_valid says ' || fast || ')';
	END IF;
	IF r->>'event_type' IS DISTINCT FROM event_type THEN
		result := result || ' (BUT event_type is ' || coalesce(r->>'event_type', 'null') || ')';
	END IF;
	IF jsonb_typeof(payload) = 'object' THEN
		as_event := mission_audit_validate_event(jsonb_build_object(
			'event_id', '01J9ZQ7K3M4N5P6Q7R8S9T0V1W', 'event_type', event_type, 'aggregate_id', 'a',
			'timestamp', '2026-01-15T10:30:00Z', 'node_id', 'n', 'lamport_clock', 0,
			'project_uuid', '0f8fad5b-d9cb-469f-a165-70867728950e',
			'correlation_id', '01J9ZQ7K3M4N5P6Q7R8S9T0V1X', 'payload', payload));
		IF (SELECT jsonb_agg(jsonb_build_object('field', 'payload.' || (v->>'field'), 'type', v->'type', 'message', v->'message', 'input', v->'input') ORDER BY i) FROM jsonb_array_elements(r->'violations') WITH ORDINALITY AS a(v, i))
			IS DISTINCT FROM (SELECT jsonb_agg(jsonb_build_object('field', v->'field', 'type', v->'type', 'message', v->'message', 'input', v->'input') ORDER BY i) FROM jsonb_array_elements(as_event->'violations') WITH ORDINALITY AS a(v, i)) THEN
			result := result || ' (BUT as an event payload: ' || (as_event->'violations')::text || ')';
		END IF;
	END IF;
	RETURN result;
END
$$;

CREATE FUNCTION with_value(event_type text, path text, value jsonb) RETURNS text LANGUAGE sql AS $$
	SELECT check_payload(event_type, jsonb_set(valid_payload(event_type), string_to_array(path, '.'), value))
$$;

CREATE FUNCTION without(event_type text, path text) RETURNS text LANGUAGE sql AS $$
	SELECT check_payload(event_type, valid_payload(event_type) #- string_to_array(path, '.'))
$$;

-- every violation with its message and input
CREATE FUNCTION violation_details(event_type text, payload jsonb)
	RETURNS TABLE (field text, type text, message text, input jsonb) LANGUAGE sql AS $$
	SELECT v->>'field', v->>'type', v->>'message', v->'input'
	FROM jsonb_array_elements(mission_audit_validate(event_type, payload)->'violations') v
$$;

-- the valid payloads pass, and the whole result has three keys
SELECT event_type, check_payload(event_type, valid_payload(event_type)) FROM unnest(mission_audit_event_types()) event_type;
SELECT mission_audit_validate('MissionAuditStarted', valid_payload('MissionAuditStarted'));
SELECT mission_audit_validate('MissionAuditStarted', valid_payload('MissionAuditStarted') - 'actor');
SELECT mission_audit_is_valid('MissionAuditStarted', valid_payload('MissionAuditStarted'));
SELECT mission_audit_is_valid('MissionAuditStarted', valid_payload('MissionAuditStarted') - 'actor');

-- each top-level field removed in turn: required ones report "missing", optional ones may go
SELECT event_type, key AS removed, check_payload(event_type, valid_payload(event_type) - key) AS result FROM unnest(mission_audit_event_types()) WITH ORDINALITY AS t(event_type, n), jsonb_object_keys(valid_payload(event_type)) AS key ORDER BY n, key;

-- each nested field removed in turn: report_path, content_hash, provenance, hash and algorithm are required; the rest may go
SELECT event_type, path || '.' || key AS removed, without(event_type, path || '.' || key) AS result FROM (VALUES (1, 'MissionAuditCompleted', 'artifact_ref'), (2, 'MissionAuditCompleted', 'artifact_ref.content_hash'), (3, 'MissionAuditCompleted', 'artifact_ref.provenance'), (4, 'MissionAuditFailed', 'partial_artifact_ref'), (5, 'MissionAuditFailed', 'partial_artifact_ref.content_hash'), (6, 'MissionAuditFailed', 'partial_artifact_ref.provenance')) AS o(n, event_type, path), jsonb_object_keys(valid_payload(event_type) #> string_to_array(path, '.')) AS key ORDER BY n, key;

-- an empty object: every required field missing, in declaration order
SELECT event_type, check_payload(event_type, '{}') FROM unnest(mission_audit_event_types()) event_type;
SELECT * FROM violation_details('MissionAuditStarted', '{"mission_id": "mission-042"}');

-- violations come in declaration order, whatever the order of keys in the input
SELECT check_payload('MissionAuditCompleted', '{"summary": 1, "artifact_ref": 1, "findings_count": -1, "severity": 1, "verdict": 1, "actor": 1, "feature_slug": 1, "run_id": 1, "mission_id": 1}');
SELECT check_payload('MissionAuditCompleted', '{"zz": 0, "summary": "s", "a": 0, "mission_id": ""}');

-- a payload that is not an object: one model_type violation at field ""
SELECT event_type, check_payload(event_type, '[]') FROM unnest(mission_audit_event_types()) event_type;
SELECT check_payload('MissionAuditCompleted', 'null');
SELECT check_payload('MissionAuditCompleted', '"{}"');
SELECT check_payload('MissionAuditCompleted', '42');
SELECT check_payload('MissionAuditCompleted', 'true');
SELECT check_payload('MissionAuditCompleted', '[{"mission_id": "m"}]');
SELECT * FROM violation_details('MissionAuditCompleted', '[]');
SELECT * FROM violation_details('MissionAuditRequested', '"MissionAuditRequested"');
SELECT * FROM violation_details('MissionAuditDecisionRequested', 'null');
SELECT * FROM violation_details('MissionAuditFailed', '0');

-- common string fields: required, JSON strings only, at least one character
SELECT with_value('MissionAuditStarted', 'mission_id', '""');
SELECT with_value('MissionAuditStarted', 'mission_id', '" "');
SELECT with_value('MissionAuditStarted', 'mission_id', '"m"');
SELECT with_value('MissionAuditStarted', 'mission_id', '"é"');
SELECT with_value('MissionAuditStarted', 'mission_id', '"任务-042"');
SELECT with_value('MissionAuditStarted', 'mission_id', '42');
SELECT with_value('MissionAuditStarted', 'mission_id', '4.2');
SELECT with_value('MissionAuditStarted', 'mission_id', 'true');
SELECT with_value('MissionAuditStarted', 'mission_id', '["mission-042"]');
SELECT with_value('MissionAuditStarted', 'mission_id', '{"id": "mission-042"}');
SELECT with_value('MissionAuditStarted', 'mission_id', 'null');
SELECT with_value('MissionAuditStarted', 'run_id', '""');
SELECT with_value('MissionAuditStarted', 'feature_slug', '""');
SELECT with_value('MissionAuditStarted', 'actor', '""');
SELECT * FROM violation_details('MissionAuditStarted', valid_payload('MissionAuditStarted') || '{"run_id": "", "actor": 7}');

-- every field whose valid value is a string rejects a number: string_type, or literal_error / enum for a choice
SELECT event_type, key, with_value(event_type, key, '1') AS result FROM unnest(mission_audit_event_types()) WITH ORDINALITY AS t(event_type, n), jsonb_each(valid_payload(event_type)) AS e(key, value) WHERE jsonb_typeof(value) = 'string' ORDER BY n, key;

-- every top-level field set to null: only partial_artifact_ref is nullable
SELECT event_type, key, with_value(event_type, key, 'null') AS result FROM unnest(mission_audit_event_types()) WITH ORDINALITY AS t(event_type, n), jsonb_object_keys(valid_payload(event_type)) AS key ORDER BY n, key;

-- every nested field set to null: size_bytes, encoding and every provenance field are nullable
SELECT path || '.' || key AS field, with_value('MissionAuditCompleted', path || '.' || key, 'null') AS result FROM unnest(ARRAY['artifact_ref', 'artifact_ref.content_hash', 'artifact_ref.provenance']) WITH ORDINALITY AS o(path, n), jsonb_object_keys(valid_payload('MissionAuditCompleted') #> string_to_array(path, '.')) AS key ORDER BY n, key;

-- MissionAuditRequested.trigger_mode: literal manual | post_merge
SELECT with_value('MissionAuditRequested', 'trigger_mode', '"manual"');
SELECT with_value('MissionAuditRequested', 'trigger_mode', '"post_merge"');
SELECT with_value('MissionAuditRequested', 'trigger_mode', '"Manual"');
SELECT with_value('MissionAuditRequested', 'trigger_mode', '"post-merge"');
SELECT with_value('MissionAuditRequested', 'trigger_mode', '"manual "');
SELECT with_value('MissionAuditRequested', 'trigger_mode', '""');
SELECT with_value('MissionAuditRequested', 'trigger_mode', '1');
SELECT with_value('MissionAuditRequested', 'trigger_mode', '["manual"]');
SELECT with_value('MissionAuditRequested', 'trigger_mode', 'null');
SELECT * FROM violation_details('MissionAuditRequested', valid_payload('MissionAuditRequested') || '{"trigger_mode": "scheduled"}');

-- MissionAuditRequested.enforcement_mode: literal advisory | blocking
SELECT with_value('MissionAuditRequested', 'enforcement_mode', '"advisory"');
SELECT with_value('MissionAuditRequested', 'enforcement_mode', '"blocking"');
SELECT with_value('MissionAuditRequested', 'enforcement_mode', '"BLOCKING"');
SELECT with_value('MissionAuditRequested', 'enforcement_mode', '"strict"');
SELECT with_value('MissionAuditRequested', 'enforcement_mode', 'false');
SELECT with_value('MissionAuditRequested', 'enforcement_mode', 'null');
SELECT * FROM violation_details('MissionAuditRequested', valid_payload('MissionAuditRequested') || '{"enforcement_mode": null}');

-- MissionAuditRequested.audit_scope: a list of strings with at least one item
SELECT with_value('MissionAuditRequested', 'audit_scope', '["spec.md"]');
SELECT with_value('MissionAuditRequested', 'audit_scope', '[""]');
SELECT with_value('MissionAuditRequested', 'audit_scope', '["spec.md", "spec.md"]');
SELECT with_value('MissionAuditRequested', 'audit_scope', '[]');
SELECT with_value('MissionAuditRequested', 'audit_scope', '"spec.md"');
SELECT with_value('MissionAuditRequested', 'audit_scope', '{"0": "spec.md"}');
SELECT with_value('MissionAuditRequested', 'audit_scope', '1');
SELECT with_value('MissionAuditRequested', 'audit_scope', 'null');
SELECT with_value('MissionAuditRequested', 'audit_scope', '[1]');
SELECT with_value('MissionAuditRequested', 'audit_scope', '["spec.md", null]');
SELECT with_value('MissionAuditRequested', 'audit_scope', '["spec.md", 1, true, ["plan.md"], {}]');
SELECT * FROM violation_details('MissionAuditRequested', valid_payload('MissionAuditRequested') || '{"audit_scope": []}');
SELECT * FROM violation_details('MissionAuditRequested', valid_payload('MissionAuditRequested') || '{"audit_scope": ["spec.md", 2]}');
SELECT * FROM violation_details('MissionAuditRequested', valid_payload('MissionAuditRequested') || '{"audit_scope": "spec.md"}');

-- MissionAuditStarted.audit_scope_hash: a string of at least one character
SELECT with_value('MissionAuditStarted', 'audit_scope_hash', '"h"');
SELECT with_value('MissionAuditStarted', 'audit_scope_hash', '""');
SELECT with_value('MissionAuditStarted', 'audit_scope_hash', '123');

-- MissionAuditDecisionRequested: decision_id at least one character; question and context_summary may be empty
SELECT with_value('MissionAuditDecisionRequested', 'decision_id', '""');
SELECT with_value('MissionAuditDecisionRequested', 'decision_id', '1');
SELECT with_value('MissionAuditDecisionRequested', 'question', '""');
SELECT with_value('MissionAuditDecisionRequested', 'context_summary', '""');
SELECT with_value('MissionAuditDecisionRequested', 'question', '["Ship?"]');

-- severity: enum info | warning | error | critical (on DecisionRequested and Completed); every label of mission_audit_severity is accepted
SELECT s AS severity, with_value('MissionAuditDecisionRequested', 'severity', to_jsonb(s)) AS decision_requested, with_value('MissionAuditCompleted', 'severity', to_jsonb(s)) AS completed FROM unnest(enum_range(NULL::mission_audit_severity)) s;
SELECT with_value('MissionAuditDecisionRequested', 'severity', '"fatal"');
SELECT with_value('MissionAuditDecisionRequested', 'severity', '"INFO"');
SELECT with_value('MissionAuditDecisionRequested', 'severity', '"warn"');
SELECT with_value('MissionAuditDecisionRequested', 'severity', '0');
SELECT with_value('MissionAuditDecisionRequested', 'severity', 'null');
SELECT with_value('MissionAuditCompleted', 'severity', '"fatal"');
SELECT with_value('MissionAuditCompleted', 'severity', 'null');
SELECT * FROM violation_details('MissionAuditDecisionRequested', valid_payload('MissionAuditDecisionRequested') || '{"severity": "fatal"}');

-- MissionAuditCompleted.verdict: enum pass | pass_with_warnings | fail | blocked_decision_required; every label of mission_audit_verdict is accepted
SELECT v AS verdict, with_value('MissionAuditCompleted', 'verdict', to_jsonb(v)) AS result FROM unnest(enum_range(NULL::mission_audit_verdict)) v;
SELECT with_value('MissionAuditCompleted', 'verdict', '"PASS"');
SELECT with_value('MissionAuditCompleted', 'verdict', '"passed"');
SELECT with_value('MissionAuditCompleted', 'verdict', '"blocked"');
SELECT with_value('MissionAuditCompleted', 'verdict', 'true');
SELECT with_value('MissionAuditCompleted', 'verdict', 'null');
SELECT * FROM violation_details('MissionAuditCompleted', valid_payload('MissionAuditCompleted') || '{"verdict": "PASS"}');
SELECT * FROM violation_details('MissionAuditCompleted', valid_payload('MissionAuditCompleted') || '{"verdict": null}');

-- MissionAuditCompleted.findings_count: an integer >= 0, of any size; a JSON number without a fractional part is an integer
SELECT with_value('MissionAuditCompleted', 'findings_count', '0');
SELECT with_value('MissionAuditCompleted', 'findings_count', '3');
SELECT with_value('MissionAuditCompleted', 'findings_count', '3.0');
SELECT with_value('MissionAuditCompleted', 'findings_count', '3.000');
SELECT with_value('MissionAuditCompleted', 'findings_count', '1e2');
SELECT with_value('MissionAuditCompleted', 'findings_count', '1.5e1');
SELECT with_value('MissionAuditCompleted', 'findings_count', '-0');
SELECT with_value('MissionAuditCompleted', 'findings_count', '-0.0');
SELECT with_value('MissionAuditCompleted', 'findings_count', '9223372036854775807');
SELECT with_value('MissionAuditCompleted', 'findings_count', '9223372036854775808');
SELECT with_value('MissionAuditCompleted', 'findings_count', '1234567890123456789012345678901234567890');
SELECT with_value('MissionAuditCompleted', 'findings_count', '-1');
SELECT with_value('MissionAuditCompleted', 'findings_count', '-1.0');
SELECT with_value('MissionAuditCompleted', 'findings_count', '-1234567890123456789012345678901234567890');
SELECT with_value('MissionAuditCompleted', 'findings_count', '3.5');
SELECT with_value('MissionAuditCompleted', 'findings_count', '0.5');
SELECT with_value('MissionAuditCompleted', 'findings_count', '1e-2');
SELECT with_value('MissionAuditCompleted', 'findings_count', '-0.5');
-- booleans and strings are never integers: int_type for a boolean or a string pydantic would read as an integer (spaces, sign, ".0", "_" between digits), greater_than_equal when that reading is below the minimum (as pydantic reports it), int_parsing for any other string
SELECT with_value('MissionAuditCompleted', 'findings_count', 'true');
SELECT with_value('MissionAuditCompleted', 'findings_count', 'false');
SELECT with_value('MissionAuditCompleted', 'findings_count', '"3"');
SELECT with_value('MissionAuditCompleted', 'findings_count', '" 3 "');
SELECT with_value('MissionAuditCompleted', 'findings_count', '"3.0"');
SELECT with_value('MissionAuditCompleted', 'findings_count', '"-1"');
SELECT with_value('MissionAuditCompleted', 'findings_count', '"1_000"');
SELECT with_value('MissionAuditCompleted', 'findings_count', '"abc"');
SELECT with_value('MissionAuditCompleted', 'findings_count', '"0x10"');
SELECT with_value('MissionAuditCompleted', 'findings_count', '"3.5"');
SELECT with_value('MissionAuditCompleted', 'findings_count', '""');
-- other JSON types are int_type
SELECT with_value('MissionAuditCompleted', 'findings_count', '[3]');
SELECT with_value('MissionAuditCompleted', 'findings_count', '{}');
SELECT with_value('MissionAuditCompleted', 'findings_count', 'null');
SELECT * FROM violation_details('MissionAuditCompleted', valid_payload('MissionAuditCompleted') || '{"findings_count": -1}');
SELECT * FROM violation_details('MissionAuditCompleted', valid_payload('MissionAuditCompleted') || '{"findings_count": 3.5}');
SELECT * FROM violation_details('MissionAuditCompleted', valid_payload('MissionAuditCompleted') || '{"findings_count": true}');
SELECT * FROM violation_details('MissionAuditCompleted', valid_payload('MissionAuditCompleted') || '{"findings_count": "3"}');
SELECT * FROM violation_details('MissionAuditCompleted', valid_payload('MissionAuditCompleted') || '{"findings_count": "0x10"}');

-- MissionAuditCompleted.summary: a string, may be empty
SELECT with_value('MissionAuditCompleted', 'summary', '""');
SELECT with_value('MissionAuditCompleted', 'summary', '{"text": "ok"}');

-- MissionAuditCompleted.artifact_ref: an AuditArtifactRef, required and never null
SELECT with_value('MissionAuditCompleted', 'artifact_ref', 'null');
SELECT with_value('MissionAuditCompleted', 'artifact_ref', '"audits/run-007.md"');
SELECT with_value('MissionAuditCompleted', 'artifact_ref', '[]');
SELECT with_value('MissionAuditCompleted', 'artifact_ref', '{}');
SELECT with_value('MissionAuditCompleted', 'artifact_ref', '{"report_path": "r", "content_hash": {"hash": "h", "algorithm": "md5"}, "provenance": {}}');
SELECT * FROM violation_details('MissionAuditCompleted', valid_payload('MissionAuditCompleted') || '{"artifact_ref": null}');
SELECT * FROM violation_details('MissionAuditCompleted', valid_payload('MissionAuditCompleted') || '{"artifact_ref": {"report_path": ""}}');

-- MissionAuditFailed: error_code at least one character; error_message may be empty; partial_artifact_ref an AuditArtifactRef, null or absent
SELECT with_value('MissionAuditFailed', 'error_code', '""');
SELECT with_value('MissionAuditFailed', 'error_code', 'null');
SELECT with_value('MissionAuditFailed', 'error_message', '""');
SELECT with_value('MissionAuditFailed', 'error_message', 'null');
SELECT with_value('MissionAuditFailed', 'partial_artifact_ref', 'null');
SELECT without('MissionAuditFailed', 'partial_artifact_ref');
SELECT with_value('MissionAuditFailed', 'partial_artifact_ref', '{}');
SELECT with_value('MissionAuditFailed', 'partial_artifact_ref', '"audits/run-007.partial.md"');
SELECT with_value('MissionAuditFailed', 'partial_artifact_ref', '[]');
SELECT * FROM violation_details('MissionAuditFailed', valid_payload('MissionAuditFailed') || '{"partial_artifact_ref": false}');

-- AuditArtifactRef.report_path: a string of at least one character
SELECT with_value('MissionAuditCompleted', 'artifact_ref.report_path', '""');
SELECT with_value('MissionAuditCompleted', 'artifact_ref.report_path', '7');

-- AuditArtifactRef.content_hash and .provenance: nested models, never null
SELECT with_value('MissionAuditCompleted', 'artifact_ref.content_hash', 'null');
SELECT with_value('MissionAuditCompleted', 'artifact_ref.content_hash', '"sha256:9f86d081884c7d65"');
SELECT with_value('MissionAuditCompleted', 'artifact_ref.content_hash', '{}');
SELECT with_value('MissionAuditCompleted', 'artifact_ref.provenance', 'null');
SELECT with_value('MissionAuditCompleted', 'artifact_ref.provenance', '[]');
SELECT with_value('MissionAuditCompleted', 'artifact_ref.provenance', '{}');
SELECT * FROM violation_details('MissionAuditCompleted', jsonb_set(valid_payload('MissionAuditCompleted'), '{artifact_ref,provenance}', '"git"'));

-- ContentHashRef.hash: a string of at least one character
SELECT with_value('MissionAuditCompleted', 'artifact_ref.content_hash.hash', '""');
SELECT with_value('MissionAuditCompleted', 'artifact_ref.content_hash.hash', '42');

-- ContentHashRef.algorithm: literal sha256 | sha512 | md5
SELECT with_value('MissionAuditCompleted', 'artifact_ref.content_hash.algorithm', '"sha256"');
SELECT with_value('MissionAuditCompleted', 'artifact_ref.content_hash.algorithm', '"sha512"');
SELECT with_value('MissionAuditCompleted', 'artifact_ref.content_hash.algorithm', '"md5"');
SELECT with_value('MissionAuditCompleted', 'artifact_ref.content_hash.algorithm', '"sha1"');
SELECT with_value('MissionAuditCompleted', 'artifact_ref.content_hash.algorithm', '"SHA256"');
SELECT with_value('MissionAuditCompleted', 'artifact_ref.content_hash.algorithm', '"sha-256"');
SELECT with_value('MissionAuditCompleted', 'artifact_ref.content_hash.algorithm', '256');
SELECT with_value('MissionAuditCompleted', 'artifact_ref.content_hash.algorithm', 'null');
SELECT * FROM violation_details('MissionAuditCompleted', jsonb_set(valid_payload('MissionAuditCompleted'), '{artifact_ref,content_hash,algorithm}', '"sha1"'));

-- ContentHashRef.size_bytes: an integer >= 0, or null, optional
SELECT with_value('MissionAuditCompleted', 'artifact_ref.content_hash.size_bytes', '0');
SELECT with_value('MissionAuditCompleted', 'artifact_ref.content_hash.size_bytes', '1024.0');
SELECT with_value('MissionAuditCompleted', 'artifact_ref.content_hash.size_bytes', '123456789012345678901234567890');
SELECT with_value('MissionAuditCompleted', 'artifact_ref.content_hash.size_bytes', 'null');
SELECT with_value('MissionAuditCompleted', 'artifact_ref.content_hash.size_bytes', '-1');
SELECT with_value('MissionAuditCompleted', 'artifact_ref.content_hash.size_bytes', '10.5');
SELECT with_value('MissionAuditCompleted', 'artifact_ref.content_hash.size_bytes', '"1024"');
SELECT with_value('MissionAuditCompleted', 'artifact_ref.content_hash.size_bytes', '"1 KiB"');
SELECT with_value('MissionAuditCompleted', 'artifact_ref.content_hash.size_bytes', 'true');
SELECT * FROM violation_details('MissionAuditCompleted', jsonb_set(valid_payload('MissionAuditCompleted'), '{artifact_ref,content_hash,size_bytes}', '-1'));
SELECT * FROM violation_details('MissionAuditCompleted', jsonb_set(valid_payload('MissionAuditCompleted'), '{artifact_ref,content_hash,size_bytes}', '10.5'));

-- ContentHashRef.encoding: a string (may be empty), or null, optional
SELECT with_value('MissionAuditCompleted', 'artifact_ref.content_hash.encoding', '""');
SELECT with_value('MissionAuditCompleted', 'artifact_ref.content_hash.encoding', 'null');
SELECT with_value('MissionAuditCompleted', 'artifact_ref.content_hash.encoding', '8');

-- ProvenanceRef.source_event_ids: an array of strings (a tuple, may be empty; ids are not checked), or null, optional
SELECT with_value('MissionAuditCompleted', 'artifact_ref.provenance.source_event_ids', '[]');
SELECT with_value('MissionAuditCompleted', 'artifact_ref.provenance.source_event_ids', '["not-an-event-id", ""]');
SELECT with_value('MissionAuditCompleted', 'artifact_ref.provenance.source_event_ids', 'null');
SELECT with_value('MissionAuditCompleted', 'artifact_ref.provenance.source_event_ids', '"01J0000000000000000000000A"');
SELECT with_value('MissionAuditCompleted', 'artifact_ref.provenance.source_event_ids', '{}');
SELECT with_value('MissionAuditCompleted', 'artifact_ref.provenance.source_event_ids', '1');
SELECT with_value('MissionAuditCompleted', 'artifact_ref.provenance.source_event_ids', '[1]');
SELECT with_value('MissionAuditCompleted', 'artifact_ref.provenance.source_event_ids', '["a", null, "b", 2]');
SELECT * FROM violation_details('MissionAuditCompleted', jsonb_set(valid_payload('MissionAuditCompleted'), '{artifact_ref,provenance,source_event_ids}', '"01J0000000000000000000000A"'));
SELECT * FROM violation_details('MissionAuditCompleted', jsonb_set(valid_payload('MissionAuditCompleted'), '{artifact_ref,provenance,source_event_ids}', '["a", null]'));

-- ProvenanceRef.git_sha, git_ref, actor_id, revised_at: strings (may be empty; revised_at is not parsed), or null, optional
SELECT key, with_value('MissionAuditCompleted', 'artifact_ref.provenance.' || key, '""') AS empty, with_value('MissionAuditCompleted', 'artifact_ref.provenance.' || key, '0') AS number FROM unnest(ARRAY['git_sha', 'git_ref', 'actor_id', 'revised_at']) key;
SELECT with_value('MissionAuditCompleted', 'artifact_ref.provenance.revised_at', '"not a timestamp"');

-- ProvenanceRef.actor_kind: literal human | llm | system, or null, optional
SELECT with_value('MissionAuditCompleted', 'artifact_ref.provenance.actor_kind', '"human"');
SELECT with_value('MissionAuditCompleted', 'artifact_ref.provenance.actor_kind', '"llm"');
SELECT with_value('MissionAuditCompleted', 'artifact_ref.provenance.actor_kind', '"system"');
SELECT with_value('MissionAuditCompleted', 'artifact_ref.provenance.actor_kind', 'null');
SELECT with_value('MissionAuditCompleted', 'artifact_ref.provenance.actor_kind', '"bot"');
SELECT with_value('MissionAuditCompleted', 'artifact_ref.provenance.actor_kind', '"LLM"');
SELECT with_value('MissionAuditCompleted', 'artifact_ref.provenance.actor_kind', '""');
SELECT * FROM violation_details('MissionAuditCompleted', jsonb_set(valid_payload('MissionAuditCompleted'), '{artifact_ref,provenance,actor_kind}', '"bot"'));

-- nested paths through partial_artifact_ref, and several nested violations at once
SELECT with_value('MissionAuditFailed', 'partial_artifact_ref.content_hash.algorithm', '"crc32"');
SELECT with_value('MissionAuditFailed', 'partial_artifact_ref.content_hash.size_bytes', '-5');
SELECT with_value('MissionAuditFailed', 'partial_artifact_ref.provenance.source_event_ids', '[true]');
SELECT with_value('MissionAuditFailed', 'partial_artifact_ref.content_hash', '{"hash": "", "algorithm": null, "size_bytes": 1.5, "encoding": 1}');
SELECT check_payload('MissionAuditCompleted', valid_payload('MissionAuditCompleted') || '{"artifact_ref": {"report_path": "", "content_hash": {"hash": 1, "algorithm": "sha1", "size_bytes": -1, "encoding": []}, "provenance": {"source_event_ids": ["a", 1], "git_sha": 1, "git_ref": 1, "actor_id": 1, "actor_kind": "bot", "revised_at": 1}}}');
SELECT * FROM violation_details('MissionAuditFailed', jsonb_set(valid_payload('MissionAuditFailed'), '{partial_artifact_ref,provenance,source_event_ids}', '[true]'));

-- unknown keys are ignored at every level
SELECT with_value('MissionAuditCompleted', 'x_extra', '{"anything": [1, 2, 3]}');
SELECT with_value('MissionAuditCompleted', 'artifact_ref.x_extra', 'null');
SELECT with_value('MissionAuditCompleted', 'artifact_ref.content_hash.x_extra', '1.5');
SELECT with_value('MissionAuditCompleted', 'artifact_ref.provenance.x_extra', '"x"');
SELECT with_value('MissionAuditFailed', 'partial_artifact_ref.provenance.x_extra', '[]');
SELECT check_payload('MissionAuditRequested', valid_payload('MissionAuditRequested') || '{"": ""}');
SELECT with_value('MissionAuditRequested', 'Mission_Id', '""');
SELECT event_type, check_payload(event_type, valid_payload(event_type) || '{"event_type": "MissionAuditFailed", "payload": null, "mission_id ": 1}') FROM unnest(mission_audit_event_types()) event_type;

-- an unknown key that sorts next to a field's name (same length, one byte apart) does not stand in for it
SELECT check_payload('MissionAuditStarted', '{"mission_ic": "x", "mission_iz": "y", "run_id": "r", "feature_slug": "f", "actor": "a", "audit_scope_hasg": "h", "audit_scope_hasi": "h", "run_é": 1, "Actor": 1}');
SELECT check_payload('MissionAuditStarted', valid_payload('MissionAuditStarted') || '{"mission_ic": 1, "mission_iz": 1, "audit_scope_hasg": 1, "audit_scope_hasi": 1, "actoré": 1, "Actor": 1}');

-- objects with many keys are read as well as small ones
SELECT check_payload('MissionAuditCompleted', valid_payload('MissionAuditCompleted') || (SELECT jsonb_object_agg(md5(i::text), i) FROM generate_series(1, 200) i));
SELECT check_payload('MissionAuditCompleted', valid_payload('MissionAuditCompleted') || (SELECT jsonb_object_agg(md5(i::text), i) FROM generate_series(1, 200) i) || '{"summary": 1, "actor": ""}');
SELECT check_payload('MissionAuditCompleted', jsonb_set(valid_payload('MissionAuditCompleted'), '{artifact_ref,content_hash}', (SELECT jsonb_object_agg(repeat('k', i), i) FROM generate_series(1, 40) i) || '{"hash": "h", "algorithm": "sha1"}'));

-- a field of another type is unknown here, and so ignored
SELECT check_payload('MissionAuditStarted', valid_payload('MissionAuditStarted') || '{"verdict": "PASS", "findings_count": -1}');
SELECT check_payload('MissionAuditStarted', valid_payload('MissionAuditCompleted'));

-- event_type is matched exactly: anything but the five is an error (SQLSTATE 22023) whose hint lists them
\set VERBOSITY sqlstate
SELECT mission_audit_validate('MissionAuditCancelled', '{}'); -- error
SELECT mission_audit_is_valid('MissionAuditCancelled', '{}'); -- error
\set VERBOSITY default
SELECT mission_audit_validate('MissionAuditCancelled', '{}'); -- error
SELECT mission_audit_is_valid('MissionAuditCancelled', '{}'); -- error
SELECT mission_audit_validate('missionauditcompleted', valid_payload('MissionAuditCompleted')); -- error
SELECT mission_audit_validate('MissionAuditCompleted ', valid_payload('MissionAuditCompleted')); -- error
SELECT mission_audit_validate('MissionAudit', '{}'); -- error
SELECT mission_audit_validate('', '{}'); -- error
SELECT mission_audit_is_valid('WorkPackageCreated', '{}'); -- error

-- the functions are STRICT: a NULL argument gives NULL, even for an unknown event type
SELECT mission_audit_validate(NULL, '{}') IS NULL AS validate_null_type;
SELECT mission_audit_validate('MissionAuditCompleted', NULL) IS NULL AS validate_null_payload;
SELECT mission_audit_is_valid(NULL, '{}') IS NULL AS is_valid_null_type;
SELECT mission_audit_is_valid('MissionAuditCompleted', NULL) IS NULL AS is_valid_null_payload;
SELECT mission_audit_validate('NoSuchType', NULL) IS NULL AS unknown_type_null_payload;

-- a JSON null payload is not an SQL NULL
SELECT mission_audit_is_valid('MissionAuditCompleted', 'null');

-- mission_audit_is_valid agrees with mission_audit_validate on every case above
SELECT count(*) AS cases, count(*) FILTER (WHERE valid) AS valid, count(*) FILTER (WHERE NOT valid) AS invalid, count(*) FILTER (WHERE valid IS DISTINCT FROM is_valid) AS disagreements FROM payload_cases;
SELECT n, event_type, payload, valid, is_valid FROM payload_cases WHERE valid IS DISTINCT FROM is_valid ORDER BY n;

-- a CHECK constraint keeps good rows and rejects bad ones
CREATE TABLE audit_events (
	id serial PRIMARY KEY,
	event_type text NOT NULL,
	payload jsonb NOT NULL,
	CONSTRAINT audit_events_payload_valid CHECK (mission_audit_is_valid(event_type, payload))
);
INSERT INTO audit_events (event_type, payload) SELECT event_type, valid_payload(event_type) FROM unnest(mission_audit_event_types()) event_type;
INSERT INTO audit_events (event_type, payload) VALUES ('MissionAuditStarted', '{"mission_id": "m", "run_id": "r", "feature_slug": "f", "actor": "a", "audit_scope_hash": "h", "note": "extra keys are fine"}');
INSERT INTO audit_events (event_type, payload) VALUES ('MissionAuditStarted', '{"mission_id": "m", "run_id": "r", "feature_slug": "f", "actor": "a"}'); -- error
\set VERBOSITY sqlstate
INSERT INTO audit_events (event_type, payload) VALUES ('MissionAuditStarted', '{"mission_id": "m", "run_id": "r", "feature_slug": "f", "actor": "a"}'); -- error
\set VERBOSITY default
INSERT INTO audit_events (event_type, payload) VALUES ('MissionAuditCompleted', '[]'); -- error
INSERT INTO audit_events (event_type, payload) VALUES ('MissionAuditStarted', '{"mission_id": "m", "run_id": "r", "feature_slug": "f", "actor": "a", "audit_scope_hash": "h"}'), ('MissionAuditStarted', '{"mission_id": ""}'); -- error
INSERT INTO audit_events (event_type, payload) VALUES ('MissionAuditCancelled', '{}'); -- error
UPDATE audit_events SET payload = payload - 'actor' WHERE id = 2; -- error
UPDATE audit_events SET payload = payload || '{"summary": "revised"}' WHERE event_type = 'MissionAuditCompleted';
SELECT id, event_type, payload->>'mission_id' AS mission_id, payload->>'summary' AS summary FROM audit_events ORDER BY id;
SELECT count(*) AS rows, bool_and(mission_audit_is_valid(event_type, payload)) AS all_valid FROM audit_events;

DROP TABLE audit_events;
DROP TABLE payload_cases;
DROP FUNCTION violation_details(text, jsonb);
DROP FUNCTION without(text, text);
DROP FUNCTION with_value(text, text, jsonb);
DROP FUNCTION check_payload(text, jsonb);
DROP FUNCTION valid_payload(text);
