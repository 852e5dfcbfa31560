#include "widgets/zoo_train_worker.h"

#include "database/store.h"

#include <QThread>

#include <exception>
#include <optional>

namespace awb::ui {

// Lives on the worker's thread; each job opens a Store of its own (one Store per thread).
class ZooTrainJob : public QObject, private db::ZooTrainListener {
    Q_OBJECT

public:
    explicit ZooTrainJob(std::shared_ptr<const std::atomic<bool>> cancel)
        : m_cancel(std::move(cancel))
    {
    }

    void run(const QString& storePath, const db::ZooTrainRequest& request)
    {
        auto result = std::make_shared<ZooTrainResult>();
        result->storePath = storePath;
        const std::filesystem::path modelsDir
            = request.modelsDir.empty() ? db::defaultZooModelsDir() : request.modelsDir;
        result->modelsDir = QString::fromStdString(modelsDir.string());
        std::optional<db::Store> store;
        try {
            result->outcome = db::trainZooIntoStore(
                request,
                [&]() -> db::Store& {
                    store = db::Store::open(storePath.toStdString());
                    return *store;
                },
                *this);
        } catch (const std::exception& error) {
            result->error = QString::fromStdString(error.what());
        }
        Q_EMIT finished(std::move(result));
    }

Q_SIGNALS:
    void progress(double fraction, const QString& message);
    void finished(std::shared_ptr<const awb::ui::ZooTrainResult> result);

private:
    void onProgress(const db::ZooTrainProgress& update) override
    {
        Q_EMIT progress(update.fraction, QString::fromStdString(update.message));
    }
    bool cancelRequested() override { return m_cancel->load(); }

    std::shared_ptr<const std::atomic<bool>> m_cancel;
};

ZooTrainWorker::ZooTrainWorker(QObject* parent)
    : QObject(parent)
    , m_thread(new QThread(this))
    , m_cancel(std::make_shared<std::atomic<bool>>(false))
{
    qRegisterMetaType<std::shared_ptr<const awb::ui::ZooTrainResult>>();
    m_thread->setObjectName(QStringLiteral("ZooTrainWorker"));
    m_job = std::make_unique<ZooTrainJob>(m_cancel);
    m_job->moveToThread(m_thread);
    // Emitted on the worker thread, received here on the GUI thread: queued connections.
    connect(m_job.get(), &ZooTrainJob::progress, this, &ZooTrainWorker::progress);
    connect(m_job.get(), &ZooTrainJob::finished, this, &ZooTrainWorker::deliver);
    m_thread->start();
}

ZooTrainWorker::~ZooTrainWorker()
{
    m_cancel->store(true);
    m_thread->quit();
    m_thread->wait();
    m_job.reset();
}

bool ZooTrainWorker::start(const QString& storePath, const db::ZooTrainRequest& request)
{
    if (m_running)
        return false;
    m_running = true;
    m_cancel->store(false);
    ZooTrainJob* job = m_job.get();
    QMetaObject::invokeMethod(
        job, [job, storePath, request] { job->run(storePath, request); }, Qt::QueuedConnection);
    return true;
}

void ZooTrainWorker::cancel()
{
    if (m_running)
        m_cancel->store(true);
}

void ZooTrainWorker::deliver(const std::shared_ptr<const ZooTrainResult>& result)
{
    m_running = false;
    Q_EMIT finished(result);
}

} // namespace awb::ui

#include "zoo_train_worker.moc"
