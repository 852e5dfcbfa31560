#!/usr/bin/env bash
# Second README command (and CI's): install what is missing, build, and run the whole test
# suite through ctest, headless.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh dev
export QT_QPA_PLATFORM=offscreen
ctest --preset dev --output-on-failure -j2
