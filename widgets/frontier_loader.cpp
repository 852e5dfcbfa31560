#include "widgets/frontier_loader.h"

#include "database/repositories.h"
#include "database/store.h"

#include <QThread>

#include <exception>
#include <map>

namespace awb::ui {

namespace {

    QString toQString(const std::string& text) { return QString::fromStdString(text); }

    std::shared_ptr<FrontierSnapshot> readSession(const QString& storePath, qint64 sessionId)
    {
        db::Store store = db::Store::open(storePath.toStdString());
        db::ProfileRepository profiles(store);
        const auto session = profiles.findSession(sessionId);
        if (!session)
            throw std::runtime_error("no profile session " + std::to_string(sessionId) + " in the store");
        auto snapshot = std::make_shared<FrontierSnapshot>();
        snapshot->storePath = storePath;
        snapshot->sessionId = sessionId;
        snapshot->sessionStatus = QLatin1String(core::toString(session->status));
        snapshot->startedAt = toQString(session->startedAt);
        if (const auto device = db::DeviceRepository(store).find(session->deviceId)) {
            snapshot->deviceHost = toQString(device->host);
            snapshot->backend = toQString(device->backend);
            snapshot->emulated = device->isEmulated();
        }
        for (const core::ProfileCellWithModel& row : profiles.cellsWithModels(sessionId)) {
            const core::ProfileCellRecord& cell = row.cell;
            snapshot->cells.push_back({ cell.id, row.modelKind,
                { cell.modelId, row.modelName, cell.outputIndex, cell.powerCapW, cell.accuracy, cell.latencyMedianMs,
                    cell.energyJ } });
        }
        return snapshot;
    }

} // namespace

// Lives on the loader's thread; reads with a Store of its own (one Store per thread).
class FrontierWorker : public QObject {
    Q_OBJECT

public:
    explicit FrontierWorker(std::shared_ptr<const std::atomic<quint64>> latestJob)
        : m_latestJob(std::move(latestJob))
    {
    }

    void load(quint64 jobId, const QString& storePath, qint64 sessionId)
    {
        if (m_latestJob->load() != jobId)
            return;
        try {
            auto snapshot = readSession(storePath, sessionId);
            snapshot->jobId = jobId;
            if (m_latestJob->load() == jobId)
                Q_EMIT finished(std::move(snapshot));
        } catch (const std::exception& error) {
            Q_EMIT failed(jobId, QString::fromStdString(error.what()));
        }
    }

Q_SIGNALS:
    void finished(std::shared_ptr<const awb::ui::FrontierSnapshot> snapshot);
    void failed(quint64 jobId, const QString& message);

private:
    std::shared_ptr<const std::atomic<quint64>> m_latestJob;
};

FrontierLoader::FrontierLoader(QObject* parent)
    : QObject(parent)
    , m_thread(new QThread(this))
    , m_latestJob(std::make_shared<std::atomic<quint64>>(0))
{
    qRegisterMetaType<std::shared_ptr<const awb::ui::FrontierSnapshot>>();
    m_thread->setObjectName(QStringLiteral("FrontierLoader"));
    m_worker = std::make_unique<FrontierWorker>(m_latestJob);
    m_worker->moveToThread(m_thread);
    // Emitted on the worker thread, received on the GUI thread: queued connections.
    connect(m_worker.get(), &FrontierWorker::finished, this, &FrontierLoader::deliver);
    connect(m_worker.get(), &FrontierWorker::failed, this, &FrontierLoader::deliverFailure);
    m_thread->start();
}

FrontierLoader::~FrontierLoader()
{
    m_latestJob->store(0);
    m_thread->quit();
    m_thread->wait();
    m_worker.reset(); // the thread has finished: nothing else touches the worker
}

quint64 FrontierLoader::load(const QString& storePath, qint64 sessionId)
{
    const quint64 jobId = m_nextJob++;
    m_currentJob = jobId;
    m_latestJob->store(jobId);
    FrontierWorker* worker = m_worker.get();
    QMetaObject::invokeMethod(
        worker, [worker, jobId, storePath, sessionId] { worker->load(jobId, storePath, sessionId); },
        Qt::QueuedConnection);
    return jobId;
}

void FrontierLoader::cancel()
{
    m_currentJob = 0;
    m_latestJob->store(0);
}

void FrontierLoader::deliver(const std::shared_ptr<const FrontierSnapshot>& snapshot)
{
    if (!snapshot || snapshot->jobId != m_currentJob)
        return; // stale: a newer load (or a cancel) came after it
    m_currentJob = 0;
    Q_EMIT loaded(snapshot);
}

void FrontierLoader::deliverFailure(quint64 jobId, const QString& message)
{
    if (jobId != m_currentJob)
        return;
    m_currentJob = 0;
    Q_EMIT loadFailed(message);
}

} // namespace awb::ui

#include "frontier_loader.moc"
