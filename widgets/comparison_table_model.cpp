#include "widgets/comparison_table_model.h"

#include <limits>

namespace awb::ui {

namespace {

    QString number(double value) { return QString::number(value, 'g', 3); }

    QVariant ratio(const std::optional<double>& value, bool sort)
    {
        if (sort)
            return value ? *value : -std::numeric_limits<double>::infinity();
        // No ratio: the Static Oracle's figure is 0 in every setting.
        return value ? number(*value) : QStringLiteral("—");
    }

} // namespace

ComparisonTableModel::ComparisonTableModel(QObject* parent)
    : QAbstractTableModel(parent)
{
}

void ComparisonTableModel::setResult(const db::ComparisonResult& result)
{
    beginResetModel();
    m_rows = db::comparisonRows(result);
    m_emulated = result.emulated();
    endResetModel();
    Q_EMIT headerDataChanged(Qt::Horizontal, 0, ColumnCount - 1);
}

void ComparisonTableModel::clear()
{
    beginResetModel();
    m_rows.clear();
    m_emulated = false;
    endResetModel();
}

int ComparisonTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int ComparisonTableModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant ComparisonTableModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= rowCount() || (role != Qt::DisplayRole && role != SortRole))
        return {};
    const db::ComparisonRow& row = m_rows[static_cast<std::size_t>(index.row())];
    const core::SummaryRow& summary = row.summary;
    const bool sort = role == SortRole;
    const auto value = [sort](double v) { return sort ? QVariant(v) : QVariant(number(v)); };
    switch (index.column()) {
    case EnvironmentColumn:
        return QString::fromStdString(row.environment);
    case ControllerColumn:
        return QString::fromStdString(summary.controller);
    case EnergyColumn:
        return value(summary.energyPerInputJ);
    case ErrorColumn:
        return value(summary.errorRate);
    case EnergyVsStaticOracleColumn:
        return ratio(summary.energyVsStaticOracle, sort);
    case ErrorVsStaticOracleColumn:
        return ratio(summary.errorVsStaticOracle, sort);
    case DeadlineMissColumn:
        return value(summary.deadlineMissRate);
    case ViolationColumn:
        return value(summary.violationRate);
    default:
        return {};
    }
}

QVariant ComparisonTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    const QString emulated = m_emulated ? QStringLiteral(" (emulated)") : QString();
    switch (section) {
    case EnvironmentColumn:
        return QStringLiteral("Environment");
    case ControllerColumn:
        return QStringLiteral("Controller");
    case EnergyColumn:
        return QString(QStringLiteral("Energy J/input") % emulated);
    case ErrorColumn:
        return QStringLiteral("Error rate");
    case EnergyVsStaticOracleColumn:
        return QString(QStringLiteral("Energy / Static Oracle") % emulated);
    case ErrorVsStaticOracleColumn:
        return QStringLiteral("Error / Static Oracle");
    case DeadlineMissColumn:
        return QStringLiteral("Deadline-miss rate");
    case ViolationColumn:
        return QStringLiteral("Goal-violation rate");
    default:
        return {};
    }
}

} // namespace awb::ui
