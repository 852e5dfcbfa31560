#pragma once

// Helpers shared by the repository sources (private to database/).

#include "core/records/profile_record.h"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <cstdint>
#include <filesystem>
#include <string>

namespace awb::db::detail {

// Fills an empty uid with 128 random bits as 32 lowercase hex digits (merge matches on it).
void fillUid(std::string& uid);
// Fills an empty timestamp with the current time, ISO-8601 UTC (core::isoTimeUtcNow).
void fillNow(std::string& timestamp);
// Optional references are stored as NULL; records use 0 for "none".
void bindOptionalId(SQLite::Statement& statement, int index, std::int64_t id);

// SQLite integers are signed 64-bit; seeds keep all 64 bits through a two's-complement cast.
inline std::int64_t seedToColumn(std::uint64_t seed) { return static_cast<std::int64_t>(seed); }
inline std::uint64_t seedFromColumn(std::int64_t value) { return static_cast<std::uint64_t>(value); }

// Sets status and finished_at of one profile_session or run row; StoreError when it does not exist.
void finishRow(SQLite::Database& db, const std::filesystem::path& path, const char* table, std::int64_t id,
    core::SessionStatus status, const std::string& finishedAt);

std::int64_t countRows(SQLite::Database& db, const char* table);

} // namespace awb::db::detail
