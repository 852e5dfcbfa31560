#pragma once

#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <vector>

namespace awb::core {

// A corrupt, truncated or unreadable IDX file. what() is one line and names the file.
class IdxError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// An IDX array of unsigned bytes (element type 0x08, the type of the MNIST-family files).
struct IdxArray {
    std::vector<std::int64_t> dims; // outermost first, as stored (big-endian on disk)
    std::vector<std::uint8_t> data; // row-major, product(dims) bytes

    std::int64_t elementCount() const;
};

// Reads an IDX file, gzip-compressed or plain (detected from the content, not the name).
// Throws IdxError for a missing file, a wrong magic number, an element type other than unsigned
// byte, corrupt gzip data, fewer bytes than the header declares, or bytes past the end.
// Threading: reentrant.
IdxArray readIdxFile(const std::filesystem::path& path);

} // namespace awb::core
