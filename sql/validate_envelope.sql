-- validate_envelope: mission_audit_validate_event() and mission_audit_event_is_valid() check an event envelope, its ids and timestamp, and its audit payload
\pset null '(null)'
\set SHOW_CONTEXT never

-- Helpers.  valid_event() is a MissionAuditStarted event that passes.
-- check_event(e) is 'valid' or the violations as "field:type" in report
-- order; it says so inline when mission_audit_event_is_valid() disagrees or
-- the result's own fields do not add up, and logs every case for the summary
-- at the end.  with_value(path, v) and without(path) check valid_event() with
-- the dotted path set to v, or removed; with_message(path, v) shows each
-- violation's message too.
CREATE FUNCTION valid_event() RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
	SELECT '{"event_id": "01J9ZQ7K3M4N5P6Q7R8S9T0V1W", "event_type": "MissionAuditStarted",
	         "aggregate_id": "audit/mission-042/run-007", "timestamp": "2026-01-15T10:30:00Z",
	         "node_id": "node-a", "lamport_clock": 7, "causation_id": null,
	         "project_uuid": "0f8fad5b-d9cb-469f-a165-70867728950e", "project_slug": "spec-kitty",
	         "correlation_id": "01J9ZQ7K3M4N5P6Q7R8S9T0V1X", "schema_version": "2.5.0", "data_tier": 1,
	         "payload": {"mission_id": "mission-042", "run_id": "run-007", "feature_slug": "042-audit-trail",
	                     "actor": "agent-claude", "audit_scope_hash": "sha256:9f86d081884c7d65"}}'::jsonb
$$;

CREATE TABLE event_cases (n serial, event jsonb, valid boolean, is_valid boolean);

CREATE FUNCTION check_event(event jsonb) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	r jsonb := mission_audit_validate_event(event);
	fast boolean := mission_audit_event_is_valid(event);
	expected_type text := CASE WHEN jsonb_typeof(event->'event_type') = 'string' THEN event->>'event_type' END;
	result text;
BEGIN
	INSERT INTO event_cases (event, valid, is_valid) VALUES (event, (r->>'valid')::boolean, fast);
	SELECT coalesce(string_agg((v->>'field') || ':' || (v->>'type'), ', ' ORDER BY i), 'valid')
		INTO result FROM jsonb_array_elements(r->'violations') WITH ORDINALITY AS a(v, i);
	IF (r->>'valid')::boolean <> (jsonb_array_length(r->'violations') = 0) THEN
		result := result || ' (BUT "valid" is ' || (r->>'valid') || ')';
	END IF;
	IF (r->>'valid')::boolean <> fast THEN
		result := result || ' (BUT mission_audit_event_is_valid says ' || fast || ')';
	END IF;
	IF r->>'event_type' IS DISTINCT FROM expected_type THEN
		result := result || ' (BUT event_type is ' || coalesce(r->>'event_type', 'null') || ')';
	END IF;
	RETURN result;
END
$$;

CREATE FUNCTION with_value(path text, value jsonb) RETURNS text LANGUAGE sql AS $$
	SELECT check_event(jsonb_set(valid_event(), string_to_array(path, '.'), value))
$$;

