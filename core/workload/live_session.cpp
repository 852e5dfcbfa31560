#include "core/workload/live_session.h"

#include "core/power/power_backend.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <thread>

namespace awb::core {

namespace {

    using Clock = std::chrono::steady_clock;

    // A start later than this after the arrival (ms) counts as late: the controller is told the
    // time left. Below it is the loop's own jitter (the wait overshoots by a few µs).
    constexpr double kLateStartMs = 0.05;

    double msBetween(Clock::time_point from, Clock::time_point to)
    {
        return std::chrono::duration<double, std::milli>(to - from).count();
    }

    Clock::time_point afterMs(Clock::time_point origin, double ms)
    {
        return origin + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double, std::milli>(ms));
    }

} // namespace

const char* toString(ArrivalWait wait) { return wait == ArrivalWait::Sleep ? "sleep" : "spin"; }

ArrivalWait arrivalWaitFromString(const std::string& text)
{
    if (text == "sleep")
        return ArrivalWait::Sleep;
    if (text == "spin")
        return ArrivalWait::Spin;
    throw std::invalid_argument("waiting for arrivals is sleep or spin, not '" + text + "'");
}

bool LiveSession::sleepUntilArrival(Clock::time_point arrival)
{
    // In slices, so a stop during a long gap (a slow server workload) ends the run promptly.
    constexpr auto kSlice = std::chrono::milliseconds(50);
    const bool spin = m_options.wait == ArrivalWait::Spin;
    for (std::uint32_t polls = 0; Clock::now() < arrival; ++polls) {
        if (spin) {
            // The stop flag every 1024 polls (well under a millisecond), not on every one.
            if ((polls & 1023U) == 0 && stopRequested())
                return false;
#if defined(__x86_64__) || defined(__i386__)
            __builtin_ia32_pause(); // tells the core (and a hyperthread sibling) that this is a spin
#endif
            continue;
        }
        if (stopRequested())
            return false;
        std::this_thread::sleep_until(std::min(arrival, Clock::now() + kSlice));
    }
    return true;
}

bool LiveSession::stopRequested() const
{
    return m_stop.load(std::memory_order_relaxed) || (m_options.shouldStop && m_options.shouldStop());
}

struct LiveSession::Pending {
    std::int64_t input = 0;
    Goals goals;
    Decision decision;
    double capW = 0.0; // in force while it ran, as the backend read it back
    double arrivalMs = 0.0; // since the run started
    Clock::time_point started; // its inference began
    Clock::time_point inferenceEnd;
    double energyAtStartJ = 0.0; // backend counter when its period began
    double energyAtEndJ = 0.0; // ... and when its inference ended
    int lastCompleted = 0; // last output computed (possibly after the deadline)
    double processingMs = 0.0; // inference start → that output: what ξ compares with the profile
    int answer = 0; // the output that answered: the last one ready by the deadline, else the last
    double latencyMs = 0.0; // arrival → that answer
    bool deadlineMet = false;
    bool correct = false;
    ContentionKind contention = ContentionKind::Alone;
};

LiveSession::LiveSession(const ConfigurationTable& table, Controller& controller, PowerBackend& backend,
    InferenceEngine& engine, LiveSessionOptions options)
    : m_table(table)
    , m_controller(controller)
    , m_backend(backend)
    , m_engine(engine)
    , m_options(std::move(options))
    , m_injector(m_options.contention, m_options.intensity)
    , m_metrics(m_options.violationWindow)
{
    m_options.workload.validate();
    validateGoalSchedule(m_options.goalSchedule);
    if (engine.modelCount() != table.modelCount())
        throw std::invalid_argument("the live run has " + std::to_string(engine.modelCount())
            + " runnable candidates but the controller decides over " + std::to_string(table.modelCount()));
}

LiveSession::~LiveSession() = default;

void LiveSession::requestStop() { m_stop.store(true, std::memory_order_relaxed); }

void LiveSession::requestGoals(const Goals& goals)
{
    goals.validate();
    const std::lock_guard lock(m_goalsMutex);
    m_requestedGoals = goals;
    m_goalsRequested.store(true, std::memory_order_release);
}

