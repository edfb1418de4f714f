#!/usr/bin/env bash
# run.sh: time mission_audit's validators and reduce aggregate against plain-SQL floors.
#
# Usage: bench/run.sh [-n EVENTS] [-r REPEATS] [-o FILE] [-B] [-k]
#   -n EVENTS   events to generate (default 1000000), in runs of four: Requested, Started,
#               DecisionRequested, Completed; about 900 bytes each
#   -r REPEATS  timed executions per query, after one untimed warm-up (default 5)
#   -o FILE     markdown report (default bench/results-latest.md)
#   -B          do not build and install the extension first
#   -k          keep the cluster running (or, with PG*, the bench objects) afterwards
#
# By default it builds and installs the extension, then starts a throwaway PostgreSQL cluster
# of the major scripts/lib.sh picks (PG_VERSION, else the installed one): initdb as postgres
# into a temporary directory, a free port, the settings in SERVER_SETTINGS below; removed on
# exit. When PGHOST or PGDATABASE is set it uses that
# server instead: it creates the extensions if missing, (re)creates the tables ev, ev_p10,
# ev_p50, ev3 (the events in contract 3.0.0's spelling) and the functions plpgsql_* and
# bench_plan_shape there, and drops them at the end.
#
# Every query returns one row. Times are psql's \timing ("Time: X ms") for the statement,
# result discarded; each query runs in its own session: SET ..., one warm-up, REPEATS timed
# runs. serial = max_parallel_workers_per_gather 0, parallel = 2. Peak memory is VmHWM from
# /proc/<backend pid>/status, each figure from a fresh serial backend that runs the query once.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$BENCH_DIR/../scripts/lib.sh"	# REPO_ROOT, PG_CONFIG, say, die, build_install

PGBIN=$("$PG_CONFIG" --bindir)
PSQL=("$PGBIN/psql" -X -q -v ON_ERROR_STOP=1)
N=1000000
REPEATS=5
REPORT=$BENCH_DIR/results-latest.md
BUILD=1
KEEP=0
COMMAND="bench/run.sh${*:+ $*}"
SERVER_SETTINGS=(
	shared_buffers=2GB work_mem=64MB jit=off
	max_parallel_workers_per_gather=2 max_worker_processes=8 max_parallel_workers=4
	# throwaway data: no durability, no background vacuum to disturb the timings
	fsync=off synchronous_commit=off full_page_writes=off autovacuum=off
	max_wal_size=16GB checkpoint_timeout=1h listen_addresses=''
)
SESSION_SETTINGS="SET jit = off; SET work_mem = '64MB';"
HASH_SETTINGS="SET enable_sort = off; SET work_mem = '4GB';"

WORK=""			# temporary directory: cluster, psql scripts, raw results
CLUSTER=""		# data directory of the throwaway cluster, when we started one
RESULTS=""		# raw results: id, mode, rows, floor id, median, min, max, plan (TSV)

usage() {
	sed -n '2,/^set -euo/{/^#/s/^# \{0,1\}//p}' "${BASH_SOURCE[0]}"
	exit "${1:-0}"
}

parse_args() {
	local opt
	while getopts "n:r:o:Bkh" opt; do
		case $opt in
			n) N=$OPTARG ;;
			r) REPEATS=$OPTARG ;;
			o) REPORT=$OPTARG ;;
			B) BUILD=0 ;;
			k) KEEP=1 ;;
			h) usage 0 ;;
			*) usage 2 >&2 ;;
		esac
	done
	[[ $N =~ ^[0-9]+$ && $N -ge 8 ]] || die "-n wants an integer >= 8"
	[[ $REPEATS =~ ^[0-9]+$ && $REPEATS -ge 1 ]] || die "-r wants a positive integer"
}

# as_postgres CMD...: run CMD as the postgres user when we are root.
as_postgres() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

# free_port: print a TCP port nothing listens on (the socket lives in our own directory anyway).
free_port() {
	local port
	for port in $(seq 55432 55632); do
		if [ -z "$(ss -Hltn "sport = :$port" 2>/dev/null)" ] && [ ! -e "/tmp/.s.PGSQL.$port" ]; then
			echo "$port"
			return
		fi
	done
	die "no free port in 55432..55632"
}

start_cluster() {
	local port opts="" s
	CLUSTER=$WORK/data
	port=$(free_port)
	say "starting a throwaway PostgreSQL cluster in $CLUSTER (port $port)"
	chown postgres "$WORK" 2>/dev/null || true
	as_postgres "$PGBIN/initdb" -D "$CLUSTER" -A trust -U postgres --no-sync -E UTF8 \
		--locale=C.UTF-8 >"$WORK/initdb.log" 2>&1 || { cat "$WORK/initdb.log"; die "initdb failed"; }
	for s in "${SERVER_SETTINGS[@]}" "unix_socket_directories=$WORK" "port=$port"; do
		printf '%s\n' "${s%%=*} = '${s#*=}'" >>"$CLUSTER/postgresql.auto.conf"
	done
	as_postgres "$PGBIN/pg_ctl" -D "$CLUSTER" -l "$WORK/server.log" -w -t 120 start >/dev/null ||
		{ cat "$WORK/server.log"; die "the server did not start"; }
	export PGHOST=$WORK PGPORT=$port PGUSER=postgres PGDATABASE=postgres
	unset PGPASSWORD PGSERVICE
}

cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	if [ -n "$CLUSTER" ] && [ "$KEEP" -eq 1 ]; then
		say "cluster kept: PGHOST=$PGHOST PGPORT=$PGPORT PGUSER=postgres; stop it with:"
		echo "    runuser -u postgres -- $PGBIN/pg_ctl -D $CLUSTER stop && rm -rf $WORK"
		return "$rc"
	fi
	if [ -n "$CLUSTER" ] && [ -f "$CLUSTER/postmaster.pid" ]; then
		as_postgres "$PGBIN/pg_ctl" -D "$CLUSTER" -m immediate -w stop >/dev/null 2>&1 || true
	elif [ -z "$CLUSTER" ] && [ "$KEEP" -eq 0 ] && [ -n "$RESULTS" ]; then
		"${PSQL[@]}" -c "DROP TABLE IF EXISTS ev, ev_p10, ev_p50, ev3" \
			-c "DROP FUNCTION IF EXISTS bench_plan_shape(text), plpgsql_is_valid(text, jsonb),
				plpgsql_artifact_ref_is_valid(jsonb), plpgsql_is_string_array(jsonb, int),
				plpgsql_is_count(jsonb), plpgsql_is_nonempty_string(jsonb)" >/dev/null 2>&1 || true
	fi
	[ -n "$WORK" ] && rm -rf "$WORK"
	return "$rc"
}

# sql QUERY: run one SQL string in a new session, print unaligned tuples.
sql() {
	"${PSQL[@]}" -At -c "$1"
}

# setup_database: extensions, the plan helper and the PL/pgSQL validator.
setup_database() {
	"${PSQL[@]}" -c "SET client_min_messages = warning" \
		-c "CREATE EXTENSION IF NOT EXISTS mission_audit" >/dev/null
	"${PSQL[@]}" -f "$BENCH_DIR/plpgsql_validator.sql" >/dev/null
	"${PSQL[@]}" >/dev/null <<'SQL'
-- bench_plan_shape(query): the plan's nodes, top down, for example
-- "Aggregate → Gather (2) → Partial HashAggregate → Parallel Seq Scan".
CREATE OR REPLACE FUNCTION bench_plan_shape(query text) RETURNS text
	LANGUAGE plpgsql
AS $$
DECLARE
	plan jsonb;
BEGIN
	EXECUTE 'EXPLAIN (FORMAT JSON, COSTS OFF) ' || query INTO plan;
	RETURN (
		WITH RECURSIVE node(n, path) AS (
			SELECT plan -> 0 -> 'Plan', ARRAY[0]
			UNION ALL
			SELECT c, path || (o::int)
			FROM node, jsonb_array_elements(n -> 'Plans') WITH ORDINALITY AS p(c, o)
		)
		SELECT string_agg(CASE n ->> 'Node Type'
			WHEN 'Aggregate' THEN
				concat_ws(' ', nullif(n ->> 'Partial Mode', 'Simple'),
						  CASE n ->> 'Strategy' WHEN 'Hashed' THEN 'HashAggregate'
							   WHEN 'Sorted' THEN 'GroupAggregate' ELSE 'Aggregate' END)
			WHEN 'Gather' THEN format('Gather (%s)', n ->> 'Workers Planned')
			WHEN 'Gather Merge' THEN format('Gather Merge (%s)', n ->> 'Workers Planned')
			ELSE CASE WHEN (n ->> 'Parallel Aware')::boolean THEN 'Parallel ' ELSE '' END
				|| (n ->> 'Node Type')
			END, ' → ' ORDER BY path)
		FROM node);
END;
$$;
SQL
}

