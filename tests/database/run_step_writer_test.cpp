#include "database/repositories.h"
#include "database/run_step_writer.h"

#include <chrono>
#include <gtest/gtest.h>
#include <thread>

#include "database_test_support.h"

namespace awb::db::test {
namespace {

    namespace fs = std::filesystem;
    using namespace std::chrono_literals;

    // A store with one device, one model and `runCount` runs, for the writer to fill.
    class DatabaseRunStepWriter : public ::testing::Test {
    protected:
        void SetUp() override
        {
            Store store = Store::open(m_path);
            auto device = sampleDevice();
            DeviceRepository(store).upsert(device);
            auto model = sampleModel();
            m_modelId = ModelRepository(store).insert(model);
            for (int i = 0; i < 2; ++i) {
                auto run = sampleRun(device.id, 0, "2024-05-01T12:00:0" + std::to_string(i) + "Z");
                m_runIds.push_back(RunRepository(store).createRun(run));
            }
        }

        // Committed rows as another connection sees them.
        std::vector<core::RunStepRecord> committedSteps(std::int64_t runId)
        {
            Store reader = Store::open(m_path);
            return RunRepository(reader).steps(runId);
        }

        // Waits for the background thread; the bound only keeps a broken writer from hanging the suite.
        static bool waitForRows(const RunStepWriter& writer, std::size_t rows)
        {
            const auto giveUp = std::chrono::steady_clock::now() + 30s;
            while (writer.rowsWritten() < rows) {
                if (std::chrono::steady_clock::now() > giveUp)
                    return false;
                std::this_thread::sleep_for(2ms);
            }
            return true;
        }

        TempDir m_dir;
        fs::path m_path = m_dir / "workbench.sqlite";
        std::int64_t m_modelId = 0;
        std::vector<std::int64_t> m_runIds;
    };

    TEST_F(DatabaseRunStepWriter, WritesAFullBatchWithoutBeingAsked)
    {
        RunStepWriter writer(m_path, { .batchRows = 100, .maxDelay = std::chrono::hours(1) });
        int next = 0;
        for (std::size_t batch = 1; batch <= 2; ++batch) {
            for (int i = 0; i < 100; ++i, ++next)
                writer.append(sampleStep(m_runIds[0], next, m_modelId));
            ASSERT_TRUE(waitForRows(writer, 100 * batch));
            EXPECT_EQ(committedSteps(m_runIds[0]).size(), 100 * batch);
        }
        for (int i = 0; i < 50; ++i, ++next)
            writer.append(sampleStep(m_runIds[0], next, m_modelId));
        // The last 50 are below the size threshold and an hour from the time threshold.
        std::this_thread::sleep_for(100ms);
        EXPECT_EQ(writer.rowsWritten(), 200u);
        writer.close();
        EXPECT_EQ(writer.rowsWritten(), 250u);
        EXPECT_EQ(committedSteps(m_runIds[0]).size(), 250u);
    }

    TEST_F(DatabaseRunStepWriter, WritesAfterTheDelayWithoutBeingAsked)
    {
        RunStepWriter writer(m_path, { .batchRows = 1'000'000, .maxDelay = 20ms });
        for (int i = 0; i < 10; ++i)
            writer.append(sampleStep(m_runIds[0], i, m_modelId));
        ASSERT_TRUE(waitForRows(writer, 10));
        EXPECT_EQ(committedSteps(m_runIds[0]).size(), 10u);
        // A second trickle is timed from its own first step.
        writer.append(sampleStep(m_runIds[0], 10, m_modelId));
        ASSERT_TRUE(waitForRows(writer, 11));
        EXPECT_EQ(committedSteps(m_runIds[0]).size(), 11u);
    }

    TEST_F(DatabaseRunStepWriter, CloseWritesEverythingLeft)
    {
        RunStepWriter writer(m_path, { .batchRows = 1'000'000, .maxDelay = std::chrono::hours(1) });
        for (int i = 0; i < 1234; ++i)
            writer.append(sampleStep(m_runIds[0], i, m_modelId));
        EXPECT_EQ(writer.rowsWritten(), 0u);
        writer.close();
        EXPECT_EQ(writer.rowsWritten(), 1234u);
        EXPECT_EQ(committedSteps(m_runIds[0]).size(), 1234u);
        EXPECT_THROW(writer.append(sampleStep(m_runIds[0], 5000, m_modelId)), StoreError);
    }

    TEST_F(DatabaseRunStepWriter, DestructionWritesEverythingLeft)
    {
        {
            RunStepWriter writer(m_path, { .batchRows = 1'000'000, .maxDelay = std::chrono::hours(1) });
            for (int i = 0; i < 77; ++i)
                writer.append(sampleStep(m_runIds[1], i, m_modelId));
        }
        EXPECT_EQ(committedSteps(m_runIds[1]).size(), 77u);
    }

