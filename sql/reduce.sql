-- reduce: the reducer's rules, one named event stream per case.
-- Helpers build realistic envelopes; ev holds every stream; r(stream) reduces one.

-- uid(n): a ULID (upper case) numbered n
CREATE FUNCTION pg_temp.uid(n int) RETURNS text
	LANGUAGE sql IMMUTABLE
	RETURN '01HQ' || lpad(n::text, 22, '0');

-- p(type, extra): a valid payload of an audit type, overridden by extra;
-- any other type gets extra alone
CREATE FUNCTION pg_temp.p(type text, extra jsonb DEFAULT '{}') RETURNS jsonb
	LANGUAGE sql IMMUTABLE
	RETURN CASE WHEN type IN ('MissionAuditRequested', 'MissionAuditStarted',
			'MissionAuditDecisionRequested', 'MissionAuditCompleted', 'MissionAuditFailed')
		THEN '{"mission_id": "mission-042", "run_id": "run-007",
			"feature_slug": "042-payments-refactor", "actor": "agent-claude"}'::jsonb
		ELSE '{}'::jsonb END
	|| CASE type
	WHEN 'MissionAuditRequested' THEN
		'{"trigger_mode": "manual", "audit_scope": ["spec.md", "plan.md"],
		  "enforcement_mode": "advisory"}'::jsonb
	WHEN 'MissionAuditStarted' THEN
		'{"audit_scope_hash": "sha256:80492393dd876fb023a75fa28017edfa6f0897261944da45c55df419a71b86b0"}'::jsonb
	WHEN 'MissionAuditDecisionRequested' THEN
		'{"decision_id": "dec-001", "question": "Accept the gap in spec.md section 3?",
		  "context_summary": "Partial refunds are implemented but not specified.",
		  "severity": "warning"}'::jsonb
	WHEN 'MissionAuditCompleted' THEN
		'{"verdict": "pass", "severity": "info", "findings_count": 0,
		  "artifact_ref": {"report_path": "audits/mission-042/run-007/report.json",
			"content_hash": {"hash": "88d3772c87c4f3636cd4083e9e49289aa2050b140ec4f7df03c2af9bc8dbe593",
				"algorithm": "sha256", "size_bytes": 18432, "encoding": "utf-8"},
			"provenance": {"source_event_ids": ["01hq0000000000000000000001"],
				"git_sha": "81b06ef0574644195c8997ecbd0125f837f422ee",
				"git_ref": "refs/heads/042-payments-refactor", "actor_id": "agent-claude",
				"actor_kind": "llm", "revised_at": "2026-03-01T10:06:00Z"}},
		  "summary": "No findings."}'::jsonb
	WHEN 'MissionAuditFailed' THEN
		'{"error_code": "AUDIT_TIMEOUT", "error_message": "Timed out after 300 seconds."}'::jsonb
	ELSE '{}'::jsonb END
	|| extra;

-- ev(id, type, lamport, extra, ts): an envelope whose payload is p(type, extra)
CREATE FUNCTION pg_temp.ev(id text, type text, lamport numeric, extra jsonb DEFAULT '{}',
		ts text DEFAULT '2026-03-01T10:00:00Z') RETURNS jsonb
	LANGUAGE sql IMMUTABLE
	RETURN jsonb_build_object('event_id', id, 'event_type', type,
		'aggregate_id', 'audit/mission-042/run-007', 'timestamp', ts,
		'node_id', 'local-node-001', 'lamport_clock', lamport,
		'project_uuid', '3f2b8c1e-7d4a-4e9b-a6c2-91d05e8f4b27',
		'correlation_id', '01KJMDEB8081053JXNQBZCQZSP', 'schema_version', '2.5.0',
		'data_tier', 1, 'payload', pg_temp.p(type, extra));

CREATE TEMP TABLE ev (stream text NOT NULL, e jsonb);

CREATE FUNCTION pg_temp.r(s text) RETURNS jsonb
	LANGUAGE sql STABLE
	RETURN (SELECT mission_audit_reduce(e) FROM ev WHERE stream = s);

-- the anomalies of a stream's state, one row each, in state order
CREATE FUNCTION pg_temp.anomalies(s text)
	RETURNS TABLE (n bigint, kind text, event_id text, message text)
	LANGUAGE sql STABLE
	AS $$ SELECT o, a->>'kind', a->>'event_id', a->>'message'
		FROM jsonb_array_elements(pg_temp.r(s)->'anomalies') WITH ORDINALITY AS x(a, o) $$;

-- the decision ids pending in a stream's state, in state order
CREATE FUNCTION pg_temp.pending_ids(s text) RETURNS text
	LANGUAGE sql STABLE
	RETURN (SELECT string_agg(d->>'decision_id', ', ' ORDER BY o)
		FROM jsonb_array_elements(pg_temp.r(s)->'pending_decisions') WITH ORDINALITY AS x(d, o));

