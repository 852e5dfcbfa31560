#!/usr/bin/env bash
# Configures and builds one preset (default: dev) with ccache. Usage: scripts/build.sh [preset]
set -euo pipefail
cd "$(dirname "$0")/.."
preset="${1:-dev}"
export CCACHE_DIR="${CCACHE_DIR:-$PWD/.cache/ccache}"
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset"
