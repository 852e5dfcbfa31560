#include "widgets/frontier_data.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>

namespace awb::ui {

namespace {

    // A cell of one session is identified by model × output × cap (the store's unique key).
    using CellKey = std::tuple<std::int64_t, int, double>;

    CellKey keyOf(const core::FrontierPoint& p) { return { p.modelId, p.outputIndex, p.powerCapW }; }

    QPointF latencyPoint(const core::FrontierPoint& p) { return { p.latencyMs, 100.0 * p.accuracy }; }
    QPointF energyPoint(const core::FrontierPoint& p) { return { p.energyJ, 100.0 * p.accuracy }; }

} // namespace

FrontierData::FrontierData(std::vector<FrontierCell> cells, bool emulated)
    : m_cells(std::move(cells))
    , m_emulated(emulated)
{
    std::set<std::string> names;
    std::set<double> caps;
    for (const FrontierCell& cell : m_cells) {
        names.insert(cell.point.model);
        caps.insert(cell.point.powerCapW);
        m_seriesKeys.emplace(cell.point.powerCapW, cell.kind);
    }
    m_modelNames.assign(names.begin(), names.end());
    m_capsW.assign(caps.begin(), caps.end());
}

bool FrontierData::isVisible(int cellIndex) const
{
    const core::FrontierPoint& p = m_cells[static_cast<std::size_t>(cellIndex)].point;
    return (!m_modelFilter || p.model == *m_modelFilter) && (!m_capFilter || p.powerCapW == *m_capFilter);
}

FrontierView FrontierData::view() const
{
    FrontierView result;
    // Series in a fixed order (cap ascending, traditional before anytime) whatever the filter.
    std::map<std::pair<double, core::ModelKind>, std::size_t> seriesOf;
    for (const auto& [cap, kind] : m_seriesKeys) {
        seriesOf.emplace(std::pair { cap, kind }, result.series.size());
        FrontierSeriesData series;
        series.powerCapW = cap;
        series.kind = kind;
        series.colour = colourForCap(cap);
        result.series.push_back(std::move(series));
    }

    std::vector<core::FrontierPoint> visible;
    std::map<CellKey, int> indexOf;
    for (int i = 0; i < static_cast<int>(m_cells.size()); ++i) {
        if (!isVisible(i))
            continue;
        const FrontierCell& cell = m_cells[static_cast<std::size_t>(i)];
        FrontierSeriesData& series = result.series[seriesOf.at({ cell.point.powerCapW, cell.kind })];
        series.latencyPoints.push_back(latencyPoint(cell.point));
        series.energyPoints.push_back(energyPoint(cell.point));
        series.cells.push_back(i);
        visible.push_back(cell.point);
        indexOf.emplace(keyOf(cell.point), i);
    }
    result.visibleCount = static_cast<int>(visible.size());

    for (const core::FrontierPoint& p : core::paretoFrontier(visible, core::FrontierAxes::AccuracyLatency)) {
        result.latencyFront.push_back(latencyPoint(p));
        result.latencyFrontCells.push_back(indexOf.at(keyOf(p)));
    }
    for (const core::FrontierPoint& p : core::paretoFrontier(visible, core::FrontierAxes::AccuracyEnergy)) {
        result.energyFront.push_back(energyPoint(p));
        result.energyFrontCells.push_back(indexOf.at(keyOf(p)));
    }
    return result;
}

int FrontierData::indexOfCell(qint64 cellId) const
{
    const auto found
        = std::find_if(m_cells.begin(), m_cells.end(), [cellId](const FrontierCell& c) { return c.cellId == cellId; });
    return found == m_cells.end() ? -1 : static_cast<int>(found - m_cells.begin());
}

QString FrontierData::tooltip(int cellIndex) const
{
    const FrontierCell& cell = m_cells.at(static_cast<std::size_t>(cellIndex));
    const core::FrontierPoint& p = cell.point;
    QString text = QString::fromStdString(p.model) % QStringLiteral(" (") % QLatin1String(core::toString(cell.kind))
        % QStringLiteral("), output ") % QString::number(p.outputIndex) % QStringLiteral(", cap ")
        % formatPowerW(p.powerCapW) % QStringLiteral("\naccuracy ") % formatAccuracy(p.accuracy)
        % QStringLiteral(" · latency ") % formatLatencyMs(p.latencyMs) % QStringLiteral(" · energy ")
        % formatEnergyJ(p.energyJ);
    if (m_emulated)
        text += QStringLiteral("\n(emulated power backend)");
    return text;
}

QColor FrontierData::colourForCap(double powerCapW) const
{
    const auto position = std::lower_bound(m_capsW.begin(), m_capsW.end(), powerCapW) - m_capsW.begin();
    const double t = m_capsW.size() < 2 ? 0.0 : static_cast<double>(position) / static_cast<double>(m_capsW.size() - 1);
    // Hue 240° (blue) for the lowest cap to 0° (red) for the highest; dark enough to read on white.
    return QColor::fromHsvF(static_cast<float>((1.0 - t) * 240.0 / 360.0), 0.85f, 0.85f);
}

QString formatSignificant(double value, int digits)
{
    if (!std::isfinite(value))
        return QStringLiteral("–");
    if (value == 0.0)
        return QStringLiteral("0");
    const int magnitude = static_cast<int>(std::floor(std::log10(std::abs(value))));
    const int decimals = std::max(0, digits - 1 - magnitude);
    return QString::number(value, 'f', decimals);
}

QString formatLatencyMs(double latencyMs) { return formatSignificant(latencyMs) % QStringLiteral(" ms"); }

QString formatEnergyJ(double energyJ) { return formatSignificant(energyJ) % QStringLiteral(" J"); }

QString formatPowerW(double powerW)
{
    // Caps are set in whole or half watts: no trailing zeros.
    return QString::number(powerW, 'g', 4) % QStringLiteral(" W");
}

QString formatAccuracy(double accuracy) { return QString::number(100.0 * accuracy, 'f', 1) % QStringLiteral(" %"); }

} // namespace awb::ui
