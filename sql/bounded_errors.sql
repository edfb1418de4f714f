-- bounded_errors: violation inputs and error details stay proportional to their output.
-- An object or array input of more than 8192 bytes (jsonb's binary form) is echoed as
-- {"truncated": true, "type", "size", "bytes"}; smaller ones and every scalar exactly.

-- an envelope holding only event_type and an unknown key with n zeros
CREATE FUNCTION pg_temp.junk_event(n int) RETURNS jsonb
	LANGUAGE sql IMMUTABLE
	RETURN jsonb_build_object('event_type', 'MissionAuditStarted',
		'junk', (SELECT coalesce(jsonb_agg(0), '[]') FROM generate_series(1, n)));

-- the sizes around the threshold: 677 zeros fit in 8192 bytes, 678 do not
SELECT n, pg_column_size(pg_temp.junk_event(n)) - 4 AS bytes FROM unnest(ARRAY[677, 678]) n;
-- at or under the threshold, `missing` echoes the whole object, as pydantic does
SELECT count(*) AS violations, count(*) FILTER (WHERE v->'input' = pg_temp.junk_event(677)) AS exact_echoes
FROM jsonb_array_elements(mission_audit_validate_event(pg_temp.junk_event(677))->'violations') v;
-- over it, a summary of the object (the payload's violations echo the empty default payload)
SELECT v->>'field' AS field, v->'input' AS input
FROM jsonb_array_elements(mission_audit_validate_event(pg_temp.junk_event(678))->'violations') v;
-- 400,000 zeros: twelve summaries, the document a few kilobytes
SELECT jsonb_array_length(v->'violations') AS violations, pg_column_size(v) < 4096 AS small,
	v->'violations'->0->'input' AS first_input
FROM mission_audit_validate_event(pg_temp.junk_event(400000)) v;
-- the error of normalize_event and of the aggregate lists the first ten and counts the rest
SELECT mission_audit_normalize_event(pg_temp.junk_event(400000)); -- error
SELECT mission_audit_reduce(e) FROM (VALUES (pg_temp.junk_event(400000))) x(e); -- error

-- a large array is summarized where it is the input, and its items are echoed one by one
SELECT v->>'field' AS field, v->>'type' AS type, v->'input' AS input
FROM jsonb_array_elements(mission_audit_validate('MissionAuditRequested',
	jsonb_build_object('mission_id', 'm', 'run_id', 'r', 'feature_slug', 'f', 'actor', 'a',
		'trigger_mode', (SELECT jsonb_agg(i) FROM generate_series(1, 2000) i),
		'audit_scope', (SELECT jsonb_agg(i) FROM generate_series(1, 3) i),
		'enforcement_mode', jsonb_build_object('k', (SELECT jsonb_agg(i) FROM generate_series(1, 2000) i)))
	)->'violations') v;
-- a nested model that is too large is summarized as the input of its own `missing` violations
SELECT v->>'field' AS field, v->'input' AS input
FROM jsonb_array_elements(mission_audit_validate('MissionAuditCompleted',
	jsonb_build_object('mission_id', 'm', 'run_id', 'r', 'feature_slug', 'f', 'actor', 'a',
		'verdict', 'pass', 'severity', 'info', 'findings_count', 0, 'summary', 's',
		'artifact_ref', jsonb_build_object('report_path', 'p', 'provenance', '{}'::jsonb,
			'notes', repeat('x', 9000))))->'violations') v;
-- strings are echoed whole, however long
SELECT length(v->'violations'->0->>'input') AS input_length
FROM mission_audit_validate_event(jsonb_build_object('event_type', 'X', 'event_id', repeat('z', 20000))) v;
