#pragma once

#include "core/control/alert_controller.h"

#include <memory>

namespace awb::core {

// App-only: ALERT's estimator restricted to the DNN choice; the cap stays at the highest.
std::unique_ptr<AlertController> makeAppOnlyController(
    const ConfigurationTable& table, AlertSettings settings, Goals goals);

// The fixed DNN of Sys-only for these goals, judged on the profile alone (ξ = 1, the initial idle
// power): the most accurate model that meets the goals at some cap (its last output by the
// deadline, and within the energy budget or at or above the accuracy goal); if none does, the
// most accurate that meets the deadline at some cap; if none does, the fastest at the highest cap.
std::size_t sysOnlyModel(const ConfigurationTable& table, const Goals& goals, const AlertSettings& settings);

// Sys-only: a fixed DNN (sysOnlyModel, chosen again when the goals change) and a feedback loop
// on the cap: ALERT's ξ filter and estimator restricted to the caps of that DNN.
// `table` must outlive it. Threading: none; one owner.
class SysOnlyController final : public Controller {
public:
    SysOnlyController(const ConfigurationTable& table, AlertSettings settings, Goals goals);

    std::string name() const override { return "sys-only"; }
    void setGoals(const Goals& goals) override;
    Decision decide(std::int64_t inputIndex) override { return m_inner.decide(inputIndex); }
    void observe(const Observation& observation) override { m_inner.observe(observation); }
    void setTimeLeftForNextInput(double timeLeftMs) override { m_inner.setTimeLeftForNextInput(timeLeftMs); }
    nlohmann::ordered_json settingsJson() const override;

    std::size_t fixedModel() const { return m_model; }

private:
    const ConfigurationTable& m_table;
    AlertSettings m_settings;
    std::size_t m_model;
    AlertController m_inner;
};

// No-coord: App-only and Sys-only at once, each unaware of the other. The DNN is App-only's
// choice, the cap Sys-only's. Each learns as if only its own knob moved: App-only compares the
// measured latency with the chosen DNN's profile at the highest cap (a lowered cap looks like
// contention to it), Sys-only with its fixed DNN's profile at the chosen cap (a DNN switch looks
// like contention), at the same output index where that DNN has it, else its last.
// `table` must outlive it. Threading: none; one owner.
class NoCoordController final : public Controller {
public:
    NoCoordController(const ConfigurationTable& table, AlertSettings settings, Goals goals);

    std::string name() const override { return "no-coord"; }
    void setGoals(const Goals& goals) override;
    Decision decide(std::int64_t inputIndex) override;
    void observe(const Observation& observation) override;
    void setTimeLeftForNextInput(double timeLeftMs) override
    {
        m_app->setTimeLeftForNextInput(timeLeftMs);
        m_sys.setTimeLeftForNextInput(timeLeftMs);
    }
    nlohmann::ordered_json settingsJson() const override;

private:
    const ConfigurationTable& m_table;
    std::unique_ptr<AlertController> m_app;
    SysOnlyController m_sys;
    std::size_t m_lastCap;
};

} // namespace awb::core
