#pragma once
// One live run from request to store (DESIGN.md, core/workload): the profile the controller
// decides over, the backend of the device that profile was measured on, the trained candidates,
// the Fashion-MNIST test images, a CapGuard, the session loop, and every step and event through
// the batching writer. `alertwb-cli run` and the GUI's Live page both call runLiveSession.

#include "core/control/alert_settings.h"
#include "core/control/goals.h"
#include "core/records/run_record.h"
#include "core/workload/contention_injector.h"
#include "core/workload/live_session.h"
#include "core/workload/workload.h"
#include "database/store.h"

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace awb::db {

// Controllers a live run can use: every one of `evaluate` that needs no knowledge of the future.
// static-oracle is the configuration best in hindsight over the profile without contention (ξ = 1
// throughout): "what was best before contention started", fixed for the run. fixed:MODEL@CAP runs
// one configuration the user names (core::FixedController).
const std::vector<std::string>& liveControllerNames();

struct LiveRunRequest {
    std::int64_t profileSessionId = 0; // 0: the newest complete session
    std::vector<std::string> modelNames; // empty: every model the session measured
    std::string controller = "alert";
    core::Goals goals;
    std::vector<std::string> goalChanges; // parseGoalChange's text, e.g. "1500:deadline-ms=6"
    core::WorkloadSettings workload;
    std::string contentionSpec; // e.g. memory@1000-2000
    core::ContentionIntensity intensity;
    bool dryRun = false;
    std::int64_t violationWindow = 100; // inputs per goal-violation window
    int threads = 1; // LibTorch intra-op threads
    // How the loop waits for arrivals (core::ArrivalWait); empty: spin on the emulated backend,
    // whose energy is a model that charges idle power for idle time however it is spent, and
    // sleep on real backends, whose meters would charge a spinning core as active.
    std::string wait;
    core::AlertSettings alert; // the ξ and idle-power filters, the estimator
    // Initial idle power of the device (W) for ALERT's idle-power filter; < 0: the emulated
    // device's, or on a real backend a measurement of the idle draw before the run starts.
    double idlePowerW = -1.0;
    // Polled once per input; true stops the run cleanly (status cancelled, steps flushed).
    std::function<bool()> shouldStop;
    // Optional listener end (never blocks the loop); must outlive the call.
    core::ProgressMailbox* progress = nullptr;
    // Optional listener end that gets every step (bounded; never blocks the loop).
    core::ProgressRing* progressRing = nullptr;
};

// Bad request (unknown controller or model, malformed goals or contention spec, no profile):
// exit 2; Unavailable (backend, data set or model files missing, another device's profile): 1.
class LiveRunError : public std::runtime_error {
public:
    enum class Kind { BadRequest, Unavailable };
    LiveRunError(const std::string& message, Kind kind)
        : std::runtime_error(message)
        , m_kind(kind)
    {
    }
    Kind kind() const { return m_kind; }

private:
    Kind m_kind;
};

struct LiveRunStart {
    core::RunRecord run;
    std::string backend;
    bool emulated = false;
    std::string deviceDescription;
    std::vector<std::string> models; // the candidates, in the controller's order
    std::vector<std::int64_t> modelIds; // their ids in the store (RunStepRecord::modelId), same order
    std::vector<double> capsW;
    double idlePowerW = 0.0;
};

class LiveRunObserver {
public:
    virtual ~LiveRunObserver() = default;
    // The run is in the store and about to start; `session` takes requestGoals/requestStop from
    // any thread until runLiveSession returns.
    virtual void onStarted(const LiveRunStart& start, core::LiveSession& session)
    {
        (void)start;
        (void)session;
    }
};

struct LiveRunResult {
    LiveRunStart start;
    core::LiveSessionResult session;
    core::SessionStatus status = core::SessionStatus::Complete; // Cancelled when stopped
};

// Refuses everything it can before any cap changes. The run row is created `running`, then
// marked complete, cancelled (stopped) or failed; the caps found before are restored on every
// path (CapGuard). Throws LiveRunError, StoreError, core::PowerError.
// Threading: blocks for the whole run; call it off the GUI thread.
LiveRunResult runLiveSession(Store& store, const LiveRunRequest& request, LiveRunObserver& observer);

} // namespace awb::db
