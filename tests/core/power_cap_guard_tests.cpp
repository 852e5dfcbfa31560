#include "core/power/cap_guard.h"
#include "core/power/emulated_backend.h"
#include "core/power/nvml_backend.h"
#include "core/power/rapl_backend.h"

#include <csignal>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/core/power_test_support.h"

using awb::core::CapGuard;
using awb::core::PowerError;
using awb::core::RaplBackend;
using awb::test::readInteger;
using awb::test::TempDir;

namespace {

const std::string kLimit = "constraint_0_power_limit_uw";

class CoreCapGuard : public ::testing::Test {
protected:
    void SetUp() override { awb::test::writeTwoSocketRaplTree(m_tree); }

    long long limitUw(const char* zone) const { return readInteger(m_tree / zone / kLimit); }
    bool stateFileExists() const { return std::filesystem::exists(m_stateFile); }

    // Forks a child that opens RAPL on the fake tree, arms a guard, sets capW, reports
    // "ready" through a pipe and waits for a signal. Returns its pid once it is ready.
    pid_t startCappedChild(double capW)
    {
        int pipeFds[2];
        if (pipe(pipeFds) != 0)
            return -1;
        const pid_t child = fork();
        if (child == 0) {
            close(pipeFds[0]);
            try {
                RaplBackend backend(m_tree);
                CapGuard guard(backend, m_stateFile);
                backend.setCapW(capW);
                [[maybe_unused]] auto written = write(pipeFds[1], "ready", 5);
                for (;;)
                    pause();
            } catch (...) {
                _exit(4);
            }
        }
        close(pipeFds[1]);
        char buffer[8] = {};
        const auto length = read(pipeFds[0], buffer, 5);
        close(pipeFds[0]);
        return length == 5 ? child : -1;
    }

    TempDir m_dir;
    std::filesystem::path m_tree = m_dir / "powercap";
    std::filesystem::path m_stateFile = m_dir / "state" / "caps-state.json";
};

int g_chainedSignal = 0;
extern "C" void recordSignal(int signalNumber) { g_chainedSignal = signalNumber; }

} // namespace

TEST_F(CoreCapGuard, RecordsTheOriginalsAndRestoresOnDestruction)
{
    RaplBackend backend(m_tree);
    {
        CapGuard guard(backend, m_stateFile);
        backend.setCapW(100.0);
        EXPECT_EQ(limitUw("intel-rapl:0"), 50000000);
        ASSERT_TRUE(stateFileExists());
        const auto record = nlohmann::json::parse(awb::test::readFile(m_stateFile));
        EXPECT_EQ(record.at("pid"), getpid());
        EXPECT_EQ(record.at("backend"), "rapl");
        EXPECT_EQ(record.at("settings").size(), 2u);
        EXPECT_EQ(record.at("settings")[0].at("value"), 95000000);
        EXPECT_DOUBLE_EQ(guard.original().capW, 190.0);
    }
    EXPECT_EQ(limitUw("intel-rapl:0"), 95000000);
    EXPECT_EQ(limitUw("intel-rapl:1"), 95000000);
    EXPECT_FALSE(stateFileExists());
}

TEST_F(CoreCapGuard, RestoresWhenAnExceptionUnwinds)
{
    RaplBackend backend(m_tree);
    try {
        CapGuard guard(backend, m_stateFile);
        backend.setCapW(80.0);
        throw std::runtime_error("inference failed");
    } catch (const std::runtime_error&) {
    }
    EXPECT_EQ(limitUw("intel-rapl:0"), 95000000);
    EXPECT_FALSE(stateFileExists());
}

TEST_F(CoreCapGuard, OnlyOneGuardPerProcess)
{
    RaplBackend backend(m_tree);
    CapGuard guard(backend, m_stateFile);
    EXPECT_THROW(CapGuard(backend, m_dir / "other.json"), std::logic_error);
}

TEST_F(CoreCapGuard, SigtermRestoresThenTerminates)
{
    const pid_t child = startCappedChild(100.0);
    ASSERT_GT(child, 0) << "the child could not cap the fake tree";
    EXPECT_EQ(limitUw("intel-rapl:1"), 50000000);
    EXPECT_TRUE(stateFileExists());
    kill(child, SIGTERM);
    int status = 0;
    waitpid(child, &status, 0);
    EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM) << "the signal must still end the process";
    EXPECT_EQ(limitUw("intel-rapl:0"), 95000000);
    EXPECT_EQ(limitUw("intel-rapl:1"), 95000000);
    EXPECT_FALSE(stateFileExists());
}

