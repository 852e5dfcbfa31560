// `train --zoo` and `models list` as a user runs them: real training of the smallest zoo model
// on the Fashion-MNIST files of dataset-fashion-mnist, weights on disk, rows in the store.
#include "core/system/sha256.h"
#include "database/repositories.h"

#include <chrono>
#include <csignal>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <spawn.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include "tests/integration/cli_runner.h"
#include "tests/support/temp_dir.h"

extern char** environ;

using awb::test::runCli;
using awb::test::TempDir;

namespace {

std::size_t lineCount(const std::string& text)
{
    return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

std::size_t occurrences(const std::string& text, const std::string& needle)
{
    std::size_t count = 0;
    for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + needle.size()))
        ++count;
    return count;
}

awb::test::CliResult trainCnnXs(const TempDir& dir, const std::string& seed)
{
    return runCli({ "train", "--zoo", "--models", "cnn-xs", "--epochs", "1", "--seed", seed, "--db",
        (dir / "store.sqlite").string(), "--models-dir", (dir / "models").string(), "--json" });
}

std::vector<nlohmann::json> listedNamed(const nlohmann::json& list, const std::string& name)
{
    std::vector<nlohmann::json> found;
    for (const auto& model : list.at("models")) {
        if (model.at("name") == name)
            found.push_back(model);
    }
    return found;
}

} // namespace

TEST(IntegrationTrainCli, TrainsCnnXsStoresItAndListsIt)
{
    TempDir dir;
    const auto trained = trainCnnXs(dir, "1");
    ASSERT_EQ(trained.exitCode, 0) << trained.err;
    // Progress: one line per epoch on stderr, nothing but the JSON document on stdout.
    EXPECT_EQ(occurrences(trained.err, "epoch 1/1"), 1u) << trained.err;
    const auto report = nlohmann::json::parse(trained.out);
    ASSERT_EQ(report.at("trained").size(), 1u);

    const auto weights = dir / "models" / "cnn-xs.pt";
    ASSERT_TRUE(std::filesystem::is_regular_file(weights));
    // The temporary file was renamed, not left beside it.
    EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir / "models"), {}), 1);

    const auto listed = runCli({ "models", "list", "--json", "--db", (dir / "store.sqlite").string() });
    ASSERT_EQ(listed.exitCode, 0) << listed.err;
    const auto models = listedNamed(nlohmann::json::parse(listed.out), "cnn-xs");
    ASSERT_EQ(models.size(), 1u);
    const auto& model = models.front();
    EXPECT_EQ(model.at("kind"), "traditional");
    EXPECT_EQ(model.at("source"), "zoo");
    ASSERT_EQ(model.at("outputs").size(), 1u);
    const auto& output = model.at("outputs").at(0);
    EXPECT_EQ(output.at("index"), 0);
    EXPECT_GT(output.at("macs").get<std::int64_t>(), 0);
    const double accuracy = output.at("accuracy").get<double>();
    EXPECT_GT(accuracy, 0.5);

    auto store = awb::db::Store::open(dir / "store.sqlite");
    awb::db::ModelRepository repository(store);
    const auto stored = repository.findByName("cnn-xs");
    ASSERT_TRUE(stored);
    EXPECT_EQ(stored->fileSha256, awb::core::sha256FileHex(weights));
    EXPECT_EQ(std::filesystem::path(stored->filePath), std::filesystem::absolute(weights));
    const auto datasets = awb::db::DatasetRepository(store).list();
    ASSERT_EQ(datasets.size(), 1u);
    EXPECT_EQ(datasets.front().split, "test");
    EXPECT_EQ(datasets.front().sampleCount, 10000);
    const auto correctness = repository.correctness(stored->id, 0, datasets.front().id);
    ASSERT_TRUE(correctness);
    ASSERT_EQ(correctness->correct.size(), 10000u);
    const auto correctCount = std::count(correctness->correct.begin(), correctness->correct.end(), true);
    EXPECT_DOUBLE_EQ(static_cast<double>(correctCount) / 10000.0, accuracy);
}

TEST(IntegrationTrainCli, RetrainingAddsAVersionAndListShowsTheNewest)
{
    TempDir dir;
    ASSERT_EQ(trainCnnXs(dir, "1").exitCode, 0);
    const auto second = trainCnnXs(dir, "2");
    ASSERT_EQ(second.exitCode, 0) << second.err;
    const auto secondAccuracy
        = nlohmann::json::parse(second.out).at("trained").at(0).at("outputs").at(0).at("accuracy").get<double>();

    auto store = awb::db::Store::open(dir / "store.sqlite");
    EXPECT_EQ(awb::db::ModelRepository(store).list().size(), 2u); // the first version is kept
    const auto listed = runCli({ "models", "list", "--json", "--db", (dir / "store.sqlite").string() });
    ASSERT_EQ(listed.exitCode, 0) << listed.err;
    const auto models = listedNamed(nlohmann::json::parse(listed.out), "cnn-xs");
    ASSERT_EQ(models.size(), 1u);
    EXPECT_DOUBLE_EQ(models.front().at("outputs").at(0).at("accuracy").get<double>(), secondAccuracy);
}

