#include "core/power/emulated_backend.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

using awb::core::DutyCycleExecutor;
using awb::core::DvfsPowerModel;
using awb::core::EmulatedBackend;
using awb::core::EmulatedDeviceProfile;
using awb::core::PowerCapRange;
using awb::core::PowerCapRangeError;

namespace {

// Numbers chosen so the model can be checked by hand: k = 90 − 10 = 80 W, so a 20 W cap
// leaves (20 − 10)/80 = 1/8 of the dynamic power and f = 1/2.
EmulatedDeviceProfile handProfile()
{
    EmulatedDeviceProfile profile;
    profile.name = "hand-checked";
    profile.idlePowerW = 5.0;
    profile.staticPowerW = 10.0;
    profile.maxPowerW = 90.0;
    profile.capMinW = 15.0;
    profile.capMaxW = 100.0;
    profile.capStepW = 5.0;
    return profile;
}

// A clock the test moves by hand, so idle energy is exact.
struct ManualClock {
    std::chrono::steady_clock::time_point now = std::chrono::steady_clock::time_point {} + std::chrono::hours(1);
    EmulatedBackend::Clock function()
    {
        return [this] { return now; };
    }
    void advanceMs(double ms)
    {
        now += std::chrono::duration_cast<std::chrono::steady_clock::duration>(
            std::chrono::duration<double, std::milli>(ms));
    }
};

} // namespace

TEST(CoreEmulatedBackend, CapMapsToSpeedTimeAndEnergyByTheCubicModel)
{
    const DvfsPowerModel model(handProfile());
    EXPECT_DOUBLE_EQ(model.kW(), 80.0);
    EXPECT_DOUBLE_EQ(model.speedFactor(20.0), 0.5);
    EXPECT_DOUBLE_EQ(model.activePowerW(20.0), 20.0); // 10 + 80 · 0.125
    EXPECT_DOUBLE_EQ(model.stretchedTimeMs(10.0, 20.0), 20.0); // 10 ms / 0.5
    EXPECT_DOUBLE_EQ(model.activeEnergyJ(10.0, 20.0), 0.4); // 20 W · 20 ms
    // 50 W: f = (40/80)^(1/3) = 0.7937…, P = 50 W.
    EXPECT_NEAR(model.speedFactor(50.0), 0.793700526, 1e-9);
    EXPECT_NEAR(model.stretchedTimeMs(10.0, 50.0), 12.599210499, 1e-8);
    EXPECT_NEAR(model.activeEnergyJ(10.0, 50.0), 0.629960525, 1e-8);
    // At and above the maximum power the device runs at full speed and draws maxPowerW.
    EXPECT_DOUBLE_EQ(model.speedFactor(90.0), 1.0);
    EXPECT_DOUBLE_EQ(model.speedFactor(100.0), 1.0);
    EXPECT_DOUBLE_EQ(model.activeEnergyJ(10.0, 100.0), 0.9);
    EXPECT_DOUBLE_EQ(model.idleEnergyJ(1000.0), 5.0);
    EXPECT_THROW(model.speedFactor(10.0), PowerCapRangeError);
}

TEST(CoreEmulatedBackend, EnergyIntegratesActiveSpansAndIdleTime)
{
    ManualClock clock;
    EmulatedBackend backend(handProfile(), clock.function());
    EXPECT_DOUBLE_EQ(backend.energyJ(), 0.0);
    backend.setCapW(20.0);
    // One inference: 10 ms of compute stretched to 20 ms at 20 W (0.4 J) ...
    clock.advanceMs(20.0);
    backend.bookActiveSpan(backend.model().stretchedTimeMs(10.0, 20.0), backend.model().activeEnergyJ(10.0, 20.0));
    // ... then idle until 1 s: 980 ms at 5 W = 4.9 J.
    clock.advanceMs(980.0);
    EXPECT_NEAR(backend.energyJ(), 5.3, 1e-9);
    EXPECT_NEAR(backend.counterEnergyJ(), 5.3, 1e-9);
}

TEST(CoreEmulatedBackend, EveryNumberIsLabelledEmulated)
{
    EmulatedBackend backend(handProfile());
    EXPECT_TRUE(backend.isEmulated());
    const auto availability = backend.availability();
    EXPECT_TRUE(availability.emulated);
    EXPECT_TRUE(availability.usable);
    EXPECT_TRUE(availability.canSetCap);
    EXPECT_NE(availability.detail.find("emulated"), std::string::npos) << availability.detail;
    EXPECT_EQ(backend.deviceDescription(), "emulated: hand-checked");
    EXPECT_EQ(backend.name(), "emulated");
}

TEST(CoreEmulatedBackend, CapsOutsideTheProfileRangeAreRefused)
{
    EmulatedBackend backend(handProfile());
    EXPECT_DOUBLE_EQ(backend.capW(), 100.0) << "starts at the top of its range";
    EXPECT_DOUBLE_EQ(backend.setCapW(35.0), 35.0);
    EXPECT_THROW(backend.setCapW(14.0), PowerCapRangeError);
    EXPECT_THROW(backend.setCapW(101.0), PowerCapRangeError);
    EXPECT_DOUBLE_EQ(backend.capW(), 35.0);
    const auto snapshot = backend.snapshotCaps();
    EXPECT_TRUE(snapshot.settings.empty()) << "nothing physical to restore";
    backend.setCapW(60.0);
    backend.restoreCaps(snapshot);
    EXPECT_DOUBLE_EQ(backend.capW(), 35.0);
}

