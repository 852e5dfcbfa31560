// The GUI's end of a live run: the shipped zoo profiled on the emulated backend, then real live
// runs driven from the GUI thread — progress coalesced by the timer with an exact skipped count,
// a goal change mid-run, Stop, and a refusal.
#include "database/repositories.h"
#include "widgets/live_run_runner.h"

#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QTest>

#include <gtest/gtest.h>

#include "tests/widgets/profiled_store.h"
#include <optional>

namespace {

using awb::ui::LiveRunRunner;

constexpr int kRunTimeoutMs = 120'000; // real inference on a shared 2-core machine

class WidgetsLiveRunRunner : public testing::Test {
protected:
    void SetUp() override
    {
        ASSERT_TRUE(m_dir.isValid());
        qputenv("ALERTWB_STATE_DIR", m_dir.filePath(QStringLiteral("state")).toUtf8());
        m_store = m_dir.filePath(QStringLiteral("live.sqlite"));
        awb::test::profileShippedModels(m_store.toStdString(), { "cnn-xs", "anytime-width4" });
    }
    void TearDown() override { qunsetenv("ALERTWB_STATE_DIR"); }

    static awb::db::LiveRunRequest request(std::int64_t inputs)
    {
        awb::db::LiveRunRequest r;
        r.goals = awb::core::Goals::maximizeAccuracy(1.0, 0.1);
        r.workload.inputs = inputs;
        return r;
    }

    // Runs the event loop until the runner reports the end.
    struct Outcome {
        std::optional<awb::db::LiveRunResult> result;
        QString failure;
        std::vector<awb::core::LiveProgress> progress;
        std::vector<quint64> skipped;
        std::vector<std::int64_t> batchedInputs; // every step's input index, from stepsArrived
        quint64 lost = 0;
    };
    static void collect(LiveRunRunner& runner, Outcome& outcome)
    {
        QObject::connect(&runner, &LiveRunRunner::progressed, &runner,
            [&outcome](const awb::core::LiveProgress& p, quint64 skipped, quint64) {
                outcome.progress.push_back(p);
                outcome.skipped.push_back(skipped);
            });
        QObject::connect(&runner, &LiveRunRunner::stepsArrived, &runner,
            [&outcome](const std::vector<awb::core::LiveProgress>& steps, quint64 lost) {
                for (const awb::core::LiveProgress& p : steps)
                    outcome.batchedInputs.push_back(p.step.inputIndex);
                outcome.lost = lost;
            });
        QObject::connect(&runner, &LiveRunRunner::finished, &runner,
            [&outcome](const awb::db::LiveRunResult& result) { outcome.result = result; });
        QObject::connect(&runner, &LiveRunRunner::failed, &runner,
            [&outcome](const QString& message) { outcome.failure = message; });
    }
    static bool waitForEnd(const Outcome& outcome)
    {
        QElapsedTimer clock;
        clock.start();
        while (!outcome.result && outcome.failure.isEmpty() && clock.elapsed() < kRunTimeoutMs)
            QTest::qWait(10);
        return outcome.result || !outcome.failure.isEmpty();
    }

