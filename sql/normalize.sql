-- normalize: mission_audit_normalize_event() returns a valid envelope with its ids normalized and its defaults filled in, and refuses an invalid one
\pset null '(null)'
\set SHOW_CONTEXT never

-- Helpers.  minimal_event() is a valid event of another family with only
-- the required fields, its ids in lower case.  normalized(path, v) is the
-- value at the dotted path after normalizing minimal_event() with path set
-- to v; every event it normalizes is kept in normalized_cases for the
-- checks at the end.
CREATE FUNCTION minimal_event() RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
	SELECT '{"event_id": "01j9zq7k3m4n5p6q7r8s9t0v1w", "event_type": "WorkPackageCreated",
	         "aggregate_id": "wp-1", "timestamp": "2026-01-15T10:30:00Z", "node_id": "node-a",
	         "lamport_clock": 7, "project_uuid": "0f8fad5b-d9cb-469f-a165-70867728950e",
	         "correlation_id": "01j9zq7k3m4n5p6q7r8s9t0v1x"}'::jsonb
$$;

CREATE TABLE normalized_cases (n serial, event jsonb);

CREATE FUNCTION normalized(path text, value jsonb) RETURNS jsonb LANGUAGE sql AS $$
	INSERT INTO normalized_cases (event) VALUES (jsonb_set(minimal_event(), string_to_array(path, '.'), value));
	SELECT mission_audit_normalize_event(jsonb_set(minimal_event(), string_to_array(path, '.'), value)) #> string_to_array(path, '.');
$$;

-- the minimal event, normalized: ids in canonical form, every optional field present with its default
SELECT key, value FROM jsonb_each(mission_audit_normalize_event(minimal_event())) ORDER BY key;
SELECT array_agg(key ORDER BY key) AS added FROM jsonb_object_keys(mission_audit_normalize_event(minimal_event())) key WHERE NOT minimal_event() ? key;

-- ids: a ULID in upper case, a hyphenated UUID in lower case, 32 hex digits as a hyphenated lower-case UUID; the same for all three id fields
SELECT field, spelling, normalized(field, to_jsonb(spelling)) AS normalized FROM unnest(ARRAY['event_id', 'correlation_id', 'causation_id']) WITH ORDINALITY AS f(field, i), unnest(ARRAY['01J9ZQ7K3M4N5P6Q7R8S9T0V1W', '01j9zq7k3m4n5p6q7r8s9t0v1w', '01j9ZQ7k3m4N5P6q7r8s9T0V1w', 'zzzzzzzzzzzzzzzzzzzzzzzzzz', '0f8fad5b-d9cb-469f-a165-70867728950e', '0F8FAD5B-D9CB-469F-A165-70867728950E', '0F8fad5b-D9cb-469F-a165-70867728950E', '0f8fad5bd9cb469fa16570867728950e', '0F8FAD5BD9CB469FA16570867728950E']) WITH ORDINALITY AS s(spelling, j) ORDER BY i, j;

-- each id field is normalized on its own, in one event
SELECT n->'event_id' AS event_id, n->'correlation_id' AS correlation_id, n->'causation_id' AS causation_id FROM mission_audit_normalize_event(minimal_event() || '{"event_id": "01j9zq7k3m4n5p6q7r8s9t0v1a", "correlation_id": "ABCDEF01-2345-6789-ABCD-EF0123456789", "causation_id": "FEDCBA9876543210FEDCBA9876543210"}') n;
SELECT n->'event_id' AS event_id, n->'correlation_id' AS correlation_id, n->'causation_id' AS causation_id FROM mission_audit_normalize_event(minimal_event() || '{"event_id": "0F8FAD5BD9CB469FA16570867728950E", "correlation_id": "0f8fad5bd9cb469fa16570867728950f", "causation_id": "01j9zq7k3m4n5p6q7r8s9t0v1y"}') n;

-- causation_id: null and absent both normalize to null
SELECT normalized('causation_id', 'null');
SELECT mission_audit_normalize_event(minimal_event()) -> 'causation_id' AS absent_causation_id;

-- defaults fill absent optional fields only; a given value is kept
SELECT normalized('schema_version', '"2.5.0"');
SELECT normalized('schema_version', '"01.002.0003"');
SELECT normalized('data_tier', '3');
SELECT normalized('data_tier', '0');
SELECT normalized('project_slug', '"spec-kitty"');
SELECT normalized('project_slug', '""');
SELECT normalized('project_slug', 'null');
SELECT normalized('payload', '{"anything": [1, 2.50, null]}');
SELECT normalized('payload', '{}');

-- integers are written as integers, of any size
SELECT normalized('lamport_clock', '3.0');
SELECT normalized('lamport_clock', '3.000');
SELECT normalized('lamport_clock', '1e2');
SELECT normalized('lamport_clock', '1.0e1');
SELECT normalized('lamport_clock', '-0.0');
SELECT normalized('lamport_clock', '0');
SELECT normalized('lamport_clock', '1234567890123456789012345678901234567890');
SELECT normalized('data_tier', '4.0');
SELECT normalized('data_tier', '2.00');
SELECT jsonb_typeof(normalized('lamport_clock', '3.0')) AS type, normalized('lamport_clock', '3.0')::text AS text;

-- the other fields are kept as given: timestamp, project_uuid, event_type, aggregate_id, node_id
SELECT normalized('timestamp', '"2026-01-15t10:30:00,5+0530"');
SELECT normalized('timestamp', '"2026-01-15"');
SELECT normalized('project_uuid', '"{0F8FAD5B-D9CB-469F-A165-70867728950E}"');
SELECT normalized('project_uuid', '"0F8FAD5BD9CB469FA16570867728950E"');
SELECT normalized('aggregate_id', '" wp-1 "');
SELECT normalized('node_id', '"节点-甲"');

