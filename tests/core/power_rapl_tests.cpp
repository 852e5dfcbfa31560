#include "core/power/backend_probe.h"
#include "core/power/rapl_backend.h"

#include <gtest/gtest.h>

#include "tests/core/power_test_support.h"

using awb::core::PowerCapRangeError;
using awb::core::PowerError;
using awb::core::RaplBackend;
using awb::test::FakeRaplZone;
using awb::test::kRealMaxEnergyRangeUj;
using awb::test::readInteger;
using awb::test::TempDir;
using awb::test::writeFile;

namespace {

const std::string kLimit = "constraint_0_power_limit_uw";

} // namespace

TEST(CoreRaplBackend, PackagesFoundByNameAndSubZonesIgnored)
{
    TempDir dir;
    awb::test::writeTwoSocketRaplTree(dir.path());
    RaplBackend backend(dir.path());
    EXPECT_EQ(backend.packageCount(), 2u);
    EXPECT_EQ(backend.deviceDescription(), "package-0 (intel-rapl:1), package-1 (intel-rapl:0)");
    EXPECT_FALSE(backend.isEmulated());
    EXPECT_EQ(backend.name(), "rapl");
    // 1 + 2 J of the packages; the sub-zones' 240 kJ must not appear.
    EXPECT_DOUBLE_EQ(backend.counterEnergyJ(), 3.0);
}

TEST(CoreRaplBackend, RangeIsTheTotalOfThePackageBounds)
{
    TempDir dir;
    awb::test::writeFakeRaplZone(dir.path(), { "intel-rapl:0", "package-0", 0, 95000000, 125000000, 40000000 });
    awb::test::writeFakeRaplZone(dir.path(), { "intel-rapl:1", "package-1", 0, 95000000, 125000000, 40000000 });
    const auto range = RaplBackend(dir.path()).capRange();
    EXPECT_DOUBLE_EQ(range.minW, 80.0);
    EXPECT_DOUBLE_EQ(range.maxW, 250.0);
    EXPECT_DOUBLE_EQ(range.stepW, 2.0);
    EXPECT_FALSE(range.isDiscrete());
}

TEST(CoreRaplBackend, RangeWithoutBoundsFallsBackToTheLimitInForce)
{
    TempDir dir;
    awb::test::writeFakeRaplZone(dir.path(), { "intel-rapl:0", "package-0", 0, 65000000, 0, 0 });
    const auto range = RaplBackend(dir.path()).capRange();
    EXPECT_DOUBLE_EQ(range.maxW, 65.0);
    EXPECT_DOUBLE_EQ(range.minW, 16.0); // a quarter of 65 W, rounded
    EXPECT_DOUBLE_EQ(range.stepW, 1.0);
}

TEST(CoreRaplBackend, SetCapSplitsTheTotalEvenlyAndReadsBack)
{
    TempDir dir;
    awb::test::writeTwoSocketRaplTree(dir.path());
    RaplBackend backend(dir.path());
    EXPECT_DOUBLE_EQ(backend.capW(), 190.0);
    EXPECT_DOUBLE_EQ(backend.setCapW(150.0), 150.0);
    EXPECT_EQ(readInteger(dir / "intel-rapl:0" / kLimit), 75000000);
    EXPECT_EQ(readInteger(dir / "intel-rapl:1" / kLimit), 75000000);
    EXPECT_EQ(readInteger(dir / "intel-rapl:0:0" / kLimit), 95000000) << "sub-zone limits are never written";
    EXPECT_DOUBLE_EQ(backend.capW(), 150.0);
}

TEST(CoreRaplBackend, CapOutsideTheRangeIsRefusedAndNothingWritten)
{
    TempDir dir;
    awb::test::writeTwoSocketRaplTree(dir.path());
    RaplBackend backend(dir.path());
    try {
        backend.setCapW(400.0);
        FAIL() << "a 400 W cap was accepted";
    } catch (const PowerCapRangeError& error) {
        EXPECT_NE(std::string(error.what()).find("outside the RAPL range 62.0-250.0 W"), std::string::npos)
            << error.what();
    }
    EXPECT_THROW(backend.setCapW(10.0), PowerCapRangeError);
    EXPECT_EQ(readInteger(dir / "intel-rapl:0" / kLimit), 95000000);
}

