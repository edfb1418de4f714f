-- hostile: hostile input gets an answer or a clean ERROR, never a crash, a hang or a wrong answer: deep nesting, huge strings and arrays, edge numbers, awkward Unicode in anomaly messages, ids of odd lengths, impossible timestamps, invalid events inside GROUP BY, a statement timeout during a long reduce, and search_path attacks
\pset null '(null)'
\set SHOW_CONTEXT never

-- Helpers.  try(q) is 'ok' or the SQLSTATE q raises, for errors whose text
-- depends on settings or would be megabytes long.  err(q) is the SQLSTATE q
-- raises and whether its message is valid UTF-8.  payload(type) is a valid
-- payload, ev(id, type, lamport, payload) a valid envelope, ulid(n) the n-th
-- of a series of valid ULIDs.
CREATE FUNCTION pg_temp.try(q text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE q;
	RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
	RETURN SQLSTATE;
END
$$;

CREATE FUNCTION pg_temp.err(q text, OUT error_code text, OUT valid_utf8 boolean) LANGUAGE plpgsql AS $$
DECLARE
	msg text;
BEGIN
	EXECUTE q;
	error_code := 'no error';
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS error_code = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
	BEGIN
		PERFORM convert_to(msg, 'UTF8');
		valid_utf8 := true;
	EXCEPTION WHEN character_not_in_repertoire THEN
		valid_utf8 := false;
	END;
END
$$;

CREATE FUNCTION pg_temp.payload(type text) RETURNS jsonb LANGUAGE sql IMMUTABLE
	RETURN '{"mission_id": "mission-042", "run_id": "run-7", "feature_slug": "042-payments",
	         "actor": "agent-claude"}'::jsonb
	|| CASE type
	WHEN 'MissionAuditRequested' THEN
		'{"trigger_mode": "manual", "audit_scope": ["spec.md"], "enforcement_mode": "blocking"}'::jsonb
	WHEN 'MissionAuditStarted' THEN
		'{"audit_scope_hash": "sha256:00"}'::jsonb
	WHEN 'MissionAuditDecisionRequested' THEN
		'{"decision_id": "dec-1", "question": "q", "context_summary": "c", "severity": "warning"}'::jsonb
	WHEN 'MissionAuditCompleted' THEN
		'{"verdict": "pass", "severity": "info", "findings_count": 0, "summary": "",
		  "artifact_ref": {"report_path": "r.json", "content_hash": {"hash": "h", "algorithm": "sha256"},
		                   "provenance": {}}}'::jsonb
	WHEN 'MissionAuditFailed' THEN
		'{"error_code": "E", "error_message": ""}'::jsonb
	ELSE '{}'::jsonb END;

CREATE FUNCTION pg_temp.ev(id text, type text, lamport jsonb DEFAULT '1', payload jsonb DEFAULT NULL)
RETURNS jsonb LANGUAGE sql IMMUTABLE
	RETURN jsonb_build_object('event_id', id, 'event_type', type, 'aggregate_id', 'audit/42',
		'timestamp', '2026-01-15T10:30:00Z', 'node_id', 'node-a', 'lamport_clock', lamport,
		'project_uuid', '0f8fad5b-d9cb-469f-a165-70867728950e',
		'correlation_id', '01J9ZQ7K3M4N5P6Q7R8S9T0V1X',
		'payload', coalesce(payload, pg_temp.payload(type)));

CREATE FUNCTION pg_temp.ulid(n int) RETURNS text LANGUAGE sql IMMUTABLE
	RETURN '01J9ZQ7K3M4N5P6Q' || lpad(n::text, 10, '0');

-- Deep nesting ------------------------------------------------------------

-- jsonb input itself refuses a million levels (stack depth), before any extension code runs
SELECT pg_temp.try($$SELECT (repeat('[', 1000000) || repeat(']', 1000000))::jsonb$$) AS jsonb_input;

-- ten thousand levels as the whole payload: one model_type violation echoing a summary of the input (over 8192 bytes)
SELECT mission_audit_is_valid('MissionAuditRequested', (repeat('[', 10000) || repeat(']', 10000))::jsonb);
SELECT v->'valid' AS valid, jsonb_array_length(v->'violations') AS violations, v#>>'{violations,0,type}' AS type, v#>'{violations,0,input}' AS input FROM mission_audit_validate('MissionAuditRequested', (repeat('[', 10000) || repeat(']', 10000))::jsonb) v;

