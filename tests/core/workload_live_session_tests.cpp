// The live session loop on a scripted inference engine (the profile's latencies times a slowdown
// chosen per input) and the emulated power backend: what it logs, how it answers at deadlines,
// goal changes, stopping, and ALERT's ξ estimate following a slowdown that comes and goes. The
// real engine (trained candidates) runs in the database and CLI tests.

#include "core/control/alert_controller.h"
#include "core/power/emulated_backend.h"
#include "core/workload/live_session.h"

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <functional>
#include <gtest/gtest.h>
#include <stdexcept>
#include <thread>

#include "control_test_support.h"

namespace awb::core {
namespace {

    // Reports the table's latency for the cap in force times slowdown(call), without computing
    // anything; predicts the right class except on inputs whose index is a multiple of `wrongEvery`.
    class ScriptedEngine final : public InferenceEngine {
    public:
        ScriptedEngine(
            const ConfigurationTable& table, PowerBackend& backend, std::function<double(std::int64_t)> slowdown)
            : m_table(table)
            , m_backend(backend)
            , m_slowdown(std::move(slowdown))
        {
        }
        std::size_t modelCount() const override { return m_table.modelCount(); }
        std::size_t inputCount() const override { return 100; }
        int label(std::size_t input) const override { return static_cast<int>(input % 10); }
        void infer(std::size_t model, std::size_t input, Clock::time_point deadline, InferenceOutcome& outcome) override
        {
            if (m_throwAt == m_calls)
                throw std::runtime_error("scripted engine failure");
            const auto& caps = m_table.capsW();
            const std::size_t cap
                = static_cast<std::size_t>(std::find(caps.begin(), caps.end(), m_backend.capW()) - caps.begin());
            if (cap == caps.size())
                throw std::logic_error("the cap in force is not one of the table's");
            const double s = m_slowdown(m_calls++);
            const Clock::time_point start = Clock::now();
            outcome.outputLatencyMs.clear();
            outcome.outputClass.clear();
            for (int k = 0; k < m_table.outputCount(model); ++k) {
                if (k > 0
                    && start
                            + std::chrono::duration_cast<Clock::duration>(
                                std::chrono::duration<double, std::milli>(outcome.outputLatencyMs.back()))
                        >= deadline)
                    break;
                outcome.outputLatencyMs.push_back(m_table.latencyMs(model, cap, k) * s);
                outcome.outputClass.push_back(input % 7 == 0 ? -1 : label(input));
            }
            models.push_back(model);
        }
        std::vector<std::size_t> models; // per call
        std::int64_t m_throwAt = -1;

    private:
        const ConfigurationTable& m_table;
        PowerBackend& m_backend;
        std::function<double(std::int64_t)> m_slowdown;
        std::int64_t m_calls = 0;
    };

    class CollectingSink final : public LiveSessionSink {
    public:
        void onStep(const RunStepRecord& step) override { steps.push_back(step); }
        void onEvent(const RunEventRecord& event) override { events.push_back(event); }
        std::vector<RunStepRecord> steps;
        std::vector<RunEventRecord> events;
    };

    LiveSessionOptions options(std::int64_t inputs, const Goals& goals)
    {
        LiveSessionOptions o;
        o.workload.inputs = inputs;
        o.workload.seed = 7;
        o.goalSchedule = { { 0, goals } };
        return o;
    }

    std::size_t threadCount()
    {
        std::size_t count = 0;
        for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator("/proc/self/task"))
            ++count;
        return count;
    }

