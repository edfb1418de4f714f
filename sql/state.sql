-- state: the mission_audit_state type: catalog conditions for Citus, the functions and
-- their NULL rules, contracts, text and binary forms, the two-level (partial, combine)
-- form, windows and parallel plans.  Results are compared, not printed, except a few.

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


-- g3(r, i): event i of run r in contract 3.0.0's spelling (mission identity for feature_slug,
-- build_id and the cutover schema_version)
CREATE FUNCTION pg_temp.g3(r int, i int) RETURNS jsonb
	LANGUAGE sql IMMUTABLE
	RETURN (SELECT g || '{"build_id": "b1", "schema_version": "3.0.0"}'::jsonb
		|| CASE WHEN g->'payload' ? 'feature_slug' THEN jsonb_build_object('payload', (g->'payload') - 'feature_slug'
			|| '{"mission_slug": "042-payments-refactor", "mission_number": 42, "mission_type": "software-dev"}'::jsonb)
			ELSE '{}'::jsonb END
	FROM pg_temp.gen(r, i) g);

-- 2000 events over 500 runs, plus a re-spelled copy of event 1 in every tenth run
CREATE TABLE state_events (run int NOT NULL, seq int NOT NULL, e jsonb NOT NULL);
INSERT INTO state_events
SELECT * FROM (
	SELECT r, i, pg_temp.gen(r, i)
	FROM generate_series(1, 500) r, generate_series(1, 4) i
	UNION ALL
	SELECT r, 5, jsonb_set(pg_temp.gen(r, 1), '{event_id}', to_jsonb(uuid(md5('run' || r || '/1'))::text))
	FROM generate_series(10, 500, 10) r
) x(run, seq, e)
ORDER BY md5(e::text);
ANALYZE state_events;
CREATE TEMP TABLE reduced AS SELECT run, mission_audit_reduce(e) AS st FROM state_events GROUP BY run;

----------------------------------------------------------------------
-- What released Citus needs to split an aggregate into worker partials
----------------------------------------------------------------------

-- the transition type is a real type (not a pseudo-type), with a combine function
SELECT a.aggfnoid::regprocedure AS aggregate, a.aggtranstype::regtype AS transition_type,
	t.typtype AS type_kind, a.aggcombinefn AS combine, a.aggfinalfn AS final,
	a.aggfinalmodify AS final_modify, a.aggserialfn <> 0 AS serialfn, p.proparallel AS parallel
FROM pg_aggregate a JOIN pg_type t ON t.oid = a.aggtranstype JOIN pg_proc p ON p.oid = a.aggfnoid
WHERE p.proname LIKE 'mission_audit%' ORDER BY a.aggfnoid::regprocedure::text;
-- the type sends and receives itself in binary, is variable-length, double-aligned, toastable
SELECT typname, typinput, typoutput, typreceive, typsend, typlen, typalign, typstorage
FROM pg_type WHERE typname = 'mission_audit_state';

----------------------------------------------------------------------
-- The functions, their NULL rules and contracts
----------------------------------------------------------------------

-- a NULL state is the empty state; a NULL event changes nothing
SELECT mission_audit_state_add(NULL, NULL) IS NULL AS null_null;
SELECT mission_audit_result(NULL) = mission_audit_reduce(e) AS null_is_initial FROM state_events WHERE false;
SELECT mission_audit_result(mission_audit_state_add(NULL, pg_temp.gen(2, 1)))
	= mission_audit_reduce(pg_temp.gen(2, 1)) AS one_event;
SELECT mission_audit_result(mission_audit_state_add(mission_audit_state_add(NULL, pg_temp.gen(2, 1)), NULL))
	= mission_audit_reduce(pg_temp.gen(2, 1)) AS null_event_skipped;
SELECT mission_audit_state_merge(NULL, NULL) IS NULL AS merge_null_null;
SELECT mission_audit_result(mission_audit_state_merge(NULL, mission_audit_state_add(NULL, pg_temp.gen(2, 1))))
	= mission_audit_reduce(pg_temp.gen(2, 1)) AS merge_null_left,
	mission_audit_result(mission_audit_state_merge(mission_audit_state_add(NULL, pg_temp.gen(2, 1)), NULL))
	= mission_audit_reduce(pg_temp.gen(2, 1)) AS merge_null_right;
-- no rows: NULL states, the initial reduced state
SELECT mission_audit_reduce_state(e) IS NULL AS no_rows_state, mission_audit_merge(NULL::mission_audit_state) IS NULL AS no_states,
	mission_audit_reduce(e)->>'audit_status' AS status FROM state_events WHERE false;