# generate_data: ev with N events, then the 10% and 50% run prefixes, analysed and cached.
generate_data() {
	local runs=$(((N + 3) / 4)) t
	say "generating $N events in $runs runs"
	"${PSQL[@]}" -v n="$N" -f "$BENCH_DIR/generate.sql" >/dev/null
	"${PSQL[@]}" >/dev/null <<SQL
SET client_min_messages = warning;
DROP TABLE IF EXISTS ev_p10, ev_p50, ev3;
CREATE TABLE ev_p10 AS SELECT * FROM ev WHERE run < $runs / 10;
CREATE TABLE ev_p50 AS SELECT * FROM ev WHERE run < $runs / 2;
-- the same events in contract 3.0.0's spelling (requested_via and auditor_version, unknown keys
-- there, dropped), in the same heap order
CREATE TABLE ev3 AS
SELECT run, event || jsonb_build_object('build_id', 'bench-build-' || (run % 7), 'schema_version', '3.0.0',
		'payload', ((event -> 'payload') - 'feature_slug' - 'requested_via' - 'auditor_version') || jsonb_build_object(
			'mission_slug', event -> 'payload' -> 'feature_slug',
			'mission_number', 1 + split_part(event -> 'payload' ->> 'feature_slug', '-', 1)::int,
			'mission_type', (ARRAY['software-dev', 'documentation', 'research'])[1 + run % 3])) AS event
  FROM ev;
SQL
	say "VACUUM ANALYZE and caching"
	for t in ev ev_p10 ev_p50 ev3; do
		sql "VACUUM ANALYZE $t" >/dev/null
	done
	if sql "CREATE EXTENSION IF NOT EXISTS pg_prewarm" >/dev/null 2>&1; then
		PREWARM=$(sql "SELECT sum(pg_prewarm(t)) FROM unnest(ARRAY['ev', 'ev_p10', 'ev_p50', 'ev3']::regclass[]) t")
		PREWARM="pg_prewarm: $PREWARM blocks"
	else
		sql "SELECT count(*) FROM ev; SELECT count(*) FROM ev_p10; SELECT count(*) FROM ev_p50; SELECT count(*) FROM ev3" >/dev/null
		PREWARM="warm-up scans (pg_prewarm not available)"
	fi
	AVG_SIZE=$(sql "SELECT round(avg(pg_column_size(event))) FROM ev")
	TABLE_SIZE=$(sql "SELECT pg_size_pretty(pg_table_size('ev'))")
	BUFFERS=$("${PSQL[@]}" -At -c "SET max_parallel_workers_per_gather = 0" \
			-c "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF) SELECT count(*) FROM ev" |
			grep -m1 -o 'Buffers: .*' || true)
	say "ev: $(sql "SELECT count(*) FROM ev") events, avg pg_column_size $AVG_SIZE bytes, $TABLE_SIZE; $PREWARM"
}

# check_valid: every generated event passes mission_audit_event_is_valid.
check_valid() {
	local bad
	bad=$(sql "SELECT count(*) FROM ev WHERE NOT mission_audit_event_is_valid(event)")
	[ "$bad" -eq 0 ] || die "$bad generated events are not valid: $(sql "SELECT mission_audit_validate_event(event) FROM ev WHERE NOT mission_audit_event_is_valid(event) LIMIT 1")"
	bad=$(sql "SELECT count(*) FROM ev3 WHERE NOT mission_audit_event_is_valid(event, '3.0.0')")
	[ "$bad" -eq 0 ] || die "$bad generated 3.0.0 events are not valid: $(sql "SELECT mission_audit_validate_event(event, '3.0.0') FROM ev3 WHERE NOT mission_audit_event_is_valid(event, '3.0.0') LIMIT 1")"
	say "all events valid (mission_audit_event_is_valid, 2.5.0 on ev and 3.0.0 on ev3)"
}

