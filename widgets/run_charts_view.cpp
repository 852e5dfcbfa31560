#include "widgets/run_charts_view.h"

#include "widgets/color_scheme.h"
#include "widgets/run_trace_item.h"
#include "widgets/widget_image_export.h"

#include <QAreaSeries>
#include <QCategoryAxis>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QDir>
#include <QEvent>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLegendMarker>
#include <QLineSeries>
#include <QPainter>
#include <QScatterSeries>
#include <QScrollArea>
#include <QVBoxLayout>
#include <QValueAxis>

#include <algorithm>
#include <cmath>
#include <limits>

namespace awb::ui {

namespace {

    const QColor kPrimary(31, 119, 180); // the run
    const QColor kOverlay(255, 127, 14); // the run overlaid on it
    const QColor kMiss(214, 39, 40);
    const QColor kGoal(120, 120, 120); // deadline, budget, accuracy goal
    constexpr int kContentionAlpha = 60;
    constexpr int kBandAlpha = 55;

    // A point per two pixel columns: denser is barely visible and costs every redraw.
    std::size_t pointsFor(const QChartView* view)
    {
        return static_cast<std::size_t>(std::clamp(view->width() / 2, 100, 1000));
    }

    QString titleOf(RunChartsView::Chart chart)
    {
        switch (chart) {
        case RunChartsView::Chart::Slowdown:
            return QStringLiteral("Slowdown ξ (estimate ±2σ, observed; co-runners shaded)");
        case RunChartsView::Chart::Latency:
            return QStringLiteral("Latency per input (ms) against the deadline");
        case RunChartsView::Chart::PowerCap:
            return QStringLiteral("Power cap (W)");
        case RunChartsView::Chart::Configuration:
            return QStringLiteral("Model / output");
        case RunChartsView::Chart::Energy:
            return QStringLiteral("Energy per input (J) against the budget");
        case RunChartsView::Chart::Accuracy:
            return QStringLiteral("Running accuracy (%)");
        }
        return {};
    }

    // 1, 2 or 5 times a power of ten, at least `raw`.
    double niceStep(double raw)
    {
        if (!(raw > 0.0))
            return 1.0;
        const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
        for (const double m : { 1.0, 2.0, 5.0 }) {
            if (m * magnitude >= raw)
                return std::max(1.0, m * magnitude);
        }
        return std::max(1.0, 10.0 * magnitude);
    }

    // Points without a line: one chart item paints them all, where a QScatterSeries makes a
    // graphics item per point, which costs several times more per redraw.
    // Changes only what differs: each change lays the chart out again and re-typesets the axis's
    // labels, the larger part of a redraw's cost when done every tick.
    void setAxis(QValueAxis* axis, double low, double high, double tick)
    {
        if (axis->min() != low || axis->max() != high)
            axis->setRange(low, high);
        if (axis->tickType() != QValueAxis::TicksDynamic)
            axis->setTickType(QValueAxis::TicksDynamic);
        if (axis->tickAnchor() != 0.0)
            axis->setTickAnchor(0.0);
        if (axis->tickInterval() != tick)
            axis->setTickInterval(tick);
    }

    // [low, high] rounded out to whole ticks of a 1-2-5 step, about five of them; a range that
    // grows a little keeps its axis, so most redraws change none.
    void setNiceAxis(QValueAxis* axis, double low, double high)
    {
        if (!(high > low))
            high = low + 1.0;
        const double tick = niceStep((high - low) / 5.0);
        setAxis(axis, std::floor(low / tick) * tick, std::ceil(high / tick) * tick, tick);
    }

    QLineSeries* dots(const QString& name, qreal size)
    {
        auto* series = new QLineSeries;
        series->setName(name);
        series->setPointsVisible(true);
        series->setMarkerSize(size);
        return series;
    }

    // A legend entry; styleSeries() gives it its pen.
    QLineSeries* line(const QString& name)
    {
        auto* series = new QLineSeries;
        series->setName(name);
        return series;
    }

