// The Frontier page on a session of 10,000 cells (200 models: 100 traditional with one output and
// 100 anytime with four, at 20 caps): the time of one filter change, from the combo box to the
// charts painted (FrontierData filtering + both Pareto fronts + the series updates + the queued
// scene, layout and paint events, as on screen). Each benchmark reports how many times each chart
// view painted per change (`paints`): 1 means every change was drawn once, no more, no less.
// Target: ≤ 200 ms. Runs offscreen unless QT_QPA_PLATFORM is set.
//
//   build/dev/bench/bench_frontier_page [--benchmark_repetitions=5]

#include "core/records/device_record.h"
#include "core/records/model_record.h"
#include "core/records/profile_record.h"
#include "database/repositories.h"
#include "database/store.h"
#include "widgets/frontier_page.h"

#include <QApplication>
#include <QChartView>
#include <QComboBox>
#include <QEventLoop>
#include <QTimer>

#include <algorithm>
#include <benchmark/benchmark.h>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>
#include <unistd.h>
#include <utility>
#include <vector>

namespace {

constexpr int kTraditionalModels = 100;
constexpr int kAnytimeModels = 100;
constexpr int kAnytimeOutputs = 4;
constexpr int kCaps = 20; // 500 model outputs × 20 caps = 10,000 cells

awb::ui::FrontierPage* g_page = nullptr;

std::int64_t buildStore(const std::filesystem::path& path)
{
    awb::db::Store store = awb::db::Store::open(path);
    awb::core::DeviceRecord device;
    device.host = "bench-host";
    device.backend = "emulated";
    device.createdAt = "2026-01-01T00:00:00Z";
    const std::int64_t deviceId = awb::db::DeviceRepository(store).upsert(device);
    awb::db::ProfileRepository profiles(store);
    awb::core::ProfileSessionRecord session;
    session.deviceId = deviceId;
    session.startedAt = "2026-01-01T00:00:00Z";
    session.status = awb::core::SessionStatus::Complete;
    const std::int64_t sessionId = profiles.createSession(session);

    awb::db::ModelRepository models(store);
    for (int m = 0; m < kTraditionalModels + kAnytimeModels; ++m) {
        const bool anytime = m >= kTraditionalModels;
        awb::core::ModelRecord model;
        model.name = (anytime ? "anytime-" : "cnn-") + std::to_string(m);
        model.kind = anytime ? awb::core::ModelKind::Anytime : awb::core::ModelKind::Traditional;
        model.source = "zoo";
        model.createdAt = "2026-01-01T00:00:00Z";
        const int outputs = anytime ? kAnytimeOutputs : 1;
        for (int o = 0; o < outputs; ++o)
            model.outputs.push_back({ o, 1000LL * (o + 1), 100LL * (o + 1), 0.6 + 0.08 * o });
        const std::int64_t modelId = models.insert(model);
        for (int o = 0; o < outputs; ++o) {
            for (int c = 0; c < kCaps; ++c) {
                awb::core::ProfileCellRecord cell;
                cell.sessionId = sessionId;
                cell.modelId = modelId;
                cell.outputIndex = o;
                cell.powerCapW = 10.0 + 2.5 * c;
                // Spread the points: deeper outputs and bigger models are slower and more accurate.
                const double work = (1.0 + o) * (1.0 + 0.02 * (m % 50));
                cell.accuracy = std::min(0.99, 0.55 + 0.08 * o + 0.004 * (m % 50) + 0.0005 * c);
                cell.latencyMedianMs = 2.0 * work * 60.0 / cell.powerCapW;
                cell.energyJ = 0.02 * work * (0.6 + cell.powerCapW / 60.0);
                cell.replicates = 5;
                profiles.addCell(cell);
            }
        }
    }
    return sessionId;
}

// Counts the paint events of the chart views' viewports: the proof that a change was drawn.
class PaintCounter : public QObject {
public:
    bool eventFilter(QObject* watched, QEvent* event) override
    {
        if (event->type() == QEvent::Paint)
            ++m_paints;
        return QObject::eventFilter(watched, event);
    }
    int takePaints() { return std::exchange(m_paints, 0); }

private:
    int m_paints = 0;
};

PaintCounter* g_paints = nullptr;
QList<QChartView*> g_chartViews;

// Paints per chart view per iteration since the last call.
double paintsPerChart(const benchmark::State& state)
{
    return double(g_paints->takePaints()) / double(g_chartViews.size()) / double(state.iterations());
}

// One filter change from the user's side: the combo box changes, then the event loop runs what it
// queued — the scenes' index and layout updates and the update request that paints the window —
// as it would before the user sees the result. processEvents() handles events posted while it
// runs, so the paint happens inside it (the `paints` counter checks that).
void changeFilter(QComboBox* combo, int index)
{
    combo->setCurrentIndex(index);
    QApplication::processEvents();
}

// Alternates between every cap (10,000 points) and one cap (500): each iteration is one change.
void BM_FrontierCapFilterChange(benchmark::State& state)
{
    QComboBox* caps = g_page->capFilter();
    int i = 0;
    for (auto _ : state)
        changeFilter(caps, (i++ % 2 == 0) ? caps->count() / 2 : 0);
    state.counters["paints"] = paintsPerChart(state);
    changeFilter(caps, 0);
    state.counters["points"] = g_page->currentView().visibleCount;
}
BENCHMARK(BM_FrontierCapFilterChange)->Unit(benchmark::kMillisecond)->UseRealTime();

// Alternates between every model (10,000 points) and one anytime model (80).
void BM_FrontierModelFilterChange(benchmark::State& state)
{
    QComboBox* models = g_page->modelFilter();
    int i = 0;
    for (auto _ : state)
        changeFilter(models, (i++ % 2 == 0) ? 1 : 0);
    state.counters["paints"] = paintsPerChart(state);
    changeFilter(models, 0);
    state.counters["points"] = g_page->currentView().visibleCount;
}
BENCHMARK(BM_FrontierModelFilterChange)->Unit(benchmark::kMillisecond)->UseRealTime();

// Peer: painting both charts with all 10,000 points and no change (the floor under a change).
void BM_FrontierPaintOnly(benchmark::State& state)
{
    g_paints->takePaints();
    for (auto _ : state) {
        for (QChartView* view : g_chartViews)
            view->viewport()->repaint();
    }
    state.counters["paints"] = paintsPerChart(state);
}
BENCHMARK(BM_FrontierPaintOnly)->Unit(benchmark::kMillisecond)->UseRealTime();

// Peer: FrontierData alone, filtering one cap and computing both fronts (no widgets).
void BM_FrontierDataView(benchmark::State& state)
{
    awb::ui::FrontierData data = g_page->data();
    int i = 0;
    for (auto _ : state) {
        data.setCapFilter(
            (i++ % 2 == 0) ? std::optional(data.powerCapsW()[data.powerCapsW().size() / 2]) : std::nullopt);
        benchmark::DoNotOptimize(data.view().visibleCount);
    }
}
BENCHMARK(BM_FrontierDataView)->Unit(benchmark::kMillisecond)->UseRealTime();

} // namespace