-- the state's scalar lifecycle fields on one line
CREATE FUNCTION pg_temp.brief(s text) RETURNS text
	LANGUAGE sql STABLE
	RETURN (SELECT format('%s verdict=%s error=%s run=%s pending=%s anomalies=%s events=%s',
		st->>'audit_status', st->>'verdict', st->>'error_code', st->>'run_id',
		jsonb_array_length(st->'pending_decisions'), jsonb_array_length(st->'anomalies'),
		st->'event_count') FROM (SELECT pg_temp.r(s)) x(st));

----------------------------------------------------------------------
-- Happy paths
----------------------------------------------------------------------

-- Requested, Started, Completed: completed, every state key present
INSERT INTO ev VALUES
	('happy_pass', pg_temp.ev(pg_temp.uid(1), 'MissionAuditRequested', 1)),
	('happy_pass', pg_temp.ev(pg_temp.uid(2), 'MissionAuditStarted', 2)),
	('happy_pass', pg_temp.ev(pg_temp.uid(3), 'MissionAuditCompleted', 3));
SELECT jsonb_pretty(pg_temp.r('happy_pass'));

-- Requested, Started, Failed with a partial artifact: failed
INSERT INTO ev VALUES
	('happy_fail', pg_temp.ev(pg_temp.uid(1), 'MissionAuditRequested', 1,
		'{"trigger_mode": "post_merge", "enforcement_mode": "blocking", "run_id": "run-008"}')),
	('happy_fail', pg_temp.ev(pg_temp.uid(2), 'MissionAuditStarted', 2, '{"run_id": "run-008"}')),
	('happy_fail', pg_temp.ev(pg_temp.uid(3), 'MissionAuditFailed', 3,
		'{"run_id": "run-008", "partial_artifact_ref": {
			"report_path": "audits/mission-042/run-008/report.partial.json",
			"content_hash": {"hash": "35972ca864e29849dc8c7c77e3b5c95b407d5b0707312b716487cb96a6ab939f",
				"algorithm": "sha512"},
			"provenance": {"git_ref": "refs/heads/main", "actor_kind": "system"}}}'));
SELECT jsonb_pretty(pg_temp.r('happy_fail'));

-- decision checkpoint: awaiting_decision with the pending entry built from the payload
INSERT INTO ev VALUES
	('checkpoint', pg_temp.ev(pg_temp.uid(1), 'MissionAuditRequested', 1)),
	('checkpoint', pg_temp.ev(pg_temp.uid(2), 'MissionAuditStarted', 2)),
	('checkpoint', pg_temp.ev(pg_temp.uid(3), 'MissionAuditDecisionRequested', 3,
		'{"severity": "critical"}'));
SELECT jsonb_pretty(pg_temp.r('checkpoint'));
-- ... then a Completed clears the pending decision
INSERT INTO ev SELECT 'checkpoint_done', e FROM ev WHERE stream = 'checkpoint';
INSERT INTO ev VALUES
	('checkpoint_done', pg_temp.ev(pg_temp.uid(4), 'MissionAuditCompleted', 4,
		'{"verdict": "pass_with_warnings", "severity": "warning", "findings_count": 1}'));
SELECT pg_temp.brief('checkpoint_done'), pg_temp.r('checkpoint_done')->'pending_decisions' AS pending;
-- ... and a Failed clears several pending decisions the same way
INSERT INTO ev VALUES
	('two_pending', pg_temp.ev(pg_temp.uid(1), 'MissionAuditRequested', 1)),
	('two_pending', pg_temp.ev(pg_temp.uid(2), 'MissionAuditDecisionRequested', 2, '{"decision_id": "dec-001"}')),
	('two_pending', pg_temp.ev(pg_temp.uid(3), 'MissionAuditDecisionRequested', 3, '{"decision_id": "dec-002"}'));
SELECT pg_temp.brief('two_pending'), pg_temp.pending_ids('two_pending');
INSERT INTO ev SELECT 'two_pending_failed', e FROM ev WHERE stream = 'two_pending';
INSERT INTO ev VALUES
	('two_pending_failed', pg_temp.ev(pg_temp.uid(4), 'MissionAuditFailed', 4));
SELECT pg_temp.brief('two_pending_failed'), pg_temp.pending_ids('two_pending_failed');

-- Started after a decision sets running again; the decision stays pending
INSERT INTO ev VALUES
	('decision_then_started', pg_temp.ev(pg_temp.uid(1), 'MissionAuditRequested', 1)),
	('decision_then_started', pg_temp.ev(pg_temp.uid(2), 'MissionAuditDecisionRequested', 2)),
	('decision_then_started', pg_temp.ev(pg_temp.uid(3), 'MissionAuditStarted', 3));
SELECT pg_temp.brief('decision_then_started'), pg_temp.pending_ids('decision_then_started');

-- Requested alone: pending, its values set
INSERT INTO ev VALUES
	('requested_only', pg_temp.ev(pg_temp.uid(1), 'MissionAuditRequested', 1));
