// How the GUI holds up during a fast live run: the whole main window is shown (offscreen unless
// QT_QPA_PLATFORM is set) on the Live page with every chart visible over the whole run, while a
// server workload runs at 500 inputs/s on the smallest shipped model (cnn-xs, profiled at four
// emulated caps), with real inference and every step logged to the store. A 5 ms timer on the GUI
// thread measures the longest event-loop stall (target ≤ 50 ms); the process's resident memory is
// sampled every 10,000 inputs (target: flat — the chart data is bounded, the store holds the rest).
//
//   build/dev/bench/bench_live_page_stall [--benchmark_filter=.../100000]
//
// Counters: max_gap_ms (and max_gap_at_s, when it ended), p99_gap_ms, gaps_over_30ms, rss_mib_at_20k, rss_mib_at_end,
// rss_growth_mib (end − 20k), dropped (steps the GUI never received), redraws, achieved_rate. The time is the run's
// wall time.

#include "database/profile_sweep.h"
#include "database/shipped_models.h"
#include "widgets/live_page.h"
#include "widgets/live_run_runner.h"
#include "widgets/main_window.h"
#include "widgets/run_chart_data.h"
#include "widgets/run_charts_view.h"

#include <QApplication>
#include <QComboBox>
#include <QCoreApplication>
#include <QDoubleSpinBox>
#include <QEventLoop>
#include <QFile>
#include <QLineEdit>
#include <QListWidget>
#include <QSpinBox>
#include <QStackedWidget>
#include <QTemporaryDir>

#include <benchmark/benchmark.h>
#include <chrono>
#include <cstdio>
#include <map>

#include "bench/event_loop_stall_probe.h"
#include "bench/gui_benchmark_main.h"

namespace {

using Clock = std::chrono::steady_clock;

// Resident set size of this process, MiB (/proc/self/status VmRSS).
double residentMiB()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return 0.0;
    for (const QByteArray& line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toDouble() / 1024.0;
    }
    return 0.0;
}

