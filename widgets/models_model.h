#pragma once

#include "core/records/model_record.h"

#include <QAbstractItemModel>

#include <vector>

namespace awb::ui {

// The models of a store as a tree: one top-level row per model (the newest version of each
// name), showing its full cost (the last output's cumulative MACs and parameters, and that
// output's accuracy); an anytime model with several outputs has one child row per output, so
// every output's MACs and accuracy are visible. Accuracy is empty for imports without a
// labelled data set and shown as "—".
// Threading: GUI thread only, like every item model.
class ModelsModel : public QAbstractItemModel {
    Q_OBJECT

public:
    enum Column {
        NameColumn,
        KindColumn,
        SourceColumn,
        OutputsColumn,
        MacsColumn,
        ParametersColumn,
        AccuracyColumn,
        InputShapeColumn,
        FileColumn,
        ColumnCount
    };

    enum Role {
        // A value that sorts naturally: MACs as a number, accuracy as a fraction (-1 when empty).
        SortRole = Qt::UserRole + 1,
        // The model's store id, on its row and its outputs' rows.
        ModelIdRole,
        // The output index on an output row; -1 on a model row.
        OutputIndexRole,
    };

    explicit ModelsModel(QObject* parent = nullptr);

    // Replaces every row (one model reset).
    void setModels(std::vector<core::ModelRecord> models);
    void clear();
    const std::vector<core::ModelRecord>& models() const { return m_models; }
    // The top-level row of the model named `name`, or -1.
    int rowOfModel(const QString& name) const;

    // "0.064 MMACs" (millions of multiply–accumulates per image); "—" for 0 (nothing counted).
    static QString formatMacs(std::int64_t macs);
    // "86.2 %" from a fraction in [0, 1]; "—" when there is none.
    static QString formatAccuracy(const std::optional<double>& accuracy);

    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QVariant modelData(const core::ModelRecord& model, int column, int role) const;
    QVariant outputData(
        const core::ModelRecord& model, const core::ModelOutputRecord& output, int column, int role) const;

    std::vector<core::ModelRecord> m_models;
};

} // namespace awb::ui
