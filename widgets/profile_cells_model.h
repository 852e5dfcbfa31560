#pragma once

#include "core/records/model_record.h"
#include "core/records/profile_record.h"

#include <QAbstractTableModel>
#include <QSortFilterProxyModel>

#include <optional>
#include <vector>

namespace awb::ui {

// One measured cell with the name and kind of its model, as the Profile page lists it.
struct ProfileCellRow {
    core::ProfileCellRecord cell;
    QString modelName;
    core::ModelKind kind = core::ModelKind::Traditional;
};

// The cells of one profile session, one row per model × output × cap. Displayed numbers carry
// their unit in the header and 2–3 significant digits; SortRole gives the raw number so columns
// sort by value. A noisy cell (IQR above 10 % of the median) says so in the Noisy column, in its
// tooltip and with a warning icon on its model name.
// Threading: GUI thread only, like every item model.
class ProfileCellsModel : public QAbstractTableModel {
    Q_OBJECT

public:
    enum Column {
        ModelColumn,
        OutputColumn,
        CapColumn,
        MedianColumn,
        IqrColumn,
        P95Column,
        PowerColumn,
        EnergyColumn,
        AccuracyColumn,
        NoisyColumn,
        ColumnCount
    };
    enum Role {
        SortRole = Qt::UserRole + 1, // the raw value: number, or the name
        CellIdRole, // the cell's store id (qint64) on every column
    };

    explicit ProfileCellsModel(QObject* parent = nullptr);

    void setRows(std::vector<ProfileCellRow> rows); // one model reset
    void appendRow(ProfileCellRow row); // a cell just measured
    void clear();
    const std::vector<ProfileCellRow>& rows() const { return m_rows; }
    int rowOfCell(qint64 cellId) const; // -1 when absent

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    std::vector<ProfileCellRow> m_rows;
};

// Filters ProfileCellsModel rows by model name, output index and cap; nullopt lets all through.
class ProfileCellsFilter : public QSortFilterProxyModel {
    Q_OBJECT

public:
    explicit ProfileCellsFilter(QObject* parent = nullptr);

    void setFilters(std::optional<QString> model, std::optional<int> output, std::optional<double> capW);

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    std::optional<QString> m_model;
    std::optional<int> m_output;
    std::optional<double> m_capW;
};

} // namespace awb::ui
