#include "core/power/backend_factory.h"
#include "core/power/cap_guard.h"
#include "core/power/power_route.h"
#include "core/power/powerd_backend.h"

#include <cstdlib>
#include <gtest/gtest.h>

#include "tests/powerd/powerd_test_support.h"

using awb::core::PowerCapRangeError;
using awb::core::PowerdBackend;
using awb::core::PowerError;
using awb::test::eventually;
using awb::test::readInteger;

namespace {

class CorePowerdClient : public awb::test::PowerdTestBase {
protected:
    void SetUp() override
    {
        PowerdTestBase::SetUp();
        setenv("ALERTWB_POWERCAP_ROOT", m_root.c_str(), 1);
        setenv("ALERTWB_POWERD_SOCKET", m_socket.c_str(), 1);
        setenv("ALERTWB_STATE_DIR", (m_dir / "client-state").c_str(), 1);
    }
    void TearDown() override
    {
        PowerdTestBase::TearDown();
        unsetenv("ALERTWB_POWERCAP_ROOT");
        unsetenv("ALERTWB_POWERD_SOCKET");
        unsetenv("ALERTWB_STATE_DIR");
    }
};

} // namespace

TEST_F(CorePowerdClient, BackendSetsTheTotalCapThroughTheDaemon)
{
    startDaemon();
    PowerdBackend backend(m_socket);
    EXPECT_EQ(backend.name(), "rapl");
    EXPECT_NE(backend.deviceDescription().find("package-0, package-1 through alertwb-powerd at"), std::string::npos);
    EXPECT_DOUBLE_EQ(backend.capRange().maxW, 250.0);
    EXPECT_DOUBLE_EQ(backend.capRange().minW, 62.0);
    EXPECT_DOUBLE_EQ(backend.capW(), 190.0);
    EXPECT_DOUBLE_EQ(backend.setCapW(150.0), 150.0);
    EXPECT_EQ(readInteger(package0Limit()), 75000000);
    EXPECT_EQ(readInteger(package1Limit()), 75000000);
    EXPECT_THROW(backend.setCapW(400.0), PowerCapRangeError);
    EXPECT_DOUBLE_EQ(backend.counterEnergyJ(), 3.0) << "package counters only, no sub-zones";
}

TEST_F(CorePowerdClient, EnergyIsCorrectedForWraparound)
{
    startDaemon();
    PowerdBackend backend(m_socket);
    awb::test::writeFile(m_root / "intel-rapl:1" / "energy_uj", "2500000\n");
    EXPECT_DOUBLE_EQ(backend.energyJ(), 0.5);
    // package-0 wraps: from 2.5 J through the range back to 1 J.
    awb::test::writeFile(m_root / "intel-rapl:1" / "energy_uj", "1000000\n");
    EXPECT_NEAR(backend.energyJ(), 0.5 + (awb::test::kRealMaxEnergyRangeUj - 1500000) * 1e-6, 1e-6);
}

TEST_F(CorePowerdClient, ClosingTheBackendRestoresAndSnapshotsRestoreByZoneName)
{
    startDaemon();
    {
        PowerdBackend backend(m_socket);
        const auto snapshot = backend.snapshotCaps();
        ASSERT_EQ(snapshot.settings.size(), 2u);
        EXPECT_EQ(snapshot.settings[0].kind, "powerd");
        EXPECT_EQ(snapshot.settings[0].target, "package-0");
        backend.setCapW(100.0);
        backend.restoreCaps(snapshot);
        EXPECT_EQ(readInteger(package0Limit()), 95000000);
        backend.setCapW(100.0);
    }
    EXPECT_TRUE(eventually([&] { return readInteger(package0Limit()) == 95000000; }));
}

TEST_F(CorePowerdClient, CapGuardRecordsAndChecksZonesHeldThroughTheDaemon)
{
    startDaemon();
    PowerdBackend backend(m_socket);
    {
        awb::core::CapGuard guard(backend);
        backend.setCapW(120.0);
        EXPECT_TRUE(std::filesystem::exists(guard.stateFile()));
    }
    EXPECT_EQ(readInteger(package0Limit()), 95000000);
    EXPECT_FALSE(std::filesystem::exists(awb::core::capStateFilePath()));
}

TEST_F(CorePowerdClient, PendingPowerdRecordPassesWhenTheDaemonRestored)
{
    startDaemon();
    awb::core::CapStateRecord record = awb::core::makeCapStateRecord(
        { "rapl", 190.0, { { "powerd", "package-0", 95000000, "uW" }, { "powerd", "package-1", 95000000, "uW" } } });
    record.ownerPid = 999999999; // a client that died
    awb::core::writeCapState(awb::core::capStateFilePath(), record);
    const auto report = awb::core::restorePendingCaps();
    EXPECT_TRUE(report.ok()) << report.summary();
    EXPECT_EQ(report.restored.size(), 2u);

    // A daemon that did not restore is reported, and the record kept.
    PowerdBackend backend(m_socket);
    backend.setCapW(100.0);
    awb::core::writeCapState(awb::core::capStateFilePath(), record);
    const auto failed = awb::core::restorePendingCaps();
    ASSERT_EQ(failed.failed.size(), 2u);
    EXPECT_NE(failed.failed[0].find("alertwb-powerd did not restore it"), std::string::npos) << failed.failed[0];
    EXPECT_TRUE(std::filesystem::exists(awb::core::capStateFilePath()));
}

TEST_F(CorePowerdClient, WithoutWriteAccessTheFactoryFallsBackToTheDaemon)
{
    if (geteuid() != 0)
        GTEST_SKIP() << "needs root: the daemon must write limit files that the client cannot";
    startDaemon();
    // The check runs as nobody (runUnprivileged), for whom root's 0644 files are read-only.
    const std::string result = awb::test::runUnprivileged(m_root, [] {
        const auto route = awb::core::probePowerRoute();
        const auto opened = awb::core::openPowerBackend("auto");
        return route.description + "|" + opened.note + "|" + opened.backend->deviceDescription();
    });
    const std::string expected = "alertwb-powerd at " + m_socket.string();
    EXPECT_EQ(result.find(expected + "|using " + expected + "|package-0, package-1 through"), 0u) << result;
}

TEST_F(CorePowerdClient, WithoutWriteAccessOrDaemonTheRouteSaysWhy)
{
    chmod(package0Limit().c_str(), 0444);
    chmod(package1Limit().c_str(), 0444);
    const std::string result = awb::test::runUnprivileged(m_root, [] {
        const auto route = awb::core::probePowerRoute();
        return route.description + "|" + route.reason;
    });
    EXPECT_EQ(result.find("none|rapl: permission denied writing"), 0u) << result;
    EXPECT_NE(result.find("; alertwb-powerd: alertwb-powerd socket " + m_socket.string()
                  + " does not exist (is alertwb-powerd.service running?)"),
        std::string::npos)
        << result;
}

TEST_F(CorePowerdClient, WithWriteAccessTheRouteIsDirectSysfs)
{
    EXPECT_EQ(awb::core::probePowerRoute().description, "direct sysfs");
}
