#include "database/migrations.h"
#include "database/repositories.h"
#include "database/store.h"

#include <SQLiteCpp/Database.h>
#include <cstdlib>
#include <gtest/gtest.h>
#include <atomic>
#include <optional>
#include <thread>

#include "database_test_support.h"

namespace awb::db::test {
namespace {

    namespace fs = std::filesystem;

    std::string pragma(Store& store, const std::string& name)
    {
        return store.database().execAndGet("PRAGMA " + name).getString();
    }

    std::string schemaText(Store& store)
    {
        return store.database().execAndGet("SELECT group_concat(sql, ';') FROM sqlite_schema").getString();
    }

    TEST(DatabaseStoreOpen, NewStoreCreatesFoldersAndSetsPragmas)
    {
        TempDir dir;
        const fs::path path = dir / "nested/deeper/workbench.sqlite";
        Store store = Store::open(path);
        EXPECT_TRUE(fs::is_regular_file(path));
        EXPECT_EQ(store.path(), path);
        EXPECT_EQ(store.schemaVersion(), kSchemaVersion);
        EXPECT_EQ(pragma(store, "user_version"), std::to_string(kSchemaVersion));
        EXPECT_EQ(store.database().execAndGet("PRAGMA application_id").getInt(), kApplicationId);
        EXPECT_EQ(pragma(store, "journal_mode"), "wal");
        EXPECT_EQ(pragma(store, "foreign_keys"), "1");
        EXPECT_EQ(pragma(store, "synchronous"), "1"); // NORMAL
        for (const char* table : { "device", "dataset", "model", "model_output", "input_correctness", "profile_session",
                 "profile_cell", "run", "run_step", "run_event" })
            EXPECT_TRUE(store.database().tableExists(table)) << table;
    }

    // Pages load a store on worker threads while the window opens it again; every one of those
    // opens must wait out the others' commits and checkpoints instead of refusing the store.
    TEST(DatabaseStoreOpen, OpeningWhileAnotherConnectionWritesAndClosesSucceeds)
    {
        TempDir dir;
        const fs::path path = dir / "shared.sqlite";
        Store::open(path);
        std::atomic<bool> stop { false };
        std::atomic<int> writerCommits { 0 };
        std::vector<std::string> writerRefusals; // touched by the writer only until join()
        std::thread writer([&] {
            while (!stop.load()) {
                try {
                    // Each close of the last connection checkpoints and deletes the -wal.
                    Store store = Store::open(path);
                    store.database().exec("PRAGMA user_version = " + std::to_string(kSchemaVersion));
                    writerCommits.fetch_add(1);
                } catch (const StoreError& error) {
                    writerRefusals.emplace_back(error.what());
                    writerCommits.fetch_add(1);
                }
            }
        });
        std::vector<std::string> refusals;
        for (int i = 0; i < 300 || writerCommits.load() < 20; ++i) {
            try {
                Store::open(path);
            } catch (const StoreError& error) {
                refusals.emplace_back(error.what());
            }
        }
        stop = true;
        writer.join();
        refusals.insert(refusals.end(), writerRefusals.begin(), writerRefusals.end());
        EXPECT_TRUE(refusals.empty()) << refusals.size() << " refusals, the first: " << refusals.front();
        EXPECT_TRUE(fs::exists(path));
        EXPECT_EQ(Store::open(path).schemaVersion(), kSchemaVersion);
    }

    TEST(DatabaseStoreOpen, ZeroByteFileBecomesStore)
    {
        TempDir dir;
        const fs::path path = dir / "empty.sqlite";
        writeBytes(path, "");
        const StoreInspection inspection = Store::inspect(path);
        EXPECT_TRUE(inspection.exists);
        EXPECT_TRUE(inspection.empty);
        Store store = Store::open(path);
        EXPECT_EQ(store.schemaVersion(), kSchemaVersion);
        EXPECT_TRUE(store.database().tableExists("run_step"));
    }