    // (x_i, y_{i-1}) then (x_i, y_i): a value holds until the next one changes it.
    template <typename Value> QList<QPointF> stepPoints(const std::vector<RunChartPoint>& points, Value value)
    {
        QList<QPointF> out;
        out.reserve(static_cast<qsizetype>(points.size() * 2));
        for (std::size_t i = 0; i < points.size(); ++i) {
            const double x = static_cast<double>(points[i].input);
            const double y = value(points[i]);
            if (i > 0)
                out.append(QPointF(x, out.back().y()));
            out.append(QPointF(x, y));
        }
        return out;
    }

    template <typename Value> QList<QPointF> linePoints(const std::vector<RunChartPoint>& points, Value value)
    {
        QList<QPointF> out;
        out.reserve(static_cast<qsizetype>(points.size()));
        for (const RunChartPoint& p : points)
            out.append(QPointF(static_cast<double>(p.input), value(p)));
        return out;
    }

    struct Range {
        double low = std::numeric_limits<double>::infinity();
        double high = -std::numeric_limits<double>::infinity();
        void add(const QList<QPointF>& points)
        {
            for (const QPointF& p : points) {
                if (std::isfinite(p.y()))
                    low = std::min(low, p.y()), high = std::max(high, p.y());
            }
        }
        // From 0 (or below when something is negative) to the top, in whole ticks.
        void applyFromZero(QValueAxis* axis, double fallbackHigh) const
        {
            const double top = std::isfinite(high) && high > 0.0 ? high : fallbackHigh;
            setNiceAxis(axis, std::isfinite(low) ? std::min(0.0, low) : 0.0, top);
        }
    };

} // namespace

QString RunChartsView::fileStem(Chart chart)
{
    switch (chart) {
    case Chart::Slowdown:
        return QStringLiteral("xi");
    case Chart::Latency:
        return QStringLiteral("latency");
    case Chart::PowerCap:
        return QStringLiteral("power-cap");
    case Chart::Configuration:
        return QStringLiteral("configuration");
    case Chart::Energy:
        return QStringLiteral("energy");
    case Chart::Accuracy:
        return QStringLiteral("accuracy");
    }
    return {};
}

RunChartsView::RunChartsView(QWidget* parent)
    : QWidget(parent)
    , m_window(new QComboBox(this))
{
    m_window->setObjectName(QStringLiteral("chartWindow"));
    for (const std::int64_t inputs : kWindows) {
        m_window->addItem(inputs == 0 ? QStringLiteral("Whole run") : QStringLiteral("Last %L1 inputs").arg(inputs),
            QVariant::fromValue<qint64>(inputs));
    }
    m_window->setCurrentIndex(1);
    connect(m_window, &QComboBox::currentIndexChanged, this, [this] { Q_EMIT windowChanged(window()); });

    auto* controls = new QHBoxLayout;
    controls->addWidget(new QLabel(QStringLiteral("Show:"), this));
    controls->addWidget(m_window);
    controls->addStretch(1);

    // The charts scroll when the window is smaller than they need, so the window can shrink.
    auto* scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto* charts = new QWidget(scroll);
    auto* grid = new QGridLayout(charts);
    grid->setContentsMargins(0, 0, 0, 0);
    grid->setSpacing(4);
    for (const Chart chart : kCharts) {
        auto* view = new QChartView(new QChart, charts);
        view->setObjectName(fileStem(chart) + QStringLiteral("Chart"));
        view->setRenderHint(QPainter::Antialiasing);
        view->setMinimumSize(300, 200);
        view->chart()->setTitle(titleOf(chart));
        view->chart()->legend()->setAlignment(Qt::AlignBottom);
        view->chart()->setMargins(QMargins(4, 4, 4, 4));
        m_views[index(chart)] = view;
        const int i = static_cast<int>(index(chart));
        grid->addWidget(view, i / 2, i % 2);
    }
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(controls);
    scroll->setWidget(charts);
    layout->addWidget(scroll, 1);
    buildCharts();
    followPalette();
}

std::int64_t RunChartsView::window() const { return m_window->currentData().value<qint64>(); }

void RunChartsView::setWindow(std::int64_t lastInputs)
{
    const int i = m_window->findData(QVariant::fromValue<qint64>(lastInputs));
    if (i >= 0)
        m_window->setCurrentIndex(i);
}

QChart* RunChartsView::chart(Chart which) const { return chartView(which)->chart(); }

void RunChartsView::buildCharts()
{
    for (const Chart which : kCharts) {
        QChart* c = chart(which);
        auto* x = new QValueAxis;
        x->setTitleText(QStringLiteral("input"));
        x->setLabelFormat(QStringLiteral("%d"));
        c->addAxis(x, Qt::AlignBottom);
        m_xAxes[index(which)] = x;
        if (which == Chart::Configuration) {
            m_configurationAxis = new QCategoryAxis;
            m_configurationAxis->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
            c->addAxis(m_configurationAxis, Qt::AlignLeft);
        } else {
            auto* y = new QValueAxis;
            y->setLabelFormat(which == Chart::Energy ? QStringLiteral("%.3g") : QStringLiteral("%.4g"));
            c->addAxis(y, Qt::AlignLeft);
            m_yAxes[index(which)] = y;
        }
    }
    for (const Chart which : kCharts) {
        QValueAxis* y = which == Chart::Configuration ? m_configurationAxis : m_yAxes[index(which)];
        m_traceItems[index(which)] = new RunTraceItem(chart(which), m_xAxes[index(which)], y);
    }
    const auto add = [this](Chart which, QAbstractSeries* series) {
        chart(which)->addSeries(series);
        series->attachAxis(m_xAxes[index(which)]);
        if (which == Chart::Configuration)
            series->attachAxis(m_configurationAxis);
        else
            series->attachAxis(m_yAxes[index(which)]);
    };

    m_contentionTop = new QLineSeries;
    m_contention = new QAreaSeries(m_contentionTop);
    m_contention->setName(QStringLiteral("co-runners"));
    add(Chart::Slowdown, m_contention);
    m_bandUpper = new QLineSeries;
    m_bandLower = new QLineSeries;
    m_band = new QAreaSeries(m_bandUpper, m_bandLower);
    m_band->setName(QStringLiteral("±2σ"));
    add(Chart::Slowdown, m_band);
    m_xiMean = line(QStringLiteral("estimate"));
    add(Chart::Slowdown, m_xiMean);
    m_xiObserved = dots(QStringLiteral("observed"), 4.0);
    add(Chart::Slowdown, m_xiObserved);
    m_xiMeanOverlay = line(QString());
    add(Chart::Slowdown, m_xiMeanOverlay);

    m_latency = line(QStringLiteral("latency"));
    add(Chart::Latency, m_latency);
    m_misses = dots(QStringLiteral("missed"), 5.0);
    add(Chart::Latency, m_misses);
    m_deadline = line(QStringLiteral("deadline")); // drawn over the markers
    add(Chart::Latency, m_deadline);
    m_latencyOverlay = line(QString());
    add(Chart::Latency, m_latencyOverlay);

    m_cap = line(QStringLiteral("cap"));
    add(Chart::PowerCap, m_cap);
    m_capOverlay = line(QString());
    add(Chart::PowerCap, m_capOverlay);

    m_configuration = line(QStringLiteral("configuration"));
    add(Chart::Configuration, m_configuration);
    m_configurationOverlay = line(QString());
    add(Chart::Configuration, m_configurationOverlay);

    m_energy = line(QStringLiteral("energy"));
    add(Chart::Energy, m_energy);
    m_budget = line(QStringLiteral("budget"));
    add(Chart::Energy, m_budget);
    m_energyOverlay = line(QString());
    add(Chart::Energy, m_energyOverlay);

    m_accuracy = line(QStringLiteral("accuracy"));
    add(Chart::Accuracy, m_accuracy);
    m_accuracyGoal = line(QStringLiteral("accuracy goal"));
    add(Chart::Accuracy, m_accuracyGoal);
    m_accuracyOverlay = line(QString());
    add(Chart::Accuracy, m_accuracyOverlay);

    m_yAxes[index(Chart::Slowdown)]->setTitleText(QStringLiteral("ξ"));
    m_yAxes[index(Chart::Latency)]->setTitleText(QStringLiteral("ms"));
    m_yAxes[index(Chart::PowerCap)]->setTitleText(QStringLiteral("W"));
    m_yAxes[index(Chart::Energy)]->setTitleText(QStringLiteral("J"));
    m_yAxes[index(Chart::Accuracy)]->setTitleText(QStringLiteral("%"));
    clear();
}

void RunChartsView::styleSeries()
{
    QColor shade = palette().color(QPalette::WindowText);
    shade.setAlpha(kContentionAlpha / 2);
    QColor amber(230, 160, 30, kContentionAlpha);
    m_contention->setBrush(amber);
    m_contention->setPen(Qt::NoPen);
    QColor band = kPrimary;
    band.setAlpha(kBandAlpha);
    m_band->setBrush(band);
    m_band->setPen(Qt::NoPen);
    m_xiObserved->setPen(QPen(QColor(90, 90, 90, 150), 0.0, Qt::NoPen));
    m_xiObserved->setBrush(QColor(90, 90, 90, 150));
    m_misses->setPen(QPen(kMiss, 0.0, Qt::NoPen));
    m_misses->setBrush(kMiss);
    const QColor goal = isDarkPalette(palette()) ? QColor(190, 190, 190) : kGoal;
    for (QLineSeries* series : { m_deadline, m_budget, m_accuracyGoal })
        series->setPen(QPen(goal, 1.0, Qt::DashLine));
    // One pixel wide, as RunTraceItem draws them.
    for (QLineSeries* series : { m_xiMean, m_cap, m_configuration, m_accuracy, m_latency, m_energy })
        series->setPen(QPen(kPrimary, 1.0));
    for (QLineSeries* series :
        { m_xiMeanOverlay, m_capOverlay, m_configurationOverlay, m_accuracyOverlay, m_latencyOverlay, m_energyOverlay })
        series->setPen(QPen(kOverlay, 1.0, Qt::DashLine));
}

void RunChartsView::followPalette()
{
    const QChart::ChartTheme theme = isDarkPalette(palette()) ? QChart::ChartThemeDark : QChart::ChartThemeLight;
    for (QChartView* view : m_views) {
        view->chart()->setTheme(theme); // restyles every series: ours are set again below
        // The theme's shadow is a blur effect re-rendered on every repaint of the chart.
        view->chart()->setDropShadowEnabled(false);
    }
    styleSeries();
}

void RunChartsView::changeEvent(QEvent* event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange)
        followPalette();
}

