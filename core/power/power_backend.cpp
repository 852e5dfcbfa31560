#include "core/power/power_backend.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace awb::core {

namespace {

    constexpr double kToleranceW = 1e-3; // 1 mW: values that went through µW or mW and back

    // A number with one decimal and no unit, for ranges ("30.0-190.0 W").
    std::string formatNumber(double value)
    {
        char text[32];
        std::snprintf(text, sizeof text, "%.1f", value);
        return text;
    }

} // namespace

std::string formatPowerW(double valueW, int decimals)
{
    char text[40];
    std::snprintf(text, sizeof text, "%.*f W", decimals, valueW);
    return text;
}

bool PowerCapRange::contains(double capW) const
{
    if (!std::isfinite(capW))
        return false;
    if (isDiscrete())
        return std::any_of(discreteW.begin(), discreteW.end(),
            [capW](double levelW) { return std::abs(levelW - capW) <= kToleranceW; });
    return capW >= minW - kToleranceW && capW <= maxW + kToleranceW;
}

std::vector<double> PowerCapRange::evenlySpacedW(std::size_t count) const
{
    std::vector<double> levelsW;
    if (count == 0)
        return levelsW;
    if (isDiscrete()) {
        const std::size_t available = discreteW.size();
        const std::size_t picked = std::min(count, available);
        for (std::size_t i = 0; i < picked; ++i) {
            // Highest first, like the continuous case; indexes spread over the whole set.
            const std::size_t fromTop = picked == 1 ? 0 : i * (available - 1) / (picked - 1);
            levelsW.push_back(discreteW[available - 1 - fromTop]);
        }
    } else {
        for (std::size_t i = 0; i < count; ++i) {
            const double fraction = count == 1 ? 0.0 : static_cast<double>(i) / static_cast<double>(count - 1);
            double levelW = maxW - fraction * (maxW - minW);
            if (stepW > 0.0)
                levelW = minW + std::round((levelW - minW) / stepW) * stepW;
            levelsW.push_back(std::clamp(levelW, minW, maxW));
        }
    }
    levelsW.erase(
        std::unique(levelsW.begin(), levelsW.end(), [](double a, double b) { return std::abs(a - b) <= kToleranceW; }),
        levelsW.end());
    return levelsW;
}

std::string PowerCapRange::describe() const
{
    if (isDiscrete()) {
        std::string text;
        for (double levelW : discreteW)
            text += (text.empty() ? "" : ", ") + formatNumber(levelW);
        return text + " W";
    }
    std::string text = formatNumber(minW) + "-" + formatNumber(maxW) + " W";
    if (stepW > 0.0)
        text += ", step " + formatNumber(stepW) + " W";
    return text;
}

} // namespace awb::core
