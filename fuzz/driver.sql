-- driver.sql: tables and procedures that feed the fuzz inputs to mission_audit.
--
-- Loaded by fuzz/run.sh into a database that has the extension.  Inputs arrive
-- in fuzz_stage by COPY (from gen.py), are cast to jsonb by fuzz_load(), and
-- fuzz_batch(b, lo, hi) runs every SQL-visible function over the rows lo..hi:
-- set-based first, falling back to one subtransaction per row when a
-- statement fails, and per row wherever an ERROR is the expected answer.
-- Counts go to fuzz_outcome (function, 'ok' or SQLSTATE); wrong answers and
-- unexpected errors go to fuzz_fail with the input's id.  Each input names its
-- contract (2.5.0 or 3.0.0), passed to every function; for 2.5.0 inputs the
-- signatures without a contract must give the same answers.

\set ON_ERROR_STOP 1
SET client_min_messages = warning;

CREATE TABLE fuzz_stage (
	id bigint, fam text, grp int, base bigint, arg text, doc text, expect text, contract text);
CREATE TABLE fuzz_case (
	id bigint PRIMARY KEY, fam text NOT NULL, grp int, base bigint, arg text,
	doc_text text, doc jsonb, expect jsonb, contract text NOT NULL DEFAULT '2.5.0');
CREATE TABLE fuzz_outcome (
	fn text, outcome text, n bigint NOT NULL, PRIMARY KEY (fn, outcome));
CREATE TABLE fuzz_fail (
	id bigint, fn text, what text, sqlstate text, message text);
CREATE TABLE fuzz_progress (
	batch int PRIMARY KEY, lo bigint, hi bigint, started timestamptz, finished timestamptz);
CREATE TABLE fuzz_reduced (id bigint PRIMARY KEY, result jsonb);

