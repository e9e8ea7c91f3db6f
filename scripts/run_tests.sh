#!/usr/bin/env bash
# What `make test` runs: lint, then every test, with a throwaway PostgreSQL for the workspace
# tests and Debian's Chromium for the browser tests. With CI=true neither may be skipped.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python

bash scripts/ensure_browser.sh || exit 1
bash scripts/ensure_proxy.sh || exit 1
.venv/bin/ruff check . || exit 1
.venv/bin/ruff format --check . || exit 1

started=""
if [ -z "${PILOTE_TEST_DATABASE_URL:-}" ]; then
  if url="$(bash scripts/start_postgres.sh)"; then
    export PILOTE_TEST_DATABASE_URL="$url"
    started=1
  elif [ "${CI:-}" = "true" ]; then
    echo "PostgreSQL could not be started; it is required in CI." >&2
    exit 1
  else
    echo "PostgreSQL could not be started: its tests will be skipped." >&2
  fi
fi

"$PY" -m pytest "$@"
status=$?
[ -n "$started" ] && bash scripts/start_postgres.sh stop >/dev/null 2>&1
exit $status
