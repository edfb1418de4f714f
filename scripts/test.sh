#!/usr/bin/env bash
# test.sh: build, install and run every mission_audit test suite on a throwaway PostgreSQL cluster.
#
# Usage: scripts/test.sh [regress] [tap] [schemas] [fuzz] [conformance] [upstream]
#   With no argument every suite runs; naming suites runs only those.
#   regress      pg_regress suites (make installcheck); REGRESS="a b" narrows them
#   tap          pgTAP suites test/*.sql via pg_prove; TAP_TESTS="test/x.sql" narrows them
#   schemas      scripts/check_schemas.py: the JSON Schemas under a third-party validator
#   fuzz         fuzz/run.sh --quick: 20,000 hostile inputs, no crash, hang or wrong answer
#   projection   scripts/projection_test.sh: the live projection under pgbench, dump/restore
#   conformance  scripts/conformance.sh against ../shared/conformance (2.5.0, without and with
#                the contract argument) and ../shared/conformance-3.0.0 (3.0.0), when present
#   upstream     scripts/replay_fixtures.sh on the reference's own suites,
#                ../shared/upstream-fixtures/<contract>, when present
# The PostgreSQL major is $PG_VERSION, else the installed server's, else the Debian release's
# (scripts/lib.sh). The last line printed is "N passed, N failed" over regression tests, pgTAP
# assertions, schema checks, the fuzz run (one test), conformance cases and upstream fixture
# checks; the exit status is non-zero on any failure or when nothing ran.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

CONFORMANCE_DIR=$(dirname "$REPO_ROOT")/shared/conformance
CONFORMANCE_3_DIR=$(dirname "$REPO_ROOT")/shared/conformance-3.0.0
UPSTREAM_DIR=$(dirname "$REPO_ROOT")/shared/upstream-fixtures

# record SUITE PASSED FAILED: append one suite's counts to the run's counts file.
record() {
	printf '%s %d %d\n' "$1" "$2" "$3" >>"$RUN_DIR/counts"
}

# regress_tests: print the REGRESS list, from the environment or else from the Makefile.
regress_tests() {
	if [ -n "${REGRESS:-}" ]; then
		printf '%s\n' $REGRESS # one name per word
	else
		make -s -C "$REPO_ROOT" --no-print-directory PG_CONFIG="$PG_CONFIG" \
			--eval 'print-regress: ; @printf "%s\n" $(REGRESS)' print-regress
	fi
}

# run_regress: run the pg_regress suites through make installcheck. A listed test without its
# sql/<name>.sql or expected/<name>.out counts as failed and is left out, so the others still
# run; a test that runs without printing "ok" (failed, or never reached) counts as failed.
run_regress() {
	local out=$RUN_DIR/regress.out rc=0 t f present=() missing=0 passed
	for t in $(regress_tests); do
		for f in "sql/$t.sql" "expected/$t.out"; do
			[ -f "$REPO_ROOT/$f" ] || break
		done
		if [ -f "$REPO_ROOT/$f" ]; then
			present+=("$t")
		else
			echo "regress: $f not found, $t counted as failed"
			missing=$((missing + 1))
		fi
	done
	if [ "${#present[@]}" -eq 0 ]; then
		record regress 0 "$missing"
		return 0
	fi
	say "pg_regress: ${present[*]}"
	make -s -C "$REPO_ROOT" --no-print-directory PG_CONFIG="$PG_CONFIG" installcheck \
		REGRESS="${present[*]}" 2>&1 | tee "$out" || rc=$?
	# up to 15 "test name ... ok 61 ms"; from 16 on TAP, "ok 1 - name 61 ms"
	passed=$(grep -cE ' \.\.\. +ok( |$)|^ok [0-9]+ +[-+] ' "$out" || true)
	if [ "$rc" -ne 0 ] && [ -s "$REPO_ROOT/regression.diffs" ]; then
		say "regression.diffs"
		cat "$REPO_ROOT/regression.diffs"
	fi
	record regress "$passed" "$((${#present[@]} - passed + missing))"
}

