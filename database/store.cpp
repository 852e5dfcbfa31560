#include "database/store.h"

#include "database/migrations.h"
#include "database/store_internal.h"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Exception.h>
#include <SQLiteCpp/Statement.h>
#include <array>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <pwd.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace fs = std::filesystem;

namespace awb::db {

namespace {

    // The first 16 bytes of every SQLite 3 database file, NUL included.
    constexpr std::array<char, 16> kSqliteMagic
        = { 'S', 'Q', 'L', 'i', 't', 'e', ' ', 'f', 'o', 'r', 'm', 'a', 't', ' ', '3', '\0' };
    constexpr std::size_t kHeaderBytes = 100;
    // How long a connection waits for another one's write lock before failing with SQLITE_BUSY.
    constexpr int kBusyTimeoutMs = 5000;

    // SQLite's own texts (quick_check lists one problem per line) are joined with "; " so
    // the message stays one line.
    [[noreturn]] void refuse(const fs::path& path, const std::string& reason)
    {
        std::string line;
        line.reserve(reason.size());
        for (const char c : reason) {
            if (c == '\n')
                line += "; ";
            else if (c != '\r')
                line += c;
        }
        throw StoreError("cannot open store " + detail::quotedPath(path) + ": " + line);
    }

    std::string errnoText(int error)
    {
        if (error == EACCES || error == EPERM)
            return "permission denied";
        return std::strerror(error);
    }

    fs::path sidePath(const fs::path& path, const char* suffix)
    {
        fs::path side = path;
        side += suffix;
        return side;
    }

    bool pathExists(const fs::path& path)
    {
        struct stat info { };
        return ::lstat(path.c_str(), &info) == 0;
    }

    std::uint32_t bigEndian(const unsigned char* bytes, int count)
    {
        std::uint32_t value = 0;
        for (int i = 0; i < count; ++i)
            value = (value << 8) | bytes[i];
        return value;
    }

    // Owns a file descriptor opened for the read-only header check.
    class ReadOnlyFile {
    public:
        explicit ReadOnlyFile(const fs::path& path)
            : m_fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY))
        {
        }
        ~ReadOnlyFile()
        {
            if (m_fd >= 0)
                ::close(m_fd);
        }
        ReadOnlyFile(const ReadOnlyFile&) = delete;
        ReadOnlyFile& operator=(const ReadOnlyFile&) = delete;

        int fd() const { return m_fd; }

        // Reads up to `size` bytes from the start; returns how many were read, or -1.
        ssize_t readHead(unsigned char* buffer, std::size_t size) const
        {
            std::size_t done = 0;
            while (done < size) {
                const ssize_t n = ::pread(m_fd, buffer + done, size - done, static_cast<off_t>(done));
                if (n < 0 && errno == EINTR)
                    continue;
                if (n < 0)
                    return -1;
                if (n == 0)
                    break;
                done += static_cast<std::size_t>(n);
            }
            return static_cast<ssize_t>(done);
        }