int main(int argc, char** argv)
{
    if (!qEnvironmentVariableIsSet("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv))
        return 1;

    const auto dir = std::filesystem::temp_directory_path() / ("awb-bench-frontier-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const auto storePath = dir / "frontier.sqlite";
    const auto start = std::chrono::steady_clock::now();
    const std::int64_t sessionId = buildStore(storePath);

    awb::ui::FrontierPage page;
    g_page = &page;
    page.resize(1400, 700);
    page.show();
    QEventLoop loop;
    int points = 0;
    QObject::connect(&page, &awb::ui::FrontierPage::sessionShown, &loop, [&](qint64, int count) {
        points = count;
        loop.quit();
    });
    QObject::connect(&page, &awb::ui::FrontierPage::sessionLoadFailed, &loop, [&] { loop.quit(); });
    QTimer::singleShot(120'000, &loop, &QEventLoop::quit);
    page.setStorePath(QString::fromStdString(storePath.string()));
    page.showSession(sessionId);
    loop.exec();
    QApplication::processEvents();
    const auto readyS = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::fprintf(stderr, "store built and %d points drawn in %.1f s: %s\n", points, readyS, storePath.c_str());
    if (points != (kTraditionalModels + kAnytimeModels * kAnytimeOutputs) * kCaps) {
        std::fprintf(stderr, "the session did not load: %s\n", page.statusText().toUtf8().constData());
        return 1;
    }

    PaintCounter paints;
    g_paints = &paints;
    g_chartViews = page.findChildren<QChartView*>();
    for (QChartView* view : g_chartViews)
        view->viewport()->installEventFilter(&paints);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    g_page = nullptr;
    std::filesystem::remove_all(dir);
    return 0;
}