-- ten thousand levels of objects as a field's value: a string_type violation on that field only
SELECT v#>>'{violations,0,field}' AS field, v#>>'{violations,0,type}' AS type, jsonb_array_length(v->'violations') AS violations FROM mission_audit_validate('MissionAuditStarted', pg_temp.payload('MissionAuditStarted') || jsonb_build_object('mission_id', (repeat('{"a":', 10000) || '1' || repeat('}', 10000))::jsonb)) v;

-- ... and under a key the contract does not name, ignored
SELECT mission_audit_is_valid('MissionAuditStarted', pg_temp.payload('MissionAuditStarted') || jsonb_build_object('x', (repeat('[{"k":', 5000) || '0' || repeat('}]', 5000))::jsonb));

-- a deep extra envelope key: valid, kept by normalize_event, ignored by the reducer
SELECT mission_audit_event_is_valid(pg_temp.ev(pg_temp.ulid(1), 'GatePassed') || jsonb_build_object('deep', (repeat('[', 10000) || repeat(']', 10000))::jsonb));
SELECT mission_audit_normalize_event(e)->'deep' = e->'deep' AS kept FROM (SELECT pg_temp.ev(pg_temp.ulid(1), 'GatePassed') || jsonb_build_object('deep', (repeat('[', 10000) || repeat(']', 10000))::jsonb) AS e) s;
SELECT mission_audit_reduce_events(jsonb_build_array(pg_temp.ev(pg_temp.ulid(1), 'MissionAuditRequested') || jsonb_build_object('deep', (repeat('{"a":', 10000) || '1' || repeat('}', 10000))::jsonb)))->>'event_count' AS event_count;

-- a JSONL line too deep for jsonb is an error naming its line
SELECT * FROM mission_audit_read_jsonl('{}' || E'\n' || repeat('[', 1000000) || repeat(']', 1000000));

-- Huge strings, built with repeat() ---------------------------------------

-- a 10 MB mission_id is just a string
SELECT mission_audit_is_valid('MissionAuditRequested', pg_temp.payload('MissionAuditRequested') || jsonb_build_object('mission_id', repeat('x', 10485760)));

-- a 10 MB event_type argument is an unknown type (the message quotes it whole, so only its SQLSTATE is shown)
SELECT pg_temp.try($$SELECT mission_audit_validate(repeat('MissionAuditRequested', 500000), '{}')$$) AS validate, pg_temp.try($$SELECT mission_audit_is_valid('MissionAudit' || repeat('x', 10485760), '{}')$$) AS is_valid;

-- a 10 MB event_id: the violation counts its code points
SELECT v#>>'{violations,0,message}' AS message FROM mission_audit_validate_event(pg_temp.ev(repeat('é', 5242880), 'GatePassed')) v;

-- the error for it quotes at most 64 bytes of the id
SELECT mission_audit_normalize_event(pg_temp.ev(repeat('😀', 2621440), 'GatePassed'));

-- ... cut at a character boundary: an id whose 64th byte falls inside a character still gives a valid UTF-8 message (and so the same ERROR 22023 under any client_encoding)
SELECT 'normalize_event' AS function, * FROM pg_temp.err($$SELECT mission_audit_normalize_event(pg_temp.ev('x' || repeat('é', 40), 'GatePassed'))$$);
SELECT 'reduce' AS function, * FROM pg_temp.err($$SELECT mission_audit_reduce(e) FROM (VALUES (pg_temp.ev('x' || repeat('é', 40), 'GatePassed'))) v(e)$$);
SELECT 'reduce_events' AS function, * FROM pg_temp.err($$SELECT mission_audit_reduce_events(jsonb_build_array(pg_temp.ev('ab' || repeat('😀', 20), 'GatePassed')))$$);

