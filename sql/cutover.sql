-- cutover: contract 3.0.0's cutover gate (rule book 5.3): each rule, its message, its precedence, its reach
\pset null '(null)'
-- e(changes): a valid 3.0.0 envelope, with changes merged in at the top level
CREATE FUNCTION pg_temp.e(changes jsonb DEFAULT '{}') RETURNS jsonb LANGUAGE sql IMMUTABLE
	RETURN '{"event_id": "01KJMDG5V0TYH7V1YX0D5DBCKG", "event_type": "MissionAuditStarted",
		"aggregate_id": "audit/mission-042/run-007", "timestamp": "2026-03-01T10:01:00Z",
		"build_id": "build-2026-03-01", "node_id": "local-node-001", "lamport_clock": 2,
		"project_uuid": "3f2b8c1e-7d4a-4e9b-a6c2-91d05e8f4b27", "correlation_id": "01KJMDEB8081053JXNQBZCQZSP",
		"schema_version": "3.0.0",
		"payload": {"mission_id": "mission-042", "run_id": "run-007", "mission_slug": "042-payments-refactor",
			"mission_number": 42, "mission_type": "software-dev", "actor": "agent-claude",
			"audit_scope_hash": "sha256:80492393dd876fb023a75fa28017edfa6f0897261944da45c55df419a71b86b0"}}'::jsonb
	|| changes;
-- gate(event): the first violation under 3.0.0 when it is the gate's, and whether the event is valid
CREATE FUNCTION pg_temp.gate(event jsonb, OUT cutover text, OUT valid boolean) LANGUAGE sql IMMUTABLE
	AS $$ SELECT CASE WHEN v->'violations'->0->>'type' = 'cutover_policy'
				THEN (v->'violations'->0->>'field') || ': ' || (v->'violations'->0->>'message') END,
			(v->>'valid')::boolean
		  FROM mission_audit_validate_event(event, '3.0.0') v $$;

-- the base envelope passes
SELECT * FROM pg_temp.gate(pg_temp.e());

