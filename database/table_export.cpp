#include "database/table_export.h"

#include "database/run_step_key.h"
#include "database/table_writers.h"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Exception.h>
#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>
#include <algorithm>
#include <sqlite3.h>
#include <vector>

namespace awb::db {

namespace {

    // What one table reads: its columns (names carry units) and the statement producing them,
    // with the table's filter bound to ?1 (NULL for no filter). Rows come out in a fixed order
    // so that exports are reproducible.
    struct TableQuery {
        std::vector<ExportColumn> columns;
        std::string sql;
    };

    const TableQuery& profilesQuery()
    {
        static const TableQuery query {
            {
                { "session_id", ColumnType::Integer },
                { "device", ColumnType::Text },
                { "backend", ColumnType::Text },
                { "model", ColumnType::Text },
                { "model_kind", ColumnType::Text },
                { "output_index", ColumnType::Integer },
                { "power_cap_w", ColumnType::Real },
                { "latency_median_ms", ColumnType::Real },
                { "latency_iqr_ms", ColumnType::Real },
                { "latency_p95_ms", ColumnType::Real },
                { "power_w", ColumnType::Real },
                { "energy_j", ColumnType::Real },
                { "accuracy", ColumnType::Real },
                { "replicates", ColumnType::Integer },
                { "noisy", ColumnType::Boolean },
            },
            "SELECT c.session_id, d.host, d.backend, m.name, m.kind, c.output_index, c.power_cap_w,"
            " c.latency_median_ms, c.latency_iqr_ms, c.latency_p95_ms, c.power_w, c.energy_j, c.accuracy,"
            " c.replicates, c.noisy"
            " FROM profile_cell c"
            " JOIN profile_session s ON s.id = c.session_id"
            " JOIN device d ON d.id = s.device_id"
            " JOIN model m ON m.id = c.model_id"
            " WHERE ?1 IS NULL OR c.session_id = ?1"
            " ORDER BY c.session_id, m.name, m.id, c.output_index, c.power_cap_w, c.id",
        };
        return query;
    }

    const TableQuery& runsQuery()
    {
        static const TableQuery query {
            {
                { "run_id", ColumnType::Integer },
                { "controller", ColumnType::Text },
                { "goal_mode", ColumnType::Text },
                { "deadline_ms", ColumnType::Real },
                { "energy_budget_j", ColumnType::Real },
                { "accuracy_goal", ColumnType::Real },
                { "scenario", ColumnType::Text },
                { "contention_spec", ColumnType::Text },
                { "seed", ColumnType::Unsigned },
                { "input_count", ColumnType::Integer },
                { "step_count", ColumnType::Integer },
                { "status", ColumnType::Text },
                { "started_at", ColumnType::Text },
                { "finished_at", ColumnType::Text },
                { "device", ColumnType::Text },
                { "backend", ColumnType::Text },
            },
            "SELECT r.id, r.controller, r.goal_mode, r.deadline_ms, r.energy_budget_j, r.accuracy_goal,"
            " r.scenario, r.contention_spec, r.seed, r.input_count,"
            " (SELECT COUNT(*) FROM run_step s WHERE "
                + detail::stepsOfRunSql("s.step_key", "r.id")
                + "),"
                  " r.status, r.started_at, r.finished_at, d.host, d.backend"
                  " FROM run r JOIN device d ON d.id = r.device_id"
                  " WHERE ?1 IS NULL OR r.id = ?1"
                  " ORDER BY r.id",
        };
        return query;
    }