# check_plpgsql_agrees: the PL/pgSQL peer gives mission_audit_is_valid's verdict on every row of
# ev and on mutated payloads, valid and invalid.
check_plpgsql_agrees() {
	local out
	out=$("${PSQL[@]}" -At <<'SQL'
SELECT count(*) FROM ev
WHERE plpgsql_is_valid(event ->> 'event_type', event -> 'payload')
	IS DISTINCT FROM mission_audit_is_valid(event ->> 'event_type', event -> 'payload');

-- one payload of each generated type, and a Failed payload built from the Completed one
CREATE TEMP TABLE base AS
SELECT DISTINCT ON (t) event ->> 'event_type' AS t, event -> 'payload' AS p
FROM ev WHERE run = 1 ORDER BY t;
INSERT INTO base
SELECT 'MissionAuditFailed', (p - 'verdict' - 'severity' - 'findings_count' - 'artifact_ref' - 'summary')
	|| jsonb_build_object('error_code', 'AUDIT_TIMEOUT', 'error_message', 'Timed out after 300 s.',
						  'partial_artifact_ref', p -> 'artifact_ref')
FROM base WHERE t = 'MissionAuditCompleted';

CREATE TEMP TABLE mutant(t text, p jsonb, expect boolean, what text);
INSERT INTO mutant
SELECT t, p, true, 'unchanged' FROM base
UNION ALL
SELECT b.t, m.p, m.expect, m.what FROM base b, LATERAL (VALUES
	(b.p - 'mission_id', false, 'no mission_id'),
	(jsonb_set(b.p, '{run_id}', '""'), false, 'empty run_id'),
	(jsonb_set(b.p, '{actor}', 'null'), false, 'null actor'),
	(jsonb_set(b.p, '{feature_slug}', '42'), false, 'numeric feature_slug'),
	(jsonb_build_array(b.p), false, 'payload is an array'),
	(b.p || '{"x-extra": {"unknown": true}}', true, 'unknown key')) m(p, expect, what)
UNION ALL
SELECT t, m.p, m.expect, m.what FROM base, LATERAL (VALUES
	(p - 'trigger_mode', false, 'no trigger_mode'),
	(jsonb_set(p, '{trigger_mode}', '"scheduled"'), false, 'trigger_mode scheduled'),
	(jsonb_set(p, '{audit_scope}', '[]'), false, 'empty audit_scope'),
	(jsonb_set(p, '{audit_scope}', '["spec.md", 7]'), false, 'number in audit_scope'),
	(jsonb_set(p, '{audit_scope}', '"spec.md"'), false, 'audit_scope a string'),
	(jsonb_set(p, '{enforcement_mode}', '"Advisory"'), false, 'enforcement_mode Advisory')) m(p, expect, what)
WHERE t = 'MissionAuditRequested'
UNION ALL
SELECT t, m.p, m.expect, m.what FROM base, LATERAL (VALUES
	(p - 'audit_scope_hash', false, 'no audit_scope_hash'),
	(jsonb_set(p, '{audit_scope_hash}', '""'), false, 'empty audit_scope_hash')) m(p, expect, what)
WHERE t = 'MissionAuditStarted'
UNION ALL
SELECT t, m.p, m.expect, m.what FROM base, LATERAL (VALUES
	(jsonb_set(p, '{severity}', '"fatal"'), false, 'severity fatal'),
	(jsonb_set(p, '{question}', 'null'), false, 'null question'),
	(jsonb_set(p, '{question}', '""'), true, 'empty question'),
	(jsonb_set(p, '{decision_id}', '""'), false, 'empty decision_id')) m(p, expect, what)
WHERE t = 'MissionAuditDecisionRequested'
UNION ALL
SELECT t, m.p, m.expect, m.what FROM base, LATERAL (VALUES
	(jsonb_set(p, '{findings_count}', '-1'), false, 'findings_count -1'),
	(jsonb_set(p, '{findings_count}', '2.5'), false, 'findings_count 2.5'),
	(jsonb_set(p, '{findings_count}', '3.0'), true, 'findings_count 3.0'),
	(jsonb_set(p, '{findings_count}', '"3"'), false, 'findings_count "3"'),
	(jsonb_set(p, '{findings_count}', 'true'), false, 'findings_count true'),
	(jsonb_set(p, '{verdict}', '"PASS"'), false, 'verdict PASS'),
	(jsonb_set(p, '{artifact_ref}', 'null'), false, 'null artifact_ref'),
	(p #- '{artifact_ref,provenance}', false, 'no provenance'),
	(jsonb_set(p, '{artifact_ref,provenance}', '{}'), true, 'empty provenance'),
	(jsonb_set(p, '{artifact_ref,report_path}', '""'), false, 'empty report_path'),
	(jsonb_set(p, '{artifact_ref,content_hash,algorithm}', '"sha1"'), false, 'algorithm sha1'),
	(jsonb_set(p, '{artifact_ref,content_hash,hash}', '""'), false, 'empty hash'),
	(jsonb_set(p, '{artifact_ref,content_hash,size_bytes}', '-5'), false, 'size_bytes -5'),
	(jsonb_set(p, '{artifact_ref,content_hash,size_bytes}', 'null'), true, 'null size_bytes'),
	(jsonb_set(p, '{artifact_ref,content_hash,encoding}', '8'), false, 'numeric encoding'),
	(jsonb_set(p, '{artifact_ref,provenance,actor_kind}', '"robot"'), false, 'actor_kind robot'),
	(jsonb_set(p, '{artifact_ref,provenance,source_event_ids}', '[1]'), false, 'number in source_event_ids'),
	(jsonb_set(p, '{artifact_ref,provenance,git_sha}', 'null'), true, 'null git_sha')) m(p, expect, what)
WHERE t = 'MissionAuditCompleted'
UNION ALL
SELECT t, m.p, m.expect, m.what FROM base, LATERAL (VALUES
	(jsonb_set(p, '{partial_artifact_ref}', 'null'), true, 'null partial_artifact_ref'),
	(p - 'partial_artifact_ref', true, 'no partial_artifact_ref'),
	(jsonb_set(p, '{partial_artifact_ref}', '{}'), false, 'empty partial_artifact_ref'),
	(jsonb_set(p, '{error_code}', '""'), false, 'empty error_code'),
	(p - 'error_message', false, 'no error_message')) m(p, expect, what)
WHERE t = 'MissionAuditFailed';

SELECT count(*) FROM mutant;
SELECT format('%s / %s: extension %s, plpgsql %s, expected %s', t, what,
			  mission_audit_is_valid(t, p), plpgsql_is_valid(t, p), expect)
FROM mutant
WHERE mission_audit_is_valid(t, p) IS DISTINCT FROM expect
	OR plpgsql_is_valid(t, p) IS DISTINCT FROM expect;
SQL
	)
	{ read -r rows_differ; read -r cases; mapfile -t wrong; } <<<"$out"
	[ "$rows_differ" -eq 0 ] || die "plpgsql_is_valid disagrees with mission_audit_is_valid on $rows_differ rows of ev"
	if [ "${#wrong[@]}" -gt 0 ] && [ -n "${wrong[0]}" ]; then
		printf '    %s\n' "${wrong[@]}" >&2
		die "verdicts differ on mutated payloads"
	fi
	AGREEMENT="all $N rows of ev, $cases mutated payloads"
	check_conformance_agreement
	say "plpgsql_is_valid agrees with mission_audit_is_valid: $AGREEMENT"
}

# check_conformance_agreement: when the shared conformance corpus is present, count the payload
# cases on which the PL/pgSQL peer matches the reference verdict (reported, not enforced).
check_conformance_agreement() {
	local cases=$REPO_ROOT/../shared/conformance/payload_cases.jsonl result
	[ -r "$cases" ] || return 0
	result=$("${PSQL[@]}" -At -v path="$cases" <<'SQL'
\set cases `cat :'path'`
SELECT format('%s/%s', count(*) FILTER (WHERE plpgsql_is_valid(c ->> 'event_type', c -> 'payload')
										   = (c -> 'expected' ->> 'valid')::boolean), count(*))
FROM mission_audit_read_jsonl(:'cases') AS r(n, c);
SQL
	)
	AGREEMENT="$AGREEMENT; reference verdict on $result conformance payload cases"
}

# time_query ID MODE ROWS FLOOR SQL [SETTINGS]: run SQL once untimed and REPEATS times timed in
# one session, and append the median, minimum and maximum seconds and the plan to RESULTS.
time_query() {
	local id=$1 mode=$2 rows=$3 floor=$4 query=$5 extra=${6:-} set plan times i
	set="$SESSION_SETTINGS SET max_parallel_workers_per_gather = $([ "$mode" = parallel ] && echo 2 || echo 0); $extra"
	plan=$("${PSQL[@]}" -At -c "$set" -c "SELECT bench_plan_shape(\$q\$$query\$q\$)")
	times=$(
		{
			printf '%s\n\\o /dev/null\n%s;\n\\timing on\n' "$set" "$query"
			for ((i = 0; i < REPEATS; i++)); do
				printf '%s;\n' "$query"
			done
		} | "${PSQL[@]}" | awk '/^Time: / { printf "%.6f\n", $2 / 1000 }' | sort -g
	)
	[ "$(grep -c . <<<"$times")" -eq "$REPEATS" ] || die "$id ($mode): expected $REPEATS timings, got: $times"
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$id" "$mode" "$rows" "$floor" \
		"$(median <<<"$times")" "$(head -1 <<<"$times")" "$(tail -1 <<<"$times")" "$plan" >>"$RESULTS"
	printf '    %-20s %-8s median %8.3f s   %s\n' "$id" "$mode" "$(median <<<"$times")" "$plan"
}

# median: the median of the sorted numbers on stdin.
median() {
	awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# memory_query ID SQL [SETTINGS]: run SQL once in a fresh serial backend and append its VmHWM and
# RssShmem (kB) to MEMORY; "n/a" when the backend's /proc entry cannot be read (remote server).
memory_query() {
	local id=$1 query=$2 extra=${3:-} out
	out=$("${PSQL[@]}" -At <<SQL
$SESSION_SETTINGS SET max_parallel_workers_per_gather = 0; $extra
SELECT pg_backend_pid() AS bench_pid \gset
\setenv BENCH_PID :bench_pid
\o /dev/null
$query;
\o
\! f=/proc/\$BENCH_PID/status; if [ -r \$f ] && grep -q '^Name:.*postgres' \$f; then awk '/^(VmHWM|RssShmem):/ { printf "%s ", \$2 }' \$f; else printf 'n/a n/a '; fi; echo
SQL
	)
	printf '%s\t%s\t%s\n' "$id" ${out} >>"$MEMORY"
	printf '    %-20s VmHWM %s kB, RssShmem %s kB\n' "$id" ${out}
}

run_queries() {
	local runs=$(((N + 3) / 4)) mode r10 r50
	local Q_F2="SELECT count(*) FROM ev WHERE (event -> 'payload') ? 'mission_id'"
	local Q_F3="SELECT count(a) FROM (SELECT run, array_agg(event) a FROM ev GROUP BY run) s"
	local Q_V1="SELECT count(*) FROM ev WHERE mission_audit_is_valid(event ->> 'event_type', event -> 'payload')"
	local Q_V1P="SELECT count(*) FROM ev WHERE plpgsql_is_valid(event ->> 'event_type', event -> 'payload')"
	local Q_V2="SELECT count(*) FROM ev WHERE (mission_audit_validate(event ->> 'event_type', event -> 'payload') ->> 'valid')::boolean"
	local Q_V3="SELECT count(*) FROM ev WHERE mission_audit_event_is_valid(event)"
	local Q_R1="SELECT count(s) FROM (SELECT run, mission_audit_reduce(event) s FROM ev GROUP BY run) x"
	local Q_R2="SELECT pg_column_size(mission_audit_reduce(event)) FROM ev"	# the whole jsonb built, not rendered as text
	# contract 3.0.0: the same queries on ev3 with the contract argument, against floors on ev3
	local Q3_F2=${Q_F2/FROM ev/FROM ev3} Q3_F3=${Q_F3/FROM ev/FROM ev3}
	local Q3_V1="SELECT count(*) FROM ev3 WHERE mission_audit_is_valid(event ->> 'event_type', event -> 'payload', '3.0.0')"
	local Q3_V2="SELECT count(*) FROM ev3 WHERE (mission_audit_validate(event ->> 'event_type', event -> 'payload', '3.0.0') ->> 'valid')::boolean"
	local Q3_V3="SELECT count(*) FROM ev3 WHERE mission_audit_event_is_valid(event, '3.0.0')"
	local Q3_R1="SELECT count(s) FROM (SELECT run, mission_audit_reduce(event, '3.0.0') s FROM ev3 GROUP BY run) x"
	r10=$(sql "SELECT count(*) FROM ev_p10")
	r50=$(sql "SELECT count(*) FROM ev_p50")

	say "timing: 1 warm-up + $REPEATS runs per query (seconds, median)"
	for mode in serial parallel; do
		time_query F2 "$mode" "$N" - "$Q_F2"
		time_query V1 "$mode" "$N" F2 "$Q_V1"
		time_query V1-plpgsql "$mode" "$N" F2 "$Q_V1P"
		time_query V2 "$mode" "$N" F2 "$Q_V2"
		time_query V3 "$mode" "$N" F2 "$Q_V3"
		time_query R2 "$mode" "$N" F2 "$Q_R2"
		time_query F3 "$mode" "$N" - "$Q_F3"
		time_query R1 "$mode" "$N" F3 "$Q_R1"
		time_query F3-hash "$mode" "$N" - "$Q_F3" "$HASH_SETTINGS"
		time_query R1-hash "$mode" "$N" F3-hash "$Q_R1" "$HASH_SETTINGS"
		time_query F2-3.0.0 "$mode" "$N" - "$Q3_F2"
		time_query V1-3.0.0 "$mode" "$N" F2-3.0.0 "$Q3_V1"
		time_query V2-3.0.0 "$mode" "$N" F2-3.0.0 "$Q3_V2"
		time_query V3-3.0.0 "$mode" "$N" F2-3.0.0 "$Q3_V3"
		time_query F3-3.0.0 "$mode" "$N" - "$Q3_F3"
		time_query R1-3.0.0 "$mode" "$N" F3-3.0.0 "$Q3_R1"
	done
	say "linearity of R1-hash in groups (serial; the 10% and 50% run prefixes are tables of their own)"
	time_query "F3-hash 10%" serial "$r10" - "${Q_F3/FROM ev/FROM ev_p10}" "$HASH_SETTINGS"
	time_query "R1-hash 10%" serial "$r10" "F3-hash 10%" "${Q_R1/FROM ev/FROM ev_p10}" "$HASH_SETTINGS"
	time_query "F3-hash 50%" serial "$r50" - "${Q_F3/FROM ev/FROM ev_p50}" "$HASH_SETTINGS"
	time_query "R1-hash 50%" serial "$r50" "F3-hash 50%" "${Q_R1/FROM ev/FROM ev_p50}" "$HASH_SETTINGS"
	GROUPS_10=$(sql "SELECT count(DISTINCT run) FROM ev_p10")
	GROUPS_50=$(sql "SELECT count(DISTINCT run) FROM ev_p50")
	GROUPS_100=$runs

	say "peak memory of a fresh serial backend (kB)"
	memory_query "fresh backend" "SELECT 1"
	memory_query F3 "$Q_F3"
	memory_query R1 "$Q_R1"
	memory_query F3-hash "$Q_F3" "$HASH_SETTINGS"
	memory_query R1-hash "$Q_R1" "$HASH_SETTINGS"
	memory_query R2 "$Q_R2"
}

# check_hash_plans: the -hash rows must have run as HashAggregate; say so when they did not.
check_hash_plans() {
	local bad
	bad=$(awk -F'\t' '$1 ~ /hash/ && $8 !~ /HashAggregate/ { print "    " $1 " (" $2 "): " $8 }' "$RESULTS")
	if [ -n "$bad" ]; then
		echo "WARNING: these -hash plans are not HashAggregate:" >&2
		echo "$bad" >&2
	fi
}

# machine_info: markdown lines describing where and how the run happened.
machine_info() {
	local ram pgver settings
	ram=$(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
	pgver=$(sql "SELECT version()")
	settings=$(sql "SELECT string_agg(name || '=' || current_setting(name), ', ' ORDER BY name)
					FROM pg_settings WHERE name IN ('shared_buffers', 'work_mem', 'jit',
						'max_parallel_workers', 'max_worker_processes', 'hash_mem_multiplier')")
	cat <<EOF
- date: $(date -u '+%Y-%m-%d %H:%M UTC')
- command: \`$COMMAND\`$([ -z "$CLUSTER" ] && echo " (against PGHOST=${PGHOST:-} PGDATABASE=${PGDATABASE:-})")
- machine: $(nproc) CPUs, $(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $ram RAM, $(uname -sr); load average at start $LOAD_START, at end $(cut -d' ' -f1-3 /proc/loadavg)
- server: $pgver; $settings
- data: N = $N events in $GROUPS_100 runs, avg pg_column_size(event) = $AVG_SIZE bytes, table ev $TABLE_SIZE, cached by $PREWARM; serial F2 scan ${BUFFERS:-}
- timing: psql \\timing of each statement (result discarded), 1 warm-up + $REPEATS runs each, every query in its own session with jit=off, work_mem=64MB; serial = max_parallel_workers_per_gather 0, parallel = 2; -hash rows add enable_sort=off, work_mem=4GB
- PL/pgSQL peer (bench/plpgsql_validator.sql) agrees with mission_audit_is_valid on $AGREEMENT
EOF
}

# report: the markdown report, on stdout.
report() {
	cat <<EOF
# mission_audit benchmark

$(machine_info)

## Timings

Ratio: median over the floor's median in the same mode (F2 for V*, R2; F3 for R1; F3-hash for R1-hash; for the -3.0.0 rows F2-3.0.0 and F3-3.0.0, the same floors on ev3, the events in contract 3.0.0's spelling).

| query | mode | median s | min s | max s | rows/s | floor | × floor |
|---|---|---:|---:|---:|---:|---|---:|
EOF
	awk -F'\t' '
		{ med[$1 SUBSEP $2] = $5; line[NR] = $0 }
		END {
			for (i = 1; i <= NR; i++) {
				split(line[i], f, "\t")
				ratio = (f[4] != "-" && med[f[4] SUBSEP f[2]] > 0) ? sprintf("%.2f", f[5] / med[f[4] SUBSEP f[2]]) : ""
				printf "| %s | %s | %.3f | %.3f | %.3f | %.0f | %s | %s |\n",
					f[1], f[2], f[5], f[6], f[7], f[3] / f[5], f[4], ratio
			}
		}' "$RESULTS"
	cat <<EOF

## Targets

$(targets)

## R1-hash linearity (serial)

| runs | groups | R1-hash µs/group | F3-hash µs/group | R1-hash × F3-hash |
|---|---:|---:|---:|---:|
$(linearity_rows)

## Peak backend memory (fresh serial backend, one execution)

VmHWM is the backend's peak resident set; it includes the shared buffers the backend touched
(RssShmem at the end), so VmHWM − RssShmem approximates its private peak. Parallel workers are not counted.

| query | VmHWM MiB | RssShmem MiB | VmHWM − RssShmem MiB |
|---|---:|---:|---:|
$(awk -F'\t' '{ if ($2 == "n/a") printf "| %s | n/a | n/a | n/a |\n", $1;
				else printf "| %s | %.0f | %.0f | %.0f |\n", $1, $2 / 1024, $3 / 1024, ($2 - $3) / 1024 }' "$MEMORY")

## Plans

| query | mode | plan (top down) |
|---|---|---|
$(awk -F'\t' '{ printf "| %s | %s | %s |\n", $1, $2, $8 }' "$RESULTS")
EOF
}

# med ID MODE: the median seconds of one result row.
med() {
	awk -F'\t' -v id="$1" -v mode="$2" '$1 == id && $2 == mode { print $5 }' "$RESULTS"
}

# plan_of ID MODE: the plan shape of one result row.
plan_of() {
	awk -F'\t' -v id="$1" -v mode="$2" '$1 == id && $2 == mode { print $8 }' "$RESULTS"
}

# linearity_rows: markdown rows of per-group cost for the 10%, 50% and 100% run prefixes.
linearity_rows() {
	local pct suffix groups_var
	for pct in 10 50 100; do
		suffix=$([ "$pct" = 100 ] && echo "" || echo " $pct%")
		groups_var=GROUPS_$pct
		awk -v p="$pct" -v g="${!groups_var}" -v r="$(med "R1-hash$suffix" serial)" -v f="$(med "F3-hash$suffix" serial)" \
			'BEGIN { printf "| first %s%% | %d | %.2f | %.2f | %.2f |\n", p, g, r / g * 1e6, f / g * 1e6, r / f }'
	done
}

# targets: markdown table of the performance targets against the serial (and parallel) medians.
targets() {
	local spread
	spread=$(awk -v a="$(med "R1-hash 10%" serial)" -v b="$(med "R1-hash 50%" serial)" -v c="$(med R1-hash serial)" \
		-v ga="$GROUPS_10" -v gb="$GROUPS_50" -v gc="$GROUPS_100" 'BEGIN {
			x = a / ga; y = b / gb; z = c / gc
			hi = x; if (y > hi) hi = y; if (z > hi) hi = z
			lo = x; if (y < lo) lo = y; if (z < lo) lo = z
			print hi / lo
		}')
	echo "| target | measured | met |"
	echo "|---|---:|---|"
	target "V1 ≤ 1.5× F2 (serial)" "$(med V1 serial)" "$(med F2 serial)" 1.5 "×"
	target "V1 ≥ 15× faster than V1-plpgsql (serial)" "$(med V1-plpgsql serial)" "$(med V1 serial)" 15 "× faster" ge
	target "V2 ≤ 2.5× F2 (serial)" "$(med V2 serial)" "$(med F2 serial)" 2.5 "×"
	target "V3 ≤ 2× F2 (serial)" "$(med V3 serial)" "$(med F2 serial)" 2 "×"
	target "R1 ≤ 1.0× F3 (serial)" "$(med R1 serial)" "$(med F3 serial)" 1.0 "×"
	target "V1-3.0.0 ≤ 1.5× F2-3.0.0 (serial)" "$(med V1-3.0.0 serial)" "$(med F2-3.0.0 serial)" 1.5 "×"
	target "V2-3.0.0 ≤ 2.5× F2-3.0.0 (serial)" "$(med V2-3.0.0 serial)" "$(med F2-3.0.0 serial)" 2.5 "×"
	target "V3-3.0.0 ≤ 2× F2-3.0.0 (serial)" "$(med V3-3.0.0 serial)" "$(med F2-3.0.0 serial)" 2 "×"
	target "R1-3.0.0 ≤ 1.0× F3-3.0.0 (serial)" "$(med R1-3.0.0 serial)" "$(med F3-3.0.0 serial)" 1.0 "×"
	if plan_of R1 parallel | grep -q Gather; then
		target "R1 parallel faster than R1 serial" "$(med R1 parallel)" "$(med R1 serial)" 1.0 "× serial" lt
	else
		echo "| R1 parallel faster than R1 serial | no parallel plan chosen | n/a |"
	fi
	target "R1-hash ≤ 2× F3-hash (serial)" "$(med R1-hash serial)" "$(med F3-hash serial)" 2 "×"
	target "R1-hash linear: max/min µs/group over 10/50/100% of runs ≤ 1.25" "$spread" 1 1.25 ""
	target "R2 ≤ 2× F2 (serial)" "$(med R2 serial)" "$(med F2 serial)" 2 "×"
}

# target LABEL A B LIMIT UNIT [le|ge|lt]: one row, "met" when A/B compares to LIMIT as asked.
target() {
	awk -v label="$1" -v a="$2" -v b="$3" -v limit="$4" -v unit="$5" -v op="${6:-le}" 'BEGIN {
		r = a / b
		ok = (op == "ge") ? r >= limit : (op == "lt") ? r < limit : r <= limit
		printf "| %s | %.2f%s | %s |\n", label, r, unit, ok ? "yes" : "**no**"
	}'
}

main() {
	parse_args "$@"
	LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
	WORK=$(mktemp -d /tmp/mission_audit_bench.XXXXXX)
	chmod 755 "$WORK"
	trap cleanup EXIT
	trap 'exit 130' INT TERM
	RESULTS=$WORK/results.tsv
	MEMORY=$WORK/memory.tsv
	: >"$RESULTS"
	: >"$MEMORY"

	[ "$BUILD" -eq 0 ] || build_install
	if [ -n "${PGHOST:-}${PGDATABASE:-}" ]; then
		say "using the server at PGHOST=${PGHOST:-} PGDATABASE=${PGDATABASE:-}"
	else
		start_cluster
	fi
	setup_database
	generate_data
	check_valid
	check_plpgsql_agrees
	run_queries
	check_hash_plans
	mkdir -p "$(dirname "$REPORT")"
	report >"$REPORT"
	say "report written to $REPORT"
	echo
	cat "$REPORT"
}

main "$@"