-- rule 1: schema_version absent or null
SELECT * FROM pg_temp.gate(pg_temp.e() - 'schema_version');
SELECT * FROM pg_temp.gate(pg_temp.e('{"schema_version": null}'));
-- rule 2: not a string, named by its Python type
SELECT * FROM pg_temp.gate(pg_temp.e('{"schema_version": 3}'));
SELECT * FROM pg_temp.gate(pg_temp.e('{"schema_version": 3.0}'));
SELECT * FROM pg_temp.gate(pg_temp.e('{"schema_version": true}'));
SELECT * FROM pg_temp.gate(pg_temp.e('{"schema_version": ["3.0.0"]}'));
SELECT * FROM pg_temp.gate(pg_temp.e('{"schema_version": {"major": 3}}'));
-- rule 3: the text before the first '.' is not all digits
SELECT * FROM pg_temp.gate(pg_temp.e('{"schema_version": "v3.0.0"}'));
SELECT * FROM pg_temp.gate(pg_temp.e('{"schema_version": ""}'));
SELECT * FROM pg_temp.gate(pg_temp.e('{"schema_version": ".3.0"}'));
SELECT * FROM pg_temp.gate(pg_temp.e('{"schema_version": " 3.0.0"}'));
SELECT * FROM pg_temp.gate(pg_temp.e('{"schema_version": "3a.0.0"}'));
-- rule 4: a major other than 3 (int() of the digits, leading zeros and all)
SELECT * FROM pg_temp.gate(pg_temp.e('{"schema_version": "1.0.0"}'));
SELECT * FROM pg_temp.gate(pg_temp.e('{"schema_version": "2.5.0"}'));
SELECT * FROM pg_temp.gate(pg_temp.e('{"schema_version": "0.0.0"}'));
SELECT * FROM pg_temp.gate(pg_temp.e('{"schema_version": "30.0.0"}'));
SELECT * FROM pg_temp.gate(pg_temp.e('{"schema_version": "4"}'));
SELECT * FROM pg_temp.gate(pg_temp.e('{"schema_version": "\uff14.0.0"}'));
-- rule 5: major 3 but not exactly "3.0.0"; fullwidth and Arabic-Indic threes read as 3 and still differ
SELECT * FROM pg_temp.gate(pg_temp.e('{"schema_version": "3.1.0"}'));
SELECT * FROM pg_temp.gate(pg_temp.e('{"schema_version": "3.0.1"}'));
SELECT * FROM pg_temp.gate(pg_temp.e('{"schema_version": "03.0.0"}'));
SELECT * FROM pg_temp.gate(pg_temp.e('{"schema_version": "3"}'));
SELECT * FROM pg_temp.gate(pg_temp.e('{"schema_version": "3.0"}'));
SELECT * FROM pg_temp.gate(pg_temp.e('{"schema_version": "3.0.0 "}'));
SELECT * FROM pg_temp.gate(pg_temp.e('{"schema_version": "3.0.0\n"}'));
SELECT * FROM pg_temp.gate(pg_temp.e('{"schema_version": "\uff13.0.0"}'));
SELECT * FROM pg_temp.gate(pg_temp.e('{"schema_version": "\u0663.0.0"}'));
SELECT * FROM pg_temp.gate(pg_temp.e('{"schema_version": "3.0.0''"}'));
-- rule 6: forbidden legacy keys at any depth, arrays included, listed sorted
SELECT * FROM pg_temp.gate(pg_temp.e('{"feature_slug": "042-payments-refactor"}'));
SELECT * FROM pg_temp.gate(pg_temp.e(jsonb_build_object('payload', pg_temp.e()->'payload' || '{"feature_number": 42}')));
SELECT * FROM pg_temp.gate(pg_temp.e('{"extra": {"deep": [{"x": [[{"mission_key": 1}]]}]}}'));
SELECT * FROM pg_temp.gate(pg_temp.e('{"legacy_aggregate_id": null}'));
SELECT * FROM pg_temp.gate(pg_temp.e('{"mission_key": 1, "feature_slug": 2, "meta": {"feature_number": 3, "legacy_aggregate_id": 4}}'));
-- keys only: a value that spells a forbidden key passes, in objects and in arrays
SELECT * FROM pg_temp.gate(pg_temp.e('{"note": "feature_slug", "tags": ["mission_key", "feature_number"]}'));
-- near misses pass: case and affixes differ
SELECT * FROM pg_temp.gate(pg_temp.e('{"Feature_slug": 1, "feature_slugs": 2, "x_mission_key": 3}'));
-- rule 7: legacy event names
SELECT * FROM pg_temp.gate(pg_temp.e('{"event_type": "FeatureCreated"}'));
SELECT * FROM pg_temp.gate(pg_temp.e('{"event_type": "FeatureClosed"}'));
SELECT * FROM pg_temp.gate(pg_temp.e('{"event_type": "FeatureUpdated"}'));
-- rule 8: legacy aggregate names, the text before the first '/'
SELECT * FROM pg_temp.gate(pg_temp.e('{"aggregate_id": "feature/042"}'));
SELECT * FROM pg_temp.gate(pg_temp.e('{"aggregate_id": "feature_catalog"}'));
SELECT * FROM pg_temp.gate(pg_temp.e('{"aggregate_id": "feature_catalog/a/b"}'));
SELECT * FROM pg_temp.gate(pg_temp.e('{"aggregate_id": "features/042"}'));
SELECT * FROM pg_temp.gate(pg_temp.e('{"aggregate_id": "audit/feature/042"}'));

-- the first failing rule decides: the signal before legacy keys, keys before event names, names before aggregates
SELECT * FROM pg_temp.gate(pg_temp.e('{"schema_version": "1.0.0", "feature_slug": "x", "event_type": "FeatureCreated"}'));
SELECT * FROM pg_temp.gate(pg_temp.e('{"feature_slug": "x", "event_type": "FeatureCreated", "aggregate_id": "feature/1"}'));
SELECT * FROM pg_temp.gate(pg_temp.e('{"event_type": "FeatureCreated", "aggregate_id": "feature/1"}'));

