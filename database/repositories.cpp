#include "database/repositories.h"

#include "database/store_internal.h"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Savepoint.h>
#include <SQLiteCpp/Statement.h>
#include <cstdio>
#include <ctime>
#include <functional>
#include <map>
#include <random>

namespace awb::db {

namespace {

    // 128 random bits as 32 lowercase hex digits. The generator is per thread, so
    // repositories on different threads never share state.
    std::string randomUid()
    {
        thread_local std::mt19937_64 generator = [] {
            std::random_device device;
            std::seed_seq seed { device(), device(), device(), device(), device(), device(), device(), device() };
            return std::mt19937_64(seed);
        }();
        char text[33];
        std::snprintf(text, sizeof text, "%016llx%016llx", static_cast<unsigned long long>(generator()),
            static_cast<unsigned long long>(generator()));
        return text;
    }

    void fillUid(std::string& uid)
    {
        if (uid.empty())
            uid = randomUid();
    }

    // Current time as ISO-8601 UTC with seconds ("2024-05-01T12:34:56Z"), for NOT NULL
    // timestamps the caller left empty.
    void fillNow(std::string& timestamp)
    {
        if (!timestamp.empty())
            return;
        const std::time_t now = std::time(nullptr);
        std::tm utc {};
        ::gmtime_r(&now, &utc);
        char text[32];
        std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
        timestamp = text;
    }

    // Optional references are stored as NULL; records use 0 for "none".
    void bindOptionalId(SQLite::Statement& statement, int index, std::int64_t id)
    {
        if (id == 0)
            statement.bind(index);
        else
            statement.bind(index, id);
    }

    // SQLite integers are signed 64-bit; seeds keep all 64 bits through a two's-complement cast.
    std::int64_t seedToColumn(std::uint64_t seed) { return static_cast<std::int64_t>(seed); }
    std::uint64_t seedFromColumn(std::int64_t value) { return static_cast<std::uint64_t>(value); }

    // ---- device and dataset -------------------------------------------------------------

    constexpr const char* kDeviceColumns = "id, uid, host, cpu_model, gpu_model, backend, emulation_json, created_at";

    core::DeviceRecord readDevice(const SQLite::Statement& row)
    {
        core::DeviceRecord device;
        device.id = row.getColumn(0).getInt64();
        device.uid = row.getColumn(1).getString();
        device.host = row.getColumn(2).getString();
        device.cpuModel = row.getColumn(3).getString();
        device.gpuModel = row.getColumn(4).getString();
        device.backend = row.getColumn(5).getString();
        device.emulationJson = row.getColumn(6).getString();
        device.createdAt = row.getColumn(7).getString();
        return device;
    }

    constexpr const char* kDatasetColumns = "id, uid, name, split, sample_count, source";

    core::DatasetRecord readDataset(const SQLite::Statement& row)
    {
        core::DatasetRecord dataset;
        dataset.id = row.getColumn(0).getInt64();
        dataset.uid = row.getColumn(1).getString();
        dataset.name = row.getColumn(2).getString();
        dataset.split = row.getColumn(3).getString();
        dataset.sampleCount = row.getColumn(4).getInt64();
        dataset.source = row.getColumn(5).getString();
        return dataset;
    }

    std::int64_t idForUid(SQLite::Database& db, const char* table, const std::string& uid)
    {
        SQLite::Statement select(db, std::string("SELECT id FROM ") + table + " WHERE uid = ?");
        select.bind(1, uid);
        if (!select.executeStep())
            throw StoreError(std::string("no ") + table + " with uid " + uid + " after inserting it");
        return select.getColumn(0).getInt64();
    }

    // ---- model ----------------------------------------------------------------------------

    constexpr const char* kModelColumns
        = "id, uid, name, kind, source, file_path, file_sha256, input_shape, parameters, created_at";

    core::ModelRecord readModel(const SQLite::Statement& row)
    {
        core::ModelRecord model;
        model.id = row.getColumn(0).getInt64();
        model.uid = row.getColumn(1).getString();
        model.name = row.getColumn(2).getString();
        model.kind = core::modelKindFromString(row.getColumn(3).getString());
        model.source = row.getColumn(4).getString();
        model.filePath = row.getColumn(5).getString();
        model.fileSha256 = row.getColumn(6).getString();
        model.inputShape = row.getColumn(7).getString();
        model.parameters = row.getColumn(8).getInt64();
        model.createdAt = row.getColumn(9).getString();
        return model;
    }

