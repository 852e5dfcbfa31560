#pragma once

#include "core/power/power_backend.h"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace awb::core {

// The record of the caps found before a run changed them, kept on disk while the run holds
// them so that a crash (SIGKILL, power loss of the process) can be undone at the next start.
// The owner is identified by pid and process start time (a pid alone can be reused), and
// the boot by /proc/sys/kernel/random/boot_id (a reboot resets RAPL and NVML limits, so a
// record from an earlier boot has nothing left to restore).
struct CapStateRecord {
    int ownerPid = 0;
    long long ownerStartTicks = 0; // field 22 of /proc/<pid>/stat; 0 when unknown
    std::string bootId;
    std::string recordedAt; // ISO 8601 UTC
    CapSnapshot original;
};

// $ALERTWB_STATE_DIR/caps-state.json when set (tests), else
// $XDG_STATE_HOME/alertwb/caps-state.json, else ~/.local/state/alertwb/caps-state.json.
std::filesystem::path capStateFilePath();

// A record for this process now, holding `original`.
CapStateRecord makeCapStateRecord(const CapSnapshot& original);
// Atomic (write-temp-then-rename); creates the folder. Throws PowerError naming the file.
void writeCapState(const std::filesystem::path& file, const CapStateRecord& record);
// std::nullopt when there is no file; PowerError when it cannot be read or is not ours.
std::optional<CapStateRecord> readCapState(const std::filesystem::path& file);
// True when the process that wrote `record` still runs (same pid and start time).
bool capStateOwnerAlive(const CapStateRecord& record);

// Puts one recorded setting back (a file is written and read back; an NVML limit goes through
// NvmlBackend::openByUuid with nvmlLibraryName()) and returns a line for reports:
// "…/constraint_0_power_limit_uw: 95.000 W (was 40.000 W)". Throws PowerTargetMissing when the
// target is gone, PowerError for every other failure. Threading: touches only the target.
std::string restoreCapSetting(const CapSetting& setting);

// What restorePendingCaps found and did. Lines name the file or GPU and the values in W.
struct CapRestoreReport {
    std::filesystem::path stateFile;
    bool pending = false; // a record was found
    int ownerPid = 0; // of the record
    bool ownerAlive = false; // it was left alone: its owner still runs and holds the caps
    bool earlierBoot = false; // it was dropped: a reboot reset the caps already
    std::vector<std::string> restored; // "…/constraint_0_power_limit_uw: 95.000 W (was 40.000 W)"
    std::vector<std::string> vanished; // targets that no longer exist: nothing to restore there
    std::vector<std::string> failed; // one line each (permission denied on which file, …)
    bool stateFileRemoved = false; // only when nothing failed

    bool ok() const { return failed.empty() && !ownerAlive; }
    // One line for the terminal: "nothing to restore", "restored 2 caps from …", ….
    std::string summary() const;
};

// Puts back every setting recorded in `file` (RAPL files are written and read back; NVML
// limits go through NvmlBackend::openByUuid with nvmlLibraryName()), then deletes the file.
// A record whose owner still runs is left alone unless `force`. Failures are reported, not
// thrown, and keep the file so that a later try (as root) can finish the job; only an
// unreadable or foreign state file throws PowerError.
// Threading: call from one thread; it touches only the file and the recorded targets.
CapRestoreReport restorePendingCaps(const std::filesystem::path& file = capStateFilePath(), bool force = false);

} // namespace awb::core
