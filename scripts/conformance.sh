#!/usr/bin/env bash
# conformance.sh: cross-check the installed mission_audit against the shared conformance corpus.
#
# Usage: scripts/conformance.sh [--throwaway] [--contract C] [CORPUS_DIR]
#   CORPUS_DIR defaults to ../shared/conformance beside the repository.
#   --contract C passes C ('2.5.0' or '3.0.0') to every function as its final argument;
#   without it the signatures without a contract argument (2.5.0) are called.
#   Runs against the server and database the PG* environment variables name, creating the
#   extension there if needed. --throwaway instead builds, installs and runs on a throwaway
#   PostgreSQL cluster (as scripts/test.sh does; the major as scripts/lib.sh picks it).
# Prints one line per mismatch, then "<file>: N passed, N failed" per corpus file; exits
# non-zero on any mismatch.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

FILES=(payload_cases envelope_cases reduce_cases)

# sql_literal TEXT: TEXT as a single-quoted SQL/psql literal.
sql_literal() {
	printf "'%s'" "${1//\'/\'\'}"
}

# psql_args DIR: psql options that create the raw tables and \copy each corpus file present
# into them, one JSON line per row (CSV with quote and delimiter bytes JSON never holds).
psql_args() {
	local dir=$1 f
	echo -c
	echo 'SET client_min_messages TO warning'
	echo -c
	echo 'CREATE EXTENSION IF NOT EXISTS mission_audit'
	for f in "${FILES[@]}"; do
		echo -c
		echo "CREATE TEMP TABLE ${f%_cases}_raw (n serial, line text)"
		if [ -f "$dir/$f.jsonl" ]; then
			echo -c
			echo "\\copy ${f%_cases}_raw (line) FROM $(sql_literal "$dir/$f.jsonl") WITH (FORMAT csv, QUOTE e'\\x01', DELIMITER e'\\x02')"
		else
			echo "conformance: $dir/$f.jsonl not found, skipped" >&2
		fi
	done
}

# check DIR: run the comparison; fail when any case mismatched or no corpus file was read.
check() {
	local dir=$1 args=()
	[ -d "$dir" ] || die "no conformance corpus at $dir"
	dir=$(cd "$dir" && pwd)
	mapfile -t args < <(psql_args "$dir")
	psql -X -q -A -t -v ON_ERROR_STOP=1 -v contract="$CONTRACT" "${args[@]}" \
		-f "$REPO_ROOT/scripts/conformance.sql" |
		awk '{ print }
			/^[^ ]+\.jsonl: [0-9]+ passed, [0-9]+ failed$/ { files++; if ($4 > 0) bad = 1 }
			END { exit bad || !files }'
}

CONTRACT=

main() {
	local dir throwaway=
	while [ "$#" -gt 0 ]; do
		case $1 in
		--throwaway) throwaway=1 ;;
		--contract)
			CONTRACT=${2:?--contract needs a contract}
			shift
			;;
		*) break ;;
		esac
		shift
	done
	if [ -n "$throwaway" ]; then
		dir=${1:-$(dirname "$REPO_ROOT")/shared/conformance}
		[ -d "$dir" ] || die "no conformance corpus at $dir"
		ensure_deps
		build_install
		with_cluster bash "$REPO_ROOT/scripts/conformance.sh" ${CONTRACT:+--contract "$CONTRACT"} "$(cd "$dir" && pwd)"
		return
	fi
	case ${1:-} in -h | --help) usage && return 0 ;; esac
	check "${1:-$(dirname "$REPO_ROOT")/shared/conformance}"
}

main "$@"
