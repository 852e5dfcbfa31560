#pragma once

#include "core/records/profile_record.h"
#include "core/records/run_record.h"

#include <QObject>
#include <QString>

#include <atomic>
#include <memory>
#include <vector>

class QThread;

namespace awb::ui {

// Everything one history load read from a store; immutable once delivered.
struct HistorySnapshot {
    quint64 jobId = 0;
    QString storePath;
    std::vector<core::ProfileSessionSummary> sessions;
    std::vector<core::RunSummary> runs;
};

class HistoryWorker;

// Lists a store's profile sessions and runs on a worker thread with its own Store connection,
// so a store with millions of run steps never blocks the GUI. Each load() gets a job id and
// supersedes the previous one: a superseded job stops at its next check and its result, if it
// still arrives, is dropped, so the page only ever shows the store it asked for last.
// Threading: create and call from the GUI thread; signals arrive on the GUI thread (queued).
class HistoryLoader : public QObject {
    Q_OBJECT

public:
    explicit HistoryLoader(QObject* parent = nullptr);
    ~HistoryLoader() override;

    // Returns the new job's id (never 0).
    quint64 load(const QString& storePath);
    // Drops the job in flight, if any, without delivering anything.
    void cancel();
    bool isLoading() const { return m_currentJob != 0; }

Q_SIGNALS:
    void loaded(std::shared_ptr<const awb::ui::HistorySnapshot> snapshot);
    // `message` is the store's one-line reason (e.g. a refused or vanished file).
    void loadFailed(const QString& storePath, const QString& message);

private:
    void deliver(const std::shared_ptr<const HistorySnapshot>& snapshot);
    void deliverFailure(quint64 jobId, const QString& storePath, const QString& message);

    QThread* m_thread = nullptr;
    std::unique_ptr<HistoryWorker> m_worker;
    // The newest job id, read by the worker to abandon superseded jobs early.
    std::shared_ptr<std::atomic<quint64>> m_latestJob;
    quint64 m_currentJob = 0; // 0 when nothing is in flight
    quint64 m_nextJob = 1;
};

} // namespace awb::ui
