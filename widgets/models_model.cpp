#include "widgets/models_model.h"

#include <QFileInfo>
#include <QLocale>

namespace awb::ui {

namespace {

    // Internal id of a top-level (model) index; an output index stores its model's row + 1.
    constexpr quintptr kModelRowId = 0;
    constexpr int kNumberAlignment = Qt::AlignRight | Qt::AlignVCenter;

    // Single-output models show their one output on the model row; only several outputs get children.
    int childCount(const core::ModelRecord& model)
    {
        return model.outputs.size() > 1 ? static_cast<int>(model.outputs.size()) : 0;
    }

    QString kindText(const core::ModelRecord& model) { return QString::fromUtf8(core::toString(model.kind)); }

} // namespace

ModelsModel::ModelsModel(QObject* parent)
    : QAbstractItemModel(parent)
{
}

void ModelsModel::setModels(std::vector<core::ModelRecord> models)
{
    beginResetModel();
    m_models = std::move(models);
    endResetModel();
}

void ModelsModel::clear() { setModels({}); }

int ModelsModel::rowOfModel(const QString& name) const
{
    const std::string wanted = name.toStdString();
    for (std::size_t row = 0; row < m_models.size(); ++row) {
        if (m_models[row].name == wanted)
            return static_cast<int>(row);
    }
    return -1;
}

QString ModelsModel::formatMacs(std::int64_t macs)
{
    if (macs <= 0)
        return QStringLiteral("—"); // not counted: no conv/linear/matmul, which is not "free"
    return QStringLiteral("%1 MMACs").arg(static_cast<double>(macs) / 1e6, 0, 'f', 3);
}

QString ModelsModel::formatAccuracy(const std::optional<double>& accuracy)
{
    if (!accuracy)
        return QStringLiteral("—");
    return QStringLiteral("%1 %").arg(100.0 * *accuracy, 0, 'f', 1);
}

QModelIndex ModelsModel::index(int row, int column, const QModelIndex& parent) const
{
    if (!hasIndex(row, column, parent))
        return {};
    if (!parent.isValid())
        return createIndex(row, column, kModelRowId);
    return createIndex(row, column, static_cast<quintptr>(parent.row()) + 1);
}

QModelIndex ModelsModel::parent(const QModelIndex& child) const
{
    if (!child.isValid() || child.internalId() == kModelRowId)
        return {};
    return createIndex(static_cast<int>(child.internalId() - 1), 0, kModelRowId);
}

int ModelsModel::rowCount(const QModelIndex& parent) const
{
    if (!parent.isValid())
        return static_cast<int>(m_models.size());
    if (parent.column() != 0 || parent.internalId() != kModelRowId)
        return 0; // outputs have no children; only column 0 carries the tree
    return childCount(m_models.at(static_cast<std::size_t>(parent.row())));
}

int ModelsModel::columnCount(const QModelIndex&) const { return ColumnCount; }

QVariant ModelsModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    if (index.internalId() == kModelRowId)
        return modelData(m_models.at(static_cast<std::size_t>(index.row())), index.column(), role);
    const core::ModelRecord& model = m_models.at(static_cast<std::size_t>(index.internalId() - 1));
    return outputData(model, model.outputs.at(static_cast<std::size_t>(index.row())), index.column(), role);
}

QVariant ModelsModel::modelData(const core::ModelRecord& model, int column, int role) const
{
    if (role == ModelIdRole)
        return QVariant::fromValue<qint64>(model.id);
    if (role == OutputIndexRole)
        return -1;
    if (role == Qt::TextAlignmentRole
        && (column == MacsColumn || column == ParametersColumn || column == AccuracyColumn || column == OutputsColumn))
        return kNumberAlignment;
    if (role == Qt::ToolTipRole && column == FileColumn)
        return QString::fromStdString(model.filePath);
    if (role != Qt::DisplayRole && role != SortRole)
        return {};
    // The full model: what running every stage costs and reaches.
    const core::ModelOutputRecord* last = model.outputs.empty() ? nullptr : &model.outputs.back();
    const bool sort = role == SortRole;
    switch (column) {
    case NameColumn:
        return QString::fromStdString(model.name);
    case KindColumn:
        return kindText(model);
    case SourceColumn:
        return QString::fromStdString(model.source);
    case OutputsColumn:
        return static_cast<int>(model.outputs.size());
    case MacsColumn:
        if (!last)
            return sort ? QVariant(qint64 { 0 }) : QVariant(QStringLiteral("—"));
        return sort ? QVariant::fromValue<qint64>(last->cumulativeMacs) : QVariant(formatMacs(last->cumulativeMacs));
    case ParametersColumn:
        return sort ? QVariant::fromValue<qint64>(model.parameters)
                    : QVariant(QLocale().toString(static_cast<qlonglong>(model.parameters)));
    case AccuracyColumn:
        if (sort)
            return last && last->testAccuracy ? *last->testAccuracy : -1.0;
        return formatAccuracy(last ? last->testAccuracy : std::nullopt);
    case InputShapeColumn:
        return QString::fromStdString(model.inputShape);
    case FileColumn:
        return model.filePath.empty() ? QString() : QFileInfo(QString::fromStdString(model.filePath)).fileName();
    default:
        return {};
    }
}

QVariant ModelsModel::outputData(
    const core::ModelRecord& model, const core::ModelOutputRecord& output, int column, int role) const
{
    if (role == ModelIdRole)
        return QVariant::fromValue<qint64>(model.id);
    if (role == OutputIndexRole)
        return output.index;
    if (role == Qt::TextAlignmentRole
        && (column == MacsColumn || column == ParametersColumn || column == AccuracyColumn))
        return kNumberAlignment;
    if (role != Qt::DisplayRole && role != SortRole)
        return {};
    const bool sort = role == SortRole;
    switch (column) {
    case NameColumn:
        return sort ? QVariant(output.index) : QVariant(QStringLiteral("output %1").arg(output.index));
    case MacsColumn:
        return sort ? QVariant::fromValue<qint64>(output.cumulativeMacs) : QVariant(formatMacs(output.cumulativeMacs));
    case ParametersColumn:
        return sort ? QVariant::fromValue<qint64>(output.cumulativeParameters)
                    : QVariant(QLocale().toString(static_cast<qlonglong>(output.cumulativeParameters)));
    case AccuracyColumn:
        if (sort)
            return output.testAccuracy ? *output.testAccuracy : -1.0;
        return formatAccuracy(output.testAccuracy);
    default:
        return {};
    }
}

QVariant ModelsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case NameColumn:
        return QStringLiteral("Name");
    case KindColumn:
        return QStringLiteral("Kind");
    case SourceColumn:
        return QStringLiteral("Source");
    case OutputsColumn:
        return QStringLiteral("Outputs");
    case MacsColumn:
        return QStringLiteral("MACs (cumulative, per image)");
    case ParametersColumn:
        return QStringLiteral("Parameters");
    case AccuracyColumn:
        return QStringLiteral("Test accuracy");
    case InputShapeColumn:
        return QStringLiteral("Input shape");
    case FileColumn:
        return QStringLiteral("File");
    default:
        return {};
    }
}

} // namespace awb::ui
