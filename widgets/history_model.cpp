#include "widgets/history_model.h"

#include <QColor>
#include <QDateTime>
#include <QFont>

namespace awb::ui {

namespace {

    QString toQString(const std::string& text) { return QString::fromStdString(text); }

    // The store keeps ISO-8601 UTC text ("2026-11-26T11:14:49Z"); shown in local time,
    // falling back to the stored text when it does not parse.
    QString displayTime(const std::string& iso)
    {
        const QDateTime when = QDateTime::fromString(toQString(iso), Qt::ISODate);
        if (!when.isValid())
            return toQString(iso);
        return when.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    }

    QString goalText(const core::RunRecord& run)
    {
        const QString deadline
            = QStringLiteral("deadline ") % QString::number(run.deadlineMs, 'g', 6) % QStringLiteral(" ms");
        if (run.goalMode == "max-accuracy") {
            return QStringLiteral("max accuracy · ") % deadline % QStringLiteral(" · energy ≤ ")
                % QString::number(run.energyBudgetJ, 'g', 6) % QStringLiteral(" J");
        }
        if (run.goalMode == "min-energy") {
            return QStringLiteral("min energy · ") % deadline % QStringLiteral(" · accuracy ≥ ")
                % QString::number(run.accuracyGoal * 100.0, 'f', 1) % QStringLiteral(" %");
        }
        return toQString(run.goalMode) % QStringLiteral(" · ") % deadline;
    }

    bool isNumericColumn(int column)
    {
        return column == HistoryModel::IdColumn || column == HistoryModel::StepsColumn
            || column == HistoryModel::CellsColumn || column == HistoryModel::ModelsColumn;
    }

    // Shared by sessions and runs: the backend cell says loudly when numbers are modelled.
    QVariant backendData(const std::string& backend, int role)
    {
        const bool emulated = backend == "emulated";
        switch (role) {
        case Qt::DisplayRole:
        case HistoryModel::SortRole:
            return toQString(backend);
        case Qt::ToolTipRole:
            if (emulated)
                return QStringLiteral("Emulated power backend: latency is measured, power and energy are modelled");
            return QStringLiteral("Measured with the %1 power backend").arg(toQString(backend));
        case Qt::FontRole:
            if (emulated) {
                QFont font;
                font.setBold(true);
                return font;
            }
            return {};
        case Qt::ForegroundRole:
            if (emulated)
                return QColor(0xb3, 0x5c, 0x00);
            return {};
        default:
            return {};
        }
    }

} // namespace

HistoryModel::HistoryModel(QObject* parent)
    : QAbstractTableModel(parent)
{
}

void HistoryModel::setHistory(std::vector<core::ProfileSessionSummary> sessions, std::vector<core::RunSummary> runs)
{
    beginResetModel();
    m_sessions = std::move(sessions);
    m_runs = std::move(runs);
    endResetModel();
}

void HistoryModel::clear() { setHistory({}, {}); }

HistoryModel::RowKind HistoryModel::rowKind(int row) const
{
    return row < sessionCount() ? RowKind::ProfileSession : RowKind::Run;
}

int HistoryModel::rowCount(const QModelIndex& parent) const
{
    if (parent.isValid())
        return 0;
    return sessionCount() + runCount();
}

int HistoryModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant HistoryModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const int row = index.row();
    const int column = index.column();
    if (role == Qt::TextAlignmentRole)
        return static_cast<int>((isNumericColumn(column) ? Qt::AlignRight : Qt::AlignLeft) | Qt::AlignVCenter);
    if (row < sessionCount())
        return sessionData(m_sessions[static_cast<std::size_t>(row)], column, role);
    return runData(m_runs[static_cast<std::size_t>(row - sessionCount())], column, role);
}

