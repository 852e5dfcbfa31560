#pragma once

namespace awb::cli {

// Turns SIGINT and SIGTERM into a flag that long commands (train, profile) poll between steps,
// so Ctrl-C stops at the next step and never in the middle of writing a file or a store row;
// a second signal kills at once. Puts the previous handlers back on every exit path.
// Construct it before a CapGuard: the guard restores caps in its own handler and then calls
// this one, so the command still stops cleanly and records where it stopped.
// Threading: one scope at a time, on the main thread.
class InterruptScope {
public:
    InterruptScope();
    ~InterruptScope();
    InterruptScope(const InterruptScope&) = delete;
    InterruptScope& operator=(const InterruptScope&) = delete;

    // Async-signal-safe to set, safe to read from any thread.
    static bool interrupted();

private:
    void (*m_previousInt)(int);
    void (*m_previousTerm)(int);
};

} // namespace awb::cli
