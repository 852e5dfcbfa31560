#include "core/control/goal_grid.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <sstream>
#include <stdexcept>

namespace awb::core {

namespace {

    std::vector<std::string> split(const std::string& text, char separator)
    {
        std::vector<std::string> parts;
        std::stringstream stream(text);
        std::string part;
        while (std::getline(stream, part, separator)) {
            if (!part.empty())
                parts.push_back(part);
        }
        return parts;
    }

    std::vector<double> parseList(const std::string& piece, const std::string& values, double maximum)
    {
        std::vector<double> list;
        for (const std::string& text : split(values, ',')) {
            double value = 0.0;
            const char* end = text.data() + text.size();
            const auto [ptr, error] = std::from_chars(text.data(), end, value);
            if (error != std::errc() || ptr != end || !std::isfinite(value) || value <= 0.0 || value > maximum)
                throw std::invalid_argument("goal grid '" + piece + "': '" + text + "' is not a positive number"
                    + (maximum < std::numeric_limits<double>::infinity() ? " up to 1" : ""));
            list.push_back(value);
        }
        if (list.empty())
            throw std::invalid_argument("goal grid '" + piece + "' lists no value");
        return list;
    }

    int parseCount(const std::string& text, const std::string& piece)
    {
        int value = 0;
        const char* end = text.data() + text.size();
        const auto [ptr, error] = std::from_chars(text.data(), end, value);
        if (text.empty() || error != std::errc() || ptr != end || value < 1 || value > 50)
            throw std::invalid_argument("goal grid '" + piece + "': counts must be whole numbers from 1 to 50");
        return value;
    }

