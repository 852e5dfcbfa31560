#pragma once

// An alertwb-powerd served from a thread of the test process, against a fake powercap tree in a
// temporary directory (tests/core/power_test_support.h), with its socket and state file there.
#include <chrono>
#include <functional>
#include <memory>
#include <thread>

#include "powerd/cap_controller.h"
#include "powerd/powerd_server.h"
#include "tests/core/power_test_support.h"

namespace awb::test {

inline const std::string kLimitFile = "constraint_0_power_limit_uw";

class PowerdTestBase : public ::testing::Test {
protected:
    void SetUp() override { writeTwoSocketRaplTree(m_root); }
    void TearDown() override { stopDaemon(); }

    // package-0 is intel-rapl:1 in the two-socket tree (zone numbers do not follow names).
    std::filesystem::path package0Limit() const { return m_root / "intel-rapl:1" / kLimitFile; }
    std::filesystem::path package1Limit() const { return m_root / "intel-rapl:0" / kLimitFile; }

    void startDaemon(
        std::chrono::milliseconds sessionTimeout = std::chrono::minutes(10),
        powerd::AccessCheck access = [](const powerd::PeerCredentials&) { return std::nullopt; })
    {
        m_controller = std::make_unique<powerd::CapController>(m_root, m_stateFile);
        powerd::PowerdServerOptions options;
        options.socketPath = m_socket;
        options.socketMode = 0666; // the fallback test connects as an unprivileged user
        options.sessionTimeout = sessionTimeout;
        options.accessCheck = std::move(access);
        options.log = [](std::string_view) {};
        m_server = std::make_unique<powerd::PowerdServer>(*m_controller, options);
        m_thread = std::thread([this] { m_server->run(); });
    }

    void stopDaemon()
    {
        if (!m_server)
            return;
        m_server->stop();
        m_thread.join();
        m_server.reset();
        m_controller.reset();
    }

    TempDir m_dir;
    std::filesystem::path m_root = m_dir / "powercap";
    std::filesystem::path m_stateFile = m_dir / "state" / "caps-state.json";
    std::filesystem::path m_socket = m_dir / "powerd.sock";
    std::unique_ptr<powerd::CapController> m_controller;
    std::unique_ptr<powerd::PowerdServer> m_server;
    std::thread m_thread;
};

// Polls `condition` until it holds or `limit` passes. The limit is generous: the condition is
// expected to hold within milliseconds. A condition that throws counts as false: the daemon's
// thread may be between truncating and writing a fake file (sysfs writes are atomic).
inline bool eventually(const std::function<bool()>& condition, std::chrono::seconds limit = std::chrono::seconds(30))
{
    const auto holds = [&condition] {
        try {
            return condition();
        } catch (const std::exception&) {
            return false;
        }
    };
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!holds()) {
        if (std::chrono::steady_clock::now() > deadline)
            return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return true;
}

} // namespace awb::test
