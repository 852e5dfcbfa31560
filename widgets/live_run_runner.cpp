#include "widgets/live_run_runner.h"

#include <QThread>

namespace awb::ui {

struct LiveRunRunner::Shared {
    core::ProgressRing ring { LiveRunRunner::kRingCapacity };
    std::atomic<bool> stop { false };
    std::mutex sessionMutex;
    core::LiveSession* session = nullptr; // set while the loop runs
};

namespace {

    // Lives on the run's thread: hands the session to the GUI side while it runs.
    class SessionObserver : public db::LiveRunObserver {
    public:
        SessionObserver(LiveRunRunner* runner, LiveRunRunner::Shared* shared)
            : m_runner(runner)
            , m_shared(shared)
        {
        }
        void onStarted(const db::LiveRunStart& start, core::LiveSession& session) override
        {
            {
                const std::lock_guard lock(m_shared->sessionMutex);
                m_shared->session = &session;
            }
            post([start](LiveRunRunner* runner) { Q_EMIT runner->started(start); });
        }
        void detach()
        {
            const std::lock_guard lock(m_shared->sessionMutex);
            m_shared->session = nullptr;
        }
        template <typename Emit> void post(Emit emit)
        {
            // The runner outlives the thread (its destructor waits), so `runner` is valid here.
            QMetaObject::invokeMethod(
                m_runner, [runner = m_runner, emit] { emit(runner); }, Qt::QueuedConnection);
        }

    private:
        LiveRunRunner* m_runner;
        LiveRunRunner::Shared* m_shared;
    };

} // namespace

LiveRunRunner::LiveRunRunner(QObject* parent)
    : QObject(parent)
{
    m_poll.setInterval(33);
    connect(&m_poll, &QTimer::timeout, this, &LiveRunRunner::poll);
    // Before anyone else's slots: the last progress is delivered first and isRunning() is false
    // once finished/failed reach them.
    connect(this, &LiveRunRunner::finished, this, &LiveRunRunner::reapThread);
    connect(this, &LiveRunRunner::failed, this, &LiveRunRunner::reapThread);
}

LiveRunRunner::~LiveRunRunner()
{
    if (m_thread) {
        m_shared->stop = true;
        m_thread->wait();
        delete m_thread;
    }
}

bool LiveRunRunner::start(const QString& storePath, db::LiveRunRequest request)
{
    if (m_thread)
        return false;
    m_shared = std::make_shared<Shared>();
    m_coalesced = 0;
    m_lost = 0;
    auto shared = m_shared;
    request.progressRing = &shared->ring;
    request.shouldStop = [shared] { return shared->stop.load(std::memory_order_relaxed); };
    m_thread = QThread::create([this, storePath, request, shared] {
        SessionObserver observer(this, shared.get());
        try {
            db::Store store = db::Store::open(storePath.toStdString());
            db::LiveRunResult result = db::runLiveSession(store, request, observer);
            observer.detach();
            observer.post([result](LiveRunRunner* runner) { Q_EMIT runner->finished(result); });
        } catch (const std::exception& error) {
            observer.detach();
            const QString message = QString::fromStdString(error.what()).simplified();
            observer.post([message](LiveRunRunner* runner) { Q_EMIT runner->failed(message); });
        }
    });
    m_thread->setObjectName(QStringLiteral("LiveRun"));
    m_thread->start();
    m_poll.start();
    return true;
}

void LiveRunRunner::stop()
{
    if (m_shared)
        m_shared->stop = true;
}

bool LiveRunRunner::requestGoals(const core::Goals& goals, QString* error)
{
    const auto refuse = [error](const QString& why) {
        if (error != nullptr)
            *error = why;
        return false;
    };
    if (!m_shared)
        return refuse(QStringLiteral("no live run is going"));
    const std::lock_guard lock(m_shared->sessionMutex);
    if (m_shared->session == nullptr)
        return refuse(QStringLiteral("no live run is going"));
    try {
        m_shared->session->requestGoals(goals);
    } catch (const std::invalid_argument& refused) {
        return refuse(QString::fromStdString(refused.what()));
    }
    return true;
}

void LiveRunRunner::poll()
{
    if (!m_shared)
        return;
    m_batch.clear();
    m_shared->ring.drain([this](const core::LiveProgress& step) { m_batch.push_back(step); });
    m_lost = m_shared->ring.dropped();
    if (m_batch.empty())
        return;
    const quint64 coalesced = m_batch.size() - 1;
    m_coalesced += coalesced;
    Q_EMIT stepsArrived(m_batch, m_lost);
    Q_EMIT progressed(m_batch.back(), coalesced, m_coalesced);
}

void LiveRunRunner::reapThread()
{
    m_poll.stop();
    poll(); // the last step the loop published
    m_thread->wait(); // it posted its last report and is returning: microseconds
    delete m_thread;
    m_thread = nullptr;
}

} // namespace awb::ui
