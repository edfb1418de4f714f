#!/usr/bin/env bash
# projection_test.sh: the live projection recipe (scripts/projection.sql) under a concurrent load,
# against the server PG* points at (scripts/test.sh runs it as the "projection" suite).
#
# Usage: scripts/projection_test.sh [--clients C] [--transactions T]
#
# pgbench drives C clients (default 8), T transactions each (default 150), all into the same
# 10 runs: single-event inserts and three-run multi-row inserts (the statement trigger then
# merges one state per run).  Then: the projection equals a re-reduction of the events for
# every run; UPDATE and DELETE are refused (0A000); a pg_dump of the projection restored with
# pg_restore into a fresh database gives the same results; TRUNCATE empties the projection.
# Prints one "ok"/"not ok" line per check and ends with "N passed, N failed".
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [ -z "${PG_BIN:-}" ]; then
	source "$HERE/lib.sh" # PG_VERSION: the environment's, else the installed or the release's major
	PG_BIN=/usr/lib/postgresql/$PG_VERSION/bin
fi
CLIENTS=8 TRANSACTIONS=150
while [ $# -gt 0 ]; do
	case $1 in
	--clients) CLIENTS=$2; shift 2 ;;
	--transactions) TRANSACTIONS=$2; shift 2 ;;
	*) echo "projection_test.sh: unknown option $1" >&2; exit 2 ;;
	esac
done
DB=mission_audit_projection
RESTORED=mission_audit_projection_restored
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
PSQL=("$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1)
passed=0 failed=0
check() { # check DESCRIPTION EXPECTED ACTUAL
	if [ "$2" = "$3" ]; then
		passed=$((passed + 1)); echo "ok $((passed + failed)) - $1"
	else
		failed=$((failed + 1)); echo "not ok $((passed + failed)) - $1: expected '$2', got '$3'"
	fi
}

export PGOPTIONS='-c client_min_messages=warning'
for db in $DB $RESTORED; do "${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"; done
"${PSQL[@]}" -d $DB -c 'CREATE EXTENSION mission_audit' -f "$HERE/projection.sql" -f "$HERE/projection_event.sql" \
	-c 'CREATE SEQUENCE event_seq'

cat >"$WORK/one.sql" <<'SQL'
\set r random(1, 10)
INSERT INTO audit_events (run, event) SELECT 'run-' || :r, projection_event(:r, nextval('event_seq'));
SQL
cat >"$WORK/three.sql" <<'SQL'
\set r random(1, 8)
INSERT INTO audit_events (run, event)
SELECT 'run-' || (:r + k), projection_event(:r + k, nextval('event_seq')) FROM generate_series(0, 2) k;
SQL
"$PG_BIN/pgbench" -n -d $DB -c "$CLIENTS" -j 2 -t "$TRANSACTIONS" -f "$WORK/one.sql@3" -f "$WORK/three.sql@1" \
	>"$WORK/pgbench.log" 2>&1 || { cat "$WORK/pgbench.log"; check "pgbench ran" 0 1; }
grep -E 'failed transactions|number of transactions actually processed' "$WORK/pgbench.log" | sed 's/^/# /'

q() { "${PSQL[@]}" -d "${DB_OVERRIDE:-$DB}" -Atc "$1"; }
check "every transaction's events arrived" \
	"$(q "SELECT count(*) >= $((CLIENTS * TRANSACTIONS)) FROM audit_events")" t
check "one projection row per run" "$(q 'SELECT count(DISTINCT run) FROM audit_events')" "$(q 'SELECT count(*) FROM audit_runs')"
check "the projection equals a re-reduction for every run" 0 "$(q '
	SELECT count(*) FROM (SELECT run, mission_audit_reduce(event) st FROM audit_events GROUP BY run) r
	FULL JOIN audit_runs p USING (run) WHERE mission_audit_result(p.state) IS DISTINCT FROM r.st')"
check "no event lost: event_count sums to the number of distinct ids" \
	"$(q "SELECT count(DISTINCT event->>'event_id') FROM audit_events")" \
	"$(q "SELECT sum((mission_audit_result(state)->>'event_count')::int) FROM audit_runs")"

check "UPDATE of events is refused" 0A000 "$("${PSQL[@]}" -d $DB \
	-c '\set VERBOSITY sqlstate' -c "UPDATE audit_events SET run = run" 2>&1 | sed -n 's/^ERROR: *//p')"
check "DELETE of events is refused" 0A000 "$("${PSQL[@]}" -d $DB \
	-c '\set VERBOSITY sqlstate' -c "DELETE FROM audit_events WHERE id = 1" 2>&1 | sed -n 's/^ERROR: *//p')"

q "SELECT run, md5(mission_audit_result(state)::text) FROM audit_runs ORDER BY run" >"$WORK/before"
"$PG_BIN/pg_dump" -Fc -d $DB -t audit_runs -f "$WORK/runs.dump"
"${PSQL[@]}" -d $RESTORED -c 'CREATE EXTENSION mission_audit'
"$PG_BIN/pg_restore" -d $RESTORED "$WORK/runs.dump"
DB_OVERRIDE=$RESTORED q "SELECT run, md5(mission_audit_result(state)::text) FROM audit_runs ORDER BY run" >"$WORK/after"
check "pg_dump and pg_restore of the projection keep every run's result" \
	"$(wc -l <"$WORK/before") $(md5sum <"$WORK/before")" "$(wc -l <"$WORK/after") $(md5sum <"$WORK/after")"

q "TRUNCATE audit_events" >/dev/null
check "TRUNCATE of events empties the projection" 0 "$(q 'SELECT count(*) FROM audit_runs')"
q "INSERT INTO audit_events (run, event) SELECT 'run-1', projection_event(1, n) FROM generate_series(1, 5) n" >/dev/null
check "inserting after TRUNCATE starts the run afresh" 5 "$(q "SELECT mission_audit_result(state)->>'event_count' FROM audit_runs")"

for db in $DB $RESTORED; do "${PSQL[@]}" -d postgres -c "DROP DATABASE $db"; done
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
