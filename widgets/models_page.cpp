#include "widgets/models_page.h"

#include "widgets/model_import_dialog.h"
#include "widgets/models_model.h"

#include <QAction>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QProgressBar>
#include <QSortFilterProxyModel>
#include <QToolButton>
#include <QTreeView>
#include <QVBoxLayout>

namespace awb::ui {

namespace {

    const QString kRefusalStyle = QStringLiteral("color: #b00020;");

    // What the CLI prints on success, in one line: "imported NAME (kind, N outputs, input S)".
    QString importedLine(const core::ModelRecord& model)
    {
        const auto outputs = static_cast<int>(model.outputs.size());
        return QStringLiteral("imported %1 (%2, %3 %4, input %5) to %6")
            .arg(QString::fromStdString(model.name), QString::fromUtf8(core::toString(model.kind)))
            .arg(outputs)
            .arg(outputs == 1 ? QStringLiteral("output") : QStringLiteral("outputs"),
                QString::fromStdString(model.inputShape), QString::fromStdString(model.filePath));
    }

} // namespace

ModelsPage::ModelsPage(QWidget* parent)
    : QWidget(parent)
    , m_loader(new ModelsLoader(this))
    , m_model(new ModelsModel(this))
    , m_proxy(new QSortFilterProxyModel(this))
    , m_view(new QTreeView(this))
    , m_refreshAction(new QAction(QStringLiteral("&Refresh Models"), this))
    , m_importAction(new QAction(QStringLiteral("&Import Model…"), this))
    , m_status(new QLabel(this))
    , m_busyBar(new QProgressBar(this))
    , m_importMessage(new QLabel(this))
    , m_dialog(new ModelImportDialog(this))
{
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(ModelsModel::SortRole);

    m_view->setObjectName(QStringLiteral("modelsTree"));
    m_view->setModel(m_proxy);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(-1, Qt::AscendingOrder); // the store's order (oldest first) until a header is clicked
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setAlternatingRowColors(true);
    m_view->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_view->header()->setStretchLastSection(true);

    m_refreshAction->setToolTip(QStringLiteral("Read the models of the store again"));
    m_refreshAction->setEnabled(false);
    connect(m_refreshAction, &QAction::triggered, this, &ModelsPage::refresh);
    m_importAction->setToolTip(QStringLiteral("Import a TorchScript model into the store"));
    m_importAction->setEnabled(false);
    connect(m_importAction, &QAction::triggered, this, &ModelsPage::showImportDialog);
    connect(m_dialog, &ModelImportDialog::importRequested, this, &ModelsPage::importModel);

    auto* importButton = new QToolButton(this);
    importButton->setDefaultAction(m_importAction);
    auto* refreshButton = new QToolButton(this);
    refreshButton->setDefaultAction(m_refreshAction);
    m_status->setObjectName(QStringLiteral("modelsStatus"));
    m_status->setText(QStringLiteral("No store open"));
    m_busyBar->setRange(0, 0); // indeterminate: an import reports lines, not a fraction
    m_busyBar->setMaximumWidth(120);
    m_busyBar->setTextVisible(false);
    m_busyBar->hide();
    m_importMessage->setObjectName(QStringLiteral("modelsImportMessage"));
    m_importMessage->setWordWrap(true);
    m_importMessage->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* toolbar = new QHBoxLayout;
    toolbar->addWidget(importButton);
    toolbar->addWidget(refreshButton);
    toolbar->addWidget(m_status, 1);
    toolbar->addWidget(m_busyBar);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(toolbar);
    layout->addWidget(m_importMessage);
    layout->addWidget(m_view, 1);

    connect(m_loader, &ModelsLoader::loaded, this, &ModelsPage::applySnapshot);
    connect(m_loader, &ModelsLoader::loadFailed, this, &ModelsPage::showLoadFailure);
    connect(m_loader, &ModelsLoader::importNote, this, &ModelsPage::showImportNote);
    connect(m_loader, &ModelsLoader::importFinished, this, &ModelsPage::finishImport);
}

void ModelsPage::setStorePath(const QString& storePath)
{
    m_storePath = storePath;
    m_refreshAction->setEnabled(!storePath.isEmpty());
    m_importAction->setEnabled(!storePath.isEmpty());
    // The previous store's rows must not linger under the new store's name.
    m_model->clear();
    if (storePath.isEmpty()) {
        m_loader->cancel();
        m_status->setText(QStringLiteral("No store open"));
        return;
    }
    refresh();
}

bool ModelsPage::isLoading() const { return m_loader->isLoading(); }

bool ModelsPage::isImporting() const { return m_loader->isImporting(); }

QString ModelsPage::statusText() const { return m_status->text(); }

QString ModelsPage::importMessage() const { return m_importMessage->text(); }

void ModelsPage::refresh()
{
    if (m_storePath.isEmpty())
        return;
    m_status->setText(QStringLiteral("Loading…"));
    m_loader->load(m_storePath);
}

void ModelsPage::showImportDialog()
{
    m_dialog->show();
    m_dialog->raise();
    m_dialog->activateWindow();
}

bool ModelsPage::importModel(const db::ModelImportRequest& request)
{
    if (m_storePath.isEmpty() || !m_loader->startImport(m_storePath, request))
        return false;
    setImportBusy(true, QStringLiteral("Importing %1…").arg(QString::fromStdString(request.name)));
    return true;
}

void ModelsPage::setImportBusy(bool busy, const QString& line)
{
    m_busyBar->setVisible(busy);
    m_importAction->setEnabled(!busy && !m_storePath.isEmpty());
    m_dialog->setBusy(busy, line);
    if (busy) {
        m_importMessage->setStyleSheet(QString());
        m_importMessage->setText(line);
    }
}

void ModelsPage::showImportNote(const QString& line)
{
    if (m_loader->isImporting())
        setImportBusy(true, line);
}

void ModelsPage::finishImport(const std::shared_ptr<const ModelImportOutcome>& outcome)
{
    setImportBusy(false);
    if (!outcome->imported) {
        m_importMessage->setStyleSheet(kRefusalStyle);
        m_importMessage->setText(outcome->message);
        m_dialog->showResult(false, outcome->message);
        Q_EMIT importFailed(outcome->message);
        return;
    }
    const QString line = importedLine(outcome->model);
    m_importMessage->setStyleSheet(QString());
    m_importMessage->setText(line);
    m_dialog->showResult(true, line);
    if (outcome->storePath == m_storePath)
        refresh();
    Q_EMIT modelImported(outcome->name);
}

void ModelsPage::applySnapshot(const std::shared_ptr<const ModelsSnapshot>& snapshot)
{
    if (snapshot->storePath != m_storePath)
        return; // cannot happen while the loader drops superseded jobs; kept as a guard
    m_model->setModels(snapshot->models);
    m_view->expandAll();
    QString status = QStringLiteral("%1 models").arg(m_model->rowCount());
    if (snapshot->shippedAdded > 0)
        status += QStringLiteral(" · added the %1 shipped trained models to the store").arg(snapshot->shippedAdded);
    if (!snapshot->shippedWarning.isEmpty())
        status += QStringLiteral(" · shipped models not added: ") % snapshot->shippedWarning;
    m_status->setText(status);
    Q_EMIT modelsLoaded(m_model->rowCount());
}

void ModelsPage::showLoadFailure(const QString& storePath, const QString& message)
{
    if (storePath != m_storePath)
        return;
    m_model->clear();
    m_status->setText(QStringLiteral("Could not load the models: %1").arg(message));
    Q_EMIT modelsLoadFailed(message);
}

} // namespace awb::ui