    TEST(WorkloadLiveSession, LogsEveryInputWithItsArrivalDecisionAndMeasurement)
    {
        const ConfigurationTable table = test::smallTable();
        EmulatedBackend backend;
        ScriptedEngine engine(table, backend, [](std::int64_t) { return 1.0; });
        const Goals goals = Goals::maximizeAccuracy(4.0, 1.0);
        AlertController controller(table, AlertSettings {}, goals);
        LiveSession session(table, controller, backend, engine, options(60, goals));
        CollectingSink sink;
        ProgressMailbox progress;
        const LiveSessionResult result = session.run(sink, &progress);

        ASSERT_EQ(sink.steps.size(), 60U);
        EXPECT_FALSE(result.stopped);
        EXPECT_EQ(result.metrics.inputs, 60);
        EXPECT_EQ(progress.publishedCount(), 60U);
        for (std::size_t n = 0; n < sink.steps.size(); ++n) {
            const RunStepRecord& step = sink.steps[n];
            EXPECT_EQ(step.inputIndex, static_cast<std::int64_t>(n));
            EXPECT_DOUBLE_EQ(step.arrivalMs, 4.0 * static_cast<double>(n)); // single-stream: period = deadline
            EXPECT_GT(step.energyJ, 0.0);
            EXPECT_NEAR(step.xiObserved, 1.0, 1e-9); // the engine reports the profile exactly
            EXPECT_GE(step.latencyMs, 0.0);
            EXPECT_TRUE(std::find(table.capsW().begin(), table.capsW().end(), step.powerCapW) != table.capsW().end());
        }
        // The period's energy is the emulated device's idle power over it (no active span booked).
        double sum = 0.0;
        for (const RunStepRecord& step : sink.steps)
            sum += step.energyJ;
        EXPECT_NEAR(sum / 60.0, result.metrics.energyPerInputJ, 1e-12);
        EXPECT_GT(result.wallS, 60 * 4.0 / 1000.0 * 0.99);
        EXPECT_NEAR(result.targetRatePerS, 250.0, 1e-6);
    }

    TEST(WorkloadLiveSession, AnswersWithTheLastOutputReadyByTheDeadline)
    {
        // Only the anytime model (outputs at 1, 3 and 5 ms) at 60 W: output 1 ends at 3 ms and
        // output 2 at 5 ms, so with a 4 ms deadline the answer is output 1, in time.
        const ConfigurationTable full = test::smallTable();
        const ConfigurationTable table = full.restricted({ 2 }, { 2 });
        EmulatedBackend backend;
        ScriptedEngine engine(table, backend, [](std::int64_t) { return 1.0; });
        const Goals goals = Goals::maximizeAccuracy(4.0, 1.0);
        AlertController controller(table, AlertSettings {}, goals);
        LiveSession session(table, controller, backend, engine, options(30, goals));
        CollectingSink sink;
        session.run(sink);
        for (const RunStepRecord& step : sink.steps) {
            EXPECT_TRUE(step.deadlineMet) << step.inputIndex;
            EXPECT_LE(step.latencyMs, 4.0);
            EXPECT_GE(step.outputReached, 1) << "output 1 (3 ms) fits a 4 ms deadline";
        }
    }

    TEST(WorkloadLiveSession, ALateTraditionalModelMissesItsDeadlineAndCountsAsWrong)
    {
        const ConfigurationTable full = test::smallTable();
        const ConfigurationTable table = full.restricted({ 1 }, { 2 }); // "large": 6 ms at 60 W
        EmulatedBackend backend;
        ScriptedEngine engine(table, backend, [](std::int64_t) { return 1.0; });
        const Goals goals = Goals::maximizeAccuracy(4.0, 1.0);
        AlertController controller(table, AlertSettings {}, goals);
        LiveSession session(table, controller, backend, engine, options(20, goals));
        CollectingSink sink;
        const LiveSessionResult result = session.run(sink);
        for (const RunStepRecord& step : sink.steps) {
            EXPECT_FALSE(step.deadlineMet);
            EXPECT_FALSE(step.correct);
        }
        EXPECT_DOUBLE_EQ(result.metrics.deadlineMissRate, 1.0);
        EXPECT_DOUBLE_EQ(result.metrics.errorRate, 1.0);
    }

