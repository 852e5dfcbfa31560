// core/profile: latency statistics, settings, and the sweep itself on the emulated backend and
// on a scripted meter, with seeded (untrained) zoo networks: the numbers checked here are the
// profiler's arithmetic and bookkeeping, not the models' accuracy.
#include "core/models/fashion_mnist.h"
#include "core/models/zoo.h"
#include "core/power/emulated_backend.h"
#include "core/profile/latency_stats.h"
#include "core/profile/profiler.h"

#include <chrono>
#include <cmath>
#include <gtest/gtest.h>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>

using namespace awb::core;

namespace {

ImageSet syntheticImages(std::size_t count)
{
    ImageSet images;
    images.name = "synthetic";
    images.rows = 28;
    images.cols = 28;
    std::mt19937 random(7);
    images.pixels.resize(count * 28 * 28);
    for (auto& pixel : images.pixels)
        pixel = static_cast<std::uint8_t>(random() % 256);
    for (std::size_t i = 0; i < count; ++i)
        images.labels.push_back(static_cast<std::uint8_t>(random() % 10));
    return images;
}

std::vector<ProfileModel> seededModels(const std::vector<std::string>& names)
{
    std::vector<ProfileModel> models;
    std::int64_t id = 1;
    for (const std::string& name : names) {
        ModelRecord record;
        record.id = id++;
        record.name = name;
        models.push_back({ record, makeZooCandidate(name, 3) });
    }
    return models;
}

class CollectingListener : public ProfileListener {
public:
    void onCell(const ProfileCellRecord& cell) override { cells.push_back(cell); }
    void onProgress(const ProfileProgress& progress) override { lastProgress = progress; }
    bool cancelRequested() override { return cancelAfterCells >= 0 && static_cast<int>(cells.size()) >= cancelAfterCells; }

    std::vector<ProfileCellRecord> cells;
    ProfileProgress lastProgress;
    int cancelAfterCells = -1;
};

ProfilerSettings quickSettings(std::vector<double> capsW)
{
    ProfilerSettings settings;
    settings.capsW = std::move(capsW);
    settings.warmup = 2;
    settings.replicates = 15;
    settings.evalSamples = 32;
    return settings;
}

// A meter that draws a constant 40 W through a counter that only moves in 10 ms steps, so it
// means something over windows of at least 200 ms (like NVML's): a window the profiler did not
// stretch to that minimum would read 0 W or a multiple of the truth.
class ConstantPowerMeter final : public PowerBackend {
public:
    static constexpr double kPowerW = 40.0;
    static constexpr double kQuantumS = 0.01;

    std::string name() const override { return "meter"; }
    std::string deviceDescription() const override { return "constant 40 W"; }
    bool isEmulated() const override { return false; }
    BackendAvailability availability() const override
    {
        BackendAvailability availability;
        availability.name = "meter";
        availability.usable = true;
        availability.canSetCap = true;
        return availability;
    }
    PowerCapRange capRange() const override { return { 10.0, 100.0, 1.0, {} }; }
    double setCapW(double capW) override
    {
        if (!capRange().contains(capW))
            throw PowerCapRangeError("outside");
        m_capW = capW;
        ++setCalls;
        return capW;
    }
    double capW() const override { return m_capW; }
    double energyJ() override
    {
        const double elapsedS = std::chrono::duration<double>(std::chrono::steady_clock::now() - m_start).count();
        return kPowerW * std::floor(elapsedS / kQuantumS) * kQuantumS;
    }
    double energySamplingPeriodS() const override { return kNoWraparound; }
    double minEnergyWindowS() const override { return 0.2; }
    double counterEnergyJ() const override { return 0.0; }
    CapSnapshot snapshotCaps() const override { return { "meter", m_capW, {} }; }
    void restoreCaps(const CapSnapshot& snapshot) override { m_capW = snapshot.capW; }

    int setCalls = 0;

private:
    std::chrono::steady_clock::time_point m_start = std::chrono::steady_clock::now();
    double m_capW = 100.0;
};

} // namespace

TEST(CoreLatencyStats, QuantilesInterpolateLikeNumpy)
{
    // numpy.percentile([1..10], [25, 50, 75, 95]) = 3.25, 5.5, 7.75, 9.55
    const LatencyStats stats = summarizeLatencies({ 10, 1, 9, 2, 8, 3, 7, 4, 6, 5 });
    EXPECT_EQ(stats.count, 10U);
    EXPECT_DOUBLE_EQ(stats.medianMs, 5.5);
    EXPECT_DOUBLE_EQ(stats.q1Ms, 3.25);
    EXPECT_DOUBLE_EQ(stats.q3Ms, 7.75);
    EXPECT_DOUBLE_EQ(stats.iqrMs, 4.5);
    EXPECT_NEAR(stats.p95Ms, 9.55, 1e-12);
    EXPECT_DOUBLE_EQ(stats.meanMs, 5.5);
    EXPECT_NEAR(stats.relativeSpread(), 4.5 / 5.5, 1e-12);
}

