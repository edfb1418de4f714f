-- contract_3_0_0_edges: contract 3.0.0 at its edges, found in review: the two-argument
-- aggregate over zero rows in every plan, DETAIL lines bounded for huge keys and signals,
-- unknown keys that are empty, dotted or sort among the declared ones, partial_artifact_ref
-- null or an object, and the gate's walk at depth.
\pset null '(null)'
-- e(payload changes, envelope changes): a valid 3.0.0 Failed envelope, changed
CREATE FUNCTION pg_temp.e(p jsonb DEFAULT '{}', env jsonb DEFAULT '{}') RETURNS jsonb LANGUAGE sql IMMUTABLE
	RETURN jsonb_build_object('event_id', '01KJMDG5V0TYH7V1YX0D5DBCKG', 'event_type', 'MissionAuditFailed',
		'aggregate_id', 'audit/mission-042/run-007', 'timestamp', '2026-03-01T10:01:00Z',
		'build_id', 'build-2026-03-01', 'node_id', 'local-node-001', 'lamport_clock', 2,
		'project_uuid', '3f2b8c1e-7d4a-4e9b-a6c2-91d05e8f4b27', 'correlation_id', '01KJMDEB8081053JXNQBZCQZSP',
		'schema_version', '3.0.0',
		'payload', '{"mission_id": "mission-042", "run_id": "run-007", "mission_slug": "042-payments",
			"mission_number": 42, "mission_type": "software-dev", "actor": "agent-claude",
			"error_code": "E1", "error_message": "boom"}'::jsonb || p) || env;
-- v(event): the 3.0.0 verdicts, fast and full, and the violations' fields and types
CREATE FUNCTION pg_temp.v(event jsonb, OUT fast boolean, OUT valid boolean, OUT violations text)
	LANGUAGE sql IMMUTABLE
	AS $$ SELECT mission_audit_event_is_valid(event, '3.0.0'), (r->>'valid')::boolean,
			(SELECT string_agg(format('%s:%s', x->>'field', x->>'type'), ' ' ORDER BY o)
			 FROM jsonb_array_elements(r->'violations') WITH ORDINALITY a(x, o))
		  FROM mission_audit_validate_event(event, '3.0.0') r $$;
-- detail(event): the length of normalize_event's DETAIL, its last 60 characters, and the
-- three characters before the first clip
CREATE FUNCTION pg_temp.detail(event jsonb, OUT len int, OUT tail text, OUT clip text) LANGUAGE plpgsql AS $$
DECLARE
	d text;
BEGIN
	PERFORM mission_audit_normalize_event(event, '3.0.0');
EXCEPTION WHEN others THEN
	GET STACKED DIAGNOSTICS d = PG_EXCEPTION_DETAIL;
	len := length(d);
	tail := right(d, 60);
	clip := substring(d FROM '(...)\.\.\. \(\d+ bytes\)');
END $$;

-- zero rows: the initial 3.0.0 state whatever the plan, with ORDER BY, DISTINCT and FILTER too
CREATE TABLE edges_ev (pos int, e jsonb);
SELECT mission_audit_reduce(e, '3.0.0') ? 'mission_number' AS plain FROM edges_ev;
SELECT mission_audit_reduce(e, '3.0.0' ORDER BY pos) ? 'mission_number' AS ordered FROM edges_ev;
SELECT mission_audit_reduce(DISTINCT e, '3.0.0') ? 'mission_number' AS distinct_rows FROM edges_ev;
SELECT mission_audit_reduce(e, '3.0.0') FILTER (WHERE pos > 0) ? 'mission_number' AS filtered FROM edges_ev;
SELECT mission_audit_reduce(e ORDER BY pos) ? 'feature_slug' AS one_argument_ordered FROM edges_ev;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF) SELECT mission_audit_reduce(e, '3.0.0') FROM edges_ev;
SELECT mission_audit_reduce(e, '3.0.0') ? 'mission_number' AS parallel FROM edges_ev;
SELECT mission_audit_reduce(e, '2.5.0') ? 'feature_slug' AS parallel_2_5_0 FROM edges_ev;
RESET max_parallel_workers_per_gather;
RESET min_parallel_table_scan_size;
RESET parallel_tuple_cost;
RESET parallel_setup_cost;
-- a contract taken from the rows: no row named one, so NULL
SELECT mission_audit_reduce(e, 'x' || pos) AS from_rows FROM edges_ev;
DROP TABLE edges_ev;

