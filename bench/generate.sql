-- generate.sql: fill ev(run int, event jsonb) with :n realistic Mission Audit event envelopes.
--
-- Usage: psql -v n=1000000 -f bench/generate.sql   (run by bench/run.sh)
--
-- Each run is Requested, Started, DecisionRequested, Completed (the last run may be cut short
-- when :n is not a multiple of 4). Every value is derived from md5() of the run and event
-- number, so the data is varied but the same on every machine. Rows are stored in event-time
-- order, so runs interleave in the heap as they would in a real event log.

\set ON_ERROR_STOP 1
SET client_min_messages = warning;
SET work_mem = '2GB';	-- the ORDER BY below sorts in memory

DROP TABLE IF EXISTS ev;
CREATE TABLE ev (run int NOT NULL, event jsonb NOT NULL);

-- bench_int(h, pos): a non-negative 28-bit integer from 7 hex digits of h.
CREATE FUNCTION pg_temp.bench_int(h text, pos int) RETURNS int
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	RETURN ('x' || substr(h, pos, 7))::bit(28)::int;

-- bench_pick(arr, h, pos): an element of arr chosen by h.
CREATE FUNCTION pg_temp.bench_pick(arr text[], h text, pos int) RETURNS text
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	RETURN arr[1 + ('x' || substr(h, pos, 7))::bit(28)::int % cardinality(arr)];

-- bench_ulid(ms, h): a ULID, 10 Crockford base32 characters of Unix milliseconds then 16
-- characters of randomness taken from the hex digest h.
CREATE FUNCTION pg_temp.bench_ulid(ms bigint, h text) RETURNS text
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	RETURN substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', ((ms >> 45) & 31)::int + 1, 1)
		|| substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', ((ms >> 40) & 31)::int + 1, 1)
		|| substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', ((ms >> 35) & 31)::int + 1, 1)
		|| substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', ((ms >> 30) & 31)::int + 1, 1)
		|| substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', ((ms >> 25) & 31)::int + 1, 1)
		|| substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', ((ms >> 20) & 31)::int + 1, 1)
		|| substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', ((ms >> 15) & 31)::int + 1, 1)
		|| substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', ((ms >> 10) & 31)::int + 1, 1)
		|| substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', ((ms >> 5) & 31)::int + 1, 1)
		|| substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', (ms & 31)::int + 1, 1)
		|| translate(substr(h, 1, 8), '0123456789abcdef', '0123456789ABCDEF')
		|| translate(substr(h, 9, 8), '0123456789abcdef', 'GHJKMNPQRSTVWXYZ');

