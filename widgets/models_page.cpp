#include "widgets/models_page.h"

#include "widgets/model_import_dialog.h"
#include "widgets/models_model.h"
#include "widgets/zoo_train_dialog.h"

#include <QAction>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QToolButton>
#include <QTreeView>
#include <QVBoxLayout>

#include <algorithm>
#include <optional>

namespace awb::ui {

namespace {

    const QString kRefusalStyle = QStringLiteral("color: #b00020;");
    // The bar and the message move every 20 training steps (of 128 images), not only per epoch.
    constexpr int kTrainProgressEverySteps = 20;
    constexpr int kTrainBarSteps = 1000; // the bar's range: one unit is 0.1 % of the whole job

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

    // "cnn-xs (84.1 %), anytime-width4 (85.0 %)": each model with its full model's test accuracy.
    QString trainedNames(const std::vector<db::ZooTrainedModel>& trained)
    {
        QStringList names;
        for (const db::ZooTrainedModel& entry : trained) {
            const std::optional<double> accuracy
                = entry.model.outputs.empty() ? std::nullopt : entry.model.outputs.back().testAccuracy;
            names << QStringLiteral("%1 (%2)").arg(
                QString::fromStdString(entry.model.name), ModelsModel::formatAccuracy(accuracy));
        }
        return names.join(QStringLiteral(", "));
    }

    // The one-line result of a training that was not refused.
    QString trainedLine(const ZooTrainResult& result)
    {
        const db::ZooTrainOutcome& outcome = result.outcome;
        if (outcome.cancelled()) {
            QString line = QStringLiteral("Cancelled while training %1: its weights were not written")
                               .arg(QString::fromStdString(outcome.cancelledModel));
            if (!outcome.trained.empty())
                line += QStringLiteral("; kept ") % trainedNames(outcome.trained);
            return line;
        }
        return QStringLiteral("Trained %1; weights in %2").arg(trainedNames(outcome.trained), result.modelsDir);
    }

} // namespace

ModelsPage::ModelsPage(QWidget* parent)
    : QWidget(parent)
    , m_loader(new ModelsLoader(this))
    , m_trainer(new ZooTrainWorker(this))
    , m_model(new ModelsModel(this))
    , m_proxy(new QSortFilterProxyModel(this))
    , m_view(new QTreeView(this))
    , m_refreshAction(new QAction(QStringLiteral("&Refresh Models"), this))
    , m_importAction(new QAction(QStringLiteral("&Import Model…"), this))
    , m_trainAction(new QAction(QStringLiteral("&Train Zoo…"), this))
    , m_status(new QLabel(this))
    , m_busyBar(new QProgressBar(this))
    , m_importMessage(new QLabel(this))
    , m_dialog(new ModelImportDialog(this))
    , m_trainBar(new QProgressBar(this))
    , m_cancelTrain(new QPushButton(QStringLiteral("Cancel"), this))
    , m_trainMessage(new QLabel(this))
    , m_trainDialog(new ZooTrainDialog(this))
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
    m_trainAction->setToolTip(QStringLiteral("Train built-in zoo models on Fashion-MNIST into the store"));
    m_trainAction->setEnabled(false);
    connect(m_trainAction, &QAction::triggered, this, &ModelsPage::showTrainDialog);
    connect(m_trainDialog, &ZooTrainDialog::trainRequested, this, &ModelsPage::trainZoo);

    auto* importButton = new QToolButton(this);
    importButton->setDefaultAction(m_importAction);
    auto* trainButton = new QToolButton(this);
    trainButton->setDefaultAction(m_trainAction);
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
    m_trainBar->setObjectName(QStringLiteral("modelsTrainProgress"));
    m_trainBar->setRange(0, kTrainBarSteps);
    m_trainBar->hide();
    m_cancelTrain->setObjectName(QStringLiteral("modelsTrainCancel"));
    m_cancelTrain->setToolTip(
        QStringLiteral("Stop after the current training step; the model in training is not kept"));
    m_cancelTrain->hide();
    connect(m_cancelTrain, &QPushButton::clicked, this, &ModelsPage::cancelTraining);
    m_trainMessage->setObjectName(QStringLiteral("modelsTrainMessage"));
    m_trainMessage->setWordWrap(true);
    m_trainMessage->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* toolbar = new QHBoxLayout;
    toolbar->addWidget(importButton);
    toolbar->addWidget(trainButton);
    toolbar->addWidget(refreshButton);
    toolbar->addWidget(m_status, 1);
    toolbar->addWidget(m_busyBar);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(toolbar);
    layout->addWidget(m_importMessage);
    auto* trainRow = new QHBoxLayout;
    trainRow->addWidget(m_trainBar, 1);
    trainRow->addWidget(m_cancelTrain);
    layout->addLayout(trainRow);
    layout->addWidget(m_trainMessage);
    layout->addWidget(m_view, 1);

