#!/bin/sh
# regen_golden.sh: regenerate the reducer golden outputs of the replay fixtures.
#
# For every fixtures/<contract>/mission_audit/replay/<stream>.jsonl, feeds the
# file through mission_audit_read_jsonl and mission_audit_reduce(event,
# '<contract>') and writes jsonb_pretty of the result to <stream>_output.json
# beside it.
#
# Needs a server reachable through the usual PG* environment variables (or
# psql defaults) with the extension created in the target database, e.g.
#   make install && pg_virtualenv -- sh -c \
#     'psql -c "create extension mission_audit" && scripts/regen_golden.sh'
# Then check the result independently: /usr/bin/python3 scripts/check_schemas.py
set -eu

root=$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd)
psql=${PSQL:-psql}

found=0
for stream in "$root"/fixtures/*/mission_audit/replay/*.jsonl; do
	[ -f "$stream" ] || continue
	found=1
	contract=${stream#"$root"/fixtures/}
	contract=${contract%%/*}
	out=${stream%.jsonl}_output.json
	tmp=$out.tmp
	# psql interpolates :'content' only in input it reads itself (not in -c),
	# so the query goes in on stdin.
	if ! "$psql" -X -q -A -t -v ON_ERROR_STOP=1 -v content="$(cat "$stream")" -v contract="$contract" \
		>"$tmp" <<'SQL'
SELECT jsonb_pretty(mission_audit_reduce(event, :'contract')) FROM mission_audit_read_jsonl(:'content');
SQL
	then
		rm -f "$tmp"
		echo "regen_golden.sh: reducing $stream failed" >&2
		exit 1
	fi
	if [ ! -s "$tmp" ]; then
		rm -f "$tmp"
		echo "regen_golden.sh: empty result for $stream" >&2
		exit 1
	fi
	mv "$tmp" "$out"
	echo "wrote ${out#"$root"/}"
done

if [ "$found" = 0 ]; then
	echo "regen_golden.sh: no replay streams under $root/fixtures" >&2
	exit 1
fi
