// TorchScript import through core's public API, on the fixtures of tests/data/torchscript (made by
// its make_fixtures.py, whose expected.json holds what PyTorch itself counted and measured).
#include "core/models/candidate.h"
#include "core/models/fashion_mnist.h"
#include "core/models/model_loader.h"
#include "core/models/staged_runner.h"
#include "core/models/torchscript_import.h"
#include "core/system/sha256.h"

#include <cmath>
#include <fstream>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/temp_dir.h"

using namespace awb::core;
using awb::test::readFile;
using awb::test::TempDir;
using awb::test::writeFile;

namespace {

namespace fs = std::filesystem;

const std::vector<std::int64_t> kFashionShape { 1, 1, 28, 28 };

fs::path fixture(const std::string& name) { return fs::path(AWB_TEST_DATA_DIR) / "torchscript" / name; }

const nlohmann::json& expected()
{
    static const nlohmann::json json = nlohmann::json::parse(readFile(fixture("expected.json")));
    return json;
}

Candidate loadFixture(const std::string& file, const std::vector<std::int64_t>& shape, bool anytime)
{
    return loadTorchScriptCandidate(file, readFile(fixture(file)), file, shape, anytime);
}

std::vector<float> testImage(std::size_t elements)
{
    std::vector<float> pixels(elements);
    for (std::size_t i = 0; i < pixels.size(); ++i)
        pixels[i] = std::sin(0.37F * static_cast<float>(i)) * 1.5F;
    return pixels;
}

std::string errorOf(const std::function<void()>& action)
{
    try {
        action();
    } catch (const TorchScriptImportError& error) {
        return error.what();
    } catch (const std::exception& error) {
        return std::string("wrong exception type: ") + error.what();
    }
    return "no error";
}

// Fashion-MNIST once for the whole suite (about a second of gunzip).
const FashionMnist& fashionMnist()
{
    static const FashionMnist data = loadFashionMnist();
    return data;
}

} // namespace

TEST(CoreTorchScriptShape, ParsesFourPositiveSizes)
{
    EXPECT_EQ(parseInputShape("1,3,64,64"), (std::vector<std::int64_t> { 1, 3, 64, 64 }));
    EXPECT_EQ(formatInputShape({ 1, 3, 64, 64 }), "1,3,64,64");
    EXPECT_TRUE(isFashionMnistShape({ 8, 1, 28, 28 }));
    EXPECT_FALSE(isFashionMnistShape({ 1, 3, 28, 28 }));
    for (const std::string bad : { "", "1,3,64", "1,3,64,64,1", "1,x,64,64", "1,-3,64,64", "1,0,64,64", "1, 3,64,64",
             "1,,28,28", "+1,1,28,28", "1,1,28,28,", "70000,70000,70000,70000", "99999999999999999999,1,1,1" })
        EXPECT_THROW(parseInputShape(bad), TorchScriptImportError) << "'" << bad << "'";
}

TEST(CoreTorchScriptLoad, PlainModuleCostsMatchPyTorchsCount)
{
    const Candidate candidate = loadFixture("plain_fmnist.pt", kFashionShape, false);
    const auto& want = expected().at("plain_fmnist");
    EXPECT_EQ(candidate.kind(), ModelKind::Traditional);
    EXPECT_EQ(candidate.numOutputs(), 1);
    EXPECT_EQ(candidate.imageShape(), (std::vector<std::int64_t> { 1, 28, 28 }));
    EXPECT_EQ(candidate.numClasses(), want.at("classes").get<int>());
    EXPECT_EQ(candidate.outputCosts().at(0).cumulativeMacs, want.at("macs").at(0).get<std::int64_t>());
    EXPECT_EQ(candidate.outputCosts().at(0).cumulativeParameters, want.at("parameters").at(0).get<std::int64_t>());
    EXPECT_EQ(candidate.parameterCount(), want.at("total_parameters").get<std::int64_t>());
}

TEST(CoreTorchScriptLoad, MacsArePerImageWhateverTheValidationBatch)
{
    const Candidate one = loadFixture("plain_fmnist.pt", kFashionShape, false);
    const Candidate four = loadFixture("plain_fmnist.pt", { 4, 1, 28, 28 }, false);
    EXPECT_EQ(four.outputCosts().at(0).cumulativeMacs, one.outputCosts().at(0).cumulativeMacs);
}

