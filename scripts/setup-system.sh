#!/usr/bin/env bash
# Installs what a fresh Debian machine lacks for mujun: python3-venv and, once the desktop lands,
# the Qt system libraries. Safe to run again; silent when everything is there.
set -euo pipefail
need=()
python3 -m venv --help >/dev/null 2>&1 || need+=(python3-venv)
python3 -c 'import ensurepip' >/dev/null 2>&1 || need+=(python3-venv)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null; then SUDO=sudo; else
    echo "缺少系统软件包 / missing system packages: ${need[*]} (run as root)" >&2; exit 1; fi
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "${need[@]}"
fi
