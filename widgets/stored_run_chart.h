#pragma once

#include "core/records/run_record.h"
#include "database/store.h"
#include "widgets/run_chart_data.h"

#include <cstdint>
#include <string>

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

} // namespace awb::ui
