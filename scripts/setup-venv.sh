#!/usr/bin/env bash
# Creates .venv beside the checkout and installs mujun into it (editable) with the given extras.
# Skips pip when pyproject.toml and the extras are unchanged since the last install.
# Usage: scripts/setup-venv.sh [EXTRAS]   e.g. scripts/setup-venv.sh test
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
bash "$here/scripts/setup-system.sh"
venv="$here/.venv"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
extras="${1:-}"
stamp="$(cat "$here/pyproject.toml" | sha256sum | cut -c1-16)-${extras:-none}"
if [ "$(cat "$venv/.mujun-installed" 2>/dev/null)" != "$stamp" ]; then
  echo "正在安装依赖 / installing dependencies into .venv …" >&2
  spec="$here"
  [ -n "$extras" ] && spec="$here[$extras]"
  log="$venv/pip.log"
  if ! { "$venv/bin/python" -m pip install --disable-pip-version-check --upgrade pip &&
         "$venv/bin/python" -m pip install --disable-pip-version-check -e "$spec"; } >"$log" 2>&1; then
    tail -n 40 "$log" >&2
    echo "安装失败，完整记录见 / install failed, full log: $log" >&2
    exit 1
  fi
  echo "$stamp" > "$venv/.mujun-installed"
fi
