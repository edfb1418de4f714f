#!/usr/bin/env bash
# sanitize.sh: run the regression suites and a quick fuzz run against an ASan+UBSan build.
#
# Usage: scripts/sanitize.sh [--keep] [--fuzz-inputs N] [--skip-fuzz] [--no-valgrind]
#
# The extension is built from a copy of the working tree (tar to $WORK/src, default
# WORK=/tmp/ma-sanitize) with
#     make COPT="-fsanitize=undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -O1 -g"
#          with_llvm=no
# (PGXS appends COPT to both CFLAGS and LDFLAGS, so the .so is compiled and linked with
# UBSan; the project's own PG_CFLAGS warnings stay) and installed with
# `make install DESTDIR=$WORK/root`. The system installation is never touched.
#
# To load that .so without rebuilding PostgreSQL, the server runs from a relocated copy of
# the Debian layout: PostgreSQL finds $libdir and its share directory relative to the
# postgres executable, so $WORK/root/usr/lib/postgresql/NN/bin/postgres (a copy of the
# system binary) uses $WORK/root/usr/lib/postgresql/NN/lib and
# $WORK/root/usr/share/postgresql/NN, which hold symlinks to the system files plus the
# instrumented mission_audit.so, control file, install script and fixtures. The throwaway
# cluster (initdb into $WORK/data, Unix socket only, jit off) runs its postmaster under
#     valgrind --tool=memcheck --leak-check=no --suppressions=$WORK/postgres.supp
# (backends are forked, so every backend runs under memcheck too) with
#     UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:abort_on_error=1:log_path=$WORK/san.ubsan
# so the first UBSan report aborts the backend (the postmaster logs "terminated by
# signal 6") and memcheck's reports land in $WORK/vg.<pid>.
#
# Then: `make installcheck` over every REGRESS test of the Makefile whose sql/<name>.sql
# exists (missing ones are listed and skipped), and fuzz/run.sh --quick --server (3000
# inputs by default: memcheck runs code some 30 times slower) against the same server. The
# exit status is non-zero on any UBSan report, any memcheck error whose stack passes through
# mission_audit.so, any backend crash, regression failure or fuzz failure. Memcheck errors
# elsewhere are printed but do not fail the run. --no-valgrind runs UBSan alone (fast, and
# the fuzz run then gets 20000 inputs). --keep leaves $WORK (server stopped).
#
# Why not ASan: an ASan runtime must be LD_PRELOADed into an uninstrumented postgres, and on
# this Debian 12 (glibc 2.36, GCC 12 and clang 14 runtimes alike) every PostgreSQL binary then
# deadlocks before main() finishes: libp11-kit's constructor (pulled in through libldap and
# gnutls) leaves glibc's setlocale/_nl_state locks corrupted and the next bindtextdomain()
# waits forever (`LD_PRELOAD=$(gcc -print-file-name=libasan.so) psql --version` hangs).
#
# Limits: memcheck sees malloc-level blocks, and PostgreSQL (not built with USE_VALGRIND)
# carves palloc chunks out of larger malloc()ed blocks, so an overrun that stays inside one
# memory-context block is not reported; reads of never-written memory are. UBSan checks all of
# the extension's arithmetic, shifts, alignment, bounds of fixed arrays and null pointers.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if [ -z "${PG_CONFIG:-}" ]; then
	source "$REPO/scripts/lib.sh" # the major: PG_VERSION, else installed, else the release's
fi
WORK=${WORK:-/tmp/ma-sanitize}
KEEP=0
FUZZ=1
FUZZ_INPUTS=
VALGRIND=1

while [ $# -gt 0 ]; do
	case $1 in
	--keep) KEEP=1; shift ;;
	--skip-fuzz) FUZZ=0; shift ;;
	--fuzz-inputs) FUZZ_INPUTS=$2; shift 2 ;;
	--no-valgrind) VALGRIND=0; shift ;;
	-h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	*) echo "sanitize.sh: unknown option $1" >&2; exit 2 ;;
	esac
done

