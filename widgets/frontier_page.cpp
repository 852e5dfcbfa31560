#include "widgets/frontier_page.h"

#include "widgets/color_scheme.h"
#include "widgets/frontier_points_item.h"
#include "widgets/widget_image_export.h"

#include <QChart>
#include <QChartView>
#include <QCheckBox>
#include <QComboBox>
#include <QCoreApplication>
#include <QEvent>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QLayout>
#include <QLegendMarker>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QPainter>
#include <QPushButton>
#include <QScatterSeries>
#include <QToolTip>
#include <QVBoxLayout>
#include <QValueAxis>

#include <algorithm>
#include <cmath>
#include <limits>
#include <tuple>

namespace awb::ui {

namespace {

    const QString kLatencyTitle = QStringLiteral("Latency (ms, median per input)");
    const QString kEnergyTitle = QStringLiteral("Energy (J per input)");
    const QString kAccuracyTitle = QStringLiteral("Accuracy (%)");
    constexpr qreal kMarkerSize = 9.0; // px
    constexpr qreal kSelectionMarkerSize = 17.0; // px: a ring around the selected point

    QChartView* makeChartView(QWidget* parent, const QString& objectName)
    {
        auto* chart = new QChart;
        chart->legend()->setAlignment(Qt::AlignBottom);
        auto* view = new QChartView(chart, parent);
        view->setObjectName(objectName);
        view->setRenderHint(QPainter::Antialiasing);
        view->setMinimumSize(320, 260);
        return view;
    }

    // [min, max] of `value` over the cells, padded by 5 % (multiplicatively for a log axis).
    std::pair<double, double> rangeOf(
        const std::vector<FrontierCell>& cells, double (*value)(const FrontierCell&), bool logScale)
    {
        double low = std::numeric_limits<double>::infinity();
        double high = -low;
        for (const FrontierCell& cell : cells) {
            const double v = value(cell);
            if (std::isfinite(v) && (!logScale || v > 0.0)) {
                low = std::min(low, v);
                high = std::max(high, v);
            }
        }
        if (!std::isfinite(low))
            return { logScale ? 0.1 : 0.0, 1.0 };
        if (logScale)
            return { low / 1.25, high * 1.25 };
        const double pad = high > low ? 0.05 * (high - low) : std::max(0.05 * high, 1e-6);
        return { std::max(0.0, low - pad), high + pad };
    }

    double latencyOf(const FrontierCell& cell) { return cell.point.latencyMs; }
    double energyOf(const FrontierCell& cell) { return cell.point.energyJ; }

    QList<QPointF> toList(const std::vector<QPointF>& points) { return QList<QPointF>(points.begin(), points.end()); }