# tap_files: print the pgTAP files to run, relative to the repository root.
tap_files() {
	if [ -n "${TAP_TESTS:-}" ]; then
		printf '%s\n' $TAP_TESTS # one file per word
	else
		(cd "$REPO_ROOT" && shopt -s nullglob && for f in test/*.sql; do echo "$f"; done)
	fi
}

# count_tap OUTFILE: print "passed failed" from pg_prove --verbose output; a file that fails
# without a failing assertion (bad plan, SQL error, crash) counts as one failure.
count_tap() {
	awk '
		/^not ok [0-9]+/ && !/# *TODO/ { failed++; next }
		/^(not )?ok [0-9]+/ { passed++ }
		/^Test Summary Report/ { summary = 1 }
		summary && /\(Wstat: .*Failed: 0\)/ { failed++ }
		END { printf "%d %d\n", passed, failed }
	' "$1"
}

# run_tap: run the pgTAP suites with pg_prove in a fresh database holding pgtap and mission_audit.
run_tap() {
	local out=$RUN_DIR/tap.out rc=0 files passed failed
	mapfile -t files < <(tap_files)
	if [ "${#files[@]}" -eq 0 ]; then
		say "pgTAP: no test/*.sql, skipped"
		return 0
	fi
	say "pgTAP: pg_prove ${files[*]}"
	fresh_db mission_audit_tap pgtap mission_audit || {
		record tap 0 1
		return 0
	}
	(cd "$REPO_ROOT" && pg_prove --verbose -d mission_audit_tap "${files[@]}") 2>&1 | tee "$out" || rc=$?
	read -r passed failed < <(count_tap "$out")
	if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
		failed=1
	fi
	record tap "$passed" "$failed"
}

# run_schemas: check the shipped JSON Schemas and fixtures with python3-jsonschema, an
# implementation independent of ours (and the corpus's payload cases, when present).
run_schemas() {
	local out=$RUN_DIR/schemas.out rc=0 passed failed
	say "schemas: scripts/check_schemas.py"
	/usr/bin/python3 "$REPO_ROOT/scripts/check_schemas.py" "$CONFORMANCE_DIR" "$CONFORMANCE_3_DIR" \
		2>&1 | tee "$out" || rc=$?
	read -r passed failed < <(awk '/^[0-9]+ passed, [0-9]+ failed$/ { p = $1; f = $3 }
		END { printf "%d %d\n", p, f }' "$out")
	if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
		failed=1
	fi
	record schemas "$passed" "$failed"
}

# run_fuzz: the fuzz harness with its CI budget, against this cluster; one test that
# passes when no input crashed, hung, raised an internal error or got a wrong answer.
run_fuzz() {
	local out=$RUN_DIR/fuzz.out rc=0
	say "fuzz: fuzz/run.sh --quick"
	bash "$REPO_ROOT/fuzz/run.sh" --quick --server --out "$RUN_DIR/fuzz" 2>&1 | tee "$out" || rc=$?
	if [ "$rc" -eq 0 ]; then
		record fuzz 1 0
	else
		record fuzz 0 1
	fi
}

# run_projection: the live projection recipe under pgbench, dump and restore.
run_projection() {
	local out=$RUN_DIR/projection.out rc=0 passed failed
	say "projection: scripts/projection_test.sh"
	bash "$REPO_ROOT/scripts/projection_test.sh" 2>&1 | tee "$out" || rc=$?
	read -r passed failed < <(awk '/^[0-9]+ passed, [0-9]+ failed$/ { p = $1; f = $3 }
		END { printf "%d %d\n", p, f }' "$out")
	if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
		failed=1
	fi
	record projection "$passed" "$failed"
}

# conformance_run LABEL DIR [CONTRACT]: cross-check one corpus, with CONTRACT passed to every
# function (or the signatures without it), and count its cases.
conformance_run() {
	local label=$1 dir=$2 contract=${3:-} out=$RUN_DIR/conformance-$1.out rc=0 passed failed
	if [ ! -d "$dir" ]; then
		say "conformance: $dir not found, skipped"
		return 0
	fi
	say "conformance ($label): $dir"
	PGDATABASE=mission_audit_conformance bash "$REPO_ROOT/scripts/conformance.sh" \
		${contract:+--contract "$contract"} "$dir" 2>&1 | tee "$out" || rc=$?
	read -r passed failed < <(awk '/^[^ ]+\.jsonl: [0-9]+ passed, [0-9]+ failed$/ { p += $2; f += $4 }
		END { printf "%d %d\n", p, f }' "$out")
	if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
		failed=1
	fi
	record "conformance-$label" "$passed" "$failed"
}

# run_conformance: the 2.5.0 corpus through the old signatures and with '2.5.0', the 3.0.0
# corpus with '3.0.0'.
run_conformance() {
	fresh_db mission_audit_conformance || {
		record conformance 0 1
		return 0
	}
	conformance_run 2.5.0-default "$CONFORMANCE_DIR"
	conformance_run 2.5.0 "$CONFORMANCE_DIR" 2.5.0
	conformance_run 3.0.0 "$CONFORMANCE_3_DIR" 3.0.0
}

# run_upstream: replay the reference's own suites, one per contract, and count their fixtures.
run_upstream() {
	local contract out rc passed failed
	fresh_db mission_audit_upstream || {
		record upstream 0 1
		return 0
	}
	for contract in 2.5.0 3.0.0; do
		if [ ! -d "$UPSTREAM_DIR/$contract" ]; then
			say "upstream: $UPSTREAM_DIR/$contract not found, skipped"
			continue
		fi
		say "upstream fixtures: $UPSTREAM_DIR/$contract"
		out=$RUN_DIR/upstream-$contract.out
		rc=0
		PGDATABASE=mission_audit_upstream bash "$REPO_ROOT/scripts/replay_fixtures.sh" \
			"$UPSTREAM_DIR/$contract" "$contract" 2>&1 | tee "$out" || rc=$?
		read -r passed failed < <(awk '/: [0-9]+ passed, [0-9]+ failed$/ { p = $(NF-3); f = $(NF-1) }
			END { printf "%d %d\n", p, f }' "$out")
		if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
			failed=1
		fi
		record "upstream-$contract" "$passed" "$failed"
	done
}

# show_server_trouble: print crashes and assertion failures from the throwaway server's log.
show_server_trouble() {
	local logs=${PG_CLUSTER_CONF_ROOT:-/nonexistent}
	grep -h -A1 -E 'terminated by signal|PANIC|TRAP:' "${logs%/postgresql}"/log/*.log 2>/dev/null || true
}

# in_cluster SUITE...: run the chosen suites against the server PG* points at.
in_cluster() {
	local suite
	for suite in "$@"; do
		"run_$suite"
	done
	show_server_trouble
}

# summarize: print per-suite counts and the closing "N passed, N failed" line; fail on any
# failure or when nothing ran.
summarize() {
	local rc=$1 passed=0 failed=0 suite p f
	touch "$RUN_DIR/counts"
	while read -r suite p f; do
		printf '%s: %d passed, %d failed\n' "$suite" "$p" "$f"
		passed=$((passed + p))
		failed=$((failed + f))
	done <"$RUN_DIR/counts"
	if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
		failed=1 # the harness itself failed (build, cluster start, ...)
	fi
	[ "$((passed + failed))" -gt 0 ] || echo "no tests ran" >&2
	printf '%d passed, %d failed\n' "$passed" "$failed"
	[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
}

# parse_suites ARG...: print the suites to run, checking their names.
parse_suites() {
	local arg
	[ "$#" -gt 0 ] || set -- regress tap schemas fuzz projection conformance upstream
	for arg in "$@"; do
		case $arg in
		regress | tap | schemas | fuzz | projection | conformance | upstream) echo "$arg" ;;
		*) die "unknown suite '$arg' (expected regress, tap, schemas, fuzz, projection, conformance or upstream)" ;;
		esac
	done
}

main() {
	local suites rc=0
	case ${1:-} in -h | --help) usage && return 0 ;; esac
	if [ "${1:-}" = --in-cluster ]; then
		RUN_DIR=$2
		shift 2
		in_cluster "$@"
		return
	fi
	suites=$(parse_suites "$@")
	RUN_DIR=$(mktemp -d -t mission_audit_test.XXXXXX)
	trap 'rm -rf "$RUN_DIR"' EXIT
	ensure_deps
	if build_install; then
		# shellcheck disable=SC2086 # one suite name per word
		with_cluster bash "$REPO_ROOT/scripts/test.sh" --in-cluster "$RUN_DIR" $suites || rc=$?
	else
		rc=1
	fi
	summarize "$rc"
}

main "$@"
