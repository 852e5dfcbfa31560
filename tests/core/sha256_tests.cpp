#include "core/system/sha256.h"

#include <algorithm>
#include <gtest/gtest.h>

#include "tests/support/temp_dir.h"

using awb::core::sha256Hex;

// FIPS 180-4 example vectors (one block, two blocks, many blocks).
TEST(CoreSha256, MatchesKnownVectors)
{
    EXPECT_EQ(sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    EXPECT_EQ(
        sha256Hex(std::string(1'000'000, 'a')), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(CoreSha256, ChunkedUpdatesEqualOneShot)
{
    std::string text;
    for (int i = 0; i < 1000; ++i)
        text += static_cast<char>('a' + i % 26);
    awb::core::Sha256 hash;
    // Chunk sizes that straddle the 64-byte block boundary in every way.
    std::size_t offset = 0;
    for (std::size_t chunk = 1; offset < text.size(); chunk = chunk % 97 + 13) {
        const std::size_t take = std::min(chunk, text.size() - offset);
        hash.update(std::string_view(text).substr(offset, take));
        offset += take;
    }
    EXPECT_EQ(hash.finishHex(), sha256Hex(text));
}

TEST(CoreSha256, HashesFiles)
{
    awb::test::TempDir dir;
    awb::test::writeFile(dir / "abc.bin", "abc");
    EXPECT_EQ(
        awb::core::sha256FileHex(dir / "abc.bin"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_THROW(awb::core::sha256FileHex(dir / "missing.bin"), std::runtime_error);
}
