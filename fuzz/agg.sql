-- agg.sql: the mission_audit_reduce aggregate under a hostile mix.
--
-- Run by fuzz/run.sh with psql variables groups (number of small groups) and
-- huge (events in group 0).  Builds many small lifecycles and one huge group
-- (decisions with repeated ids, foreign events, duplicate ids, events after
-- the terminal one), then checks that sort-based, hashed (spilling),
-- parallel, ordered, windowed and array-based reductions agree, and that an
-- invalid event in the middle of the huge group is a clean ERROR 22023 in
-- every plan.  Each check adds a row to fuzz_outcome under 'agg:<name>':
-- 'ok', 'mismatch' or the SQLSTATE it raised.

\set ON_ERROR_STOP 0
\set QUIET 1
SET client_min_messages = warning;

-- Count one check: state is its SQLSTATE ('00000' when it answered), ok whether the
-- answer (or the expected ERROR) was right.  A resource-limit ERROR is counted, not failed.
CREATE FUNCTION agg_note(name text, state text, ok boolean) RETURNS void LANGUAGE sql AS $$
	INSERT INTO fuzz_outcome AS o VALUES ('agg:' || name,
		CASE WHEN state <> '00000' THEN state WHEN ok THEN 'ok' ELSE 'mismatch' END, 1)
	ON CONFLICT (fn, outcome) DO UPDATE SET n = o.n + 1;
	INSERT INTO fuzz_fail (id, fn, what, sqlstate)
	SELECT 0, 'agg:' || name,
		   CASE WHEN state = '00000' THEN 'wrong answer or no ERROR' ELSE 'raised an unexpected ERROR' END,
		   nullif(state, '00000')
	WHERE NOT ok AND state NOT IN ('53200', '54000', '54001');
$$;

-- The same for a check whose right outcome is ERROR 22023.
CREATE FUNCTION agg_note_error(name text, state text) RETURNS void LANGUAGE sql AS $$
	SELECT agg_note(name, state, state = '22023')
$$;

-- An event of the lifecycle template: kind 0..4 the audit types, 5 foreign.
CREATE FUNCTION agg_event(g int, i int, kind int, lamport bigint, dup_of int DEFAULT NULL)
RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
	SELECT jsonb_build_object(
		'event_id', upper(left(md5(g || '/' || coalesce(dup_of, i)), 26)),
		'event_type', (ARRAY['MissionAuditRequested', 'MissionAuditStarted',
							 'MissionAuditDecisionRequested', 'MissionAuditCompleted',
							 'MissionAuditFailed', 'Telemetry'])[kind + 1],
		'aggregate_id', 'audit/' || g,
		'timestamp', '2024-02-29T12:00:' || lpad((i % 60)::text, 2, '0') ||
					 (ARRAY['Z', '+05:30', '-08:00', '', '.5Z'])[i % 5 + 1],
		'node_id', 'node-' || (i % 3),
		'lamport_clock', lamport,
		'project_uuid', '12345678-1234-5678-1234-567812345678',
		'correlation_id', upper(left(md5('c' || g), 26)),
		'payload', CASE kind
			WHEN 0 THEN jsonb_build_object('mission_id', 'm' || g, 'run_id', 'r' || i,
				'feature_slug', 'f', 'actor', 'a', 'trigger_mode', 'manual',
				'audit_scope', jsonb_build_array('spec.md', 'é' || i), 'enforcement_mode', 'blocking')
			WHEN 1 THEN jsonb_build_object('mission_id', 'm' || g, 'run_id', 'r' || i,
				'feature_slug', 'f', 'actor', 'a', 'audit_scope_hash', 'sha256:' || md5(i::text))
			WHEN 2 THEN jsonb_build_object('mission_id', 'm' || g, 'run_id', 'r' || i,
				'feature_slug', 'f', 'actor', 'a', 'decision_id', 'd''"\' || (i % 997),
				'question', 'q' || i, 'context_summary', E'\u2028' || i, 'severity', 'warning')
			WHEN 3 THEN jsonb_build_object('mission_id', 'm' || g, 'run_id', 'r' || i,
				'feature_slug', 'f', 'actor', 'a', 'verdict', 'pass', 'severity', 'info',
				'findings_count', 12345678901234567890123456789012345678901.0, 'summary', 's',
				'artifact_ref', jsonb_build_object('report_path', 'p', 'extra', 1,
					'content_hash', jsonb_build_object('hash', 'h', 'algorithm', 'sha256'),
					'provenance', jsonb_build_object('source_event_ids', jsonb_build_array('x'))))
			WHEN 4 THEN jsonb_build_object('mission_id', 'm' || g, 'run_id', 'r' || i,
				'feature_slug', 'f', 'actor', 'a', 'error_code', 'E', 'error_message', '')
			ELSE jsonb_build_object('anything', i)
		END)
$$;

DROP TABLE IF EXISTS agg_ev;
CREATE TABLE agg_ev (g int, ord int, e jsonb);

