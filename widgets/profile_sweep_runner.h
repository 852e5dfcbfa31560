#pragma once

#include "core/records/profile_record.h"
#include "database/profile_sweep.h"

#include <QElapsedTimer>
#include <QObject>
#include <QString>

#include <atomic>
#include <memory>

class QThread;

namespace awb::ui {

// Runs one db::runProfileSweep at a time on a thread of its own, with its own Store connection,
// and reports on the GUI thread. Cancel is honoured between inferences; the sweep then restores
// the caps and keeps the finished cells, like Ctrl-C in the CLI.
// Threading: create and call from the GUI thread; signals are emitted on the GUI thread.
class ProfileSweepRunner : public QObject {
    Q_OBJECT

public:
    explicit ProfileSweepRunner(QObject* parent = nullptr);
    ~ProfileSweepRunner() override; // cancels and waits: the caps are back before it returns

    // False (and nothing starts) while a sweep runs.
    bool start(const QString& storePath, const db::ProfileSweepRequest& request);
    void cancel();
    bool isRunning() const { return m_thread != nullptr; }
    bool isCancelling() const { return m_cancel && m_cancel->load(); }

    // Remaining time from the cells measured so far in this run (s); negative until one is.
    double etaSeconds() const;

Q_SIGNALS:
    void started(const awb::db::ProfileSweepStart& start);
    void cellMeasured(const awb::core::ProfileCellRecord& cell);
    // cellsDone counts measured and already-measured cells; `message` names the current cell.
    void progressed(int cellsDone, int cellsTotal, const QString& message);
    // The cell being measured now, e.g. "cnn-m output 0 @ 45.0 W".
    void cellStarted(const QString& cell);
    // The sweep ended: complete, or cancelled with its finished cells kept.
    void finished(const awb::db::ProfileSweepResult& result);
    // Refused or failed: one line, caps restored.
    void failed(const QString& message);

private:
    void reapThread();

    QThread* m_thread = nullptr;
    std::shared_ptr<std::atomic<bool>> m_cancel;
    // GUI-thread bookkeeping for the ETA.
    QElapsedTimer m_clock; // since started()
    int m_measuredNow = 0; // cells measured in this run (not those resumed)
    int m_cellsDone = 0;
    int m_cellsTotal = 0;
};

} // namespace awb::ui
