#!/bin/sh
# splice_schemas.sh: expand @SCHEMA contract/name@ lines of the install-script
# template with the contents of <fixturesdir>/<contract>/schemas/<name>.schema.json,
# dollar-quoted.
set -eu
template=$1
fixturesdir=$2
while IFS= read -r line || [ -n "$line" ]; do
	case "$line" in
	*@SCHEMA\ *@*)
		name=${line#*@SCHEMA }
		name=${name%%@*}
		prefix=${line%%@SCHEMA *}
		suffix=${line#*@SCHEMA $name@}
		printf '%s$schema$' "$prefix"
		cat "$fixturesdir/${name%%/*}/schemas/${name#*/}.schema.json"
		printf '$schema$%s\n' "$suffix"
		;;
	*)
		printf '%s\n' "$line"
		;;
	esac
done < "$template"
