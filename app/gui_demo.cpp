#include "app/gui_demo.h"

#include "database/repositories.h"
#include "database/table_export.h"
#include "widgets/compare_page.h"
#include "widgets/frontier_page.h"
#include "widgets/live_page.h"
#include "widgets/live_run_runner.h"
#include "widgets/main_window.h"
#include "widgets/profile_page.h"
#include "widgets/run_chart_data.h"
#include "widgets/run_charts_view.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateTime>
#include <QDir>
#include <QDoubleSpinBox>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFileInfo>
#include <QLineEdit>
#include <QListWidget>
#include <QProgressBar>
#include <QSpinBox>
#include <QStackedWidget>
#include <QTimer>

#include <cstdio>
#include <fstream>
#include <functional>
#include <sstream>

namespace awb::app {

namespace {

    // What the demo asks of the controller: the acceptance goals of docs/live-runs.md, a
    // memory-bound co-runner for the middle third of the run.
    constexpr double kDeadlineMs = 10.0;
    constexpr double kEnergyBudgetJ = 0.6;
    constexpr int kLiveInputs = 3000;
    const char* const kContention = "memory@1000-2000";
    const char* const kGoalGrid = "3x3";
    constexpr int kComparisonInputs = 5000;
    constexpr int kStepTimeoutMs = 20 * 60 * 1000; // per step, on a slow 2-core machine

    void say(const QString& line)
    {
        std::fprintf(stderr, "alertwb demo: %s\n", qPrintable(line));
        std::fflush(stderr);
    }

    // Runs the event loop until `done()` or the timeout, printing `status()` every few seconds.
    bool waitFor(const std::function<bool()>& done, const std::function<QString()>& status)
    {
        QElapsedTimer clock;
        clock.start();
        qint64 lastReport = 0;
        while (!done()) {
            if (clock.elapsed() > kStepTimeoutMs)
                return false;
            QEventLoop loop;
            QTimer::singleShot(50, &loop, &QEventLoop::quit);
            loop.exec();
            if (status && clock.elapsed() - lastReport >= 5000) {
                lastReport = clock.elapsed();
                const QString line = status();
                if (!line.isEmpty())
                    say(line);
            }
        }
        return true;
    }

    // `alertwb-cli export`'s tables, written next to the charts.
    void exportTable(const QString& storePath, db::ExportRequest request, const QString& path)
    {
        auto store = db::Store::open(storePath.toStdString());
        std::ofstream out(path.toStdString(), std::ios::binary);
        db::exportTable(store, request, out);
        if (!out)
            throw std::runtime_error("cannot write " + path.toStdString());
    }

