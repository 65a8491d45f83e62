#!/usr/bin/env bash
# Adds the two stronger runtimes beside Docker: Podman (rootful, with catatonit for --init) and
# gVisor's runsc, registered with the Docker daemon as the `runsc` runtime. Safe to run again, and
# before or after dockerd starts: a running daemon reloads its runtimes on SIGHUP (never restarted).
set -euo pipefail

daemon_json=${DOCKER_DAEMON_JSON:-/etc/docker/daemon.json}

missing=()
command -v podman >/dev/null 2>&1 || missing+=(podman)
[ -x /usr/libexec/podman/catatonit ] || missing+=(catatonit)
command -v runsc >/dev/null 2>&1 || missing+=(runsc)
if [ ${#missing[@]} -gt 0 ]; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "setup-runtimes.sh: ${missing[*]} missing and this is not root: install them (apt-get install ${missing[*]})" >&2
		exit 1
	fi
	apt-get update -q
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
fi

# Registers runsc (with --network=none: it refuses to start otherwise here) unless it is there already.
mkdir -p "$(dirname "$daemon_json")"
changed=$(node -e '
const fs = require("fs");
const file = process.argv[1];
const config = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, "utf8") || "{}") : {};
const runsc = {path: "/usr/bin/runsc", runtimeArgs: ["--network=none", "--platform=ptrace"]};
if (JSON.stringify(config.runtimes?.runsc) === JSON.stringify(runsc)) { process.stdout.write("no"); process.exit(0); }
config.runtimes = {...config.runtimes, runsc};
fs.writeFileSync(file, JSON.stringify(config, null, 2) + "\n");
process.stdout.write("yes");
' "$daemon_json")

if [ "$changed" = yes ] && pid=$(pidof dockerd); then
	echo "registered runsc in $daemon_json; reloading dockerd ($pid)"
	kill -HUP $pid
	for _ in $(seq 1 20); do
		docker info --format '{{json .Runtimes}}' 2>/dev/null | grep -q '"runsc"' && break
		sleep 0.5
	done
fi
if pidof dockerd >/dev/null; then
	docker info --format '{{json .Runtimes}}' | grep -q '"runsc"' || { echo "setup-runtimes.sh: dockerd does not list runsc after the reload; see $daemon_json" >&2; exit 1; }
else
	echo "dockerd is not running: it reads runsc from $daemon_json when it starts"
fi
podman info --format '{{json .Host.OCIRuntime.Name}}' >/dev/null
echo "podman $(podman --version | awk '{print $3}') and runsc answer"
