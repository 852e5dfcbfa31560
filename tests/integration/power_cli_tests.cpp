#include <chrono>
#include <csignal>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <spawn.h>
#include <thread>

#include "tests/core/power_test_support.h"
#include "tests/integration/cli_runner.h"

extern char** environ;

using awb::test::readFile;
using awb::test::readInteger;
using awb::test::runCli;
using awb::test::TempDir;

namespace {

const std::string kLimit = "constraint_0_power_limit_uw";

// A fake machine: a two-socket RAPL tree, a fake NVML GPU, and a private caps record folder.
class IntegrationPowerCli : public ::testing::Test {
protected:
    void SetUp() override
    {
        awb::test::writeTwoSocketRaplTree(m_tree);
        awb::test::writeFile(m_nvmlState, "gpu0.limit_mw 300000\n");
    }
    void TearDown() override
    {
        if (m_holder > 0) {
            kill(m_holder, SIGKILL);
            waitpid(m_holder, nullptr, 0);
        }
    }

    std::vector<std::string> environment() const
    {
        return { "ALERTWB_POWERCAP_ROOT=" + m_tree.string(), "ALERTWB_STATE_DIR=" + (m_dir / "state").string(),
            std::string("ALERTWB_NVML_LIBRARY=") + AWB_FAKE_NVML_PATH,
            "ALERTWB_FAKE_NVML_STATE=" + m_nvmlState.string() };
    }
    awb::test::CliResult cli(const std::vector<std::string>& args) const { return runCli(args, environment()); }

