-- reduce_agg: mission_audit_reduce as an aggregate: input order, arrays, GROUP BY,
-- parallel and hashed plans, window frames.  Results are compared, not printed,
-- except for a few states shown in full.

-- p(type, run): a valid payload of an audit type for a run; {} for any other type
CREATE FUNCTION pg_temp.p(type text, run text) RETURNS jsonb
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
CREATE FUNCTION pg_temp.id(r int, i int) RETURNS text
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
CREATE FUNCTION pg_temp.gen(r int, i int) RETURNS jsonb
	LANGUAGE sql IMMUTABLE
	RETURN (SELECT jsonb_build_object('event_id', pg_temp.id(r, i), 'event_type', t,
		'aggregate_id', format('audit/mission-042/run-%s', lpad(r::text, 3, '0')),
		'timestamp', to_char(timestamp '2026-03-01 10:00' + r * interval '1 minute'
			+ i * interval '1 second', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
		'node_id', 'ci-runner-7',
		'lamport_clock', CASE WHEN r % 7 = 0 THEN 10::numeric ^ 40 ELSE 0 END
			+ CASE WHEN r % 3 = 0 AND i = 3 THEN 2 ELSE i END,
		'project_uuid', '3f2b8c1e-7d4a-4e9b-a6c2-91d05e8f4b27',
		'correlation_id', '01KJPZV280RN7D0TA30TWR1QAR',
		'payload', pg_temp.p(t, format('run-%s', lpad(r::text, 3, '0'))))
	FROM (SELECT (ARRAY[
		ARRAY['MissionAuditRequested', 'MissionAuditStarted', 'MissionAuditCompleted', 'MissionAuditFailed'],
		ARRAY['MissionAuditRequested', 'MissionAuditStarted', 'MissionAuditDecisionRequested', 'MissionAuditCompleted'],
		ARRAY['MissionAuditRequested', 'MissionAuditStarted', 'MissionAuditDecisionRequested', 'MissionAuditDecisionRequested'],
		ARRAY['MissionAuditStarted', 'MissionAuditRequested', 'MissionAuditDecisionRequested', 'MissionAuditFailed'],
		ARRAY['MissionAuditRequested', 'MissionAuditStarted', 'MissionAuditCancelled', 'WorkPackageStatusChanged']
		])[r % 5 + 1][i]) x(t));

-- 2000 events over 500 runs, plus a re-spelled copy of event 1 in every tenth run,
-- stored in no particular order (a plain table: temp tables are never scanned in parallel)
CREATE TABLE audit_events (run int NOT NULL, seq int NOT NULL, e jsonb NOT NULL);
INSERT INTO audit_events
SELECT * FROM (
	SELECT r, i, pg_temp.gen(r, i)
	FROM generate_series(1, 500) r, generate_series(1, 4) i
	UNION ALL
	SELECT r, 5, jsonb_set(pg_temp.gen(r, 1), '{event_id}', to_jsonb(uuid(md5('run' || r || '/1'))::text))
	FROM generate_series(10, 500, 10) r
) x(run, seq, e)
ORDER BY md5(e::text);
ANALYZE audit_events;
SELECT count(*) AS events, count(DISTINCT run) AS runs FROM audit_events;

----------------------------------------------------------------------
-- One run, several ways
----------------------------------------------------------------------

-- two states in full: a decision checkpoint and a failure with an anomaly
SELECT jsonb_pretty(mission_audit_reduce(e)) FROM audit_events WHERE run = 2;
SELECT jsonb_pretty(mission_audit_reduce(e)) FROM audit_events WHERE run = 3;
-- ORDER BY inside the aggregate, on several keys and in both directions, changes nothing
SELECT count(*) AS runs,
	count(*) FILTER (WHERE plain = by_seq AND plain = by_seq_desc AND plain = by_id
		AND plain = by_hash AND plain = by_clock) AS all_equal
FROM (SELECT run, mission_audit_reduce(e) AS plain,
		mission_audit_reduce(e ORDER BY seq) AS by_seq,
		mission_audit_reduce(e ORDER BY seq DESC, run) AS by_seq_desc,
		mission_audit_reduce(e ORDER BY e->>'event_id' DESC, seq ASC) AS by_id,
		mission_audit_reduce(e ORDER BY md5(e::text)) AS by_hash,
		mission_audit_reduce(e ORDER BY (e->'lamport_clock')::numeric DESC, e->>'timestamp' DESC)
			AS by_clock
	FROM audit_events GROUP BY run) x;
-- mission_audit_reduce_events over the run's array gives the same state, in any array order
SELECT count(*) FILTER (WHERE mission_audit_reduce_events(asc_events) = agg
		AND mission_audit_reduce_events(desc_events) = agg) AS equal_runs
FROM (SELECT run, mission_audit_reduce(e) AS agg,
		jsonb_agg(e ORDER BY seq) AS asc_events, jsonb_agg(e ORDER BY seq DESC) AS desc_events
	FROM audit_events GROUP BY run) x;
-- JSON nulls in the array are skipped as the aggregate skips SQL NULLs
SELECT mission_audit_reduce_events('[null]') = mission_audit_reduce(e) AS skips_null
FROM audit_events WHERE false;
SELECT mission_audit_reduce_events(jsonb_agg(e) || '[null, null]'::jsonb)
	= mission_audit_reduce_events(jsonb_agg(e)) AS skips_nulls
FROM audit_events WHERE run = 1;
-- ... but a JSON null row given to the aggregate is not an event
SELECT mission_audit_reduce('null'::jsonb); -- error
-- not an array
SELECT mission_audit_reduce_events('{"event_id": "01HQ0000000000000000000001"}'); -- error
SELECT mission_audit_reduce_events('"[]"'); -- error
-- FILTER and DISTINCT work as for any aggregate
SELECT mission_audit_reduce(DISTINCT e) = mission_audit_reduce(e) AS distinct_same,
	mission_audit_reduce(e) FILTER (WHERE seq <= 2)->>'audit_status' AS first_two,
	(mission_audit_reduce(e) FILTER (WHERE seq <= 2)->'event_count')::int AS first_two_events
FROM audit_events WHERE run = 10;

----------------------------------------------------------------------
-- GROUP BY over every run
----------------------------------------------------------------------

CREATE TEMP TABLE serial_states AS
SELECT run, mission_audit_reduce(e) AS st FROM audit_events GROUP BY run;
-- one status per pattern: completed (0, 1), awaiting_decision (2), failed (3), running (4)
SELECT st->>'audit_status' AS status, count(*) AS runs,
	sum((st->>'event_count')::int) AS events,
	sum(jsonb_array_length(st->'pending_decisions')) AS pending
FROM serial_states GROUP BY 1 ORDER BY 1;
-- one anomaly kind per pattern
SELECT a->>'kind' AS kind, count(*) AS anomalies, count(DISTINCT run % 5) AS patterns,
	min(run % 5) AS pattern
FROM serial_states, jsonb_array_elements(st->'anomalies') a GROUP BY 1 ORDER BY 1;
-- every state names its own run
SELECT count(*) FILTER (WHERE st->>'run_id' = format('run-%s', lpad(run::text, 3, '0')))
	AS own_run
FROM serial_states;

----------------------------------------------------------------------
-- Parallel aggregation
----------------------------------------------------------------------

SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
-- GROUP BY: partial states per worker, combined by the leader (at this size the planner
-- prefers one hash table above the Gather to partial ones, so group by sorting)
SET enable_hashagg = off;
EXPLAIN (COSTS OFF)
SELECT run, mission_audit_reduce(e) FROM audit_events GROUP BY run;
CREATE TEMP TABLE parallel_states AS
SELECT run, mission_audit_reduce(e) AS st FROM audit_events GROUP BY run;
SELECT count(*) AS runs FROM parallel_states;
SELECT * FROM parallel_states EXCEPT SELECT * FROM serial_states;
SELECT * FROM serial_states EXCEPT SELECT * FROM parallel_states;
-- the workers did run (their partial states crossed to the leader as flat values and were combined)
CREATE FUNCTION pg_temp.workers_launched(q text) RETURNS int
	LANGUAGE plpgsql AS $$
DECLARE
	plan text;
BEGIN
	EXECUTE 'EXPLAIN (ANALYZE, FORMAT JSON) ' || q INTO plan;
	RETURN (SELECT sum(m[1]::int) FROM regexp_matches(plan, '"Workers Launched": (\d+)', 'g') m);
END $$;
SELECT pg_temp.workers_launched(
	'SELECT run, mission_audit_reduce(e) FROM audit_events GROUP BY run') > 0 AS parallel;
RESET enable_hashagg;
-- one aggregate over the whole table (every run mixed into one stream)
EXPLAIN (COSTS OFF)
SELECT mission_audit_reduce(e) FROM audit_events;
CREATE TEMP TABLE parallel_all AS SELECT mission_audit_reduce(e) AS st FROM audit_events;
SELECT pg_temp.workers_launched('SELECT mission_audit_reduce(e) FROM audit_events') > 0 AS parallel;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET parallel_leader_participation;
SET max_parallel_workers_per_gather = 0;
SELECT st = (SELECT mission_audit_reduce(e) FROM audit_events) AS same_as_serial,
	st->'event_count' AS events, st->>'audit_status' AS status,
	jsonb_array_length(st->'anomalies') AS anomalies
FROM parallel_all;

----------------------------------------------------------------------
-- Hash and sort aggregation
----------------------------------------------------------------------

SET enable_sort = off;
EXPLAIN (COSTS OFF)
SELECT run, mission_audit_reduce(e) FROM audit_events GROUP BY run;
SELECT count(*) AS differing FROM (
	SELECT run, mission_audit_reduce(e) AS st FROM audit_events GROUP BY run
	EXCEPT SELECT * FROM serial_states) x;
-- with too little memory the hash table spills to disk and still agrees
SET work_mem = '64kB';
SELECT count(*) AS differing FROM (
	SELECT run, mission_audit_reduce(e) AS st FROM audit_events GROUP BY run
	EXCEPT SELECT * FROM serial_states) x;
RESET work_mem;
RESET enable_sort;
SET enable_hashagg = off;
EXPLAIN (COSTS OFF)
SELECT run, mission_audit_reduce(e) FROM audit_events GROUP BY run;
SELECT count(*) AS differing FROM (
	SELECT run, mission_audit_reduce(e) AS st FROM audit_events GROUP BY run
	EXCEPT SELECT * FROM serial_states) x;
RESET enable_hashagg;

----------------------------------------------------------------------
-- Window frames
----------------------------------------------------------------------

-- events numbered k within their run, in clock order
CREATE TEMP TABLE numbered AS
SELECT run, row_number() OVER (PARTITION BY run ORDER BY (e->'lamport_clock')::numeric, seq) AS k, e
FROM audit_events;
-- a running frame: row k is the reduction of the run's first k events
CREATE TEMP TABLE running AS
SELECT run, k, mission_audit_reduce(e) OVER (PARTITION BY run ORDER BY k
	ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS st
FROM numbered;
SELECT count(*) AS rows,
	count(*) FILTER (WHERE st = (SELECT mission_audit_reduce(n.e) FROM numbered n
		WHERE n.run = running.run AND n.k <= running.k)) AS equal_to_prefix
FROM running;
-- ... whose last row is the plain aggregate
SELECT count(*) AS runs, count(*) FILTER (WHERE r.st = s.st) AS last_equals_aggregate
FROM (SELECT DISTINCT ON (run) run, st FROM running ORDER BY run, k DESC) r
	JOIN serial_states s USING (run);
-- a timeline: one run's status after each event
SELECT k, st->>'audit_status' AS status, st->'event_count' AS events,
	jsonb_array_length(st->'pending_decisions') AS pending,
	(SELECT string_agg(a->>'kind', ', ') FROM jsonb_array_elements(st->'anomalies') a) AS anomalies
FROM running WHERE run = 30 ORDER BY k;
-- a sliding frame: row k is the reduction of events k-1 and k
SELECT count(*) AS rows,
	count(*) FILTER (WHERE st = (SELECT mission_audit_reduce(n.e) FROM numbered n
		WHERE n.run = w.run AND n.k BETWEEN w.k - 1 AND w.k)) AS equal_to_pair
FROM (SELECT run, k, mission_audit_reduce(e) OVER (PARTITION BY run ORDER BY k
		ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS st
	FROM numbered) w;
-- the whole partition as the frame: every row holds the run's state
SELECT count(*) AS rows, count(*) FILTER (WHERE w.st = s.st) AS equal_to_run
FROM (SELECT run, mission_audit_reduce(e) OVER (PARTITION BY run) AS st FROM numbered) w
	JOIN serial_states s USING (run);
-- a RANGE frame over clocks: peers (equal clocks) enter together
SELECT count(*) AS rows,
	count(*) FILTER (WHERE st = (SELECT mission_audit_reduce(n.e) FROM numbered n
		WHERE n.run = w.run AND (n.e->'lamport_clock')::numeric <= w.clock)) AS equal_to_prefix
FROM (SELECT run, (e->'lamport_clock')::numeric AS clock,
		mission_audit_reduce(e) OVER (PARTITION BY run ORDER BY (e->'lamport_clock')::numeric) AS st
	FROM numbered) w;

DROP TABLE audit_events;