    const TableQuery& stepsQuery()
    {
        // CROSS JOIN keeps run_step as the outer loop: one contiguous step_key range read in
        // input order, with a model lookup by primary key per row.
        static const TableQuery query {
            {
                { "input_index", ColumnType::Integer },
                { "arrival_ms", ColumnType::Real },
                { "model", ColumnType::Text },
                { "output_reached", ColumnType::Integer },
                { "power_cap_w", ColumnType::Real },
                { "latency_ms", ColumnType::Real },
                { "energy_j", ColumnType::Real },
                { "deadline_met", ColumnType::Boolean },
                { "correct", ColumnType::Boolean },
                { "xi_observed", ColumnType::Real },
                { "xi_mean", ColumnType::Real },
                { "xi_std", ColumnType::Real },
                { "predicted_latency_ms", ColumnType::Real },
                { "predicted_energy_j", ColumnType::Real },
                { "predicted_accuracy", ColumnType::Real },
            },
            "SELECT s.input_index, s.arrival_ms, m.name, s.output_reached, s.power_cap_w, s.latency_ms,"
            " s.energy_j, s.deadline_met, s.correct, s.xi_observed, s.xi_mean, s.xi_std,"
            " s.predicted_latency_ms, s.predicted_energy_j, s.predicted_accuracy"
            " FROM run_step s CROSS JOIN model m ON m.id = s.model_id"
            " WHERE "
                + detail::stepsOfRunSql("s.step_key", "?1") + " ORDER BY s.step_key",
        };
        return query;
    }

    const TableQuery& tableQuery(ExportTable table)
    {
        switch (table) {
        case ExportTable::Profiles:
            return profilesQuery();
        case ExportTable::Runs:
            return runsQuery();
        case ExportTable::Steps:
            return stepsQuery();
        }
        throw StoreError("unknown export table");
    }

    const char* tableName(ExportTable table)
    {
        switch (table) {
        case ExportTable::Profiles:
            return "profiles";
        case ExportTable::Runs:
            return "runs";
        case ExportTable::Steps:
            return "steps";
        }
        return "unknown";
    }

    // User text quoted in a one-line error message.
    std::string quoted(const std::string& text)
    {
        std::string result = "'" + text + "'";
        std::replace_if(
            result.begin(), result.end(), [](char c) { return c == '\r' || c == '\n'; }, ' ');
        return result;
    }

    void bindFilter(SQLite::Statement& statement, std::optional<std::int64_t> filter)
    {
        if (filter)
            statement.bind(1, *filter);
        else
            statement.bind(1);
    }

    // The row loop talks to SQLite directly (SQLiteCpp does not expose its statement handle),
    // so that the writers read each column straight from the statement without wrappers.
    class RowStatement {
    public:
        RowStatement(SQLite::Database& db, const char* sql, std::optional<std::int64_t> filter)
            : m_db(db)
        {
            check(sqlite3_prepare_v2(db.getHandle(), sql, -1, &m_statement, nullptr));
            check(filter ? sqlite3_bind_int64(m_statement, 1, *filter) : sqlite3_bind_null(m_statement, 1));
        }
        ~RowStatement() { sqlite3_finalize(m_statement); }
        RowStatement(const RowStatement&) = delete;
        RowStatement& operator=(const RowStatement&) = delete;

        bool step()
        {
            const int result = sqlite3_step(m_statement);
            if (result == SQLITE_ROW)
                return true;
            if (result != SQLITE_DONE)
                check(result);
            return false;
        }

        sqlite3_stmt* handle() const { return m_statement; }

    private:
        void check(int result) const
        {
            if (result != SQLITE_OK)
                throw SQLite::Exception(m_db.getHandle(), result);
        }

        SQLite::Database& m_db;
        sqlite3_stmt* m_statement = nullptr;
    };

    std::vector<std::int64_t> selectIds(SQLite::Database& db, const char* sql, std::optional<std::int64_t> filter)
    {
        SQLite::Statement statement(db, sql);
        bindFilter(statement, filter);
        std::vector<std::int64_t> ids;
        while (statement.executeStep())
            ids.push_back(statement.getColumn(0).getInt64());
        return ids;
    }

