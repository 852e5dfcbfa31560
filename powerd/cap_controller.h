#pragma once

#include "core/power/cap_state.h"
#include "core/power/nvml_backend.h"
#include "core/power/powerd_protocol.h"
#include "core/power/rapl_probe.h"
#include "core/power/rapl_zone_limits.h"

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

namespace awb::powerd {

using SessionId = std::uint64_t;

// A request that was well formed but cannot be carried out as asked: an unknown zone, a value
// outside the device's own limits, a cap another client holds. Nothing was written.
class RequestRefused : public std::invalid_argument {
public:
    using std::invalid_argument::invalid_argument;
};

// The daemon's hands on the hardware. It carries out typed requests for client sessions and
// remembers, per session, the value every cap had before that session first changed it, so
// that release() can put it back. While any cap is held, the originals are in a state file
// (core/power/cap_state's format, so `restorePendingCaps` reads it), written before the first
// write to a cap; the constructor restores what an earlier instance left there (a crash).
// A cap changed by one session cannot be changed by another until the first releases it:
// otherwise the second session's "original" would be the first one's setting.
// Threading: not thread-safe; the server calls it from its one event-loop thread.
class CapController {
public:
    // Restores any caps recorded in `stateFile` (force: the daemon is the only writer of that
    // file, and its previous instance is gone), then reads the package zones under
    // `powercapRoot`. Throws core::PowerError when the state file is damaged or a recorded cap
    // cannot be restored (refusing to start is better than holding stale originals).
    CapController(std::filesystem::path powercapRoot, std::filesystem::path stateFile);

    const core::CapRestoreReport& startupRestore() const { return m_startupRestore; }

    // Carries out `request` for `session` and returns the reply ("ok": true and values).
    // Throws RequestRefused for a request that cannot be done as asked (nothing written) and
    // core::PowerError when the machine fails.
    nlohmann::json execute(SessionId session, const core::powerd::Request& request);

    // Puts back every cap `session` changed and forgets them; returns one line per cap for the
    // log ("restored …" or "FAILED …"). A cap that cannot be restored stays in the state file.
    std::vector<std::string> release(SessionId session);
    // How many caps are held now, by all sessions.
    std::size_t heldCount() const { return m_holds.size(); }

private:
    struct Zone {
        core::RaplZone zone;
        core::RaplZoneLimits limits; // bounds as read at start (after the crash restore)
        std::filesystem::path limitFile;
    };
    struct Hold {
        SessionId owner = 0;
        core::CapSetting original;
        std::string label; // "package-0", "GPU 0": for messages
    };

    nlohmann::json list() const;
    nlohmann::json setRaplLimit(SessionId session, const std::string& zoneName, std::int64_t limitUw);
    nlohmann::json setNvmlLimit(SessionId session, unsigned int gpu, std::int64_t limitMw);
    nlohmann::json readEnergy(const core::powerd::Request& request);
    const Zone& zoneNamed(const std::string& name) const;
    core::NvmlBackend& gpu(unsigned int index);
    // Records the original of `target` for `session` before its first change; refuses a
    // target held by another session.
    void hold(SessionId session, const core::CapSetting& original, const std::string& label);
    // Writes the state file holding every original, or removes it when none is held.
    void journal();

    std::filesystem::path m_root;
    std::filesystem::path m_stateFile;
    core::CapRestoreReport m_startupRestore;
    std::vector<Zone> m_zones;
    // Probed once: every `list` would otherwise load and initialise NVML again (tens of ms).
    core::BackendAvailability m_nvml;
    std::map<unsigned int, std::unique_ptr<core::NvmlBackend>> m_gpus; // opened on first use
    std::map<std::string, Hold> m_holds; // by CapSetting::target
};

} // namespace awb::powerd
