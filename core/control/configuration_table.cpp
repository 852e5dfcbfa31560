#include "core/control/configuration_table.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <set>
#include <sstream>
#include <stdexcept>
#include <tuple>

namespace awb::core {

namespace {

    std::string watts(double capW)
    {
        std::ostringstream text;
        text << capW << " W";
        return text.str();
    }

    bool finitePositive(double value) { return std::isfinite(value) && value > 0.0; }

    void validateModel(ModelProfile& m, const std::vector<double>& capsW)
    {
        const std::string who = "model '" + m.name + "'";
        if (m.accuracy.empty())
            throw std::invalid_argument(who + " has no outputs");
        if (!m.anytime && m.accuracy.size() != 1)
            throw std::invalid_argument(
                who + " is traditional but has " + std::to_string(m.accuracy.size()) + " outputs");
        for (double q : m.accuracy) {
            if (!(q >= 0.0 && q <= 1.0))
                throw std::invalid_argument(who + " has an accuracy outside [0, 1]");
        }
        if (m.latencyMs.size() != capsW.size() || m.powerW.size() != capsW.size())
            throw std::invalid_argument(
                who + " lacks latencies or powers for some of the " + std::to_string(capsW.size()) + " caps");
        for (std::size_t p = 0; p < capsW.size(); ++p) {
            std::vector<double>& latency = m.latencyMs[p];
            if (latency.size() != m.accuracy.size())
                throw std::invalid_argument(who + " lacks latencies of some outputs at cap " + watts(capsW[p]));
            for (std::size_t k = 0; k < latency.size(); ++k) {
                if (!finitePositive(latency[k]))
                    throw std::invalid_argument(who + " output " + std::to_string(k) + " at cap " + watts(capsW[p])
                        + " has no positive finite latency");
                if (k > 0)
                    latency[k] = std::max(latency[k], latency[k - 1]);
            }
            if (!std::isfinite(m.powerW[p]) || m.powerW[p] < 0.0)
                throw std::invalid_argument(who + " at cap " + watts(capsW[p]) + " has no finite power");
        }
    }

} // namespace

ConfigurationTable::ConfigurationTable(std::vector<ModelProfile> models, std::vector<double> capsW)
    : m_models(std::move(models))
    , m_capsW(std::move(capsW))
{
    if (m_models.empty())
        throw std::invalid_argument("the candidate set is empty: no model to choose from");
    if (m_capsW.empty())
        throw std::invalid_argument("the candidate set is empty: no power cap to choose from");
    for (std::size_t p = 0; p < m_capsW.size(); ++p) {
        if (!finitePositive(m_capsW[p]))
            throw std::invalid_argument("power cap " + watts(m_capsW[p]) + " is not a positive finite number");
        if (p > 0 && !(m_capsW[p] > m_capsW[p - 1]))
            throw std::invalid_argument("power caps must be distinct and in ascending order");
    }
    for (ModelProfile& m : m_models) {
        validateModel(m, m_capsW);
        m_maxOutputs = std::max(m_maxOutputs, static_cast<int>(m.accuracy.size()));
    }
    m_originalModels = allModels();
    m_originalCaps = allCaps();
}

ConfigurationTable ConfigurationTable::fromProfile(
    const std::vector<ModelRecord>& models, const std::vector<ProfileCellRecord>& cells)
{
    if (models.empty())
        throw std::invalid_argument("the candidate set is empty: no model to choose from");
    std::set<std::int64_t> wanted;
    for (const ModelRecord& m : models)
        wanted.insert(m.id);
    // (model id, output, cap) → cell; caps of these models' cells.
    std::map<std::tuple<std::int64_t, int, double>, const ProfileCellRecord*> byKey;
    std::set<double> caps;
    for (const ProfileCellRecord& cell : cells) {
        if (!wanted.contains(cell.modelId))
            continue;
        byKey[{ cell.modelId, cell.outputIndex, cell.powerCapW }] = &cell;
        caps.insert(cell.powerCapW);
    }
    if (caps.empty())
        throw std::invalid_argument(
            "the profile has no cells for any of the " + std::to_string(models.size()) + " candidate model(s)");
    std::vector<double> capsW(caps.begin(), caps.end());

    std::vector<ModelProfile> profiles;
    for (const ModelRecord& record : models) {
        ModelProfile m;
        m.id = record.id;
        m.name = record.name;
        m.anytime = record.kind == ModelKind::Anytime;
        const int outputs = static_cast<int>(record.outputs.size());
        if (outputs == 0)
            throw std::invalid_argument("model '" + record.name + "' has no outputs");
        m.accuracy.assign(static_cast<std::size_t>(outputs), 0.0);
        bool any = false;
        for (double capW : capsW) {
            std::vector<double> latency;
            for (int k = 0; k < outputs; ++k) {
                const auto found = byKey.find({ record.id, k, capW });
                if (found == byKey.end())
                    continue;
                any = true;
                latency.push_back(found->second->latencyMedianMs);
                m.accuracy[static_cast<std::size_t>(k)] = found->second->accuracy;
                if (k == outputs - 1)
                    m.powerW.push_back(found->second->powerW);
            }
            m.latencyMs.push_back(std::move(latency));
        }
        if (!any)
            throw std::invalid_argument("the profile has no cells for model '" + record.name + "'");
        for (std::size_t p = 0; p < capsW.size(); ++p) {
            for (int k = 0; k < outputs; ++k) {
                if (!byKey.contains({ record.id, k, capsW[p] }))
                    throw std::invalid_argument("the profile lacks model '" + record.name + "' output "
                        + std::to_string(k) + " at cap " + watts(capsW[p]));
            }
        }
        profiles.push_back(std::move(m));
    }
    return ConfigurationTable(std::move(profiles), std::move(capsW));
}

double ConfigurationTable::activePowerW(std::size_t model, std::size_t cap) const
{
    return std::min(m_capsW[cap], m_models[model].powerW[cap]);
}

ConfigurationTable ConfigurationTable::restricted(
    const std::vector<std::size_t>& models, const std::vector<std::size_t>& caps) const
{
    std::vector<ModelProfile> subModels;
    for (std::size_t d : models) {
        if (d >= m_models.size())
            throw std::invalid_argument("restricted: no model " + std::to_string(d));
        ModelProfile m = m_models[d];
        m.latencyMs.clear();
        m.powerW.clear();
        for (std::size_t p : caps) {
            if (p >= m_capsW.size())
                throw std::invalid_argument("restricted: no cap " + std::to_string(p));
            m.latencyMs.push_back(m_models[d].latencyMs[p]);
            m.powerW.push_back(m_models[d].powerW[p]);
        }
        subModels.push_back(std::move(m));
    }
    std::vector<double> subCaps;
    for (std::size_t p : caps)
        subCaps.push_back(m_capsW[p]);
    ConfigurationTable table(std::move(subModels), std::move(subCaps));
    for (std::size_t i = 0; i < models.size(); ++i)
        table.m_originalModels[i] = models[i];
    for (std::size_t i = 0; i < caps.size(); ++i)
        table.m_originalCaps[i] = caps[i];
    return table;
}

ConfigurationTable ConfigurationTable::withAccuracies(const std::vector<std::vector<double>>& accuracy) const
{
    if (accuracy.size() != m_models.size())
        throw std::invalid_argument("accuracies are given for " + std::to_string(accuracy.size())
            + " models, the table has " + std::to_string(m_models.size()));
    std::vector<ModelProfile> models = m_models;
    for (std::size_t d = 0; d < models.size(); ++d) {
        if (accuracy[d].size() != models[d].accuracy.size())
            throw std::invalid_argument("accuracies of model '" + models[d].name + "' do not match its outputs");
        models[d].accuracy = accuracy[d];
    }
    ConfigurationTable table(std::move(models), m_capsW);
    table.m_originalModels = m_originalModels;
    table.m_originalCaps = m_originalCaps;
    return table;
}

std::vector<std::size_t> ConfigurationTable::allModels() const
{
    std::vector<std::size_t> all(m_models.size());
    std::iota(all.begin(), all.end(), std::size_t { 0 });
    return all;
}

std::vector<std::size_t> ConfigurationTable::allCaps() const
{
    std::vector<std::size_t> all(m_capsW.size());
    std::iota(all.begin(), all.end(), std::size_t { 0 });
    return all;
}

} // namespace awb::core
