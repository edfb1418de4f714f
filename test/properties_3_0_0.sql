-- properties_3_0_0.sql: contract 3.0.0's reducer and cutover gate against independent models.
-- Generated 3.0.0 streams (each event valid under the 3.0.0 envelope check) are reduced in
-- every plan and compared with a PL/pgSQL transcription of the rule book's section 6; generated
-- envelopes are run through the gate and compared with a transcription of section 5.3 that
-- walks the keys itself.  The generator's own checks come first, so a property cannot pass for
-- want of the cases that could break it.
BEGIN;
SET LOCAL client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION IF NOT EXISTS mission_audit;
RESET client_min_messages;
SELECT plan(37);

/*
 * ev: the generated events.  nid is the event id as the reducer normalizes it,
 * ts_key the timestamp as it renders it; both come from the generator.
 */
CREATE TEMP TABLE ev (
	stream int NOT NULL,
	pos int NOT NULL,
	nid text NOT NULL,
	lamport numeric NOT NULL,
	ts_key text NOT NULL,
	e jsonb NOT NULL,
	PRIMARY KEY (stream, pos)
);

-- pick(arr): one element of arr, uniformly
CREATE FUNCTION pg_temp.pick(arr text[]) RETURNS text
	LANGUAGE sql VOLATILE
	RETURN arr[1 + floor(random() * array_length(arr, 1))::int];

-- spell(nid): one random spelling of a normalized id
CREATE FUNCTION pg_temp.spell(nid text) RETURNS text
	LANGUAGE sql VOLATILE
	RETURN CASE WHEN length(nid) = 26
		THEN pg_temp.pick(ARRAY[nid, lower(nid), lower(left(nid, 13)) || right(nid, 13)])
		ELSE pg_temp.pick(ARRAY[nid, upper(nid), replace(nid, '-', ''), upper(replace(nid, '-', ''))])
	END;

-- artifact(): a complete artifact reference (every declared field present)
CREATE FUNCTION pg_temp.artifact() RETURNS jsonb
	LANGUAGE sql VOLATILE
	RETURN jsonb_build_object('report_path', 'audits/report-' || floor(random() * 100) || '.json',
		'content_hash', jsonb_build_object('hash', md5(random()::text),
			'algorithm', pg_temp.pick('{sha256,sha512,md5}'),
			'size_bytes', CASE WHEN random() < 0.3 THEN NULL ELSE floor(random() * 100000) END,
			'encoding', pg_temp.pick(ARRAY['utf-8', NULL])),
		'provenance', jsonb_build_object(
			'source_event_ids', CASE WHEN random() < 0.5 THEN NULL ELSE jsonb_build_array('01hq1', 'X') END,
			'git_sha', left(md5(random()::text), 12), 'git_ref', 'refs/heads/main',
			'actor_id', pg_temp.pick(ARRAY['agent-claude', NULL]),
			'actor_kind', pg_temp.pick(ARRAY['human', 'llm', 'system', NULL]),
			'revised_at', NULL));

/*
 * generate(streams, seed): fill ev with 3.0.0 streams.  As properties.sql's generator
 * (repeated ids in mixed spellings, clock ties, clocks around 2^53, 10^16, 2^63, 2^64 and
 * beyond, timestamps alike in rendering only, exact copies), plus what 3.0.0 changes: every
 * payload carries its own identity (mission_id, run_id, mission_slug, mission_number,
 * mission_type drawn per event, so which event fills the identity shows), mission_number
 * as an integer, with a zero fraction, or beyond 64 bits; a third of the streams hold no
 * MissionAuditRequested at all, and decisions, completions and failures often come first.
 */
CREATE FUNCTION pg_temp.generate(streams int, seed float8) RETURNS void
	LANGUAGE plpgsql AS $$
DECLARE
	types text[] := ARRAY['MissionAuditRequested', 'MissionAuditRequested',
		'MissionAuditStarted', 'MissionAuditStarted', 'MissionAuditStarted',
		'MissionAuditDecisionRequested', 'MissionAuditDecisionRequested',
		'MissionAuditDecisionRequested', 'MissionAuditDecisionRequested',
		'MissionAuditCompleted', 'MissionAuditCompleted', 'MissionAuditFailed', 'MissionAuditFailed',
		'MissionAuditCancelled', 'MissionAuditResumed', 'WorkPackageStatusChanged', 'MissionCreated'];
	ts text[] := ARRAY[
		['2026-03-01T10:00:00Z', '2026-03-01T10:00:00+00:00'],
		['2026-03-01 10:00:00+00:00', '2026-03-01T10:00:00+00:00'],
		['2026-03-01t10:00:00.000z', '2026-03-01T10:00:00+00:00'],
		['2026-03-01T10:00', '2026-03-01T10:00:00'],
		['2026-03-01T10:00:00,25+00:00', '2026-03-01T10:00:00.250000+00:00'],
		['2026-03-01T09:30:00-0100', '2026-03-01T09:30:00-01:00'],
		['2026-03-01T10:00:00+01:00', '2026-03-01T10:00:00+01:00'],
		['2026-03-01', '2026-03-01T00:00:00']];
	numbers text[] := ARRAY['1', '7', '10', '10.0', '42.000', '9223372036854775808',
		'18446744073709551616', '1000000000000000000000000000000'];
	n int;
	k int;
	t text;
	tsi int;
	nid text;
	clock numeric;
	bases numeric[] := ARRAY[0, 9007199254740988, 9999999999999996, 9223372036854775804,
		18446744073709551612, 10::numeric ^ 25 - 4, 10::numeric ^ 40];
	base numeric;
	no_requested bool;
	spelled jsonb;
	payload jsonb;
	common jsonb;
	event jsonb;
	p_pos int;
