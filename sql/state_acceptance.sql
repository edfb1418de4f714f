-- state_acceptance: over 50,000 generated events in 10,000 runs (1 to 9 events each, every
-- tenth run with a re-spelled duplicate id), the state built by one aggregate call, by
-- merging random disjoint subsets, and by adding events one at a time, and its text and
-- binary round trips, all equal mission_audit_reduce's result for every run.

-- Event i of run r, as in reduce_agg (pattern r % 5, ids spelled four ways, clocks beyond
-- int64 in every seventh run), written set-based: events 1..4 follow the pattern, later ones
-- repeat its kinds under new ids and clocks (late events after a terminal one, duplicate
-- decisions, ...).
CREATE TABLE acc_payloads (type text PRIMARY KEY, payload jsonb NOT NULL);
INSERT INTO acc_payloads VALUES
	('MissionAuditRequested', '{"trigger_mode": "post_merge", "audit_scope": ["spec.md", "src/"], "enforcement_mode": "blocking"}'),
	('MissionAuditStarted', '{"audit_scope_hash": "sha256:b00f7697bc42c131d3bb25957f64956749409250183d29eb18c9faa6d2a80799"}'),
	('MissionAuditDecisionRequested', '{"decision_id": "dec-001", "question": "Accept the refund path?",
		"context_summary": "No spec.", "severity": "warning"}'),
	('MissionAuditCompleted', '{"verdict": "fail", "severity": "error", "findings_count": 4,
		"artifact_ref": {"report_path": "audits/report.json",
			"content_hash": {"hash": "2e4d79dcaf47fb8ea9c8e8e61f5e8629e6cd09e80e870bf0e96b333d115fe2f1",
				"algorithm": "sha256", "size_bytes": 30720},
			"provenance": {"git_sha": "49d690dd5395345674fb22ee2618410339119334", "actor_kind": "llm"}},
		"summary": "4 findings."}'),
	('MissionAuditFailed', '{"error_code": "AUDIT_TIMEOUT", "error_message": "Timed out.", "partial_artifact_ref": null}'),
	('MissionAuditCancelled', '{}'), ('WorkPackageStatusChanged', '{}');

SELECT setseed(0.13);
CREATE TABLE acc_events AS
SELECT run, seq, e, row_number() OVER (PARTITION BY run ORDER BY random()) AS rank,
	(random() * 4)::int AS part
