-- state.sql: seed states for state_fuzz.c, built from generated events (the reduce_agg
-- generator: five run patterns, re-spelled ids, clocks beyond int64, unrecognized and
-- foreign events), plus single events of every kind and field shape, empty and large states.

-- p(type, run): a valid payload of an audit type for a run; {} for any other type
CREATE OR REPLACE FUNCTION fuzz_p(type text, run text) RETURNS jsonb
	LANGUAGE sql IMMUTABLE
	RETURN CASE WHEN type IN ('MissionAuditRequested', 'MissionAuditStarted',
			'MissionAuditDecisionRequested', 'MissionAuditCompleted', 'MissionAuditFailed')
		THEN jsonb_build_object('mission_id', 'mission-042', 'run_id', run,
			'feature_slug', '042-payments-refactor', 'actor', 'agent-claude')
		ELSE '{}'::jsonb END
	|| CASE type
	WHEN 'MissionAuditRequested' THEN
		'{"trigger_mode": "post_merge", "audit_scope": ["spec.md", "plan.md", "src/"],
		  "enforcement_mode": "blocking"}'::jsonb
	WHEN 'MissionAuditStarted' THEN
		'{"audit_scope_hash": "sha256:b00f7697bc42c131d3bb25957f64956749409250183d29eb18c9faa6d2a80799"}'::jsonb
	WHEN 'MissionAuditDecisionRequested' THEN
		'{"decision_id": "dec-001", "question": "Accept the unspecified refund path?",
		  "context_summary": "src/payments/refunds.py has no spec.", "severity": "warning"}'::jsonb
	WHEN 'MissionAuditCompleted' THEN
		'{"verdict": "fail", "severity": "error", "findings_count": 4,
		  "artifact_ref": {"report_path": "audits/report.json",
			"content_hash": {"hash": "2e4d79dcaf47fb8ea9c8e8e61f5e8629e6cd09e80e870bf0e96b333d115fe2f1",
				"algorithm": "sha256", "size_bytes": 30720},
			"provenance": {"git_sha": "49d690dd5395345674fb22ee2618410339119334", "actor_kind": "llm"}},
		  "summary": "4 findings."}'::jsonb
	WHEN 'MissionAuditFailed' THEN
		'{"error_code": "AUDIT_TIMEOUT", "error_message": "Timed out."}'::jsonb
	ELSE '{}'::jsonb END;

-- the id of event i of run r, spelled four ways: 32-hex upper, UUID lower,
-- UUID upper, ULID lower
CREATE OR REPLACE FUNCTION fuzz_id(r int, i int) RETURNS text
	LANGUAGE sql IMMUTABLE
	RETURN (SELECT CASE i % 4
		WHEN 1 THEN upper(h)
		WHEN 2 THEN uuid(h)::text
		WHEN 3 THEN upper(uuid(h)::text)
		ELSE left(h, 26) END
	FROM md5('run' || r || '/' || i) h);

/*
 * Event i (1..4) of run r.  The run's pattern is r % 5:
 *   0 Requested Started Completed Failed      -> completed, after terminal
 *   1 Requested Started Decision Completed    -> completed
 *   2 Requested Started Decision Decision     -> awaiting_decision, duplicate decision
 *   3 Started Requested Decision Failed       -> failed, before requested
 *   4 Requested Started Cancelled WorkPackage -> running, unrecognized
 * Clocks are i, except that events 2 and 3 share clock 2 when r % 3 = 0 (their
 * timestamps then decide); every seventh run adds 10^40 to its clocks.
 */
