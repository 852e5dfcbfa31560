#include "database/run_step_writer.h"

#include "database/run_step_key.h"
#include "database/store.h"
#include "database/store_internal.h"

#include <SQLiteCpp/Database.h>
#include <exception>
#include <optional>
#include <sqlite3.h>
#include <string>

namespace awb::db {

namespace {

    const std::string kInsertStepSql
        = "INSERT INTO run_step (step_key, run_id, input_index, arrival_ms, model_id, output_reached, power_cap_w, "
          "latency_ms, energy_j, deadline_met, correct, xi_observed, xi_mean, xi_std, predicted_latency_ms, "
          "predicted_energy_j, predicted_accuracy) VALUES ("
        + detail::stepKeySql("?1", "?2") + ", ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)";

    const char* const kInsertEventSql
        = "INSERT INTO run_event (run_id, input_index, time_ms, kind, detail) VALUES (?1, ?2, ?3, ?4, ?5)";

    // Owns one prepared statement of the writer's connection.
    class PreparedStatement {
    public:
        PreparedStatement(sqlite3* db, const char* sql)
        {
            if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &m_statement, nullptr) != SQLITE_OK)
                throw StoreError(std::string("cannot prepare a run step statement: ") + sqlite3_errmsg(db));
        }
        ~PreparedStatement() { sqlite3_finalize(m_statement); }
        PreparedStatement(const PreparedStatement&) = delete;
        PreparedStatement& operator=(const PreparedStatement&) = delete;

        sqlite3_stmt* get() const { return m_statement; }

    private:
        sqlite3_stmt* m_statement = nullptr;
    };

} // namespace

struct RunStepWriter::Impl {
    Impl(const std::filesystem::path& path, Options writerOptions)
        : storePath(path)
        , options(writerOptions)
        , store(Store::open(path))
    {
        // Per-row foreign-key checks cost 20-30 % of the ingestion rate (bench_run_step_writer,
        // BM_BarePreparedLoop on/off). The writer checks each distinct run and model once per batch
        // instead, inside the batch's write transaction, so no parent can vanish in between;
        // the schema's ON DELETE CASCADE still fires from connections that delete runs.
        store->database().exec("PRAGMA foreign_keys = OFF");
        sqlite3* db = store->database().getHandle();
        insert.emplace(db, kInsertStepSql.c_str());
        insertEvent.emplace(db, kInsertEventSql);
        runExists.emplace(db, "SELECT 1 FROM run WHERE id = ?");
        modelExists.emplace(db, "SELECT 1 FROM model WHERE id = ?");
        knownRuns.reserve(16);
        knownModels.reserve(16);
        if (options.batchRows == 0)
            options.batchRows = 1;
        pending.reserve(options.batchRows);
        writing.reserve(options.batchRows);
    }

    void run();
    void writeBatch();
    void insertRows(sqlite3* db);
    void insertEvents(sqlite3* db);
    bool hasPending() const { return !pending.empty() || !pendingEvents.empty(); }
    std::size_t pendingCount() const { return pending.size() + pendingEvents.size(); }
    // Under the lock: arms the batch timer on the first pending row, wakes the writer early on a
    // full batch. Other appends are a copy under an uncontended lock.
    void noteAppended();
    bool referenceExists(std::vector<std::int64_t>& known, PreparedStatement& lookup, std::int64_t id);
    [[noreturn]] void fail(const std::string& what);

    const std::filesystem::path storePath;
    Options options;

    // Guarded by `mutex`. `appended` - `written` rows sit in `pending` or in the batch being
    // written; flush() waits until `written` reaches the count it saw.
    std::mutex mutex;
    std::condition_variable wake; // the writer thread waits on it
    std::condition_variable progress; // flush() and close() wait on it
    std::vector<core::RunStepRecord> pending;
    std::vector<core::RunEventRecord> pendingEvents;
    std::chrono::steady_clock::time_point firstPendingAt;
    std::size_t appended = 0;
    std::size_t written = 0;
    std::size_t flushTarget = 0;
    bool closing = false;
    bool threadDone = false;
    bool errorReported = false;
    std::exception_ptr error;
    std::string errorText;

    // Owned by the writer thread once it runs; `writing` swaps with `pending` under the lock,
    // so both keep their capacity and appends never allocate in the steady state.
    std::optional<Store> store;
    std::optional<PreparedStatement> insert;
    std::optional<PreparedStatement> insertEvent;
    std::optional<PreparedStatement> runExists;
    std::optional<PreparedStatement> modelExists;
    std::vector<core::RunStepRecord> writing;
    std::vector<core::RunEventRecord> writingEvents;
    // Ids confirmed to exist during the current batch; tiny (a batch rarely spans more than
    // one run and a few models), so a linear search beats a hash set.
    std::vector<std::int64_t> knownRuns;
    std::vector<std::int64_t> knownModels;
    std::thread thread;
};