-- A valid event id as the contract normalizes it (input already known valid).
CREATE FUNCTION fuzz_norm_id(s text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE length(s)
		WHEN 26 THEN upper(s)
		WHEN 36 THEN lower(s)
		WHEN 32 THEN lower(substr(s, 1, 8) || '-' || substr(s, 9, 4) || '-' || substr(s, 13, 4)
						   || '-' || substr(s, 17, 4) || '-' || substr(s, 21))
	END
$$;

-- The required keys of an audit payload type, from its shipped JSON Schema (an
-- oracle independent of the C field tables).
CREATE FUNCTION fuzz_required(type text, contract text) RETURNS text[] LANGUAGE sql IMMUTABLE AS $$
	SELECT ARRAY(SELECT jsonb_array_elements_text(mission_audit_payload_schema(type, contract)->'required'))
$$;

CREATE FUNCTION fuzz_envelope_required(contract text) RETURNS text[] LANGUAGE sql IMMUTABLE AS $$
	SELECT ARRAY['event_id', 'event_type', 'aggregate_id', 'timestamp', 'node_id',
				 'lamport_clock', 'project_uuid', 'correlation_id']
		|| CASE WHEN contract = '3.0.0' THEN ARRAY['build_id', 'schema_version'] ELSE '{}' END
$$;

-- 3.0.0 forbids unknown keys in payloads and references: does a valid one hold any?
CREATE FUNCTION fuzz_unknown_payload_keys(type text, payload jsonb, contract text) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
	SELECT contract = '3.0.0' AND jsonb_typeof(payload) = 'object' AND EXISTS (
		SELECT 1 FROM jsonb_object_keys(payload) k
		WHERE NOT mission_audit_payload_schema(type, contract)->'properties' ? k)
$$;

-- Does a 3.0.0 envelope hold a forbidden legacy key at any depth (keys only)?  An
-- independent oracle: the text must spell a name, then an iterative walk finds it as a key.
CREATE FUNCTION fuzz_has_legacy_key(doc jsonb) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
	SELECT doc::text ~ '"(feature_slug|feature_number|mission_key|legacy_aggregate_id)"'
	   AND EXISTS (
		WITH RECURSIVE node(v) AS (
			SELECT doc
			UNION ALL
			SELECT c FROM node, LATERAL (
				SELECT value FROM jsonb_each(CASE WHEN jsonb_typeof(v) = 'object' THEN v END)
				UNION ALL
				SELECT value FROM jsonb_array_elements(CASE WHEN jsonb_typeof(v) = 'array' THEN v END)) x(c)
			WHERE jsonb_typeof(c) IN ('object', 'array'))
		SELECT 1 FROM node, jsonb_object_keys(CASE WHEN jsonb_typeof(v) = 'object' THEN v END) k
		WHERE k IN ('feature_slug', 'feature_number', 'mission_key', 'legacy_aggregate_id'))
$$;

-- Does a violation list report as missing a key that obj (or obj->'payload') has?
CREATE FUNCTION fuzz_missing_but_present(obj jsonb, violations jsonb) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
	SELECT jsonb_typeof(obj) = 'object' AND EXISTS (
		SELECT 1 FROM jsonb_array_elements(violations) x
		WHERE x->>'type' = 'missing'
		  AND ((strpos(x->>'field', '.') = 0 AND obj ? (x->>'field'))
			   OR (x->>'field' ~ '^payload\.[^.]+$' AND jsonb_typeof(obj->'payload') = 'object'
				   AND obj->'payload' ? substr(x->>'field', 9))))
$$;

-- SQLSTATEs that are a clean resource limit rather than an answer.
CREATE FUNCTION fuzz_is_limit(st text) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
	SELECT st IN ('53200', '54000', '54001')
$$;

-- Add per-row outcomes ('fn|outcome' strings) to fuzz_outcome, in key order
-- so that concurrent workers lock rows in the same order.
CREATE PROCEDURE fuzz_flush(outs text[]) LANGUAGE sql AS $$
	INSERT INTO fuzz_outcome AS o (fn, outcome, n)
	SELECT split_part(x, '|', 1), split_part(x, '|', 2), count(*)
	FROM unnest(outs) x GROUP BY 1, 2 ORDER BY 1, 2
	ON CONFLICT (fn, outcome) DO UPDATE SET n = o.n + excluded.n
$$;

CREATE FUNCTION fuzz_ok(fn text, n bigint) RETURNS text[] LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE WHEN n > 0 THEN array_fill(fn || '|ok', ARRAY[n::int]) ELSE '{}'::text[] END
$$;

-- Cast staged text to jsonb in chunks; a chunk that fails is redone row by row
-- and each rejected text is counted under jsonb_in with its SQLSTATE.
CREATE PROCEDURE fuzz_load(chunk int DEFAULT 5000) LANGUAGE plpgsql AS $$
DECLARE
	lo bigint;
	hi bigint;
	r record;
	j jsonb;
	st text;
	n bigint;
	outs text[];
BEGIN
	SELECT min(id), max(id) INTO lo, hi FROM fuzz_stage;
	WHILE lo <= hi LOOP
		outs := '{}';
		BEGIN
			INSERT INTO fuzz_case
			SELECT id, fam, grp, base, arg, CASE WHEN fam = 'j' THEN doc END,
				   CASE WHEN fam <> 'j' THEN doc::jsonb END, expect::jsonb, coalesce(contract, '2.5.0')
			FROM fuzz_stage WHERE id >= lo AND id < lo + chunk;
			GET DIAGNOSTICS n = ROW_COUNT;
			outs := fuzz_ok('jsonb_in', n);
		EXCEPTION WHEN OTHERS THEN
			FOR r IN SELECT * FROM fuzz_stage WHERE id >= lo AND id < lo + chunk LOOP
				j := NULL;
				st := 'ok';
				IF r.fam <> 'j' THEN
					BEGIN
						j := r.doc::jsonb;
					EXCEPTION WHEN OTHERS THEN
						GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE;
					END;
				END IF;
				outs := outs || ('jsonb_in|' || st);
				INSERT INTO fuzz_case VALUES (r.id, r.fam, r.grp, r.base, r.arg,
					CASE WHEN r.fam = 'j' OR j IS NULL THEN r.doc END, j, r.expect::jsonb,
					coalesce(r.contract, '2.5.0'));
			END LOOP;
		END;
		CALL fuzz_flush(outs);
		COMMIT;
		lo := lo + chunk;
	END LOOP;
	TRUNCATE fuzz_stage;
	COMMIT;
END
$$;

-- Record a failure unless st is the expected outcome (or a resource limit).
CREATE PROCEDURE fuzz_expect(id bigint, fn text, st text, msg text, expected text)
LANGUAGE plpgsql AS $$
BEGIN
	IF st = expected OR fuzz_is_limit(st) THEN
		RETURN;
	END IF;
	INSERT INTO fuzz_fail VALUES (id, fn,
		CASE WHEN st = 'ok' THEN 'answered where an ERROR ' || expected || ' was due'
			 WHEN expected = 'ok' THEN 'raised an ERROR'
			 ELSE 'raised ' || st || ' where ' || expected || ' was due' END,
		st, left(msg, 300));
END
$$;

-- Wrong answers in one payload's validate() document v and is_valid() verdict ok.
CREATE FUNCTION fuzz_payload_faults(arg text, doc jsonb, v jsonb, ok boolean, contract text) RETURNS SETOF text
LANGUAGE sql AS $$
	SELECT 'is_valid disagrees with validate' WHERE ok IS DISTINCT FROM (v->>'valid')::boolean
	UNION ALL
	SELECT 'valid flag disagrees with its violations'
	WHERE (v->>'valid')::boolean IS DISTINCT FROM (jsonb_array_length(v->'violations') = 0)
	UNION ALL
	SELECT 'event_type not echoed' WHERE v->>'event_type' IS DISTINCT FROM arg
	UNION ALL
	SELECT 'valid, but a required key is absent'
	WHERE (v->>'valid')::boolean AND NOT CASE WHEN jsonb_typeof(doc) = 'object'
		THEN doc ?& fuzz_required(arg, contract) ELSE false END
	UNION ALL
	SELECT 'valid, but an unknown key is present' WHERE ok AND fuzz_unknown_payload_keys(arg, doc, contract)
	UNION ALL
	SELECT 'reports a present key as missing' WHERE fuzz_missing_but_present(doc, v->'violations')
	UNION ALL
	SELECT 'the signatures without a contract disagree with 2.5.0'
	WHERE contract = '2.5.0' AND (mission_audit_is_valid(arg, doc) IS DISTINCT FROM ok
		OR mission_audit_validate(arg, doc) IS DISTINCT FROM v)
$$;

-- Wrong answers in one event's validate_event() document v and event_is_valid() verdict ok.
CREATE FUNCTION fuzz_event_faults(doc jsonb, v jsonb, ok boolean, contract text) RETURNS SETOF text
LANGUAGE sql AS $$
	SELECT 'event_is_valid disagrees with validate_event' WHERE ok IS DISTINCT FROM (v->>'valid')::boolean
	UNION ALL
	SELECT 'valid flag disagrees with its violations'
	WHERE (v->>'valid')::boolean IS DISTINCT FROM (jsonb_array_length(v->'violations') = 0)
	UNION ALL
	SELECT 'event_type not echoed'
	WHERE v->'event_type' IS DISTINCT FROM
		CASE WHEN jsonb_typeof(doc) = 'object' AND jsonb_typeof(doc->'event_type') = 'string'
			 THEN doc->'event_type' ELSE 'null' END
	UNION ALL
	SELECT 'valid but payload invalid'
	WHERE ok AND CASE WHEN doc->>'event_type' = ANY (mission_audit_event_types())
		THEN NOT mission_audit_is_valid(doc->>'event_type', coalesce(doc->'payload', '{}'), contract) END
	UNION ALL
	SELECT 'valid, but a required key is absent'
	WHERE ok AND NOT (doc ?& fuzz_envelope_required(contract)
		AND CASE WHEN doc->>'event_type' = ANY (mission_audit_event_types())
			THEN coalesce(doc->'payload', '{}') ?& fuzz_required(doc->>'event_type', contract) ELSE true END)
	UNION ALL
	SELECT 'valid, but the cutover gate should refuse it'
	WHERE ok AND contract = '3.0.0' AND (doc->'schema_version' IS DISTINCT FROM '"3.0.0"'
		OR doc->>'event_type' IN ('FeatureCreated', 'FeatureClosed')
		OR split_part(doc->>'aggregate_id', '/', 1) IN ('feature', 'feature_catalog')
		OR fuzz_has_legacy_key(doc))
	UNION ALL
	SELECT 'reports a present key as missing' WHERE fuzz_missing_but_present(doc, v->'violations')
	UNION ALL
	SELECT 'the signatures without a contract disagree with 2.5.0'
	WHERE contract = '2.5.0' AND (mission_audit_event_is_valid(doc) IS DISTINCT FROM ok
		OR mission_audit_validate_event(doc) IS DISTINCT FROM v)
$$;

-- Payload rows, one at a time: validate and is_valid, then their agreement.
CREATE FUNCTION fuzz_payload_row(r fuzz_case, known boolean) RETURNS text[]
LANGUAGE plpgsql AS $$
DECLARE
	v jsonb;
	b boolean;
	st1 text := 'ok';
	st2 text := 'ok';
	msg text;
BEGIN
	BEGIN
		v := mission_audit_validate(r.arg, r.doc, r.contract);
	EXCEPTION WHEN OTHERS THEN
		GET STACKED DIAGNOSTICS st1 = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
	END;
	CALL fuzz_expect(r.id, 'validate', st1, msg, CASE WHEN known THEN 'ok' ELSE '22023' END);
	BEGIN
		b := mission_audit_is_valid(r.arg, r.doc, r.contract);
	EXCEPTION WHEN OTHERS THEN
		GET STACKED DIAGNOSTICS st2 = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
	END;
	CALL fuzz_expect(r.id, 'is_valid', st2, msg, CASE WHEN known THEN 'ok' ELSE '22023' END);
	IF st1 = 'ok' AND st2 = 'ok' THEN
		INSERT INTO fuzz_fail (id, fn, what) SELECT r.id, 'validate', x FROM fuzz_payload_faults(r.arg, r.doc, v, b, r.contract) x;
	END IF;
	RETURN ARRAY['validate' || fuzz_at(r.contract) || '|' || st1, 'is_valid' || fuzz_at(r.contract) || '|' || st2];
END
$$;

-- Event rows, one at a time: validate_event, event_is_valid, normalize_event.
CREATE FUNCTION fuzz_event_row(r fuzz_case) RETURNS text[]
LANGUAGE plpgsql AS $$
DECLARE
	v jsonb;
	b boolean;
	st1 text := 'ok';
	st2 text := 'ok';
	st3 text := 'ok';
	msg text;
BEGIN
	BEGIN
		v := mission_audit_validate_event(r.doc, r.contract);
	EXCEPTION WHEN OTHERS THEN
		GET STACKED DIAGNOSTICS st1 = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
	END;
	CALL fuzz_expect(r.id, 'validate_event', st1, msg, 'ok');
	BEGIN
		b := mission_audit_event_is_valid(r.doc, r.contract);
	EXCEPTION WHEN OTHERS THEN
		GET STACKED DIAGNOSTICS st2 = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
	END;
	CALL fuzz_expect(r.id, 'event_is_valid', st2, msg, 'ok');
	IF st1 = 'ok' AND st2 = 'ok' THEN
		INSERT INTO fuzz_fail (id, fn, what) SELECT r.id, 'validate_event', x FROM fuzz_event_faults(r.doc, v, b, r.contract) x;
	END IF;
	BEGIN
		PERFORM mission_audit_normalize_event(r.doc, r.contract);
	EXCEPTION WHEN OTHERS THEN
		GET STACKED DIAGNOSTICS st3 = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
	END;
	IF st2 = 'ok' THEN
		CALL fuzz_expect(r.id, 'normalize_event', st3, msg, CASE WHEN b THEN 'ok' ELSE '22023' END);
	END IF;
	RETURN ARRAY['validate_event' || fuzz_at(r.contract) || '|' || st1, 'event_is_valid' || fuzz_at(r.contract) || '|' || st2,
				 'normalize_event' || fuzz_at(r.contract) || '|' || st3];
END
$$;

-- Wrong answers in a set of valid events' normalized forms.
CREATE FUNCTION fuzz_normalize_faults(doc jsonb, nz jsonb, contract text) RETURNS SETOF text
LANGUAGE sql AS $$
	SELECT 'event_id is not the normalized event_id'
	WHERE nz->>'event_id' IS DISTINCT FROM fuzz_norm_id(doc->>'event_id')
	UNION ALL
	SELECT 'correlation_id is not the normalized correlation_id'
	WHERE nz->>'correlation_id' IS DISTINCT FROM fuzz_norm_id(doc->>'correlation_id')
	UNION ALL
	SELECT 'causation_id is not the normalized causation_id'
	WHERE nz->>'causation_id' IS DISTINCT FROM fuzz_norm_id(doc->>'causation_id')
	UNION ALL
	SELECT 'default or copied field wrong'
	WHERE nz->'schema_version' IS DISTINCT FROM coalesce(doc->'schema_version', '"1.0.0"')
	   OR (nz->'data_tier')::numeric IS DISTINCT FROM coalesce((doc->'data_tier')::numeric, 0)
	   OR (nz->'lamport_clock')::numeric IS DISTINCT FROM (doc->'lamport_clock')::numeric
	   OR nz->'payload' IS DISTINCT FROM coalesce(doc->'payload', '{}')
	   OR nz->'project_slug' IS DISTINCT FROM coalesce(doc->'project_slug', 'null')
	   OR nz->'timestamp' IS DISTINCT FROM doc->'timestamp'
	   OR nz->'event_type' IS DISTINCT FROM doc->'event_type'
	UNION ALL
	SELECT 'other keys not kept'
	WHERE NOT nz @> (doc - ARRAY['event_id', 'event_type', 'aggregate_id', 'payload', 'timestamp',
								 'node_id', 'lamport_clock', 'causation_id', 'project_uuid',
								 'project_slug', 'correlation_id', 'schema_version', 'data_tier'])
	UNION ALL
	SELECT 'normalized event is not valid' WHERE NOT mission_audit_event_is_valid(nz, contract)
	UNION ALL
	SELECT 'not idempotent' WHERE mission_audit_normalize_event(nz, contract) IS DISTINCT FROM nz
	UNION ALL
	SELECT 'the signature without a contract disagrees with 2.5.0'
	WHERE contract = '2.5.0' AND mission_audit_normalize_event(doc) IS DISTINCT FROM nz
$$;

-- The suffix of an outcome's function name: none for 2.5.0, '@3.0.0' for 3.0.0.
CREATE FUNCTION fuzz_at(contract text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE WHEN contract = '2.5.0' THEN '' ELSE '@' || contract END
$$;

-- Is a jsonb array made of JSON nulls and valid events only?
CREATE FUNCTION fuzz_array_valid(doc jsonb, contract text) RETURNS boolean LANGUAGE sql AS $$
	SELECT CASE WHEN jsonb_typeof(doc) = 'array' THEN
		NOT EXISTS (SELECT 1 FROM jsonb_array_elements(doc) e
					WHERE jsonb_typeof(e) <> 'null' AND NOT mission_audit_event_is_valid(e, contract))
	ELSE false END
$$;

-- The aggregate over an array's elements (JSON null as SQL NULL), shuffled; for 2.5.0
-- half the time through the signature without a contract.
CREATE FUNCTION fuzz_agg_shuffled(doc jsonb, contract text) RETURNS jsonb LANGUAGE sql AS $$
	SELECT CASE WHEN contract = '2.5.0' AND random() < 0.5
		THEN (SELECT mission_audit_reduce(CASE WHEN jsonb_typeof(e) = 'null' THEN NULL ELSE e END ORDER BY random())
			  FROM jsonb_array_elements(doc) e)
		-- over no rows, a contract that is not a constant names no initial state: NULL, by design
		ELSE coalesce((SELECT mission_audit_reduce(CASE WHEN jsonb_typeof(e) = 'null' THEN NULL ELSE e END, contract ORDER BY random())
					   FROM jsonb_array_elements(doc) e),
					  CASE WHEN jsonb_array_length(doc) = 0 THEN mission_audit_reduce_events('[]', contract) END) END
$$;

CREATE FUNCTION fuzz_distinct_ids(doc jsonb) RETURNS bigint LANGUAGE sql AS $$
	SELECT count(DISTINCT fuzz_norm_id(e->>'event_id'))
	FROM jsonb_array_elements(doc) e WHERE jsonb_typeof(e) <> 'null'
$$;

-- One batch of inputs: every family, every function.
CREATE PROCEDURE fuzz_batch(b int, lo bigint, hi bigint) LANGUAGE plpgsql AS $$
DECLARE
	outs text[] := '{}';
	blk text[];
	types text[] := mission_audit_event_types();
	r fuzz_case;
	g record;
	st text;
	msg text;
	n bigint;
	m bigint;
	ok_ids bigint[];
	bad_ids bigint[];
	reduced jsonb;
BEGIN
	INSERT INTO fuzz_progress VALUES (b, lo, hi, clock_timestamp(), NULL)
	ON CONFLICT (batch) DO UPDATE SET started = excluded.started, finished = NULL;
	COMMIT;

	-- payloads ----------------------------------------------------------
	BEGIN
		WITH s AS MATERIALIZED (
			SELECT id, arg, doc, contract, mission_audit_validate(arg, doc, contract) AS v,
				   mission_audit_is_valid(arg, doc, contract) AS ok
			FROM fuzz_case
			WHERE id BETWEEN lo AND hi AND fam = 'p' AND doc IS NOT NULL AND arg = ANY (types)
		), f AS (
			INSERT INTO fuzz_fail (id, fn, what)
			SELECT id, 'validate' || fuzz_at(contract), x FROM s, fuzz_payload_faults(arg, doc, v, ok, contract) x
		)
		SELECT coalesce(array_agg(x), '{}') INTO blk
		FROM s, unnest(ARRAY['validate', 'is_valid']) fn, LATERAL (SELECT fn || fuzz_at(contract) || '|ok') y(x);
		outs := outs || blk;
	EXCEPTION WHEN OTHERS THEN
		outs := outs || 'batch|payloads row by row'::text;
		FOR r IN SELECT * FROM fuzz_case
				 WHERE id BETWEEN lo AND hi AND fam = 'p' AND doc IS NOT NULL AND arg = ANY (types)
		LOOP
			outs := outs || fuzz_payload_row(r, true);
		END LOOP;
	END;
	FOR r IN SELECT * FROM fuzz_case
			 WHERE id BETWEEN lo AND hi AND fam = 'p' AND doc IS NOT NULL AND NOT arg = ANY (types)
	LOOP
		outs := outs || fuzz_payload_row(r, false);
	END LOOP;

	-- events --------------------------------------------------------------
	-- (PL/pgSQL variables survive a rolled-back block: count into blk and
	-- keep it only when the whole block succeeds)
	BEGIN
		blk := '{}';
		WITH s AS MATERIALIZED (
			SELECT id, doc, contract, mission_audit_validate_event(doc, contract) AS v,
				   mission_audit_event_is_valid(doc, contract) AS ok
			FROM fuzz_case WHERE id BETWEEN lo AND hi AND fam = 'e' AND doc IS NOT NULL
		), f AS (
			INSERT INTO fuzz_fail (id, fn, what)
			SELECT id, 'validate_event' || fuzz_at(contract), x FROM s, fuzz_event_faults(doc, v, ok, contract) x
		), o AS (
			SELECT coalesce(array_agg(x), '{}') AS outs
			FROM s, unnest(ARRAY['validate_event', 'event_is_valid']) fn, LATERAL (SELECT fn || fuzz_at(contract) || '|ok') y(x)
		)
		SELECT (SELECT outs FROM o), array_agg(id) FILTER (WHERE ok), array_agg(id) FILTER (WHERE NOT ok)
		INTO blk, ok_ids, bad_ids FROM s;

		WITH s AS MATERIALIZED (
			SELECT id, doc, contract, mission_audit_normalize_event(doc, contract) AS nz
			FROM fuzz_case WHERE id = ANY (ok_ids)
		), f AS (
			INSERT INTO fuzz_fail (id, fn, what)
			SELECT id, 'normalize_event' || fuzz_at(contract), x FROM s, fuzz_normalize_faults(doc, nz, contract) x
		)
		SELECT blk || coalesce(array_agg('normalize_event' || fuzz_at(contract) || '|ok'), '{}') INTO blk FROM s;

		FOR r IN SELECT * FROM fuzz_case WHERE id = ANY (bad_ids) LOOP
			st := 'ok';
			BEGIN
				PERFORM mission_audit_normalize_event(r.doc, r.contract);
			EXCEPTION WHEN OTHERS THEN
				GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
			END;
			CALL fuzz_expect(r.id, 'normalize_event' || fuzz_at(r.contract), st, msg, '22023');
			blk := blk || ('normalize_event' || fuzz_at(r.contract) || '|' || st);
		END LOOP;
		outs := outs || blk;
	EXCEPTION WHEN OTHERS THEN
		outs := outs || 'batch|events row by row'::text;
		FOR r IN SELECT * FROM fuzz_case
				 WHERE id BETWEEN lo AND hi AND fam = 'e' AND doc IS NOT NULL
		LOOP
			outs := outs || fuzz_event_row(r);
		END LOOP;
	END;

	-- the aggregate over groups of event rows ---------------------------------
	FOR g IN
		SELECT grp, contract, bool_and(mission_audit_event_is_valid(doc, contract)) AS ok
		FROM fuzz_case WHERE id BETWEEN lo AND hi AND fam = 'e' AND doc IS NOT NULL
		GROUP BY grp, contract
	LOOP
		st := 'ok';
		BEGIN
			SELECT CASE
				WHEN mission_audit_reduce(doc, g.contract ORDER BY id DESC)
					 IS DISTINCT FROM mission_audit_reduce_events(jsonb_agg(doc ORDER BY id), g.contract)
					THEN 'aggregate disagrees with reduce_events'
				WHEN (mission_audit_reduce(doc, g.contract)->>'event_count')::bigint
					 <> count(DISTINCT fuzz_norm_id(doc->>'event_id'))
					THEN 'event_count is not the number of distinct ids'
				WHEN g.contract = '2.5.0' AND mission_audit_reduce(doc ORDER BY id DESC)
						FILTER (WHERE g.contract = '2.5.0')
					 IS DISTINCT FROM mission_audit_reduce(doc, g.contract ORDER BY id DESC)
					THEN 'the aggregate without a contract disagrees with 2.5.0'
				END INTO msg
			FROM fuzz_case
			WHERE id BETWEEN lo AND hi AND fam = 'e' AND doc IS NOT NULL AND grp = g.grp
			  AND contract = g.contract;
			IF msg IS NOT NULL THEN
				INSERT INTO fuzz_fail VALUES (-g.grp, 'reduce' || fuzz_at(g.contract), msg, NULL, 'group ' || g.grp);
			END IF;
		EXCEPTION WHEN OTHERS THEN
			GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
		END;
		CALL fuzz_expect(-g.grp, 'reduce' || fuzz_at(g.contract), st, msg, CASE WHEN g.ok THEN 'ok' ELSE '22023' END);
		outs := outs || ('reduce' || fuzz_at(g.contract) || '|' || st);
	END LOOP;

	-- arrays of events ----------------------------------------------------------
	SELECT array_agg(id) FILTER (WHERE fuzz_array_valid(doc, contract)),
		   array_agg(id) FILTER (WHERE NOT fuzz_array_valid(doc, contract))
	INTO ok_ids, bad_ids
	FROM fuzz_case WHERE id BETWEEN lo AND hi AND fam = 'a' AND doc IS NOT NULL;
	BEGIN
		WITH s AS MATERIALIZED (
			SELECT id, expect, contract,
				   CASE WHEN contract = '2.5.0' AND random() < 0.5 THEN mission_audit_reduce_events(doc)
						ELSE mission_audit_reduce_events(doc, contract) END AS r1,
				   fuzz_agg_shuffled(doc, contract) AS r2, fuzz_distinct_ids(doc) AS nids
			FROM fuzz_case WHERE id = ANY (ok_ids)
		), keep AS (
			INSERT INTO fuzz_reduced SELECT id, r1 FROM s
		), f AS (
			INSERT INTO fuzz_fail (id, fn, what)
			SELECT id, 'reduce_events', 'aggregate over the elements disagrees' FROM s
			WHERE r1 IS DISTINCT FROM r2
			UNION ALL
			SELECT id, 'reduce_events', 'differs from the conformance corpus' FROM s
			WHERE expect IS NOT NULL AND r1 IS DISTINCT FROM expect
			UNION ALL
			SELECT id, 'reduce_events', 'event_count is not the number of distinct ids' FROM s
			WHERE (r1->>'event_count')::bigint IS DISTINCT FROM nids
		)
		SELECT coalesce(array_agg(x), '{}') INTO blk
		FROM s, unnest(ARRAY['reduce_events', 'reduce']) fn, LATERAL (SELECT fn || fuzz_at(contract) || '|ok') y(x);
		outs := outs || blk;
	EXCEPTION WHEN OTHERS THEN
		outs := outs || 'batch|event arrays row by row'::text;
		FOR r IN SELECT * FROM fuzz_case WHERE id = ANY (ok_ids) LOOP
			st := 'ok';
			BEGIN
				reduced := mission_audit_reduce_events(r.doc, r.contract);
				INSERT INTO fuzz_reduced VALUES (r.id, reduced);
				IF reduced IS DISTINCT FROM fuzz_agg_shuffled(r.doc, r.contract) THEN
					INSERT INTO fuzz_fail VALUES (r.id, 'reduce_events' || fuzz_at(r.contract), 'aggregate over the elements disagrees', NULL, NULL);
				END IF;
			EXCEPTION WHEN OTHERS THEN
				GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
			END;
			CALL fuzz_expect(r.id, 'reduce_events' || fuzz_at(r.contract), st, msg, 'ok');
			outs := outs || ('reduce_events' || fuzz_at(r.contract) || '|' || st);
		END LOOP;
	END;
	FOR r IN SELECT * FROM fuzz_case WHERE id = ANY (bad_ids) LOOP
		st := 'ok';
		BEGIN
			PERFORM mission_audit_reduce_events(r.doc, r.contract);
		EXCEPTION WHEN OTHERS THEN
			GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
		END;
		CALL fuzz_expect(r.id, 'reduce_events' || fuzz_at(r.contract), st, msg, '22023');
		outs := outs || ('reduce_events' || fuzz_at(r.contract) || '|' || st);
		IF jsonb_typeof(r.doc) = 'array' THEN
			st := 'ok';
			BEGIN
				PERFORM fuzz_agg_shuffled(r.doc, r.contract);
			EXCEPTION WHEN OTHERS THEN
				GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
			END;
			CALL fuzz_expect(r.id, 'reduce' || fuzz_at(r.contract), st, msg, '22023');
			outs := outs || ('reduce' || fuzz_at(r.contract) || '|' || st);
		END IF;
	END LOOP;

	-- JSONL texts ---------------------------------------------------------------
	FOR r IN SELECT * FROM fuzz_case WHERE id BETWEEN lo AND hi AND fam = 'j' LOOP
		st := 'ok';
		msg := NULL;
		BEGIN
			SELECT count(*), count(*) FILTER (WHERE line_number <= prev)
			INTO n, m
			FROM (SELECT line_number, coalesce(lag(line_number) OVER (ORDER BY ord), 0) AS prev
				  FROM mission_audit_read_jsonl(r.doc_text) WITH ORDINALITY AS t(line_number, event, ord)) x;
		EXCEPTION WHEN OTHERS THEN
			GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
		END;
		outs := outs || ('read_jsonl|' || st);
		IF r.expect ? 'rows' THEN
			CALL fuzz_expect(r.id, 'read_jsonl', st, msg, 'ok');
			IF st = 'ok' AND (n <> (r.expect->>'rows')::bigint OR m <> 0) THEN
				INSERT INTO fuzz_fail VALUES (r.id, 'read_jsonl', 'wrong rows', NULL,
					format('%s rows, %s expected', n, r.expect->>'rows'));
			END IF;
		ELSIF r.expect ? 'error_line' THEN
			IF st = 'ok' THEN
				INSERT INTO fuzz_fail VALUES (r.id, 'read_jsonl', 'accepted a malformed line', st, NULL);
			ELSIF NOT fuzz_is_limit(st) AND st NOT IN ('22P02', '22P05', '22003') THEN
				INSERT INTO fuzz_fail VALUES (r.id, 'read_jsonl', 'unexpected SQLSTATE', st, left(msg, 300));
			ELSIF msg IS DISTINCT FROM format('invalid JSON on line %s of JSONL input', r.expect->>'error_line') THEN
				INSERT INTO fuzz_fail VALUES (r.id, 'read_jsonl', 'error names the wrong line', st, left(msg, 300));
			END IF;
		ELSIF st <> 'ok' AND NOT fuzz_is_limit(st) AND st NOT IN ('22P02', '22P05', '22003') THEN
			INSERT INTO fuzz_fail VALUES (r.id, 'read_jsonl', 'unexpected SQLSTATE', st, left(msg, 300));
		END IF;
	END LOOP;

	CALL fuzz_flush(outs);
	UPDATE fuzz_progress SET finished = clock_timestamp() WHERE batch = b;
	COMMIT;
END
$$;

-- After all batches: metamorphic checks between a-rows and their base rows.
CREATE PROCEDURE fuzz_check() LANGUAGE plpgsql AS $$
DECLARE
	n bigint;
BEGIN
	WITH pairs AS (
		SELECT v.id, v.arg, rv.result AS rv, rb.result AS rb
		FROM fuzz_case v
		JOIN fuzz_reduced rv ON rv.id = v.id
		JOIN fuzz_reduced rb ON rb.id = v.base
		WHERE v.fam = 'a' AND (v.arg = 'same' OR v.arg LIKE 'count+%')
	), f AS (
		INSERT INTO fuzz_fail (id, fn, what, message)
		SELECT id, 'reduce_events', 'an equivalent input changed the reduced state',
			   'base ' || (SELECT base FROM fuzz_case c WHERE c.id = pairs.id) || ', variant ' || arg
		FROM pairs
		WHERE (arg = 'same' AND rv IS DISTINCT FROM rb)
		   OR (arg LIKE 'count+%' AND ((rv - 'event_count') IS DISTINCT FROM (rb - 'event_count')
				OR (rv->>'event_count')::bigint
				   <> (rb->>'event_count')::bigint + substr(arg, 7)::bigint))
	)
	SELECT count(*) INTO n FROM pairs;
	CALL fuzz_flush(fuzz_ok('metamorphic', n));
END
$$;