SELECT pg_temp.brief('requested_only'),
	pg_temp.r('requested_only')->'audit_scope' AS scope,
	pg_temp.r('requested_only')->>'audit_scope_hash' AS scope_hash;

----------------------------------------------------------------------
-- Empty and NULL input
----------------------------------------------------------------------

-- zero rows: the initial state, not NULL
SELECT jsonb_pretty(mission_audit_reduce(e)) FROM ev WHERE false;
-- only NULL rows: the initial state too
SELECT mission_audit_reduce(e) = mission_audit_reduce_events('[]') AS initial,
	mission_audit_reduce(e)->'event_count' AS events
FROM (VALUES (NULL::jsonb), (NULL)) v(e);
-- NULL rows mixed in are skipped and not counted
SELECT mission_audit_reduce(e) = pg_temp.r('happy_pass') AS same,
	mission_audit_reduce(e)->'event_count' AS events
FROM (SELECT e FROM ev WHERE stream = 'happy_pass'
	UNION ALL VALUES (NULL::jsonb), (NULL)) v(e);
-- a single row
SELECT pg_temp.brief('requested_only');

----------------------------------------------------------------------
-- Deduplication
----------------------------------------------------------------------

-- the same event three times counts once
INSERT INTO ev SELECT 'dup_exact', e FROM ev, generate_series(1, 3) WHERE stream = 'happy_pass';
SELECT pg_temp.r('dup_exact') = pg_temp.r('happy_pass') AS same, pg_temp.brief('dup_exact');
-- one id, two contents: the copy with the smaller sort key wins wherever it is in the input
INSERT INTO ev VALUES
	('dup_content', pg_temp.ev(pg_temp.uid(3), 'MissionAuditCompleted', 9, '{"verdict": "fail"}')),
	('dup_content', pg_temp.ev(pg_temp.uid(1), 'MissionAuditRequested', 1)),
	('dup_content', pg_temp.ev(pg_temp.uid(3), 'MissionAuditCompleted', 3, '{"verdict": "pass"}'));
SELECT pg_temp.brief('dup_content');
-- equal clocks: the earlier rendered timestamp wins
INSERT INTO ev VALUES
	('dup_ts', pg_temp.ev(pg_temp.uid(1), 'MissionAuditRequested', 1)),
	('dup_ts', pg_temp.ev(pg_temp.uid(3), 'MissionAuditCompleted', 3, '{"verdict": "fail"}',
		'2026-03-01T10:00:01Z')),
	('dup_ts', pg_temp.ev(pg_temp.uid(3), 'MissionAuditCompleted', 3, '{"verdict": "pass_with_warnings"}',
		'2026-03-01T10:00:00.999999Z'));
SELECT pg_temp.brief('dup_ts');
-- dedup spans families: a non-audit event holding the id first hides the audit event
INSERT INTO ev VALUES
	('dup_family', pg_temp.ev(pg_temp.uid(1), 'MissionAuditRequested', 1)),
	('dup_family', pg_temp.ev(pg_temp.uid(2), 'WorkPackageStatusChanged', 2)),
	('dup_family', pg_temp.ev(pg_temp.uid(2), 'MissionAuditCompleted', 5));
SELECT pg_temp.brief('dup_family');
-- a full key tie (same id, clock, timestamp) with different content: the result does not
-- depend on which copy comes first in the input
INSERT INTO ev VALUES
	('tie_a', pg_temp.ev(pg_temp.uid(1), 'MissionAuditRequested', 1)),
	('tie_a', pg_temp.ev(pg_temp.uid(2), 'MissionAuditCompleted', 2, '{"verdict": "fail"}')),
	('tie_a', pg_temp.ev(pg_temp.uid(2), 'MissionAuditCompleted', 2, '{"verdict": "pass"}')),
	('tie_b', pg_temp.ev(pg_temp.uid(2), 'MissionAuditCompleted', 2, '{"verdict": "pass"}')),
	('tie_b', pg_temp.ev(pg_temp.uid(2), 'MissionAuditCompleted', 2, '{"verdict": "fail"}')),
	('tie_b', pg_temp.ev(pg_temp.uid(1), 'MissionAuditRequested', 1));
SELECT pg_temp.r('tie_a') = pg_temp.r('tie_b') AS same, pg_temp.brief('tie_a');
-- the same full key tie between an audit and a non-audit event
INSERT INTO ev VALUES
	('tie_family_a', pg_temp.ev(pg_temp.uid(1), 'MissionAuditRequested', 1)),
	('tie_family_a', pg_temp.ev(pg_temp.uid(2), 'MissionAuditCompleted', 2)),
	('tie_family_a', pg_temp.ev(pg_temp.uid(2), 'WorkPackageStatusChanged', 2)),
	('tie_family_b', pg_temp.ev(pg_temp.uid(2), 'WorkPackageStatusChanged', 2)),
	('tie_family_b', pg_temp.ev(pg_temp.uid(2), 'MissionAuditCompleted', 2)),
	('tie_family_b', pg_temp.ev(pg_temp.uid(1), 'MissionAuditRequested', 1));
