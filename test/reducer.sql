-- reducer.sql: the reducer's lifecycle rules and the three golden replays.
BEGIN;
SET LOCAL client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION IF NOT EXISTS mission_audit;
RESET client_min_messages;
SELECT plan(31);

-- p(type, extra): a valid payload of an audit type (extra overrides); {} || extra otherwise
CREATE FUNCTION pg_temp.p(type text, extra jsonb) RETURNS jsonb
	LANGUAGE sql IMMUTABLE
	RETURN CASE WHEN type IN ('MissionAuditRequested',
			'MissionAuditStarted', 'MissionAuditDecisionRequested', 'MissionAuditCompleted',
			'MissionAuditFailed')
		THEN '{"mission_id": "mission-042", "run_id": "run-007",
			"feature_slug": "042-payments-refactor", "actor": "agent-claude"}'::jsonb
		ELSE '{}'::jsonb END
	|| CASE type
	WHEN 'MissionAuditRequested' THEN
		'{"trigger_mode": "manual", "audit_scope": ["spec.md", "plan.md"], "enforcement_mode": "advisory"}'::jsonb
	WHEN 'MissionAuditStarted' THEN '{"audit_scope_hash": "sha256:aaaa"}'::jsonb
	WHEN 'MissionAuditDecisionRequested' THEN
		'{"decision_id": "dec-001", "question": "Accept?", "context_summary": "Gap in spec.md.",
		  "severity": "warning"}'::jsonb
	WHEN 'MissionAuditCompleted' THEN
		'{"verdict": "pass", "severity": "info", "findings_count": 0,
		  "artifact_ref": {"report_path": "report.json",
			"content_hash": {"hash": "88d3", "algorithm": "sha256", "size_bytes": 10, "encoding": "utf-8"},
			"provenance": {"source_event_ids": null, "git_sha": null, "git_ref": null,
				"actor_id": null, "actor_kind": null, "revised_at": null}},
		  "summary": "No findings."}'::jsonb
	WHEN 'MissionAuditFailed' THEN
		'{"error_code": "AUDIT_TIMEOUT", "error_message": "Timed out."}'::jsonb
	ELSE '{}'::jsonb END
	|| extra;

-- ev(n, type, lamport, extra): event number n (a ULID ending in n) at a lamport clock
CREATE FUNCTION pg_temp.ev(n int, type text, lamport numeric, extra jsonb DEFAULT '{}')
	RETURNS jsonb LANGUAGE sql IMMUTABLE
	RETURN jsonb_build_object('event_id', '01HQ' || lpad(n::text, 22, '0'), 'event_type', type,
		'aggregate_id', 'audit/mission-042/run-007', 'timestamp', '2026-03-01T10:00:00Z',
		'node_id', 'local-node-001', 'lamport_clock', lamport,
		'project_uuid', '3f2b8c1e-7d4a-4e9b-a6c2-91d05e8f4b27',
		'correlation_id', '01KJMDEB8081053JXNQBZCQZSP', 'payload', pg_temp.p(type, extra));

-- r(events): the reduced state of an array of events, through the aggregate
CREATE FUNCTION pg_temp.r(VARIADIC events jsonb[]) RETURNS jsonb
	LANGUAGE sql IMMUTABLE
	RETURN (SELECT mission_audit_reduce(e) FROM unnest(events) e);

CREATE FUNCTION pg_temp.initial() RETURNS jsonb
	LANGUAGE sql IMMUTABLE
	RETURN '{"audit_status": "pending", "verdict": null, "severity": null, "findings_count": null,
		"artifact_ref": null, "partial_artifact_ref": null, "summary": null, "error_code": null,
		"error_message": null, "pending_decisions": [], "mission_id": null, "run_id": null,
		"feature_slug": null, "trigger_mode": null, "enforcement_mode": null, "audit_scope": null,
		"audit_scope_hash": null, "anomalies": [], "event_count": 0}'::jsonb;

