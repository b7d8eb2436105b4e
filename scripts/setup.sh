#!/usr/bin/env bash
# A fresh clone to a runnable app: the build tools npm ci needs, the dependencies (Electron
# included where its binary can be downloaded; npm leaves it out elsewhere), and the build.
# `bash scripts/setup.sh && npm run training` is the README's first command.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/build-prerequisites.sh
npm ci --no-audit --no-fund
npm run build
