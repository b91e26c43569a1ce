#!/bin/sh
# Installs the Debian packages named as arguments that are not installed
# yet; quiet when nothing is missing.
#
#   sh tests/deps.sh PKG...        (the Makefile's `make deps`)
#
# As root: apt-get update, then apt-get install of the missing packages,
# with a policy-rc.d that forbids starting services for the duration, so
# that installing prosody does not leave a system daemon holding
# 0.0.0.0:5269 (the integration tests need that port on loopback
# addresses). Not root: prints the command to run and fails.
set -eu

missing=
for pkg in "$@"; do
	status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null) ||
	    status=
	[ "$status" = installed ] || missing="$missing $pkg"
done
[ -n "$missing" ] || exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "missing Debian packages:$missing" >&2
	echo "run: sudo sh -c 'apt-get update &&" \
	    "DEBIAN_FRONTEND=noninteractive apt-get install -y$missing'" >&2
	exit 1
fi

policy=/usr/sbin/policy-rc.d
created_policy=
cleanup() {
	if [ -n "$created_policy" ]; then
		rm -f "$policy"
	fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
if [ ! -e "$policy" ]; then
	# invoke-rc.d asks this script before starting a service; 101 means
	# "not allowed".
	printf '#!/bin/sh\nexit 101\n' > "$policy"
	chmod 755 "$policy"
	created_policy=yes
fi

echo "installing:$missing" >&2
apt-get update
# shellcheck disable=SC2086 # one word per package
DEBIAN_FRONTEND=noninteractive apt-get install -y $missing

# stop_service NAME: should a service manager have started NAME all the
# same, stops it and keeps it from starting at boot: the tests run their
# own (its pid file is /run/NAME/NAME.pid).
stop_service() {
	if command -v systemctl >/dev/null 2>&1 &&
	    systemctl is-active --quiet "$1" 2>/dev/null; then
		systemctl stop "$1"
	elif [ -s "/run/$1/$1.pid" ] &&
	    kill -0 "$(cat "/run/$1/$1.pid")" 2>/dev/null; then
		kill "$(cat "/run/$1/$1.pid")"
	fi
	if command -v systemctl >/dev/null 2>&1; then
		systemctl disable "$1" >/dev/null 2>&1 || :
	elif command -v update-rc.d >/dev/null 2>&1; then
		update-rc.d "$1" disable >/dev/null 2>&1 || :
	fi
}

case " $missing " in
*" prosody "*)
	stop_service prosody
	;;
esac
# ejabberd also brings Erlang's epmd, enabled as a socket unit that would
# listen on every address; the tests run ejabberd without distribution.
case " $missing " in
*" ejabberd "*)
	stop_service ejabberd
	stop_service epmd.socket
	stop_service epmd
	;;
esac
