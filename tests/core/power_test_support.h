#pragma once

// Fake powercap trees shaped like a real two-socket Intel machine, and a way to run a check
// without root (permission bits do not stop root).
#include <filesystem>
#include <functional>
#include <string>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/support/temp_dir.h"

namespace awb::test {

// A value of max_energy_range_uj seen on real Intel packages (2^38 × 61 µJ units, ~262 kJ).
inline constexpr long long kRealMaxEnergyRangeUj = 262143328850;

struct FakeRaplZone {
    std::string directory; // "intel-rapl:0", "intel-rapl:0:1"
    std::string name; // "package-0", "core", "dram"
    long long energyUj = 123456789;
    long long limitUw = 95000000;
    long long maxPowerUw = 125000000; // 0: no constraint_0_max_power_uw file
    long long minPowerUw = 0; // 0: no constraint_0_min_power_uw file
};

inline void writeFakeRaplZone(const std::filesystem::path& root, const FakeRaplZone& zone)
{
    const auto directory = root / zone.directory;
    writeFile(directory / "name", zone.name + "\n");
    writeFile(directory / "enabled", "1\n");
    writeFile(directory / "energy_uj", std::to_string(zone.energyUj) + "\n");
    writeFile(directory / "max_energy_range_uj", std::to_string(kRealMaxEnergyRangeUj) + "\n");
    writeFile(directory / "constraint_0_name", "long_term\n");
    writeFile(directory / "constraint_0_power_limit_uw", std::to_string(zone.limitUw) + "\n");
    writeFile(directory / "constraint_0_time_window_us", "27983872\n");
    writeFile(directory / "constraint_1_name", "short_term\n");
    writeFile(directory / "constraint_1_power_limit_uw", std::to_string(zone.limitUw * 6 / 5) + "\n");
    if (zone.maxPowerUw > 0)
        writeFile(directory / "constraint_0_max_power_uw", std::to_string(zone.maxPowerUw) + "\n");
    if (zone.minPowerUw > 0)
        writeFile(directory / "constraint_0_min_power_uw", std::to_string(zone.minPowerUw) + "\n");
}

// Two packages whose zone numbers do not follow socket order, with core and dram sub-zones
// whose counters are far larger than the packages' (double counting would show at once).
inline void writeTwoSocketRaplTree(const std::filesystem::path& root)
{
    writeFakeRaplZone(root, { "intel-rapl:0", "package-1", 1000000, 95000000, 125000000, 0 });
    writeFakeRaplZone(root, { "intel-rapl:1", "package-0", 2000000, 95000000, 125000000, 0 });
    writeFakeRaplZone(root, { "intel-rapl:0:0", "core", 90000000000, 95000000, 0, 0 });
    writeFakeRaplZone(root, { "intel-rapl:0:1", "dram", 80000000000, 95000000, 0, 0 });
    writeFakeRaplZone(root, { "intel-rapl:1:0", "core", 70000000000, 95000000, 0, 0 });
    writeFile(root / "intel-rapl" / "enabled", "1\n");
}

inline long long readInteger(const std::filesystem::path& file) { return std::stoll(readFile(file)); }

// Runs `check` in a forked child that first gives up root (uid/gid 65534 when running as
// root) and returns what it returned; "child failed" when the child could not run it.
inline std::string runUnprivileged(const std::filesystem::path& treeToOpen, const std::function<std::string()>& check)
{
    for (const auto& entry : std::filesystem::recursive_directory_iterator(treeToOpen)) {
        if (entry.is_directory())
            chmod(entry.path().c_str(), 0755);
    }
    chmod(treeToOpen.c_str(), 0755); // mkdtemp made it 0700: the unprivileged child must enter it
    int pipeFds[2];
    if (pipe(pipeFds) != 0)
        return "child failed: pipe";
    const pid_t child = fork();
    if (child < 0)
        return "child failed: fork";
    if (child == 0) {
        close(pipeFds[0]);
        if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0))
            _exit(3);
        const std::string message = check();
        [[maybe_unused]] auto written = write(pipeFds[1], message.data(), message.size());
        _exit(0);
    }
    close(pipeFds[1]);
    std::string message;
    char buffer[1024];
    for (ssize_t n; (n = read(pipeFds[0], buffer, sizeof buffer)) > 0;)
        message.append(buffer, static_cast<std::size_t>(n));
    close(pipeFds[0]);
    int status = 0;
    waitpid(child, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return "child failed: could not drop privileges or crashed";
    return message;
}

} // namespace awb::test
