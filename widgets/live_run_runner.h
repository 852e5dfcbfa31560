#pragma once

#include "core/workload/live_session.h"
#include "database/live_run.h"

#include <QObject>
#include <QString>
#include <QTimer>

#include <atomic>
#include <memory>
#include <mutex>
#include <vector>

class QThread;

namespace awb::ui {

// The GUI's end of a live run: runs db::runLiveSession on a thread of its own with its own Store
// connection, and drains the loop's ProgressRing with a coalescing timer (about 30 Hz), so the
// loop never waits for the GUI and the GUI handles one batch per tick, never one signal per step.
// A tick that finds nothing new emits nothing; one that finds steps emits them all (for charts)
// and then the newest alone (for counters), with how many it coalesced. Steps are lost only when
// the GUI stalls for longer than the ring holds (kRingCapacity steps); they are counted, and the
// store has them all. Stop and goal changes reach the loop from the GUI thread without blocking it.
// Threading: create and call from the GUI thread; signals are emitted on the GUI thread.
class LiveRunRunner : public QObject {
    Q_OBJECT

public:
    // Steps the loop can publish while the GUI is not draining: 16 s at 1,000 inputs/s.
    static constexpr std::size_t kRingCapacity = 16384;

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
    // Steps delivered in a batch but not through progressed(), over the run.
    quint64 coalescedTotal() const { return m_coalesced; }
    // Steps the ring had no room for, over the run: the "dropped notifications" counter.
    quint64 lostTotal() const { return m_lost; }

    struct Shared; // between the GUI thread and the run's thread (live_run_runner.cpp)

Q_SIGNALS:
    void started(const awb::db::LiveRunStart& start);
    // Every step the loop published since the previous tick, oldest first; `lostTotal` as
    // lostTotal().
    void stepsArrived(const std::vector<awb::core::LiveProgress>& steps, quint64 lostTotal);
    // Then the newest step and the run so far; `coalesced`: the batch's other steps, not signalled
    // one by one; `coalescedTotal` their sum over the run.
    void progressed(const awb::core::LiveProgress& progress, quint64 coalesced, quint64 coalescedTotal);
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
    std::vector<core::LiveProgress> m_batch; // reused by every tick
    quint64 m_coalesced = 0;
    quint64 m_lost = 0;
};

} // namespace awb::ui
