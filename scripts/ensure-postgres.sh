#!/usr/bin/env bash
# The PostgreSQL store's tests run against Debian's PostgreSQL server in a throwaway cluster that
# scripts/run-tests.mjs starts on loopback; this only makes sure the server binaries are installed.
set -euo pipefail
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ! command -v initdb >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq postgresql >/dev/null
fi
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
"${bin:-$(dirname "$(command -v initdb)")}/postgres" --version