TEST(CoreLatencyStats, OneSampleIsItsOwnEveryQuantile)
{
    const LatencyStats stats = summarizeLatencies({ 2.5 });
    EXPECT_DOUBLE_EQ(stats.medianMs, 2.5);
    EXPECT_DOUBLE_EQ(stats.p95Ms, 2.5);
    EXPECT_DOUBLE_EQ(stats.iqrMs, 0.0);
}

TEST(CoreLatencyStats, RefusesNoSamplesAndNonFiniteOnes)
{
    EXPECT_THROW(summarizeLatencies({}), std::invalid_argument);
    EXPECT_THROW(summarizeLatencies({ 1.0, NAN }), std::invalid_argument);
    EXPECT_THROW(summarizeLatencies({ INFINITY }), std::invalid_argument);
}

TEST(CoreProfilerSettings, ValidateNamesWhatIsWrong)
{
    ProfilerSettings settings = quickSettings({ 20.0, 30.0 });
    EXPECT_NO_THROW(settings.validate());
    auto expectRefused = [](ProfilerSettings bad, const std::string& words) {
        try {
            bad.validate();
            ADD_FAILURE() << "accepted settings that should name: " << words;
        } catch (const std::invalid_argument& error) {
            EXPECT_NE(std::string(error.what()).find(words), std::string::npos) << error.what();
        }
    };
    expectRefused(quickSettings({}), "no power caps");
    expectRefused(quickSettings({ 20.0, 20.0004 }), "listed twice");
    expectRefused(quickSettings({ -5.0 }), "not a positive number");
    ProfilerSettings noReps = settings;
    noReps.replicates = 0;
    expectRefused(noReps, "replicates");
    ProfilerSettings negativeWarmup = settings;
    negativeWarmup.warmup = -1;
    expectRefused(negativeWarmup, "warm-up");
}

TEST(CoreProfilerSettings, JsonIsCanonicalAndCarriesEverySetting)
{
    const ProfilerSettings settings = quickSettings({ 65.0, 20.0 });
    EXPECT_EQ(settings.toJson(), quickSettings({ 65.0, 20.0 }).toJson());
    EXPECT_NE(settings.toJson(), quickSettings({ 20.0, 65.0 }).toJson());
    const auto json = nlohmann::json::parse(settings.toJson());
    EXPECT_EQ(json.at("caps_w"), nlohmann::json({ 65.0, 20.0 }));
    EXPECT_EQ(json.at("warmup"), 2);
    EXPECT_EQ(json.at("replicates"), 15);
    EXPECT_EQ(json.at("eval_samples"), 32);
    EXPECT_EQ(json.at("threads"), 1);
}

TEST(CoreProfiler, CapOutsideTheBackendRangeIsRefusedBeforeAnythingRuns)
{
    EmulatedBackend backend;
    try {
        Profiler profiler(backend, quickSettings({ 20.0, 500.0 }));
        FAIL() << "a 500 W cap was accepted";
    } catch (const PowerCapRangeError& error) {
        EXPECT_NE(std::string(error.what()).find("500.0 W"), std::string::npos) << error.what();
        EXPECT_NE(std::string(error.what()).find("20.0-65.0 W"), std::string::npos) << error.what();
    }
}

