// `alertwb-cli evaluate` on a store built through the repositories: the JSON contract, the
// readable table on stderr, traces from a file, determinism, and the one-line refusals.
#include <algorithm>
#include <fstream>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/integration/cli_runner.h"
#include "tests/support/replay_store.h"
#include "tests/support/temp_dir.h"

using awb::test::runCli;
using awb::test::TempDir;

namespace {

using awb::test::kReplayTestInputs;
using awb::test::makeReplayStore;
using awb::test::ReplayStoreIds;

std::size_t lineCount(const std::string& text)
{
    return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

class IntegrationEvaluateCli : public ::testing::Test {
protected:
    void SetUp() override { m_ids = makeReplayStore(db()); }
    std::string db() const { return (m_dir / "store.sqlite").string(); }
    awb::test::CliResult evaluate(std::vector<std::string> args) const
    {
        args.insert(
            args.begin(), { "evaluate", "--db", db(), "--session", std::to_string(m_ids.complete), "--threads", "2" });
        return runCli(args);
    }

    TempDir m_dir;
    ReplayStoreIds m_ids;
};

} // namespace

TEST_F(IntegrationEvaluateCli, JsonSummaryNormalisedToBothOraclesWithEveryConstantRecorded)
{
    const auto result = evaluate({ "--json", "--goals", "2x2", "--contention", "memory@100-200", "--inputs", "300" });
    ASSERT_EQ(result.exitCode, 0) << result.err;
    const auto json = nlohmann::json::parse(result.out); // stdout is the document alone
    const std::vector<std::string> names { "alert", "oracle", "static-oracle", "app-only", "sys-only", "no-coord" };
    ASSERT_EQ(json.at("summary").size(), names.size());
    for (std::size_t i = 0; i < names.size(); ++i) {
        const auto& row = json.at("summary")[i];
        EXPECT_EQ(row.at("controller"), names[i]);
        for (const char* key : { "energy_vs_oracle", "error_vs_oracle", "energy_vs_static_oracle",
                 "error_vs_static_oracle", "deadline_miss_rate", "violation_rate" })
            EXPECT_TRUE(row.contains(key)) << key;
    }
    EXPECT_DOUBLE_EQ(json.at("summary")[1].at("energy_vs_oracle").get<double>(), 1.0);
    EXPECT_DOUBLE_EQ(json.at("summary")[2].at("error_vs_static_oracle").get<double>(), 1.0);
    // 2 deadlines × 2 budgets in max-accuracy, up to 2 × 2 accuracy goals in min-energy.
    const auto& settings = json.at("settings");
    ASSERT_GE(settings.size(), 5U);
    EXPECT_EQ(settings[0].at("mode"), "max-accuracy");
    EXPECT_TRUE(settings[0].contains("energy_budget_j"));
    EXPECT_EQ(settings.back().at("mode"), "min-energy");
    EXPECT_EQ(settings[0].at("controllers").size(), names.size());

    const auto& run = json.at("run");
    EXPECT_EQ(run.at("profile_session"), m_ids.complete);
    EXPECT_TRUE(run.at("emulated").get<bool>());
    EXPECT_EQ(run.at("inputs"), 300);
    EXPECT_EQ(run.at("test_inputs"), kReplayTestInputs);
    EXPECT_EQ(run.at("models"), (nlohmann::json { "fast", "slow", "nested" }));
    EXPECT_DOUBLE_EQ(run.at("alert").at("slowdown_filter").at("r").get<double>(), 0.0009);
    EXPECT_DOUBLE_EQ(run.at("alert").at("idle_power_filter").at("initial_w").get<double>(), 8.0); // the device's
    EXPECT_EQ(run.at("contention").at("spec"), "memory@100-200");
    EXPECT_TRUE(run.at("contention").at("levels").contains("memory"));
    // The readable table goes to stderr.
    EXPECT_NE(result.err.find("All settings"), std::string::npos);
    EXPECT_NE(result.err.find("EMULATED"), std::string::npos);
}

TEST_F(IntegrationEvaluateCli, SameSeedSameResultAndConstantsTakeEffect)
{
    const auto first = evaluate({ "--json", "--goals", "2x2", "--contention", "compute@50-150", "--inputs", "200" });
    const auto second = evaluate({ "--json", "--goals", "2x2", "--contention", "compute@50-150", "--inputs", "200" });
    ASSERT_EQ(first.exitCode, 0) << first.err;
    // Everything but the measured decision time.
    const auto summary = [](const std::string& out) {
        nlohmann::json rows = nlohmann::json::parse(out).at("summary");
        for (auto& row : rows)
            row.erase("decision_ns");
        return rows;
    };
    EXPECT_EQ(summary(first.out), summary(second.out));
    const auto tuned = evaluate(
        { "--json", "--goals", "2x2", "--contention", "compute@50-150", "--inputs", "200", "--xi-r", "0.04" });
    ASSERT_EQ(tuned.exitCode, 0) << tuned.err;
    EXPECT_DOUBLE_EQ(
        nlohmann::json::parse(tuned.out).at("run").at("alert").at("slowdown_filter").at("r").get<double>(), 0.04);
}

TEST_F(IntegrationEvaluateCli, ReplaysATraceFileAndWritesTheTraceItUsed)
{
    const std::string written = (m_dir / "synth.csv").string();
    const auto synth
        = evaluate({ "--goals", "1x1", "--contention", "memory@10-30", "--inputs", "60", "--trace-out", written });
    ASSERT_EQ(synth.exitCode, 0) << synth.err;
    EXPECT_NE(synth.out.find("All settings"), std::string::npos); // without --json the table is on stdout
    const auto replayed = evaluate({ "--json", "--goals", "1x1", "--trace", written });
    ASSERT_EQ(replayed.exitCode, 0) << replayed.err;
    const auto json = nlohmann::json::parse(replayed.out);
    EXPECT_EQ(json.at("run").at("inputs"), 60);
    EXPECT_NE(json.at("run").at("trace").get<std::string>().find("synth.csv"), std::string::npos);
}

TEST_F(IntegrationEvaluateCli, RefusesBadInputWithOneLineNamingTheProblem)
{
    const std::string badTrace = (m_dir / "bad.csv").string();
    std::ofstream(badTrace) << "input,slowdown\n0,1.0\n1,slow\n";
    struct Case {
        std::vector<std::string> args;
        std::string message;
    };
    const std::vector<Case> cases {
        { { "--goals", "deadline_ms=-1" }, "goal grid 'deadline_ms=-1': '-1' is not a positive number" },
        { { "--goals", "accuracy=nan" }, "goal grid 'accuracy=nan': 'nan' is not a positive number up to 1" },
        { { "--goals", "energy_j=0.1;mode=min-energy" },
            "contradictory goal grid: energy_j is given but the mode is min-energy" },
        { { "--models", "fast,huge" }, "did not measure model 'huge' (it measured fast, slow, nested)" },
        { { "--models", "," }, "the candidate set is empty: --models names no model" },
        { { "--trace", badTrace }, "bad.csv line 3: slowdown 'slow' is not a positive number" },
        { { "--trace", badTrace, "--contention", "memory@1-5" },
            "give one of --trace FILE, --trace-run ID or --contention SPEC" },
        { { "--contention", "disk@1-5" }, "unknown kind 'disk'" },
        { { "--xi-alpha", "2" }, "the process-noise smoothing α must be in [0, 1]" },
    };
    for (const Case& c : cases) {
        const auto result = evaluate(c.args);
        EXPECT_EQ(result.exitCode, 2) << c.message << ": " << result.err;
        EXPECT_NE(result.err.find(c.message), std::string::npos) << result.err;
        EXPECT_EQ(lineCount(result.err), 1U) << result.err;
        EXPECT_TRUE(result.out.empty());
    }
    const auto missing = runCli({ "evaluate", "--db", db(), "--session", std::to_string(m_ids.missingCap) });
    EXPECT_EQ(missing.exitCode, 2);
    EXPECT_NE(missing.err.find("the profile lacks model 'slow' output 0 at cap 40 W"), std::string::npos)
        << missing.err;
    EXPECT_EQ(lineCount(missing.err), 1U) << missing.err;
    const auto noSession = runCli({ "evaluate", "--db", db(), "--session", "99" });
    EXPECT_EQ(noSession.exitCode, 2);
    EXPECT_NE(noSession.err.find("no profile session 99"), std::string::npos) << noSession.err;
}
