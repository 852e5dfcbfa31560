// `alertwb-cli profile` as a user runs it: the shipped trained zoo (resources/models) swept on
// the emulated backend and on a fake RAPL tree, real inference on Fashion-MNIST, a real store.
#include "core/records/profile_record.h"
#include "database/repositories.h"

#include <SQLiteCpp/Database.h>
#include <csignal>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <set>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/core/power_test_support.h"
#include "tests/integration/cli_runner.h"

using awb::test::BackgroundCli;
using awb::test::readFile;
using awb::test::readInteger;
using awb::test::runCli;
using awb::test::TempDir;

namespace {

const std::string kLimit = "constraint_0_power_limit_uw";

std::size_t lineCount(const std::string& text)
{
    return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

class IntegrationProfileCli : public ::testing::Test {
protected:
    void SetUp() override { awb::test::writeTwoSocketRaplTree(m_tree); }

    std::vector<std::string> environment() const
    {
        return { "ALERTWB_POWERCAP_ROOT=" + m_tree.string(), "ALERTWB_STATE_DIR=" + (m_dir / "state").string(),
            "ALERTWB_NVML_LIBRARY=" + (m_dir / "no-nvml.so").string() };
    }
    std::vector<std::string> profileArgs(const std::vector<std::string>& extra) const
    {
        std::vector<std::string> args { "profile", "--db", m_store.string() };
        args.insert(args.end(), extra.begin(), extra.end());
        return args;
    }
    awb::test::CliResult profile(const std::vector<std::string>& extra) const
    {
        return runCli(profileArgs(extra), environment());
    }

    std::vector<awb::core::ProfileSessionSummary> sessions() const
    {
        if (!std::filesystem::exists(m_store))
            return {};
        auto store = awb::db::Store::open(m_store);
        return awb::db::ProfileRepository(store).listSessions();
    }
    long long limitUw(const char* zone) const { return readInteger(m_tree / zone / kLimit); }

    TempDir m_dir;
    std::filesystem::path m_tree = m_dir / "powercap";
    std::filesystem::path m_store = m_dir / "store.sqlite";
};

} // namespace

TEST_F(IntegrationProfileCli, EmulatedSweepPrintsTheDocumentedJsonAndStoresEveryCell)
{
    const auto result = profile({ "--models", "cnn-xs,anytime-width4", "--caps", "20,65", "--backend", "emulated",
        "--reps", "8", "--warmup", "1", "--eval-samples", "500", "--json" });
    ASSERT_EQ(result.exitCode, 0) << result.err;
    const auto json = nlohmann::json::parse(result.out);
    EXPECT_EQ(json.at("backend"), "emulated");
    EXPECT_NE(json.at("device").get<std::string>().find("emulated"), std::string::npos);
    EXPECT_EQ(json.size(), 4U) << "exactly session, backend, device, cells";
    const auto& cells = json.at("cells");
    ASSERT_EQ(cells.size(), 10U) << "(1 + 4 outputs) x 2 caps";
    const std::set<std::string> keys { "model", "output", "power_cap_w", "latency_ms_median", "latency_ms_iqr",
        "latency_ms_p95", "power_w", "energy_j", "accuracy", "noisy" };
    for (const auto& cell : cells) {
        std::set<std::string> present;
        for (const auto& item : cell.items())
            present.insert(item.key());
        EXPECT_EQ(present, keys);
        EXPECT_GT(cell.at("latency_ms_median").get<double>(), 0.0);
        EXPECT_GE(cell.at("latency_ms_p95").get<double>(), cell.at("latency_ms_median").get<double>());
        EXPECT_GT(cell.at("energy_j").get<double>(), 0.0);
        // Trained weights: far above the 10 % of chance on 500 test images.
        EXPECT_GT(cell.at("accuracy").get<double>(), 0.5) << cell.dump();
    }
    const auto stored = sessions();
    ASSERT_EQ(stored.size(), 1U);
    EXPECT_EQ(stored[0].session.status, awb::core::SessionStatus::Complete);
    EXPECT_EQ(stored[0].backend, "emulated");
    EXPECT_EQ(stored[0].cellCount, 10);
    EXPECT_EQ(stored[0].session.id, json.at("session").get<std::int64_t>());
    EXPECT_NE(result.err.find("[emulated]"), std::string::npos) << "progress lines say the figures are emulated";
}

TEST_F(IntegrationProfileCli, CapsAutoSweepsAtLeastFiveLevelsAcrossTheRange)
{
    const auto result = profile(
        { "--models", "cnn-xs", "--backend", "emulated", "--reps", "3", "--warmup", "0", "--eval-samples", "50", "--json" });
    ASSERT_EQ(result.exitCode, 0) << result.err;
    std::set<double> caps;
    const auto json = nlohmann::json::parse(result.out);
    for (const auto& cell : json.at("cells"))
        caps.insert(cell.at("power_cap_w").get<double>());
    ASSERT_GE(caps.size(), 5U) << result.out << result.err;
    EXPECT_DOUBLE_EQ(*caps.begin(), 20.0);
    EXPECT_DOUBLE_EQ(*caps.rbegin(), 65.0);
}

TEST_F(IntegrationProfileCli, InterruptedSweepKeepsItsCellsAndTheSameCommandResumesIt)
{
    const std::vector<std::string> args = profileArgs({ "--models", "cnn-xs,cnn-s", "--caps", "30,65", "--backend",
        "emulated", "--reps", "4000", "--warmup", "0", "--eval-samples", "50" });
    {
        BackgroundCli sweep(args, environment());
        ASSERT_TRUE(sweep.started());
        ASSERT_TRUE(sweep.waitFor([&] { return sweep.err().find("[1/4]") != std::string::npos; }, 120.0))
            << sweep.err();
        EXPECT_EQ(sweep.stop(SIGINT), 130) << sweep.err();
        EXPECT_NE(sweep.err().find("interrupted"), std::string::npos) << sweep.err();
    }
    auto stored = sessions();
    ASSERT_EQ(stored.size(), 1U);
    EXPECT_EQ(stored[0].session.status, awb::core::SessionStatus::Cancelled);
    const std::int64_t kept = stored[0].cellCount;
    ASSERT_GE(kept, 1);
    ASSERT_LT(kept, 4);

    const auto resumed = runCli(args, environment());
    ASSERT_EQ(resumed.exitCode, 0) << resumed.err;
    EXPECT_NE(resumed.err.find("resuming profile session " + std::to_string(stored[0].session.id) + " ("
                  + std::to_string(kept) + " cells already measured)"),
        std::string::npos)
        << resumed.err;
    stored = sessions();
    ASSERT_EQ(stored.size(), 1U) << "the same session was finished, no new one started";
    EXPECT_EQ(stored[0].session.status, awb::core::SessionStatus::Complete);
    EXPECT_EQ(stored[0].cellCount, 4);
}

TEST_F(IntegrationProfileCli, ResumeBySessionIdRunsTheSessionsOwnSettings)
{
    {
        BackgroundCli sweep(profileArgs({ "--models", "cnn-xs,cnn-s", "--caps", "30,65", "--backend", "emulated",
                                "--reps", "4000", "--warmup", "0", "--eval-samples", "50" }),
            environment());
        ASSERT_TRUE(sweep.started());
        ASSERT_TRUE(sweep.waitFor([&] { return sweep.err().find("[1/4]") != std::string::npos; }, 120.0))
            << sweep.err();
        EXPECT_EQ(sweep.stop(SIGINT), 130) << sweep.err();
    }
    auto stored = sessions();
    ASSERT_EQ(stored.size(), 1U);
    const std::string id = std::to_string(stored[0].session.id);

    // Other sweep options are ignored: the session's models, caps and counts are what runs.
    const auto resumed = profile({ "--resume", id, "--models", "cnn-m", "--caps", "40" });
    ASSERT_EQ(resumed.exitCode, 0) << resumed.err;
    EXPECT_NE(resumed.err.find("resuming profile session " + id), std::string::npos) << resumed.err;
    stored = sessions();
    ASSERT_EQ(stored.size(), 1U);
    EXPECT_EQ(stored[0].session.status, awb::core::SessionStatus::Complete);
    EXPECT_EQ(stored[0].cellCount, 4);

    const auto again = profile({ "--resume", id });
    EXPECT_EQ(again.exitCode, 2);
    EXPECT_NE(again.err.find("is complete: there is nothing to resume"), std::string::npos) << again.err;
    EXPECT_EQ(lineCount(again.err), 1U) << again.err;
    const auto unknown = profile({ "--resume", "999" });
    EXPECT_EQ(unknown.exitCode, 2);
    EXPECT_NE(unknown.err.find("profile session 999 is not in the store"), std::string::npos) << unknown.err;
    EXPECT_EQ(sessions().size(), 1U);
}

TEST_F(IntegrationProfileCli, SigkillMidSweepLeavesTheCapWhichTheNextStartRestores)
{
    const long long original = limitUw("intel-rapl:0");
    {
        BackgroundCli sweep(profileArgs({ "--models", "cnn-xs", "--caps", "100", "--backend", "rapl", "--reps",
                                "100000000", "--warmup", "0", "--eval-samples", "50" }),
            environment());
        ASSERT_TRUE(sweep.started());
        // Two packages share the 100 W: 50 W each.
        ASSERT_TRUE(sweep.waitFor([&] { return limitUw("intel-rapl:0") == 50000000; }, 120.0)) << sweep.err();
        EXPECT_EQ(sweep.stop(SIGKILL), 128 + SIGKILL);
    }
    EXPECT_EQ(limitUw("intel-rapl:0"), 50000000) << "SIGKILL cannot be caught";
    EXPECT_TRUE(std::filesystem::exists(m_dir / "state" / "caps-state.json"));

    const auto next = runCli({ "power", "status" }, environment());
    EXPECT_EQ(next.exitCode, 0) << next.err;
    EXPECT_EQ(limitUw("intel-rapl:0"), original);
    EXPECT_EQ(limitUw("intel-rapl:1"), original);
    EXPECT_FALSE(std::filesystem::exists(m_dir / "state" / "caps-state.json"));
    const auto stored = sessions();
    ASSERT_EQ(stored.size(), 1U);
    EXPECT_NE(stored[0].session.status, awb::core::SessionStatus::Complete) << "a killed sweep is not complete";
}

TEST_F(IntegrationProfileCli, UnknownModelIsRefusedWithTheKnownOnesAndNothingIsMeasured)
{
    const auto result = profile({ "--models", "cnn-xs,resnet-9000", "--backend", "emulated" });
    EXPECT_EQ(result.exitCode, 2);
    EXPECT_EQ(lineCount(result.err), 1U + (result.err.find("added ") == 0 ? 1U : 0U)) << result.err;
    EXPECT_NE(result.err.find("unknown model 'resnet-9000'"), std::string::npos) << result.err;
    EXPECT_NE(result.err.find("cnn-l"), std::string::npos) << "lists what the store holds: " << result.err;
    EXPECT_TRUE(sessions().empty());
}

TEST_F(IntegrationProfileCli, CapOutsideTheRangeIsRefusedNamingTheRange)
{
    const auto result = profile({ "--models", "cnn-xs", "--caps", "100,500", "--backend", "rapl" });
    EXPECT_EQ(result.exitCode, 2) << result.err;
    EXPECT_NE(result.err.find("500.0 W"), std::string::npos) << result.err;
    EXPECT_NE(result.err.find("rapl"), std::string::npos) << result.err;
    EXPECT_EQ(limitUw("intel-rapl:0"), 95000000) << "nothing was changed";
    EXPECT_TRUE(sessions().empty());
    const auto malformed = profile({ "--caps", "30,lots", "--backend", "emulated" });
    EXPECT_EQ(malformed.exitCode, 2);
    EXPECT_NE(malformed.err.find("'lots' is not a power in W"), std::string::npos) << malformed.err;
}

TEST_F(IntegrationProfileCli, UnavailableBackendSaysWhy)
{
    std::vector<std::string> env = environment();
    env[0] = "ALERTWB_POWERCAP_ROOT=" + (m_dir / "no-such-tree").string();
    const auto rapl = runCli(profileArgs({ "--models", "cnn-xs", "--backend", "rapl" }), env);
    EXPECT_EQ(rapl.exitCode, 1);
    EXPECT_NE(rapl.err.find("cannot profile with this backend"), std::string::npos) << rapl.err;
    EXPECT_NE(rapl.err.find("no-such-tree"), std::string::npos) << "names what is missing: " << rapl.err;
    const auto nvml = runCli(profileArgs({ "--models", "cnn-xs", "--backend", "nvml" }), env);
    EXPECT_EQ(nvml.exitCode, 1);
    EXPECT_NE(nvml.err.find("no-nvml.so"), std::string::npos) << nvml.err;
    EXPECT_TRUE(sessions().empty());
}

TEST_F(IntegrationProfileCli, LockedStoreIsRefusedBeforeAnyCapChanges)
{
    // Put the shipped models in first, then hold the write lock as another process would.
    ASSERT_EQ(profile({ "--models", "cnn-xs", "--caps", "65", "--backend", "emulated", "--reps", "1", "--warmup", "0",
                  "--eval-samples", "10" })
                  .exitCode,
        0);
    SQLite::Database holder(m_store.string(), SQLite::OPEN_READWRITE);
    holder.exec("BEGIN IMMEDIATE");
    const auto result = profile({ "--models", "cnn-xs", "--caps", "100", "--backend", "rapl" });
    holder.exec("ROLLBACK");
    EXPECT_EQ(result.exitCode, 2) << result.err;
    EXPECT_NE(result.err.find("locked by another process"), std::string::npos) << result.err;
    EXPECT_EQ(limitUw("intel-rapl:0"), 95000000);
    EXPECT_EQ(sessions().size(), 1U);
}

// Permission bits do not stop root, so as root the CLI runs as nobody (setpriv, util-linux).
TEST_F(IntegrationProfileCli, ReadOnlyStoreIsRefusedUntouchedBeforeAnyCapChanges)
{
    ASSERT_EQ(runCli({ "models", "list", "--db", m_store.string() }, environment()).exitCode, 0);
    const std::string before = readFile(m_store);
    std::filesystem::create_directories(m_dir / "state");
    chmod((m_dir / "state").c_str(), 0777);
    chmod(m_tree.c_str(), 0777);
    for (const auto& entry : std::filesystem::recursive_directory_iterator(m_tree))
        chmod(entry.path().c_str(), entry.is_directory() ? 0777 : 0666);
    std::vector<std::string> args = profileArgs({ "--models", "cnn-xs", "--caps", "100", "--backend", "rapl" });
    awb::test::CliResult result;
    if (geteuid() == 0) {
        std::vector<std::string> wrapped { "--reuid=65534", "--regid=65534", "--clear-groups", AWB_CLI_PATH };
        wrapped.insert(wrapped.end(), args.begin(), args.end());
        result = awb::test::runProgram("/usr/bin/setpriv", wrapped, environment());
    } else {
        chmod(m_store.c_str(), 0444);
        chmod(m_dir.path().c_str(), 0555);
        result = runCli(args, environment());
        chmod(m_dir.path().c_str(), 0755);
    }
    EXPECT_EQ(result.exitCode, 2) << result.err;
    EXPECT_EQ(lineCount(result.err), 1U) << result.err;
    EXPECT_NE(result.err.find("read-only"), std::string::npos) << result.err;
    EXPECT_EQ(readFile(m_store), before);
    EXPECT_EQ(limitUw("intel-rapl:0"), 95000000) << "no cap was changed";
}
