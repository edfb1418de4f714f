#!/usr/bin/env bash
# run.sh: fuzz the installed mission_audit extension with generated hostile inputs.
#
# Usage: fuzz/run.sh [--inputs N] [--quick] [--seed S] [--jobs J] [--batch B]
#                    [--hang SECONDS] [--out DIR] [--keep] [--server [--log FILE]]
#
#   --inputs N   generated inputs (default 1000000); each reaches every function of its kind
#   --quick      CI budget: 20000 inputs, small giants, small aggregate mix (well under a minute)
#   --seed S     generator seed (default 1); a run is reproducible from its seed and budget
#   --jobs J     concurrent sessions feeding batches (default: number of CPUs)
#   --batch B    inputs per batch (default 1000)
#   --hang S     a batch running longer than S seconds is cancelled and counted as a hang
#                (default 900)
#   --out DIR    where the summary and failing inputs are written (default fuzz/out)
#   --keep       keep the throwaway cluster (its directory is printed)
#   --server     use the server PG* points at instead of starting one; --log names its log
#
# What it does: starts a throwaway PostgreSQL cluster ($PG_VERSION, else as scripts/lib.sh picks) (initdb in /tmp, Unix socket only)
# unless --server; creates a database with the installed extension and fuzz/driver.sql;
# streams fuzz/gen.py's rows in by COPY; casts them to jsonb; then J sessions call
# fuzz_batch() over batches of B rows: validate, is_valid, validate_event, event_is_valid,
# normalize_event, read_jsonl, reduce_events and the mission_audit_reduce aggregate, with
# set-based calls that fall back to one subtransaction per row, and consistency checks
# between the functions (wrong answers). fuzz/agg.sql then runs the aggregate under a
# hostile mix (many groups, one huge group, hashed/spilling, parallel, window, an invalid
# event in the middle). A crash (backend lost, "terminated by signal" in the server log),
# a hang, an ERROR of class XX or 58, or a wrong answer makes the exit status 1; the batch
# that crashed is replayed row by row to name the input, saved under --out.
#
# The extension must already be built and installed (make && make install); the summary
# table lists inputs tried, crashes, hangs and every function's count of answers and of
# each SQLSTATE.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [ -z "${PG_BIN:-}" ]; then
	source "$HERE/../scripts/lib.sh" # PG_VERSION
	PG_BIN=/usr/lib/postgresql/$PG_VERSION/bin
fi
PYTHON=${PYTHON:-/usr/bin/python3}

INPUTS=1000000
QUICK=0
SEED=1
JOBS=$(nproc 2>/dev/null || echo 2)
BATCH=1000
HANG=900
OUT=$HERE/out
KEEP=0
SERVER=0
SERVER_LOG=
INPUTS_SET=0

usage() {
	sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'
	exit "${1:-0}"
}

while [ $# -gt 0 ]; do
	case $1 in
	--inputs) INPUTS=$2; INPUTS_SET=1; shift 2 ;;
	--quick) QUICK=1; shift ;;
	--seed) SEED=$2; shift 2 ;;
	--jobs) JOBS=$2; shift 2 ;;
	--batch) BATCH=$2; shift 2 ;;
	--hang) HANG=$2; shift 2 ;;
	--out) OUT=$2; shift 2 ;;
	--keep) KEEP=1; shift ;;
	--server) SERVER=1; shift ;;
	--log) SERVER_LOG=$2; shift 2 ;;
	-h | --help) usage 0 ;;
	*) echo "run.sh: unknown option $1" >&2; usage 2 ;;
	esac
done
if [ "$QUICK" = 1 ] && [ "$INPUTS_SET" = 0 ]; then
	INPUTS=20000
fi
if [ "$QUICK" = 1 ]; then
	AGG_GROUPS=2000 AGG_HUGE=20000 GEN_QUICK=--quick
else
	AGG_GROUPS=100000 AGG_HUGE=1000000 GEN_QUICK=
