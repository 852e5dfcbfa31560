#pragma once

#include "core/records/model_record.h"
#include "database/model_import.h"

#include <QObject>
#include <QString>

#include <atomic>
#include <memory>
#include <vector>

class QThread;

namespace awb::ui {

// Everything one models load read from a store; immutable once delivered.
struct ModelsSnapshot {
    quint64 jobId = 0;
    QString storePath;
    std::vector<core::ModelRecord> models; // the newest version of each name
    int shippedAdded = 0; // shipped trained models recorded by this load (a new store)
    QString shippedWarning; // why the shipped zoo could not be read; empty when it could
};

// How one import ended; immutable once delivered.
struct ModelImportOutcome {
    QString storePath;
    QString name;
    bool imported = false;
    // The CLI's one-line refusal or failure when !imported; empty otherwise.
    QString message;
    core::ModelRecord model; // the stored record when imported
};

class ModelsWorker;

// Lists a store's models and imports TorchScript files on one worker thread with its own Store
// connection: the shipped zoo is recorded there on a store that lacks it, and an import (running
// and evaluating the module, seconds) never blocks the GUI. Loads have job ids like
// HistoryLoader's: a superseded load's result is dropped. An import cannot be interrupted (the
// core import has no cancel point); a load asked for meanwhile runs after it.
// Threading: create and call from the GUI thread; signals arrive on the GUI thread (queued).
class ModelsLoader : public QObject {
    Q_OBJECT

public:
    explicit ModelsLoader(QObject* parent = nullptr);
    ~ModelsLoader() override;

    // Returns the new job's id (never 0).
    quint64 load(const QString& storePath);
    // Drops the load in flight, if any, without delivering anything.
    void cancel();
    bool isLoading() const { return m_currentJob != 0; }

    // Imports into `storePath` (its models/ folder unless request.modelsDir is set); one at a time:
    // returns false, doing nothing, while another import runs.
    bool startImport(const QString& storePath, db::ModelImportRequest request);
    bool isImporting() const { return m_importing; }

Q_SIGNALS:
    void loaded(std::shared_ptr<const awb::ui::ModelsSnapshot> snapshot);
    void loadFailed(const QString& storePath, const QString& message);
    // A progress line of the running import ("NAME: checking FILE with input …").
    void importNote(const QString& line);
    void importFinished(std::shared_ptr<const awb::ui::ModelImportOutcome> outcome);

private:
    void deliver(const std::shared_ptr<const ModelsSnapshot>& snapshot);
    void deliverFailure(quint64 jobId, const QString& storePath, const QString& message);
    void deliverImport(const std::shared_ptr<const ModelImportOutcome>& outcome);

    QThread* m_thread = nullptr;
    std::unique_ptr<ModelsWorker> m_worker;
    // The newest load id, read by the worker to abandon superseded loads early.
    std::shared_ptr<std::atomic<quint64>> m_latestJob;
    quint64 m_currentJob = 0; // 0 when no load is in flight
    quint64 m_nextJob = 1;
    bool m_importing = false;
};

} // namespace awb::ui