-- the gate's violation comes first, then the envelope's and the payload's own
SELECT v->>'field' AS field, v->>'type' AS type, v->>'message' AS message
  FROM jsonb_array_elements(mission_audit_validate_event(pg_temp.e('{"schema_version": "1.0.0"}') - 'build_id',
	   '3.0.0')->'violations') v;
-- a gate failure alone makes the event invalid everywhere the 3.0.0 verdict is used
SELECT mission_audit_event_is_valid(pg_temp.e('{"schema_version": "3.1.0"}'), '3.0.0') AS event_is_valid;
SELECT mission_audit_normalize_event(pg_temp.e('{"schema_version": "3.1.0"}'), '3.0.0');
SELECT mission_audit_reduce(e, '3.0.0') FROM (VALUES (pg_temp.e('{"feature_slug": "x"}'))) t(e);
SELECT mission_audit_reduce_events(jsonb_build_array(pg_temp.e('{"aggregate_id": "feature/1"}')), '3.0.0');
-- 2.5.0 has no gate: the same envelopes (build_id being an unknown key there) are judged by the model alone
SELECT mission_audit_event_is_valid(pg_temp.e('{"schema_version": "1.0.0", "feature_slug": "x"}')
	|| jsonb_build_object('payload', pg_temp.e()->'payload' || '{"feature_slug": "042-payments-refactor"}'), '2.5.0') AS valid_2_5_0;
-- an event that is not an object is a model_type error, the gate does not run
SELECT mission_audit_validate_event('[1]', '3.0.0')->'violations' AS violations;
SELECT mission_audit_validate_event('"3.0.0"', '3.0.0')->'violations' AS violations;
-- the walk reaches keys nested 1,000 deep
SELECT * FROM pg_temp.gate(pg_temp.e(jsonb_build_object('deep',
	(SELECT repeat('{"a": [', 1000) || '{"mission_key": 1}' || repeat(']}', 1000))::jsonb)));
-- the verdict alone (event_is_valid, the aggregate) walks only what validation leaves open: a payload
-- that passed its closed model is left out, everything else is walked; both verdicts agree on each case
SELECT what, mission_audit_event_is_valid(e, '3.0.0') AS event_is_valid,
	   (mission_audit_validate_event(e, '3.0.0')->>'valid')::boolean AS validate_event
  FROM (VALUES
	('base', pg_temp.e()),
	('legacy key at the top level', pg_temp.e('{"mission_key": 1}')),
	('legacy key below an unknown top-level key', pg_temp.e('{"x": [{"y": {"feature_number": 1}}]}')),
	('unknown top-level key, no legacy key', pg_temp.e('{"x": [{"y": {"feature_numbers": 1}}]}')),
	('foreign event, legacy key in its payload', pg_temp.e('{"event_type": "GatePassed", "payload": {"a": [{"legacy_aggregate_id": 1}]}}')),
	('foreign event, clean payload', pg_temp.e('{"event_type": "GatePassed", "payload": {"a": [{"legacy_aggregate_ids": 1}]}}')),
	('audit payload with a legacy key', jsonb_set(pg_temp.e(), '{payload,feature_slug}', '"x"')),
	('audit payload, legacy key in an unknown nested key', jsonb_set(pg_temp.e(), '{payload,x}', '{"feature_slug": 1}'))
  ) t(what, e);
-- the contract argument may differ per row, and per call site within one query
SELECT c, mission_audit_event_is_valid(pg_temp.e(), c) AS from_column,
	   mission_audit_event_is_valid(pg_temp.e(), '2.5.0') AS const_2_5_0,
	   mission_audit_event_is_valid(pg_temp.e(), '3.0.0') AS const_3_0_0
  FROM (VALUES ('3.0.0'), ('2.5.0'), ('3.0.0')) t(c);
