#include "widgets/history_loader.h"

#include "database/repositories.h"
#include "widgets/store_reader.h"

namespace awb::ui {

HistoryLoader::HistoryLoader(QObject* parent)
    : QObject(parent)
    , m_reader(new StoreReader(this))
{
    qRegisterMetaType<std::shared_ptr<const awb::ui::HistorySnapshot>>();
}

HistoryLoader::~HistoryLoader() = default;

quint64 HistoryLoader::load(const QString& storePath)
{
    auto jobId = std::make_shared<quint64>(0); // known once run() returns, before any delivery
    *jobId = m_reader->run<std::shared_ptr<HistorySnapshot>>(
        storePath,
        [storePath](db::Store& store) {
            auto snapshot = std::make_shared<HistorySnapshot>();
            snapshot->storePath = storePath;
            snapshot->sessions = db::ProfileRepository(store).listSessions();
            snapshot->runs = db::RunRepository(store).listRuns();
            return snapshot;
        },
        [this, jobId](std::shared_ptr<HistorySnapshot> snapshot) {
            snapshot->jobId = *jobId;
            Q_EMIT loaded(std::move(snapshot));
        },
        [this, storePath](const QString& message) { Q_EMIT loadFailed(storePath, message); });
    return *jobId;
}

void HistoryLoader::cancel() { m_reader->cancel(); }

bool HistoryLoader::isLoading() const { return m_reader->isBusy(); }

} // namespace awb::ui
