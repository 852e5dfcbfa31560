#pragma once

// One replay comparison from request to reports (ALERT.md, "Evaluation protocol"): the profile
// session and per-input correctness from the store, the device's idle power, the configuration
// table with the test set's accuracies, one slowdown trace per environment, the goal grid, and
// core::evaluateControllers per environment. `alertwb-cli evaluate` (one environment) and the
// GUI's Compare page (several) both fill a ComparisonRequest, so their numbers agree.

#include "core/control/alert_settings.h"
#include "core/control/configuration_table.h"
#include "core/control/contention_spec.h"
#include "core/control/evaluation.h"
#include "core/control/slowdown_trace.h"
#include "database/replay_source.h"
#include "database/store.h"

#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

namespace awb::db {

// Where one environment's slowdown comes from; exactly one source, or none for "alone".
struct ComparisonEnvironment {
    std::string name; // shown and exported: "alone", "memory", "compute", "run 7", …
    std::string contention; // a contention spec synthesized with the levels (empty: alone throughout)
    std::string traceFile; // or a slowdown trace CSV
    std::int64_t traceRun = 0; // or the slowdown a finished live run met (its steps' xi_observed)

    // `kind` co-running for the whole run of `inputs` inputs (alone: no co-runner), e.g. spec
    // memory@0-5000: the paper's "memory-bound co-runner" environment.
    static ComparisonEnvironment wholeRun(core::ContentionKind kind, std::int64_t inputs);
    static ComparisonEnvironment recordedRun(std::int64_t runId);
};

// Inputs an environment replays when the request names none: the test set's size, or longer
// when a contention spec runs past it.
constexpr std::int64_t kDefaultComparisonInputs = 10000;

struct ComparisonRequest {
    // 0: the profile the first recorded-run environment's controller decided over, else the
    // newest complete session.
    std::int64_t sessionId = 0;
    std::vector<std::string> modelNames; // empty: every model the session measured
    std::string goals = "5x5"; // core::parseGoalGrid's text
    std::vector<ComparisonEnvironment> environments;
    std::string contentionLevels; // overrides of the measured levels (ContentionLevels::override)
    std::int64_t inputs = 0; // inputs per environment; 0: the trace's, or kDefaultComparisonInputs
    std::uint64_t seed = 1; // of the synthesized traces
    double idlePowerW = -1.0; // < 0: the emulated device's, else required
    bool ablations = false;
    bool oracleKnowsCorrectness = false;
    bool profileAccuracy = false; // the profile cells' accuracy instead of the correctness's mean
    std::int64_t violationWindow = 0; // inputs per goal-violation window; 0: the whole run
    int threads = 0; // settings replayed in parallel; 0: one per hardware thread
    core::AlertSettings alert; // idlePower.initialPowerW is set from the device
};

// A request that cannot be evaluated, one line: a malformed grid, spec or setting, no such
// session or run, a profile the table refuses, an unknown idle power. (`evaluate` exits 2.)
class ComparisonError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct PreparedEnvironment {
    ComparisonEnvironment environment;
    core::SlowdownTrace trace;
};

// Everything the replays read, checked and built; no store access is left.
struct PreparedComparison {
    ReplaySource source;
    core::ConfigurationTable table;
    double idlePowerW = 0.0;
    core::ContentionLevels levels;
    core::EvaluationOptions evaluation; // settings = the goal grid; shouldStop unset
    std::vector<PreparedEnvironment> environments;
};

// Checks the request's own text, without the store: at least one environment, one slowdown
// source each, the alert settings, the contention levels and the goal grid. Throws
// ComparisonError with one line.
void validateComparisonRequest(const ComparisonRequest& request);

// Refuses (ComparisonError) in the order `evaluate` always has: the request's own text (alert
// settings, levels, grid), then the store (session, models, correctness, idle power), then the
// table and each environment's trace. Threading: any thread with its own Store.
PreparedComparison prepareComparison(Store& store, const ComparisonRequest& request);

struct ComparisonProgress {
    std::size_t environment = 0; // index into the environments
    std::size_t environments = 0;
    std::string environmentName;
    int settingsDone = 0; // in this environment
    int settingsTotal = 0;
};

struct EnvironmentReport {
    ComparisonEnvironment environment;
    std::string traceDescription;
    std::size_t inputs = 0;
    core::EvaluationReport report;
    double replaySeconds = 0.0;
};

// Every environment's report with what produced it.
struct ComparisonResult {
    std::int64_t sessionId = 0;
    core::DeviceRecord device; // where the profile was measured
    std::vector<std::string> models;
    std::vector<double> capsW;
    std::uint64_t seed = 1;
    std::string goals;
    int settingsPerEnvironment = 0;
    std::vector<EnvironmentReport> environments; // in the request's order

    // Every energy figure comes from a modelled power, and must say so wherever it is shown.
    bool emulated() const { return device.isEmulated(); }
};

using ComparisonProgressCallback = std::function<void(const ComparisonProgress&)>;

// Replays every environment of `prepared` in turn. `progress` comes from the replay's worker
// threads (serialised); `shouldStop` is polled before each goal setting, from those threads too,
// and true ends the comparison with core::EvaluationCancelled: no partial result is returned.
ComparisonResult runComparison(const PreparedComparison& prepared, const ComparisonRequest& request,
    const ComparisonProgressCallback& progress = {}, const std::function<bool()>& shouldStop = {});

// prepareComparison then runComparison. Threading: blocks for the whole replay (seconds to
// minutes); call it off the GUI thread.
ComparisonResult runComparison(Store& store, const ComparisonRequest& request,
    const ComparisonProgressCallback& progress = {}, const std::function<bool()>& shouldStop = {});

} // namespace awb::db
