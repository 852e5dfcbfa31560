#pragma once

#include "database/store_error.h"

#include <filesystem>
#include <memory>
#include <string>

namespace SQLite {
class Database;
}

namespace awb::db {

// Schema version written to PRAGMA user_version; migrations bring older stores up to it.
inline constexpr int kSchemaVersion = 2;
// PRAGMA application_id of every ALERT Workbench store ("AWB1"), so files of other
// applications are recognised and refused.
inline constexpr int kApplicationId = 0x41574231;

// What a read-only look at a file found, without modifying it.
struct StoreInspection {
    bool exists = false;
    bool empty = false; // a new store would be created
    int schemaVersion = 0;
};

// An open workbench store (one SQLite file). Opening validates the file read-only first —
// a directory, an unreadable file, a file that is not SQLite, another application's
// database, a store from a newer version, or a truncated file is refused with a StoreError
// and the file is left byte-for-byte untouched — then opens it read-write with WAL and
// foreign keys and applies pending migrations.
// Threading: one Store per thread; SQLite's own locking serialises writers across connections.
class Store {
public:
    // Creates the file (and its parent folder) when it does not exist.
    static Store open(const std::filesystem::path& path);
    // Validates without creating or modifying anything; throws StoreError like open().
    static StoreInspection inspect(const std::filesystem::path& path);
    // $XDG_DATA_HOME/alertwb/workbench.sqlite (falls back to ~/.local/share).
    static std::filesystem::path defaultPath();

    Store(Store&&) noexcept;
    Store& operator=(Store&&) noexcept;
    ~Store();

    const std::filesystem::path& path() const { return m_path; }
    int schemaVersion() const;
    // Takes and releases the write lock, so a long job (a profile sweep) learns before it
    // changes anything on the machine that it could not record its results. Throws StoreError:
    // "store … is read-only" or "store … is locked by another process" (after the busy timeout).
    void requireWritable();
    SQLite::Database& database() { return *m_db; }

private:
    Store(std::filesystem::path path, std::unique_ptr<SQLite::Database> db);

    std::filesystem::path m_path;
    std::unique_ptr<SQLite::Database> m_db;
};

} // namespace awb::db
