#pragma once

#include "core/control/alert_settings.h"
#include "core/control/controller.h"
#include "core/control/oracle_controllers.h"
#include "core/control/replay.h"

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace awb::core {

enum class ControllerKind {
    Alert,
    Oracle,
    StaticOracle,
    AppOnly,
    SysOnly,
    NoCoord,
    AlertMeanOnly, // ablation: σ = 0
    AlertFixedQ, // ablation: Q stays Q0
    AlertTraditionalOnly, // ablation: no anytime model among the candidates
};

// alert, oracle, static-oracle, app-only, sys-only, no-coord, alert-mean-only, alert-fixed-q,
// alert-traditional-only.
const char* controllerName(ControllerKind kind);
// The paper's comparison (ALERT, Oracle, Static Oracle, App-only, Sys-only, No-coord), then the
// three ablations when asked for.
std::vector<ControllerKind> evaluatedControllers(bool ablations);

// A controller of `kind` for a replay in `environment` (the Oracles read its truth).
std::unique_ptr<Controller> makeController(ControllerKind kind, const ReplayEnvironment& environment,
    const AlertSettings& alert, const OracleSettings& oracle, const Goals& goals);

struct EvaluationOptions {
    std::vector<Goals> settings; // the goal grid
    bool ablations = false;
    AlertSettings alert;
    OracleSettings oracle;
    ReplayOptions replay;
    int threads = 0; // settings replayed in parallel; 0: one per hardware thread
    // Polled by every worker before it starts a setting (from the worker threads, so it must be
    // thread-safe); true stops the evaluation and evaluateControllers throws EvaluationCancelled.
    std::function<bool()> shouldStop;
};

// The evaluation was stopped through EvaluationOptions::shouldStop before every setting was
// replayed; no report exists, so a cancelled evaluation can never pass for a complete one.
class EvaluationCancelled : public std::runtime_error {
public:
    EvaluationCancelled(int settingsDone, int settingsTotal);
    int settingsDone() const { return m_done; }
    int settingsTotal() const { return m_total; }

private:
    int m_done;
    int m_total;
};

// A metric divided by the Oracle's or the Static Oracle's in the same setting; empty when that
// is 0 (e.g. no deadline missed by the Oracle).
struct Normalized {
    std::optional<double> energy;
    std::optional<double> error;
    std::optional<double> deadlineMiss;
    std::optional<double> violation;
};

struct ControllerOutcome {
    std::string controller;
    ReplayMetrics metrics;
    Normalized vsOracle;
    Normalized vsStaticOracle;
};

struct SettingOutcome {
    Goals goals;
    std::vector<ControllerOutcome> controllers; // in evaluatedControllers() order
};

// Per controller over a set of settings: means of the per-setting ratios (over the settings
// where the ratio exists) and of the absolute rates.
struct SummaryRow {
    std::string controller;
    std::optional<double> energyVsOracle;
    std::optional<double> errorVsOracle;
    std::optional<double> energyVsStaticOracle;
    std::optional<double> errorVsStaticOracle;
    double energyPerInputJ = 0.0;
    double errorRate = 0.0;
    double deadlineMissRate = 0.0;
    double violationRate = 0.0;
    double decisionNs = 0.0;
    int settings = 0;
};

struct EvaluationReport {
    std::vector<SettingOutcome> settings;
    std::vector<SummaryRow> summary; // all settings
    std::vector<SummaryRow> maxAccuracySummary; // max-accuracy settings only
    std::vector<SummaryRow> minEnergySummary; // min-energy settings only
    // The same over the settings whose goal the Oracle met (violation rate 0): where a goal cannot
    // be met, controllers differ in how they fail (which fallback), not in what they save.
    std::vector<SummaryRow> maxAccuracyFeasibleSummary;
    std::vector<SummaryRow> minEnergyFeasibleSummary;
};

// Replays every controller against `environment` for each goal setting (each setting one run
// with fixed goals), in parallel over settings; the result does not depend on the thread count.
// `progress(done, total)` is called from the worker threads after each setting (serialised).
// Throws std::invalid_argument for an empty grid or an invalid goal, EvaluationCancelled when
// options.shouldStop said so (the settings in flight finish first).
EvaluationReport evaluateControllers(const ReplayEnvironment& environment, const EvaluationOptions& options,
    const std::function<void(int done, int total)>& progress = {});

std::vector<SummaryRow> summarize(const std::vector<SettingOutcome>& settings);

// {"summary":[{controller, energy_vs_oracle, error_vs_oracle, energy_vs_static_oracle,
//  error_vs_static_oracle, deadline_miss_rate, violation_rate, …}], "summary_by_mode": {…},
//  "summary_feasible_by_mode": {…},
//  "settings":[{mode, deadline_ms, energy_budget_j | accuracy_goal, controllers:[…]}]}
nlohmann::ordered_json toJson(const EvaluationReport& report);

} // namespace awb::core