TEST(IntegrationTrainCli, CtrlCStopsWithoutWritingWeightsOrModelRows)
{
    TempDir dir;
    const auto errPath = dir / "stderr";
    std::vector<std::string> args { AWB_CLI_PATH, "train", "--zoo", "--models", "cnn-xs", "--epochs", "20", "--db",
        (dir / "store.sqlite").string(), "--models-dir", (dir / "models").string() };
    std::vector<char*> argv;
    for (auto& arg : args)
        argv.push_back(arg.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, errPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    pid_t child = 0;
    const int spawnError = posix_spawn(&child, AWB_CLI_PATH, &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ASSERT_EQ(spawnError, 0);

    // Interrupt once training has started (the header line comes after the data set is loaded).
    const auto giveUp = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (
        awb::test::readFile(errPath).find("training") == std::string::npos && std::chrono::steady_clock::now() < giveUp)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    kill(child, SIGINT);
    int status = 0;
    waitpid(child, &status, 0);

    const std::string err = awb::test::readFile(errPath);
    // It exits by itself (not killed by the signal) and says why, in one last line.
    ASSERT_TRUE(WIFEXITED(status)) << err;
    EXPECT_EQ(WEXITSTATUS(status), 130);
    EXPECT_NE(err.find("interrupted while training cnn-xs"), std::string::npos) << err;
    std::error_code error;
    EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir / "models", error), {}), 0);
    auto store = awb::db::Store::open(dir / "store.sqlite");
    EXPECT_TRUE(awb::db::ModelRepository(store).list().empty());
}

TEST(IntegrationTrainCli, UnknownModelIsRefusedAndNothingIsStored)
{
    TempDir dir;
    const auto result = runCli({ "train", "--zoo", "--models", "cnn-xs,cnn-nope", "--db",
        (dir / "store.sqlite").string(), "--models-dir", (dir / "models").string() });
    EXPECT_EQ(result.exitCode, 2);
    EXPECT_EQ(lineCount(result.err), 1u) << result.err;
    EXPECT_NE(result.err.find("cnn-nope"), std::string::npos);
    EXPECT_TRUE(result.out.empty());
    EXPECT_FALSE(std::filesystem::exists(dir / "store.sqlite"));
    EXPECT_FALSE(std::filesystem::exists(dir / "models"));
}

TEST(IntegrationTrainCli, RefusesRulesOtherThanTheThreeJointOnes)
{
    TempDir dir;
    const auto result = runCli({ "train", "--zoo", "--rule", "oracle", "--db", (dir / "store.sqlite").string() });
    EXPECT_EQ(result.exitCode, 2);
    EXPECT_EQ(lineCount(result.err), 1u) << result.err;
    EXPECT_FALSE(std::filesystem::exists(dir / "store.sqlite"));
}

TEST(IntegrationModelsCli, AccuracyIsNullWithoutALabelledDataSet)
{
    TempDir dir;
    {
        auto store = awb::db::Store::open(dir / "store.sqlite");
        awb::core::ModelRecord model;
        model.name = "imported-net";
        model.kind = awb::core::ModelKind::Anytime;
        model.source = "import";
        model.outputs.push_back({ /*index=*/0, /*cumulativeMacs=*/1000, /*cumulativeParameters=*/10,
            /*testAccuracy=*/std::nullopt });
        model.outputs.push_back({ /*index=*/1, /*cumulativeMacs=*/3000, /*cumulativeParameters=*/30,
            /*testAccuracy=*/std::nullopt });
        awb::db::ModelRepository(store).insert(model);
    }
    // Without the shipped zoo (an empty resource folder), so the store holds this model alone.
    const std::vector<std::string> noShippedZoo { "ALERTWB_RESOURCE_DIR=" + (dir / "no-resources").string() };
    const auto listed
        = runCli({ "models", "list", "--json", "--db", (dir / "store.sqlite").string() }, noShippedZoo);
    ASSERT_EQ(listed.exitCode, 0) << listed.err;
    const auto models = listedNamed(nlohmann::json::parse(listed.out), "imported-net");
    ASSERT_EQ(models.size(), 1u);
    EXPECT_EQ(models.front().at("kind"), "anytime");
    EXPECT_EQ(models.front().at("source"), "import");
    ASSERT_EQ(models.front().at("outputs").size(), 2u);
    EXPECT_TRUE(models.front().at("outputs").at(1).at("accuracy").is_null());
    EXPECT_EQ(models.front().at("outputs").at(1).at("macs"), 3000);

    const auto table = runCli({ "models", "list", "--db", (dir / "store.sqlite").string() }, noShippedZoo);
    ASSERT_EQ(table.exitCode, 0) << table.err;
    EXPECT_NE(table.out.find("imported-net"), std::string::npos);
    EXPECT_EQ(lineCount(table.out), 3u); // header and one row per output
}

TEST(IntegrationTrainCli, FirstListOnANewStoreShowsTheShippedTrainedZoo)
{
    TempDir dir;
    const auto listed = runCli({ "models", "list", "--json", "--db", (dir / "store.sqlite").string() });
    ASSERT_EQ(listed.exitCode, 0) << listed.err;
    EXPECT_NE(listed.err.find("added 6 trained model(s) shipped in"), std::string::npos) << listed.err;
    const auto json = nlohmann::json::parse(listed.out);
    for (const char* name : { "cnn-xs", "cnn-s", "cnn-m", "cnn-l", "anytime-width4", "anytime-depth3" }) {
        const auto models = listedNamed(json, name);
        ASSERT_EQ(models.size(), 1u) << name;
        for (const auto& output : models.front().at("outputs")) {
            EXPECT_GT(output.at("accuracy").get<double>(), 0.7) << name;
            EXPECT_GT(output.at("macs").get<std::int64_t>(), 0) << name;
        }
    }
    EXPECT_EQ(listedNamed(json, "anytime-width4").front().at("outputs").size(), 4u);
    EXPECT_EQ(listedNamed(json, "anytime-depth3").front().at("outputs").size(), 3u);
    // The second start finds them there and adds nothing.
    const auto again = runCli({ "models", "list", "--db", (dir / "store.sqlite").string() });
    EXPECT_EQ(again.err.find("added"), std::string::npos) << again.err;
}
