-- lamport_clocks: clocks of every size order numerically, before the timestamp.
-- Around each boundary of a machine representation (2^53, 10^16 = 10000^4, 2^63, 2^64) and
-- far beyond (10^25), two events whose clocks are one apart carry timestamps in the opposite
-- order, so only a numeric comparison of the clocks gives the right state.

-- ev(id, type, clock, ts, extra): a valid envelope; clock is JSON text, so its spelling is kept
CREATE FUNCTION pg_temp.ev(id int, type text, clock text, ts text, extra jsonb DEFAULT '{}')
	RETURNS jsonb LANGUAGE sql IMMUTABLE
	RETURN jsonb_build_object('event_id', '01HQ' || lpad(id::text, 22, '0'), 'event_type', type,
		'aggregate_id', 'audit/m/r', 'timestamp', ts, 'node_id', 'n',
		'lamport_clock', clock::jsonb, 'project_uuid', '3f2b8c1e-7d4a-4e9b-a6c2-91d05e8f4b27',
		'correlation_id', '01KJMDEB8081053JXNQBZCQZSP',
		'payload', jsonb_build_object('mission_id', 'm', 'run_id', 'r', 'feature_slug', 'f',
			'actor', 'a') || CASE type
			WHEN 'MissionAuditRequested' THEN
				'{"trigger_mode": "manual", "audit_scope": ["a"], "enforcement_mode": "advisory"}'
			WHEN 'MissionAuditStarted' THEN '{"audit_scope_hash": "h"}'
			WHEN 'MissionAuditFailed' THEN '{"error_code": "E", "error_message": "m"}'
			WHEN 'MissionAuditCompleted' THEN
				'{"verdict": "pass", "severity": "info", "findings_count": 0, "summary": "s",
				  "artifact_ref": {"report_path": "p", "content_hash": {"hash": "h",
				  "algorithm": "md5"}, "provenance": {}}}'
			ELSE '{}' END::jsonb || extra);

-- the boundaries, as exact decimals
CREATE TEMP TABLE boundary (name text, b numeric, i serial);
INSERT INTO boundary (name, b) VALUES
	('2^53', trunc(2::numeric ^ 53)), ('10^16', trunc(10::numeric ^ 16)),
	('2^63', trunc(2::numeric ^ 63)), ('2^64', trunc(2::numeric ^ 64)), ('10^25', trunc(10::numeric ^ 25));

-- clock pairs (lo, lo + 1) at b - 2, b - 1 and b: 2^53 ± 1, 10^16 - 1, 2^63 - 1 and the rest
CREATE TEMP TABLE pair AS
SELECT name || CASE d WHEN 0 THEN '' ELSE to_char(d, 'S9') END AS lo_name, b + d AS lo
FROM boundary, generate_series(-2, 0) d;

-- Requested at lo, late; Started at lo + 1, early: in clock order there is no anomaly
SELECT lo_name, s->>'audit_status' AS status, s->'anomalies' AS anomalies
FROM pair, LATERAL (SELECT mission_audit_reduce(e) FROM (VALUES
	(pg_temp.ev(1, 'MissionAuditRequested', lo::text, '2026-03-01T12:00:00Z')),
	(pg_temp.ev(2, 'MissionAuditStarted', (lo + 1)::text, '2026-03-01T08:00:00Z'))) v(e)) x(s)
ORDER BY lo;

-- Started at lo, late; Requested at lo + 1, early: in clock order Started comes first
SELECT lo_name, s->>'audit_status' AS status, s->'anomalies'->0->>'kind' AS anomaly
FROM pair, LATERAL (SELECT mission_audit_reduce(e) FROM (VALUES
	(pg_temp.ev(1, 'MissionAuditStarted', lo::text, '2026-03-01T12:00:00Z')),
	(pg_temp.ev(2, 'MissionAuditRequested', (lo + 1)::text, '2026-03-01T08:00:00Z'))) v(e)) x(s)
ORDER BY lo;

-- one id twice: deduplication keeps the copy with the lower clock, though it is later in time
SELECT lo_name, s->>'verdict' AS verdict, s->'event_count' AS events
FROM pair, LATERAL (SELECT mission_audit_reduce(e) FROM (VALUES
	(pg_temp.ev(1, 'MissionAuditCompleted', lo::text, '2026-03-01T12:00:00Z')),
	(pg_temp.ev(1, 'MissionAuditCompleted', (lo + 1)::text, '2026-03-01T08:00:00Z',
		'{"verdict": "fail"}'))) v(e)) x(s)
ORDER BY lo;