CREATE FUNCTION without(path text) RETURNS text LANGUAGE sql AS $$
	SELECT check_event(valid_event() #- string_to_array(path, '.'))
$$;

CREATE FUNCTION with_message(path text, value jsonb) RETURNS text LANGUAGE sql AS $$
	SELECT CASE WHEN check_event(e) = 'valid' THEN 'valid' ELSE
		(SELECT string_agg((v->>'field') || ':' || (v->>'type') || ': ' || (v->>'message'), ' | ' ORDER BY i)
		 FROM jsonb_array_elements(mission_audit_validate_event(e)->'violations') WITH ORDINALITY AS a(v, i)) END
	FROM jsonb_set(valid_event(), string_to_array(path, '.'), value) e
$$;

-- the valid event passes; the result has three keys
SELECT check_event(valid_event());
SELECT mission_audit_validate_event(valid_event());
SELECT mission_audit_event_is_valid(valid_event());
SELECT mission_audit_validate_event((valid_event() - 'node_id') || '{"lamport_clock": -1}') - 'violations' AS verdict;
SELECT v FROM jsonb_array_elements(mission_audit_validate_event(valid_event() || '{"event_id": "01J9ZQ7K3M4N5P6Q7R8S9T0V1"}')->'violations') v;

-- the smallest valid event: the seven required fields, for an event of another family
SELECT check_event('{"event_id": "01J9ZQ7K3M4N5P6Q7R8S9T0V1W", "event_type": "WorkPackageCreated", "aggregate_id": "wp-1", "timestamp": "2026-01-15", "node_id": "n", "lamport_clock": 0, "project_uuid": "0f8fad5b-d9cb-469f-a165-70867728950e", "correlation_id": "01J9ZQ7K3M4N5P6Q7R8S9T0V1X"}');

-- each field removed in turn: event_id, event_type, aggregate_id, timestamp, node_id, lamport_clock, project_uuid and correlation_id are required
SELECT key AS removed, without(key) AS result FROM jsonb_object_keys(valid_event()) AS key ORDER BY key;

-- an empty object: every required field missing, in declaration order (no event_type, so no payload check)
SELECT check_event('{}');
SELECT mission_audit_validate_event('{}') - 'violations' AS verdict;

-- an event that is not an object: one model_type violation at field ""
SELECT check_event('[]');
SELECT check_event('null');
SELECT check_event('"MissionAuditStarted"');
SELECT check_event('7');
SELECT check_event('false');
SELECT check_event(jsonb_build_array(valid_event()));
SELECT mission_audit_validate_event('[]');

-- violations come in declaration order, envelope fields first, then the payload's
SELECT check_event('{"data_tier": 9, "schema_version": "1", "correlation_id": 1, "project_slug": 1, "project_uuid": 1, "causation_id": 1, "lamport_clock": -1, "node_id": "", "timestamp": 1, "payload": {"actor": 1}, "aggregate_id": "", "event_type": "MissionAuditStarted", "event_id": 1}');

-- unknown keys are allowed, at the top and in an opaque payload
SELECT with_value('x_trace', '{"span": "abc"}');
SELECT with_value('Event_Id', '1');
SELECT with_value('payload.x_extra', '[1, 2]');

-- an unknown key that sorts next to a field's name (same length, one byte apart) does not stand in for it
SELECT check_event((valid_event() - 'node_id') || '{"node_iD": "n", "node_ie": "n", "event_iD": 1, "timestamq": 1, "correlation_iD": 1, "correlation_ie": 1}');

-- objects with many keys are read as well as small ones
SELECT check_event(valid_event() || (SELECT jsonb_object_agg('x' || i, i) FROM generate_series(1, 100) i));
SELECT check_event(valid_event() || (SELECT jsonb_object_agg(repeat('k', i), i) FROM generate_series(1, 40) i) || '{"lamport_clock": -1}');
SELECT check_event(jsonb_set(valid_event(), '{payload}', (valid_event()->'payload') || (SELECT jsonb_object_agg(md5(i::text), i) FROM generate_series(1, 200) i) || '{"actor": ""}'));

-- event_id: a 26-char ULID (Crockford base32, any case; no I, L, O or U)
SELECT with_value('event_id', '"01J9ZQ7K3M4N5P6Q7R8S9T0V1W"');
SELECT with_value('event_id', '"01j9zq7k3m4n5p6q7r8s9t0v1w"');
SELECT with_value('event_id', '"01j9ZQ7k3m4N5P6q7r8s9T0V1w"');
SELECT with_value('event_id', '"00000000000000000000000000"');
SELECT with_value('event_id', '"ZZZZZZZZZZZZZZZZZZZZZZZZZZ"');
SELECT with_value('event_id', '"zzzzzzzzzzzzzzzzzzzzzzzzzz"');
SELECT with_message('event_id', '"01J9ZQ7K3M4N5P6Q7R8S9T0VIW"');
SELECT with_message('event_id', '"01J9ZQ7K3M4N5P6Q7R8S9T0ViW"');
SELECT with_message('event_id', '"01J9ZQ7K3M4N5P6Q7R8S9T0VLW"');
SELECT with_message('event_id', '"01J9ZQ7K3M4N5P6Q7R8S9T0VlW"');
SELECT with_message('event_id', '"01J9ZQ7K3M4N5P6Q7R8S9T0VOW"');
SELECT with_message('event_id', '"01J9ZQ7K3M4N5P6Q7R8S9T0VoW"');
SELECT with_message('event_id', '"01J9ZQ7K3M4N5P6Q7R8S9T0VUW"');
SELECT with_message('event_id', '"01J9ZQ7K3M4N5P6Q7R8S9T0VuW"');
SELECT with_message('event_id', '"01J9ZQ7K3M4N5P6Q7R8S9T0V-W"');
SELECT with_message('event_id', '"01J9ZQ7K3M4N5P6Q7R8S9T0V W"');
SELECT with_message('event_id', '"01J9ZQ7K3M4N5P6Q7R8S9T0V1é"');
SELECT with_message('event_id', '"01J9ZQ7K3M4N5P6Q7R8S9T0V1''"');
SELECT with_message('event_id', '"01J9ZQ7K3M4N5P6Q7R8S9T0V1\n"');
SELECT with_message('event_id', '"01J9ZQ7K3M4N5P6Q7R8S9T0V\\\\"');

-- event_id: a 36-char hyphenated UUID, any case
SELECT with_value('event_id', '"0f8fad5b-d9cb-469f-a165-70867728950e"');
SELECT with_value('event_id', '"0F8FAD5B-D9CB-469F-A165-70867728950E"');
SELECT with_value('event_id', '"0F8fad5b-D9cb-469F-a165-70867728950E"');
SELECT with_value('event_id', '"00000000-0000-0000-0000-000000000000"');
SELECT with_message('event_id', '"0f8fad5b-d9cb-469f-a165-70867728950g"');
SELECT with_message('event_id', '"0f8fad5bd-9cb-469f-a165-70867728950e"');
SELECT with_message('event_id', '"0f8fad5b-d9cb-469f-a165-70867728950e0"');
SELECT with_message('event_id', '"0f8fad5b-d9cb-469f-a165-70867728950"');
SELECT with_message('event_id', '"{0f8fad5b-d9cb-469f-a165-70867728950e}"');
SELECT with_message('event_id', '"urn:uuid:0f8fad5b-d9cb-469f-a165-70867728950e"');

-- event_id: 32 hex digits, any case
SELECT with_value('event_id', '"0f8fad5bd9cb469fa16570867728950e"');
SELECT with_value('event_id', '"0F8FAD5BD9CB469FA16570867728950E"');
SELECT with_message('event_id', '"0f8fad5bd9cb469fa16570867728950g"');
SELECT with_message('event_id', '"0f8fad5bd9cb469fa16570867728950"');
SELECT with_message('event_id', '"0f8fad5bd9cb469fa16570867728950e0"');

-- event_id: any other length is a value_error counting code points, not bytes
SELECT with_message('event_id', '""');
SELECT with_message('event_id', '"1"');
SELECT with_message('event_id', '"evt-42"');
SELECT with_message('event_id', to_jsonb(repeat('é', 26)));
SELECT with_message('event_id', to_jsonb(repeat('é', 30)));
SELECT with_message('event_id', to_jsonb(repeat('é', 36)));
SELECT with_message('event_id', to_jsonb(repeat('0', 64)));

-- event_id: not a string is a value_error naming the Python type; null is string_type
SELECT with_message('event_id', '42');
SELECT with_message('event_id', '12345678901234567890123456');
SELECT with_message('event_id', '1.5');
SELECT with_message('event_id', '3.0');
SELECT with_message('event_id', 'true');
SELECT with_message('event_id', '["01J9ZQ7K3M4N5P6Q7R8S9T0V1W"]');
SELECT with_message('event_id', '{}');
SELECT with_message('event_id', 'null');

-- correlation_id: required, the same id forms and messages as event_id
SELECT with_value('correlation_id', '"01j9zq7k3m4n5p6q7r8s9t0v1x"');
SELECT with_value('correlation_id', '"0F8FAD5B-D9CB-469F-A165-70867728950E"');
SELECT with_value('correlation_id', '"0f8fad5bd9cb469fa16570867728950e"');
SELECT with_message('correlation_id', '"01J9ZQ7K3M4N5P6Q7R8S9T0VUX"');
SELECT with_message('correlation_id', '"01J9ZQ7K3M4N5P6Q7R8S9T0V1"');
SELECT with_message('correlation_id', '""');
SELECT with_message('correlation_id', '7');
SELECT with_message('correlation_id', 'null');
SELECT without('correlation_id');

-- causation_id: optional and nullable, otherwise the same id forms and messages as event_id
SELECT with_value('causation_id', 'null');
SELECT without('causation_id');
SELECT with_value('causation_id', '"01j9zq7k3m4n5p6q7r8s9t0v1y"');
SELECT with_value('causation_id', '"0F8FAD5B-D9CB-469F-A165-70867728950E"');
SELECT with_value('causation_id', '"0F8FAD5BD9CB469FA16570867728950E"');
SELECT with_message('causation_id', '"01J9ZQ7K3M4N5P6Q7R8S9T0VLY"');
SELECT with_message('causation_id', '""');
SELECT with_message('causation_id', '7');
SELECT with_message('causation_id', '[]');

-- event_type, aggregate_id, node_id: required strings of at least one character
SELECT with_value('event_type', '""');
SELECT with_value('event_type', '1');
SELECT with_value('event_type', '["MissionAuditStarted"]');
SELECT with_value('event_type', 'null');
SELECT with_value('aggregate_id', '""');
SELECT with_value('aggregate_id', '" "');
SELECT with_value('aggregate_id', '"审计/任务-042"');
SELECT with_value('aggregate_id', '42');
SELECT with_value('aggregate_id', 'null');
SELECT with_value('node_id', '""');
SELECT with_value('node_id', '"node\"a''b"');
SELECT with_value('node_id', 'false');
SELECT with_value('node_id', 'null');
SELECT mission_audit_validate_event(valid_event() || '{"event_type": 1}') - 'violations' AS verdict;
SELECT mission_audit_validate_event(valid_event() || '{"event_type": ""}') - 'violations' AS verdict;

-- timestamp: YYYY-MM-DD, then T, t or a space and HH:MM[:SS[.fraction]], then Z, z, +HH:MM, -HH:MM, +HHMM or -HHMM, or no offset
SELECT with_value('timestamp', '"2026-01-15T10:30:00Z"');
SELECT with_value('timestamp', '"2026-01-15t10:30:00Z"');
SELECT with_value('timestamp', '"2026-01-15 10:30:00Z"');
SELECT with_value('timestamp', '"2026-01-15T10:30:00z"');
SELECT with_value('timestamp', '"2026-01-15T10:30:00"');
SELECT with_value('timestamp', '"2026-01-15T10:30:00+00:00"');
SELECT with_value('timestamp', '"2026-01-15T10:30:00-00:00"');
SELECT with_value('timestamp', '"2026-01-15T10:30:00+05:30"');
SELECT with_value('timestamp', '"2026-01-15T10:30:00-08:00"');
SELECT with_value('timestamp', '"2026-01-15T10:30:00+0530"');
SELECT with_value('timestamp', '"2026-01-15T10:30:00-0800"');
SELECT with_value('timestamp', '"2026-01-15T10:30:00+23:59"');
SELECT with_value('timestamp', '"2026-01-15T10:30:00-23:59"');
SELECT with_value('timestamp', '"2026-01-15T10:30"');
SELECT with_value('timestamp', '"2026-01-15T10:30Z"');
SELECT with_value('timestamp', '"2026-01-15T10:30+01:00"');
SELECT with_value('timestamp', '"2026-01-15"');
SELECT with_value('timestamp', '"2026-01-15T00:00:00"');
SELECT with_value('timestamp', '"2026-01-15T23:59:59"');
SELECT with_value('timestamp', '"0001-01-01T00:00:00"');
SELECT with_value('timestamp', '"9999-12-31T23:59:59.999999Z"');

-- timestamp: a fraction of 1 to 9 digits, after "." or ","
SELECT with_value('timestamp', '"2026-01-15T10:30:00.1Z"');
SELECT with_value('timestamp', '"2026-01-15T10:30:00.12Z"');
SELECT with_value('timestamp', '"2026-01-15T10:30:00.123Z"');
SELECT with_value('timestamp', '"2026-01-15T10:30:00.1234Z"');
SELECT with_value('timestamp', '"2026-01-15T10:30:00.12345Z"');
SELECT with_value('timestamp', '"2026-01-15T10:30:00.123456Z"');
SELECT with_value('timestamp', '"2026-01-15T10:30:00.1234567Z"');
SELECT with_value('timestamp', '"2026-01-15T10:30:00.12345678Z"');
SELECT with_value('timestamp', '"2026-01-15T10:30:00.123456789Z"');
SELECT with_value('timestamp', '"2026-01-15T10:30:00.000000"');
SELECT with_value('timestamp', '"2026-01-15T10:30:00,5"');
SELECT with_value('timestamp', '"2026-01-15T10:30:00,123456+05:30"');

-- timestamp: leap days only in leap years
SELECT with_value('timestamp', '"2024-02-29T12:00:00Z"');
SELECT with_value('timestamp', '"2000-02-29"');
SELECT with_message('timestamp', '"2023-02-29T12:00:00Z"');
SELECT with_message('timestamp', '"1900-02-29"');
SELECT with_message('timestamp', '"2024-02-30T12:00:00Z"');

-- timestamp: calendar and clock ranges
SELECT with_message('timestamp', '"2026-04-31T10:30:00Z"');
SELECT with_message('timestamp', '"2026-01-32T10:30:00Z"');
SELECT with_message('timestamp', '"2026-01-00T10:30:00Z"');
SELECT with_message('timestamp', '"2026-13-15T10:30:00Z"');
SELECT with_message('timestamp', '"2026-00-15T10:30:00Z"');
SELECT with_value('timestamp', '"0000-01-15T10:30:00Z"');
SELECT with_message('timestamp', '"2026-01-15T24:00:00Z"');
SELECT with_message('timestamp', '"2026-01-15T10:60:00Z"');
SELECT with_message('timestamp', '"2026-01-15T10:30:60Z"');
SELECT with_message('timestamp', '"2026-01-15T10:30:00+24:00"');
SELECT with_message('timestamp', '"2026-01-15T10:30:00+05:60"');

-- timestamp: other spellings are rejected, with the reason
SELECT with_message('timestamp', '""');
SELECT with_message('timestamp', '"yesterday"');
SELECT with_message('timestamp', '"1700000000"');
SELECT with_message('timestamp', '"2026/01/15"');
SELECT with_message('timestamp', '"2026-1-15T10:30:00Z"');
SELECT with_message('timestamp', '"2026-01-15_10:30:00"');
SELECT with_message('timestamp', '"2026-01-15T10:30:00_"');
SELECT with_message('timestamp', '"2026-01-15T10:30:00−05:00"');
SELECT with_message('timestamp', '"2026-01-15T10:30:00Z junk"');
SELECT with_message('timestamp', '"2026-01-15T10:30:00ZZ"');
SELECT with_message('timestamp', '"2026-01-15T10:30:00 "');
SELECT with_message('timestamp', '" 2026-01-15T10:30:00Z"');
SELECT with_message('timestamp', '"2026-01-15T"');
SELECT with_message('timestamp', '"2026-01-15T10"');
SELECT with_message('timestamp', '"2026-01-15T10:30:00."');
SELECT with_message('timestamp', '"2026-01-15T10:30:00+05"');
SELECT with_message('timestamp', '"2026-01-15T10:30:00+05:30:00"');
SELECT with_message('timestamp', '"2026-01-15T10:30:00 UTC"');
SELECT with_message('timestamp', '"2026-01-15T1:30:00Z"');

-- timestamp: a number (no Unix times), null or any non-string is datetime_type
SELECT with_message('timestamp', '1700000000');
SELECT with_message('timestamp', '1700000000.5');
SELECT with_message('timestamp', 'null');
SELECT with_message('timestamp', 'true');
SELECT with_message('timestamp', '["2026-01-15"]');

-- lamport_clock: a required integer >= 0, of any size
SELECT with_value('lamport_clock', '0');
SELECT with_value('lamport_clock', '3.0');
SELECT with_value('lamport_clock', '1e2');
SELECT with_value('lamport_clock', '9223372036854775807');
SELECT with_value('lamport_clock', '18446744073709551616');
SELECT with_value('lamport_clock', '1234567890123456789012345678901234567890');
SELECT with_message('lamport_clock', '-1');
SELECT with_message('lamport_clock', '1.5');
SELECT with_message('lamport_clock', '"3"');
SELECT with_message('lamport_clock', '"three"');
SELECT with_message('lamport_clock', 'true');
SELECT with_message('lamport_clock', 'null');

-- project_uuid: required; hyphenated, 32 hex digits, {braced} or lower-case urn:uuid:, hex digits in any case; errors as Rust's uuid crate words them
SELECT with_value('project_uuid', '"0f8fad5b-d9cb-469f-a165-70867728950e"');
SELECT with_value('project_uuid', '"0F8FAD5B-D9CB-469F-A165-70867728950E"');
SELECT with_value('project_uuid', '"0f8fad5bd9cb469fa16570867728950e"');
SELECT with_value('project_uuid', '"{0f8fad5b-d9cb-469f-a165-70867728950e}"');
SELECT with_value('project_uuid', '"urn:uuid:0f8fad5b-d9cb-469f-a165-70867728950e"');
SELECT with_value('project_uuid', '"urn:uuid:0F8FAD5B-D9CB-469F-A165-70867728950E"');
SELECT with_value('project_uuid', '"00000000-0000-0000-0000-000000000000"');
SELECT with_message('project_uuid', '"URN:UUID:0f8fad5b-d9cb-469f-a165-70867728950e"');
SELECT with_message('project_uuid', '"0f8fad5b-d9cb-469f-a165-70867728950z"');
SELECT with_message('project_uuid', '"not-a-uuid"');
SELECT with_message('project_uuid', '""');
SELECT with_message('project_uuid', '"0f8fad5bd9cb469f"');
SELECT with_message('project_uuid', '"0f8fad5b-d9cb-469f-a165-70867728"');
SELECT with_message('project_uuid', '"0f8fad5b-d9cb-469f-a16570867728950e"');
SELECT with_message('project_uuid', '"0f8fad5b-d9cb-469f-a165-70867728950e-"');
SELECT with_message('project_uuid', '"{0f8fad5b-d9cb-469f-a165-70867728950z}"');
SELECT with_message('project_uuid', '"0f8fad5b-d9cb-469f-a165-70867728950é"');
SELECT with_message('project_uuid', '12345678');
SELECT with_message('project_uuid', 'null');
SELECT with_message('project_uuid', '{}');

-- project_slug: an optional string (may be empty), or null
SELECT without('project_slug');
SELECT with_value('project_slug', 'null');
SELECT with_value('project_slug', '""');
SELECT with_value('project_slug', '"projet-é"');
SELECT with_value('project_slug', '1');

-- schema_version: an optional string matching ^\d+\.\d+\.\d+$ exactly, digits 0-9
SELECT without('schema_version');
SELECT with_value('schema_version', '"1.0.0"');
SELECT with_value('schema_version', '"0.0.0"');
SELECT with_value('schema_version', '"10.200.3000"');
SELECT with_value('schema_version', '"01.002.0003"');
SELECT with_message('schema_version', '"1.0"');
SELECT with_message('schema_version', '"1.0.0\n"');
SELECT with_message('schema_version', '"v1.0.0"');
SELECT with_message('schema_version', '""');
SELECT with_message('schema_version', '"1.0.0-beta"');
SELECT with_message('schema_version', '"1..0"');
SELECT with_message('schema_version', '"1.0.0.0"');
SELECT with_message('schema_version', '" 1.0.0"');
SELECT with_message('schema_version', '"1.0.x"');
SELECT with_message('schema_version', 'null');
SELECT with_message('schema_version', '1');

-- data_tier: an optional integer from 0 to 4 (not nullable)
SELECT without('data_tier');
SELECT tier, with_value('data_tier', to_jsonb(tier)) AS result FROM generate_series(0, 4) tier;
SELECT with_value('data_tier', '4.0');
SELECT with_message('data_tier', '5');
SELECT with_message('data_tier', '-1');
SELECT with_message('data_tier', '1234567890123456789012345678901234567890');
SELECT with_message('data_tier', '2.5');
SELECT with_message('data_tier', '"2"');
SELECT with_message('data_tier', 'false');
SELECT with_message('data_tier', 'null');

-- payload: optional, an object when present
SELECT with_message('payload', 'null');
SELECT with_message('payload', '[]');
SELECT with_message('payload', '"{}"');
SELECT with_message('payload', '1');

-- an audit event's payload is checked, with its violations under "payload."
SELECT with_value('payload.mission_id', '""');
SELECT with_value('payload.audit_scope_hash', '7');
SELECT with_value('payload', '{}');
SELECT without('payload');
SELECT without('payload.actor');
SELECT with_message('payload.run_id', 'null');
SELECT check_event(valid_event() || '{"event_type": "MissionAuditCompleted", "payload": {"mission_id": "m", "run_id": "r", "feature_slug": "f", "actor": "a", "verdict": "pass", "severity": "info", "findings_count": 0, "summary": "", "artifact_ref": {"report_path": "r", "content_hash": {"hash": "h", "algorithm": "sha1"}, "provenance": {"source_event_ids": [1]}}}}');
SELECT check_event(valid_event() || '{"event_type": "MissionAuditRequested", "payload": {"mission_id": "m", "run_id": "r", "feature_slug": "f", "actor": "a", "trigger_mode": "manual", "audit_scope": ["a", 2], "enforcement_mode": "blocking"}}');
SELECT event_type, check_event((valid_event() || jsonb_build_object('event_type', event_type)) - 'payload') AS absent_payload FROM unnest(mission_audit_event_types()) event_type;

-- an audit event whose payload is not an object reports dict_type only; the payload is not checked further
SELECT check_event(valid_event() || '{"event_type": "MissionAuditCompleted", "payload": []}');
SELECT check_event(valid_event() || '{"event_type": "MissionAuditCompleted", "payload": null}');

-- envelope and payload violations together
SELECT check_event(valid_event() || '{"lamport_clock": -1, "timestamp": "2026-02-30", "payload": {"mission_id": ""}}');

-- other families' payloads are opaque, including near misses and unrecognized MissionAudit* types
SELECT check_event(valid_event() || '{"event_type": "WorkPackageCreated", "payload": {"mission_id": 1}}');
SELECT check_event((valid_event() || '{"event_type": "WorkPackageCreated"}') - 'payload');
SELECT check_event(valid_event() || '{"event_type": "missionauditstarted", "payload": {}}');
SELECT check_event(valid_event() || '{"event_type": "MissionAuditStarted ", "payload": {}}');
SELECT check_event(valid_event() || '{"event_type": "MissionAuditCancelled", "payload": {"anything": true}}');
SELECT check_event(valid_event() || '{"event_type": "MissionAudit", "payload": {}}');
SELECT check_event(valid_event() || '{"event_type": "WorkPackageCreated", "payload": []}');

-- the functions are STRICT: SQL NULL gives NULL; JSON null is an invalid event
SELECT mission_audit_validate_event(NULL) IS NULL AS validate_null;
SELECT mission_audit_event_is_valid(NULL) IS NULL AS is_valid_null;
SELECT mission_audit_event_is_valid('null');

-- mission_audit_event_is_valid agrees with mission_audit_validate_event on every case above
SELECT count(*) AS cases, count(*) FILTER (WHERE valid) AS valid, count(*) FILTER (WHERE NOT valid) AS invalid, count(*) FILTER (WHERE valid IS DISTINCT FROM is_valid) AS disagreements FROM event_cases;
SELECT n, event, valid, is_valid FROM event_cases WHERE valid IS DISTINCT FROM is_valid ORDER BY n;

-- a CHECK constraint on whole events keeps good rows and rejects bad ones
CREATE TABLE audit_log (
	id serial PRIMARY KEY,
	event jsonb NOT NULL,
	CONSTRAINT audit_log_event_valid CHECK (mission_audit_event_is_valid(event))
);
INSERT INTO audit_log (event) VALUES (valid_event()), (valid_event() || '{"event_id": "0f8fad5bd9cb469fa16570867728950e", "lamport_clock": 8}');
INSERT INTO audit_log (event) VALUES (valid_event() || '{"timestamp": "2026-02-30T10:30:00Z"}'); -- error
INSERT INTO audit_log (event) VALUES (valid_event() - 'payload'); -- error
SELECT id, event->>'event_id' AS event_id, event->'lamport_clock' AS lamport_clock FROM audit_log ORDER BY id;

DROP TABLE audit_log;
DROP TABLE event_cases;
DROP FUNCTION with_message(text, jsonb);
DROP FUNCTION without(text);
DROP FUNCTION with_value(text, jsonb);
DROP FUNCTION check_event(jsonb);
DROP FUNCTION valid_event();
