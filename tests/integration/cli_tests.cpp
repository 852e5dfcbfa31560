// alertwb-cli as users and scripts call it: exit codes, one-line refusals, stdout holding only
// JSON with --json, and files left untouched when refused.
#include "database/repositories.h"
#include "database/run_step_writer.h"
#include "tests/integration/cli_runner.h"
#include "tests/support/temp_dir.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

using awb::test::readFile;
using awb::test::runCli;
using awb::test::TempDir;
using awb::test::writeFile;

namespace {

std::size_t lineCount(const std::string& text)
{
    return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

void execSql(const std::filesystem::path& file, const std::string& sql)
{
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
    sqlite3_close(db);
}

// A store with one emulated device, one model, one finished run of `steps` steps.
std::int64_t makeStoreWithRun(const std::filesystem::path& file, int steps)
{
    auto store = awb::db::Store::open(file);
    awb::core::DeviceRecord device;
    device.host = "bench-host";
    device.cpuModel = "Test CPU";
    device.backend = "emulated";
    device.createdAt = "2026-11-26T10:00:00Z";
    awb::db::DeviceRepository(store).upsert(device);
    awb::core::ModelRecord model;
    model.name = "cnn-small";
    model.source = "zoo";
    model.createdAt = "2026-11-26T10:00:00Z";
    model.outputs.push_back({ /*index=*/0, /*cumulativeMacs=*/1000, /*cumulativeParameters=*/100,
                              /*testAccuracy=*/0.8 });
    awb::db::ModelRepository(store).insert(model);
    awb::core::RunRecord run;
    run.deviceId = device.id;
    run.controller = "alert";
    run.goalMode = "max-accuracy";
    run.deadlineMs = 10;
    run.energyBudgetJ = 1;
    run.scenario = "single-stream";
    run.inputCount = steps;
    run.startedAt = "2026-11-26T10:01:00Z";
    awb::db::RunRepository(store).createRun(run);
    {
        awb::db::RunStepWriter writer(file);
        for (int i = 0; i < steps; ++i) {
            awb::core::RunStepRecord step;
            step.runId = run.id;
            step.inputIndex = i;
            step.arrivalMs = i * 10.0;
            step.modelId = model.id;
            step.latencyMs = 3.5;
            step.energyJ = 0.25;
            step.deadlineMet = true;
            step.correct = i % 3 != 0;
            step.xiObserved = 1.0;
            step.xiMean = 1.0;
            step.xiStd = 0.05;
            writer.append(step);
        }
        writer.close();
    }
    awb::db::RunRepository(store).finishRun(run.id, awb::core::SessionStatus::Complete, "2026-11-26T10:02:00Z");
    return run.id;
}

struct BadStoreCase {
    const char* name;
    const char* expectedPhrase;
};

void PrintTo(const BadStoreCase& badCase, std::ostream* out)
{
    *out << badCase.name;
}

class IntegrationCliBadStore : public ::testing::TestWithParam<BadStoreCase> {
protected:
    // Creates the bad file for the case and returns its path.
    std::filesystem::path prepare(const std::string& name)
    {
        const auto path = m_dir / "store.sqlite";
        if (name == "directory") {
            std::filesystem::create_directories(path);
        } else if (name == "random-bytes") {
            std::string bytes(8192, '\0');
            std::uint32_t state = 12345;
            for (auto& byte : bytes) {
                state = state * 1103515245u + 12345u;
                byte = static_cast<char>(state >> 24);
            }
            writeFile(path, bytes);
        } else if (name == "other-application") {
            execSql(path, "CREATE TABLE contacts (name TEXT, phone TEXT); INSERT INTO contacts VALUES ('a', '1');");
        } else if (name == "newer-schema") {
            makeStoreWithRun(path, 10);
            execSql(path, "PRAGMA user_version = 99;");
        } else if (name == "truncated") {
            makeStoreWithRun(path, 20'000);
            std::filesystem::resize_file(path, std::filesystem::file_size(path) / 2);
        }
        return path;
    }

    TempDir m_dir;
};

} // namespace

TEST_P(IntegrationCliBadStore, RefusedWithOneLineAndExitCode2AndFileUntouched)
{
    const auto path = prepare(GetParam().name);
    const bool isDirectory = std::filesystem::is_directory(path);
    const std::string before = isDirectory ? std::string() : readFile(path);
    for (const auto& command : std::vector<std::vector<std::string>> {
             { "summary" }, { "export", "--table", "runs", "--format", "csv" }, { "doctor" } }) {
        std::vector<std::string> args { "--db", path.string() };
        args.insert(args.end(), command.begin(), command.end());
        const auto result = runCli(args);
        EXPECT_EQ(result.exitCode, 2) << command[0] << ": " << result.err;
        const std::string lastLine = result.err.substr(result.err.rfind("alertwb-cli: "));
        EXPECT_EQ(lineCount(lastLine), 1u) << result.err;
        EXPECT_NE(lastLine.find(path.string()), std::string::npos) << lastLine;
        EXPECT_NE(lastLine.find(GetParam().expectedPhrase), std::string::npos) << lastLine;
        if (command[0] != "doctor") {
            EXPECT_EQ(lineCount(result.err), 1u) << result.err;
        }
    }
    if (!isDirectory) {
        EXPECT_EQ(readFile(path), before) << "refused store was modified";
    }
    EXPECT_FALSE(std::filesystem::exists(path.string() + "-wal"));
    EXPECT_FALSE(std::filesystem::exists(path.string() + "-shm"));
}

INSTANTIATE_TEST_SUITE_P(, IntegrationCliBadStore,
                         ::testing::Values(BadStoreCase { "directory", "directory" },
                                           BadStoreCase { "random-bytes", "not an SQLite" },
                                           BadStoreCase { "other-application", "another application" },
                                           BadStoreCase { "newer-schema", "newer" },
                                           BadStoreCase { "truncated", "truncated" }),
                         [](const auto& info) {
                             std::string name = info.param.name;
                             std::replace(name.begin(), name.end(), '-', '_');
                             return name;
                         });

TEST(IntegrationCli, DoctorJsonIsOneDocumentAndDoesNotCreateTheStore)
{
    TempDir dir;
    const auto store = dir / "workbench.sqlite";
    const auto result = runCli({ "doctor", "--json", "--db", store.string() },
                               { "ALERTWB_POWERCAP_ROOT=" + (dir / "powercap").string(),
                                 "ALERTWB_NVML_LIBRARY=libnvidia-ml-absent.so.1",
                                 "ALERTWB_POWERD_SOCKET=" + (dir / "powerd.sock").string() });
    ASSERT_EQ(result.exitCode, 0) << result.err;
    const auto json = nlohmann::json::parse(result.out); // throws (fails) on anything but one document
    // Neither route can set caps, and doctor says why for both.
    EXPECT_EQ(json["power_route"]["kind"], "none");
    const auto routeReason = json["power_route"]["reason"].get<std::string>();
    EXPECT_EQ(routeReason.find("rapl: RAPL unavailable: powercap root " + (dir / "powercap").string()), 0u)
        << routeReason;
    EXPECT_NE(routeReason.find("; alertwb-powerd: "), std::string::npos) << routeReason;
    EXPECT_EQ(json["store"]["path"], store.string());
    EXPECT_FALSE(json["store"]["exists"].get<bool>());
    ASSERT_EQ(json["power_backends"].size(), 3u);
    EXPECT_EQ(json["power_backends"][0]["name"], "rapl");
    EXPECT_NE(json["power_backends"][0]["reason"].get<std::string>().find((dir / "powercap").string()),
              std::string::npos);
    EXPECT_EQ(json["power_backends"][1]["name"], "nvml");
    EXPECT_NE(json["power_backends"][1]["reason"].get<std::string>().find("libnvidia-ml-absent.so.1 not found"),
              std::string::npos);
    EXPECT_TRUE(json["power_backends"][2]["emulated"].get<bool>());
    EXPECT_FALSE(json["torch"]["version"].get<std::string>().empty());
    EXPECT_FALSE(std::filesystem::exists(store)) << "doctor must not create the store";
}

TEST(IntegrationCli, DbOptionWorksBeforeAndAfterTheSubcommand)
{
    TempDir dir;
    const auto store = dir / "s.sqlite";
    makeStoreWithRun(store, 5);
    const auto before = runCli({ "--db", store.string(), "summary", "--json" });
    const auto after = runCli({ "summary", "--json", "--db", store.string() });
    ASSERT_EQ(before.exitCode, 0) << before.err;
    ASSERT_EQ(after.exitCode, 0) << after.err;
    EXPECT_EQ(before.out, after.out);
    const auto json = nlohmann::json::parse(before.out);
    EXPECT_EQ(json["counts"]["runs"], 1);
    EXPECT_EQ(json["counts"]["run_steps"], 5);
    EXPECT_EQ(json["runs"][0]["steps"], 5);
    EXPECT_EQ(json["runs"][0]["backend"], "emulated");
}

TEST(IntegrationCli, ExportStepsToFileHasTheContractColumns)
{
    TempDir dir;
    const auto store = dir / "s.sqlite";
    const auto runId = makeStoreWithRun(store, 3);
    const auto out = dir / "steps.csv";
    const auto result = runCli(
        { "--db", store.string(), "export", "--table", "steps", "--run", std::to_string(runId), "--format", "csv",
          "-o", out.string() });
    ASSERT_EQ(result.exitCode, 0) << result.err;
    const std::string csv = readFile(out);
    EXPECT_NE(csv.find("input_index,arrival_ms,model,output_reached,power_cap_w,latency_ms,energy_j,deadline_met,"
                       "correct,xi_observed,xi_mean,xi_std,predicted_latency_ms,predicted_energy_j,"
                       "predicted_accuracy\r\n"),
              std::string::npos)
        << csv;
    EXPECT_NE(csv.find("emulated"), std::string::npos) << "provenance must say the numbers are emulated";
}

TEST(IntegrationCli, RefusedExportLeavesTheOutputFileUntouched)
{
    TempDir dir;
    const auto store = dir / "s.sqlite";
    makeStoreWithRun(store, 3);
    const auto out = dir / "steps.csv";
    writeFile(out, "previous export\n");
    const auto result = runCli(
        { "--db", store.string(), "export", "--table", "steps", "--run", "999", "--format", "csv", "-o", out.string() });
    EXPECT_EQ(result.exitCode, 2);
    EXPECT_EQ(lineCount(result.err), 1u) << result.err;
    EXPECT_NE(result.err.find("999"), std::string::npos) << result.err;
    EXPECT_EQ(readFile(out), "previous export\n");
    EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()), {}), 2) << "temporary file left behind";
}