TEST(CoreEmulatedBackend, ProfileRoundTripsThroughJson)
{
    const auto profile = handProfile();
    const std::string text = profile.toJson();
    const auto document = nlohmann::json::parse(text);
    EXPECT_EQ(document.at("model"), "cubic-dvfs");
    EXPECT_EQ(document.at("static_power_w"), 10.0);
    EXPECT_EQ(document.at("cap_step_w"), 5.0);
    const auto back = EmulatedDeviceProfile::fromJson(text);
    EXPECT_EQ(back.name, "hand-checked");
    EXPECT_DOUBLE_EQ(back.idlePowerW, 5.0);
    EXPECT_DOUBLE_EQ(back.maxPowerW, 90.0);
    EXPECT_DOUBLE_EQ(back.capMinW, 15.0);
    EXPECT_DOUBLE_EQ(back.capMaxW, 100.0);
    // Missing fields keep their defaults.
    EXPECT_DOUBLE_EQ(EmulatedDeviceProfile::fromJson(R"({"max_power_w": 80})").maxPowerW, 80.0);
}

TEST(CoreEmulatedBackend, InvalidProfilesAreRefusedNamingTheField)
{
    const auto refusal = [](const std::string& text) {
        try {
            EmulatedDeviceProfile::fromJson(text);
            return std::string("accepted");
        } catch (const std::invalid_argument& error) {
            return std::string(error.what());
        }
    };
    EXPECT_NE(refusal(R"({"static_power_w": 20, "cap_min_w": 15})").find("cap_min_w must be above static_power_w"),
        std::string::npos);
    EXPECT_NE(refusal(R"({"max_power_w": "lots"})").find("max_power_w must be a number"), std::string::npos);
    EXPECT_NE(refusal(R"({"model": "linear"})").find("unknown model"), std::string::npos);
    EXPECT_NE(refusal(R"({"cap_step_w": 0})").find("cap_step_w must be above 0"), std::string::npos);
    EXPECT_NE(refusal("not json").find("not JSON"), std::string::npos);
}

TEST(CoreEmulatedBackend, ExecutorStretchesRealComputeToTheCap)
{
    EmulatedBackend backend(handProfile());
    backend.setCapW(20.0); // f = 1/2
    DutyCycleExecutor executor(backend);
    volatile double sink = 0.0;
    const auto span = executor.run([&] {
        const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(5);
        while (std::chrono::steady_clock::now() < until)
            sink = sink + 1.0;
    });
    EXPECT_GE(span.computeMs, 5.0);
    EXPECT_DOUBLE_EQ(span.speedFactor, 0.5);
    EXPECT_DOUBLE_EQ(span.stretchedMs, span.computeMs * 2.0);
    EXPECT_GE(span.wallMs, span.stretchedMs - 1e-3) << "the work was not stretched";
    EXPECT_DOUBLE_EQ(span.energyJ, 20.0 * span.stretchedMs / 1000.0);
    EXPECT_GE(backend.energyJ(), span.energyJ);

    const auto start = std::chrono::steady_clock::now();
    const auto stretched = executor.stretch(4.0);
    const double sleptMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    EXPECT_DOUBLE_EQ(stretched.stretchedMs, 8.0);
    EXPECT_GE(sleptMs, 4.0 - 1e-3) << "the remaining 4 ms of an 8 ms stretched span were not slept";
}

TEST(CoreEmulatedBackend, FullSpeedCapAddsNoDelay)
{
    EmulatedBackend backend(handProfile()); // 100 W: above maxPowerW, f = 1
    DutyCycleExecutor executor(backend);
    const auto span = executor.stretch(3.0);
    EXPECT_DOUBLE_EQ(span.stretchedMs, 3.0);
    EXPECT_DOUBLE_EQ(span.energyJ, 90.0 * 3.0 / 1000.0);
}

TEST(CorePowerCapRange, EvenlySpacedLevelsFollowTheStep)
{
    const PowerCapRange range { 15.0, 100.0, 5.0, {} };
    EXPECT_EQ(range.evenlySpacedW(6), (std::vector<double> { 100.0, 85.0, 65.0, 50.0, 30.0, 15.0 }));
    EXPECT_EQ(range.evenlySpacedW(1), (std::vector<double> { 100.0 }));
    EXPECT_TRUE(range.contains(15.0));
    EXPECT_FALSE(range.contains(14.9));
    EXPECT_EQ(range.describe(), "15.0-100.0 W, step 5.0 W");

    const PowerCapRange modes { 10.0, 30.0, 0.0, { 10.0, 15.0, 30.0 } };
    EXPECT_EQ(modes.evenlySpacedW(5), (std::vector<double> { 30.0, 15.0, 10.0 }));
    EXPECT_TRUE(modes.contains(15.0));
    EXPECT_FALSE(modes.contains(20.0));
    EXPECT_EQ(modes.describe(), "10.0, 15.0, 30.0 W");
}