FROM (
	SELECT r, i, jsonb_build_object(
		'event_id', CASE i % 4 WHEN 1 THEN upper(h) WHEN 2 THEN uuid(h)::text
			WHEN 3 THEN upper(uuid(h)::text) ELSE left(h, 26) END,
		'event_type', t,
		'aggregate_id', 'audit/run-' || r,
		'timestamp', to_char(timestamp '2026-03-01 10:00' + r * interval '1 minute' + i * interval '1 second',
			'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
		'node_id', 'ci-runner-7',
		'lamport_clock', CASE WHEN r % 7 = 0 THEN 10::numeric ^ 40 ELSE 0 END
			+ CASE WHEN i > 4 THEN (i * 7 + r) % 11 WHEN r % 3 = 0 AND i = 3 THEN 2 ELSE i END,
		'project_uuid', '3f2b8c1e-7d4a-4e9b-a6c2-91d05e8f4b27',
		'correlation_id', '01KJPZV280RN7D0TA30TWR1QAR',
		'payload', CASE WHEN t LIKE 'MissionAudit%' AND t <> 'MissionAuditCancelled'
			THEN jsonb_build_object('mission_id', 'mission-042', 'run_id', 'run-' || r,
				'feature_slug', '042-payments', 'actor', 'agent') ELSE '{}' END || p.payload)
	FROM generate_series(1, 10000) r, generate_series(1, 1 + r % 9) i,
		LATERAL (SELECT md5('run' || r || '/' || i) h,
			(ARRAY[
			ARRAY['MissionAuditRequested', 'MissionAuditStarted', 'MissionAuditCompleted', 'MissionAuditFailed'],
			ARRAY['MissionAuditRequested', 'MissionAuditStarted', 'MissionAuditDecisionRequested', 'MissionAuditCompleted'],
			ARRAY['MissionAuditRequested', 'MissionAuditStarted', 'MissionAuditDecisionRequested', 'MissionAuditDecisionRequested'],
			ARRAY['MissionAuditStarted', 'MissionAuditRequested', 'MissionAuditDecisionRequested', 'MissionAuditFailed'],
			ARRAY['MissionAuditRequested', 'MissionAuditStarted', 'MissionAuditCancelled', 'WorkPackageStatusChanged']
			])[r % 5 + 1][(i - 1) % 4 + 1] t) x
		JOIN acc_payloads p ON p.type = x.t
) x(run, seq, e);
-- every tenth run has a re-spelled copy of its first event
INSERT INTO acc_events
SELECT run, 10, jsonb_set(e, '{event_id}', to_jsonb(lower(uuid(e->>'event_id')::text))), 10, 0
FROM acc_events WHERE seq = 1 AND run % 10 = 0;
SELECT count(*) AS events, count(DISTINCT run) AS runs, max(rank) AS longest FROM acc_events;
CREATE TABLE acc_reduced AS SELECT run, mission_audit_reduce(e) AS st FROM acc_events GROUP BY run;
-- the runs end in every status
SELECT st->>'audit_status' AS status, count(*) AS runs FROM acc_reduced GROUP BY 1 ORDER BY 1;

-- one aggregate call
CREATE TABLE acc_states AS SELECT run, mission_audit_reduce_state(e) AS state FROM acc_events GROUP BY run;
SELECT count(*) FILTER (WHERE mission_audit_result(s.state) = r.st) AS equal, count(*) AS runs
FROM acc_states s JOIN acc_reduced r USING (run);
-- random disjoint subsets (up to five parts per run, some empty), each reduced, then merged
SELECT count(*) FILTER (WHERE mission_audit_result(s) = r.st) AS equal, count(*) AS runs
FROM (SELECT run, mission_audit_merge(p ORDER BY random()) s
	FROM (SELECT run, part, mission_audit_reduce_state(e) p FROM acc_events GROUP BY run, part) parts
	GROUP BY run) x JOIN acc_reduced r USING (run);
-- one event at a time, in random order, each added to the stored state by a plain call
CREATE TABLE acc_one (run int PRIMARY KEY, state mission_audit_state);
INSERT INTO acc_one SELECT run, NULL FROM (SELECT DISTINCT run FROM acc_events) r;
DO $$
BEGIN
	FOR k IN 1..(SELECT max(rank) FROM acc_events) LOOP
		UPDATE acc_one o SET state = mission_audit_state_add(o.state, a.e)
		FROM acc_events a WHERE a.run = o.run AND a.rank = k;
	END LOOP;
END $$;
SELECT count(*) FILTER (WHERE mission_audit_result(o.state) = r.st) AS equal, count(*) AS runs
FROM acc_one o JOIN acc_reduced r USING (run);
-- text round trip
SELECT count(*) FILTER (WHERE mission_audit_result(state::text::mission_audit_state) = r.st) AS equal, count(*) AS runs
FROM acc_states JOIN acc_reduced r USING (run);
-- COPY text and binary, out and back in
\copy acc_states TO '/tmp/mission_audit_acc.txt'
\copy acc_states TO '/tmp/mission_audit_acc.bin' WITH (FORMAT binary)
CREATE TABLE acc_text (LIKE acc_states);
CREATE TABLE acc_binary (LIKE acc_states);
\copy acc_text FROM '/tmp/mission_audit_acc.txt'
\copy acc_binary FROM '/tmp/mission_audit_acc.bin' WITH (FORMAT binary)
\! rm -f /tmp/mission_audit_acc.txt /tmp/mission_audit_acc.bin
SELECT count(*) FILTER (WHERE mission_audit_result(t.state) = r.st AND mission_audit_result(b.state) = r.st) AS equal,
	count(*) AS runs
FROM acc_text t JOIN acc_binary b USING (run) JOIN acc_reduced r USING (run);
-- and the whole table as one state, merged from the per-run states
SELECT mission_audit_result(mission_audit_merge(state)) = (SELECT mission_audit_reduce(e) FROM acc_events) AS everything
FROM acc_states;
DROP TABLE acc_payloads, acc_events, acc_reduced, acc_states, acc_one, acc_text, acc_binary;