TEST(IntegrationCli, BadArgumentsExitWith2AndOneLine)
{
    for (const auto& args : std::vector<std::vector<std::string>> {
             { "no-such-command" }, { "export", "--table", "bogus", "--format", "csv" }, { "export" } }) {
        const auto result = runCli(args);
        EXPECT_EQ(result.exitCode, 2) << args[0];
        EXPECT_EQ(lineCount(result.err), 1u) << result.err;
        EXPECT_EQ(result.out, "");
    }
}

TEST(IntegrationCli, MergeTwiceAddsNothingTheSecondTime)
{
    TempDir dir;
    const auto target = dir / "target.sqlite";
    const auto other = dir / "other.sqlite";
    makeStoreWithRun(target, 4);
    makeStoreWithRun(other, 6);
    const std::string otherBefore = readFile(other);

    const auto first = runCli({ "--db", target.string(), "merge", other.string(), "--json" });
    ASSERT_EQ(first.exitCode, 0) << first.err;
    EXPECT_EQ(nlohmann::json::parse(first.out)["merged"][0]["runs"], 1);
    const auto second = runCli({ "--db", target.string(), "merge", other.string(), "--json" });
    ASSERT_EQ(second.exitCode, 0) << second.err;
    EXPECT_EQ(nlohmann::json::parse(second.out)["merged"][0]["runs"], 0);
    EXPECT_EQ(nlohmann::json::parse(second.out)["merged"][0]["run_steps"], 0);

    const auto summary = nlohmann::json::parse(runCli({ "--db", target.string(), "summary", "--json" }).out);
    EXPECT_EQ(summary["counts"]["runs"], 2);
    EXPECT_EQ(summary["counts"]["run_steps"], 10);
    EXPECT_EQ(readFile(other), otherBefore) << "merge must not modify its source";
}