BEGIN
	PERFORM setseed(seed);
	FOR s IN 1..streams LOOP
		n := 1 + floor(random() ^ 2 * 30)::int;
		base := CASE WHEN random() < 0.4 THEN 0
			ELSE bases[1 + floor(random() * array_length(bases, 1))::int] END;
		no_requested := random() < 0.33;
		p_pos := 0;
		FOR i IN 1..n LOOP
			p_pos := p_pos + 1;
			IF i > 1 AND random() < 0.1 THEN
				k := 1 + floor(random() * (p_pos - 1))::int;
				INSERT INTO ev
				SELECT s, p_pos, c.nid, c.lamport, c.ts_key,
					jsonb_set(c.e, '{event_id}', to_jsonb(pg_temp.spell(c.nid)))
				FROM ev c WHERE c.stream = s AND c.pos = k;
				CONTINUE;
			END IF;
			LOOP
				t := pg_temp.pick(types);
				EXIT WHEN NOT (no_requested AND t = 'MissionAuditRequested');
			END LOOP;
			k := floor(random() * (n * 0.8 + 1))::int;
			nid := CASE WHEN k % 2 = 0 THEN upper(left(md5(s || '/' || k), 26))
				ELSE uuid(md5(s || '/' || k))::text END;
			clock := (CASE WHEN random() < 0.2 THEN bases[1 + floor(random() * array_length(bases, 1))::int]
				ELSE base END) + floor(random() * 8)::int;
			tsi := 1 + floor(random() * array_length(ts, 1))::int;
			spelled := CASE WHEN random() < 0.25 THEN (trunc(clock)::text || '.0')::jsonb
				ELSE to_jsonb(trunc(clock)) END;
			common := jsonb_build_object('mission_id', pg_temp.pick('{m-1,m-2,m-3,m-4}'),
				'run_id', pg_temp.pick('{run-1,run-2,run-3}'),
				'mission_slug', pg_temp.pick('{slug-a,slug-b,slug-c}'),
				'mission_number', pg_temp.pick(numbers)::jsonb,
				'mission_type', pg_temp.pick('{software-dev,research}'),
				'actor', 'agent');
			payload := CASE t
				WHEN 'MissionAuditRequested' THEN common || jsonb_build_object(
					'trigger_mode', pg_temp.pick('{manual,post_merge}'),
					'audit_scope', (SELECT coalesce(jsonb_agg(x), '[]') FROM unnest('{spec.md,plan.md,src/}'::text[]) x
						WHERE random() < 0.6) || '["tasks.md"]',
					'enforcement_mode', pg_temp.pick('{advisory,blocking}'))
				WHEN 'MissionAuditStarted' THEN common || jsonb_build_object(
					'audit_scope_hash', 'sha256:' || left(md5(random()::text), 8))
				WHEN 'MissionAuditDecisionRequested' THEN common || jsonb_build_object(
					'decision_id', pg_temp.pick('{d1,d2,d3}'), 'question', 'q' || floor(random() * 100),
					'context_summary', pg_temp.pick('{"",ctx}'),
					'severity', pg_temp.pick('{info,warning,error,critical}'))
				WHEN 'MissionAuditCompleted' THEN common || jsonb_build_object(
					'verdict', pg_temp.pick('{pass,pass_with_warnings,fail,blocked_decision_required}'),
					'severity', pg_temp.pick('{info,warning,error,critical}'),
					'findings_count', floor(random() * 5), 'artifact_ref', pg_temp.artifact(),
					'summary', 's' || floor(random() * 100))
				WHEN 'MissionAuditFailed' THEN common || jsonb_build_object(
					'error_code', 'E' || floor(random() * 100), 'error_message', 'm')
					|| CASE floor(random() * 3)::int
						WHEN 0 THEN '{}'::jsonb
						WHEN 1 THEN '{"partial_artifact_ref": null}'::jsonb
						ELSE jsonb_build_object('partial_artifact_ref', pg_temp.artifact()) END
				ELSE jsonb_build_object('note', 'n' || floor(random() * 10))
			END;
			event := jsonb_build_object('event_id', pg_temp.spell(nid), 'event_type', t,
				'aggregate_id', 'audit/mission-1/run-1', 'timestamp', ts[tsi][1],
				'build_id', 'build-' || floor(random() * 3), 'schema_version', '3.0.0',
				'node_id', 'node-' || floor(random() * 3), 'lamport_clock', spelled,
				'project_uuid', '3f2b8c1e-7d4a-4e9b-a6c2-91d05e8f4b27',
				'correlation_id', '01KJMDEB8081053JXNQBZCQZSP', 'payload', payload);
			INSERT INTO ev VALUES (s, p_pos, nid, clock, ts[tsi][2], event);
		END LOOP;
	END LOOP;
END $$;

SELECT pg_temp.generate(300, 0.3003);
ANALYZE ev;

CREATE TEMP TABLE state AS
SELECT stream, mission_audit_reduce(e, '3.0.0' ORDER BY pos) AS st FROM ev GROUP BY stream;

