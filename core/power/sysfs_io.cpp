#include "core/power/sysfs_io.h"

#include "core/power/power_backend.h"

#include <cerrno>
#include <charconv>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace awb::core {

namespace {

    std::string describeErrno(const std::filesystem::path& file, int error, bool writing)
    {
        if (error == ENOENT)
            return file.string() + " does not exist";
        if (error == EACCES || error == EPERM) {
            return std::string("permission denied ") + (writing ? "writing " : "reading ") + file.string()
                + (writing ? " (setting power caps needs root)"
                           : " (powercap attributes such as energy_uj are root-only since Linux 5.10; grant a "
                             "group read access with a udev rule, or run as root)");
        }
        return std::string("cannot ") + (writing ? "write " : "read ") + file.string() + ": " + std::strerror(error);
    }

    // Reads up to 255 bytes: every attribute we use is one short line.
    std::optional<std::string> readRaw(const std::filesystem::path& file, bool absentIsError)
    {
        const int descriptor = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
        if (descriptor < 0) {
            if (errno == ENOENT && !absentIsError)
                return std::nullopt;
            throw PowerError(describeErrno(file, errno, false));
        }
        char buffer[256];
        ssize_t length = 0;
        do
            length = ::read(descriptor, buffer, sizeof buffer - 1);
        while (length < 0 && errno == EINTR);
        const int readErrno = errno;
        ::close(descriptor);
        if (length < 0)
            throw PowerError(describeErrno(file, readErrno, false));
        std::string text(buffer, static_cast<std::size_t>(length));
        if (const auto newline = text.find('\n'); newline != std::string::npos)
            text.resize(newline);
        return text;
    }

    std::int64_t parseInteger(const std::filesystem::path& file, const std::string& text)
    {
        std::int64_t value = 0;
        const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
        if (error != std::errc() || end != text.data() + text.size() || text.empty())
            throw PowerError(file.string() + " does not hold an integer (read \"" + text + "\")");
        return value;
    }

} // namespace

std::int64_t readIntegerFile(const std::filesystem::path& file) { return parseInteger(file, *readRaw(file, true)); }

std::optional<std::int64_t> readOptionalIntegerFile(const std::filesystem::path& file)
{
    const auto text = readRaw(file, false);
    if (!text)
        return std::nullopt;
    return parseInteger(file, *text);
}

std::string readTextFile(const std::filesystem::path& file) { return *readRaw(file, true); }

void writeIntegerFile(const std::filesystem::path& file, std::int64_t value)
{
    const int descriptor = ::open(file.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
    if (descriptor < 0)
        throw PowerError(describeErrno(file, errno, true));
    const std::string text = std::to_string(value) + "\n";
    ssize_t written = 0;
    do
        written = ::write(descriptor, text.data(), text.size());
    while (written < 0 && errno == EINTR);
    const int writeErrno = errno;
    ::close(descriptor);
    if (written < 0) {
        // The kernel answers EINVAL for a value outside what the zone accepts.
        throw PowerError(
            "cannot write " + std::to_string(value) + " to " + file.string() + ": " + std::strerror(writeErrno));
    }
    if (static_cast<std::size_t>(written) != text.size())
        throw PowerError("short write of " + std::to_string(value) + " to " + file.string());
}

} // namespace awb::core