say() { printf '==> %s\n' "$*"; }
as_postgres() {
	if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

BINDIR=$("$PG_CONFIG" --bindir)
PKGLIBDIR=$("$PG_CONFIG" --pkglibdir)
SHAREDIR=$("$PG_CONFIG" --sharedir)
ROOT=$WORK/root
SRC=$WORK/src
DATA=$WORK/data
LOG=$WORK/server.log
[ -n "$FUZZ_INPUTS" ] || { [ "$VALGRIND" = 1 ] && FUZZ_INPUTS=3000 || FUZZ_INPUTS=20000; }
[ "$VALGRIND" = 0 ] || command -v valgrind >/dev/null || { echo "sanitize.sh: valgrind not installed" >&2; exit 1; }

stop_server() {
	if [ -f "$DATA/postmaster.pid" ]; then
		as_postgres "$BINDIR/pg_ctl" -D "$DATA" -m fast -t 300 stop >/dev/null 2>&1 ||
			as_postgres "$BINDIR/pg_ctl" -D "$DATA" -m immediate stop >/dev/null 2>&1 || true
	fi
}
cleanup() {
	local rc=$?
	if [ "$KEEP" = 1 ]; then
		say "kept $WORK (start the server again with PGDATA=$WORK/data; logs and reports are there)"
	else
		stop_server
		rm -rf "$WORK"
	fi
	exit "$rc"
}

stop_server
rm -rf "$WORK"
mkdir -p "$WORK"
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- build the sanitized .so from a copy of the tree -----------------------------

say "copying the tree to $SRC"
mkdir -p "$SRC"
tar -C "$REPO" --exclude=./.git --exclude='*.o' --exclude='*.so' --exclude='*.bc' \
	--exclude=./results --exclude=./regression.diffs --exclude=./regression.out \
	--exclude=./fuzz/out --exclude=./tmp_check --exclude=./log -cf - . | tar -C "$SRC" -xf -
SAN_FLAGS="-fsanitize=undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -O1 -g"
say "building with $SAN_FLAGS"
make -C "$SRC" -s PG_CONFIG="$PG_CONFIG" with_llvm=no COPT="$SAN_FLAGS" >"$WORK/build.log" 2>&1 ||
	{ cat "$WORK/build.log"; exit 1; }
grep -E 'warning|error' "$WORK/build.log" || true
make -C "$SRC" -s PG_CONFIG="$PG_CONFIG" with_llvm=no COPT="$SAN_FLAGS" install DESTDIR="$ROOT" \
	>>"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; exit 1; }
case $(nm -D "$ROOT$PKGLIBDIR/mission_audit.so") in
*__ubsan_handle*) ;;
*) echo "sanitize.sh: the built .so is not instrumented" >&2; exit 1 ;;
esac

# --- a relocated PostgreSQL that finds the sanitized .so --------------------------

