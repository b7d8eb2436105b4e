#!/usr/bin/env bash
# What `npm ci` needs before it can run: it builds pcsclite (against libpcsclite-dev) and, where
# its prebuilt binary cannot be downloaded, better-sqlite3 from source with node-gyp. Installed
# when root, otherwise named in the exact command to run. Nothing else: the test suite's own
# needs are scripts/prepare-test-machine.sh's.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/machine.sh

require_node
ensure_packages 'npm ci builds the native modules and needs' python3 make g++ libpcsclite-dev
