#!/usr/bin/env bash
# Builds dist/, then the agent image offline (a debootstrap base plus the pinned Node), through the CLI.
set -euo pipefail
cd "$(dirname "$0")/.."
npx tsc -p tsconfig.json
export BABYBOT_HOME=${BABYBOT_HOME:-$HOME/.babybot}
node_bin=$(node -e 'process.stdout.write(process.execPath)' 2>/dev/null || true)
case "$(${node_bin:-node} --version 2>/dev/null)" in
	v24.*) ;;
	*) node_bin=$(readlink -f node_modules/node/bin/node) ;;
esac
"$node_bin" bin/babybot-tui.js image build --offline

# The Podman suite runs the same image: copy it in (a save/load of ~360 MB, ~12 s) when it changed.
if command -v podman >/dev/null 2>&1; then
	image=${CONTAINER_IMAGE:-babybot-agent:latest}
	docker_id=$(docker image inspect --format '{{.Id}}' "$image")
	podman_id=$(podman image inspect --format '{{.Id}}' "$image" 2>/dev/null || true)
	if [ "sha256:${podman_id#sha256:}" != "$docker_id" ]; then
		echo "copying $image into podman"
		docker save "$image" | podman load -q
	fi
fi
