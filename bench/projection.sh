#!/usr/bin/env bash
# projection.sh: inserts per second into runs of 4, 40 and 400 events, with and without the
# live projection (scripts/projection.sql), on a throwaway PostgreSQL 15 cluster.
#
# Usage: bench/projection.sh [-r RUNS] [-i INSERTS] [-c CLIENTS] [-s "4 40 400"] [-o FILE] [-B]
#
#   -r RUNS      runs per table (default 500), each filled with its size of events first
#   -i INSERTS   single-event inserts timed per table (default 1000), each into a random run
#   -c CLIENTS   pgbench clients (default 1)
#   -s SIZES     events per run before the timed inserts (default "4 40 400")
#   -o FILE      also write the markdown report to FILE
#   -B           do not build and install the extension first
#
# For each size and mode it creates a fresh database: the event table with its CHECK
# constraint, and for "projection" the recipe's audit_runs table and triggers; fills RUNS runs;
# then pgbench inserts INSERTS events, one per transaction.  The figure is pgbench's tps
# (without connection time).  With PGHOST or PGDATABASE set it uses that server instead.
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$BENCH_DIR/../scripts/lib.sh"
RUNS=500 INSERTS=1000 CLIENTS=1 SIZES="4 40 400" OUT= BUILD=1
while getopts r:i:c:s:o:Bh opt; do
	case $opt in
	r) RUNS=$OPTARG ;; i) INSERTS=$OPTARG ;; c) CLIENTS=$OPTARG ;; s) SIZES=$OPTARG ;;
	o) OUT=$OPTARG ;; B) BUILD=0 ;; *) usage; exit 2 ;;
	esac
done

if [ -z "${PGHOST:-}${PGDATABASE:-}" ] && [ "${MA_IN_CLUSTER:-}" != 1 ]; then
	[ "$BUILD" = 0 ] || build_install
	MA_IN_CLUSTER=1 with_cluster bash "$0" -r "$RUNS" -i "$INSERTS" -c "$CLIENTS" -s "$SIZES" ${OUT:+-o "$OUT"} -B
	exit
fi

PG_BIN=/usr/lib/postgresql/$PG_VERSION/bin # PG_VERSION from scripts/lib.sh
PSQL=("$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1)
export PGOPTIONS='-c client_min_messages=warning'
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cat >"$WORK/insert.sql" <<SQL
\set r random(1, $RUNS)
INSERT INTO audit_events (run, event) SELECT 'run-' || :r, projection_event(:r, nextval('event_seq'));
SQL

report=$WORK/report.md
{
	echo "# Live projection: inserts per second"
	echo
	echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'); $(nproc) CPUs; load average $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "- command: \`bench/projection.sh -r $RUNS -i $INSERTS -c $CLIENTS -s \"$SIZES\"\`"
	echo "- $RUNS runs per table; $INSERTS single-event INSERT transactions by $CLIENTS pgbench client(s), each into a random run"
	echo
	echo "| events per run | inserts/s, events only | inserts/s, with projection | projection cost × | avg stored state bytes |"
	echo "|---:|---:|---:|---:|---:|"
} >"$report"
for size in $SIZES; do
	declare -A tps=()
	for mode in plain projection; do
		db=ma_bench_projection
		"${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
		"${PSQL[@]}" -d $db -c 'CREATE EXTENSION mission_audit' -f "$BENCH_DIR/../scripts/projection_event.sql"
		if [ "$mode" = projection ]; then
			"${PSQL[@]}" -d $db -f "$BENCH_DIR/../scripts/projection.sql"
		else
			"${PSQL[@]}" -d $db -c 'CREATE TABLE audit_events (id bigserial PRIMARY KEY, run text NOT NULL,
				event jsonb NOT NULL CHECK (mission_audit_event_is_valid(event)))'
		fi
		"${PSQL[@]}" -d $db -c "CREATE SEQUENCE event_seq START $((size + 1))" \
			-c "INSERT INTO audit_events (run, event) SELECT 'run-' || r, projection_event(r, n)
				FROM generate_series(1, $size) n, generate_series(1, $RUNS) r" -c 'VACUUM ANALYZE'
		per_client=$(((INSERTS + CLIENTS - 1) / CLIENTS))
		"$PG_BIN/pgbench" -n -d $db -c "$CLIENTS" -t "$per_client" -f "$WORK/insert.sql" >"$WORK/pgbench.log" 2>&1 ||
			{ cat "$WORK/pgbench.log"; exit 1; }
		tps[$mode]=$(sed -n 's/^tps = \([0-9.]*\) (without initial connection time)/\1/p' "$WORK/pgbench.log")
		if [ "$mode" = projection ]; then
			bytes=$("${PSQL[@]}" -d $db -Atc 'SELECT round(avg(pg_column_size(state))) FROM audit_runs')
			ok=$("${PSQL[@]}" -d $db -Atc 'SELECT count(*) FROM (SELECT run, mission_audit_reduce(event) st
				FROM audit_events GROUP BY run) r JOIN audit_runs p USING (run) WHERE mission_audit_result(p.state) <> r.st')
			[ "$ok" = 0 ] || die "projection differs from a re-reduction in $ok runs"
		fi
		"${PSQL[@]}" -d postgres -c "DROP DATABASE $db"
	done
	awk -v s="$size" -v a="${tps[plain]}" -v b="${tps[projection]}" -v by="$bytes" \
		'BEGIN { printf "| %d | %.0f | %.0f | %.2f | %d |\n", s, a, b, a / b, by }' >>"$report"
done
cat "$report"
[ -z "$OUT" ] || cp "$report" "$OUT"
