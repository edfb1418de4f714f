#!/usr/bin/env bash
# memory.sh: backend memory over time for 10,000,000-event reduce and validate queries.
#
# Usage: PG* pointing at a server on this machine, as root (reads /proc of the backend):
#   bench/memory.sh [COPIES]     # COPIES x the 1,000,000-event bench table, default 10
# The table ev(run, event) of bench/generate.sql is created when missing. Each query runs in a
# fresh backend; its resident set (VmRSS, minus shared buffers it touched: RssShmem) is sampled
# every second, and the report shows the samples at each quarter of the run and the peak.
# The validation filters are wrapped in CASE on k so the planner cannot push them below the
# join and validate each stored row once instead of COPIES times.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
COPIES=${1:-10}

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
	local label=$1 sql=$2 fifo pid samples=() start end rss shm n i
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
	exec 3>&-
	wait || true
	n=${#samples[@]}
	printf '| %s | %.0f | ' "$label" "$(echo "$end - $start" | bc)"
	for i in 1 2 3 4; do printf '%s | ' "${samples[$(( (n * i / 4) - 1 < 0 ? 0 : (n * i / 4) - 1 ))]:-0}"; done
	printf '%s |\n' "$(printf '%s\n' "${samples[@]:-0}" | sort -n | tail -1)"
	grep -v -e '^done$' -e "^$pid\$" "$fifo.out" | grep -v '^[0-9]*$' || true
	rm -f "$fifo" "$fifo.out"
}

ensure_table
rows=$(psql_q -c "SELECT count(*) * $COPIES FROM ev")
groups=$(psql_q -c "SELECT count(DISTINCT run) * $COPIES FROM ev")
echo "rows: $rows, groups: $groups ($COPIES copies of ev; each copy's runs are distinct groups)"
echo
echo "| query | seconds | private MiB at 25% | 50% | 75% | 100% | peak sample |"
echo "|---|---:|---:|---:|---:|---:|---:|"
measure "reduce, GROUP BY (sort)" \
	"SELECT count(s) FROM (SELECT k, run, mission_audit_reduce(event) s FROM ev, generate_series(1, $COPIES) k GROUP BY k, run) x"
measure "is_valid" \
	"SELECT count(*) FROM ev, generate_series(1, $COPIES) k WHERE CASE WHEN k > 0 THEN mission_audit_is_valid(event->>'event_type', event->'payload') END"
measure "validate (documents)" \
	"SELECT count(*) FROM ev, generate_series(1, $COPIES) k WHERE CASE WHEN k > 0 THEN (mission_audit_validate(event->>'event_type', event->'payload')->>'valid')::boolean END"
measure "event_is_valid" \
	"SELECT count(*) FROM ev, generate_series(1, $COPIES) k WHERE CASE WHEN k > 0 THEN mission_audit_event_is_valid(event) END"
