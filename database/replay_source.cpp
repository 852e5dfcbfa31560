#include "database/replay_source.h"

#include "database/repositories.h"
#include "database/store_error.h"

#include <algorithm>
#include <map>

namespace awb::db {

namespace {

    core::ProfileSessionRecord chooseSession(Store& store, std::int64_t requested)
    {
        ProfileRepository profiles(store);
        if (requested != 0) {
            auto session = profiles.findSession(requested);
            if (!session)
                throw StoreError("no profile session " + std::to_string(requested) + " in " + store.path().string());
            return *session;
        }
        for (const core::ProfileSessionSummary& summary : profiles.listSessions()) { // newest first
            if (summary.session.status == core::SessionStatus::Complete)
                return summary.session;
        }
        throw StoreError("no complete profile session in " + store.path().string()
            + " (run `alertwb-cli profile` first, or name one with --session ID)");
    }

} // namespace

ReplaySource loadReplaySource(Store& store, std::int64_t sessionId, const std::vector<std::string>& modelNames)
{
    ReplaySource source;
    source.session = chooseSession(store, sessionId);
    if (auto device = DeviceRepository(store).find(source.session.deviceId))
        source.device = std::move(*device);
    source.cells = ProfileRepository(store).cells(source.session.id);
    if (source.cells.empty())
        throw StoreError("profile session " + std::to_string(source.session.id) + " has no cells");

    ModelRepository models(store);
    std::vector<core::ModelRecord> measured;
    for (const core::ProfileCellRecord& cell : source.cells) {
        if (std::none_of(measured.begin(), measured.end(), [&](const auto& m) { return m.id == cell.modelId; })) {
            auto model = models.find(cell.modelId);
            if (!model)
                throw StoreError("profile session " + std::to_string(source.session.id) + " measured model id "
                    + std::to_string(cell.modelId) + ", which the store no longer has");
            measured.push_back(std::move(*model));
        }
    }
    if (modelNames.empty()) {
        source.models = std::move(measured);
    } else {
        for (const std::string& name : modelNames) {
            const auto found
                = std::find_if(measured.begin(), measured.end(), [&](const auto& m) { return m.name == name; });
            if (found == measured.end()) {
                std::string names;
                for (const auto& m : measured)
                    names += (names.empty() ? "" : ", ") + m.name;
                throw StoreError("profile session " + std::to_string(source.session.id) + " did not measure model '"
                    + name + "' (it measured " + names + ")");
            }
            source.models.push_back(*found);
        }
    }

    if (source.session.datasetId == 0)
        throw StoreError("profile session " + std::to_string(source.session.id)
            + " names no data set, so there is no per-input correctness to replay");
    for (const core::ModelRecord& model : source.models) {
        std::vector<std::vector<bool>> outputs;
        for (const core::ModelOutputRecord& output : model.outputs) {
            auto record = models.correctness(model.id, output.index, source.session.datasetId);
            if (!record || record->correct.empty())
                throw StoreError("model '" + model.name + "' output " + std::to_string(output.index)
                    + " has no per-input correctness on the data set of profile session "
                    + std::to_string(source.session.id));
            outputs.push_back(std::move(record->correct));
        }
        source.correctness.push_back(std::move(outputs));
    }
    return source;
}

} // namespace awb::db
