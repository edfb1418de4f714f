#!/usr/bin/env bash
# memory.sh: backend memory over time for 10,000,000-event reduce and validate queries, and
# the peak of the error paths on one huge invalid event.
#
# Usage: PG* pointing at a server on this machine, as root (reads /proc of the backend):
#   bench/memory.sh [COPIES]     # COPIES x the 1,000,000-event bench table, default 10
#   bench/memory.sh --invalid-event [N]   # only the huge invalid event, N zeros (4,000,000)
# The table ev(run, event) of bench/generate.sql is created when missing. Each query runs in a
# fresh backend; its resident set (VmRSS, minus shared buffers it touched: RssShmem) is sampled
# every second, and the report shows the samples at each quarter of the run, the peak sample
# and the backend's high-water mark (VmHWM, which includes the shared buffers it touched).
# The validation filters are wrapped in CASE on k so the planner cannot push them below the
# join and validate each stored row once instead of COPIES times.
# The invalid event is an envelope with only event_type and an unknown key holding an array
# of N zeros (0.9 MB stored, 48 MB as a jsonb value for N = 4,000,000): twelve `missing`
# violations, each of which would echo the whole event.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
INVALID_ONLY=false
if [ "${1:-}" = --invalid-event ]; then
	INVALID_ONLY=true
	shift
fi
COPIES=${1:-10}
ZEROS=${1:-4000000}

psql_q() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }

ensure_table() {
	if [ "$(psql_q -c "SELECT to_regclass('ev') IS NOT NULL")" != t ]; then
		psql_q -c "CREATE EXTENSION IF NOT EXISTS mission_audit"
		psql_q -v n=1000000 -f bench/generate.sql >/dev/null
	fi
}

# kib FIELD PID: a /proc/PID/status field in KiB (0 once the process is gone).
kib() {
	local v
	v=$(awk -v f="$1:" '$1 == f { print $2 }' "/proc/$2/status" 2>/dev/null || true)
	echo "${v:-0}"
}

# measure LABEL SQL: run SQL in a fresh backend, sampling its private resident memory.
measure() {
	local label=$1 sql=$2 fifo pid samples=() start end rss shm n i hwm
	fifo=$(mktemp -u) && mkfifo "$fifo"
	psql -X -q -At -v ON_ERROR_STOP=1 <"$fifo" >"$fifo.out" 2>&1 &
	exec 3>"$fifo"
	echo "SELECT pg_backend_pid();" >&3
	until [ -s "$fifo.out" ]; do sleep 0.1; done
	pid=$(head -1 "$fifo.out")
	echo "SET max_parallel_workers_per_gather = 0; SET jit = off; SET work_mem = '64MB';" >&3
	start=$(date +%s.%N)
	echo "$sql; SELECT 'done';" >&3
	while ! grep -q '^done$' "$fifo.out" && kill -0 "$pid" 2>/dev/null; do
		rss=$(kib VmRSS "$pid"); shm=$(kib RssShmem "$pid")
		samples+=($(( (rss - shm) / 1024 )))
		sleep 1
	done
	end=$(date +%s.%N)
	hwm=$(kib VmHWM "$pid")
	exec 3>&-
	wait || true
	n=${#samples[@]}
	printf '| %s | %.0f | ' "$label" "$(echo "$end - $start" | bc)"
	for i in 1 2 3 4; do printf '%s | ' "${samples[$(( (n * i / 4) - 1 < 0 ? 0 : (n * i / 4) - 1 ))]:-0}"; done
	printf '%s | %s |\n' "$(printf '%s\n' "${samples[@]:-0}" | sort -n | tail -1)" "$((hwm / 1024))"
	grep -v -e '^done$' -e "^$pid\$" "$fifo.out" | grep -v '^[0-9]*$' || true
	rm -f "$fifo" "$fifo.out"
}

HEADER="| query | seconds | private MiB at 25% | 50% | 75% | 100% | peak sample | VmHWM MiB |
|---|---:|---:|---:|---:|---:|---:|---:|"

# invalid_event: the error paths on one huge invalid event, stored in table big_invalid.
invalid_event() {
	local n=$1
	psql_q -c "CREATE EXTENSION IF NOT EXISTS mission_audit"
	psql_q -c "DROP TABLE IF EXISTS big_invalid" -c "CREATE TABLE big_invalid AS
		SELECT jsonb_build_object('event_type', 'MissionAuditStarted',
			'junk', (SELECT jsonb_agg(0) FROM generate_series(1, $n))) AS e"
	echo "invalid event: $n zeros, $(psql_q -c "SELECT pg_column_size(e) FROM big_invalid") bytes stored"
	echo
	echo "$HEADER"
	measure "validate_event, huge invalid event" \
		"SELECT jsonb_array_length(mission_audit_validate_event(e)->'violations') FROM big_invalid"
	measure "normalize_event's error, huge invalid event" \
		"DO \$\$ BEGIN PERFORM mission_audit_normalize_event(e) FROM big_invalid;
		 EXCEPTION WHEN invalid_parameter_value THEN NULL; END \$\$"
	measure "reduce's error, huge invalid event" \
		"DO \$\$ BEGIN PERFORM mission_audit_reduce(e) FROM big_invalid;
		 EXCEPTION WHEN invalid_parameter_value THEN NULL; END \$\$"
	psql_q -c "DROP TABLE big_invalid"
}

if $INVALID_ONLY; then
	invalid_event "$ZEROS"
	exit 0
fi

ensure_table
rows=$(psql_q -c "SELECT count(*) * $COPIES FROM ev")
groups=$(psql_q -c "SELECT count(DISTINCT run) * $COPIES FROM ev")
echo "rows: $rows, groups: $groups ($COPIES copies of ev; each copy's runs are distinct groups)"
echo
echo "$HEADER"
measure "reduce, GROUP BY (sort)" \
	"SELECT count(s) FROM (SELECT k, run, mission_audit_reduce(event) s FROM ev, generate_series(1, $COPIES) k GROUP BY k, run) x"
measure "is_valid" \
	"SELECT count(*) FROM ev, generate_series(1, $COPIES) k WHERE CASE WHEN k > 0 THEN mission_audit_is_valid(event->>'event_type', event->'payload') END"
measure "validate (documents)" \
	"SELECT count(*) FROM ev, generate_series(1, $COPIES) k WHERE CASE WHEN k > 0 THEN (mission_audit_validate(event->>'event_type', event->'payload')->>'valid')::boolean END"
measure "event_is_valid" \
	"SELECT count(*) FROM ev, generate_series(1, $COPIES) k WHERE CASE WHEN k > 0 THEN mission_audit_event_is_valid(event) END"
echo
invalid_event 4000000
