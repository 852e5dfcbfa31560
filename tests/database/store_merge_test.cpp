#include "database/repositories.h"
#include "database/store_merge.h"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <gtest/gtest.h>

#include "database_test_support.h"

namespace awb::db::test {
namespace {

    namespace fs = std::filesystem;

    struct SourceIds {
        core::DeviceRecord device;
        core::DatasetRecord dataset;
        core::ModelRecord model;
        core::ProfileSessionRecord session;
        core::RunRecord run;
    };

    // Fills a store with one of everything; `stepCount` steps and two events on the run.
    SourceIds populate(Store& store, const std::string& host, int stepCount)
    {
        SourceIds ids;
        ids.device = sampleDevice(host);
        DeviceRepository(store).upsert(ids.device);
        ids.dataset = sampleDataset();
        DatasetRepository(store).upsert(ids.dataset);
        ids.model = sampleModel("model-of-" + host, 2);
        ModelRepository models(store);
        models.insert(ids.model);
        core::InputCorrectnessRecord correctness { ids.model.id, 1, ids.dataset.id, { true, false, true } };
        models.putCorrectness(correctness);

        ProfileRepository profiles(store);
        ids.session = sampleSession(ids.device.id, ids.dataset.id);
        profiles.createSession(ids.session);
        for (int output = 0; output < 2; ++output) {
            core::ProfileCellRecord cell;
            cell.sessionId = ids.session.id;
            cell.modelId = ids.model.id;
            cell.outputIndex = output;
            cell.powerCapW = 50.0;
            cell.latencyMedianMs = 10.0 + output;
            profiles.addCell(cell);
        }

        RunRepository runs(store);
        ids.run = sampleRun(ids.device.id, ids.session.id, "2024-05-01T12:00:00Z");
        runs.createRun(ids.run);
        SQLite::Statement insert(store.database(),
            "INSERT INTO run_step (step_key, run_id, input_index, arrival_ms, model_id, "
            "output_reached, power_cap_w, latency_ms, energy_j, deadline_met, "
            "correct, xi_observed, xi_mean, xi_std, predicted_latency_ms, "
            "predicted_energy_j, predicted_accuracy) "
            "VALUES ((?1 << 32) + ?2, ?1, ?2, 1, ?3, 1, 50, ?4, 0.5, 1, 1, 1, 1, 0, 10, 0.5, 0.9)");
        for (int i = 0; i < stepCount; ++i) {
            insert.bind(1, ids.run.id);
            insert.bind(2, i);
            insert.bind(3, ids.model.id);
            insert.bind(4, 10.0 + i);
            insert.exec();
            insert.reset();
        }
        core::RunEventRecord start { 0, ids.run.id, 3, 30.0, "contention-start", "memory" };
        core::RunEventRecord stop { 0, ids.run.id, 7, 70.0, "contention-stop", "memory" };
        runs.addEvent(start);
        runs.addEvent(stop);
        return ids;
    }

    class DatabaseStoreMerge : public ::testing::Test {
    protected:
        TempDir m_dir;
        fs::path m_sourcePath = m_dir / "laptop.sqlite";
        fs::path m_targetPath = m_dir / "lab.sqlite";
    };

