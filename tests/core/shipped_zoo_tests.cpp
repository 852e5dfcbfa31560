// The trained zoo shipped in resources/models: its manifest must say what its weights really
// do. Re-evaluates the small models on the Fashion-MNIST test set and compares with the
// manifest's accuracy and per-input correctness, and checks that damaged files are refused.
#include "core/models/fashion_mnist.h"
#include "core/models/model_loader.h"
#include "core/models/shipped_zoo.h"
#include "core/models/trainer.h"

#include <filesystem>
#include <gtest/gtest.h>

#include "tests/support/temp_dir.h"

using namespace awb::core;

namespace {

const ShippedModel& shippedNamed(const ShippedZoo& zoo, const std::string& name)
{
    for (const ShippedModel& shipped : zoo.models) {
        if (shipped.model.name == name)
            return shipped;
    }
    throw std::runtime_error("the shipped zoo has no " + name);
}

} // namespace

TEST(CoreShippedZoo, ManifestRecordsTheCommandAndEveryZooModel)
{
    const ShippedZoo zoo = readShippedZoo();
    EXPECT_NE(zoo.command.find("alertwb-cli train --zoo"), std::string::npos) << zoo.command;
    EXPECT_EQ(zoo.dataset.sampleCount, 10000);
    for (const char* name : { "cnn-xs", "cnn-s", "cnn-m", "cnn-l", "anytime-width4", "anytime-depth3" }) {
        const ShippedModel& shipped = shippedNamed(zoo, name);
        EXPECT_EQ(shipped.model.source, "zoo");
        EXPECT_TRUE(std::filesystem::path(shipped.model.filePath).is_absolute());
        ASSERT_EQ(shipped.correctByOutput.size(), shipped.model.outputs.size());
        for (const auto& correct : shipped.correctByOutput)
            EXPECT_EQ(correct.size(), 10000U);
    }
    // The bar for the largest traditional model.
    EXPECT_GE(*shippedNamed(zoo, "cnn-l").model.outputs.at(0).testAccuracy, 0.91);
}

TEST(CoreShippedZoo, SmallModelsReproduceTheirRecordedAccuracyAndCorrectness)
{
    const ShippedZoo zoo = readShippedZoo();
    const FashionMnist data = loadFashionMnist();
    for (const char* name : { "cnn-xs", "anytime-width4" }) {
        const ShippedModel& shipped = shippedNamed(zoo, name);
        Candidate candidate = loadModelCandidate(shipped.model);
        const Evaluation evaluation = evaluate(candidate, data.test);
        ASSERT_EQ(evaluation.outputs.size(), shipped.model.outputs.size()) << name;
        for (std::size_t output = 0; output < evaluation.outputs.size(); ++output) {
            EXPECT_NEAR(evaluation.outputs[output].accuracy, *shipped.model.outputs[output].testAccuracy, 1e-9)
                << name << " output " << output;
            std::size_t differing = 0;
            for (std::size_t i = 0; i < evaluation.outputs[output].correct.size(); ++i)
                differing += evaluation.outputs[output].correct[i] != shipped.correctByOutput[output][i] ? 1 : 0;
            EXPECT_EQ(differing, 0U) << name << " output " << output;
        }
    }
}

TEST(CoreShippedZoo, DamagedWeightsOrManifestAreRefusedNamingTheFile)
{
    const awb::test::TempDir dir;
    for (const auto& entry : std::filesystem::directory_iterator(shippedZooDirectory()))
        std::filesystem::copy_file(entry.path(), dir / entry.path().filename().string());
    EXPECT_NO_THROW(readShippedZoo(dir.path()));

    awb::test::writeFile(dir / "cnn-xs.pt", "not the weights");
    try {
        readShippedZoo(dir.path());
        FAIL() << "a tampered weights file was accepted";
    } catch (const std::runtime_error& error) {
        EXPECT_NE(std::string(error.what()).find("cnn-xs.pt"), std::string::npos) << error.what();
        EXPECT_NE(std::string(error.what()).find("sha256"), std::string::npos) << error.what();
    }
    awb::test::writeFile(dir / "manifest.json", "{\"format\": 1, \"models\": [");
    EXPECT_THROW(readShippedZoo(dir.path()), std::runtime_error);
    std::filesystem::remove(dir / "manifest.json");
    EXPECT_THROW(readShippedZoo(dir.path()), std::runtime_error);
}
