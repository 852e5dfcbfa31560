#include "database/comparison_export.h"

#include "database/store_error.h"
#include "database/table_writers.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <memory>
#include <nlohmann/json.hpp>
#include <sqlite3.h>

namespace awb::db {

namespace {

    const std::vector<ExportColumn>& comparisonColumns()
    {
        static const std::vector<ExportColumn> columns { { "environment", ColumnType::Text },
            { "controller", ColumnType::Text }, { "energy_per_input_j", ColumnType::Real },
            { "error_rate", ColumnType::Real }, { "energy_vs_static_oracle", ColumnType::OptionalReal },
            { "error_vs_static_oracle", ColumnType::OptionalReal }, { "energy_vs_oracle", ColumnType::OptionalReal },
            { "error_vs_oracle", ColumnType::OptionalReal }, { "deadline_miss_rate", ColumnType::Real },
            { "violation_rate", ColumnType::Real }, { "settings", ColumnType::Integer } };
        return columns;
    }

    Provenance comparisonProvenance(const ComparisonResult& result)
    {
        Provenance provenance;
        provenance.table = "comparison";
        provenance.scope = "profile session " + std::to_string(result.sessionId);
        provenance.alertwbVersion = AWB_VERSION;
        provenance.sqliteVersion = sqlite3_libversion();
        const core::DeviceRecord& device = result.device;
        provenance.devices.push_back(
            { device.host, device.cpuModel, device.gpuModel, device.backend, device.emulationJson });
        nlohmann::ordered_json environments = nlohmann::ordered_json::object();
        for (const EnvironmentReport& environment : result.environments)
            environments[environment.environment.name] = environment.traceDescription;
        auto& details = provenance.details;
        details.push_back({ "profile_session", std::to_string(result.sessionId), true });
        details.push_back({ "models", nlohmann::ordered_json(result.models).dump(), true });
        details.push_back({ "caps_w", nlohmann::ordered_json(result.capsW).dump(), true });
        details.push_back({ "goals", result.goals });
        details.push_back({ "settings_per_environment", std::to_string(result.settingsPerEnvironment), true });
        details.push_back({ "seed", std::to_string(result.seed), true });
        details.push_back({ "environments", environments.dump(), true });
        details.push_back({ "normalized_to", "static-oracle and oracle, per goal setting, then averaged" });
        return provenance;
    }

    void bindOptional(SQLite::Statement& statement, int index, const std::optional<double>& value)
    {
        if (value)
            statement.bind(index, *value);
        else
            statement.bind(index); // NULL
    }

} // namespace

std::vector<ComparisonRow> comparisonRows(const ComparisonResult& result)
{
    std::vector<ComparisonRow> rows;
    for (const EnvironmentReport& environment : result.environments) {
        for (const core::SummaryRow& summary : environment.report.summary)
            rows.push_back({ environment.environment.name, summary });
    }
    return rows;
}

void exportComparison(const ComparisonResult& result, ExportFormat format, std::ostream& out)
{
    // The rows go through a private in-memory table so that the writers, which read statements,
    // format them exactly as they format the store's own tables.
    try {
        SQLite::Database table(":memory:", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        table.exec("CREATE TABLE comparison (position INTEGER PRIMARY KEY, environment TEXT NOT NULL,"
                   " controller TEXT NOT NULL, energy_per_input_j REAL NOT NULL, error_rate REAL NOT NULL,"
                   " energy_vs_static_oracle REAL, error_vs_static_oracle REAL, energy_vs_oracle REAL,"
                   " error_vs_oracle REAL, deadline_miss_rate REAL NOT NULL, violation_rate REAL NOT NULL,"
                   " settings INTEGER NOT NULL)");
        SQLite::Statement insert(table,
            "INSERT INTO comparison (environment, controller, energy_per_input_j, error_rate,"
            " energy_vs_static_oracle, error_vs_static_oracle, energy_vs_oracle, error_vs_oracle,"
            " deadline_miss_rate, violation_rate, settings) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
        for (const ComparisonRow& row : comparisonRows(result)) {
            const core::SummaryRow& summary = row.summary;
            insert.bind(1, row.environment);
            insert.bind(2, summary.controller);
            insert.bind(3, summary.energyPerInputJ);
            insert.bind(4, summary.errorRate);
            bindOptional(insert, 5, summary.energyVsStaticOracle);
            bindOptional(insert, 6, summary.errorVsStaticOracle);
            bindOptional(insert, 7, summary.energyVsOracle);
            bindOptional(insert, 8, summary.errorVsOracle);
            insert.bind(9, summary.deadlineMissRate);
            insert.bind(10, summary.violationRate);
            insert.bind(11, summary.settings);
            insert.exec();
            insert.reset();
        }
        // The writers read a raw statement (SQLiteCpp keeps its handle private).
        sqlite3_stmt* raw = nullptr;
        if (sqlite3_prepare_v2(table.getHandle(),
                "SELECT environment, controller, energy_per_input_j, error_rate, energy_vs_static_oracle,"
                " error_vs_static_oracle, energy_vs_oracle, error_vs_oracle, deadline_miss_rate, violation_rate,"
                " settings FROM comparison ORDER BY position",
                -1, &raw, nullptr)
            != SQLITE_OK)
            throw StoreError(std::string("export of the comparison table failed: ") + sqlite3_errmsg(table.getHandle()));
        const std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> select(raw, sqlite3_finalize);
        auto writer = makeTableWriter(format, out);
        writer->begin(comparisonProvenance(result), comparisonColumns());
        while (sqlite3_step(select.get()) == SQLITE_ROW)
            writer->row(select.get());
        writer->end();
    } catch (const SQLite::Exception& error) {
        throw StoreError(std::string("export of the comparison table failed: ") + error.what());
    }
}

} // namespace awb::db