-- small groups: Requested, Started, decisions, a terminal event, stragglers
INSERT INTO agg_ev
SELECT g, i, agg_event(g, i,
	CASE WHEN i = 0 THEN 0 WHEN i = 1 THEN 1 WHEN i = n - 1 THEN 3 + g % 2
		 WHEN i % 4 = 0 THEN 5 ELSE 2 END,
	CASE WHEN g % 7 = 0 THEN i % 3 ELSE i END)
FROM generate_series(1, :groups) g, LATERAL (SELECT 1 + g % 9 AS n) s, generate_series(0, n - 1) i;
-- duplicates of ids in the small groups (same id, later clock)
INSERT INTO agg_ev
SELECT g, 1000 + g, agg_event(g, 1000 + g, 5, 10000, 0) FROM generate_series(1, :groups, 3) g;
-- SQL NULL rows are skipped
INSERT INTO agg_ev SELECT g, -1, NULL FROM generate_series(1, :groups, 5) g;

-- group 0: the huge one
INSERT INTO agg_ev
SELECT 0, i, agg_event(0, i,
	CASE WHEN i = 1 THEN 0
		 WHEN i = (:huge * 9) / 10 THEN 3
		 WHEN i % 10 IN (0, 1, 2) THEN 2
		 WHEN i % 10 IN (3, 4, 5, 6) THEN 5
		 WHEN i % 10 IN (7, 8) THEN 1
		 ELSE 5 END,
	i, CASE WHEN i % 10 = 9 THEN i - 1 END)
FROM generate_series(1, :huge) i;
ANALYZE agg_ev;

-- does EXPLAIN of q show a line like pat?
CREATE FUNCTION agg_plan_has(q text, pat text) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
	l text;
BEGIN
	FOR l IN EXECUTE 'EXPLAIN (COSTS OFF) ' || q LOOP
		IF l LIKE pat THEN
			RETURN true;
		END IF;
	END LOOP;
	RETURN false;
END
$$;

-- psql variables a failed \gset leaves unset
\set sort_d none
\set hash_d none
\set par_d none
\set huge_par none
\set huge_serial none
\set huge_desc none
\set huge_arr none
\set huge_slice none
\set huge_ok f
\set same f
\set plan_ok f
\set status ''

-- digests of every group's reduced state, one per plan shape
\set q 'SELECT md5(string_agg(g || '':'' || r::text, ''|'' ORDER BY g)) AS d FROM (SELECT g, mission_audit_reduce(e) r FROM agg_ev GROUP BY g) s'
SET enable_hashagg = off;
SET max_parallel_workers_per_gather = 0;
SELECT agg_plan_has(:'q', '%GroupAggregate%') AS plan_ok \gset
:q \gset sort_
SELECT agg_note('group_sort', :'SQLSTATE', :'plan_ok');

SET enable_hashagg = on;
SET enable_sort = off;
SET work_mem = '64kB';
SET hash_mem_multiplier = 1;
-- from 16 on the planner sorts for string_agg(... ORDER BY g) and so prefers a
-- GroupAggregate below it; without presorted aggregates it hashes again
SELECT current_setting('server_version_num')::int >= 160000 AS pg16 \gset
\if :pg16
SET enable_presorted_aggregate = off;
\endif
SELECT agg_plan_has(:'q', '%HashAggregate%') AS plan_ok \gset
:q \gset hash_
SELECT agg_note('group_hash_spill', :'SQLSTATE', :'plan_ok' AND :'hash_d' = :'sort_d');
RESET enable_sort;
RESET work_mem;
RESET hash_mem_multiplier;
\if :pg16
RESET enable_presorted_aggregate;
\endif

-- parallel: partial aggregates serialized, combined and deserialized
SET enable_hashagg = off;
SET max_parallel_workers_per_gather = 2;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET parallel_leader_participation = off;
SELECT agg_plan_has(:'q', '%Partial%Aggregate%') AS plan_ok \gset
:q \gset par_
SELECT agg_note('group_parallel', :'SQLSTATE', :'plan_ok' AND :'par_d' = :'sort_d');

-- the huge group alone, serial and parallel
SELECT agg_plan_has('SELECT mission_audit_reduce(e) FROM agg_ev WHERE g = 0', '%Partial Aggregate%') AS plan_ok \gset
SELECT md5(mission_audit_reduce(e)::text) AS huge_par FROM agg_ev WHERE g = 0 \gset
SELECT agg_note('huge_parallel', :'SQLSTATE', :'plan_ok');
SET max_parallel_workers_per_gather = 0;
SELECT md5(mission_audit_reduce(e)::text) AS huge_serial FROM agg_ev WHERE g = 0 \gset
SELECT agg_note('huge_serial', :'SQLSTATE', :'huge_serial' = :'huge_par');
SELECT md5(mission_audit_reduce(e ORDER BY ord DESC)::text) AS huge_desc FROM agg_ev WHERE g = 0 \gset
SELECT agg_note('huge_reverse_order', :'SQLSTATE', :'huge_desc' = :'huge_serial');
-- (a jsonb array holds at most 256 MB: reduce_events gets a slice of the huge group)
SELECT md5(mission_audit_reduce_events(jsonb_agg(e))::text) AS huge_arr,
	   md5(mission_audit_reduce(e)::text) AS huge_slice