    // Attaches outputs to models in one query instead of one per model.
    void loadOutputs(SQLite::Database& db, std::vector<core::ModelRecord>& models)
    {
        if (models.empty())
            return;
        std::map<std::int64_t, core::ModelRecord*> byId;
        for (auto& model : models)
            byId[model.id] = &model;
        std::string sql = "SELECT model_id, output_index, cumulative_macs, cumulative_parameters, test_accuracy "
                          "FROM model_output";
        if (models.size() == 1)
            sql += " WHERE model_id = " + std::to_string(models.front().id);
        sql += " ORDER BY model_id, output_index";
        SQLite::Statement select(db, sql);
        while (select.executeStep()) {
            const auto found = byId.find(select.getColumn(0).getInt64());
            if (found == byId.end())
                continue;
            core::ModelOutputRecord output;
            output.index = select.getColumn(1).getInt();
            output.cumulativeMacs = select.getColumn(2).getInt64();
            output.cumulativeParameters = select.getColumn(3).getInt64();
            output.testAccuracy = select.getColumn(4).getDouble();
            found->second->outputs.push_back(output);
        }
    }

    std::vector<core::ModelRecord> selectModels(
        SQLite::Database& db, const std::string& whereAndOrder, const std::function<void(SQLite::Statement&)>& bind)
    {
        SQLite::Statement select(db, std::string("SELECT ") + kModelColumns + " FROM model " + whereAndOrder);
        if (bind)
            bind(select);
        std::vector<core::ModelRecord> models;
        while (select.executeStep())
            models.push_back(readModel(select));
        loadOutputs(db, models);
        return models;
    }

    // ---- profile ------------------------------------------------------------------------

    constexpr const char* kSessionColumns = "s.id, s.uid, s.device_id, s.dataset_id, s.started_at, s.finished_at, "
                                            "s.status, s.seed, s.settings_json, s.versions_json";

    core::ProfileSessionRecord readSession(const SQLite::Statement& row)
    {
        core::ProfileSessionRecord session;
        session.id = row.getColumn(0).getInt64();
        session.uid = row.getColumn(1).getString();
        session.deviceId = row.getColumn(2).getInt64();
        session.datasetId = row.getColumn(3).isNull() ? 0 : row.getColumn(3).getInt64();
        session.startedAt = row.getColumn(4).getString();
        session.finishedAt = row.getColumn(5).getString();
        session.status = core::sessionStatusFromString(row.getColumn(6).getString());
        session.seed = seedFromColumn(row.getColumn(7).getInt64());
        session.settingsJson = row.getColumn(8).getString();
        session.versionsJson = row.getColumn(9).getString();
        return session;
    }

    // ---- run ------------------------------------------------------------------------------

    constexpr const char* kRunColumns = "r.id, r.uid, r.device_id, r.profile_session_id, r.controller, r.goal_mode, "
                                        "r.deadline_ms, r.energy_budget_j, r.accuracy_goal, r.scenario, "
                                        "r.contention_spec, r.seed, r.input_count, r.started_at, r.finished_at, "
                                        "r.status, r.settings_json";

    core::RunRecord readRun(const SQLite::Statement& row)
    {
        core::RunRecord run;
        run.id = row.getColumn(0).getInt64();
        run.uid = row.getColumn(1).getString();
        run.deviceId = row.getColumn(2).getInt64();
        run.profileSessionId = row.getColumn(3).isNull() ? 0 : row.getColumn(3).getInt64();
        run.controller = row.getColumn(4).getString();
        run.goalMode = row.getColumn(5).getString();
        run.deadlineMs = row.getColumn(6).getDouble();
        run.energyBudgetJ = row.getColumn(7).getDouble();
        run.accuracyGoal = row.getColumn(8).getDouble();
        run.scenario = row.getColumn(9).getString();
        run.contentionSpec = row.getColumn(10).getString();
        run.seed = seedFromColumn(row.getColumn(11).getInt64());
        run.inputCount = row.getColumn(12).getInt64();
        run.startedAt = row.getColumn(13).getString();
        run.finishedAt = row.getColumn(14).getString();
        run.status = core::sessionStatusFromString(row.getColumn(15).getString());
        run.settingsJson = row.getColumn(16).getString();
        return run;
    }