    QString percent(double fraction) { return QStringLiteral("%1 %").arg(100.0 * fraction, 0, 'f', 1); }

} // namespace

int runHeadlessDemo(QString folder)
{
    if (folder.isEmpty())
        folder = QStringLiteral("alertwb-demo-%1")
                     .arg(QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss")));
    const QDir out(QFileInfo(folder).absoluteFilePath());
    if (out.exists() && !out.isEmpty()) {
        std::fprintf(
            stderr, "alertwb: %s is not empty; the demo writes into a new or empty folder\n", qPrintable(out.path()));
        return 2;
    }
    if (!out.mkpath(QStringLiteral("."))) {
        std::fprintf(stderr, "alertwb: cannot create %s\n", qPrintable(out.path()));
        return 2;
    }
    const QString storePath = out.filePath(QStringLiteral("workbench.sqlite"));
    say(QStringLiteral("writing into %1").arg(out.path()));

    ui::MainWindow window;
    window.setInteractive(false);
    window.setProfileUnprofiledStores(true);
    window.resize(1500, 1000);
    window.show();

    // 1. Profile the shipped zoo: the window does it by itself for a store with no profile.
    qint64 sessionId = 0;
    bool profileEnded = false;
    bool profileCancelled = false;
    QString failure;
    QObject::connect(&window, &ui::MainWindow::firstProfileFinished, [&](qint64 id, bool cancelled) {
        sessionId = id;
        profileCancelled = cancelled;
        profileEnded = true;
    });
    QObject::connect(window.profilePage(), &ui::ProfilePage::sweepFailed, [&](const QString& message) {
        failure = message;
        profileEnded = true;
    });
    if (!window.openStore(storePath))
        return 1;
    say(QStringLiteral("1/3 profiling the shipped zoo across power caps"));
    const QProgressBar* sweepProgress = window.profilePage()->progressBar();
    if (!waitFor([&] { return profileEnded; },
            [&] {
                return QStringLiteral("profiled %1 of %2 cells")
                    .arg(sweepProgress->value())
                    .arg(sweepProgress->maximum());
            })
        || !failure.isEmpty() || profileCancelled || sessionId == 0) {
        say(QStringLiteral("the profile did not finish: %1")
                .arg(failure.isEmpty() ? QStringLiteral("timed out") : failure));
        return 1;
    }

    // 2. ALERT live, with a memory-bound co-runner for the middle third.
    ui::LivePage& live = *window.livePage();
    window.pageList()->setCurrentRow(window.pages()->indexOf(&live));
    live.controllerBox()->setCurrentText(QStringLiteral("alert"));
    live.goalModeBox()->setCurrentIndex(0);
    live.deadlineBox()->setValue(kDeadlineMs);
    live.budgetBox()->setValue(kEnergyBudgetJ);
    live.scenarioBox()->setCurrentIndex(0);
    live.inputsBox()->setValue(kLiveInputs);
    live.contentionEdit()->setText(QString::fromLatin1(kContention));
    live.charts()->setWindow(0);
    qint64 runId = 0;
    bool runEnded = false;
    QObject::connect(&live, &ui::LivePage::runEnded, [&](qint64 id) {
        runId = id;
        runEnded = true;
    });
    say(QStringLiteral("2/3 running ALERT live: %1 inputs, deadline %2 ms, energy budget %3 J, co-runners %4")
            .arg(kLiveInputs)
            .arg(kDeadlineMs)
            .arg(kEnergyBudgetJ)
            .arg(QString::fromLatin1(kContention)));
    if (!live.start()) {
        say(live.statusText());
        return 1;
    }
    if (!waitFor([&] { return runEnded; }, [&] { return live.countersText(); }) || runId == 0 || live.data().empty()) {
        say(QStringLiteral("the live run did not finish: %1").arg(live.statusText()));
        return 1;
    }

    // 3. The comparison: alone, memory, compute, and the slowdown the live run met.
    ui::ComparePage& compare = *window.comparePage();
    window.pageList()->setCurrentRow(window.pages()->indexOf(&compare));
    compare.refreshChoices();
    bool choices = false;
    QObject::connect(&compare, &ui::ComparePage::choicesLoaded, [&] { choices = true; });
    waitFor([&] { return choices || !compare.isLoading(); }, {});
    compare.goalGridEdit()->setText(QString::fromLatin1(kGoalGrid));
    compare.inputsSpin()->setValue(kComparisonInputs);
    for (const core::ContentionKind kind :
        { core::ContentionKind::Alone, core::ContentionKind::Memory, core::ContentionKind::Compute })
        compare.environmentCheck(kind)->setChecked(true);
    const int runRow = compare.runChooser()->findData(QVariant::fromValue<qint64>(runId));
    compare.recordedRunCheck()->setChecked(runRow >= 0);
    if (runRow >= 0)
        compare.runChooser()->setCurrentIndex(runRow);
    bool compared = false;
    QString compareFailure;
    QObject::connect(&compare, &ui::ComparePage::comparisonFinished, [&] { compared = true; });
    QObject::connect(&compare, &ui::ComparePage::comparisonFailed, [&](const QString& message) {
        compareFailure = message;
        compared = true;
    });
    say(QStringLiteral("3/3 replaying ALERT and its baselines over a %1 goal grid in every environment")
            .arg(QString::fromLatin1(kGoalGrid)));
    if (!compare.startComparison()) {
        say(compare.lastError());
        return 1;
    }
    const QProgressBar* compareProgress = compare.progressBar();
    if (!waitFor([&] { return compared; },
            [&] {
                return QStringLiteral("replayed %1 of %2 settings")
                    .arg(compareProgress->value())
                    .arg(compareProgress->maximum());
            })
        || !compareFailure.isEmpty() || !compare.result()) {
        say(QStringLiteral("the comparison did not finish: %1").arg(compareFailure));
        return 1;
    }

    // Exports and charts.
    QStringList written;
    QString error;
    try {
        const auto table = [&](db::ExportTable which, const QString& name, std::optional<std::int64_t> run) {
            db::ExportRequest request;
            request.table = which;
            request.format = db::ExportFormat::Csv;
            request.runId = run;
            if (which == db::ExportTable::Profiles)
                request.sessionId = sessionId;
            const QString path = out.filePath(name);
            exportTable(storePath, request, path);
            written.append(path);
        };
        table(db::ExportTable::Profiles, QStringLiteral("profile.csv"), std::nullopt);
        table(db::ExportTable::Runs, QStringLiteral("runs.csv"), std::nullopt);
        table(db::ExportTable::Steps, QStringLiteral("run-steps.csv"), runId);
    } catch (const std::exception& failed) {
        say(QString::fromStdString(failed.what()));
        return 1;
    }
    for (const char* suffix : { "csv", "json", "md" }) {
        const QString path = out.filePath(QStringLiteral("comparison.%1").arg(QLatin1String(suffix)));
        if (!compare.exportTable(path)) {
            say(compare.lastError());
            return 1;
        }
        written.append(path);
    }
    window.pageList()->setCurrentRow(window.pages()->indexOf(&live));
    if (!live.charts()->exportAll(out.path(), QStringLiteral("live-run-%1").arg(runId), &error, &written)) {
        say(error);
        return 1;
    }
    window.pageList()->setCurrentRow(window.pages()->indexOf(&compare));
    for (const auto& [which, name] :
        { std::pair { ui::ComparePage::Chart::Energy, QStringLiteral("comparison-energy") },
            std::pair { ui::ComparePage::Chart::Error, QStringLiteral("comparison-error") } }) {
        for (const bool svg : { false, true }) {
            const QString path = out.filePath(name + (svg ? QStringLiteral(".svg") : QStringLiteral(".png")));
            if (!(svg ? compare.exportChartSvg(which, path) : compare.exportChartPng(which, path))) {
                say(compare.lastError());
                return 1;
            }
            written.append(path);
        }
    }
    ui::FrontierPage& frontier = *window.frontierPage();
    window.pageList()->setCurrentRow(window.pages()->indexOf(&frontier));
    bool frontierShown = false;
    QObject::connect(&frontier, &ui::FrontierPage::sessionShown, [&] { frontierShown = true; });
    frontier.showSession(sessionId);
    waitFor([&] { return frontierShown; }, {});
    for (const bool svg : { false, true }) {
        const QString path = out.filePath(svg ? QStringLiteral("frontier.svg") : QStringLiteral("frontier.png"));
        if (!(svg ? frontier.exportSvg(path) : frontier.exportPng(path))) {
            say(frontier.lastError());
            return 1;
        }
        written.append(path);
    }

    // The summary.
    const ui::RunChartData::Counters& c = live.data().counters();
    const db::ComparisonResult& result = *compare.result();
    const QString power = result.emulated() ? QStringLiteral(" (emulated power)") : QString();
    std::printf("ALERT Workbench demo%s\n", qPrintable(power));
    std::printf("  profile session %lld: the shipped zoo across power caps\n", static_cast<long long>(sessionId));
    std::printf("  live run %lld: ALERT, deadline %.0f ms, energy budget %.2f J, co-runners %s\n",
        static_cast<long long>(runId), kDeadlineMs, kEnergyBudgetJ, kContention);
    std::printf("    %lld inputs: deadline misses %s, accuracy %s, energy %.4f J/input, goal violations %s\n",
        static_cast<long long>(c.inputs), qPrintable(percent(c.deadlineMissRate)), qPrintable(percent(c.accuracy)),
        c.energyPerInputJ, qPrintable(percent(c.goalViolationRate)));
    std::printf("  comparison over a %s goal grid, %d inputs per environment (energy and error / Static Oracle):\n",
        kGoalGrid, kComparisonInputs);
    for (const db::EnvironmentReport& environment : result.environments) {
        for (const core::SummaryRow& row : environment.report.summary) {
            if (row.controller != "alert" && row.controller != "app-only" && row.controller != "sys-only")
                continue;
            std::printf("    %-10s %-10s energy %s  error %s\n", environment.environment.name.c_str(),
                row.controller.c_str(),
                row.energyVsStaticOracle ? qPrintable(QString::number(*row.energyVsStaticOracle, 'f', 3)) : "n/a",
                row.errorVsStaticOracle ? qPrintable(QString::number(*row.errorVsStaticOracle, 'f', 3)) : "n/a");
        }
    }
    std::printf("  written to %s:\n", qPrintable(out.path()));
    std::printf("    workbench.sqlite (open it with: alertwb %s)\n", qPrintable(storePath));
    for (const QString& path : written)
        std::printf("    %s\n", qPrintable(QFileInfo(path).fileName()));
    std::fflush(stdout);
    return 0;
}

} // namespace awb::app
