#!/usr/bin/env bash
# First README command: install what is missing, build, and start the workbench on the
# default store. With a display this opens the GUI; without one it runs the headless
# checks (doctor and a store summary). An optional argument names the store file.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh dev

bin=build/dev/app
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ "${QT_QPA_PLATFORM:-}" != offscreen ]; then
    exec "$bin/alertwb" "$@"
fi
echo "No display: running the headless workbench (alertwb-cli)." >&2
store=()
if [ $# -gt 0 ]; then
    store=(--db "$1")
fi
"$bin/alertwb-cli" "${store[@]}" doctor
"$bin/alertwb-cli" "${store[@]}" summary