-- golden(name): the replay's JSONL and its expected state, from the installed fixtures
CREATE FUNCTION pg_temp.golden(name text, OUT jsonl text, OUT expected jsonb)
	LANGUAGE sql STABLE
	AS $$ SELECT pg_read_file(dir || name || '.jsonl'), pg_read_file(dir || name || '_output.json')::jsonb
		FROM (SELECT setting || '/extension/mission_audit/2.5.0/mission_audit/replay/' AS dir
			FROM pg_config WHERE name = 'SHAREDIR') d $$;

----------------------------------------------------------------------
-- Lifecycles
----------------------------------------------------------------------

SELECT is(pg_temp.r(
		pg_temp.ev(1, 'MissionAuditRequested', 1),
		pg_temp.ev(2, 'MissionAuditStarted', 2),
		pg_temp.ev(3, 'MissionAuditCompleted', 3)),
	pg_temp.initial() || '{"audit_status": "completed", "verdict": "pass", "severity": "info",
		"findings_count": 0, "summary": "No findings.",
		"artifact_ref": {"report_path": "report.json",
			"content_hash": {"hash": "88d3", "algorithm": "sha256", "size_bytes": 10, "encoding": "utf-8"},
			"provenance": {"source_event_ids": null, "git_sha": null, "git_ref": null,
				"actor_id": null, "actor_kind": null, "revised_at": null}},
		"mission_id": "mission-042", "run_id": "run-007", "feature_slug": "042-payments-refactor",
		"trigger_mode": "manual", "enforcement_mode": "advisory", "audit_scope": ["spec.md", "plan.md"],
		"audit_scope_hash": "sha256:aaaa", "event_count": 3}',
	'happy pass: Requested, Started, Completed give a completed state with the verdict and artifact');

SELECT is(pg_temp.r(
		pg_temp.ev(1, 'MissionAuditRequested', 1, '{"trigger_mode": "post_merge", "enforcement_mode": "blocking"}'),
		pg_temp.ev(2, 'MissionAuditStarted', 2),
		pg_temp.ev(3, 'MissionAuditFailed', 3)),
	pg_temp.initial() || '{"audit_status": "failed", "error_code": "AUDIT_TIMEOUT",
		"error_message": "Timed out.", "partial_artifact_ref": null,
		"mission_id": "mission-042", "run_id": "run-007", "feature_slug": "042-payments-refactor",
		"trigger_mode": "post_merge", "enforcement_mode": "blocking", "audit_scope": ["spec.md", "plan.md"],
		"audit_scope_hash": "sha256:aaaa", "event_count": 3}',
	'happy fail: Requested, Started, Failed give a failed state with the error and no artifact');

SELECT is(pg_temp.r(
		pg_temp.ev(1, 'MissionAuditRequested', 1),
		pg_temp.ev(2, 'MissionAuditStarted', 2),
		pg_temp.ev(3, 'MissionAuditFailed', 3, '{"partial_artifact_ref": {"report_path": "partial.json",
			"content_hash": {"hash": "35", "algorithm": "md5"}, "provenance": {"actor_kind": "system"}}}')
		)->'partial_artifact_ref',
	'{"report_path": "partial.json",
	  "content_hash": {"hash": "35", "algorithm": "md5", "size_bytes": null, "encoding": null},
	  "provenance": {"source_event_ids": null, "git_sha": null, "git_ref": null, "actor_id": null,
		"actor_kind": "system", "revised_at": null}}',
	'a failure keeps its partial artifact, with absent optional fields as null');

SELECT is(pg_temp.r(
		pg_temp.ev(1, 'MissionAuditRequested', 1),
		pg_temp.ev(2, 'MissionAuditStarted', 2),
		pg_temp.ev(3, 'MissionAuditDecisionRequested', 3)),
	pg_temp.initial() || '{"audit_status": "awaiting_decision",
		"pending_decisions": [{"decision_id": "dec-001", "question": "Accept?",
			"context_summary": "Gap in spec.md.", "severity": "warning"}],
		"mission_id": "mission-042", "run_id": "run-007", "feature_slug": "042-payments-refactor",
		"trigger_mode": "manual", "enforcement_mode": "advisory", "audit_scope": ["spec.md", "plan.md"],
		"audit_scope_hash": "sha256:aaaa", "event_count": 3}',
	'decision checkpoint: a DecisionRequested waits for a decision and lists it as pending');

