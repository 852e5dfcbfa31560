// The Live page and the Runs page in the real window, on a store holding a real profile of two
// shipped models (emulated backend): a live run with co-runners started from the form, its goals
// changed mid-run, stopped, its charts exported; then reopened from History on the Runs page
// with the same steps, and a second run overlaid on it.
#include "database/repositories.h"
#include "widgets/history_model.h"
#include "widgets/history_page.h"
#include "widgets/live_page.h"
#include "widgets/live_run_runner.h"
#include "widgets/profile_page.h"
#include "widgets/main_window.h"
#include "widgets/run_chart_data.h"
#include "widgets/run_charts_view.h"
#include "widgets/run_page.h"

#include <QChart>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QElapsedTimer>
#include <QFile>
#include <QLineEdit>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QSpinBox>
#include <QStackedWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include <gtest/gtest.h>

#include "tests/widgets/profiled_store.h"

namespace {

using awb::ui::LivePage;
using awb::ui::MainWindow;
using awb::ui::RunChartsView;
using awb::ui::RunPage;

constexpr int kRunTimeoutMs = 180'000; // real inference with co-runners on a shared 2-core machine
constexpr int kLoadTimeoutMs = 60'000;

class WidgetsLivePage : public testing::Test {
protected:
    void SetUp() override
    {
        ASSERT_TRUE(m_dir.isValid());
        qputenv("ALERTWB_STATE_DIR", m_dir.filePath(QStringLiteral("state")).toUtf8());
        m_store = m_dir.filePath(QStringLiteral("live.sqlite"));
        awb::test::profileShippedModels(m_store.toStdString(), { "cnn-xs", "anytime-width4" });
    }
    void TearDown() override { qunsetenv("ALERTWB_STATE_DIR"); }

    // A single-stream run at a 2 ms period, so a few thousand inputs take seconds.
    static void fillForm(LivePage& page, const QString& controller, int inputs, const QString& contention)
    {
        page.controllerBox()->setCurrentText(controller);
        page.goalModeBox()->setCurrentIndex(0); // max accuracy
        page.deadlineBox()->setValue(2.0);
        page.budgetBox()->setValue(0.2);
        page.scenarioBox()->setCurrentIndex(0);
        page.inputsBox()->setValue(inputs);
        page.contentionEdit()->setText(contention);
    }

    static bool waitUntil(const std::function<bool()>& done, int timeoutMs)
    {
        QElapsedTimer clock;
        clock.start();
        while (!done() && clock.elapsed() < timeoutMs)
            QTest::qWait(10);
        return done();
    }

    // Runs the page's form to its end; the run's id.
    static qint64 runToEnd(LivePage& page)
    {
        QSignalSpy ended(&page, &LivePage::runEnded);
        EXPECT_TRUE(page.start()) << page.statusText().toStdString();
        EXPECT_TRUE(waitUntil([&] { return !ended.isEmpty(); }, kRunTimeoutMs)) << page.statusText().toStdString();
        return ended.isEmpty() ? 0 : ended.first().first().toLongLong();
    }