-- the stream of all clocks at once, every other one spelled with a fraction, timestamps
-- running backwards: the terminal event is the one with the largest clock, in any input
-- order, in one group or through a window frame
CREATE TEMP TABLE mixed AS
SELECT row_number() OVER (ORDER BY lo) AS k, lo FROM (SELECT lo FROM pair UNION SELECT lo + 1 FROM pair) x;
CREATE TEMP TABLE mixed_ev AS
SELECT k, pg_temp.ev(k::int, CASE WHEN k = 1 THEN 'MissionAuditRequested'
		WHEN k = (SELECT max(k) FROM mixed) THEN 'MissionAuditCompleted'
		ELSE 'MissionAuditStarted' END, lo::text || CASE k % 2 WHEN 0 THEN '.00' ELSE '' END,
	to_char(timestamp '2026-03-01 23:00' - k * interval '1 minute', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')) AS e
FROM mixed;
SELECT count(*) AS events, min(lo) AS min_clock, max(lo) AS max_clock FROM mixed;
SELECT o AS input_order, s->>'audit_status' AS status,
	jsonb_array_length(s->'anomalies') AS anomalies, s->'event_count' AS events
FROM (VALUES ('by k'), ('by k desc'), ('by e'), ('by timestamp')) o(o),
	LATERAL (SELECT CASE o
		WHEN 'by k' THEN (SELECT mission_audit_reduce(e ORDER BY k) FROM mixed_ev)
		WHEN 'by k desc' THEN (SELECT mission_audit_reduce(e ORDER BY k DESC) FROM mixed_ev)
		WHEN 'by e' THEN (SELECT mission_audit_reduce(e ORDER BY e) FROM mixed_ev)
		ELSE (SELECT mission_audit_reduce(e ORDER BY e->>'timestamp') FROM mixed_ev) END) x(s);
-- the running state through a window in clock order: running until the last event completes it
SELECT k, s->>'audit_status' AS status, jsonb_array_length(s->'anomalies') AS anomalies
FROM (SELECT k, mission_audit_reduce(e) OVER (ORDER BY k) AS s FROM mixed_ev) x
WHERE k IN (1, 2, 10, 19, 20) ORDER BY k;

-- spellings of one clock are one clock: 1e17, 100000000000000000 and 100000000000000000.0 tie,
-- so the timestamp decides; 1e17 + 1 sorts after all of them whatever its timestamp
SELECT (SELECT string_agg(a->>'kind' || ' ' || right(a->>'event_id', 1), ', ')
		FROM jsonb_array_elements(s->'anomalies') a) AS anomalies, s->>'audit_status' AS status
FROM (SELECT mission_audit_reduce(e) FROM (VALUES
	(pg_temp.ev(1, 'MissionAuditRequested', '1e17', '2026-03-01T08:00:00Z')),
	(pg_temp.ev(2, 'MissionAuditStarted', '100000000000000000.0', '2026-03-01T09:00:00Z')),
	(pg_temp.ev(3, 'MissionAuditDecisionRequested', '100000000000000000', '2026-03-01T10:00:00Z',
		'{"decision_id": "d", "question": "q", "context_summary": "c", "severity": "info"}')),
	(pg_temp.ev(4, 'MissionAuditCompleted', '100000000000000001', '2026-03-01T07:00:00Z'))) v(e)) x(s);
SELECT (SELECT string_agg(a->>'kind' || ' ' || right(a->>'event_id', 1), ', ')
		FROM jsonb_array_elements(s->'anomalies') a) AS anomalies, s->>'audit_status' AS status
FROM (SELECT mission_audit_reduce(e) FROM (VALUES
	(pg_temp.ev(1, 'MissionAuditRequested', '10000000000000000.0', '2026-03-01T08:00:00Z')),
	(pg_temp.ev(2, 'MissionAuditCompleted', '1E16', '2026-03-01T07:00:00Z')),
	(pg_temp.ev(3, 'MissionAuditStarted', '9223372036854775807.000', '2026-03-01T06:00:00Z')),
	(pg_temp.ev(4, 'MissionAuditFailed', '9.223372036854775808e18', '2026-03-01T05:00:00Z'))) v(e)) x(s);

-- big clocks come out exact wherever they are output
SELECT mission_audit_normalize_event(pg_temp.ev(1, 'MissionAuditStarted', c, '2026-03-01'))->'lamport_clock' AS normalized
FROM unnest(ARRAY['9007199254740993', '9999999999999999.0', '1e16', '9223372036854775807',
	'9223372036854775808', '18446744073709551616', '1e25', '10000000000000000000000001.00']) c;
SELECT n AS findings_count, mission_audit_reduce_events(jsonb_build_array(
	pg_temp.ev(1, 'MissionAuditCompleted', '1', '2026-03-01', jsonb_build_object('findings_count', n::jsonb))))->'findings_count' AS reduced
FROM unnest(ARRAY['9007199254740993', '1e16', '9223372036854775808.0', '1e25']) n;
-- the other integer fields read the same exact shape: bounds hold at every size
SELECT n AS data_tier, v->'violations'->0->>'type' AS type, v->'violations'->0->'input' AS input
FROM unnest(ARRAY['4', '4.0', '5', '1e16', '9223372036854775807', '9223372036854775808', '1e25',
	'-9223372036854775808', '-9223372036854775809']) n,
	LATERAL mission_audit_validate_event(pg_temp.ev(1, 'GatePassed', '1', '2026-03-01')
		|| jsonb_build_object('data_tier', n::jsonb)) v;
SELECT n AS size_bytes, mission_audit_reduce_events(jsonb_build_array(pg_temp.ev(1, 'MissionAuditCompleted', '1',
	'2026-03-01', jsonb_build_object('artifact_ref', jsonb_build_object('report_path', 'p',
		'provenance', '{}'::jsonb, 'content_hash', jsonb_build_object('hash', 'h', 'algorithm', 'md5',
			'size_bytes', n::jsonb))))))#>'{artifact_ref,content_hash,size_bytes}' AS reduced
FROM unnest(ARRAY['9223372036854775807', '9223372036854775808.00', '1e25']) n;
