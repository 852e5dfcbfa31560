#include "database/store_merge.h"

#include "database/run_step_key.h"
#include "database/store_error.h"
#include "database/store_internal.h"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Exception.h>
#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>
#include <string>

namespace fs = std::filesystem;

namespace awb::db {

namespace {

    // Schema name of the attached source store, and prefix of the temporary id maps.
    constexpr const char* kSource = "awb_merge_source";

    [[noreturn]] void refuseMerge(const Store& target, const fs::path& other, const std::string& reason)
    {
        throw StoreError("cannot merge store " + detail::quotedPath(other) + " into "
            + detail::quotedPath(target.path()) + ": " + reason);
    }

    // Detaches the source store however the merge ends (after the transaction is gone).
    class AttachedSource {
    public:
        AttachedSource(SQLite::Database& db, const std::string& uri)
            : m_db(db)
        {
            SQLite::Statement attach(db, std::string("ATTACH DATABASE ? AS ") + kSource);
            attach.bind(1, uri);
            attach.exec();
        }
        ~AttachedSource()
        {
            try {
                m_db.exec(std::string("DETACH DATABASE ") + kSource);
            } catch (const SQLite::Exception&) {
                // Only fails while a statement on it is still open; the connection closes it later.
            }
        }
        AttachedSource(const AttachedSource&) = delete;
        AttachedSource& operator=(const AttachedSource&) = delete;

    private:
        SQLite::Database& m_db;
    };

    // Runs one statement of the merge; `src.` in it names the attached source store.
    std::int64_t run(SQLite::Database& db, std::string sql)
    {
        const std::string schema = kSource;
        for (std::size_t at = sql.find("src."); at != std::string::npos; at = sql.find("src.", at + schema.size()))
            sql.replace(at, 3, schema);
        return db.exec(sql);
    }

    // For a table whose rows carry a uid: records which source ids are new to the target
    // (temp.new_<table>), copies those rows with `columns` taken from `select`, then maps every
    // source id to its target id by uid (temp.map_<table>). Returns the rows copied.
    std::int64_t copyByUid(SQLite::Database& db, const std::string& table, const std::string& columns,
        const std::string& select, const std::string& joins = "")
    {
        run(db, "CREATE TEMP TABLE new_" + table + " (old_id INTEGER PRIMARY KEY)");
        run(db, "CREATE TEMP TABLE map_" + table + " (old_id INTEGER PRIMARY KEY, new_id INTEGER NOT NULL)");
        run(db,
            "INSERT INTO temp.new_" + table + " SELECT o.id FROM src." + table
                + " o WHERE NOT EXISTS "
                  "(SELECT 1 FROM main."
                + table + " m WHERE m.uid = o.uid)");
        const std::int64_t copied = run(db,
            "INSERT INTO main." + table + " (" + columns + ") SELECT " + select + " FROM src." + table + " o " + joins
                + " WHERE o.id IN (SELECT old_id FROM temp.new_" + table + ") ORDER BY o.id");
        run(db,
            "INSERT INTO temp.map_" + table + " SELECT o.id, m.id FROM src." + table + " o JOIN main." + table
                + " m ON m.uid = o.uid");
        return copied;
    }