TEST(CoreProfiler, EmulatedSweepMeasuresEveryOutputAtEveryCap)
{
    EmulatedBackend backend;
    Profiler profiler(backend, quickSettings({ 65.0, 20.0 }));
    auto models = seededModels({ "cnn-xs", "anytime-width4" });
    const ImageSet images = syntheticImages(40);
    CollectingListener listener;
    const ProfileOutcome outcome = profiler.run(models, images, {}, listener);

    EXPECT_FALSE(outcome.cancelled);
    EXPECT_EQ(outcome.measured, 10U); // (1 + 4 outputs) x 2 caps
    EXPECT_EQ(outcome.skipped, 0U);
    ASSERT_EQ(listener.cells.size(), 10U);
    EXPECT_EQ(listener.lastProgress.cellsDone, 10U);
    EXPECT_EQ(listener.lastProgress.cellsTotal, 10U);
    std::map<std::pair<int, double>, double> widthAccuracy;
    for (const ProfileCellRecord& cell : listener.cells) {
        EXPECT_GT(cell.latencyMedianMs, 0.0);
        EXPECT_GE(cell.latencyP95Ms, cell.latencyMedianMs);
        EXPECT_GE(cell.latencyIqrMs, 0.0);
        EXPECT_EQ(cell.replicates, 15);
        EXPECT_GT(cell.energyJ, 0.0);
        // The emulated device draws P(f(c)) = c while computing and the idle power (10 W, below
        // every cap) otherwise, so the window's mean power never exceeds the cap: the cap held.
        EXPECT_GE(cell.powerW, backend.model().profile().idlePowerW * 0.99);
        EXPECT_LE(cell.powerW, cell.powerCapW * 1.01);
        EXPECT_GE(cell.accuracy, 0.0);
        EXPECT_LE(cell.accuracy, 1.0);
        if (cell.modelId == 2)
            widthAccuracy[{ cell.outputIndex, cell.powerCapW }] = cell.accuracy;
        // The width-nested net's full depth computes most of each inference: stretched stages
        // were booked at the cap's power, well above the idle draw.
        if (cell.modelId == 2 && cell.outputIndex == 3) {
            EXPECT_GT(cell.powerW, 1.2 * backend.model().profile().idlePowerW) << cell.powerCapW;
        }
    }
    // Accuracy does not depend on the cap. (How much slower a cap makes a stage is the DVFS
    // model's arithmetic, tested without a clock in CoreEmulated* and CoreStagedRunner.)
    for (int output = 0; output < 4; ++output)
        EXPECT_DOUBLE_EQ(widthAccuracy.at({ output, 20.0 }), widthAccuracy.at({ output, 65.0 }));
}

TEST(CoreProfiler, FinishedCellsAreSkipped)
{
    EmulatedBackend backend;
    Profiler profiler(backend, quickSettings({ 65.0, 30.0 }));
    auto models = seededModels({ "cnn-xs", "cnn-s" });
    const std::set<ProfileCellKey> finished { { 1, 0, 65000 }, { 2, 0, 30000 } };
    CollectingListener listener;
    const ProfileOutcome outcome = profiler.run(models, syntheticImages(8), finished, listener);
    EXPECT_EQ(outcome.measured, 2U);
    EXPECT_EQ(outcome.skipped, 2U);
    ASSERT_EQ(listener.cells.size(), 2U);
    for (const ProfileCellRecord& cell : listener.cells)
        EXPECT_EQ(finished.count(ProfileCellKey::of(cell)), 0U);
}

TEST(CoreProfiler, CancelStopsBetweenCellsAndKeepsWhatFinished)
{
    EmulatedBackend backend;
    Profiler profiler(backend, quickSettings({ 65.0, 45.0, 30.0 }));
    auto models = seededModels({ "cnn-xs", "cnn-s" });
    CollectingListener listener;
    listener.cancelAfterCells = 3;
    const ProfileOutcome outcome = profiler.run(models, syntheticImages(8), {}, listener);
    EXPECT_TRUE(outcome.cancelled);
    EXPECT_EQ(outcome.measured, 3U);
    EXPECT_EQ(listener.cells.size(), 3U);
}

TEST(CoreProfiler, EnergyWindowIsStretchedToTheMetersMinimum)
{
    ConstantPowerMeter meter;
    ProfilerSettings settings = quickSettings({ 50.0, 60.0 });
    settings.replicates = 5; // five cnn-xs runs take far less than the meter's 200 ms window
    Profiler profiler(meter, settings);
    auto models = seededModels({ "cnn-xs" });
    CollectingListener listener;
    profiler.run(models, syntheticImages(8), {}, listener);
    ASSERT_EQ(listener.cells.size(), 2U);
    EXPECT_EQ(meter.setCalls, 2);
    for (const ProfileCellRecord& cell : listener.cells) {
        EXPECT_EQ(cell.replicates, 5);
        // One 10 ms step of error at each end of a ≥ 200 ms window: within 5 %.
        EXPECT_NEAR(cell.powerW, ConstantPowerMeter::kPowerW, 0.06 * ConstantPowerMeter::kPowerW);
        EXPECT_GT(cell.energyJ, 0.0);
    }
}

TEST(CoreProfiler, ModelThatDoesNotTakeTheImagesIsRefused)
{
    EmulatedBackend backend;
    Profiler profiler(backend, quickSettings({ 65.0 }));
    auto models = seededModels({ "cnn-xs" });
    ImageSet small = syntheticImages(4);
    small.rows = 14;
    small.cols = 56;
    CollectingListener listener;
    EXPECT_THROW(profiler.run(models, small, {}, listener), std::invalid_argument);
    EXPECT_TRUE(listener.cells.empty());
}