TEST_F(CoreCapGuard, SigintChainsToTheHandlerInstalledBefore)
{
    struct sigaction previous { };
    struct sigaction action { };
    action.sa_handler = recordSignal;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, &previous);
    g_chainedSignal = 0;
    {
        RaplBackend backend(m_tree);
        CapGuard guard(backend, m_stateFile);
        backend.setCapW(120.0);
        raise(SIGINT);
        // Restored by the handler before the program's own handler ran (a cancel flag, say).
        EXPECT_EQ(g_chainedSignal, SIGINT);
        EXPECT_EQ(limitUw("intel-rapl:0"), 95000000);
        EXPECT_FALSE(stateFileExists());
    }
    sigaction(SIGINT, &previous, nullptr);
}

TEST_F(CoreCapGuard, SigkillLeavesTheRecordAndTheNextStartRestores)
{
    const pid_t child = startCappedChild(100.0);
    ASSERT_GT(child, 0);
    // While the owner runs, its caps are left alone and a second guard refuses to start.
    const auto whileAlive = awb::core::restorePendingCaps(m_stateFile);
    EXPECT_TRUE(whileAlive.ownerAlive);
    EXPECT_EQ(limitUw("intel-rapl:0"), 50000000);
    {
        RaplBackend backend(m_tree);
        try {
            CapGuard guard(backend, m_stateFile);
            ADD_FAILURE() << "a guard started over caps a running process holds";
        } catch (const PowerError& error) {
            EXPECT_NE(std::string(error.what()).find("held by running alertwb process " + std::to_string(child)),
                std::string::npos)
                << error.what();
        }
    }
    kill(child, SIGKILL);
    int status = 0;
    waitpid(child, &status, 0);
    EXPECT_EQ(limitUw("intel-rapl:0"), 50000000) << "SIGKILL cannot be caught: the cap stays";
    ASSERT_TRUE(stateFileExists());

    const auto report = awb::core::restorePendingCaps(m_stateFile);
    EXPECT_TRUE(report.pending);
    EXPECT_FALSE(report.ownerAlive);
    EXPECT_EQ(report.ownerPid, child);
    ASSERT_EQ(report.restored.size(), 2u);
    EXPECT_NE(report.restored[0].find("95.000 W (was 50.000 W)"), std::string::npos) << report.restored[0];
    EXPECT_TRUE(report.stateFileRemoved);
    EXPECT_EQ(limitUw("intel-rapl:0"), 95000000);
    EXPECT_EQ(limitUw("intel-rapl:1"), 95000000);
    EXPECT_FALSE(stateFileExists());
    EXPECT_FALSE(awb::core::restorePendingCaps(m_stateFile).pending);
}

TEST_F(CoreCapGuard, AGuardFirstRestoresWhatADeadRunLeft)
{
    const pid_t child = startCappedChild(70.0);
    ASSERT_GT(child, 0);
    kill(child, SIGKILL);
    waitpid(child, nullptr, 0);
    RaplBackend backend(m_tree);
    CapGuard guard(backend, m_stateFile);
    EXPECT_DOUBLE_EQ(guard.original().capW, 190.0) << "the record must hold the machine's originals, not 70 W";
    EXPECT_EQ(limitUw("intel-rapl:0"), 95000000);
}

TEST_F(CoreCapGuard, RecordOfAnEarlierBootIsDroppedUntouched)
{
    RaplBackend backend(m_tree);
    auto record = awb::core::makeCapStateRecord(backend.snapshotCaps());
    record.ownerPid = 999999;
    record.bootId = "00000000-0000-0000-0000-000000000000";
    record.original.settings[0].value = 10000000;
    awb::core::writeCapState(m_stateFile, record);
    const auto report = awb::core::restorePendingCaps(m_stateFile);
    EXPECT_TRUE(report.earlierBoot);
    EXPECT_TRUE(report.restored.empty());
    EXPECT_FALSE(stateFileExists());
    EXPECT_EQ(limitUw("intel-rapl:0"), 95000000) << "a reboot reset the caps; nothing may be written";
}

TEST_F(CoreCapGuard, VanishedTargetsAreSkippedAndTheRecordDropped)
{
    RaplBackend backend(m_tree);
    auto record = awb::core::makeCapStateRecord(backend.snapshotCaps());
    record.ownerPid = 999999;
    record.ownerStartTicks = 1;
    std::filesystem::remove_all(m_tree / "intel-rapl:1");
    awb::core::writeCapState(m_stateFile, record);
    const auto report = awb::core::restorePendingCaps(m_stateFile);
    EXPECT_EQ(report.restored.size(), 1u);
    ASSERT_EQ(report.vanished.size(), 1u);
    EXPECT_NE(report.vanished[0].find("intel-rapl:1/constraint_0_power_limit_uw no longer exists"), std::string::npos);
    EXPECT_TRUE(report.ok());
    EXPECT_FALSE(stateFileExists());
}

