#!/usr/bin/env bash
# Installs the Debian packages lookout needs, only those that are missing.
# Usage: scripts/ensure-deps.sh [--tests]   (--tests also installs tmux for the end-to-end tests, openssl for the
# TLS tests, Debian's prometheus, against which the exposition parser is checked, its alertmanager, which takes
# lookout's alert notifications in a test, and ncurses-term for the xterm-direct terminfo of the 24-bit colour test)
set -euo pipefail

packages=(libcurl4-openssl-dev libncurses-dev libsqlite3-dev pkg-config)
[ "${1:-}" = "--tests" ] && packages+=(tmux openssl prometheus prometheus-alertmanager ncurses-term)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v swift >/dev/null 2>&1; then
  echo "lookout: the Swift toolchain (6.0 or later) is required: https://www.swift.org/install/linux/" >&2
fi

as_root=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "lookout: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  as_root=(sudo)
fi
echo "lookout: installing ${missing[*]}" >&2
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
