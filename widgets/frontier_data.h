#pragma once

#include "core/frontier/pareto.h"
#include "core/records/model_record.h"

#include <QColor>
#include <QPointF>
#include <QString>
#include <QtGlobal>

#include <optional>
#include <set>
#include <string>
#include <vector>

namespace awb::ui {

// One profile cell as the Frontier page plots it: the frontier point, the cell's id in the
// store (what selection passes around) and whether its model is traditional or anytime.
struct FrontierCell {
    qint64 cellId = 0;
    core::ModelKind kind = core::ModelKind::Traditional;
    core::FrontierPoint point;
};

// The points of one scatter series: one power cap × one model kind. `cells` are indices into
// FrontierData::cells(), in the same order as the points.
struct FrontierSeriesData {
    double powerCapW = 0.0;
    core::ModelKind kind = core::ModelKind::Traditional;
    QColor colour;
    std::vector<QPointF> latencyPoints; // x: latency ms, y: accuracy %
    std::vector<QPointF> energyPoints; // x: energy J, y: accuracy %
    std::vector<int> cells;
};

// What the charts draw after a filter change: the scatter series (every cap × kind that occurs in
// the session, empty where the filter hides all its points, so series never come and go) and the
// two Pareto fronts, sorted by cost so they draw as lines.
struct FrontierView {
    std::vector<FrontierSeriesData> series;
    std::vector<QPointF> latencyFront; // x: latency ms, y: accuracy %
    std::vector<QPointF> energyFront; // x: energy J, y: accuracy %
    std::vector<int> latencyFrontCells;
    std::vector<int> energyFrontCells;
    int visibleCount = 0;
};

// The Frontier page's computation, without any widget: filtering by model and cap, the Pareto
// fronts (core::computeFrontiers), colour and marker assignment and the numbers' wording.
// Threading: a plain value; use from one thread at a time.
class FrontierData {
public:
    FrontierData() = default;
    FrontierData(std::vector<FrontierCell> cells, bool emulated);

    const std::vector<FrontierCell>& cells() const { return m_cells; }
    bool isEmulated() const { return m_emulated; }
    // Sorted, distinct: what the filters offer.
    const std::vector<std::string>& modelNames() const { return m_modelNames; }
    const std::vector<double>& powerCapsW() const { return m_capsW; }

    // nullopt shows every model / every cap.
    void setModelFilter(std::optional<std::string> model) { m_modelFilter = std::move(model); }
    void setCapFilter(std::optional<double> powerCapW) { m_capFilter = powerCapW; }
    bool isVisible(int cellIndex) const;

    // Recomputed on every call: O(n·f) for n cells and f front points.
    FrontierView view() const;

    // The index of the cell with this id, or -1.
    int indexOfCell(qint64 cellId) const;
    // Names the configuration and its numbers, with units, for a hover tooltip.
    QString tooltip(int cellIndex) const;

    // One colour per cap, from low (blue) to high (red) cap, so neighbouring caps look alike.
    QColor colourForCap(double powerCapW) const;

private:
    std::vector<FrontierCell> m_cells;
    bool m_emulated = false;
    std::vector<std::string> m_modelNames;
    std::vector<double> m_capsW;
    // The cap × kind pairs that occur, in series order (cap ascending, traditional first).
    std::set<std::pair<double, core::ModelKind>> m_seriesKeys;
    std::optional<std::string> m_modelFilter;
    std::optional<double> m_capFilter;
};

// `value` with `digits` significant digits in fixed notation (1234.5 → "1235", 0.012345 →
// "0.0123"): latencies and energies span orders of magnitude, and exponents are hard to read.
QString formatSignificant(double value, int digits = 3);
QString formatLatencyMs(double latencyMs); // "12.3 ms"
QString formatEnergyJ(double energyJ); // "0.412 J"
QString formatPowerW(double powerW); // "15 W", "12.5 W"
QString formatAccuracy(double accuracy); // fraction → "91.2 %"

} // namespace awb::ui
