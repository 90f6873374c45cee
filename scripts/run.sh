#!/usr/bin/env bash
# Installs everything and starts 亩均自评. Extra arguments go to `mujun`.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
bash "$here/scripts/setup-venv.sh"
exec "$here/.venv/bin/mujun" "$@"
