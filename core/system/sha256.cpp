#include "core/system/sha256.h"

#include <algorithm>
#include <bit>
#include <fstream>
#include <stdexcept>
#include <vector>

namespace awb::core {

namespace {

    // clang-format off
    constexpr std::array<std::uint32_t, 64> kRoundConstants = {
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    };
    // clang-format on

    constexpr std::array<std::uint32_t, 8> kInitialState
        = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };

} // namespace

Sha256::Sha256()
    : m_state(kInitialState)
{
}

void Sha256::compressBlock(const std::uint8_t* block)
{
    std::array<std::uint32_t, 64> w {};
    for (std::size_t i = 0; i < 16; ++i) {
        // Big-endian words, whatever the host's byte order.
        w[i] = (std::uint32_t { block[4 * i] } << 24) | (std::uint32_t { block[4 * i + 1] } << 16)
            | (std::uint32_t { block[4 * i + 2] } << 8) | std::uint32_t { block[4 * i + 3] };
    }
    for (std::size_t i = 16; i < 64; ++i) {
        const std::uint32_t s0 = std::rotr(w[i - 15], 7) ^ std::rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
        const std::uint32_t s1 = std::rotr(w[i - 2], 17) ^ std::rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    auto [a, b, c, d, e, f, g, h] = m_state;
    for (std::size_t i = 0; i < 64; ++i) {
        const std::uint32_t s1 = std::rotr(e, 6) ^ std::rotr(e, 11) ^ std::rotr(e, 25);
        const std::uint32_t choose = (e & f) ^ (~e & g);
        const std::uint32_t t1 = h + s1 + choose + kRoundConstants[i] + w[i];
        const std::uint32_t s0 = std::rotr(a, 2) ^ std::rotr(a, 13) ^ std::rotr(a, 22);
        const std::uint32_t majority = (a & b) ^ (a & c) ^ (b & c);
        const std::uint32_t t2 = s0 + majority;
        h = g;
        g = f;
        f = e;
        e = d + t1;
        d = c;
        c = b;
        b = a;
        a = t1 + t2;
    }
    const std::array<std::uint32_t, 8> rounds = { a, b, c, d, e, f, g, h };
    for (std::size_t i = 0; i < 8; ++i)
        m_state[i] += rounds[i];
}

void Sha256::update(std::span<const std::uint8_t> bytes)
{
    m_totalBytes += bytes.size();
    std::size_t offset = 0;
    if (m_buffered > 0) {
        const std::size_t take = std::min(bytes.size(), m_buffer.size() - m_buffered);
        std::copy_n(bytes.begin(), take, m_buffer.begin() + static_cast<std::ptrdiff_t>(m_buffered));
        m_buffered += take;
        offset = take;
        if (m_buffered < m_buffer.size())
            return;
        compressBlock(m_buffer.data());
        m_buffered = 0;
    }
    for (; offset + 64 <= bytes.size(); offset += 64)
        compressBlock(bytes.data() + offset);
    std::copy(bytes.begin() + static_cast<std::ptrdiff_t>(offset), bytes.end(), m_buffer.begin());
    m_buffered = bytes.size() - offset;
}

void Sha256::update(std::string_view text)
{
    update(std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
}

std::string Sha256::finishHex()
{
    const std::uint64_t totalBits = m_totalBytes * 8;
    // Padding: 0x80, zeros up to 56 mod 64, then the message length in bits, big-endian.
    std::array<std::uint8_t, 72> padding {};
    padding[0] = 0x80;
    const std::size_t zeros = (m_buffered < 56 ? 56 - m_buffered : 120 - m_buffered) - 1;
    std::size_t length = 1 + zeros;
    for (int shift = 56; shift >= 0; shift -= 8)
        padding[length++] = static_cast<std::uint8_t>(totalBits >> shift);
    update(std::span<const std::uint8_t>(padding.data(), length));

    static constexpr char kHex[] = "0123456789abcdef";
    std::string hex;
    hex.reserve(64);
    for (const std::uint32_t word : m_state) {
        for (int shift = 28; shift >= 0; shift -= 4)
            hex.push_back(kHex[(word >> shift) & 0xF]);
    }
    return hex;
}

std::string sha256Hex(std::string_view bytes)
{
    Sha256 hash;
    hash.update(bytes);
    return hash.finishHex();
}

std::string sha256FileHex(const std::filesystem::path& path)
{
    std::ifstream file(path, std::ios::binary);
    if (!file)
        throw std::runtime_error("cannot read " + path.string() + " to hash it");
    Sha256 hash;
    std::vector<char> chunk(1 << 16);
    while (file) {
        file.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
        hash.update(std::string_view(chunk.data(), static_cast<std::size_t>(file.gcount())));
    }
    if (file.bad())
        throw std::runtime_error("error reading " + path.string() + " to hash it");
    return hash.finishHex();
}

} // namespace awb::core