TEST_F(CoreCapGuard, ARestoreWithoutPermissionKeepsTheRecord)
{
    RaplBackend backend(m_tree);
    auto record = awb::core::makeCapStateRecord(backend.snapshotCaps());
    record.ownerPid = 999999;
    record.ownerStartTicks = 1;
    ASSERT_EQ(record.original.settings[0].target, (m_tree / "intel-rapl:1" / kLimit).string()) << "package-0 first";
    record.original.settings[0].value = 60000000;
    awb::core::writeCapState(m_stateFile, record);
    chmod(m_stateFile.c_str(), 0644);
    // The limit files are root's, 0644: an unprivileged user reads but cannot write them.
    const std::string message = awb::test::runUnprivileged(m_dir.path(), [&] {
        const auto report = awb::core::restorePendingCaps(m_stateFile);
        return report.failed.empty() ? std::string("no failure") : report.failed.front() + "|" + report.summary();
    });
    EXPECT_NE(
        message.find("permission denied writing " + (m_tree / "intel-rapl:1" / kLimit).string()), std::string::npos)
        << message;
    EXPECT_NE(message.find("as root"), std::string::npos) << message;
    EXPECT_TRUE(stateFileExists()) << "the record must survive for a later restore as root";
    EXPECT_EQ(limitUw("intel-rapl:1"), 95000000);
    // As root now: the retry finishes the job.
    if (geteuid() == 0) {
        EXPECT_TRUE(awb::core::restorePendingCaps(m_stateFile).ok());
        EXPECT_EQ(limitUw("intel-rapl:1"), 60000000);
        EXPECT_FALSE(stateFileExists());
    }
}

TEST_F(CoreCapGuard, DamagedRecordIsRefusedNotGuessed)
{
    awb::test::writeFile(m_stateFile, "{\"format\": \"alertwb-caps-state\", \"version\": 1, \"pid\": ");
    try {
        awb::core::restorePendingCaps(m_stateFile);
        FAIL() << "a damaged record was accepted";
    } catch (const PowerError& error) {
        EXPECT_NE(std::string(error.what()).find("is damaged"), std::string::npos) << error.what();
    }
    EXPECT_TRUE(stateFileExists());
}

TEST_F(CoreCapGuard, EmulatedBackendWritesNoRecordButRestoresItsCap)
{
    awb::core::EmulatedBackend backend;
    {
        CapGuard guard(backend, m_stateFile);
        backend.setCapW(30.0);
        EXPECT_FALSE(stateFileExists());
    }
    EXPECT_DOUBLE_EQ(backend.capW(), 65.0);
}

TEST_F(CoreCapGuard, NvmlLimitIsRestoredOnSigtermByTheRestorerThread)
{
    const auto nvmlState = m_dir / "fake-nvml-state";
    awb::test::writeFile(nvmlState, "gpu0.limit_mw 350000\n");
    setenv("ALERTWB_FAKE_NVML_STATE", nvmlState.c_str(), 1);
    int pipeFds[2];
    ASSERT_EQ(pipe(pipeFds), 0);
    const pid_t child = fork();
    if (child == 0) {
        close(pipeFds[0]);
        try {
            awb::core::NvmlBackend backend(0, AWB_FAKE_NVML_PATH);
            CapGuard guard(backend, m_stateFile);
            backend.setCapW(200.0);
            [[maybe_unused]] auto written = write(pipeFds[1], "ready", 5);
            for (;;)
                pause();
        } catch (...) {
            _exit(4);
        }
    }
    close(pipeFds[1]);
    char buffer[8] = {};
    const auto length = read(pipeFds[0], buffer, 5);
    close(pipeFds[0]);
    ASSERT_EQ(length, 5);
    EXPECT_NE(awb::test::readFile(nvmlState).find("gpu0.limit_mw 200000"), std::string::npos);
    kill(child, SIGTERM);
    int status = 0;
    waitpid(child, &status, 0);
    unsetenv("ALERTWB_FAKE_NVML_STATE");
    EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
    EXPECT_NE(awb::test::readFile(nvmlState).find("gpu0.limit_mw 350000"), std::string::npos)
        << awb::test::readFile(nvmlState);
    EXPECT_FALSE(stateFileExists());
}
