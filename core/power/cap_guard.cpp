#include "core/power/cap_guard.h"

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <fcntl.h>
#include <stdexcept>
#include <thread>
#include <unistd.h>

namespace awb::core {

namespace {

    constexpr int kGuardedSignals[] = { SIGINT, SIGTERM, SIGHUP };
    constexpr int kGuardedSignalCount = static_cast<int>(std::size(kGuardedSignals));

    int signalIndex(int signalNumber)
    {
        for (int index = 0; index < kGuardedSignalCount; ++index) {
            if (kGuardedSignals[index] == signalNumber)
                return index;
        }
        return -1;
    }

    bool isFunction(const struct sigaction& action)
    {
        if (action.sa_flags & SA_SIGINFO)
            return action.sa_sigaction != nullptr;
        return action.sa_handler != SIG_DFL && action.sa_handler != SIG_IGN;
    }

    bool sameCaps(const CapSnapshot& a, const CapSnapshot& b)
    {
        if (a.settings.empty() && b.settings.empty())
            return a.capW == b.capW;
        if (a.settings.size() != b.settings.size())
            return false;
        for (std::size_t i = 0; i < a.settings.size(); ++i) {
            if (a.settings[i].target != b.settings[i].target || a.settings[i].value != b.settings[i].value)
                return false;
        }
        return true;
    }

} // namespace

// Everything the handler touches, built before the handler is installed and never resized
// while it is: the handler only reads these members and calls async-signal-safe functions.
struct CapGuardSignalPlan {
    pid_t ownerPid = 0;
    std::vector<int> fileDescriptors; // -1 where the file could not be opened for writing
    std::vector<std::string> values; // "95000000\n", per descriptor
    std::string statePath;
    CapSnapshot deferred; // NVML settings: the restorer thread's job
    int wakePipe[2] = { -1, -1 };
    std::thread restorer;
    struct sigaction previous[kGuardedSignalCount] { };
    bool installed[kGuardedSignalCount] {};
};

namespace {

    std::atomic<bool> g_guardActive { false };
    std::atomic<CapGuardSignalPlan*> g_plan { nullptr };
    std::atomic<int> g_handlersRunning { 0 };
    static_assert(std::atomic<CapGuardSignalPlan*>::is_always_lock_free && std::atomic<int>::is_always_lock_free,
        "the signal handler needs lock-free atomics");

    void reraiseWithDefaultAction(int signalNumber)
    {
        struct sigaction action { };
        action.sa_handler = SIG_DFL;
        sigemptyset(&action.sa_mask);
        sigaction(signalNumber, &action, nullptr);
        // Pending until the handler returns (the signal is blocked while it runs), then fatal.
        kill(getpid(), signalNumber);
    }

    void chain(const struct sigaction& previous, int signalNumber, siginfo_t* info, void* context)
    {
        if (previous.sa_flags & SA_SIGINFO)
            previous.sa_sigaction(signalNumber, info, context);
        else
            previous.sa_handler(signalNumber);
    }

    extern "C" void onGuardedSignal(int signalNumber, siginfo_t* info, void* context)
    {
        const int savedErrno = errno;
        g_handlersRunning.fetch_add(1);
        CapGuardSignalPlan* plan = g_plan.load();
        const int index = signalIndex(signalNumber);
        const bool owner = plan && getpid() == plan->ownerPid;
        if (owner) {
            for (std::size_t i = 0; i < plan->fileDescriptors.size(); ++i) {
                const int descriptor = plan->fileDescriptors[i];
                if (descriptor < 0)
                    continue;
                // sysfs ignores the truncate; a regular file (a fake tree) needs it when the
                // old value was longer.
                [[maybe_unused]] const int truncated = ftruncate(descriptor, 0);
                [[maybe_unused]] const ssize_t written
                    = pwrite(descriptor, plan->values[i].data(), plan->values[i].size(), 0);
            }
            if (plan->deferred.settings.empty()) {
                unlink(plan->statePath.c_str());
            } else {
                const auto byte = static_cast<unsigned char>(signalNumber);
                [[maybe_unused]] const ssize_t written = write(plan->wakePipe[1], &byte, 1);
            }
        }
        // Copied out: once the counter drops, disarm() may free the plan.
        struct sigaction previous { };
        if (plan && index >= 0)
            previous = plan->previous[index];
        const bool threadFinishes = owner && !plan->deferred.settings.empty();
        g_handlersRunning.fetch_sub(1);
        errno = savedErrno;
        if (isFunction(previous))
            chain(previous, signalNumber, info, context);
        else if (!threadFinishes)
            reraiseWithDefaultAction(signalNumber);
        // else: the restorer thread restores the NVML limits, then re-raises.
    }