LiveSessionResult LiveSession::run(LiveSessionSink& sink, ProgressMailbox* progress, ProgressRing* ring)
{
    LiveSessionResult result;
    ArrivalProcess arrivals(m_options.workload, m_engine.inputCount());
    const std::int64_t inputs = m_options.workload.inputs;
    std::size_t nextChange = 1;
    Goals goals = m_options.goalSchedule.front().goals;
    m_controller.setGoals(goals);

    const auto event = [&](std::int64_t input, const char* kind, const std::string& detail, Clock::time_point at) {
        sink.onEvent({ 0, 0, input, msBetween(m_start, at), kind, detail });
    };

    std::optional<Pending> pending;
    std::optional<double> capInForceW;
    Clock::duration loopWork {};
    Clock::duration inference {};
    double arrivalMs = 0.0;
    m_start = Clock::now();
    m_inputsDone = 0;

    try {
        for (std::int64_t n = 0;; ++n) {
            const bool stopping = n < inputs && stopRequested();
            if (stopping)
                result.stopped = true;
            // The previous input's period runs until this arrival; a stop ends it now.
            if (!stopping && !sleepUntilArrival(afterMs(m_start, arrivalMs)) && n < inputs)
                result.stopped = true;
            const Clock::time_point periodStart = Clock::now();
            const double energyNowJ = m_backend.energyJ();
            if (pending) {
                finishInput(*pending, energyNowJ, periodStart, sink, progress, ring);
                pending.reset();
            }
            if (n == inputs || result.stopped) {
                loopWork += Clock::now() - periodStart;
                break;
            }

            // Goals: the schedule's, then any requested meanwhile (the newest wins).
            bool goalsChanged = false;
            if (nextChange < m_options.goalSchedule.size() && m_options.goalSchedule[nextChange].fromInput == n) {
                goals = m_options.goalSchedule[nextChange++].goals;
                goalsChanged = true;
            }
            if (m_goalsRequested.exchange(false, std::memory_order_acquire)) {
                const std::lock_guard lock(m_goalsMutex);
                goals = *m_requestedGoals;
                goalsChanged = true;
            }
            if (goalsChanged) {
                m_controller.setGoals(goals);
                event(n, "goal-change", goals.describe(), periodStart);
            }
            for (const ContentionEvent& change : m_injector.onInput(n)) {
                event(n, toString(change.type), change.detail(), Clock::now());
                ++result.contentionEvents;
            }

            Pending next;
            next.input = n;
            next.goals = goals;
            next.arrivalMs = arrivalMs;
            next.energyAtStartJ = energyNowJ;
            next.contention = m_injector.activeKind();
            // An input that waited behind a late predecessor has less than the deadline left.
            const double waitedMs = msBetween(afterMs(m_start, arrivalMs), Clock::now());
            if (waitedMs > kLateStartMs)
                m_controller.setTimeLeftForNextInput(std::max(goals.deadlineMs - waitedMs, kLateStartMs));
            next.decision = m_controller.decide(n);
            const Configuration& applied = next.decision.applied;
            const double capW = m_table.capW(applied.cap);
            if (!capInForceW || std::abs(*capInForceW - capW) > 1e-9) {
                m_backend.setCapW(capW);
                capInForceW = capW;
            }
            next.capW = *capInForceW;

            const Clock::time_point arrival = afterMs(m_start, arrivalMs);
            next.started = Clock::now();
            loopWork += next.started - periodStart;
            m_engine.infer(applied.model, arrivals.testInput(n), afterMs(arrival, goals.deadlineMs), m_outcome);
            next.inferenceEnd = Clock::now();
            inference += next.inferenceEnd - next.started;
            next.energyAtEndJ = m_backend.energyJ();

            // The answer is the last output ready by the deadline, counted from the arrival (a
            // wait behind a late predecessor counts against it); with none in time, the input
            // missed its deadline and counts as wrong whatever the late output says.
            const double startDelayMs = std::max(0.0, msBetween(arrival, next.started));
            result.maxStartDelayMs = std::max(result.maxStartDelayMs, startDelayMs);
            const int completed = m_outcome.completedOutputs();
            if (completed < 1)
                throw std::logic_error("the inference engine returned no output");
            next.lastCompleted = completed - 1;
            next.processingMs = m_outcome.outputLatencyMs.back();
            next.answer = next.lastCompleted;
            for (int k = completed - 1; k >= 0; --k) {
                next.answer = k;
                if (startDelayMs + m_outcome.outputLatencyMs[static_cast<std::size_t>(k)] <= goals.deadlineMs)
                    break;
            }
            next.latencyMs = startDelayMs + m_outcome.outputLatencyMs[static_cast<std::size_t>(next.answer)];
            next.deadlineMet = next.latencyMs <= goals.deadlineMs;
            next.correct = next.deadlineMet
                && m_outcome.outputClass[static_cast<std::size_t>(next.answer)]
                    == m_engine.label(arrivals.testInput(n));
            pending = next;

            arrivalMs += arrivals.nextGapMs(goals.deadlineMs);
            loopWork += Clock::now() - next.inferenceEnd;
        }
    } catch (...) {
        m_injector.stopAll();
        throw;
    }
    const Clock::time_point end = Clock::now();
    for (const ContentionEvent& change : m_injector.stopAll()) {
        event(change.inputIndex, toString(change.type), change.detail(), end);
        ++result.contentionEvents;
    }

    result.metrics = m_metrics.metrics();
    result.wallS = std::chrono::duration<double>(end - m_start).count();
    result.loopWorkS = std::chrono::duration<double>(loopWork).count();
    result.inferenceS = std::chrono::duration<double>(inference).count();
    // The arrivals scheduled for the inputs handled span arrivalMs (the next one's arrival).
    const double inputsDone = static_cast<double>(m_inputsDone);
    result.targetRatePerS = arrivalMs > 0.0 ? inputsDone * 1000.0 / arrivalMs : 0.0;
    result.achievedRatePerS = result.wallS > 0.0 ? inputsDone / result.wallS : 0.0;
    return result;
}