TEST(CoreRaplBackend, EnergyIsSummedOverPackagesAcrossAWrap)
{
    TempDir dir;
    awb::test::writeTwoSocketRaplTree(dir.path());
    // package-0 is 0.5 J short of its wrap when the measurement starts.
    writeFile(dir / "intel-rapl:1" / "energy_uj", std::to_string(kRealMaxEnergyRangeUj - 500000) + "\n");
    RaplBackend backend(dir.path());
    const double startJ = backend.energyJ();
    EXPECT_DOUBLE_EQ(startJ, 0.0);

    writeFile(dir / "intel-rapl:0" / "energy_uj", "3500000\n"); // package-1: +2.5 J
    writeFile(dir / "intel-rapl:1" / "energy_uj", "1500000\n"); // package-0: wrapped, +2.0 J
    writeFile(dir / "intel-rapl:0:0" / "energy_uj", "1\n"); // a sub-zone wrap must not count
    EXPECT_NEAR(backend.energyJ() - startJ, 4.5, 1e-9);

    writeFile(dir / "intel-rapl:0" / "energy_uj", "4500000\n"); // +1 J more
    EXPECT_NEAR(backend.energyJ() - startJ, 5.5, 1e-9);
}

TEST(CoreRaplBackend, SamplingPeriodFollowsTheRangeAndMaximumPower)
{
    TempDir dir;
    awb::test::writeTwoSocketRaplTree(dir.path());
    RaplBackend backend(dir.path());
    // 262143.33 J at twice the 125 W maximum: about 17 minutes between samples.
    EXPECT_NEAR(backend.energySamplingPeriodS(), 262143.32885 / 250.0, 1e-6);
    EXPECT_GT(backend.minEnergyWindowS(), 0.0);
}

TEST(CoreRaplBackend, SnapshotAndRestorePutTheOriginalLimitsBack)
{
    TempDir dir;
    awb::test::writeTwoSocketRaplTree(dir.path());
    writeFile(dir / "intel-rapl:1" / kLimit, "80000000\n");
    RaplBackend backend(dir.path());
    const auto snapshot = backend.snapshotCaps();
    EXPECT_EQ(snapshot.backend, "rapl");
    EXPECT_DOUBLE_EQ(snapshot.capW, 175.0);
    ASSERT_EQ(snapshot.settings.size(), 2u);
    EXPECT_EQ(snapshot.settings[0].kind, "file");
    EXPECT_EQ(snapshot.settings[0].unit, "uW");
    backend.setCapW(100.0);
    backend.restoreCaps(snapshot);
    EXPECT_EQ(readInteger(dir / "intel-rapl:0" / kLimit), 95000000);
    EXPECT_EQ(readInteger(dir / "intel-rapl:1" / kLimit), 80000000);
}

TEST(CoreRaplBackend, NoZonesGivesTheReason)
{
    TempDir dir;
    try {
        RaplBackend backend(dir.path());
        FAIL() << "constructed over an empty tree";
    } catch (const PowerError& error) {
        EXPECT_NE(
            std::string(error.what()).find("no RAPL package zones under " + dir.path().string()), std::string::npos)
            << error.what();
    }
}

TEST(CoreRaplBackend, GarbageInACounterNamesTheFile)
{
    TempDir dir;
    awb::test::writeTwoSocketRaplTree(dir.path());
    RaplBackend backend(dir.path());
    writeFile(dir / "intel-rapl:0" / "energy_uj", "garbage\n");
    try {
        backend.energyJ();
        FAIL() << "garbage was read as energy";
    } catch (const PowerError& error) {
        EXPECT_NE(std::string(error.what()).find("intel-rapl:0/energy_uj does not hold an integer"), std::string::npos)
            << error.what();
    }
}

