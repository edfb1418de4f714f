-- payloads.sql: the five audit payloads: round trip, required fields, literals,
-- constraints, enums, artifact references and pending decisions.
BEGIN;
SET LOCAL client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION IF NOT EXISTS mission_audit;
RESET client_min_messages;
SELECT plan(43);

-- One valid payload of each type, as the contract's fixtures write them.
CREATE TEMP TABLE sample (event_type text PRIMARY KEY, payload jsonb NOT NULL, required text[] NOT NULL);
INSERT INTO sample VALUES
('MissionAuditRequested', '{"mission_id": "mission-042", "run_id": "run-007",
	"feature_slug": "042-payments-refactor", "actor": "human:alice", "trigger_mode": "manual",
	"audit_scope": ["spec.md", "plan.md", "tasks.md"], "enforcement_mode": "advisory"}',
	'{mission_id,run_id,feature_slug,actor,trigger_mode,audit_scope,enforcement_mode}'),
('MissionAuditStarted', '{"mission_id": "mission-042", "run_id": "run-007",
	"feature_slug": "042-payments-refactor", "actor": "agent-claude",
	"audit_scope_hash": "sha256:80492393dd876fb023a75fa28017edfa6f0897261944da45c55df419a71b86b0"}',
	'{mission_id,run_id,feature_slug,actor,audit_scope_hash}'),
('MissionAuditDecisionRequested', '{"mission_id": "mission-042", "run_id": "run-009",
	"feature_slug": "042-payments-refactor", "actor": "agent-claude", "decision_id": "dec-001",
	"question": "spec.md section 3 has no acceptance criteria for partial refunds. Accept the gap?",
	"context_summary": "src/payments/refunds.py implements partial refunds.", "severity": "warning"}',
	'{mission_id,run_id,feature_slug,actor,decision_id,question,context_summary,severity}'),
('MissionAuditCompleted', '{"mission_id": "mission-042", "run_id": "run-007",
	"feature_slug": "042-payments-refactor", "actor": "agent-claude", "verdict": "pass",
	"severity": "info", "findings_count": 0,
	"artifact_ref": {"report_path": "audits/mission-042/run-007/report.json",
		"content_hash": {"hash": "88d3772c87c4f3636cd4083e9e49289aa2050b140ec4f7df03c2af9bc8dbe593",
			"algorithm": "sha256", "size_bytes": 18432, "encoding": "utf-8"},
		"provenance": {"source_event_ids": ["01KJMDEB807VQDV7QDFWHXEXVR", "01KJMDG5V0TYH7V1YX0D5DBCKG"],
			"git_sha": "81b06ef0574644195c8997ecbd0125f837f422ee",
			"git_ref": "refs/heads/042-payments-refactor", "actor_id": "agent-claude",
			"actor_kind": "llm", "revised_at": "2026-03-01T10:06:00Z"}},
	"summary": "All 3 scoped documents satisfy the mission acceptance criteria; no findings."}',
	'{mission_id,run_id,feature_slug,actor,verdict,severity,findings_count,artifact_ref,summary}'),
('MissionAuditFailed', '{"mission_id": "mission-042", "run_id": "run-008",
	"feature_slug": "042-payments-refactor", "actor": "agent-claude", "error_code": "AUDIT_TIMEOUT",
	"error_message": "Audit execution timed out after 300 seconds while checking src/payments/.",
	"partial_artifact_ref": {"report_path": "audits/mission-042/run-008/report.partial.json",
		"content_hash": {"hash": "35972ca864e29849dc8c7c77e3b5c95b407d5b0707312b716487cb96a6ab939f",
			"algorithm": "sha256", "size_bytes": 5120, "encoding": "utf-8"},
		"provenance": {"source_event_ids": ["01KJPZV28077F6PJ8V97RSQ885"],
			"git_sha": "1869aa238f4cc64d66bbeede6868d2d95d429b34", "git_ref": "refs/heads/main",
			"actor_id": "mission-audit-runner", "actor_kind": "system",
			"revised_at": "2026-03-02T10:05:00Z"}}}',
	'{mission_id,run_id,feature_slug,actor,error_code,error_message}');

-- env(type, payload, id): an envelope around a payload
CREATE FUNCTION pg_temp.env(type text, payload jsonb, id text DEFAULT '01KJMDEB807VQDV7QDFWHXEXVR')
	RETURNS jsonb LANGUAGE sql IMMUTABLE
	RETURN jsonb_build_object('event_id', id, 'event_type', type,
		'aggregate_id', 'audit/mission-042/run-007', 'timestamp', '2026-03-01T10:00:00Z',
		'node_id', 'local-node-001', 'lamport_clock', 1,
		'project_uuid', '3f2b8c1e-7d4a-4e9b-a6c2-91d05e8f4b27',
		'correlation_id', '01KJMDEB8081053JXNQBZCQZSP', 'payload', payload);

