#pragma once

#include "core/control/controller.h"
#include "core/control/replay_environment.h"
#include "core/control/selection.h"

#include <vector>

namespace awb::core {

struct OracleSettings {
    // The accuracy the Oracle scores an outcome with. false (default): the profiled accuracy of
    // the output that came in time (q_fail when none), i.e. it knows the true latency and energy
    // of this input, not which model happens to classify it correctly. true: 1 when that output
    // got this input right, else 0 — a bound no predictor can approach (docs/controller.md).
    bool knowsCorrectness = false;
    double failAccuracy = 0.1; // q_fail, as ALERT's
    SelectionTolerances tolerances;
};

// Oracle: per input, the true outcome of every configuration in this environment (from the
// replay), then ALERT's selection rule on those true values. Not realizable: the lower bound.
// `environment` must outlive it. Threading: none; one owner.
class OracleController final : public Controller {
public:
    OracleController(const ReplayEnvironment& environment, OracleSettings settings, Goals goals);

    std::string name() const override { return "oracle"; }
    void setGoals(const Goals& goals) override;
    Decision decide(std::int64_t inputIndex) override;
    void observe(const Observation&) override { }
    nlohmann::ordered_json settingsJson() const override;

private:
    const ReplayEnvironment& m_environment;
    OracleSettings m_settings;
    Goals m_goals;
    std::vector<double> m_accuracy; // per configuration, this input
    std::vector<double> m_energyJ;
    std::size_t m_lastCap;
};

// Static Oracle: the single configuration that, fixed for the whole trace, does best in
// hindsight: the selection rule applied to each configuration's run-average energy per input and
// its real error rate (per-input correctness), with the goals' energy budget and accuracy goal
// read as run averages. Chosen again (over the whole trace) when the goals change.
// `environment` must outlive it. Threading: none; one owner.
class StaticOracleController final : public Controller {
public:
    StaticOracleController(const ReplayEnvironment& environment, OracleSettings settings, Goals goals);

    std::string name() const override { return "static-oracle"; }
    void setGoals(const Goals& goals) override;
    Decision decide(std::int64_t inputIndex) override;
    void observe(const Observation&) override { }
    nlohmann::ordered_json settingsJson() const override;

    Configuration choice() const { return m_choice; }

private:
    const ReplayEnvironment& m_environment;
    OracleSettings m_settings;
    Goals m_goals;
    Configuration m_choice;
    Prediction m_outcome; // run averages of the choice
    bool m_goalMet = true;
    std::size_t m_lastCap;
};

} // namespace awb::core
