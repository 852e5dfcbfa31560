#pragma once

#include "core/workload/live_session.h"
#include "database/live_run.h"

#include <QObject>
#include <QString>
#include <QTimer>

#include <atomic>
#include <memory>
#include <mutex>

class QThread;

namespace awb::ui {

// The GUI's end of a live run: runs db::runLiveSession on a thread of its own with its own Store
// connection, and polls the loop's ProgressMailbox with a coalescing timer (about 30 Hz), so the
// loop never waits for the GUI and the GUI never sees more than one progress per tick. A tick
// that finds nothing new emits nothing; one that finds something emits the newest and how many
// steps it skipped (the store has them all). Stop and goal changes reach the loop from the GUI
// thread without blocking it.
// Threading: create and call from the GUI thread; signals are emitted on the GUI thread.
class LiveRunRunner : public QObject {
    Q_OBJECT

public:
    explicit LiveRunRunner(QObject* parent = nullptr);
    ~LiveRunRunner() override; // stops the run and waits: caps restored, co-runners joined

    // False (and nothing starts) while a run is going. The request's progress and shouldStop
    // are the runner's own.
    bool start(const QString& storePath, db::LiveRunRequest request);
    void stop();
    // New goals from the next input on; false with `error` set when they do not validate or no
    // run is going.
    bool requestGoals(const core::Goals& goals, QString* error = nullptr);
    bool isRunning() const { return m_thread != nullptr; }
    // Milliseconds between mailbox polls (default 33).
    void setPollInterval(int milliseconds) { m_poll.setInterval(milliseconds); }
    quint64 droppedTotal() const { return m_dropped; }

    struct Shared; // between the GUI thread and the run's thread (live_run_runner.cpp)

Q_SIGNALS:
    void started(const awb::db::LiveRunStart& start);
    // The newest step and the run so far; `skipped`: steps published since the previous signal
    // that were not delivered (coalesced away), `droppedTotal` their sum over the run.
    void progressed(const awb::core::LiveProgress& progress, quint64 skipped, quint64 droppedTotal);
    // The run ended: complete, or stopped (status cancelled) with every step kept.
    void finished(const awb::db::LiveRunResult& result);
    // Refused or failed: one line; caps restored, co-runners stopped.
    void failed(const QString& message);

private:
    void poll();
    void reapThread();

    QThread* m_thread = nullptr;
    std::shared_ptr<Shared> m_shared;
    QTimer m_poll;
    quint64 m_dropped = 0;
};

} // namespace awb::ui
