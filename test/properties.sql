-- properties.sql: properties of mission_audit_reduce over generated event streams.
-- 300 streams from a fixed seed; each property is checked on every stream and the
-- failing stream numbers are reported.  The generator's own checks come first, so a
-- property cannot pass for want of the cases that could break it.
BEGIN;
SET LOCAL client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION IF NOT EXISTS mission_audit;
RESET client_min_messages;
SELECT plan(36);

/*
 * ev: the generated events.  nid is the event id as the reducer normalizes it,
 * ts_key the timestamp as it renders it; both come from the generator, not from
 * the extension, so the checks below do not trust what they check.
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
 * generate(streams, seed): fill ev.  Each stream has 1 to 40 events of random types
 * (the five, MissionAuditCancelled, MissionAuditResumed and two other families), ids
 * drawn from a pool smaller than the stream (so ids repeat, with other content) in
 * mixed spellings, clocks 0..7 with ties, a few beyond 40 digits, timestamps whose
 * spellings render alike or differ only textually, decision ids from {d1, d2, d3},
 * and exact copies of earlier events.
 */
CREATE FUNCTION pg_temp.generate(streams int, seed float8) RETURNS void
	LANGUAGE plpgsql AS $$
DECLARE
	types text[] := ARRAY['MissionAuditRequested', 'MissionAuditRequested', 'MissionAuditRequested',
		'MissionAuditStarted', 'MissionAuditStarted', 'MissionAuditStarted',
		'MissionAuditDecisionRequested', 'MissionAuditDecisionRequested',
		'MissionAuditDecisionRequested', 'MissionAuditDecisionRequested',
		'MissionAuditCompleted', 'MissionAuditCompleted', 'MissionAuditFailed', 'MissionAuditFailed',
		'MissionAuditCancelled', 'MissionAuditResumed', 'WorkPackageStatusChanged', 'MissionCreated'];
	-- (spelling, rendered key)
	ts text[] := ARRAY[
		['2026-03-01T10:00:00Z', '2026-03-01T10:00:00+00:00'],
		['2026-03-01 10:00:00+00:00', '2026-03-01T10:00:00+00:00'],
		['2026-03-01t10:00:00.000z', '2026-03-01T10:00:00+00:00'],
		['2026-03-01T10:00', '2026-03-01T10:00:00'],
		['2026-03-01T10:00:00,25+00:00', '2026-03-01T10:00:00.250000+00:00'],
		['2026-03-01T09:30:00-0100', '2026-03-01T09:30:00-01:00'],
		['2026-03-01T10:00:00+01:00', '2026-03-01T10:00:00+01:00'],
		['2026-03-01', '2026-03-01T00:00:00']];
	n int;
	k int;
	t text;
	tsi int;
	nid text;
	clock numeric;
	-- clocks around each boundary of a machine representation: 2^53, 10^16, 2^63, 2^64,
	-- and far beyond
	bases numeric[] := ARRAY[0, 9007199254740988, 9999999999999996, 9223372036854775804,
		18446744073709551612, 10::numeric ^ 25 - 4, 10::numeric ^ 40];
	base numeric;
	spelled jsonb;
	payload jsonb;
	common jsonb;
	event jsonb;
	p_pos int;
