// Profile session and run repositories, and the store summary.
#include "database/repositories.h"
#include "database/repository_support.h"
#include "database/run_step_key.h"
#include "database/store_internal.h"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

namespace awb::db {

using namespace detail;

namespace {

    // ---- profile ------------------------------------------------------------------------

    constexpr const char* kSessionColumns = "s.id, s.uid, s.device_id, s.dataset_id, s.started_at, s.finished_at, "
                                            "s.status, s.seed, s.settings_json, s.versions_json";

    core::ProfileSessionRecord readSession(const SQLite::Statement& row)
    {
        core::ProfileSessionRecord session;
        session.id = row.getColumn(0).getInt64();
        session.uid = row.getColumn(1).getString();
        session.deviceId = row.getColumn(2).getInt64();
        session.datasetId = row.getColumn(3).isNull() ? 0 : row.getColumn(3).getInt64();
        session.startedAt = row.getColumn(4).getString();
        session.finishedAt = row.getColumn(5).getString();
        session.status = core::sessionStatusFromString(row.getColumn(6).getString());
        session.seed = seedFromColumn(row.getColumn(7).getInt64());
        session.settingsJson = row.getColumn(8).getString();
        session.versionsJson = row.getColumn(9).getString();
        return session;
    }

    // ---- run ------------------------------------------------------------------------------

    constexpr const char* kRunColumns = "r.id, r.uid, r.device_id, r.profile_session_id, r.controller, r.goal_mode, "
                                        "r.deadline_ms, r.energy_budget_j, r.accuracy_goal, r.scenario, "
                                        "r.contention_spec, r.seed, r.input_count, r.started_at, r.finished_at, "
                                        "r.status, r.settings_json";

