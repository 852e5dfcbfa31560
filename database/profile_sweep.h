#pragma once

// A profile sweep as users start it: `alertwb-cli profile` and the GUI's Profile page fill one
// ProfileSweepRequest and call runProfileSweep, so both choose models and caps, refuse bad
// input, record the session and its cells, resume an unfinished session and restore the caps
// in exactly the same way.

#include "core/power/emulated_backend.h"
#include "core/profile/profiler.h"
#include "core/records/device_record.h"
#include "core/records/model_record.h"
#include "core/records/profile_record.h"
#include "database/store.h"

#include <cstddef>
#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace awb::db {

// `caps auto` sweeps this many levels evenly across the backend's range.
constexpr std::size_t kAutoCapLevels = 6;

struct ProfileSweepRequest {
    std::vector<std::string> modelNames; // empty: every model of the store (newest version each)
    std::vector<double> capsW; // empty: kAutoCapLevels levels across the backend's range (W)
    std::string backend = "auto"; // auto | rapl | nvml | emulated
    unsigned int gpu = 0; // NVML GPU index
    core::EmulatedDeviceProfile emulatedProfile; // used by the emulated backend
    // The default sweep of the shipped zoo over 6 emulated caps takes well under 3 minutes
    // (docs/performance.md); 200 samples make p95 meaningful.
    int warmup = 10; // untimed inferences before each cell
    int replicates = 200; // timed inferences per cell
    int evalSamples = 2000; // test images for each output's accuracy
    // Non-zero: finish exactly this unfinished session with its stored settings (models by id,
    // caps, counts, backend, emulated device); the fields above except `gpu` are then ignored.
    std::int64_t resumeSessionId = 0;
};

// A refusal, one line. BadRequest: the request cannot be run anywhere (unknown model, cap out of
// range, no caps); Unavailable: this machine or store cannot run it now (backend unavailable,
// data set missing, a model file unreadable). The CLI exits 2 and 1. A store that cannot record
// the results is a StoreError, as everywhere else.
class ProfileSweepError : public std::runtime_error {
public:
    enum class Kind { BadRequest, Unavailable };
    ProfileSweepError(const std::string& message, Kind kind)
        : std::runtime_error(message)
        , m_kind(kind)
    {
    }
    Kind kind() const { return m_kind; }

private:
    Kind m_kind;
};

// What the sweep is about to measure, reported once before the first cap changes.
struct ProfileSweepStart {
    std::int64_t sessionId = 0;
    std::size_t cellsAlreadyMeasured = 0; // > 0 when an unfinished session is resumed
    std::string backend; // rapl | nvml | emulated
    std::string deviceDescription;
    bool emulated = false; // every power and energy figure is modelled
    std::string backendNote; // why "auto" passed over the others; empty otherwise
    std::size_t modelCount = 0;
    std::vector<core::ModelRecord> models; // swept, in store order (names and kinds for display)
    std::vector<double> capsW;
};

// The device row of results measured through `backend` on this host: its uid is stable for the
// host and backend setup (emulated: the device profile too), so repeated sweeps, their resumes
// and the live runs on their profiles share one row.
core::DeviceRecord deviceRecordOf(const core::PowerBackend& backend);

// "auto" (or blank) → empty, the backend's range decides; otherwise watts separated by commas.
// Throws ProfileSweepError (BadRequest) naming the part that is not a positive power.
std::vector<double> parseCapList(const std::string& text);

// Threading: every call comes on the thread that called runProfileSweep.
class ProfileSweepObserver {
public:
    virtual ~ProfileSweepObserver() = default;
    virtual void onStarted(const ProfileSweepStart& start) { (void)start; }
    // A cell just stored (its id and session id set).
    virtual void onCell(const core::ProfileCellRecord& cell) { (void)cell; }
    virtual void onProgress(const core::ProfileProgress& progress) { (void)progress; }
    virtual void onCellStarted(const std::string& cell) { (void)cell; } // see core::ProfileListener
    // Polled before the caps change and between inferences.
    virtual bool cancelRequested() { return false; }
};

struct ProfileSweepResult {
    ProfileSweepStart start;
    core::ProfileOutcome outcome; // outcome.cancelled: caps restored, finished cells kept
    std::vector<core::ProfileCellRecord> cells; // every cell of the session, old and new
    std::map<std::int64_t, std::string> modelNames; // by model id
};

// Sweeps the request on `store` (the caller records the shipped zoo first where it wants the
// first run to need no training). The order of checks is
// the user's guarantee: everything that can be refused (models, backend, caps, settings, data
// set, model files, a read-only or locked store) is refused before any cap changes; the caps are
// restored by a CapGuard on every exit path, cancel included. A session ends Complete,
// Cancelled or Failed (an exception after it started). Throws ProfileSweepError, StoreError,
// core::PowerError (the machine refused a cap mid-sweep).
// Threading: blocks for the whole sweep (seconds to minutes); call it off the GUI thread.
ProfileSweepResult runProfileSweep(Store& store, const ProfileSweepRequest& request, ProfileSweepObserver& observer);

} // namespace awb::db
