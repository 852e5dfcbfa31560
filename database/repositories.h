#pragma once

#include "core/records/device_record.h"
#include "core/records/model_record.h"
#include "core/records/profile_record.h"
#include "core/records/run_record.h"
#include "database/store.h"

#include <optional>
#include <vector>

namespace awb::db {

// Repositories take and return core records; ids are assigned by the store and written back
// into the record passed in. An empty `uid` is filled with a fresh random one.
// Threading: use from the thread that owns the Store.

class DeviceRepository {
public:
    explicit DeviceRepository(Store& store) : m_store(store) { }
    // Returns the id of an existing device with the same uid, or inserts it.
    std::int64_t upsert(core::DeviceRecord& device);
    std::optional<core::DeviceRecord> find(std::int64_t id);
    std::vector<core::DeviceRecord> list();

private:
    Store& m_store;
};

class DatasetRepository {
public:
    explicit DatasetRepository(Store& store) : m_store(store) { }
    std::int64_t upsert(core::DatasetRecord& dataset);
    std::optional<core::DatasetRecord> find(std::int64_t id);
    std::vector<core::DatasetRecord> list();

private:
    Store& m_store;
};

class ModelRepository {
public:
    explicit ModelRepository(Store& store) : m_store(store) { }
    // Inserts the model and its outputs in one transaction.
    std::int64_t insert(core::ModelRecord& model);
    // Inserts the model with the per-input correctness of its outputs, all or nothing; the
    // records' modelId is ignored (the new model's id is used).
    std::int64_t insert(core::ModelRecord& model, const std::vector<core::InputCorrectnessRecord>& correctness);
    std::optional<core::ModelRecord> find(std::int64_t id);
    std::optional<core::ModelRecord> findByName(const std::string& name);
    std::vector<core::ModelRecord> list();
    // The newest version of each name (re-training adds a row), ordered by that row's id: what
    // `profile` sweeps.
    std::vector<core::ModelRecord> listNewest();
    void putCorrectness(const core::InputCorrectnessRecord& record);
    std::optional<core::InputCorrectnessRecord> correctness(std::int64_t modelId, int outputIndex,
                                                            std::int64_t datasetId);

private:
    Store& m_store;
};

class ProfileRepository {
public:
    explicit ProfileRepository(Store& store) : m_store(store) { }
    std::int64_t createSession(core::ProfileSessionRecord& session);
    void finishSession(std::int64_t sessionId, core::SessionStatus status, const std::string& finishedAt);
    std::int64_t addCell(core::ProfileCellRecord& cell);
    std::optional<core::ProfileSessionRecord> findSession(std::int64_t id);
    // The newest session on `deviceId` with exactly these settings that is not complete
    // (running when its process was killed, cancelled, failed): what a re-run resumes.
    std::optional<core::ProfileSessionRecord> findResumableSession(
        std::int64_t deviceId, const std::string& settingsJson);
    std::vector<core::ProfileSessionSummary> listSessions();
    std::vector<core::ProfileCellRecord> cells(std::int64_t sessionId);
    // The same cells, in the same order, with their models' names and kinds.
    std::vector<core::ProfileCellWithModel> cellsWithModels(std::int64_t sessionId);

private:
    Store& m_store;
};

class RunRepository {
public:
    explicit RunRepository(Store& store) : m_store(store) { }
    std::int64_t createRun(core::RunRecord& run);
    void finishRun(std::int64_t runId, core::SessionStatus status, const std::string& finishedAt);
    std::optional<core::RunRecord> findRun(std::int64_t id);
    // Newest first, with step counts; fast on stores with millions of steps.
    std::vector<core::RunSummary> listRuns();
    std::vector<core::RunStepRecord> steps(std::int64_t runId);
    std::int64_t addEvent(core::RunEventRecord& event);
    std::vector<core::RunEventRecord> events(std::int64_t runId);

private:
    Store& m_store;
};

// Counts for `alertwb-cli` summaries and the status bar.
struct StoreSummary {
    std::int64_t devices = 0;
    std::int64_t models = 0;
    std::int64_t profileSessions = 0;
    std::int64_t profileCells = 0;
    std::int64_t runs = 0;
    std::int64_t runSteps = 0;
};
StoreSummary summarize(Store& store);

} // namespace awb::db
