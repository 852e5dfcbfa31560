#include "core/profile/profiler.h"

#include "core/models/fashion_mnist.h"
#include "core/models/staged_runner.h"
#include "core/models/trainer.h"
#include "core/power/emulated_backend.h"
#include "core/power/power_backend.h"
#include "core/profile/latency_stats.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <optional>
#include <stdexcept>
#include <thread>

namespace awb::core {

std::int64_t capKeyMilliwatts(double capW) { return std::llround(capW * 1000.0); }

ProfileCellKey ProfileCellKey::of(const ProfileCellRecord& cell)
{
    return { cell.modelId, cell.outputIndex, capKeyMilliwatts(cell.powerCapW) };
}

void ProfilerSettings::validate() const
{
    if (capsW.empty())
        throw std::invalid_argument("no power caps to sweep");
    std::set<std::int64_t> seen;
    for (double capW : capsW) {
        if (!std::isfinite(capW) || capW <= 0.0)
            throw std::invalid_argument("power cap " + std::to_string(capW) + " W is not a positive number");
        if (!seen.insert(capKeyMilliwatts(capW)).second)
            throw std::invalid_argument("power cap " + formatPowerW(capW, 1) + " is listed twice");
    }
    if (warmup < 0)
        throw std::invalid_argument("warm-up runs must be 0 or more");
    if (replicates < 1)
        throw std::invalid_argument("replicates must be at least 1");
    if (evalSamples < 1)
        throw std::invalid_argument("evaluation samples must be at least 1");
    if (threads < 1)
        throw std::invalid_argument("threads must be at least 1");
    if (!std::isfinite(noiseThreshold) || noiseThreshold < 0.0)
        throw std::invalid_argument("the noise threshold must be a non-negative number");
    if (!std::isfinite(capSettleS) || capSettleS < 0.0)
        throw std::invalid_argument("the cap settling time must be a non-negative number");
}

std::string ProfilerSettings::toJson() const
{
    nlohmann::ordered_json json;
    json["caps_w"] = capsW;
    json["warmup"] = warmup;
    json["replicates"] = replicates;
    json["eval_samples"] = evalSamples;
    json["noise_threshold"] = noiseThreshold;
    json["threads"] = threads;
    json["cap_settle_s"] = capSettleS;
    return json.dump();
}

ProfilerSettings ProfilerSettings::fromJson(const std::string& text)
{
    try {
        const nlohmann::json json = nlohmann::json::parse(text);
        ProfilerSettings settings;
        settings.capsW = json.at("caps_w").get<std::vector<double>>();
        settings.warmup = json.at("warmup").get<int>();
        settings.replicates = json.at("replicates").get<int>();
        settings.evalSamples = json.at("eval_samples").get<std::size_t>();
        settings.noiseThreshold = json.at("noise_threshold").get<double>();
        settings.threads = json.at("threads").get<int>();
        settings.capSettleS = json.at("cap_settle_s").get<double>();
        return settings;
    } catch (const nlohmann::json::exception& error) {
        throw std::invalid_argument(std::string("profiler settings: ") + error.what());
    }
}

namespace {

    using Clock = std::chrono::steady_clock;

    double secondsSince(Clock::time_point start)
    {
        return std::chrono::duration<double>(Clock::now() - start).count();
    }

    std::string formatMs(double valueMs)
    {
        char buffer[32];
        std::snprintf(buffer, sizeof buffer, "%.3f ms", valueMs);
        return buffer;
    }

    // Cumulative energy read often enough that a wrapping counter (RAPL) is never missed.
    class EnergyWindow {
    public:
        explicit EnergyWindow(PowerBackend& backend)
            : m_backend(backend)
            , m_pollS(std::isfinite(backend.energySamplingPeriodS()) ? backend.energySamplingPeriodS() / 4.0 : 0.0)
            , m_startJ(backend.energyJ())
            , m_start(Clock::now())
            , m_lastPoll(m_start)
        {
        }
        void poll()
        {
            if (m_pollS > 0.0 && secondsSince(m_lastPoll) >= m_pollS) {
                m_backend.energyJ();
                m_lastPoll = Clock::now();
            }
        }
        double elapsedS() const { return secondsSince(m_start); }
        // Energy (J) and duration (s) of the window so far.
        std::pair<double, double> close()
        {
            const double energyJ = m_backend.energyJ() - m_startJ;
            return { energyJ, elapsedS() };
        }

    private:
        PowerBackend& m_backend;
        double m_pollS;
        double m_startJ;
        Clock::time_point m_start;
        Clock::time_point m_lastPoll;
    };

