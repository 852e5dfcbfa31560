#include "core/power/powerd_connection.h"

#include <cstdlib>
#include <grp.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "powerd/cap_controller.h"
#include "powerd/peer_access.h"
#include "tests/powerd/powerd_test_support.h"

using awb::core::PowerdConnection;
using awb::core::PowerdRefused;
using awb::core::PowerError;
using awb::core::powerd::Request;
using awb::test::eventually;
using awb::test::readFile;
using awb::test::readInteger;

namespace {

class CorePowerd : public awb::test::PowerdTestBase { };

std::string errorOf(PowerdConnection& connection, const std::string& line)
{
    try {
        connection.callRaw(line);
    } catch (const PowerdRefused& refused) {
        return refused.what();
    }
    return "";
}

} // namespace

TEST_F(CorePowerd, ListsPackageZonesWithTheirOwnLimits)
{
    startDaemon(std::chrono::milliseconds(45000));
    PowerdConnection connection(m_socket);
    const auto reply = connection.call(Request::list());
    ASSERT_EQ(reply.at("rapl").size(), 2u) << "sub-zones (core, dram) are not listed";
    const auto& zone = reply.at("rapl").at(0);
    EXPECT_EQ(zone.at("zone"), "package-0");
    EXPECT_EQ(zone.at("limit_uw"), 95000000);
    EXPECT_EQ(zone.at("max_uw"), 125000000);
    EXPECT_EQ(zone.at("min_uw"), 31000000) << "a quarter of the maximum, in whole watts";
    EXPECT_EQ(reply.at("session_timeout_ms"), 45000);
}

TEST_F(CorePowerd, SetsTheNamedZoneAndAnswersWithTheValueReadBack)
{
    startDaemon();
    PowerdConnection connection(m_socket);
    const auto reply = connection.call(Request::setRaplLimit("package-0", 60000000));
    EXPECT_EQ(reply.at("limit_uw"), 60000000);
    EXPECT_EQ(readInteger(package0Limit()), 60000000);
    EXPECT_EQ(readInteger(package1Limit()), 95000000);
    EXPECT_TRUE(std::filesystem::exists(m_stateFile)) << "the original is recorded before the write";
}

TEST_F(CorePowerd, ANonMemberIsRefusedAndDisconnected)
{
    startDaemon(std::chrono::minutes(10), [](const awb::powerd::PeerCredentials& peer) {
        return std::optional<std::string>("uid " + std::to_string(peer.uid) + " is not a member of group alertwb");
    });
    try {
        PowerdConnection connection(m_socket);
        FAIL() << "a non-member got a session";
    } catch (const PowerError& error) {
        EXPECT_NE(std::string(error.what()).find("access denied: uid"), std::string::npos) << error.what();
    }

    // At the socket level: one error line, then the daemon hangs up without reading a request.
    const int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un address {};
    address.sun_family = AF_UNIX;
    std::strcpy(address.sun_path, m_socket.c_str());
    ASSERT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    std::string received;
    char buffer[512];
    for (ssize_t n; (n = recv(fd, buffer, sizeof buffer, 0)) > 0;)
        received.append(buffer, static_cast<std::size_t>(n));
    close(fd);
    EXPECT_EQ(received.find("{\"error\":\"access denied"), 0u) << received;
    EXPECT_EQ(received.back(), '\n');
    EXPECT_EQ(readInteger(package0Limit()), 95000000);
}

TEST_F(CorePowerd, BadRequestsGetAnErrorAndWriteNothing)
{
    startDaemon();
    const std::string before0 = readFile(package0Limit());
    const std::string before1 = readFile(package1Limit());
    PowerdConnection connection(m_socket);
    const std::vector<std::pair<std::string, std::string>> cases = {
        { R"({"op":"set_rapl_limit","zone":"package-0","limit_uw":126000000})", "outside the range of package-0" },
        { R"({"op":"set_rapl_limit","zone":"package-0","limit_uw":30000000})", "outside the range of package-0" },
        { R"({"op":"set_rapl_limit","zone":"package-7","limit_uw":60000000})", "unknown RAPL zone \"package-7\"" },
        { R"({"op":"set_rapl_limit","zone":"core","limit_uw":60000000})", "unknown RAPL zone \"core\"" },
        { R"({"op":"set_rapl_limit","zone":"../intel-rapl:1","limit_uw":60000000})", "must be a RAPL zone name" },
        { R"({"op":"set_rapl_limit","zone":"package-0","limit_uw":"60000000"})", "must be an integer" },
        { R"({"op":"set_rapl_limit","zone":"package-0","limit_uw":60000000.5})", "must be an integer" },
        { R"({"op":"set_rapl_limit","zone":"package-0","limit_uw":-60000000})", "must be between" },
        { R"({"op":"set_rapl_limit","zone":"package-0","limit_uw":18446744073709551615})", "out of range" },
        { R"({"op":"set_rapl_limit","zone":"package-0"})", "missing \"limit_uw\"" },
        { R"({"op":"set_rapl_limit","zone":"package-0","limit_uw":60000000,"path":"/etc/shadow"})",
            "unexpected field" },
        { R"({"op":"write_file","path":"/sys/class/powercap/intel-rapl:0/constraint_0_power_limit_uw"})",
            "unknown op" },
        { R"({"op":"read_energy","zone":"package-0","gpu":0})", "exactly one of" },
        { R"({"zone":"package-0"})", "needs \"op\"" },
        { R"(["set_rapl_limit","package-0",60000000])", "must be a JSON object" },
        { R"({"op":"set_rapl_limit","zone":"package-0","limit_uw":60000000)", "not valid JSON" },
        { "", "not valid JSON" },
    };
    for (const auto& [line, expected] : cases) {
        const std::string error = errorOf(connection, line);
        EXPECT_NE(error.find(expected), std::string::npos) << line << " -> \"" << error << "\"";
    }
    EXPECT_EQ(readFile(package0Limit()), before0);
    EXPECT_EQ(readFile(package1Limit()), before1);
    EXPECT_FALSE(std::filesystem::exists(m_stateFile)) << "nothing was changed, so nothing is held";
    EXPECT_NO_THROW(connection.call(Request::ping())) << "a bad request does not end the session";
}