void RunChartsView::clear()
{
    for (QValueAxis* x : m_xAxes)
        x->setRange(0, 1);
    for (QValueAxis* y : m_yAxes) {
        if (y)
            y->setRange(0, 1);
    }
    for (const QString& label : m_configurationAxis->categoriesLabels())
        m_configurationAxis->remove(label);
    m_configurationAxis->setRange(-0.5, 0.5);
    for (RunTraceItem* item : m_traceItems)
        item->setTraces({});
    m_missMarkers = 0;
    m_shadedPoints = 0;
    showOverlay(false, QString());
}

void RunChartsView::showOverlay(bool shown, const QString& name)
{
    const std::array<std::pair<Chart, QLineSeries*>, kChartCount> overlays { { { Chart::Slowdown, m_xiMeanOverlay },
        { Chart::Latency, m_latencyOverlay }, { Chart::PowerCap, m_capOverlay },
        { Chart::Configuration, m_configurationOverlay }, { Chart::Energy, m_energyOverlay },
        { Chart::Accuracy, m_accuracyOverlay } } };
    for (const auto& [which, series] : overlays) {
        series->setVisible(shown);
        series->setName(name);
        for (QLegendMarker* marker : chart(which)->legend()->markers(series))
            marker->setVisible(shown);
    }
}