QVariant HistoryModel::sessionData(const core::ProfileSessionSummary& summary, int column, int role) const
{
    const core::ProfileSessionRecord& session = summary.session;
    if (role == KindRole)
        return QStringLiteral("profile");
    if (role == RecordIdRole)
        return static_cast<qlonglong>(session.id);
    if (role == EmulatedRole)
        return summary.backend == "emulated";
    if (column == BackendColumn)
        return backendData(summary.backend, role);
    if (role != Qt::DisplayRole && role != SortRole) {
        if (role == Qt::ToolTipRole && column == StartedColumn && !session.finishedAt.empty())
            return QStringLiteral("Finished %1").arg(displayTime(session.finishedAt));
        return {};
    }
    switch (column) {
    case TypeColumn:
        return QStringLiteral("profile");
    case IdColumn:
        return static_cast<qlonglong>(session.id);
    case StartedColumn:
        return role == SortRole ? QVariant(toQString(session.startedAt)) : QVariant(displayTime(session.startedAt));
    case StatusColumn:
        return QString::fromLatin1(core::toString(session.status));
    case DeviceColumn:
        return toQString(summary.deviceHost);
    case CellsColumn:
        return static_cast<qlonglong>(summary.cellCount);
    case ModelsColumn:
        return static_cast<qlonglong>(summary.modelCount);
    default:
        return {};
    }
}

QVariant HistoryModel::runData(const core::RunSummary& summary, int column, int role) const
{
    const core::RunRecord& run = summary.run;
    if (role == KindRole)
        return QStringLiteral("run");
    if (role == RecordIdRole)
        return static_cast<qlonglong>(run.id);
    if (role == EmulatedRole)
        return summary.backend == "emulated";
    if (column == BackendColumn)
        return backendData(summary.backend, role);
    if (role == Qt::ToolTipRole) {
        if (column == StepsColumn)
            return QStringLiteral("%1 of %2 requested inputs recorded").arg(summary.stepCount).arg(run.inputCount);
        if (column == StartedColumn && !run.finishedAt.empty())
            return QStringLiteral("Finished %1").arg(displayTime(run.finishedAt));
        return {};
    }
    if (role != Qt::DisplayRole && role != SortRole)
        return {};
    switch (column) {
    case TypeColumn:
        return QStringLiteral("run");
    case IdColumn:
        return static_cast<qlonglong>(run.id);
    case StartedColumn:
        return role == SortRole ? QVariant(toQString(run.startedAt)) : QVariant(displayTime(run.startedAt));
    case StatusColumn:
        return QString::fromLatin1(core::toString(run.status));
    case DeviceColumn:
        return toQString(summary.deviceHost);
    case ControllerColumn:
        return toQString(run.controller);
    case GoalColumn:
        return goalText(run);
    case StepsColumn:
        return static_cast<qlonglong>(summary.stepCount);
    default:
        return {};
    }
}

QVariant HistoryModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= ColumnCount)
        return QAbstractTableModel::headerData(section, orientation, role);
    if (role == Qt::ToolTipRole && section == StartedColumn)
        return QStringLiteral("Start time, local time zone");
    if (role == Qt::ToolTipRole && section == CellsColumn)
        return QStringLiteral("Profile cells measured (model × output × power cap)");
    if (role != Qt::DisplayRole)
        return {};
    switch (section) {
    case TypeColumn:
        return QStringLiteral("Type");
    case IdColumn:
        return QStringLiteral("ID");
    case StartedColumn:
        return QStringLiteral("Started (local)");
    case StatusColumn:
        return QStringLiteral("Status");
    case DeviceColumn:
        return QStringLiteral("Device");
    case BackendColumn:
        return QStringLiteral("Power backend");
    case ControllerColumn:
        return QStringLiteral("Controller");
    case GoalColumn:
        return QStringLiteral("Goal");
    case StepsColumn:
        return QStringLiteral("Steps (inputs)");
    case CellsColumn:
        return QStringLiteral("Cells");
    case ModelsColumn:
        return QStringLiteral("Models");
    default:
        return {};
    }
}

} // namespace awb::ui
