#!/usr/bin/env bash
# The browser tests drive Debian's Chromium through playwright-core (no browser download is possible here).
set -euo pipefail
if ! command -v chromium >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq chromium >/dev/null
fi
chromium --version
