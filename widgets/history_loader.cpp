#include "widgets/history_loader.h"

#include "database/repositories.h"
#include "database/store.h"

#include <QThread>

#include <exception>

namespace awb::ui {

// Lives on the loader's thread; reads with a Store of its own (one Store per thread).
class HistoryWorker : public QObject {
    Q_OBJECT

public:
    explicit HistoryWorker(std::shared_ptr<const std::atomic<quint64>> latestJob)
        : m_latestJob(std::move(latestJob))
    {
    }

    void load(quint64 jobId, const QString& storePath)
    {
        const auto superseded = [&] { return m_latestJob->load() != jobId; };
        if (superseded())
            return;
        try {
            db::Store store = db::Store::open(storePath.toStdString());
            auto snapshot = std::make_shared<HistorySnapshot>();
            snapshot->jobId = jobId;
            snapshot->storePath = storePath;
            snapshot->sessions = db::ProfileRepository(store).listSessions();
            if (superseded())
                return;
            snapshot->runs = db::RunRepository(store).listRuns();
            if (superseded())
                return;
            Q_EMIT finished(std::move(snapshot));
        } catch (const std::exception& error) {
            Q_EMIT failed(jobId, storePath, QString::fromStdString(error.what()));
        }
    }

Q_SIGNALS:
    void finished(std::shared_ptr<const awb::ui::HistorySnapshot> snapshot);
    void failed(quint64 jobId, const QString& storePath, const QString& message);

private:
    std::shared_ptr<const std::atomic<quint64>> m_latestJob;
};

HistoryLoader::HistoryLoader(QObject* parent)
    : QObject(parent)
    , m_thread(new QThread(this))
    , m_latestJob(std::make_shared<std::atomic<quint64>>(0))
{
    qRegisterMetaType<std::shared_ptr<const awb::ui::HistorySnapshot>>();
    m_thread->setObjectName(QStringLiteral("HistoryLoader"));
    m_worker = std::make_unique<HistoryWorker>(m_latestJob);
    m_worker->moveToThread(m_thread);
    // Emitted on the worker thread, received here on the GUI thread: queued connections.
    connect(m_worker.get(), &HistoryWorker::finished, this, &HistoryLoader::deliver);
    connect(m_worker.get(), &HistoryWorker::failed, this, &HistoryLoader::deliverFailure);
    m_thread->start();
}

HistoryLoader::~HistoryLoader()
{
    m_latestJob->store(0);
    m_thread->quit();
    m_thread->wait();
    // The thread has finished, so nothing else can touch the worker any more.
    m_worker.reset();
}

quint64 HistoryLoader::load(const QString& storePath)
{
    const quint64 jobId = m_nextJob++;
    m_currentJob = jobId;
    m_latestJob->store(jobId);
    HistoryWorker* worker = m_worker.get();
    QMetaObject::invokeMethod(
        worker, [worker, jobId, storePath] { worker->load(jobId, storePath); }, Qt::QueuedConnection);
    return jobId;
}

void HistoryLoader::cancel()
{
    m_currentJob = 0;
    m_latestJob->store(0);
}

void HistoryLoader::deliver(const std::shared_ptr<const HistorySnapshot>& snapshot)
{
    if (!snapshot || snapshot->jobId != m_currentJob)
        return; // stale: a newer load (or a cancel) came after it
    m_currentJob = 0;
    Q_EMIT loaded(snapshot);
}

void HistoryLoader::deliverFailure(quint64 jobId, const QString& storePath, const QString& message)
{
    if (jobId != m_currentJob)
        return;
    m_currentJob = 0;
    Q_EMIT loadFailed(storePath, message);
}

} // namespace awb::ui

#include "history_loader.moc"
