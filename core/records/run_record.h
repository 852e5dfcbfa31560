#pragma once

#include "core/records/profile_record.h"

#include <cstdint>
#include <string>

namespace awb::core {

// One live or replayed controller run against a workload.
struct RunRecord {
    std::int64_t id = 0;
    std::string uid;
    std::int64_t deviceId = 0;
    std::int64_t profileSessionId = 0; // the profile the controller used; 0 when none
    std::string controller;            // alert, oracle, static-oracle, app-only, sys-only, no-coord
    std::string goalMode;              // max-accuracy or min-energy
    double deadlineMs = 0.0;
    double energyBudgetJ = 0.0; // max-accuracy mode; 0 otherwise
    double accuracyGoal = 0.0;  // min-energy mode; 0 otherwise
    std::string scenario;       // single-stream or server
    std::string contentionSpec; // e.g. memory@200-400,compute@600-800
    std::uint64_t seed = 0;
    std::int64_t inputCount = 0; // inputs requested
    std::string startedAt;
    std::string finishedAt;
    SessionStatus status = SessionStatus::Running;
    std::string settingsJson; // every controller constant, recorded with the run
};

// One input handled by a run: the decision, the predictions and what was measured.
struct RunStepRecord {
    std::int64_t runId = 0;
    std::int64_t inputIndex = 0;
    double arrivalMs = 0.0; // since run start
    std::int64_t modelId = 0;
    int outputReached = 0;
    double powerCapW = 0.0;
    double latencyMs = 0.0;
    double energyJ = 0.0;
    bool deadlineMet = false;
    bool correct = false;
    double xiObserved = 0.0;
    double xiMean = 0.0;
    double xiStd = 0.0;
    double predictedLatencyMs = 0.0;
    double predictedEnergyJ = 0.0;
    double predictedAccuracy = 0.0;
};

// Something that happened during a run: contention start/stop, a goal change.
struct RunEventRecord {
    std::int64_t id = 0;
    std::int64_t runId = 0;
    std::int64_t inputIndex = 0;
    double timeMs = 0.0;
    std::string kind; // contention-start, contention-stop, goal-change, ...
    std::string detail;
};

// A run as the History page lists it.
struct RunSummary {
    RunRecord run;
    std::string deviceHost;
    std::string backend;
    std::int64_t stepCount = 0;
};

} // namespace awb::core