void RunChartsView::draw(
    const RunChartData& primary, const QString& primaryName, const RunChartData* overlay, const QString& overlayName)
{
    const std::size_t points = pointsFor(m_views[0]);
    const std::vector<RunChartPoint> a = primary.window(window(), points);
    std::vector<RunChartPoint> b;
    if (overlay != nullptr)
        b = overlay->window(window(), points);

    // One x range for every chart, over both runs.
    double xLow = std::numeric_limits<double>::infinity();
    double xHigh = -xLow;
    for (const std::vector<RunChartPoint>* run : std::initializer_list<const std::vector<RunChartPoint>*> { &a, &b }) {
        if (!run->empty()) {
            xLow = std::min(xLow, static_cast<double>(run->front().firstInput));
            xHigh = std::max(xHigh, static_cast<double>(run->back().input));
        }
    }
    if (!std::isfinite(xLow)) {
        clear();
        return;
    }
    if (xHigh <= xLow)
        xHigh = xLow + 1.0;
    // The x range moves in whole steps, not with every input, so most redraws leave the axes
    // alone: a window of the last N inputs slides in tenths of N, the whole run grows a tick at
    // a time.
    const std::int64_t lastInputs = window();
    double xStart = xLow;
    double xEnd = xHigh;
    if (lastInputs > 0 && xHigh - xLow + 1.0 >= static_cast<double>(lastInputs)) {
        const double slide = niceStep(static_cast<double>(lastInputs) / 10.0);
        xEnd = std::ceil((xHigh + 1.0) / slide) * slide;
        xStart = xEnd - static_cast<double>(lastInputs);
    } else {
        xEnd = std::ceil(xHigh / niceStep((xHigh - xLow) / 6.0)) * niceStep((xHigh - xLow) / 6.0);
    }
    const double tick = niceStep((xEnd - xStart) / 6.0);
    for (QValueAxis* x : m_xAxes)
        setAxis(x, xStart, xEnd, tick);

    const bool overlaid = overlay != nullptr;
    const QString overlayLabel = overlayName.isEmpty() ? QStringLiteral("overlay") : overlayName;
    showOverlay(overlaid, overlayLabel);
    m_xiMean->setName(overlaid ? primaryName + QStringLiteral(" estimate") : QStringLiteral("estimate"));

    // Traces in value coordinates, styled like the (empty) legend series they stand for.
    const auto lineOf = [](const QLineSeries* style, QList<QPointF> points) {
        RunTrace t;
        t.values = QPolygonF(std::move(points));
        t.pen = style->pen();
        return t;
    };
    const auto dotsOf = [](const QLineSeries* style, QList<QPointF> points) {
        RunTrace t;
        t.kind = RunTrace::Kind::Dots;
        t.values = QPolygonF(std::move(points));
        t.brush = style->brush();
        t.dotSizePx = style->markerSize();
        return t;
    };
    std::array<std::vector<RunTrace>, kChartCount> traces;

    // ξ: the co-runner phases shaded to the top, the band, the estimate, the observed points.
    const QList<QPointF> mean = linePoints(a, [](const RunChartPoint& p) { return p.xiMean; });
    const QList<QPointF> upper = linePoints(a, [](const RunChartPoint& p) { return p.xiMean + 2.0 * p.xiStd; });
    const QList<QPointF> lower = linePoints(a, [](const RunChartPoint& p) { return p.xiMean - 2.0 * p.xiStd; });
    const QList<QPointF> observed = linePoints(a, [](const RunChartPoint& p) { return p.xiObserved; });
    const QList<QPointF> meanB = linePoints(b, [](const RunChartPoint& p) { return p.xiMean; });
    Range xi;
    xi.add(upper);
    xi.add(observed);
    xi.add(meanB);
    QValueAxis* xiAxis = m_yAxes[index(Chart::Slowdown)];
    setNiceAxis(xiAxis, 0.0, std::isfinite(xi.high) ? xi.high : 2.0);
    const double shadeTop = xiAxis->max(); // the phases shade the whole height
    RunTrace contention;
    contention.kind = RunTrace::Kind::Shade;
    contention.values
        = QPolygonF(stepPoints(a, [shadeTop](const RunChartPoint& p) { return p.contention ? shadeTop : 0.0; }));
    contention.brush = m_contention->brush();
    m_shadedPoints = 0;
    for (const QPointF& p : contention.values)
        m_shadedPoints += p.y() > 0.0 ? 1 : 0;
    RunTrace band;
    band.kind = RunTrace::Kind::Band;
    band.values = QPolygonF(upper);
    band.lower = QPolygonF(lower);
    band.brush = m_band->brush();
    traces[index(Chart::Slowdown)] = { contention, band, lineOf(m_xiMean, mean), dotsOf(m_xiObserved, observed) };
    if (overlaid)
        traces[index(Chart::Slowdown)].push_back(lineOf(m_xiMeanOverlay, meanB));

    // Latency and the deadline in force; every bucket holding a miss gets a marker.
    const QList<QPointF> latency = linePoints(a, [](const RunChartPoint& p) { return p.latencyMs; });
    const QList<QPointF> deadline = stepPoints(a, [](const RunChartPoint& p) { return p.goals.deadlineMs; });
    const QList<QPointF> latencyB = linePoints(b, [](const RunChartPoint& p) { return p.latencyMs; });
    QList<QPointF> misses;
    for (const RunChartPoint& p : a) {
        if (p.misses > 0)
            misses.append(QPointF(static_cast<double>(p.input), p.latencyMs));
    }
    m_missMarkers = static_cast<int>(misses.size());
    Range ms;
    ms.add(latency);
    ms.add(deadline);
    ms.add(latencyB);
    ms.applyFromZero(m_yAxes[index(Chart::Latency)], 1.0);
    traces[index(Chart::Latency)]
        = { lineOf(m_latency, latency), dotsOf(m_misses, misses), lineOf(m_deadline, deadline) };
    if (overlaid)
        traces[index(Chart::Latency)].push_back(lineOf(m_latencyOverlay, latencyB));

    const QList<QPointF> cap = stepPoints(a, [](const RunChartPoint& p) { return p.capW; });
    const QList<QPointF> capB = stepPoints(b, [](const RunChartPoint& p) { return p.capW; });
    Range watts;
    watts.add(cap);
    watts.add(capB);
    watts.applyFromZero(m_yAxes[index(Chart::PowerCap)], 1.0);
    traces[index(Chart::PowerCap)] = { lineOf(m_cap, cap) };
    if (overlaid)
        traces[index(Chart::PowerCap)].push_back(lineOf(m_capOverlay, capB));

    // Configurations: the run's own in its candidates' order, then any only the overlay used.
    QStringList labels;
    std::vector<int> rowOfA(primary.configurations().size());
    {
        std::vector<int> byRank(primary.configurations().size());
        for (std::size_t c = 0; c < byRank.size(); ++c)
            byRank[static_cast<std::size_t>(primary.configurationRank(static_cast<int>(c)))] = static_cast<int>(c);
        for (const int c : byRank) {
            rowOfA[static_cast<std::size_t>(c)] = static_cast<int>(labels.size());
            labels.append(QString::fromStdString(primary.configurations()[static_cast<std::size_t>(c)]));
        }
    }
    std::vector<int> rowOfB;
    if (overlaid) {
        for (const std::string& name : overlay->configurations()) {
            const QString label = QString::fromStdString(name);
            qsizetype row = labels.indexOf(label);
            if (row < 0)
                row = labels.size(), labels.append(label);
            rowOfB.push_back(static_cast<int>(row));
        }
    }
    if (m_configurationAxis->categoriesLabels() != labels) {
        for (const QString& label : m_configurationAxis->categoriesLabels())
            m_configurationAxis->remove(label);
        for (qsizetype row = 0; row < labels.size(); ++row)
            m_configurationAxis->append(labels[row], static_cast<double>(row));
    }
    const double rows = std::max<double>(0.5, static_cast<double>(labels.size()) - 0.5);
    if (m_configurationAxis->min() != -0.5 || m_configurationAxis->max() != rows)
        m_configurationAxis->setRange(-0.5, rows);
    traces[index(Chart::Configuration)] = { lineOf(m_configuration, stepPoints(a, [&rowOfA](const RunChartPoint& p) {
        return static_cast<double>(rowOfA[static_cast<std::size_t>(p.configuration)]);
    })) };
    if (overlaid) {
        traces[index(Chart::Configuration)].push_back(
            lineOf(m_configurationOverlay, stepPoints(b, [&rowOfB](const RunChartPoint& p) {
                return static_cast<double>(rowOfB[static_cast<std::size_t>(p.configuration)]);
            })));
    }

    // Energy per input against the budget (max-accuracy inputs only: min-energy has none).
    const QList<QPointF> energy = linePoints(a, [](const RunChartPoint& p) { return p.energyJ; });
    const QList<QPointF> budget = stepPoints(a, [](const RunChartPoint& p) {
        return p.goals.mode == core::GoalMode::MaximizeAccuracy ? p.goals.energyBudgetJ : std::nan("");
    });
    const QList<QPointF> energyB = linePoints(b, [](const RunChartPoint& p) { return p.energyJ; });
    Range joules;
    joules.add(energy);
    joules.add(budget);
    joules.add(energyB);
    joules.applyFromZero(m_yAxes[index(Chart::Energy)], 1.0);
    traces[index(Chart::Energy)] = { lineOf(m_energy, energy), lineOf(m_budget, budget) };
    if (overlaid)
        traces[index(Chart::Energy)].push_back(lineOf(m_energyOverlay, energyB));

    const QList<QPointF> accuracy = linePoints(a, [](const RunChartPoint& p) { return 100.0 * p.accuracy; });
    const QList<QPointF> accuracyGoal = stepPoints(a, [](const RunChartPoint& p) {
        return p.goals.mode == core::GoalMode::MinimizeEnergy ? 100.0 * p.goals.accuracyGoal : std::nan("");
    });
    setAxis(m_yAxes[index(Chart::Accuracy)], 0.0, 100.0, 25.0);
    traces[index(Chart::Accuracy)] = { lineOf(m_accuracy, accuracy), lineOf(m_accuracyGoal, accuracyGoal) };
    if (overlaid) {
        traces[index(Chart::Accuracy)].push_back(
            lineOf(m_accuracyOverlay, linePoints(b, [](const RunChartPoint& p) { return 100.0 * p.accuracy; })));
    }

    for (const Chart which : kCharts)
        m_traceItems[index(which)]->setTraces(std::move(traces[index(which)]));
}

