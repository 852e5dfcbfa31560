#pragma once

#include "widgets/frontier_data.h"
#include "widgets/frontier_loader.h"

#include <QWidget>

#include <memory>
#include <vector>

class QCheckBox;
class QChart;
class QChartView;
class QComboBox;
class QLabel;
class QLineSeries;
class QPushButton;
class QScatterSeries;

namespace awb::ui {

class FrontierPointsItem;

// The Frontier page: accuracy vs latency and accuracy vs energy of one profile session, one
// point per model × output × cap, coloured by cap, marked by model kind (circle: traditional,
// square: anytime), with each Pareto front drawn as a line. Filters by model and cap, a log
// scale for latency, PNG/SVG export. The session loads on a FrontierLoader thread; the
// filtering and fronts come from FrontierData, so this class only moves points into series.
// An emulated session says so in a banner and in both chart titles. The charts follow the
// palette: ChartThemeDark under a dark one, ChartThemeLight otherwise, with the cap colours kept.
class FrontierPage : public QWidget {
    Q_OBJECT

public:
    explicit FrontierPage(QWidget* parent = nullptr);
    ~FrontierPage() override;

    // Clears the page; the next showSession() reads from `storePath`.
    void setStorePath(const QString& storePath);
    QString storePath() const { return m_storePath; }
    bool isLoading() const;
    qint64 sessionId() const { return m_sessionId; }

    const FrontierData& data() const { return m_data; }
    // What the charts show now (after the last filter change).
    const FrontierView& currentView() const { return m_view; }
    QChart* latencyChart() const;
    QChart* energyChart() const;
    // Series per chart, in FrontierView::series order. A series the filters empty is hidden
    // (isVisible() false) and holds no points. They draw no points themselves (pointsVisible()
    // false): a FrontierPointsItem per chart draws them and emits their hovered() and clicked().
    const std::vector<QScatterSeries*>& latencySeries() const { return m_latencySeries; }
    const std::vector<QScatterSeries*>& energySeries() const { return m_energySeries; }
    QLineSeries* latencyFrontSeries() const { return m_latencyFront; }
    QLineSeries* energyFrontSeries() const { return m_energyFront; }
    QComboBox* modelFilter() const { return m_modelFilter; }
    QComboBox* capFilter() const { return m_capFilter; }
    QCheckBox* logLatencyToggle() const { return m_logLatency; }
    QLabel* emulatedBanner() const { return m_banner; }
    bool isLatencyLogScale() const;
    // The text of the last hover tooltip (empty when none).
    QString hoverText() const { return m_hoverText; }
    // The selected cell's id, 0 when none.
    qint64 selectedCellId() const;
    QString statusText() const;

    // Both write through a temporary file and return false (see lastError()) on failure,
    // leaving no file behind. They draw both charts side by side, as the page shows them.
    bool exportPng(const QString& path);
    bool exportSvg(const QString& path);
    QString lastError() const { return m_lastError; }

public Q_SLOTS:
    // Loads `sessionId` of the current store (asynchronously; sessionShown() when drawn).
    void showSession(qint64 sessionId);
    // Selects the point of `cellId` (e.g. chosen on the Profile page); emits cellSelected() when
    // the selection changes, so a round trip through another page stops here.
    void selectCell(qint64 cellId);
    void setLatencyLogScale(bool logScale);

Q_SIGNALS:
    void sessionShown(qint64 sessionId, int pointCount);
    void sessionLoadFailed(const QString& message);
    void cellSelected(qint64 cellId);

protected:
    void changeEvent(QEvent* event) override;

private:
    void applySnapshot(const std::shared_ptr<const FrontierSnapshot>& snapshot);
    void showFailure(const QString& message);
    void rebuildSeries();
    void applyFilters();
    void updateSelectionMarkers();
    void followPalette();
    void styleOverlays();
    void attachLatencyAxis(bool logScale);
    void onHovered(int seriesIndex, const QPointF& point, bool entered, bool latencyChart);
    void onClicked(int seriesIndex, const QPointF& point, bool latencyChart);
    int cellAt(int seriesIndex, const QPointF& point, bool latencyChart) const;
    void selectIndex(int cellIndex);
    void chooseExport(bool svg);

    QString m_storePath;
    qint64 m_sessionId = 0;
    FrontierLoader* m_loader = nullptr;
    FrontierData m_data;
    FrontierView m_view;
    int m_selectedIndex = -1; // into m_data.cells()
    QString m_hoverText;
    QString m_lastError;

    QComboBox* m_modelFilter = nullptr;
    QComboBox* m_capFilter = nullptr;
    QCheckBox* m_logLatency = nullptr;
    QPushButton* m_exportPng = nullptr;
    QPushButton* m_exportSvg = nullptr;
    QLabel* m_status = nullptr;
    QLabel* m_banner = nullptr;
    QWidget* m_chartsArea = nullptr;
    QChartView* m_latencyView = nullptr;
    QChartView* m_energyView = nullptr;
    std::vector<QScatterSeries*> m_latencySeries; // owned by the charts
    std::vector<QScatterSeries*> m_energySeries;
    // The cells each series holds now (FrontierSeriesData::cells), to skip unchanged replace()s.
    std::vector<std::vector<int>> m_seriesCells;
    FrontierPointsItem* m_latencyPoints = nullptr; // owned by the charts
    FrontierPointsItem* m_energyPoints = nullptr;
    QLineSeries* m_latencyFront = nullptr;
    QLineSeries* m_energyFront = nullptr;
    QScatterSeries* m_latencySelection = nullptr;
    QScatterSeries* m_energySelection = nullptr;
};

} // namespace awb::ui