-- a 1 MB unknown key: the report names it whole, the DETAIL clips it
SELECT length(v->>'field') AS field_length, v->>'type' AS type
FROM jsonb_array_elements(mission_audit_validate_event(pg_temp.e(jsonb_build_object(repeat('k', 1000000), 1)), '3.0.0')->'violations') v;
SELECT * FROM pg_temp.detail(pg_temp.e(jsonb_build_object(repeat('k', 1000000), 1)));
-- twelve of them: ten short lines and a count
SELECT * FROM pg_temp.detail(pg_temp.e((SELECT jsonb_object_agg(repeat(chr(96 + i), 1000000), i) FROM generate_series(1, 12) i)));
-- a 1 MB schema_version: the gate's message repeats it, as the reference's does; the DETAIL clips it
SELECT length(v->'violations'->0->>'message') AS message_length, left(v->'violations'->0->>'message', 45) AS message
FROM mission_audit_validate_event(pg_temp.e(env => jsonb_build_object('schema_version', repeat('3', 1000000) || '.0.0')), '3.0.0') v;
SELECT * FROM pg_temp.detail(pg_temp.e(env => jsonb_build_object('schema_version', repeat('3', 1000000) || '.0.0')));
-- multibyte text is clipped at a character boundary
SELECT * FROM pg_temp.detail(pg_temp.e(jsonb_build_object(repeat('é', 1000), 1)));

-- unknown keys: empty, dotted, sorting among the declared keys (jsonb orders by length, then bytes)
SELECT * FROM pg_temp.v(pg_temp.e('{"": 1}'));
SELECT * FROM pg_temp.v(pg_temp.e('{"a.b": 1}'));
SELECT * FROM pg_temp.v(pg_temp.e('{"actor0": 1}'));
SELECT * FROM pg_temp.v(pg_temp.e('{"run_idx": 1}'));
SELECT * FROM pg_temp.v(pg_temp.e('{"mission_id ": 1}'));
SELECT * FROM pg_temp.v(pg_temp.e('{"Mission_id": "m"}'));
SELECT * FROM pg_temp.v(pg_temp.e('{"error_cod": "x", "error_codf": "y"}'));
-- partial_artifact_ref: null is fine, {} misses its fields, unknown keys at each level
SELECT * FROM pg_temp.v(pg_temp.e('{"partial_artifact_ref": null}'));
SELECT * FROM pg_temp.v(pg_temp.e('{"partial_artifact_ref": {}}'));
SELECT * FROM pg_temp.v(pg_temp.e('{"partial_artifact_ref": {"": null}}'));
SELECT * FROM pg_temp.v(pg_temp.e('{"partial_artifact_ref": {"report_path": "r",
	"content_hash": {"hash": "h", "algorithm": "md5", "x": 1, "": 2},
	"provenance": {"git_sha": null, "git_shb": 1}, "z": null}}'));
SELECT * FROM pg_temp.v(pg_temp.e('{"partial_artifact_ref": {"report_path": "r",
	"content_hash": {"hash": "h", "algorithm": "md5"}, "provenance": {}}}'));

-- the gate walks keys at any depth, arrays included, and never values
SELECT * FROM pg_temp.v(pg_temp.e(env => jsonb_build_object('x', (repeat('[', 3000) || '{"mission_key": 1}' || repeat(']', 3000))::jsonb)));
SELECT * FROM pg_temp.v(pg_temp.e(env => jsonb_build_object('x', (repeat('[', 3000) || '"mission_key"' || repeat(']', 3000))::jsonb)));
SELECT * FROM pg_temp.v(pg_temp.e(env => jsonb_build_object('x', (SELECT jsonb_agg(jsonb_build_object('a' || i, i)) FROM generate_series(1, 100000) i)
	|| '[{"legacy_aggregate_id": 0}]')));