-- bench_ts(ms, style): an RFC 3339 timestamp in one of four common spellings.
CREATE FUNCTION pg_temp.bench_ts(ms bigint, style int) RETURNS text
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	RETURN CASE style
		WHEN 0 THEN to_char(to_timestamp(ms / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
		WHEN 1 THEN to_char(to_timestamp(ms / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"+00:00"')
		WHEN 2 THEN to_char(to_timestamp(ms / 1000.0) AT TIME ZONE 'Europe/Paris', 'YYYY-MM-DD"T"HH24:MI:SS.US')
			|| to_char(to_timestamp(ms / 1000.0) AT TIME ZONE 'Europe/Paris'
					   - to_timestamp(ms / 1000.0) AT TIME ZONE 'UTC', '"+"HH24:MI')
		ELSE to_char(to_timestamp(ms / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
	END;

INSERT INTO ev (run, event)
SELECT r, jsonb_build_object(
		'event_id', ids[k + 1],
		'event_type', (ARRAY['MissionAuditRequested', 'MissionAuditStarted',
							 'MissionAuditDecisionRequested', 'MissionAuditCompleted'])[k + 1],
		'aggregate_id', format('audit/%s/%s', mission_id, run_id),
		'timestamp', pg_temp.bench_ts(ms[k + 1], pg_temp.bench_int(e, 1) % 4),
		'node_id', pg_temp.bench_pick(ARRAY['worker/3', 'ci-runner-7', 'local-node-001', 'node-b',
											'gha-runner-12', 'build-host.eu-west-1', 'laptop-alice'], e, 8),
		'lamport_clock', lamport + 3 * k + pg_temp.bench_int(e, 15) % 3,
		'project_uuid', md5('project:' || project)::uuid,
		'project_slug', (ARRAY['payments-platform', 'checkout-web', 'projet-é', 'data-pipeline',
							   'mobile-app', 'infra-terraform', 'search-service'])[1 + project % 7],
		'correlation_id', correlation_id,
		'schema_version', CASE WHEN pg_temp.bench_int(e, 22) % 5 = 0 THEN '1.2.0' ELSE '1.0.0' END,
		'data_tier', pg_temp.bench_int(e, 2) % 5)
	|| CASE WHEN k > 0 THEN jsonb_build_object('causation_id', ids[k]) ELSE '{}' END
	|| jsonb_build_object('payload', jsonb_build_object(
		'mission_id', mission_id,
		'run_id', run_id,
		'feature_slug', feature_slug,
		'actor', actor)
	|| CASE k
	WHEN 0 THEN jsonb_build_object(
		'trigger_mode', CASE WHEN pg_temp.bench_int(e, 3) % 3 = 0 THEN 'post_merge' ELSE 'manual' END,
		'enforcement_mode', CASE WHEN pg_temp.bench_int(e, 4) % 4 = 0 THEN 'blocking' ELSE 'advisory' END,
		'audit_scope', (SELECT jsonb_agg(p ORDER BY j)
						FROM generate_series(1, 3 + pg_temp.bench_int(e, 5) % 6) j,
							 LATERAL (SELECT pg_temp.bench_pick(ARRAY[
								 'spec.md', 'plan.md', 'tasks.md', 'research.md', 'data-model.md',
								 'quickstart.md', 'contracts/openapi.yaml', 'src/app.py',
								 'src/payments/ledger.py', 'src/api/handlers.go', 'tests/test_ledger.py',
								 'docs/adr/0007-event-sourcing.md', 'migrations/0042_add_audit.sql',
								 'kitty-specs/' || feature_slug || '/spec.md', 'src/**/*.ts',
								 '.github/workflows/ci.yml'], md5(e || j), 1) AS p) q),
		'requested_via', pg_temp.bench_pick(ARRAY['cli', 'dashboard', 'merge-hook'], e, 6))
	WHEN 1 THEN jsonb_build_object(
		'audit_scope_hash', 'sha256:' || encode(sha256(convert_to(e, 'UTF8')), 'hex'),
		'auditor_version', format('%s.%s.%s', 1 + pg_temp.bench_int(e, 3) % 3,
								  pg_temp.bench_int(e, 4) % 20, pg_temp.bench_int(e, 5) % 10))
	WHEN 2 THEN jsonb_build_object(
		'decision_id', 'dec-' || substr(e, 1, 8),
		'question', pg_temp.bench_pick(ARRAY[
			'spec.md section 3 lacks acceptance criteria for refunds. Block the merge?',
			'The migration drops a column the reporting job still reads. Accept the risk?',
			'Ledger test coverage fell from 91% to 78%. Acceptable for a hotfix?',
			'The plan adds a public endpoint the spec does not mention. Proceed?',
			'Two tasks are done without a linked commit. Treat them as incomplete?'], e, 3),
		'context_summary', pg_temp.bench_pick(ARRAY[
			'Spec and implementation disagree; needs a human call.',
			'Checks passed, but a policy rule flagged this change.',
			'Repeats a finding waived in an earlier run.'], e, 4)
			|| ' See ' || pg_temp.bench_pick(ARRAY['src/payments/refund.py', 'jobs/reporting.py',
												   'the coverage report'], e, 5) || '.',
		'severity', pg_temp.bench_pick(ARRAY['info', 'warning', 'warning', 'error', 'critical'], e, 6))
	ELSE jsonb_build_object(
		'verdict', pg_temp.bench_pick(ARRAY['pass', 'pass', 'pass_with_warnings', 'fail',
											 'blocked_decision_required'], e, 3),
		'severity', pg_temp.bench_pick(ARRAY['info', 'warning', 'error', 'critical'], e, 4),
		'findings_count', pg_temp.bench_int(e, 5) % 40,
		'artifact_ref', jsonb_build_object(
			'report_path', format('audits/%s/%s/report.json', mission_id, run_id),
			'content_hash', jsonb_build_object(
				'hash', encode(sha256(convert_to(e, 'UTF8')), 'hex'),
				'algorithm', 'sha256',
				'size_bytes', 2000 + pg_temp.bench_int(e, 6) % 200000,
				'encoding', 'utf-8'),
			'provenance', jsonb_build_object(
				'source_event_ids', jsonb_build_array(ids[1], ids[2], ids[3]),
				'git_sha', md5(h || 'git') || substr(md5(h), 1, 8),
				'git_ref', pg_temp.bench_pick(ARRAY['refs/heads/main', 'refs/heads/feature/' || feature_slug,
													 'refs/tags/v2.5.0'], e, 7),
				'actor_id', actor,
				'actor_kind', CASE WHEN actor LIKE 'human:%' THEN 'human' ELSE 'llm' END,
				'revised_at', pg_temp.bench_ts(ms[4], 1))),
		'summary', pg_temp.bench_pick(ARRAY[
			'Criteria covered by tests', 'Matches the plan', 'Needs follow-up'], e, 8)
			|| '; ' || (pg_temp.bench_int(e, 5) % 40) || ' findings.')
	END)
FROM generate_series(0, (:n - 1) / 4) r
CROSS JOIN LATERAL (
	SELECT h,
		format('mission-%s', lpad((pg_temp.bench_int(h, 1) % 1000)::text, 3, '0')) AS mission_id,
		format('run-%s', lpad(r::text, 6, '0')) AS run_id,
		format('%s-%s', lpad((pg_temp.bench_int(h, 1) % 1000)::text, 3, '0'),
			   pg_temp.bench_pick(ARRAY['payments-refactor', 'observability', 'auth-sso', 'billing-v2',
										'search-ranking', 'onboarding-flow', 'cache-layer', 'csv-export',
										'audit-log', 'rate-limits', 'dark-mode', 'i18n'], h, 8)) AS feature_slug,
		pg_temp.bench_pick(ARRAY['agent-claude', 'human:alice', 'agent-codex', 'human:bob',
								 'ci-bot', 'agent-gemini', 'human:chloé'], h, 15) AS actor,
		pg_temp.bench_int(h, 22) % 50 AS project,
		pg_temp.bench_int(h, 9) % 1000 AS lamport,
		pg_temp.bench_ulid(ms0, md5(h || 'correlation')) AS correlation_id,
		ms,
		ARRAY[pg_temp.bench_ulid(ms[1], md5(h || 0)), pg_temp.bench_ulid(ms[2], md5(h || 1)),
			  pg_temp.bench_ulid(ms[3], md5(h || 2)), pg_temp.bench_ulid(ms[4], md5(h || 3))] AS ids
	FROM (SELECT md5('run:' || r) AS h OFFSET 0) h0,
		LATERAL (SELECT 1700000000000 + r * 5000 + pg_temp.bench_int(h, 2) % 5000 AS ms0) t0,
		LATERAL (SELECT ARRAY[ms0,
							  ms0 + 1000 + pg_temp.bench_int(h, 3) % 9000,
							  ms0 + 20000 + pg_temp.bench_int(h, 4) % 40000,
							  ms0 + 60000 + pg_temp.bench_int(h, 5) % 120000] AS ms OFFSET 0) t1
	OFFSET 0) run
CROSS JOIN LATERAL generate_series(0, least(3, :n - 1 - 4 * r)) k
CROSS JOIN LATERAL (SELECT md5(h || ':' || k) AS e OFFSET 0) ev_hash
ORDER BY ms[k + 1];
