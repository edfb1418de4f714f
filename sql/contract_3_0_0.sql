-- contract_3_0_0: contract 3.0.0 beside 2.5.0, difference by difference (rule book D1-D18),
-- the contract argument, the identity backfill, mixed-contract errors and the migration pattern
\pset null '(null)'
-- p(type, changes): a valid 3.0.0 payload of an audit type, with changes merged in
CREATE FUNCTION pg_temp.p(type text, changes jsonb DEFAULT '{}') RETURNS jsonb LANGUAGE sql IMMUTABLE
	RETURN '{"mission_id": "mission-042", "run_id": "run-007", "mission_slug": "042-payments-refactor",
		"mission_number": 42, "mission_type": "software-dev", "actor": "agent-claude"}'::jsonb
	|| CASE type
	WHEN 'MissionAuditRequested' THEN
		'{"trigger_mode": "manual", "audit_scope": ["spec.md"], "enforcement_mode": "advisory"}'::jsonb
	WHEN 'MissionAuditStarted' THEN '{"audit_scope_hash": "sha256:80492393"}'::jsonb
	WHEN 'MissionAuditDecisionRequested' THEN
		'{"decision_id": "dec-001", "question": "Accept?", "context_summary": "No spec.", "severity": "warning"}'::jsonb
	WHEN 'MissionAuditCompleted' THEN
		'{"verdict": "pass", "severity": "info", "findings_count": 0, "summary": "Clean.",
		  "artifact_ref": {"report_path": "audits/report.json",
			"content_hash": {"hash": "88d3772c", "algorithm": "sha256"}, "provenance": {"actor_kind": "llm"}}}'::jsonb
	WHEN 'MissionAuditFailed' THEN '{"error_code": "AUDIT_TIMEOUT", "error_message": "Timed out."}'::jsonb
	END || changes;