    MergeReport copyEverything(SQLite::Database& db)
    {
        MergeReport report;
        report.devices = copyByUid(db, "device", "uid, host, cpu_model, gpu_model, backend, emulation_json, created_at",
            "o.uid, o.host, o.cpu_model, o.gpu_model, o.backend, o.emulation_json, o.created_at");
        report.datasets = copyByUid(db, "dataset", "uid, name, split, sample_count, source",
            "o.uid, o.name, o.split, o.sample_count, o.source");

        report.models = copyByUid(db, "model",
            "uid, name, kind, source, file_path, file_sha256, input_shape, parameters, created_at",
            "o.uid, o.name, o.kind, o.source, o.file_path, o.file_sha256, o.input_shape, "
            "o.parameters, o.created_at");
        run(db,
            "INSERT INTO main.model_output SELECT mm.new_id, o.output_index, o.cumulative_macs, "
            "o.cumulative_parameters, o.test_accuracy FROM src.model_output o "
            "JOIN temp.map_model mm ON mm.old_id = o.model_id "
            "WHERE o.model_id IN (SELECT old_id FROM temp.new_model)");
        // Correctness may be new for a model both stores share; the target's own rows win, and
        // only outputs the target knows are referenced.
        run(db,
            "INSERT OR IGNORE INTO main.input_correctness SELECT mm.new_id, o.output_index, dm.new_id, "
            "o.input_count, o.correct_bits FROM src.input_correctness o "
            "JOIN temp.map_model mm ON mm.old_id = o.model_id "
            "JOIN temp.map_dataset dm ON dm.old_id = o.dataset_id "
            "WHERE EXISTS (SELECT 1 FROM main.model_output t "
            "WHERE t.model_id = mm.new_id AND t.output_index = o.output_index)");

        report.profileSessions = copyByUid(db, "profile_session",
            "uid, device_id, dataset_id, started_at, finished_at, status, seed, settings_json, versions_json",
            "o.uid, dv.new_id, ds.new_id, o.started_at, o.finished_at, o.status, o.seed, o.settings_json, "
            "o.versions_json",
            "JOIN temp.map_device dv ON dv.old_id = o.device_id "
            "LEFT JOIN temp.map_dataset ds ON ds.old_id = o.dataset_id");
        run(db,
            "INSERT INTO main.profile_cell (session_id, model_id, output_index, power_cap_w, latency_median_ms, "
            "latency_iqr_ms, latency_p95_ms, power_w, energy_j, accuracy, replicates, noisy) "
            "SELECT sm.new_id, mm.new_id, o.output_index, o.power_cap_w, o.latency_median_ms, o.latency_iqr_ms, "
            "o.latency_p95_ms, o.power_w, o.energy_j, o.accuracy, o.replicates, o.noisy "
            "FROM src.profile_cell o JOIN temp.map_profile_session sm ON sm.old_id = o.session_id "
            "JOIN temp.map_model mm ON mm.old_id = o.model_id "
            "WHERE o.session_id IN (SELECT old_id FROM temp.new_profile_session) ORDER BY o.id");

        report.runs = copyByUid(db, "run",
            "uid, device_id, profile_session_id, controller, goal_mode, deadline_ms, energy_budget_j, "
            "accuracy_goal, scenario, contention_spec, seed, input_count, started_at, finished_at, status, "
            "settings_json",
            "o.uid, dv.new_id, sm.new_id, o.controller, o.goal_mode, o.deadline_ms, o.energy_budget_j, "
            "o.accuracy_goal, o.scenario, o.contention_spec, o.seed, o.input_count, o.started_at, o.finished_at, "
            "o.status, o.settings_json",
            "JOIN temp.map_device dv ON dv.old_id = o.device_id "
            "LEFT JOIN temp.map_profile_session sm ON sm.old_id = o.profile_session_id");
        // Ordered by the target key so the clustered run_step table is appended to, not split.
        // New run ids were handed out in source-id order, so (n.old_id, o.input_index) is that
        // order; CROSS JOIN fixes the join order (temp tables have no statistics) so that each new
        // run's steps are read as one primary-key range, already sorted, with no sort pass.
        report.runSteps = run(db,
            "INSERT INTO main.run_step SELECT " + detail::stepKeySql("rm.new_id", "o.input_index")
                + ", rm.new_id, o.input_index, o.arrival_ms, mm.new_id, o.output_reached, "
                  "o.power_cap_w, o.latency_ms, o.energy_j, o.deadline_met, o.correct, o.xi_observed, o.xi_mean, "
                  "o.xi_std, o.predicted_latency_ms, o.predicted_energy_j, o.predicted_accuracy "
                  "FROM temp.new_run n CROSS JOIN src.run_step o "
                  "ON "
                + detail::stepsOfRunSql("o.step_key", "n.old_id")
                + " "
                  "CROSS JOIN temp.map_run rm ON rm.old_id = o.run_id CROSS JOIN temp.map_model mm ON mm.old_id = "
                  "o.model_id "
                  "ORDER BY n.old_id, o.step_key");
        run(db,
            "INSERT INTO main.run_event (run_id, input_index, time_ms, kind, detail) "
            "SELECT rm.new_id, o.input_index, o.time_ms, o.kind, o.detail FROM src.run_event o "
            "JOIN temp.map_run rm ON rm.old_id = o.run_id "
            "WHERE o.run_id IN (SELECT old_id FROM temp.new_run) ORDER BY o.id");

        for (const char* table : { "device", "dataset", "model", "profile_session", "run" })
            run(db, std::string("DROP TABLE temp.new_") + table + "; DROP TABLE temp.map_" + table);
        return report;
    }

} // namespace

MergeReport mergeStore(Store& target, const fs::path& other)
{
    std::error_code sameError;
    if (fs::equivalent(target.path(), other, sameError))
        refuseMerge(target, other, "it is the same file");
    const StoreInspection inspection = Store::inspect(other);
    if (!inspection.exists)
        refuseMerge(target, other, "no such file");
    if (inspection.empty)
        return {}; // a new or blank store has nothing to bring
    if (inspection.schemaVersion != kSchemaVersion)
        refuseMerge(target, other,
            "it uses schema " + std::to_string(inspection.schemaVersion) + " and this build merges schema "
                + std::to_string(kSchemaVersion) + "; open it once with this build to upgrade it");

    auto& db = target.database();
    try {
        const detail::SideFileGuard sideFiles(other);
        const AttachedSource source(db, detail::readOnlyUri(other));
        SQLite::Transaction transaction(db, SQLite::TransactionBehavior::IMMEDIATE);
        const MergeReport report = copyEverything(db);
        transaction.commit();
        return report;
    } catch (const SQLite::Exception& error) {
        refuseMerge(target, other, error.what());
    }
}

} // namespace awb::db
