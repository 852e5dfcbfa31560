#include "core/power/cap_state.h"

#include "core/power/nvml_backend.h"
#include "core/power/powerd_connection.h"
#include "core/power/sysfs_io.h"
#include "core/system/atomic_file.h"
#include "core/system/iso_time.h"

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <pwd.h>
#include <signal.h>
#include <unistd.h>

namespace awb::core {

namespace fs = std::filesystem;

namespace {

    constexpr const char* kFormat = "alertwb-caps-state";
    constexpr int kFormatVersion = 1;

    std::string firstLine(const fs::path& file)
    {
        std::ifstream in(file);
        std::string line;
        std::getline(in, line);
        return line;
    }

    // Field 22 (starttime, clock ticks since boot) of /proc/<pid>/stat; the command name in
    // field 2 may hold spaces and parentheses, so counting starts after its last ')'.
    long long processStartTicks(int pid)
    {
        const std::string stat = firstLine("/proc/" + std::to_string(pid) + "/stat");
        const auto close = stat.rfind(')');
        if (close == std::string::npos)
            return 0;
        std::size_t position = close + 2; // field 3 starts here
        for (int field = 3; field < 22 && position != std::string::npos; ++field) {
            position = stat.find(' ', position);
            if (position != std::string::npos)
                ++position;
        }
        return position == std::string::npos ? 0 : std::atoll(stat.c_str() + position);
    }

    std::string bootId() { return firstLine("/proc/sys/kernel/random/boot_id"); }

    double toW(const CapSetting& setting, std::int64_t value)
    {
        return static_cast<double>(value) * (setting.unit == "mW" ? 1e-3 : 1e-6);
    }