    void requireImageShape(const ProfileModel& model, const ImageSet& images)
    {
        const std::vector<std::int64_t> expected { 1, images.rows, images.cols };
        if (model.candidate.imageShape() != expected || model.candidate.numClasses() != kFashionMnistClasses)
            throw std::invalid_argument("model '" + model.record.name
                + "' does not take the labelled test images (1x28x28, 10 classes): its accuracy cannot be measured");
    }

} // namespace

Profiler::Profiler(PowerBackend& backend, ProfilerSettings settings)
    : m_backend(backend)
    , m_settings(std::move(settings))
{
    m_settings.validate();
    const PowerCapRange range = m_backend.capRange();
    for (double capW : m_settings.capsW) {
        if (!range.contains(capW))
            throw PowerCapRangeError("power cap " + formatPowerW(capW, 1) + " is outside what " + m_backend.name()
                + " accepts here (" + range.describe() + ")");
    }
}

ProfileOutcome Profiler::run(std::vector<ProfileModel>& models, const ImageSet& testImages,
    const std::set<ProfileCellKey>& finished, ProfileListener& listener)
{
    if (testImages.size() == 0)
        throw std::invalid_argument("no test images to profile with");
    for (const ProfileModel& model : models)
        requireImageShape(model, testImages);

    StagedRunnerOptions runnerOptions;
    runnerOptions.threads = m_settings.threads;
    auto* emulated = dynamic_cast<EmulatedBackend*>(&m_backend);
    std::optional<DutyCycleExecutor> executor;
    if (emulated) {
        executor.emplace(*emulated);
        runnerOptions.stageStretch = [&executor](double computeMs) { return executor->stretch(computeMs).stretchedMs; };
    }
    const StagedRunner runner(runnerOptions);
    const auto noDeadline = StagedRunner::Clock::time_point::max();
    const ImageSet evalImages = testImages.slice(0, std::min(m_settings.evalSamples, testImages.size()));

    ProfileOutcome outcome;
    ProfileProgress progress;
    for (const ProfileModel& model : models)
        progress.cellsTotal += static_cast<std::size_t>(model.candidate.numOutputs()) * m_settings.capsW.size();

    std::map<std::int64_t, Evaluation> accuracyByModel; // measured on first use
    std::size_t nextImage = 0;
    auto runOnce = [&](Candidate& candidate, int outputs) {
        candidate.reset(testImages, nextImage);
        nextImage = (nextImage + 1) % testImages.size();
        return runner.run(candidate, noDeadline, outputs);
    };

    for (double capW : m_settings.capsW) {
        bool capSet = false;
        for (ProfileModel& model : models) {
            for (int output = 0; output < model.candidate.numOutputs(); ++output) {
                const ProfileCellKey key { model.record.id, output, capKeyMilliwatts(capW) };
                if (finished.count(key)) {
                    ++outcome.skipped;
                    ++progress.cellsDone;
                    continue;
                }
                if (listener.cancelRequested()) {
                    outcome.cancelled = true;
                    return outcome;
                }
                if (!capSet) {
                    const double enforcedW = m_backend.setCapW(capW);
                    if (std::abs(enforcedW - capW) > 0.5) {
                        progress.message = "note: " + m_backend.name() + " enforces " + formatPowerW(enforcedW, 1)
                            + " for the requested " + formatPowerW(capW, 1);
                        listener.onProgress(progress);
                    }
                    if (m_settings.capSettleS > 0.0)
                        std::this_thread::sleep_for(std::chrono::duration<double>(m_settings.capSettleS));
                    capSet = true;
                }
                listener.onCellStarted(model.record.name + " output " + std::to_string(output) + " @ "
                    + formatPowerW(capW, 1));
                auto evaluation = accuracyByModel.find(model.record.id);
                if (evaluation == accuracyByModel.end())
                    evaluation = accuracyByModel.emplace(model.record.id, evaluate(model.candidate, evalImages)).first;

                for (int run = 0; run < m_settings.warmup; ++run)
                    runOnce(model.candidate, output + 1);

                std::vector<double> samplesMs;
                samplesMs.reserve(static_cast<std::size_t>(m_settings.replicates));
                std::size_t inferences = 0;
                EnergyWindow window(m_backend);
                const double minWindowS = m_backend.minEnergyWindowS();
                while (samplesMs.size() < static_cast<std::size_t>(m_settings.replicates)
                    || window.elapsedS() < minWindowS) {
                    if (listener.cancelRequested()) {
                        outcome.cancelled = true;
                        return outcome;
                    }
                    const StagedRunResult result = runOnce(model.candidate, output + 1);
                    if (samplesMs.size() < static_cast<std::size_t>(m_settings.replicates))
                        samplesMs.push_back(result.totalLatencyMs);
                    ++inferences;
                    window.poll();
                }
                const auto [energyJ, windowS] = window.close();
                const LatencyStats stats = summarizeLatencies(samplesMs);

                ProfileCellRecord cell;
                cell.modelId = model.record.id;
                cell.outputIndex = output;
                cell.powerCapW = capW;
                cell.latencyMedianMs = stats.medianMs;
                cell.latencyIqrMs = stats.iqrMs;
                cell.latencyP95Ms = stats.p95Ms;
                cell.energyJ = energyJ / static_cast<double>(inferences);
                cell.powerW = windowS > 0.0 ? energyJ / windowS : 0.0;
                cell.accuracy = evaluation->second.outputs.at(static_cast<std::size_t>(output)).accuracy;
                cell.replicates = static_cast<int>(samplesMs.size());
                cell.noisy = stats.relativeSpread() > m_settings.noiseThreshold;
                listener.onCell(cell);
                ++outcome.measured;
                ++progress.cellsDone;

                char line[320];
                std::snprintf(line, sizeof line,
                    "%s output %d @ %s: median %s, IQR %s, p95 %s, %.5f J, %.2f W, accuracy %.4f%s",
                    model.record.name.c_str(), output, formatPowerW(capW, 1).c_str(), formatMs(stats.medianMs).c_str(),
                    formatMs(stats.iqrMs).c_str(), formatMs(stats.p95Ms).c_str(), cell.energyJ, cell.powerW,
                    cell.accuracy, cell.noisy ? " (noisy: IQR/median above the threshold)" : "");
                progress.message = line;
                listener.onProgress(progress);
            }
        }
    }
    return outcome;
}

} // namespace awb::core
