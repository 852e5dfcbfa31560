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

// Appends run steps from a live loop without ever blocking it on SQLite: `append` copies
// the step into a buffer under a short lock; a background thread with its own connection
// writes batches in one transaction each, when `batchRows` are waiting or `maxDelay` has
// passed since the first unwritten step, and everything left on `close()`/destruction.
// A crash loses at most the unflushed batch; the file is never corrupted (WAL).
// Threading: append/flush/close may be called from any thread.
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
    // Blocks until everything appended so far is committed.
    void flush();
    // Flushes and stops the thread; later appends throw. Rethrows a write error, if any.
    void close();

    std::size_t rowsWritten() const;

private:
    struct Impl;
    Impl* m_impl;
};

} // namespace awb::db