    void hideFromLegend(QChart* chart, QAbstractSeries* series)
    {
        for (QLegendMarker* marker : chart->legend()->markers(series))
            marker->setVisible(false);
    }

} // namespace

FrontierPage::FrontierPage(QWidget* parent)
    : QWidget(parent)
    , m_loader(new FrontierLoader(this))
    , m_modelFilter(new QComboBox(this))
    , m_capFilter(new QComboBox(this))
    , m_logLatency(new QCheckBox(QStringLiteral("Log latency axis"), this))
    , m_exportPng(new QPushButton(QStringLiteral("Export PNG…"), this))
    , m_exportSvg(new QPushButton(QStringLiteral("Export SVG…"), this))
    , m_status(new QLabel(QStringLiteral("No session open: double-click a profile session on the History page"), this))
    , m_banner(new QLabel(this))
    , m_chartsArea(new QWidget(this))
{
    m_modelFilter->setObjectName(QStringLiteral("frontierModelFilter"));
    m_capFilter->setObjectName(QStringLiteral("frontierCapFilter"));
    m_logLatency->setObjectName(QStringLiteral("frontierLogLatency"));
    m_status->setObjectName(QStringLiteral("frontierStatus"));
    m_banner->setObjectName(QStringLiteral("frontierEmulatedBanner"));
    m_banner->setText(QStringLiteral("EMULATED session: power and energy come from the DVFS model, not from a meter"));
    m_banner->setStyleSheet(
        QStringLiteral("QLabel { background: #fff3cd; color: #664d03; padding: 4px; font-weight: bold; }"));
    m_banner->hide();

    m_latencyView = makeChartView(m_chartsArea, QStringLiteral("frontierLatencyChart"));
    m_energyView = makeChartView(m_chartsArea, QStringLiteral("frontierEnergyChart"));
    auto* chartsLayout = new QHBoxLayout(m_chartsArea);
    chartsLayout->setContentsMargins(0, 0, 0, 0);
    chartsLayout->addWidget(m_latencyView);
    chartsLayout->addWidget(m_energyView);
    for (QChart* chart : { latencyChart(), energyChart() }) {
        auto* y = new QValueAxis;
        y->setTitleText(kAccuracyTitle);
        y->setLabelFormat(QStringLiteral("%.0f"));
        chart->addAxis(y, Qt::AlignLeft);
    }
    m_latencyPoints = new FrontierPointsItem(latencyChart());
    m_energyPoints = new FrontierPointsItem(energyChart());
    auto* energyAxis = new QValueAxis;
    energyAxis->setTitleText(kEnergyTitle);
    energyAxis->setLabelFormat(QStringLiteral("%.3g"));
    energyChart()->addAxis(energyAxis, Qt::AlignBottom);
    attachLatencyAxis(false);

    auto* toolbar = new QHBoxLayout;
    toolbar->addWidget(new QLabel(QStringLiteral("Model:"), this));
    toolbar->addWidget(m_modelFilter);
    toolbar->addWidget(new QLabel(QStringLiteral("Cap:"), this));
    toolbar->addWidget(m_capFilter);
    toolbar->addWidget(m_logLatency);
    toolbar->addWidget(m_status, 1);
    toolbar->addWidget(m_exportPng);
    toolbar->addWidget(m_exportSvg);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(toolbar);
    layout->addWidget(m_banner);
    layout->addWidget(m_chartsArea, 1);

    connect(m_modelFilter, &QComboBox::currentIndexChanged, this, &FrontierPage::applyFilters);
    connect(m_capFilter, &QComboBox::currentIndexChanged, this, &FrontierPage::applyFilters);
    connect(m_logLatency, &QCheckBox::toggled, this, &FrontierPage::setLatencyLogScale);
    connect(m_exportPng, &QPushButton::clicked, this, [this] { chooseExport(false); });
    connect(m_exportSvg, &QPushButton::clicked, this, [this] { chooseExport(true); });
    connect(m_loader, &FrontierLoader::loaded, this, &FrontierPage::applySnapshot);
    connect(m_loader, &FrontierLoader::loadFailed, this, &FrontierPage::showFailure);
    setStorePath(QString());
    followPalette(); // a page made under a dark palette starts dark
}

FrontierPage::~FrontierPage() = default;

QChart* FrontierPage::latencyChart() const { return m_latencyView->chart(); }

QChart* FrontierPage::energyChart() const { return m_energyView->chart(); }

bool FrontierPage::isLoading() const { return m_loader->isLoading(); }

QString FrontierPage::statusText() const { return m_status->text(); }

bool FrontierPage::isLatencyLogScale() const
{
    const auto axes = latencyChart()->axes(Qt::Horizontal);
    return !axes.isEmpty() && axes.first()->type() == QAbstractAxis::AxisTypeLogValue;
}

qint64 FrontierPage::selectedCellId() const
{
    return m_selectedIndex < 0 ? 0 : m_data.cells()[static_cast<std::size_t>(m_selectedIndex)].cellId;
}

void FrontierPage::setStorePath(const QString& storePath)
{
    m_storePath = storePath;
    m_sessionId = 0;
    m_loader->cancel();
    m_data = FrontierData();
    m_selectedIndex = -1;
    rebuildSeries();
    m_status->setText(storePath.isEmpty() ? QStringLiteral("No store open")
                                          : QStringLiteral("Double-click a profile session on the History page"));
}

void FrontierPage::showSession(qint64 sessionId)
{
    if (m_storePath.isEmpty())
        return;
    m_status->setText(QStringLiteral("Loading session %1…").arg(sessionId));
    m_loader->load(m_storePath, sessionId);
}

void FrontierPage::applySnapshot(const std::shared_ptr<const FrontierSnapshot>& snapshot)
{
    if (snapshot->storePath != m_storePath)
        return; // the store changed while it loaded
    m_sessionId = snapshot->sessionId;
    m_data = FrontierData(snapshot->cells, snapshot->emulated);
    m_selectedIndex = -1;
    const QString suffix = QStringLiteral(" — session %1").arg(m_sessionId)
        % (snapshot->emulated ? QStringLiteral(" (EMULATED)") : QString());
    latencyChart()->setTitle(QStringLiteral("Accuracy vs latency") % suffix);
    energyChart()->setTitle(QStringLiteral("Accuracy vs energy") % suffix);
    m_banner->setVisible(snapshot->emulated);
    m_status->setText(QStringLiteral("Session %1 (%2, started %3) on %4, backend %5: %6 cells")
                          .arg(m_sessionId)
                          .arg(snapshot->sessionStatus, snapshot->startedAt,
                              snapshot->deviceHost.isEmpty() ? QStringLiteral("unknown device") : snapshot->deviceHost,
                              snapshot->backend)
                          .arg(snapshot->cells.size()));
    rebuildSeries();
    Q_EMIT sessionShown(m_sessionId, static_cast<int>(m_data.cells().size()));
}

void FrontierPage::showFailure(const QString& message)
{
    m_status->setText(QStringLiteral("Could not load the session: %1").arg(message));
    Q_EMIT sessionLoadFailed(message);
}

// Called when the session changes: one series per cap × kind, the fronts and the selection
// ring, then the filters' choices. Filter changes only replace() points (applyFilters).
void FrontierPage::rebuildSeries()
{
    m_latencyPoints->setSeries({});
    m_energyPoints->setSeries({});
    m_latencySeries.clear();
    m_energySeries.clear();
    m_seriesCells.clear();
    latencyChart()->removeAllSeries();
    energyChart()->removeAllSeries();

    const FrontierView all = m_data.view(); // only the series layout (caps × kinds) is used here
    for (int i = 0; i < static_cast<int>(all.series.size()); ++i) {
        const FrontierSeriesData& data = all.series[static_cast<std::size_t>(i)];
        const bool anytime = data.kind == core::ModelKind::Anytime;
        for (const bool isLatency : { true, false }) {
            auto* series = new QScatterSeries;
            series->setName(
                formatPowerW(data.powerCapW) % QStringLiteral(" · ") % QLatin1String(core::toString(data.kind)));
            series->setMarkerShape(anytime ? QScatterSeries::MarkerShapeRectangle : QScatterSeries::MarkerShapeCircle);
            series->setMarkerSize(kMarkerSize);
            series->setColor(data.colour);
            series->setBorderColor(data.colour.darker(140));
            series->setPointsVisible(false); // drawn by m_latencyPoints / m_energyPoints
            (isLatency ? latencyChart() : energyChart())->addSeries(series);
            connect(series, &QScatterSeries::hovered, this,
                [this, i, isLatency](const QPointF& point, bool state) { onHovered(i, point, state, isLatency); });
            connect(series, &QScatterSeries::clicked, this,
                [this, i, isLatency](const QPointF& point) { onClicked(i, point, isLatency); });
            (isLatency ? m_latencySeries : m_energySeries).push_back(series);
        }
        m_seriesCells.emplace_back();
    }
    for (QChart* chart : { latencyChart(), energyChart() }) {
        auto* front = new QLineSeries;
        front->setName(QStringLiteral("Pareto front"));
        chart->addSeries(front);
        auto* selection = new QScatterSeries;
        selection->setMarkerSize(kSelectionMarkerSize);
        chart->addSeries(selection);
        hideFromLegend(chart, selection);
        (chart == latencyChart() ? m_latencyFront : m_energyFront) = front;
        (chart == latencyChart() ? m_latencySelection : m_energySelection) = selection;
    }
    styleOverlays();
    m_latencyPoints->setSeries(m_latencySeries);
    m_energyPoints->setSeries(m_energySeries);
    for (QChart* chart : { latencyChart(), energyChart() }) {
        for (QAbstractSeries* series : chart->series()) {
            for (QAbstractAxis* axis : chart->axes())
                series->attachAxis(axis);
        }
    }
    const auto [energyLowJ, energyHighJ] = rangeOf(m_data.cells(), energyOf, false);
    energyChart()->axes(Qt::Horizontal).first()->setRange(energyLowJ, energyHighJ);
    for (QChart* chart : { latencyChart(), energyChart() })
        chart->axes(Qt::Vertical).first()->setRange(0.0, 100.0);
    attachLatencyAxis(isLatencyLogScale());

    // Refill the filters without a filter change per added item.
    const QSignalBlocker modelBlocker(m_modelFilter);
    const QSignalBlocker capBlocker(m_capFilter);
    m_modelFilter->clear();
    m_modelFilter->addItem(QStringLiteral("All models"));
    for (const std::string& name : m_data.modelNames())
        m_modelFilter->addItem(QString::fromStdString(name), QString::fromStdString(name));
    m_capFilter->clear();
    m_capFilter->addItem(QStringLiteral("All caps"));
    for (const double cap : m_data.powerCapsW())
        m_capFilter->addItem(formatPowerW(cap), cap);
    applyFilters();
}

void FrontierPage::applyFilters()
{
    const QVariant model = m_modelFilter->currentData();
    const QVariant cap = m_capFilter->currentData();
    m_data.setModelFilter(model.isValid() ? std::optional(model.toString().toStdString()) : std::nullopt);
    m_data.setCapFilter(cap.isValid() ? std::optional(cap.toDouble()) : std::nullopt);
    m_view = m_data.view();
    // One replace() per changed series. Qt Charts keeps one (hidden) graphics item per point of a
    // scatter series and rebuilds them all when the series' visibility changes, so an emptied series
    // is cleared before it is hidden and a returning one shown before it is filled: each change
    // costs only the items of the points that come or go.
    for (std::size_t i = 0; i < m_view.series.size() && i < m_latencySeries.size(); ++i) {
        const FrontierSeriesData& data = m_view.series[i];
        QScatterSeries* latency = m_latencySeries[i];
        QScatterSeries* energy = m_energySeries[i];
        if (data.cells.empty()) {
            if (!m_seriesCells[i].empty()) {
                latency->clear();
                energy->clear();
                m_seriesCells[i].clear();
            }
            latency->setVisible(false);
            energy->setVisible(false);
            continue;
        }
        latency->setVisible(true);
        energy->setVisible(true);
        if (data.cells != m_seriesCells[i]) {
            latency->replace(toList(data.latencyPoints));
            energy->replace(toList(data.energyPoints));
            m_seriesCells[i] = data.cells;
        }
    }
    if (m_latencyFront) {
        m_latencyFront->replace(toList(m_view.latencyFront));
        m_energyFront->replace(toList(m_view.energyFront));
    }
    updateSelectionMarkers();
    m_latencyPoints->refresh();
    m_energyPoints->refresh();
    // Lay the charts out now (their legends lost or gained entries), not in a later pass of the
    // event loop: otherwise the charts are painted once before and once after the layout.
    for (QChart* chart : { latencyChart(), energyChart() }) {
        QCoreApplication::sendPostedEvents(chart->legend(), QEvent::LayoutRequest);
        QCoreApplication::sendPostedEvents(chart, QEvent::LayoutRequest);
    }
}

void FrontierPage::attachLatencyAxis(bool logScale)
{
    QChart* chart = latencyChart();
    for (QAbstractAxis* old : chart->axes(Qt::Horizontal)) {
        chart->removeAxis(old);
        delete old;
    }
    const auto [low, high] = rangeOf(m_data.cells(), latencyOf, logScale);
    QAbstractAxis* axis = nullptr;
    if (logScale) {
        auto* log = new QLogValueAxis;
        log->setBase(10.0);
        log->setLabelFormat(QStringLiteral("%.3g"));
        log->setMinorTickCount(-1);
        axis = log;
    } else {
        auto* linear = new QValueAxis;
        linear->setLabelFormat(QStringLiteral("%.3g"));
        axis = linear;
    }
    axis->setTitleText(logScale ? kLatencyTitle % QStringLiteral(", log scale") : kLatencyTitle);
    chart->addAxis(axis, Qt::AlignBottom);
    axis->setRange(low, high);
    for (QAbstractSeries* series : chart->series())
        series->attachAxis(axis);
    m_latencyPoints->refresh();
}

void FrontierPage::setLatencyLogScale(bool logScale)
{
    if (logScale != m_logLatency->isChecked()) {
        m_logLatency->setChecked(logScale); // re-enters through toggled()
        return;
    }
    if (logScale != isLatencyLogScale())
        attachLatencyAxis(logScale);
}

int FrontierPage::cellAt(int seriesIndex, const QPointF& point, bool latencyChart) const
{
    if (seriesIndex < 0 || seriesIndex >= static_cast<int>(m_view.series.size()))
        return -1;
    const FrontierSeriesData& series = m_view.series[static_cast<std::size_t>(seriesIndex)];
    const std::vector<QPointF>& points = latencyChart ? series.latencyPoints : series.energyPoints;
    // The chart hands back the series' own point, so exact comparison finds it.
    const auto found = std::find(points.begin(), points.end(), point);
    return found == points.end() ? -1 : series.cells[static_cast<std::size_t>(found - points.begin())];
}

void FrontierPage::onHovered(int seriesIndex, const QPointF& point, bool entered, bool latencyChart)
{
    const int cell = entered ? cellAt(seriesIndex, point, latencyChart) : -1;
    m_hoverText = cell < 0 ? QString() : m_data.tooltip(cell);
    if (m_hoverText.isEmpty())
        QToolTip::hideText();
    else
        QToolTip::showText(QCursor::pos(), m_hoverText, latencyChart ? m_latencyView : m_energyView);
}

void FrontierPage::onClicked(int seriesIndex, const QPointF& point, bool latencyChart)
{
    const int cell = cellAt(seriesIndex, point, latencyChart);
    if (cell >= 0)
        selectIndex(cell);
}

void FrontierPage::selectCell(qint64 cellId)
{
    const int index = m_data.indexOfCell(cellId);
    if (index >= 0)
        selectIndex(index);
}

void FrontierPage::selectIndex(int cellIndex)
{
    if (cellIndex == m_selectedIndex)
        return;
    m_selectedIndex = cellIndex;
    updateSelectionMarkers();
    Q_EMIT cellSelected(selectedCellId());
}

void FrontierPage::updateSelectionMarkers()
{
    if (!m_latencySelection)
        return;
    QList<QPointF> latency;
    QList<QPointF> energy;
    if (m_selectedIndex >= 0 && m_data.isVisible(m_selectedIndex)) {
        const core::FrontierPoint& p = m_data.cells()[static_cast<std::size_t>(m_selectedIndex)].point;
        latency.append({ p.latencyMs, 100.0 * p.accuracy });
        energy.append({ p.energyJ, 100.0 * p.accuracy });
    }
    m_latencySelection->replace(latency);
    m_energySelection->replace(energy);
}

void FrontierPage::changeEvent(QEvent* event)
{
    QWidget::changeEvent(event);
    // A new application palette reaches the page as a PaletteChange once its palette resolves.
    if (event->type() == QEvent::PaletteChange)
        followPalette();
}

void FrontierPage::followPalette()
{
    const QChart::ChartTheme theme = isDarkPalette(palette()) ? QChart::ChartThemeDark : QChart::ChartThemeLight;
    if (latencyChart()->theme() == theme)
        return;
    // setTheme() restyles every series; the cap colours are what the charts mean, so they stay.
    std::vector<std::tuple<QScatterSeries*, QColor, QColor>> colours;
    for (const auto* list : { &m_latencySeries, &m_energySeries }) {
        for (QScatterSeries* series : *list)
            colours.emplace_back(series, series->color(), series->borderColor());
    }
    latencyChart()->setTheme(theme);
    energyChart()->setTheme(theme);
    for (const auto& [series, fill, border] : colours) {
        series->setColor(fill);
        series->setBorderColor(border);
    }
    styleOverlays();
    m_latencyPoints->refresh();
    m_energyPoints->refresh();
}

// The Pareto fronts and the selection ring in the chart's ink: black on the light theme, the
// palette's text colour on the dark one.
void FrontierPage::styleOverlays()
{
    const QColor ink
        = latencyChart()->theme() == QChart::ChartThemeDark ? palette().color(QPalette::WindowText) : QColor(Qt::black);
    for (QLineSeries* front : { m_latencyFront, m_energyFront }) {
        if (front)
            front->setPen(QPen(ink, 1.5));
    }
    for (QScatterSeries* selection : { m_latencySelection, m_energySelection }) {
        if (!selection)
            continue;
        selection->setColor(Qt::transparent);
        selection->setBorderColor(ink);
        selection->setPen(QPen(ink, 2.0));
    }
}

bool FrontierPage::exportPng(const QString& path)
{
    return exportWidgetPng(m_chartsArea, path, &m_lastError);
}

bool FrontierPage::exportSvg(const QString& path)
{
    return exportWidgetSvg(m_chartsArea, path, latencyChart()->title(), &m_lastError);
}

void FrontierPage::chooseExport(bool svg)
{
    const QString filter = svg ? QStringLiteral("SVG images (*.svg)") : QStringLiteral("PNG images (*.png)");
    const QString suggested = QStringLiteral("frontier-session-%1.%2")
                                  .arg(m_sessionId)
                                  .arg(svg ? QLatin1String("svg") : QLatin1String("png"));
    const QString path = QFileDialog::getSaveFileName(this, QStringLiteral("Export Charts"), suggested, filter);
    if (path.isEmpty())
        return;
    const bool written = svg ? exportSvg(path) : exportPng(path);
    m_status->setText(written ? QStringLiteral("Exported %1").arg(path)
                              : QStringLiteral("Could not export %1: %2").arg(path, m_lastError));
}

} // namespace awb::ui
