// The alertwb-powerd program itself, as a child process: killed with SIGKILL while it holds a
// cap, its next start restores the cap from the state file; SIGTERM restores and exits 0.
#include "core/power/powerd_connection.h"

#include <csignal>
#include <grp.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/powerd/powerd_test_support.h"

using awb::core::PowerdConnection;
using awb::core::powerd::Request;
using awb::test::eventually;
using awb::test::readInteger;

namespace {

class CorePowerdProcess : public awb::test::PowerdTestBase {
protected:
    void TearDown() override
    {
        if (m_child > 0) {
            kill(m_child, SIGKILL);
            waitpid(m_child, nullptr, 0);
        }
        PowerdTestBase::TearDown();
    }

    // Starts the daemon on the fake tree, admitting our own primary group; returns once it
    // accepts sessions.
    void spawnDaemon()
    {
        const group* ownGroup = getgrgid(getgid());
        ASSERT_NE(ownGroup, nullptr);
        const std::string groupName = ownGroup->gr_name;
        m_child = fork();
        ASSERT_GE(m_child, 0);
        if (m_child == 0) {
            setenv("ALERTWB_POWERCAP_ROOT", m_root.c_str(), 1);
            execl(AWB_POWERD_PATH, AWB_POWERD_PATH, "--socket", m_socket.c_str(), "--group", groupName.c_str(),
                "--state-file", m_stateFile.c_str(), "--session-timeout-s", "600", static_cast<char*>(nullptr));
            _exit(127);
        }
        ASSERT_TRUE(eventually([this] { return PowerdConnection(m_socket).call(Request::ping()).value("ok", false); }))
            << "alertwb-powerd did not start listening on " << m_socket;
    }

    int waitForExit()
    {
        int status = 0;
        waitpid(m_child, &status, 0);
        m_child = -1;
        return status;
    }

    pid_t m_child = -1;
};

} // namespace

TEST_F(CorePowerdProcess, StartAfterSigkillRestoresTheCapsItHeld)
{
    spawnDaemon();
    {
        PowerdConnection connection(m_socket);
        connection.call(Request::setRaplLimit("package-0", 40000000));
        kill(m_child, SIGKILL);
        EXPECT_TRUE(WIFSIGNALED(waitForExit()));
    }
    ASSERT_EQ(readInteger(package0Limit()), 40000000) << "nobody restored it: the daemon was killed";
    ASSERT_TRUE(std::filesystem::exists(m_stateFile));

    spawnDaemon(); // it restores before it listens
    EXPECT_EQ(readInteger(package0Limit()), 95000000);
    EXPECT_FALSE(std::filesystem::exists(m_stateFile));
}

TEST_F(CorePowerdProcess, SigtermRestoresAndExitsCleanly)
{
    spawnDaemon();
    PowerdConnection connection(m_socket);
    connection.call(Request::setRaplLimit("package-1", 50000000));
    kill(m_child, SIGTERM);
    const int status = waitForExit();
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
    EXPECT_EQ(readInteger(package1Limit()), 95000000);
    EXPECT_FALSE(std::filesystem::exists(m_socket));
    EXPECT_FALSE(std::filesystem::exists(m_stateFile));
}