-- violations(type, payload): the violations as {field, type} pairs, in order
CREATE FUNCTION pg_temp.violations(type text, payload jsonb) RETURNS text[]
	LANGUAGE sql IMMUTABLE
	RETURN (SELECT coalesce(array_agg((v->>'field') || ':' || (v->>'type') ORDER BY o), '{}')
		FROM jsonb_array_elements(mission_audit_validate(type, payload)->'violations')
			WITH ORDINALITY x(v, o));

-- with(type, path, value): the sample payload of type with one value replaced
CREATE FUNCTION pg_temp.sample_with(type text, path text[], value jsonb) RETURNS jsonb
	LANGUAGE sql STABLE
	RETURN (SELECT jsonb_set(payload, path, value) FROM sample WHERE event_type = type);

----------------------------------------------------------------------
-- Round trip
----------------------------------------------------------------------

SELECT is(pg_temp.violations(event_type, payload), '{}',
	format('the %s sample payload is valid', event_type))
FROM sample ORDER BY event_type;

SELECT is(mission_audit_normalize_event(pg_temp.env(event_type, payload))->'payload', payload,
	format('normalize_event keeps a %s payload unchanged', event_type))
FROM sample ORDER BY event_type;

-- every shipped valid fixture survives normalize_event the same way
SELECT ok(count(*) > 0 AND bool_and(
		mission_audit_normalize_event(pg_temp.env(e->>'event_type', f))->'payload' = f),
	'normalize_event keeps the payload of every shipped valid 2.5.0 fixture unchanged')
FROM (SELECT e, pg_read_file(dir || (e->>'path'))::jsonb AS f
	FROM (SELECT (SELECT setting FROM pg_config WHERE name = 'SHAREDIR')
		|| '/extension/mission_audit/2.5.0/' AS dir) d,
	LATERAL jsonb_array_elements(pg_read_file(dir || 'manifest.json')::jsonb->'fixtures') e
	WHERE e->>'expected_result' = 'valid' AND NOT e ? 'fixture_type') x;

-- normalize_event normalizes each id independently (ULID upper, UUID lower and hyphenated)
SELECT is(
	(SELECT jsonb_build_object('event_id', n->'event_id', 'causation_id', n->'causation_id',
		'correlation_id', n->'correlation_id')
	FROM mission_audit_normalize_event(pg_temp.env('MissionAuditStarted',
		(SELECT payload FROM sample WHERE event_type = 'MissionAuditStarted'),
		'01kjmdg5v0tyh7v1yx0d5dbckg')
		|| '{"causation_id": "0F8FAD5B-D9CB-469F-A165-70867728950E",
			"correlation_id": "3F2B8C1E7D4A4E9BA6C291D05E8F4B27"}') n),
	'{"event_id": "01KJMDG5V0TYH7V1YX0D5DBCKG",
	  "causation_id": "0f8fad5b-d9cb-469f-a165-70867728950e",
	  "correlation_id": "3f2b8c1e-7d4a-4e9b-a6c2-91d05e8f4b27"}'::jsonb,
	'normalize_event writes each normalized id to its own field');

----------------------------------------------------------------------
-- Required fields
----------------------------------------------------------------------

-- dropping any one required field gives exactly one "missing" violation on that field
SELECT is(
	(SELECT array_agg(f ORDER BY f) FROM unnest(required) f
		WHERE pg_temp.violations(event_type, payload - f) = ARRAY[f || ':missing']
		AND NOT mission_audit_is_valid(event_type, payload - f)),
	(SELECT array_agg(f ORDER BY f) FROM unnest(required) f),
	format('each required %s field is rejected as missing', event_type))
FROM sample ORDER BY event_type;

SELECT is(pg_temp.violations('MissionAuditFailed',
		(SELECT payload - 'partial_artifact_ref' FROM sample WHERE event_type = 'MissionAuditFailed')),
	'{}', 'partial_artifact_ref is optional');

SELECT is(pg_temp.violations('MissionAuditCompleted', pg_temp.sample_with('MissionAuditCompleted',
		'{artifact_ref}', '{}')),
	ARRAY['artifact_ref.report_path:missing', 'artifact_ref.content_hash:missing',
		'artifact_ref.provenance:missing'],
	'an artifact reference requires report_path, content_hash and provenance');

SELECT is(pg_temp.violations('MissionAuditCompleted', pg_temp.sample_with('MissionAuditCompleted',
		'{artifact_ref,content_hash}', '{}')),
	ARRAY['artifact_ref.content_hash.hash:missing', 'artifact_ref.content_hash.algorithm:missing'],
	'a content hash requires hash and algorithm');