-- a 10 MB decision_id, twice: the duplicate's message is its whole repr (backslashes doubled, controls escaped)
SELECT length(a->>'message') AS message_length, left(a->>'message', 30) AS message_start, right(a->>'message', 6) AS message_end FROM mission_audit_reduce_events(jsonb_build_array(pg_temp.ev(pg_temp.ulid(1), 'MissionAuditRequested', '1'), pg_temp.ev(pg_temp.ulid(2), 'MissionAuditDecisionRequested', '2', pg_temp.payload('MissionAuditDecisionRequested') || jsonb_build_object('decision_id', repeat(E'\\', 5242880))), pg_temp.ev(pg_temp.ulid(3), 'MissionAuditDecisionRequested', '3', pg_temp.payload('MissionAuditDecisionRequested') || jsonb_build_object('decision_id', repeat(E'\\', 5242880))))) r, jsonb_array_elements(r->'anomalies') a;
SELECT length(a->>'message') AS message_length, left(a->>'message', 36) AS message_start FROM mission_audit_reduce_events(jsonb_build_array(pg_temp.ev(pg_temp.ulid(1), 'MissionAuditRequested', '1'), pg_temp.ev(pg_temp.ulid(2), 'MissionAuditDecisionRequested', '2', pg_temp.payload('MissionAuditDecisionRequested') || jsonb_build_object('decision_id', repeat(chr(1), 2621440))), pg_temp.ev(pg_temp.ulid(3), 'MissionAuditDecisionRequested', '3', pg_temp.payload('MissionAuditDecisionRequested') || jsonb_build_object('decision_id', repeat(chr(1), 2621440))))) r, jsonb_array_elements(r->'anomalies') a;

-- a 10 MB unrecognized audit-family type: recorded with its repr
SELECT a->>'kind' AS kind, length(a->>'message') AS message_length FROM mission_audit_reduce_events(jsonb_build_array(pg_temp.ev(pg_temp.ulid(1), 'MissionAudit' || repeat('é', 5242880)))) r, jsonb_array_elements(r->'anomalies') a;

-- Huge arrays ---------------------------------------------------------------

-- an audit_scope of 1,000,000 items: valid, and carried whole into the reduced state
SELECT mission_audit_is_valid('MissionAuditRequested', pg_temp.payload('MissionAuditRequested') || jsonb_build_object('audit_scope', (SELECT jsonb_agg('f' || i) FROM generate_series(1, 1000000) i)));
SELECT jsonb_array_length(r->'audit_scope') AS audit_scope, r->'audit_scope'->>999999 AS last FROM mission_audit_reduce_events(jsonb_build_array(pg_temp.ev(pg_temp.ulid(1), 'MissionAuditRequested', '1', pg_temp.payload('MissionAuditRequested') || jsonb_build_object('audit_scope', (SELECT jsonb_agg('f' || i) FROM generate_series(1, 1000000) i))))) r;

-- one bad item at the end of 1,000,000: one violation, at its index
SELECT v#>>'{violations,0,field}' AS field, v#>>'{violations,0,type}' AS type, jsonb_array_length(v->'violations') AS violations FROM mission_audit_validate('MissionAuditRequested', pg_temp.payload('MissionAuditRequested') || jsonb_build_object('audit_scope', (SELECT jsonb_agg(CASE WHEN i < 1000000 THEN to_jsonb('f' || i) ELSE 'null' END) FROM generate_series(1, 1000000) i))) v;

-- 100,000 bad items in provenance.source_event_ids: every one reported
SELECT jsonb_array_length(v->'violations') AS violations, v#>>'{violations,99999,field}' AS last FROM mission_audit_validate('MissionAuditCompleted', jsonb_set(pg_temp.payload('MissionAuditCompleted'), '{artifact_ref,provenance}', jsonb_build_object('source_event_ids', (SELECT jsonb_agg(i) FROM generate_series(1, 100000) i)))) v;

-- 1,000,000 JSON nulls reduce to the initial state
SELECT r->>'audit_status' AS audit_status, r->>'event_count' AS event_count FROM mission_audit_reduce_events((SELECT jsonb_agg(NULL::int) FROM generate_series(1, 1000000))) r;

-- Numbers at the edges ------------------------------------------------------

-- lamport_clock: integral values of any size and spelling are valid and come out as integers (numbers are exact decimals here: 1e400 is an integer, where a float-based JSON reader would see infinity)
SELECT n AS lamport_clock, mission_audit_event_is_valid(e) AS valid, left(CASE WHEN mission_audit_event_is_valid(e) THEN mission_audit_normalize_event(e)->>'lamport_clock' END, 42) AS normalized FROM unnest(ARRAY['-0', '0.0', '-0.0', '0e-400', '1e-400', '-1e-400', '0.0000001', '3.0', '1e2', '1E+2', '-1', '1e400', '9223372036854775808', '1234567890123456789012345678901234567890', '-1234567890123456789012345678901234567890', '"5"', 'true', 'null']) WITH ORDINALITY AS t(n, i), LATERAL (SELECT pg_temp.ev(pg_temp.ulid(1), 'GatePassed', n::jsonb) AS e) s ORDER BY i;