    TEST(WorkloadLiveSession, XiEstimateRisesAndReturnsWithinTwentyInputsOfASlowdown)
    {
        const ConfigurationTable table = test::smallTable();
        EmulatedBackend backend;
        ScriptedEngine engine(table, backend, [](std::int64_t n) { return n >= 100 && n < 200 ? 2.0 : 1.0; });
        const Goals goals = Goals::maximizeAccuracy(12.0, 1.0);
        AlertController controller(table, AlertSettings {}, goals);
        LiveSessionOptions o = options(300, goals);
        o.workload.scenario = Scenario::Server; // arrivals faster than single-stream's 12 ms period
        o.workload.arrivalRatePerS = 2000.0;
        LiveSession session(table, controller, backend, engine, o);
        CollectingSink sink;
        session.run(sink);
        ASSERT_EQ(sink.steps.size(), 300U);
        // xiMean is the belief when deciding input n, after observing input n − 1.
        EXPECT_LT(sink.steps[99].xiMean, 1.2);
        EXPECT_GT(sink.steps[120].xiMean, 1.6) << "the estimate rose within 20 inputs of the slowdown";
        EXPECT_GT(sink.steps[199].xiMean, 1.6);
        EXPECT_LT(sink.steps[220].xiMean, 1.25) << "and came back within 20 inputs of its end";
        EXPECT_NEAR(sink.steps[150].xiObserved, 2.0, 1e-9);
    }

    TEST(WorkloadLiveSession, ContentionRunsDuringItsPhaseAndIsLoggedAndStopped)
    {
        const ConfigurationTable table = test::smallTable();
        EmulatedBackend backend;
        ScriptedEngine engine(table, backend, [](std::int64_t) { return 1.0; });
        const Goals goals = Goals::maximizeAccuracy(2.0, 1.0);
        AlertController controller(table, AlertSettings {}, goals);
        LiveSessionOptions o = options(60, goals);
        o.contention = ContentionPlan::fromSpec("compute@20-40");
        o.intensity.workers = 1;
        o.intensity.cores = { allowedCores().back() };
        const std::size_t before = threadCount();
        LiveSession session(table, controller, backend, engine, o);
        CollectingSink sink;
        ProgressMailbox progress;
        const LiveSessionResult result = session.run(sink, &progress);
        EXPECT_EQ(threadCount(), before) << "no co-runner outlives its phase";
        ASSERT_EQ(sink.events.size(), 2U);
        EXPECT_EQ(sink.events[0].kind, "contention-start");
        EXPECT_EQ(sink.events[0].inputIndex, 20);
        EXPECT_EQ(sink.events[1].kind, "contention-stop");
        EXPECT_EQ(sink.events[1].inputIndex, 40);
        EXPECT_LE(sink.events[0].timeMs, sink.events[1].timeMs);
        EXPECT_EQ(result.contentionEvents, 2);
    }

    TEST(WorkloadLiveSession, ContentionStillRunningAtTheEndIsStoppedAndLogged)
    {
        const ConfigurationTable table = test::smallTable();
        EmulatedBackend backend;
        ScriptedEngine engine(table, backend, [](std::int64_t) { return 1.0; });
        const Goals goals = Goals::maximizeAccuracy(2.0, 1.0);
        AlertController controller(table, AlertSettings {}, goals);
        LiveSessionOptions o = options(30, goals);
        o.contention = ContentionPlan::fromSpec("compute@10-1000");
        o.intensity.workers = 1;
        LiveSession session(table, controller, backend, engine, o);
        CollectingSink sink;
        session.run(sink);
        ASSERT_EQ(sink.events.size(), 2U);
        EXPECT_EQ(sink.events[1].kind, "contention-stop");
    }

