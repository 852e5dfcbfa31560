// Table exports: byte-for-byte golden files per table × format, an independent RFC 4180
// reader for the CSV, JSON types, escaping, and the one-line errors.
//
// Regenerate the golden files (after an intended format change) with
//   AWB_UPDATE_GOLDEN=1 ctest -R DatabaseExportGolden
// and review the diff under tests/data/golden/ before committing it.

#include "database/repositories.h"
#include "database/run_step_writer.h"
#include "database/store.h"
#include "database/table_export.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <gtest/gtest.h>
#include <limits>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <sqlite3.h>
#include <sstream>
#include <stdexcept>
#include <string>
#include <unistd.h>
#include <vector>

namespace fs = std::filesystem;
using namespace awb;

namespace {

constexpr const char* kOddModelName = "res,net \"v2\""; // CSV: comma and quote
constexpr const char* kSpecialModelName = "nest|net_{a}&50%$#~^\\"; // Markdown and LaTeX escapes
constexpr std::uint64_t kRunSeed = std::numeric_limits<std::uint64_t>::max();

// The identifiers of the fixture store, filled by buildFixtureStore().
struct Fixture {
    std::int64_t emulatedSessionId = 0;
    std::int64_t raplSessionId = 0;
    std::int64_t runId = 0;
    std::int64_t emptyRunId = 0;
    std::vector<core::RunStepRecord> steps;
};

core::ModelRecord makeModel(const std::string& uid, const std::string& name, core::ModelKind kind, int outputs)
{
    core::ModelRecord model;
    model.uid = uid;
    model.name = name;
    model.kind = kind;
    model.source = "zoo";
    model.inputShape = "1,1,28,28";
    model.parameters = 1000 * outputs;
    model.createdAt = "2024-01-02T03:04:05Z";
    for (int i = 0; i < outputs; ++i)
        model.outputs.push_back({ i, 20'000 * (i + 1), 500 * (i + 1), 0.7 + 0.1 * i });
    return model;
}

core::ProfileCellRecord makeCell(
    std::int64_t sessionId, std::int64_t modelId, int output, double capW, double scale, bool noisy)
{
    core::ProfileCellRecord cell;
    cell.sessionId = sessionId;
    cell.modelId = modelId;
    cell.outputIndex = output;
    cell.powerCapW = capW;
    cell.latencyMedianMs = 3.25 * scale;
    cell.latencyIqrMs = 0.1 * scale; // 0.1 has no short exact binary form
    cell.latencyP95Ms = 1.0 / 3.0 * 10 * scale;
    cell.powerW = capW * 0.9;
    cell.energyJ = 1e-7 * scale;
    cell.accuracy = 0.8125 + 0.01 * output;
    cell.replicates = 5;
    cell.noisy = noisy;
    return cell;
}

core::RunStepRecord makeStep(std::int64_t runId, std::int64_t index, std::int64_t modelId)
{
    core::RunStepRecord step;
    step.runId = runId;
    step.inputIndex = index;
    step.arrivalMs = 100.0 / 3.0 * static_cast<double>(index);
    step.modelId = modelId;
    step.outputReached = static_cast<int>(index % 2);
    step.powerCapW = index % 3 == 0 ? 15.5 : 10.0;
    step.latencyMs = 20.0 + 0.1 * static_cast<double>(index);
    step.energyJ = 0.3 + 1e-3 * static_cast<double>(index);
    step.deadlineMet = index % 4 != 3;
    step.correct = index % 3 != 1;
    step.xiObserved = 1.0000000000000002 + 0.05 * static_cast<double>(index);
    step.xiMean = 1.0 + 0.01 * static_cast<double>(index);
    step.xiStd = 0.125;
    step.predictedLatencyMs = 19.5 + 0.2 * static_cast<double>(index);
    step.predictedEnergyJ = 0.29 + 1e-3 * static_cast<double>(index);
    step.predictedAccuracy = 0.85 - 1e-4 * static_cast<double>(index);
    return step;
}

// A small deterministic store: an emulated and a RAPL device, two models (one with a comma and a
// quote in its name, one full of Markdown/LaTeX specials), a profile session on each device, a run
// with steps and a run without.
Fixture buildFixtureStore(db::Store& store, std::int64_t stepCount = 6)
{
    Fixture fixture;
    db::DeviceRepository devices(store);
    core::DeviceRecord emulated { 0, "00000000000000000000000000000d01", "lab-host", "Test CPU @ 2.0GHz", "",
        "emulated", R"({"p_static_w": 5, "k_w_per_ghz3": 2.5})", "2024-01-02T03:04:05Z" };
    core::DeviceRecord rapl { 0, "00000000000000000000000000000d02", "edge-board", "ARM Cortex-A78", "Orin GPU", "rapl",
        "", "2024-01-02T03:04:06Z" };
    devices.upsert(emulated);
    devices.upsert(rapl);

    db::DatasetRepository datasets(store);
    core::DatasetRecord dataset { 0, "00000000000000000000000000000a01", "fashion-mnist", "test", 10000,
        "/usr/share/datasets/fashion-mnist" };
    datasets.upsert(dataset);

    db::ModelRepository models(store);
    auto oddModel = makeModel("00000000000000000000000000000b01", kOddModelName, core::ModelKind::Traditional, 1);
    auto specialModel = makeModel("00000000000000000000000000000b02", kSpecialModelName, core::ModelKind::Anytime, 2);
    models.insert(oddModel);
    models.insert(specialModel);

    db::ProfileRepository profiles(store);
    core::ProfileSessionRecord session;
    session.uid = "00000000000000000000000000000c01";
    session.deviceId = emulated.id;
    session.datasetId = dataset.id;
    session.startedAt = "2024-01-02T04:00:00Z";
    session.seed = 42;
    session.settingsJson = R"({"warmup": 3, "replicates": 5, "caps_w": [10, 15.5]})";
    session.versionsJson = R"({"alertwb": "test-build", "libtorch": "test-torch", "sqlite": "test-sqlite"})";
    fixture.emulatedSessionId = profiles.createSession(session);
    for (double capW : { 10.0, 15.5 }) {
        auto odd = makeCell(session.id, oddModel.id, 0, capW, capW / 10.0, false);
        profiles.addCell(odd);
        for (int output = 0; output < 2; ++output) {
            auto special = makeCell(session.id, specialModel.id, output, capW, 1.5 + output, capW > 12.0);
            profiles.addCell(special);
        }
    }
    profiles.finishSession(session.id, core::SessionStatus::Complete, "2024-01-02T04:10:00Z");

    core::ProfileSessionRecord raplSession = session;
    raplSession.id = 0;
    raplSession.uid = "00000000000000000000000000000c02";
    raplSession.deviceId = rapl.id;
    raplSession.seed = 7;
    fixture.raplSessionId = profiles.createSession(raplSession);
    auto raplCell = makeCell(raplSession.id, oddModel.id, 0, 30.0, 0.5, false);
    profiles.addCell(raplCell);
    profiles.finishSession(raplSession.id, core::SessionStatus::Complete, "2024-01-02T05:10:00Z");

    db::RunRepository runs(store);
    core::RunRecord run;
    run.uid = "00000000000000000000000000000e01";
    run.deviceId = emulated.id;
    run.profileSessionId = session.id;
    run.controller = "alert";
    run.goalMode = "max-accuracy";
    run.deadlineMs = 25.0;
    run.energyBudgetJ = 0.35;
    run.scenario = "single-stream";
    run.contentionSpec = "memory@2-3,compute@4-5";
    run.seed = kRunSeed;
    run.inputCount = stepCount;
    run.startedAt = "2024-01-02T06:00:00Z";
    run.settingsJson = R"({"kalman": {"q": 0.01, "r": 0.1}, "period_ms": 33.3})";
    fixture.runId = runs.createRun(run);

    core::RunRecord emptyRun = run;
    emptyRun.id = 0;
    emptyRun.uid = "00000000000000000000000000000e02";
    emptyRun.profileSessionId = 0;
    emptyRun.controller = "app-only";
    emptyRun.goalMode = "min-energy";
    emptyRun.energyBudgetJ = 0.0;
    emptyRun.accuracyGoal = 0.9;
    emptyRun.contentionSpec = "";
    emptyRun.seed = 3;
    emptyRun.inputCount = 0;
    fixture.emptyRunId = runs.createRun(emptyRun);

    {
        db::RunStepWriter writer(store.path());
        for (std::int64_t i = 0; i < stepCount; ++i) {
            fixture.steps.push_back(makeStep(run.id, i, i % 2 == 0 ? oddModel.id : specialModel.id));
            writer.append(fixture.steps.back());
        }
        writer.close();
    }
    runs.finishRun(run.id, core::SessionStatus::Complete, "2024-01-02T06:01:00Z");
    runs.finishRun(emptyRun.id, core::SessionStatus::Cancelled, "2024-01-02T06:02:00Z");
    return fixture;
}

class TempStore {
public:
    explicit TempStore(const std::string& tag = "store")
    {
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        std::string name = std::string(info->test_suite_name()) + "_" + info->name();
        std::replace(name.begin(), name.end(), '/', '_');
        m_dir = fs::temp_directory_path() / ("awb_export_" + name + "_" + tag + "_" + std::to_string(::getpid()));
        fs::remove_all(m_dir);
        fs::create_directories(m_dir);
    }
    ~TempStore() { fs::remove_all(m_dir); }
    fs::path file() const { return m_dir / "store.sqlite"; }

private:
    fs::path m_dir;
};

std::string exportToString(db::Store& store, db::ExportTable table, db::ExportFormat format,
    std::optional<std::int64_t> runId = std::nullopt, std::optional<std::int64_t> sessionId = std::nullopt)
{
    std::ostringstream out;
    db::exportTable(store, { table, format, runId, sessionId }, out);
    return out.str();
}

// Golden files must not change with the build's version or the system SQLite: those two strings
// (each printed once, in the provenance before any row) become placeholders.
std::string normalizeVersions(std::string text)
{
    for (const auto& [actual, placeholder] : { std::pair<std::string, std::string> { AWB_VERSION, "@AWB_VERSION@" },
             { sqlite3_libversion(), "@SQLITE_VERSION@" } }) {
        const auto at = text.find(actual);
        if (at != std::string::npos)
            text.replace(at, actual.size(), placeholder);
    }
    return text;
}

std::string readFile(const fs::path& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return {};
    std::ostringstream content;
    content << in.rdbuf();
    return content.str();
}

// An RFC 4180 reader written independently of the exporter: quoted fields with doubled quotes,
// CRLF record ends, and nothing else. Throws on anything a strict reader would refuse.
std::vector<std::vector<std::string>> parseRfc4180(std::string_view text)
{
    std::vector<std::vector<std::string>> records;
    std::vector<std::string> record;
    std::size_t i = 0;
    while (i < text.size()) {
        std::string field;
        if (text[i] == '"') {
            ++i;
            for (;;) {
                if (i >= text.size())
                    throw std::runtime_error("unterminated quoted field");
                if (text[i] == '"') {
                    if (i + 1 < text.size() && text[i + 1] == '"') {
                        field += '"';
                        i += 2;
                        continue;
                    }
                    ++i;
                    break;
                }
                field += text[i++];
            }
        } else {
            while (i < text.size() && text[i] != ',' && text[i] != '\r') {
                if (text[i] == '"' || text[i] == '\n')
                    throw std::runtime_error("quote or bare LF in an unquoted field at byte " + std::to_string(i));
                field += text[i++];
            }
        }
        record.push_back(std::move(field));
        if (i < text.size() && text[i] == ',') {
            ++i;
            continue;
        }
        if (text.substr(i, 2) != "\r\n")
            throw std::runtime_error("record not ended by CRLF at byte " + std::to_string(i));
        i += 2;
        records.push_back(std::move(record));
        record.clear();
    }
    return records;
}

// The CSV's leading "# " provenance lines, and the RFC 4180 body after them (a copy: callers
// pass temporaries).
std::pair<std::vector<std::string>, std::string> splitCsvComments(std::string_view text)
{
    std::vector<std::string> comments;
    while (text.substr(0, 2) == "# ") {
        const auto end = text.find("\r\n");
        if (end == std::string_view::npos)
            throw std::runtime_error("comment line not ended by CRLF");
        comments.emplace_back(text.substr(2, end - 2));
        text.remove_prefix(end + 2);
    }
    return { comments, std::string(text) };
}

std::string messageOf(const std::function<void()>& action)
{
    try {
        action();
    } catch (const db::StoreError& error) {
        return error.what();
    }
    ADD_FAILURE() << "no StoreError thrown";
    return {};
}

// ---- golden files ------------------------------------------------------------------------

struct GoldenCase {
    db::ExportTable table;
    db::ExportFormat format;
    const char* file;
};

// Names the case by its golden file in test output and in ctest's listing.
void PrintTo(const GoldenCase& golden, std::ostream* out) { *out << golden.file; }

class DatabaseExportGolden : public ::testing::TestWithParam<GoldenCase> { };

TEST_P(DatabaseExportGolden, MatchesGoldenFileByteForByte)
{
    TempStore temp;
    auto store = db::Store::open(temp.file());
    const Fixture fixture = buildFixtureStore(store);
    const GoldenCase& golden = GetParam();
    const auto runId = golden.table == db::ExportTable::Steps ? std::optional(fixture.runId) : std::nullopt;
    const std::string actual = normalizeVersions(exportToString(store, golden.table, golden.format, runId));

    const fs::path path = fs::path(AWB_TEST_DATA_DIR) / "golden" / golden.file;
    const char* update = std::getenv("AWB_UPDATE_GOLDEN");
    if (update != nullptr && std::string(update) == "1") {
        fs::create_directories(path.parent_path());
        std::ofstream(path, std::ios::binary) << actual;
        GTEST_SKIP() << "golden file written: " << path;
    }
    ASSERT_TRUE(fs::exists(path)) << path << " is missing; run with AWB_UPDATE_GOLDEN=1 to create it";
    EXPECT_EQ(actual, readFile(path)) << "export differs from " << path;
}

INSTANTIATE_TEST_SUITE_P(Database, DatabaseExportGolden,
    ::testing::Values(GoldenCase { db::ExportTable::Profiles, db::ExportFormat::Csv, "profiles.csv" },
        GoldenCase { db::ExportTable::Profiles, db::ExportFormat::Json, "profiles.json" },
        GoldenCase { db::ExportTable::Profiles, db::ExportFormat::Markdown, "profiles.md" },
        GoldenCase { db::ExportTable::Profiles, db::ExportFormat::Latex, "profiles.tex" },
        GoldenCase { db::ExportTable::Runs, db::ExportFormat::Csv, "runs.csv" },
        GoldenCase { db::ExportTable::Runs, db::ExportFormat::Json, "runs.json" },
        GoldenCase { db::ExportTable::Runs, db::ExportFormat::Markdown, "runs.md" },
        GoldenCase { db::ExportTable::Runs, db::ExportFormat::Latex, "runs.tex" },
        GoldenCase { db::ExportTable::Steps, db::ExportFormat::Csv, "steps.csv" },
        GoldenCase { db::ExportTable::Steps, db::ExportFormat::Json, "steps.json" },
        GoldenCase { db::ExportTable::Steps, db::ExportFormat::Markdown, "steps.md" },
        GoldenCase { db::ExportTable::Steps, db::ExportFormat::Latex, "steps.tex" }),
    [](const ::testing::TestParamInfo<GoldenCase>& info) {
        std::string name = info.param.file;
        std::replace(name.begin(), name.end(), '.', '_');
        return name;
    });

// ---- behaviour ---------------------------------------------------------------------------

class DatabaseExport : public ::testing::Test {
protected:
    void SetUp() override
    {
        m_store = std::make_unique<db::Store>(db::Store::open(m_temp.file()));
        m_fixture = buildFixtureStore(*m_store);
    }

    db::Store& store() { return *m_store; }
    const Fixture& fixture() const { return m_fixture; }

private:
    TempStore m_temp;
    std::unique_ptr<db::Store> m_store;
    Fixture m_fixture;
};

TEST_F(DatabaseExport, CsvQuotesPerRfc4180)
{
    const auto [comments, body]
        = splitCsvComments(exportToString(store(), db::ExportTable::Steps, db::ExportFormat::Csv, fixture().runId));
    const auto records = parseRfc4180(body);
    const std::vector<std::string> header { "input_index", "arrival_ms", "model", "output_reached", "power_cap_w",
        "latency_ms", "energy_j", "deadline_met", "correct", "xi_observed", "xi_mean", "xi_std", "predicted_latency_ms",
        "predicted_energy_j", "predicted_accuracy" };
    ASSERT_EQ(records.size(), fixture().steps.size() + 1);
    EXPECT_EQ(records.front(), header);
    for (std::size_t i = 1; i < records.size(); ++i) {
        ASSERT_EQ(records[i].size(), header.size()) << "record " << i;
        const auto& step = fixture().steps[i - 1];
        EXPECT_EQ(records[i][0], std::to_string(step.inputIndex));
        EXPECT_EQ(records[i][2], step.inputIndex % 2 == 0 ? kOddModelName : kSpecialModelName);
        EXPECT_EQ(records[i][7], step.deadlineMet ? "1" : "0");
        EXPECT_EQ(records[i][8], step.correct ? "1" : "0");
    }
    // The contention spec holds a comma: the runs table must quote it.
    const auto runs
        = parseRfc4180(splitCsvComments(exportToString(store(), db::ExportTable::Runs, db::ExportFormat::Csv)).second);
    ASSERT_EQ(runs.size(), 3u);
    EXPECT_EQ(runs[1][7], "memory@2-3,compute@4-5");
    EXPECT_EQ(runs[1][8], std::to_string(kRunSeed));
}

TEST_F(DatabaseExport, CsvNumbersReadBackExactly)
{
    const auto records = parseRfc4180(
        splitCsvComments(exportToString(store(), db::ExportTable::Steps, db::ExportFormat::Csv, fixture().runId))
            .second);
    ASSERT_EQ(records.size(), fixture().steps.size() + 1);
    for (std::size_t i = 1; i < records.size(); ++i) {
        const auto& step = fixture().steps[i - 1];
        const double expected[] = { step.arrivalMs, step.latencyMs, step.xiObserved, step.predictedEnergyJ };
        const std::size_t columns[] = { 1, 5, 9, 13 };
        for (std::size_t k = 0; k < std::size(columns); ++k)
            EXPECT_EQ(std::strtod(records[i][columns[k]].c_str(), nullptr), expected[k])
                << "record " << i << " column " << columns[k] << " text " << records[i][columns[k]];
    }
}

TEST_F(DatabaseExport, CsvProvenanceLinesComeBeforeTheHeader)
{
    const auto [comments, body]
        = splitCsvComments(exportToString(store(), db::ExportTable::Steps, db::ExportFormat::Csv, fixture().runId));
    const auto has
        = [&](const std::string& line) { return std::find(comments.begin(), comments.end(), line) != comments.end(); };
    EXPECT_TRUE(has("table: steps"));
    EXPECT_TRUE(has("backend: emulated"));
    EXPECT_TRUE(has("seed: " + std::to_string(kRunSeed)));
    EXPECT_TRUE(has(std::string("alertwb_version: ") + AWB_VERSION));
    EXPECT_TRUE(has(std::string("sqlite_version: ") + sqlite3_libversion()));
    EXPECT_TRUE(has(R"(settings_json: {"kalman":{"q":0.01,"r":0.1},"period_ms":33.3})"));
    EXPECT_EQ(body.substr(0, 12), "input_index,");
}

TEST_F(DatabaseExport, LargeStepsExportSpansOutputChunks)
{
    // ~30,000 rows is several megabytes of CSV: rows cross the writer's 1 MiB chunk boundaries.
    TempStore temp("big");
    auto big = db::Store::open(temp.file());
    const Fixture fixture = buildFixtureStore(big, 30'000);
    const std::string csv = exportToString(big, db::ExportTable::Steps, db::ExportFormat::Csv, fixture.runId);
    ASSERT_GT(csv.size(), std::size_t { 3 } << 20);
    const auto records = parseRfc4180(splitCsvComments(csv).second);
    ASSERT_EQ(records.size(), 30'001u);
    EXPECT_EQ(records.back()[0], "29999");
    EXPECT_EQ(std::strtod(records.back()[5].c_str(), nullptr), fixture.steps.back().latencyMs);

    const auto json
        = nlohmann::json::parse(exportToString(big, db::ExportTable::Steps, db::ExportFormat::Json, fixture.runId));
    EXPECT_EQ(json["rows"].size(), 30'000u);
}

TEST_F(DatabaseExport, JsonKeepsTypesAndProvenance)
{
    const auto json = nlohmann::json::parse(
        exportToString(store(), db::ExportTable::Steps, db::ExportFormat::Json, fixture().runId));
    EXPECT_EQ(json["provenance"]["backend"], "emulated");
    EXPECT_EQ(json["provenance"]["emulated"], true);
    EXPECT_EQ(json["provenance"]["seed"].get<std::uint64_t>(), kRunSeed);
    EXPECT_EQ(json["provenance"]["settings_json"]["kalman"]["q"], 0.01);
    EXPECT_EQ(json["provenance"]["devices"][0]["emulation"]["k_w_per_ghz3"], 2.5);
    EXPECT_EQ(json["columns"].size(), 15u);
    ASSERT_EQ(json["rows"].size(), fixture().steps.size());
    for (std::size_t i = 0; i < fixture().steps.size(); ++i) {
        const auto& row = json["rows"][i];
        const auto& step = fixture().steps[i];
        EXPECT_EQ(row["model"], step.inputIndex % 2 == 0 ? kOddModelName : kSpecialModelName);
        EXPECT_EQ(row["deadline_met"], step.deadlineMet);
        EXPECT_TRUE(row["correct"].is_boolean());
        EXPECT_EQ(row["xi_observed"].get<double>(), step.xiObserved);
        EXPECT_EQ(row["input_index"].get<std::int64_t>(), step.inputIndex);
    }
}

TEST_F(DatabaseExport, EveryFormatSaysEmulated)
{
    for (auto format :
        { db::ExportFormat::Csv, db::ExportFormat::Json, db::ExportFormat::Markdown, db::ExportFormat::Latex }) {
        for (auto table : { db::ExportTable::Profiles, db::ExportTable::Runs }) {
            const auto text = exportToString(store(), table, format);
            EXPECT_NE(text.find("emulated"), std::string::npos) << static_cast<int>(format);
        }
        const auto rapl
            = exportToString(store(), db::ExportTable::Profiles, format, std::nullopt, fixture().raplSessionId);
        if (format == db::ExportFormat::Json) {
            const auto json = nlohmann::json::parse(rapl);
            EXPECT_EQ(json["provenance"]["emulated"], false);
            EXPECT_EQ(json["provenance"]["backend"], "rapl");
        } else {
            EXPECT_EQ(rapl.find("emulated"), std::string::npos) << "a RAPL-only export claims emulation:\n" << rapl;
            EXPECT_NE(rapl.find("backend: rapl"), std::string::npos) << rapl;
        }
    }
}

TEST_F(DatabaseExport, SessionFilterKeepsOnlyThatSession)
{
    const auto json = nlohmann::json::parse(exportToString(
        store(), db::ExportTable::Profiles, db::ExportFormat::Json, std::nullopt, fixture().emulatedSessionId));
    ASSERT_EQ(json["rows"].size(), 6u);
    for (const auto& row : json["rows"])
        EXPECT_EQ(row["session_id"], fixture().emulatedSessionId);
    EXPECT_EQ(json["provenance"]["seed"], 42);
    EXPECT_EQ(json["provenance"]["versions_json"]["libtorch"], "test-torch");
    EXPECT_EQ(json["provenance"]["dataset"], "fashion-mnist (test)");
}

TEST_F(DatabaseExport, ExportIsReproducible)
{
    for (auto format :
        { db::ExportFormat::Csv, db::ExportFormat::Json, db::ExportFormat::Markdown, db::ExportFormat::Latex }) {
        EXPECT_EQ(exportToString(store(), db::ExportTable::Steps, format, fixture().runId),
            exportToString(store(), db::ExportTable::Steps, format, fixture().runId));
    }
}

TEST_F(DatabaseExport, MarkdownEscapesPipes)
{
    const auto text = exportToString(store(), db::ExportTable::Profiles, db::ExportFormat::Markdown);
    std::istringstream lines(text.substr(text.find("-->\n")));
    std::string line;
    std::size_t tableLines = 0;
    while (std::getline(lines, line)) {
        if (line.empty() || line[0] != '|')
            continue;
        ++tableLines;
        std::size_t pipes = 0;
        for (std::size_t i = 0; i < line.size(); ++i)
            if (line[i] == '|' && (i == 0 || line[i - 1] != '\\'))
                ++pipes;
        EXPECT_EQ(pipes, 16u) << line; // 15 columns
    }
    EXPECT_EQ(tableLines, 2u + 7u); // header, separator, 7 cells
    EXPECT_NE(text.find("nest\\|net_{a}&50%$#~^\\\\"), std::string::npos);
}

TEST_F(DatabaseExport, LatexEscapesSpecialCharacters)
{
    const auto text = exportToString(store(), db::ExportTable::Profiles, db::ExportFormat::Latex);
    EXPECT_NE(text.find("nest\\textbar{}net\\_\\{a\\}\\&50\\%\\$\\#\\textasciitilde{}\\textasciicircum{}\\textbackslash{}"),
        std::string::npos);
    EXPECT_NE(text.find("\\begin{tabular}{rllllrrrrrrrrrl}"), std::string::npos);
    EXPECT_NE(text.find("\\toprule"), std::string::npos);
    EXPECT_NE(text.find("\\caption["), std::string::npos);
    std::istringstream lines(text);
    std::string line;
    std::size_t rows = 0;
    while (std::getline(lines, line)) {
        if (line.size() < 3 || line.substr(line.size() - 3) != " \\\\")
            continue;
        ++rows;
        std::size_t separators = 0;
        for (std::size_t i = 0; i < line.size(); ++i)
            if (line[i] == '&' && (i == 0 || line[i - 1] != '\\'))
                ++separators;
        EXPECT_EQ(separators, 14u) << line;
    }
    EXPECT_EQ(rows, 1u + 7u);
}

TEST_F(DatabaseExport, RunWithoutStepsExportsHeaderOnly)
{
    const auto [comments, body] = splitCsvComments(
        exportToString(store(), db::ExportTable::Steps, db::ExportFormat::Csv, fixture().emptyRunId));
    EXPECT_EQ(parseRfc4180(body).size(), 1u);
    const auto json = nlohmann::json::parse(
        exportToString(store(), db::ExportTable::Steps, db::ExportFormat::Json, fixture().emptyRunId));
    EXPECT_TRUE(json["rows"].is_array());
    EXPECT_TRUE(json["rows"].empty());
}

TEST_F(DatabaseExport, ErrorsAreOneLine)
{
    const std::vector<std::pair<std::string, std::string>> cases {
        { messageOf([] { db::exportTableFromString("cells"); }), "unknown table 'cells'" },
        { messageOf([] { db::exportFormatFromString("xlsx"); }), "unknown format 'xlsx'" },
        { messageOf([&] { exportToString(store(), db::ExportTable::Steps, db::ExportFormat::Csv); }), "--run" },
        { messageOf([&] { exportToString(store(), db::ExportTable::Steps, db::ExportFormat::Csv, 999); }),
            "run 999 does not exist" },
        { messageOf([&] { exportToString(store(), db::ExportTable::Runs, db::ExportFormat::Json, 999); }),
            "run 999 does not exist" },
        { messageOf(
              [&] { exportToString(store(), db::ExportTable::Profiles, db::ExportFormat::Csv, std::nullopt, 999); }),
            "profile session 999 does not exist" },
    };
    for (const auto& [message, expected] : cases) {
        EXPECT_NE(message.find(expected), std::string::npos) << message;
        EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    }
    EXPECT_EQ(db::exportTableFromString("steps"), db::ExportTable::Steps);
    EXPECT_EQ(db::exportFormatFromString("md"), db::ExportFormat::Markdown);
    EXPECT_EQ(db::exportFormatFromString("latex"), db::ExportFormat::Latex);
}

TEST_F(DatabaseExport, FailedOutputStreamIsAnError)
{
    std::ostringstream out;
    out.setstate(std::ios::badbit);
    EXPECT_THROW(
        db::exportTable(store(), { db::ExportTable::Profiles, db::ExportFormat::Csv, {}, {} }, out), db::StoreError);
}

} // namespace
