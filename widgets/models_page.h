#pragma once

#include "database/model_import.h"
#include "database/zoo_train.h"
#include "widgets/models_loader.h"
#include "widgets/zoo_train_worker.h"

#include <QWidget>

class QAction;
class QLabel;
class QProgressBar;
class QPushButton;
class QSortFilterProxyModel;
class QTreeView;

namespace awb::ui {

class ModelImportDialog;
class ModelsModel;
class ZooTrainDialog;

// The Models page: the store's models (the built-in zoo, trained or shipped, and imports) with
// kind, outputs, MACs and accuracy per output and the source file, and an Import dialog for
// TorchScript files. Opening a store records the shipped trained zoo when it lacks it, so a first
// run lists trained models. Loading and importing run on a ModelsLoader thread; a refused import
// shows the CLI's one-line message on the page and in the dialog, and a finished one reloads.
// Train Zoo runs `alertwb-cli train --zoo`'s code (db::trainZooIntoStore) on a ZooTrainWorker
// thread with a progress bar, the trainer's message and Cancel on the page; it reloads when done.
// One job at a time: while an import or a training runs, Import and Train are off.
class ModelsPage : public QWidget {
    Q_OBJECT

public:
    explicit ModelsPage(QWidget* parent = nullptr);

    // Lists `storePath` (starts a load); an empty path clears the page.
    void setStorePath(const QString& storePath);
    QString storePath() const { return m_storePath; }
    bool isLoading() const;
    bool isImporting() const;
    bool isTraining() const;

    // Starts importing into the open store (modelsDir empty: models/ beside it). Returns false,
    // starting nothing, when no store is open or another import runs. The outcome arrives as
    // modelImported() or importFailed().
    bool importModel(const db::ModelImportRequest& request);
    // Starts training zoo models into the open store (modelsDir empty: the CLI's default folder,
    // db::defaultZooModelsDir()). Returns false, starting nothing, when no store is open or an
    // import or a training runs. The outcome arrives as trainingFinished() or trainingFailed().
    bool trainZoo(db::ZooTrainRequest request);
    // The training stops at the trainer's next check; the model in training leaves no weights
    // file and no row, the models finished before it stay.
    void cancelTraining();

    ModelsModel* model() const { return m_model; }
    QSortFilterProxyModel* proxyModel() const { return m_proxy; }
    QTreeView* view() const { return m_view; }
    ModelImportDialog* importDialog() const { return m_dialog; }
    QAction* refreshAction() const { return m_refreshAction; }
    QAction* importAction() const { return m_importAction; }
    QAction* trainAction() const { return m_trainAction; }
    ZooTrainDialog* trainDialog() const { return m_trainDialog; }
    QProgressBar* trainProgressBar() const { return m_trainBar; }
    QPushButton* cancelTrainButton() const { return m_cancelTrain; }
    // "Loading…", the model count, or why loading failed.
    QString statusText() const;
    // The last import's progress line, result or one-line refusal; empty before any import.
    QString importMessage() const;
    // The running training's message (its CLI line), then its one-line result or refusal; empty
    // before any training.
    QString trainMessage() const;

public Q_SLOTS:
    void refresh();
    void showImportDialog();
    void showTrainDialog();

Q_SIGNALS:
    void modelsLoaded(int modelCount);
    void modelsLoadFailed(const QString& message);
    void modelImported(const QString& name);
    void importFailed(const QString& message);
    // Ran to its end (cancelled false) or stopped by Cancel; trainedCount models were recorded.
    void trainingFinished(int trainedCount, bool cancelled);
    void trainingFailed(const QString& message);

private:
    void applySnapshot(const std::shared_ptr<const ModelsSnapshot>& snapshot);
    void showLoadFailure(const QString& storePath, const QString& message);
    void showImportNote(const QString& line);
    void finishImport(const std::shared_ptr<const ModelImportOutcome>& outcome);
    void setImportBusy(bool busy, const QString& line = {});
    void showTrainProgress(double fraction, const QString& message);
    void finishTraining(const std::shared_ptr<const ZooTrainResult>& result);
    void setTrainBusy(bool busy);
    // Import and Train are on when a store is open and neither an import nor a training runs.
    void updateActions();

    QString m_storePath;
    ModelsLoader* m_loader = nullptr;
    ZooTrainWorker* m_trainer = nullptr;
    ModelsModel* m_model = nullptr;
    QSortFilterProxyModel* m_proxy = nullptr;
    QTreeView* m_view = nullptr;
    QAction* m_refreshAction = nullptr;
    QAction* m_importAction = nullptr;
    QAction* m_trainAction = nullptr;
    QLabel* m_status = nullptr;
    QProgressBar* m_busyBar = nullptr;
    QLabel* m_importMessage = nullptr;
    ModelImportDialog* m_dialog = nullptr;
    QProgressBar* m_trainBar = nullptr;
    QPushButton* m_cancelTrain = nullptr;
    QLabel* m_trainMessage = nullptr;
    ZooTrainDialog* m_trainDialog = nullptr;
};

} // namespace awb::ui