-- NULL rows are skipped by every aggregate
SELECT mission_audit_result(mission_audit_reduce_state(CASE WHEN seq % 2 = 0 THEN e END))
	= mission_audit_reduce(e) FILTER (WHERE seq % 2 = 0) AS null_rows
FROM state_events WHERE run = 1;
SELECT mission_audit_result(mission_audit_merge(s)) = (SELECT st FROM reduced WHERE run = 1) AS merge_skips_nulls
FROM (SELECT mission_audit_state_add(NULL, e) s FROM state_events WHERE run = 1 UNION ALL SELECT NULL) x;
-- a state adds and merges in place and keeps the events it is given, duplicates included
SELECT mission_audit_result(mission_audit_state_merge(s, s)) = mission_audit_result(s) AS self_merge
FROM (SELECT mission_audit_reduce_state(e) s FROM state_events WHERE run = 10) x;
-- an invalid event is an error, as in the aggregate
SELECT mission_audit_state_add(NULL, '{"event_type": "MissionAuditStarted"}'); -- error
-- the contract travels with the state
SELECT mission_audit_state_add(NULL, pg_temp.g3(2, 1), '3.0.0')::text::jsonb->>'contract' AS contract;
SELECT mission_audit_state_add(NULL, pg_temp.gen(2, 1))::text::jsonb->>'contract' AS default_contract;
SELECT mission_audit_state_add(mission_audit_state_add(NULL, pg_temp.gen(2, 1), '2.5.0'), pg_temp.gen(2, 2), '3.0.0'); -- error
SELECT mission_audit_state_merge(mission_audit_state_add(NULL, pg_temp.gen(2, 1)),
	mission_audit_state_add(NULL, pg_temp.g3(2, 2), '3.0.0')); -- error
-- a NULL event adds nothing, but the contract named with it counts
SELECT mission_audit_state_add(NULL, NULL, '3.0.0')::text AS empty_3_0_0;
SELECT mission_audit_reduce_state(e, '3.0.0')::text AS no_events FROM (VALUES (NULL::jsonb)) t(e);
SELECT mission_audit_state_add(NULL, pg_temp.gen(2, 1), NULL); -- error
SELECT mission_audit_state_add(NULL, pg_temp.gen(2, 1), '9.9.9'); -- error
SELECT mission_audit_reduce(e, CASE WHEN seq = 3 THEN '3.0.0' ELSE '2.5.0' END) FROM state_events WHERE run = 1; -- error
-- the two-argument state add keeps a 3.0.0 state's contract
SELECT mission_audit_state_add(mission_audit_state_add(NULL, pg_temp.g3(2, 1), '3.0.0'), pg_temp.g3(2, 2))::text::jsonb->>'contract' AS kept;

----------------------------------------------------------------------
-- One state, several ways: each equals mission_audit_reduce for every run
----------------------------------------------------------------------

-- one aggregate call
SELECT count(*) FILTER (WHERE mission_audit_result(s) = r.st) AS equal, count(*) AS runs
FROM (SELECT run, mission_audit_reduce_state(e) s FROM state_events GROUP BY run) x JOIN reduced r USING (run);
-- the form Citus generates: partial states of disjoint subsets of each run, merged
SELECT count(*) FILTER (WHERE mission_audit_result(s) = r.st) AS equal, count(*) AS runs
FROM (SELECT run, mission_audit_merge(p) s
	FROM (SELECT run, seq % 3 AS part, mission_audit_reduce_state(e) p FROM state_events GROUP BY run, seq % 3) parts
	GROUP BY run) x JOIN reduced r USING (run);
-- merged pairwise, in either order
SELECT count(*) FILTER (WHERE mission_audit_result(mission_audit_state_merge(a, b)) = r.st
		AND mission_audit_result(mission_audit_state_merge(b, a)) = r.st) AS equal, count(*) AS runs
FROM (SELECT run, mission_audit_reduce_state(e) FILTER (WHERE seq <= 2) a,
		mission_audit_reduce_state(e) FILTER (WHERE seq > 2) b
	FROM state_events GROUP BY run) x JOIN reduced r USING (run);
-- the one-row-at-a-time projection shape: add every event to a stored state
CREATE TEMP TABLE one_by_one (run int PRIMARY KEY, state mission_audit_state NOT NULL);
DO $$
DECLARE
	ev record;
BEGIN
	FOR ev IN SELECT run, e FROM state_events ORDER BY md5(seq || e::text) LOOP
		INSERT INTO one_by_one AS o VALUES (ev.run, mission_audit_state_add(NULL, ev.e))
		ON CONFLICT (run) DO UPDATE SET state = mission_audit_state_add(o.state, ev.e);
	END LOOP;
