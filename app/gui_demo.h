#pragma once

#include <QString>

namespace awb::app {

// The headless tour of the workbench (`alertwb --demo [FOLDER]`, what the README's first command
// runs on a machine without a display): the real main window, offscreen, driven page by page —
// profile the shipped zoo (Profile page), run ALERT live against a workload with a memory-bound
// co-runner phase (Live page), replay ALERT and its baselines in three contention environments
// and the run's own recorded slowdown (Compare page) — then print a summary and write the store,
// the exports and every chart as PNG and SVG into `folder` (created; an empty name picks
// ./alertwb-demo-<time>). Progress goes to stderr, the summary to stdout.
// Returns the process exit status: 0 done, 1 a step failed (its one-line reason on stderr),
// 2 the folder cannot be used.
int runHeadlessDemo(QString folder);

} // namespace awb::app
