#!/usr/bin/env bash
# The test command: formatting, clippy with warnings denied, and every test on both backends.
# Starts a throwaway PostgreSQL cluster on 127.0.0.1 unless DATAWARD_TEST_POSTGRES_URL is set, and
# installs Chromium and chromedriver for the browser test when they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${DATAWARD_TEST_POSTGRES_URL:-}" ]; then
  DATAWARD_TEST_POSTGRES_URL="$(scripts/postgres.sh start)"
  export DATAWARD_TEST_POSTGRES_URL
  trap 'scripts/postgres.sh stop' EXIT
fi
echo "PostgreSQL for tests: $DATAWARD_TEST_POSTGRES_URL"
# Each PostgreSQL contract test creates its own dw_test_* database and leaves it; drop the ones an
# earlier run left on a reused cluster (one still in use by another run is skipped).
if command -v psql >/dev/null 2>&1; then
  psql "$DATAWARD_TEST_POSTGRES_URL" -Atqc "SELECT datname FROM pg_database WHERE datname LIKE 'dw\_test\_%'" 2>/dev/null |
    while read -r db; do psql "$DATAWARD_TEST_POSTGRES_URL" -qc "DROP DATABASE IF EXISTS \"$db\"" >/dev/null 2>&1 || true; done || true
fi
# Headless Chromium and chromedriver for the browser end-to-end test (apt-get when missing).
scripts/browser.sh

cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo test --workspace --locked
