#include "database/profile_sweep.h"

#include "core/models/fashion_mnist.h"
#include "core/models/model_loader.h"
#include "core/models/torch_runtime.h"
#include "core/power/backend_factory.h"
#include "core/power/cap_guard.h"
#include "core/system/host_info.h"
#include "core/system/iso_time.h"
#include "core/system/sha256.h"
#include "database/repositories.h"
#include "database/store_internal.h"

#include <SQLiteCpp/Exception.h>
#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

namespace awb::db {

namespace {

    using Kind = ProfileSweepError::Kind;

    // Real hardware needs a moment after a new limit before it is enforced (RAPL's averaging
    // window is about 1 s); the emulated model applies a cap at once.
    constexpr double kRealCapSettleS = 1.0;

    std::string joinedNames(const std::vector<core::ModelRecord>& models)
    {
        std::string names;
        for (const core::ModelRecord& model : models)
            names += (names.empty() ? "" : ", ") + model.name;
        return names;
    }

    std::vector<core::ModelRecord> selectModels(Store& store, const std::vector<std::string>& names)
    {
        std::vector<core::ModelRecord> all = ModelRepository(store).listNewest();
        if (all.empty())
            throw ProfileSweepError("the store " + store.path().string()
                    + " holds no models: train the zoo (alertwb-cli train --zoo) or import one (alertwb-cli models "
                      "import)",
                Kind::BadRequest);
        if (names.empty())
            return all;
        std::vector<core::ModelRecord> chosen;
        for (const std::string& name : names) {
            auto found
                = std::find_if(all.begin(), all.end(), [&](const core::ModelRecord& m) { return m.name == name; });
            if (found == all.end())
                throw ProfileSweepError(
                    "unknown model '" + name + "' (the store holds: " + joinedNames(all) + ")", Kind::BadRequest);
            if (std::none_of(chosen.begin(), chosen.end(), [&](const core::ModelRecord& m) { return m.name == name; }))
                chosen.push_back(*found);
        }
        // In store order whatever the order named: the session's settings, which a re-run must
        // match to resume, do not depend on how the list was typed.
        std::sort(chosen.begin(), chosen.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
        return chosen;
    }

    core::OpenedBackend openBackend(
        const std::string& name, unsigned int gpu, const core::EmulatedDeviceProfile& profile)
    {
        try {
            return core::openPowerBackend(name, gpu, profile);
        } catch (const std::invalid_argument&) {
            throw ProfileSweepError(
                "--backend must be auto, rapl, nvml or emulated, not '" + name + "'", Kind::BadRequest);
        } catch (const core::PowerError& error) {
            throw ProfileSweepError(
                std::string("cannot profile with this backend: ") + error.what(), Kind::Unavailable);
        }
    }

    std::string sessionSettingsJson(const std::string& backend, const std::vector<core::ModelRecord>& models,
        const core::ProfilerSettings& settings)
    {
        nlohmann::ordered_json json;
        json["backend"] = backend;
        nlohmann::ordered_json listed = nlohmann::ordered_json::array();
        for (const core::ModelRecord& model : models)
            listed.push_back({ { "id", model.id }, { "name", model.name } });
        json["models"] = listed;
        json["profiler"] = nlohmann::ordered_json::parse(settings.toJson());
        return json.dump();
    }

    // The settings a session was started with, read back so Resume runs exactly them.
    struct StoredSweep {
        core::ProfileSessionRecord session;
        std::string backend;
        core::EmulatedDeviceProfile emulatedProfile;
        std::vector<core::ModelRecord> models;
        core::ProfilerSettings settings;
    };

    StoredSweep storedSweep(Store& store, std::int64_t sessionId)
    {
        const std::string named = "profile session " + std::to_string(sessionId);
        StoredSweep stored;
        auto session = ProfileRepository(store).findSession(sessionId);
        if (!session)
            throw ProfileSweepError(named + " is not in the store " + store.path().string(), Kind::BadRequest);
        if (session->status == core::SessionStatus::Complete)
            throw ProfileSweepError(named + " is complete: there is nothing to resume", Kind::BadRequest);
        stored.session = *session;
        try {
            const nlohmann::json json = nlohmann::json::parse(session->settingsJson);
            stored.backend = json.at("backend").get<std::string>();
            stored.settings = core::ProfilerSettings::fromJson(json.at("profiler").dump());
            ModelRepository models(store);
            const nlohmann::json& listed = json.at("models");
            for (const nlohmann::json& entry : listed) {
                auto model = models.find(entry.at("id").get<std::int64_t>());
                if (!model)
                    throw ProfileSweepError(named + " measures model '" + entry.at("name").get<std::string>()
                            + "', which is no longer in the store",
                        Kind::BadRequest);
                stored.models.push_back(*model);
            }
        } catch (const nlohmann::json::exception& error) {
            throw ProfileSweepError(
                named + " has settings this build cannot read (" + error.what() + ")", Kind::BadRequest);
        } catch (const std::invalid_argument& error) {
            throw ProfileSweepError(
                named + " has settings this build cannot read (" + error.what() + ")", Kind::BadRequest);
        }
        if (auto device = DeviceRepository(store).find(session->deviceId); device && !device->emulationJson.empty())
            stored.emulatedProfile = core::EmulatedDeviceProfile::fromJson(device->emulationJson);
        return stored;
    }

    // Stores each cell the moment it is measured and passes everything on to the observer.
    class StoringListener : public core::ProfileListener {
    public:
        StoringListener(Store& store, std::int64_t sessionId, ProfileSweepObserver& observer)
            : m_path(store.path())
            , m_profiles(store)
            , m_sessionId(sessionId)
            , m_observer(observer)
        {
        }
        void onCell(const core::ProfileCellRecord& measured) override
        {
            core::ProfileCellRecord cell = measured;
            cell.sessionId = m_sessionId;
            try {
                m_profiles.addCell(cell);
            } catch (const SQLite::Exception& error) {
                // E.g. another process holds the write lock past the busy timeout, or the disk is full.
                throw StoreError("cannot record a cell in the store " + detail::quotedPath(m_path) + " (" + error.what()
                    + "); the cells measured before it are kept");
            }
            m_observer.onCell(cell);
        }
        void onProgress(const core::ProfileProgress& progress) override { m_observer.onProgress(progress); }
        void onCellStarted(const std::string& cell) override { m_observer.onCellStarted(cell); }
        bool cancelRequested() override { return m_observer.cancelRequested(); }

    private:
        std::filesystem::path m_path;
        ProfileRepository m_profiles;
        std::int64_t m_sessionId;
        ProfileSweepObserver& m_observer;
    };

} // namespace

core::DeviceRecord deviceRecordOf(const core::PowerBackend& backend)
{
    const auto* emulated = dynamic_cast<const core::EmulatedBackend*>(&backend);
    const std::string emulationJson = emulated != nullptr ? emulated->model().profile().toJson() : "";
    core::DeviceRecord device;
    device.host = core::hostName();
    device.cpuModel = core::cpuModelName();
    if (backend.name() == "nvml")
        device.gpuModel = backend.deviceDescription();
    device.backend = backend.name();
    device.emulationJson = emulationJson;
    device.uid = "device-"
        + core::sha256Hex(device.host + '\n' + device.cpuModel + '\n' + backend.deviceDescription() + '\n'
            + device.backend + '\n' + emulationJson)
              .substr(0, 32);
    return device;
}

std::vector<double> parseCapList(const std::string& text)
{
    std::vector<double> caps;
    std::string part;
    bool sawAuto = false;
    for (std::size_t begin = 0; begin <= text.size();) {
        std::size_t end = text.find(',', begin);
        if (end == std::string::npos)
            end = text.size();
        part = text.substr(begin, end - begin);
        part.erase(0, part.find_first_not_of(" \t"));
        part.erase(part.find_last_not_of(" \t") + 1);
        begin = end + 1;
        if (part.empty())
            continue;
        if (part == "auto") {
            sawAuto = true;
            continue;
        }
        std::size_t used = 0;
        double value = NAN;
        try {
            value = std::stod(part, &used);
        } catch (const std::exception&) {
            used = 0;
        }
        if (used != part.size() || !std::isfinite(value) || value <= 0.0)
            throw ProfileSweepError("power caps must be 'auto' or watts separated by commas, e.g. 30,45,60; '" + part
                    + "' is not a power in W",
                Kind::BadRequest);
        caps.push_back(value);
    }
    if (sawAuto && !caps.empty())
        throw ProfileSweepError("power caps are either 'auto' or a list of watts, not both", Kind::BadRequest);
    return caps;
}

ProfileSweepResult runProfileSweep(Store& store, const ProfileSweepRequest& request, ProfileSweepObserver& observer)
{
    std::optional<StoredSweep> resumed;
    if (request.resumeSessionId != 0)
        resumed = storedSweep(store, request.resumeSessionId);
    const std::vector<core::ModelRecord> models = resumed ? resumed->models : selectModels(store, request.modelNames);

    core::OpenedBackend opened = resumed ? openBackend(resumed->backend, request.gpu, resumed->emulatedProfile)
                                         : openBackend(request.backend, request.gpu, request.emulatedProfile);
    core::PowerBackend& backend = *opened.backend;
    if (!backend.availability().canSetCap)
        throw ProfileSweepError(
            backend.name() + " cannot set power caps here: " + backend.availability().reason, Kind::Unavailable);

    core::ProfilerSettings settings;
    if (resumed) {
        settings = resumed->settings;
    } else {
        settings.capsW = request.capsW.empty() ? backend.capRange().evenlySpacedW(kAutoCapLevels) : request.capsW;
        settings.warmup = request.warmup;
        settings.replicates = request.replicates;
        settings.evalSamples = static_cast<std::size_t>(std::max(request.evalSamples, 0));
        settings.capSettleS = backend.isEmulated() ? 0.0 : kRealCapSettleS;
    }
    std::optional<core::Profiler> profiler;
    try {
        profiler.emplace(backend, settings);
    } catch (const core::PowerCapRangeError& error) {
        throw ProfileSweepError(error.what(), Kind::BadRequest);
    } catch (const std::invalid_argument& error) {
        throw ProfileSweepError(error.what(), Kind::BadRequest);
    }

    core::FashionMnist data;
    try {
        data = core::loadFashionMnist();
    } catch (const std::runtime_error& error) {
        throw ProfileSweepError(error.what(), Kind::Unavailable);
    }
    std::vector<core::ProfileModel> runnable;
    ProfileSweepResult result;
    for (const core::ModelRecord& model : models) {
        try {
            runnable.push_back({ model, core::loadModelCandidate(model) });
        } catch (const std::exception& error) {
            throw ProfileSweepError(error.what(), Kind::Unavailable);
        }
        result.modelNames.emplace(model.id, model.name);
    }

    // Everything that can be refused has been; learn now, before any cap changes, whether the
    // results can be recorded.
    store.requireWritable();
    core::DeviceRecord device = deviceRecordOf(backend);
    DeviceRepository(store).upsert(device);
    core::DatasetRecord dataset = core::fashionMnistTestDataset(data);
    DatasetRepository(store).upsert(dataset);

    ProfileRepository profiles(store);
    std::set<core::ProfileCellKey> finished;
    core::ProfileSessionRecord session;
    std::optional<core::ProfileSessionRecord> unfinished;
    if (resumed) {
        if (device.id != resumed->session.deviceId)
            throw ProfileSweepError("profile session " + std::to_string(resumed->session.id)
                    + " was measured on another device or backend setup; it can be resumed only there",
                Kind::Unavailable);
        unfinished = resumed->session;
    } else {
        unfinished = profiles.findResumableSession(device.id, sessionSettingsJson(backend.name(), models, settings));
    }
    if (unfinished) {
        session = *unfinished;
        for (const core::ProfileCellRecord& cell : profiles.cells(session.id))
            finished.insert(core::ProfileCellKey::of(cell));
        profiles.finishSession(session.id, core::SessionStatus::Running, "");
    } else {
        session.deviceId = device.id;
        session.datasetId = dataset.id;
        session.settingsJson = sessionSettingsJson(backend.name(), models, settings);
        session.versionsJson
            = nlohmann::json { { "alertwb", AWB_VERSION }, { "libtorch", core::torchVersion() } }.dump();
        profiles.createSession(session);
    }

    ProfileSweepStart& start = result.start;
    start.sessionId = session.id;
    start.cellsAlreadyMeasured = finished.size();
    start.backend = backend.name();
    start.deviceDescription = backend.deviceDescription();
    start.emulated = backend.isEmulated();
    start.backendNote = opened.note;
    start.modelCount = models.size();
    start.models = models;
    start.capsW = settings.capsW;
    observer.onStarted(start);

    StoringListener listener(store, session.id, observer);
    try {
        core::CapGuard guard(backend);
        if (!observer.cancelRequested())
            result.outcome = profiler->run(runnable, data.test, finished, listener);
        else
            result.outcome.cancelled = true;
        guard.restoreNow();
    } catch (...) {
        try {
            profiles.finishSession(session.id, core::SessionStatus::Failed, core::isoTimeUtcNow());
        } catch (const std::exception&) {
            // The store itself failed (e.g. it became unwritable): the first error is the one to report.
        }
        throw;
    }
    profiles.finishSession(session.id,
        result.outcome.cancelled ? core::SessionStatus::Cancelled : core::SessionStatus::Complete,
        core::isoTimeUtcNow());
    result.cells = profiles.cells(session.id);
    return result;
}

} // namespace awb::db
