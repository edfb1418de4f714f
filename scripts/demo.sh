#!/usr/bin/env bash
# demo.sh: a short tour of mission_audit: CHECK constraint, GROUP BY reduce, order independence,
# window timeline, anomalies, and the contract's fixtures replayed and validated.
#
# Usage: scripts/demo.sh
#   Installs dependencies, builds and installs the extension (quietly: the full log goes to a
#   file whose path it prints, and is shown when a step fails), then runs scripts/demo.sql on a
#   throwaway PostgreSQL cluster. When PGHOST or PGDATABASE is set it uses that server instead:
#   CREATE EXTENSION IF NOT EXISTS mission_audit there, and everything else in a schema
#   mission_audit_demo that is dropped at the end.
#   MISSION_AUDIT_FIXTURES names another fixture directory (manifest.json, mission_audit/...).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# The contract whose shipped fixtures the tour replays; make install puts them in FIXTURES
# (set by run_tour, once pg_config is installed).
FIXTURE_CONTRACT=2.5.0
FIXTURES=

# sql_literal TEXT: TEXT as a single-quoted SQL literal.
sql_literal() {
	printf "'%s'" "${1//\'/\'\'}"
}

# prelude_sql: the demo schema, and every fixture file loaded into it (read client-side, so
# the tour works against a server on another machine too).
prelude_sql() {
	local f rel found=f
	echo 'SET client_min_messages = warning;'
	echo 'DROP SCHEMA IF EXISTS mission_audit_demo CASCADE;'
	echo 'CREATE SCHEMA mission_audit_demo;'
	echo 'CREATE TABLE mission_audit_demo.fixture_file (path text PRIMARY KEY, body text NOT NULL);'
	if [ -f "$FIXTURES/manifest.json" ]; then
		found=t
		while IFS= read -r f; do
			rel=${f#"$FIXTURES"/}
			printf '\\set body `cat %s`\n' "$(sql_literal "$f")"
			printf "INSERT INTO mission_audit_demo.fixture_file VALUES (%s, :'body');\n" "$(sql_literal "$rel")"
		done < <(find "$FIXTURES" -type f \( -name '*.json' -o -name '*.jsonl' \) -not -path '*/schemas/*' | sort)
	fi
	printf '\\set fixtures %s\n\\set fixtures_found %s\n' "$(sql_literal "$FIXTURES")" "$found"
}

# run_tour: the tour against the server PG* points at.
run_tour() {
	FIXTURES=${MISSION_AUDIT_FIXTURES:-$("$PG_CONFIG" --sharedir)/extension/mission_audit/$FIXTURE_CONTRACT}
	{ prelude_sql; echo "\\i $(sql_literal "$REPO_ROOT/scripts/demo.sql")"; } | psql -X -q -v ON_ERROR_STOP=1 -f -
}

# quietly LOG WHAT CMD...: run CMD with its output appended to LOG; on failure show LOG's tail.
quietly() {
	local log=$1 what=$2 rc=0
	shift 2
	"$@" >>"$log" 2>&1 || rc=$?
	if [ "$rc" -ne 0 ]; then
		tail -n 40 "$log" >&2
		die "$what failed (exit $rc); full log: $log"
	fi
}

main() {
	local log
	case ${1:-} in -h | --help) usage && return 0 ;; esac
	if [ "${1:-}" = --run ]; then
		run_tour
		return
	fi
	log=$(mktemp -t mission_audit-demo.XXXXXX.log)
	say "installing packages, building and installing mission_audit for PostgreSQL $PG_VERSION (log: $log)"
	quietly "$log" "installing packages" ensure_deps
	quietly "$log" "building mission_audit" build_install
	if [ -n "${PGHOST:-}${PGDATABASE:-}" ]; then
		say "using the server at PGHOST=${PGHOST:-} PGDATABASE=${PGDATABASE:-}"
		run_tour
	else
		with_cluster bash "$REPO_ROOT/scripts/demo.sh" --run | grep -v '^Creating new PostgreSQL cluster'
	fi
}

main "$@"
