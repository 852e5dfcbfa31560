#include "app/cli/interrupt_scope.h"

#include <atomic>
#include <csignal>

namespace awb::cli {

namespace {

    std::atomic<bool> g_interrupted { false };
    static_assert(std::atomic<bool>::is_always_lock_free, "the signal handler needs a lock-free flag");

    void onInterrupt(int signalNumber)
    {
        g_interrupted.store(true);
        // A second Ctrl-C kills at once (files are still never half-written: they are renamed).
        std::signal(signalNumber, SIG_DFL);
    }

} // namespace

InterruptScope::InterruptScope()
{
    g_interrupted.store(false);
    m_previousInt = std::signal(SIGINT, onInterrupt);
    m_previousTerm = std::signal(SIGTERM, onInterrupt);
}

InterruptScope::~InterruptScope()
{
    std::signal(SIGINT, m_previousInt);
    std::signal(SIGTERM, m_previousTerm);
}

bool InterruptScope::interrupted() { return g_interrupted.load(); }

} // namespace awb::cli