SELECT is(pg_temp.r(
		pg_temp.ev(1, 'MissionAuditRequested', 1),
		pg_temp.ev(2, 'MissionAuditStarted', 2),
		pg_temp.ev(3, 'MissionAuditDecisionRequested', 3),
		pg_temp.ev(4, 'MissionAuditCompleted', 4, '{"verdict": "pass_with_warnings", "severity": "warning"}'))
		- 'artifact_ref' - 'summary' - 'audit_scope' - 'audit_scope_hash',
	pg_temp.initial() - 'artifact_ref' - 'summary' - 'audit_scope' - 'audit_scope_hash'
		|| '{"audit_status": "completed", "verdict": "pass_with_warnings", "severity": "warning",
		"findings_count": 0, "mission_id": "mission-042", "run_id": "run-007",
		"feature_slug": "042-payments-refactor", "trigger_mode": "manual",
		"enforcement_mode": "advisory", "event_count": 4}',
	'decision checkpoint resolved: Completed clears the pending decision');

SELECT is(pg_temp.r(
		pg_temp.ev(1, 'MissionAuditRequested', 1),
		pg_temp.ev(2, 'MissionAuditDecisionRequested', 2, '{"decision_id": "a"}'),
		pg_temp.ev(3, 'MissionAuditDecisionRequested', 3, '{"decision_id": "b"}'),
		pg_temp.ev(4, 'MissionAuditFailed', 4)) -> 'pending_decisions',
	'[]', 'Failed, a terminal event, clears every pending decision');

SELECT is(pg_temp.r(
		pg_temp.ev(1, 'MissionAuditRequested', 1),
		pg_temp.ev(2, 'MissionAuditDecisionRequested', 2, '{"decision_id": "a"}'),
		pg_temp.ev(3, 'MissionAuditStarted', 3)) -> 'audit_status',
	'"running"', 'Started after a decision sets the status back to running');

SELECT is(pg_temp.r(
		pg_temp.ev(1, 'MissionAuditRequested', 1),
		pg_temp.ev(2, 'MissionAuditStarted', 2, '{"mission_id": "mission-999", "run_id": "run-999",
			"feature_slug": "999-other"}')) -> 'run_id',
	'"run-007"', 'Started fills mission, run and slug only while mission_id is unset');

SELECT is((SELECT jsonb_build_object('run_id', st->'run_id', 'feature_slug', st->'feature_slug',
			'status', st->'audit_status', 'kinds', jsonb_path_query_array(st, '$.anomalies[*].kind'))
		FROM pg_temp.r(
			pg_temp.ev(3, 'MissionAuditRequested', 3, '{"run_id": "run-late"}'),
			pg_temp.ev(1, 'MissionAuditStarted', 1, '{"run_id": "run-early", "feature_slug": "early"}'),
			pg_temp.ev(2, 'MissionAuditDecisionRequested', 2)) st),
	'{"run_id": "run-late", "feature_slug": "042-payments-refactor", "status": "awaiting_decision",
	  "kinds": ["event_before_requested", "event_before_requested"]}',
	'a late Requested overwrites what Started filled in and leaves the status alone');

----------------------------------------------------------------------
-- Empty input, NULLs, duplicates
----------------------------------------------------------------------

SELECT is((SELECT mission_audit_reduce(e) FROM (SELECT NULL::jsonb WHERE false) x(e)),
	pg_temp.initial(), 'an empty stream reduces to the initial state, not NULL');

SELECT is(mission_audit_reduce_events('[]'), pg_temp.initial(),
	'an empty array reduces to the initial state');

SELECT is((SELECT mission_audit_reduce(e) FROM (VALUES (NULL::jsonb), (NULL)) x(e)),
	pg_temp.initial(), 'NULL rows are skipped: only NULLs give the initial state');

