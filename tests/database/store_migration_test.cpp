// Upgrading a store written by schema v1: rows survive, the per-input correctness that refers to
// model outputs survives the rebuild of model_output, and the result is the schema a new store gets.
#include "database/migrations.h"
#include "database/repositories.h"
#include "database/store.h"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <gtest/gtest.h>

#include "database_test_support.h"

namespace awb::db::test {
namespace {

    namespace fs = std::filesystem;

    // A store as schema v1 left it: one data set, one model with two outputs (accuracy NOT NULL
    // then) and correctness for both outputs.
    void writeVersion1Store(const fs::path& path)
    {
        SQLite::Database db(path.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        db.exec("PRAGMA foreign_keys = ON");
        ASSERT_EQ(migrations()[0].version, 1);
        db.exec(migrations()[0].sql);
        db.exec("PRAGMA application_id = " + std::to_string(kApplicationId));
        db.exec("PRAGMA user_version = 1");
        db.exec("INSERT INTO dataset VALUES (1, 'fashion-mnist-test', 'fashion-mnist', 'test', 10, '/data')");
        db.exec("INSERT INTO model (id, uid, name, kind, source, created_at) "
                "VALUES (1, 'm1', 'cnn-xs', 'anytime', 'zoo', '2024-05-01T10:00:00Z')");
        db.exec("INSERT INTO model_output VALUES (1, 0, 1000, 10, 0.75), (1, 1, 3000, 30, 0.8)");
        db.exec("INSERT INTO input_correctness VALUES (1, 0, 1, 10, x'FF01'), (1, 1, 1, 10, x'0F02')");
    }

    std::string schemaOf(const fs::path& path)
    {
        SQLite::Database db(path.string(), SQLite::OPEN_READONLY);
        SQLite::Statement select(db, "SELECT name, sql FROM sqlite_schema ORDER BY name");
        std::string text;
        while (select.executeStep())
            text += select.getColumn(0).getString() + ": " + select.getColumn(1).getString() + "\n";
        return text;
    }

    TEST(DatabaseStoreMigration, Version1StoreKeepsOutputsAndCorrectness)
    {
        TempDir dir;
        const fs::path path = dir / "v1.sqlite";
        writeVersion1Store(path);

        Store store = Store::open(path);
        EXPECT_EQ(store.schemaVersion(), kSchemaVersion);
        ModelRepository models(store);
        const auto model = models.find(1);
        ASSERT_TRUE(model.has_value());
        ASSERT_EQ(model->outputs.size(), 2u);
        EXPECT_DOUBLE_EQ(model->outputs[0].testAccuracy.value(), 0.75);
        EXPECT_EQ(model->outputs[1].cumulativeMacs, 3000);
        EXPECT_DOUBLE_EQ(model->outputs[1].testAccuracy.value(), 0.8);
        const auto correctness = models.correctness(1, 1, 1);
        ASSERT_TRUE(correctness.has_value());
        ASSERT_EQ(correctness->correct.size(), 10u);
        EXPECT_TRUE(correctness->correct[0]);
        EXPECT_FALSE(correctness->correct[4]);
        EXPECT_TRUE(correctness->correct[9]);
        SQLite::Statement violations(store.database(), "PRAGMA foreign_key_check");
        EXPECT_FALSE(violations.executeStep()) << "a foreign key points nowhere after the rebuild";
    }

    TEST(DatabaseStoreMigration, UpgradedStoreTakesNullAccuracyAndStillCascades)
    {
        TempDir dir;
        const fs::path path = dir / "v1.sqlite";
        writeVersion1Store(path);
        Store store = Store::open(path);
        auto& db = store.database();
        db.exec("INSERT INTO model_output VALUES (1, 2, 5000, 50, NULL)");
        // Correctness must still refer to an existing output...
        EXPECT_THROW(db.exec("INSERT INTO input_correctness VALUES (1, 7, 1, 10, x'00')"), SQLite::Exception);
        // ...and go with its model.
        db.exec("DELETE FROM model WHERE id = 1");
        EXPECT_EQ(db.execAndGet("SELECT count(*) FROM model_output").getInt(), 0);
        EXPECT_EQ(db.execAndGet("SELECT count(*) FROM input_correctness").getInt(), 0);
    }

    TEST(DatabaseStoreMigration, UpgradedSchemaEqualsNewStoreSchema)
    {
        TempDir dir;
        writeVersion1Store(dir / "v1.sqlite");
        Store::open(dir / "v1.sqlite");
        Store::open(dir / "new.sqlite");
        EXPECT_EQ(schemaOf(dir / "v1.sqlite"), schemaOf(dir / "new.sqlite"));
    }

} // namespace
} // namespace awb::db::test
