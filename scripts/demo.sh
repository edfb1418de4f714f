#!/usr/bin/env bash
# demo.sh: show mission_audit at work: contract constants, replayed fixture streams, fixture verdicts.
#
# Usage: scripts/demo.sh
#   Installs dependencies, builds and installs the extension, then runs the demo on a throwaway
#   PostgreSQL 15 cluster. When PGHOST or PGDATABASE is set it uses that server instead, only
#   running CREATE EXTENSION IF NOT EXISTS mission_audit and the demo queries there.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

FIXTURES=$REPO_ROOT/fixtures/mission_audit

# psql_set NAME PATH: psql lines that set variable NAME to the contents of file PATH.
psql_set() {
	printf "\\\\set path '%s'\n" "${2//\'/\'\'}"
	printf "\\\\set %s \`cat :'path'\`\n" "$1"
}

# contract_sql: the schema version and the event types.
contract_sql() {
	cat <<'SQL'
\echo '== contract'
SELECT mission_audit_schema_version() AS schema_version;
SELECT n AS "#", t AS event_type FROM unnest(mission_audit_event_types()) WITH ORDINALITY u(t, n);
SQL
}

# replay_sql FILE: reduce one JSONL stream and print the state, compared with <stream>_output.json
# when that file exists.
replay_sql() {
	local f=$1 expected=${1%.jsonl}_output.json
	printf "\\\\echo\n\\\\echo '== replay %s'\n" "${f#"$REPO_ROOT"/}"
	psql_set jsonl "$f"
	cat <<'SQL'
SELECT count(*) AS events FROM mission_audit_read_jsonl(:'jsonl');
\pset tuples_only on
\pset format unaligned
SELECT jsonb_pretty(mission_audit_reduce(event)) FROM mission_audit_read_jsonl(:'jsonl');
SQL
	if [ -f "$expected" ]; then
		psql_set expected "$expected"
		cat <<'SQL'
SELECT CASE WHEN mission_audit_reduce(event) = :'expected'::jsonb THEN 'matches ' ELSE 'DIFFERS from ' END
	|| regexp_replace(:'path', '^.*/', '')
FROM mission_audit_read_jsonl(:'jsonl');
SQL
	fi
	printf '\\pset tuples_only off\n\\pset format aligned\n'
}

# verdict_sql FILE EXPECTED: validate one fixture ({"event_type", "payload"}, or a whole event
# envelope when it has an event_id) and print the verdict and its violations.
verdict_sql() {
	psql_set fixture "$1"
	printf "\\\\set name '%s'\n\\\\set expected %s\n" "${1#"$FIXTURES"/}" "$2"
	cat <<'SQL'
SELECT format('%-60s %s%s', :'name', CASE WHEN (r->>'valid')::boolean THEN 'valid' ELSE 'invalid' END,
			  CASE WHEN (r->>'valid')::boolean <> :expected THEN '   <-- UNEXPECTED' ELSE '' END)
	|| coalesce((SELECT string_agg(format(E'\n    %s: %s: %s', v->>'field', v->>'type', v->>'message'), '')
				 FROM jsonb_array_elements(r->'violations') v), '')
FROM (SELECT CASE WHEN f ? 'event_id' THEN mission_audit_validate_event(f)
				  ELSE mission_audit_validate(f->>'event_type', f->'payload') END AS r
	  FROM (SELECT :'fixture'::jsonb AS f) x) y;
SQL
}

# demo_sql: the whole psql script.
demo_sql() {
	local f
	printf '\\set ON_ERROR_STOP 1\n\\pset footer off\n'
	echo 'SET client_min_messages TO warning;'
	echo 'CREATE EXTENSION IF NOT EXISTS mission_audit;'
	contract_sql
	if [ ! -d "$FIXTURES" ]; then
		echo "\\echo 'no fixtures at fixtures/mission_audit: replay and validation skipped'"
		return
	fi
	for f in "$FIXTURES"/replay/*.jsonl; do
		[ -f "$f" ] && replay_sql "$f"
	done
	printf "%s\n" "\\echo" "\\echo '== fixture verdicts'" "\\pset tuples_only on" "\\pset format unaligned"
	for f in "$FIXTURES"/valid/*.json; do
		[ -f "$f" ] && verdict_sql "$f" true
	done
	for f in "$FIXTURES"/invalid/*.json; do
		[ -f "$f" ] && verdict_sql "$f" false
	done
	return 0
}

main() {
	if [ "${1:-}" = --run ]; then
		demo_sql | psql -X -q -f -
		return
	fi
	case ${1:-} in -h | --help) usage && return 0 ;; esac
	ensure_deps
	build_install
	if [ -n "${PGHOST:-}${PGDATABASE:-}" ]; then
		say "using the server at PGHOST=${PGHOST:-} PGDATABASE=${PGDATABASE:-}"
		bash "$REPO_ROOT/scripts/demo.sh" --run
	else
		with_cluster bash "$REPO_ROOT/scripts/demo.sh" --run
	fi
}

main "$@"