    private:
        int m_fd;
    };

    // What the raw file says before SQLite is involved. Returns the file's size (0: empty).
    std::uint64_t checkFileHeader(const fs::path& path)
    {
        struct stat info { };
        if (::stat(path.c_str(), &info) != 0)
            refuse(path, errnoText(errno));
        if (S_ISDIR(info.st_mode))
            refuse(path, "it is a directory");
        if (!S_ISREG(info.st_mode))
            refuse(path, "it is not a regular file");

        const ReadOnlyFile file(path);
        if (file.fd() < 0)
            refuse(path, errnoText(errno));
        if (::fstat(file.fd(), &info) != 0)
            refuse(path, errnoText(errno));
        const auto fileBytes = static_cast<std::uint64_t>(info.st_size);
        if (fileBytes == 0)
            return 0;

        std::array<unsigned char, kHeaderBytes> header {};
        const ssize_t headerBytes = file.readHead(header.data(), header.size());
        if (headerBytes < 0)
            refuse(path, errnoText(errno));
        if (headerBytes < static_cast<ssize_t>(kSqliteMagic.size())
            || std::memcmp(header.data(), kSqliteMagic.data(), kSqliteMagic.size()) != 0)
            refuse(path, "it is not an SQLite database");
        if (headerBytes < static_cast<ssize_t>(kHeaderBytes))
            refuse(path, "it is truncated (" + std::to_string(headerBytes) + " bytes, shorter than the SQLite header)");

        // Header layout: https://www.sqlite.org/fileformat.html#the_database_header
        std::uint32_t pageBytes = bigEndian(&header[16], 2);
        if (pageBytes == 1)
            pageBytes = 65536;
        if (pageBytes < 512 || pageBytes > 65536 || (pageBytes & (pageBytes - 1)) != 0)
            refuse(path, "its SQLite header is damaged (page size " + std::to_string(pageBytes) + ")");
        const std::uint32_t changeCounter = bigEndian(&header[24], 4);
        const std::uint32_t pageCount = bigEndian(&header[28], 4);
        const std::uint32_t validFor = bigEndian(&header[92], 4);

        // The in-header page count is trustworthy only when it was written by the same
        // transaction as the change counter, and while no -wal holds newer pages (a checkpoint
        // interrupted by a crash may leave the main file shorter until the WAL is replayed).
        struct stat walInfo { };
        const bool walHasFrames = ::stat(sidePath(path, "-wal").c_str(), &walInfo) == 0 && walInfo.st_size > 0;
        const std::uint64_t expectedBytes = std::uint64_t { pageCount } * pageBytes;
        if (!walHasFrames && pageCount > 0 && changeCounter == validFor && fileBytes < expectedBytes)
            refuse(path,
                "it is truncated (" + std::to_string(fileBytes) + " of " + std::to_string(expectedBytes) + " bytes)");
        return fileBytes;
    }

    std::string hex32(std::uint32_t value)
    {
        char text[16];
        std::snprintf(text, sizeof text, "0x%08x", value);
        return text;
    }

    // Up to this size the whole file gets PRAGMA quick_check (about 5 ms per MiB on the 2-core
    // dev machine). Above it, the bulk of the file is run_step, whose full check would dominate
    // opening the store (about 0.6 s for 1,000,000 steps, against the GUI's 1 s budget for
    // open + listRuns): there every table but run_step is checked, and truncation is still
    // caught by the header's page count.
    constexpr std::uint64_t kFullCheckMaxBytes = 32ULL << 20;

    void quickCheck(SQLite::Database& db, const fs::path& path, std::uint64_t fileBytes)
    {
        std::vector<std::string> checks;
        if (fileBytes <= kFullCheckMaxBytes) {
            checks.emplace_back("PRAGMA quick_check(1)");
        } else {
            SQLite::Statement tables(db, "SELECT name FROM sqlite_schema WHERE type = 'table' AND name != 'run_step'");
            while (tables.executeStep())
                checks.push_back("PRAGMA quick_check(\"" + tables.getColumn(0).getString() + "\")");
        }
        for (const std::string& sql : checks) {
            SQLite::Statement check(db, sql);
            if (check.executeStep()) {
                const std::string verdict = check.getColumn(0).getString();
                if (verdict != "ok")
                    refuse(path, "it is damaged or truncated (quick_check: " + verdict + ")");
            }
        }
    }

    // Reads application_id, user_version and the schema through a read-only connection that
    // cannot write the file; throws StoreError for anything that is not a usable store.
    StoreInspection checkDatabase(const fs::path& path, std::uint64_t fileBytes)
    {
        StoreInspection result;
        result.exists = true;
        const detail::SideFileGuard sideFiles(path);
        try {
            // The busy timeout matters when another connection (a page's loader, a CLI sweep)
            // is checkpointing the same store at this moment.
            SQLite::Database db(detail::readOnlyUri(path), SQLite::OPEN_READONLY | SQLite::OPEN_URI, kBusyTimeoutMs);
            const auto applicationId = static_cast<std::uint32_t>(db.execAndGet("PRAGMA application_id").getInt());
            const int userVersion = db.execAndGet("PRAGMA user_version").getInt();
            const int tableCount = db.execAndGet("SELECT count(*) FROM sqlite_schema "
                                                 "WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'")
                                       .getInt();
            if (applicationId == 0 && tableCount == 0 && userVersion == 0) {
                // A blank SQLite file (e.g. a store whose first migration never committed):
                // nothing in it can be damaged by turning it into a store.
                result.empty = true;
                return result;
            }
            if (applicationId != static_cast<std::uint32_t>(kApplicationId)) {
                refuse(path,
                    applicationId == 0 ? "it is an SQLite database of another application (it has no ALERT "
                                         "Workbench application_id)"
                                       : "it is an SQLite database of another application (application_id "
                            + hex32(applicationId) + ")");
            }
            if (userVersion > kSchemaVersion)
                refuse(path,
                    "it was written by a newer ALERT Workbench (schema " + std::to_string(userVersion)
                        + ", this build reads up to " + std::to_string(kSchemaVersion) + ")");
            quickCheck(db, path, fileBytes);
            result.schemaVersion = userVersion;
            result.empty = userVersion == 0 && tableCount == 0;
        } catch (const SQLite::Exception& error) {
            const int code = error.getErrorCode() & 0xFF;
            if (code == SQLITE_CORRUPT || code == SQLITE_NOTADB)
                refuse(path, std::string("it is damaged or truncated (") + error.what() + ")");
            if (code == SQLITE_BUSY)
                refuse(path, "it is locked by another process");
            refuse(path, std::string("SQLite cannot read it (") + error.what() + ")");
        }
        return result;
    }

    std::string percentEncode(const std::string& text)
    {
        static const char kHexDigits[] = "0123456789ABCDEF";
        std::string out;
        out.reserve(text.size());
        for (const char c : text) {
            const auto byte = static_cast<unsigned char>(c);
            const bool plain = (byte >= 'a' && byte <= 'z') || (byte >= 'A' && byte <= 'Z')
                || (byte >= '0' && byte <= '9') || byte == '/' || byte == '-' || byte == '_' || byte == '.'
                || byte == '~';
            if (plain) {
                out += c;
            } else {
                out += '%';
                out += kHexDigits[byte >> 4];
                out += kHexDigits[byte & 0xF];
            }
        }
        return out;
    }

    fs::path homeDirectory()
    {
        if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0')
            return home;
        if (const passwd* entry = ::getpwuid(::getuid()); entry != nullptr && entry->pw_dir != nullptr)
            return entry->pw_dir;
        return fs::current_path();
    }

} // namespace

