#include "widgets/models_loader.h"

#include "database/repositories.h"
#include "database/shipped_models.h"
#include "database/store.h"

#include <QThread>

#include <exception>
#include <optional>

namespace awb::ui {

// Lives on the loader's thread; each job opens a Store of its own (one Store per thread).
class ModelsWorker : public QObject {
    Q_OBJECT

public:
    explicit ModelsWorker(std::shared_ptr<const std::atomic<quint64>> latestJob)
        : m_latestJob(std::move(latestJob))
    {
    }

    void load(quint64 jobId, const QString& storePath)
    {
        if (m_latestJob->load() != jobId)
            return;
        try {
            db::Store store = db::Store::open(storePath.toStdString());
            auto snapshot = std::make_shared<ModelsSnapshot>();
            snapshot->jobId = jobId;
            snapshot->storePath = storePath;
            // As `alertwb-cli models list` does: a first run shows the trained zoo.
            const db::ShippedModelsOutcome shipped = db::installShippedModelsIfPresent(store);
            snapshot->shippedAdded = static_cast<int>(shipped.added);
            snapshot->shippedWarning = QString::fromStdString(shipped.warning);
            snapshot->models = db::ModelRepository(store).listNewest();
            if (m_latestJob->load() != jobId)
                return;
            Q_EMIT finished(std::move(snapshot));
        } catch (const std::exception& error) {
            Q_EMIT failed(jobId, storePath, QString::fromStdString(error.what()));
        }
    }

    void import(const QString& storePath, const db::ModelImportRequest& request)
    {
        auto outcome = std::make_shared<ModelImportOutcome>();
        outcome->storePath = storePath;
        outcome->name = QString::fromStdString(request.name);
        try {
            std::optional<db::Store> store;
            // The cheap refusals (shape, zoo name) come before the store is opened, as in the CLI.
            db::checkModelImportRequest(request, nullptr);
            store = db::Store::open(storePath.toStdString());
            db::checkModelImportRequest(request, &*store);
            outcome->model = db::importModel(
                request, [&]() -> db::Store& { return *store; },
                [this](const std::string& line) { Q_EMIT note(QString::fromStdString(line)); });
            outcome->imported = true;
        } catch (const std::exception& error) {
            outcome->message = QString::fromStdString(error.what());
        }
        Q_EMIT imported(std::move(outcome));
    }

Q_SIGNALS:
    void finished(std::shared_ptr<const awb::ui::ModelsSnapshot> snapshot);
    void failed(quint64 jobId, const QString& storePath, const QString& message);
    void note(const QString& line);
    void imported(std::shared_ptr<const awb::ui::ModelImportOutcome> outcome);

private:
    std::shared_ptr<const std::atomic<quint64>> m_latestJob;
};

ModelsLoader::ModelsLoader(QObject* parent)
    : QObject(parent)
    , m_thread(new QThread(this))
    , m_latestJob(std::make_shared<std::atomic<quint64>>(0))
{
    qRegisterMetaType<std::shared_ptr<const awb::ui::ModelsSnapshot>>();
    qRegisterMetaType<std::shared_ptr<const awb::ui::ModelImportOutcome>>();
    m_thread->setObjectName(QStringLiteral("ModelsLoader"));
    m_worker = std::make_unique<ModelsWorker>(m_latestJob);
    m_worker->moveToThread(m_thread);
    // Emitted on the worker thread, received here on the GUI thread: queued connections.
    connect(m_worker.get(), &ModelsWorker::finished, this, &ModelsLoader::deliver);
    connect(m_worker.get(), &ModelsWorker::failed, this, &ModelsLoader::deliverFailure);
    connect(m_worker.get(), &ModelsWorker::note, this, &ModelsLoader::importNote);
    connect(m_worker.get(), &ModelsWorker::imported, this, &ModelsLoader::deliverImport);
    m_thread->start();
}

ModelsLoader::~ModelsLoader()
{
    m_latestJob->store(0);
    m_thread->quit();
    // Waits for an import in flight to end: it writes the store and must not be cut off.
    m_thread->wait();
    m_worker.reset();
}

quint64 ModelsLoader::load(const QString& storePath)
{
    const quint64 jobId = m_nextJob++;
    m_currentJob = jobId;
    m_latestJob->store(jobId);
    ModelsWorker* worker = m_worker.get();
    QMetaObject::invokeMethod(
        worker, [worker, jobId, storePath] { worker->load(jobId, storePath); }, Qt::QueuedConnection);
    return jobId;
}

void ModelsLoader::cancel()
{
    m_currentJob = 0;
    m_latestJob->store(0);
}

bool ModelsLoader::startImport(const QString& storePath, db::ModelImportRequest request)
{
    if (m_importing)
        return false;
    m_importing = true;
    if (request.modelsDir.empty())
        request.modelsDir = db::defaultModelsDir(storePath.toStdString());
    ModelsWorker* worker = m_worker.get();
    QMetaObject::invokeMethod(
        worker, [worker, storePath, request] { worker->import(storePath, request); }, Qt::QueuedConnection);
    return true;
}

void ModelsLoader::deliver(const std::shared_ptr<const ModelsSnapshot>& snapshot)
{
    if (!snapshot || snapshot->jobId != m_currentJob)
        return; // stale: a newer load (or a cancel) came after it
    m_currentJob = 0;
    Q_EMIT loaded(snapshot);
}

void ModelsLoader::deliverFailure(quint64 jobId, const QString& storePath, const QString& message)
{
    if (jobId != m_currentJob)
        return;
    m_currentJob = 0;
    Q_EMIT loadFailed(storePath, message);
}

void ModelsLoader::deliverImport(const std::shared_ptr<const ModelImportOutcome>& outcome)
{
    m_importing = false;
    Q_EMIT importFinished(outcome);
}

} // namespace awb::ui

#include "models_loader.moc"
