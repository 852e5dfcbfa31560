// Measures the slowdown levels behind `alertwb-cli evaluate --contention SPEC`: every shipped zoo
// model (resources/models, loaded through loadModelCandidate) is timed batch 1, one intra-op
// thread, input by input, alone, next to a memory-bound co-runner thread (memcpy streaming over two
// buffers far larger than the last-level cache) and next to a compute-bound one (a tight
// floating-point loop in registers). Models take turns input by input, so slow drift of a shared
// machine spreads over all of them. Per model and environment it reports the mean latency over the
// alone median (the slowdown factor ξ a replay uses) and the coefficient of variation input to
// input (its spread); the levels are the means over the models. Not a unit test: it takes a
// minute and its figures depend on the machine and its load (docs/controller.md).
//
// On a shared machine other people's work preempts the timed thread now and then; such stalls
// (milliseconds, against inferences of 0.02–15 ms) dominate means and standard deviations. The
// levels therefore use the median latency over the alone median as each model's slowdown and the
// IQR/1.349 over the median as its spread (the coefficient of variation a normal distribution with
// that IQR would have); means and plain CVs are printed beside them. A level is the mean of the
// models' slowdowns and the median of their spreads. The environments take turns in
// `--rounds` rounds, so a change of the ambient load falls on all three alike, and the load
// average before and after is reported.
//
// `--co-runner-threads N` runs N co-runner threads (default 1; each memory thread streams its own
// buffers). With one thread on an otherwise idle two-core machine the co-runner has a core of its
// own and the small zoo models (weights ≤ 0.6 MB, cache-resident) barely notice it; with as many
// threads as cores the inference shares a core with the co-runner, as next to a parallel job.
//
//   build/dev/bench/measure_contention [--reps N] [--rounds R] [--co-runner-threads N] [--buffer-mib M] [--json]

#include "core/models/candidate.h"
#include "core/models/model_loader.h"
#include "core/models/shipped_zoo.h"
#include "core/models/staged_runner.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <nlohmann/json.hpp>
#include <numeric>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

enum class Environment { Alone, Memory, Compute };
const char* kNames[] = { "alone", "memory", "compute" };

// Streams `bytes` from one buffer to another until told to stop: bandwidth and LLC pressure.
void memoryCoRunner(const std::atomic<bool>& stop, std::size_t bytes)
{
    std::vector<char> from(bytes, 1);
    std::vector<char> to(bytes, 0);
    while (!stop.load(std::memory_order_relaxed)) {
        std::memcpy(to.data(), from.data(), bytes);
        std::swap(from, to);
    }
}

// Dependent multiply-adds in registers: occupies a core's arithmetic units, touches no memory.
void computeCoRunner(const std::atomic<bool>& stop)
{
    double a = 1.0, b = 1.0000001, c = 0.9999999, d = 1.0;
    while (!stop.load(std::memory_order_relaxed)) {
        for (int i = 0; i < 100000; ++i) {
            a = a * b + 1e-9;
            d = d * c + 1e-9;
        }
    }
    volatile double sink = a + d;
    (void)sink;
}

struct Series {
    std::vector<double> latencyMs;
    double median() const
    {
        std::vector<double> sorted = latencyMs;
        std::sort(sorted.begin(), sorted.end());
        return sorted[sorted.size() / 2];
    }
    double mean() const { return std::accumulate(latencyMs.begin(), latencyMs.end(), 0.0) / latencyMs.size(); }
    double quantile(double q) const
    {
        std::vector<double> sorted = latencyMs;
        std::sort(sorted.begin(), sorted.end());
        const double position = q * static_cast<double>(sorted.size() - 1);
        const auto below = static_cast<std::size_t>(position);
        const std::size_t above = std::min(below + 1, sorted.size() - 1);
        return sorted[below] + (position - static_cast<double>(below)) * (sorted[above] - sorted[below]);
    }
    double robustSpread() const { return (quantile(0.75) - quantile(0.25)) / 1.349 / median(); }
    double cv() const
    {
        const double m = mean();
        double squares = 0.0;
        for (double x : latencyMs)
            squares += (x - m) * (x - m);
        return std::sqrt(squares / latencyMs.size()) / m;
    }
};

} // namespace

