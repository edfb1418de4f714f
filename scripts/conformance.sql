-- conformance.sql: compare the installed mission_audit with the conformance corpus loaded by conformance.sh.
-- Expects temp tables payload_raw, envelope_raw, reduce_raw (n serial, line text) and the psql
-- variable contract: '' calls the signatures without a contract argument (2.5.0), else every
-- function gets it as its final argument.  Prints one line per mismatching case, then
-- "<file>: N passed, N failed" for each file that has cases.
SELECT set_config('ma.contract_arg', CASE WHEN :'contract' = '' THEN '' ELSE ', ' || quote_literal(:'contract') END, false) AS contract_arg \gset

-- A call of a mission_audit function with the run's contract argument, if any.
CREATE FUNCTION pg_temp.call(fn text, args text) RETURNS text
LANGUAGE sql STABLE AS $$
	SELECT format('%s(%s%s)', fn, args, current_setting('ma.contract_arg'))
$$;

-- Wrappers turn an ERROR of the extension into {"conformance_error": message}, so one bad case
-- is reported as a mismatch instead of ending the run.
CREATE FUNCTION pg_temp.try(query text, arg jsonb, type_arg text DEFAULT NULL) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
	result jsonb;
BEGIN
	EXECUTE query INTO result USING arg, type_arg;
	RETURN coalesce(result, '{"conformance_error": "returned NULL"}');
EXCEPTION WHEN OTHERS THEN
	RETURN jsonb_build_object('conformance_error', SQLSTATE || ': ' || SQLERRM);
END $$;

-- Shorten a value for a report line.
CREATE FUNCTION pg_temp.trunc(t text, n int DEFAULT 160) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE WHEN length(t) > n THEN left(t, n - 3) || '...' ELSE coalesce(t, '(absent)') END
$$;

