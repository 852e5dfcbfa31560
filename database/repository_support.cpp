#include "database/repository_support.h"

#include "core/system/iso_time.h"
#include "database/store_error.h"
#include "database/store_internal.h"

#include <cstdio>
#include <random>

namespace awb::db::detail {

namespace {

    // The generator is per thread, so repositories on different threads never share state.
    std::string randomUid()
    {
        thread_local std::mt19937_64 generator = [] {
            std::random_device device;
            std::seed_seq seed { device(), device(), device(), device(), device(), device(), device(), device() };
            return std::mt19937_64(seed);
        }();
        char text[33];
        std::snprintf(text, sizeof text, "%016llx%016llx", static_cast<unsigned long long>(generator()),
            static_cast<unsigned long long>(generator()));
        return text;
    }

} // namespace

void fillUid(std::string& uid)
{
    if (uid.empty())
        uid = randomUid();
}

void fillNow(std::string& timestamp)
{
    if (timestamp.empty())
        timestamp = core::isoTimeUtcNow();
}

void bindOptionalId(SQLite::Statement& statement, int index, std::int64_t id)
{
    if (id == 0)
        statement.bind(index);
    else
        statement.bind(index, id);
}

void finishRow(SQLite::Database& db, const std::filesystem::path& path, const char* table, std::int64_t id,
    core::SessionStatus status, const std::string& finishedAt)
{
    SQLite::Statement update(db, std::string("UPDATE ") + table + " SET status = ?, finished_at = ? WHERE id = ?");
    update.bind(1, core::toString(status));
    update.bind(2, finishedAt);
    update.bind(3, id);
    if (update.exec() == 0)
        throw StoreError("store " + quotedPath(path) + " has no " + table + " with id " + std::to_string(id));
}

std::int64_t countRows(SQLite::Database& db, const char* table)
{
    return db.execAndGet(std::string("SELECT count(*) FROM ") + table).getInt64();
}

} // namespace awb::db::detail
