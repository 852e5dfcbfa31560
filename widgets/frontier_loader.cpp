#include "widgets/frontier_loader.h"

#include "database/repositories.h"
#include "database/store.h"
#include "widgets/store_reader.h"

namespace awb::ui {

namespace {

    QString toQString(const std::string& text) { return QString::fromStdString(text); }

    std::shared_ptr<FrontierSnapshot> readSession(db::Store& store, const QString& storePath, qint64 sessionId)
    {
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

FrontierLoader::FrontierLoader(QObject* parent)
    : QObject(parent)
    , m_reader(new StoreReader(this))
{
    qRegisterMetaType<std::shared_ptr<const awb::ui::FrontierSnapshot>>();
}

FrontierLoader::~FrontierLoader() = default;

quint64 FrontierLoader::load(const QString& storePath, qint64 sessionId)
{
    auto jobId = std::make_shared<quint64>(0); // known once run() returns, before any delivery
    *jobId = m_reader->run<std::shared_ptr<FrontierSnapshot>>(
        storePath, [storePath, sessionId](db::Store& store) { return readSession(store, storePath, sessionId); },
        [this, jobId](std::shared_ptr<FrontierSnapshot> snapshot) {
            snapshot->jobId = *jobId;
            Q_EMIT loaded(std::move(snapshot));
        },
        [this](const QString& message) { Q_EMIT loadFailed(message); });
    return *jobId;
}

void FrontierLoader::cancel() { m_reader->cancel(); }

bool FrontierLoader::isLoading() const { return m_reader->isBusy(); }

} // namespace awb::ui
