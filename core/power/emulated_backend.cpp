#include "core/power/emulated_backend.h"

#include <cmath>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <thread>

namespace awb::core {

namespace {

    constexpr const char* kModelName = "cubic-dvfs";

    void requireNonNegative(double value, const char* field)
    {
        if (!std::isfinite(value) || value < 0.0)
            throw std::invalid_argument(std::string("emulated profile: ") + field + " must be a finite number >= 0");
    }

    void readNumber(const nlohmann::json& document, const char* key, double& target)
    {
        if (!document.contains(key))
            return;
        if (!document.at(key).is_number())
            throw std::invalid_argument(std::string("emulated profile: ") + key + " must be a number");
        target = document.at(key).get<double>();
    }

    double millisecondsBetween(std::chrono::steady_clock::time_point from, std::chrono::steady_clock::time_point to)
    {
        return std::chrono::duration<double, std::milli>(to - from).count();
    }

} // namespace

void EmulatedDeviceProfile::validate() const
{
    requireNonNegative(idlePowerW, "idle_power_w");
    requireNonNegative(staticPowerW, "static_power_w");
    requireNonNegative(maxPowerW, "max_power_w");
    requireNonNegative(capMinW, "cap_min_w");
    requireNonNegative(capMaxW, "cap_max_w");
    requireNonNegative(capStepW, "cap_step_w");
    if (staticPowerW >= maxPowerW)
        throw std::invalid_argument("emulated profile: static_power_w must be below max_power_w");
    if (idlePowerW > maxPowerW)
        throw std::invalid_argument("emulated profile: idle_power_w must not exceed max_power_w");
    if (capMinW <= staticPowerW)
        throw std::invalid_argument("emulated profile: cap_min_w must be above static_power_w (a cap at the static "
                                    "power leaves no power for switching: speed 0)");
    if (capMinW > capMaxW)
        throw std::invalid_argument("emulated profile: cap_min_w must not exceed cap_max_w");
    if (capStepW <= 0.0)
        throw std::invalid_argument("emulated profile: cap_step_w must be above 0");
}

std::string EmulatedDeviceProfile::toJson() const
{
    const nlohmann::json document = { { "model", kModelName }, { "name", name }, { "idle_power_w", idlePowerW },
        { "static_power_w", staticPowerW }, { "max_power_w", maxPowerW }, { "cap_min_w", capMinW },
        { "cap_max_w", capMaxW }, { "cap_step_w", capStepW } };
    return document.dump();
}

EmulatedDeviceProfile EmulatedDeviceProfile::fromJson(const std::string& text)
{
    nlohmann::json document;
    try {
        document = nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error& error) {
        throw std::invalid_argument(std::string("emulated profile is not JSON: ") + error.what());
    }
    if (!document.is_object())
        throw std::invalid_argument("emulated profile must be a JSON object");
    if (document.contains("model") && document.at("model") != kModelName)
        throw std::invalid_argument(
            "emulated profile: unknown model " + document.at("model").dump() + " (this version knows \"cubic-dvfs\")");
    EmulatedDeviceProfile profile;
    if (document.contains("name")) {
        if (!document.at("name").is_string())
            throw std::invalid_argument("emulated profile: name must be a string");
        profile.name = document.at("name").get<std::string>();
    }
    readNumber(document, "idle_power_w", profile.idlePowerW);
    readNumber(document, "static_power_w", profile.staticPowerW);
    readNumber(document, "max_power_w", profile.maxPowerW);
    readNumber(document, "cap_min_w", profile.capMinW);
    readNumber(document, "cap_max_w", profile.capMaxW);
    readNumber(document, "cap_step_w", profile.capStepW);
    profile.validate();
    return profile;
}

DvfsPowerModel::DvfsPowerModel(EmulatedDeviceProfile profile)
    : m_profile(std::move(profile))
{
    m_profile.validate();
}

double DvfsPowerModel::speedFactor(double capW) const
{
    if (!(capW > m_profile.staticPowerW))
        throw PowerCapRangeError("emulated cap " + formatPowerW(capW, 1) + " is not above the static power "
            + formatPowerW(m_profile.staticPowerW, 1));
    return std::min(1.0, std::cbrt((capW - m_profile.staticPowerW) / kW()));
}

double DvfsPowerModel::activePowerW(double capW) const
{
    const double f = speedFactor(capW);
    return m_profile.staticPowerW + kW() * f * f * f;
}

double DvfsPowerModel::stretchedTimeMs(double computeMs, double capW) const { return computeMs / speedFactor(capW); }

double DvfsPowerModel::activeEnergyJ(double computeMs, double capW) const
{
    return activePowerW(capW) * stretchedTimeMs(computeMs, capW) / 1000.0;
}

double DvfsPowerModel::idleEnergyJ(double idleMs) const { return m_profile.idlePowerW * idleMs / 1000.0; }

EmulatedBackend::EmulatedBackend(EmulatedDeviceProfile profile, Clock clock)
    : m_model(std::move(profile))
    , m_clock(clock ? std::move(clock) : Clock([] { return std::chrono::steady_clock::now(); }))
    , m_start(m_clock())
    , m_capW(m_model.profile().capMaxW)
{
}

BackendAvailability EmulatedBackend::availability() const
{
    const auto& profile = m_model.profile();
    BackendAvailability result;
    result.name = name();
    result.usable = true;
    result.canSetCap = true;
    result.emulated = true;
    result.detail = "emulated device " + profile.name + ": cubic DVFS model P = P_static + k*f^3, idle "
        + formatPowerW(profile.idlePowerW, 1) + ", static " + formatPowerW(profile.staticPowerW, 1) + ", max "
        + formatPowerW(profile.maxPowerW, 1) + ", caps " + capRange().describe()
        + "; every number it produces is emulated";
    return result;
}

PowerCapRange EmulatedBackend::capRange() const
{
    const auto& profile = m_model.profile();
    return { profile.capMinW, profile.capMaxW, profile.capStepW, {} };
}

double EmulatedBackend::setCapW(double capW)
{
    if (!capRange().contains(capW))
        throw PowerCapRangeError(
            "cap " + formatPowerW(capW, 1) + " is outside the emulated range " + capRange().describe());
    std::lock_guard lock(m_mutex);
    m_capW = capW;
    return m_capW;
}

double EmulatedBackend::capW() const
{
    std::lock_guard lock(m_mutex);
    return m_capW;
}

double EmulatedBackend::energyLockedJ() const
{
    const double wallMs = millisecondsBetween(m_start, m_clock());
    return m_activeEnergyJ + m_model.idleEnergyJ(std::max(0.0, wallMs - m_activeMs));
}

double EmulatedBackend::energyJ()
{
    std::lock_guard lock(m_mutex);
    return energyLockedJ();
}

double EmulatedBackend::counterEnergyJ() const
{
    std::lock_guard lock(m_mutex);
    return energyLockedJ();
}

CapSnapshot EmulatedBackend::snapshotCaps() const { return { name(), capW(), {} }; }

void EmulatedBackend::restoreCaps(const CapSnapshot& snapshot)
{
    if (!snapshot.settings.empty())
        throw PowerError("the emulated backend has no " + snapshot.settings.front().kind + " setting to restore");
    setCapW(snapshot.capW);
}

void EmulatedBackend::bookActiveSpan(double stretchedMs, double energyJ)
{
    std::lock_guard lock(m_mutex);
    m_activeMs += stretchedMs;
    m_activeEnergyJ += energyJ;
}

DutyCycleExecutor::DutyCycleExecutor(EmulatedBackend& backend)
    : m_backend(backend)
{
}

EmulatedSpan DutyCycleExecutor::run(const std::function<void()>& work)
{
    const auto start = std::chrono::steady_clock::now();
    work();
    return finish(start, millisecondsBetween(start, std::chrono::steady_clock::now()));
}

EmulatedSpan DutyCycleExecutor::stretch(double computeMs)
{
    const auto start = std::chrono::steady_clock::now()
        - std::chrono::duration_cast<std::chrono::steady_clock::duration>(
            std::chrono::duration<double, std::milli>(computeMs));
    return finish(start, computeMs);
}

EmulatedSpan DutyCycleExecutor::finish(std::chrono::steady_clock::time_point start, double computeMs)
{
    EmulatedSpan span;
    span.computeMs = computeMs;
    span.capW = m_backend.capW();
    const auto& model = m_backend.model();
    span.speedFactor = model.speedFactor(span.capW);
    span.stretchedMs = model.stretchedTimeMs(computeMs, span.capW);
    span.energyJ = model.activeEnergyJ(computeMs, span.capW);
    const auto until = start
        + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
            std::chrono::duration<double, std::milli>(span.stretchedMs));
    // Busy until `until`, as a throttled core running the work slower would be; see the class comment.
    while (std::chrono::steady_clock::now() < until) {
#if defined(__x86_64__) || defined(__i386__)
        __builtin_ia32_pause();
#endif
    }
    span.wallMs = millisecondsBetween(start, std::chrono::steady_clock::now());
    m_backend.bookActiveSpan(span.stretchedMs, span.energyJ);
    return span;
}

} // namespace awb::core