TEST_F(CorePowerd, AnOverlongRequestClosesTheSession)
{
    startDaemon();
    PowerdConnection connection(m_socket);
    connection.call(Request::setRaplLimit("package-0", 60000000));
    const std::string error = errorOf(connection, std::string(4000, 'x'));
    EXPECT_NE(error.find("request longer than 1024 bytes"), std::string::npos) << error;
    EXPECT_TRUE(eventually([&] { return readInteger(package0Limit()) == 95000000; }))
        << "closing the session restores its caps";
}

TEST_F(CorePowerd, DisconnectRestoresTheOriginalValue)
{
    startDaemon();
    {
        PowerdConnection connection(m_socket);
        connection.call(Request::setRaplLimit("package-0", 60000000));
        connection.call(Request::setRaplLimit("package-0", 50000000));
        connection.call(Request::setRaplLimit("package-1", 70000000));
        EXPECT_EQ(readInteger(package0Limit()), 50000000);
    }
    EXPECT_TRUE(eventually([&] {
        return readInteger(package0Limit()) == 95000000 && readInteger(package1Limit()) == 95000000
            && !std::filesystem::exists(m_stateFile);
    })) << "package-0 reads "
        << readInteger(package0Limit());
}

TEST_F(CorePowerd, SilencePastTheTimeoutRestoresAndClosesTheSession)
{
    startDaemon(std::chrono::milliseconds(200));
    PowerdConnection connection(m_socket);
    connection.call(Request::setRaplLimit("package-0", 60000000));
    EXPECT_TRUE(eventually([&] { return readInteger(package0Limit()) == 95000000; }));
    // The daemon said why before hanging up; the next request gets that line.
    try {
        connection.call(Request::ping());
        FAIL() << "a timed-out session still answered";
    } catch (const PowerError& error) {
        EXPECT_NE(std::string(error.what()).find("silent for 200 ms"), std::string::npos) << error.what();
    }
}

TEST_F(CorePowerd, ACapHeldByOneClientIsRefusedToAnother)
{
    startDaemon();
    PowerdConnection first(m_socket);
    PowerdConnection second(m_socket);
    first.call(Request::setRaplLimit("package-0", 60000000));
    EXPECT_THROW(second.call(Request::setRaplLimit("package-0", 40000000)), PowerdRefused);
    EXPECT_EQ(readInteger(package0Limit()), 60000000);
    second.call(Request::setRaplLimit("package-1", 40000000));
    EXPECT_EQ(readInteger(package1Limit()), 40000000);
}

TEST_F(CorePowerd, StopRestoresEveryCap)
{
    startDaemon();
    PowerdConnection connection(m_socket);
    connection.call(Request::setRaplLimit("package-1", 40000000));
    stopDaemon();
    EXPECT_EQ(readInteger(package1Limit()), 95000000);
    EXPECT_FALSE(std::filesystem::exists(m_socket));
}

TEST_F(CorePowerd, StartAfterACrashRestoresFromTheStateFile)
{
    {
        // A controller that is dropped without release() is what a SIGKILLed daemon leaves: the
        // changed cap and the state file holding its original.
        awb::powerd::CapController crashed(m_root, m_stateFile);
        crashed.execute(7, Request::setRaplLimit("package-0", 40000000));
        crashed.execute(7, Request::setRaplLimit("package-1", 45000000));
    }
    ASSERT_EQ(readInteger(package0Limit()), 40000000);
    ASSERT_TRUE(std::filesystem::exists(m_stateFile));
    awb::powerd::CapController restarted(m_root, m_stateFile);
    EXPECT_EQ(restarted.startupRestore().restored.size(), 2u);
    EXPECT_EQ(readInteger(package0Limit()), 95000000);
    EXPECT_EQ(readInteger(package1Limit()), 95000000);
    EXPECT_FALSE(std::filesystem::exists(m_stateFile));
}