-- unknown keys are kept, values unchanged
SELECT normalized('x_trace', '{"span": "abc", "ratio": 2.50}');
SELECT normalized('Event_Id', '"01j9zq7k3m4n5p6q7r8s9t0v1w"');
SELECT key, value FROM jsonb_each(mission_audit_normalize_event(minimal_event() || '{"zz": [1.0, "x"], "a": null, "": true}')) WHERE NOT key = ANY (ARRAY['event_id', 'event_type', 'aggregate_id', 'payload', 'timestamp', 'node_id', 'lamport_clock', 'causation_id', 'project_uuid', 'project_slug', 'correlation_id', 'schema_version', 'data_tier']) ORDER BY key;

-- an audit event's payload is kept exactly, integral floats, unknown keys and all
SELECT mission_audit_normalize_event(e)->'payload' = e->'payload' AS payload_kept, mission_audit_normalize_event(e)->'payload' AS payload FROM (SELECT minimal_event() || '{"event_type": "MissionAuditCompleted", "payload": {"mission_id": "m", "run_id": "r", "feature_slug": "f", "actor": "a", "verdict": "pass", "severity": "info", "findings_count": 3.0, "summary": "", "x_note": 1.50, "artifact_ref": {"report_path": "r", "content_hash": {"hash": "h", "algorithm": "md5", "size_bytes": 1e2}, "provenance": {"source_event_ids": ["01j9zq7k3m4n5p6q7r8s9t0v1w"]}}}}'::jsonb AS e) s;

-- normalizing is idempotent, and its result is valid, on every event normalized above
SELECT count(*) AS events, count(*) FILTER (WHERE mission_audit_normalize_event(mission_audit_normalize_event(event)) = mission_audit_normalize_event(event)) AS idempotent, count(*) FILTER (WHERE mission_audit_event_is_valid(mission_audit_normalize_event(event))) AS valid_result FROM normalized_cases;
SELECT n, event FROM normalized_cases WHERE mission_audit_normalize_event(mission_audit_normalize_event(event)) <> mission_audit_normalize_event(event) OR NOT mission_audit_event_is_valid(mission_audit_normalize_event(event)) ORDER BY n;

-- normalizing changes nothing a second time, key by key, for an event with every field given
SELECT mission_audit_normalize_event(e) = e AS unchanged FROM mission_audit_normalize_event(minimal_event() || '{"causation_id": "01j9zq7k3m4n5p6q7r8s9t0v1y", "project_slug": "p", "schema_version": "2.5.0", "data_tier": 2, "payload": {"k": 1}}') e;

-- SQL NULL gives NULL (STRICT)
SELECT mission_audit_normalize_event(NULL) IS NULL AS normalize_null;

-- an invalid event is an error (SQLSTATE 22023) naming the event id, with the violations in the detail
\set VERBOSITY sqlstate
SELECT mission_audit_normalize_event(minimal_event() || '{"lamport_clock": -1}'); -- error
\set VERBOSITY default
SELECT mission_audit_normalize_event(minimal_event() || '{"lamport_clock": -1}'); -- error
SELECT mission_audit_normalize_event(minimal_event() || '{"timestamp": "2026-02-30", "data_tier": 5}'); -- error
SELECT mission_audit_normalize_event(minimal_event() - 'correlation_id'); -- error
SELECT mission_audit_normalize_event(minimal_event() || '{"event_type": "MissionAuditStarted", "payload": {"mission_id": "m", "run_id": "r", "feature_slug": "f", "actor": "a", "audit_scope_hash": ""}}'); -- error

-- the id in the message is the raw event_id, quoted as Python's repr() quotes it, whether or not it is valid; a non-string event_id is not named
SELECT mission_audit_normalize_event(minimal_event() || '{"event_id": "01J9ZQ7K3M4N5P6Q7R8S9T0VIW"}'); -- error
SELECT mission_audit_normalize_event(minimal_event() || '{"event_id": "it''s-not-an-id"}'); -- error
SELECT mission_audit_normalize_event(minimal_event() || '{"event_id": "tab\there"}'); -- error
SELECT mission_audit_normalize_event(minimal_event() || '{"event_id": 42}'); -- error
SELECT mission_audit_normalize_event(minimal_event() - 'event_id'); -- error

-- an event_id longer than 64 bytes is cut to 64 in the message
SELECT mission_audit_normalize_event(minimal_event() || jsonb_build_object('event_id', repeat('x', 100))); -- error

-- no event_type: the envelope's eight required fields are missing; the payload is not checked
SELECT mission_audit_normalize_event('{}'); -- error

-- not an object
SELECT mission_audit_normalize_event('[]'); -- error
SELECT mission_audit_normalize_event('null'); -- error

-- the detail lists the first ten violations, then how many more there are
SELECT mission_audit_normalize_event(minimal_event() || '{"event_type": "MissionAuditCompleted", "lamport_clock": -1}'); -- error
SELECT mission_audit_normalize_event(minimal_event() || '{"event_type": "MissionAuditCompleted", "lamport_clock": -1, "node_id": ""}'); -- error
SELECT mission_audit_normalize_event('{"event_type": "MissionAuditCompleted"}'); -- error
SELECT mission_audit_normalize_event('{"event_type": "MissionAuditCompleted", "payload": {"artifact_ref": {"content_hash": {}}}}'); -- error

DROP TABLE normalized_cases;
DROP FUNCTION normalized(text, jsonb);
DROP FUNCTION minimal_event();
