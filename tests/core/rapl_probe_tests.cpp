#include "core/power/rapl_probe.h"
#include "tests/support/temp_dir.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>

using awb::test::TempDir;
using awb::test::writeFile;

namespace {

// A powercap tree shaped like a two-socket Intel machine whose zone numbers do not follow
// socket order, with core/dram sub-zones that must not be listed.
void writeFakeRaplTree(const std::filesystem::path& root)
{
    const auto zone = [&](const std::string& directory, const std::string& name) {
        writeFile(root / directory / "name", name + "\n");
        writeFile(root / directory / "energy_uj", "123456789\n");
        writeFile(root / directory / "max_energy_range_uj", "262143328850\n");
        writeFile(root / directory / "constraint_0_name", "long_term\n");
        writeFile(root / directory / "constraint_0_power_limit_uw", "95000000\n");
    };
    zone("intel-rapl:0", "package-1");
    zone("intel-rapl:1", "package-0");
    zone("intel-rapl:0:0", "core");
    zone("intel-rapl:0:1", "dram");
    zone("intel-rapl:1:0", "core");
    writeFile(root / "intel-rapl" / "enabled", "1\n");
}

} // namespace

TEST(CoreRaplProbe, FindsPackageZonesByNameNotByNumber)
{
    TempDir dir;
    writeFakeRaplTree(dir.path());
    const auto zones = awb::core::findRaplPackageZones(dir.path());
    ASSERT_EQ(zones.size(), 2u);
    EXPECT_EQ(zones[0].name, "package-0");
    EXPECT_EQ(zones[0].path.filename(), "intel-rapl:1");
    EXPECT_EQ(zones[1].name, "package-1");
    EXPECT_EQ(zones[1].path.filename(), "intel-rapl:0");
}

TEST(CoreRaplProbe, UsableWithWritableLimits)
{
    TempDir dir;
    writeFakeRaplTree(dir.path());
    const auto result = awb::core::probeRapl(dir.path());
    EXPECT_TRUE(result.usable) << result.reason;
    EXPECT_TRUE(result.canSetCap) << result.reason;
    EXPECT_FALSE(result.emulated);
    EXPECT_EQ(result.reason, "");
    EXPECT_NE(result.detail.find("package-0 (intel-rapl:1)"), std::string::npos) << result.detail;
}

TEST(CoreRaplProbe, MissingRootNamesThePath)
{
    TempDir dir;
    const auto result = awb::core::probeRapl(dir / "no-such-powercap");
    EXPECT_FALSE(result.usable);
    EXPECT_NE(result.reason.find("no-such-powercap does not exist"), std::string::npos) << result.reason;
}

TEST(CoreRaplProbe, EmptyRootSaysNoZones)
{
    TempDir dir;
    const auto result = awb::core::probeRapl(dir.path());
    EXPECT_FALSE(result.usable);
    EXPECT_NE(result.reason.find("no RAPL package zones"), std::string::npos) << result.reason;
}

TEST(CoreRaplProbe, MissingEnergyFileIsNamed)
{
    TempDir dir;
    writeFakeRaplTree(dir.path());
    std::filesystem::remove(dir / "intel-rapl:1" / "energy_uj");
    const auto result = awb::core::probeRapl(dir.path());
    EXPECT_FALSE(result.usable);
    EXPECT_NE(result.reason.find("intel-rapl:1/energy_uj does not exist"), std::string::npos) << result.reason;
}

// Permission bits do not stop root, so the check runs in a child that gives up root first.
TEST(CoreRaplProbe, PermissionDeniedNamesTheFile)
{
    TempDir dir;
    writeFakeRaplTree(dir.path());
    for (const auto& entry : std::filesystem::recursive_directory_iterator(dir.path())) {
        if (entry.is_directory())
            chmod(entry.path().c_str(), 0755);
        else
            chmod(entry.path().c_str(), 0644);
    }
    chmod((dir / "intel-rapl:0" / "energy_uj").c_str(), 0000);

    int pipeFds[2];
    ASSERT_EQ(pipe(pipeFds), 0);
    const pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        close(pipeFds[0]);
        if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0))
            _exit(3);
        const auto result = awb::core::probeRapl(dir.path());
        const std::string message = (result.usable ? "usable|" : "unusable|") + result.reason;
        [[maybe_unused]] auto written = write(pipeFds[1], message.data(), message.size());
        _exit(0);
    }
    close(pipeFds[1]);
    std::string message;
    char buffer[512];
    for (ssize_t n; (n = read(pipeFds[0], buffer, sizeof buffer)) > 0;)
        message.append(buffer, static_cast<std::size_t>(n));
    close(pipeFds[0]);
    int status = 0;
    waitpid(child, &status, 0);
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "child failed to drop privileges";
    EXPECT_EQ(message.rfind("unusable|", 0), 0u) << message;
    EXPECT_NE(message.find("permission denied reading " + (dir / "intel-rapl:0" / "energy_uj").string()),
              std::string::npos)
        << message;
    EXPECT_NE(message.find("root-only since Linux 5.10"), std::string::npos) << message;
}

TEST(CoreRaplProbe, RootFollowsEnvironment)
{
    setenv("ALERTWB_POWERCAP_ROOT", "/tmp/fake-powercap", 1);
    EXPECT_EQ(awb::core::powercapRoot(), "/tmp/fake-powercap");
    unsetenv("ALERTWB_POWERCAP_ROOT");
    EXPECT_EQ(awb::core::powercapRoot(), "/sys/class/powercap");
}
