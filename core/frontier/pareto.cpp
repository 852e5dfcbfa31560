#include "core/frontier/pareto.h"

#include <algorithm>
#include <cmath>
#include <tuple>

namespace awb::core {

namespace {

    bool usesLatency(FrontierAxes axes) { return axes != FrontierAxes::AccuracyEnergy; }
    bool usesEnergy(FrontierAxes axes) { return axes != FrontierAxes::AccuracyLatency; }

    // The order the sweep visits points in. Any point that dominates p sorts before p (it is no
    // worse on the leading cost, then on accuracy, then on the other cost, and strictly better
    // somewhere), and among duplicates the representative named in pareto.h sorts first.
    bool sweepsBefore(const FrontierPoint& a, const FrontierPoint& b, FrontierAxes axes)
    {
        const auto identity
            = [](const FrontierPoint& p) { return std::tie(p.powerCapW, p.model, p.modelId, p.outputIndex); };
        switch (axes) {
        case FrontierAxes::AccuracyLatency:
            if (a.latencyMs != b.latencyMs)
                return a.latencyMs < b.latencyMs;
            if (a.accuracy != b.accuracy)
                return a.accuracy > b.accuracy;
            if (a.energyJ != b.energyJ)
                return a.energyJ < b.energyJ;
            break;
        case FrontierAxes::AccuracyEnergy:
            if (a.energyJ != b.energyJ)
                return a.energyJ < b.energyJ;
            if (a.accuracy != b.accuracy)
                return a.accuracy > b.accuracy;
            if (a.latencyMs != b.latencyMs)
                return a.latencyMs < b.latencyMs;
            break;
        case FrontierAxes::AccuracyLatencyEnergy:
            if (a.latencyMs != b.latencyMs)
                return a.latencyMs < b.latencyMs;
            if (a.energyJ != b.energyJ)
                return a.energyJ < b.energyJ;
            if (a.accuracy != b.accuracy)
                return a.accuracy > b.accuracy;
            break;
        }
        return identity(a) < identity(b);
    }

    // `kept` is at least as good as `p` on every axis: it dominates p or duplicates it.
    bool covers(const FrontierPoint& kept, const FrontierPoint& p, FrontierAxes axes)
    {
        return kept.accuracy >= p.accuracy && (!usesLatency(axes) || kept.latencyMs <= p.latencyMs)
            && (!usesEnergy(axes) || kept.energyJ <= p.energyJ);
    }

    bool isFinite(const FrontierPoint& p)
    {
        return std::isfinite(p.accuracy) && std::isfinite(p.latencyMs) && std::isfinite(p.energyJ);
    }

} // namespace

const char* toString(FrontierAxes axes)
{
    switch (axes) {
    case FrontierAxes::AccuracyLatency:
        return "accuracy_latency";
    case FrontierAxes::AccuracyEnergy:
        return "accuracy_energy";
    case FrontierAxes::AccuracyLatencyEnergy:
        return "accuracy_latency_energy";
    }
    return "accuracy_latency";
}

std::vector<FrontierPoint> paretoFrontier(std::span<const FrontierPoint> points, FrontierAxes axes)
{
    std::vector<FrontierPoint> sorted;
    sorted.reserve(points.size());
    std::copy_if(points.begin(), points.end(), std::back_inserter(sorted), isFinite);
    std::sort(sorted.begin(), sorted.end(),
        [axes](const FrontierPoint& a, const FrontierPoint& b) { return sweepsBefore(a, b, axes); });

    // A dominated point is always dominated by a frontier point that sorts before it (dominance
    // is transitive), so comparing against the points kept so far is enough.
    std::vector<FrontierPoint> frontier;
    for (const FrontierPoint& p : sorted) {
        const bool covered = std::any_of(
            frontier.begin(), frontier.end(), [&](const FrontierPoint& kept) { return covers(kept, p, axes); });
        if (!covered)
            frontier.push_back(p);
    }
    return frontier;
}

Frontiers computeFrontiers(std::span<const FrontierPoint> points)
{
    return { paretoFrontier(points, FrontierAxes::AccuracyLatency),
        paretoFrontier(points, FrontierAxes::AccuracyEnergy),
        paretoFrontier(points, FrontierAxes::AccuracyLatencyEnergy) };
}

} // namespace awb::core