    // The devices behind the exported rows, in id order; `ownerSql` selects the device ids.
    std::vector<ProvenanceDevice> selectDevices(
        SQLite::Database& db, const std::string& ownerSql, std::optional<std::int64_t> filter)
    {
        SQLite::Statement statement(db,
            "SELECT host, cpu_model, gpu_model, backend, emulation_json FROM device"
            " WHERE id IN ("
                + ownerSql + ") ORDER BY id");
        bindFilter(statement, filter);
        std::vector<ProvenanceDevice> devices;
        while (statement.executeStep()) {
            devices.push_back({ statement.getColumn(0).getString(), statement.getColumn(1).getString(),
                statement.getColumn(2).getString(), statement.getColumn(3).getString(),
                statement.getColumn(4).getString() });
        }
        return devices;
    }

    std::string seedText(std::int64_t stored) { return std::to_string(static_cast<std::uint64_t>(stored)); }

    Provenance baseProvenance(ExportTable table)
    {
        Provenance provenance;
        provenance.table = tableName(table);
        provenance.alertwbVersion = AWB_VERSION;
        provenance.sqliteVersion = sqlite3_libversion();
        return provenance;
    }

    Provenance profilesProvenance(Store& store, std::optional<std::int64_t> sessionId)
    {
        auto& db = store.database();
        // Without a filter: the sessions that have cells.
        const std::string sessionsWhere
            = " WHERE (?1 IS NULL AND id IN (SELECT session_id FROM profile_cell)) OR id = ?1";
        const auto ids
            = selectIds(db, ("SELECT id FROM profile_session" + sessionsWhere + " ORDER BY id").c_str(), sessionId);
        if (sessionId && ids.empty())
            throw StoreError(
                "profile session " + std::to_string(*sessionId) + " does not exist in " + store.path().string());

        Provenance provenance = baseProvenance(ExportTable::Profiles);
        provenance.scope = sessionId ? "session " + std::to_string(*sessionId) : "all sessions";
        provenance.devices = selectDevices(db, "SELECT device_id FROM profile_session" + sessionsWhere, sessionId);
        if (ids.size() != 1)
            return provenance;

        SQLite::Statement statement(db,
            "SELECT s.uid, s.status, s.started_at, s.finished_at, s.seed, s.settings_json,"
            " s.versions_json, coalesce(ds.name || ' (' || ds.split || ')', '')"
            " FROM profile_session s LEFT JOIN dataset ds ON ds.id = s.dataset_id"
            " WHERE s.id = ?1");
        statement.bind(1, ids.front());
        if (!statement.executeStep())
            return provenance;
        auto& details = provenance.details;
        details.push_back({ "session_id", std::to_string(ids.front()), true });
        details.push_back({ "session_uid", statement.getColumn(0).getString() });
        details.push_back({ "status", statement.getColumn(1).getString() });
        details.push_back({ "started_at", statement.getColumn(2).getString() });
        details.push_back({ "finished_at", statement.getColumn(3).getString() });
        if (const auto dataset = statement.getColumn(7).getString(); !dataset.empty())
            details.push_back({ "dataset", dataset });
        details.push_back({ "seed", seedText(statement.getColumn(4).getInt64()), true });
        details.push_back({ "settings_json", statement.getColumn(5).getString(), true });
        details.push_back({ "versions_json", statement.getColumn(6).getString(), true });
        std::erase_if(details, [](const auto& detail) { return detail.value.empty(); }); // e.g. not finished
        return provenance;
    }

