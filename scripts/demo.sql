-- demo.sql: the tour scripts/demo.sh runs; one step a screen.
--
-- psql variables: fixtures (the fixture directory shown), fixtures_found (t/f).  When
-- fixtures_found, demo.sh has loaded every file below it into mission_audit_demo.fixture_file
-- (path relative to that directory, body).  Everything the tour creates lives in the schema
-- mission_audit_demo, dropped at the end.
\set ON_ERROR_STOP 1
\pset footer off
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS mission_audit;
SELECT set_config('search_path', 'mission_audit_demo, ' || extnamespace::regnamespace::text, false) AS path
  FROM pg_extension WHERE extname = 'mission_audit' \gset

SELECT format('mission_audit %s (contract %s) on PostgreSQL %s', extversion, mission_audit_schema_version(),
			  split_part(current_setting('server_version'), ' ', 1)) AS line
  FROM pg_extension WHERE extname = 'mission_audit' \gset
\echo :line

-- demo_event(run, clock, type, fields): an envelope of run's audit at Lamport clock `clock`.
CREATE FUNCTION demo_event(run text, clock int, type text, fields jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
	SELECT jsonb_build_object(
		'event_id', md5(run || '/' || clock || '/' || type)::uuid::text,
		'event_type', type,
		'aggregate_id', 'audit/mission-7/' || run,
		'timestamp', to_char(timestamp '2026-11-02 09:00' + clock * interval '1 minute', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
		'node_id', 'node-1',
		'lamport_clock', clock,
		'project_uuid', '12345678-1234-5678-1234-567812345678',
		'correlation_id', md5(run)::uuid::text,
		'payload', jsonb_build_object('mission_id', 'mission-7', 'run_id', run,
									  'feature_slug', '007-audit-demo', 'actor', 'ci') || fields)
$$;

-- four runs: passed; waiting for a human; failed; and one whose log has anomalies
CREATE TABLE demo_source AS
SELECT demo_event(run, clock, type, fields::jsonb) AS event
  FROM (VALUES
	('run-1', 1, 'MissionAuditRequested', '{"trigger_mode": "post_merge", "audit_scope": ["src/"], "enforcement_mode": "blocking"}'),
	('run-1', 2, 'MissionAuditStarted', '{"audit_scope_hash": "sha256:1f0e"}'),
	('run-1', 3, 'MissionAuditCompleted', '{"verdict": "pass", "severity": "info", "findings_count": 0, "summary": "clean",
		"artifact_ref": {"report_path": "audit/run-1.json", "content_hash": {"hash": "9a1c", "algorithm": "sha256"}, "provenance": {}}}'),
	('run-2', 1, 'MissionAuditRequested', '{"trigger_mode": "manual", "audit_scope": ["docs/", "src/"], "enforcement_mode": "advisory"}'),
	('run-2', 2, 'MissionAuditStarted', '{"audit_scope_hash": "sha256:77ab"}'),
	('run-2', 3, 'MissionAuditDecisionRequested', '{"decision_id": "d-1", "question": "Waive finding F-2?",
		"context_summary": "license header missing", "severity": "warning"}'),
	('run-3', 1, 'MissionAuditRequested', '{"trigger_mode": "manual", "audit_scope": ["src/"], "enforcement_mode": "blocking"}'),
	('run-3', 2, 'MissionAuditStarted', '{"audit_scope_hash": "sha256:c3d4"}'),
	('run-3', 3, 'MissionAuditFailed', '{"error_code": "TIMEOUT", "error_message": "auditor timed out after 600 s"}'),
	('run-4', 1, 'MissionAuditStarted', '{"audit_scope_hash": "sha256:0bad"}'),
	('run-4', 2, 'MissionAuditRequested', '{"trigger_mode": "manual", "audit_scope": ["src/"], "enforcement_mode": "advisory"}'),
	('run-4', 3, 'MissionAuditDecisionRequested', '{"decision_id": "d-9", "question": "Ship with 2 findings?",
		"context_summary": "two medium findings", "severity": "error"}'),
	('run-4', 4, 'MissionAuditDecisionRequested', '{"decision_id": "d-9", "question": "Ship with 2 findings? (again)",
		"context_summary": "asked twice", "severity": "error"}'),
	('run-4', 5, 'MissionAuditCompleted', '{"verdict": "fail", "severity": "error", "findings_count": 2, "summary": "2 findings",
		"artifact_ref": {"report_path": "audit/run-4.json", "content_hash": {"hash": "e5f6", "algorithm": "sha512"}, "provenance": {}}}'),
	('run-4', 6, 'MissionAuditFailed', '{"error_code": "LATE", "error_message": "reported after completion"}')
  ) v(run, clock, type, fields);

\echo
\echo '== 1. Keep bad events out: a CHECK constraint'
CREATE TABLE audit_events (
	id    bigserial PRIMARY KEY,
	run   text NOT NULL GENERATED ALWAYS AS (event #>> '{payload,run_id}') STORED,
	event jsonb NOT NULL CHECK (mission_audit_event_is_valid(event))
);
\echo 'CREATE TABLE audit_events (id bigserial, run text GENERATED ALWAYS AS (event #>> ''{payload,run_id}'') STORED,'
\echo '                           event jsonb NOT NULL CHECK (mission_audit_event_is_valid(event)))'
INSERT INTO audit_events (event) SELECT event FROM demo_source ORDER BY md5(event::text);
-- demo_order(table): the first events of a table in storage order, as run@clock
CREATE FUNCTION demo_order(t regclass) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	r text;
BEGIN
	EXECUTE format('SELECT string_agg(e, '' '') FROM (SELECT run || ''@'' || (event->>''lamport_clock'') AS e
					FROM %s ORDER BY id LIMIT 6) x', t) INTO r;
	RETURN r || ' ...';
END
$$;
SELECT format('inserted %s valid events of %s runs, shuffled (run@clock): %s', count(*), count(DISTINCT run),
			  demo_order('audit_events')) AS line
  FROM audit_events \gset
\echo :line

-- demo_try(sql): run sql, return the error it raises ('' when none).
CREATE FUNCTION demo_try(sql text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE sql;
	RETURN '';
EXCEPTION WHEN OTHERS THEN
	RETURN format('ERROR %s: %s', SQLSTATE, SQLERRM);
END
$$;
CREATE TABLE demo_bad AS
SELECT demo_event('run-5', 3, 'MissionAuditCompleted', '{"verdict": "PASS", "severity": "info", "findings_count": -1,
	"summary": "ok", "artifact_ref": {"report_path": "r.json", "content_hash": {"hash": "ab", "algorithm": "sha1"},
	"provenance": {}}}') AS event;
\echo 'an event with verdict "PASS", findings_count -1 and a sha1 hash:'
SELECT '  INSERT: ' || demo_try('INSERT INTO audit_events (event) SELECT event FROM demo_bad') AS line \gset
\echo :line
\echo '  mission_audit_validate_event(event) says why:'
SELECT format('    %-44s %-19s %s', v->>'field', v->>'type', v->>'message') AS "violation"
  FROM demo_bad, jsonb_array_elements(mission_audit_validate_event(event)->'violations') v
\g (tuples_only=on format=unaligned)

\echo
\echo '== 2. Reduce every run: one GROUP BY, no ORDER BY'
CREATE FUNCTION demo_summary(s jsonb) RETURNS TABLE (status text, verdict text, pending int, anomalies text)
LANGUAGE sql IMMUTABLE AS $$
	SELECT s->>'audit_status', coalesce(s->>'verdict', ''), jsonb_array_length(s->'pending_decisions'),
		   coalesce((SELECT string_agg(a->>'kind', ', ') FROM jsonb_array_elements(s->'anomalies') a), '')
$$;
CREATE TABLE states_1 AS SELECT run, mission_audit_reduce(event) AS state FROM audit_events GROUP BY run;
SELECT run, d.* FROM states_1, demo_summary(state) d ORDER BY run;

-- the same events loaded again in another order, reduced again
CREATE TABLE audit_events_2 (LIKE audit_events INCLUDING ALL);
INSERT INTO audit_events_2 (event) SELECT event FROM demo_source ORDER BY md5(event::text) DESC;
CREATE TABLE states_2 AS SELECT run, mission_audit_reduce(event) AS state FROM audit_events_2 GROUP BY run;
SELECT format('the same events in another table, in another order (%s):', demo_order('audit_events_2'))
	|| format(E'\n%s/%s runs reduce to the identical state (jsonb = on the whole state)',
			  count(*) FILTER (WHERE a.state = b.state), count(*)) AS line
  FROM states_1 a FULL JOIN states_2 b USING (run) \gset
\echo :line
\echo

\echo '== 3. Watch a run evolve: a window over run-2'
SELECT (event->>'lamport_clock')::int AS clock, event->>'event_type' AS event_type,
	   mission_audit_reduce(event) OVER w ->> 'audit_status' AS status_after,
	   jsonb_array_length(mission_audit_reduce(event) OVER w -> 'pending_decisions') AS pending
  FROM audit_events WHERE run = 'run-2'
WINDOW w AS (ORDER BY (event->>'lamport_clock')::int)
 ORDER BY clock;

\echo '== 4. A run with anomalies: run-4 (started before requested, a decision asked twice, an event after the end)'
SELECT a->>'kind' AS kind, a->>'message' AS message
  FROM states_1, jsonb_array_elements(state->'anomalies') a WHERE run = 'run-4';

\echo '== 5. The contract''s own fixtures:' :fixtures
\if :fixtures_found
-- manifest entries, and the file each names
CREATE TABLE fixture AS
SELECT m.*, f.body
  FROM jsonb_to_recordset((SELECT body::jsonb FROM fixture_file WHERE path = 'manifest.json') -> 'fixtures')
	   AS m(id text, path text, event_type text, expected_result text, fixture_type text)
  LEFT JOIN fixture_file f USING (path);

SELECT format('%-52s %3s events  %-10s %-18s %s', regexp_replace(r.path, '^.*/', ''),
			  (SELECT count(*) FROM mission_audit_read_jsonl(r.body)),
			  s->>'audit_status', coalesce(s->>'verdict', '-'),
			  CASE WHEN o.body IS NULL THEN 'NO GOLDEN STATE'
				   WHEN s = o.body::jsonb THEN 'matches its golden state'
				   ELSE 'DIFFERS from its golden state' END) AS replay
  FROM fixture r
 CROSS JOIN LATERAL (SELECT mission_audit_reduce(event) AS s FROM mission_audit_read_jsonl(r.body)) x
  LEFT JOIN fixture o ON o.fixture_type = 'reducer_output' AND o.path = regexp_replace(r.path, '\.jsonl$', '_output.json')
 WHERE r.fixture_type = 'replay_stream' AND r.body IS NOT NULL
 ORDER BY r.path
\g (tuples_only=on format=unaligned)

CREATE TABLE verdict AS
SELECT f.path, f.event_type, f.expected_result, (v->>'valid')::boolean AS valid,
	   (SELECT string_agg(x->>'field' || ': ' || (x->>'type'), ', ') FROM jsonb_array_elements(v->'violations') x) AS why
  FROM fixture f, mission_audit_validate(f.event_type, f.body::jsonb) v
 WHERE f.fixture_type IS NULL AND f.body IS NOT NULL;
SELECT rtrim(format('%-7s %-52s %-29s %s', CASE WHEN valid THEN 'valid' ELSE 'invalid' END,
			  regexp_replace(path, '^.*/', ''), event_type,
			  CASE WHEN valid = (expected_result = 'valid') THEN '' ELSE 'UNEXPECTED ' END || coalesce('(' || why || ')', '')))
  FROM verdict ORDER BY valid DESC, path
\g (tuples_only=on format=unaligned)

SELECT format('%s/%s streams match their golden states, %s/%s fixture verdicts as expected%s',
	(SELECT count(*) FROM fixture r
	   JOIN fixture o ON o.fixture_type = 'reducer_output' AND o.path = regexp_replace(r.path, '\.jsonl$', '_output.json')
	  WHERE r.fixture_type = 'replay_stream'
		AND (SELECT mission_audit_reduce(event) FROM mission_audit_read_jsonl(r.body)) = o.body::jsonb),
	(SELECT count(*) FROM fixture WHERE fixture_type = 'replay_stream'),
	(SELECT count(*) FROM verdict WHERE valid = (expected_result = 'valid')),
	(SELECT count(*) FROM fixture WHERE fixture_type IS NULL),
	CASE WHEN EXISTS (SELECT FROM fixture WHERE body IS NULL)
		 THEN format(' (%s manifest entries without their file)', (SELECT count(*) FROM fixture WHERE body IS NULL)) ELSE '' END) AS line \gset
\echo :line
\else
\echo 'not installed there: make install puts the fixtures under $(pg_config --sharedir)/extension/mission_audit/<contract>/'
\endif

RESET search_path;
DROP SCHEMA mission_audit_demo CASCADE;
