#pragma once

#include "core/control/goals.h"
#include "core/records/run_record.h"

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

namespace awb::ui {

// One input of a run as the charts draw it — or, after thinning, a bucket of consecutive inputs
// (`count` of them, from `firstInput` to `input`) summarised so nothing a user looks for
// disappears: the worst latency, every miss counted, the configuration in force at its end, and
// whether any input of it ran with co-runners.
struct RunChartPoint {
    std::int64_t firstInput = 0;
    std::int64_t input = 0; // the last input of the bucket; the x of every chart
    std::int64_t count = 1;
    double xiMean = 1.0; // the controller's estimate before the input (mean over the bucket)
    double xiStd = 0.0;
    double xiObserved = 1.0; // what the input met (mean over the bucket)
    double latencyMs = 0.0; // the worst over the bucket, ms
    std::int64_t misses = 0; // inputs whose deadline passed without an answer
    double capW = 0.0; // power cap in force at the bucket's end, W
    int configuration = 0; // index into RunChartData::configurations(), at the bucket's end
    double energyJ = 0.0; // per input, mean over the bucket, J
    core::Goals goals; // in force at the bucket's end (deadline and budget lines)
    double accuracy = 0.0; // running fraction answered correctly by the deadline, at the end
    bool contention = false; // any input of the bucket ran with co-runners
};

// What the charts show of one run, bounded whatever the run's length: the newest inputs exactly
// (a ring of kRecentCapacity) and the whole run as at most kOverviewCapacity buckets, whose width
// doubles each time they fill. Memory stays flat over a run of any length; the store has every
// step. Fed step by step from a live run or all at once from the store; Qt-free, so the same
// code draws live and stored runs and tests need no GUI.
class RunChartData {
public:
    static constexpr std::size_t kRecentCapacity = 20'000;
    static constexpr std::size_t kOverviewCapacity = 4'096;

    struct Counters {
        std::int64_t inputs = 0; // handled
        std::int64_t inputsTotal = 0; // requested
        double deadlineMissRate = 0.0;
        double energyPerInputJ = 0.0;
        double accuracy = 0.0;
        double goalViolationRate = 0.0;
        std::uint64_t droppedNotifications = 0; // live runs: steps the GUI never received
    };

    // A model's outputs as the configuration chart labels them ("cnn-l", "anytime-width4 #2").
    // `modelIds`/`modelNames` in the candidates' order, which orders the chart's rows.
    void setModels(const std::vector<std::int64_t>& modelIds, const std::vector<std::string>& modelNames);

    // Appends input `point.input` (count 1); `modelId` and `output` name its configuration.
    void append(RunChartPoint point, std::int64_t modelId, int output);
    // Appends a step as the store or the live loop records it, with the goals in force for it,
    // the run's accuracy so far and whether co-runners ran.
    void append(const core::RunStepRecord& step, const core::Goals& goals, double accuracy, bool contention);
    void setCounters(const Counters& counters) { m_counters = counters; }
    void clear();

    const Counters& counters() const { return m_counters; }
    std::int64_t inputsSeen() const { return m_seen; }
    bool empty() const { return m_seen == 0; }
    // Labels of the configurations met so far, in chart order (model order, then output).
    const std::vector<std::string>& configurations() const { return m_labels; }
    // Row of `configuration` (an index into configurations()) on the chart: by model, then output.
    int configurationRank(int configuration) const { return m_rank[static_cast<std::size_t>(configuration)]; }

    // The points to draw: the last `lastInputs` inputs (0: the whole run), thinned to at most
    // `maxPoints` buckets (0: no thinning). Exact when the window fits in the recent ring.
    std::vector<RunChartPoint> window(std::int64_t lastInputs, std::size_t maxPoints) const;

    // Merges consecutive points into at most `maxPoints` buckets of equal input span.
    static std::vector<RunChartPoint> thin(const std::vector<RunChartPoint>& points, std::size_t maxPoints);
    // `later` summarised into `into` (which comes first).
    static void merge(RunChartPoint& into, const RunChartPoint& later);

private:
    int configurationOf(std::int64_t modelId, int output);
    void addToOverview(const RunChartPoint& point);

    std::vector<std::int64_t> m_modelIds;
    std::vector<std::string> m_modelNames;
    std::vector<std::string> m_labels;
    std::vector<std::pair<std::int64_t, int>> m_keys; // (model id, output) per configuration
    std::vector<int> m_rank;
    std::deque<RunChartPoint> m_recent;
    std::vector<RunChartPoint> m_overview;
    std::int64_t m_overviewWidth = 1; // inputs per full overview bucket
    std::int64_t m_seen = 0;
    Counters m_counters;
};

} // namespace awb::ui