END $$;
SELECT count(*) FILTER (WHERE mission_audit_result(o.state) = r.st) AS equal, count(*) AS runs
FROM one_by_one o JOIN reduced r USING (run);
-- rollups: a state per run per bucket, merged into a run's state
CREATE TEMP TABLE buckets AS SELECT run, seq % 2 AS bucket, mission_audit_reduce_state(e) AS state
FROM state_events GROUP BY run, seq % 2;
SELECT count(*) FILTER (WHERE mission_audit_result(s) = r.st) AS equal, count(*) AS runs
FROM (SELECT run, mission_audit_merge(state) s FROM buckets GROUP BY run) x JOIN reduced r USING (run);
-- one state of everything, merged from the per-run states, equals the one-group reduction
SELECT mission_audit_result(mission_audit_merge(state)) = (SELECT mission_audit_reduce(e) FROM state_events) AS all_runs
FROM buckets;

-- contract 3.0.0: states of its events, merged from parts and round-tripped through text,
-- equal its reduction
SELECT count(*) FILTER (WHERE mission_audit_result(s) = r AND mission_audit_result(m) = r
		AND mission_audit_result(s::text::mission_audit_state) = r
		AND s::text::jsonb->>'contract' = '3.0.0') AS equal, count(*) AS runs
FROM (SELECT run, mission_audit_reduce(pg_temp.g3(run, seq), '3.0.0') r,
		mission_audit_reduce_state(pg_temp.g3(run, seq), '3.0.0') s,
		mission_audit_state_merge(mission_audit_reduce_state(pg_temp.g3(run, seq), '3.0.0') FILTER (WHERE seq <= 2),
			mission_audit_reduce_state(pg_temp.g3(run, seq), '3.0.0') FILTER (WHERE seq > 2)) m
	FROM state_events WHERE seq <= 4 AND run <= 100 GROUP BY run) x;

----------------------------------------------------------------------
-- The text and binary forms
----------------------------------------------------------------------

-- the text form is the events that rebuild the state: a minimal envelope per record
SELECT jsonb_pretty(mission_audit_state_add(NULL, pg_temp.gen(5, 3))::text::jsonb);
-- reducing the events of a state's text form gives the state's result
SELECT count(*) FILTER (WHERE mission_audit_reduce_events(s::text::jsonb->'events') = r.st) AS equal, count(*) AS runs
FROM (SELECT run, mission_audit_reduce_state(e) s FROM state_events GROUP BY run) x JOIN reduced r USING (run);
-- text round trip
SELECT count(*) FILTER (WHERE mission_audit_result(s::text::mission_audit_state) = r.st
		AND s::text::mission_audit_state::text = s::text) AS equal, count(*) AS runs
FROM (SELECT run, mission_audit_reduce_state(e) s FROM state_events GROUP BY run) x JOIN reduced r USING (run);
-- COPY out and in, text and binary
CREATE TEMP TABLE states AS SELECT run, mission_audit_reduce_state(e) AS state FROM state_events GROUP BY run;
\copy states TO '/tmp/mission_audit_state_test.txt'
\copy states TO '/tmp/mission_audit_state_test.bin' WITH (FORMAT binary)
CREATE TEMP TABLE states_text (LIKE states);
CREATE TEMP TABLE states_binary (LIKE states);
\copy states_text FROM '/tmp/mission_audit_state_test.txt'
\copy states_binary FROM '/tmp/mission_audit_state_test.bin' WITH (FORMAT binary)
\! rm -f /tmp/mission_audit_state_test.txt /tmp/mission_audit_state_test.bin
SELECT count(*) FILTER (WHERE mission_audit_result(t.state) = r.st AND mission_audit_result(b.state) = r.st) AS equal,
	count(*) AS runs
FROM states_text t JOIN states_binary b USING (run) JOIN reduced r USING (run);
-- binary form: a version byte, then the text
SELECT get_byte(mission_audit_state_send(state), 0) AS version,
	convert_from(substr(mission_audit_state_send(state), 2), 'UTF8') = state::text AS rest_is_text
FROM states WHERE run = 1;
-- text input checks everything: errors are 22P02 and name what is wrong
\set VERBOSITY default
SELECT 'x'::mission_audit_state; -- error
SELECT '[]'::mission_audit_state; -- error
SELECT '{"events": [], "contract": "2.5.0"}'::mission_audit_state; -- error
SELECT '{"events": [], "contract": "2.5.0", "mission_audit_state": 2}'::mission_audit_state; -- error
SELECT '{"events": [], "contract": "2.5.0", "mission_audit_state": 1, "extra": 1}'::mission_audit_state; -- error
SELECT '{"events": [], "contract": "4.0.0", "mission_audit_state": 1}'::mission_audit_state; -- error
SELECT '{"events": [], "contract": 2.5, "mission_audit_state": 1}'::mission_audit_state; -- error
SELECT '{"events": {}, "contract": "2.5.0", "mission_audit_state": 1}'::mission_audit_state; -- error
SELECT '{"events": [null], "contract": "2.5.0", "mission_audit_state": 1}'::mission_audit_state; -- error
SELECT '{"events": [{"event_id": "x"}], "contract": "2.5.0", "mission_audit_state": 1}'::mission_audit_state; -- error
SELECT '{"events": [], "contract": "2.5.0", "mission_audit_state": 1}'::mission_audit_state AS empty;
CREATE FUNCTION pg_temp.err(q text) RETURNS text
	LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE q;
	RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
	RETURN SQLSTATE;