void RunStepWriter::Impl::fail(const std::string& what)
{
    throw StoreError("cannot write run steps to store " + detail::quotedPath(storePath) + ": " + what);
}

bool RunStepWriter::Impl::referenceExists(std::vector<std::int64_t>& known, PreparedStatement& lookup, std::int64_t id)
{
    for (const std::int64_t seen : known) {
        if (seen == id)
            return true;
    }
    sqlite3_stmt* statement = lookup.get();
    sqlite3_bind_int64(statement, 1, id);
    const int rc = sqlite3_step(statement);
    sqlite3_reset(statement);
    if (rc == SQLITE_ROW) {
        known.push_back(id);
        return true;
    }
    if (rc != SQLITE_DONE)
        fail(sqlite3_errmsg(store->database().getHandle()));
    return false;
}

// One transaction for the whole batch; on failure it is rolled back and the batch is lost,
// which is what a crash at the same moment would have lost.
void RunStepWriter::Impl::writeBatch()
{
    sqlite3* db = store->database().getHandle();
    if (sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) != SQLITE_OK)
        fail(sqlite3_errmsg(db));
    try {
        insertRows(db);
        insertEvents(db);
        // COMMIT can still fail on a full disk or an I/O error.
        if (sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK)
            fail(sqlite3_errmsg(db));
    } catch (...) {
        if (sqlite3_get_autocommit(db) == 0)
            sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
        throw;
    }
}

void RunStepWriter::Impl::insertRows(sqlite3* db)
{
    sqlite3_stmt* statement = insert->get();
    knownRuns.clear();
    knownModels.clear();
    std::int64_t lastRunId = 0;
    std::int64_t lastModelId = 0;
    for (const core::RunStepRecord& step : writing) {
        // Consecutive steps nearly always share run and model: compare with the last first.
        const bool runOk
            = (step.runId == lastRunId && lastRunId != 0) || referenceExists(knownRuns, *runExists, step.runId);
        const bool modelOk = (step.modelId == lastModelId && lastModelId != 0)
            || referenceExists(knownModels, *modelExists, step.modelId);
        if (!runOk || !modelOk)
            fail("run " + std::to_string(step.runId) + " input " + std::to_string(step.inputIndex) + ": "
                + (runOk ? "model " : "run ") + std::to_string(runOk ? step.modelId : step.runId) + " does not exist");
        lastRunId = step.runId;
        lastModelId = step.modelId;
        sqlite3_bind_int64(statement, 1, step.runId);
        sqlite3_bind_int64(statement, 2, step.inputIndex);
        sqlite3_bind_double(statement, 3, step.arrivalMs);
        sqlite3_bind_int64(statement, 4, step.modelId);
        sqlite3_bind_int(statement, 5, step.outputReached);
        sqlite3_bind_double(statement, 6, step.powerCapW);
        sqlite3_bind_double(statement, 7, step.latencyMs);
        sqlite3_bind_double(statement, 8, step.energyJ);
        sqlite3_bind_int(statement, 9, step.deadlineMet ? 1 : 0);
        sqlite3_bind_int(statement, 10, step.correct ? 1 : 0);
        sqlite3_bind_double(statement, 11, step.xiObserved);
        sqlite3_bind_double(statement, 12, step.xiMean);
        sqlite3_bind_double(statement, 13, step.xiStd);
        sqlite3_bind_double(statement, 14, step.predictedLatencyMs);
        sqlite3_bind_double(statement, 15, step.predictedEnergyJ);
        sqlite3_bind_double(statement, 16, step.predictedAccuracy);
        const int rc = sqlite3_step(statement);
        sqlite3_reset(statement);
        if (rc != SQLITE_DONE)
            fail("run " + std::to_string(step.runId) + " input " + std::to_string(step.inputIndex) + ": "
                + sqlite3_errmsg(db));
    }
}

