#pragma once

#include "database/store.h"

#include <QObject>
#include <QPointer>
#include <QString>

#include <atomic>
#include <exception>
#include <functional>
#include <memory>

class QThread;

namespace awb::ui {

// Runs store jobs on one worker thread, each with a Store connection of its own (a Store belongs
// to one thread), and hands the result back on the GUI thread. A new job supersedes the ones in
// flight: their results are dropped, so a page shows what it asked for last. Jobs run in order.
// Threading: create and call from the GUI thread; callbacks run on the GUI thread.
class StoreReader : public QObject {
    Q_OBJECT

public:
    explicit StoreReader(QObject* parent = nullptr);
    ~StoreReader() override; // waits for the job in flight

    // `job` runs on the worker thread with the store at `storePath` opened for it; `onDone`
    // gets its result, or `onFailed` the one-line message of whatever it threw, unless a later
    // run() or cancel() superseded it. Returns the job's id (never 0).
    template <typename Result>
    quint64 run(const QString& storePath, std::function<Result(db::Store&)> job, std::function<void(Result)> onDone,
        std::function<void(const QString&)> onFailed)
    {
        auto result = std::make_shared<Result>();
        return post(
            storePath, [job = std::move(job), result](db::Store& store) { *result = job(store); },
            [onDone = std::move(onDone), result] { onDone(std::move(*result)); }, std::move(onFailed));
    }

    // Drops the results of every job in flight.
    void cancel();
    bool isBusy() const { return m_currentJob != 0; }

private:
    quint64 post(const QString& storePath, std::function<void(db::Store&)> work, std::function<void()> deliver,
        std::function<void(const QString&)> onFailed);

    QThread* m_thread = nullptr;
    QObject* m_context = nullptr; // lives on m_thread: queued calls run there
    std::shared_ptr<std::atomic<quint64>> m_latestJob; // read by the worker to skip superseded jobs
    quint64 m_currentJob = 0; // 0 when nothing is in flight
    quint64 m_nextJob = 1;
};

} // namespace awb::ui