SELECT is(pg_temp.violations('MissionAuditCompleted', pg_temp.sample_with('MissionAuditCompleted',
		'{artifact_ref}', '{"report_path": "r.json", "content_hash": {"hash": "ab", "algorithm": "md5"},
			"provenance": {}}')),
	'{}', 'size_bytes, encoding and every provenance field are optional');

----------------------------------------------------------------------
-- Literals, enums and constraints
----------------------------------------------------------------------

SELECT is(mission_audit_validate('MissionAuditRequested',
		pg_temp.sample_with('MissionAuditRequested', '{trigger_mode}', '"scheduled"'))->'violations',
	'[{"field": "trigger_mode", "type": "literal_error", "input": "scheduled",
	   "message": "Input should be ''manual'' or ''post_merge''"}]',
	'trigger_mode accepts only manual and post_merge');

SELECT is(pg_temp.violations('MissionAuditRequested',
		pg_temp.sample_with('MissionAuditRequested', '{trigger_mode}', '"Manual"')),
	ARRAY['trigger_mode:literal_error'], 'trigger_mode literals are case-sensitive');

SELECT is(mission_audit_validate('MissionAuditRequested',
		pg_temp.sample_with('MissionAuditRequested', '{enforcement_mode}', '"strict"'))->'violations',
	'[{"field": "enforcement_mode", "type": "literal_error", "input": "strict",
	   "message": "Input should be ''advisory'' or ''blocking''"}]',
	'enforcement_mode accepts only advisory and blocking');

SELECT is(mission_audit_validate('MissionAuditCompleted',
		pg_temp.sample_with('MissionAuditCompleted', '{verdict}', '"passed"'))->'violations',
	'[{"field": "verdict", "type": "enum", "input": "passed",
	   "message": "Input should be ''pass'', ''pass_with_warnings'', ''fail'' or ''blocked_decision_required''"}]',
	'verdict accepts only the four AuditVerdict values');

SELECT is(mission_audit_validate('MissionAuditCompleted',
		pg_temp.sample_with('MissionAuditCompleted', '{severity}', '"high"'))->'violations',
	'[{"field": "severity", "type": "enum", "input": "high",
	   "message": "Input should be ''info'', ''warning'', ''error'' or ''critical''"}]',
	'a Completed severity accepts only the four AuditSeverity values');

SELECT is(pg_temp.violations('MissionAuditDecisionRequested',
		pg_temp.sample_with('MissionAuditDecisionRequested', '{severity}', '"blocker"')),
	ARRAY['severity:enum'], 'a decision severity accepts only the four AuditSeverity values');

SELECT is(
	(SELECT array_agg(v ORDER BY v) FROM unnest(enum_range(NULL::mission_audit_verdict)) v
		WHERE mission_audit_is_valid('MissionAuditCompleted',
			pg_temp.sample_with('MissionAuditCompleted', '{verdict}', to_jsonb(v)))),
	enum_range(NULL::mission_audit_verdict),
	'every mission_audit_verdict value is a valid verdict');

SELECT enum_has_labels('mission_audit_status',
	ARRAY['pending', 'running', 'awaiting_decision', 'completed', 'failed'],
	'mission_audit_status has the five statuses in lifecycle order');

SELECT throws_ok($$SELECT 'cancelled'::mission_audit_status$$, '22P02',
	'invalid input value for enum mission_audit_status: "cancelled"',
	'a status outside the contract cannot be cast to mission_audit_status');

SELECT throws_ok($$SELECT 'passed'::mission_audit_verdict$$, '22P02',
	'invalid input value for enum mission_audit_verdict: "passed"',
	'a verdict outside the contract cannot be cast to mission_audit_verdict');

SELECT throws_ok($$SELECT 'high'::mission_audit_severity$$, '22P02',
	'invalid input value for enum mission_audit_severity: "high"',
	'a severity outside the contract cannot be cast to mission_audit_severity');

SELECT is(mission_audit_validate('MissionAuditCompleted',
		pg_temp.sample_with('MissionAuditCompleted', '{findings_count}', '-1'))->'violations',
	'[{"field": "findings_count", "type": "greater_than_equal", "input": -1,
	   "message": "Input should be greater than or equal to 0"}]',
	'findings_count must be >= 0');

SELECT ok(mission_audit_is_valid('MissionAuditCompleted',
		pg_temp.sample_with('MissionAuditCompleted', '{findings_count}', '123456789012345678901234567890')),
	'findings_count has no upper bound (beyond 64 bits)');

SELECT is(mission_audit_validate('MissionAuditRequested',
		pg_temp.sample_with('MissionAuditRequested', '{audit_scope}', '[]'))->'violations',
	'[{"field": "audit_scope", "type": "too_short", "input": [],
	   "message": "List should have at least 1 item after validation, not 0"}]',
	'audit_scope needs at least one entry');

