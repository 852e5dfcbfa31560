// Device, dataset and model repositories (profiles and runs: history_repositories.cpp).
#include "database/repositories.h"

#include "database/repository_support.h"
#include "database/store_internal.h"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Savepoint.h>
#include <SQLiteCpp/Statement.h>
#include <functional>
#include <map>

namespace awb::db {

using namespace detail;

namespace {

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
            if (!select.getColumn(4).isNull())
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
        if (output.testAccuracy)
            insertOutput.bind(5, *output.testAccuracy);
        else
            insertOutput.bind(5); // NULL: no labelled data set goes with the model
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

std::vector<core::ModelRecord> ModelRepository::listNewest()
{
    return selectModels(m_store.database(), "WHERE id IN (SELECT max(id) FROM model GROUP BY name) ORDER BY id", {});
}

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

} // namespace awb::db
