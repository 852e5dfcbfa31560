// `models import` and `models list` as a user runs them, on the TorchScript fixtures of
// tests/data/torchscript: what is listed, what is copied and stored, and that every refusal
// exits 2 with one line and leaves neither a copy nor a store row behind.
#include "core/models/candidate.h"
#include "core/models/model_loader.h"
#include "core/system/sha256.h"
#include "database/repositories.h"

#include <cmath>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/integration/cli_runner.h"
#include "tests/support/temp_dir.h"

using awb::test::readFile;
using awb::test::runCli;
using awb::test::TempDir;
using awb::test::writeFile;

namespace {

namespace fs = std::filesystem;

fs::path fixture(const std::string& name) { return fs::path(AWB_TEST_DATA_DIR) / "torchscript" / name; }

const nlohmann::json& expected()
{
    static const nlohmann::json json = nlohmann::json::parse(readFile(fixture("expected.json")));
    return json;
}

awb::test::CliResult import(const TempDir& dir, const std::string& file, const std::string& name,
    const std::string& shape, bool anytime = false)
{
    std::vector<std::string> args { "models", "import", file, "--name", name, "--input-shape", shape, "--db",
        (dir / "store.sqlite").string(), "--json" };
    if (anytime)
        args.push_back("--anytime");
    return runCli(args);
}

nlohmann::json listed(const TempDir& dir, const std::string& name)
{
    const auto result = runCli({ "models", "list", "--json", "--db", (dir / "store.sqlite").string() });
    EXPECT_EQ(result.exitCode, 0) << result.err;
    const nlohmann::json list = nlohmann::json::parse(result.out);
    for (const auto& model : list.at("models")) {
        if (model.at("name") == name)
            return model;
    }
    return nullptr;
}

std::size_t filesIn(const fs::path& folder)
{
    std::error_code error;
    if (!fs::exists(folder, error))
        return 0;
    return static_cast<std::size_t>(std::distance(fs::directory_iterator(folder), {}));
}

std::size_t storedModels(const TempDir& dir)
{
    if (!fs::exists(dir / "store.sqlite"))
        return 0;
    auto store = awb::db::Store::open(dir / "store.sqlite");
    return awb::db::ModelRepository(store).list().size();
}

} // namespace

