#pragma once

#include "core/records/run_record.h"

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <filesystem>
#include <mutex>
#include <thread>
#include <vector>

namespace awb::db {

// Appends run steps (and the run's rare events) from a live loop without ever blocking it on
// SQLite: `append`/`appendEvent` copy the row into a buffer under a short lock; a background thread with its own
// connection writes batches in one transaction each, when `batchRows` are waiting or `maxDelay` has passed since the
// first unwritten step, and everything left on `close()`/destruction. A crash loses at most the unflushed batch; the
// file is never corrupted (WAL). Threading: append/flush/close may be called from any thread.
class RunStepWriter {
public:
    struct Options {
        std::size_t batchRows = 10'000;
        std::chrono::milliseconds maxDelay { 200 };
    };

    explicit RunStepWriter(const std::filesystem::path& storePath);
    RunStepWriter(const std::filesystem::path& storePath, Options options);
    ~RunStepWriter();
    RunStepWriter(const RunStepWriter&) = delete;
    RunStepWriter& operator=(const RunStepWriter&) = delete;

    void append(const core::RunStepRecord& step);
    // An event (contention start/stop, goal change), written in the same batches as the steps,
    // so the log of steps and events stays consistent after a crash.
    void appendEvent(const core::RunEventRecord& event);
    // Blocks until everything appended so far is committed.
    void flush();
    // Flushes and stops the thread; later appends throw. Rethrows a write error, if any.
    void close();

    // Rows committed so far, steps and events.
    std::size_t rowsWritten() const;

private:
    struct Impl;
    Impl* m_impl;
};

} // namespace awb::db
