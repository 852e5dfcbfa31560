// `alertwb-cli run` as a user runs it: the shipped trained zoo profiled on the emulated backend (or
// a fake RAPL tree), then real staged inference on Fashion-MNIST test images with real co-running
// threads, every step in a real store.
#include "core/records/run_record.h"
#include "database/repositories.h"

#include <SQLiteCpp/Database.h>
#include <csignal>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "tests/core/power_test_support.h"
#include "tests/integration/cli_runner.h"

using awb::test::BackgroundCli;
using awb::test::readInteger;
using awb::test::runCli;
using awb::test::TempDir;

namespace {

std::size_t lineCount(const std::string& text)
{
    return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

class IntegrationRunCli : public ::testing::Test {
protected:
    // One small emulated profile for the whole suite (cnn-xs and the width-nested anytime model at
    // 20 and 65 W); each test runs on its own copy.
    static void SetUpTestSuite()
    {
        s_template = new TempDir;
        const auto result = runCli(
            { "profile", "--db", (s_template->path() / "store.sqlite").string(), "--models", "cnn-xs,anytime-width4",
                "--caps", "20,65", "--backend", "emulated", "--reps", "20", "--warmup", "2", "--eval-samples", "500" },
            { "ALERTWB_STATE_DIR=" + (s_template->path() / "state").string() });
        ASSERT_EQ(result.exitCode, 0) << result.err;
    }
    static void TearDownTestSuite()
    {
        delete s_template;
        s_template = nullptr;
    }
    void SetUp() override
    {
        std::filesystem::copy_file(s_template->path() / "store.sqlite", m_store);
        awb::test::writeTwoSocketRaplTree(m_tree);
    }

    std::vector<std::string> environment() const
    {
        return { "ALERTWB_POWERCAP_ROOT=" + m_tree.string(), "ALERTWB_STATE_DIR=" + (m_dir / "state").string(),
            "ALERTWB_NVML_LIBRARY=" + (m_dir / "no-nvml.so").string() };
    }
    std::vector<std::string> runArgs(const std::vector<std::string>& extra) const
    {
        std::vector<std::string> args { "run", "--db", m_store.string() };
        args.insert(args.end(), extra.begin(), extra.end());
        return args;
    }
    awb::test::CliResult run(const std::vector<std::string>& extra) const
    {
        return runCli(runArgs(extra), environment());
    }
    std::vector<awb::core::RunSummary> runs() const
    {
        auto store = awb::db::Store::open(m_store);
        return awb::db::RunRepository(store).listRuns();
    }
    std::vector<awb::core::RunEventRecord> events(std::int64_t runId) const
    {
        auto store = awb::db::Store::open(m_store);
        return awb::db::RunRepository(store).events(runId);
    }

    static TempDir* s_template;
    TempDir m_dir;
    std::filesystem::path m_tree = m_dir / "powercap";
    std::filesystem::path m_store = m_dir / "store.sqlite";
};

TempDir* IntegrationRunCli::s_template = nullptr;

const std::vector<std::string> kFeasibleGoal { "--goal", "max-accuracy", "--deadline-ms", "2", "--energy-budget-j",
    "0.05" };

std::vector<std::string> with(std::vector<std::string> args, const std::vector<std::string>& extra)
{
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
}

} // namespace

TEST_F(IntegrationRunCli, JsonSummaryStepsAndContentionEventsAreStored)
{
    const auto result = run(with(kFeasibleGoal,
        { "--inputs", "300", "--contention", "compute@100-200", "--contention-workers", "1", "--json" }));
    ASSERT_EQ(result.exitCode, 0) << result.err;
    const auto json = nlohmann::json::parse(result.out);
    for (const char* key :
        { "run", "inputs", "accuracy", "deadline_miss_rate", "energy_j_per_input", "goal_violation_rate", "backend" })
        EXPECT_TRUE(json.contains(key)) << key << " missing from " << result.out;
    EXPECT_EQ(json.at("inputs"), 300);
    EXPECT_EQ(json.at("backend"), "emulated");
    EXPECT_EQ(json.at("status"), "complete");
    // Trained models on real test images: far above the 10 % of chance.
    EXPECT_GT(json.at("accuracy").get<double>(), 0.6) << result.out;
    EXPECT_GT(json.at("energy_j_per_input").get<double>(), 0.0);
    EXPECT_NE(result.err.find("every power and energy figure is emulated"), std::string::npos) << result.err;

    const auto stored = runs();
    ASSERT_EQ(stored.size(), 1U);
    EXPECT_EQ(stored[0].run.id, json.at("run").get<std::int64_t>());
    EXPECT_EQ(stored[0].run.status, awb::core::SessionStatus::Complete);
    EXPECT_EQ(stored[0].run.controller, "alert");
    EXPECT_EQ(stored[0].run.contentionSpec, "compute@100-200");
    EXPECT_EQ(stored[0].stepCount, 300);
    const auto logged = events(stored[0].run.id);
    ASSERT_EQ(logged.size(), 2U);
    EXPECT_EQ(logged[0].kind, "contention-start");
    EXPECT_EQ(logged[0].inputIndex, 100);
    EXPECT_NE(logged[0].detail.find("compute: 1 worker"), std::string::npos) << logged[0].detail;
    EXPECT_EQ(logged[1].kind, "contention-stop");
    EXPECT_EQ(logged[1].inputIndex, 200);

    const auto exported = runCli({ "export", "--db", m_store.string(), "--table", "steps", "--run",
                                     std::to_string(stored[0].run.id), "--format", "csv" },
        environment());
    ASSERT_EQ(exported.exitCode, 0) << exported.err;
    std::istringstream lines(exported.out);
    std::string line;
    std::size_t rows = 0;
    std::string header;
    while (std::getline(lines, line)) {
        if (!line.empty() && line.back() == '\r') // CSV rows end in CRLF (RFC 4180)
            line.pop_back();
        if (line.empty() || line[0] == '#')
            continue;
        if (header.empty())
            header = line;
        else
            ++rows;
    }
    EXPECT_EQ(header,
        "input_index,arrival_ms,model,output_reached,power_cap_w,latency_ms,energy_j,deadline_met,correct,"
        "xi_observed,xi_mean,xi_std,predicted_latency_ms,predicted_energy_j,predicted_accuracy");
    EXPECT_EQ(rows, 300U);

    // The live→replay bridge: other controllers replayed against the slowdown this run met.
    const auto replayed = runCli({ "evaluate", "--db", m_store.string(), "--trace-run",
                                     std::to_string(stored[0].run.id), "--goals", "2x2", "--json", "--threads", "1" },
        environment());
    ASSERT_EQ(replayed.exitCode, 0) << replayed.err;
    const auto evaluation = nlohmann::json::parse(replayed.out);
    EXPECT_EQ(evaluation.at("run").at("inputs"), 300);
    EXPECT_NE(evaluation.at("run").at("trace").get<std::string>().find("live run " + std::to_string(stored[0].run.id)),
        std::string::npos)
        << replayed.out.substr(0, 400);
    const auto missing = runCli({ "evaluate", "--db", m_store.string(), "--trace-run", "99" }, environment());
    EXPECT_EQ(missing.exitCode, 2);
    EXPECT_NE(missing.err.find("run 99 is not in the store"), std::string::npos) << missing.err;
}

TEST_F(IntegrationRunCli, ScheduledGoalChangeIsLoggedAndStaticOracleRuns)
{
    const auto result = run(with(kFeasibleGoal,
        { "--inputs", "120", "--controller", "static-oracle", "--goal-change", "60:deadline-ms=3", "--json" }));
    ASSERT_EQ(result.exitCode, 0) << result.err;
    const auto stored = runs();
    ASSERT_EQ(stored.size(), 1U);
    EXPECT_EQ(stored[0].run.controller, "static-oracle");
    const auto logged = events(stored[0].run.id);
    ASSERT_EQ(logged.size(), 1U);
    EXPECT_EQ(logged[0].kind, "goal-change");
    EXPECT_EQ(logged[0].inputIndex, 60);
    EXPECT_NE(logged[0].detail.find("deadline 3 ms"), std::string::npos) << logged[0].detail;
}

TEST_F(IntegrationRunCli, CtrlCStopsCleanlyFlushesStepsAndMarksTheRunCancelled)
{
    {
        BackgroundCli live(
            runArgs(with(kFeasibleGoal,
                { "--inputs", "10000000", "--contention", "compute@0-10000000", "--contention-workers", "1" })),
            environment());
        ASSERT_TRUE(live.started());
        ASSERT_TRUE(live.waitFor([&] { return live.err().find("run 1:") != std::string::npos; }, 120.0)) << live.err();
        // Let it log a few hundred inputs, then interrupt.
        ASSERT_FALSE(live.waitFor([] { return false; }, 1.0));
        EXPECT_EQ(live.stop(SIGINT), 130) << live.err();
        EXPECT_NE(live.err().find("interrupted: caps restored, co-runners stopped"), std::string::npos) << live.err();
        EXPECT_NE(live.out().find("run 1 interrupted"), std::string::npos) << live.out();
    }
    const auto stored = runs();
    ASSERT_EQ(stored.size(), 1U);
    EXPECT_EQ(stored[0].run.status, awb::core::SessionStatus::Cancelled);
    EXPECT_GT(stored[0].stepCount, 50);
    const auto logged = events(stored[0].run.id);
    ASSERT_EQ(logged.size(), 2U);
    EXPECT_EQ(logged.back().kind, "contention-stop") << "the co-runners were stopped and it was logged";
}

TEST_F(IntegrationRunCli, SigkillMidRunLeavesAConsistentStoreAndTheNextStartRestoresTheCap)
{
    // Profile on the fake RAPL tree too, so the run changes a (fake) hardware limit.
    const auto profiled = runCli({ "profile", "--db", m_store.string(), "--models", "cnn-xs", "--caps", "100,150",
                                     "--backend", "rapl", "--reps", "5", "--warmup", "0", "--eval-samples", "100" },
        environment());
    ASSERT_EQ(profiled.exitCode, 0) << profiled.err;
    const long long original = readInteger(m_tree / "intel-rapl:0" / "constraint_0_power_limit_uw");
    {
        BackgroundCli live(runArgs({ "--goal", "min-energy", "--deadline-ms", "1", "--accuracy-goal", "0.5", "--inputs",
                               "10000000", "--session", "2" }),
            environment());
        ASSERT_TRUE(live.started());
        ASSERT_TRUE(live.waitFor(
            [&] {
                return readInteger(m_tree / "intel-rapl:0" / "constraint_0_power_limit_uw") != original
                    && live.err().find("run 1:") != std::string::npos;
            },
            120.0))
            << live.err();
        // Past the writer's 200 ms batch delay, so some steps are committed.
        ASSERT_FALSE(live.waitFor([] { return false; }, 1.0));
        EXPECT_EQ(live.stop(SIGKILL), 128 + SIGKILL);
    }
    EXPECT_NE(readInteger(m_tree / "intel-rapl:0" / "constraint_0_power_limit_uw"), original)
        << "SIGKILL cannot be caught";
    {
        SQLite::Database db(m_store.string(), SQLite::OPEN_READONLY);
        EXPECT_EQ(db.execAndGet("PRAGMA integrity_check").getString(), "ok");
        const long long steps = db.execAndGet("SELECT count(*) FROM run_step").getInt64();
        EXPECT_GT(steps, 0) << "every batch flushed before the kill is kept";
        const long long maxIndex = db.execAndGet("SELECT max(input_index) FROM run_step").getInt64();
        EXPECT_EQ(maxIndex + 1, steps) << "the steps kept are a prefix of the run, without gaps";
    }
    const auto next = runCli({ "power", "status" }, environment());
    EXPECT_EQ(next.exitCode, 0) << next.err;
    EXPECT_EQ(readInteger(m_tree / "intel-rapl:0" / "constraint_0_power_limit_uw"), original);
}

TEST_F(IntegrationRunCli, BadRequestsAreRefusedInOneLineAndStoreNothing)
{
    struct Case {
        std::vector<std::string> args;
        const char* message;
    };
    const std::vector<Case> cases {
        { with(kFeasibleGoal, { "--controller", "fastest" }), "unknown controller 'fastest'" },
        { with(kFeasibleGoal, { "--controller", "oracle" }), "exists only in replay" },
        { with(kFeasibleGoal, { "--controller", "fixed:cnn-xs@33" }), "the profile has no cap '33' W (it has 20, 65)" },
        { with(kFeasibleGoal, { "--contention", "memory@500" }), "memory@500" },
        { with(kFeasibleGoal, { "--contention", "disk@1-2" }), "disk" },
        { with(kFeasibleGoal, { "--goal-change", "10:deadline-ms=-3" }), "10:deadline-ms=-3" },
        { with(kFeasibleGoal, { "--scenario", "server" }), "--rate" },
        { with(kFeasibleGoal, { "--wait", "nap" }), "sleep or spin, not 'nap'" },
        { with(kFeasibleGoal, { "--models", "resnet-9000" }), "resnet-9000" },
        { { "--goal", "max-accuracy", "--deadline-ms", "2" }, "--energy-budget-j" },
        { { "--goal", "fastest", "--deadline-ms", "2" }, "fastest" },
        { { "--goal", "max-accuracy", "--deadline-ms", "0.001", "--energy-budget-j", "1" },
            "infeasible goals: no candidate answers within 0.001 ms" },
        { { "--goal", "min-energy", "--deadline-ms", "5", "--accuracy-goal", "0.99" },
            "infeasible goals: no candidate reaches accuracy 0.99" },
    };
    for (const Case& c : cases) {
        const auto result = run(c.args);
        EXPECT_EQ(result.exitCode, 2) << c.message << ": " << result.err;
        EXPECT_EQ(lineCount(result.err), 1U) << result.err;
        EXPECT_NE(result.err.find(c.message), std::string::npos) << result.err;
    }
    EXPECT_TRUE(runs().empty());
}

TEST_F(IntegrationRunCli, ARateTheMachineCannotSustainIsReportedWithTheAchievedRate)
{
    const auto result
        = run(with(kFeasibleGoal, { "--scenario", "server", "--rate", "1000000", "--inputs", "400", "--json" }));
    ASSERT_EQ(result.exitCode, 0) << result.err;
    EXPECT_NE(result.err.find("could not sustain the workload"), std::string::npos) << result.err;
    const auto json = nlohmann::json::parse(result.out);
    EXPECT_LT(json.at("achieved_rate_per_s").get<double>(), json.at("target_rate_per_s").get<double>());
}
