#include "database/migrations.h"

#include "database/store.h"
#include "database/store_error.h"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>
#include <string>

namespace awb::db {

std::span<const Migration> migrations() { return { detail::kEmbeddedMigrations, detail::kEmbeddedMigrationCount }; }

namespace {

    // The generated list is built from file names; a gap or a duplicate would silently skip or
    // repeat schema steps, and kSchemaVersion must name the last one.
    void checkMigrationList()
    {
        const auto all = migrations();
        for (std::size_t i = 0; i < all.size(); ++i) {
            if (all[i].version != static_cast<int>(i) + 1)
                throw StoreError("migration " + std::string(all[i].name) + " is out of sequence (expected number "
                    + std::to_string(i + 1) + ")");
        }
        if (all.empty() || all.back().version != kSchemaVersion)
            throw StoreError("this build's migrations end at schema "
                + std::to_string(all.empty() ? 0 : all.back().version) + " but it declares schema "
                + std::to_string(kSchemaVersion));
    }

} // namespace

int applyMigrations(SQLite::Database& db)
{
    checkMigrationList();
    // IMMEDIATE takes the write lock before reading user_version, so two processes opening a
    // new store at once cannot both run migration 1.
    SQLite::Transaction transaction(db, SQLite::TransactionBehavior::IMMEDIATE);
    int version = db.execAndGet("PRAGMA user_version").getInt();
    if (version >= kSchemaVersion)
        return version; // nothing to do; the transaction rolls back without having written
    for (const Migration& migration : migrations()) {
        if (migration.version <= version)
            continue;
        db.exec(migration.sql);
        version = migration.version;
    }
    // Header fields are part of the transaction: a crash leaves the old version and no tables.
    db.exec("PRAGMA application_id = " + std::to_string(kApplicationId));
    db.exec("PRAGMA user_version = " + std::to_string(version));
    transaction.commit();
    return version;
}

} // namespace awb::db