-- data_tier: 0 to 4 only (exact decimals: a fraction however small is a fraction)
SELECT n AS data_tier, v->'valid' AS valid, v#>>'{violations,0,type}' AS type FROM unnest(ARRAY['4', '4.0', '4.0000000000000000000001', '5', '-0', '-0.0', '1e0', '1e400', '-1e-400', '0.5', '"4"', 'true']) WITH ORDINALITY AS t(n, i), mission_audit_validate_event(pg_temp.ev(pg_temp.ulid(1), 'GatePassed') || jsonb_build_object('data_tier', n::jsonb)) v ORDER BY i;

-- findings_count: a 40-digit count survives into the reduced state exactly
SELECT n AS findings_count, mission_audit_is_valid('MissionAuditCompleted', pg_temp.payload('MissionAuditCompleted') || jsonb_build_object('findings_count', n::jsonb)) AS valid FROM unnest(ARRAY['0', '-0', '12.0', '1e3', '0.5', '-1', '1e-400', '1234567890123456789012345678901234567890']) n;
SELECT r->'findings_count' AS findings_count FROM mission_audit_reduce_events(jsonb_build_array(pg_temp.ev(pg_temp.ulid(1), 'MissionAuditRequested', '1'), pg_temp.ev(pg_temp.ulid(2), 'MissionAuditCompleted', '2', pg_temp.payload('MissionAuditCompleted') || '{"findings_count": 1234567890123456789012345678901234567890.000}'))) r;

-- clocks beyond 64 bits sort after every smaller clock: Started at 5 comes before Requested at 1e400
SELECT a->>'kind' AS kind, a->>'event_id' AS event_id FROM mission_audit_reduce_events(jsonb_build_array(pg_temp.ev(pg_temp.ulid(1), 'MissionAuditRequested', '1e400'), pg_temp.ev(pg_temp.ulid(2), 'MissionAuditStarted', '5'), pg_temp.ev(pg_temp.ulid(3), 'MissionAuditCompleted', '12345678901234567890123456789012345678901'), pg_temp.ev(pg_temp.ulid(4), 'MissionAuditFailed', '1e401'))) r, jsonb_array_elements(r->'anomalies') a;

-- Awkward Unicode in anomaly messages: Python repr() of each ------------------

SELECT i, a->>'message' AS message FROM unnest(ARRAY[
	'MissionAudit' || E'\u200b',        -- format character (Cf): \u200b
	'MissionAudit' || E'\u2028',        -- line separator (Zl): \u2028
	'MissionAudit' || E'\u00a0x',       -- no-break space (Zs): \xa0
	'MissionAudit' || E'\u3000',        -- ideographic space (Zs): \u3000
	'MissionAudit' || E'\U000E0001',    -- language tag (Cf): \U000e0001
	'MissionAudit' || E'\uE000',        -- private use (Co): \ue000
	'MissionAudit' || E'\U0010FFFF',    -- noncharacter (Cn): \U0010ffff
	'MissionAudit' || E'\u0378',        -- unassigned (Cn): \u0378
	'MissionAudit' || E'\x01\x7f\u0085', -- C0, DEL, C1: \x01\x7f\x85
	'MissionAudit' || E'\t\n\r',        -- \t \n \r
	'MissionAudit' || E'\'',            -- a single quote alone: double-quoted
	'MissionAudit' || E'\'"',           -- both quotes: single-quoted, \' escaped
	'MissionAudit' || E'\\',            -- backslash doubled
	'MissionAudit' || E'É😀e\u0301 ',   -- printable letters, emoji, combining mark, space: kept
	'MissionAudit' || E'\U0001F3FB\u00AD\uFEFF' -- skin tone (Sk, kept), soft hyphen and BOM (Cf)
]) WITH ORDINALITY AS t(type, i), LATERAL mission_audit_reduce_events(jsonb_build_array(pg_temp.ev(pg_temp.ulid(i::int), type))) r, jsonb_array_elements(r->'anomalies') a ORDER BY i;