TEST(CoreTorchScriptLoad, AnytimeStagesMatchTheMonolithicPathAndPyTorchsCount)
{
    Candidate candidate = loadFixture("anytime_fmnist.pt", kFashionShape, true);
    const auto& want = expected().at("anytime_fmnist");
    ASSERT_EQ(candidate.kind(), ModelKind::Anytime);
    ASSERT_EQ(candidate.numOutputs(), static_cast<int>(want.at("macs").size()));
    for (int k = 0; k < candidate.numOutputs(); ++k) {
        EXPECT_EQ(candidate.outputCosts()[k].cumulativeMacs, want.at("macs").at(k).get<std::int64_t>()) << k;
        EXPECT_EQ(candidate.outputCosts()[k].cumulativeParameters, want.at("parameters").at(k).get<std::int64_t>())
            << k;
    }
    const std::vector<float> image = testImage(28 * 28);
    candidate.reset(image, { 1, 1, 28, 28 });
    std::vector<std::vector<float>> staged;
    while (!candidate.finished()) {
        EXPECT_EQ(candidate.runNextStage(), static_cast<int>(staged.size()));
        staged.push_back(candidate.currentLogits());
        EXPECT_EQ(staged.back().size(), 10u);
    }
    EXPECT_THROW(candidate.runNextStage(), std::logic_error);
    candidate.reset(image, { 1, 1, 28, 28 });
    candidate.runAllStagesMonolithic();
    for (int k = 0; k < candidate.numOutputs(); ++k) {
        const std::vector<float> monolithic = candidate.outputLogits(k);
        for (std::size_t c = 0; c < monolithic.size(); ++c)
            EXPECT_FLOAT_EQ(staged[static_cast<std::size_t>(k)][c], monolithic[c]) << "output " << k;
    }
    // Later outputs differ from earlier ones: each stage really ran its own head.
    EXPECT_NE(staged[0], staged[2]);
}