    QTemporaryDir m_dir;
    QString m_store;
};

TEST_F(WidgetsLiveRunRunner, DeliversEveryStepInBatchesCoalescesProgressAndTakesAGoalChange)
{
    LiveRunRunner runner;
    Outcome outcome;
    collect(runner, outcome);
    bool goalsTaken = false;
    QObject::connect(&runner, &LiveRunRunner::progressed, &runner, [&](const awb::core::LiveProgress& p) {
        if (!goalsTaken && p.inputsDone >= 500) {
            QString error;
            goalsTaken = runner.requestGoals(awb::core::Goals::maximizeAccuracy(2.0, 0.1), &error);
            EXPECT_TRUE(goalsTaken) << error.toStdString();
        }
    });
    ASSERT_TRUE(runner.start(m_store, request(3000)));
    EXPECT_FALSE(runner.start(m_store, request(10))) << "one run at a time";
    ASSERT_TRUE(waitForEnd(outcome)) << "no end within the timeout";
    ASSERT_TRUE(outcome.failure.isEmpty()) << outcome.failure.toStdString();
    EXPECT_FALSE(runner.isRunning());
    ASSERT_EQ(outcome.result->status, awb::core::SessionStatus::Complete);

    // About 30 deliveries a second over a 3 s run, never one per step; every step is accounted for.
    ASSERT_GE(outcome.progress.size(), 2U);
    EXPECT_LT(outcome.progress.size(), 1000U);
    quint64 skipped = 0;
    for (const quint64 s : outcome.skipped)
        skipped += s;
    EXPECT_EQ(outcome.progress.size() + skipped, 3000U);
    EXPECT_EQ(skipped, runner.coalescedTotal());
    // The batches carry every step once, in order: nothing lost while the GUI kept up.
    EXPECT_EQ(outcome.lost, 0U);
    EXPECT_EQ(runner.lostTotal(), 0U);
    ASSERT_EQ(outcome.batchedInputs.size(), 3000U);
    for (std::size_t i = 0; i < outcome.batchedInputs.size(); ++i)
        ASSERT_EQ(outcome.batchedInputs[i], static_cast<std::int64_t>(i));
    EXPECT_EQ(outcome.progress.back().inputsDone, 3000);
    EXPECT_EQ(outcome.progress.back().step.inputIndex, 2999);

    ASSERT_TRUE(goalsTaken);
    EXPECT_DOUBLE_EQ(outcome.progress.back().goals.deadlineMs, 2.0);
    auto store = awb::db::Store::open(m_store.toStdString());
    const auto events = awb::db::RunRepository(store).events(outcome.result->start.run.id);
    ASSERT_EQ(events.size(), 1U);
    EXPECT_EQ(events[0].kind, "goal-change");
    EXPECT_GE(events[0].inputIndex, 500);
}

TEST_F(WidgetsLiveRunRunner, StopEndsTheRunCancelledWithItsStepsKept)
{
    LiveRunRunner runner;
    Outcome outcome;
    collect(runner, outcome);
    QObject::connect(&runner, &LiveRunRunner::progressed, &runner, [&](const awb::core::LiveProgress& p) {
        if (p.inputsDone >= 100)
            runner.stop();
    });
    ASSERT_TRUE(runner.start(m_store, request(10'000'000)));
    ASSERT_TRUE(waitForEnd(outcome));
    ASSERT_TRUE(outcome.failure.isEmpty()) << outcome.failure.toStdString();
    EXPECT_EQ(outcome.result->status, awb::core::SessionStatus::Cancelled);
    auto store = awb::db::Store::open(m_store.toStdString());
    const auto runs = awb::db::RunRepository(store).listRuns();
    ASSERT_EQ(runs.size(), 1U);
    EXPECT_EQ(runs[0].run.status, awb::core::SessionStatus::Cancelled);
    EXPECT_EQ(runs[0].stepCount, outcome.result->session.metrics.inputs);
    EXPECT_GE(runs[0].stepCount, 100);
    QString error;
    EXPECT_FALSE(runner.requestGoals(awb::core::Goals::maximizeAccuracy(2.0, 0.1), &error));
    EXPECT_EQ(error, QStringLiteral("no live run is going"));
}

TEST_F(WidgetsLiveRunRunner, ARefusedRequestIsReportedInOneLine)
{
    LiveRunRunner runner;
    Outcome outcome;
    collect(runner, outcome);
    awb::db::LiveRunRequest bad = request(100);
    bad.controller = "oracle";
    ASSERT_TRUE(runner.start(m_store, bad));
    ASSERT_TRUE(waitForEnd(outcome));
    EXPECT_FALSE(outcome.result);
    EXPECT_TRUE(outcome.failure.contains(QStringLiteral("exists only in replay"))) << outcome.failure.toStdString();
    EXPECT_FALSE(runner.isRunning());
}

} // namespace
