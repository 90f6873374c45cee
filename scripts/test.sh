#!/usr/bin/env bash
# Installs everything and runs the whole test suite headless. Extra arguments go to pytest.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
bash "$here/scripts/setup-venv.sh" test
cd "$here"
export QT_QPA_PLATFORM=offscreen
exec "$here/.venv/bin/python" -m pytest "$@"
