#pragma once
// The live session loop (DESIGN.md, core/workload; docs/live-runs.md): for every input of a
// workload, decide → set the cap (only when it changes) → run the chosen candidate stage by stage,
// stopping at the deadline → measure latency and energy through the power backend → observe →
// log the step and notify listeners, with real co-running load switched on and off on a schedule.

#include "core/control/configuration_table.h"
#include "core/control/contention_spec.h"
#include "core/control/controller.h"
#include "core/control/replay.h"
#include "core/control/run_metrics.h"
#include "core/records/run_record.h"
#include "core/workload/contention_injector.h"
#include "core/workload/inference_engine.h"
#include "core/workload/step_mailbox.h"
#include "core/workload/step_ring.h"
#include "core/workload/workload.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace awb::core {

class PowerBackend;

// How the loop waits for the next arrival.
// - Sleep: the thread sleeps, as a camera pipeline or a request handler would. On a machine whose
//   idle core halts (a VM's vCPU here) the next inference runs colder than the back-to-back
//   profile: measured here 1.4-1.9x slower (docs/live-runs.md).
// - Spin: the thread polls the clock, so the core stays busy and inference runs as warm as it was
//   profiled (1.0-1.1x here), at the price of a busy core: real backends would meter it as
//   active power, and co-runners on the same core get only their fair share of it.
enum class ArrivalWait { Sleep, Spin };
const char* toString(ArrivalWait wait); // "sleep" or "spin"
ArrivalWait arrivalWaitFromString(const std::string& text); // throws std::invalid_argument

struct LiveSessionOptions {
    WorkloadSettings workload;
    // Goals from input 0 on, then scheduled changes (goalSchedule(), workload.h).
    std::vector<GoalChange> goalSchedule;
    ContentionPlan contention;
    ContentionIntensity intensity;
    // Inputs per goal-violation window (RunMetricsAccumulator); 0: the whole run.
    std::int64_t violationWindow = 100;
    ArrivalWait wait = ArrivalWait::Sleep;
    // Polled once per input (e.g. a Ctrl-C flag); true stops the run like requestStop().
    std::function<bool()> shouldStop;
};

// Where the loop's steps and events go (the store's batching writer). Called on the loop's
// thread: keep it short and never block (RunStepWriter::append copies into a buffer).
class LiveSessionSink {
public:
    virtual ~LiveSessionSink() = default;
    virtual void onStep(const RunStepRecord& step) = 0;
    virtual void onEvent(const RunEventRecord& event) = 0;
};

// What a listener sees after each input: the step and the run so far.
struct LiveProgress {
    RunStepRecord step;
    std::int64_t inputsDone = 0;
    std::int64_t inputsTotal = 0;
    double elapsedS = 0.0;
    double accuracy = 0.0; // fraction of inputs answered correctly by their deadline
    double deadlineMissRate = 0.0;
    double energyPerInputJ = 0.0;
    double goalViolationRate = 0.0;
    Goals goals; // in effect for this step
    ContentionKind contention = ContentionKind::Alone; // co-runners during this step
};
// The listener's end: wait-free for the loop; a slow reader gets the newest progress and the
// count it missed (step_mailbox.h).
using ProgressMailbox = LatestValueMailbox<LiveProgress>;
// The listener's end for every step (the GUI's charts): bounded, wait-free for the loop; a
// listener that stalls past its capacity loses the newest steps and their count (step_ring.h).
using ProgressRing = StepRing<LiveProgress>;

struct LiveSessionResult {
    ReplayMetrics metrics; // over the inputs handled
    bool stopped = false; // ended by requestStop()/shouldStop before the last input
    double wallS = 0.0; // from the first arrival to the end of the last input's period
    // Inputs per second the workload asked for (over the arrival times it scheduled) and what
    // the loop achieved; the loop falls behind when an input's inference overruns the gap to
    // the next arrival.
    double targetRatePerS = 0.0;
    double achievedRatePerS = 0.0;
    double maxStartDelayMs = 0.0; // longest wait from an arrival to the start of its inference
    // Wall time in the loop's own work (decide, set cap, measure, observe, log, notify) and
    // inside inference, for the overhead figure of docs/live-runs.md.
    double loopWorkS = 0.0;
    double inferenceS = 0.0;
    std::int64_t contentionEvents = 0;
};

// Threading: run() blocks its thread; requestStop() and requestGoals() may be called from any
// thread meanwhile. The table, controller, backend and engine must outlive the session and must
// not be used elsewhere while it runs (the backend may be read: it guards itself).
class LiveSession {
public:
    // Throws std::invalid_argument: a workload that does not validate, a goal schedule that is
    // empty, unordered or not starting at input 0, a contention plan the injector refuses, an
    // engine whose candidates do not match the table's models.
    LiveSession(const ConfigurationTable& table, Controller& controller, PowerBackend& backend, InferenceEngine& engine,
        LiveSessionOptions options);
    ~LiveSession();
    LiveSession(const LiveSession&) = delete;
    LiveSession& operator=(const LiveSession&) = delete;

    // Runs the workload to its end or until stopped; the co-runners are stopped on every exit
    // path (exceptions included). Exceptions from the backend (PowerError), the engine or the
    // sink propagate after the co-runners stop; the steps logged before stay logged.
    // `progress` gets the newest step after each input, `ring` every step; either may be null.
    LiveSessionResult run(LiveSessionSink& sink, ProgressMailbox* progress = nullptr, ProgressRing* ring = nullptr);
    void requestStop();
    // New goals from the next input on (logged as a goal-change event). Throws
    // std::invalid_argument when they do not validate.
    void requestGoals(const Goals& goals);
    // The co-runners' schedule with the cores and array sizes it resolved (for the run's record).
    const ContentionInjector& contention() const { return m_injector; }

private:
    struct Pending; // the input whose period is still running
    // Sleeps until `arrival`; false when a stop was requested first.
    bool sleepUntilArrival(std::chrono::steady_clock::time_point arrival);
    bool stopRequested() const;
    // Ends `pending`'s period at `now` with the backend's energy counter at `energyNowJ`: the
    // observation goes to the controller, the step to the sink and the listener.
    void finishInput(const Pending& pending, double energyNowJ, std::chrono::steady_clock::time_point now,
        LiveSessionSink& sink, ProgressMailbox* progress, ProgressRing* ring);

    const ConfigurationTable& m_table;
    Controller& m_controller;
    PowerBackend& m_backend;
    InferenceEngine& m_engine;
    LiveSessionOptions m_options;
    ContentionInjector m_injector;
    RunMetricsAccumulator m_metrics;
    InferenceOutcome m_outcome;
    std::atomic<bool> m_stop { false };
    std::atomic<bool> m_goalsRequested { false };
    std::mutex m_goalsMutex;
    std::optional<Goals> m_requestedGoals;
    std::chrono::steady_clock::time_point m_start;
    std::int64_t m_inputsDone = 0;
};

} // namespace awb::core