    TEST_F(DatabaseRunStepWriter, FlushCommitsWhatWasAppended)
    {
        RunStepWriter writer(m_path, { .batchRows = 1'000'000, .maxDelay = std::chrono::hours(1) });
        for (int i = 0; i < 300; ++i)
            writer.append(sampleStep(m_runIds[0], i, m_modelId));
        writer.flush();
        EXPECT_EQ(writer.rowsWritten(), 300u);
        EXPECT_EQ(committedSteps(m_runIds[0]).size(), 300u);
        writer.flush(); // nothing pending: returns at once
        EXPECT_EQ(writer.rowsWritten(), 300u);
    }

    TEST_F(DatabaseRunStepWriter, RowsEqualWhatWasAppended)
    {
        RunStepWriter writer(m_path, { .batchRows = 64, .maxDelay = 5ms });
        for (int i = 0; i < 1000; ++i)
            writer.append(sampleStep(m_runIds[0], i, m_modelId));
        writer.close();
        const auto steps = committedSteps(m_runIds[0]);
        ASSERT_EQ(steps.size(), 1000u);
        for (std::size_t i = 0; i < steps.size(); ++i)
            ASSERT_TRUE(sameStep(steps[i], sampleStep(m_runIds[0], static_cast<std::int64_t>(i), m_modelId))) << i;
    }

    TEST_F(DatabaseRunStepWriter, AppendsFromTwoThreads)
    {
        constexpr int kStepsPerThread = 20'000;
        RunStepWriter writer(m_path, { .batchRows = 1000, .maxDelay = 10ms });
        auto produce = [&](std::int64_t runId) {
            for (int i = 0; i < kStepsPerThread; ++i)
                writer.append(sampleStep(runId, i, m_modelId));
        };
        std::thread first(produce, m_runIds[0]);
        std::thread second(produce, m_runIds[1]);
        first.join();
        second.join();
        writer.close();
        EXPECT_EQ(writer.rowsWritten(), 2u * kStepsPerThread);
        for (const std::int64_t runId : m_runIds) {
            const auto steps = committedSteps(runId);
            ASSERT_EQ(steps.size(), static_cast<std::size_t>(kStepsPerThread));
            for (std::size_t i = 0; i < steps.size(); ++i)
                ASSERT_TRUE(sameStep(steps[i], sampleStep(runId, static_cast<std::int64_t>(i), m_modelId))) << i;
        }
    }

    TEST_F(DatabaseRunStepWriter, WriteErrorIsReportedAndTheBatchRolledBack)
    {
        RunStepWriter writer(m_path, { .batchRows = 1'000'000, .maxDelay = std::chrono::hours(1) });
        writer.append(sampleStep(m_runIds[0], 0, m_modelId));
        writer.append(sampleStep(/*runId=*/999, 1, m_modelId)); // no such run: foreign key fails
        EXPECT_THROW(writer.flush(), StoreError);
        try {
            writer.close();
            ADD_FAILURE() << "close() did not rethrow the write error";
        } catch (const StoreError& error) {
            const std::string message = error.what();
            EXPECT_NE(message.find("cannot write run steps to store '" + m_path.string() + "'"), std::string::npos)
                << message;
            EXPECT_NE(message.find("run 999 input 1: run 999 does not exist"), std::string::npos) << message;
        }
        EXPECT_TRUE(committedSteps(m_runIds[0]).empty());
        EXPECT_THROW(writer.append(sampleStep(m_runIds[0], 2, m_modelId)), StoreError);
    }

    TEST_F(DatabaseRunStepWriter, StepNamingAMissingModelIsRejected)
    {
        RunStepWriter writer(m_path, { .batchRows = 1'000'000, .maxDelay = std::chrono::hours(1) });
        writer.append(sampleStep(m_runIds[1], 0, m_modelId));
        writer.append(sampleStep(m_runIds[1], 1, /*modelId=*/4242));
        try {
            writer.flush();
            ADD_FAILURE() << "a step naming a missing model was written";
        } catch (const StoreError& error) {
            EXPECT_NE(std::string(error.what()).find("input 1: model 4242 does not exist"), std::string::npos)
                << error.what();
        }
        EXPECT_THROW(writer.close(), StoreError);
        EXPECT_TRUE(committedSteps(m_runIds[1]).empty());
    }

    TEST_F(DatabaseRunStepWriter, RefusesABadStoreAtConstruction)
    {
        const fs::path noise = m_dir / "noise.sqlite";
        writeBytes(noise, std::string(4096, 'x'));
        EXPECT_THROW(RunStepWriter writer(noise), StoreError);
    }

} // namespace
} // namespace awb::db::test
