#!/usr/bin/env bash
# Creates .venv beside the checkout and installs mujun into it (editable) with the given extras.
# Usage: scripts/setup-venv.sh [EXTRAS]   e.g. scripts/setup-venv.sh test
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
bash "$here/scripts/setup-system.sh"
[ -x "$here/.venv/bin/python" ] || python3 -m venv "$here/.venv"
"$here/.venv/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip
spec="$here"
[ -n "${1:-}" ] && spec="$here[$1]"
"$here/.venv/bin/python" -m pip install -q --disable-pip-version-check -e "$spec"