    // Runs in its own thread while NVML settings are guarded. A zero byte means stop.
    void restorerLoop(CapGuardSignalPlan* plan, PowerBackend* backend)
    {
        sigset_t guarded;
        sigemptyset(&guarded);
        for (int signalNumber : kGuardedSignals)
            sigaddset(&guarded, signalNumber);
        pthread_sigmask(SIG_BLOCK, &guarded, nullptr);
        for (;;) {
            unsigned char byte = 0;
            const ssize_t length = read(plan->wakePipe[0], &byte, 1);
            if (length < 0 && errno == EINTR)
                continue;
            if (length <= 0 || byte == 0)
                return;
            try {
                backend->restoreCaps(plan->deferred);
                unlink(plan->statePath.c_str());
            } catch (const std::exception& error) {
                std::fprintf(stderr,
                    "alertwb: could not restore power caps on signal %d: %s (recorded in %s for the "
                    "next start)\n",
                    byte, error.what(), plan->statePath.c_str());
            }
            const int index = signalIndex(byte);
            if (index >= 0 && !isFunction(plan->previous[index]))
                reraiseWithDefaultAction(byte);
            return;
        }
    }

} // namespace

CapGuard::CapGuard(PowerBackend& backend, std::filesystem::path stateFile)
    : m_backend(backend)
    , m_stateFile(std::move(stateFile))
{
    if (g_guardActive.exchange(true))
        throw std::logic_error("a CapGuard is already active in this process");
    try {
        // An earlier run that died holding caps: put them back first, so that what we record
        // below are the machine's real originals.
        if (const auto pending = readCapState(m_stateFile)) {
            const auto report = restorePendingCaps(m_stateFile);
            if (report.ownerAlive)
                throw PowerError(report.summary());
            if (!report.failed.empty())
                throw PowerError("cannot restore the caps an earlier run left: " + report.failed.front());
        }
        m_original = m_backend.snapshotCaps();
        if (!m_original.settings.empty()) {
            writeCapState(m_stateFile, makeCapStateRecord(m_original));
            m_persistent = true;
            arm();
        }
    } catch (...) {
        g_guardActive = false;
        throw;
    }
}

CapGuard::~CapGuard()
{
    if (!m_active)
        return;
    try {
        restoreNow();
    } catch (const std::exception& error) {
        std::fprintf(stderr, "alertwb: could not restore power caps: %s (recorded in %s for the next start)\n",
            error.what(), m_stateFile.c_str());
        disarm();
        m_active = false;
        g_guardActive = false;
    }
}

void CapGuard::restoreNow()
{
    if (!m_active)
        return;
    // Writing only what changed keeps an energy-only run (no root, nothing set) quiet.
    if (!sameCaps(m_backend.snapshotCaps(), m_original))
        m_backend.restoreCaps(m_original);
    disarm();
    if (m_persistent) {
        std::error_code error;
        std::filesystem::remove(m_stateFile, error);
    }
    m_active = false;
    g_guardActive = false;
}

void CapGuard::arm()
{
    auto plan = std::make_unique<CapGuardSignalPlan>();
    plan->ownerPid = getpid();
    plan->statePath = m_stateFile.string();
    plan->deferred.backend = m_original.backend;
    for (const auto& setting : m_original.settings) {
        if (setting.kind == "file") {
            // Opened now: in the handler, open() could meet an exhausted descriptor table.
            plan->fileDescriptors.push_back(::open(setting.target.c_str(), O_WRONLY | O_CLOEXEC));
            plan->values.push_back(std::to_string(setting.value) + "\n");
        } else {
            plan->deferred.settings.push_back(setting);
        }
    }
    if (!plan->deferred.settings.empty()) {
        if (pipe2(plan->wakePipe, O_CLOEXEC) != 0)
            throw PowerError("cannot create the cap guard's wake-up pipe");
        plan->restorer = std::thread(restorerLoop, plan.get(), &m_backend);
    }
    g_plan = plan.get();
    for (int index = 0; index < kGuardedSignalCount; ++index) {
        sigaction(kGuardedSignals[index], nullptr, &plan->previous[index]);
        // nohup and friends: an ignored signal stays ignored.
        if (!(plan->previous[index].sa_flags & SA_SIGINFO) && plan->previous[index].sa_handler == SIG_IGN)
            continue;
        struct sigaction action { };
        action.sa_sigaction = onGuardedSignal;
        action.sa_flags = SA_SIGINFO | SA_RESTART;
        sigemptyset(&action.sa_mask);
        for (int signalNumber : kGuardedSignals)
            sigaddset(&action.sa_mask, signalNumber); // one restore at a time
        plan->installed[index] = sigaction(kGuardedSignals[index], &action, nullptr) == 0;
    }
    m_plan = std::move(plan);
}

void CapGuard::disarm()
{
    if (!m_plan)
        return;
    for (int index = 0; index < kGuardedSignalCount; ++index) {
        if (m_plan->installed[index])
            sigaction(kGuardedSignals[index], &m_plan->previous[index], nullptr);
    }
    g_plan = nullptr;
    // A handler already running on another thread may still read the plan.
    while (g_handlersRunning.load() != 0)
        std::this_thread::yield();
    if (m_plan->restorer.joinable()) {
        const unsigned char stop = 0;
        [[maybe_unused]] const ssize_t written = write(m_plan->wakePipe[1], &stop, 1);
        m_plan->restorer.join();
    }
    for (int descriptor : m_plan->wakePipe) {
        if (descriptor >= 0)
            close(descriptor);
    }
    for (int descriptor : m_plan->fileDescriptors) {
        if (descriptor >= 0)
            close(descriptor);
    }
    m_plan.reset();
}

} // namespace awb::core
