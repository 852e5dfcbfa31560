#pragma once

#include "core/control/alert_settings.h"
#include "core/control/configuration_table.h"
#include "core/control/controller.h"
#include "core/control/estimator.h"
#include "core/control/idle_power_filter.h"
#include "core/control/slowdown_filter.h"

#include <optional>
#include <string>
#include <vector>

namespace awb::core {

// Which part of the configuration space a controller may choose from (indices into the full
// table). Empty lists mean "all".
struct CandidateSet {
    std::vector<std::size_t> models;
    std::vector<std::size_t> caps;
};

// ALERT (docs/ALERT.md): every input, score all candidate configurations with the estimator
// under the current ξ and idle-power beliefs, pick by the goal mode's rule, then learn ξ_obs =
// t_measured / t_profiled (of the last output that completed) and the idle power from what ran.
// Restricted to one dimension it is the App-only (all models, the highest cap) and Sys-only (one
// model, all caps) baselines. Dry run: decides and reports, but the configuration in place at
// the start (the most accurate candidate model at the highest cap) keeps running.
// `table` must outlive the controller. Threading: none; one owner.
class AlertController final : public Controller {
public:
    // Throws std::invalid_argument for invalid settings or goals, or an empty candidate set
    // (also when traditionalOnly leaves no model).
    AlertController(const ConfigurationTable& table, AlertSettings settings, Goals goals, CandidateSet candidates = {},
        std::string name = "alert");

    std::string name() const override { return m_name; }
    void setGoals(const Goals& goals) override;
    Decision decide(std::int64_t inputIndex) override;
    void observe(const Observation& observation) override;
    void setTimeLeftForNextInput(double timeLeftMs) override { m_timeLeftMs = timeLeftMs; }
    nlohmann::ordered_json settingsJson() const override;

    // Narrows or widens the candidates; the filters keep what they learned.
    void setCandidates(CandidateSet candidates);
    const Goals& goals() const { return m_goals; }
    const SlowdownFilter& slowdownFilter() const { return m_slowdown; }
    const IdlePowerFilter& idlePowerFilter() const { return m_idlePower; }
    Belief belief() const;
    // Scores of the last decide(), indexed like candidateTable().
    const Estimates& lastEstimates() const { return m_estimates; }
    const ConfigurationTable& candidateTable() const { return *m_candidates; }

private:
    const ConfigurationTable& m_table;
    AlertSettings m_settings;
    Goals m_goals;
    std::string m_name;
    std::optional<ConfigurationTable> m_candidates;
    std::optional<Estimator> m_estimator;
    Estimates m_estimates;
    SlowdownFilter m_slowdown;
    IdlePowerFilter m_idlePower;
    Configuration m_default; // what runs in dry run
    std::size_t m_lastCap; // the cap in place (the highest at start)
    double m_timeLeftMs = 0.0; // > 0: the next decision's deadline, for that decision only
};

} // namespace awb::core