    TEST(WorkloadLiveSession, ScheduledAndRequestedGoalChangesTakeEffectAndAreLogged)
    {
        const ConfigurationTable table = test::smallTable();
        EmulatedBackend backend;
        ScriptedEngine engine(table, backend, [](std::int64_t) { return 1.0; });
        const Goals first = Goals::maximizeAccuracy(8.0, 1.0);
        AlertController controller(table, AlertSettings {}, first);
        LiveSessionOptions o = options(400, first);
        o.goalSchedule = goalSchedule(first, { "40:deadline-ms=2.5" });
        std::atomic<bool> asked { false };
        LiveSession session(table, controller, backend, engine, o);
        ProgressMailbox progress;
        // The GUI's path: requestGoals from another thread while the loop runs, once input 100 is done.
        std::thread gui([&] {
            while (progress.publishedCount() < 100)
                std::this_thread::sleep_for(std::chrono::milliseconds(2));
            session.requestGoals(Goals::minimizeEnergy(8.0, 0.75));
            asked = true;
        });
        CollectingSink sink;
        session.run(sink, &progress);
        gui.join();
        ASSERT_TRUE(asked);
        ASSERT_GE(sink.events.size(), 2U);
        EXPECT_EQ(sink.events[0].kind, "goal-change");
        EXPECT_EQ(sink.events[0].inputIndex, 40);
        EXPECT_EQ(sink.events[1].kind, "goal-change");
        EXPECT_NE(sink.events[1].detail.find("min-energy"), std::string::npos) << sink.events[1].detail;
        // With a 2.5 ms deadline only "small" (2 ms at 60 W, accuracy 0.80) or the nested model's first
        // output (0.70) answer in time; "large" (0.92) cannot. (Predicted latency is to a model's last
        // output, which an anytime model need not reach, so the accuracy is what tells them apart. An
        // input that starts late on a busy machine is planned for less time, which only lowers it.)
        for (std::int64_t n = 41; n < sink.events[1].inputIndex; ++n)
            EXPECT_LE(sink.steps[static_cast<std::size_t>(n)].predictedAccuracy, 0.80 + 1e-6) << n; // estimates are floats
        // Single-stream: the period follows the deadline from the change on.
        EXPECT_DOUBLE_EQ(sink.steps[41].arrivalMs - sink.steps[40].arrivalMs, 2.5);
    }

    TEST(WorkloadLiveSession, StopRequestedFromAnotherThreadEndsTheRunCleanly)
    {
        const ConfigurationTable table = test::smallTable();
        EmulatedBackend backend;
        ScriptedEngine engine(table, backend, [](std::int64_t) { return 1.0; });
        const Goals goals = Goals::maximizeAccuracy(5.0, 1.0);
        AlertController controller(table, AlertSettings {}, goals);
        LiveSessionOptions o = options(100000, goals);
        o.contention = ContentionPlan::fromSpec("compute@0-100000");
        o.intensity.workers = 1;
        const std::size_t before = threadCount();
        LiveSession session(table, controller, backend, engine, o);
        ProgressMailbox progress;
        std::thread stopper([&] {
            while (progress.publishedCount() < 20)
                std::this_thread::sleep_for(std::chrono::milliseconds(5));
            session.requestStop();
        });
        CollectingSink sink;
        const LiveSessionResult result = session.run(sink, &progress);
        stopper.join();
        EXPECT_TRUE(result.stopped);
        EXPECT_GE(sink.steps.size(), 20U);
        EXPECT_LT(sink.steps.size(), 100000U);
        EXPECT_EQ(result.metrics.inputs, static_cast<std::int64_t>(sink.steps.size()));
        EXPECT_EQ(threadCount(), before);
        ASSERT_FALSE(sink.events.empty());
        EXPECT_EQ(sink.events.back().kind, "contention-stop");
    }

