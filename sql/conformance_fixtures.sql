-- conformance_fixtures: the shipped fixtures, manifest and golden replays, read from the installed share directory
\pset null '(null)'
SELECT setting || '/extension/mission_audit/' AS fixtures FROM pg_config WHERE name = 'SHAREDIR' \gset
CREATE TEMP TABLE manifest AS
SELECT f.* FROM jsonb_to_recordset(pg_read_file(:'fixtures' || 'manifest.json')::jsonb -> 'fixtures')
  AS f(id text, path text, event_type text, expected_result text, fixture_type text,
       min_version text, expected_violations jsonb, stream text);
CREATE TEMP TABLE fixture AS
SELECT m.*, pg_read_file(:'fixtures' || m.path) AS body FROM manifest m;

-- the manifest: 17 entries, 7 valid, 4 invalid, 3 streams, 3 reducer outputs
SELECT fixture_type, count(*) FROM manifest GROUP BY fixture_type ORDER BY fixture_type;
-- ids are unique kebab-case, every entry is for 2.5.0, every file is there and non-empty
SELECT count(DISTINCT id) = count(*) AS ids_unique, bool_and(id ~ '^[a-z0-9]+(-[a-z0-9]+)*$') AS kebab_case,
       bool_and(min_version = mission_audit_schema_version()) AS all_2_5_0,
       bool_and(length(body) > 0) AS files_present
  FROM fixture;
-- every reducer output names a stream in the manifest
SELECT o.id, s.path FROM manifest o LEFT JOIN manifest s ON s.id = o.stream
 WHERE o.fixture_type = 'reducer_output' ORDER BY o.id;

-- valid fixtures validate, with their declared event type
SELECT id, v->>'valid' AS valid, v->>'event_type' = event_type AS type_matches,
       jsonb_array_length(v->'violations') AS violations
  FROM fixture, mission_audit_validate(body::jsonb->>'event_type', body::jsonb->'payload') v
 WHERE fixture_type = 'valid' ORDER BY id;

-- invalid fixtures fail for exactly their named reason
SELECT id, x->>'field' AS field, x->>'type' AS type, x->>'message' AS message
  FROM fixture, mission_audit_validate(body::jsonb->>'event_type', body::jsonb->'payload') v,
       jsonb_array_elements(v->'violations') x
 WHERE fixture_type = 'invalid' ORDER BY id, field;
-- and those violations are the manifest's expected ones, no more, no fewer
SELECT id,
       (SELECT jsonb_agg(jsonb_build_object('field', x->>'field', 'type', x->>'type') ORDER BY x->>'field')
          FROM jsonb_array_elements(mission_audit_validate(body::jsonb->>'event_type', body::jsonb->'payload')->'violations') x)
     = (SELECT jsonb_agg(e ORDER BY e->>'field') FROM jsonb_array_elements(expected_violations) e) AS as_declared
  FROM fixture WHERE fixture_type = 'invalid' ORDER BY id;

-- each stream holds full valid envelopes with ULID ids
SELECT s.id, count(*) AS events, bool_and(mission_audit_event_is_valid(l.event)) AS all_valid,
       bool_and(l.event->>'event_id' ~ '^[0-9A-HJKMNP-TV-Z]{26}$') AS ulid_ids,
       string_agg(l.event->>'event_type', ', ' ORDER BY l.line_number) AS types
  FROM fixture s, mission_audit_read_jsonl(s.body) l
 WHERE s.fixture_type = 'replay_stream' GROUP BY s.id ORDER BY s.id;

-- replaying each stream gives its golden reduced state
SELECT s.id, (SELECT mission_audit_reduce(l.event) FROM mission_audit_read_jsonl(s.body) l) = o.body::jsonb AS matches_golden
  FROM fixture o JOIN fixture s ON s.id = o.stream
 WHERE o.fixture_type = 'reducer_output' ORDER BY s.id;
-- the golden states themselves
SELECT o.id, g->>'audit_status' AS status, g->>'verdict' AS verdict, g->>'event_count' AS events,
       jsonb_array_length(g->'pending_decisions') AS pending, jsonb_array_length(g->'anomalies') AS anomalies
  FROM fixture o, LATERAL (SELECT o.body::jsonb) x(g)
 WHERE o.fixture_type = 'reducer_output' ORDER BY o.id;