    TEST_F(DatabaseStoreMerge, CopiesEverythingWithIdsRemapped)
    {
        SourceIds source;
        {
            Store store = Store::open(m_sourcePath);
            source = populate(store, "laptop", 10);
        }
        Store target = Store::open(m_targetPath);
        // The target's own rows take ids 1.., so every source id must move.
        const SourceIds own = populate(target, "lab", 3);

        const std::string sourceBytes = readBytes(m_sourcePath);
        const MergeReport report = mergeStore(target, m_sourcePath);
        EXPECT_EQ(report.devices, 1);
        EXPECT_EQ(report.datasets, 1);
        EXPECT_EQ(report.models, 1);
        EXPECT_EQ(report.profileSessions, 1);
        EXPECT_EQ(report.runs, 1);
        EXPECT_EQ(report.runSteps, 10);
        EXPECT_TRUE(readBytes(m_sourcePath) == sourceBytes) << "the merged-in store changed";
        EXPECT_FALSE(sideFileExists(m_sourcePath, "-wal"));
        EXPECT_FALSE(sideFileExists(m_sourcePath, "-shm"));

        const StoreSummary summary = summarize(target);
        EXPECT_EQ(summary.devices, 2);
        EXPECT_EQ(summary.models, 2);
        EXPECT_EQ(summary.profileSessions, 2);
        EXPECT_EQ(summary.profileCells, 4);
        EXPECT_EQ(summary.runs, 2);
        EXPECT_EQ(summary.runSteps, 13);

        // Follow the copied run's references by uid: each must lead to the copied rows.
        auto& db = target.database();
        const std::int64_t runId = db.execAndGet("SELECT id FROM run WHERE uid = '" + source.run.uid + "'").getInt64();
        const std::int64_t deviceId
            = db.execAndGet("SELECT id FROM device WHERE uid = '" + source.device.uid + "'").getInt64();
        const std::int64_t modelId
            = db.execAndGet("SELECT id FROM model WHERE uid = '" + source.model.uid + "'").getInt64();
        const std::int64_t datasetId
            = db.execAndGet("SELECT id FROM dataset WHERE uid = '" + source.dataset.uid + "'").getInt64();
        const std::int64_t sessionId
            = db.execAndGet("SELECT id FROM profile_session WHERE uid = '" + source.session.uid + "'").getInt64();
        EXPECT_NE(runId, source.run.id);
        EXPECT_NE(deviceId, source.device.id);
        EXPECT_NE(modelId, source.model.id);

        RunRepository runs(target);
        const auto run = runs.findRun(runId);
        ASSERT_TRUE(run.has_value());
        EXPECT_EQ(run->deviceId, deviceId);
        EXPECT_EQ(run->profileSessionId, sessionId);
        EXPECT_EQ(run->seed, source.run.seed);
        const auto steps = runs.steps(runId);
        ASSERT_EQ(steps.size(), 10u);
        for (std::size_t i = 0; i < steps.size(); ++i) {
            EXPECT_EQ(steps[i].modelId, modelId);
            EXPECT_EQ(steps[i].inputIndex, static_cast<std::int64_t>(i));
            EXPECT_EQ(steps[i].latencyMs, 10.0 + static_cast<double>(i));
        }
        const auto events = runs.events(runId);
        ASSERT_EQ(events.size(), 2u);
        EXPECT_EQ(events[0].kind, "contention-start");
        EXPECT_EQ(events[1].inputIndex, 7);

        ProfileRepository profiles(target);
        const auto session = profiles.findSession(sessionId);
        ASSERT_TRUE(session.has_value());
        EXPECT_EQ(session->deviceId, deviceId);
        EXPECT_EQ(session->datasetId, datasetId);
        EXPECT_EQ(session->seed, source.session.seed);
        const auto cells = profiles.cells(sessionId);
        ASSERT_EQ(cells.size(), 2u);
        EXPECT_EQ(cells[0].modelId, modelId);

        ModelRepository models(target);
        const auto model = models.find(modelId);
        ASSERT_TRUE(model.has_value());
        EXPECT_EQ(model->outputs.size(), 2u);
        const auto correctness = models.correctness(modelId, 1, datasetId);
        ASSERT_TRUE(correctness.has_value());
        EXPECT_EQ(correctness->correct, (std::vector<bool> { true, false, true }));

        // The target's own run is untouched.
        EXPECT_EQ(runs.steps(own.run.id).size(), 3u);
        EXPECT_EQ(runs.findRun(own.run.id)->deviceId, own.device.id);
    }