    std::vector<double> geometric(double from, double to, int count)
    {
        std::vector<double> values;
        for (int i = 0; i < count; ++i) {
            const double t = count == 1 ? 0.0 : static_cast<double>(i) / (count - 1);
            values.push_back(from * std::pow(to / from, t));
        }
        return values;
    }

} // namespace

GoalGridSpec parseGoalGrid(const std::string& text)
{
    GoalGridSpec spec;
    bool modeGiven = false;
    const std::vector<std::string> pieces = split(text, ';');
    if (pieces.empty())
        throw std::invalid_argument("the goal grid is empty (expected e.g. 5x5 or deadline_ms=2,4;energy_j=0.1)");
    for (const std::string& piece : pieces) {
        const auto equals = piece.find('=');
        if (equals == std::string::npos) {
            const auto x = piece.find('x');
            if (x == std::string::npos)
                throw std::invalid_argument("goal grid '" + piece + "': expected NxM or key=values");
            spec.deadlineCount = parseCount(piece.substr(0, x), piece);
            spec.levelCount = parseCount(piece.substr(x + 1), piece);
            continue;
        }
        const std::string key = piece.substr(0, equals);
        const std::string values = piece.substr(equals + 1);
        if (key == "deadline_ms")
            spec.deadlinesMs = parseList(piece, values, std::numeric_limits<double>::infinity());
        else if (key == "energy_j")
            spec.energyBudgetsJ = parseList(piece, values, std::numeric_limits<double>::infinity());
        else if (key == "accuracy")
            spec.accuracyGoals = parseList(piece, values, 1.0);
        else if (key == "mode") {
            modeGiven = true;
            spec.maxAccuracy = values == "max-accuracy" || values == "both";
            spec.minEnergy = values == "min-energy" || values == "both";
            if (!spec.maxAccuracy && !spec.minEnergy)
                throw std::invalid_argument("goal grid '" + piece + "': mode is max-accuracy, min-energy or both");
        } else
            throw std::invalid_argument("goal grid '" + piece + "': unknown key '" + key
                + "' (expected deadline_ms, energy_j, accuracy or mode)");
    }
    if (!modeGiven && (!spec.energyBudgetsJ.empty() || !spec.accuracyGoals.empty())) {
        spec.maxAccuracy = !spec.energyBudgetsJ.empty();
        spec.minEnergy = !spec.accuracyGoals.empty();
    }
    if (modeGiven && !spec.maxAccuracy && !spec.energyBudgetsJ.empty())
        throw std::invalid_argument("contradictory goal grid: energy_j is given but the mode is min-energy");
    if (modeGiven && !spec.minEnergy && !spec.accuracyGoals.empty())
        throw std::invalid_argument("contradictory goal grid: accuracy is given but the mode is max-accuracy");
    return spec;
}

std::vector<Goals> buildGoalGrid(const GoalGridSpec& spec, const ConfigurationTable& table, double idlePowerW)
{
    const std::size_t top = table.maxCapIndex();
    std::size_t fastest = 0;
    std::size_t best = 0;
    for (std::size_t d = 1; d < table.modelCount(); ++d) {
        if (table.latencyMs(d, top, 0) < table.latencyMs(fastest, top, 0))
            fastest = d;
        if (table.finalAccuracy(d) > table.finalAccuracy(best))
            best = d;
    }
    std::vector<double> deadlines = spec.deadlinesMs;
    if (deadlines.empty()) {
        const double tight = kTightDeadline * table.latencyMs(fastest, top, 0);
        const double loose = std::max(kLooseDeadline * table.fullLatencyMs(best, top), tight);
        deadlines = geometric(tight, loose, spec.deadlineCount);
    }
    const int levels = spec.levelCount;

    const auto profiledEnergyJ = [&](std::size_t d, std::size_t p, double deadline) {
        double activeMs = table.fullLatencyMs(d, p);
        if (table.model(d).anytime)
            activeMs = std::min(activeMs, deadline);
        return (table.activePowerW(d, p) * activeMs + idlePowerW * std::max(deadline - activeMs, 0.0)) * 1e-3;
    };
    std::vector<Goals> grid;
    const auto add = [&](const Goals& goals) {
        if (std::find(grid.begin(), grid.end(), goals) == grid.end())
            grid.push_back(goals);
    };
    if (spec.maxAccuracy) {
        for (double deadline : deadlines) {
            std::vector<double> budgets = spec.energyBudgetsJ;
            if (budgets.empty()) {
                double low = std::numeric_limits<double>::infinity();
                double high = 0.0;
                for (std::size_t c = 0; c < table.configCount(); ++c) {
                    const std::size_t d = table.modelOf(c);
                    const std::size_t p = table.capOf(c);
                    const double energyJ = profiledEnergyJ(d, p, deadline);
                    low = std::min(low, energyJ);
                    if (table.latencyMs(d, p, table.model(d).anytime ? 0 : table.outputCount(d) - 1) <= deadline)
                        high = std::max(high, energyJ);
                }
                if (high <= low)
                    high = 2.0 * low; // nothing answers in time at ξ = 1: budgets up to twice the cheapest
                for (int j = 0; j < levels; ++j)
                    budgets.push_back(low + (j + 1.0) / levels * (high - low));
            }
            for (double budget : budgets)
                add(Goals::maximizeAccuracy(deadline, budget));
        }
    }
    if (spec.minEnergy) {
        for (double deadline : deadlines) {
            std::vector<double> goals = spec.accuracyGoals;
            if (goals.empty()) {
                double highest = -1.0;
                double lowest = 2.0;
                for (std::size_t d = 0; d < table.modelCount(); ++d) {
                    for (int k = 0; k < table.outputCount(d); ++k) {
                        if (table.latencyMs(d, top, k) <= deadline)
                            highest = std::max(highest, table.accuracy(d, k));
                    }
                    if (table.fullLatencyMs(d, top) <= deadline)
                        lowest = std::min(lowest, table.finalAccuracy(d));
                }
                if (highest < 0.0)
                    highest = table.accuracy(fastest, 0);
                lowest = std::min(lowest, highest);
                // Midpoints of M equal steps: a goal equal to a model's accuracy would be met or
                // missed by a single input.
                for (int j = 0; j < levels; ++j)
                    goals.push_back(std::max(highest - (j + 0.5) / levels * (highest - lowest), 1e-6));
            }
            for (double goal : goals)
                add(Goals::minimizeEnergy(deadline, goal));
        }
    }
    return grid;
}

} // namespace awb::core
