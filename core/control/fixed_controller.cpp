#include "core/control/fixed_controller.h"

#include <cmath>
#include <sstream>
#include <stdexcept>

namespace awb::core {

namespace {

    std::string capText(double capW)
    {
        std::ostringstream text;
        text << capW;
        return text.str();
    }

} // namespace

FixedController::FixedController(const ConfigurationTable& table, Configuration configuration)
    : m_table(table)
    , m_configuration(configuration)
{
    if (configuration.model >= table.modelCount() || configuration.cap >= table.capCount())
        throw std::invalid_argument("the fixed configuration is not in the profile");
}

Configuration FixedController::parse(const ConfigurationTable& table, const std::string& text)
{
    const std::string usage = "'" + text + "' must read fixed:MODEL@CAP, e.g. fixed:cnn-l@65";
    if (!names(text))
        throw std::invalid_argument(usage);
    const std::string body = text.substr(6);
    const std::size_t at = body.rfind('@');
    if (at == std::string::npos || at == 0 || at + 1 == body.size())
        throw std::invalid_argument(usage);
    const std::string modelName = body.substr(0, at);
    const std::string capPart = body.substr(at + 1);
    Configuration configuration;
    std::string models;
    bool found = false;
    for (std::size_t d = 0; d < table.modelCount(); ++d) {
        models += (d > 0 ? ", " : "") + table.model(d).name;
        if (table.model(d).name == modelName) {
            configuration.model = d;
            found = true;
        }
    }
    if (!found)
        throw std::invalid_argument(
            "fixed configuration '" + text + "': the profile has no model '" + modelName + "' (it has " + models + ")");
    std::size_t used = 0;
    double capW = NAN;
    try {
        capW = std::stod(capPart, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    std::string caps;
    for (std::size_t p = 0; p < table.capCount(); ++p) {
        caps += (p > 0 ? ", " : "") + capText(table.capW(p));
        if (used == capPart.size() && std::abs(table.capW(p) - capW) < 1e-3) {
            configuration.cap = p;
            return configuration;
        }
    }
    throw std::invalid_argument(
        "fixed configuration '" + text + "': the profile has no cap '" + capPart + "' W (it has " + caps + ")");
}

std::string FixedController::name() const
{
    return "fixed:" + m_table.model(m_configuration.model).name + "@" + capText(m_table.capW(m_configuration.cap));
}

Decision FixedController::decide(std::int64_t /*inputIndex*/)
{
    Decision decision;
    decision.applied = decision.proposed = m_configuration;
    decision.capChanged = m_first;
    m_first = false;
    const std::size_t d = m_configuration.model;
    const std::size_t p = m_configuration.cap;
    decision.predicted.latencyMs = m_table.fullLatencyMs(d, p);
    decision.predicted.energyJ = m_table.activePowerW(d, p) * m_table.fullLatencyMs(d, p) / 1000.0;
    decision.predicted.accuracy = m_table.finalAccuracy(d);
    return decision;
}

nlohmann::ordered_json FixedController::settingsJson() const
{
    return { { "model", m_table.model(m_configuration.model).name },
        { "power_cap_w", m_table.capW(m_configuration.cap) } };
}

} // namespace awb::core
