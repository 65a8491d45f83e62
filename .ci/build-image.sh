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