namespace detail {

    SideFileGuard::SideFileGuard(const fs::path& path)
        : m_shm(sidePath(path, "-shm"))
        , m_removeShm(pathExists(sidePath(path, "-wal")) && !pathExists(m_shm))
    {
    }

    SideFileGuard::~SideFileGuard()
    {
        std::error_code ignored;
        if (m_removeShm)
            fs::remove(m_shm, ignored);
    }

    std::string readOnlyUri(const fs::path& path)
    {
        const fs::path absolute = fs::absolute(path);
        std::string uri = "file:" + percentEncode(absolute.string()) + "?mode=ro";
        if (!pathExists(sidePath(absolute, "-wal")))
            uri += "&immutable=1";
        return uri;
    }

    std::string quotedPath(const fs::path& path)
    {
        std::string out = "'";
        for (const char c : path.string()) {
            const auto byte = static_cast<unsigned char>(c);
            if (c == '\n') {
                out += "\\n";
            } else if (c == '\t') {
                out += "\\t";
            } else if (byte < 0x20 || byte == 0x7f) {
                char escaped[8];
                std::snprintf(escaped, sizeof escaped, "\\x%02x", byte);
                out += escaped;
            } else {
                out += c;
            }
        }
        out += "'";
        return out;
    }

} // namespace detail