FROM agg_ev WHERE g = 0 AND ord BETWEEN :huge / 2 - 100000 AND :huge / 2 + 100000 \gset
SELECT agg_note('huge_reduce_events', :'SQLSTATE', :'huge_arr' = :'huge_slice');
SELECT (r->>'event_count')::bigint = (SELECT count(DISTINCT e->>'event_id') FROM agg_ev WHERE g = 0)
	   AND jsonb_array_length(r->'anomalies') > 0 AND r->>'audit_status' = 'completed' AS huge_ok
FROM (SELECT mission_audit_reduce(e) r FROM agg_ev WHERE g = 0) s \gset
SELECT agg_note('huge_state', :'SQLSTATE', :'huge_ok');

-- order independence, arrays and windows on the small groups
SELECT bool_and(a = b AND a = c) AS same
FROM (SELECT g, mission_audit_reduce(e ORDER BY random()) a,
			 mission_audit_reduce(e ORDER BY ord DESC) b,
			 mission_audit_reduce_events(coalesce(jsonb_agg(e) FILTER (WHERE e IS NOT NULL), '[]')) c
	  FROM agg_ev WHERE g > 0 GROUP BY g) s \gset
SELECT agg_note('order_and_array', :'SQLSTATE', :'same');
SELECT bool_and(w = a) AS same
FROM (SELECT DISTINCT ON (g) g, w FROM (
		SELECT g, ord, mission_audit_reduce(e) OVER (PARTITION BY g ORDER BY ord) w
		FROM agg_ev WHERE g BETWEEN 1 AND 2000) x
	  ORDER BY g, ord DESC) l
JOIN (SELECT g, mission_audit_reduce(e) a FROM agg_ev WHERE g BETWEEN 1 AND 2000 GROUP BY g) r USING (g) \gset
SELECT agg_note('window_running', :'SQLSTATE', :'same');
SELECT count(*) = 0 AS same FROM (
	SELECT g, mission_audit_reduce(e) OVER (PARTITION BY g ORDER BY ord ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) w
	FROM agg_ev WHERE g BETWEEN 1 AND 2000) x WHERE w IS NULL \gset
SELECT agg_note('window_sliding', :'SQLSTATE', :'same');

-- an invalid event in the middle of the huge group: ERROR 22023 in every plan
INSERT INTO agg_ev VALUES
	(0, :huge / 2, agg_event(0, -1, 2, 1) #- '{payload,decision_id}'),
	(1, 0, '{"event_id": "01ARZ3NDEKTSV4RRFFQ69G5FAV", "lamport_clock": -1}');
SET max_parallel_workers_per_gather = 0;
SET enable_hashagg = off;
SELECT mission_audit_reduce(e) IS NULL FROM agg_ev WHERE g = 0;
SELECT agg_note_error('invalid_middle_serial', :'SQLSTATE');
SELECT count(r) FROM (SELECT g, mission_audit_reduce(e) r FROM agg_ev GROUP BY g) s;
SELECT agg_note_error('invalid_middle_group_sort', :'SQLSTATE');
SET enable_hashagg = on;
SET enable_sort = off;
SET work_mem = '64kB';
SELECT count(r) FROM (SELECT g, mission_audit_reduce(e) r FROM agg_ev GROUP BY g) s;
SELECT agg_note_error('invalid_middle_group_hash', :'SQLSTATE');
RESET enable_sort;
RESET work_mem;
SET max_parallel_workers_per_gather = 2;
SET enable_hashagg = off;
SELECT count(r) FROM (SELECT g, mission_audit_reduce(e) r FROM agg_ev GROUP BY g) s;
SELECT agg_note_error('invalid_middle_parallel', :'SQLSTATE');
SELECT mission_audit_reduce(e) IS NULL FROM agg_ev WHERE g = 0;
SELECT agg_note_error('invalid_middle_huge_parallel', :'SQLSTATE');
SET max_parallel_workers_per_gather = 0;
SELECT count(w) FROM (SELECT mission_audit_reduce(e) OVER (PARTITION BY g ORDER BY ord) w FROM agg_ev WHERE g IN (1, 2)) s;
SELECT agg_note_error('invalid_middle_window', :'SQLSTATE');
SELECT mission_audit_reduce_events(jsonb_agg(e)) IS NULL FROM agg_ev
WHERE g = 0 AND ord BETWEEN :huge / 2 - 100000 AND :huge / 2 + 100000;
SELECT agg_note_error('invalid_middle_reduce_events', :'SQLSTATE');

-- still answering after all that
SELECT mission_audit_reduce(e)->>'audit_status' AS status FROM agg_ev WHERE g = 2 \gset
SELECT agg_note('alive', :'SQLSTATE', :'status' IS NOT NULL);
SELECT count(*) AS agg_inputs FROM agg_ev \gset
INSERT INTO fuzz_outcome VALUES ('agg:inputs', 'rows', :agg_inputs)
ON CONFLICT (fn, outcome) DO UPDATE SET n = excluded.n;