CREATE OR REPLACE FUNCTION fuzz_gen(r int, i int) RETURNS jsonb
	LANGUAGE sql IMMUTABLE
	RETURN (SELECT jsonb_build_object('event_id', fuzz_id(r, i), 'event_type', t,
		'aggregate_id', format('audit/mission-042/run-%s', lpad(r::text, 3, '0')),
		'timestamp', to_char(timestamp '2026-03-01 10:00' + r * interval '1 minute'
			+ i * interval '1 second', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
		'node_id', 'ci-runner-7',
		'lamport_clock', CASE WHEN r % 7 = 0 THEN 10::numeric ^ 40 ELSE 0 END
			+ CASE WHEN r % 3 = 0 AND i = 3 THEN 2 ELSE i END,
		'project_uuid', '3f2b8c1e-7d4a-4e9b-a6c2-91d05e8f4b27',
		'correlation_id', '01KJPZV280RN7D0TA30TWR1QAR',
		'payload', fuzz_p(t, format('run-%s', lpad(r::text, 3, '0'))))
	FROM (SELECT (ARRAY[
		ARRAY['MissionAuditRequested', 'MissionAuditStarted', 'MissionAuditCompleted', 'MissionAuditFailed'],
		ARRAY['MissionAuditRequested', 'MissionAuditStarted', 'MissionAuditDecisionRequested', 'MissionAuditCompleted'],
		ARRAY['MissionAuditRequested', 'MissionAuditStarted', 'MissionAuditDecisionRequested', 'MissionAuditDecisionRequested'],
		ARRAY['MissionAuditStarted', 'MissionAuditRequested', 'MissionAuditDecisionRequested', 'MissionAuditFailed'],
		ARRAY['MissionAuditRequested', 'MissionAuditStarted', 'MissionAuditCancelled', 'WorkPackageStatusChanged']
		])[r % 5 + 1][i]) x(t));


DROP TABLE IF EXISTS fuzz_state_seed;
CREATE TABLE fuzz_state_seed (id serial PRIMARY KEY, state mission_audit_state NOT NULL);
-- one state per run of 25 runs (all patterns, with and without big clocks)
INSERT INTO fuzz_state_seed (state)
SELECT mission_audit_reduce_state(fuzz_gen(r, i)) FROM generate_series(1, 25) r, generate_series(1, 4) i GROUP BY r;
-- fuzz_g3(e): an event in contract 3.0.0's spelling (mission identity, build_id, cutover schema_version)
CREATE OR REPLACE FUNCTION fuzz_g3(g jsonb) RETURNS jsonb
	LANGUAGE sql IMMUTABLE
	RETURN g || '{"build_id": "b1", "schema_version": "3.0.0"}'::jsonb
		|| CASE WHEN g->'payload' ? 'feature_slug' THEN jsonb_build_object('payload', (g->'payload') - 'feature_slug'
			|| '{"mission_slug": "042-payments-refactor", "mission_number": 42, "mission_type": "software-dev"}'::jsonb)
			ELSE '{}'::jsonb END;
-- single events, and a failure with a partial artifact, with a null one, under both contracts
INSERT INTO fuzz_state_seed (state)
SELECT mission_audit_state_add(NULL, fuzz_gen(r, i)) FROM generate_series(1, 5) r, generate_series(1, 4) i;
INSERT INTO fuzz_state_seed (state)
SELECT mission_audit_state_add(NULL, CASE c WHEN '3.0.0' THEN fuzz_g3(x) ELSE x END, c)
FROM (VALUES ('null'::jsonb), ((fuzz_gen(1, 4))->'payload'->'artifact_ref')) v(p),
	LATERAL (SELECT jsonb_set(fuzz_gen(3, 4), '{payload,partial_artifact_ref}', p) x) e,
	(VALUES ('2.5.0'), ('3.0.0')) c(c);
-- 3.0.0 states of ten runs
INSERT INTO fuzz_state_seed (state)
SELECT mission_audit_reduce_state(fuzz_g3(fuzz_gen(r, i)), '3.0.0') FROM generate_series(30, 39) r, generate_series(1, 4) i GROUP BY r;
-- an empty state, and a state of 200 events of 50 runs
INSERT INTO fuzz_state_seed (state) VALUES ('{"events": [], "contract": "2.5.0", "mission_audit_state": 1}');
INSERT INTO fuzz_state_seed (state)
SELECT mission_audit_reduce_state(fuzz_gen(r, i)) FROM generate_series(100, 149) r, generate_series(1, 4) i;
