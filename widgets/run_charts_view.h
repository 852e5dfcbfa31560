#pragma once

#include "widgets/run_chart_data.h"

#include <QString>
#include <QStringList>
#include <QWidget>

#include <array>
#include <cstdint>

class QAreaSeries;
class QCategoryAxis;
class QChart;
class QChartView;
class QComboBox;
class QLineSeries;
class QScatterSeries;
class QValueAxis;

namespace awb::ui {

class RunTraceItem;

// The charts of one run, live or stored, with an optional second run overlaid (dashed):
//   ξ — the controller's estimate with its ±2σ band, the observed ξ as points, co-runner phases
//       shaded; latency per input against the deadline, misses marked; the power cap and the
//       configuration (model/output) as step charts; energy per input against the budget; the
//       running accuracy against the accuracy goal.
// A time-window control (last N inputs or the whole run) applies to every chart. The view holds
// no data: its page calls draw() when the data changed — from a coalescing timer on the Live
// page, never per point — and on windowChanged(). Each draw replaces every series in one call
// and thins the window to about one point per pixel column, so its cost does not grow with the
// run. Threading: GUI thread.
class RunChartsView : public QWidget {
    Q_OBJECT

public:
    enum class Chart { Slowdown, Latency, PowerCap, Configuration, Energy, Accuracy };
    static constexpr int kChartCount = 6;
    static constexpr std::array<Chart, kChartCount> kCharts { Chart::Slowdown, Chart::Latency, Chart::PowerCap,
        Chart::Configuration, Chart::Energy, Chart::Accuracy };
    // A file name stem for exports: "xi", "latency", "power-cap", "configuration", "energy", "accuracy".
    static QString fileStem(Chart chart);
    // Window choices: last 500, 2,000, 10,000 inputs, or the whole run (0).
    static constexpr std::array<std::int64_t, 4> kWindows { 500, 2'000, 10'000, 0 };

    explicit RunChartsView(QWidget* parent = nullptr);

    std::int64_t window() const; // inputs; 0: the whole run
    void setWindow(std::int64_t lastInputs); // one of kWindows
    QComboBox* windowControl() const { return m_window; }

    // Redraws every chart from `primary` and, when given, `overlay` (named in the legends).
    void draw(const RunChartData& primary, const QString& primaryName, const RunChartData* overlay = nullptr,
        const QString& overlayName = QString());
    // Empties every chart.
    void clear();

    QChartView* chartView(Chart chart) const { return m_views[index(chart)]; }
    QChart* chart(Chart chart) const;
    // Points drawn by the last draw() in the primary run's main series of `chart` (tests).
    int pointCount(Chart chart) const;
    int missMarkerCount() const;
    int contentionPointCount() const;

    // PNG or SVG by the path's suffix; false with `error` set (one line) otherwise.
    bool exportChart(Chart chart, const QString& path, QString* error);
    // Every chart as <stem>-<chart>.png and .svg into `folder`; the files written go to `written`.
    bool exportAll(const QString& folder, const QString& stem, QString* error, QStringList* written = nullptr);

Q_SIGNALS:
    void windowChanged(std::int64_t lastInputs);

protected:
    void changeEvent(QEvent* event) override;

private:
    static std::size_t index(Chart chart) { return static_cast<std::size_t>(chart); }
    void buildCharts();
    void followPalette();
    void styleSeries();
    void showOverlay(bool shown, const QString& name);

    QComboBox* m_window = nullptr;
    std::array<QChartView*, kChartCount> m_views {};
    std::array<QValueAxis*, kChartCount> m_xAxes {};
    std::array<QValueAxis*, kChartCount> m_yAxes {}; // null for the configuration chart
    QCategoryAxis* m_configurationAxis = nullptr;
    // What each chart draws (the series below only style it and name it in the legend).
    std::array<RunTraceItem*, kChartCount> m_traceItems {};
    int m_missMarkers = 0;
    int m_shadedPoints = 0;

    // ξ
    QLineSeries* m_contentionTop = nullptr;
    QAreaSeries* m_contention = nullptr;
    QLineSeries* m_bandUpper = nullptr;
    QLineSeries* m_bandLower = nullptr;
    QAreaSeries* m_band = nullptr;
    QLineSeries* m_xiMean = nullptr;
    QLineSeries* m_xiObserved = nullptr; // points only
    QLineSeries* m_xiMeanOverlay = nullptr;
    // latency
    QLineSeries* m_latency = nullptr;
    QLineSeries* m_misses = nullptr; // points only
    QLineSeries* m_deadline = nullptr;
    QLineSeries* m_latencyOverlay = nullptr;
    // steps
    QLineSeries* m_cap = nullptr;
    QLineSeries* m_capOverlay = nullptr;
    QLineSeries* m_configuration = nullptr;
    QLineSeries* m_configurationOverlay = nullptr;
    // energy and accuracy
    QLineSeries* m_energy = nullptr;
    QLineSeries* m_budget = nullptr;
    QLineSeries* m_energyOverlay = nullptr;
    QLineSeries* m_accuracy = nullptr;
    QLineSeries* m_accuracyGoal = nullptr;
    QLineSeries* m_accuracyOverlay = nullptr;
};

} // namespace awb::ui
