// db::trainZooIntoStore, the code behind `alertwb-cli train --zoo` and the GUI's Train Zoo: real
// training of the smallest zoo models on Debian's Fashion-MNIST, kept short with trainSamples.
#include "core/models/fashion_mnist.h"
#include "core/models/zoo.h"
#include "core/system/sha256.h"
#include "database/repositories.h"
#include "database/zoo_train.h"

#include <algorithm>
#include <cstdlib>
#include <gtest/gtest.h>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "tests/database/database_test_support.h"

namespace {

namespace fs = std::filesystem;
using awb::db::test::TempDir;

// Two batches of 128 images: enough to train, evaluate and record, in about a second.
constexpr std::size_t kQuickTrainSamples = 256;

// Records every message and fraction; cancels once a message starts with `cancelAt`.
class RecordingListener : public awb::db::ZooTrainListener {
public:
    explicit RecordingListener(std::string cancelAt = {})
        : m_cancelAt(std::move(cancelAt))
    {
    }
    void onProgress(const awb::db::ZooTrainProgress& progress) override
    {
        messages.push_back(progress.message);
        fractions.push_back(progress.fraction);
        if (!m_cancelAt.empty() && progress.message.rfind(m_cancelAt, 0) == 0)
            m_cancel = true;
    }
    bool cancelRequested() override { return m_cancel; }

    std::vector<std::string> messages;
    std::vector<double> fractions;

private:
    std::string m_cancelAt;
    bool m_cancel = false;
};

// Sets one environment variable for a test's lifetime and puts the old value back.
class ScopedEnv {
public:
    ScopedEnv(const char* name, const std::string& value)
        : m_name(name)
    {
        if (const char* old = std::getenv(name))
            m_old = old;
        setenv(name, value.c_str(), 1);
    }
    ~ScopedEnv()
    {
        if (m_old)
            setenv(m_name, m_old->c_str(), 1);
        else
            unsetenv(m_name);
    }
    ScopedEnv(const ScopedEnv&) = delete;
    ScopedEnv& operator=(const ScopedEnv&) = delete;

private:
    const char* m_name;
    std::optional<std::string> m_old;
};

class DatabaseZooTrain : public testing::Test {
protected:
    awb::db::ZooTrainRequest quickRequest(std::vector<std::string> models) const
    {
        awb::db::ZooTrainRequest request;
        request.models = std::move(models);
        request.epochs = 1;
        request.trainSamples = kQuickTrainSamples;
        request.modelsDir = m_dir / "models";
        return request;
    }
    // Opens store.sqlite on the first call, as the CLI and the GUI do, and counts the calls.
    std::function<awb::db::Store&()> opener()
    {
        return [this]() -> awb::db::Store& {
            ++m_opened;
            m_store = awb::db::Store::open(m_dir / "store.sqlite");
            return *m_store;
        };
    }