    nlohmann::json toJson(const CapStateRecord& record)
    {
        nlohmann::json settings = nlohmann::json::array();
        for (const auto& setting : record.original.settings) {
            settings.push_back({ { "kind", setting.kind }, { "target", setting.target }, { "value", setting.value },
                { "unit", setting.unit } });
        }
        return { { "format", kFormat }, { "version", kFormatVersion }, { "pid", record.ownerPid },
            { "pid_start_ticks", record.ownerStartTicks }, { "boot_id", record.bootId },
            { "recorded_at", record.recordedAt }, { "backend", record.original.backend },
            { "power_cap_w", record.original.capW }, { "settings", settings } };
    }

} // namespace

std::string restoreCapSetting(const CapSetting& setting)
{
    if (setting.kind == "file") {
        std::error_code error;
        if (!fs::exists(setting.target, error))
            throw PowerTargetMissing(setting.target + " no longer exists");
        std::string was;
        try {
            was = " (was " + formatPowerW(toW(setting, readIntegerFile(setting.target))) + ")";
        } catch (const PowerError&) {
            // Reading the old value is only for the message; the write below says what failed.
        }
        writeIntegerFile(setting.target, setting.value);
        if (const std::int64_t readBack = readIntegerFile(setting.target); readBack != setting.value) {
            throw PowerError("wrote " + std::to_string(setting.value) + " to " + setting.target + " but it reads back "
                + std::to_string(readBack));
        }
        return setting.target + ": " + formatPowerW(toW(setting, setting.value)) + was;
    }
    if (setting.kind == "nvml") {
        auto gpu = NvmlBackend::openByUuid(setting.target);
        const CapSnapshot before = gpu->snapshotCaps();
        gpu->restoreCaps({ "nvml", 0.0, { setting } });
        return "GPU " + std::to_string(gpu->gpuIndex()) + " (" + setting.target
            + "): " + formatPowerW(toW(setting, setting.value)) + " (was "
            + formatPowerW(toW(setting, before.settings.front().value)) + ")";
    }
    if (setting.kind == "powerd") {
        // A RAPL zone (by name) the workbench capped through alertwb-powerd. The daemon puts it
        // back itself when our connection drops (and from its own state file after its own
        // crash); a new session could not do it for us, since the daemon would undo that session's
        // change at its end. So this only checks that the daemon did its job.
        PowerdConnection connection;
        for (const auto& zone : connection.call(powerd::Request::list()).value("rapl", nlohmann::json::array())) {
            if (zone.value("zone", "") != setting.target)
                continue;
            const auto nowUw = zone.value("limit_uw", std::int64_t { 0 });
            if (nowUw != setting.value) {
                throw PowerError(setting.target + " reads " + formatPowerW(toW(setting, nowUw))
                    + " through alertwb-powerd, not the recorded " + formatPowerW(toW(setting, setting.value))
                    + " (alertwb-powerd did not restore it)");
            }
            return setting.target + " via alertwb-powerd: " + formatPowerW(toW(setting, nowUw))
                + " (restored by the daemon)";
        }
        throw PowerTargetMissing("alertwb-powerd lists no RAPL zone " + setting.target);
    }
    throw PowerError("unknown setting kind \"" + setting.kind + "\" for " + setting.target);
}

fs::path capStateFilePath()
{
    if (const char* directory = std::getenv("ALERTWB_STATE_DIR"); directory && *directory)
        return fs::path(directory) / "caps-state.json";
    if (const char* stateHome = std::getenv("XDG_STATE_HOME"); stateHome && *stateHome)
        return fs::path(stateHome) / "alertwb" / "caps-state.json";
    const char* home = std::getenv("HOME");
    if (!home || !*home) {
        if (const passwd* entry = getpwuid(getuid()))
            home = entry->pw_dir;
    }
    return fs::path(home ? home : "/tmp") / ".local" / "state" / "alertwb" / "caps-state.json";
}

CapStateRecord makeCapStateRecord(const CapSnapshot& original)
{
    CapStateRecord record;
    record.ownerPid = static_cast<int>(getpid());
    record.ownerStartTicks = processStartTicks(record.ownerPid);
    record.bootId = bootId();
    record.recordedAt = isoTimeUtcNow();
    record.original = original;
    return record;
}

void writeCapState(const fs::path& file, const CapStateRecord& record)
{
    try {
        if (file.has_parent_path())
            fs::create_directories(file.parent_path());
        AtomicFileWriter writer(file);
        writer.stream() << toJson(record).dump(2) << '\n';
        writer.commit();
    } catch (const std::exception& error) {
        throw PowerError(std::string("cannot record the original power caps: ") + error.what());
    }
}

std::optional<CapStateRecord> readCapState(const fs::path& file)
{
    std::error_code error;
    if (!fs::exists(file, error))
        return std::nullopt;
    std::ifstream in(file);
    if (!in)
        throw PowerError("cannot read " + file.string());
    try {
        const auto document = nlohmann::json::parse(in);
        if (document.value("format", "") != kFormat || document.value("version", 0) != kFormatVersion)
            throw PowerError(file.string() + " is not an alertwb caps record (format " + kFormat + " version 1)");
        CapStateRecord record;
        record.ownerPid = document.at("pid").get<int>();
        record.ownerStartTicks = document.value("pid_start_ticks", 0LL);
        record.bootId = document.value("boot_id", "");
        record.recordedAt = document.value("recorded_at", "");
        record.original.backend = document.at("backend").get<std::string>();
        record.original.capW = document.value("power_cap_w", 0.0);
        for (const auto& setting : document.at("settings")) {
            record.original.settings.push_back(
                { setting.at("kind").get<std::string>(), setting.at("target").get<std::string>(),
                    setting.at("value").get<std::int64_t>(), setting.at("unit").get<std::string>() });
        }
        return record;
    } catch (const nlohmann::json::exception& parseError) {
        throw PowerError(
            file.string() + " is damaged (" + parseError.what() + "); check the caps by hand and delete the file");
    }
}

bool capStateOwnerAlive(const CapStateRecord& record)
{
    if (record.ownerPid <= 0)
        return false;
    if (kill(record.ownerPid, 0) != 0 && errno != EPERM)
        return false;
    // The pid exists; it is the owner only if it started when the owner did.
    return record.ownerStartTicks == 0 || processStartTicks(record.ownerPid) == record.ownerStartTicks;
}

std::string CapRestoreReport::summary() const
{
    if (!pending)
        return "no pending power caps (" + stateFile.string() + " absent): nothing to restore";
    if (ownerAlive) {
        return "power caps are held by running alertwb process " + std::to_string(ownerPid)
            + "; it restores them when it ends (stop it, or force with `alertwb-cli power restore --force`)";
    }
    if (earlierBoot)
        return "dropped the caps record of an earlier boot (a reboot already reset the caps): " + stateFile.string();
    std::string text = "restored " + std::to_string(restored.size()) + " power cap setting"
        + (restored.size() == 1 ? "" : "s") + " left by alertwb process " + std::to_string(ownerPid);
    if (!vanished.empty())
        text += ", " + std::to_string(vanished.size()) + " no longer present";
    if (!failed.empty())
        text += "; " + std::to_string(failed.size()) + " failed: " + failed.front() + " (the record stays in "
            + stateFile.string() + "; run `alertwb-cli power restore` as root)";
    return text;
}

CapRestoreReport restorePendingCaps(const fs::path& file, bool force)
{
    CapRestoreReport report;
    report.stateFile = file;
    const auto record = readCapState(file);
    if (!record)
        return report;
    report.pending = true;
    report.ownerPid = record->ownerPid;
    const bool ours = record->ownerPid == static_cast<int>(getpid());
    if (!force && !ours && capStateOwnerAlive(*record)) {
        report.ownerAlive = true;
        return report;
    }
    if (!record->bootId.empty() && record->bootId != bootId()) {
        report.earlierBoot = true;
    } else {
        for (const auto& setting : record->original.settings) {
            try {
                report.restored.push_back(restoreCapSetting(setting));
            } catch (const PowerTargetMissing& error) {
                report.vanished.push_back(error.what());
            } catch (const PowerError& error) {
                report.failed.push_back(error.what());
            }
        }
    }
    if (report.failed.empty()) {
        std::error_code error;
        report.stateFileRemoved = fs::remove(file, error);
    }
    return report;
}

} // namespace awb::core