    QTemporaryDir m_dir;
    QString m_store;
};

TEST_F(WidgetsLivePage, RunsChangesGoalsStopsExportsAndReopensFromHistory)
{
    MainWindow window;
    window.setInteractive(false);
    window.resize(1400, 1000);
    ASSERT_TRUE(window.openStore(m_store));
    LivePage& page = *window.livePage();
    window.pages()->setCurrentWidget(&page);
    window.show();
    fillForm(page, QStringLiteral("alert"), 1'000'000, QStringLiteral("memory@200-600"));

    // Change the deadline once 300 inputs are in, stop at 900.
    bool goalsApplied = false;
    bool stopped = false;
    QObject::connect(page.runner(), &awb::ui::LiveRunRunner::progressed, &page, [&](const awb::core::LiveProgress& p) {
        if (!goalsApplied && p.inputsDone >= 300) {
            page.deadlineBox()->setValue(3.0);
            goalsApplied = page.applyGoals();
            EXPECT_TRUE(goalsApplied) << page.statusText().toStdString();
        }
        if (!stopped && p.inputsDone >= 900) {
            page.stop();
            stopped = true;
        }
    });
    const qint64 runId = runToEnd(page);
    ASSERT_NE(runId, 0);
    ASSERT_TRUE(stopped) << page.statusText().toStdString();
    EXPECT_TRUE(page.statusText().contains(QStringLiteral("stopped"))) << page.statusText().toStdString();
    EXPECT_FALSE(page.isRunning());

    // The charts drew from batches, never per point, and show the run: co-runners shaded, the
    // new deadline in force at the end, counters from the newest step.
    const std::int64_t seen = page.data().inputsSeen();
    EXPECT_GE(seen, 900);
    EXPECT_GE(page.redrawCount(), 1);
    EXPECT_LT(page.redrawCount(), seen / 2);
    EXPECT_EQ(page.data().counters().droppedNotifications, 0U);
    RunChartsView& charts = *page.charts();
    charts.setWindow(0); // the whole run
    for (const RunChartsView::Chart chart : RunChartsView::kCharts)
        EXPECT_GT(charts.pointCount(chart), 0) << RunChartsView::fileStem(chart).toStdString();
    EXPECT_GT(charts.contentionPointCount(), 0);
    const auto last = page.data().window(1, 0);
    ASSERT_EQ(last.size(), 1U);
    EXPECT_DOUBLE_EQ(last.back().goals.deadlineMs, 3.0);
    const QString counters = page.countersText();
    EXPECT_TRUE(counters.contains(QStringLiteral("deadline misses"))) << counters.toStdString();
    EXPECT_TRUE(counters.contains(QStringLiteral("(emulated)"))) << counters.toStdString();

    // Every chart exports as PNG and SVG; a missing folder writes nothing.
    QStringList written;
    QString error;
    ASSERT_TRUE(charts.exportAll(m_dir.path(), QStringLiteral("run"), &error, &written)) << error.toStdString();
    ASSERT_EQ(written.size(), 2 * RunChartsView::kChartCount);
    for (const QString& file : written) {
        QFile f(file);
        ASSERT_TRUE(f.open(QIODevice::ReadOnly)) << file.toStdString();
        const QByteArray head = f.read(512);
        if (file.endsWith(QLatin1String(".png")))
            EXPECT_TRUE(head.startsWith("\x89PNG\r\n\x1a\n")) << file.toStdString();
        else
            EXPECT_TRUE(head.contains("<svg")) << file.toStdString();
    }
    EXPECT_FALSE(charts.exportAll(m_dir.filePath(QStringLiteral("missing")), QStringLiteral("run"), &error));
    EXPECT_FALSE(error.isEmpty());

    // The store has the run, stopped, with its goal change.
    {
        auto store = awb::db::Store::open(m_store.toStdString());
        awb::db::RunRepository runs(store);
        const auto run = runs.findRun(runId);
        ASSERT_TRUE(run.has_value());
        EXPECT_EQ(run->status, awb::core::SessionStatus::Cancelled);
        bool goalChange = false;
        for (const auto& event : runs.events(runId))
            goalChange = goalChange || event.kind == "goal-change";
        EXPECT_TRUE(goalChange);
    }

    // Reopened from History: the Runs page shows the same steps, the same co-runners and goals.
    awb::ui::HistoryPage& history = *window.historyPage();
    QSignalSpy historyLoaded(&history, &awb::ui::HistoryPage::historyLoaded);
    history.refresh();
    ASSERT_TRUE(historyLoaded.wait(kLoadTimeoutMs));
    QModelIndex runRow;
    for (int row = 0; row < history.proxyModel()->rowCount(); ++row) {
        const QModelIndex index = history.proxyModel()->index(row, 0);
        if (index.data(awb::ui::HistoryModel::KindRole).toString() == QLatin1String("run")
            && index.data(awb::ui::HistoryModel::RecordIdRole).toLongLong() == runId)
            runRow = index;
    }
    ASSERT_TRUE(runRow.isValid());
    RunPage& runs = *window.runPage();
    QSignalSpy shown(&runs, &RunPage::runShown);
    Q_EMIT history.view()->activated(runRow);
    ASSERT_TRUE(shown.wait(kLoadTimeoutMs)) << runs.statusText().toStdString();
    EXPECT_EQ(window.pages()->currentWidget(), &runs);
    EXPECT_EQ(runs.runId(), runId);
    runs.charts()->setWindow(0);
    EXPECT_GT(runs.charts()->contentionPointCount(), 0);
    EXPECT_TRUE(runs.titleText().contains(QStringLiteral("emulated"))) << runs.titleText().toStdString();
    EXPECT_TRUE(runs.countersText().contains(QStringLiteral("inputs %L1").arg(page.data().counters().inputs)))
        << runs.countersText().toStdString() << " vs " << page.countersText().toStdString();
}

TEST_F(WidgetsLivePage, TwoRunsOnTheSameWorkloadOverlayOnTheRunsPage)
{
    MainWindow window;
    window.setInteractive(false);
    window.resize(1400, 1000);
    ASSERT_TRUE(window.openStore(m_store));
    LivePage& page = *window.livePage();
    fillForm(page, QStringLiteral("alert"), 400, QStringLiteral("compute@100-300"));
    const qint64 alertRun = runToEnd(page);
    fillForm(page, QStringLiteral("app-only"), 400, QStringLiteral("compute@100-300"));
    const qint64 appOnlyRun = runToEnd(page);
    ASSERT_NE(alertRun, 0);
    ASSERT_NE(appOnlyRun, 0);

    RunPage& runs = *window.runPage();
    window.pages()->setCurrentWidget(&runs);
    window.show();
    QSignalSpy shown(&runs, &RunPage::runShown);
    QSignalSpy overlaid(&runs, &RunPage::overlayShown);
    runs.showRun(alertRun);
    ASSERT_TRUE(shown.wait(kLoadTimeoutMs)) << runs.statusText().toStdString();
    runs.setOverlay(appOnlyRun);
    ASSERT_TRUE(overlaid.wait(kLoadTimeoutMs)) << runs.statusText().toStdString();
    EXPECT_EQ(runs.overlayRunId(), appOnlyRun);
    EXPECT_TRUE(runs.titleText().contains(QStringLiteral("app-only"))) << runs.titleText().toStdString();
    EXPECT_EQ(runs.countersText().count(QLatin1Char('\n')), 1) << "one counters line per run";
    // Each chart names the overlaid run in its legend.
    for (const RunChartsView::Chart chart : RunChartsView::kCharts) {
        bool named = false;
        for (QAbstractSeries* series : runs.charts()->chart(chart)->series())
            named = named || (series->isVisible() && series->name().contains(QStringLiteral("app-only")));
        EXPECT_TRUE(named) << RunChartsView::fileStem(chart).toStdString();
    }
    // What App-only would have done on the very slowdown the ALERT run met, input by input.
    runs.setReplayOverlay(QStringLiteral("app-only"));
    ASSERT_TRUE(overlaid.wait(kLoadTimeoutMs)) << runs.statusText().toStdString();
    EXPECT_TRUE(runs.titleText().contains(QStringLiteral("app-only replayed on the slowdown run %1 met").arg(alertRun)))
        << runs.titleText().toStdString();
    const QStringList replayLines = runs.countersText().split(QLatin1Char('\n'));
    ASSERT_EQ(replayLines.size(), 2);
    EXPECT_TRUE(replayLines[1].contains(QStringLiteral("inputs 400 / 400"))) << replayLines[1].toStdString();
    bool replayNamed = false;
    for (QAbstractSeries* series : runs.charts()->chart(RunChartsView::Chart::Latency)->series())
        replayNamed = replayNamed || (series->isVisible() && series->name() == QStringLiteral("app-only, replayed"));
    EXPECT_TRUE(replayNamed);
    EXPECT_GT(runs.charts()->pointCount(RunChartsView::Chart::Latency), 0);

    runs.setOverlay(0);
    ASSERT_EQ(overlaid.size(), 3);
    EXPECT_EQ(runs.overlayRunId(), 0);
    EXPECT_EQ(runs.countersText().count(QLatin1Char('\n')), 0);
}

TEST_F(WidgetsLivePage, ARefusedRunSaysWhyInOneLineAndStoresNothing)
{
    MainWindow window;
    window.setInteractive(false);
    ASSERT_TRUE(window.openStore(m_store));
    LivePage& page = *window.livePage();
    fillForm(page, QStringLiteral("no-such-controller"), 100, QString());
    QSignalSpy ended(&page, &LivePage::runEnded);
    ASSERT_TRUE(page.start());
    ASSERT_TRUE(waitUntil([&] { return !page.isRunning(); }, kRunTimeoutMs));
    EXPECT_TRUE(page.statusText().contains(QStringLiteral("no-such-controller"))) << page.statusText().toStdString();
    EXPECT_FALSE(page.statusText().contains(QLatin1Char('\n')));
    auto store = awb::db::Store::open(m_store.toStdString());
    EXPECT_TRUE(awb::db::RunRepository(store).listRuns().empty());
}

} // namespace