    TempDir m_dir;
    std::optional<awb::db::Store> m_store;
    int m_opened = 0;
};

TEST_F(DatabaseZooTrain, RecordsTheModelItsAccuracyAndPerInputCorrectnessAndWritesTheWeights)
{
    RecordingListener listener;
    const awb::db::ZooTrainOutcome outcome = awb::db::trainZooIntoStore(quickRequest({ "cnn-xs" }), opener(), listener);
    EXPECT_EQ(m_opened, 1);
    ASSERT_FALSE(outcome.cancelled());
    ASSERT_EQ(outcome.trained.size(), 1u);
    const awb::db::ZooTrainedModel& trained = outcome.trained.front();
    EXPECT_EQ(trained.epochs, 1);
    EXPECT_EQ(trained.seed, 1u);

    // The CLI's lines: what is trained and how, the trainer's epoch line, the result.
    ASSERT_GE(listener.messages.size(), 3u);
    EXPECT_EQ(listener.messages.front(), "cnn-xs: training 1 epoch(s), plain SGD, seed 1");
    EXPECT_EQ(listener.messages[1].rfind("cnn-xs: epoch 1/1, step 2/2, loss ", 0), 0u) << listener.messages[1];
    EXPECT_NE(listener.messages[1].find("validation accuracy"), std::string::npos) << listener.messages[1];
    const fs::path weights = fs::absolute(m_dir / "models" / "cnn-xs.pt");
    EXPECT_EQ(listener.messages.back().rfind("cnn-xs: test accuracy ", 0), 0u) << listener.messages.back();
    EXPECT_NE(listener.messages.back().find(", weights " + weights.string()), std::string::npos);
    for (std::size_t k = 1; k < listener.fractions.size(); ++k)
        EXPECT_GE(listener.fractions[k], listener.fractions[k - 1]);
    EXPECT_DOUBLE_EQ(listener.fractions.back(), 1.0);

    ASSERT_TRUE(fs::is_regular_file(weights));
    awb::db::ModelRepository models(*m_store);
    const auto stored = models.findByName("cnn-xs");
    ASSERT_TRUE(stored);
    EXPECT_EQ(stored->id, trained.model.id);
    EXPECT_EQ(stored->source, "zoo");
    EXPECT_EQ(fs::path(stored->filePath), weights);
    EXPECT_EQ(stored->fileSha256, awb::core::sha256FileHex(weights));
    ASSERT_EQ(stored->outputs.size(), 1u);
    const auto datasets = awb::db::DatasetRepository(*m_store).list();
    ASSERT_EQ(datasets.size(), 1u);
    const auto correctness = models.correctness(stored->id, 0, datasets.front().id);
    ASSERT_TRUE(correctness);
    // Always the full test split, whatever trainSamples.
    ASSERT_EQ(correctness->correct.size(), 10'000u);
    const auto correct = std::count(correctness->correct.begin(), correctness->correct.end(), true);
    EXPECT_DOUBLE_EQ(static_cast<double>(correct) / 10'000.0, stored->outputs.front().testAccuracy.value());
}

TEST_F(DatabaseZooTrain, ACancelKeepsTheModelsBeforeItAndLeavesNothingOfTheCancelledOne)
{
    // Cancels as the second model starts: its first training step sees the request.
    RecordingListener listener("cnn-s: training");
    const awb::db::ZooTrainOutcome outcome
        = awb::db::trainZooIntoStore(quickRequest({ "cnn-xs", "cnn-s" }), opener(), listener);
    ASSERT_TRUE(outcome.cancelled());
    EXPECT_EQ(outcome.cancelledModel, "cnn-s");
    ASSERT_EQ(outcome.trained.size(), 1u);
    EXPECT_EQ(outcome.trained.front().model.name, "cnn-xs");

    EXPECT_TRUE(fs::is_regular_file(m_dir / "models" / "cnn-xs.pt"));
    EXPECT_FALSE(fs::exists(m_dir / "models" / "cnn-s.pt"));
    // No temporary weights file left behind either.
    EXPECT_EQ(std::distance(fs::directory_iterator(m_dir / "models"), {}), 1);
    const auto stored = awb::db::ModelRepository(*m_store).list();
    ASSERT_EQ(stored.size(), 1u);
    EXPECT_EQ(stored.front().name, "cnn-xs");
}

TEST_F(DatabaseZooTrain, AnUnknownNameIsRefusedBeforeTheDataOrTheStore)
{
    RecordingListener listener;
    try {
        awb::db::trainZooIntoStore(quickRequest({ "cnn-xs", "cnn-nope" }), opener(), listener);
        FAIL() << "an unknown name was accepted";
    } catch (const awb::db::ZooTrainRequestError& error) {
        EXPECT_NE(std::string(error.what()).find("unknown zoo model 'cnn-nope' (known: cnn-xs, "), std::string::npos)
            << error.what();
    }
    EXPECT_EQ(m_opened, 0);
    EXPECT_TRUE(listener.messages.empty());
    EXPECT_FALSE(fs::exists(m_dir / "models"));
}

TEST_F(DatabaseZooTrain, AMissingDataSetIsRefusedBeforeTheStoreWithTheLoadersLine)
{
    TempDir empty;
    const ScopedEnv dataDir(awb::core::kFashionMnistDirEnv, empty.path().string());
    RecordingListener listener;
    try {
        awb::db::trainZooIntoStore(quickRequest({ "cnn-xs" }), opener(), listener);
        FAIL() << "training started without a data set";
    } catch (const awb::db::ZooTrainDataError& error) {
        const std::string message = error.what();
        EXPECT_NE(message.find("dataset-fashion-mnist"), std::string::npos) << message;
        EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    }
    EXPECT_EQ(m_opened, 0);
    EXPECT_FALSE(fs::exists(m_dir / "store.sqlite"));
    EXPECT_FALSE(fs::exists(m_dir / "models"));
}

TEST(DatabaseZooTrainRequest, TheWholeZooByDefaultAndNeverTheOracleRule)
{
    const std::vector<std::string> all = awb::db::checkZooTrainRequest({});
    EXPECT_EQ(all.size(), awb::core::zooEntries().size());
    awb::db::ZooTrainRequest oracle;
    oracle.rule = awb::core::TrainingRule::Oracle;
    EXPECT_THROW(awb::db::checkZooTrainRequest(oracle), awb::db::ZooTrainRequestError);
}

} // namespace
