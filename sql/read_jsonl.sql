-- read_jsonl: mission_audit_read_jsonl(text) -> (line_number, event), one row per
-- non-blank line; line numbers count every line, blank ones included.

-- LF line ends; the final newline is optional
SELECT * FROM mission_audit_read_jsonl(E'{"a": 1}\n{"b": [2, 3]}\n{"c": "x"}\n');
SELECT * FROM mission_audit_read_jsonl(E'{"a": 1}\n{"b": [2, 3]}\n{"c": "x"}');
-- CRLF line ends give the same rows
SELECT * FROM mission_audit_read_jsonl(E'{"a": 1}\r\n{"b": [2, 3]}\r\n{"c": "x"}\r\n');
SELECT count(*) AS equal_rows
FROM mission_audit_read_jsonl(E'{"a": 1}\n{"b": [2, 3]}\n{"c": "x"}\n') lf
	JOIN mission_audit_read_jsonl(E'{"a": 1}\r\n{"b": [2, 3]}\r\n{"c": "x"}\r\n') crlf
	USING (line_number, event);
-- blank lines are skipped but counted
SELECT * FROM mission_audit_read_jsonl(E'\n\n{"line": 3}\n\n{"line": 5}\n\n\n');
SELECT * FROM mission_audit_read_jsonl(E'\r\n{"line": 2}\r\n\r\n{"line": 4}');
-- whitespace-only lines (spaces, tabs, a lone CR, vertical tab, form feed) are blank
SELECT * FROM mission_audit_read_jsonl(E'   \n\t\t\n\r\n \t \r\n\x0b\x0c\n{"line": 6}\n  ');
-- leading and trailing whitespace around a value is allowed
SELECT * FROM mission_audit_read_jsonl(E'  \t{"line": 1}  \t\r\n');
-- a line holding any JSON value is returned as is
SELECT * FROM mission_audit_read_jsonl(E'42\n"text"\nnull\n[1, {"x": true}]');
-- a lone CR is not a line end
SELECT * FROM mission_audit_read_jsonl(E'{"a": 1}\r{"b": 2}\n'); -- error
-- no lines at all: zero rows
SELECT count(*) AS rows FROM mission_audit_read_jsonl('');
SELECT count(*) AS rows FROM mission_audit_read_jsonl(E'\n\n\r\n  \n');
SELECT count(*) AS rows FROM mission_audit_read_jsonl(NULL);

-- a malformed line is an error naming its line number (blank lines counted)
SELECT * FROM mission_audit_read_jsonl(E'{"a": 1}\n\n{"a":\n{"b": 2}\n'); -- error
SELECT * FROM mission_audit_read_jsonl(E'{"a": 1}\r\n{"a": 1} {"b": 2}\r\n'); -- error
SELECT * FROM mission_audit_read_jsonl(E'{"a": 1}\n\n\n\n{\'single\': 1}'); -- error
-- jsonb's own limits apply: no \u0000
SELECT * FROM mission_audit_read_jsonl(E'{"a": "\\u0000"}'); -- error
-- a UTF-8 byte order mark is not skipped
SELECT * FROM mission_audit_read_jsonl(E'\ufeff{"a": 1}'); -- error
-- the error stops the whole read: no row comes back
SELECT count(*) FROM mission_audit_read_jsonl(E'{"a": 1}\n{"b": 2}\n}'); -- error

----------------------------------------------------------------------
-- Replay: read a JSONL audit log and reduce it
----------------------------------------------------------------------

