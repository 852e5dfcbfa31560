#pragma once

#include "core/control/configuration_table.h"
#include "core/control/controller.h"

#include <string>

namespace awb::core {

// One configuration for the whole run, whatever happens: the reference a user compares a
// controller against ("what if I had just deployed cnn-l at 65 W?"). Predictions are the profile's
// (ξ = 1): the latency to the last output, the active energy over it and the last output's
// accuracy. `table` must outlive it. Threading: none; one owner.
class FixedController final : public Controller {
public:
    // Throws std::invalid_argument when the configuration is not in the table.
    FixedController(const ConfigurationTable& table, Configuration configuration);
    // "fixed:MODEL@CAP" with CAP in W, e.g. fixed:cnn-l@65; throws std::invalid_argument naming
    // the text, an unknown model (listing the table's) or a cap the table lacks (listing its caps).
    static Configuration parse(const ConfigurationTable& table, const std::string& text);
    static bool names(const std::string& text) { return text.rfind("fixed:", 0) == 0; }

    std::string name() const override;
    void setGoals(const Goals&) override { }
    Decision decide(std::int64_t inputIndex) override;
    void observe(const Observation&) override { }
    nlohmann::ordered_json settingsJson() const override;

private:
    const ConfigurationTable& m_table;
    Configuration m_configuration;
    bool m_first = true;
};

} // namespace awb::core
