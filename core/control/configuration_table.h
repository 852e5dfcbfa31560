#pragma once

#include "core/records/model_record.h"
#include "core/records/profile_record.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace awb::core {

// What profiling says about one candidate DNN at every power cap of a table.
struct ModelProfile {
    std::int64_t id = 0; // store id (0 for crafted tables)
    std::string name;
    bool anytime = false; // anytime: outputs delivered one after another; traditional: one output
    std::vector<double> accuracy; // per output, fraction in [0, 1], independent of the cap
    // [cap][output]: median latency from input start to that output (ms), cumulative.
    std::vector<std::vector<double>> latencyMs;
    std::vector<double> powerW; // [cap]: mean power running to the last output (W)
};

// The configuration space C = D × P of docs/ALERT.md: candidate models × power caps, with the
// profiled latency per output, active power and accuracy of each. Configuration c of model d at
// cap p has index c = d · capCount() + p; caps are in ascending order.
// Immutable after construction; safe to share between threads.
class ConfigurationTable {
public:
    // Throws std::invalid_argument naming the problem: no model (an empty candidate set), no cap,
    // caps not strictly ascending positive numbers, a model without outputs, a traditional model
    // with several, or a latency/power/accuracy missing or not a finite number in range.
    // A cumulative latency that a noisy measurement put below an earlier output's is raised to
    // it (reaching output k runs every stage before it).
    ConfigurationTable(std::vector<ModelProfile> models, std::vector<double> capsW);

    // From a profile session's cells. Every model must have a cell for each of its outputs at
    // every cap any cell of these models uses; otherwise std::invalid_argument names the model,
    // output and cap that are missing. Active power is the last output's cell's power.
    static ConfigurationTable fromProfile(
        const std::vector<ModelRecord>& models, const std::vector<ProfileCellRecord>& cells);

    std::size_t modelCount() const { return m_models.size(); }
    std::size_t capCount() const { return m_capsW.size(); }
    std::size_t configCount() const { return m_models.size() * m_capsW.size(); }
    std::size_t configIndex(std::size_t model, std::size_t cap) const { return model * m_capsW.size() + cap; }
    std::size_t modelOf(std::size_t config) const { return config / m_capsW.size(); }
    std::size_t capOf(std::size_t config) const { return config % m_capsW.size(); }
    std::size_t maxCapIndex() const { return m_capsW.size() - 1; }
    int maxOutputCount() const { return m_maxOutputs; }

    const ModelProfile& model(std::size_t model) const { return m_models[model]; }
    const std::vector<double>& capsW() const { return m_capsW; }
    double capW(std::size_t cap) const { return m_capsW[cap]; }
    int outputCount(std::size_t model) const { return static_cast<int>(m_models[model].accuracy.size()); }
    double latencyMs(std::size_t model, std::size_t cap, int output) const
    {
        return m_models[model].latencyMs[cap][static_cast<std::size_t>(output)];
    }
    // Latency to the model's last output (ms).
    double fullLatencyMs(std::size_t model, std::size_t cap) const { return m_models[model].latencyMs[cap].back(); }
    double accuracy(std::size_t model, int output) const
    {
        return m_models[model].accuracy[static_cast<std::size_t>(output)];
    }
    double finalAccuracy(std::size_t model) const { return m_models[model].accuracy.back(); }
    // pa = min(cap, profiled power): a cap bounds the draw (W).
    double activePowerW(std::size_t model, std::size_t cap) const;

    // The sub-table of the given models and caps (indices into this table, each list non-empty,
    // caps ascending). originalModel/originalCap map its indices back to this table's.
    ConfigurationTable restricted(const std::vector<std::size_t>& models, const std::vector<std::size_t>& caps) const;
    std::size_t originalModel(std::size_t model) const { return m_originalModels[model]; }
    std::size_t originalCap(std::size_t cap) const { return m_originalCaps[cap]; }

    // The same table with other accuracies ([model][output], fractions), e.g. measured on the
    // inputs a replay will use. Throws std::invalid_argument when the shape or a value is wrong.
    ConfigurationTable withAccuracies(const std::vector<std::vector<double>>& accuracy) const;

    std::vector<std::size_t> allModels() const;
    std::vector<std::size_t> allCaps() const;

private:
    std::vector<ModelProfile> m_models;
    std::vector<double> m_capsW;
    std::vector<std::size_t> m_originalModels;
    std::vector<std::size_t> m_originalCaps;
    int m_maxOutputs = 0;
};

} // namespace awb::core