BEGIN
	PERFORM setseed(seed);
	FOR s IN 1..streams LOOP
		n := 1 + floor(random() ^ 2 * 40)::int;	-- short streams are common
		base := CASE WHEN random() < 0.4 THEN 0
			ELSE bases[1 + floor(random() * array_length(bases, 1))::int] END;
		p_pos := 0;
		FOR i IN 1..n LOOP
			p_pos := p_pos + 1;
			IF i > 1 AND random() < 0.1 THEN
				-- an exact copy of an earlier event, its id perhaps spelled otherwise
				k := 1 + floor(random() * (p_pos - 1))::int;
				INSERT INTO ev
				SELECT s, p_pos, c.nid, c.lamport, c.ts_key,
					jsonb_set(c.e, '{event_id}', to_jsonb(pg_temp.spell(c.nid)))
				FROM ev c WHERE c.stream = s AND c.pos = k;
				CONTINUE;
			END IF;
			t := pg_temp.pick(types);
			k := floor(random() * (n * 0.8 + 1))::int;
			nid := CASE WHEN k % 2 = 0 THEN upper(left(md5(s || '/' || k), 26))
				ELSE uuid(md5(s || '/' || k))::text END;
			-- a small offset from the stream's base, or now and then from another base
			clock := (CASE WHEN random() < 0.2 THEN bases[1 + floor(random() * array_length(bases, 1))::int]
				ELSE base END) + floor(random() * 8)::int;
			tsi := 1 + floor(random() * array_length(ts, 1))::int;
			-- the clock as written: an integer, or with a zero fraction (jsonb keeps its scale)
			spelled := CASE WHEN random() < 0.25 THEN (trunc(clock)::text || '.0')::jsonb
				ELSE to_jsonb(trunc(clock)) END;
			common := jsonb_build_object('mission_id', pg_temp.pick('{mission-1,mission-2}'),
				'run_id', pg_temp.pick('{run-1,run-2}'), 'feature_slug', pg_temp.pick('{slug-a,slug-b}'),
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
				'node_id', 'node-' || floor(random() * 3), 'lamport_clock', spelled,
				'project_uuid', '3f2b8c1e-7d4a-4e9b-a6c2-91d05e8f4b27',
				'correlation_id', '01KJMDEB8081053JXNQBZCQZSP', 'payload', payload);
			INSERT INTO ev VALUES (s, p_pos, nid, clock, ts[tsi][2], event);
		END LOOP;
	END LOOP;
END $$;

SELECT pg_temp.generate(300, 0.4242);
ANALYZE ev;

-- the state of every stream, events in their generated order
CREATE TEMP TABLE state AS
SELECT stream, mission_audit_reduce(e ORDER BY pos) AS st FROM ev GROUP BY stream;

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

SELECT cmp_ok((SELECT count(*) FROM state), '>=', 200::bigint, 'at least 200 streams');
SELECT cmp_ok((SELECT count(*) FROM (SELECT stream FROM ev GROUP BY stream HAVING count(*) > 16) x),
	'>=', 50::bigint, 'many streams have more than 16 events');
SELECT cmp_ok((SELECT count(DISTINCT stream) FROM ev a JOIN ev b USING (stream, nid)
		WHERE a.pos < b.pos AND a.e - 'event_id' <> b.e - 'event_id'),
	'>=', 100::bigint, 'many streams reuse an id for different content');
SELECT cmp_ok((SELECT count(DISTINCT stream) FROM ev a JOIN ev b USING (stream, nid)
		WHERE a.pos < b.pos AND a.e->>'event_id' <> b.e->>'event_id'),
	'>=', 50::bigint, 'many streams spell one id in two ways');
SELECT cmp_ok((SELECT count(DISTINCT stream) FROM ev a JOIN ev b USING (stream, lamport, ts_key)
		WHERE a.pos < b.pos AND a.nid <> b.nid AND a.e->>'timestamp' <> b.e->>'timestamp'),
	'>=', 80::bigint, 'many streams tie two events on clock and rendered timestamp, spelled differently');
SELECT cmp_ok((SELECT count(DISTINCT stream) FROM ev WHERE lamport > 9223372036854775807),
	'>=', 50::bigint, 'many streams have clocks beyond 64 bits');
SELECT cmp_ok((SELECT count(DISTINCT a.stream) FROM ev a JOIN ev b USING (stream)
		WHERE a.lamport >= 10::numeric ^ 16 AND b.lamport > a.lamport AND b.ts_key < a.ts_key COLLATE "C"),
	'>=', 100::bigint, 'many streams have two clocks of 10^16 or more whose timestamps run the other way');
SELECT cmp_ok((SELECT count(DISTINCT a.stream) FROM ev a JOIN ev b USING (stream)
		WHERE a.lamport <= 9223372036854775807 AND b.lamport > 9223372036854775807),
	'>=', 50::bigint, 'many streams mix clocks within and beyond int64');
SELECT cmp_ok((SELECT count(DISTINCT stream) FROM ev WHERE lamport IN (9223372036854775807, 9223372036854775808)),
	'>=', 20::bigint, 'many streams have a clock of 2^63 - 1 or 2^63');
