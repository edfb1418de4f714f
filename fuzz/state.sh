#!/usr/bin/env bash
# state.sh: fuzz mission_audit_state's text and binary input (fuzz/state_fuzz.c).
#
# Usage: fuzz/state.sh [--inputs N] [--quick] [--seed S] [--jobs J] [--out DIR] [--server [--log FILE]]
#
#   --inputs N   mutated inputs in all (default 1000000), half text, half binary
#   --quick      CI budget: 20000 inputs
#   --seed S     mutation seed (default 1); session j uses S + j
#   --jobs J     concurrent sessions (default: number of CPUs)
#   --out DIR    where state.log is written (default fuzz/out)
#   --server     use the server PG* points at (and database PGDATABASE, default ma_fuzz_state)
#                instead of a throwaway cluster; --log names its server log, to watch for crashes
#
# Builds the driver against libpq, creates the seed states (fuzz/state.sql) from generated
# events, and runs J sessions.  Fails (exit 1) on a lost connection, a signal or PANIC in the
# server log, an SQLSTATE of class XX or 58, or an accepted input whose text round trip or
# self-merge changes its result.  The extension must be installed.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [ -z "${PG_BIN:-}" ]; then
	source "$HERE/../scripts/lib.sh" # PG_VERSION: the environment's, else the installed or the release's major
	PG_BIN=/usr/lib/postgresql/$PG_VERSION/bin
fi
INPUTS=1000000 SEED=1 JOBS=$(nproc 2>/dev/null || echo 2) OUT=$HERE/out SERVER=0 SERVER_LOG=
while [ $# -gt 0 ]; do
	case $1 in
	--inputs) INPUTS=$2; shift 2 ;;
	--quick) INPUTS=20000; shift ;;
	--seed) SEED=$2; shift 2 ;;
	--jobs) JOBS=$2; shift 2 ;;
	--out) OUT=$2; shift 2 ;;
	--server) SERVER=1; shift ;;
	--log) SERVER_LOG=$2; shift 2 ;;
	-h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	*) echo "state.sh: unknown option $1" >&2; exit 2 ;;
	esac
done
say() { printf '==> %s\n' "$*"; }
as_postgres() {
	if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
mkdir -p "$OUT"
WORK=$(mktemp -d)
CLUSTER=
cleanup() {
	local rc=$?
	if [ -n "$CLUSTER" ]; then
		as_postgres "$PG_BIN/pg_ctl" -D "$CLUSTER/data" -m immediate stop >/dev/null 2>&1 || true
		rm -rf "$CLUSTER"
	fi
	rm -rf "$WORK"
	exit "$rc"
}
trap cleanup EXIT

if [ "$SERVER" = 0 ]; then
	CLUSTER=$(mktemp -d /tmp/ma-state-fuzz.XXXXXX)
	chmod 755 "$CLUSTER"
	[ "$(id -u)" != 0 ] || chown postgres "$CLUSTER"
	as_postgres "$PG_BIN/initdb" -D "$CLUSTER/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$CLUSTER/initdb.log" 2>&1 ||
		{ cat "$CLUSTER/initdb.log"; exit 1; }
	SERVER_LOG=$CLUSTER/server.log
	as_postgres "$PG_BIN/pg_ctl" -D "$CLUSTER/data" -l "$SERVER_LOG" -w start -o \
		"-c listen_addresses= -c unix_socket_directories=$CLUSTER -c port=5432 -c fsync=off -c restart_after_crash=on" >/dev/null
	export PGHOST=$CLUSTER PGPORT=5432 PGUSER=postgres
fi
export PGDATABASE=${PGDATABASE:-ma_fuzz_state}
[ "$SERVER" = 1 ] || PGDATABASE=ma_fuzz_state
log_offset=0
[ -n "$SERVER_LOG" ] && [ -f "$SERVER_LOG" ] && log_offset=$(stat -c %s "$SERVER_LOG")

PG_CONFIG=${PG_CONFIG:-$PG_BIN/pg_config}
"${CC:-cc}" -O2 -Wall -Wextra -I"$("$PG_CONFIG" --includedir)" -o "$WORK/state_fuzz" \
	"$HERE/state_fuzz.c" -L"$("$PG_CONFIG" --libdir)" -lpq
PGOPTIONS="-c client_min_messages=warning" "$PG_BIN/psql" -X -q -d postgres -c "DROP DATABASE IF EXISTS $PGDATABASE" -c "CREATE DATABASE $PGDATABASE"
PGOPTIONS="-c client_min_messages=warning" "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -c 'CREATE EXTENSION IF NOT EXISTS mission_audit' -f "$HERE/state.sql"

say "state input fuzz: $INPUTS inputs on $JOBS sessions (seed $SEED)"
T0=$(date +%s)
pids=()
for j in $(seq 0 $((JOBS - 1))); do
	n=$(((INPUTS + JOBS - 1 - j) / JOBS))
	"$WORK/state_fuzz" "$n" "$((SEED + j))" >"$WORK/out.$j" 2>"$WORK/err.$j" &
	pids+=($!)
done
rc=0
for p in "${pids[@]}"; do wait "$p" || rc=1; done
{
	echo "mission_audit_state input fuzz: $INPUTS inputs, seed $SEED, $JOBS sessions, $(($(date +%s) - T0))s"
	cat "$WORK"/out.* | awk '
		/^  / { v = $NF; $NF = ""; sub(/^ +/, ""); sub(/ +$/, ""); n[$0] += v; next }
		/^crashes:/ { c += $2; i += $5; w += $8 }
		END { for (k in n) printf "  %-14s %d\n", k, n[k]; printf "crashes: %d    internal errors: %d    wrong answers: %d\n", c, i, w }' |
		sed 's/  *$//' | sort
	cat "$WORK"/err.* 2>/dev/null | head -c 4000 || true
} | tee "$OUT/state.log"
if [ -n "$SERVER_LOG" ] && [ -f "$SERVER_LOG" ] &&
	tail -c +"$((log_offset + 1))" "$SERVER_LOG" | grep -E 'terminated by signal|PANIC|TRAP:|AddressSanitizer|runtime error:' | head -5 | tee -a "$OUT/state.log" | grep -q .; then
	rc=1
fi
[ "$rc" = 0 ] && echo "PASS: no crash, no internal error, no wrong answer" || echo "FAIL: see $OUT/state.log"
exit "$rc"