TEST(IntegrationCli, MergeRefusesABadSourceAndChangesNothing)
{
    TempDir dir;
    const auto target = dir / "target.sqlite";
    makeStoreWithRun(target, 4);
    const auto bogus = dir / "bogus.sqlite";
    writeFile(bogus, "this is not a database at all, just some text that is long enough");
    const auto result = runCli({ "--db", target.string(), "merge", bogus.string() });
    EXPECT_EQ(result.exitCode, 2);
    EXPECT_EQ(lineCount(result.err), 1u) << result.err;
    EXPECT_NE(result.err.find(bogus.string()), std::string::npos) << result.err;
    const auto summary = nlohmann::json::parse(runCli({ "--db", target.string(), "summary", "--json" }).out);
    EXPECT_EQ(summary["counts"]["runs"], 1);
}

// Permission bits do not stop root, so as root the CLI runs as nobody (setpriv, util-linux).
TEST(IntegrationCli, UnreadableStoreIsRefusedAndUntouched)
{
    TempDir dir;
    const auto store = dir / "s.sqlite";
    makeStoreWithRun(store, 5);
    chmod(store.c_str(), 0000);
    const std::string before = readFile(store); // root reads it anyway; as a user this is empty
    std::vector<std::string> args { "--db", store.string(), "summary" };
    awb::test::CliResult result;
    if (geteuid() == 0) {
        std::vector<std::string> wrapped { "--reuid=65534", "--regid=65534", "--clear-groups", AWB_CLI_PATH };
        wrapped.insert(wrapped.end(), args.begin(), args.end());
        result = awb::test::runProgram("/usr/bin/setpriv", wrapped);
    } else {
        result = runCli(args);
    }
    EXPECT_EQ(result.exitCode, 2) << result.err;
    EXPECT_EQ(lineCount(result.err), 1u) << result.err;
    EXPECT_NE(result.err.find(store.string()), std::string::npos) << result.err;
    EXPECT_NE(result.err.find("ermission denied"), std::string::npos) << result.err;
    chmod(store.c_str(), 0644);
    if (geteuid() == 0) {
        EXPECT_EQ(readFile(store), before);
    }
    EXPECT_FALSE(std::filesystem::exists(store.string() + "-wal"));
}