SELECT pg_temp.r('tie_family_a') = pg_temp.r('tie_family_b') AS same;

----------------------------------------------------------------------
-- Anomalies
----------------------------------------------------------------------

-- each kind once, plus a non-audit family that stays silent
INSERT INTO ev VALUES
	('anomalies', pg_temp.ev(pg_temp.uid(1), 'MissionAuditStarted', 1)),
	('anomalies', pg_temp.ev(pg_temp.uid(2), 'MissionAuditRequested', 2)),
	('anomalies', pg_temp.ev(pg_temp.uid(3), 'MissionAuditDecisionRequested', 3)),
	('anomalies', pg_temp.ev(pg_temp.uid(4), 'MissionAuditDecisionRequested', 4)),
	('anomalies', pg_temp.ev(pg_temp.uid(5), 'MissionAuditCancelled', 5)),
	('anomalies', pg_temp.ev(pg_temp.uid(6), 'WorkPackageStatusChanged', 6)),
	('anomalies', pg_temp.ev(pg_temp.uid(7), 'MissionAuditCompleted', 7)),
	('anomalies', pg_temp.ev(pg_temp.uid(8), 'MissionAuditFailed', 8));
SELECT * FROM pg_temp.anomalies('anomalies');
SELECT pg_temp.brief('anomalies');
-- unrecognized audit types are reported before the terminal check and the Requested check,
-- and skipped; the family prefix is case-sensitive and "MissionAudit" alone belongs to it
INSERT INTO ev VALUES
	('unrecognized', pg_temp.ev(pg_temp.uid(1), 'MissionAudit', 1)),
	('unrecognized', pg_temp.ev(pg_temp.uid(2), 'MissionAuditrequested', 2)),
	('unrecognized', pg_temp.ev(pg_temp.uid(3), 'missionAuditRequested', 3)),
	('unrecognized', pg_temp.ev(pg_temp.uid(4), 'MissionAuditRequested', 4)),
	('unrecognized', pg_temp.ev(pg_temp.uid(5), 'MissionAuditFailed', 5)),
	('unrecognized', pg_temp.ev(pg_temp.uid(6), 'MissionAuditCancelled', 6,
		'{"verdict": "not a verdict", "anything": [1, 2]}'));
SELECT * FROM pg_temp.anomalies('unrecognized');
SELECT pg_temp.brief('unrecognized');
-- after a terminal event every audit event is an anomaly and skipped, another terminal included
INSERT INTO ev VALUES
	('after_terminal', pg_temp.ev(pg_temp.uid(1), 'MissionAuditRequested', 1)),
	('after_terminal', pg_temp.ev(pg_temp.uid(2), 'MissionAuditFailed', 2)),
	('after_terminal', pg_temp.ev(pg_temp.uid(3), 'MissionAuditCompleted', 3)),
	('after_terminal', pg_temp.ev(pg_temp.uid(4), 'MissionAuditRequested', 4, '{"run_id": "run-999"}')),
	('after_terminal', pg_temp.ev(pg_temp.uid(5), 'MissionAuditStarted', 5)),
	('after_terminal', pg_temp.ev(pg_temp.uid(6), 'MissionAuditDecisionRequested', 6)),
	('after_terminal', pg_temp.ev(pg_temp.uid(7), 'MissionAuditFailed', 7, '{"error_code": "LATE"}'));
SELECT * FROM pg_temp.anomalies('after_terminal');
SELECT pg_temp.brief('after_terminal'), pg_temp.r('after_terminal')->>'audit_scope_hash' AS scope_hash;
-- a duplicate decision id is an anomaly, not a second entry; exact string equality
INSERT INTO ev VALUES
	('dup_decision', pg_temp.ev(pg_temp.uid(1), 'MissionAuditRequested', 1)),
	('dup_decision', pg_temp.ev(pg_temp.uid(2), 'MissionAuditDecisionRequested', 2,
		'{"decision_id": "dec-001", "question": "first?"}')),
	('dup_decision', pg_temp.ev(pg_temp.uid(3), 'MissionAuditDecisionRequested', 3,
		'{"decision_id": "dec-001", "question": "second?"}')),
	('dup_decision', pg_temp.ev(pg_temp.uid(4), 'MissionAuditDecisionRequested', 4,
		'{"decision_id": "DEC-001"}')),
	('dup_decision', pg_temp.ev(pg_temp.uid(5), 'MissionAuditDecisionRequested', 5,
		'{"decision_id": "dec-001 "}'));
SELECT * FROM pg_temp.anomalies('dup_decision');
SELECT pg_temp.brief('dup_decision'), pg_temp.pending_ids('dup_decision'),
	pg_temp.r('dup_decision')->'pending_decisions'->0->>'question' AS kept_question;

----------------------------------------------------------------------
-- Requested arriving late
----------------------------------------------------------------------