-- A JSON Schema json_path ($.a.b[0]) as a dotted field (a.b.0); "$" is the root "".
CREATE FUNCTION pg_temp.dotted(json_path text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
	SELECT regexp_replace(regexp_replace(json_path, '\[(\d+)\]', '.\1', 'g'), '^\$\.?', '')
$$;

-- Elements of a JSON array; nothing for anything else.
CREATE FUNCTION pg_temp.elems(a jsonb) RETURNS SETOF jsonb
LANGUAGE sql IMMUTABLE AS $$
	SELECT e FROM jsonb_array_elements(CASE jsonb_typeof(a) WHEN 'array' THEN a ELSE '[]' END) e
$$;

-- (field, type) pairs of a violation list as "field/type" text, for report lines.
CREATE FUNCTION pg_temp.pairs(violations jsonb) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
	SELECT '[' || coalesce(string_agg((v->>'field') || '/' || (v->>'type'), ', '), '') || ']'
	FROM pg_temp.elems(violations) v
$$;

-- Problems of one validation result: the verdict differs, an expected model violation is
-- missing, or an extra violation of ours lies outside every path the schema layer rejected.
CREATE FUNCTION pg_temp.validation_problems(ours jsonb, expected_valid jsonb, model jsonb, schema jsonb)
RETURNS SETOF text LANGUAGE sql IMMUTABLE AS $$
	SELECT 'error: ' || pg_temp.trunc(ours->>'conformance_error')
	WHERE ours ? 'conformance_error'
	UNION ALL
	SELECT format('valid: ours=%s expected=%s violations ours=%s',
				  ours->'valid', expected_valid, pg_temp.trunc(pg_temp.pairs(ours->'violations')))
	WHERE NOT ours ? 'conformance_error' AND ours->'valid' IS DISTINCT FROM expected_valid
	UNION ALL
	SELECT format('missing violation %s/%s; ours=%s', m->>'field', m->>'type',
				  pg_temp.trunc(pg_temp.pairs(ours->'violations')))
	FROM pg_temp.elems(model) m
	WHERE NOT ours ? 'conformance_error'
	  AND NOT EXISTS (SELECT FROM pg_temp.elems(ours->'violations') v
					  WHERE v->>'field' = m->>'field' AND v->>'type' = m->>'type')
	UNION ALL
	SELECT format('extra violation %s/%s outside schema paths %s', v->>'field', v->>'type',
				  pg_temp.trunc((SELECT string_agg(s->>'json_path', ', ') FROM pg_temp.elems(schema) s)))
	FROM pg_temp.elems(ours->'violations') v
	WHERE NOT EXISTS (SELECT FROM pg_temp.elems(model) m
					  WHERE v->>'field' = m->>'field' AND v->>'type' = m->>'type')
	  AND NOT EXISTS (SELECT FROM pg_temp.elems(schema) s, pg_temp.dotted(s->>'json_path') p
					  WHERE p = '' OR v->>'field' = p OR left(v->>'field', length(p) + 1) = p || '.')
$$;

-- Problems of one reduced state: each top-level key whose value differs.
CREATE FUNCTION pg_temp.reduce_problems(label text, ours jsonb, expected jsonb)
RETURNS SETOF text LANGUAGE sql IMMUTABLE AS $$
	SELECT label || ' error: ' || pg_temp.trunc(ours->>'conformance_error')
	WHERE ours ? 'conformance_error'
	UNION ALL
	(SELECT format('%s %s: ours=%s expected=%s', label, k,
				   pg_temp.trunc((ours->k)::text, 80), pg_temp.trunc((expected->k)::text, 80))
	 FROM (SELECT jsonb_object_keys(ours) AS k WHERE jsonb_typeof(ours) = 'object'
		   UNION SELECT jsonb_object_keys(expected)) keys
	 WHERE NOT ours ? 'conformance_error' AND jsonb_typeof(ours) = 'object'
	   AND ours->k IS DISTINCT FROM expected->k
	 ORDER BY k)
	UNION ALL
	SELECT format('%s: ours=%s expected an object', label, pg_temp.trunc(ours::text))
	WHERE jsonb_typeof(ours) <> 'object'
$$;

CREATE TEMP TABLE problem (seq serial, file text, n int, id text, problem text);
CREATE TEMP TABLE tally (file text, n int);

-- payload_cases.jsonl
CREATE TEMP TABLE payload_case AS
	SELECT n, c->>'id' AS id, c->'expected' AS expected,
		   pg_temp.try('SELECT ' || pg_temp.call('mission_audit_validate', '$2, $1'), c->'payload', c->>'event_type') AS ours,
		   pg_temp.try('SELECT to_jsonb(' || pg_temp.call('mission_audit_is_valid', '$2, $1') || ')',
					   c->'payload', c->>'event_type') AS ours_fast
	FROM payload_raw, LATERAL (SELECT line::jsonb AS c) x
	WHERE line <> '';
INSERT INTO tally SELECT 'payload_cases.jsonl', n FROM payload_case;
INSERT INTO problem (file, n, id, problem)
	SELECT 'payload_cases.jsonl', n, id, p
	FROM payload_case,
		 pg_temp.validation_problems(ours, expected->'valid', expected->'model_violations',
									 expected->'schema_violations') p;
-- the fast boolean path gives the same verdict as the full report
INSERT INTO problem (file, n, id, problem)
	SELECT 'payload_cases.jsonl', n, id, format('is_valid: %s, validate: %s', ours_fast, ours->'valid')
	FROM payload_case WHERE ours_fast IS DISTINCT FROM ours->'valid';

-- envelope_cases.jsonl
CREATE TEMP TABLE envelope_case AS
	SELECT n, c->>'id' AS id, c->'expected' AS expected, pg_temp.try('SELECT ' || pg_temp.call('mission_audit_validate_event', '$1'), c->'event') AS ours,
		   pg_temp.try('SELECT to_jsonb(' || pg_temp.call('mission_audit_event_is_valid', '$1') || ')', c->'event') AS ours_fast
	FROM envelope_raw, LATERAL (SELECT line::jsonb AS c) x
	WHERE line <> '';
INSERT INTO tally SELECT 'envelope_cases.jsonl', n FROM envelope_case;
INSERT INTO problem (file, n, id, problem)
	SELECT 'envelope_cases.jsonl', n, id, p
	FROM envelope_case,
		 pg_temp.validation_problems(ours, expected->'valid', expected->'violations',
									 expected->'schema_violations') p;
INSERT INTO problem (file, n, id, problem)
	SELECT 'envelope_cases.jsonl', n, id, format('event_is_valid: %s, validate_event: %s', ours_fast, ours->'valid')
	FROM envelope_case WHERE ours_fast IS DISTINCT FROM ours->'valid';
-- The cutover layer (3.0.0): a failed gate is the first violation, with the reference's message;
-- a passed gate reports none.
INSERT INTO problem (file, n, id, problem)
	SELECT 'envelope_cases.jsonl', n, id,
		   format('cutover: expected %s; ours first %s', coalesce(want->>'message', 'none'),
				  pg_temp.trunc((ours->'violations'->0)::text))
	FROM (SELECT *, (SELECT v FROM pg_temp.elems(expected->'violations') v
					 WHERE v->>'type' = 'cutover_policy' LIMIT 1) AS want
		  FROM envelope_case
		  WHERE expected->'layers' ? 'cutover' AND NOT ours ? 'conformance_error') c
	WHERE CASE WHEN (expected->'layers'->>'cutover')::boolean
			   THEN EXISTS (SELECT FROM pg_temp.elems(ours->'violations') v WHERE v->>'type' = 'cutover_policy')
			   ELSE (ours->'violations'->0) - 'input' IS DISTINCT FROM
					jsonb_build_object('field', 'schema_version', 'type', 'cutover_policy',
									   'message', want->>'message')
		  END;

-- reduce_cases.jsonl: the aggregate and the array function must both give the expected state.
CREATE TEMP TABLE reduce_case AS
	SELECT n, c->>'id' AS id, c->'expected' AS expected,
		   pg_temp.try('SELECT ' || pg_temp.call('mission_audit_reduce', 'e') || ' FROM jsonb_array_elements($1) e',
					   c->'events') AS ours_agg,
		   pg_temp.try('SELECT ' || pg_temp.call('mission_audit_reduce_events', '$1'), c->'events') AS ours_events
	FROM reduce_raw, LATERAL (SELECT line::jsonb AS c) x
	WHERE line <> '';
INSERT INTO tally SELECT 'reduce_cases.jsonl', n FROM reduce_case;
INSERT INTO problem (file, n, id, problem)
	SELECT 'reduce_cases.jsonl', n, id, p
	FROM reduce_case,
		 LATERAL (SELECT pg_temp.reduce_problems(CASE WHEN ours_agg = ours_events
													  THEN 'reduce+reduce_events' ELSE 'reduce' END,
												 ours_agg, expected)
				  UNION ALL
				  SELECT pg_temp.reduce_problems('reduce_events', ours_events, expected)
				  WHERE ours_agg IS DISTINCT FROM ours_events) x(p);

SELECT format('%s %s: %s', file, id, pg_temp.trunc(string_agg(problem, '; ' ORDER BY seq), 400))
FROM problem
GROUP BY file, n, id
ORDER BY file, n;

SELECT format('%s: %s passed, %s failed', t.file,
			  count(*) FILTER (WHERE p.n IS NULL), count(*) FILTER (WHERE p.n IS NOT NULL))
FROM tally t
	LEFT JOIN (SELECT DISTINCT file, n FROM problem) p USING (file, n)
GROUP BY t.file
ORDER BY t.file;