    connect(m_loader, &ModelsLoader::loaded, this, &ModelsPage::applySnapshot);
    connect(m_loader, &ModelsLoader::loadFailed, this, &ModelsPage::showLoadFailure);
    connect(m_loader, &ModelsLoader::importNote, this, &ModelsPage::showImportNote);
    connect(m_loader, &ModelsLoader::importFinished, this, &ModelsPage::finishImport);
    connect(m_trainer, &ZooTrainWorker::progress, this, &ModelsPage::showTrainProgress);
    connect(m_trainer, &ZooTrainWorker::finished, this, &ModelsPage::finishTraining);
}

void ModelsPage::setStorePath(const QString& storePath)
{
    m_storePath = storePath;
    m_refreshAction->setEnabled(!storePath.isEmpty());
    updateActions();
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

bool ModelsPage::isTraining() const { return m_trainer->isRunning(); }

QString ModelsPage::statusText() const { return m_status->text(); }

QString ModelsPage::importMessage() const { return m_importMessage->text(); }

QString ModelsPage::trainMessage() const { return m_trainMessage->text(); }

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

void ModelsPage::showTrainDialog()
{
    m_trainDialog->show();
    m_trainDialog->raise();
    m_trainDialog->activateWindow();
}

bool ModelsPage::importModel(const db::ModelImportRequest& request)
{
    if (m_storePath.isEmpty() || m_trainer->isRunning() || !m_loader->startImport(m_storePath, request))
        return false;
    setImportBusy(true, QStringLiteral("Importing %1…").arg(QString::fromStdString(request.name)));
    return true;
}

void ModelsPage::setImportBusy(bool busy, const QString& line)
{
    m_busyBar->setVisible(busy);
    updateActions();
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

bool ModelsPage::trainZoo(db::ZooTrainRequest request)
{
    if (m_storePath.isEmpty() || m_loader->isImporting())
        return false;
    request.progressEverySteps = kTrainProgressEverySteps;
    if (!m_trainer->start(m_storePath, request))
        return false;
    setTrainBusy(true);
    return true;
}

void ModelsPage::cancelTraining()
{
    if (!m_trainer->isRunning())
        return;
    m_trainer->cancel();
    m_cancelTrain->setEnabled(false);
    m_trainMessage->setText(QStringLiteral("Cancelling after the current training step…"));
}

void ModelsPage::setTrainBusy(bool busy)
{
    m_trainBar->setVisible(busy);
    m_cancelTrain->setVisible(busy);
    m_cancelTrain->setEnabled(busy);
    if (busy) {
        m_trainBar->setValue(0);
        m_trainMessage->setStyleSheet(QString());
        m_trainMessage->setText(QStringLiteral("Loading Fashion-MNIST…"));
    }
    updateActions();
}

void ModelsPage::showTrainProgress(double fraction, const QString& message)
{
    if (!m_trainer->isRunning())
        return;
    m_trainBar->setValue(qRound(std::clamp(fraction, 0.0, 1.0) * kTrainBarSteps));
    if (!m_trainer->isCancelling())
        m_trainMessage->setText(message);
}

void ModelsPage::finishTraining(const std::shared_ptr<const ZooTrainResult>& result)
{
    setTrainBusy(false);
    if (result->storePath == m_storePath)
        refresh(); // models recorded before a failure or a cancel are shown too
    if (!result->error.isEmpty()) {
        m_trainMessage->setStyleSheet(kRefusalStyle);
        m_trainMessage->setText(result->error);
        Q_EMIT trainingFailed(result->error);
        return;
    }
    m_trainMessage->setStyleSheet(QString());
    m_trainMessage->setText(trainedLine(*result));
    Q_EMIT trainingFinished(static_cast<int>(result->outcome.trained.size()), result->outcome.cancelled());
}

void ModelsPage::updateActions()
{
    const bool busy = m_loader->isImporting() || m_trainer->isRunning();
    m_importAction->setEnabled(!m_storePath.isEmpty() && !busy);
    m_trainAction->setEnabled(!m_storePath.isEmpty() && !busy);
    // Either dialog may be open while the other job starts: their buttons follow.
    m_dialog->setImportAllowed(!m_trainer->isRunning());
    m_trainDialog->setTrainAllowed(!busy);
}

} // namespace awb::ui
