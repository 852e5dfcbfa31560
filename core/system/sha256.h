#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>

namespace awb::core {

// SHA-256 (FIPS 180-4), incremental: the store keeps the hash of every weights file so that a
// file replaced behind the store's back can be told apart from the one that was profiled.
// Threading: one thread per object.
class Sha256 {
public:
    Sha256();
    void update(std::span<const std::uint8_t> bytes);
    void update(std::string_view text);
    // The digest as 64 lowercase hex digits; the object must not be updated afterwards.
    std::string finishHex();

private:
    void compressBlock(const std::uint8_t* block);

    std::array<std::uint32_t, 8> m_state;
    std::array<std::uint8_t, 64> m_buffer {};
    std::size_t m_buffered = 0;
    std::uint64_t m_totalBytes = 0;
};

std::string sha256Hex(std::string_view bytes);
// Reads the file in chunks; throws std::runtime_error naming the file when it cannot be read.
std::string sha256FileHex(const std::filesystem::path& path);

} // namespace awb::core
