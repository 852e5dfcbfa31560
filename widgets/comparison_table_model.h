#pragma once

#include "database/comparison_export.h"

#include <QAbstractTableModel>

#include <vector>

namespace awb::ui {

// The Compare page's table: one row per environment × controller (db::comparisonRows), the
// means over the goal grid. Displayed numbers carry their unit in the header and 3 significant
// digits; SortRole gives the raw number (a missing ratio sorts first) so columns sort by value.
// When the result is emulated, the energy headers say so.
// Threading: GUI thread only, like every item model.
class ComparisonTableModel : public QAbstractTableModel {
    Q_OBJECT

public:
    enum Column {
        EnvironmentColumn,
        ControllerColumn,
        EnergyColumn,
        ErrorColumn,
        EnergyVsStaticOracleColumn,
        ErrorVsStaticOracleColumn,
        DeadlineMissColumn,
        ViolationColumn,
        ColumnCount
    };
    enum Role {
        SortRole = Qt::UserRole + 1, // the raw value: number, or the name
    };

    explicit ComparisonTableModel(QObject* parent = nullptr);

    void setResult(const db::ComparisonResult& result); // one model reset
    void clear();
    const std::vector<db::ComparisonRow>& rows() const { return m_rows; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    std::vector<db::ComparisonRow> m_rows;
    bool m_emulated = false;
};

} // namespace awb::ui