SELECT is((SELECT mission_audit_reduce(e) FROM unnest(ARRAY[NULL, pg_temp.ev(1, 'MissionAuditRequested', 1),
			NULL, pg_temp.ev(2, 'MissionAuditStarted', 2), NULL]) e),
	pg_temp.r(pg_temp.ev(1, 'MissionAuditRequested', 1), pg_temp.ev(2, 'MissionAuditStarted', 2)),
	'NULL rows among events change nothing and are not counted');

SELECT is(pg_temp.r(
		pg_temp.ev(1, 'MissionAuditRequested', 1), pg_temp.ev(1, 'MissionAuditRequested', 1),
		pg_temp.ev(2, 'MissionAuditStarted', 2), pg_temp.ev(2, 'MissionAuditStarted', 2),
		pg_temp.ev(2, 'MissionAuditStarted', 2)),
	pg_temp.r(pg_temp.ev(1, 'MissionAuditRequested', 1), pg_temp.ev(2, 'MissionAuditStarted', 2)),
	'an event repeated is counted and folded once');

SELECT is(pg_temp.r(
		pg_temp.ev(1, 'MissionAuditRequested', 1),
		jsonb_set(pg_temp.ev(1, 'MissionAuditRequested', 1), '{event_id}', '"01hq0000000000000000000001"'),
		pg_temp.ev(2, 'WorkPackageStatusChanged', 2)
			|| '{"event_id": "0f8fad5b-d9cb-469f-a165-70867728950e"}',
		pg_temp.ev(2, 'WorkPackageStatusChanged', 2)
			|| '{"event_id": "0F8FAD5BD9CB469FA16570867728950E"}') -> 'event_count',
	'2', 'ids are compared normalized: ULID case and UUID spelling do not make new events');

SELECT is(pg_temp.r(
		pg_temp.ev(1, 'MissionAuditRequested', 1),
		pg_temp.ev(2, 'MissionAuditCompleted', 7, '{"verdict": "fail"}'),
		pg_temp.ev(2, 'MissionAuditCompleted', 5, '{"verdict": "blocked_decision_required"}'),
		pg_temp.ev(2, 'MissionAuditCompleted', 6, '{"verdict": "pass"}')) -> 'verdict',
	'"blocked_decision_required"', 'of several events with one id, the one first in sort order is kept');

SELECT is(pg_temp.r(
		pg_temp.ev(1, 'MissionAuditRequested', 1),
		pg_temp.ev(2, 'MissionCreated', 2),
		pg_temp.ev(2, 'MissionAuditCompleted', 3)) -> 'audit_status',
	'"pending"', 'dedup spans families: an audit event whose id a non-audit event took first is dropped');

----------------------------------------------------------------------
-- Anomalies
----------------------------------------------------------------------

SELECT is(pg_temp.r(
		pg_temp.ev(1, 'MissionAuditRequested', 1),
		pg_temp.ev(2, 'MissionAuditCompleted', 2),
		pg_temp.ev(3, 'MissionAuditStarted', 3),
		pg_temp.ev(4, 'MissionAuditFailed', 4)) -> 'anomalies',
	'[{"kind": "event_after_terminal", "event_id": "01HQ0000000000000000000003",
	   "message": "Event ''MissionAuditStarted'' arrived after terminal state"},
	  {"kind": "event_after_terminal", "event_id": "01HQ0000000000000000000004",
	   "message": "Event ''MissionAuditFailed'' arrived after terminal state"}]',
	'event_after_terminal: every audit event after Completed or Failed, skipped');

SELECT is(pg_temp.r(
		pg_temp.ev(1, 'MissionAuditStarted', 1),
		pg_temp.ev(2, 'MissionAuditRequested', 2)) -> 'anomalies',
	'[{"kind": "event_before_requested", "event_id": "01HQ0000000000000000000001",
	   "message": "Event ''MissionAuditStarted'' arrived before MissionAuditRequested"}]',
	'event_before_requested: a non-Requested audit event before the first Requested');