    core::RunRecord readRun(const SQLite::Statement& row)
    {
        core::RunRecord run;
        run.id = row.getColumn(0).getInt64();
        run.uid = row.getColumn(1).getString();
        run.deviceId = row.getColumn(2).getInt64();
        run.profileSessionId = row.getColumn(3).isNull() ? 0 : row.getColumn(3).getInt64();
        run.controller = row.getColumn(4).getString();
        run.goalMode = row.getColumn(5).getString();
        run.deadlineMs = row.getColumn(6).getDouble();
        run.energyBudgetJ = row.getColumn(7).getDouble();
        run.accuracyGoal = row.getColumn(8).getDouble();
        run.scenario = row.getColumn(9).getString();
        run.contentionSpec = row.getColumn(10).getString();
        run.seed = seedFromColumn(row.getColumn(11).getInt64());
        run.inputCount = row.getColumn(12).getInt64();
        run.startedAt = row.getColumn(13).getString();
        run.finishedAt = row.getColumn(14).getString();
        run.status = core::sessionStatusFromString(row.getColumn(15).getString());
        run.settingsJson = row.getColumn(16).getString();
        return run;
    }

} // namespace

// ---- ProfileRepository --------------------------------------------------------------------

std::int64_t ProfileRepository::createSession(core::ProfileSessionRecord& session)
{
    auto& db = m_store.database();
    fillUid(session.uid);
    fillNow(session.startedAt);
    SQLite::Statement insert(db,
        "INSERT INTO profile_session (uid, device_id, dataset_id, started_at, finished_at, "
        "status, seed, settings_json, versions_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    insert.bind(1, session.uid);
    insert.bind(2, session.deviceId);
    bindOptionalId(insert, 3, session.datasetId);
    insert.bind(4, session.startedAt);
    insert.bind(5, session.finishedAt);
    insert.bind(6, core::toString(session.status));
    insert.bind(7, seedToColumn(session.seed));
    insert.bind(8, session.settingsJson.empty() ? std::string("{}") : session.settingsJson);
    insert.bind(9, session.versionsJson.empty() ? std::string("{}") : session.versionsJson);
    insert.exec();
    session.id = db.getLastInsertRowid();
    return session.id;
}

void ProfileRepository::finishSession(std::int64_t sessionId, core::SessionStatus status, const std::string& finishedAt)
{
    finishRow(m_store.database(), m_store.path(), "profile_session", sessionId, status, finishedAt);
}

std::int64_t ProfileRepository::addCell(core::ProfileCellRecord& cell)
{
    auto& db = m_store.database();
    SQLite::Statement insert(db,
        "INSERT INTO profile_cell (session_id, model_id, output_index, power_cap_w, "
        "latency_median_ms, latency_iqr_ms, latency_p95_ms, power_w, energy_j, accuracy, "
        "replicates, noisy) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    insert.bind(1, cell.sessionId);
    insert.bind(2, cell.modelId);
    insert.bind(3, cell.outputIndex);
    insert.bind(4, cell.powerCapW);
    insert.bind(5, cell.latencyMedianMs);
    insert.bind(6, cell.latencyIqrMs);
    insert.bind(7, cell.latencyP95Ms);
    insert.bind(8, cell.powerW);
    insert.bind(9, cell.energyJ);
    insert.bind(10, cell.accuracy);
    insert.bind(11, cell.replicates);
    insert.bind(12, cell.noisy ? 1 : 0);
    insert.exec();
    cell.id = db.getLastInsertRowid();
    return cell.id;
}

std::optional<core::ProfileSessionRecord> ProfileRepository::findSession(std::int64_t id)
{
    SQLite::Statement select(
        m_store.database(), std::string("SELECT ") + kSessionColumns + " FROM profile_session s WHERE s.id = ?");
    select.bind(1, id);
    if (!select.executeStep())
        return std::nullopt;
    return readSession(select);
}

std::optional<core::ProfileSessionRecord> ProfileRepository::findResumableSession(
    std::int64_t deviceId, const std::string& settingsJson)
{
    SQLite::Statement select(m_store.database(),
        std::string("SELECT ") + kSessionColumns
            + " FROM profile_session s WHERE s.device_id = ? AND s.settings_json = ? AND s.status != 'complete' "
              "ORDER BY s.started_at DESC, s.id DESC LIMIT 1");
    select.bind(1, deviceId);
    select.bind(2, settingsJson);
    if (!select.executeStep())
        return std::nullopt;
    return readSession(select);
}

std::vector<core::ProfileSessionSummary> ProfileRepository::listSessions()
{
    // Both counts read the (session_id, …) prefix of profile_cell's UNIQUE index.
    SQLite::Statement select(m_store.database(),
        std::string("SELECT ") + kSessionColumns
            + ", d.host, d.backend, "
              "(SELECT count(*) FROM profile_cell c WHERE c.session_id = s.id), "
              "(SELECT count(DISTINCT c.model_id) FROM profile_cell c WHERE c.session_id = s.id) "
              "FROM profile_session s JOIN device d ON d.id = s.device_id "
              "ORDER BY s.started_at DESC, s.id DESC");
    std::vector<core::ProfileSessionSummary> sessions;
    while (select.executeStep()) {
        core::ProfileSessionSummary summary;
        summary.session = readSession(select);
        summary.deviceHost = select.getColumn(10).getString();
        summary.backend = select.getColumn(11).getString();
        summary.cellCount = select.getColumn(12).getInt64();
        summary.modelCount = select.getColumn(13).getInt64();
        sessions.push_back(std::move(summary));
    }
    return sessions;
}

namespace {

    // Columns 0..12 of a profile_cell row, as both cell queries select them.
    core::ProfileCellRecord readCell(SQLite::Statement& row)
    {
        core::ProfileCellRecord cell;
        cell.id = row.getColumn(0).getInt64();
        cell.sessionId = row.getColumn(1).getInt64();
        cell.modelId = row.getColumn(2).getInt64();
        cell.outputIndex = row.getColumn(3).getInt();
        cell.powerCapW = row.getColumn(4).getDouble();
        cell.latencyMedianMs = row.getColumn(5).getDouble();
        cell.latencyIqrMs = row.getColumn(6).getDouble();
        cell.latencyP95Ms = row.getColumn(7).getDouble();
        cell.powerW = row.getColumn(8).getDouble();
        cell.energyJ = row.getColumn(9).getDouble();
        cell.accuracy = row.getColumn(10).getDouble();
        cell.replicates = row.getColumn(11).getInt();
        cell.noisy = row.getColumn(12).getInt() != 0;
        return cell;
    }

    constexpr const char* kCellColumns = "c.id, c.session_id, c.model_id, c.output_index, c.power_cap_w, "
                                         "c.latency_median_ms, c.latency_iqr_ms, c.latency_p95_ms, c.power_w, "
                                         "c.energy_j, c.accuracy, c.replicates, c.noisy";

} // namespace

std::vector<core::ProfileCellRecord> ProfileRepository::cells(std::int64_t sessionId)
{
    SQLite::Statement select(m_store.database(),
        std::string("SELECT ") + kCellColumns
            + " FROM profile_cell AS c WHERE c.session_id = ? ORDER BY c.model_id, c.output_index, c.power_cap_w");
    select.bind(1, sessionId);
    std::vector<core::ProfileCellRecord> cells;
    while (select.executeStep())
        cells.push_back(readCell(select));
    return cells;
}

std::vector<core::ProfileCellWithModel> ProfileRepository::cellsWithModels(std::int64_t sessionId)
{
    SQLite::Statement select(m_store.database(),
        std::string("SELECT ") + kCellColumns
            + ", m.name, m.kind FROM profile_cell AS c LEFT JOIN model AS m ON m.id = c.model_id "
              "WHERE c.session_id = ? ORDER BY c.model_id, c.output_index, c.power_cap_w");
    select.bind(1, sessionId);
    std::vector<core::ProfileCellWithModel> cells;
    while (select.executeStep()) {
        core::ProfileCellWithModel detailed;
        detailed.cell = readCell(select);
        if (select.getColumn(13).isNull()) {
            detailed.modelName = "model#" + std::to_string(detailed.cell.modelId);
        } else {
            detailed.modelName = select.getColumn(13).getString();
            detailed.modelKind = core::modelKindFromString(select.getColumn(14).getString());
        }
        cells.push_back(std::move(detailed));
    }
    return cells;
}

// ---- RunRepository ------------------------------------------------------------------------

std::int64_t RunRepository::createRun(core::RunRecord& run)
{
    auto& db = m_store.database();
    fillUid(run.uid);
    fillNow(run.startedAt);
    SQLite::Statement insert(db,
        "INSERT INTO run (uid, device_id, profile_session_id, controller, goal_mode, "
        "deadline_ms, energy_budget_j, accuracy_goal, scenario, contention_spec, seed, "
        "input_count, started_at, finished_at, status, settings_json) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    insert.bind(1, run.uid);
    insert.bind(2, run.deviceId);
    bindOptionalId(insert, 3, run.profileSessionId);
    insert.bind(4, run.controller);
    insert.bind(5, run.goalMode);
    insert.bind(6, run.deadlineMs);
    insert.bind(7, run.energyBudgetJ);
    insert.bind(8, run.accuracyGoal);
    insert.bind(9, run.scenario);
    insert.bind(10, run.contentionSpec);
    insert.bind(11, seedToColumn(run.seed));
    insert.bind(12, run.inputCount);
    insert.bind(13, run.startedAt);
    insert.bind(14, run.finishedAt);
    insert.bind(15, core::toString(run.status));
    insert.bind(16, run.settingsJson.empty() ? std::string("{}") : run.settingsJson);
    insert.exec();
    run.id = db.getLastInsertRowid();
    return run.id;
}

void RunRepository::finishRun(std::int64_t runId, core::SessionStatus status, const std::string& finishedAt)
{
    finishRow(m_store.database(), m_store.path(), "run", runId, status, finishedAt);
}

std::optional<core::RunRecord> RunRepository::findRun(std::int64_t id)
{
    SQLite::Statement select(m_store.database(), std::string("SELECT ") + kRunColumns + " FROM run r WHERE r.id = ?");
    select.bind(1, id);
    if (!select.executeStep())
        return std::nullopt;
    return readRun(select);
}

std::vector<core::RunSummary> RunRepository::listRuns()
{
    // Step counts come from the run_step rowid: each count reads one contiguous
    // step_key range (see the schema), never a full scan.
    SQLite::Statement select(m_store.database(),
        std::string("SELECT ") + kRunColumns
            + ", d.host, d.backend, "
              "(SELECT count(*) FROM run_step s WHERE "
            + stepsOfRunSql("s.step_key", "r.id")
            + ") "
              "FROM run r JOIN device d ON d.id = r.device_id "
              "ORDER BY r.started_at DESC, r.id DESC");
    std::vector<core::RunSummary> runs;
    while (select.executeStep()) {
        core::RunSummary summary;
        summary.run = readRun(select);
        summary.deviceHost = select.getColumn(17).getString();
        summary.backend = select.getColumn(18).getString();
        summary.stepCount = select.getColumn(19).getInt64();
        runs.push_back(std::move(summary));
    }
    return runs;
}

std::vector<core::RunStepRecord> RunRepository::steps(std::int64_t runId)
{
    SQLite::Statement select(m_store.database(),
        "SELECT run_id, input_index, arrival_ms, model_id, output_reached, power_cap_w, "
        "latency_ms, energy_j, deadline_met, correct, xi_observed, xi_mean, xi_std, "
        "predicted_latency_ms, predicted_energy_j, predicted_accuracy "
        "FROM run_step WHERE "
            + stepsOfRunSql("step_key", "?1") + " ORDER BY step_key");
    select.bind(1, runId);
    std::vector<core::RunStepRecord> steps;
    while (select.executeStep()) {
        core::RunStepRecord step;
        step.runId = select.getColumn(0).getInt64();
        step.inputIndex = select.getColumn(1).getInt64();
        step.arrivalMs = select.getColumn(2).getDouble();
        step.modelId = select.getColumn(3).getInt64();
        step.outputReached = select.getColumn(4).getInt();
        step.powerCapW = select.getColumn(5).getDouble();
        step.latencyMs = select.getColumn(6).getDouble();
        step.energyJ = select.getColumn(7).getDouble();
        step.deadlineMet = select.getColumn(8).getInt() != 0;
        step.correct = select.getColumn(9).getInt() != 0;
        step.xiObserved = select.getColumn(10).getDouble();
        step.xiMean = select.getColumn(11).getDouble();
        step.xiStd = select.getColumn(12).getDouble();
        step.predictedLatencyMs = select.getColumn(13).getDouble();
        step.predictedEnergyJ = select.getColumn(14).getDouble();
        step.predictedAccuracy = select.getColumn(15).getDouble();
        steps.push_back(step);
    }
    return steps;
}

std::int64_t RunRepository::addEvent(core::RunEventRecord& event)
{
    auto& db = m_store.database();
    SQLite::Statement insert(db,
        "INSERT INTO run_event (run_id, input_index, time_ms, kind, detail) "
        "VALUES (?, ?, ?, ?, ?)");
    insert.bind(1, event.runId);
    insert.bind(2, event.inputIndex);
    insert.bind(3, event.timeMs);
    insert.bind(4, event.kind);
    insert.bind(5, event.detail);
    insert.exec();
    event.id = db.getLastInsertRowid();
    return event.id;
}

std::vector<core::RunEventRecord> RunRepository::events(std::int64_t runId)
{
    SQLite::Statement select(m_store.database(),
        "SELECT id, run_id, input_index, time_ms, kind, detail FROM run_event "
        "WHERE run_id = ? ORDER BY input_index, id");
    select.bind(1, runId);
    std::vector<core::RunEventRecord> events;
    while (select.executeStep()) {
        core::RunEventRecord event;
        event.id = select.getColumn(0).getInt64();
        event.runId = select.getColumn(1).getInt64();
        event.inputIndex = select.getColumn(2).getInt64();
        event.timeMs = select.getColumn(3).getDouble();
        event.kind = select.getColumn(4).getString();
        event.detail = select.getColumn(5).getString();
        events.push_back(std::move(event));
    }
    return events;
}

StoreSummary summarize(Store& store)
{
    auto& db = store.database();
    StoreSummary summary;
    summary.devices = countRows(db, "device");
    summary.models = countRows(db, "model");
    summary.profileSessions = countRows(db, "profile_session");
    summary.profileCells = countRows(db, "profile_cell");
    summary.runs = countRows(db, "run");
    summary.runSteps = countRows(db, "run_step");
    return summary;
}

} // namespace awb::db