    TEST(DatabaseStoreOpen, BlankSqliteFileBecomesStore)
    {
        TempDir dir;
        const fs::path path = dir / "blank.sqlite";
        {
            SQLite::Database blank(path.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
            blank.exec("CREATE TABLE scratch (x); DROP TABLE scratch");
        }
        ASSERT_GT(fs::file_size(path), 0u);
        EXPECT_TRUE(Store::inspect(path).empty);
        Store store = Store::open(path);
        EXPECT_EQ(store.schemaVersion(), kSchemaVersion);
    }

    TEST(DatabaseStoreOpen, InspectOfMissingFileCreatesNothing)
    {
        TempDir dir;
        const fs::path path = dir / "missing/workbench.sqlite";
        const StoreInspection inspection = Store::inspect(path);
        EXPECT_FALSE(inspection.exists);
        EXPECT_TRUE(inspection.empty);
        EXPECT_FALSE(fs::exists(dir / "missing"));
    }

    TEST(DatabaseStoreOpen, ReopenKeepsDataAndDoesNotMigrateAgain)
    {
        TempDir dir;
        const fs::path path = dir / "workbench.sqlite";
        std::string schemaBefore;
        std::int64_t deviceId = 0;
        {
            Store store = Store::open(path);
            schemaBefore = schemaText(store);
            auto device = sampleDevice();
            deviceId = DeviceRepository(store).upsert(device);
        }
        EXPECT_FALSE(sideFileExists(path, "-wal")) << "closing the last connection checkpoints the WAL";
        const StoreInspection inspection = Store::inspect(path);
        EXPECT_FALSE(inspection.empty);
        EXPECT_EQ(inspection.schemaVersion, kSchemaVersion);
        Store store = Store::open(path);
        EXPECT_EQ(schemaText(store), schemaBefore);
        EXPECT_EQ(store.schemaVersion(), kSchemaVersion);
        const auto device = DeviceRepository(store).find(deviceId);
        ASSERT_TRUE(device.has_value());
        EXPECT_EQ(device->host, "bench-01");
    }

    TEST(DatabaseStoreOpen, TwoConnectionsShareOneStore)
    {
        TempDir dir;
        const fs::path path = dir / "workbench.sqlite";
        Store first = Store::open(path);
        Store second = Store::open(path);
        auto device = sampleDevice();
        DeviceRepository(first).upsert(device);
        EXPECT_EQ(DeviceRepository(second).list().size(), 1u);
    }

    TEST(DatabaseStoreOpen, ForeignKeysAreEnforced)
    {
        TempDir dir;
        Store store = Store::open(dir / "workbench.sqlite");
        auto run = sampleRun(/*deviceId=*/999, /*sessionId=*/0, "2024-05-01T12:00:00Z");
        EXPECT_THROW(RunRepository(store).createRun(run), std::exception);
        EXPECT_TRUE(RunRepository(store).listRuns().empty());
    }

    TEST(DatabaseStoreOpen, MigrationsAreEmbeddedCopiesOfTheSqlFiles)
    {
        const auto all = migrations();
        ASSERT_FALSE(all.empty());
        EXPECT_EQ(all.back().version, kSchemaVersion);
        for (std::size_t i = 0; i < all.size(); ++i)
            EXPECT_EQ(all[i].version, static_cast<int>(i) + 1);
        for (const Migration& migration : all) {
            const fs::path source
                = (fs::path(AWB_TEST_DATA_DIR) / "../../database/migrations" / (std::string(migration.name) + ".sql"))
                      .lexically_normal();
            ASSERT_TRUE(fs::exists(source)) << source;
            EXPECT_EQ(std::string(migration.sql), readBytes(source));
        }
    }

    TEST(DatabaseStoreOpen, DefaultPathFollowsXdgDataHome)
    {
        const char* oldXdg = std::getenv("XDG_DATA_HOME");
        const char* oldHome = std::getenv("HOME");
        const std::optional<std::string> savedXdg = oldXdg ? std::optional<std::string>(oldXdg) : std::nullopt;
        const std::optional<std::string> savedHome = oldHome ? std::optional<std::string>(oldHome) : std::nullopt;

        ::setenv("XDG_DATA_HOME", "/srv/data", 1);
        EXPECT_EQ(Store::defaultPath(), fs::path("/srv/data/alertwb/workbench.sqlite"));
        ::unsetenv("XDG_DATA_HOME");
        ::setenv("HOME", "/home/tester", 1);
        EXPECT_EQ(Store::defaultPath(), fs::path("/home/tester/.local/share/alertwb/workbench.sqlite"));

        if (savedXdg)
            ::setenv("XDG_DATA_HOME", savedXdg->c_str(), 1);
        if (savedHome)
            ::setenv("HOME", savedHome->c_str(), 1);
        else
            ::unsetenv("HOME");
    }

} // namespace
} // namespace awb::db::test