-- Started and a decision before Requested: anomalies, still processed; Started filled the ids,
-- Requested overwrites them and does not change the status
INSERT INTO ev VALUES
	('late_requested', pg_temp.ev(pg_temp.uid(1), 'MissionAuditStarted', 1,
		'{"mission_id": "mission-001", "run_id": "run-001", "feature_slug": "001-early"}')),
	('late_requested', pg_temp.ev(pg_temp.uid(2), 'MissionAuditDecisionRequested', 2)),
	('late_requested', pg_temp.ev(pg_temp.uid(3), 'MissionAuditRequested', 3));
SELECT * FROM pg_temp.anomalies('late_requested');
SELECT pg_temp.brief('late_requested'), st->>'mission_id' AS mission, st->>'feature_slug' AS slug,
	st->>'trigger_mode' AS trigger, st->>'audit_scope_hash' IS NOT NULL AS has_hash
FROM pg_temp.r('late_requested') st;
-- Started after Requested fills nothing: Requested's ids stay
INSERT INTO ev VALUES
	('started_fills', pg_temp.ev(pg_temp.uid(1), 'MissionAuditRequested', 1)),
	('started_fills', pg_temp.ev(pg_temp.uid(2), 'MissionAuditStarted', 2,
		'{"mission_id": "mission-999", "run_id": "run-999", "audit_scope_hash": "sha256:started"}'));
