-- uuid_messages: project_uuid errors in pydantic-core's words (the Rust uuid crate's Display).
-- The crate reports the first bad character (its byte position from 1), else a simple UUID's
-- length, else the group count, else the first group of the wrong length.  Two of its quirks
-- matter for wrapped spellings: an input of exactly the wrapped width (38 bytes in braces, 45
-- after urn:uuid:) fails in a fast path that reports on the 36-byte body alone, positions
-- counted from the body; and the last group's length is the whole input's length less 24.

CREATE FUNCTION pg_temp.uuid_message(u jsonb) RETURNS text
	LANGUAGE sql IMMUTABLE
	RETURN coalesce((SELECT v->>'message' FROM jsonb_array_elements(mission_audit_validate_event(
		jsonb_build_object('event_id', '01J9ZQ7K3M4N5P6Q7R8S9T0V1W', 'event_type', 'WorkPackageCreated',
			'aggregate_id', 'wp-1', 'timestamp', '2026-01-15', 'node_id', 'n', 'lamport_clock', 0,
			'correlation_id', '01J9ZQ7K3M4N5P6Q7R8S9T0V1X', 'project_uuid', u))->'violations') v
		WHERE v->>'field' = 'project_uuid'), 'valid');

SELECT n, u AS project_uuid, octet_length(u #>> '{}') AS bytes, pg_temp.uuid_message(u) AS message
FROM (VALUES
	(1, '"{0f8fad5b-d9cb-469f-a165-70867728950z}"'::jsonb),
	(2, '"urn:uuid:0f8fad5b-d9cb-469f-a165-70867728950z"'::jsonb),
	(3, '"{0f8fad5b-d9cb-469f-a165-70867728950e"'::jsonb),
	(4, '"0f8fad5b-d9cb-469f-a165-70867728950e}"'::jsonb),
	(5, '"{0f8fad5b-d9cb-469f-a165-70867728950}"'::jsonb),
	(6, '"{0f8fad5b-d9cb-469f-a165-70867728950ee}"'::jsonb),
	(7, '"{0f8fad5b-d9cb-469f-a165-70867728950e0}"'::jsonb),
	(8, '"urn:uuid:0f8fad5b-d9cb-469f-a165-70867728950"'::jsonb),
	(9, '"urn:uuid:0f8fad5b-d9cb-469f-a165-70867728950e0"'::jsonb),
	(10, '"urn:uuid:0f8fad5b-d9cb-469f-a165-70867728950e00000"'::jsonb),
	(11, '"{0f8fad5bd9cb469fa16570867728950e}"'::jsonb),
	(12, '"{0f8fad5b0d9cb0469f0a165070867728950e}"'::jsonb),
	(13, '"urn:uuid:0f8fad5b0d9cb0469f0a165070867728950e"'::jsonb),
	(14, '"urn:uuid:0f8fad5bd9cb469fa16570867728950e"'::jsonb),
	(15, '"{0f8fad5b-d9cb-469f-a165-7086772895-e}"'::jsonb),
	(16, '"urn:uuid:0f8fad5b-d9c-b469f-a165-70867728950e"'::jsonb),
	(17, '"{0f8fad5b-d9c-b469f-a165-70867728950e}"'::jsonb),
	(18, '"{0f8fad5b-d9cb-469f-a165-70867728950é}"'::jsonb),
	(19, '"urn:uuid:0f8fad5b-d9cb-469f-a165-7086772895é"'::jsonb),
	(20, '"urn:uuid:é"'::jsonb),
	(21, '"{}"'::jsonb),
	(22, '"{"'::jsonb),
	(23, '"}"'::jsonb),
	(24, '"urn:uuid:"'::jsonb),
	(25, '"urn:uuid"'::jsonb),
	(26, '"{{0f8fad5b-d9cb-469f-a165-708677289e}}"'::jsonb),
	(27, '"{urn:uuid:0f8fad5b-d9cb-469f-a165-70867728950e}"'::jsonb),
	(28, '"urn:uuid:{0f8fad5b-d9cb-469f-a165-708677289e}"'::jsonb),
	(29, '"{0f8fad5b-d9cb-469f-a165-70867728950e-}"'::jsonb),
	(30, '"{-0f8fad5b-d9cb-469f-a165-70867728950e}"'::jsonb),
	(31, '"urn:uuid:0f8fad5b-d9cb-469f-a165-708677-8950e"'::jsonb),
	(32, '"{0F8FAD5B-D9CB-469F-A165-70867728950E}"'::jsonb)) x(n, u)
ORDER BY n;
