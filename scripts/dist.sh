#!/usr/bin/env bash
# dist.sh: the PGXN release archive mission_audit-<version>.zip from git archive of HEAD.
#
# Usage: scripts/dist.sh [--tar] [OUTDIR]    (make dist calls it; OUTDIR defaults to the checkout)
#   The version is META.json's, which must equal the Makefile's EXTVERSION and the control
#   file's default_version. The archive holds the committed tree under mission_audit-<version>/
#   (uncommitted changes are not in it: commit first). --tar writes the Debian orig tarball
#   mission-audit_<version>.orig.tar.gz instead, for a source package of debian/.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# meta_version: the "version" of META.json.
meta_version() {
	/usr/bin/python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["version"])' "$REPO_ROOT/META.json"
}

main() {
	local tar=0 out version make_version control_version
	case ${1:-} in -h | --help) usage && return 0 ;; --tar) tar=1 && shift ;; esac
	out=${1:-$REPO_ROOT}
	version=$(meta_version)
	make_version=$(sed -n 's/^EXTVERSION *= *//p' "$REPO_ROOT/Makefile")
	control_version=$(sed -n "s/^default_version *= *'\\(.*\\)'/\\1/p" "$REPO_ROOT/mission_audit.control")
	[ "$version" = "$make_version" ] && [ "$version" = "$control_version" ] ||
		die "versions disagree: META.json $version, Makefile $make_version, mission_audit.control $control_version"
	git -C "$REPO_ROOT" diff --quiet HEAD -- || echo "dist.sh: uncommitted changes are not in the archive" >&2
	if [ "$tar" = 1 ]; then
		git -C "$REPO_ROOT" archive --format=tar.gz --prefix="mission_audit-$version/" \
			-o "$out/mission-audit_$version.orig.tar.gz" HEAD
		echo "$out/mission-audit_$version.orig.tar.gz"
	else
		git -C "$REPO_ROOT" archive --format=zip --prefix="mission_audit-$version/" \
			-o "$out/mission_audit-$version.zip" HEAD
		echo "$out/mission_audit-$version.zip"
	fi
}

main "$@"