SELECT st->>'mission_id' AS mission, st->>'run_id' AS run, st->>'audit_scope_hash' AS scope_hash
FROM pg_temp.r('started_fills') st;
-- a second Requested overwrites the first, audit_scope included
INSERT INTO ev VALUES
	('requested_twice', pg_temp.ev(pg_temp.uid(1), 'MissionAuditRequested', 1)),
	('requested_twice', pg_temp.ev(pg_temp.uid(2), 'MissionAuditRequested', 2,
		'{"run_id": "run-008", "trigger_mode": "post_merge", "enforcement_mode": "blocking",
		  "audit_scope": ["src/"]}'));
SELECT st->>'run_id' AS run, st->>'trigger_mode' AS trigger, st->>'enforcement_mode' AS mode,
	st->'audit_scope' AS scope, jsonb_array_length(st->'anomalies') AS anomalies
FROM pg_temp.r('requested_twice') st;
-- only a Completed: one anomaly, completed anyway, no Requested values
INSERT INTO ev VALUES
	('completed_only', pg_temp.ev(pg_temp.uid(1), 'MissionAuditCompleted', 1));
SELECT pg_temp.brief('completed_only'), pg_temp.r('completed_only')->'mission_id' AS mission;

----------------------------------------------------------------------
-- Artifact references
----------------------------------------------------------------------

-- the reference is normalized: every declared field, nulls for absent optional ones,
-- unknown keys dropped, integral floats as integers
INSERT INTO ev VALUES
	('artifact', pg_temp.ev(pg_temp.uid(1), 'MissionAuditRequested', 1)),
	('artifact', pg_temp.ev(pg_temp.uid(2), 'MissionAuditCompleted', 2,
		'{"findings_count": 3.0, "artifact_ref": {"report_path": "r.json", "extra": true,
			"content_hash": {"hash": "ab", "algorithm": "md5", "size_bytes": 1e2, "x": 1},
			"provenance": {"source_event_ids": ["not-normalized", "01hq0000000000000000000001"],
				"future_field": {"a": 1}}}}'));
SELECT st->'findings_count' AS findings, jsonb_pretty(st->'artifact_ref') AS artifact_ref
FROM pg_temp.r('artifact') st;
-- partial artifact on failure, absent: null
INSERT INTO ev VALUES
	('failed_bare', pg_temp.ev(pg_temp.uid(1), 'MissionAuditRequested', 1)),
	('failed_bare', pg_temp.ev(pg_temp.uid(2), 'MissionAuditFailed', 2));
SELECT st->'partial_artifact_ref' AS partial, st->'artifact_ref' AS artifact,
	st->>'error_code' AS code, st->>'error_message' AS message
FROM pg_temp.r('failed_bare') st;
-- partial artifact on failure, explicitly null: null
INSERT INTO ev VALUES
	('failed_null', pg_temp.ev(pg_temp.uid(2), 'MissionAuditFailed', 2, '{"partial_artifact_ref": null}'));
SELECT st->'partial_artifact_ref' AS partial, st->>'audit_status' AS status
FROM pg_temp.r('failed_null') st;
-- partial artifact on failure, given: normalized like artifact_ref
INSERT INTO ev VALUES
	('failed_partial', pg_temp.ev(pg_temp.uid(2), 'MissionAuditFailed', 2,
		'{"error_code": "E", "error_message": "", "partial_artifact_ref": {"report_path": "p",
			"content_hash": {"hash": "h", "algorithm": "sha256", "size_bytes": 0.0, "encoding": null},
			"provenance": {"actor_kind": "human", "unknown": null}}}'));
SELECT jsonb_pretty(st->'partial_artifact_ref') AS partial, st->>'error_message' = '' AS empty_message
FROM pg_temp.r('failed_partial') st;

----------------------------------------------------------------------
-- Event ids in every spelling
----------------------------------------------------------------------

-- ULID lower and upper case are one event; the anomaly names the upper-case form
INSERT INTO ev VALUES
	('ulid_case', pg_temp.ev('01hq0000000000000000000abc', 'MissionAuditStarted', 1)),
	('ulid_case', pg_temp.ev('01HQ0000000000000000000ABC', 'MissionAuditStarted', 1)),
	('ulid_case', pg_temp.ev('01Hq0000000000000000000aBc', 'MissionAuditStarted', 1));
SELECT * FROM pg_temp.anomalies('ulid_case');
SELECT pg_temp.brief('ulid_case');
-- UUID upper, lower and 32-hex are one event; the anomaly names the lower-case hyphenated form
INSERT INTO ev VALUES
	('uuid_forms', pg_temp.ev('0F8FAD5B-D9CB-469F-A165-70867728950E', 'MissionAuditDecisionRequested', 1)),
	('uuid_forms', pg_temp.ev('0f8fad5b-d9cb-469f-a165-70867728950e', 'MissionAuditDecisionRequested', 1)),
	('uuid_forms', pg_temp.ev('0F8FAD5BD9CB469FA16570867728950E', 'MissionAuditDecisionRequested', 1)),
	('uuid_forms', pg_temp.ev('0f8fad5bd9cb469fa16570867728950e', 'MissionAuditDecisionRequested', 1));
SELECT * FROM pg_temp.anomalies('uuid_forms');
SELECT pg_temp.brief('uuid_forms');
-- duplicates in different spellings: the copy with the smallest sort key wins
INSERT INTO ev VALUES
	('spelling_dedup', pg_temp.ev('01hq0000000000000000000001', 'MissionAuditRequested', 1)),
	('spelling_dedup', pg_temp.ev('7e57ab1ec0de4a11b0a710ad00000002', 'MissionAuditCompleted', 5,
		'{"verdict": "fail"}')),
	('spelling_dedup', pg_temp.ev('7E57AB1E-C0DE-4A11-B0A7-10AD00000002', 'MissionAuditCompleted', 4,
		'{"verdict": "pass"}'));
SELECT pg_temp.brief('spelling_dedup');

----------------------------------------------------------------------
-- Ordering
----------------------------------------------------------------------

-- input order does not matter: the pass stream reversed
SELECT mission_audit_reduce(e ORDER BY e->>'event_id' DESC) = pg_temp.r('happy_pass') AS same
FROM ev WHERE stream = 'happy_pass';
-- lamport clocks compare as numbers, not text: 10 after 9 and 2 (2.0 is 2)
INSERT INTO ev VALUES
	('clock_numeric', pg_temp.ev(pg_temp.uid(1), 'MissionAuditRequested', 0)),
	('clock_numeric', pg_temp.ev(pg_temp.uid(2), 'MissionAuditDecisionRequested', 10, '{"decision_id": "ten"}')),
	('clock_numeric', pg_temp.ev(pg_temp.uid(3), 'MissionAuditDecisionRequested', 9, '{"decision_id": "nine"}')),
	('clock_numeric', pg_temp.ev(pg_temp.uid(4), 'MissionAuditDecisionRequested', 2.0, '{"decision_id": "two"}'));
SELECT pg_temp.pending_ids('clock_numeric');
-- equal clocks: rendered timestamp text decides, not the instant
-- (no offset < +00:00 < +05:30 < -08:00 < .500000+00:00; 11:00-08:00 is later in time
-- than 12:00Z; a date alone is midnight without offset)
INSERT INTO ev VALUES
	('clock_tie_ts', pg_temp.ev(pg_temp.uid(1), 'MissionAuditRequested', 0)),
	('clock_tie_ts', pg_temp.ev(pg_temp.uid(2), 'MissionAuditDecisionRequested', 7,
		'{"decision_id": "frac"}', '2026-03-01T12:00:00.5Z')),
	('clock_tie_ts', pg_temp.ev(pg_temp.uid(3), 'MissionAuditDecisionRequested', 7,
		'{"decision_id": "minus8"}', '2026-03-01T12:00:00-08:00')),
	('clock_tie_ts', pg_temp.ev(pg_temp.uid(4), 'MissionAuditDecisionRequested', 7,
		'{"decision_id": "utc"}', '2026-03-01T12:00:00+00:00')),
	('clock_tie_ts', pg_temp.ev(pg_temp.uid(5), 'MissionAuditDecisionRequested', 7,
		'{"decision_id": "naive"}', '2026-03-01T12:00:00')),
	('clock_tie_ts', pg_temp.ev(pg_temp.uid(6), 'MissionAuditDecisionRequested', 7,
		'{"decision_id": "eleven_pst"}', '2026-03-01T11:00:00-08:00')),
	('clock_tie_ts', pg_temp.ev(pg_temp.uid(7), 'MissionAuditDecisionRequested', 7,
		'{"decision_id": "date_only"}', '2026-03-01')),
	('clock_tie_ts', pg_temp.ev(pg_temp.uid(8), 'MissionAuditDecisionRequested', 7,
		'{"decision_id": "plus0530"}', '2026-03-01T12:00:00+0530'));
SELECT pg_temp.pending_ids('clock_tie_ts');
-- equal clocks and rendered timestamps (Z, z, +00:00, +0000, -00:00, space separator):
-- the normalized id decides (7ZZZ... upper-cased sorts before 7aaa..., unlike the raw text)
INSERT INTO ev VALUES
	('clock_tie_id', pg_temp.ev(pg_temp.uid(1), 'MissionAuditRequested', 0)),
	('clock_tie_id', pg_temp.ev('7aaaaaaa-0000-4000-8000-000000000000', 'MissionAuditDecisionRequested', 7,
		'{"decision_id": "uuid_7aaa"}', '2026-03-01T12:00:00Z')),
	('clock_tie_id', pg_temp.ev('7zzzzzzzzzzzzzzzzzzzzzzzzz', 'MissionAuditDecisionRequested', 7,
		'{"decision_id": "ulid_7zzz"}', '2026-03-01 12:00:00z')),
	('clock_tie_id', pg_temp.ev('6ZZZZZZZZZZZZZZZZZZZZZZZZZ', 'MissionAuditDecisionRequested', 7,
		'{"decision_id": "ulid_6ZZZ"}', '2026-03-01T12:00+00:00')),
	('clock_tie_id', pg_temp.ev('7AAAAAAA00004000800000000000000A', 'MissionAuditDecisionRequested', 7,
		'{"decision_id": "hex_7AAA_A"}', '2026-03-01T12:00:00.000+0000')),
	('clock_tie_id', pg_temp.ev('70000000-0000-4000-8000-000000000000', 'MissionAuditDecisionRequested', 7,
		'{"decision_id": "uuid_7000"}', '2026-03-01T12:00:00-00:00'));
SELECT pg_temp.pending_ids('clock_tie_id');
-- a terminal tie: the first in order wins, the other is after terminal
INSERT INTO ev VALUES
	('terminal_tie', pg_temp.ev(pg_temp.uid(1), 'MissionAuditRequested', 0)),
	('terminal_tie', pg_temp.ev(pg_temp.uid(9), 'MissionAuditCompleted', 5, '{}', '2026-03-01T12:00:00Z')),
	('terminal_tie', pg_temp.ev(pg_temp.uid(2), 'MissionAuditFailed', 5, '{}', '2026-03-01T12:00:00Z'));
SELECT pg_temp.brief('terminal_tie');
SELECT * FROM pg_temp.anomalies('terminal_tie');
-- big clocks: beyond int64 and 40 digits compare by value; 1e40 and its digits tie
INSERT INTO ev VALUES
	('clock_big', pg_temp.ev(pg_temp.uid(1), 'MissionAuditRequested', 0)),
	('clock_big', pg_temp.ev(pg_temp.uid(2), 'MissionAuditDecisionRequested',
		1234567890123456789012345678901234567890, '{"decision_id": "d40"}')),
	('clock_big', pg_temp.ev(pg_temp.uid(3), 'MissionAuditDecisionRequested',
		9223372036854775808, '{"decision_id": "int64max+1"}')),
	('clock_big', pg_temp.ev(pg_temp.uid(4), 'MissionAuditDecisionRequested',
		9223372036854775807, '{"decision_id": "int64max"}')),
	('clock_big', pg_temp.ev(pg_temp.uid(5), 'MissionAuditDecisionRequested',
		123456789012345678901234567890123456789, '{"decision_id": "d39"}')),
	('clock_big', pg_temp.ev(pg_temp.uid(7), 'MissionAuditDecisionRequested',
		1e40, '{"decision_id": "1e40_id7"}')),
	('clock_big', pg_temp.ev(pg_temp.uid(6), 'MissionAuditDecisionRequested',
		10000000000000000000000000000000000000000.0, '{"decision_id": "1e40_id6"}')),
	('clock_big', pg_temp.ev(pg_temp.uid(8), 'MissionAuditDecisionRequested',
		1, '{"decision_id": "one"}'));
SELECT pg_temp.pending_ids('clock_big');
-- a big clock puts a terminal event last
INSERT INTO ev VALUES
	('clock_big_terminal', pg_temp.ev(pg_temp.uid(1), 'MissionAuditRequested', 0)),
	('clock_big_terminal', pg_temp.ev(pg_temp.uid(2), 'MissionAuditCompleted', 99999999999999999999999999999999999999999)),
	('clock_big_terminal', pg_temp.ev(pg_temp.uid(3), 'MissionAuditFailed', 9223372036854775807));
SELECT pg_temp.brief('clock_big_terminal');
SELECT * FROM pg_temp.anomalies('clock_big_terminal');

----------------------------------------------------------------------
-- Quoting in anomaly messages (Python repr)
----------------------------------------------------------------------

INSERT INTO ev
SELECT 'quoting', pg_temp.ev(pg_temp.uid(1), 'MissionAuditRequested', 0)
UNION ALL
SELECT 'quoting', pg_temp.ev(pg_temp.uid((100 + 2 * n + k)::int), 'MissionAuditDecisionRequested', 2 * n + k,
	jsonb_build_object('decision_id', d))
FROM unnest(ARRAY[
	'it''s',                 -- single quote only: double-quoted
	'say "hi"',              -- double quote only: single-quoted
	'it''s "both"',          -- both: single-quoted, \'
	'C:\dir\x',              -- backslash doubled
	E'line1\nline2',         -- \n
	E'a\tb\rc',              -- \t \r
	E'del\x7f',              -- DEL as \x7f
	E'c1\u0085',             -- C1 control as \x85
	E'nb\u00a0sp',           -- U+00A0 (Zs) as \xa0
	E'zw\u200bsp',           -- U+200B (Cf) as \u200b
	E'ls\u2028',             -- U+2028 (Zl) as \u2028
	E'bom\ufeff',            -- U+FEFF (Cf) as \ufeff
	E'pua\ue000',            -- U+E000 (Co) as \ue000
	E'\U000e0001tag',        -- U+E0001 (Cf) as \U000e0001
	E'emoji \U0001F600 café' -- printable non-ASCII kept
	]) WITH ORDINALITY AS x(d, n), generate_series(0, 1) AS k;
SELECT n, message FROM pg_temp.anomalies('quoting');
-- the event type is quoted the same way
INSERT INTO ev VALUES
	('quoting_type', pg_temp.ev(pg_temp.uid(1), 'MissionAuditRequested', 0)),
	('quoting_type', pg_temp.ev(pg_temp.uid(2), E'MissionAudit''s\tnext\\', 1)),
	('quoting_type', pg_temp.ev(pg_temp.uid(3), E'MissionAudit"\u00a0\U0001F600', 2)),
	('quoting_type', pg_temp.ev(pg_temp.uid(4), 'MissionAuditFailed', 3)),
	('quoting_type', pg_temp.ev(pg_temp.uid(5), 'MissionAuditCompleted', 4));
SELECT * FROM pg_temp.anomalies('quoting_type');

----------------------------------------------------------------------
-- Invalid events
----------------------------------------------------------------------

-- an invalid payload: 22023 naming the event, violations in the detail
SELECT mission_audit_reduce(e) FROM (VALUES
	(pg_temp.ev(pg_temp.uid(1), 'MissionAuditRequested', 1)),
	(pg_temp.ev(pg_temp.uid(2), 'MissionAuditCompleted', 2, '{"findings_count": -1}') #- '{payload,verdict}')
	) v(e); -- error
-- an invalid envelope: the raw id is named
SELECT mission_audit_reduce(pg_temp.ev('01hq0000000000000000000001', 'WorkPackageStatusChanged', -1)
	- 'node_id'); -- error
-- a bad id is named as given
SELECT mission_audit_reduce(pg_temp.ev('01HQ000000000000000000000I', 'MissionAuditStarted', 1)); -- error
-- a long id is cut to 64 bytes in the message
SELECT mission_audit_reduce(pg_temp.ev(repeat('x', 100), 'MissionAuditStarted', 1)); -- error
-- no id at all
SELECT mission_audit_reduce(pg_temp.ev(pg_temp.uid(1), 'MissionAuditStarted', 1) - 'event_id'); -- error
-- not an object
SELECT mission_audit_reduce('[1, 2]'::jsonb); -- error
-- an audit event without payload: its payload defaults to {} and fails
SELECT mission_audit_reduce(pg_temp.ev(pg_temp.uid(1), 'MissionAuditStarted', 1) - 'payload'); -- error
-- a non-audit event without payload is fine
SELECT mission_audit_reduce(pg_temp.ev(pg_temp.uid(1), 'WorkPackageStatusChanged', 1) - 'payload')->'event_count'
	AS events;
-- many violations: the detail keeps ten and counts the rest
SELECT mission_audit_reduce(
	'{"event_id": "01HQ0000000000000000000001", "event_type": "MissionAuditCompleted",
	  "payload": {"verdict": 1, "severity": 2, "findings_count": "x", "artifact_ref": [], "summary": 3}}'); -- error
-- a malformed timestamp
SELECT mission_audit_reduce(pg_temp.ev(pg_temp.uid(1), 'MissionAuditStarted', 1, '{}',
	'2026-03-01_10:00:00')); -- error
-- the same contract through mission_audit_reduce_events
SELECT mission_audit_reduce_events(jsonb_build_array(
	pg_temp.ev(pg_temp.uid(1), 'MissionAuditRequested', 1),
	pg_temp.ev(pg_temp.uid(2), 'MissionAuditRequested', 2, '{"trigger_mode": "auto"}'))); -- error
