-- conformance_fixtures: the shipped suites (fixtures/<contract>/, the reference's layout), replayed from the installed share directory
\pset null '(null)'
SELECT setting || '/extension/mission_audit/' AS share FROM pg_config WHERE name = 'SHAREDIR' \gset
CREATE FUNCTION pg_temp.manifest(contract text) RETURNS jsonb LANGUAGE sql
	AS $$ SELECT pg_read_file(current_setting('ma.share') || contract || '/manifest.json')::jsonb $$;
CREATE FUNCTION pg_temp.files(contract text) RETURNS jsonb LANGUAGE sql
	AS $$ SELECT jsonb_object_agg(e->>'path', pg_read_file(current_setting('ma.share') || contract || '/' || (e->>'path')))
		  FROM jsonb_array_elements(pg_temp.manifest(contract)->'fixtures') e $$;
SET ma.share = :'share';
CREATE TEMP TABLE entry AS
SELECT c AS contract, e, pg_read_file(:'share' || c || '/' || (e->>'path')) AS body
  FROM unnest(mission_audit_contracts()) c, jsonb_array_elements(pg_temp.manifest(c)->'fixtures') e;

-- each manifest has the reference's top-level keys and version
SELECT c AS contract, (SELECT array_agg(k ORDER BY k) FROM jsonb_object_keys(pg_temp.manifest(c)) k) AS keys,
       pg_temp.manifest(c)->>'version' AS version
  FROM unnest(mission_audit_contracts()) c;
-- 17 entries per contract: 7 valid, 4 invalid, 3 streams, 3 reducer outputs
SELECT contract, coalesce(e->>'fixture_type', e->>'expected_result') AS kind, count(*)
  FROM entry GROUP BY 1, 2 ORDER BY 1, 2;
-- every entry has exactly the reference's keys (fixture_type only on streams and outputs)
SELECT contract, e->>'fixture_type' AS fixture_type,
       (SELECT array_agg(k ORDER BY k) FROM jsonb_object_keys(e) k) AS keys, count(*)
  FROM entry GROUP BY 1, 2, 3 ORDER BY 1, 2;
-- ids unique, the same 17 files in both suites, no file empty
SELECT count(DISTINCT (contract, e->>'id')) = count(*) AS ids_unique,
       count(DISTINCT e->>'path') AS paths, bool_and(length(body) > 0) AS files_present
  FROM entry;
-- valid and invalid fixtures are bare payloads, never {"event_type", "payload"} wrappers
SELECT contract, bool_and(jsonb_typeof(body::jsonb) = 'object' AND NOT body::jsonb ? 'payload') AS bare_payloads
  FROM entry WHERE e->>'fixture_type' IS NULL GROUP BY 1 ORDER BY 1;

-- replaying each suite under its contract: every fixture as its manifest says
SELECT c AS contract, r.fixture_type, r.id, r.passed, r.detail
  FROM unnest(mission_audit_contracts()) c, mission_audit_conformance(pg_temp.manifest(c), pg_temp.files(c), c) r
 ORDER BY 1, 2, 3;

-- the suites are contract-specific: each one replayed under the other contract fails everywhere but the invalid fixtures
SELECT c AS suite, other AS replayed_under, r.fixture_type, count(*) FILTER (WHERE r.passed) AS passed, count(*) AS fixtures
  FROM unnest(mission_audit_contracts()) c, unnest(mission_audit_contracts()) other,
       mission_audit_conformance(pg_temp.manifest(c), pg_temp.files(c), other) r
 WHERE c <> other GROUP BY 1, 2, 3 ORDER BY 1, 2, 3;

-- the runner reports what it cannot check instead of passing it
SELECT id, passed, detail FROM mission_audit_conformance(
	'{"fixtures": [{"id": "a", "path": "mission_audit/valid/x.json", "event_type": "MissionAuditStarted", "expected_result": "valid"},
	               {"id": "b", "path": "mission_audit/replay/y_output.json", "fixture_type": "reducer_output", "expected_result": "valid"},
	               {"id": "c", "path": "mission_audit/other/z.json", "fixture_type": "snapshot", "expected_result": "valid"},
	               {"id": "d", "path": "other_family/w.json", "event_type": "MissionCreated", "expected_result": "valid"}]}',
	'{"mission_audit/replay/y_output.json": "{}", "mission_audit/other/z.json": "{}"}', '3.0.0') ORDER BY id;
-- an unknown contract is an error
SELECT * FROM mission_audit_conformance('{"fixtures": []}', '{}', '4.0.0');

-- the golden states themselves
SELECT contract, e->>'id' AS id, g->>'audit_status' AS status, g->>'verdict' AS verdict, g->>'event_count' AS events,
       g->>'mission_number' AS mission_number, g ? 'feature_slug' AS has_feature_slug,
       jsonb_array_length(g->'pending_decisions') AS pending, jsonb_array_length(g->'anomalies') AS anomalies
  FROM entry, LATERAL (SELECT body::jsonb) x(g)
 WHERE e->>'fixture_type' = 'reducer_output' ORDER BY 1, 2;
