#include "core/control/goals.h"

#include <cmath>
#include <sstream>
#include <stdexcept>

namespace awb::core {

const char* toString(GoalMode mode) { return mode == GoalMode::MaximizeAccuracy ? "max-accuracy" : "min-energy"; }

GoalMode goalModeFromString(const std::string& text)
{
    if (text == "max-accuracy")
        return GoalMode::MaximizeAccuracy;
    if (text == "min-energy")
        return GoalMode::MinimizeEnergy;
    throw std::invalid_argument("unknown goal mode '" + text + "' (expected max-accuracy or min-energy)");
}

Goals Goals::maximizeAccuracy(double deadlineMs, double energyBudgetJ)
{
    return { GoalMode::MaximizeAccuracy, deadlineMs, energyBudgetJ, 0.0 };
}

Goals Goals::minimizeEnergy(double deadlineMs, double accuracyGoal)
{
    return { GoalMode::MinimizeEnergy, deadlineMs, 0.0, accuracyGoal };
}

namespace {

    std::string number(double value)
    {
        std::ostringstream text;
        text << value;
        return text.str();
    }

} // namespace

void Goals::validate() const
{
    if (std::isnan(deadlineMs))
        throw std::invalid_argument("the deadline is NaN");
    if (!std::isfinite(deadlineMs) || deadlineMs <= 0.0)
        throw std::invalid_argument("the deadline must be a positive number of ms, not " + number(deadlineMs));
    if (std::isnan(energyBudgetJ) || std::isnan(accuracyGoal))
        throw std::invalid_argument(
            std::string("the ") + (std::isnan(energyBudgetJ) ? "energy budget" : "accuracy goal") + " is NaN");
    if (energyBudgetJ < 0.0)
        throw std::invalid_argument("the energy budget is negative (" + number(energyBudgetJ) + " J)");
    if (accuracyGoal < 0.0)
        throw std::invalid_argument("the accuracy goal is negative (" + number(accuracyGoal) + ")");
    if (energyBudgetJ > 0.0 && accuracyGoal > 0.0)
        throw std::invalid_argument("contradictory goals: an energy budget and an accuracy goal together (max-accuracy "
                                    "takes a budget, min-energy an accuracy goal)");
    if (mode == GoalMode::MaximizeAccuracy) {
        if (accuracyGoal > 0.0)
            throw std::invalid_argument(
                "contradictory goals: max-accuracy takes an energy budget, not an accuracy goal");
        if (!std::isfinite(energyBudgetJ) || energyBudgetJ <= 0.0)
            throw std::invalid_argument(
                "max-accuracy needs a positive finite energy budget per input, not " + number(energyBudgetJ) + " J");
    } else {
        if (energyBudgetJ > 0.0)
            throw std::invalid_argument("contradictory goals: min-energy takes an accuracy goal, not an energy budget");
        if (accuracyGoal <= 0.0 || accuracyGoal > 1.0)
            throw std::invalid_argument("the accuracy goal must be a fraction in (0, 1], not " + number(accuracyGoal));
    }
}

std::string Goals::describe() const
{
    std::string text = std::string(toString(mode)) + ", deadline " + number(deadlineMs) + " ms";
    if (mode == GoalMode::MaximizeAccuracy)
        return text + ", energy budget " + number(energyBudgetJ) + " J";
    return text + ", accuracy goal " + number(accuracyGoal);
}

std::optional<Goals> Goals::fromDescription(const std::string& text)
{
    // "<mode>, deadline <ms> ms, energy budget <J> J" or "<mode>, deadline <ms> ms, accuracy goal <a>"
    const auto comma = text.find(", deadline ");
    if (comma == std::string::npos)
        return std::nullopt;
    Goals goals;
    try {
        goals.mode = goalModeFromString(text.substr(0, comma));
    } catch (const std::invalid_argument&) {
        return std::nullopt;
    }
    std::istringstream rest(text.substr(comma + 2));
    std::string word, unit, first, second;
    if (!(rest >> word >> goals.deadlineMs >> unit) || word != "deadline" || unit != "ms,")
        return std::nullopt;
    double value = 0.0;
    if (!(rest >> first >> second >> value)
        || first + " " + second != (goals.mode == GoalMode::MaximizeAccuracy ? "energy budget" : "accuracy goal"))
        return std::nullopt;
    if (goals.mode == GoalMode::MaximizeAccuracy) {
        if (!(rest >> unit) || unit != "J")
            return std::nullopt;
        goals.energyBudgetJ = value;
    } else {
        goals.accuracyGoal = value;
    }
    if (rest >> unit)
        return std::nullopt; // trailing text
    try {
        goals.validate();
    } catch (const std::invalid_argument&) {
        return std::nullopt;
    }
    return goals;
}

bool operator==(const Goals& a, const Goals& b)
{
    return a.mode == b.mode && a.deadlineMs == b.deadlineMs && a.energyBudgetJ == b.energyBudgetJ
        && a.accuracyGoal == b.accuracyGoal;
}

} // namespace awb::core