-- the same quoting for decision ids and for event types after a terminal event
SELECT a->>'kind' AS kind, a->>'message' AS message FROM mission_audit_reduce_events(jsonb_build_array(pg_temp.ev(pg_temp.ulid(1), 'MissionAuditRequested', '1'), pg_temp.ev(pg_temp.ulid(2), 'MissionAuditDecisionRequested', '2', pg_temp.payload('MissionAuditDecisionRequested') || jsonb_build_object('decision_id', E'd\'"\\\u2029\U0001F600')), pg_temp.ev(pg_temp.ulid(3), 'MissionAuditDecisionRequested', '3', pg_temp.payload('MissionAuditDecisionRequested') || jsonb_build_object('decision_id', E'd\'"\\\u2029\U0001F600')), pg_temp.ev(pg_temp.ulid(4), 'MissionAuditFailed', '4'), pg_temp.ev(pg_temp.ulid(5), 'MissionAuditStarted', '5'))) r, jsonb_array_elements(r->'anomalies') a;

-- Ids of every length and class ----------------------------------------------

-- one character repeated 0..40 times: only 26 Crockford digits, 32 hex digits or a hyphenated UUID pass
SELECT n, mission_audit_event_is_valid(pg_temp.ev(repeat('Z', n), 'GatePassed')) AS "Z", mission_audit_event_is_valid(pg_temp.ev(repeat('7', n), 'GatePassed')) AS "7", mission_audit_event_is_valid(pg_temp.ev(repeat('u', n), 'GatePassed')) AS "u", mission_audit_validate_event(pg_temp.ev(repeat('é', n), 'GatePassed'))#>>'{violations,0,message}' AS "é" FROM generate_series(0, 40) n;

-- 26, 32 and 36 characters that are not ASCII, and near misses
SELECT id, mission_audit_validate_event(pg_temp.ev(id, 'GatePassed'))#>>'{violations,0,message}' AS message FROM unnest(ARRAY[
	repeat('😀', 26), repeat('ａ', 32), '0f8fad5b-d9cb-469f-a165-70867728950ｅ', ' 01J9ZQ7K3M4N5P6Q7R8S9T0V1W',
	'01J9ZQ7K3M4N5P6Q7R8S9T0V1', '01J9ZQ7K3M4N5P6Q7R8S9T0V1I', '01j9zq7k3m4n5p6q7r8s9t0v1l',
	'0f8fad5b-d9cb-469f-a165-70867728950', '0f8fad5bd9cb469fa16570867728950g', '0f8fad5b0d9cb0469f0a1650708677289500',
	'{0f8fad5b-d9cb-469f-a165-70867728950e}']) WITH ORDINALITY AS t(id, i) ORDER BY i;

-- three ids, three spellings: each normalized on its own (they once all came out as the last one)
SELECT n->>'event_id' AS event_id, n->>'causation_id' AS causation_id, n->>'correlation_id' AS correlation_id FROM mission_audit_normalize_event(pg_temp.ev('01j9zq7k3m4n5p6q7r8s9t0v1w', 'GatePassed') || '{"causation_id": "0F8FAD5BD9CB469FA16570867728950F", "correlation_id": "0F8FAD5B-D9CB-469F-A165-70867728950E"}') n;

-- Keys that differ but spell the same bytes ---------------------------------

