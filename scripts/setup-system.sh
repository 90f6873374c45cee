#!/usr/bin/env bash
# Installs what a fresh Debian machine lacks for mujun: python3-venv, the system libraries Qt
# needs (offscreen and on a real X display such as Xvfb) and a CJK font for the window.
# Safe to run again; silent when everything is there. Not Debian: says what to install.
set -euo pipefail
packages=(
  # Qt 6 (PySide6) on a bare Debian, offscreen
  libegl1 libgl1 libxkbcommon0 libfontconfig1 libdbus-1-3 libglib2.0-0
  # … and in a real X window (Xvfb or a desktop)
  libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0
  libxcb-xinerama0 libxcb-randr0 libxcb-render-util0 libxcb-image0
  # Chinese text in window, dialogs and screenshots
  fonts-wqy-microhei
)
need=()
python3 -m venv --help >/dev/null 2>&1 || need+=(python3-venv)
python3 -c 'import ensurepip' >/dev/null 2>&1 || need+=(python3-venv)
if command -v dpkg-query >/dev/null; then
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || need+=("$p")
  done
fi
if [ ${#need[@]} -gt 0 ]; then
  if ! command -v apt-get >/dev/null; then
    echo "缺少系统软件包 / missing system packages: ${need[*]}" >&2; exit 1; fi
  if [ "$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null; then SUDO=sudo; else
    echo "缺少系统软件包 / missing system packages: ${need[*]} (run as root)" >&2; exit 1; fi
  echo "正在安装系统软件包 / installing system packages: ${need[*]}" >&2
  $SUDO apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends \
    "${need[@]}" >/dev/null
fi