int RunChartsView::pointCount(Chart which) const
{
    // The run's own main trace: the ξ estimate, the latency, the cap, the configuration, ….
    const std::vector<RunTrace>& traces = m_traceItems[index(which)]->traces();
    const std::size_t main = which == Chart::Slowdown ? 2 : 0;
    return main < traces.size() ? static_cast<int>(traces[main].values.size()) : 0;
}

int RunChartsView::missMarkerCount() const { return m_missMarkers; }

int RunChartsView::contentionPointCount() const { return m_shadedPoints; }

bool RunChartsView::exportChart(Chart which, const QString& path, QString* error)
{
    const QString format = imageFormatOf(path);
    if (format == QLatin1String("png"))
        return exportWidgetPng(chartView(which), path, error);
    if (format == QLatin1String("svg"))
        return exportWidgetSvg(chartView(which), path, chart(which)->title(), error);
    *error = QStringLiteral("%1: a chart exports as .png or .svg").arg(path);
    return false;
}

bool RunChartsView::exportAll(const QString& folder, const QString& stem, QString* error, QStringList* written)
{
    if (!QDir(folder).exists()) {
        *error = QStringLiteral("no such folder: %1").arg(folder);
        return false;
    }
    for (const Chart which : kCharts) {
        for (const char* suffix : { "png", "svg" }) {
            const QString path
                = QDir(folder).filePath(QStringLiteral("%1-%2.%3").arg(stem, fileStem(which), QLatin1String(suffix)));
            if (!exportChart(which, path, error))
                return false;
            if (written != nullptr)
                written->append(path);
        }
    }
    return true;
}

} // namespace awb::ui
