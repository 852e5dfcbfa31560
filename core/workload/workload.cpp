#include "core/workload/workload.h"

#include <cmath>
#include <numeric>
#include <stdexcept>

namespace awb::core {

const char* toString(Scenario scenario) { return scenario == Scenario::SingleStream ? "single-stream" : "server"; }

Scenario scenarioFromString(const std::string& text)
{
    if (text == "single-stream")
        return Scenario::SingleStream;
    if (text == "server")
        return Scenario::Server;
    throw std::invalid_argument("the scenario is single-stream or server, not '" + text + "'");
}

void WorkloadSettings::validate() const
{
    if (inputs < 1)
        throw std::invalid_argument("a run needs at least one input, not " + std::to_string(inputs));
    if (inputs > 4294967295LL)
        throw std::invalid_argument("a run has at most 4294967295 inputs, not " + std::to_string(inputs));
    if (scenario == Scenario::Server && !(std::isfinite(arrivalRatePerS) && arrivalRatePerS > 0.0))
        throw std::invalid_argument("the server scenario needs a positive arrival rate (inputs per second)");
}

ArrivalProcess::ArrivalProcess(const WorkloadSettings& settings, std::size_t testInputs)
    : m_settings(settings)
    , m_order(testInputs)
    , m_random(settings.seed)
{
    settings.validate();
    if (testInputs == 0)
        throw std::invalid_argument("the workload has no test input");
    std::iota(m_order.begin(), m_order.end(), std::size_t { 0 });
    // Fisher–Yates with our own draws: std::shuffle's algorithm is not specified, so it would
    // give another order on another standard library.
    std::mt19937_64 shuffler(settings.seed ^ 0x9e3779b97f4a7c15ULL);
    for (std::size_t i = m_order.size() - 1; i > 0; --i) {
        const std::size_t j = static_cast<std::size_t>(shuffler() % (i + 1));
        std::swap(m_order[i], m_order[j]);
    }
}

double ArrivalProcess::nextGapMs(double periodMs)
{
    if (m_settings.scenario == Scenario::SingleStream)
        return periodMs;
    // Inversion of the exponential CDF on a uniform draw in (0, 1].
    const double u = (static_cast<double>(m_random() >> 11) + 1.0) * 0x1.0p-53;
    return -std::log(u) * 1000.0 / m_settings.arrivalRatePerS;
}

std::size_t ArrivalProcess::testInput(std::int64_t n) const
{
    return m_order[static_cast<std::size_t>(n) % m_order.size()];
}

namespace {

    double positiveNumber(const std::string& key, const std::string& value, const std::string& piece)
    {
        std::size_t used = 0;
        double number = NAN;
        try {
            number = std::stod(value, &used);
        } catch (const std::exception&) {
            used = 0;
        }
        if (used != value.size() || !std::isfinite(number) || number <= 0.0)
            throw std::invalid_argument(
                "goal change '" + piece + "': " + key + " must be a positive number, not '" + value + "'");
        return number;
    }

} // namespace

GoalChange parseGoalChange(const std::string& text, const Goals& previous)
{
    const std::size_t colon = text.find(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 >= text.size())
        throw std::invalid_argument(
            "goal change '" + text + "' must read INPUT:key=value[,key=value], e.g. 1500:deadline-ms=6");
    GoalChange change;
    const std::string input = text.substr(0, colon);
    std::size_t used = 0;
    try {
        change.fromInput = std::stoll(input, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used != input.size() || change.fromInput < 1)
        throw std::invalid_argument("goal change '" + text + "': '" + input
            + "' is not an input index above 0 (input 0 takes the run's goals)");

    Goals goals = previous;
    bool budgetNamed = false;
    bool accuracyNamed = false;
    const std::string body = text.substr(colon + 1);
    for (std::size_t begin = 0; begin <= body.size();) {
        std::size_t end = body.find(',', begin);
        if (end == std::string::npos)
            end = body.size();
        const std::string pair = body.substr(begin, end - begin);
        begin = end + 1;
        const std::size_t equals = pair.find('=');
        if (equals == std::string::npos)
            throw std::invalid_argument("goal change '" + text + "': '" + pair + "' is not key=value");
        const std::string key = pair.substr(0, equals);
        const std::string value = pair.substr(equals + 1);
        if (key == "goal") {
            try {
                goals.mode = goalModeFromString(value);
            } catch (const std::invalid_argument& error) {
                throw std::invalid_argument("goal change '" + text + "': " + error.what());
            }
        } else if (key == "deadline-ms") {
            goals.deadlineMs = positiveNumber(key, value, text);
        } else if (key == "energy-budget-j") {
            goals.energyBudgetJ = positiveNumber(key, value, text);
            budgetNamed = true;
        } else if (key == "accuracy-goal") {
            goals.accuracyGoal = positiveNumber(key, value, text);
            accuracyNamed = true;
        } else {
            throw std::invalid_argument("goal change '" + text + "': unknown key '" + key
                + "' (goal, deadline-ms, energy-budget-j, accuracy-goal)");
        }
    }
    if (goals.mode == GoalMode::MaximizeAccuracy) {
        if (accuracyNamed)
            throw std::invalid_argument("goal change '" + text + "': accuracy-goal belongs to goal=min-energy");
        goals.accuracyGoal = 0.0;
        if (goals.energyBudgetJ <= 0.0)
            throw std::invalid_argument("goal change '" + text + "': max-accuracy needs energy-budget-j");
    } else {
        if (budgetNamed)
            throw std::invalid_argument("goal change '" + text + "': energy-budget-j belongs to goal=max-accuracy");
        goals.energyBudgetJ = 0.0;
        if (goals.accuracyGoal <= 0.0)
            throw std::invalid_argument("goal change '" + text + "': min-energy needs accuracy-goal");
    }
    try {
        goals.validate();
    } catch (const std::invalid_argument& error) {
        throw std::invalid_argument("goal change '" + text + "': " + error.what());
    }
    change.goals = goals;
    return change;
}

std::vector<GoalChange> goalSchedule(const Goals& first, const std::vector<std::string>& changes)
{
    first.validate();
    std::vector<GoalChange> schedule { { 0, first } };
    for (const std::string& text : changes) {
        GoalChange change = parseGoalChange(text, schedule.back().goals);
        if (change.fromInput <= schedule.back().fromInput)
            throw std::invalid_argument("goal change '" + text + "' must come after input "
                + std::to_string(schedule.back().fromInput) + " (changes in increasing input order)");
        schedule.push_back(change);
    }
    return schedule;
}

} // namespace awb::core