TEST(CoreTorchScriptLoad, StagedRunnerRunsAnImportedAnytimeModel)
{
    Candidate candidate = loadFixture("anytime_fmnist.pt", kFashionShape, true);
    StagedRunnerOptions options;
    options.threads = 1;
    const StagedRunner runner(options);
    const std::vector<float> image = testImage(28 * 28);
    const StagedRunResult result = runner.run(candidate, image, { 1, 1, 28, 28 }, /*deadlineMs=*/60'000.0);
    EXPECT_EQ(result.outputReached, 2);
    EXPECT_EQ(result.stageLatencyMs.size(), 3u);
    EXPECT_TRUE(result.deadlineMet);
    candidate.reset(image, { 1, 1, 28, 28 });
    candidate.runAllStagesMonolithic();
    EXPECT_EQ(result.predictedClass, candidate.currentPrediction());
}

TEST(CoreTorchScriptLoad, TracedModuleOfAnotherShape)
{
    Candidate candidate = loadFixture("rgb64_traced.pt", { 1, 3, 64, 64 }, false);
    const auto& want = expected().at("rgb64_traced");
    EXPECT_EQ(candidate.imageShape(), (std::vector<std::int64_t> { 3, 64, 64 }));
    EXPECT_EQ(candidate.numClasses(), want.at("classes").get<int>());
    EXPECT_EQ(candidate.outputCosts().at(0).cumulativeMacs, want.at("macs").at(0).get<std::int64_t>());
    EXPECT_EQ(candidate.parameterCount(), want.at("total_parameters").get<std::int64_t>());
    const std::vector<float> image = testImage(3 * 64 * 64);
    candidate.reset(image, { 1, 3, 64, 64 });
    candidate.runNextStage();
    EXPECT_EQ(candidate.currentLogits().size(), 5u);
    // Fashion-MNIST images are not this model's input.
    EXPECT_THROW(candidate.reset(image, { 1, 1, 28, 28 }), std::invalid_argument);
    EXPECT_THROW(candidate.reset(fashionMnist().test, 0), std::invalid_argument);
}

struct RefusalCase {
    const char* label;
    const char* file; // under tests/data/torchscript; "text" is a text file written by the test
    std::vector<std::int64_t> shape;
    bool anytime;
    const char* phrase;
};

void PrintTo(const RefusalCase& refusal, std::ostream* out) { *out << refusal.label; }

class CoreTorchScriptRefusal : public ::testing::TestWithParam<RefusalCase> { };

TEST_P(CoreTorchScriptRefusal, RefusesWithOneLineNamingTheFile)
{
    const RefusalCase& refusal = GetParam();
    TempDir dir;
    std::string bytes = "this is not a model\n";
    if (std::string(refusal.file) != "text")
        bytes = readFile(fixture(refusal.file));
    const std::string message
        = errorOf([&] { loadTorchScriptCandidate("bad", bytes, refusal.file, refusal.shape, refusal.anytime); });
    EXPECT_NE(message.find(refusal.phrase), std::string::npos) << message;
    EXPECT_EQ(message.rfind(refusal.file, 0), 0u) << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
}

INSTANTIATE_TEST_SUITE_P(Contract, CoreTorchScriptRefusal,
    ::testing::Values(RefusalCase { "TextFile", "text", { 1, 1, 28, 28 }, false, "not a TorchScript file" },
        RefusalCase { "PickledStateDict", "state_dict.pt", { 1, 1, 28, 28 }, false, "not a TorchScript file" },
        RefusalCase { "ThreeChannelModelOnGreyInput", "rgb64_traced.pt", { 1, 1, 28, 28 }, false,
            "forward fails on an input of shape 1,1,28,28: " },
        RefusalCase { "GreyModelOnColourInput", "plain_fmnist.pt", { 1, 3, 64, 64 }, false,
            "forward fails on an input of shape 1,3,64,64: " },
        RefusalCase { "FeatureMap", "feature_map.pt", { 1, 1, 28, 28 }, false,
            "returned a tensor of shape [1,4,26,26], not 2-D logits" },
        RefusalCase { "Tuple", "tuple_output.pt", { 1, 1, 28, 28 }, false, "returned a Tuple, not a tensor of logits" },
        RefusalCase { "NaN", "nan_logits.pt", { 1, 1, 28, 28 }, false, "NaN or infinite logits" },
        RefusalCase { "Inf", "inf_logits.pt", { 1, 1, 28, 28 }, false, "NaN or infinite logits" },
        RefusalCase { "AnytimeWithoutConvention", "plain_fmnist.pt", { 1, 1, 28, 28 }, true,
            "not an anytime module: it does not export num_outputs and forward_stage" },
        RefusalCase { "AnytimeWrongStageSignature", "bad_stage.pt", { 1, 1, 28, 28 }, true,
            "forward_stage has the signature (k: int, state: List[Tensor]) -> Tensor" }),
    [](const auto& info) { return std::string(info.param.label); });

TEST(CoreTorchScriptImport, CopiesTheCheckedBytesAndEvaluatesOnFashionMnist)
{
    TempDir dir;
    const TorchScriptImportResult result = importTorchScript(
        { fixture("anytime_fmnist.pt"), "my-anytime", kFashionShape, true, dir / "models" }, &fashionMnist());
    const ModelRecord& model = result.model;
    EXPECT_TRUE(result.wroteFile);
    EXPECT_EQ(model.name, "my-anytime");
    EXPECT_EQ(model.source, "import");
    EXPECT_EQ(model.kind, ModelKind::Anytime);
    EXPECT_EQ(model.inputShape, "1,1,28,28");
    EXPECT_EQ(fs::path(model.filePath), dir / "models" / "my-anytime.pt");
    EXPECT_EQ(readFile(model.filePath), readFile(fixture("anytime_fmnist.pt")));
    EXPECT_EQ(model.fileSha256, sha256FileHex(fixture("anytime_fmnist.pt")));
    // Only the renamed copy: no temporary file left beside it.
    EXPECT_EQ(std::distance(fs::directory_iterator(dir / "models"), {}), 1);

    ASSERT_TRUE(result.evaluation.has_value());
    const auto& accuracy = expected().at("anytime_fmnist").at("accuracy");
    ASSERT_EQ(model.outputs.size(), accuracy.size());
    for (std::size_t k = 0; k < model.outputs.size(); ++k) {
        // PyTorch's own evaluation of the same file; a few images may flip on float rounding.
        ASSERT_TRUE(model.outputs[k].testAccuracy.has_value());
        EXPECT_NEAR(*model.outputs[k].testAccuracy, accuracy.at(k).get<double>(), 5e-4) << k;
        const auto& correct = result.evaluation->outputs[k].correct;
        ASSERT_EQ(correct.size(), 10'000u);
        EXPECT_DOUBLE_EQ(static_cast<double>(std::count(correct.begin(), correct.end(), true)) / 10'000.0,
            *model.outputs[k].testAccuracy);
    }
}

TEST(CoreTorchScriptImport, OtherInputShapesHaveNoAccuracy)
{
    TempDir dir;
    const TorchScriptImportResult result = importTorchScript(
        { fixture("rgb64_traced.pt"), "rgb", { 1, 3, 64, 64 }, false, dir / "models" }, &fashionMnist());
    EXPECT_FALSE(result.evaluation.has_value());
    ASSERT_EQ(result.model.outputs.size(), 1u);
    EXPECT_FALSE(result.model.outputs[0].testAccuracy.has_value());
    EXPECT_EQ(
        result.model.outputs[0].cumulativeMacs, expected().at("rgb64_traced").at("macs").at(0).get<std::int64_t>());
}

TEST(CoreTorchScriptImport, RefusalWritesNothing)
{
    TempDir dir;
    const fs::path models = dir / "models";
    EXPECT_THROW(importTorchScript({ fixture("nan_logits.pt"), "nan", kFashionShape, false, models }, nullptr),
        TorchScriptImportError);
    EXPECT_THROW(importTorchScript({ fixture("plain_fmnist.pt"), "../escape", kFashionShape, false, models }, nullptr),
        TorchScriptImportError);
    EXPECT_THROW(importTorchScript({ dir / "missing.pt", "missing", kFashionShape, false, models }, nullptr),
        TorchScriptImportError);
    EXPECT_FALSE(fs::exists(models));
    EXPECT_FALSE(fs::exists(dir / "escape.pt"));
}

TEST(CoreTorchScriptImport, DoesNotOverwriteAnotherFileOfTheSameName)
{
    TempDir dir;
    fs::create_directories(dir / "models");
    writeFile(dir / "models" / "taken.pt", "another store's model");
    EXPECT_THROW(
        importTorchScript({ fixture("plain_fmnist.pt"), "taken", kFashionShape, false, dir / "models" }, nullptr),
        TorchScriptImportError);
    EXPECT_EQ(readFile(dir / "models" / "taken.pt"), "another store's model");
}

TEST(CoreTorchScriptImport, ModelLoaderRunsTheImportAndNoticesAChangedFile)
{
    TempDir dir;
    const TorchScriptImportResult result
        = importTorchScript({ fixture("anytime_fmnist.pt"), "loaded", kFashionShape, true, dir / "models" }, nullptr);
    Candidate candidate = loadModelCandidate(result.model);
    EXPECT_EQ(candidate.name(), "loaded");
    EXPECT_EQ(candidate.numOutputs(), 3);
    EXPECT_EQ(candidate.outputCosts().back().cumulativeMacs, result.model.outputs.back().cumulativeMacs);
    candidate.reset(fashionMnist().test, 0);
    while (!candidate.finished())
        candidate.runNextStage();
    EXPECT_EQ(candidate.currentLogits().size(), 10u);

    writeFile(result.model.filePath, readFile(fixture("plain_fmnist.pt")));
    try {
        loadModelCandidate(result.model);
        FAIL() << "a replaced file loaded";
    } catch (const std::runtime_error& error) {
        EXPECT_NE(std::string(error.what()).find("changed since it was imported"), std::string::npos) << error.what();
    }
    fs::remove(result.model.filePath);
    EXPECT_THROW(loadModelCandidate(result.model), std::runtime_error);
}
