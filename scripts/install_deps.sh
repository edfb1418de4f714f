#!/usr/bin/env bash
# install_deps.sh: install the Debian 12 packages mission_audit needs to build and test (idempotent).
set -euo pipefail

PACKAGES=(
	postgresql-15                          # server, psql, pg_virtualenv (postgresql-common)
	postgresql-server-dev-15               # pg_config, PGXS, pg_regress
	postgresql-15-pgtap                    # pgTAP extension
	libtap-parser-sourcehandler-pgtap-perl # pg_prove
	python3                                # /usr/bin/python3 for the helpers
	python3-jsonschema
	make
	gcc
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
	mapfile -t missing < <(missing_packages)
	if [ "${#missing[@]}" -eq 0 ]; then
		echo "install_deps: all ${#PACKAGES[@]} required packages are already installed"
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
