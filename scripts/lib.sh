# lib.sh: helpers shared by the mission_audit scripts (sourced, not run).
# shellcheck shell=bash

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# debian_pg_major: the PostgreSQL major the running Debian release ships (its "postgresql"
# package), from the release's codename, else from what apt knows.
debian_pg_major() {
	local codename=
	[ -r /etc/os-release ] && codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
	case $codename in
	bookworm) echo 15 ;;
	trixie) echo 17 ;;
	forky) echo 18 ;;
	*) apt-cache depends postgresql 2>/dev/null | sed -n 's/^ *Depends: postgresql-\([0-9][0-9]*\)$/\1/p' | head -1 ;;
	esac
}

# pg_major: the PostgreSQL major the scripts use: $PG_VERSION when set; else the installed
# server (the release's own when several are, else the newest); else the release's own.
pg_major() {
	local own installed
	if [ -n "${PG_VERSION:-}" ]; then
		echo "$PG_VERSION"
		return
	fi
	own=$(debian_pg_major)
	installed=$(ls -d /usr/lib/postgresql/*/bin/postgres 2>/dev/null | sed 's|^/usr/lib/postgresql/||; s|/.*||' | sort -n)
	if [ -n "$own" ] && grep -qx "$own" <<<"$installed"; then
		echo "$own"
	elif [ -n "$installed" ]; then
		tail -1 <<<"$installed"
	elif [ -n "$own" ]; then
		echo "$own"
	else
		echo "lib.sh: cannot tell which PostgreSQL major to use; set PG_VERSION" >&2
		return 1
	fi
}

PG_VERSION=$(pg_major)
PG_CONFIG=/usr/lib/postgresql/$PG_VERSION/bin/pg_config
export PG_VERSION PG_CONFIG

# say MSG...: print a progress line.
say() {
	printf '==> %s\n' "$*"
}

# die MSG...: print an error and exit non-zero.
die() {
	printf '%s: %s\n' "${0##*/}" "$*" >&2
	exit 1
}

# usage: print the calling script's header comment (its lines 2 up to "set -euo pipefail").
usage() {
	sed -n '2,/^set /p' "$0" | sed '$d; s/^# \{0,1\}//'
}

# ensure_deps: install the Debian packages the project needs (prints one line when present).
ensure_deps() {
	bash "$REPO_ROOT/scripts/install_deps.sh"
}

# build_install: build the extension and install it into PostgreSQL $PG_VERSION; show output only on failure.
build_install() {
	local log rc=0
	log=$(mktemp)
	say "building and installing mission_audit"
	{ make -C "$REPO_ROOT" PG_CONFIG="$PG_CONFIG" &&
		make -C "$REPO_ROOT" PG_CONFIG="$PG_CONFIG" install; } >"$log" 2>&1 || rc=$?
	if [ "$rc" -ne 0 ]; then
		cat "$log"
		echo "build failed (make exit $rc)" >&2
	else
		grep -E '(warning|error):' "$log" || true
	fi
	rm -f "$log"
	return "$rc"
}

# with_cluster CMD...: run CMD with PG* set for a throwaway PostgreSQL $PG_VERSION cluster that is dropped
# afterwards, even on failure (pg_virtualenv -t keeps it all in a temporary directory). CMD's
# status is passed back through a file, so pg_virtualenv does not dump the server log on it.
with_cluster() {
	local st status_file
	status_file=$(mktemp)
	say "starting a throwaway PostgreSQL $PG_VERSION cluster"
	{
		LANG=C.UTF-8 LC_ALL=C.UTF-8 pg_virtualenv -t -v "$PG_VERSION" -- \
			bash -c '"${@:2}"; echo $? >"$1"' with_cluster "$status_file" "$@" </dev/null |
			grep --line-buffered -v "^Dropping cluster $PG_VERSION/regress \.\.\.\$"
		st=("${PIPESTATUS[@]}")
	} || true
	[ ! -s "$status_file" ] || st[0]=$(cat "$status_file")
	rm -f "$status_file"
	return "${st[0]}"
}

# fresh_db NAME EXT...: (re)create database NAME in the current server with the given extensions.
fresh_db() {
	local db=$1 ext
	shift
	PGOPTIONS='-c client_min_messages=warning' dropdb --if-exists "$db" && createdb "$db" || return
	for ext in "$@"; do
		psql -X -q -v ON_ERROR_STOP=1 -d "$db" -c "CREATE EXTENSION $ext" || return
	done
}
