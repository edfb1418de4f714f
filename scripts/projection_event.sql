-- projection_event.sql: projection_event(run, n), a valid event n of a run, for the projection
-- test and benchmark: Requested, Started, two decisions (ids repeat), Completed, in turn.
CREATE FUNCTION projection_event(run int, n bigint) RETURNS jsonb
	LANGUAGE sql IMMUTABLE
	RETURN jsonb_build_object(
		'event_id', md5(run || '/' || n),
		'event_type', (ARRAY['MissionAuditRequested', 'MissionAuditStarted', 'MissionAuditDecisionRequested',
			'MissionAuditDecisionRequested', 'MissionAuditCompleted'])[n % 5 + 1],
		'aggregate_id', 'audit/' || run,
		'timestamp', to_char(timestamp '2026-03-01' + n * interval '1 second', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
		'node_id', 'node-1',
		'lamport_clock', n,
		'project_uuid', '3f2b8c1e-7d4a-4e9b-a6c2-91d05e8f4b27',
		'correlation_id', md5('c' || run),
		'payload', jsonb_build_object('mission_id', 'mission-1', 'run_id', 'run-' || run,
			'feature_slug', 'feature', 'actor', 'agent')
		|| CASE n % 5
		WHEN 0 THEN '{"trigger_mode": "manual", "audit_scope": ["src/"], "enforcement_mode": "advisory"}'::jsonb
		WHEN 1 THEN '{"audit_scope_hash": "sha256:00"}'::jsonb
		WHEN 4 THEN '{"verdict": "pass", "severity": "info", "findings_count": 0, "summary": "ok",
			"artifact_ref": {"report_path": "r.json", "content_hash": {"hash": "00", "algorithm": "sha256"},
			"provenance": {}}}'::jsonb
		ELSE jsonb_build_object('decision_id', 'd' || n % 7, 'question', 'q?', 'context_summary', 'c',
			'severity', 'warning') END);