    void finishRow(SQLite::Database& db, const std::filesystem::path& path, const char* table, std::int64_t id,
        core::SessionStatus status, const std::string& finishedAt)
    {
        SQLite::Statement update(db, std::string("UPDATE ") + table + " SET status = ?, finished_at = ? WHERE id = ?");
        update.bind(1, core::toString(status));
        update.bind(2, finishedAt);
        update.bind(3, id);
        if (update.exec() == 0)
            throw StoreError(
                "store " + detail::quotedPath(path) + " has no " + table + " with id " + std::to_string(id));
    }

    std::int64_t countRows(SQLite::Database& db, const char* table)
    {
        return db.execAndGet(std::string("SELECT count(*) FROM ") + table).getInt64();
    }

} // namespace

// ---- DeviceRepository ---------------------------------------------------------------------

std::int64_t DeviceRepository::upsert(core::DeviceRecord& device)
{
    auto& db = m_store.database();
    fillUid(device.uid);
    fillNow(device.createdAt);
    SQLite::Statement insert(db,
        "INSERT INTO device (uid, host, cpu_model, gpu_model, backend, emulation_json, "
        "created_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (uid) DO NOTHING");
    insert.bind(1, device.uid);
    insert.bind(2, device.host);
    insert.bind(3, device.cpuModel);
    insert.bind(4, device.gpuModel);
    insert.bind(5, device.backend);
    insert.bind(6, device.emulationJson);
    insert.bind(7, device.createdAt);
    insert.exec();
    device.id = idForUid(db, "device", device.uid);
    return device.id;
}

std::optional<core::DeviceRecord> DeviceRepository::find(std::int64_t id)
{
    SQLite::Statement select(m_store.database(), std::string("SELECT ") + kDeviceColumns + " FROM device WHERE id = ?");
    select.bind(1, id);
    if (!select.executeStep())
        return std::nullopt;
    return readDevice(select);
}

std::vector<core::DeviceRecord> DeviceRepository::list()
{
    SQLite::Statement select(m_store.database(), std::string("SELECT ") + kDeviceColumns + " FROM device ORDER BY id");
    std::vector<core::DeviceRecord> devices;
    while (select.executeStep())
        devices.push_back(readDevice(select));
    return devices;
}

// ---- DatasetRepository --------------------------------------------------------------------

std::int64_t DatasetRepository::upsert(core::DatasetRecord& dataset)
{
    auto& db = m_store.database();
    fillUid(dataset.uid);
    SQLite::Statement insert(db,
        "INSERT INTO dataset (uid, name, split, sample_count, source) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (uid) DO NOTHING");
    insert.bind(1, dataset.uid);
    insert.bind(2, dataset.name);
    insert.bind(3, dataset.split);
    insert.bind(4, dataset.sampleCount);
    insert.bind(5, dataset.source);
    insert.exec();
    dataset.id = idForUid(db, "dataset", dataset.uid);
    return dataset.id;
}

std::optional<core::DatasetRecord> DatasetRepository::find(std::int64_t id)
{
    SQLite::Statement select(
        m_store.database(), std::string("SELECT ") + kDatasetColumns + " FROM dataset WHERE id = ?");
    select.bind(1, id);
    if (!select.executeStep())
        return std::nullopt;
    return readDataset(select);
}

std::vector<core::DatasetRecord> DatasetRepository::list()
{
    SQLite::Statement select(
        m_store.database(), std::string("SELECT ") + kDatasetColumns + " FROM dataset ORDER BY id");
    std::vector<core::DatasetRecord> datasets;
    while (select.executeStep())
        datasets.push_back(readDataset(select));
    return datasets;
}

// ---- ModelRepository ----------------------------------------------------------------------

std::int64_t ModelRepository::insert(core::ModelRecord& model)
{
    auto& db = m_store.database();
    fillUid(model.uid);
    fillNow(model.createdAt);
    // A savepoint rather than a transaction, so callers may wrap several inserts in their own.
    SQLite::Savepoint savepoint(db, "model_insert");
    SQLite::Statement insertModel(db,
        "INSERT INTO model (uid, name, kind, source, file_path, file_sha256, "
        "input_shape, parameters, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    insertModel.bind(1, model.uid);
    insertModel.bind(2, model.name);
    insertModel.bind(3, core::toString(model.kind));
    insertModel.bind(4, model.source);
    insertModel.bind(5, model.filePath);
    insertModel.bind(6, model.fileSha256);
    insertModel.bind(7, model.inputShape);
    insertModel.bind(8, model.parameters);
    insertModel.bind(9, model.createdAt);
    insertModel.exec();
    const std::int64_t id = db.getLastInsertRowid();

    SQLite::Statement insertOutput(db,
        "INSERT INTO model_output (model_id, output_index, cumulative_macs, "
        "cumulative_parameters, test_accuracy) VALUES (?, ?, ?, ?, ?)");
    for (const auto& output : model.outputs) {
        insertOutput.bind(1, id);
        insertOutput.bind(2, output.index);
        insertOutput.bind(3, output.cumulativeMacs);
        insertOutput.bind(4, output.cumulativeParameters);
        insertOutput.bind(5, output.testAccuracy);
        insertOutput.exec();
        insertOutput.reset();
    }
    savepoint.release();
    model.id = id;
    return id;
}

std::int64_t ModelRepository::insert(
    core::ModelRecord& model, const std::vector<core::InputCorrectnessRecord>& correctness)
{
    SQLite::Savepoint savepoint(m_store.database(), "model_insert_with_correctness");
    const std::int64_t id = insert(model);
    for (core::InputCorrectnessRecord record : correctness) {
        record.modelId = id;
        putCorrectness(record);
    }
    savepoint.release();
    return id;
}

std::optional<core::ModelRecord> ModelRepository::find(std::int64_t id)
{
    auto models = selectModels(m_store.database(), "WHERE id = ?", [id](SQLite::Statement& s) { s.bind(1, id); });
    if (models.empty())
        return std::nullopt;
    return std::move(models.front());
}

std::optional<core::ModelRecord> ModelRepository::findByName(const std::string& name)
{
    // Names are not unique (a model may be imported twice); the newest one wins.
    auto models = selectModels(m_store.database(), "WHERE name = ? ORDER BY id DESC LIMIT 1",
        [&name](SQLite::Statement& s) { s.bind(1, name); });
    if (models.empty())
        return std::nullopt;
    return std::move(models.front());
}

std::vector<core::ModelRecord> ModelRepository::list() { return selectModels(m_store.database(), "ORDER BY id", {}); }

void ModelRepository::putCorrectness(const core::InputCorrectnessRecord& record)
{
    // Bit i of byte i / 8, least significant first (see the schema).
    std::vector<unsigned char> bits((record.correct.size() + 7) / 8, 0);
    for (std::size_t i = 0; i < record.correct.size(); ++i) {
        if (record.correct[i])
            bits[i / 8] |= static_cast<unsigned char>(1u << (i % 8));
    }
    SQLite::Statement upsert(m_store.database(),
        "INSERT INTO input_correctness (model_id, output_index, dataset_id, input_count, "
        "correct_bits) VALUES (?, ?, ?, ?, ?) ON CONFLICT (model_id, output_index, dataset_id) "
        "DO UPDATE SET input_count = excluded.input_count, correct_bits = excluded.correct_bits");
    upsert.bind(1, record.modelId);
    upsert.bind(2, record.outputIndex);
    upsert.bind(3, record.datasetId);
    upsert.bind(4, static_cast<std::int64_t>(record.correct.size()));
    // A zero-length blob still needs a non-null pointer, or SQLite stores NULL.
    static const unsigned char kNoBytes = 0;
    upsert.bind(5, bits.empty() ? static_cast<const void*>(&kNoBytes) : bits.data(), static_cast<int>(bits.size()));
    upsert.exec();
}

std::optional<core::InputCorrectnessRecord> ModelRepository::correctness(
    std::int64_t modelId, int outputIndex, std::int64_t datasetId)
{
    SQLite::Statement select(m_store.database(),
        "SELECT input_count, correct_bits FROM input_correctness "
        "WHERE model_id = ? AND output_index = ? AND dataset_id = ?");
    select.bind(1, modelId);
    select.bind(2, outputIndex);
    select.bind(3, datasetId);
    if (!select.executeStep())
        return std::nullopt;
    const std::int64_t count = select.getColumn(0).getInt64();
    const auto* bytes = static_cast<const unsigned char*>(select.getColumn(1).getBlob());
    const auto byteCount = static_cast<std::int64_t>(select.getColumn(1).getBytes());
    if (count < 0 || (count + 7) / 8 > byteCount)
        throw StoreError("store " + detail::quotedPath(m_store.path()) + ": correctness of model "
            + std::to_string(modelId) + " output " + std::to_string(outputIndex) + " holds " + std::to_string(byteCount)
            + " bytes for " + std::to_string(count) + " inputs");
    core::InputCorrectnessRecord record;
    record.modelId = modelId;
    record.outputIndex = outputIndex;
    record.datasetId = datasetId;
    record.correct.resize(static_cast<std::size_t>(count));
    for (std::int64_t i = 0; i < count; ++i)
        record.correct[static_cast<std::size_t>(i)] = (bytes[i / 8] >> (i % 8)) & 1u;
    return record;
}

// ---- ProfileRepository --------------------------------------------------------------------

std::int64_t ProfileRepository::createSession(core::ProfileSessionRecord& session)
{
    auto& db = m_store.database();
    fillUid(session.uid);
    fillNow(session.startedAt);
    SQLite::Statement insert(db,
        "INSERT INTO profile_session (uid, device_id, dataset_id, started_at, finished_at, "
        "status, seed, settings_json, versions_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    insert.bind(1, session.uid);
    insert.bind(2, session.deviceId);
    bindOptionalId(insert, 3, session.datasetId);
    insert.bind(4, session.startedAt);
    insert.bind(5, session.finishedAt);
    insert.bind(6, core::toString(session.status));
    insert.bind(7, seedToColumn(session.seed));
    insert.bind(8, session.settingsJson.empty() ? std::string("{}") : session.settingsJson);
    insert.bind(9, session.versionsJson.empty() ? std::string("{}") : session.versionsJson);
    insert.exec();
    session.id = db.getLastInsertRowid();
    return session.id;
}

void ProfileRepository::finishSession(std::int64_t sessionId, core::SessionStatus status, const std::string& finishedAt)
{
    finishRow(m_store.database(), m_store.path(), "profile_session", sessionId, status, finishedAt);
}

std::int64_t ProfileRepository::addCell(core::ProfileCellRecord& cell)
{
    auto& db = m_store.database();
    SQLite::Statement insert(db,
        "INSERT INTO profile_cell (session_id, model_id, output_index, power_cap_w, "
        "latency_median_ms, latency_iqr_ms, latency_p95_ms, power_w, energy_j, accuracy, "
        "replicates, noisy) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    insert.bind(1, cell.sessionId);
    insert.bind(2, cell.modelId);
    insert.bind(3, cell.outputIndex);
    insert.bind(4, cell.powerCapW);
    insert.bind(5, cell.latencyMedianMs);
    insert.bind(6, cell.latencyIqrMs);
    insert.bind(7, cell.latencyP95Ms);
    insert.bind(8, cell.powerW);
    insert.bind(9, cell.energyJ);
    insert.bind(10, cell.accuracy);
    insert.bind(11, cell.replicates);
    insert.bind(12, cell.noisy ? 1 : 0);
    insert.exec();
    cell.id = db.getLastInsertRowid();
    return cell.id;
}

std::optional<core::ProfileSessionRecord> ProfileRepository::findSession(std::int64_t id)
{
    SQLite::Statement select(
        m_store.database(), std::string("SELECT ") + kSessionColumns + " FROM profile_session s WHERE s.id = ?");
    select.bind(1, id);
    if (!select.executeStep())
        return std::nullopt;
    return readSession(select);
}

std::vector<core::ProfileSessionSummary> ProfileRepository::listSessions()
{
    // Both counts read the (session_id, …) prefix of profile_cell's UNIQUE index.
    SQLite::Statement select(m_store.database(),
        std::string("SELECT ") + kSessionColumns
            + ", d.host, d.backend, "
              "(SELECT count(*) FROM profile_cell c WHERE c.session_id = s.id), "
              "(SELECT count(DISTINCT c.model_id) FROM profile_cell c WHERE c.session_id = s.id) "
              "FROM profile_session s JOIN device d ON d.id = s.device_id "
              "ORDER BY s.started_at DESC, s.id DESC");
    std::vector<core::ProfileSessionSummary> sessions;
    while (select.executeStep()) {
        core::ProfileSessionSummary summary;
        summary.session = readSession(select);
        summary.deviceHost = select.getColumn(10).getString();
        summary.backend = select.getColumn(11).getString();
        summary.cellCount = select.getColumn(12).getInt64();
        summary.modelCount = select.getColumn(13).getInt64();
        sessions.push_back(std::move(summary));
    }
    return sessions;
}

std::vector<core::ProfileCellRecord> ProfileRepository::cells(std::int64_t sessionId)
{
    SQLite::Statement select(m_store.database(),
        "SELECT id, session_id, model_id, output_index, power_cap_w, latency_median_ms, "
        "latency_iqr_ms, latency_p95_ms, power_w, energy_j, accuracy, replicates, noisy "
        "FROM profile_cell WHERE session_id = ? "
        "ORDER BY model_id, output_index, power_cap_w");
    select.bind(1, sessionId);
    std::vector<core::ProfileCellRecord> cells;
    while (select.executeStep()) {
        core::ProfileCellRecord cell;
        cell.id = select.getColumn(0).getInt64();
        cell.sessionId = select.getColumn(1).getInt64();
        cell.modelId = select.getColumn(2).getInt64();
        cell.outputIndex = select.getColumn(3).getInt();
        cell.powerCapW = select.getColumn(4).getDouble();
        cell.latencyMedianMs = select.getColumn(5).getDouble();
        cell.latencyIqrMs = select.getColumn(6).getDouble();
        cell.latencyP95Ms = select.getColumn(7).getDouble();
        cell.powerW = select.getColumn(8).getDouble();
        cell.energyJ = select.getColumn(9).getDouble();
        cell.accuracy = select.getColumn(10).getDouble();
        cell.replicates = select.getColumn(11).getInt();
        cell.noisy = select.getColumn(12).getInt() != 0;
        cells.push_back(cell);
    }
    return cells;
}

// ---- RunRepository ------------------------------------------------------------------------

std::int64_t RunRepository::createRun(core::RunRecord& run)
{
    auto& db = m_store.database();
    fillUid(run.uid);
    fillNow(run.startedAt);
    SQLite::Statement insert(db,
        "INSERT INTO run (uid, device_id, profile_session_id, controller, goal_mode, "
        "deadline_ms, energy_budget_j, accuracy_goal, scenario, contention_spec, seed, "
        "input_count, started_at, finished_at, status, settings_json) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    insert.bind(1, run.uid);
    insert.bind(2, run.deviceId);
    bindOptionalId(insert, 3, run.profileSessionId);
    insert.bind(4, run.controller);
    insert.bind(5, run.goalMode);
    insert.bind(6, run.deadlineMs);
    insert.bind(7, run.energyBudgetJ);
    insert.bind(8, run.accuracyGoal);
    insert.bind(9, run.scenario);
    insert.bind(10, run.contentionSpec);
    insert.bind(11, seedToColumn(run.seed));
    insert.bind(12, run.inputCount);
    insert.bind(13, run.startedAt);
    insert.bind(14, run.finishedAt);
    insert.bind(15, core::toString(run.status));
    insert.bind(16, run.settingsJson.empty() ? std::string("{}") : run.settingsJson);
    insert.exec();
    run.id = db.getLastInsertRowid();
    return run.id;
}

void RunRepository::finishRun(std::int64_t runId, core::SessionStatus status, const std::string& finishedAt)
{
    finishRow(m_store.database(), m_store.path(), "run", runId, status, finishedAt);
}

std::optional<core::RunRecord> RunRepository::findRun(std::int64_t id)
{
    SQLite::Statement select(m_store.database(), std::string("SELECT ") + kRunColumns + " FROM run r WHERE r.id = ?");
    select.bind(1, id);
    if (!select.executeStep())
        return std::nullopt;
    return readRun(select);
}

std::vector<core::RunSummary> RunRepository::listRuns()
{
    // Step counts come from the run_step rowid: each count reads one contiguous
    // step_key range (see the schema), never a full scan.
    SQLite::Statement select(m_store.database(),
        std::string("SELECT ") + kRunColumns
            + ", d.host, d.backend, "
              "(SELECT count(*) FROM run_step s WHERE s.step_key BETWEEN (r.id << 32) AND (r.id << 32) + 4294967295) "
              "FROM run r JOIN device d ON d.id = r.device_id "
              "ORDER BY r.started_at DESC, r.id DESC");
    std::vector<core::RunSummary> runs;
    while (select.executeStep()) {
        core::RunSummary summary;
        summary.run = readRun(select);
        summary.deviceHost = select.getColumn(17).getString();
        summary.backend = select.getColumn(18).getString();
        summary.stepCount = select.getColumn(19).getInt64();
        runs.push_back(std::move(summary));
    }
    return runs;
}

std::vector<core::RunStepRecord> RunRepository::steps(std::int64_t runId)
{
    SQLite::Statement select(m_store.database(),
        "SELECT run_id, input_index, arrival_ms, model_id, output_reached, power_cap_w, "
        "latency_ms, energy_j, deadline_met, correct, xi_observed, xi_mean, xi_std, "
        "predicted_latency_ms, predicted_energy_j, predicted_accuracy "
        "FROM run_step WHERE step_key BETWEEN (?1 << 32) AND (?1 << 32) + 4294967295 ORDER BY step_key");
    select.bind(1, runId);
    std::vector<core::RunStepRecord> steps;
    while (select.executeStep()) {
        core::RunStepRecord step;
        step.runId = select.getColumn(0).getInt64();
        step.inputIndex = select.getColumn(1).getInt64();
        step.arrivalMs = select.getColumn(2).getDouble();
        step.modelId = select.getColumn(3).getInt64();
        step.outputReached = select.getColumn(4).getInt();
        step.powerCapW = select.getColumn(5).getDouble();
        step.latencyMs = select.getColumn(6).getDouble();
        step.energyJ = select.getColumn(7).getDouble();
        step.deadlineMet = select.getColumn(8).getInt() != 0;
        step.correct = select.getColumn(9).getInt() != 0;
        step.xiObserved = select.getColumn(10).getDouble();
        step.xiMean = select.getColumn(11).getDouble();
        step.xiStd = select.getColumn(12).getDouble();
        step.predictedLatencyMs = select.getColumn(13).getDouble();
        step.predictedEnergyJ = select.getColumn(14).getDouble();
        step.predictedAccuracy = select.getColumn(15).getDouble();
        steps.push_back(step);
    }
    return steps;
}

std::int64_t RunRepository::addEvent(core::RunEventRecord& event)
{
    auto& db = m_store.database();
    SQLite::Statement insert(db,
        "INSERT INTO run_event (run_id, input_index, time_ms, kind, detail) "
        "VALUES (?, ?, ?, ?, ?)");
    insert.bind(1, event.runId);
    insert.bind(2, event.inputIndex);
    insert.bind(3, event.timeMs);
    insert.bind(4, event.kind);
    insert.bind(5, event.detail);
    insert.exec();
    event.id = db.getLastInsertRowid();
    return event.id;
}

std::vector<core::RunEventRecord> RunRepository::events(std::int64_t runId)
{
    SQLite::Statement select(m_store.database(),
        "SELECT id, run_id, input_index, time_ms, kind, detail FROM run_event "
        "WHERE run_id = ? ORDER BY input_index, id");
    select.bind(1, runId);
    std::vector<core::RunEventRecord> events;
    while (select.executeStep()) {
        core::RunEventRecord event;
        event.id = select.getColumn(0).getInt64();
        event.runId = select.getColumn(1).getInt64();
        event.inputIndex = select.getColumn(2).getInt64();
        event.timeMs = select.getColumn(3).getDouble();
        event.kind = select.getColumn(4).getString();
        event.detail = select.getColumn(5).getString();
        events.push_back(std::move(event));
    }
    return events;
}

StoreSummary summarize(Store& store)
{
    auto& db = store.database();
    StoreSummary summary;
    summary.devices = countRows(db, "device");
    summary.models = countRows(db, "model");
    summary.profileSessions = countRows(db, "profile_session");
    summary.profileCells = countRows(db, "profile_cell");
    summary.runs = countRows(db, "run");
    summary.runSteps = countRows(db, "run_step");
    return summary;
}

} // namespace awb::db