-- objects whose keys differ but concatenate, in jsonb key order, to the same bytes are each read by their own keys ("run_idm" + "ission_id" spell what "run_id" + "mission_id" spell; a per-backend cache of the last key layout once answered the second object from the first one's keys)
SELECT mission_audit_is_valid('MissionAuditStarted', '{"actor": "a", "run_id": "r", "mission_id": "m", "feature_slug": "f", "audit_scope_hash": "h"}') AS same_keys, mission_audit_is_valid('MissionAuditStarted', '{"actor": "a", "run_idm": "r", "ission_id": "m", "feature_slug": "f", "audit_scope_hash": "h"}') AS resplit_keys;
SELECT mission_audit_is_valid('MissionAuditStarted', '{"actor": "a", "run_id": "r", "mission_id": "m", "feature_slug": "f", "audit_scope_hash": "h"}') AS same_keys, x->>'field' AS missing FROM jsonb_array_elements(mission_audit_validate('MissionAuditStarted', '{"actor": "a", "run_idm": "r", "ission_id": "m", "feature_slug": "f", "audit_scope_hash": "h"}')->'violations') x;

-- ... in either order
SELECT mission_audit_is_valid('MissionAuditStarted', '{"actor": "a", "run_idm": "r", "ission_id": "m", "feature_slug": "f", "audit_scope_hash": "h"}') AS resplit_keys, mission_audit_validate('MissionAuditStarted', '{"actor": "a", "run_id": "r", "mission_id": "m", "feature_slug": "f", "audit_scope_hash": "h"}')->'violations' AS same_keys_violations;

-- envelope keys too ("node_i" + "dpayload" spell what "node_id" + "payload" spell), and the reducer refuses the second event
SELECT mission_audit_event_is_valid(e) AS same_keys, mission_audit_event_is_valid((e - 'node_id' - 'payload') || jsonb_build_object('node_i', e->'node_id', 'dpayload', e->'payload')) AS resplit_keys FROM (SELECT pg_temp.ev(pg_temp.ulid(1), 'MissionAuditStarted') AS e) s;
SELECT pg_temp.try($$SELECT mission_audit_reduce(e ORDER BY n) FROM (SELECT 1 AS n, pg_temp.ev(pg_temp.ulid(1), 'MissionAuditStarted') AS e UNION ALL SELECT 2, (pg_temp.ev(pg_temp.ulid(2), 'MissionAuditStarted') - 'node_id' - 'payload') || jsonb_build_object('node_i', 'node-a', 'dpayload', pg_temp.payload('MissionAuditStarted'))) v$$) AS reduce;

-- Timestamps that are not ----------------------------------------------------

SELECT ts, v->'valid' AS valid, v#>>'{violations,0,message}' AS message FROM unnest(ARRAY[
	'2024-02-29T12:00:00Z', '2023-02-29T12:00:00Z', '2024-02-30T12:00:00Z', '1900-02-29', '2000-02-29',
	'2024-04-31', '2024-13-01', '2024-00-10', '2024-01-00', '0000-01-01T00:00:00Z', '0001-01-01T00:00:00',
	'9999-12-31T23:59:59.999999-23:59', '2024-01-01T24:00:00Z', '2024-01-01T23:60:00Z',
	'2016-12-31T23:59:60Z', '2024-01-01T00:00:00+24:00', '2024-01-01T00:00:00-24:00',
	'2024-01-01T00:00:00+23:60', '2024-01-01T00:00:00+5:30',
	'2024-01-01T00:00:00.', '2024-01-01T10:30', '2024-01-01 10:30:00,5+0530', '2024-01-01t10:30:00z',
	'2024-01-01_10:30:00', '2024-01-01T10:30:00' || E'\u2212' || '05:00', '2024-01-01T10:30:00Z ',
	'٢٠٢٤-01-01', '1700000000', '', 'T']) WITH ORDINALITY AS t(ts, i), mission_audit_validate_event(jsonb_set(pg_temp.ev(pg_temp.ulid(1), 'GatePassed'), '{timestamp}', to_jsonb(ts))) v ORDER BY i;
SELECT v#>>'{violations,0,type}' AS type, v#>>'{violations,0,message}' AS message FROM mission_audit_validate_event(jsonb_set(pg_temp.ev(pg_temp.ulid(1), 'GatePassed'), '{timestamp}', '1700000000')) v;

-- Invalid events inside GROUP BY ---------------------------------------------

CREATE TEMP TABLE grouped (run int, n int, event jsonb);
INSERT INTO grouped SELECT run, n, pg_temp.ev(pg_temp.ulid(run * 1000 + n), (ARRAY['MissionAuditRequested', 'MissionAuditStarted', 'MissionAuditDecisionRequested', 'GatePassed'])[n % 4 + 1], to_jsonb(n)) FROM generate_series(1, 50) run, generate_series(0, 9) n;
INSERT INTO grouped VALUES (7, 5, pg_temp.ev(pg_temp.ulid(7005), 'MissionAuditStarted', '-1'));
INSERT INTO grouped VALUES (8, 5, NULL);

-- one invalid event fails the whole query, naming that event
SELECT run, mission_audit_reduce(event)->>'audit_status' FROM grouped GROUP BY run ORDER BY run;
SELECT run, mission_audit_reduce(event ORDER BY n DESC)->>'event_count' FROM grouped GROUP BY run ORDER BY run;

-- ... in every plan shape
SET enable_sort = off;
SET work_mem = '64kB';
SELECT pg_temp.try($$SELECT count(s) FROM (SELECT run, mission_audit_reduce(event) s FROM grouped GROUP BY run) x$$) AS hashed;
RESET enable_sort;
RESET work_mem;
SELECT pg_temp.try($$SELECT count(s) FROM (SELECT mission_audit_reduce(event) OVER (PARTITION BY run ORDER BY n) s FROM grouped) x$$) AS window;

