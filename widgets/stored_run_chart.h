#pragma once

#include "core/records/run_record.h"
#include "database/store.h"
#include "widgets/run_chart_data.h"

#include <cstdint>
#include <string>
#include <vector>

namespace awb::ui {

// A finished (or stopped) run read back from the store into what its charts show: the goals in
// force input by input (the run's, then each goal-change event's), the co-runner phases (its
// contention events), the running accuracy and the run's counters. The same charts as the Live
// page, so a stored run looks as it did live.
struct StoredRunChart {
    core::RunRecord run;
    std::string backend;
    bool emulated = false;
    std::string title; // e.g. "run 12 · alert · max-accuracy, deadline 10 ms, energy budget 0.6 J"
    RunChartData data;
};

// Throws db::StoreError (unreadable store) or std::runtime_error (no such run) with one line.
StoredRunChart loadStoredRunChart(db::Store& store, std::int64_t runId);

// Controllers a stored run's slowdown can be replayed with (evaluate's, ablations included).
std::vector<std::string> replayControllerNames();

// What `controller` would have done input by input against the slowdown run `runId` met (its
// steps' xi_observed), the profile it decided over, its goals and goal changes, and the test set's
// per-input correctness: the replay of `evaluate --trace-run`, kept step by step, so it overlays
// the run itself on the same trace. Throws std::runtime_error or db::ComparisonError (one line).
StoredRunChart replayStoredRun(db::Store& store, std::int64_t runId, const std::string& controller);

} // namespace awb::ui
