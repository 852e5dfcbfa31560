#include "database/store.h"

#include <SQLiteCpp/Database.h>
#include <algorithm>
#include <cstdint>
#include <functional>
#include <grp.h>
#include <gtest/gtest.h>
#include <random>
#include <sys/wait.h>
#include <unistd.h>

#include "database_test_support.h"

namespace awb::db::test {
namespace {

    namespace fs = std::filesystem;

    std::string quoted(const fs::path& path) { return "'" + path.string() + "'"; }

    // Everything a refused open may not touch: the file's bytes and which side files exist.
    struct Snapshot {
        explicit Snapshot(const fs::path& path)
            : bytes(fs::is_regular_file(path) ? readBytes(path) : std::string())
            , wal(sideFileExists(path, "-wal"))
            , walBytes(wal ? readBytes(fs::path(path.string() + "-wal")) : "")
            , shm(sideFileExists(path, "-shm"))
            , journal(sideFileExists(path, "-journal"))
        {
        }
        bool operator==(const Snapshot&) const = default;

        std::string bytes;
        bool wal;
        std::string walBytes;
        bool shm;
        bool journal;
    };

    std::string refusalOf(const std::function<void()>& attempt)
    {
        try {
            attempt();
        } catch (const StoreError& error) {
            return error.what();
        }
        return "(no StoreError)";
    }

    // Both inspect() and open() refuse with exactly `expected`, one line, and leave the file as it was.
    void expectRefused(const fs::path& path, const std::string& expected)
    {
        const Snapshot before(path);
        EXPECT_EQ(refusalOf([&] { Store::inspect(path); }), expected);
        EXPECT_EQ(refusalOf([&] { Store::open(path); }), expected);
        EXPECT_EQ(expected.find('\n'), std::string::npos);
        const Snapshot after(path);
        EXPECT_EQ(after.bytes.size(), before.bytes.size());
        EXPECT_TRUE(after.bytes == before.bytes) << "the refused file changed";
        EXPECT_EQ(after.wal, before.wal);
        EXPECT_TRUE(after.walBytes == before.walBytes) << "the refused file's WAL changed";
        EXPECT_EQ(after.shm, before.shm);
        EXPECT_EQ(after.journal, before.journal);
    }

    // A closed store with a few hundred steps, so it spans many pages.
    void makeStoreWithSteps(const fs::path& path, int stepCount)
    {
        Store store = Store::open(path);
        auto& db = store.database();
        db.exec("INSERT INTO device (id, uid, host, backend, created_at) VALUES (1, 'd1', 'h', 'rapl', 't');"
                "INSERT INTO model (id, uid, name, kind, source, created_at) VALUES (1, 'm1', 'n', 'traditional', "
                "'zoo', 't');"
                "INSERT INTO run (id, uid, device_id, controller, goal_mode, deadline_ms, scenario, started_at, "
                "status) VALUES (1, 'r1', 1, 'alert', 'min-energy', 10, 'server', 't', 'complete')");
        db.exec("WITH RECURSIVE i(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM i WHERE n + 1 < "
            + std::to_string(stepCount)
            + ") INSERT INTO run_step SELECT (1 << 32) + n, 1, n, n * 1.5, 1, 0, 40.5, 12.25, 0.5, 1, 1, 1.1, 1.2, 0.1, 12.5, "
              "0.45, 0.9 FROM i");
    }

    std::uint32_t headerField(const std::string& bytes, std::size_t offset, int width)
    {
        std::uint32_t value = 0;
        for (int i = 0; i < width; ++i)
            value = (value << 8) | static_cast<unsigned char>(bytes[offset + static_cast<std::size_t>(i)]);
        return value;
    }

    TEST(DatabaseStoreRefusal, Directory)
    {
        TempDir dir;
        const fs::path path = dir / "store.sqlite";
        fs::create_directory(path);
        expectRefused(path, "cannot open store " + quoted(path) + ": it is a directory");
        EXPECT_TRUE(fs::is_empty(path));
    }