END $$;
-- every invalid text gives 22P02, including an invalid event inside
SELECT pg_temp.err($$SELECT '{"events": [{"event_id": "x"}], "contract": "2.5.0", "mission_audit_state": 1}'::mission_audit_state$$) AS bad_event,
	pg_temp.err($$SELECT '{"events": [], "contract": "4.0.0", "mission_audit_state": 1}'::mission_audit_state$$) AS bad_contract,
	pg_temp.err($$SELECT '{"events": [], "contract": "2.5.0", "mission_audit_state": 1'::mission_audit_state$$) AS bad_json;
-- a tampered event (a changed timestamp, clock or id) is a different, valid event or an error, never a bad state
SELECT pg_temp.err(format('SELECT %L::mission_audit_state', replace(mission_audit_state_add(NULL, pg_temp.gen(5, 3))::text,
	'"timestamp": "2026-03-01T10:05:03+00:00"', '"timestamp": "2026-02-30T10:05:03+00:00"'))) AS bad_timestamp,
	pg_temp.err(format('SELECT %L::mission_audit_state', replace(mission_audit_state_add(NULL, pg_temp.gen(5, 3))::text,
	'"lamport_clock": 3', '"lamport_clock": -3'))) AS negative_clock;

----------------------------------------------------------------------
-- Windows and parallel plans
----------------------------------------------------------------------

-- a running window: the final function runs once per row on a state the frame keeps growing
SELECT count(*) FILTER (WHERE a = b AND a = c) AS equal, count(*) AS rows
FROM (SELECT mission_audit_reduce(e) OVER w a, mission_audit_result(mission_audit_reduce_state(e) OVER w) b,
		mission_audit_reduce_events(jsonb_agg(e) OVER w) c
	FROM state_events WINDOW w AS (PARTITION BY run ORDER BY seq)) x;
-- a sliding frame (restarted for every row)
SELECT count(*) FILTER (WHERE a = b) AS equal, count(*) AS rows
FROM (SELECT mission_audit_reduce(e) OVER w a, mission_audit_reduce_events(jsonb_agg(e) OVER w) b
	FROM state_events WINDOW w AS (PARTITION BY run ORDER BY seq ROWS BETWEEN 1 PRECEDING AND CURRENT ROW)) x;

SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
SET enable_hashagg = off;
-- partial states cross from the workers as flat values: no serialize step
EXPLAIN (COSTS OFF) SELECT run, mission_audit_reduce_state(e) FROM state_events GROUP BY run;
CREATE TEMP TABLE parallel_states AS SELECT run, mission_audit_reduce_state(e) AS state FROM state_events GROUP BY run;
RESET enable_hashagg;
EXPLAIN (COSTS OFF) SELECT mission_audit_merge(state) FROM states;
CREATE TEMP TABLE parallel_merged AS SELECT mission_audit_result(mission_audit_merge(state)) AS st FROM states;
CREATE TEMP TABLE parallel_all AS SELECT mission_audit_reduce(e) AS st FROM state_events;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET parallel_leader_participation;
SET max_parallel_workers_per_gather = 0;
SELECT count(*) FILTER (WHERE mission_audit_result(p.state) = r.st) AS equal, count(*) AS runs
FROM parallel_states p JOIN reduced r USING (run);
SELECT (SELECT st FROM parallel_merged) = (SELECT mission_audit_reduce(e) FROM state_events) AS merged_same,
	(SELECT st FROM parallel_all) = (SELECT mission_audit_reduce(e) FROM state_events) AS all_same;
-- hash aggregation, spilling to disk: states leave and re-enter through their flat form
SET enable_sort = off;
SET work_mem = '64kB';
SELECT count(*) FILTER (WHERE mission_audit_result(s) = r.st) AS equal, count(*) AS runs
FROM (SELECT run, mission_audit_reduce_state(e) s FROM state_events GROUP BY run) x JOIN reduced r USING (run);
RESET enable_sort;
RESET work_mem;
DROP TABLE state_events;
