#!/usr/bin/env bash
# Make sure Debian's Chromium is present for the browser tests (never `playwright install`,
# which downloads its own browser and cannot work offline). With CI=true a missing browser is
# an error; elsewhere the browser tests skip and say why.
set -euo pipefail
if command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's chromium for the browser tests..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  sudo apt-get update -qq
  sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
if ! [ -x /usr/bin/chromium ]; then
  if [ "${CI:-}" = "true" ]; then
    echo "Chromium is required for the browser tests in CI and could not be installed." >&2
    exit 1
  fi
  echo "Chromium is not installed: browser tests will be skipped (apt-get install chromium)." >&2
fi