StoreInspection Store::inspect(const fs::path& path)
{
    struct stat info { };
    if (::stat(path.c_str(), &info) != 0) {
        if (errno == ENOENT)
            return StoreInspection { .exists = false, .empty = true, .schemaVersion = 0 };
        refuse(path, errnoText(errno));
    }
    const std::uint64_t fileBytes = checkFileHeader(path);
    if (fileBytes == 0)
        return StoreInspection { .exists = true, .empty = true, .schemaVersion = 0 };
    return checkDatabase(path, fileBytes);
}

Store Store::open(const fs::path& path)
{
    const StoreInspection inspection = inspect(path);
    const fs::path absolute = fs::absolute(path);
    if (!inspection.exists && absolute.has_parent_path()) {
        std::error_code error;
        fs::create_directories(absolute.parent_path(), error);
        if (error)
            refuse(path, "cannot create its folder (" + error.message() + ")");
    }
    try {
        // OPEN_URI lets ATTACH (merge) take read-only URIs; the main name is an absolute
        // path, so it is never itself mistaken for a "file:" URI.
        auto db = std::make_unique<SQLite::Database>(
            absolute.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_URI, kBusyTimeoutMs);
        db->exec("PRAGMA foreign_keys = ON");
        const std::string journalMode = db->execAndGet("PRAGMA journal_mode = WAL").getString();
        if (journalMode != "wal")
            refuse(
                path, "its file system does not support write-ahead logging (journal mode stayed " + journalMode + ")");
        // In WAL mode NORMAL keeps the file consistent after a crash; only the last commits
        // before a power loss may be lost.
        db->exec("PRAGMA synchronous = NORMAL");
        applyMigrations(*db);
        return Store(path, std::move(db));
    } catch (const SQLite::Exception& error) {
        if ((error.getErrorCode() & 0xff) == SQLITE_BUSY)
            refuse(path, "it is locked by another process");
        if ((error.getErrorCode() & 0xff) == SQLITE_READONLY)
            refuse(path, "it is read-only here (no permission to write the file or its folder)");
        refuse(path, error.what());
    }
}

fs::path Store::defaultPath()
{
    fs::path dataHome;
    if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg != nullptr && fs::path(xdg).is_absolute())
        dataHome = xdg;
    else
        dataHome = homeDirectory() / ".local" / "share";
    return dataHome / "alertwb" / "workbench.sqlite";
}

Store::Store(fs::path path, std::unique_ptr<SQLite::Database> db)
    : m_path(std::move(path))
    , m_db(std::move(db))
{
}
Store::Store(Store&&) noexcept = default;
Store& Store::operator=(Store&&) noexcept = default;
Store::~Store() = default;

void Store::requireWritable()
{
    if (sqlite3_db_readonly(m_db->getHandle(), "main") == 1)
        throw StoreError("store " + detail::quotedPath(m_path) + " is read-only: results cannot be recorded");
    try {
        m_db->exec("BEGIN IMMEDIATE");
        m_db->exec("ROLLBACK");
    } catch (const SQLite::Exception& error) {
        const int code = error.getErrorCode() & 0xff;
        if (code == SQLITE_BUSY || code == SQLITE_LOCKED)
            throw StoreError("store " + detail::quotedPath(m_path) + " is locked by another process");
        if (code == SQLITE_READONLY)
            throw StoreError("store " + detail::quotedPath(m_path) + " is read-only: results cannot be recorded");
        throw StoreError("store " + detail::quotedPath(m_path) + " cannot be written: " + error.what());
    }
}

int Store::schemaVersion() const { return m_db->execAndGet("PRAGMA user_version").getInt(); }

} // namespace awb::db