    TEST(DatabaseStoreRefusal, UnreadableFile)
    {
        TempDir dir;
        const fs::path path = dir / "locked.sqlite";
        makeStoreWithSteps(path, 10);
        const Snapshot before(path);
        const std::string expected = "cannot open store " + quoted(path) + ": permission denied";
        std::string message;
        if (::geteuid() == 0) {
            // Root reads any file, so the attempt runs in a child that has become "nobody";
            // the file stays owned by root with mode 0600.
            ASSERT_EQ(::chmod(path.c_str(), 0600), 0);
            int pipeFds[2];
            ASSERT_EQ(::pipe(pipeFds), 0);
            const pid_t child = ::fork();
            ASSERT_GE(child, 0);
            if (child == 0) {
                ::close(pipeFds[0]);
                std::string result;
                if (::setgroups(0, nullptr) != 0 || ::setgid(65534) != 0 || ::setuid(65534) != 0)
                    result = "(could not become nobody)";
                else
                    result = refusalOf([&] { Store::open(path); });
                const ssize_t ignored = ::write(pipeFds[1], result.data(), result.size());
                static_cast<void>(ignored);
                ::_exit(0);
            }
            ::close(pipeFds[1]);
            char buffer[1024];
            ssize_t n = 0;
            while ((n = ::read(pipeFds[0], buffer, sizeof buffer)) > 0)
                message.append(buffer, static_cast<std::size_t>(n));
            ::close(pipeFds[0]);
            int status = 0;
            ASSERT_EQ(::waitpid(child, &status, 0), child);
            EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        } else {
            ASSERT_EQ(::chmod(path.c_str(), 0), 0);
            message = refusalOf([&] { Store::open(path); });
        }
        ::chmod(path.c_str(), 0644);
        EXPECT_EQ(message, expected);
        EXPECT_TRUE(Snapshot(path) == before);
    }

    TEST(DatabaseStoreRefusal, RandomBytes)
    {
        TempDir dir;
        const fs::path path = dir / "noise.sqlite";
        std::mt19937 generator(7);
        std::string noise(8192, '\0');
        for (char& c : noise)
            c = static_cast<char>(generator() & 0xFF);
        writeBytes(path, noise);
        expectRefused(path, "cannot open store " + quoted(path) + ": it is not an SQLite database");
    }

    TEST(DatabaseStoreRefusal, HeaderCutShort)
    {
        TempDir dir;
        const fs::path path = dir / "short.sqlite";
        writeBytes(path, std::string("SQLite format 3\0", 16) + std::string(34, '\x01'));
        expectRefused(
            path, "cannot open store " + quoted(path) + ": it is truncated (50 bytes, shorter than the SQLite header)");
    }