-- a2(payload): the 2.5.0 spelling of a 3.0.0 payload (feature_slug for the three identity fields)
CREATE FUNCTION pg_temp.a2(payload jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE
	RETURN payload - 'mission_slug' - 'mission_number' - 'mission_type' || '{"feature_slug": "042-payments-refactor"}';
-- e(n, type, payload, contract): envelope n of a stream, in the contract's spelling
CREATE FUNCTION pg_temp.e(n int, type text, payload jsonb, contract text DEFAULT '3.0.0') RETURNS jsonb LANGUAGE sql IMMUTABLE
	RETURN jsonb_build_object('event_id', '01KJMDG5V0TYH7V1YX0D5DBC' || lpad(n::text, 2, '0'), 'event_type', type,
		'aggregate_id', 'audit/mission-042/run-007', 'timestamp', '2026-03-01T10:00:00Z', 'node_id', 'n1',
		'lamport_clock', n, 'project_uuid', '3f2b8c1e-7d4a-4e9b-a6c2-91d05e8f4b27',
		'correlation_id', '01KJMDEB8081053JXNQBZCQZSP', 'payload', payload)
	|| CASE contract WHEN '3.0.0' THEN '{"build_id": "b1", "schema_version": "3.0.0"}'::jsonb
	   ELSE '{"schema_version": "2.5.0"}'::jsonb END;
-- pairs(result): a validation result's violations as field:type, in order
CREATE FUNCTION pg_temp.pairs(result jsonb) RETURNS text LANGUAGE sql IMMUTABLE
	RETURN (SELECT coalesce(string_agg((v->>'field') || ':' || (v->>'type'), ', ' ORDER BY n), '(none)')
		FROM jsonb_array_elements(result->'violations') WITH ORDINALITY x(v, n));
-- v3(type, payload): the 3.0.0 payload verdict as field:type pairs
CREATE FUNCTION pg_temp.v3(type text, payload jsonb) RETURNS text LANGUAGE sql IMMUTABLE
	RETURN pg_temp.pairs(mission_audit_validate(type, payload, '3.0.0'));

-- the contracts, and how a contract argument is checked
SELECT mission_audit_contracts();
SELECT mission_audit_is_valid('MissionAuditStarted', pg_temp.p('MissionAuditStarted'), '3.0');
SELECT mission_audit_event_is_valid('{}', '2.5');
SELECT mission_audit_reduce_events('[]', 'latest');
SELECT mission_audit_validate('MissionAuditStarted', '{}', NULL) IS NULL AS strict,
       mission_audit_event_is_valid('{}', NULL) IS NULL AS strict_event;
-- every valid payload of one contract is invalid under the other, whatever the event type (D1)
SELECT t AS event_type, mission_audit_is_valid(t, pg_temp.p(t), '3.0.0') AS b_under_3,
       mission_audit_is_valid(t, pg_temp.p(t), '2.5.0') AS b_under_2,
       mission_audit_is_valid(t, pg_temp.a2(pg_temp.p(t)), '2.5.0') AS a_under_2,
       mission_audit_is_valid(t, pg_temp.a2(pg_temp.p(t)), '3.0.0') AS a_under_3,
       mission_audit_is_valid(t, pg_temp.a2(pg_temp.p(t))) AS a_old_signature
  FROM unnest(mission_audit_event_types()) t;

-- D1: the identity fields, in model order; an A-style payload misses three and has one extra (p01)
SELECT pg_temp.v3('MissionAuditStarted', pg_temp.a2(pg_temp.p('MissionAuditStarted')));
SELECT pg_temp.v3('MissionAuditStarted', '{}');
SELECT pg_temp.pairs(mission_audit_validate('MissionAuditStarted', pg_temp.p('MissionAuditStarted'), '2.5.0'));
-- D2: one extra_forbidden per unknown key, after the declared fields, at the key; the message is pydantic's
SELECT pg_temp.v3('MissionAuditStarted', pg_temp.p('MissionAuditStarted', '{"note": 1}'));
SELECT v->>'field' AS field, v->>'type' AS type, v->>'message' AS message, v->'input' AS input
  FROM jsonb_array_elements(mission_audit_validate('MissionAuditStarted',
	   pg_temp.p('MissionAuditStarted', '{"note": [1, 2]}') - 'actor', '3.0.0')->'violations') v;
-- several unknown keys: one each, in jsonb's key order (shorter first, then bytewise), not input order
SELECT pg_temp.v3('MissionAuditStarted', pg_temp.p('MissionAuditStarted', '{"zz": 1, "a": 2, "feature_slug": 3, "": 4}'));
-- 2.5.0 ignores unknown keys
SELECT mission_audit_is_valid('MissionAuditStarted', pg_temp.a2(pg_temp.p('MissionAuditStarted')) || '{"note": 1}', '2.5.0') AS ignored_in_2_5_0;
-- D3, D4: nested references forbid unknown keys too, each after its own fields, ordered as pydantic does (p07a)
SELECT pg_temp.v3('MissionAuditCompleted', pg_temp.p('MissionAuditCompleted', jsonb_build_object('artifact_ref',
	pg_temp.p('MissionAuditCompleted')->'artifact_ref' || '{"extra": 1}')));
SELECT pg_temp.v3('MissionAuditCompleted', pg_temp.a2(pg_temp.p('MissionAuditCompleted')) || jsonb_build_object('artifact_ref',
	'{"report_path": "r", "content_hash": {"hash": "h", "algorithm": "md5", "x": 1},
	  "provenance": {"note": 1}, "extra": 1}'::jsonb));
SELECT pg_temp.v3('MissionAuditFailed', pg_temp.p('MissionAuditFailed', jsonb_build_object('partial_artifact_ref',
	pg_temp.p('MissionAuditCompleted')->'artifact_ref' || '{"extra": 1}')));
SELECT pg_temp.v3('MissionAuditFailed', pg_temp.p('MissionAuditFailed', '{"partial_artifact_ref": null}'));
-- D5: mission_number by pydantic's lax int, then the schema's integer >= 1
SELECT x AS mission_number, mission_audit_is_valid('MissionAuditStarted', pg_temp.p('MissionAuditStarted',
		jsonb_build_object('mission_number', x)), '3.0.0') AS valid,
       pg_temp.v3('MissionAuditStarted', pg_temp.p('MissionAuditStarted', jsonb_build_object('mission_number', x))) AS violations
  FROM (VALUES ('1'::jsonb), ('10'), ('10.0'), ('1e1'), ('18446744073709551616'), ('123456789012345678901234567890'),
	('"10"'), ('" 3 "'), ('"0"'), ('"-5"'), ('true'), ('false'), ('0'), ('-1'), ('0.0'), ('-1e30'), ('1.5'), ('0.5'),
	('null'), ('[1]'), ('{}'), ('"abc"'), ('""')) v(x);
-- D6: the 3.0.0 schemas are served by the contract argument (see schema_drift)
SELECT mission_audit_payload_schema('MissionAuditStarted', '3.0.0')->'required' AS required,
       mission_audit_payload_schema('MissionAuditStarted', '3.0.0')->'additionalProperties' AS additional;
-- D13, D14 (deliberately not adopted): mission_audit_validate always reads a payload, so an envelope
-- given to it is a payload with missing fields and unknown keys (the reference's p13c shape)
SELECT pg_temp.v3('MissionAuditStarted', jsonb_build_object('event_type', 'MissionAuditStarted',
	'payload', pg_temp.p('MissionAuditStarted'), 'schema_version', '3.0.0'));
SELECT pg_temp.v3('MissionAuditStarted', '[1]'), pg_temp.v3('MissionAuditStarted', '"x"');

-- D16: build_id is required, a string of at least one character
SELECT pg_temp.pairs(mission_audit_validate_event(pg_temp.e(1, 'MissionAuditStarted', pg_temp.p('MissionAuditStarted')) - 'build_id', '3.0.0'));
SELECT pg_temp.pairs(mission_audit_validate_event(pg_temp.e(1, 'MissionAuditStarted', pg_temp.p('MissionAuditStarted')) || '{"build_id": ""}', '3.0.0'));
SELECT pg_temp.pairs(mission_audit_validate_event(pg_temp.e(1, 'MissionAuditStarted', pg_temp.p('MissionAuditStarted')) || '{"build_id": 7}', '3.0.0'));
-- in 2.5.0 build_id is an unknown envelope key, ignored
SELECT mission_audit_event_is_valid(pg_temp.e(1, 'MissionAuditStarted', pg_temp.a2(pg_temp.p('MissionAuditStarted')), '2.5.0') || '{"build_id": 7}', '2.5.0') AS ignored_in_2_5_0;
-- the envelope's payload is checked by 3.0.0's payload models, with the payload. prefix
SELECT pg_temp.pairs(mission_audit_validate_event(pg_temp.e(1, 'MissionAuditStarted', pg_temp.p('MissionAuditStarted', '{"note": 1, "mission_number": "7"}')), '3.0.0'));
-- D17: schema_version's default is "3.0.0" in the model, but the gate demands it be present, so
-- normalize_event never fills it in 3.0.0; 2.5.0 still fills "1.0.0"
SELECT mission_audit_normalize_event(pg_temp.e(1, 'MissionAuditStarted', pg_temp.p('MissionAuditStarted')) - 'schema_version', '3.0.0');
SELECT mission_audit_normalize_event(pg_temp.e(1, 'MissionAuditStarted', pg_temp.a2(pg_temp.p('MissionAuditStarted')), '2.5.0') - 'schema_version')->>'schema_version' AS default_2_5_0;
-- normalize_event under 3.0.0 keeps build_id and normalizes as 2.5.0 does
SELECT n->>'build_id' AS build_id, n->>'event_id' AS event_id, n->>'schema_version' AS schema_version, n->'data_tier' AS data_tier
  FROM mission_audit_normalize_event(pg_temp.e(1, 'MissionAuditStarted', pg_temp.p('MissionAuditStarted'))
	   || '{"event_id": "01kjmdg5v0tyh7v1yx0d5dbc01"}', '3.0.0') n;
-- D18: unknown envelope keys stay allowed in 3.0.0
SELECT mission_audit_event_is_valid(pg_temp.e(1, 'MissionAuditStarted', pg_temp.p('MissionAuditStarted')) || '{"trace": {"x": 1}}', '3.0.0') AS extra_envelope_key;

-- D7: the reduced state's keys
SELECT c AS contract, (SELECT array_agg(k ORDER BY k) FROM jsonb_object_keys(mission_audit_reduce_events('[]', c)) k) AS keys
  FROM unnest(mission_audit_contracts()) c;
-- D8: Requested sets the identity (and overwrites an earlier backfill: r04)
SELECT s->>'mission_id' AS mission_id, s->>'mission_slug' AS slug, s->'mission_number' AS number, s->>'mission_type' AS type
  FROM mission_audit_reduce_events(jsonb_build_array(
	pg_temp.e(1, 'MissionAuditDecisionRequested', pg_temp.p('MissionAuditDecisionRequested', '{"mission_id": "m-early", "mission_number": 99}')),
	pg_temp.e(2, 'MissionAuditRequested', pg_temp.p('MissionAuditRequested'))), '3.0.0') s;
-- D9: Started fills the identity while mission_id is unset
SELECT s->>'mission_id' AS mission_id, s->'mission_number' AS number, s->>'audit_status' AS status
  FROM mission_audit_reduce_events(jsonb_build_array(
	pg_temp.e(1, 'MissionAuditStarted', pg_temp.p('MissionAuditStarted', '{"mission_id": "m-sta", "mission_number": 5}'))), '3.0.0') s;
-- D10: DecisionRequested, Completed and Failed backfill the identity in 3.0.0 (r01, r02, r03), never in 2.5.0
SELECT t AS alone, s3->>'mission_id' AS mission_id_3, s3->'mission_number' AS number_3, s3->>'mission_type' AS type_3,
       s2->>'mission_id' AS mission_id_2, s2->>'feature_slug' AS feature_slug_2
  FROM unnest(ARRAY['MissionAuditDecisionRequested', 'MissionAuditCompleted', 'MissionAuditFailed']) t,
	   mission_audit_reduce_events(jsonb_build_array(pg_temp.e(1, t, pg_temp.p(t, '{"mission_id": "m-F", "mission_number": 7}'))), '3.0.0') s3,
	   mission_audit_reduce_events(jsonb_build_array(pg_temp.e(1, t, pg_temp.a2(pg_temp.p(t, '{"mission_id": "m-F"}')), '2.5.0')), '2.5.0') s2;
-- the first backfill wins: a later Started no longer fills (r05); 2.5.0's Started does
SELECT s->>'mission_id' AS mission_id_3 FROM mission_audit_reduce_events(jsonb_build_array(
	pg_temp.e(1, 'MissionAuditDecisionRequested', pg_temp.p('MissionAuditDecisionRequested', '{"mission_id": "m-dec"}')),
	pg_temp.e(2, 'MissionAuditStarted', pg_temp.p('MissionAuditStarted', '{"mission_id": "m-sta"}'))), '3.0.0') s;
SELECT s->>'mission_id' AS mission_id_2 FROM mission_audit_reduce_events(jsonb_build_array(
	pg_temp.e(1, 'MissionAuditDecisionRequested', pg_temp.a2(pg_temp.p('MissionAuditDecisionRequested', '{"mission_id": "m-dec"}')), '2.5.0'),
	pg_temp.e(2, 'MissionAuditStarted', pg_temp.a2(pg_temp.p('MissionAuditStarted', '{"mission_id": "m-sta"}')), '2.5.0')), '2.5.0') s;
-- a backfill after a terminal event does not happen: the event is an anomaly and skipped
SELECT s->>'mission_id' AS mission_id, s->'anomalies'->1->>'kind' AS second_anomaly FROM mission_audit_reduce_events(jsonb_build_array(
	pg_temp.e(1, 'MissionAuditFailed', pg_temp.p('MissionAuditFailed', '{"mission_id": "m-first"}')),
	pg_temp.e(2, 'MissionAuditCompleted', pg_temp.p('MissionAuditCompleted', '{"mission_id": "m-late"}'))), '3.0.0') s;
-- mission_number written 10.0 is output as 10; one beyond 64 bits is kept exactly
SELECT s->'mission_number' AS number FROM mission_audit_reduce_events(jsonb_build_array(
	pg_temp.e(1, 'MissionAuditRequested', pg_temp.p('MissionAuditRequested', '{"mission_number": 10.0}'))), '3.0.0') s;
SELECT s->'mission_number' AS number FROM mission_audit_reduce_events(jsonb_build_array(
	pg_temp.e(1, 'MissionAuditRequested', pg_temp.p('MissionAuditRequested', '{"mission_number": 18446744073709551616}'))), '3.0.0') s;
-- D11: a payload with an unknown key stops the 3.0.0 reduction; 2.5.0 reduces it and drops the key
SELECT mission_audit_reduce_events(jsonb_build_array(pg_temp.e(1, 'MissionAuditRequested', pg_temp.p('MissionAuditRequested', '{"note": 1}'))), '3.0.0');
SELECT mission_audit_reduce_events(jsonb_build_array(pg_temp.e(1, 'MissionAuditRequested',
	pg_temp.a2(pg_temp.p('MissionAuditRequested')) || '{"note": 1}', '2.5.0')), '2.5.0')->>'audit_status' AS status_2_5_0;
-- the artifact ref is output in 3.0.0's normalized form (absent optional fields null)
SELECT s->'artifact_ref' AS artifact_ref FROM mission_audit_reduce_events(jsonb_build_array(
	pg_temp.e(1, 'MissionAuditRequested', pg_temp.p('MissionAuditRequested')),
	pg_temp.e(2, 'MissionAuditCompleted', pg_temp.p('MissionAuditCompleted'))), '3.0.0') s;
-- D12: our unrecognized_event_type extension holds in both contracts
SELECT c AS contract, s->'anomalies' AS anomalies, s->'event_count' AS events
  FROM unnest(mission_audit_contracts()) c,
	   mission_audit_reduce_events(jsonb_build_array(pg_temp.e(1, 'MissionAuditCancelled', '{}', c), pg_temp.e(2, 'OtherFamily', '{}', c)), c) s;

-- the aggregate: the same states as the function, per contract
SELECT mission_audit_reduce(e, '3.0.0') = mission_audit_reduce_events(jsonb_agg(e), '3.0.0') AS agg_equals_function
  FROM (VALUES (pg_temp.e(1, 'MissionAuditRequested', pg_temp.p('MissionAuditRequested'))),
			   (pg_temp.e(2, 'MissionAuditStarted', pg_temp.p('MissionAuditStarted'))),
			   (pg_temp.e(3, 'MissionAuditFailed', pg_temp.p('MissionAuditFailed')))) t(e);
-- zero rows: the initial state of the contract named as a constant
SELECT mission_audit_reduce(e, '3.0.0') ? 'mission_number' AS initial_3_0_0, mission_audit_reduce(e, '2.5.0') ? 'feature_slug' AS initial_2_5_0
  FROM (SELECT NULL::jsonb WHERE false) t(e);
-- the same with ORDER BY inside the call (its sort keys are extra, hidden arguments of the aggregate)
SELECT mission_audit_reduce(e, '3.0.0' ORDER BY random()) ? 'mission_number' AS ordered_3_0_0,
	   mission_audit_reduce(e, '2.5.0' ORDER BY e->>'event_id' DESC, random()) = mission_audit_reduce(e) AS ordered_2_5_0
  FROM (SELECT NULL::jsonb WHERE false) t(e);
-- zero rows with a contract taken from the rows: no row named one, so NULL
SELECT mission_audit_reduce(e, c) AS no_rows FROM (SELECT NULL::jsonb, NULL::text WHERE false) t(e, c);
-- NULL events are skipped; the contract they name still counts
SELECT mission_audit_reduce(e, '3.0.0')->>'event_count' AS events FROM (VALUES (NULL::jsonb), (NULL)) t(e);
-- rows naming different contracts are an error, and so is a NULL or unknown contract
SELECT mission_audit_reduce(e, c) FROM (VALUES
	(pg_temp.e(1, 'MissionAuditRequested', pg_temp.p('MissionAuditRequested')), '3.0.0'),
	(pg_temp.e(2, 'MissionAuditStarted', pg_temp.a2(pg_temp.p('MissionAuditStarted')), '2.5.0'), '2.5.0')) t(e, c);
SELECT mission_audit_reduce(e, c) FROM (VALUES (NULL::jsonb, '3.0.0'), (NULL, '2.5.0')) t(e, c);
SELECT mission_audit_reduce(e, c) FROM (VALUES (NULL::jsonb, NULL::text)) t(e, c);
SELECT mission_audit_reduce(e, '3.1.0') FROM (VALUES (NULL::jsonb)) t(e);
-- a 2.5.0 event in a 3.0.0 aggregate is invalid there
SELECT mission_audit_reduce(e, '3.0.0') FROM (VALUES (pg_temp.e(1, 'MissionAuditStarted', pg_temp.a2(pg_temp.p('MissionAuditStarted')), '2.5.0'))) t(e);

-- The migration pattern: one table holding both contracts' events, each row checked under the
-- contract its schema_version names, each run reduced under its own contract.
CREATE FUNCTION pg_temp.contract_of(event jsonb) RETURNS text LANGUAGE sql IMMUTABLE
	RETURN CASE WHEN split_part(event->>'schema_version', '.', 1) = '3' THEN '3.0.0' ELSE '2.5.0' END;
CREATE TEMP TABLE audit_event (
	run text NOT NULL,
	event jsonb NOT NULL CHECK (mission_audit_event_is_valid(event, pg_temp.contract_of(event)))
);
INSERT INTO audit_event
SELECT 'run-2', pg_temp.e(n::int, t, pg_temp.a2(pg_temp.p(t)), '2.5.0')
  FROM unnest(ARRAY['MissionAuditRequested', 'MissionAuditStarted', 'MissionAuditCompleted']) WITH ORDINALITY x(t, n);
INSERT INTO audit_event
SELECT 'run-3', pg_temp.e(n::int, t, pg_temp.p(t, '{"run_id": "run-008"}'), '3.0.0')
  FROM unnest(ARRAY['MissionAuditRequested', 'MissionAuditStarted', 'MissionAuditDecisionRequested']) WITH ORDINALITY x(t, n);
-- each contract's own mistakes are refused: a 3.0.0 payload under a 2.5.0 signal, a 2.5.0 payload under 3.0.0, a 3.x signal
INSERT INTO audit_event VALUES ('run-2', pg_temp.e(9, 'MissionAuditStarted', pg_temp.p('MissionAuditStarted'), '2.5.0'));
INSERT INTO audit_event VALUES ('run-3', pg_temp.e(9, 'MissionAuditStarted', pg_temp.a2(pg_temp.p('MissionAuditStarted')), '3.0.0'));
INSERT INTO audit_event VALUES ('run-3', pg_temp.e(9, 'MissionAuditStarted', pg_temp.p('MissionAuditStarted'), '3.0.0') || '{"schema_version": "3.1.0"}');
-- GROUP BY run: each run under its own contract
SELECT run, contract, s->>'audit_status' AS status, s->>'feature_slug' AS feature_slug,
       s->>'mission_slug' AS mission_slug, s->'mission_number' AS mission_number, s->'event_count' AS events
  FROM (SELECT run, min(pg_temp.contract_of(event)) AS contract,
			   mission_audit_reduce(event, pg_temp.contract_of(event)) AS s
		  FROM audit_event GROUP BY run) r
 ORDER BY run;
-- a run holding both contracts' events is an error, not a mixed state
INSERT INTO audit_event SELECT 'run-2', pg_temp.e(7, 'MissionAuditStarted', pg_temp.p('MissionAuditStarted'), '3.0.0');
SELECT run, mission_audit_reduce(event, pg_temp.contract_of(event)) FROM audit_event GROUP BY run ORDER BY run;

-- parallel aggregation carries the contract from the workers to the leader
CREATE TABLE contract_events AS
SELECT r, pg_temp.e(n::int, t, pg_temp.p(t, jsonb_build_object('run_id', 'run-' || r)), '3.0.0')
		|| jsonb_build_object('event_id', '01KJMDG5V0TYH7V1YX0D5D' || lpad(r::text, 2, '0') || lpad(n::text, 2, '0')) AS event
  FROM generate_series(1, 40) r,
	   unnest(ARRAY['MissionAuditRequested', 'MissionAuditStarted', 'MissionAuditCompleted']) WITH ORDINALITY x(t, n);
ANALYZE contract_events;
CREATE TEMP TABLE serial_states AS SELECT r, mission_audit_reduce(event, '3.0.0') AS s FROM contract_events GROUP BY r;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
SET enable_hashagg = off;
EXPLAIN (COSTS OFF) SELECT mission_audit_reduce(event, '3.0.0') FROM contract_events;
SELECT s ? 'mission_number' AS has_3_0_0_keys, s->>'event_count' AS all_events, s->>'audit_status' AS status
  FROM (SELECT mission_audit_reduce(event, '3.0.0') AS s FROM contract_events) x;
-- and per group, the same states as the serial plan
CREATE TEMP TABLE parallel_states AS SELECT r, mission_audit_reduce(event, '3.0.0') AS s FROM contract_events GROUP BY r;
SELECT count(*) AS runs, count(*) FILTER (WHERE p.s = s.s) AS same_as_serial
  FROM parallel_states p JOIN serial_states s USING (r);
RESET ALL;
DROP TABLE contract_events;
