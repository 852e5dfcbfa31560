#include "database/repositories.h"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <gtest/gtest.h>
#include <regex>

#include "database_test_support.h"

namespace awb::db::test {
namespace {

    namespace fs = std::filesystem;

    class DatabaseRepositories : public ::testing::Test {
    protected:
        TempDir m_dir;
        Store m_store = Store::open(m_dir / "workbench.sqlite");
    };

    void insertSteps(Store& store, std::int64_t runId, std::int64_t modelId, int count)
    {
        SQLite::Statement insert(store.database(),
            "INSERT INTO run_step VALUES ((?1 << 32) + ?2, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, "
            "?14, ?15, ?16)");
        for (int i = 0; i < count; ++i) {
            const auto s = sampleStep(runId, i, modelId);
            insert.bind(1, s.runId);
            insert.bind(2, s.inputIndex);
            insert.bind(3, s.arrivalMs);
            insert.bind(4, s.modelId);
            insert.bind(5, s.outputReached);
            insert.bind(6, s.powerCapW);
            insert.bind(7, s.latencyMs);
            insert.bind(8, s.energyJ);
            insert.bind(9, s.deadlineMet ? 1 : 0);
            insert.bind(10, s.correct ? 1 : 0);
            insert.bind(11, s.xiObserved);
            insert.bind(12, s.xiMean);
            insert.bind(13, s.xiStd);
            insert.bind(14, s.predictedLatencyMs);
            insert.bind(15, s.predictedEnergyJ);
            insert.bind(16, s.predictedAccuracy);
            insert.exec();
            insert.reset();
        }
    }

    TEST_F(DatabaseRepositories, DeviceRoundTripAndUpsertByUid)
    {
        DeviceRepository devices(m_store);
        auto device = sampleDevice();
        const std::int64_t id = devices.upsert(device);
        EXPECT_GT(id, 0);
        EXPECT_EQ(device.id, id);
        EXPECT_TRUE(std::regex_match(device.uid, std::regex("[0-9a-f]{32}"))) << device.uid;

        const auto found = devices.find(id);
        ASSERT_TRUE(found.has_value());
        EXPECT_EQ(found->uid, device.uid);
        EXPECT_EQ(found->host, device.host);
        EXPECT_EQ(found->cpuModel, device.cpuModel);
        EXPECT_EQ(found->gpuModel, device.gpuModel);
        EXPECT_EQ(found->backend, "emulated");
        EXPECT_TRUE(found->isEmulated());
        EXPECT_EQ(found->emulationJson, device.emulationJson);
        EXPECT_EQ(found->createdAt, device.createdAt);

        auto again = sampleDevice("renamed");
        again.uid = device.uid;
        EXPECT_EQ(devices.upsert(again), id);
        auto other = sampleDevice("bench-02");
        const std::int64_t otherId = devices.upsert(other);
        EXPECT_NE(otherId, id);
        EXPECT_NE(other.uid, device.uid);
        EXPECT_EQ(devices.list().size(), 2u);
        EXPECT_FALSE(devices.find(otherId + 100).has_value());
    }