namespace {

// The first start: a new store gets the shipped zoo profiled on the Profile page with its progress
// bar, then the Live page opens ready to Start — and a store already profiled is left alone.
TEST(WidgetsFirstStart, ANewStoreIsProfiledThenTheLivePageIsReady)
{
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    qputenv("ALERTWB_STATE_DIR", dir.filePath(QStringLiteral("state")).toUtf8());
    MainWindow window;
    window.setInteractive(false);
    window.setProfileUnprofiledStores(true);
    QSignalSpy started(&window, &MainWindow::firstProfileStarted);
    QSignalSpy finished(&window, &MainWindow::firstProfileFinished);
    ASSERT_TRUE(window.openStore(dir.filePath(QStringLiteral("new.sqlite"))));
    ASSERT_TRUE(started.wait(kLoadTimeoutMs));
    EXPECT_EQ(window.pages()->currentWidget(), window.profilePage());
    EXPECT_TRUE(window.profilePage()->isSweeping());
    ASSERT_TRUE(finished.wait(kRunTimeoutMs));
    EXPECT_FALSE(finished.first().at(1).toBool()) << "not cancelled";
    EXPECT_EQ(window.pages()->currentWidget(), window.livePage());
    EXPECT_TRUE(window.livePage()->statusText().contains(QStringLiteral("Press Start")))
        << window.livePage()->statusText().toStdString();
    {
        auto store = awb::db::Store::open(dir.filePath(QStringLiteral("new.sqlite")).toStdString());
        const auto sessions = awb::db::ProfileRepository(store).listSessions();
        ASSERT_EQ(sessions.size(), 1U);
        EXPECT_EQ(sessions[0].session.status, awb::core::SessionStatus::Complete);
    }

    // Opened again (a later start), the profiled store starts nothing.
    MainWindow again;
    again.setInteractive(false);
    again.setProfileUnprofiledStores(true);
    QSignalSpy startedAgain(&again, &MainWindow::firstProfileStarted);
    QSignalSpy stateLoaded(again.profilePage(), &awb::ui::ProfilePage::stateLoaded);
    ASSERT_TRUE(again.openStore(dir.filePath(QStringLiteral("new.sqlite"))));
    ASSERT_TRUE(stateLoaded.wait(kLoadTimeoutMs));
    QTest::qWait(500);
    EXPECT_TRUE(startedAgain.isEmpty());
    EXPECT_FALSE(again.profilePage()->isSweeping());
    qunsetenv("ALERTWB_STATE_DIR");
}

} // namespace