-- failing(query): the stream numbers a boolean query over streams calls false, as an array
CREATE FUNCTION pg_temp.failing(q text) RETURNS int[]
	LANGUAGE plpgsql AS $$
DECLARE
	result int[];
BEGIN
	EXECUTE format('SELECT coalesce(array_agg(stream ORDER BY stream), ''{}'') FROM (%s) x(stream, ok)
		WHERE ok IS NOT TRUE', q) INTO result;
	RETURN result;
END $$;

----------------------------------------------------------------------
-- The generator makes the cases that could break the properties
----------------------------------------------------------------------

SELECT is((SELECT count(*) FROM ev WHERE NOT mission_audit_event_is_valid(e, '3.0.0')), 0::bigint,
	'every generated event is valid under contract 3.0.0 (gate included)');
SELECT is((SELECT count(*) FROM ev WHERE mission_audit_event_is_valid(e, '2.5.0')
		AND e->>'event_type' LIKE 'MissionAudit%' AND e->>'event_type' NOT IN ('MissionAuditCancelled', 'MissionAuditResumed')),
	0::bigint, 'no generated audit event is valid under contract 2.5.0');
SELECT cmp_ok((SELECT count(*) FROM state), '>=', 250::bigint, 'at least 250 streams');
SELECT cmp_ok((SELECT count(*) FROM (SELECT stream FROM ev GROUP BY stream
		HAVING NOT bool_or(e->>'event_type' = 'MissionAuditRequested')
			AND bool_or(e->>'event_type' IN ('MissionAuditDecisionRequested', 'MissionAuditCompleted', 'MissionAuditFailed'))) x),
	'>=', 60::bigint, 'many streams have no Requested but a decision, completion or failure');
SELECT cmp_ok((SELECT count(DISTINCT a.stream) FROM ev a JOIN ev b USING (stream)
		WHERE a.e->>'event_type' = 'MissionAuditDecisionRequested' AND b.e->>'event_type' = 'MissionAuditStarted'
			AND a.lamport < b.lamport AND a.e#>'{payload,mission_id}' <> b.e#>'{payload,mission_id}'),
	'>=', 40::bigint, 'many streams have a decision before a Started of another mission');
SELECT cmp_ok((SELECT count(DISTINCT stream) FROM ev WHERE e#>>'{payload,mission_number}' LIKE '%.0%'),
	'>=', 100::bigint, 'many streams spell a mission_number with a zero fraction');
SELECT cmp_ok((SELECT count(DISTINCT stream) FROM ev WHERE (e#>>'{payload,mission_number}')::numeric > 18446744073709551615),
	'>=', 60::bigint, 'many streams have a mission_number beyond 64 bits');
SELECT cmp_ok((SELECT count(DISTINCT a.stream) FROM ev a JOIN ev b USING (stream)
		WHERE a.lamport >= 10::numeric ^ 16 AND b.lamport > a.lamport AND b.ts_key < a.ts_key COLLATE "C"),
	'>=', 80::bigint, 'many streams have two clocks of 10^16 or more whose timestamps run the other way');
SELECT cmp_ok((SELECT count(DISTINCT stream) FROM ev a JOIN ev b USING (stream, nid)
		WHERE a.pos < b.pos AND a.e - 'event_id' <> b.e - 'event_id'),
	'>=', 80::bigint, 'many streams reuse an id for different content');
SELECT is((SELECT array_agg(k ORDER BY k) FROM (SELECT DISTINCT a->>'kind' AS k
		FROM state, jsonb_array_elements(st->'anomalies') a) x),
	ARRAY['duplicate_decision_id', 'event_after_terminal', 'event_before_requested', 'unrecognized_event_type'],
	'every anomaly kind occurs');
SELECT is((SELECT array_agg(s ORDER BY s) FROM (SELECT DISTINCT (st->>'audit_status')::mission_audit_status s
		FROM state) x),
	enum_range(NULL::mission_audit_status), 'every status occurs as a final status');

----------------------------------------------------------------------
-- Agreement with a transcription of the rules (rule book section 6, contract 3.0.0)
----------------------------------------------------------------------

/*
 * identity(p): the five identity fields of a payload as the 3.0.0 state holds them;
 * mission_number as an integer (10.0 is 10), whatever its size.
 */
CREATE FUNCTION pg_temp.identity(p jsonb) RETURNS jsonb
	LANGUAGE sql IMMUTABLE
	RETURN jsonb_build_object('mission_id', p->'mission_id', 'run_id', p->'run_id',
		'mission_slug', p->'mission_slug', 'mission_number', trunc((p->>'mission_number')::numeric),
		'mission_type', p->'mission_type');

/*
 * oracle(stream, upto): the 3.0.0 reducer written out over the generator's normalized ids
 * and rendered timestamps, events up to position upto.  Streams where two different events
 * share id, clock and timestamp are left out: their order is the extension's choice.
 */
CREATE FUNCTION pg_temp.oracle(s int, upto int DEFAULT 2147483647) RETURNS jsonb
	LANGUAGE plpgsql AS $$
DECLARE
	five text[] := ARRAY['MissionAuditRequested', 'MissionAuditStarted',
		'MissionAuditDecisionRequested', 'MissionAuditCompleted', 'MissionAuditFailed'];
	st jsonb := jsonb_build_object('audit_status', 'pending', 'verdict', NULL, 'severity', NULL,
		'findings_count', NULL, 'artifact_ref', NULL, 'partial_artifact_ref', NULL,
		'summary', NULL, 'error_code', NULL, 'error_message', NULL, 'pending_decisions', '[]'::jsonb,
		'mission_id', NULL, 'run_id', NULL, 'mission_slug', NULL, 'mission_number', NULL,
		'mission_type', NULL, 'trigger_mode', NULL,
		'enforcement_mode', NULL, 'audit_scope', NULL, 'audit_scope_hash', NULL,
		'anomalies', '[]'::jsonb, 'event_count', 0);
	requested bool := false;
	terminal bool := false;
	r record;
	t text;
	p jsonb;
	n int := 0;
BEGIN
	FOR r IN SELECT * FROM (SELECT DISTINCT ON (nid) nid, lamport, ts_key, e FROM ev
			WHERE stream = s AND pos <= upto ORDER BY nid, lamport, ts_key COLLATE "C") x
		ORDER BY lamport, ts_key COLLATE "C", nid COLLATE "C"
	LOOP
		n := n + 1;
		t := r.e->>'event_type';
		p := r.e->'payload';
		IF t <> ALL (five) THEN
			IF t LIKE 'MissionAudit%' THEN
				st := jsonb_set(st, '{anomalies}', st->'anomalies' || jsonb_build_object(
					'kind', 'unrecognized_event_type', 'event_id', r.nid,
					'message', format('Unrecognized event type in audit family: ''%s''', t)));
			END IF;
			CONTINUE;
		END IF;
		IF terminal THEN
			st := jsonb_set(st, '{anomalies}', st->'anomalies' || jsonb_build_object(
				'kind', 'event_after_terminal', 'event_id', r.nid,
				'message', format('Event ''%s'' arrived after terminal state', t)));
			CONTINUE;
		END IF;
		IF t <> 'MissionAuditRequested' AND NOT requested THEN
			st := jsonb_set(st, '{anomalies}', st->'anomalies' || jsonb_build_object(
				'kind', 'event_before_requested', 'event_id', r.nid,
				'message', format('Event ''%s'' arrived before MissionAuditRequested', t)));
		END IF;
		-- Requested overwrites the identity; every other audit type fills it while mission_id is unset
		IF t = 'MissionAuditRequested' OR st->'mission_id' = 'null' THEN
			st := st || pg_temp.identity(p);
		END IF;
		CASE t
		WHEN 'MissionAuditRequested' THEN
			requested := true;
			st := st || jsonb_build_object('trigger_mode', p->'trigger_mode',
				'enforcement_mode', p->'enforcement_mode', 'audit_scope', p->'audit_scope');
		WHEN 'MissionAuditStarted' THEN
			st := st || jsonb_build_object('audit_scope_hash', p->'audit_scope_hash',
				'audit_status', 'running');
		WHEN 'MissionAuditDecisionRequested' THEN
			IF jsonb_path_exists(st->'pending_decisions', '$[*] ? (@.decision_id == $d)',
					jsonb_build_object('d', p->'decision_id')) THEN
				st := jsonb_set(st, '{anomalies}', st->'anomalies' || jsonb_build_object(
					'kind', 'duplicate_decision_id', 'event_id', r.nid,
					'message', format('Duplicate decision_id: ''%s''', p->>'decision_id')));
			ELSE
				st := jsonb_set(st, '{pending_decisions}', st->'pending_decisions' || jsonb_build_array(
					jsonb_build_object('decision_id', p->'decision_id', 'question', p->'question',
						'context_summary', p->'context_summary', 'severity', p->'severity')));
			END IF;
			st := st || '{"audit_status": "awaiting_decision"}';
		WHEN 'MissionAuditCompleted' THEN
			st := st || jsonb_build_object('verdict', p->'verdict', 'severity', p->'severity',
				'findings_count', p->'findings_count', 'artifact_ref', p->'artifact_ref',
				'summary', p->'summary', 'pending_decisions', '[]'::jsonb, 'audit_status', 'completed');
			terminal := true;
		WHEN 'MissionAuditFailed' THEN
			st := st || jsonb_build_object('error_code', p->'error_code',
				'error_message', p->'error_message',
				'partial_artifact_ref', coalesce(p->'partial_artifact_ref', 'null'),
				'pending_decisions', '[]'::jsonb, 'audit_status', 'failed');
			terminal := true;
		END CASE;
	END LOOP;
	RETURN st || jsonb_build_object('event_count', n);
END $$;

CREATE TEMP TABLE ambiguous AS
SELECT DISTINCT a.stream FROM ev a JOIN ev b USING (stream, nid, lamport, ts_key)
WHERE a.pos < b.pos AND a.e - 'event_id' <> b.e - 'event_id';
CREATE TEMP TABLE truth AS
SELECT stream, pg_temp.oracle(stream) AS st FROM state WHERE stream NOT IN (SELECT stream FROM ambiguous);
SELECT cmp_ok((SELECT count(*) FROM truth), '>=', 220::bigint,
	'at least 220 streams have an unambiguous order for the model');
SELECT cmp_ok((SELECT count(*) FROM truth WHERE st->'mission_id' <> 'null' AND NOT EXISTS (
		SELECT 1 FROM ev WHERE ev.stream = truth.stream AND e->>'event_type' = 'MissionAuditRequested')),
	'>=', 60::bigint, 'the model fills the identity without a Requested in many streams');
SELECT is(pg_temp.failing($$SELECT stream, (SELECT array_agg(k ORDER BY k) FROM jsonb_object_keys(st) k)
		= '{anomalies,artifact_ref,audit_scope,audit_scope_hash,audit_status,enforcement_mode,error_code,error_message,event_count,findings_count,mission_id,mission_number,mission_slug,mission_type,partial_artifact_ref,pending_decisions,run_id,severity,summary,trigger_mode,verdict}'
		FROM state$$),
	'{}', 'every 3.0.0 state has exactly the 21 keys of the contract, feature_slug not among them');
SELECT is(pg_temp.failing($$SELECT stream, jsonb_typeof(st->'mission_number') IN ('null', 'number')
			AND (st->'mission_number' = 'null' OR st->>'mission_number' !~ '[.eE]')
		FROM state$$),
	'{}', 'mission_number is output as an integer (10.0 as 10)');
SELECT is(pg_temp.failing($$SELECT stream, s.st = t.st FROM truth t JOIN state s USING (stream)$$),
	'{}', 'the state (generated order) equals the 3.0.0 rules transcribed in PL/pgSQL');
SELECT is(pg_temp.failing($$SELECT stream, mission_audit_reduce(e, '3.0.0' ORDER BY random()) = t.st
		FROM ev JOIN truth t USING (stream) GROUP BY stream, t.st$$),
	'{}', 'a random permutation gives the rules'' state');
SELECT is(pg_temp.failing($$SELECT stream, mission_audit_reduce(e, '3.0.0' ORDER BY pos DESC) = t.st
		FROM ev JOIN truth t USING (stream) GROUP BY stream, t.st$$),
	'{}', 'the reversed input gives the rules'' state');
SELECT is(pg_temp.failing($$SELECT stream, mission_audit_reduce_events(jsonb_agg(e ORDER BY random()), '3.0.0') = t.st
		FROM ev JOIN truth t USING (stream) GROUP BY stream, t.st$$),
	'{}', 'mission_audit_reduce_events(..., ''3.0.0'') over a shuffled array gives the rules'' state');

-- each stream with a random subset of its events added again (ids re-spelled), shuffled
CREATE TEMP TABLE dup AS
SELECT stream, e FROM ev
UNION ALL
SELECT stream, jsonb_set(e, '{event_id}', to_jsonb(pg_temp.spell(nid))) FROM ev WHERE random() < 0.4
UNION ALL
SELECT stream, e FROM ev WHERE random() < 0.2;
SELECT is(pg_temp.failing($$SELECT stream, mission_audit_reduce(e, '3.0.0' ORDER BY random()) = t.st
		FROM dup JOIN truth t USING (stream) GROUP BY stream, t.st$$),
	'{}', 'adding copies of any subset of the events gives the rules'' state');
SELECT cmp_ok((SELECT count(*) FROM (SELECT stream, mission_audit_reduce(e, '3.0.0') AS s FROM ev
		WHERE (stream, nid) NOT IN (SELECT stream, nid FROM ev WHERE pos = 1) GROUP BY stream) x
		JOIN state USING (stream) WHERE s <> st), '>=', 150::bigint,
	'removing an event does change the state (the comparisons are not vacuous)');

-- the running state after each event, in generated order, against the rules on each prefix
CREATE TEMP TABLE prefix AS
SELECT stream, pos, mission_audit_reduce(e, '3.0.0') OVER (PARTITION BY stream ORDER BY pos
	ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS st
FROM ev;
SELECT is(pg_temp.failing($$SELECT p.stream, bool_and(p.st = pg_temp.oracle(p.stream, p.pos))
		FROM prefix p WHERE p.stream IN (SELECT stream FROM truth) GROUP BY p.stream$$),
	'{}', 'every running state of the window equals the rules applied to the prefix');

----------------------------------------------------------------------
-- Every plan agrees with the rules transcribed
----------------------------------------------------------------------

CREATE TABLE properties_3_0_0_ev AS SELECT stream, e FROM ev ORDER BY md5(e::text);
ANALYZE properties_3_0_0_ev;

-- workers_launched(query): how many parallel workers a query's plan started
CREATE FUNCTION pg_temp.workers_launched(q text) RETURNS int
	LANGUAGE plpgsql AS $$
DECLARE
	plan text;
BEGIN
	EXECUTE 'EXPLAIN (ANALYZE, FORMAT JSON) ' || q INTO plan;
	RETURN (SELECT coalesce(sum(m[1]::int), 0) FROM regexp_matches(plan, '"Workers Launched": (\d+)', 'g') m);
END $$;

SET LOCAL max_parallel_workers_per_gather = 0;
SET LOCAL enable_hashagg = off;
CREATE TEMP TABLE by_sort AS SELECT stream, mission_audit_reduce(e, '3.0.0') AS st FROM properties_3_0_0_ev GROUP BY stream;
SELECT is(pg_temp.failing($$SELECT stream, b.st = t.st FROM truth t LEFT JOIN by_sort b USING (stream)$$),
	'{}', 'GroupAggregate over stored order equals the rules transcribed');
RESET enable_hashagg;
SET LOCAL enable_sort = off;
CREATE TEMP TABLE by_hash AS SELECT stream, mission_audit_reduce(e, '3.0.0') AS st FROM properties_3_0_0_ev GROUP BY stream;
SELECT is(pg_temp.failing($$SELECT stream, b.st = t.st FROM truth t LEFT JOIN by_hash b USING (stream)$$),
	'{}', 'HashAggregate equals the rules transcribed');
RESET enable_sort;
SET LOCAL parallel_setup_cost = 0;
SET LOCAL parallel_tuple_cost = 0;
SET LOCAL min_parallel_table_scan_size = 0;
SET LOCAL max_parallel_workers_per_gather = 2;
SET LOCAL parallel_leader_participation = off;
SET LOCAL enable_hashagg = off;
SELECT cmp_ok(pg_temp.workers_launched($$SELECT stream, mission_audit_reduce(e, '3.0.0') FROM properties_3_0_0_ev GROUP BY stream$$),
	'>', 0, 'the parallel plan starts workers');
CREATE TEMP TABLE by_workers AS SELECT stream, mission_audit_reduce(e, '3.0.0') AS st FROM properties_3_0_0_ev GROUP BY stream;
SELECT is(pg_temp.failing($$SELECT stream, b.st = t.st FROM truth t LEFT JOIN by_workers b USING (stream)$$),
	'{}', 'partial aggregation in parallel workers equals the rules transcribed');
SELECT is((SELECT mission_audit_reduce(e, '3.0.0') FROM properties_3_0_0_ev),
	(SELECT mission_audit_reduce(e, '3.0.0' ORDER BY random()) FROM ev),
	'one parallel group of every event equals the serial reduction');
RESET enable_hashagg;
RESET parallel_leader_participation;
RESET max_parallel_workers_per_gather;
RESET min_parallel_table_scan_size;
RESET parallel_tuple_cost;
RESET parallel_setup_cost;
SELECT is(pg_temp.failing($$SELECT stream, bool_and(w.st = t.st) FROM truth t LEFT JOIN
		(SELECT stream, mission_audit_reduce(e, '3.0.0') OVER (PARTITION BY stream) AS st FROM ev) w USING (stream)
		GROUP BY stream$$),
	'{}', 'a window over each whole stream equals the rules transcribed');

----------------------------------------------------------------------
-- The cutover gate against a transcription of its rules (rule book section 5.3)
----------------------------------------------------------------------

-- legacy_keys(j): the forbidden legacy keys anywhere in j, keys only, arrays included
CREATE FUNCTION pg_temp.legacy_keys(j jsonb) RETURNS SETOF text
	LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
	k text;
	v jsonb;
BEGIN
	IF jsonb_typeof(j) = 'object' THEN
		FOR k, v IN SELECT * FROM jsonb_each(j) LOOP
			IF k IN ('feature_slug', 'feature_number', 'mission_key', 'legacy_aggregate_id') THEN
				RETURN NEXT k;
			END IF;
			RETURN QUERY SELECT pg_temp.legacy_keys(v);
		END LOOP;
	ELSIF jsonb_typeof(j) = 'array' THEN
		FOR v IN SELECT * FROM jsonb_array_elements(j) LOOP
			RETURN QUERY SELECT pg_temp.legacy_keys(v);
		END LOOP;
	END IF;
END $$;

-- pyrepr(s): Python's repr() of the strings the generator makes (printable text, \n, quotes)
CREATE FUNCTION pg_temp.pyrepr(s text) RETURNS text
	LANGUAGE sql IMMUTABLE
	RETURN CASE WHEN strpos(s, '''') > 0 AND strpos(s, '"') = 0
		THEN '"' || replace(replace(s, '\', '\\'), E'\n', '\n') || '"'
		ELSE '''' || replace(replace(replace(s, '\', '\\'), E'\n', '\n'), '''', '\''') || '''' END;

-- digit(c): the value of a decimal digit from the runs the generator uses (ASCII, Arabic-Indic,
-- Devanagari, fullwidth), or NULL
CREATE FUNCTION pg_temp.digit(c text) RETURNS int
	LANGUAGE sql IMMUTABLE
	RETURN (SELECT ascii(c) - z FROM unnest(ARRAY[48, 1632, 2406, 65296]) z
		WHERE ascii(c) BETWEEN z AND z + 9);

-- gate_model(e): the message of the first failing rule, or NULL when the envelope passes
CREATE FUNCTION pg_temp.gate_model(e jsonb) RETURNS text
	LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
	sv jsonb := e->'schema_version';
	s text;
	major text;
	value text := '';
	d int;
	keys text[];
BEGIN
	IF sv IS NULL OR sv = 'null' THEN
		RETURN 'missing canonical cutover signal ''schema_version''';
	END IF;
	IF jsonb_typeof(sv) <> 'string' THEN
		RETURN 'schema_version must be a string; got ' || CASE jsonb_typeof(sv)
			WHEN 'number' THEN CASE WHEN sv::text ~ '^-?[0-9]+$' THEN 'int' ELSE 'float' END
			WHEN 'boolean' THEN 'bool' WHEN 'object' THEN 'dict' ELSE 'list' END;
	END IF;
	s := sv #>> '{}';
	major := split_part(s, '.', 1);
	IF major = '' THEN
		RETURN 'cutover signal must start with a numeric major version: ' || pg_temp.pyrepr(s);
	END IF;
	FOR i IN 1..length(major) LOOP
		d := pg_temp.digit(substr(major, i, 1));
		IF d IS NULL THEN
			RETURN 'cutover signal must start with a numeric major version: ' || pg_temp.pyrepr(s);
		END IF;
		value := value || d;
	END LOOP;
	IF ltrim(value, '0') <> '3' THEN
		RETURN 'unsupported cutover major version in ''schema_version'': ' || pg_temp.pyrepr(s);
	END IF;
	IF s <> '3.0.0' THEN
		RETURN 'cutover signal must equal ''3.0.0''; got ' || pg_temp.pyrepr(s);
	END IF;
	SELECT array_agg(DISTINCT k ORDER BY k) INTO keys FROM pg_temp.legacy_keys(e) k;
	IF keys IS NOT NULL THEN
		RETURN 'payload contains forbidden legacy keys: [' ||
			(SELECT string_agg('''' || k || '''', ', ' ORDER BY k) FROM unnest(keys) k) || ']';
	END IF;
	IF e->>'event_type' IN ('FeatureCreated', 'FeatureClosed') AND jsonb_typeof(e->'event_type') = 'string' THEN
		RETURN format('payload contains forbidden legacy event names: [''%s'']', e->>'event_type');
	END IF;
	IF jsonb_typeof(e->'aggregate_id') = 'string'
			AND split_part(e->>'aggregate_id', '/', 1) IN ('feature', 'feature_catalog') THEN
		RETURN format('payload contains forbidden legacy aggregate names: [''%s'']',
			split_part(e->>'aggregate_id', '/', 1));
	END IF;
	RETURN NULL;
END $$;

-- nest(v, depth): v buried depth levels down, in objects and arrays at random
CREATE FUNCTION pg_temp.nest(v jsonb, depth int) RETURNS jsonb
	LANGUAGE plpgsql VOLATILE AS $$
BEGIN
	FOR i IN 1..depth LOOP
		v := CASE floor(random() * 3)::int
			WHEN 0 THEN jsonb_build_object('k' || i, v, 'other', i)
			WHEN 1 THEN jsonb_build_array(i, v, 'feature_slug')
			ELSE jsonb_build_array(jsonb_build_object('mission_key_', v)) END;
	END LOOP;
	RETURN v;
END $$;

/*
 * gate_cases: 3,000 envelopes from the valid events above, each changed at random: its
 * schema_version (absent, null, of other JSON types, and strings the rules tell apart), keys
 * forbidden or nearly so buried at random depths in the envelope or its payload, forbidden
 * names as values, legacy event names and aggregate prefixes.
 */
CREATE TEMP TABLE gate_cases AS
WITH base AS (
	SELECT row_number() OVER () AS i, e FROM (SELECT e FROM ev ORDER BY stream, pos LIMIT 1000) x
), variants AS (
	SELECT i, b.e, r FROM base b, generate_series(1, 3) r
)
SELECT i, r, e
	|| CASE WHEN random() < 0.45 THEN jsonb_build_object('schema_version', (ARRAY[
			'null', '3', '3.0', 'true', '["3.0.0"]', '{"v": "3.0.0"}', '""', '"v3.0.0"', '"03.0.0"', '"3"',
			'"3.0.0\n"', '"3.0.0 "', '" 3.0.0"', '"3.1.0"', '"1.0.0"', '"2.5.0"', '"0.0.3"', '"３.0.0"',
			'"٣.0.0"', '"०३.0.0"', '"+3.0.0"', '"-3.0.0"', '".3.0.0"', '"3..0"', '"30.0.0"', '"3.0.0.0"',
			'"it''s"', '"\"3\""', '"3.0.0"',
			to_jsonb(repeat('0', 300) || '3.0.0')::text, to_jsonb(repeat('9', 300) || '.0.0')::text,
			to_jsonb(repeat('0', 3000) || '3.1')::text]::text[])[1 + floor(random() * 32)::int]::jsonb)
		ELSE '{}' END
	|| CASE WHEN random() < 0.15 THEN jsonb_build_object('event_type', pg_temp.pick('{FeatureCreated,FeatureClosed,featureCreated,FeatureCreated2}'))
		ELSE '{}' END
	|| CASE WHEN random() < 0.3 THEN jsonb_build_object('aggregate_id', pg_temp.pick(ARRAY[
			'feature/x', 'feature_catalog/y', 'feature', 'featurex/y', '/feature', 'feature_catalog',
			'Feature/x', 'feature_catalogue/z', 'audit/feature/x', 'feature//', 'feature_catalog/']))
		ELSE '{}' END
	|| CASE WHEN random() < 0.5 THEN jsonb_build_object(pg_temp.pick('{ext,payload_extra,zz}'),
			pg_temp.nest(jsonb_build_object(pg_temp.pick(ARRAY['feature_slug', 'feature_number', 'mission_key',
				'legacy_aggregate_id', 'feature_slugs', 'Feature_slug', 'mission_keys', 'legacy_aggregate',
				'feature_slu', 'feature_numbeR']), 1), floor(random() * 12)::int))
		ELSE '{}' END
	|| CASE WHEN random() < 0.2 THEN jsonb_build_object('payload', e->'payload'
			|| jsonb_build_object(pg_temp.pick('{feature_slug,mission_key,note}'), pg_temp.pick('{feature_slug,x}')))
		ELSE '{}' END
	|| CASE WHEN random() < 0.2 THEN jsonb_build_object('note', pg_temp.pick('{feature_slug,mission_key,legacy_aggregate_id}'),
			'list', jsonb_build_array('feature_number', jsonb_build_object('v', 'mission_key')))
		ELSE '{}' END AS e
FROM variants;

CREATE TEMP TABLE gate_seen AS
SELECT i, r, e, pg_temp.gate_model(e) AS model,
	CASE WHEN v->'violations'->0->>'type' = 'cutover_policy' THEN v->'violations'->0->>'message' END AS gate,
	v->'violations'->0->>'field' AS field, (v->>'valid')::boolean AS valid,
	mission_audit_event_is_valid(e, '3.0.0') AS fast
FROM gate_cases, mission_audit_validate_event(e, '3.0.0') v;

SELECT cmp_ok((SELECT count(DISTINCT model) FROM gate_seen), '>=', 25::bigint,
	'the generated envelopes meet at least 25 different gate messages');
SELECT cmp_ok((SELECT count(*) FROM gate_seen WHERE model IS NULL), '>=', 300::bigint,
	'and at least 300 pass the gate');
SELECT cmp_ok((SELECT count(*) FROM gate_seen WHERE model LIKE '%legacy keys: [''%'', ''%'), '>=', 20::bigint,
	'at least 20 envelopes hold two different legacy keys');
SELECT is((SELECT count(*) FROM gate_seen WHERE model IS DISTINCT FROM gate
		OR (gate IS NOT NULL AND field <> 'schema_version')), 0::bigint,
	'the gate''s first violation equals the rules transcribed, on every generated envelope');
SELECT is((SELECT count(*) FROM gate_seen WHERE fast IS DISTINCT FROM valid
		OR (model IS NOT NULL AND valid)), 0::bigint,
	'mission_audit_event_is_valid agrees with the full report, and the gate''s refusals are invalid');

----------------------------------------------------------------------
-- Unknown keys: the fast path and the full report agree, one extra_forbidden at the key's path
----------------------------------------------------------------------

/*
 * unknown_cases: each generated audit event with one unknown key added at a model of its
 * payload (the payload, artifact_ref, its content_hash or provenance, partial_artifact_ref),
 * named to sort before, among and after the declared keys (jsonb orders keys by length,
 * then bytes), empty, dotted, or a declared name of another model.
 */
CREATE TEMP TABLE unknown_cases AS
SELECT e, t, path, key, array_to_string(path || key, '.') AS field,
	jsonb_set(e, '{payload}', CASE WHEN path = '{}' THEN e->'payload' || jsonb_build_object(key, 1)
		ELSE jsonb_set(e->'payload', path || key, '1') END) AS m
FROM (
	SELECT e, e->>'event_type' AS t,
		string_to_array(pg_temp.pick(CASE
			WHEN e->>'event_type' = 'MissionAuditCompleted'
				THEN ARRAY['', 'artifact_ref', 'artifact_ref,content_hash', 'artifact_ref,provenance']
			WHEN jsonb_typeof(e#>'{payload,partial_artifact_ref}') = 'object'
				THEN ARRAY['', 'partial_artifact_ref', 'partial_artifact_ref,content_hash', 'partial_artifact_ref,provenance']
			ELSE ARRAY[''] END), ',') AS path,
		pg_temp.pick(ARRAY['', 'a', 'x.y', 'actor0', 'actos', 'run_idx', 'run_ic', 'mission_id2', 'mission_slugs',
			'feature_slug', 'summary', 'verdict', 'hash0', 'git_shb', 'encodinh', 'report_pat', 'report_pathz',
			'audit_scope_hasi', 'zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz', 'é', 'mission_number ']) AS key
	FROM ev WHERE e->>'event_type' IN ('MissionAuditRequested', 'MissionAuditStarted',
		'MissionAuditDecisionRequested', 'MissionAuditCompleted', 'MissionAuditFailed')
) x
-- a key that is a field of the model it is added to is not unknown there
WHERE NOT (path = '{}' AND key IN ('summary', 'verdict') AND t = 'MissionAuditCompleted');
SELECT cmp_ok((SELECT count(DISTINCT path) FROM unknown_cases), '=', 7::bigint,
	'unknown keys are added at all seven model positions');
SELECT is((SELECT count(*) FROM unknown_cases
		WHERE mission_audit_is_valid(t, m->'payload', '3.0.0') OR mission_audit_event_is_valid(m, '3.0.0')), 0::bigint,
	'no payload with an unknown key passes the fast paths');
SELECT is((SELECT count(*) FROM unknown_cases
		WHERE mission_audit_validate(t, m->'payload', '3.0.0')->'violations'
			<> jsonb_build_array(jsonb_build_object('field', field, 'type', 'extra_forbidden',
				'message', 'Extra inputs are not permitted', 'input', 1))), 0::bigint,
	'mission_audit_validate reports exactly one extra_forbidden at the key''s path');
SELECT is((SELECT count(*) FROM unknown_cases
		WHERE mission_audit_validate_event(m, '3.0.0')->'violations'
			<> CASE WHEN key = 'feature_slug' THEN jsonb_build_array(jsonb_build_object('field', 'schema_version',
				'type', 'cutover_policy', 'message', 'payload contains forbidden legacy keys: [''feature_slug'']',
				'input', NULL)) ELSE '[]' END
			|| jsonb_build_array(jsonb_build_object('field', 'payload.' || field, 'type', 'extra_forbidden',
				'message', 'Extra inputs are not permitted', 'input', 1))), 0::bigint,
	'mission_audit_validate_event reports it at payload.<path>, after the gate''s violation for a legacy key');

SELECT * FROM finish();
ROLLBACK;
