#!/usr/bin/env bash
# callgrind.sh: instructions per event of the bench queries, counted by valgrind, not timed.
#
# Usage: bench/callgrind.sh DATADIR [ROWS]
#   DATADIR  the data directory of a STOPPED cluster holding bench/run.sh's tables ev and ev3
#            (for example: bench/run.sh -k -n 4000 -r 1, then pg_ctl stop on the printed cluster)
#   ROWS     events per table (default: 4000, what -n gave)
#   POSTGRES (environment) the postgres binary to run, default the one beside PG_CONFIG
#
# Each query runs in a single-user backend (postgres --single) under callgrind, collecting only
# inside standard_ExecutorRun; once in one backend and twice in another, so that the difference
# is one steady-state execution (library loading and catalog lookups cancel out). Prints
# instructions per event for the floors and the functions, 2.5.0 on ev and 3.0.0 on ev3, and
# each ratio to its floor. Instruction counts do not depend on the machine's load.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$BENCH_DIR/../scripts/lib.sh"	# PG_CONFIG, die

DATA=${1:?usage: bench/callgrind.sh DATADIR [ROWS]}
ROWS=${2:-4000}
POSTGRES=${POSTGRES:-$("$PG_CONFIG" --bindir)/postgres}	# the server binary, with the extension installed
command -v valgrind >/dev/null || die "valgrind is not installed (apt-get install valgrind)"
[ -f "$DATA/PG_VERSION" ] || die "$DATA is not a data directory"
[ ! -f "$DATA/postmaster.pid" ] || die "stop the cluster in $DATA first"
WORK=$(mktemp -d /tmp/mission_audit_callgrind.XXXXXX)
chmod 777 "$WORK"
trap 'rm -rf "$WORK"' EXIT

# as_owner CMD...: run CMD as the data directory's owner (postgres refuses to run as root).
as_owner() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u "$(stat -c %U "$DATA")" -- "$@"
	else
		"$@"
	fi
}

# count ID QUERY: print the instructions per event of one steady-state execution of QUERY.
count() {
	local id=$1 query=$2 k i ir=()
	for k in 1 2; do
		{
			echo "SET max_parallel_workers_per_gather = 0;"
			for ((i = 0; i < k; i++)); do echo "$query;"; done
		} >"$WORK/q.sql"
		as_owner valgrind --tool=callgrind --collect-atstart=no --toggle-collect=standard_ExecutorRun \
			--callgrind-out-file="$WORK/$id.$k" "$POSTGRES" --single -D "$DATA" -c jit=off postgres \
			<"$WORK/q.sql" >"$WORK/$id.$k.log" 2>&1 || { cat "$WORK/$id.$k.log"; die "$id failed"; }
		ir+=("$(awk '/^summary:/ { print $2; exit }' "$WORK/$id.$k")")
	done
	echo $(((ir[1] - ir[0]) / ROWS))
}

printf '%-4s %12s %12s %10s %10s\n' query "2.5.0 Ir/ev" "3.0.0 Ir/ev" "2.5.0 ×fl" "3.0.0 ×fl"
for q in F2 V1 V2 V3 F3 R1; do
	for t in ev ev3; do
		a=$([ "$t" = ev3 ] && echo ", '3.0.0'" || echo "")
		case $q in
			F2) sql="SELECT count(*) FROM $t WHERE (event -> 'payload') ? 'mission_id'" ;;
			V1) sql="SELECT count(*) FROM $t WHERE mission_audit_is_valid(event ->> 'event_type', event -> 'payload'$a)" ;;
			V2) sql="SELECT count(*) FROM $t WHERE (mission_audit_validate(event ->> 'event_type', event -> 'payload'$a) ->> 'valid')::boolean" ;;
			V3) sql="SELECT count(*) FROM $t WHERE mission_audit_event_is_valid(event$a)" ;;
			F3) sql="SELECT count(a) FROM (SELECT run, array_agg(event) a FROM $t GROUP BY run) s" ;;
			R1) sql="SELECT count(s) FROM (SELECT run, mission_audit_reduce(event$a) s FROM $t GROUP BY run) x" ;;
		esac
		declare "IR_${q}_$t=$(count "$q-$t" "$sql")"
	done
done
for q in F2 V1 V2 V3 F3 R1; do
	floor=$([ "$q" = R1 ] || [ "$q" = F3 ] && echo F3 || echo F2)
	a=IR_${q}_ev b=IR_${q}_ev3 fa=IR_${floor}_ev fb=IR_${floor}_ev3
	awk -v q="$q" -v a="${!a}" -v b="${!b}" -v fa="${!fa}" -v fb="${!fb}" \
		'BEGIN { printf "%-4s %12d %12d %10.2f %10.2f\n", q, a, b, a / fa, b / fb }'
done