SELECT is(pg_temp.r(
		pg_temp.ev(1, 'MissionAuditRequested', 1),
		pg_temp.ev(2, 'MissionAuditDecisionRequested', 2, '{"decision_id": "dec-1"}'),
		pg_temp.ev(3, 'MissionAuditDecisionRequested', 3, '{"decision_id": "dec-1", "question": "Again?"}'))
		-> 'anomalies',
	'[{"kind": "duplicate_decision_id", "event_id": "01HQ0000000000000000000003",
	   "message": "Duplicate decision_id: ''dec-1''"}]',
	'duplicate_decision_id: a decision id already pending');

SELECT is(pg_temp.r(
		pg_temp.ev(1, 'MissionAuditRequested', 1),
		pg_temp.ev(2, 'MissionAuditDecisionRequested', 2, '{"decision_id": "dec-1", "question": "First?"}'),
		pg_temp.ev(3, 'MissionAuditDecisionRequested', 3, '{"decision_id": "dec-1", "question": "Again?"}'))
		-> 'pending_decisions',
	'[{"decision_id": "dec-1", "question": "First?", "context_summary": "Gap in spec.md.",
	   "severity": "warning"}]',
	'a duplicate decision is not added: the first stays pending');

SELECT is(pg_temp.r(
		pg_temp.ev(1, 'MissionAuditRequested', 1),
		pg_temp.ev(2, 'MissionAuditFailed', 2),
		pg_temp.ev(3, 'MissionAuditCancelled', 3),
		pg_temp.ev(4, 'WorkPackageStatusChanged', 4)) -> 'anomalies',
	'[{"kind": "unrecognized_event_type", "event_id": "01HQ0000000000000000000003",
	   "message": "Unrecognized event type in audit family: ''MissionAuditCancelled''"}]',
	'unrecognized_event_type: a MissionAudit* type outside the five, even after terminal; other families are silent');

SELECT is(pg_temp.r(
		pg_temp.ev(1, 'MissionAuditRequested', 1),
		pg_temp.ev(2, 'MissionAuditDecisionRequested', 2, jsonb_build_object('decision_id', E'it''s "x"\n')),
		pg_temp.ev(3, 'MissionAuditDecisionRequested', 3, jsonb_build_object('decision_id', E'it''s "x"\n')))
		#>> '{anomalies,0,message}',
	E'Duplicate decision_id: ''it\\''s "x"\\n''',
	'anomaly messages quote values as Python repr() does');

----------------------------------------------------------------------
-- Invalid events
----------------------------------------------------------------------

SELECT throws_ok(
	$$SELECT mission_audit_reduce(e) FROM (VALUES (pg_temp.ev(1, 'MissionAuditRequested', 1)),
		(pg_temp.ev(2, 'MissionAuditCompleted', 2) #- '{payload,verdict}')) x(e)$$,
	'22023', 'invalid mission audit event ''01HQ0000000000000000000002''',
	'an invalid event inside the aggregate is an error naming the event');

SELECT throws_ok(
	$$SELECT mission_audit_reduce_events(jsonb_build_array(
		pg_temp.ev(7, 'WorkPackageStatusChanged', -1)))$$,
	'22023', 'invalid mission audit event ''01HQ0000000000000000000007''',
	'an invalid envelope of any family is an error too');

----------------------------------------------------------------------
-- Golden replays
----------------------------------------------------------------------

SELECT is((SELECT mission_audit_reduce(event) FROM mission_audit_read_jsonl(g.jsonl)), g.expected,
	format('replay %s reduces to %s_output.json', name, name))
FROM unnest(ARRAY['mission_audit_replay_pass', 'mission_audit_replay_fail',
	'mission_audit_replay_decision_checkpoint']) name, pg_temp.golden(name) g;

SELECT is((SELECT mission_audit_reduce(event ORDER BY line_number DESC) FROM mission_audit_read_jsonl(g.jsonl)),
	g.expected, format('replay %s read backwards reduces to the same state', name))
FROM unnest(ARRAY['mission_audit_replay_pass', 'mission_audit_replay_fail',
	'mission_audit_replay_decision_checkpoint']) name, pg_temp.golden(name) g;

SELECT * FROM finish();
ROLLBACK;