SELECT cmp_ok((SELECT count(DISTINCT stream) FROM ev WHERE e->>'lamport_clock' LIKE '%.0'),
	'>=', 100::bigint, 'many streams spell a clock with a zero fraction');
SELECT is((SELECT array_agg(k ORDER BY k) FROM (SELECT DISTINCT a->>'kind' AS k
		FROM state, jsonb_array_elements(st->'anomalies') a) x),
	ARRAY['duplicate_decision_id', 'event_after_terminal', 'event_before_requested', 'unrecognized_event_type'],
	'every anomaly kind occurs');
SELECT is((SELECT array_agg(s ORDER BY s) FROM (SELECT DISTINCT (st->>'audit_status')::mission_audit_status s
		FROM state) x),
	enum_range(NULL::mission_audit_status), 'every status occurs as a final status');

----------------------------------------------------------------------
-- Order independence
----------------------------------------------------------------------

SELECT is(pg_temp.failing($$SELECT stream, mission_audit_reduce(e ORDER BY random()) = st
		FROM ev JOIN state USING (stream) GROUP BY stream, st$$),
	'{}', 'a random permutation of the input gives the same state');
SELECT is(pg_temp.failing($$SELECT stream, mission_audit_reduce(e ORDER BY pos DESC) = st
		FROM ev JOIN state USING (stream) GROUP BY stream, st$$),
	'{}', 'the reversed input gives the same state');
SELECT is(pg_temp.failing($$SELECT stream, mission_audit_reduce(e ORDER BY md5(e::text)) = st
		FROM ev JOIN state USING (stream) GROUP BY stream, st$$),
	'{}', 'the input sorted by content hash gives the same state');
SELECT is(pg_temp.failing($$SELECT stream,
			mission_audit_reduce_events(jsonb_agg(e ORDER BY random())) = st
		FROM ev JOIN state USING (stream) GROUP BY stream, st$$),
	'{}', 'mission_audit_reduce_events over a shuffled array gives the same state');

----------------------------------------------------------------------
-- Duplication
----------------------------------------------------------------------

-- each stream with a random subset of its events added again (ids re-spelled), shuffled
CREATE TEMP TABLE dup AS
SELECT stream, e FROM ev
UNION ALL
SELECT stream, jsonb_set(e, '{event_id}', to_jsonb(pg_temp.spell(nid))) FROM ev WHERE random() < 0.4
UNION ALL
SELECT stream, e FROM ev WHERE random() < 0.2;
SELECT cmp_ok((SELECT count(*) FROM dup) - (SELECT count(*) FROM ev), '>=', 1000::bigint,
	'the duplicated streams hold over a thousand extra copies');
SELECT is(pg_temp.failing($$SELECT stream, mission_audit_reduce(e ORDER BY random()) = st
		FROM dup JOIN state USING (stream) GROUP BY stream, st$$),
	'{}', 'adding copies of any subset of the events changes nothing');
SELECT is(pg_temp.failing($$SELECT stream, mission_audit_reduce(e) = mission_audit_reduce(DISTINCT e)
		FROM dup GROUP BY stream$$),
	'{}', 'DISTINCT inside the aggregate changes nothing');
-- the check can fail: dropping the first event of a stream changes most states
SELECT cmp_ok((SELECT count(*) FROM (SELECT stream, mission_audit_reduce(e) AS s FROM ev
		WHERE (stream, nid) NOT IN (SELECT stream, nid FROM ev WHERE pos = 1) GROUP BY stream) x
		JOIN state USING (stream) WHERE s <> st), '>=', 150::bigint,
	'removing an event does change the state (the comparisons are not vacuous)');

----------------------------------------------------------------------
-- Prefixes and counts
----------------------------------------------------------------------

