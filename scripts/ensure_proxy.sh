#!/usr/bin/env bash
# Make sure Debian's HAProxy is present for the replica test (tests/e2e/test_replicas.py puts it
# in front of two app processes on loopback, with its own configuration). It is installed with
# apt-get when missing, as root or through passwordless sudo. With CI=true a missing proxy is an
# error; elsewhere the replica test skips and says why.
#
# The test starts its own HAProxy in the foreground and never uses Debian's haproxy service. On
# a host with systemd the package enables that service with Debian's stock configuration, which
# listens on no port.
set -euo pipefail

found() {
  command -v haproxy >/dev/null 2>&1 || [ -x /usr/sbin/haproxy ]
}

if found; then
  exit 0
fi
apt=(env DEBIAN_FRONTEND=noninteractive apt-get -y -q -o DPkg::Lock::Timeout=300)
sudo=()
if [ "$(id -u)" != "0" ] && command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  sudo=(sudo)
fi
if command -v apt-get >/dev/null 2>&1 && { [ "$(id -u)" = "0" ] || [ ${#sudo[@]} -gt 0 ]; }; then
  echo "Installing Debian's haproxy for the replica test..."
  log="$(mktemp)"
  if ! { "${sudo[@]}" apt-get update -q && "${apt[@]}" install --no-install-recommends haproxy; } \
    >"$log" 2>&1; then
    echo "apt-get failed; the end of its log ($log):" >&2
    tail -n 20 "$log" >&2
  else
    rm -f "$log"
  fi
fi
if ! found; then
  if [ "${CI:-}" = "true" ]; then
    echo "HAProxy is required for the replica test in CI and could not be installed." >&2
    exit 1
  fi
  echo "HAProxy is not installed: the replica test will be skipped (apt-get install haproxy)." >&2
fi
