#pragma once

#include "core/power/cap_state.h"
#include "core/power/power_backend.h"

#include <filesystem>
#include <memory>

namespace awb::core {

struct CapGuardSignalPlan; // cap_guard.cpp: what the signal handler needs, prepared in advance

// Leaves the machine as it was found. Construct one before changing any cap; it records the
// caps in force (state file, see cap_state.h) and puts them back:
// - on normal exit and on errors: the destructor (RAII; errors there go to stderr as one line
//   and keep the state file for the next start);
// - on SIGINT, SIGTERM and SIGHUP: a handler writes the recorded values through file
//   descriptors opened in advance with values formatted in advance (write(2), ftruncate(2)
//   and unlink(2) are async-signal-safe), deletes the state file, then re-raises the signal
//   with its default action, or calls the handler that was installed before ours. NVML limits
//   need library calls that are not async-signal-safe: for them the handler wakes a
//   restorer thread, which restores, deletes the state file and re-raises. Signals that were
//   ignored when the guard was armed stay ignored; a forked child that inherits the handler
//   does not restore (the pid is checked);
// - after SIGKILL or a crash: the state file survives and restorePendingCaps(), which
//   alertwb-cli calls at every start, restores from it.
// A state file left by a dead process is restored first (so the originals are real
// originals); one whose owner still runs makes the constructor throw PowerError. Backends
// with nothing physical to restore (emulated) write no state file and install no handler;
// the destructor still puts their cap back.
// Threading: construct and destroy on one thread; at most one guard per process at a time
// (a second throws std::logic_error). The backend must outlive the guard.
class CapGuard {
public:
    explicit CapGuard(PowerBackend& backend, std::filesystem::path stateFile = capStateFilePath());
    ~CapGuard();
    CapGuard(const CapGuard&) = delete;
    CapGuard& operator=(const CapGuard&) = delete;

    // The caps in force when the guard was constructed.
    const CapSnapshot& original() const { return m_original; }
    const std::filesystem::path& stateFile() const { return m_stateFile; }
    // Restores now and disarms (the destructor then does nothing). Throws PowerError, in
    // which case the state file stays for the next start.
    void restoreNow();

private:
    void arm();
    void disarm();

    PowerBackend& m_backend;
    std::filesystem::path m_stateFile;
    CapSnapshot m_original;
    bool m_persistent = false; // a state file was written
    bool m_active = true;
    std::unique_ptr<CapGuardSignalPlan> m_plan;
};

} // namespace awb::core