    TEST(DatabaseStoreRefusal, OtherApplicationWithApplicationId)
    {
        TempDir dir;
        const fs::path path = dir / "other.sqlite";
        {
            SQLite::Database other(path.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
            other.exec("PRAGMA application_id = 305419896; CREATE TABLE notes (body TEXT); "
                       "INSERT INTO notes VALUES ('keep me')");
        }
        expectRefused(path,
            "cannot open store " + quoted(path)
                + ": it is an SQLite database of another application (application_id 0x12345678)");
    }

    TEST(DatabaseStoreRefusal, OtherApplicationWithoutApplicationId)
    {
        TempDir dir;
        const fs::path path = dir / "places.sqlite";
        {
            SQLite::Database other(path.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
            other.exec("PRAGMA journal_mode = WAL; CREATE TABLE places (url TEXT); INSERT INTO places VALUES ('x')");
        }
        expectRefused(path,
            "cannot open store " + quoted(path)
                + ": it is an SQLite database of another application (it has no ALERT "
                  "Workbench application_id)");
    }

    TEST(DatabaseStoreRefusal, NewerSchema)
    {
        TempDir dir;
        const fs::path path = dir / "newer.sqlite";
        {
            Store store = Store::open(path);
            store.database().exec("PRAGMA user_version = 7");
        }
        ASSERT_FALSE(sideFileExists(path, "-wal"));
        expectRefused(path,
            "cannot open store " + quoted(path)
                + ": it was written by a newer ALERT Workbench (schema 7, this build reads up to "
                + std::to_string(kSchemaVersion) + ")");
    }

    // A newer store whose last commit is still in its WAL (its writer crashed): the refusal
    // must come from the WAL's content, and the -shm a read-only reader needs must not stay.
    TEST(DatabaseStoreRefusal, NewerSchemaStillInWal)
    {
        TempDir dir;
        const fs::path live = dir / "live.sqlite";
        const fs::path crashed = dir / "crashed.sqlite";
        {
            Store store = Store::open(live);
            store.database().exec("PRAGMA wal_autocheckpoint = 0; PRAGMA user_version = 9");
            fs::copy_file(live, crashed);
            fs::copy_file(fs::path(live.string() + "-wal"), fs::path(crashed.string() + "-wal"));
        }
        ASSERT_TRUE(sideFileExists(crashed, "-wal"));
        ASSERT_FALSE(sideFileExists(crashed, "-shm"));
        expectRefused(crashed,
            "cannot open store " + quoted(crashed)
                + ": it was written by a newer ALERT Workbench (schema 9, this build reads up to "
                + std::to_string(kSchemaVersion) + ")");
    }

    TEST(DatabaseStoreRefusal, TruncatedFile)
    {
        TempDir dir;
        const fs::path path = dir / "cut.sqlite";
        makeStoreWithSteps(path, 3000);
        const std::string bytes = readBytes(path);
        const std::uint64_t pageBytes = headerField(bytes, 16, 2);
        const std::uint64_t expectedBytes = headerField(bytes, 28, 4) * pageBytes;
        ASSERT_EQ(expectedBytes, bytes.size());
        const std::size_t kept = bytes.size() / 2;
        writeBytes(path, bytes.substr(0, kept));
        expectRefused(path,
            "cannot open store " + quoted(path) + ": it is truncated (" + std::to_string(kept) + " of "
                + std::to_string(expectedBytes) + " bytes)");
    }

    TEST(DatabaseStoreRefusal, DamagedPagesFailQuickCheck)
    {
        TempDir dir;
        const fs::path path = dir / "damaged.sqlite";
        makeStoreWithSteps(path, 3000);
        std::string bytes = readBytes(path);
        const std::size_t pageBytes = headerField(bytes, 16, 2);
        // Overwrite the last page (a run_step leaf) with a pattern: the size still matches the
        // header, so only SQLite's own check can notice.
        std::fill(bytes.end() - static_cast<std::ptrdiff_t>(pageBytes), bytes.end(), '\x5a');
        writeBytes(path, bytes);
        const Snapshot before(path);
        const std::string message = refusalOf([&] { Store::open(path); });
        const std::string prefix = "cannot open store " + quoted(path) + ": it is damaged or truncated (";
        EXPECT_EQ(message.substr(0, prefix.size()), prefix) << message;
        EXPECT_EQ(message.find('\n'), std::string::npos);
        EXPECT_TRUE(Snapshot(path) == before);
    }

    // Past the full-check size only run_step is left out of quick_check: damage to any other
    // table of a big store is still refused.
    TEST(DatabaseStoreRefusal, DamagedTableOfALargeStore)
    {
        TempDir dir;
        const fs::path path = dir / "large.sqlite";
        makeStoreWithSteps(path, 400'000);
        ASSERT_GT(fs::file_size(path), 32u << 20) << "the store must exceed the full-check size";
        std::int64_t rootPage = 0;
        {
            SQLite::Database db(path.string());
            rootPage = db.execAndGet("SELECT rootpage FROM sqlite_schema WHERE name = 'model'").getInt64();
        }
        std::string bytes = readBytes(path);
        const std::size_t pageBytes = headerField(bytes, 16, 2);
        const auto pageStart = bytes.begin() + static_cast<std::ptrdiff_t>((rootPage - 1) * pageBytes);
        std::fill(pageStart, pageStart + static_cast<std::ptrdiff_t>(pageBytes), '\x5a');
        writeBytes(path, bytes);
        const Snapshot before(path);
        const std::string message = refusalOf([&] { Store::open(path); });
        const std::string prefix = "cannot open store " + quoted(path) + ": it is damaged or truncated (";
        EXPECT_EQ(message.substr(0, prefix.size()), prefix) << message;
        EXPECT_TRUE(Snapshot(path) == before);
    }

} // namespace
} // namespace awb::db::test
