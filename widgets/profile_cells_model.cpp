#include "widgets/profile_cells_model.h"

#include "widgets/frontier_data.h"

#include <QApplication>
#include <QStyle>

#include <cmath>

namespace awb::ui {

ProfileCellsModel::ProfileCellsModel(QObject* parent)
    : QAbstractTableModel(parent)
{
}

void ProfileCellsModel::setRows(std::vector<ProfileCellRow> rows)
{
    beginResetModel();
    m_rows = std::move(rows);
    endResetModel();
}

void ProfileCellsModel::appendRow(ProfileCellRow row)
{
    const int at = static_cast<int>(m_rows.size());
    beginInsertRows({}, at, at);
    m_rows.push_back(std::move(row));
    endInsertRows();
}

void ProfileCellsModel::clear() { setRows({}); }

int ProfileCellsModel::rowOfCell(qint64 cellId) const
{
    for (std::size_t i = 0; i < m_rows.size(); ++i) {
        if (m_rows[i].cell.id == cellId)
            return static_cast<int>(i);
    }
    return -1;
}

int ProfileCellsModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int ProfileCellsModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant ProfileCellsModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const ProfileCellRow& row = m_rows[static_cast<std::size_t>(index.row())];
    const core::ProfileCellRecord& cell = row.cell;
    if (role == CellIdRole)
        return QVariant::fromValue<qint64>(cell.id);
    if (role == SortRole) {
        switch (index.column()) {
        case ModelColumn: return row.modelName;
        case OutputColumn: return cell.outputIndex;
        case CapColumn: return cell.powerCapW;
        case MedianColumn: return cell.latencyMedianMs;
        case IqrColumn: return cell.latencyIqrMs;
        case P95Column: return cell.latencyP95Ms;
        case PowerColumn: return cell.powerW;
        case EnergyColumn: return cell.energyJ;
        case AccuracyColumn: return cell.accuracy;
        case NoisyColumn: return cell.noisy ? 1 : 0;
        default: return {};
        }
    }
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case ModelColumn: return row.modelName;
        case OutputColumn: return cell.outputIndex;
        case CapColumn: return QString::number(cell.powerCapW, 'g', 4);
        case MedianColumn: return formatSignificant(cell.latencyMedianMs);
        case IqrColumn: return formatSignificant(cell.latencyIqrMs, 2);
        case P95Column: return formatSignificant(cell.latencyP95Ms);
        case PowerColumn: return formatSignificant(cell.powerW);
        case EnergyColumn: return formatSignificant(cell.energyJ);
        case AccuracyColumn: return QString::number(100.0 * cell.accuracy, 'f', 1);
        case NoisyColumn: return cell.noisy ? QStringLiteral("noisy") : QString();
        default: return {};
        }
    }
    if (role == Qt::TextAlignmentRole && index.column() != ModelColumn && index.column() != NoisyColumn)
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::DecorationRole && index.column() == ModelColumn && cell.noisy)
        return QApplication::style()->standardIcon(QStyle::SP_MessageBoxWarning);
    if (role == Qt::ToolTipRole && cell.noisy)
        return QStringLiteral("Noisy: the IQR (%1) is above 10 % of the median (%2); the machine was busy while "
                              "this cell was measured")
            .arg(formatLatencyMs(cell.latencyIqrMs), formatLatencyMs(cell.latencyMedianMs));
    return {};
}

QVariant ProfileCellsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case ModelColumn: return QStringLiteral("Model");
    case OutputColumn: return QStringLiteral("Output");
    case CapColumn: return QStringLiteral("Cap (W)");
    case MedianColumn: return QStringLiteral("Latency median (ms)");
    case IqrColumn: return QStringLiteral("IQR (ms)");
    case P95Column: return QStringLiteral("p95 (ms)");
    case PowerColumn: return QStringLiteral("Power (W)");
    case EnergyColumn: return QStringLiteral("Energy (J)");
    case AccuracyColumn: return QStringLiteral("Accuracy (%)");
    case NoisyColumn: return QStringLiteral("Noisy");
    default: return {};
    }
}

ProfileCellsFilter::ProfileCellsFilter(QObject* parent)
    : QSortFilterProxyModel(parent)
{
    setSortRole(ProfileCellsModel::SortRole);
}

void ProfileCellsFilter::setFilters(std::optional<QString> model, std::optional<int> output, std::optional<double> capW)
{
    // Qt 6.4's begin/endFilterChange arrive in 6.9; invalidateRowsFilter re-runs the filter only.
    m_model = std::move(model);
    m_output = output;
    m_capW = capW;
    invalidateRowsFilter();
}

bool ProfileCellsFilter::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const
{
    const auto* cells = qobject_cast<const ProfileCellsModel*>(sourceModel());
    if (!cells || sourceParent.isValid())
        return true;
    const core::ProfileCellRecord& cell = cells->rows()[static_cast<std::size_t>(sourceRow)].cell;
    if (m_model && cells->rows()[static_cast<std::size_t>(sourceRow)].modelName != *m_model)
        return false;
    if (m_output && cell.outputIndex != *m_output)
        return false;
    // Caps are compared at milliwatt resolution, like the profiler's cell keys.
    if (m_capW && std::llround(cell.powerCapW * 1000.0) != std::llround(*m_capW * 1000.0))
        return false;
    return true;
}

} // namespace awb::ui
