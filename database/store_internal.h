#pragma once

// Helpers shared by store.cpp and store_merge.cpp; not part of the layer's public API.

#include <filesystem>
#include <string>

namespace awb::db::detail {

// A read-only SQLite URI for `path` ("file:/abs/path?mode=ro…"), for ATTACH or
// sqlite3_open_v2 with SQLITE_OPEN_URI. When the file has no -wal beside it the URI adds
// `immutable=1`, which makes SQLite skip locking and never create -wal/-shm files; with a
// -wal present the WAL must be read, so the URI is plain read-only (SQLite may then create a
// -shm, which the caller removes when it did not exist before).
std::string readOnlyUri(const std::filesystem::path& path);

// Removes the -shm a read-only connection made beside `path`, once that connection is closed:
// declare it before the connection (or ATTACH) so it is destroyed after it. Only a -wal left
// without its -shm (a crashed writer) makes SQLite create one; a -wal is never removed, and
// neither is a -shm that existed or appeared while no -wal was there (a live writer of another
// process owns those, and removing them would lose its commits).
class SideFileGuard {
public:
    explicit SideFileGuard(const std::filesystem::path& path);
    ~SideFileGuard();
    SideFileGuard(const SideFileGuard&) = delete;
    SideFileGuard& operator=(const SideFileGuard&) = delete;

private:
    std::filesystem::path m_shm;
    bool m_removeShm;
};

// "'<path>'" with control characters escaped, so a message naming it stays on one line.
std::string quotedPath(const std::filesystem::path& path);

} // namespace awb::db::detail