    TEST_F(DatabaseStoreMerge, MergingTwiceAddsNothing)
    {
        {
            Store store = Store::open(m_sourcePath);
            populate(store, "laptop", 5);
        }
        Store target = Store::open(m_targetPath);
        mergeStore(target, m_sourcePath);
        const StoreSummary once = summarize(target);
        const MergeReport again = mergeStore(target, m_sourcePath);
        EXPECT_EQ(again.devices, 0);
        EXPECT_EQ(again.datasets, 0);
        EXPECT_EQ(again.models, 0);
        EXPECT_EQ(again.profileSessions, 0);
        EXPECT_EQ(again.runs, 0);
        EXPECT_EQ(again.runSteps, 0);
        const StoreSummary twice = summarize(target);
        EXPECT_EQ(twice.devices, once.devices);
        EXPECT_EQ(twice.models, once.models);
        EXPECT_EQ(twice.profileCells, once.profileCells);
        EXPECT_EQ(twice.runs, once.runs);
        EXPECT_EQ(twice.runSteps, once.runSteps);
        EXPECT_EQ(target.database().execAndGet("SELECT count(*) FROM run_event").getInt(), 2);
        EXPECT_EQ(target.database().execAndGet("SELECT count(*) FROM input_correctness").getInt(), 1);
    }

    TEST_F(DatabaseStoreMerge, SharedDeviceIsReusedNotCopied)
    {
        core::DeviceRecord shared = sampleDevice("shared");
        {
            Store store = Store::open(m_sourcePath);
            DeviceRepository(store).upsert(shared);
            auto run = sampleRun(shared.id, 0, "2024-05-01T12:00:00Z");
            RunRepository(store).createRun(run);
        }
        Store target = Store::open(m_targetPath);
        auto filler = sampleDevice("filler");
        DeviceRepository(target).upsert(filler);
        core::DeviceRecord sameDevice = shared; // same uid, different local id
        sameDevice.id = 0;
        const std::int64_t targetDeviceId = DeviceRepository(target).upsert(sameDevice);
        ASSERT_NE(targetDeviceId, shared.id);

        const MergeReport report = mergeStore(target, m_sourcePath);
        EXPECT_EQ(report.devices, 0);
        EXPECT_EQ(report.runs, 1);
        const auto runs = RunRepository(target).listRuns();
        ASSERT_EQ(runs.size(), 1u);
        EXPECT_EQ(runs[0].run.deviceId, targetDeviceId);
        EXPECT_EQ(runs[0].run.profileSessionId, 0);
    }

    TEST_F(DatabaseStoreMerge, MergingAStoreIntoItselfIsRefused)
    {
        Store target = Store::open(m_targetPath);
        populate(target, "lab", 2);
        const fs::path sameFile = m_dir.path() / "." / "lab.sqlite";
        try {
            mergeStore(target, sameFile);
            ADD_FAILURE() << "self-merge was accepted";
        } catch (const StoreError& error) {
            EXPECT_EQ(std::string(error.what()),
                "cannot merge store '" + sameFile.string() + "' into '" + m_targetPath.string()
                    + "': it is the same file");
        }
        EXPECT_EQ(summarize(target).runs, 1);
    }

    TEST_F(DatabaseStoreMerge, BadSourceIsRefusedLikeOpen)
    {
        Store target = Store::open(m_targetPath);
        const fs::path noise = m_dir / "noise.sqlite";
        writeBytes(noise, std::string(4096, 'x'));
        try {
            mergeStore(target, noise);
            ADD_FAILURE() << "a non-SQLite file was merged";
        } catch (const StoreError& error) {
            EXPECT_EQ(
                std::string(error.what()), "cannot open store '" + noise.string() + "': it is not an SQLite database");
        }
        try {
            mergeStore(target, m_dir / "missing.sqlite");
            ADD_FAILURE() << "a missing file was merged";
        } catch (const StoreError& error) {
            EXPECT_EQ(std::string(error.what()),
                "cannot merge store '" + (m_dir / "missing.sqlite").string() + "' into '" + m_targetPath.string()
                    + "': no such file");
        }
        EXPECT_FALSE(fs::exists(m_dir / "missing.sqlite"));
    }

} // namespace
} // namespace awb::db::test
