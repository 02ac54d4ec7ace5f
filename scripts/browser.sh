#!/usr/bin/env bash
# Makes sure headless Chromium and chromedriver are installed for the browser end-to-end test:
# installs Debian's `chromium` and `chromium-driver` with apt-get when either is missing (as root,
# or through sudo). Does nothing when DATAWARD_CHROMEDRIVER names another driver.
set -euo pipefail

if [ -n "${DATAWARD_CHROMEDRIVER:-}" ]; then
  exit 0
fi
if command -v chromedriver >/dev/null 2>&1 \
   && { command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; }; then
  exit 0
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
echo "installing chromium and chromium-driver for the browser test" >&2
$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium chromium-driver >&2
