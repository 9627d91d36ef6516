#!/usr/bin/env bash
# Installs the Debian packages the test suite uses, when they are missing.
# Idempotent; needs root (or sudo) only when something is missing.
set -euo pipefail

need=()
test -x /bin/busybox || need+=(busybox-static)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
command -v git >/dev/null 2>&1 || need+=(git)
command -v ssh >/dev/null 2>&1 || need+=(openssh-client)
command -v docker-compose >/dev/null 2>&1 || docker compose version >/dev/null 2>&1 || need+=(docker-compose)
command -v promtool >/dev/null 2>&1 || need+=(prometheus)

if [ ${#need[@]} -eq 0 ]; then
	exit 0
fi
echo "test-deps: installing ${need[*]}"
sudo=""
if [ "$(id -u)" != 0 ]; then
	sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq

# Debian's prometheus package (the one that ships promtool) starts a
# Prometheus daemon on :9090 when installed: through systemd where systemd
# runs, else through /etc/init.d (as in CI, which has no systemd). The
# tests only need promtool, so keep the daemon from starting: a
# policy-rc.d that forbids it, unless the machine already has one (Docker
# images usually do, forbidding every start), then stop and disable
# whatever started anyway.
prometheus=""
case " ${need[*]} " in *" prometheus "*) prometheus=1 ;; esac
policy=""
if [ -n "$prometheus" ] && [ ! -e /usr/sbin/policy-rc.d ]; then
	policy=/usr/sbin/policy-rc.d
	printf '#!/bin/sh\n# scripts/test-deps.sh: no Prometheus daemon for the tests\ncase "$1" in prometheus|prometheus.service) exit 101 ;; esac\nexit 0\n' |
		$sudo tee "$policy" >/dev/null
	$sudo chmod 0755 "$policy"
	trap '$sudo rm -f "$policy"' EXIT
fi

$sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null

if [ -n "$prometheus" ]; then
	if [ -d /run/systemd/system ]; then
		$sudo systemctl disable --now prometheus.service >/dev/null 2>&1 || true
	elif [ -x /etc/init.d/prometheus ]; then
		$sudo /etc/init.d/prometheus stop >/dev/null 2>&1 || true
		$sudo update-rc.d prometheus disable >/dev/null 2>&1 || true
	fi
fi
