#!/usr/bin/env bash
# First README command: install what is missing, build, and start the workbench.
# With a display it opens the GUI on the default store (a first start profiles the shipped zoo
# with a progress bar, then opens the Live page ready to Start). Without one it runs the headless
# demo: profile the zoo, run ALERT live against a workload with co-runners, compare it with its
# baselines, print a summary and write the store, exports and chart PNGs into a new folder.
# An optional argument names the store file (GUI) or the demo's folder (no display).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh dev

bin=build/dev/app
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ "${QT_QPA_PLATFORM:-}" != offscreen ]; then
    exec "$bin/alertwb" "$@"
fi
echo "No display: running the headless demo (alertwb --demo); about two minutes." >&2
"$bin/alertwb-cli" doctor
exec "$bin/alertwb" --demo "$@"