fi

say() { printf '==> %s\n' "$*"; }
mkdir -p "$OUT"
rm -f "$OUT"/crash-* "$OUT"/fail-* "$OUT"/summary.txt "$OUT"/driver-errors.log

# --- the server -----------------------------------------------------------------

as_postgres() {
	if [ "$(id -u)" = 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

CLUSTER=
cleanup() {
	local rc=$?
	[ -n "${WATCHDOG_PID:-}" ] && kill "$WATCHDOG_PID" 2>/dev/null || true
	if [ -n "$CLUSTER" ]; then
		if [ "$KEEP" = 1 ]; then
			say "cluster kept: PGHOST=$CLUSTER PGPORT=5432 PGUSER=postgres (stop: $PG_BIN/pg_ctl -D $CLUSTER/data stop)"
		else
			as_postgres "$PG_BIN/pg_ctl" -D "$CLUSTER/data" -m immediate stop >/dev/null 2>&1 || true
			rm -rf "$CLUSTER"
		fi
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ "$SERVER" = 0 ]; then
	CLUSTER=$(mktemp -d /tmp/ma-fuzz.XXXXXX)
	chmod 755 "$CLUSTER"
	[ "$(id -u)" = 0 ] && chown postgres "$CLUSTER"
	say "throwaway cluster in $CLUSTER"
	as_postgres "$PG_BIN/initdb" -D "$CLUSTER/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 \
		>"$CLUSTER/initdb.log" 2>&1 || { cat "$CLUSTER/initdb.log"; exit 1; }
	SERVER_LOG=$CLUSTER/server.log
	as_postgres "$PG_BIN/pg_ctl" -D "$CLUSTER/data" -l "$SERVER_LOG" -w -t 60 start -o \
		"-c listen_addresses= -c unix_socket_directories=$CLUSTER -c port=5432 \
		 -c fsync=off -c synchronous_commit=off -c full_page_writes=off \
		 -c max_wal_size=20GB -c checkpoint_timeout=1h -c shared_buffers=512MB \
		 -c max_worker_processes=16 -c max_parallel_workers=8 -c restart_after_crash=on \
		 -c log_min_messages=warning -c log_min_error_statement=panic" >/dev/null
	export PGHOST=$CLUSTER PGPORT=5432 PGUSER=postgres
fi
export PGDATABASE=ma_fuzz
PSQL=("$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1)

postmaster_id() {
	"${PSQL[@]}" -d postgres -Atc "SELECT pg_postmaster_start_time() || ' ' || (SELECT setting FROM pg_settings WHERE name = 'data_directory')" 2>/dev/null || echo down
}
wait_ready() {
	local i
	for i in $(seq 1 120); do
		"$PG_BIN/pg_isready" -q -d postgres && "${PSQL[@]}" -d postgres -c 'SELECT 1' >/dev/null 2>&1 && return 0
		sleep 1
	done
	echo "run.sh: server did not come back" >&2
	return 1
}
log_offset=0
[ -n "$SERVER_LOG" ] && [ -f "$SERVER_LOG" ] && log_offset=$(stat -c %s "$SERVER_LOG")

"${PSQL[@]}" -d postgres -c 'SET client_min_messages = warning' -c 'DROP DATABASE IF EXISTS ma_fuzz'
"${PSQL[@]}" -d postgres -c 'CREATE DATABASE ma_fuzz'
"${PSQL[@]}" -c 'CREATE EXTENSION mission_audit' -f "$HERE/driver.sql"
START_ID=$(postmaster_id)
T0=$(date +%s)

# --- inputs -------------------------------------------------------------------

say "generating $INPUTS inputs (seed $SEED${GEN_QUICK:+, quick})"
"$PYTHON" "$HERE/gen.py" --inputs "$INPUTS" --seed "$SEED" $GEN_QUICK |
	"${PSQL[@]}" -c 'COPY fuzz_stage FROM STDIN'
"${PSQL[@]}" -c 'CALL fuzz_load()'
MAXID=$("${PSQL[@]}" -Atc 'SELECT coalesce(max(id), 0) FROM fuzz_case')
NBATCH=$(((MAXID + BATCH - 1) / BATCH))
say "loaded $MAXID inputs in $(($(date +%s) - T0))s; $NBATCH batches on $JOBS sessions"

# --- batches --------------------------------------------------------------------

# watchdog: cancel, then terminate, a batch that runs past the hang limit
watchdog() {
	while sleep 10; do
		"${PSQL[@]}" -Atc "
			SELECT pid, now() - query_start, left(query, 60),
				   CASE WHEN now() - query_start > make_interval(secs => $HANG + 60)
						THEN pg_terminate_backend(pid) ELSE pg_cancel_backend(pid) END
			FROM pg_stat_activity
			WHERE datname = 'ma_fuzz' AND state = 'active' AND pid <> pg_backend_pid()
			  AND query LIKE 'CALL fuzz_batch%' AND now() - query_start > make_interval(secs => $HANG)" \
			2>/dev/null | sed 's/^/watchdog: hang: /' >>"$OUT/hangs.log" || true
	done
}
: >"$OUT/hangs.log"
watchdog &
WATCHDOG_PID=$!

# run_batches FILE: CALL each batch listed in FILE (one "b lo hi" a line) in one session,
# reconnecting after the server crashes; prints nothing, the progress table tells all.
run_batches() {
	local list=$1 rc todo
	todo=$list.todo
	cp "$list" "$todo"
	while [ -s "$todo" ]; do
		rc=0
		{
			echo "SET statement_timeout = '${HANG}s';"
			awk '{ printf "CALL fuzz_batch(%d, %d, %d);\n", $1, $2, $3 }' "$todo"
		} | "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=0 >/dev/null 2>>"$list.err" || rc=$?
		[ "$rc" = 2 ] || break
		# connection lost: the server crashed (in this session or another one).  Go on
		# with the batches not yet started; interrupted ones are replayed at the end.
		wait_ready || return 1
		"${PSQL[@]}" -Atc "SELECT batch FROM fuzz_progress" >"$todo.started"
		awk 'NR == FNR { s[$1] = 1; next } !($1 in s)' "$todo.started" "$todo" >"$todo.next"
		mv "$todo.next" "$todo"
	done
	rm -f "$todo" "$todo.started"
}

T1=$(date +%s)
WORK=$(mktemp -d)
for j in $(seq 0 $((JOBS - 1))); do
	seq 0 $((NBATCH - 1)) | awk -v j="$j" -v J="$JOBS" -v B="$BATCH" \
		'$1 % J == j { printf "%d %d %d\n", $1, $1 * B + 1, ($1 + 1) * B }' >"$WORK/jobs.$j"
done
pids=()
for j in $(seq 0 $((JOBS - 1))); do
	run_batches "$WORK/jobs.$j" &
	pids+=($!)
done
for p in "${pids[@]}"; do wait "$p" || true; done
say "batches done in $(($(date +%s) - T1))s"

# batches a crash interrupted: replay them alone, then row by row, to name the input
CRASHED_BATCHES=$("${PSQL[@]}" -Atc "SELECT batch || ' ' || lo || ' ' || hi FROM fuzz_progress WHERE finished IS NULL ORDER BY batch" || true)
CRASHES=0
HANGS=0
DRIVER_ERRORS=0
if [ -n "$CRASHED_BATCHES" ]; then
	while read -r b lo hi; do
		rc=0
		err=$( { "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -c "SET statement_timeout = '${HANG}s'" \
			-c "CALL fuzz_batch($b, $lo, $hi)" >/dev/null; } 2>&1) || rc=$?
		if [ "$rc" = 0 ]; then
			continue # an innocent batch another session's crash interrupted
		elif [ "$rc" != 2 ] && grep -q 'statement timeout' <<<"$err"; then
			HANGS=$((HANGS + 1))
			echo "hang: batch $b (ids $lo..$hi) ran past ${HANG}s" | tee -a "$OUT/hangs.log"
			continue
		elif [ "$rc" != 2 ]; then
			DRIVER_ERRORS=$((DRIVER_ERRORS + 1))
			printf 'batch %s (ids %s..%s) failed in the driver: %s\n' "$b" "$lo" "$hi" "$err" |
				tee -a "$OUT/driver-errors.log"
			continue
		fi
		wait_ready
		say "batch $b (ids $lo..$hi) crashes the server; replaying it row by row"
		for id in $(seq "$lo" "$hi"); do
			rc=0
			"$PG_BIN/psql" -X -q -c "CALL fuzz_batch(-1, $id, $id)" >/dev/null 2>&1 || rc=$?
			if [ "$rc" = 2 ]; then
				CRASHES=$((CRASHES + 1))
				wait_ready
				"${PSQL[@]}" -Atc "SELECT fam || ' ' || coalesce(arg, '') FROM fuzz_case WHERE id = $id" \
					>"$OUT/crash-$id.txt"
				"${PSQL[@]}" -Atc "SELECT coalesce(doc::text, doc_text) FROM fuzz_case WHERE id = $id" \
					>>"$OUT/crash-$id.txt"
				say "crash: input $id saved to $OUT/crash-$id.txt"
			fi
		done
	done <<<"$CRASHED_BATCHES"
	"${PSQL[@]}" -c "DELETE FROM fuzz_progress WHERE batch = -1"
fi
kill "$WATCHDOG_PID" 2>/dev/null || true
WATCHDOG_PID=
grep -q hang "$OUT/hangs.log" && HANGS=$((HANGS + $(grep -c 'watchdog: hang' "$OUT/hangs.log" || true)))

# --- the aggregate under a hostile mix ------------------------------------------

T2=$(date +%s)
say "aggregate mix: $AGG_GROUPS groups and one of $AGG_HUGE events"
rc=0
"$PG_BIN/psql" -X -v groups="$AGG_GROUPS" -v huge="$AGG_HUGE" -f "$HERE/agg.sql" \
	>"$OUT/agg.log" 2>&1 || rc=$?
if [ "$rc" = 2 ] || grep -q 'server closed the connection unexpectedly' "$OUT/agg.log"; then
	CRASHES=$((CRASHES + 1))
	say "crash in the aggregate mix: see $OUT/agg.log"
	wait_ready
fi
"${PSQL[@]}" -c 'CALL fuzz_check()'
say "aggregate mix done in $(($(date +%s) - T2))s"

# --- the mission_audit_state type's text and binary input -------------------------

STATE_FAIL=0
if [ "$QUICK" = 1 ]; then STATE_INPUTS=20000; else STATE_INPUTS=1000000; fi
PGDATABASE=ma_fuzz_state bash "$HERE/state.sh" --server ${SERVER_LOG:+--log "$SERVER_LOG"} \
	--inputs "$STATE_INPUTS" --seed "$SEED" --jobs "$JOBS" --out "$OUT" || STATE_FAIL=1

# --- verdict --------------------------------------------------------------------

END_ID=$(postmaster_id)
LOG_TROUBLE=
if [ -n "$SERVER_LOG" ] && [ -f "$SERVER_LOG" ]; then
	LOG_TROUBLE=$(tail -c +"$((log_offset + 1))" "$SERVER_LOG" |
		grep -E 'terminated by signal|was terminated by|PANIC|TRAP:|server process .* exited with exit code [^01]|AddressSanitizer|runtime error:' |
		head -20 || true)
fi
if [ -n "$LOG_TROUBLE" ] && [ "$CRASHES" = 0 ]; then
	CRASHES=$(grep -c 'terminated by signal\|PANIC\|TRAP:\|AddressSanitizer\|runtime error:' <<<"$LOG_TROUBLE" || true)
	[ "$CRASHES" -gt 0 ] || CRASHES=1
fi
if [ "$START_ID" != "$END_ID" ] && [ "$CRASHES" = 0 ]; then
	CRASHES=1
	LOG_TROUBLE="postmaster restarted: $START_ID -> $END_ID"
fi

{
	echo "mission_audit fuzz run: seed $SEED, $INPUTS inputs requested, batch $BATCH, $JOBS sessions, $(($(date +%s) - T0))s"
	"${PSQL[@]}" -P footer=off -c "
		SELECT count(*) AS inputs_generated,
			   count(*) FILTER (WHERE doc IS NOT NULL OR fam = 'j') AS inputs_fed,
			   count(*) FILTER (WHERE fam = 'p') AS payloads,
			   count(*) FILTER (WHERE fam = 'e') AS events,
			   count(*) FILTER (WHERE fam = 'a') AS event_arrays,
			   count(*) FILTER (WHERE fam = 'j') AS jsonl_texts,
			   (SELECT n FROM fuzz_outcome WHERE fn = 'agg:inputs') AS aggregate_mix_rows,
			   (SELECT sum(n) FROM fuzz_outcome WHERE fn NOT IN ('jsonb_in', 'agg:inputs', 'metamorphic', 'batch')) AS calls
		FROM fuzz_case"
	echo "crashes: $CRASHES    hangs: $HANGS"
	[ -z "$LOG_TROUBLE" ] || printf 'server log:\n%s\n' "$LOG_TROUBLE"
	"${PSQL[@]}" -P footer=off -c "
		SELECT fn AS function, outcome AS \"answer or SQLSTATE\", n AS count
		FROM fuzz_outcome WHERE fn <> 'agg:inputs'
		ORDER BY fn LIKE 'agg:%', fn = 'jsonb_in', fn, outcome <> 'ok', outcome"
	echo "wrong answers and unexpected errors:"
	"${PSQL[@]}" -P footer=off -c "
		SELECT fn AS function, what, sqlstate, count(*) AS count, min(id) AS first_input, min(message) AS sample
		FROM fuzz_fail GROUP BY fn, what, sqlstate ORDER BY count(*) DESC"
} | tee "$OUT/summary.txt"

# save a few failing inputs of each kind
"${PSQL[@]}" -Atc "
	SELECT DISTINCT ON (fn, what) id FROM fuzz_fail f WHERE id > 0 ORDER BY fn, what, id" |
	while read -r id; do
		"${PSQL[@]}" -Atc "SELECT fam || ' ' || coalesce(arg, '') || E'\n' || left(coalesce(doc::text, doc_text), 1000000)
			FROM fuzz_case WHERE id = $id" >"$OUT/fail-$id.txt"
	done

BAD_STATES=$("${PSQL[@]}" -Atc "SELECT coalesce(sum(n), 0) FROM fuzz_outcome WHERE outcome ~ '^(XX|58)'")
FAILS=$("${PSQL[@]}" -Atc "SELECT count(*) FROM fuzz_fail")
rm -rf "$WORK"
if [ "$CRASHES" != 0 ] || [ "$HANGS" != 0 ] || [ "$BAD_STATES" != 0 ] || [ "$FAILS" != 0 ] ||
	[ "$DRIVER_ERRORS" != 0 ] || [ "$STATE_FAIL" != 0 ]; then
	echo "FAIL: $CRASHES crashes, $HANGS hangs, $BAD_STATES internal (XX/58) errors," \
		"$FAILS wrong answers or unexpected errors, $DRIVER_ERRORS batches the driver could not run," \
		"state input fuzz $([ "$STATE_FAIL" = 0 ] && echo passed || echo failed)"
	exit 1
fi
echo "PASS: no crash, no hang, no internal error, no wrong answer"