    // Runs and steps: the run(s) exported, their devices, and for a single run its settings
    // and those of the profile session its controller used.
    Provenance runsProvenance(Store& store, ExportTable table, std::optional<std::int64_t> runId)
    {
        auto& db = store.database();
        const char* runsSql = "SELECT id FROM run WHERE ?1 IS NULL OR id = ?1 ORDER BY id";
        const auto ids = selectIds(db, runsSql, runId);
        if (runId && ids.empty())
            throw StoreError("run " + std::to_string(*runId) + " does not exist in " + store.path().string());

        Provenance provenance = baseProvenance(table);
        provenance.scope = runId ? "run " + std::to_string(*runId) : "all runs";
        provenance.devices = selectDevices(db, "SELECT device_id FROM run WHERE ?1 IS NULL OR id = ?1", runId);
        if (ids.size() != 1)
            return provenance;

        SQLite::Statement statement(db,
            "SELECT r.uid, r.controller, r.goal_mode, r.status, r.started_at, r.finished_at,"
            " r.seed, r.settings_json, r.profile_session_id, s.versions_json"
            " FROM run r LEFT JOIN profile_session s ON s.id = r.profile_session_id"
            " WHERE r.id = ?1");
        statement.bind(1, ids.front());
        if (!statement.executeStep())
            return provenance;
        auto& details = provenance.details;
        details.push_back({ "run_id", std::to_string(ids.front()), true });
        details.push_back({ "run_uid", statement.getColumn(0).getString() });
        details.push_back({ "controller", statement.getColumn(1).getString() });
        details.push_back({ "goal_mode", statement.getColumn(2).getString() });
        details.push_back({ "status", statement.getColumn(3).getString() });
        details.push_back({ "started_at", statement.getColumn(4).getString() });
        details.push_back({ "finished_at", statement.getColumn(5).getString() });
        details.push_back({ "seed", seedText(statement.getColumn(6).getInt64()), true });
        details.push_back({ "settings_json", statement.getColumn(7).getString(), true });
        if (!statement.getColumn(8).isNull()) {
            details.push_back({ "profile_session_id", std::to_string(statement.getColumn(8).getInt64()), true });
            details.push_back({ "profile_versions_json", statement.getColumn(9).getString(), true });
        }
        std::erase_if(details, [](const auto& detail) { return detail.value.empty(); }); // e.g. not finished
        return provenance;
    }

    void checkFilters(const ExportRequest& request)
    {
        const bool runTable = request.table == ExportTable::Runs || request.table == ExportTable::Steps;
        if (request.table == ExportTable::Steps && !request.runId)
            throw StoreError("exporting the steps table needs a run id (--run ID); list runs with --table runs");
        if (!runTable && request.runId)
            throw StoreError("a run id applies to the runs and steps tables, not to the profiles table");
        if (runTable && request.sessionId)
            throw StoreError(std::string("a session id applies to the profiles table, not to the ")
                + tableName(request.table) + " table");
    }

} // namespace

ExportTable exportTableFromString(const std::string& text)
{
    if (text == "profiles")
        return ExportTable::Profiles;
    if (text == "runs")
        return ExportTable::Runs;
    if (text == "steps")
        return ExportTable::Steps;
    throw StoreError("unknown table " + quoted(text) + " (expected profiles, runs or steps)");
}

ExportFormat exportFormatFromString(const std::string& text)
{
    if (text == "csv")
        return ExportFormat::Csv;
    if (text == "json")
        return ExportFormat::Json;
    if (text == "md" || text == "markdown")
        return ExportFormat::Markdown;
    if (text == "latex" || text == "tex")
        return ExportFormat::Latex;
    throw StoreError("unknown format " + quoted(text) + " (expected csv, json, md or latex)");
}

void exportTable(Store& store, const ExportRequest& request, std::ostream& out)
{
    checkFilters(request);
    try {
        auto& db = store.database();
        // One read transaction: provenance and rows come from the same snapshot even while a
        // RunStepWriter appends to the store from another connection.
        SQLite::Transaction snapshot(db);
        const bool runTable = request.table != ExportTable::Profiles;
        const Provenance provenance = runTable ? runsProvenance(store, request.table, request.runId)
                                               : profilesProvenance(store, request.sessionId);
        const TableQuery& query = tableQuery(request.table);
        RowStatement statement(db, query.sql.c_str(), runTable ? request.runId : request.sessionId);

        auto writer = makeTableWriter(request.format, out);
        writer->begin(provenance, query.columns);
        while (statement.step())
            writer->row(statement.handle());
        writer->end();
        snapshot.commit();
    } catch (const SQLite::Exception& error) {
        throw StoreError("export of the " + std::string(tableName(request.table)) + " table from "
            + store.path().string() + " failed: " + error.what());
    }
}

} // namespace awb::db
