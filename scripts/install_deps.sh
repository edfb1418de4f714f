#!/usr/bin/env bash
# install_deps.sh: install the Debian packages mission_audit needs to build and test (idempotent).
#
# Usage: scripts/install_deps.sh [--ci]
#   The PostgreSQL major is $PG_VERSION, else the installed server's, else the one the Debian
#   release ships (bookworm 15, trixie 17, forky 18); see pg_major in scripts/lib.sh.
#   --ci also installs what .ci/run needs: Debian packaging tools and debootstrap.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PACKAGES=(
	"postgresql-$PG_VERSION"                 # server, psql, pg_virtualenv (postgresql-common)
	"postgresql-server-dev-$PG_VERSION"      # pg_config, PGXS, pg_regress
	"postgresql-$PG_VERSION-pgtap"           # pgTAP extension
	libtap-parser-sourcehandler-pgtap-perl # pg_prove
	python3                                # /usr/bin/python3 for the helpers
	python3-jsonschema
	make
	gcc
)
CI_PACKAGES=(
	debootstrap               # the other majors' throwaway roots
	debhelper                 # dpkg-buildpackage of debian/
	dpkg-dev
	fakeroot
	postgresql-server-dev-all # pg_buildext, debian/pgversions
	postgresql-all            # dpkg-buildpackage's build-time test (Build-Depends <!nocheck>)
)

# missing_packages: print each package of PACKAGES that dpkg does not list as installed.
missing_packages() {
	local p status
	for p in "${PACKAGES[@]}"; do
		status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
		[ "$status" = installed ] || printf '%s\n' "$p"
	done
}

main() {
	local missing
	case ${1:-} in
	--ci) PACKAGES+=("${CI_PACKAGES[@]}") ;;
	-h | --help) usage && return 0 ;;
	'') ;;
	*) die "unknown option $1" ;;
	esac
	mapfile -t missing < <(missing_packages)
	if [ "${#missing[@]}" -eq 0 ]; then
		echo "install_deps: all ${#PACKAGES[@]} required packages for PostgreSQL $PG_VERSION are already installed"
		return 0
	fi
	if [ "$(id -u)" -ne 0 ]; then
		echo "install_deps: must run as root to install: ${missing[*]}" >&2
		return 1
	fi
	echo "install_deps: installing: ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q
	apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null
}

main "$@"