    // Starts `alertwb-cli power hold …` in the background and waits until it holds the cap.
    bool startHolder(const std::vector<std::string>& args)
    {
        std::vector<std::string> argvStrings { AWB_CLI_PATH, "power", "hold" };
        argvStrings.insert(argvStrings.end(), args.begin(), args.end());
        std::vector<char*> argv;
        for (auto& arg : argvStrings)
            argv.push_back(arg.data());
        argv.push_back(nullptr);
        std::vector<std::string> envStrings = environment(); // first: getenv takes the first match
        for (char** entry = environ; *entry; ++entry)
            envStrings.emplace_back(*entry);
        std::vector<char*> envp;
        for (auto& entry : envStrings)
            envp.push_back(entry.data());
        envp.push_back(nullptr);
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(
            &actions, STDOUT_FILENO, m_holderOut.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        const int error = posix_spawn(&m_holder, AWB_CLI_PATH, &actions, nullptr, argv.data(), envp.data());
        posix_spawn_file_actions_destroy(&actions);
        if (error != 0)
            return false;
        for (int attempt = 0; attempt < 1000; ++attempt) {
            if (readFile(m_holderOut).find("holding") != std::string::npos)
                return true;
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        return false;
    }
    int stopHolder(int signalNumber)
    {
        kill(m_holder, signalNumber);
        int status = 0;
        waitpid(m_holder, &status, 0);
        m_holder = -1;
        return status;
    }

    long long limitUw(const char* zone) const { return readInteger(m_tree / zone / kLimit); }
    bool stateFileExists() const { return std::filesystem::exists(m_dir / "state" / "caps-state.json"); }

    TempDir m_dir;
    std::filesystem::path m_tree = m_dir / "powercap";
    std::filesystem::path m_nvmlState = m_dir / "fake-nvml";
    std::filesystem::path m_holderOut = m_dir / "holder.out";
    pid_t m_holder = -1;
};

} // namespace

TEST_F(IntegrationPowerCli, StatusJsonListsEveryBackendWithRangeCapAndEnergy)
{
    const auto result = cli({ "power", "status", "--json" });
    ASSERT_EQ(result.exitCode, 0) << result.err;
    const auto document = nlohmann::json::parse(result.out);
    const auto& backends = document.at("backends");
    ASSERT_EQ(backends.size(), 3u);
    const auto& rapl = backends[0];
    EXPECT_EQ(rapl.at("name"), "rapl");
    EXPECT_TRUE(rapl.at("usable").get<bool>());
    EXPECT_FALSE(rapl.at("emulated").get<bool>());
    EXPECT_EQ(rapl.at("cap_range").at("max_w"), 250.0);
    EXPECT_EQ(rapl.at("power_cap_w"), 190.0);
    EXPECT_EQ(rapl.at("energy_counter_j"), 3.0);
    const auto& nvml = backends[1];
    EXPECT_EQ(nvml.at("name"), "nvml");
    EXPECT_TRUE(nvml.at("usable").get<bool>()) << nvml.at("reason");
    EXPECT_EQ(nvml.at("power_cap_w"), 300.0);
    EXPECT_EQ(nvml.at("cap_range").at("min_w"), 100.0);
    const auto& emulated = backends[2];
    EXPECT_EQ(emulated.at("name"), "emulated");
    EXPECT_TRUE(emulated.at("emulated").get<bool>());
    EXPECT_FALSE(document.at("state_file").at("pending").get<bool>());
}

TEST_F(IntegrationPowerCli, StatusOnAMachineWithoutHardwareSaysWhy)
{
    const auto result = runCli({ "power", "status" },
        { "ALERTWB_POWERCAP_ROOT=" + (m_dir / "absent").string(), "ALERTWB_STATE_DIR=" + (m_dir / "state").string(),
            "ALERTWB_NVML_LIBRARY=libnvidia-ml-absent.so.1" });
    ASSERT_EQ(result.exitCode, 0) << result.err;
    EXPECT_NE(result.out.find("rapl: unavailable - powercap root " + (m_dir / "absent").string() + " does not exist"),
        std::string::npos)
        << result.out;
    EXPECT_NE(result.out.find("nvml: unavailable - libnvidia-ml-absent.so.1 not found (no NVIDIA driver installed)"),
        std::string::npos)
        << result.out;
    EXPECT_NE(result.out.find("emulated: usable (emulated)"), std::string::npos) << result.out;
}

TEST_F(IntegrationPowerCli, SigkillThenPowerRestoreBringsBackTheOriginalLimit)
{
    ASSERT_TRUE(startHolder({ "--backend", "rapl", "--cap-w", "100" })) << readFile(m_holderOut);
    EXPECT_EQ(limitUw("intel-rapl:0"), 50000000);
    stopHolder(SIGKILL);
    EXPECT_EQ(limitUw("intel-rapl:0"), 50000000) << "SIGKILL cannot be caught";
    ASSERT_TRUE(stateFileExists());

    const auto result = cli({ "power", "restore" });
    EXPECT_EQ(result.exitCode, 0) << result.err;
    EXPECT_NE(result.out.find("restored 2 power cap settings"), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("95.000 W (was 50.000 W)"), std::string::npos) << result.out;
    EXPECT_EQ(limitUw("intel-rapl:0"), 95000000);
    EXPECT_EQ(limitUw("intel-rapl:1"), 95000000);
    EXPECT_FALSE(stateFileExists());

    const auto again = cli({ "power", "restore", "--json" });
    EXPECT_EQ(again.exitCode, 0);
    EXPECT_FALSE(nlohmann::json::parse(again.out).at("pending").get<bool>());
}

TEST_F(IntegrationPowerCli, SigkillThenAnyCommandStartRestores)
{
    ASSERT_TRUE(startHolder({ "--backend", "rapl", "--cap-w", "120" })) << readFile(m_holderOut);
    stopHolder(SIGKILL);
    EXPECT_EQ(limitUw("intel-rapl:1"), 60000000);
    const auto result = cli({ "power", "status", "--json" });
    EXPECT_EQ(result.exitCode, 0) << result.err;
    EXPECT_NE(result.err.find("restored 2 power cap settings left by alertwb process"), std::string::npos)
        << result.err;
    EXPECT_EQ(nlohmann::json::parse(result.out).at("backends")[0].at("power_cap_w"), 190.0) << "stdout stays JSON";
    EXPECT_EQ(limitUw("intel-rapl:1"), 95000000);
    EXPECT_FALSE(stateFileExists());
}

TEST_F(IntegrationPowerCli, SigtermRestoresBeforeTheProcessEnds)
{
    ASSERT_TRUE(startHolder({ "--backend", "rapl", "--cap-w", "80" })) << readFile(m_holderOut);
    EXPECT_EQ(limitUw("intel-rapl:0"), 40000000);
    const int status = stopHolder(SIGTERM);
    EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
    EXPECT_EQ(limitUw("intel-rapl:0"), 95000000);
    EXPECT_FALSE(stateFileExists());
}

TEST_F(IntegrationPowerCli, NvmlLimitLeftBySigkillIsRestoredThroughTheLibrary)
{
    ASSERT_TRUE(startHolder({ "--backend", "nvml", "--cap-w", "200" })) << readFile(m_holderOut);
    EXPECT_NE(readFile(m_nvmlState).find("gpu0.limit_mw 200000"), std::string::npos);
    stopHolder(SIGKILL);
    const auto result = cli({ "power", "restore" });
    EXPECT_EQ(result.exitCode, 0) << result.err;
    EXPECT_NE(result.out.find("300.000 W (was 200.000 W)"), std::string::npos) << result.out;
    EXPECT_NE(readFile(m_nvmlState).find("gpu0.limit_mw 300000"), std::string::npos) << readFile(m_nvmlState);
}

TEST_F(IntegrationPowerCli, RestoreLeavesALiveHolderAloneUnlessForced)
{
    ASSERT_TRUE(startHolder({ "--backend", "rapl", "--cap-w", "100" })) << readFile(m_holderOut);
    const auto refused = cli({ "power", "restore" });
    EXPECT_EQ(refused.exitCode, 1);
    EXPECT_NE(refused.err.find("held by running alertwb process " + std::to_string(m_holder)), std::string::npos)
        << refused.err;
    EXPECT_EQ(limitUw("intel-rapl:0"), 50000000);

    const auto forced = cli({ "power", "restore", "--force" });
    EXPECT_EQ(forced.exitCode, 0) << forced.err;
    EXPECT_EQ(limitUw("intel-rapl:0"), 95000000);
}

TEST_F(IntegrationPowerCli, CapOutsideTheRangeIsBadInput)
{
    const auto result = cli({ "power", "hold", "--backend", "rapl", "--cap-w", "500", "--seconds", "0.1" });
    EXPECT_EQ(result.exitCode, 2);
    EXPECT_NE(result.err.find("cap 500.000 W is outside the RAPL range 62.0-250.0 W"), std::string::npos) << result.err;
    EXPECT_EQ(limitUw("intel-rapl:0"), 95000000);
    EXPECT_FALSE(stateFileExists());
}

TEST_F(IntegrationPowerCli, UnavailableBackendSaysWhy)
{
    const auto result = runCli({ "power", "hold", "--backend", "nvml", "--cap-w", "200", "--seconds", "0.1" },
        { "ALERTWB_STATE_DIR=" + (m_dir / "state").string(), "ALERTWB_NVML_LIBRARY=libnvidia-ml-absent.so.1" });
    EXPECT_EQ(result.exitCode, 1);
    EXPECT_NE(result.err.find("NVML unavailable: libnvidia-ml-absent.so.1 not found"), std::string::npos) << result.err;
}

TEST_F(IntegrationPowerCli, HoldForAWhileThenRestoresOnNormalExit)
{
    const auto result = cli({ "power", "hold", "--backend", "rapl", "--cap-w", "150", "--seconds", "0.05" });
    EXPECT_EQ(result.exitCode, 0) << result.err;
    EXPECT_NE(result.out.find("holding rapl cap at 150"), std::string::npos) << result.out;
    EXPECT_EQ(limitUw("intel-rapl:0"), 95000000);
    EXPECT_FALSE(stateFileExists());
}
