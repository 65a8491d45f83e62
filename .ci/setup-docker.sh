#!/usr/bin/env bash
# Makes sure a Docker engine answers: installs docker.io and debootstrap from Debian when needed,
# then starts dockerd in the background. Safe to run again.
set -euo pipefail

log_file=${DOCKERD_LOG:-/var/log/babybot-dockerd.log}
wait_seconds=${DOCKERD_WAIT_SECONDS:-60}

if docker info >/dev/null 2>&1 && command -v debootstrap >/dev/null 2>&1; then
	echo "docker engine answers; debootstrap present"
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "setup-docker.sh: no Docker engine answers and this is not root: start Docker yourself or run as root" >&2
	exit 1
fi

if ! command -v dockerd >/dev/null 2>&1 || ! command -v debootstrap >/dev/null 2>&1; then
	apt-get update -q
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q docker.io debootstrap
fi

if docker info >/dev/null 2>&1; then
	echo "docker engine answers"
	exit 0
fi

if ! pgrep -x dockerd >/dev/null 2>&1; then
	echo "starting dockerd (log: $log_file)"
	nohup dockerd >"$log_file" 2>&1 &
fi

for _ in $(seq 1 "$wait_seconds"); do
	if docker info >/dev/null 2>&1; then
		echo "docker engine answers"
		exit 0
	fi
	sleep 1
done
echo "setup-docker.sh: dockerd did not answer within ${wait_seconds}s; see $log_file" >&2
tail -n 20 "$log_file" >&2 || true
exit 1