say "relocated server tree in $ROOT"
mkdir -p "$ROOT$BINDIR" "$ROOT$PKGLIBDIR" "$ROOT$SHAREDIR/extension"
cp "$BINDIR/postgres" "$ROOT$BINDIR/postgres" # a copy: PostgreSQL resolves symlinks to find itself
for f in "$PKGLIBDIR"/*; do
	[ -e "$ROOT$PKGLIBDIR/$(basename "$f")" ] || ln -s "$f" "$ROOT$PKGLIBDIR/"
done
for f in "$SHAREDIR"/*; do
	[ "$(basename "$f")" = extension ] || ln -s "$f" "$ROOT$SHAREDIR/"
done
for f in "$SHAREDIR"/extension/*; do
	[ -e "$ROOT$SHAREDIR/extension/$(basename "$f")" ] || ln -s "$f" "$ROOT$SHAREDIR/extension/"
done
[ -L "$ROOT$PKGLIBDIR/mission_audit.so" ] && { echo "sanitize.sh: install into $ROOT failed" >&2; exit 1; }

say "initdb and start${VALGRIND:+ }$([ "$VALGRIND" = 1 ] && echo "under valgrind memcheck")"
[ "$(id -u)" = 0 ] && chown -R postgres "$WORK"
chmod 755 "$WORK"
as_postgres "$BINDIR/initdb" -D "$DATA" -U postgres -A trust -E UTF8 --locale=C.UTF-8 \
	>"$WORK/initdb.log" 2>&1 || { cat "$WORK/initdb.log"; exit 1; }
# PostgreSQL's own harmless reports: uninitialised padding written to files and sockets
cat >"$WORK/postgres.supp" <<'SUPP'
{
   padding written to a file
   Memcheck:Param
   write(buf)
   fun:*
   ...
}
{
   padding written to a file at an offset
   Memcheck:Param
   pwrite64(buf)
   fun:*
   ...
}
{
   padding in vectored writes
   Memcheck:Param
   pwritev(vector[...])
   fun:*
   ...
}
{
   padding sent to a socket
   Memcheck:Param
   sendto(msg)
   fun:*
   ...
}
{
   padding sent to a socket (send)
   Memcheck:Param
   send(msg)
   fun:*
   ...
}
{
   padding in epoll events
   Memcheck:Param
   epoll_ctl(event)
   fun:*
   ...
}
SUPP
chown postgres "$WORK/postgres.supp" 2>/dev/null || true
UBSAN_OPTS="print_stacktrace=1:halt_on_error=1:abort_on_error=1:log_path=$WORK/san.ubsan"
POSTGRES=("$ROOT$BINDIR/postgres")
if [ "$VALGRIND" = 1 ]; then
	POSTGRES=(valgrind --tool=memcheck --leak-check=no --track-origins=no --num-callers=40
		--error-limit=no --suppressions="$WORK/postgres.supp" --log-file="$WORK/vg.%p"
		"$ROOT$BINDIR/postgres")
fi
as_postgres env UBSAN_OPTIONS="$UBSAN_OPTS" "${POSTGRES[@]}" -D "$DATA" \
	-c listen_addresses= -c unix_socket_directories="$WORK" -c port=5432 -c jit=off \
	-c fsync=off -c synchronous_commit=off -c shared_buffers=256MB -c max_wal_size=10GB \
	-c max_worker_processes=16 -c max_parallel_workers=8 -c restart_after_crash=on \
	-c log_min_messages=warning -c statement_timeout=0 >"$LOG" 2>&1 &
SERVER_PID=$!
for i in $(seq 1 300); do
	"$BINDIR/pg_isready" -q -h "$WORK" -p 5432 && break
	kill -0 "$SERVER_PID" 2>/dev/null || break
	sleep 1
done
"$BINDIR/pg_isready" -q -h "$WORK" -p 5432 ||
	{ echo "sanitize.sh: server did not start" >&2; cat "$LOG" "$WORK"/vg.* 2>/dev/null | tail -20; exit 1; }
export PGHOST=$WORK PGPORT=5432 PGUSER=postgres
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -d postgres)

libdir=$("${PSQL[@]}" -Atc "SELECT setting FROM pg_config() WHERE name = 'PKGLIBDIR'")
[ "$libdir" = "$ROOT$PKGLIBDIR" ] ||
	{ echo "sanitize.sh: the server's \$libdir is $libdir, not $ROOT$PKGLIBDIR" >&2; exit 1; }
ubsan_mapped=$("${PSQL[@]}" -At -c 'CREATE EXTENSION mission_audit' \
	-c "SELECT mission_audit_validate('MissionAuditStarted', '{}') IS NOT NULL" \
	-c "SELECT pg_read_file('/proc/self/maps') ~ 'libubsan'" | tail -1)
[ "$ubsan_mapped" = t ] || { echo "sanitize.sh: the backend did not map libubsan" >&2; exit 1; }
"${PSQL[@]}" -c 'DROP EXTENSION mission_audit'
say "server up; \$libdir=$libdir"

FAILED=0

# --- regression suites --------------------------------------------------------------

tests=()
missing=()
for t in $(make -s -C "$SRC" --no-print-directory PG_CONFIG="$PG_CONFIG" \
	--eval 'print-regress: ; @printf "%s\n" $(REGRESS)' print-regress); do
	if [ -f "$SRC/sql/$t.sql" ]; then tests+=("$t"); else missing+=("$t"); fi
done
[ "${#missing[@]}" -eq 0 ] || say "REGRESS tests without sql/<name>.sql, skipped: ${missing[*]}"
if [ "${#tests[@]}" -gt 0 ]; then
	say "make installcheck: ${tests[*]}"
	rc=0
	make -C "$SRC" -s --no-print-directory PG_CONFIG="$PG_CONFIG" with_llvm=no installcheck \
		REGRESS="${tests[*]}" 2>&1 | tee "$WORK/installcheck.log" || rc=$?
	if [ "$rc" != 0 ] || grep -q 'FAILED\|failed (ignored)\| failed ' "$WORK/installcheck.log"; then
		FAILED=1
		say "installcheck failed"
		[ -f "$SRC/regression.diffs" ] && head -200 "$SRC/regression.diffs"
	fi
fi

# --- a quick fuzz run ---------------------------------------------------------------

if [ "$FUZZ" = 1 ]; then
	say "fuzz/run.sh --quick --inputs $FUZZ_INPUTS against the sanitized server"
	rc=0
	bash "$SRC/fuzz/run.sh" --quick --inputs "$FUZZ_INPUTS" --server --log "$LOG" --out "$WORK/fuzz-out" \
		--hang 3600 || rc=$?
	[ "$rc" = 0 ] || { FAILED=1; say "fuzz run failed (exit $rc)"; }
fi

# --- sanitizer reports ------------------------------------------------------------

stop_server
UBSAN=$(cat "$WORK"/san.ubsan* 2>/dev/null | grep -E 'runtime error:|SUMMARY: UndefinedBehaviorSanitizer' || true)
LOGBAD=$(grep -E 'runtime error:|terminated by signal|PANIC|TRAP:' "$LOG" || true)
# memcheck: error blocks are separated by a bare "==pid==" line; ours when a frame is in the
# .so (its path, a mission_audit_* entry point or an ma_* helper)
vg_blocks() { # FILE ours|other: print the error blocks of that kind
	awk -v want="$2" '
		function flush() {
			if (blk ~ /(Invalid (read|write|free)|uninitialised|Mismatched|overlap|unaddressable|Jump to the invalid)/ &&
				((blk ~ /mission_audit| ma_[a-z0-9_]+ \(/) == (want == "ours")))
				printf "%s\n", blk
			blk = ""
		}
		/^==[0-9]+== *$/ { flush(); next }
		{ blk = blk $0 "\n" }
		END { flush() }' "$1"
}
VG_OURS=0
VG_OTHER=0
for f in "$WORK"/vg.*; do
	[ -f "$f" ] || continue
	if [ -n "$(vg_blocks "$f" ours)" ]; then
		VG_OURS=$((VG_OURS + 1))
		echo "--- memcheck errors through mission_audit.so in $f:"
		vg_blocks "$f" ours | head -120
	fi
	if [ -n "$(vg_blocks "$f" other)" ]; then
		VG_OTHER=$((VG_OTHER + 1))
		vg_blocks "$f" other >"$WORK/other-$(basename "$f")"
	fi
done
if [ "$VALGRIND" = 1 ] && ! grep -qs 'Memcheck, a memory error detector' "$WORK"/vg.*; then
	FAILED=1
	say "memcheck wrote no report: valgrind did not run"
fi
[ "$VALGRIND" = 0 ] || say "memcheck: $(ls "$WORK"/vg.* 2>/dev/null | wc -l) processes checked;" \
	"$VG_OURS with errors through mission_audit.so, $VG_OTHER with errors elsewhere only (not failed)"
if [ -n "$UBSAN" ] || [ -n "$LOGBAD" ] || [ "$VG_OURS" != 0 ]; then
	FAILED=1
	say "sanitizer reports or crashes:"
	printf '%s\n' "$UBSAN" "$LOGBAD" | sed '/^$/d' | head -50
	for f in "$WORK"/san.ubsan*; do
		[ -f "$f" ] && { echo "--- $f"; head -80 "$f"; }
	done
	if [ "$KEEP" = 0 ]; then
		mkdir -p "$REPO/fuzz/out"
		cp "$WORK"/san.ubsan* "$LOG" "$REPO/fuzz/out/" 2>/dev/null || true
		say "reports copied to fuzz/out/"
	fi
else
	say "no UndefinedBehaviorSanitizer report, no memcheck error through mission_audit.so, no crash"
fi

if [ "$FAILED" != 0 ]; then
	echo "sanitize.sh: FAIL"
	exit 1
fi
echo "sanitize.sh: PASS"