    TEST(WorkloadLiveSession, SpinningForArrivalsKeepsTheScheduleAndStillStops)
    {
        const ConfigurationTable table = test::smallTable();
        EmulatedBackend backend;
        ScriptedEngine engine(table, backend, [](std::int64_t) { return 1.0; });
        const Goals goals = Goals::maximizeAccuracy(2.0, 1.0);
        AlertController controller(table, AlertSettings {}, goals);
        LiveSessionOptions o = options(100000, goals);
        o.wait = ArrivalWait::Spin;
        LiveSession session(table, controller, backend, engine, o);
        ProgressMailbox progress;
        std::thread stopper([&] {
            while (progress.publishedCount() < 50)
                std::this_thread::sleep_for(std::chrono::milliseconds(5));
            session.requestStop();
        });
        CollectingSink sink;
        const LiveSessionResult result = session.run(sink, &progress);
        stopper.join();
        EXPECT_TRUE(result.stopped);
        ASSERT_GE(sink.steps.size(), 50U);
        for (std::size_t n = 0; n < sink.steps.size(); ++n)
            EXPECT_DOUBLE_EQ(sink.steps[n].arrivalMs, 2.0 * static_cast<double>(n));
        // No input started before its arrival: the wall time covers every period but the last.
        EXPECT_GE(result.wallS, 2.0e-3 * static_cast<double>(sink.steps.size() - 1));
        EXPECT_EQ(std::string(toString(ArrivalWait::Spin)), "spin");
        EXPECT_EQ(arrivalWaitFromString("sleep"), ArrivalWait::Sleep);
        EXPECT_THROW(arrivalWaitFromString("nap"), std::invalid_argument);
    }

    TEST(WorkloadLiveSession, AnEngineFailureStopsTheCoRunnersAndPropagates)
    {
        const ConfigurationTable table = test::smallTable();
        EmulatedBackend backend;
        ScriptedEngine engine(table, backend, [](std::int64_t) { return 1.0; });
        engine.m_throwAt = 15;
        const Goals goals = Goals::maximizeAccuracy(2.0, 1.0);
        AlertController controller(table, AlertSettings {}, goals);
        LiveSessionOptions o = options(100, goals);
        o.contention = ContentionPlan::fromSpec("memory@5-100");
        o.intensity.workers = 1;
        o.intensity.memoryArrayBytes = 8 << 20;
        const std::size_t before = threadCount();
        CollectingSink sink;
        {
            LiveSession session(table, controller, backend, engine, o);
            EXPECT_THROW(session.run(sink), std::runtime_error);
            EXPECT_EQ(threadCount(), before);
        }
        EXPECT_EQ(sink.steps.size(), 15U) << "inputs 0-14, finished before input 15 failed, are logged";
    }

    TEST(WorkloadLiveSession, RefusesAMismatchedEngineAndABadSchedule)
    {
        const ConfigurationTable table = test::smallTable();
        const ConfigurationTable smaller = table.restricted({ 0 }, { 0, 1, 2 });
        EmulatedBackend backend;
        ScriptedEngine engine(smaller, backend, [](std::int64_t) { return 1.0; });
        const Goals goals = Goals::maximizeAccuracy(2.0, 1.0);
        AlertController controller(table, AlertSettings {}, goals);
        EXPECT_THROW(LiveSession(table, controller, backend, engine, options(10, goals)), std::invalid_argument);
        ScriptedEngine matching(table, backend, [](std::int64_t) { return 1.0; });
        LiveSessionOptions o = options(10, goals);
        o.goalSchedule.clear();
        EXPECT_THROW(LiveSession(table, controller, backend, matching, o), std::invalid_argument);
        o = options(0, goals);
        EXPECT_THROW(LiveSession(table, controller, backend, matching, o), std::invalid_argument);
    }

    TEST(WorkloadArrivals, SingleStreamUsesThePeriodAndServerDrawsExponentialGaps)
    {
        WorkloadSettings single;
        single.inputs = 10;
        ArrivalProcess stream(single, 50);
        EXPECT_DOUBLE_EQ(stream.nextGapMs(4.0), 4.0);

        WorkloadSettings server;
        server.scenario = Scenario::Server;
        server.arrivalRatePerS = 500.0;
        server.inputs = 10;
        server.seed = 3;
        ArrivalProcess a(server, 50);
        ArrivalProcess b(server, 50);
        double sum = 0.0;
        double sumSquares = 0.0;
        constexpr int kDraws = 200000;
        for (int i = 0; i < kDraws; ++i) {
            const double gap = a.nextGapMs(99.0);
            ASSERT_EQ(gap, b.nextGapMs(99.0)) << "the same seed gives the same arrivals";
            ASSERT_GT(gap, 0.0);
            sum += gap;
            sumSquares += gap * gap;
        }
        const double mean = sum / kDraws;
        const double sd = std::sqrt(sumSquares / kDraws - mean * mean);
        EXPECT_NEAR(mean, 2.0, 0.02); // 1/rate; the standard error is 2/sqrt(200000) ≈ 0.0045 ms
        EXPECT_NEAR(sd, 2.0, 0.05); // an exponential's standard deviation equals its mean
    }

