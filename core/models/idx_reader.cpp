#include "core/models/idx_reader.h"

#include <array>
#include <cstdio>
#include <memory>
#include <string>
#include <zlib.h>

namespace awb::core {

namespace {

    constexpr std::uint8_t kUnsignedByteType = 0x08;
    constexpr int kMaxDims = 8;
    // MNIST-family files hold at most ~50 M bytes; anything near 2^32 elements is a corrupt header.
    constexpr std::int64_t kMaxElements = std::int64_t(1) << 32;

    struct GzCloser {
        void operator()(gzFile file) const { gzclose(file); }
    };
    using GzHandle = std::unique_ptr<std::remove_pointer_t<gzFile>, GzCloser>;

    [[noreturn]] void fail(const std::filesystem::path& path, const std::string& reason)
    {
        throw IdxError("IDX file " + path.string() + ": " + reason);
    }

    // Reads up to size bytes; gzread passes plain files through unchanged. Returns the count read.
    std::size_t readSome(gzFile file, const std::filesystem::path& path, std::uint8_t* out, std::size_t size)
    {
        std::size_t total = 0;
        while (total < size) {
            const auto chunk = static_cast<unsigned>(std::min<std::size_t>(size - total, 1U << 24));
            const int got = gzread(file, out + total, chunk);
            if (got < 0) {
                int code = 0;
                const char* message = gzerror(file, &code);
                fail(path, std::string("corrupt gzip data (") + (message ? message : "unknown zlib error") + ")");
            }
            if (got == 0)
                break;
            total += static_cast<std::size_t>(got);
        }
        // zlib reports a gzip stream cut short as an error only after the last bytes were returned.
        int code = Z_OK;
        const char* message = gzerror(file, &code);
        if (code != Z_OK && code != Z_STREAM_END)
            fail(path, std::string("corrupt or truncated gzip data (") + (message ? message : "zlib error") + ")");
        return total;
    }

    void readExactly(
        gzFile file, const std::filesystem::path& path, std::uint8_t* out, std::size_t size, const char* what)
    {
        const std::size_t got = readSome(file, path, out, size);
        if (got != size)
            fail(path,
                "truncated " + std::string(what) + " (expected " + std::to_string(size) + " bytes, got "
                    + std::to_string(got) + ")");
    }

} // namespace

std::int64_t IdxArray::elementCount() const
{
    std::int64_t count = 1;
    for (const std::int64_t dim : dims)
        count *= dim;
    return count;
}

IdxArray readIdxFile(const std::filesystem::path& path)
{
    std::error_code error;
    if (!std::filesystem::is_regular_file(path, error))
        fail(path, "not found or not a regular file");
    GzHandle file(gzopen(path.c_str(), "rb"));
    if (!file)
        fail(path, "cannot be opened");
    gzbuffer(file.get(), 1U << 20); // 1 MiB instead of 8 KiB: fewer reads of the 26 MB training images

    std::array<std::uint8_t, 4> magic {};
    readExactly(file.get(), path, magic.data(), magic.size(), "header");
    if (magic[0] != 0 || magic[1] != 0 || magic[3] == 0 || magic[3] > kMaxDims)
        fail(path, "wrong magic number (not an IDX file)");
    if (magic[2] != kUnsignedByteType) {
        std::array<char, 8> hex {};
        std::snprintf(hex.data(), hex.size(), "0x%02x", magic[2]);
        fail(path, "element type " + std::string(hex.data()) + " is not supported (only unsigned byte, 0x08)");
    }

    IdxArray array;
    std::int64_t elements = 1;
    for (int i = 0; i < magic[3]; ++i) {
        std::array<std::uint8_t, 4> raw {};
        readExactly(file.get(), path, raw.data(), raw.size(), "header");
        const std::int64_t dim = (std::int64_t(raw[0]) << 24) | (std::int64_t(raw[1]) << 16)
            | (std::int64_t(raw[2]) << 8) | std::int64_t(raw[3]);
        elements *= dim;
        if (elements > kMaxElements)
            fail(path, "implausible dimensions in header");
        array.dims.push_back(dim);
    }

    array.data.resize(static_cast<std::size_t>(elements));
    readExactly(file.get(), path, array.data.data(), array.data.size(), "data");
    std::uint8_t extra = 0;
    if (readSome(file.get(), path, &extra, 1) != 0)
        fail(path, "has bytes past the " + std::to_string(elements) + " elements its header declares");
    return array;
}

} // namespace awb::core