TEST(IntegrationModelsImportCli, PlainFashionMnistModelIsEvaluatedCopiedAndListed)
{
    TempDir dir;
    const auto result = import(dir, fixture("plain_fmnist.pt").string(), "small-cnn", "1,1,28,28");
    ASSERT_EQ(result.exitCode, 0) << result.err;
    const auto report = nlohmann::json::parse(result.out); // stdout holds only the JSON document
    EXPECT_EQ(report.at("imported").at("source"), "import");

    const auto& want = expected().at("plain_fmnist");
    const nlohmann::json model = listed(dir, "small-cnn");
    ASSERT_FALSE(model.is_null());
    EXPECT_EQ(model.at("kind"), "traditional");
    EXPECT_EQ(model.at("source"), "import");
    ASSERT_EQ(model.at("outputs").size(), 1u);
    const auto& output = model.at("outputs").at(0);
    EXPECT_EQ(output.at("index"), 0);
    EXPECT_EQ(output.at("macs"), want.at("macs").at(0));
    EXPECT_NEAR(output.at("accuracy").get<double>(), want.at("accuracy").at(0).get<double>(), 5e-4);

    const fs::path copy = dir / "models" / "small-cnn.pt";
    EXPECT_EQ(readFile(copy), readFile(fixture("plain_fmnist.pt")));
    EXPECT_EQ(filesIn(dir / "models"), 1u);
    auto store = awb::db::Store::open(dir / "store.sqlite");
    awb::db::ModelRepository models(store);
    const auto record = models.findByName("small-cnn");
    ASSERT_TRUE(record.has_value());
    EXPECT_EQ(record->fileSha256, awb::core::sha256FileHex(fixture("plain_fmnist.pt")));
    EXPECT_EQ(record->inputShape, "1,1,28,28");
    EXPECT_EQ(record->parameters, want.at("total_parameters").get<std::int64_t>());
    const auto datasets = awb::db::DatasetRepository(store).list();
    ASSERT_EQ(datasets.size(), 1u);
    const auto correctness = models.correctness(record->id, 0, datasets.front().id);
    ASSERT_TRUE(correctness.has_value());
    EXPECT_EQ(correctness->correct.size(), 10'000u);
}

TEST(IntegrationModelsImportCli, AnytimeModelRunsEveryStageAfterImport)
{
    TempDir dir;
    const auto result = import(dir, fixture("anytime_fmnist.pt").string(), "early-exit", "1,1,28,28", true);
    ASSERT_EQ(result.exitCode, 0) << result.err;

    const auto& want = expected().at("anytime_fmnist");
    const nlohmann::json model = listed(dir, "early-exit");
    ASSERT_FALSE(model.is_null());
    EXPECT_EQ(model.at("kind"), "anytime");
    ASSERT_EQ(model.at("outputs").size(), 3u);
    for (std::size_t k = 0; k < 3; ++k) {
        const auto& output = model.at("outputs").at(k);
        EXPECT_EQ(output.at("index"), k);
        EXPECT_EQ(output.at("macs"), want.at("macs").at(k));
        EXPECT_NEAR(output.at("accuracy").get<double>(), want.at("accuracy").at(k).get<double>(), 5e-4);
    }

    auto store = awb::db::Store::open(dir / "store.sqlite");
    const auto record = awb::db::ModelRepository(store).findByName("early-exit");
    ASSERT_TRUE(record.has_value());
    awb::core::Candidate candidate = awb::core::loadModelCandidate(*record);
    ASSERT_EQ(candidate.numOutputs(), 3);
    std::vector<float> image(28 * 28);
    for (std::size_t i = 0; i < image.size(); ++i)
        image[i] = std::cos(0.11F * static_cast<float>(i));
    candidate.reset(image, { 1, 1, 28, 28 });
    for (int k = 0; k < 3; ++k) {
        EXPECT_EQ(candidate.runNextStage(), k);
        EXPECT_EQ(candidate.currentLogits().size(), 10u);
    }
}

TEST(IntegrationModelsImportCli, OtherInputShapeIsListedWithoutAccuracy)
{
    TempDir dir;
    const auto result = import(dir, fixture("rgb64_traced.pt").string(), "rgb", "1,3,64,64");
    ASSERT_EQ(result.exitCode, 0) << result.err;
    const nlohmann::json model = listed(dir, "rgb");
    ASSERT_FALSE(model.is_null());
    ASSERT_EQ(model.at("outputs").size(), 1u);
    EXPECT_TRUE(model.at("outputs").at(0).at("accuracy").is_null());
    EXPECT_EQ(model.at("outputs").at(0).at("macs"), expected().at("rgb64_traced").at("macs").at(0));

    const auto table = runCli({ "models", "list", "--db", (dir / "store.sqlite").string() });
    ASSERT_EQ(table.exitCode, 0) << table.err;
    EXPECT_NE(table.out.find("rgb"), std::string::npos);
}

TEST(IntegrationModelsImportCli, DuplicateNameIsRefusedAndTheFirstImportKept)
{
    TempDir dir;
    ASSERT_EQ(import(dir, fixture("rgb64_traced.pt").string(), "twice", "1,3,64,64").exitCode, 0);
    const auto again = import(dir, fixture("plain_fmnist.pt").string(), "twice", "1,1,28,28");
    EXPECT_EQ(again.exitCode, 2);
    EXPECT_NE(again.err.find("already has a model named 'twice'"), std::string::npos) << again.err;
    EXPECT_TRUE(again.out.empty());
    EXPECT_EQ(storedModels(dir), 1u);
    EXPECT_EQ(readFile(dir / "models" / "twice.pt"), readFile(fixture("rgb64_traced.pt")));
}

struct BadImport {
    const char* label;
    const char* file; // under tests/data/torchscript; "text" is a text file the test writes
    const char* name;
    const char* shape;
    bool anytime;
    const char* phrase;
};

void PrintTo(const BadImport& bad, std::ostream* out) { *out << bad.label; }

class IntegrationModelsImportCliRefusal : public ::testing::TestWithParam<BadImport> { };

TEST_P(IntegrationModelsImportCliRefusal, ExitsTwoWithOneLineAndWritesNothing)
{
    const BadImport& bad = GetParam();
    TempDir dir;
    fs::path file = fixture(bad.file);
    if (std::string(bad.file) == "text") {
        file = dir / "notes.pt";
        writeFile(file, "not a model\n");
    }
    const auto result = import(dir, file.string(), bad.name, bad.shape, bad.anytime);
    EXPECT_EQ(result.exitCode, 2) << result.err;
    EXPECT_TRUE(result.out.empty()) << result.out;
    EXPECT_NE(result.err.find(bad.phrase), std::string::npos) << result.err;
    // One line of refusal (progress lines before it name the model being checked).
    const std::string last = result.err.substr(result.err.rfind("alertwb-cli: "));
    EXPECT_EQ(std::count(last.begin(), last.end(), '\n'), 1) << result.err;
    EXPECT_EQ(filesIn(dir / "models"), 0u);
    EXPECT_EQ(storedModels(dir), 0u);
}

INSTANTIATE_TEST_SUITE_P(Contract, IntegrationModelsImportCliRefusal,
    ::testing::Values(BadImport { "TextFile", "text", "m", "1,1,28,28", false, "not a TorchScript file" },
        BadImport { "PickledStateDict", "state_dict.pt", "m", "1,1,28,28", false, "not a TorchScript file" },
        BadImport { "WrongInputShape", "rgb64_traced.pt", "m", "1,1,28,28", false,
            "forward fails on an input of shape 1,1,28,28" },
        BadImport { "FeatureMap", "feature_map.pt", "m", "1,1,28,28", false, "not 2-D logits" },
        BadImport { "Tuple", "tuple_output.pt", "m", "1,1,28,28", false, "not a tensor of logits" },
        BadImport { "NaN", "nan_logits.pt", "m", "1,1,28,28", false, "NaN or infinite logits" },
        BadImport { "Inf", "inf_logits.pt", "m", "1,1,28,28", false, "NaN or infinite logits" },
        BadImport { "AnytimeWithoutConvention", "plain_fmnist.pt", "m", "1,1,28,28", true,
            "does not export num_outputs and forward_stage" },
        BadImport {
            "AnytimeWrongSignature", "bad_stage.pt", "m", "1,1,28,28", true, "forward_stage has the signature" },
        BadImport { "MissingFile", "absent.pt", "m", "1,1,28,28", false, "cannot read" },
        BadImport { "ShapeWithThreeSizes", "plain_fmnist.pt", "m", "1,28,28", false, "--input-shape: input shape" },
        BadImport { "ShapeNotNumbers", "plain_fmnist.pt", "m", "1,1,x,28", false, "not four positive integers" },
        BadImport { "ShapeWithZero", "plain_fmnist.pt", "m", "0,1,28,28", false, "at least 1" },
        BadImport { "NameWithSlash", "plain_fmnist.pt", "a/b", "1,1,28,28", false, "model name 'a/b'" },
        BadImport { "ZooName", "plain_fmnist.pt", "cnn-m", "1,1,28,28", false, "built-in zoo model" }),
    [](const auto& info) { return std::string(info.param.label); });

TEST(IntegrationModelsImportCli, MissingRequiredOptionsExitTwo)
{
    TempDir dir;
    const auto result = runCli({ "models", "import", fixture("plain_fmnist.pt").string(), "--name", "m", "--db",
        (dir / "store.sqlite").string() });
    EXPECT_EQ(result.exitCode, 2);
    EXPECT_NE(result.err.find("--input-shape"), std::string::npos) << result.err;
    EXPECT_EQ(storedModels(dir), 0u);
}
