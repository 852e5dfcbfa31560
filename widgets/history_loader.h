#pragma once

#include "core/records/profile_record.h"
#include "core/records/run_record.h"

#include <QObject>
#include <QString>

#include <memory>
#include <vector>

namespace awb::ui {

// Everything one history load read from a store; immutable once delivered.
struct HistorySnapshot {
    quint64 jobId = 0;
    QString storePath;
    std::vector<core::ProfileSessionSummary> sessions;
    std::vector<core::RunSummary> runs;
};

class StoreReader;

// Lists a store's profile sessions and runs on a StoreReader thread with its own Store
// connection, so a store with millions of run steps never blocks the GUI. Each load() gets a job
// id and supersedes the previous one: a superseded job's result is dropped, so the page only
// ever shows the store it asked for last.
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
    bool isLoading() const;

Q_SIGNALS:
    void loaded(std::shared_ptr<const awb::ui::HistorySnapshot> snapshot);
    // `message` is the store's one-line reason (e.g. a refused or vanished file).
    void loadFailed(const QString& storePath, const QString& message);

private:
    StoreReader* m_reader = nullptr;
};

} // namespace awb::ui