void BM_LivePageEventLoopAt500InputsPerSecond(benchmark::State& state)
{
    const auto inputs = static_cast<int>(state.range(0));
    for (auto _ : state) {
        QTemporaryDir dir;
        const QString storePath = dir.filePath(QStringLiteral("live-stall.sqlite"));
        {
            auto store = awb::db::Store::open(storePath.toStdString());
            if (awb::db::installShippedModelsIfPresent(store).added == 0) {
                state.SkipWithError("the shipped zoo (resources/models) is missing");
                return;
            }
            awb::db::ProfileSweepRequest sweep;
            sweep.modelNames = { "cnn-xs" };
            sweep.capsW = { 20.0, 35.0, 50.0, 65.0 };
            sweep.backend = "emulated";
            sweep.warmup = 5;
            sweep.replicates = 50;
            sweep.evalSamples = 1000;
            awb::db::ProfileSweepObserver quiet;
            awb::db::runProfileSweep(store, sweep, quiet);
        }
        awb::ui::MainWindow window;
        window.setInteractive(false);
        window.resize(1500, 1000);
        window.show();
        window.openStore(storePath);
        awb::ui::LivePage* page = window.livePage();
        window.pageList()->setCurrentRow(window.pages()->indexOf(page));
        page->controllerBox()->setCurrentText(QStringLiteral("alert"));
        page->deadlineBox()->setValue(10.0);
        page->budgetBox()->setValue(0.5);
        page->scenarioBox()->setCurrentIndex(1); // server
        page->rateBox()->setValue(500.0);
        page->inputsBox()->setValue(inputs);
        page->contentionEdit()->clear();
        page->charts()->setWindow(0); // the whole run: the bounded overview once past the recent ring

        std::map<int, double> rssAt; // inputs done (rounded to 10,000) → MiB
        QObject::connect(
            page->runner(), &awb::ui::LiveRunRunner::progressed, page, [&](const awb::core::LiveProgress& p) {
                const int mark = static_cast<int>(p.inputsDone / 10'000) * 10'000;
                if (mark > 0 && !rssAt.count(mark))
                    rssAt[mark] = residentMiB();
            });
        double achieved = 0.0;
        bool failed = false;
        QEventLoop run;
        QObject::connect(page->runner(), &awb::ui::LiveRunRunner::finished, &run, [&](const awb::db::LiveRunResult& r) {
            achieved = r.session.achievedRatePerS;
            run.quit();
        });
        QObject::connect(page->runner(), &awb::ui::LiveRunRunner::failed, &run, [&](const QString& message) {
            std::fprintf(stderr, "live run failed: %s\n", qPrintable(message));
            failed = true;
            run.quit();
        });

        awb::bench::EventLoopStallProbe probe;
        const Clock::time_point start = Clock::now();
        probe.start();
        if (!page->start()) {
            state.SkipWithError("the Live page refused the run");
            return;
        }
        run.exec();
        probe.stop();
        const double wallS = std::chrono::duration<double>(Clock::now() - start).count();
        if (failed) {
            state.SkipWithError("the live run failed");
            return;
        }
        state.SetIterationTime(wallS);
        const double rssEnd = residentMiB();
        const double rss20k = rssAt.count(20'000) ? rssAt[20'000] : rssEnd;
        state.counters["max_gap_ms"] = probe.maxGapMs();
        state.counters["p99_gap_ms"] = probe.percentileGapMs(0.99);
        state.counters["max_gap_at_s"] = probe.maxGapAtS();
        state.counters["gaps_over_30ms"] = static_cast<double>(probe.gapsOverMs(30.0));
        state.counters["rss_mib_at_20k"] = rss20k;
        state.counters["rss_mib_at_end"] = rssEnd;
        state.counters["rss_growth_mib"] = rssEnd - rss20k;
        state.counters["dropped"] = static_cast<double>(page->data().counters().droppedNotifications);
        state.counters["redraws"] = page->redrawCount();
        state.counters["achieved_rate"] = achieved;
        for (const auto& [atS, gapMs] : probe.gapsOver(30.0))
            std::fprintf(stderr, "gap of %.1f ms ending %.2f s after Start\n", gapMs, atS);
        for (const auto& [mark, mib] : rssAt)
            std::fprintf(stderr, "rss at %6d inputs: %.1f MiB\n", mark, mib);
    }
}
BENCHMARK(BM_LivePageEventLoopAt500InputsPerSecond)
    ->Arg(10'000) // a 20 s check
    ->Arg(100'000)
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kSecond);

// One redraw of every chart as the Live page does it each tick, painted: 17 new inputs (500
// inputs/s at 30 Hz) appended to a run already `range(0)` inputs long, drawn over the whole run.
void BM_RunChartsRedraw(benchmark::State& state)
{
    awb::ui::RunChartsView view;
    view.resize(1400, 800);
    view.show();
    view.setWindow(0);
    awb::ui::RunChartData data;
    data.setModels({ 1, 2, 3 }, { "cnn-xs", "cnn-s", "anytime-width4" });
    std::int64_t next = 0;
    const auto append = [&](std::int64_t count) {
        for (std::int64_t i = 0; i < count; ++i, ++next) {
            awb::ui::RunChartPoint p;
            p.input = next;
            p.xiMean = 1.0 + 0.1 * static_cast<double>(next % 7);
            p.xiStd = 0.05;
            p.xiObserved = 1.0 + 0.2 * static_cast<double>(next % 11);
            p.latencyMs = 2.0 + static_cast<double>(next % 13);
            p.misses = next % 9 == 0 ? 1 : 0;
            p.capW = 20.0 + 15.0 * static_cast<double>(next % 4);
            p.energyJ = 0.05 + 0.01 * static_cast<double>(next % 5);
            p.goals = awb::core::Goals::maximizeAccuracy(10.0, 0.5);
            p.accuracy = 0.9;
            p.contention = (next / 5000) % 2 == 1;
            data.append(p, 1 + next % 3, static_cast<int>(next % 2));
        }
    };
    append(state.range(0));
    double drawS = 0.0;
    double paintS = 0.0;
    for (auto _ : state) {
        append(17);
        const Clock::time_point start = Clock::now();
        view.draw(data, QStringLiteral("run"));
        const Clock::time_point drawn = Clock::now();
        view.repaint(); // paint now, as the event loop would after the tick
        QCoreApplication::processEvents();
        drawS += std::chrono::duration<double>(drawn - start).count();
        paintS += std::chrono::duration<double>(Clock::now() - drawn).count();
    }
    // Where a redraw's time goes: building the traces and axes, then painting the six charts.
    state.counters["draw_ms"] = benchmark::Counter(1e3 * drawS, benchmark::Counter::kAvgIterations);
    state.counters["paint_ms"] = benchmark::Counter(1e3 * paintS, benchmark::Counter::kAvgIterations);
}
BENCHMARK(BM_RunChartsRedraw)->Arg(1'000)->Arg(100'000)->Unit(benchmark::kMillisecond);

} // namespace

int main(int argc, char** argv) { return awb::bench::runGuiBenchmarks(argc, argv); }
