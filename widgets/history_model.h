#pragma once

#include "core/records/profile_record.h"
#include "core/records/run_record.h"

#include <QAbstractTableModel>

#include <vector>

namespace awb::ui {

// One table over the profile sessions and the runs of a store, as the History page lists
// them: sessions and runs share the identifying columns (type, id, started, status, device,
// backend); run-only and session-only columns stay empty for the other kind.
// Threading: GUI thread only, like every item model.
class HistoryModel : public QAbstractTableModel {
    Q_OBJECT

public:
    enum Column {
        TypeColumn,
        IdColumn,
        StartedColumn,
        StatusColumn,
        DeviceColumn,
        BackendColumn,
        ControllerColumn,
        GoalColumn,
        StepsColumn,
        CellsColumn,
        ModelsColumn,
        ColumnCount
    };

    enum Role {
        // A value that sorts naturally (numbers as numbers, times as times); set it as the
        // proxy's sort role.
        SortRole = Qt::UserRole + 1,
        // "profile" or "run", whatever the column.
        KindRole,
        // The session or run id, whatever the column.
        RecordIdRole,
        // true when the row's numbers come from the emulated power backend.
        EmulatedRole,
    };

    enum class RowKind { ProfileSession, Run };

    explicit HistoryModel(QObject* parent = nullptr);

    // Replaces every row (one model reset).
    void setHistory(std::vector<core::ProfileSessionSummary> sessions, std::vector<core::RunSummary> runs);
    void clear();

    int sessionCount() const { return static_cast<int>(m_sessions.size()); }
    int runCount() const { return static_cast<int>(m_runs.size()); }
    RowKind rowKind(int row) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QVariant sessionData(const core::ProfileSessionSummary& summary, int column, int role) const;
    QVariant runData(const core::RunSummary& summary, int column, int role) const;

    // Sessions occupy rows [0, sessionCount), runs the rows after them.
    std::vector<core::ProfileSessionSummary> m_sessions;
    std::vector<core::RunSummary> m_runs;
};

} // namespace awb::ui