int main(int argc, char** argv)
{
    int reps = 1500;
    int rounds = 5;
    int coRunnerThreads = 1;
    std::size_t bufferMiB = 256;
    bool json = false;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--reps" && i + 1 < argc)
            reps = std::max(10, std::atoi(argv[++i]));
        else if (arg == "--rounds" && i + 1 < argc)
            rounds = std::max(1, std::atoi(argv[++i]));
        else if (arg == "--co-runner-threads" && i + 1 < argc)
            coRunnerThreads = std::max(1, std::atoi(argv[++i]));
        else if (arg == "--buffer-mib" && i + 1 < argc)
            bufferMiB = static_cast<std::size_t>(std::max(1, std::atoi(argv[++i])));
        else if (arg == "--json")
            json = true;
        else {
            std::cerr << "usage: measure_contention [--reps N] [--rounds R] [--co-runner-threads N] [--buffer-mib M] "
                         "[--json]\n";
            return 2;
        }
    }

    const awb::core::ShippedZoo zoo = awb::core::readShippedZoo();
    std::vector<awb::core::Candidate> candidates;
    std::vector<std::string> names;
    for (const awb::core::ShippedModel& shipped : zoo.models) {
        candidates.push_back(awb::core::loadModelCandidate(shipped.model));
        names.push_back(shipped.model.name);
    }
    const awb::core::StagedRunner runner; // one intra-op thread
    const std::vector<std::int64_t> shape { 1, 1, 28, 28 };
    std::vector<float> image(28 * 28);
    for (std::size_t i = 0; i < image.size(); ++i)
        image[i] = std::sin(0.21F * static_cast<float>(i));

    const auto loadAverage = [] {
        double load = -1.0;
        if (std::FILE* file = std::fopen("/proc/loadavg", "r")) {
            if (std::fscanf(file, "%lf", &load) != 1)
                load = -1.0;
            std::fclose(file);
        }
        return load;
    };
    const double loadBefore = loadAverage();

    // [environment][model]
    std::vector<std::vector<Series>> series(3, std::vector<Series>(candidates.size()));
    const int perRound = std::max(1, reps / rounds);
    for (int round = 0; round < rounds; ++round) {
        for (int e = 0; e < 3; ++e) {
            std::atomic<bool> stop { false };
            std::vector<std::thread> coRunners;
            for (int t = 0; t < coRunnerThreads && e > 0; ++t) {
                if (e == 1)
                    coRunners.emplace_back(memoryCoRunner, std::cref(stop), bufferMiB << 20);
                else
                    coRunners.emplace_back(computeCoRunner, std::cref(stop));
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(300)); // the co-runner reaches its pace
            for (int rep = -std::max(perRound / 10, 3); rep < perRound; ++rep) { // warm-up untimed
                for (std::size_t m = 0; m < candidates.size(); ++m) {
                    const auto result = runner.run(candidates[m], image, shape, 1e9);
                    if (rep >= 0)
                        series[static_cast<std::size_t>(e)][m].latencyMs.push_back(result.totalLatencyMs);
                }
            }
            stop = true;
            for (std::thread& coRunner : coRunners)
                coRunner.join();
        }
        std::cerr << "round " << round + 1 << " of " << rounds << " done\n";
    }
    const double loadAfter = loadAverage();

    nlohmann::ordered_json document;
    document["reps"] = perRound * rounds;
    document["rounds"] = rounds;
    document["co_runner_threads"] = coRunnerThreads;
    document["load_average_before"] = loadBefore;
    document["load_average_after"] = loadAfter;
    document["buffer_mib"] = bufferMiB;
    document["threads"] = std::thread::hardware_concurrency();
    nlohmann::ordered_json models = nlohmann::ordered_json::array();
    double levelSum[3] = { 0, 0, 0 };
    std::vector<double> spreads[3];
    double meanLevelSum[3] = { 0, 0, 0 };
    if (!json)
        std::printf("%-16s %-8s %10s %10s %9s %8s %9s %8s\n", "model", "env", "median ms", "mean ms", "slowdown",
            "spread", "mean/med", "cv");
    for (std::size_t m = 0; m < candidates.size(); ++m) {
        const double aloneMedian = series[0][m].median();
        nlohmann::ordered_json row { { "model", names[m] }, { "alone_median_ms", aloneMedian } };
        for (int e = 0; e < 3; ++e) {
            const Series& s = series[static_cast<std::size_t>(e)][m];
            const double slowdown = s.median() / aloneMedian;
            const double meanSlowdown = s.mean() / aloneMedian;
            levelSum[e] += slowdown;
            spreads[e].push_back(s.robustSpread());
            meanLevelSum[e] += meanSlowdown;
            row[kNames[e]] = { { "median_ms", s.median() }, { "mean_ms", s.mean() }, { "slowdown", slowdown },
                { "spread", s.robustSpread() }, { "mean_slowdown", meanSlowdown }, { "cv", s.cv() } };
            if (!json)
                std::printf("%-16s %-8s %10.4f %10.4f %9.3f %8.3f %9.3f %8.3f\n", names[m].c_str(), kNames[e],
                    s.median(), s.mean(), slowdown, s.robustSpread(), meanSlowdown, s.cv());
        }
        models.push_back(row);
    }
    document["models"] = models;
    const double count = static_cast<double>(candidates.size());
    std::string levels;
    for (int e = 0; e < 3; ++e) {
        // The spread is the median over models: one model's bimodal latencies should not set it.
        std::vector<double> sorted = spreads[e];
        std::sort(sorted.begin(), sorted.end());
        const double spread = sorted.size() % 2 ? sorted[sorted.size() / 2]
                                                : 0.5 * (sorted[sorted.size() / 2 - 1] + sorted[sorted.size() / 2]);
        char piece[96];
        std::snprintf(piece, sizeof piece, "%s%s=%.3f:%.3f", e ? "," : "", kNames[e], levelSum[e] / count, spread);
        levels += piece;
        document["levels"][kNames[e]] = { { "slowdown", levelSum[e] / count }, { "spread", spread },
            { "mean_slowdown", meanLevelSum[e] / count } };
    }
    document["contention_levels"] = levels;
    if (json)
        std::cout << document.dump(2) << '\n';
    else
        std::cout << "\nload average " << loadBefore << " before, " << loadAfter << " after"
                  << "\nlevels (slowdown: mean over models of the median ratio; spread: median over models): "
                     "--contention-levels "
                  << levels << '\n';
    return 0;
}