    TEST(WorkloadArrivals, TestImagesAreASeededPermutationCycledOverTheRun)
    {
        WorkloadSettings settings;
        settings.inputs = 100;
        settings.seed = 11;
        const ArrivalProcess a(settings, 40);
        std::vector<std::size_t> seen;
        for (std::int64_t n = 0; n < 40; ++n)
            seen.push_back(a.testInput(n));
        std::vector<std::size_t> sorted = seen;
        std::sort(sorted.begin(), sorted.end());
        for (std::size_t i = 0; i < sorted.size(); ++i)
            EXPECT_EQ(sorted[i], i);
        EXPECT_EQ(a.testInput(40), seen[0]);
        settings.seed = 12;
        const ArrivalProcess b(settings, 40);
        bool differs = false;
        for (std::int64_t n = 0; n < 40; ++n)
            differs = differs || b.testInput(n) != seen[static_cast<std::size_t>(n)];
        EXPECT_TRUE(differs);
    }

    TEST(WorkloadArrivals, RefusesServerWithoutRateAndScenarioNames)
    {
        WorkloadSettings server;
        server.scenario = Scenario::Server;
        EXPECT_THROW(server.validate(), std::invalid_argument);
        EXPECT_EQ(scenarioFromString("server"), Scenario::Server);
        EXPECT_EQ(std::string(toString(Scenario::SingleStream)), "single-stream");
        EXPECT_THROW(scenarioFromString("batch"), std::invalid_argument);
    }

    TEST(WorkloadGoalChanges, ParsesChangesRelativeToThePreviousGoals)
    {
        const Goals first = Goals::maximizeAccuracy(8.0, 0.5);
        const std::vector<GoalChange> schedule = goalSchedule(first,
            { "100:deadline-ms=6", "200:goal=min-energy,accuracy-goal=0.85",
                "300:energy-budget-j=0.2,goal=max-accuracy" });
        ASSERT_EQ(schedule.size(), 4U);
        EXPECT_EQ(schedule[1].fromInput, 100);
        EXPECT_EQ(schedule[1].goals, Goals::maximizeAccuracy(6.0, 0.5));
        EXPECT_EQ(schedule[2].goals, Goals::minimizeEnergy(6.0, 0.85));
        EXPECT_EQ(schedule[3].goals, Goals::maximizeAccuracy(6.0, 0.2));
    }

    TEST(WorkloadGoalChanges, RefusesMalformedChangesWithTheirText)
    {
        const Goals first = Goals::maximizeAccuracy(8.0, 0.5);
        for (const char* bad : { "deadline-ms=6", "0:deadline-ms=6", "x:deadline-ms=6", "10:", "10:deadline-ms",
                 "10:deadline-ms=-1", "10:deadline-ms=abc", "10:speed=2", "10:goal=min-energy", "10:accuracy-goal=0.8",
                 "10:goal=fast", "10:goal=min-energy,accuracy-goal=1.5" }) {
            try {
                parseGoalChange(bad, first);
                ADD_FAILURE() << "accepted " << bad;
            } catch (const std::invalid_argument& error) {
                EXPECT_NE(std::string(error.what()).find(bad), std::string::npos) << error.what();
            }
        }
        EXPECT_THROW(goalSchedule(first, { "100:deadline-ms=6", "50:deadline-ms=7" }), std::invalid_argument);
    }

} // namespace
} // namespace awb::core
