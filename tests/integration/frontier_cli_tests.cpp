// `alertwb-cli frontier` on stores built through the repositories: which session it reads, the
// three frontiers it prints (worked out by hand below), the emulated label and its refusals.
#include "database/repositories.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/integration/cli_runner.h"
#include "tests/support/temp_dir.h"

using awb::test::runCli;
using awb::test::TempDir;

namespace {

struct Cell {
    std::int64_t modelId;
    int output;
    double capW;
    double accuracy;
    double latencyMs;
    double energyJ;
};

std::int64_t addSession(awb::db::Store& store, std::int64_t deviceId, const std::string& startedAt,
    awb::core::SessionStatus status, const std::vector<Cell>& cells)
{
    awb::db::ProfileRepository profiles(store);
    awb::core::ProfileSessionRecord session;
    session.deviceId = deviceId;
    session.startedAt = startedAt;
    profiles.createSession(session);
    for (const Cell& c : cells) {
        awb::core::ProfileCellRecord cell;
        cell.sessionId = session.id;
        cell.modelId = c.modelId;
        cell.outputIndex = c.output;
        cell.powerCapW = c.capW;
        cell.accuracy = c.accuracy;
        cell.latencyMedianMs = c.latencyMs;
        cell.latencyIqrMs = 0.01;
        cell.latencyP95Ms = c.latencyMs * 1.1;
        cell.energyJ = c.energyJ;
        cell.powerW = c.energyJ / c.latencyMs * 1000.0;
        cell.replicates = 5;
        profiles.addCell(cell);
    }
    if (status != awb::core::SessionStatus::Running)
        profiles.finishSession(session.id, status, startedAt);
    return session.id;
}

std::int64_t addModel(awb::db::Store& store, const std::string& name, int outputs)
{
    awb::core::ModelRecord model;
    model.name = name;
    model.kind = outputs > 1 ? awb::core::ModelKind::Anytime : awb::core::ModelKind::Traditional;
    model.source = "zoo";
    model.createdAt = "2026-11-26T08:00:00Z";
    for (int k = 0; k < outputs; ++k)
        model.outputs.push_back({ k, /*cumulativeMacs=*/1000 * (k + 1), /*cumulativeParameters=*/100 * (k + 1), {} });
    return awb::db::ModelRepository(store).insert(model);
}

std::int64_t addDevice(awb::db::Store& store, const std::string& backend)
{
    awb::core::DeviceRecord device;
    device.host = "edge-01";
    device.cpuModel = "Test CPU";
    device.backend = backend;
    device.createdAt = "2026-11-26T08:00:00Z";
    return awb::db::DeviceRepository(store).upsert(device);
}

struct SampleStore {
    std::int64_t older = 0; // complete, one cell
    std::int64_t newestComplete = 0; // complete, seven cells
    std::int64_t running = 0; // newest of all, still running
};

// Session `newestComplete`, by hand (a = cnn-a output 0, b0/b1 = anytime-b outputs 0/1, @cap W):
//   accuracy–latency:        b0@20 (0.5 ms), a@20 (2 ms), b1@20 (3 ms); the rest are slower at
//                            equal accuracy, or (a@15) slower than a@20.
//   accuracy–energy:         b0@10 (0.010 J), a@10 (0.040 J), b1@10 (0.060 J).
//   accuracy–latency–energy: every cell but a@15, which a@20 beats on latency and energy at equal
//                            accuracy; sorted by latency.
SampleStore makeSampleStore(const std::filesystem::path& file, const std::string& backend = "emulated")
{
    auto store = awb::db::Store::open(file);
    const std::int64_t device = addDevice(store, backend);
    const std::int64_t a = addModel(store, "cnn-a", 1);
    const std::int64_t b = addModel(store, "anytime-b", 2);
    SampleStore ids;
    ids.older = addSession(store, device, "2026-11-26T09:00:00Z", awb::core::SessionStatus::Complete,
        { { a, 0, 10.0, 0.80, 4.0, 0.040 } });
    ids.newestComplete = addSession(store, device, "2026-11-26T10:00:00Z", awb::core::SessionStatus::Complete,
        {
            { a, 0, 10.0, 0.80, 4.0, 0.040 },
            { a, 0, 15.0, 0.80, 3.0, 0.055 },
            { a, 0, 20.0, 0.80, 2.0, 0.050 },
            { b, 0, 10.0, 0.70, 1.0, 0.010 },
            { b, 0, 20.0, 0.70, 0.5, 0.012 },
            { b, 1, 10.0, 0.85, 6.0, 0.060 },
            { b, 1, 20.0, 0.85, 3.0, 0.070 },
        });
    ids.running = addSession(
        store, device, "2026-11-26T11:00:00Z", awb::core::SessionStatus::Running, { { b, 1, 10.0, 0.99, 0.1, 0.001 } });
    return ids;
}

// "model@output@cap" for each row of one frontier, in the printed order.
std::vector<std::string> keys(const nlohmann::json& frontier)
{
    std::vector<std::string> out;
    for (const auto& row : frontier) {
        out.push_back(row.at("model").get<std::string>() + "@" + std::to_string(row.at("output").get<int>()) + "@"
            + std::to_string(static_cast<int>(row.at("power_cap_w").get<double>())));
    }
    return out;
}

using Keys = std::vector<std::string>;

std::size_t lineCount(const std::string& text)
{
    return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

} // namespace

TEST(IntegrationFrontierCli, DefaultIsTheNewestCompleteSessionWithItsThreeFrontiers)
{
    TempDir dir;
    const SampleStore ids = makeSampleStore(dir / "store.sqlite");
    const auto result = runCli({ "frontier", "--json", "--db", (dir / "store.sqlite").string() });
    ASSERT_EQ(result.exitCode, 0) << result.err;
    const auto json = nlohmann::json::parse(result.out); // stdout holds the JSON document only
    EXPECT_EQ(json.at("session"), ids.newestComplete);
    EXPECT_EQ(json.at("backend"), "emulated");
    EXPECT_EQ(json.at("device"), "edge-01");
    const auto& frontiers = json.at("frontiers");
    EXPECT_EQ(keys(frontiers.at("accuracy_latency")), (Keys { "anytime-b@0@20", "cnn-a@0@20", "anytime-b@1@20" }));
    EXPECT_EQ(keys(frontiers.at("accuracy_energy")), (Keys { "anytime-b@0@10", "cnn-a@0@10", "anytime-b@1@10" }));
    EXPECT_EQ(keys(frontiers.at("accuracy_latency_energy")),
        (Keys { "anytime-b@0@20", "anytime-b@0@10", "cnn-a@0@20", "anytime-b@1@20", "cnn-a@0@10", "anytime-b@1@10" }));

    const auto& first = frontiers.at("accuracy_latency").at(0);
    EXPECT_DOUBLE_EQ(first.at("accuracy").get<double>(), 0.70);
    EXPECT_DOUBLE_EQ(first.at("latency_ms_median").get<double>(), 0.5);
    EXPECT_DOUBLE_EQ(first.at("energy_j").get<double>(), 0.012);
    EXPECT_DOUBLE_EQ(first.at("power_cap_w").get<double>(), 20.0);
}

TEST(IntegrationFrontierCli, NamedSessionIsRead)
{
    TempDir dir;
    const SampleStore ids = makeSampleStore(dir / "store.sqlite");
    const auto older = runCli(
        { "frontier", "--session", std::to_string(ids.older), "--json", "--db", (dir / "store.sqlite").string() });
    ASSERT_EQ(older.exitCode, 0) << older.err;
    const auto json = nlohmann::json::parse(older.out);
    EXPECT_EQ(json.at("session"), ids.older);
    for (const char* axes : { "accuracy_latency", "accuracy_energy", "accuracy_latency_energy" })
        EXPECT_EQ(keys(json.at("frontiers").at(axes)), (Keys { "cnn-a@0@10" })) << axes;

    // A session that is not complete can be named; stderr says its frontiers may be partial.
    const auto running = runCli(
        { "frontier", "--session", std::to_string(ids.running), "--json", "--db", (dir / "store.sqlite").string() });
    ASSERT_EQ(running.exitCode, 0) << running.err;
    EXPECT_EQ(nlohmann::json::parse(running.out).at("session"), ids.running);
    EXPECT_NE(running.err.find("running"), std::string::npos) << running.err;
}

TEST(IntegrationFrontierCli, TextNamesTheSessionLabelsEmulatedAndPrintsThreeTables)
{
    TempDir dir;
    const SampleStore ids = makeSampleStore(dir / "store.sqlite");
    const auto result = runCli({ "frontier", "--db", (dir / "store.sqlite").string() });
    ASSERT_EQ(result.exitCode, 0) << result.err;
    const std::string header = result.out.substr(0, result.out.find('\n'));
    EXPECT_NE(header.find("session " + std::to_string(ids.newestComplete)), std::string::npos) << header;
    EXPECT_NE(header.find("emulated"), std::string::npos) << header;
    EXPECT_NE(result.out.find("\nAccuracy–latency frontier, sorted by latency (3 of 7 cells)\n"), std::string::npos)
        << result.out;
    EXPECT_NE(result.out.find("\nAccuracy–energy frontier, sorted by energy (3 of 7 cells)\n"), std::string::npos);
    EXPECT_NE(result.out.find("\nAccuracy–latency–energy frontier, sorted by latency, then energy (6 of 7 cells)\n"),
        std::string::npos);
    // The fastest point of the accuracy–latency table: anytime-b output 0 at 20 W, 70 %, 0.5 ms.
    EXPECT_NE(result.out.find("anytime-b"), std::string::npos);
    EXPECT_NE(result.out.find("70.00"), std::string::npos);
}

TEST(IntegrationFrontierCli, MeasuredBackendIsNotLabelledEmulated)
{
    TempDir dir;
    makeSampleStore(dir / "store.sqlite", "rapl");
    const auto json = runCli({ "frontier", "--json", "--db", (dir / "store.sqlite").string() });
    ASSERT_EQ(json.exitCode, 0) << json.err;
    EXPECT_EQ(nlohmann::json::parse(json.out).at("backend"), "rapl");
    const auto text = runCli({ "frontier", "--db", (dir / "store.sqlite").string() });
    ASSERT_EQ(text.exitCode, 0) << text.err;
    EXPECT_EQ(text.out.find("mulated"), std::string::npos) << text.out;
}

TEST(IntegrationFrontierCli, UnknownSessionIsRefusedInOneLine)
{
    TempDir dir;
    makeSampleStore(dir / "store.sqlite");
    const auto result = runCli({ "frontier", "--session", "999", "--json", "--db", (dir / "store.sqlite").string() });
    EXPECT_EQ(result.exitCode, 2);
    EXPECT_TRUE(result.out.empty()) << result.out;
    EXPECT_EQ(lineCount(result.err), 1u) << result.err;
    EXPECT_NE(result.err.find("no profile session 999"), std::string::npos) << result.err;
}

TEST(IntegrationFrontierCli, StoreWithoutACompleteSessionSaysSo)
{
    TempDir dir;
    {
        auto store = awb::db::Store::open(dir / "store.sqlite");
        const std::int64_t device = addDevice(store, "emulated");
        const std::int64_t model = addModel(store, "cnn-a", 1);
        addSession(store, device, "2026-11-26T09:00:00Z", awb::core::SessionStatus::Cancelled,
            { { model, 0, 10.0, 0.8, 1.0, 0.01 } });
    }
    const auto result = runCli({ "frontier", "--db", (dir / "store.sqlite").string() });
    EXPECT_EQ(result.exitCode, 2);
    EXPECT_TRUE(result.out.empty()) << result.out;
    EXPECT_EQ(lineCount(result.err), 1u) << result.err;
    EXPECT_NE(result.err.find("no complete profile session"), std::string::npos) << result.err;

    const auto missing = runCli({ "frontier", "--db", (dir / "absent.sqlite").string() });
    EXPECT_EQ(missing.exitCode, 2);
    EXPECT_FALSE(std::filesystem::exists(dir / "absent.sqlite"));
}
