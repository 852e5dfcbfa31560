#include "core/power/backend_probe.h"
#include "core/system/atomic_file.h"
#include "core/system/doctor_report.h"
#include "core/system/host_info.h"
#include "core/system/iso_time.h"
#include "tests/support/temp_dir.h"

#include <gtest/gtest.h>

using awb::test::readFile;
using awb::test::TempDir;
using awb::test::writeFile;

TEST(CoreIsoTime, FormatsUtcSeconds)
{
    const auto when = std::chrono::system_clock::time_point(std::chrono::seconds(1'795'000'000));
    EXPECT_EQ(awb::core::isoTimeUtc(when), "2026-11-18T11:06:40Z");
}

TEST(CoreAtomicFile, CommitReplacesTarget)
{
    TempDir dir;
    writeFile(dir / "out.csv", "old");
    {
        awb::core::AtomicFileWriter writer(dir / "out.csv");
        writer.stream() << "new content";
        EXPECT_EQ(readFile(dir / "out.csv"), "old"); // not visible before commit
        writer.commit();
    }
    EXPECT_EQ(readFile(dir / "out.csv"), "new content");
    EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()), {}), 1); // no temporary left
}

TEST(CoreAtomicFile, WithoutCommitTheTargetIsUntouched)
{
    TempDir dir;
    writeFile(dir / "out.csv", "old");
    try {
        awb::core::AtomicFileWriter writer(dir / "out.csv");
        writer.stream() << "partial";
        throw std::runtime_error("export failed half way");
    } catch (const std::runtime_error&) {
    }
    EXPECT_EQ(readFile(dir / "out.csv"), "old");
    EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()), {}), 1);
}

TEST(CoreAtomicFile, RefusesDirectoryAndMissingFolder)
{
    TempDir dir;
    EXPECT_THROW(awb::core::AtomicFileWriter(dir.path()), std::runtime_error);
    EXPECT_THROW(awb::core::AtomicFileWriter(dir / "missing" / "out.csv"), std::runtime_error);
}

TEST(CoreHostInfo, DisplayFollowsEnvironment)
{
    setenv("QT_QPA_PLATFORM", "offscreen", 1);
    setenv("DISPLAY", ":0", 1);
    EXPECT_FALSE(awb::core::displayInfo().available);
    unsetenv("QT_QPA_PLATFORM");
    EXPECT_TRUE(awb::core::displayInfo().available);
    EXPECT_EQ(awb::core::displayInfo().detail, "DISPLAY=:0");
    unsetenv("DISPLAY");
    unsetenv("WAYLAND_DISPLAY");
    EXPECT_FALSE(awb::core::displayInfo().available);
}

TEST(CoreDoctorReport, ListsEveryBackendWithAReasonWhenUnusable)
{
    TempDir dir;
    setenv("ALERTWB_POWERCAP_ROOT", (dir / "absent").c_str(), 1);
    setenv("ALERTWB_NVML_LIBRARY", "libnvidia-ml-absent.so.1", 1);
    const auto report = awb::core::collectDoctorReport();
    unsetenv("ALERTWB_POWERCAP_ROOT");
    unsetenv("ALERTWB_NVML_LIBRARY");

    EXPECT_EQ(report.torchVersion.rfind("1.", 0), 0u) << report.torchVersion;
    EXPECT_GE(report.torchThreads, 1);
    EXPECT_GE(report.logicalCpus, 1);
    ASSERT_EQ(report.backends.size(), 3u);
    EXPECT_EQ(report.backends[0].name, "rapl");
    EXPECT_FALSE(report.backends[0].usable);
    EXPECT_FALSE(report.backends[0].reason.empty());
    EXPECT_EQ(report.backends[1].name, "nvml");
    EXPECT_FALSE(report.backends[1].usable);
    EXPECT_EQ(report.backends[2].name, "emulated");
    EXPECT_TRUE(report.backends[2].usable);
    EXPECT_TRUE(report.backends[2].emulated);
}
