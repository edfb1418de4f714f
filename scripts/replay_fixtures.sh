#!/usr/bin/env bash
# replay_fixtures.sh: replay a conformance suite in the reference library's layout against the installed mission_audit.
#
# Usage: scripts/replay_fixtures.sh SUITE_DIR CONTRACT
#   SUITE_DIR holds manifest.json and mission_audit/{valid,invalid,replay}/ (fixtures/3.0.0,
#   the installed share/extension/mission_audit/3.0.0, or the reference's own conformance/fixtures);
#   CONTRACT is the contract to replay it under, 2.5.0 or 3.0.0.
#   Runs against the server and database the PG* environment variables name, creating the
#   extension there if needed; the files are read here, on the client.
# Prints "PASS id" or "FAIL id: why" per fixture, then "<dir>: N passed, N failed"; exits
# non-zero on any failure or when no fixture was checked.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

main() {
	case ${1:-} in -h | --help | "") usage && return 0 ;; esac
	local dir=$1 contract=${2:?a contract (2.5.0 or 3.0.0)} f i=0 sql= args=()
	[ -f "$dir/manifest.json" ] || die "no manifest.json in $dir"
	dir=$(cd "$dir" && pwd)
	args=(-v manifest="$(cat "$dir/manifest.json")" -v contract="$contract" -v dir="$dir")
	# every file under mission_audit/ as a psql variable; the manifest decides which are read
	while IFS= read -r f; do
		i=$((i + 1))
		args+=(-v "p$i=$f" -v "f$i=$(cat "$dir/$f")")
		sql+="INSERT INTO suite_file VALUES (:'p$i', :'f$i');"$'\n'
	done < <(cd "$dir" && find mission_audit -type f \( -name '*.json' -o -name '*.jsonl' \) | sort)
	psql -X -q -A -t -v ON_ERROR_STOP=1 "${args[@]}" <<SQL |
SET client_min_messages TO warning;
CREATE EXTENSION IF NOT EXISTS mission_audit;
CREATE TEMP TABLE suite_file (path text PRIMARY KEY, body text);
$sql
CREATE TEMP TABLE result AS
	SELECT * FROM mission_audit_conformance(:'manifest'::jsonb,
		(SELECT coalesce(jsonb_object_agg(path, body), '{}') FROM suite_file), :'contract');
SELECT CASE WHEN passed THEN 'PASS ' ELSE 'FAIL ' END || id || coalesce(': ' || CASE WHEN NOT passed THEN detail END, '')
  FROM result ORDER BY fixture_type, id;
SELECT format('%s: %s passed, %s failed', :'dir', count(*) FILTER (WHERE passed), count(*) FILTER (WHERE NOT passed))
  FROM result;
SQL
		awk '{ print } /: [0-9]+ passed, [0-9]+ failed$/ { done = 1; if ($(NF-1) + 0 > 0 || $(NF-3) + 0 == 0) bad = 1 }
			END { exit bad || !done }'
}

main "$@"