SELECT is(pg_temp.violations('MissionAuditStarted',
		pg_temp.sample_with('MissionAuditStarted', '{mission_id}', '""')),
	ARRAY['mission_id:string_too_short'], 'mission_id must not be empty');

SELECT is(pg_temp.violations('MissionAuditCompleted', pg_temp.sample_with('MissionAuditCompleted',
		'{artifact_ref,content_hash,algorithm}', '"crc32"')),
	ARRAY['artifact_ref.content_hash.algorithm:literal_error'],
	'a content hash algorithm is sha256, sha512 or md5');

----------------------------------------------------------------------
-- Artifact references and pending decisions through the reducer
----------------------------------------------------------------------

-- reduce(type => payload, ...): the state of one event per given payload, clocks in order
CREATE FUNCTION pg_temp.reduce_payloads(types text[], payloads jsonb[]) RETURNS jsonb
	LANGUAGE sql STABLE
	RETURN (SELECT mission_audit_reduce(jsonb_set(jsonb_set(
			pg_temp.env(t, p, '01HQ' || lpad(o::text, 22, '0')), '{lamport_clock}', to_jsonb(o)),
			'{timestamp}', '"2026-03-01T10:00:00Z"'))
		FROM unnest(types, payloads) WITH ORDINALITY x(t, p, o));

SELECT is(pg_temp.reduce_payloads(ARRAY['MissionAuditCompleted'],
		ARRAY[(SELECT payload FROM sample WHERE event_type = 'MissionAuditCompleted')])->'artifact_ref',
	(SELECT payload->'artifact_ref' FROM sample WHERE event_type = 'MissionAuditCompleted'),
	'a complete artifact_ref, nested content hash and provenance included, reaches the state unchanged');

SELECT is(pg_temp.reduce_payloads(ARRAY['MissionAuditFailed'],
		ARRAY[(SELECT payload FROM sample WHERE event_type = 'MissionAuditFailed')])->'partial_artifact_ref',
	(SELECT payload->'partial_artifact_ref' FROM sample WHERE event_type = 'MissionAuditFailed'),
	'a complete partial_artifact_ref reaches the state unchanged');

SELECT is(pg_temp.reduce_payloads(ARRAY['MissionAuditCompleted'],
		ARRAY[pg_temp.sample_with('MissionAuditCompleted', '{artifact_ref}',
			'{"report_path": "r.json", "unknown": 1,
			  "content_hash": {"hash": "ab", "algorithm": "sha512", "size_bytes": 2.0, "extra": "x"},
			  "provenance": {"git_sha": "abc", "source_event_ids": ["01kjmdeb807vqdv7qdfwhxexvr"]}}')]
		)->'artifact_ref',
	'{"report_path": "r.json",
	  "content_hash": {"hash": "ab", "algorithm": "sha512", "size_bytes": 2, "encoding": null},
	  "provenance": {"source_event_ids": ["01kjmdeb807vqdv7qdfwhxexvr"], "git_sha": "abc",
		"git_ref": null, "actor_id": null, "actor_kind": null, "revised_at": null}}',
	'a partial artifact_ref is completed with nulls, unknown keys dropped, 2.0 written 2, source ids kept as given');

SELECT is(pg_temp.reduce_payloads(ARRAY['MissionAuditFailed'],
		ARRAY[(SELECT payload - 'partial_artifact_ref' FROM sample WHERE event_type = 'MissionAuditFailed')]
		)->'partial_artifact_ref',
	'null', 'an absent partial_artifact_ref is null in the state');

SELECT is(pg_temp.reduce_payloads(ARRAY['MissionAuditRequested', 'MissionAuditDecisionRequested'],
		ARRAY[(SELECT payload FROM sample WHERE event_type = 'MissionAuditRequested'),
			(SELECT payload || '{"actor": "someone-else", "extra": 1}'
			 FROM sample WHERE event_type = 'MissionAuditDecisionRequested')])->'pending_decisions',
	'[{"decision_id": "dec-001",
	   "question": "spec.md section 3 has no acceptance criteria for partial refunds. Accept the gap?",
	   "context_summary": "src/payments/refunds.py implements partial refunds.",
	   "severity": "warning"}]',
	'a pending decision holds exactly decision_id, question, context_summary and severity from its payload');

SELECT is(pg_temp.reduce_payloads(ARRAY['MissionAuditRequested', 'MissionAuditDecisionRequested'],
		ARRAY[(SELECT payload FROM sample WHERE event_type = 'MissionAuditRequested'),
			pg_temp.sample_with('MissionAuditDecisionRequested', '{question}', '""')
				|| '{"context_summary": "", "severity": "critical"}'])->'pending_decisions',
	'[{"decision_id": "dec-001", "question": "", "context_summary": "", "severity": "critical"}]',
	'question and context_summary may be empty; the decision keeps its own severity');

SELECT * FROM finish();
ROLLBACK;