TEST_F(CorePowerd, ReadsEnergyOfAZone)
{
    startDaemon();
    PowerdConnection connection(m_socket);
    const auto reply = connection.call(Request::readZoneEnergy("package-0"));
    EXPECT_EQ(reply.at("energy_uj"), 2000000);
    EXPECT_EQ(reply.at("max_energy_range_uj"), awb::test::kRealMaxEnergyRangeUj);
}

TEST(CorePowerdAccess, AdmitsRootAndMembersAndRefusesOthers)
{
    const group* rootGroup = getgrgid(0);
    ASSERT_NE(rootGroup, nullptr);
    const awb::powerd::GroupAccess access(rootGroup->gr_name);
    EXPECT_EQ(access({ 1, 0, 0 }), std::nullopt) << "root";
    EXPECT_EQ(access({ 1, 12345, 0 }), std::nullopt) << "primary group";
    // nobody (65534) is in no supplementary group of root's group; a uid without a passwd
    // entry has none at all.
    const auto refusal = access({ 1, 65534, 65534 });
    ASSERT_TRUE(refusal.has_value());
    EXPECT_NE(refusal->find("uid 65534 is not a member of group"), std::string::npos) << *refusal;
    EXPECT_TRUE(access({ 1, 4000123, 4000123 }).has_value());
    EXPECT_THROW(awb::powerd::GroupAccess("alertwb-no-such-group"), std::runtime_error);
}

namespace {

// NVML through the fake library (tests/fakes/fake_nvml.cpp), its GPU state in a file.
class CorePowerdNvml : public awb::test::PowerdTestBase {
protected:
    void SetUp() override
    {
        PowerdTestBase::SetUp();
        setenv("ALERTWB_NVML_LIBRARY", AWB_FAKE_NVML_PATH, 1);
        setenv("ALERTWB_FAKE_NVML_STATE", m_nvmlState.c_str(), 1);
        awb::test::writeFile(m_nvmlState, "gpu0.min_mw 100000\ngpu0.max_mw 400000\ngpu0.limit_mw 300000\n");
    }
    void TearDown() override
    {
        PowerdTestBase::TearDown();
        unsetenv("ALERTWB_NVML_LIBRARY");
        unsetenv("ALERTWB_FAKE_NVML_STATE");
    }
    bool gpuLimitIs(const std::string& valueMw) const
    {
        return readFile(m_nvmlState).find("gpu0.limit_mw " + valueMw + "\n") != std::string::npos;
    }

    std::filesystem::path m_nvmlState = m_dir / "fake-nvml-state";
};

} // namespace

TEST_F(CorePowerdNvml, SetsAGpuLimitInItsRangeAndRestoresItOnDisconnect)
{
    startDaemon();
    {
        PowerdConnection connection(m_socket);
        EXPECT_THROW(connection.call(Request::setNvmlLimit(0, 450000)), PowerdRefused);
        EXPECT_THROW(connection.call(Request::setNvmlLimit(0, 99999)), PowerdRefused);
        EXPECT_TRUE(gpuLimitIs("300000")) << readFile(m_nvmlState);
        const auto reply = connection.call(Request::setNvmlLimit(0, 200000));
        EXPECT_EQ(reply.at("limit_mw"), 200000);
        EXPECT_TRUE(gpuLimitIs("200000")) << readFile(m_nvmlState);
    }
    EXPECT_TRUE(eventually([&] { return gpuLimitIs("300000"); })) << readFile(m_nvmlState);
}

TEST_F(CorePowerdNvml, WithoutNvmlTheReplySaysWhy)
{
    setenv("ALERTWB_NVML_LIBRARY", (m_dir / "libnvidia-ml-absent.so.1").c_str(), 1);
    startDaemon();
    PowerdConnection connection(m_socket);
    try {
        connection.call(Request::setNvmlLimit(0, 200000));
        FAIL() << "a GPU limit was set without NVML";
    } catch (const PowerdRefused& error) {
        EXPECT_EQ(std::string(error.what()).find("NVML unavailable: "), 0u) << error.what();
    }
}

TEST_F(CorePowerd, ASecondInstanceDoesNotTakeTheSocketOfARunningOne)
{
    startDaemon();
    PowerdConnection connection(m_socket);
    connection.call(Request::setRaplLimit("package-0", 60000000));
    awb::powerd::PowerdServerOptions options;
    options.socketPath = m_socket;
    options.accessCheck = [](const awb::powerd::PeerCredentials&) { return std::nullopt; };
    try {
        awb::powerd::PowerdServer second(*m_controller, options);
        FAIL() << "a second server bound the socket of a running one";
    } catch (const std::runtime_error& error) {
        EXPECT_NE(std::string(error.what()).find("another alertwb-powerd is listening on"), std::string::npos)
            << error.what();
    }
    EXPECT_NO_THROW(connection.call(Request::ping())) << "the first instance still serves";
    EXPECT_EQ(readInteger(package0Limit()), 60000000);
}