    TEST_F(DatabaseRepositories, DatasetRoundTripAndUpsertByUid)
    {
        DatasetRepository datasets(m_store);
        auto dataset = sampleDataset();
        const std::int64_t id = datasets.upsert(dataset);
        const auto found = datasets.find(id);
        ASSERT_TRUE(found.has_value());
        EXPECT_EQ(found->uid, dataset.uid);
        EXPECT_EQ(found->name, "fashion-mnist");
        EXPECT_EQ(found->split, "test");
        EXPECT_EQ(found->sampleCount, 10'000);
        EXPECT_EQ(found->source, "/data/fashion-mnist");
        auto same = sampleDataset();
        same.uid = dataset.uid;
        EXPECT_EQ(datasets.upsert(same), id);
        EXPECT_EQ(datasets.list().size(), 1u);
    }

    TEST_F(DatabaseRepositories, ModelRoundTripWithOutputs)
    {
        ModelRepository models(m_store);
        auto anytime = sampleModel("sdn-resnet", 3);
        auto traditional = sampleModel("lenet", 1);
        const std::int64_t anytimeId = models.insert(anytime);
        const std::int64_t traditionalId = models.insert(traditional);
        EXPECT_NE(anytimeId, traditionalId);

        const auto found = models.find(anytimeId);
        ASSERT_TRUE(found.has_value());
        EXPECT_EQ(found->uid, anytime.uid);
        EXPECT_EQ(found->name, "sdn-resnet");
        EXPECT_EQ(found->kind, core::ModelKind::Anytime);
        EXPECT_EQ(found->source, "zoo");
        EXPECT_EQ(found->filePath, anytime.filePath);
        EXPECT_EQ(found->fileSha256, anytime.fileSha256);
        EXPECT_EQ(found->inputShape, "1,1,28,28");
        EXPECT_EQ(found->parameters, 1'234'567);
        EXPECT_EQ(found->createdAt, anytime.createdAt);
        ASSERT_EQ(found->outputs.size(), 3u);
        for (int i = 0; i < 3; ++i) {
            EXPECT_EQ(found->outputs[i].index, i);
            EXPECT_EQ(found->outputs[i].cumulativeMacs, anytime.outputs[i].cumulativeMacs);
            EXPECT_EQ(found->outputs[i].cumulativeParameters, anytime.outputs[i].cumulativeParameters);
            ASSERT_TRUE(found->outputs[i].testAccuracy.has_value());
            EXPECT_DOUBLE_EQ(*found->outputs[i].testAccuracy, *anytime.outputs[i].testAccuracy);
        }

        const auto byName = models.findByName("lenet");
        ASSERT_TRUE(byName.has_value());
        EXPECT_EQ(byName->id, traditionalId);
        EXPECT_EQ(byName->kind, core::ModelKind::Traditional);
        EXPECT_EQ(byName->outputs.size(), 1u);
        EXPECT_FALSE(models.findByName("missing").has_value());

        const auto all = models.list();
        ASSERT_EQ(all.size(), 2u);
        EXPECT_EQ(all[0].outputs.size(), 3u);
        EXPECT_EQ(all[1].outputs.size(), 1u);
    }

    TEST_F(DatabaseRepositories, OutputWithoutAccuracyIsStoredAsNull)
    {
        ModelRepository models(m_store);
        auto imported = sampleModel("imported-rgb", 2);
        imported.source = "import";
        imported.outputs[1].testAccuracy.reset();
        const std::int64_t id = models.insert(imported);
        const auto found = models.find(id);
        ASSERT_TRUE(found.has_value());
        ASSERT_EQ(found->outputs.size(), 2u);
        EXPECT_DOUBLE_EQ(found->outputs[0].testAccuracy.value(), imported.outputs[0].testAccuracy.value());
        EXPECT_FALSE(found->outputs[1].testAccuracy.has_value());
        EXPECT_TRUE(m_store.database()
                        .execAndGet("SELECT test_accuracy FROM model_output WHERE model_id = " + std::to_string(id)
                            + " AND output_index = 1")
                        .isNull());
    }

    TEST_F(DatabaseRepositories, ModelInsertIsAllOrNothing)
    {
        ModelRepository models(m_store);
        auto model = sampleModel("dup-outputs", 2);
        model.outputs[1].index = 0; // violates the (model_id, output_index) key
        EXPECT_THROW(models.insert(model), std::exception);
        EXPECT_TRUE(models.list().empty());
    }

    TEST_F(DatabaseRepositories, CorrectnessIsStoredAsPackedBits)
    {
        ModelRepository models(m_store);
        auto model = sampleModel("sdn-resnet", 2);
        models.insert(model);
        auto dataset = sampleDataset();
        DatasetRepository(m_store).upsert(dataset);

        core::InputCorrectnessRecord record;
        record.modelId = model.id;
        record.outputIndex = 1;
        record.datasetId = dataset.id;
        // Inputs 0, 2, 8 and 10 correct: byte 0 = 0b00000101, byte 1 = 0b00000101.
        record.correct = { true, false, true, false, false, false, false, false, true, false, true };
        models.putCorrectness(record);

        SQLite::Statement raw(m_store.database(), "SELECT input_count, hex(correct_bits) FROM input_correctness");
        ASSERT_TRUE(raw.executeStep());
        EXPECT_EQ(raw.getColumn(0).getInt(), 11);
        EXPECT_EQ(raw.getColumn(1).getString(), "0505");

        const auto found = models.correctness(model.id, 1, dataset.id);
        ASSERT_TRUE(found.has_value());
        EXPECT_EQ(found->correct, record.correct);
        EXPECT_FALSE(models.correctness(model.id, 0, dataset.id).has_value());

        record.correct.assign(20, true); // replaces the earlier row
        models.putCorrectness(record);
        EXPECT_EQ(models.correctness(model.id, 1, dataset.id)->correct, record.correct);
        EXPECT_EQ(m_store.database().execAndGet("SELECT count(*) FROM input_correctness").getInt(), 1);
    }

    TEST_F(DatabaseRepositories, ModelWithCorrectnessIsAllOrNothing)
    {
        ModelRepository models(m_store);
        auto dataset = sampleDataset();
        DatasetRepository(m_store).upsert(dataset);

        auto model = sampleModel("width-nested", 2);
        const std::vector<core::InputCorrectnessRecord> correctness {
            { /*modelId=*/0, /*outputIndex=*/0, dataset.id, { true, false, true } },
            { /*modelId=*/0, /*outputIndex=*/1, dataset.id, { true, true, true } },
        };
        const auto id = models.insert(model, correctness);
        EXPECT_EQ(models.correctness(id, 0, dataset.id)->correct, correctness[0].correct);
        EXPECT_EQ(models.correctness(id, 1, dataset.id)->correct, correctness[1].correct);

        // Correctness for an output the model lacks breaks the foreign key: nothing is kept.
        auto broken = sampleModel("broken", 1);
        EXPECT_THROW(models.insert(broken, correctness), std::exception);
        EXPECT_FALSE(models.findByName("broken").has_value());
        EXPECT_EQ(m_store.database().execAndGet("SELECT count(*) FROM input_correctness").getInt(), 2);
    }

    TEST_F(DatabaseRepositories, ProfileSessionAndCellsRoundTrip)
    {
        auto device = sampleDevice();
        DeviceRepository(m_store).upsert(device);
        auto dataset = sampleDataset();
        DatasetRepository(m_store).upsert(dataset);
        ModelRepository models(m_store);
        auto modelA = sampleModel("a", 2);
        auto modelB = sampleModel("b", 1);
        models.insert(modelA);
        models.insert(modelB);

        ProfileRepository profiles(m_store);
        auto session = sampleSession(device.id, dataset.id);
        const std::int64_t sessionId = profiles.createSession(session);
        auto noDataset = sampleSession(device.id, 0);
        noDataset.startedAt = "2024-05-02T09:00:00Z";
        profiles.createSession(noDataset);

        std::vector<core::ProfileCellRecord> added;
        for (const auto& [modelId, output] : { std::pair { modelA.id, 0 }, { modelA.id, 1 }, { modelB.id, 0 } }) {
            for (double capW : { 40.0, 60.5 }) {
                core::ProfileCellRecord cell;
                cell.sessionId = sessionId;
                cell.modelId = modelId;
                cell.outputIndex = output;
                cell.powerCapW = capW;
                cell.latencyMedianMs = 10.0 + capW / 10;
                cell.latencyIqrMs = 0.5;
                cell.latencyP95Ms = 12.0;
                cell.powerW = capW * 0.9;
                cell.energyJ = 0.25;
                cell.accuracy = 0.9;
                cell.replicates = 5;
                cell.noisy = output == 1;
                EXPECT_GT(profiles.addCell(cell), 0);
                added.push_back(cell);
            }
        }
        profiles.finishSession(sessionId, core::SessionStatus::Complete, "2024-05-01T11:30:00Z");

        const auto found = profiles.findSession(sessionId);
        ASSERT_TRUE(found.has_value());
        EXPECT_EQ(found->uid, session.uid);
        EXPECT_EQ(found->deviceId, device.id);
        EXPECT_EQ(found->datasetId, dataset.id);
        EXPECT_EQ(found->startedAt, session.startedAt);
        EXPECT_EQ(found->finishedAt, "2024-05-01T11:30:00Z");
        EXPECT_EQ(found->status, core::SessionStatus::Complete);
        EXPECT_EQ(found->seed, 0xFEDCBA9876543210ULL);
        EXPECT_EQ(found->settingsJson, session.settingsJson);
        EXPECT_EQ(found->versionsJson, session.versionsJson);
        EXPECT_EQ(profiles.findSession(noDataset.id)->datasetId, 0);

        const auto cells = profiles.cells(sessionId);
        ASSERT_EQ(cells.size(), added.size());
        for (std::size_t i = 0; i < cells.size(); ++i) {
            EXPECT_EQ(cells[i].id, added[i].id);
            EXPECT_EQ(cells[i].modelId, added[i].modelId);
            EXPECT_EQ(cells[i].outputIndex, added[i].outputIndex);
            EXPECT_EQ(cells[i].powerCapW, added[i].powerCapW);
            EXPECT_EQ(cells[i].latencyMedianMs, added[i].latencyMedianMs);
            EXPECT_EQ(cells[i].latencyIqrMs, added[i].latencyIqrMs);
            EXPECT_EQ(cells[i].latencyP95Ms, added[i].latencyP95Ms);
            EXPECT_EQ(cells[i].powerW, added[i].powerW);
            EXPECT_EQ(cells[i].energyJ, added[i].energyJ);
            EXPECT_EQ(cells[i].accuracy, added[i].accuracy);
            EXPECT_EQ(cells[i].replicates, 5);
            EXPECT_EQ(cells[i].noisy, added[i].noisy);
        }
        // The same cells with their models' names and kinds.
        const auto named = profiles.cellsWithModels(sessionId);
        ASSERT_EQ(named.size(), cells.size());
        for (std::size_t i = 0; i < named.size(); ++i) {
            EXPECT_EQ(named[i].cell.id, cells[i].id);
            EXPECT_EQ(named[i].cell.energyJ, cells[i].energyJ);
            EXPECT_EQ(named[i].cell.noisy, cells[i].noisy);
            EXPECT_EQ(named[i].modelName, cells[i].modelId == modelA.id ? "a" : "b");
            EXPECT_EQ(named[i].modelKind,
                cells[i].modelId == modelA.id ? core::ModelKind::Anytime : core::ModelKind::Traditional);
        }

        const auto sessions = profiles.listSessions();
        ASSERT_EQ(sessions.size(), 2u);
        EXPECT_EQ(sessions[0].session.id, noDataset.id) << "newest first";
        EXPECT_EQ(sessions[1].session.id, sessionId);
        EXPECT_EQ(sessions[1].deviceHost, "bench-01");
        EXPECT_EQ(sessions[1].backend, "emulated");
        EXPECT_EQ(sessions[1].cellCount, 6);
        EXPECT_EQ(sessions[1].modelCount, 2);
        EXPECT_EQ(sessions[0].cellCount, 0);

        EXPECT_THROW(profiles.finishSession(9999, core::SessionStatus::Failed, "x"), StoreError);
    }

    TEST_F(DatabaseRepositories, RunsStepsAndEventsRoundTrip)
    {
        auto device = sampleDevice();
        DeviceRepository(m_store).upsert(device);
        auto model = sampleModel();
        ModelRepository(m_store).insert(model);

        RunRepository runs(m_store);
        auto older = sampleRun(device.id, 0, "2024-05-01T12:00:00Z");
        auto newer = sampleRun(device.id, 0, "2024-05-03T12:00:00Z");
        newer.goalMode = "min-energy";
        newer.accuracyGoal = 0.85;
        newer.seed = ~0ULL;
        runs.createRun(older);
        runs.createRun(newer);
        insertSteps(m_store, older.id, model.id, 250);
        insertSteps(m_store, newer.id, model.id, 40);
        runs.finishRun(older.id, core::SessionStatus::Cancelled, "2024-05-01T12:05:00Z");

        const auto found = runs.findRun(older.id);
        ASSERT_TRUE(found.has_value());
        EXPECT_EQ(found->uid, older.uid);
        EXPECT_EQ(found->deviceId, device.id);
        EXPECT_EQ(found->profileSessionId, 0);
        EXPECT_EQ(found->controller, "alert");
        EXPECT_EQ(found->goalMode, "max-accuracy");
        EXPECT_EQ(found->deadlineMs, 25.0);
        EXPECT_EQ(found->energyBudgetJ, 1.5);
        EXPECT_EQ(found->scenario, "single-stream");
        EXPECT_EQ(found->contentionSpec, "memory@200-400");
        EXPECT_EQ(found->seed, 42u);
        EXPECT_EQ(found->inputCount, 1000);
        EXPECT_EQ(found->finishedAt, "2024-05-01T12:05:00Z");
        EXPECT_EQ(found->status, core::SessionStatus::Cancelled);
        EXPECT_EQ(found->settingsJson, older.settingsJson);
        EXPECT_EQ(runs.findRun(newer.id)->seed, ~0ULL);
        EXPECT_EQ(runs.findRun(newer.id)->accuracyGoal, 0.85);

        const auto listed = runs.listRuns();
        ASSERT_EQ(listed.size(), 2u);
        EXPECT_EQ(listed[0].run.id, newer.id) << "newest first";
        EXPECT_EQ(listed[0].stepCount, 40);
        EXPECT_EQ(listed[1].stepCount, 250);
        EXPECT_EQ(listed[1].deviceHost, "bench-01");
        EXPECT_EQ(listed[1].backend, "emulated");

        const auto steps = runs.steps(older.id);
        ASSERT_EQ(steps.size(), 250u);
        for (std::size_t i = 0; i < steps.size(); ++i)
            EXPECT_TRUE(sameStep(steps[i], sampleStep(older.id, static_cast<std::int64_t>(i), model.id))) << i;

        core::RunEventRecord late { 0, older.id, 300, 3000.0, "contention-stop", "memory" };
        core::RunEventRecord early { 0, older.id, 200, 2000.0, "contention-start", "memory" };
        runs.addEvent(late);
        runs.addEvent(early);
        EXPECT_GT(early.id, late.id);
        const auto events = runs.events(older.id);
        ASSERT_EQ(events.size(), 2u);
        EXPECT_EQ(events[0].id, early.id) << "ordered by input index";
        EXPECT_EQ(events[0].kind, "contention-start");
        EXPECT_EQ(events[0].detail, "memory");
        EXPECT_EQ(events[0].timeMs, 2000.0);
        EXPECT_EQ(events[1].inputIndex, 300);
        EXPECT_TRUE(runs.events(newer.id).empty());

        EXPECT_THROW(runs.finishRun(9999, core::SessionStatus::Failed, "x"), StoreError);
    }

    TEST_F(DatabaseRepositories, SummarizeCountsEveryEntity)
    {
        auto device = sampleDevice();
        DeviceRepository(m_store).upsert(device);
        auto model = sampleModel();
        ModelRepository(m_store).insert(model);
        auto session = sampleSession(device.id, 0);
        ProfileRepository(m_store).createSession(session);
        core::ProfileCellRecord cell;
        cell.sessionId = session.id;
        cell.modelId = model.id;
        ProfileRepository(m_store).addCell(cell);
        auto run = sampleRun(device.id, session.id, "2024-05-01T12:00:00Z");
        RunRepository(m_store).createRun(run);
        insertSteps(m_store, run.id, model.id, 17);

        const StoreSummary summary = summarize(m_store);
        EXPECT_EQ(summary.devices, 1);
        EXPECT_EQ(summary.models, 1);
        EXPECT_EQ(summary.profileSessions, 1);
        EXPECT_EQ(summary.profileCells, 1);
        EXPECT_EQ(summary.runs, 1);
        EXPECT_EQ(summary.runSteps, 17);
    }

} // namespace
} // namespace awb::db::test
