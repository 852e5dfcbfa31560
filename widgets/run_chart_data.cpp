#include "widgets/run_chart_data.h"

#include <algorithm>
#include <numeric>
#include <tuple>

namespace awb::ui {

void RunChartData::setModels(const std::vector<std::int64_t>& modelIds, const std::vector<std::string>& modelNames)
{
    m_modelIds = modelIds;
    m_modelNames = modelNames;
}

void RunChartData::clear() { *this = RunChartData(); }

int RunChartData::configurationOf(std::int64_t modelId, int output)
{
    const std::pair<std::int64_t, int> key { modelId, output };
    const auto found = std::find(m_keys.begin(), m_keys.end(), key);
    if (found != m_keys.end())
        return static_cast<int>(found - m_keys.begin());

    const auto model = std::find(m_modelIds.begin(), m_modelIds.end(), modelId);
    const std::size_t order = static_cast<std::size_t>(model - m_modelIds.begin());
    std::string name = order < m_modelNames.size() ? m_modelNames[order] : "model " + std::to_string(modelId);
    // Output 0 is the whole of a traditional model and the first output of an anytime one.
    m_labels.push_back(output == 0 ? name : name + " #" + std::to_string(output + 1));
    m_keys.push_back(key);

    // Rows by the candidates' order, then by output, so a model's outputs sit together.
    const auto orderOf
        = [this](std::int64_t id) { return std::find(m_modelIds.begin(), m_modelIds.end(), id) - m_modelIds.begin(); };
    std::vector<int> sorted(m_keys.size());
    std::iota(sorted.begin(), sorted.end(), 0);
    std::sort(sorted.begin(), sorted.end(), [&](int a, int b) {
        const auto& ka = m_keys[static_cast<std::size_t>(a)];
        const auto& kb = m_keys[static_cast<std::size_t>(b)];
        return std::make_tuple(orderOf(ka.first), ka.first, ka.second)
            < std::make_tuple(orderOf(kb.first), kb.first, kb.second);
    });
    m_rank.assign(m_keys.size(), 0);
    for (std::size_t row = 0; row < sorted.size(); ++row)
        m_rank[static_cast<std::size_t>(sorted[row])] = static_cast<int>(row);
    return static_cast<int>(m_keys.size() - 1);
}

void RunChartData::append(RunChartPoint point, std::int64_t modelId, int output)
{
    point.firstInput = point.input;
    point.count = 1;
    point.configuration = configurationOf(modelId, output);
    m_recent.push_back(point);
    if (m_recent.size() > kRecentCapacity)
        m_recent.pop_front();
    addToOverview(point);
    ++m_seen;
}

void RunChartData::append(const core::RunStepRecord& step, const core::Goals& goals, double accuracy, bool contention)
{
    RunChartPoint point;
    point.input = step.inputIndex;
    point.xiMean = step.xiMean;
    point.xiStd = step.xiStd;
    point.xiObserved = step.xiObserved;
    point.latencyMs = step.latencyMs;
    point.misses = step.deadlineMet ? 0 : 1;
    point.capW = step.powerCapW;
    point.energyJ = step.energyJ;
    point.goals = goals;
    point.accuracy = accuracy;
    point.contention = contention;
    append(point, step.modelId, step.outputReached);
}

void RunChartData::addToOverview(const RunChartPoint& point)
{
    if (!m_overview.empty() && m_overview.back().count < m_overviewWidth) {
        merge(m_overview.back(), point);
        return;
    }
    if (m_overview.size() == kOverviewCapacity) {
        // Full: pair the buckets up, halving their number and doubling their width.
        std::size_t kept = 0;
        for (std::size_t i = 0; i < m_overview.size(); i += 2, ++kept) {
            m_overview[kept] = m_overview[i];
            if (i + 1 < m_overview.size())
                merge(m_overview[kept], m_overview[i + 1]);
        }
        m_overview.resize(kept);
        m_overviewWidth *= 2;
        if (m_overview.back().count < m_overviewWidth) {
            merge(m_overview.back(), point);
            return;
        }
    }
    m_overview.push_back(point);
}

void RunChartData::merge(RunChartPoint& into, const RunChartPoint& later)
{
    const double a = static_cast<double>(into.count);
    const double b = static_cast<double>(later.count);
    const auto mean = [a, b](double x, double y) { return (x * a + y * b) / (a + b); };
    into.xiMean = mean(into.xiMean, later.xiMean);
    into.xiStd = mean(into.xiStd, later.xiStd);
    into.xiObserved = mean(into.xiObserved, later.xiObserved);
    into.energyJ = mean(into.energyJ, later.energyJ);
    into.latencyMs = std::max(into.latencyMs, later.latencyMs);
    into.misses += later.misses;
    into.contention = into.contention || later.contention;
    // What was in force at the end of the bucket.
    into.input = later.input;
    into.capW = later.capW;
    into.configuration = later.configuration;
    into.goals = later.goals;
    into.accuracy = later.accuracy;
    into.count += later.count;
}

std::vector<RunChartPoint> RunChartData::thin(const std::vector<RunChartPoint>& points, std::size_t maxPoints)
{
    if (maxPoints == 0 || points.size() <= maxPoints)
        return points;
    const std::int64_t first = points.front().firstInput;
    const std::int64_t span = points.back().input - first + 1;
    const std::int64_t width = (span + static_cast<std::int64_t>(maxPoints) - 1) / static_cast<std::int64_t>(maxPoints);
    std::vector<RunChartPoint> thinned;
    thinned.reserve(maxPoints);
    std::int64_t bucket = -1;
    for (const RunChartPoint& point : points) {
        const std::int64_t b = (point.firstInput - first) / width;
        if (b == bucket)
            merge(thinned.back(), point);
        else
            thinned.push_back(point), bucket = b;
    }
    return thinned;
}

std::vector<RunChartPoint> RunChartData::window(std::int64_t lastInputs, std::size_t maxPoints) const
{
    if (m_recent.empty())
        return {};
    const std::int64_t newest = m_recent.back().input;
    const std::int64_t from = lastInputs > 0 ? newest - lastInputs + 1 : 0;
    std::vector<RunChartPoint> points;
    if (from >= m_recent.front().input) {
        const auto begin = std::lower_bound(m_recent.begin(), m_recent.end(), from,
            [](const RunChartPoint& p, std::int64_t input) { return p.input < input; });
        points.assign(begin, m_recent.end());
    } else {
        for (const RunChartPoint& bucket : m_overview) {
            if (bucket.input >= from)
                points.push_back(bucket);
        }
    }
    return thin(points, maxPoints);
}

} // namespace awb::ui