-- an audit log written with CRLF and blank lines, events out of order
SELECT line_number, event->>'event_type' AS type, event->'lamport_clock' AS clock
FROM mission_audit_read_jsonl(E'\r\n' ||
'{"event_id": "01KJPZWWV0T44633RKT0XX3ZHV", "event_type": "MissionAuditStarted", "aggregate_id": "audit/mission-042/run-008", "timestamp": "2026-03-02T10:01:00Z", "node_id": "ci-runner-7", "lamport_clock": 2, "project_uuid": "3f2b8c1e-7d4a-4e9b-a6c2-91d05e8f4b27", "correlation_id": "01KJPZV280RN7D0TA30TWR1QAR", "payload": {"mission_id": "mission-042", "run_id": "run-008", "feature_slug": "042-payments-refactor", "actor": "agent-claude", "audit_scope_hash": "sha256:b00f7697bc42c131d3bb25957f64956749409250183d29eb18c9faa6d2a80799"}}' || E'\r\n\r\n' ||
'{"event_id": "01KJQ04770X0HPEN1WYRE34WB9", "event_type": "MissionAuditFailed", "aggregate_id": "audit/mission-042/run-008", "timestamp": "2026-03-02T10:05:00Z", "node_id": "ci-runner-7", "lamport_clock": 3, "project_uuid": "3f2b8c1e-7d4a-4e9b-a6c2-91d05e8f4b27", "correlation_id": "01KJPZV280RN7D0TA30TWR1QAR", "payload": {"mission_id": "mission-042", "run_id": "run-008", "feature_slug": "042-payments-refactor", "actor": "agent-claude", "error_code": "AUDIT_TIMEOUT", "error_message": "Audit execution timed out after 300 seconds."}}' || E'\r\n' ||
'{"event_id": "01kjpzv28077f6pj8v97rsq885", "event_type": "MissionAuditRequested", "aggregate_id": "audit/mission-042/run-008", "timestamp": "2026-03-02T10:00:00Z", "node_id": "ci-runner-7", "lamport_clock": 1, "project_uuid": "3f2b8c1e-7d4a-4e9b-a6c2-91d05e8f4b27", "correlation_id": "01KJPZV280RN7D0TA30TWR1QAR", "payload": {"mission_id": "mission-042", "run_id": "run-008", "feature_slug": "042-payments-refactor", "actor": "agent-claude", "trigger_mode": "post_merge", "audit_scope": ["spec.md", "src/payments/"], "enforcement_mode": "blocking"}}' || E'\r\n')
ORDER BY line_number;
SELECT jsonb_pretty(mission_audit_reduce(event))
FROM mission_audit_read_jsonl(E'\r\n' ||
'{"event_id": "01KJPZWWV0T44633RKT0XX3ZHV", "event_type": "MissionAuditStarted", "aggregate_id": "audit/mission-042/run-008", "timestamp": "2026-03-02T10:01:00Z", "node_id": "ci-runner-7", "lamport_clock": 2, "project_uuid": "3f2b8c1e-7d4a-4e9b-a6c2-91d05e8f4b27", "correlation_id": "01KJPZV280RN7D0TA30TWR1QAR", "payload": {"mission_id": "mission-042", "run_id": "run-008", "feature_slug": "042-payments-refactor", "actor": "agent-claude", "audit_scope_hash": "sha256:b00f7697bc42c131d3bb25957f64956749409250183d29eb18c9faa6d2a80799"}}' || E'\r\n\r\n' ||
'{"event_id": "01KJQ04770X0HPEN1WYRE34WB9", "event_type": "MissionAuditFailed", "aggregate_id": "audit/mission-042/run-008", "timestamp": "2026-03-02T10:05:00Z", "node_id": "ci-runner-7", "lamport_clock": 3, "project_uuid": "3f2b8c1e-7d4a-4e9b-a6c2-91d05e8f4b27", "correlation_id": "01KJPZV280RN7D0TA30TWR1QAR", "payload": {"mission_id": "mission-042", "run_id": "run-008", "feature_slug": "042-payments-refactor", "actor": "agent-claude", "error_code": "AUDIT_TIMEOUT", "error_message": "Audit execution timed out after 300 seconds."}}' || E'\r\n' ||
'{"event_id": "01kjpzv28077f6pj8v97rsq885", "event_type": "MissionAuditRequested", "aggregate_id": "audit/mission-042/run-008", "timestamp": "2026-03-02T10:00:00Z", "node_id": "ci-runner-7", "lamport_clock": 1, "project_uuid": "3f2b8c1e-7d4a-4e9b-a6c2-91d05e8f4b27", "correlation_id": "01KJPZV280RN7D0TA30TWR1QAR", "payload": {"mission_id": "mission-042", "run_id": "run-008", "feature_slug": "042-payments-refactor", "actor": "agent-claude", "trigger_mode": "post_merge", "audit_scope": ["spec.md", "src/payments/"], "enforcement_mode": "blocking"}}' || E'\r\n');

-- a log written from SQL with jsonb::text, one event a line, read back unchanged
CREATE TEMP TABLE log AS
SELECT i, jsonb_build_object('event_id', upper(md5(i::text)), 'event_type',
		CASE WHEN i = 1 THEN 'MissionAuditRequested' ELSE 'WorkPackageStatusChanged' END,
		'aggregate_id', 'audit/mission-042/run-011', 'timestamp', '2026-03-05T09:00:00+01:00',
		'node_id', 'local-node-001', 'lamport_clock', i,
		'project_uuid', '3f2b8c1e-7d4a-4e9b-a6c2-91d05e8f4b27',
		'correlation_id', '01KJSJ7S807SV7X63MYDWXT9XK',
		'payload', CASE WHEN i = 1 THEN '{"mission_id": "mission-042", "run_id": "run-011",
			"feature_slug": "042-payments-refactor", "actor": "human:alice", "trigger_mode": "manual",
			"audit_scope": ["spec.md"], "enforcement_mode": "advisory"}'::jsonb
			ELSE jsonb_build_object('note', E'tab\there, newline\nthere') END) AS e
FROM generate_series(1, 100) i;
SELECT count(*) AS lines, count(*) FILTER (WHERE r.event = log.e AND r.line_number = log.i) AS same
FROM mission_audit_read_jsonl((SELECT string_agg(e::text, E'\n' ORDER BY i) FROM log)) r
	FULL JOIN log ON log.i = r.line_number;
SELECT st->>'audit_status' AS status, st->>'run_id' AS run, st->'event_count' AS events
FROM (SELECT mission_audit_reduce(event) AS st
	FROM mission_audit_read_jsonl((SELECT string_agg(e::text, E'\r\n' ORDER BY i DESC) FROM log))) x;

-- the installed replay fixture, read from the extension's share directory
SELECT st->>'audit_status' AS status, st->>'verdict' AS verdict, st->>'run_id' AS run,
	st->'event_count' AS events, jsonb_array_length(st->'anomalies') AS anomalies
FROM (SELECT mission_audit_reduce(event) AS st
	FROM mission_audit_read_jsonl(pg_read_file((SELECT setting FROM pg_config WHERE name = 'SHAREDIR')
		|| '/extension/mission_audit/2.5.0/mission_audit/replay/mission_audit_replay_pass.jsonl'))) x;

-- a line that is JSON but not an event object is read, then rejected by the reducer
SELECT mission_audit_reduce(event) FROM mission_audit_read_jsonl(E'\n[]\n'); -- error
