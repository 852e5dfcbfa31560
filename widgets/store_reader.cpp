#include "widgets/store_reader.h"

#include <QThread>

namespace awb::ui {

StoreReader::StoreReader(QObject* parent)
    : QObject(parent)
    , m_thread(new QThread(this))
    , m_context(new QObject)
    , m_latestJob(std::make_shared<std::atomic<quint64>>(0))
{
    m_thread->setObjectName(QStringLiteral("StoreReader"));
    m_context->moveToThread(m_thread);
    connect(m_thread, &QThread::finished, m_context, &QObject::deleteLater);
    m_thread->start();
}

StoreReader::~StoreReader()
{
    m_latestJob->store(0);
    m_thread->quit();
    m_thread->wait();
}

void StoreReader::cancel()
{
    m_latestJob->store(0);
    m_currentJob = 0;
}

quint64 StoreReader::post(const QString& storePath, std::function<void(db::Store&)> work,
    std::function<void()> deliver, std::function<void(const QString&)> onFailed)
{
    const quint64 jobId = m_nextJob++;
    m_currentJob = jobId;
    m_latestJob->store(jobId);
    const QPointer<StoreReader> self(this);
    const auto latest = m_latestJob;
    QMetaObject::invokeMethod(
        m_context,
        [self, latest, jobId, storePath, work = std::move(work), deliver = std::move(deliver),
            onFailed = std::move(onFailed)] {
            if (latest->load() != jobId)
                return;
            QString failure;
            bool failed = false;
            try {
                db::Store store = db::Store::open(storePath.toStdString());
                work(store);
            } catch (const std::exception& error) {
                failed = true;
                failure = QString::fromStdString(error.what()).simplified();
            }
            if (latest->load() != jobId)
                return;
            // Back on the GUI thread; `self` is null there when the reader is gone.
            QMetaObject::invokeMethod(
                self.data(),
                [self, latest, jobId, failed, failure, deliver, onFailed] {
                    if (!self || latest->load() != jobId)
                        return;
                    self->m_currentJob = 0;
                    if (failed)
                        onFailed(failure);
                    else
                        deliver();
                },
                Qt::QueuedConnection);
        },
        Qt::QueuedConnection);
    return jobId;
}

} // namespace awb::ui
