// How long the GUI event loop stalls while the Profile page runs a sweep: the whole main window
// is shown (offscreen unless QT_QPA_PLATFORM is set) on a new store holding the shipped trained
// zoo, and the Profile page sweeps all six models on the emulated backend with real inference.
// A 5 ms timer on the GUI thread records the gap between consecutive ticks; the longest gap is
// the longest time the window could not respond. Target: ≤ 50 ms.
//
//   build/dev/bench/bench_profile_page_stall [--benchmark_repetitions=3]
//
// Counters: max_gap_ms, p99_gap_ms, ticks, cells. The reported time is the sweep's wall time.

#include "database/shipped_models.h"
#include "widgets/main_window.h"
#include "widgets/profile_cells_model.h"
#include "widgets/profile_page.h"

#include <QApplication>
#include <QComboBox>
#include <QEventLoop>
#include <QLineEdit>
#include <QListWidget>
#include <QSpinBox>
#include <QStackedWidget>
#include <QTemporaryDir>
#include <QTimer>

#include <benchmark/benchmark.h>
#include <chrono>
#include <cstdio>

#include "bench/event_loop_stall_probe.h"
#include "bench/gui_benchmark_main.h"

namespace {

using Clock = std::chrono::steady_clock;

constexpr int kTickMs = 5;

void BM_ProfilePageEventLoopDuringSweep(benchmark::State& state)
{
    for (auto _ : state) {
        QTemporaryDir dir;
        const QString storePath = dir.filePath(QStringLiteral("stall.sqlite"));
        {
            auto store = awb::db::Store::open(storePath.toStdString());
            if (awb::db::installShippedModelsIfPresent(store).added == 0) {
                state.SkipWithError("the shipped zoo (resources/models) is missing");
                return;
            }
        }
        awb::ui::MainWindow window;
        window.setInteractive(false);
        window.show();
        awb::ui::ProfilePage* page = window.profilePage();
        QEventLoop loaded;
        QObject::connect(page, &awb::ui::ProfilePage::stateLoaded, &loaded, &QEventLoop::quit);
        window.openStore(storePath);
        loaded.exec();
        window.pages()->setCurrentWidget(page);
        page->backendCombo()->setCurrentText(QStringLiteral("emulated"));
        page->capsEdit()->setText(QStringLiteral("20, 35, 50, 65"));
        page->warmupSpin()->setValue(5);
        page->replicatesSpin()->setValue(50);
        page->evalSamplesSpin()->setValue(1000);

        awb::bench::EventLoopStallProbe probe(kTickMs);
        QEventLoop sweep;
        bool failed = false;
        QObject::connect(page, &awb::ui::ProfilePage::sweepFinished, &sweep, &QEventLoop::quit);
        QObject::connect(page, &awb::ui::ProfilePage::sweepFailed, &sweep, [&](const QString& message) {
            std::fprintf(stderr, "sweep failed: %s\n", qPrintable(message));
            failed = true;
            sweep.quit();
        });

        const Clock::time_point start = Clock::now();
        probe.start();
        if (!page->startSweep()) {
            state.SkipWithError("the Profile page refused the sweep");
            return;
        }
        sweep.exec();
        // The page's work after the sweep (reloading the session and the unfinished list, the
        // History and Frontier pages) belongs to the measurement too.
        QEventLoop settle;
        QTimer::singleShot(500, &settle, &QEventLoop::quit);
        settle.exec();
        probe.stop();
        const double wallS = std::chrono::duration<double>(Clock::now() - start).count();
        if (failed) {
            state.SkipWithError("the sweep failed");
            return;
        }
        state.SetIterationTime(wallS);
        state.counters["max_gap_ms"] = probe.maxGapMs();
        state.counters["p99_gap_ms"] = probe.percentileGapMs(0.99);
        state.counters["ticks"] = static_cast<double>(probe.ticks());
        state.counters["cells"] = page->cellsModel() ? static_cast<double>(page->cellsModel()->rowCount()) : 0.0;
    }
}
BENCHMARK(BM_ProfilePageEventLoopDuringSweep)->Iterations(1)->UseManualTime()->Unit(benchmark::kSecond);

} // namespace

int main(int argc, char** argv) { return awb::bench::runGuiBenchmarks(argc, argv); }
