// The README's first command on a machine without a display: `alertwb --demo FOLDER` profiles
// the shipped zoo, runs ALERT live with a co-runner phase and compares it with its baselines,
// then prints a summary and writes the store, the exports and every chart into FOLDER. And a
// folder it must not write into is refused, untouched.
#include "tests/integration/cli_runner.h"
#include "tests/support/temp_dir.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

namespace {

using awb::test::runProgram;
using awb::test::TempDir;

std::string head(const std::filesystem::path& path, std::size_t bytes)
{
    std::ifstream in(path, std::ios::binary);
    std::string text(bytes, '\0');
    in.read(text.data(), static_cast<std::streamsize>(bytes));
    text.resize(static_cast<std::size_t>(in.gcount()));
    return text;
}

std::vector<std::string> environmentFor(const TempDir& home)
{
    // No display: the demo must run offscreen by itself. Its own state (caps, settings) stays
    // in the temporary home.
    return { "DISPLAY=", "WAYLAND_DISPLAY=", "QT_QPA_PLATFORM=", "HOME=" + home.path().string(),
        "XDG_CONFIG_HOME=" + (home.path() / "config").string(), "XDG_DATA_HOME=" + (home.path() / "data").string(),
        "ALERTWB_STATE_DIR=" + (home.path() / "state").string() };
}

TEST(IntegrationDemo, ProfilesRunsComparesAndWritesEveryExportAndChart)
{
    TempDir home;
    const std::filesystem::path folder = home.path() / "tour";
    const auto result = runProgram(AWB_GUI_PATH, { "--demo", folder.string() }, environmentFor(home));
    ASSERT_EQ(result.exitCode, 0) << result.err;

    // The summary names each step's outcome, says the power figures are emulated and lists files.
    EXPECT_NE(result.out.find("(emulated power)"), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("profile session 1"), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("live run 1: ALERT"), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("3000 inputs: deadline misses"), std::string::npos) << result.out;
    for (const char* environment : { "alone", "memory", "compute", "run 1" })
        EXPECT_NE(result.out.find(std::string("    ") + environment), std::string::npos) << environment;
    EXPECT_NE(result.out.find(folder.string()), std::string::npos) << result.out;

    EXPECT_EQ(head(folder / "workbench.sqlite", 16), std::string("SQLite format 3\0", 16));
    for (const char* csv : { "profile.csv", "runs.csv", "run-steps.csv", "comparison.csv" }) {
        SCOPED_TRACE(csv);
        ASSERT_TRUE(std::filesystem::is_regular_file(folder / csv));
        EXPECT_GT(std::filesystem::file_size(folder / csv), 200U);
    }
    EXPECT_NE(head(folder / "run-steps.csv", 4096).find("xi_observed"), std::string::npos);
    EXPECT_EQ(head(folder / "comparison.json", 1), "{");
    std::vector<std::string> charts { "comparison-energy", "comparison-error", "frontier" };
    for (const char* chart : { "xi", "latency", "power-cap", "configuration", "energy", "accuracy" })
        charts.push_back(std::string("live-run-1-") + chart);
    for (const std::string& chart : charts) {
        SCOPED_TRACE(chart);
        EXPECT_EQ(head(folder / (chart + ".png"), 8), "\x89PNG\r\n\x1a\n");
        EXPECT_NE(head(folder / (chart + ".svg"), 512).find("<svg"), std::string::npos);
    }
}

TEST(IntegrationDemo, AFolderThatIsNotEmptyIsRefusedAndLeftAsItWas)
{
    TempDir home;
    const std::filesystem::path folder = home.path() / "taken";
    std::filesystem::create_directories(folder);
    {
        std::ofstream keep(folder / "notes.txt");
        keep << "mine";
    }
    const auto result = runProgram(AWB_GUI_PATH, { "--demo", folder.string() }, environmentFor(home));
    EXPECT_EQ(result.exitCode, 2);
    EXPECT_NE(result.err.find("is not empty"), std::string::npos) << result.err;
    EXPECT_EQ(std::distance(std::filesystem::directory_iterator(folder), std::filesystem::directory_iterator()), 1);
    EXPECT_EQ(head(folder / "notes.txt", 16), "mine");
}

} // namespace