void RunStepWriter::Impl::insertEvents(sqlite3* db)
{
    sqlite3_stmt* statement = insertEvent->get();
    for (const core::RunEventRecord& event : writingEvents) {
        if (!referenceExists(knownRuns, *runExists, event.runId))
            fail("event '" + event.kind + "': run " + std::to_string(event.runId) + " does not exist");
        sqlite3_bind_int64(statement, 1, event.runId);
        sqlite3_bind_int64(statement, 2, event.inputIndex);
        sqlite3_bind_double(statement, 3, event.timeMs);
        sqlite3_bind_text(statement, 4, event.kind.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(statement, 5, event.detail.c_str(), -1, SQLITE_TRANSIENT);
        const int rc = sqlite3_step(statement);
        sqlite3_reset(statement);
        if (rc != SQLITE_DONE)
            fail("event '" + event.kind + "' of run " + std::to_string(event.runId) + ": " + sqlite3_errmsg(db));
    }
}

void RunStepWriter::Impl::noteAppended()
{
    ++appended;
    const std::size_t count = pendingCount();
    if (count == 1) {
        firstPendingAt = std::chrono::steady_clock::now();
        wake.notify_one();
    } else if (count == options.batchRows) {
        wake.notify_one();
    }
}

void RunStepWriter::Impl::run()
{
    std::unique_lock lock(mutex);
    for (;;) {
        wake.wait(lock, [this] { return closing || hasPending(); });
        if (hasPending() && !closing) {
            // Let the batch fill until it is big enough, or the oldest step has waited maxDelay.
            const auto deadline = firstPendingAt + options.maxDelay;
            wake.wait_until(lock, deadline,
                [this] { return closing || flushTarget > written || pendingCount() >= options.batchRows; });
        }
        if (!hasPending()) {
            if (closing)
                break;
            continue;
        }
        writing.swap(pending);
        writingEvents.swap(pendingEvents);
        lock.unlock();
        try {
            writeBatch();
        } catch (const std::exception& failure) {
            lock.lock();
            error = std::current_exception();
            errorText = failure.what();
            writing.clear();
            writingEvents.clear();
            break;
        }
        lock.lock();
        written += writing.size() + writingEvents.size();
        writing.clear();
        writingEvents.clear();
        progress.notify_all();
    }
    // Closing the connection here checkpoints the WAL on the thread that did the writing;
    // nobody else touches `insert` or `store`, so the lock is not needed for it.
    lock.unlock();
    insert.reset();
    insertEvent.reset();
    runExists.reset();
    modelExists.reset();
    store.reset();
    lock.lock();
    threadDone = true;
    progress.notify_all();
}

RunStepWriter::RunStepWriter(const std::filesystem::path& storePath)
    : RunStepWriter(storePath, Options {})
{
}

RunStepWriter::RunStepWriter(const std::filesystem::path& storePath, Options options)
    : m_impl(new Impl(storePath, options))
{
    try {
        m_impl->thread = std::thread([impl = m_impl] { impl->run(); });
    } catch (...) {
        delete m_impl;
        throw;
    }
}

RunStepWriter::~RunStepWriter()
{
    try {
        close();
    } catch (...) {
        // A destructor cannot report the failure; close() explicitly to see it.
    }
    delete m_impl;
}

void RunStepWriter::append(const core::RunStepRecord& step)
{
    std::lock_guard lock(m_impl->mutex);
    if (m_impl->error)
        throw StoreError(m_impl->errorText);
    if (m_impl->closing)
        throw StoreError("run step writer for store " + detail::quotedPath(m_impl->storePath) + " is closed");
    m_impl->pending.push_back(step);
    m_impl->noteAppended();
}

void RunStepWriter::appendEvent(const core::RunEventRecord& event)
{
    std::lock_guard lock(m_impl->mutex);
    if (m_impl->error)
        throw StoreError(m_impl->errorText);
    if (m_impl->closing)
        throw StoreError("run step writer for store " + detail::quotedPath(m_impl->storePath) + " is closed");
    m_impl->pendingEvents.push_back(event);
    m_impl->noteAppended();
}

void RunStepWriter::flush()
{
    std::unique_lock lock(m_impl->mutex);
    const std::size_t target = m_impl->appended;
    if (target > m_impl->flushTarget)
        m_impl->flushTarget = target;
    m_impl->wake.notify_one();
    m_impl->progress.wait(lock, [&] { return m_impl->written >= target || m_impl->threadDone; });
    if (m_impl->error)
        throw StoreError(m_impl->errorText);
}

void RunStepWriter::close()
{
    {
        std::lock_guard lock(m_impl->mutex);
        m_impl->closing = true;
        m_impl->wake.notify_one();
    }
    if (m_impl->thread.joinable())
        m_impl->thread.join();
    std::lock_guard lock(m_impl->mutex);
    if (m_impl->error && !m_impl->errorReported) {
        m_impl->errorReported = true;
        std::rethrow_exception(m_impl->error);
    }
}

std::size_t RunStepWriter::rowsWritten() const
{
    std::lock_guard lock(m_impl->mutex);
    return m_impl->written;
}

} // namespace awb::db