TEST(CoreRaplBackend, LimitWithoutWritePermissionNamesTheFile)
{
    TempDir dir;
    awb::test::writeTwoSocketRaplTree(dir.path());
    // Everything writable by anyone except package-1's limit, which is written second.
    for (const auto& entry : std::filesystem::recursive_directory_iterator(dir.path())) {
        if (entry.is_regular_file())
            chmod(entry.path().c_str(), 0666);
    }
    const auto limitFile = dir / "intel-rapl:0" / kLimit;
    chmod(limitFile.c_str(), 0444);
    const std::string message = awb::test::runUnprivileged(dir.path(), [&] {
        try {
            RaplBackend backend(dir.path());
            const auto availability = backend.availability();
            if (availability.canSetCap)
                return std::string("canSetCap although the limit is read-only");
            backend.setCapW(100.0);
            return std::string("set a read-only limit");
        } catch (const std::exception& error) {
            return std::string("refused|") + error.what();
        }
    });
    EXPECT_EQ(message.rfind("refused|", 0), 0u) << message;
    EXPECT_NE(message.find("permission denied writing " + limitFile.string()), std::string::npos) << message;
    EXPECT_NE(message.find("needs root"), std::string::npos) << message;
    EXPECT_EQ(readInteger(limitFile), 95000000);
    EXPECT_EQ(readInteger(dir / "intel-rapl:1" / kLimit), 95000000) << "package-0 was capped alone";
}

TEST(CoreRaplBackend, UnreadableEnergyNamesTheFile)
{
    TempDir dir;
    awb::test::writeTwoSocketRaplTree(dir.path());
    const auto energyFile = dir / "intel-rapl:1" / "energy_uj";
    chmod(energyFile.c_str(), 0400);
    const std::string message = awb::test::runUnprivileged(dir.path(), [&] {
        try {
            RaplBackend backend(dir.path());
            return std::string("constructed without reading energy");
        } catch (const PowerError& error) {
            return std::string("refused|") + error.what();
        }
    });
    EXPECT_EQ(message.rfind("refused|", 0), 0u) << message;
    EXPECT_NE(message.find("permission denied reading " + energyFile.string()), std::string::npos) << message;
}

TEST(CoreRaplBackend, DoctorCallsUnusableWhatTheBackendWouldRefuse)
{
    TempDir dir;
    awb::test::writeTwoSocketRaplTree(dir.path());
    std::filesystem::remove(dir / "intel-rapl:1" / "max_energy_range_uj");
    EXPECT_TRUE(awb::core::probeRapl(dir.path()).usable) << "the bare probe only checks energy_uj";
    setenv("ALERTWB_POWERCAP_ROOT", dir.path().c_str(), 1);
    const auto backends = awb::core::probePowerBackends();
    unsetenv("ALERTWB_POWERCAP_ROOT");
    ASSERT_EQ(backends.front().name, "rapl");
    EXPECT_FALSE(backends.front().usable);
    EXPECT_NE(backends.front().reason.find("intel-rapl:1/max_energy_range_uj does not exist"), std::string::npos)
        << backends.front().reason;
    EXPECT_TRUE(backends.back().emulated);
    EXPECT_NE(backends.back().detail.find("cubic DVFS"), std::string::npos) << backends.back().detail;
}

TEST(CoreRaplBackend, ZoneWithLimitingDisabledRefusesCaps)
{
    TempDir dir;
    awb::test::writeTwoSocketRaplTree(dir.path());
    writeFile(dir / "intel-rapl:0" / "enabled", "0\n");
    RaplBackend backend(dir.path());
    EXPECT_FALSE(backend.availability().canSetCap);
    EXPECT_NE(backend.availability().reason.find("power limiting is disabled on package-1"), std::string::npos)
        << backend.availability().reason;
    try {
        backend.setCapW(100.0);
        FAIL() << "set a cap that would not be enforced";
    } catch (const PowerError& error) {
        EXPECT_NE(
            std::string(error.what()).find((dir / "intel-rapl:0" / "enabled").string() + " is 0"), std::string::npos)
            << error.what();
    }
    EXPECT_EQ(readInteger(dir / "intel-rapl:1" / kLimit), 95000000);
    EXPECT_DOUBLE_EQ(backend.energyJ(), 0.0) << "energy still works";
}