void LiveSession::finishInput(const Pending& p, double energyNowJ, Clock::time_point now, LiveSessionSink& sink,
    ProgressMailbox* progress, ProgressRing* ring)
{
    const Configuration& ran = p.decision.applied;
    Observation observation;
    observation.inputIndex = p.input;
    observation.ran = ran;
    observation.outputReached = p.lastCompleted;
    observation.latencyMs = p.processingMs;
    observation.energyJ = energyNowJ - p.energyAtStartJ;
    observation.idleEnergyJ = energyNowJ - p.energyAtEndJ;
    observation.idleMs = std::max(0.0, msBetween(p.inferenceEnd, now));
    m_controller.observe(observation);
    m_metrics.add(p.goals, p.decision, observation.energyJ, p.correct, p.deadlineMet);
    ++m_inputsDone;

    RunStepRecord step;
    step.inputIndex = p.input;
    step.arrivalMs = p.arrivalMs;
    step.modelId = m_table.model(ran.model).id;
    step.outputReached = p.answer;
    step.powerCapW = p.capW;
    step.latencyMs = p.latencyMs;
    step.energyJ = observation.energyJ;
    step.deadlineMet = p.deadlineMet;
    step.correct = p.correct;
    step.xiObserved = p.processingMs / m_table.latencyMs(ran.model, ran.cap, p.lastCompleted);
    step.xiMean = p.decision.xiMean;
    step.xiStd = p.decision.xiStd;
    step.predictedLatencyMs = p.decision.predicted.latencyMs;
    step.predictedEnergyJ = p.decision.predicted.energyJ;
    step.predictedAccuracy = p.decision.predicted.accuracy;
    sink.onStep(step);

    if (progress != nullptr || ring != nullptr) {
        const ReplayMetrics m = m_metrics.metrics();
        LiveProgress snapshot;
        snapshot.step = step;
        snapshot.inputsDone = m_inputsDone;
        snapshot.inputsTotal = m_options.workload.inputs;
        snapshot.elapsedS = std::chrono::duration<double>(now - m_start).count();
        snapshot.accuracy = 1.0 - m.errorRate;
        snapshot.deadlineMissRate = m.deadlineMissRate;
        snapshot.energyPerInputJ = m.energyPerInputJ;
        snapshot.goalViolationRate = m.violationRate;
        snapshot.goals = p.goals;
        snapshot.contention = p.contention;
        if (progress != nullptr)
            progress->publish(snapshot);
        if (ring != nullptr)
            ring->push(snapshot);
    }
}

} // namespace awb::core