-- leaving it out (FILTER) answers; the NULL row is skipped
SELECT run, r->>'audit_status' AS audit_status, r->>'event_count' AS event_count FROM (SELECT run, mission_audit_reduce(event) FILTER (WHERE NOT (run = 7 AND n = 5 AND event->'lamport_clock' = '-1')) r FROM grouped GROUP BY run) s WHERE run BETWEEN 6 AND 8 ORDER BY run;

-- an invalid event in the middle of 100,000 valid ones, and non-events in an array
SELECT mission_audit_reduce(CASE WHEN i = 50000 THEN pg_temp.ev(pg_temp.ulid(i), 'GatePassed') - 'node_id' ELSE pg_temp.ev(pg_temp.ulid(i), 'GatePassed', to_jsonb(i), '{}') END) FROM generate_series(1, 100000) i;
SELECT mission_audit_reduce_events(jsonb_build_array(pg_temp.ev(pg_temp.ulid(1), 'GatePassed'), 'null'::jsonb, '[]'::jsonb));
SELECT mission_audit_reduce_events(jsonb_build_array(pg_temp.ev(pg_temp.ulid(1), 'GatePassed'), '"MissionAuditRequested"'::jsonb));
SELECT mission_audit_reduce_events('{"events": []}');

-- A statement timeout interrupts a long reduce ----------------------------------

CREATE TEMP TABLE many AS SELECT jsonb_agg(pg_temp.ev(pg_temp.ulid(i), 'MissionAuditDecisionRequested', to_jsonb(i), pg_temp.payload('MissionAuditDecisionRequested') || jsonb_build_object('decision_id', 'd' || i))) AS events FROM generate_series(1, 300000) i;
SET statement_timeout = '100ms';
-- reduce_events over a stored array of 300,000 events
SELECT mission_audit_reduce_events(events)->'event_count' FROM many;
-- the aggregate over a generate_series of 5,000,000
SELECT mission_audit_reduce(pg_temp.ev(pg_temp.ulid(i), 'GatePassed', to_jsonb(i), '{}'))->'event_count' FROM generate_series(1, 5000000) i;
RESET statement_timeout;
-- the session goes on
SELECT jsonb_array_length(mission_audit_reduce_events(jsonb_path_query_array(events, '$[0 to 9]'))->'pending_decisions') AS pending FROM many;

-- search_path attacks --------------------------------------------------------------

-- look-alikes of what the extension's SQL bodies use: the function payload_schema
-- calls, the = its CASE compares with, the enum type terminal_statuses casts to
CREATE SCHEMA hostile;
CREATE FUNCTION hostile.mission_audit_check_event_type(event_type text) RETURNS text LANGUAGE sql AS $$ SELECT 'MissionAuditFailed' $$;
CREATE FUNCTION hostile.always(text, text) RETURNS boolean LANGUAGE sql AS $$ SELECT true $$;
CREATE OPERATOR hostile.= (LEFTARG = text, RIGHTARG = text, FUNCTION = hostile.always);
CREATE TYPE hostile.mission_audit_status AS ENUM ('hijacked', 'completed', 'failed');
SET search_path = hostile, pg_catalog, public;

-- the extension's functions still answer as installed
SELECT public.mission_audit_payload_schema('MissionAuditRequested')->>'title' AS title;
SELECT public.mission_audit_payload_schema('MissionAuditStarted')->'required' AS required;
SELECT public.mission_audit_payload_schema('NotAnAuditType');
SELECT public.mission_audit_terminal_statuses(), pg_typeof(public.mission_audit_terminal_statuses());
SELECT public.mission_audit_schema_version(), public.mission_audit_event_types();
SELECT public.mission_audit_is_valid('MissionAuditStarted', '{}'), public.mission_audit_validate('MissionAuditStarted', '{}')->'valid' AS valid;
SELECT public.mission_audit_reduce_events('[]')->>'audit_status' AS audit_status;

-- while an unqualified call is the caller's own choice, and finds the look-alike
SELECT mission_audit_check_event_type('NotAnAuditType');

-- with nothing at all on the path
SET search_path = '';
SELECT public.mission_audit_payload_schema('MissionAuditFailed')->>'title' AS title, public.mission_audit_terminal_statuses();
RESET search_path;
SET client_min_messages = warning;
DROP SCHEMA hostile CASCADE;
RESET client_min_messages;
