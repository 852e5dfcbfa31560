#pragma once

#include "database/model_import.h"
#include "widgets/models_loader.h"

#include <QWidget>

class QAction;
class QLabel;
class QProgressBar;
class QSortFilterProxyModel;
class QTreeView;

namespace awb::ui {

class ModelImportDialog;
class ModelsModel;

// The Models page: the store's models (the built-in zoo, trained or shipped, and imports) with
// kind, outputs, MACs and accuracy per output and the source file, and an Import dialog for
// TorchScript files. Opening a store records the shipped trained zoo when it lacks it, so a first
// run lists trained models. Loading and importing run on a ModelsLoader thread; a refused import
// shows the CLI's one-line message on the page and in the dialog, and a finished one reloads.
class ModelsPage : public QWidget {
    Q_OBJECT

public:
    explicit ModelsPage(QWidget* parent = nullptr);

    // Lists `storePath` (starts a load); an empty path clears the page.
    void setStorePath(const QString& storePath);
    QString storePath() const { return m_storePath; }
    bool isLoading() const;
    bool isImporting() const;

    // Starts importing into the open store (modelsDir empty: models/ beside it). Returns false,
    // starting nothing, when no store is open or another import runs. The outcome arrives as
    // modelImported() or importFailed().
    bool importModel(const db::ModelImportRequest& request);

    ModelsModel* model() const { return m_model; }
    QSortFilterProxyModel* proxyModel() const { return m_proxy; }
    QTreeView* view() const { return m_view; }
    ModelImportDialog* importDialog() const { return m_dialog; }
    QAction* refreshAction() const { return m_refreshAction; }
    QAction* importAction() const { return m_importAction; }
    // "Loading…", the model count, or why loading failed.
    QString statusText() const;
    // The last import's progress line, result or one-line refusal; empty before any import.
    QString importMessage() const;

public Q_SLOTS:
    void refresh();
    void showImportDialog();

Q_SIGNALS:
    void modelsLoaded(int modelCount);
    void modelsLoadFailed(const QString& message);
    void modelImported(const QString& name);
    void importFailed(const QString& message);

private:
    void applySnapshot(const std::shared_ptr<const ModelsSnapshot>& snapshot);
    void showLoadFailure(const QString& storePath, const QString& message);
    void showImportNote(const QString& line);
    void finishImport(const std::shared_ptr<const ModelImportOutcome>& outcome);
    void setImportBusy(bool busy, const QString& line = {});

    QString m_storePath;
    ModelsLoader* m_loader = nullptr;
    ModelsModel* m_model = nullptr;
    QSortFilterProxyModel* m_proxy = nullptr;
    QTreeView* m_view = nullptr;
    QAction* m_refreshAction = nullptr;
    QAction* m_importAction = nullptr;
    QLabel* m_status = nullptr;
    QProgressBar* m_busyBar = nullptr;
    QLabel* m_importMessage = nullptr;
    ModelImportDialog* m_dialog = nullptr;
};

} // namespace awb::ui