-- the running state after each event, in generated order
CREATE TEMP TABLE prefix AS
SELECT stream, pos, nid, mission_audit_reduce(e) OVER (PARTITION BY stream ORDER BY pos
	ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS st
FROM ev;
SELECT is(pg_temp.failing($$SELECT stream, bool_and(grow BETWEEN 0 AND 1) FROM (
		SELECT stream, (st->>'event_count')::int
			- coalesce(lag((st->>'event_count')::int) OVER (PARTITION BY stream ORDER BY pos), 0) AS grow
		FROM prefix) x GROUP BY stream$$),
	'{}', 'event_count never decreases as events are added, and grows by at most one');
SELECT is(pg_temp.failing($$SELECT p.stream, bool_and((p.st->>'event_count')::int =
			(SELECT count(DISTINCT q.nid) FROM ev q WHERE q.stream = p.stream AND q.pos <= p.pos))
		FROM prefix p GROUP BY p.stream$$),
	'{}', 'event_count is the number of distinct normalized ids');
SELECT is(pg_temp.failing($$SELECT p.stream, bool_and(p.st = (SELECT mission_audit_reduce(q.e ORDER BY random())
			FROM ev q WHERE q.stream = p.stream AND q.pos <= p.pos))
		FROM prefix p WHERE p.stream <= 100 GROUP BY p.stream$$),
	'{}', 'the window''s running state equals the aggregate over the same prefix (100 streams)');

----------------------------------------------------------------------
-- Invariants of every state
----------------------------------------------------------------------

SELECT is(pg_temp.failing($$SELECT stream, (SELECT array_agg(k ORDER BY k) FROM jsonb_object_keys(st) k)
		= '{anomalies,artifact_ref,audit_scope,audit_scope_hash,audit_status,enforcement_mode,error_code,error_message,event_count,feature_slug,findings_count,mission_id,partial_artifact_ref,pending_decisions,run_id,severity,summary,trigger_mode,verdict}'
		FROM state$$),
	'{}', 'every state has exactly the 19 keys of the contract');
SELECT is(pg_temp.failing($$SELECT stream, st->>'audit_status' NOT IN ('completed', 'failed')
			OR st->'pending_decisions' = '[]'
		FROM state$$),
	'{}', 'a terminal state has no pending decision');
SELECT is(pg_temp.failing($$SELECT stream, (SELECT count(*) = count(DISTINCT d->>'decision_id')
			FROM jsonb_array_elements(st->'pending_decisions') d)
		FROM state$$),
	'{}', 'pending decision ids are distinct');
SELECT is(pg_temp.failing($$SELECT stream, (SELECT bool_and(a->>'event_id' IN (SELECT nid FROM ev
				WHERE ev.stream = state.stream)) IS NOT FALSE
			FROM jsonb_array_elements(st->'anomalies') a)
		FROM state$$),
	'{}', 'every anomaly names a normalized id of its stream');

----------------------------------------------------------------------
-- Agreement with a transcription of the rules
----------------------------------------------------------------------

/*
 * oracle(stream, upto): the README's reducer written out in PL/pgSQL over the generator's
 * own normalized ids and rendered timestamps, over events up to position upto.  Streams where two different events
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
		'mission_id', NULL, 'run_id', NULL, 'feature_slug', NULL, 'trigger_mode', NULL,
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
		CASE t
		WHEN 'MissionAuditRequested' THEN
			requested := true;
			st := st || jsonb_build_object('mission_id', p->'mission_id', 'run_id', p->'run_id',
				'feature_slug', p->'feature_slug', 'trigger_mode', p->'trigger_mode',
				'enforcement_mode', p->'enforcement_mode', 'audit_scope', p->'audit_scope');
		WHEN 'MissionAuditStarted' THEN
			IF st->'mission_id' = 'null' THEN
				st := st || jsonb_build_object('mission_id', p->'mission_id', 'run_id', p->'run_id',
					'feature_slug', p->'feature_slug');
			END IF;
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
SELECT cmp_ok((SELECT count(*) FROM state WHERE stream NOT IN (SELECT stream FROM ambiguous)),
	'>=', 200::bigint, 'at least 200 streams have an unambiguous order for the oracle');
SELECT is(pg_temp.failing($$SELECT stream, st = pg_temp.oracle(stream) FROM state
		WHERE stream NOT IN (SELECT stream FROM ambiguous)$$),
	'{}', 'the state equals the README rules transcribed in PL/pgSQL');
SELECT is(pg_temp.failing($$SELECT p.stream, bool_and(p.st = pg_temp.oracle(p.stream, p.pos))
		FROM prefix p WHERE p.stream NOT IN (SELECT stream FROM ambiguous) GROUP BY p.stream$$),
	'{}', 'every running state of the window equals the rules transcribed, applied to the prefix');

----------------------------------------------------------------------
-- Every plan agrees with the rules transcribed
----------------------------------------------------------------------

CREATE TEMP TABLE truth AS
SELECT stream, pg_temp.oracle(stream) AS st FROM state WHERE stream NOT IN (SELECT stream FROM ambiguous);
-- a plain table, stored in no particular order (temp tables are never scanned in parallel)
CREATE TABLE properties_ev AS SELECT stream, e FROM ev ORDER BY md5(e::text);
ANALYZE properties_ev;

-- workers_launched(query): how many parallel workers a query's plan started
CREATE FUNCTION pg_temp.workers_launched(q text) RETURNS int
	LANGUAGE plpgsql AS $$
DECLARE
	plan text;
BEGIN
	EXECUTE 'EXPLAIN (ANALYZE, FORMAT JSON) ' || q INTO plan;
	RETURN (SELECT coalesce(sum(m[1]::int), 0) FROM regexp_matches(plan, '"Workers Launched": (\d+)', 'g') m);
END $$;

-- sorted groups, serial
SET LOCAL max_parallel_workers_per_gather = 0;
SET LOCAL enable_hashagg = off;
CREATE TEMP TABLE by_sort AS SELECT stream, mission_audit_reduce(e) AS st FROM properties_ev GROUP BY stream;
SELECT is(pg_temp.failing($$SELECT stream, b.st = t.st FROM truth t LEFT JOIN by_sort b USING (stream)$$),
	'{}', 'GroupAggregate over stored order equals the rules transcribed');
RESET enable_hashagg;
-- hashed groups, serial
SET LOCAL enable_sort = off;
CREATE TEMP TABLE by_hash AS SELECT stream, mission_audit_reduce(e) AS st FROM properties_ev GROUP BY stream;
SELECT is(pg_temp.failing($$SELECT stream, b.st = t.st FROM truth t LEFT JOIN by_hash b USING (stream)$$),
	'{}', 'HashAggregate equals the rules transcribed');
RESET enable_sort;
-- partial states in parallel workers, serialized and combined by the leader
SET LOCAL parallel_setup_cost = 0;
SET LOCAL parallel_tuple_cost = 0;
SET LOCAL min_parallel_table_scan_size = 0;
SET LOCAL max_parallel_workers_per_gather = 2;
SET LOCAL parallel_leader_participation = off;
SET LOCAL enable_hashagg = off;
SELECT cmp_ok(pg_temp.workers_launched('SELECT stream, mission_audit_reduce(e) FROM properties_ev GROUP BY stream'),
	'>', 0, 'the parallel plan starts workers');
CREATE TEMP TABLE by_workers AS SELECT stream, mission_audit_reduce(e) AS st FROM properties_ev GROUP BY stream;
SELECT is(pg_temp.failing($$SELECT stream, b.st = t.st FROM truth t LEFT JOIN by_workers b USING (stream)$$),
	'{}', 'partial aggregation in parallel workers equals the rules transcribed');
-- every stream in one group, in parallel: the states of every stream merged into one
SELECT is((SELECT mission_audit_reduce(e) FROM properties_ev), (SELECT mission_audit_reduce(e ORDER BY random()) FROM ev),
	'one parallel group of every event equals the serial reduction');
RESET enable_hashagg;
RESET parallel_leader_participation;
RESET max_parallel_workers_per_gather;
RESET min_parallel_table_scan_size;
RESET parallel_tuple_cost;
RESET parallel_setup_cost;
-- a window over the whole partition, rows in random order
SELECT is(pg_temp.failing($$SELECT stream, bool_and(w.st = t.st) FROM truth t LEFT JOIN
		(SELECT stream, mission_audit_reduce(e) OVER (PARTITION BY stream) AS st FROM ev) w USING (stream)
		GROUP BY stream$$),
	'{}', 'a window over each whole stream equals the rules transcribed');

SELECT * FROM finish();
ROLLBACK;
