#include "core/control/contention_spec.h"

#include <charconv>
#include <cmath>
#include <numbers>
#include <random>
#include <sstream>
#include <stdexcept>

namespace awb::core {

const char* toString(ContentionKind kind)
{
    switch (kind) {
    case ContentionKind::Alone:
        return "alone";
    case ContentionKind::Memory:
        return "memory";
    case ContentionKind::Compute:
        return "compute";
    }
    return "alone";
}

namespace {

    std::vector<std::string> split(const std::string& text, char separator)
    {
        std::vector<std::string> parts;
        std::stringstream stream(text);
        std::string part;
        while (std::getline(stream, part, separator))
            parts.push_back(part);
        if (!text.empty() && text.back() == separator)
            parts.emplace_back();
        return parts;
    }

    ContentionKind kindFromString(const std::string& text, const std::string& piece)
    {
        if (text == "alone")
            return ContentionKind::Alone;
        if (text == "memory")
            return ContentionKind::Memory;
        if (text == "compute")
            return ContentionKind::Compute;
        throw std::invalid_argument(
            "contention '" + piece + "': unknown kind '" + text + "' (expected memory, compute or alone)");
    }

    bool parseInteger(const std::string& text, std::int64_t& value)
    {
        const char* end = text.data() + text.size();
        const auto [ptr, error] = std::from_chars(text.data(), end, value);
        return !text.empty() && error == std::errc() && ptr == end;
    }

    bool parseReal(const std::string& text, double& value)
    {
        const char* end = text.data() + text.size();
        const auto [ptr, error] = std::from_chars(text.data(), end, value);
        return !text.empty() && error == std::errc() && ptr == end && std::isfinite(value);
    }

} // namespace

std::vector<ContentionPhase> parseContentionSpec(const std::string& spec)
{
    if (spec.empty())
        throw std::invalid_argument("the contention spec is empty (expected e.g. memory@200-400,compute@600-800)");
    std::vector<ContentionPhase> phases;
    for (const std::string& piece : split(spec, ',')) {
        const auto at = piece.find('@');
        if (at == std::string::npos)
            throw std::invalid_argument("contention '" + piece + "': expected kind@first-end, e.g. memory@200-400");
        ContentionPhase phase;
        phase.kind = kindFromString(piece.substr(0, at), piece);
        const std::string range = piece.substr(at + 1);
        const auto dash = range.find('-');
        if (dash == std::string::npos || !parseInteger(range.substr(0, dash), phase.firstInput)
            || !parseInteger(range.substr(dash + 1), phase.endInput) || phase.firstInput < 0)
            throw std::invalid_argument("contention '" + piece + "': the range must be first-end in input indices");
        if (phase.endInput <= phase.firstInput)
            throw std::invalid_argument("contention '" + piece + "': the range is empty (end must exceed first)");
        for (const ContentionPhase& other : phases) {
            if (phase.firstInput < other.endInput && other.firstInput < phase.endInput)
                throw std::invalid_argument("contention '" + piece + "' overlaps an earlier phase");
        }
        phases.push_back(phase);
    }
    return phases;
}

ContentionLevels ContentionLevels::measuredDefaults()
{
    // build/dev/bench/measure_contention --reps 1000 --co-runner-threads 2 on the development machine
    // (2 cores; docs/controller.md): median slowdown over the models' alone medians, robust spread.
    // Idle power: the emulated backend has no meter, so co-runners leave it unchanged (factor 1).
    ContentionLevels levels;
    levels.alone = { 1.000, 0.082, 1.0 };
    levels.memory = { 1.165, 0.165, 1.0 };
    levels.compute = { 1.098, 0.132, 1.0 };
    return levels;
}

const ContentionLevel& ContentionLevels::of(ContentionKind kind) const
{
    return kind == ContentionKind::Memory ? memory : kind == ContentionKind::Compute ? compute : alone;
}

ContentionLevel& ContentionLevels::of(ContentionKind kind)
{
    return kind == ContentionKind::Memory ? memory : kind == ContentionKind::Compute ? compute : alone;
}

void ContentionLevels::override(const std::string& text)
{
    for (const std::string& piece : split(text, ',')) {
        const auto equals = piece.find('=');
        if (equals == std::string::npos)
            throw std::invalid_argument(
                "contention level '" + piece + "': expected kind=slowdown[:spread[:idle factor]]");
        ContentionLevel& level = of(kindFromString(piece.substr(0, equals), piece));
        const std::vector<std::string> values = split(piece.substr(equals + 1), ':');
        double* targets[] = { &level.slowdown, &level.spread, &level.idlePowerFactor };
        if (values.empty() || values.size() > 3)
            throw std::invalid_argument("contention level '" + piece + "': expected 1 to 3 numbers");
        for (std::size_t i = 0; i < values.size(); ++i) {
            double value = 0.0;
            if (!parseReal(values[i], value) || value < 0.0 || (i != 1 && value <= 0.0))
                throw std::invalid_argument("contention level '" + piece + "': '" + values[i]
                    + "' is not a valid number (slowdown and idle factor > 0, spread ≥ 0)");
            *targets[i] = value;
        }
    }
}

nlohmann::ordered_json ContentionLevels::toJson() const
{
    nlohmann::ordered_json json;
    for (ContentionKind kind : { ContentionKind::Alone, ContentionKind::Memory, ContentionKind::Compute }) {
        const ContentionLevel& level = of(kind);
        json[toString(kind)] = { { "slowdown", level.slowdown }, { "spread", level.spread },
            { "idle_power_factor", level.idlePowerFactor } };
    }
    return json;
}

SlowdownTrace synthesizeTrace(const std::vector<ContentionPhase>& phases, const ContentionLevels& levels,
    std::int64_t inputCount, double idlePowerW, std::uint64_t seed)
{
    SlowdownTrace trace;
    trace.slowdown.reserve(static_cast<std::size_t>(inputCount));
    trace.idlePowerW.reserve(static_cast<std::size_t>(inputCount));
    std::mt19937_64 generator(seed);
    const auto uniform = [&] { return (static_cast<double>(generator() >> 11) + 0.5) * 0x1.0p-53; }; // (0, 1)
    for (std::int64_t n = 0; n < inputCount; ++n) {
        ContentionKind kind = ContentionKind::Alone;
        for (const ContentionPhase& phase : phases) {
            if (n >= phase.firstInput && n < phase.endInput)
                kind = phase.kind;
        }
        const ContentionLevel& level = levels.of(kind);
        // Box–Muller, one normal per input (two uniforms drawn every time keep inputs aligned).
        const double u1 = uniform();
        const double u2 = uniform();
        const double normal = std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
        const double sigma = std::sqrt(std::log1p(level.spread * level.spread)); // log-normal with CV = spread
        trace.slowdown.push_back(level.slowdown * std::exp(sigma * normal - 0.5 * sigma * sigma));
        trace.idlePowerW.push_back(idlePowerW * level.idlePowerFactor);
    }
    std::ostringstream description;
    description << "synthesized: " << inputCount << " inputs, seed " << seed << ", phases";
    if (phases.empty())
        description << " none (alone)";
    for (const ContentionPhase& phase : phases)
        description << ' ' << toString(phase.kind) << '@' << phase.firstInput << '-' << phase.endInput;
    trace.description = description.str();
    return trace;
}

} // namespace awb::core
