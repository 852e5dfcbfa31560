#include "core/models/fashion_mnist.h"
#include "core/models/idx_reader.h"

#include <cstdlib>
#include <gtest/gtest.h>
#include <zlib.h>

#include "tests/support/temp_dir.h"

using awb::core::IdxError;
using awb::core::readIdxFile;
using awb::test::TempDir;
using awb::test::writeFile;

namespace {

// An IDX header for unsigned bytes (type 0x08) with big-endian dimensions.
std::string idxHeader(const std::vector<std::uint32_t>& dims, std::uint8_t type = 0x08)
{
    std::string out { '\0', '\0', static_cast<char>(type), static_cast<char>(dims.size()) };
    for (const std::uint32_t dim : dims) {
        out += static_cast<char>(dim >> 24);
        out += static_cast<char>((dim >> 16) & 0xFF);
        out += static_cast<char>((dim >> 8) & 0xFF);
        out += static_cast<char>(dim & 0xFF);
    }
    return out;
}

std::string idxFile(const std::vector<std::uint32_t>& dims, const std::vector<std::uint8_t>& data)
{
    return idxHeader(dims) + std::string(data.begin(), data.end());
}

void writeGzip(const std::filesystem::path& path, const std::string& content)
{
    gzFile file = gzopen(path.c_str(), "wb");
    ASSERT_NE(file, nullptr);
    ASSERT_EQ(gzwrite(file, content.data(), static_cast<unsigned>(content.size())), static_cast<int>(content.size()));
    ASSERT_EQ(gzclose(file), Z_OK);
}

std::string errorOf(const std::filesystem::path& path)
{
    try {
        readIdxFile(path);
    } catch (const IdxError& error) {
        return error.what();
    }
    return "no error";
}

// A Fashion-MNIST folder of `trainCount` training and 3 test images of 2 × 2 pixels; pixel
// values and labels encode the image index so the split can be checked.
void writeTinyFashionMnist(const std::filesystem::path& dir, std::uint32_t trainCount)
{
    auto images = [](std::uint32_t count) {
        std::vector<std::uint8_t> pixels;
        for (std::uint32_t i = 0; i < count; ++i)
            pixels.insert(pixels.end(), 4, static_cast<std::uint8_t>(i % 251));
        return pixels;
    };
    auto labels = [](std::uint32_t count) {
        std::vector<std::uint8_t> out;
        for (std::uint32_t i = 0; i < count; ++i)
            out.push_back(static_cast<std::uint8_t>(i % 10));
        return out;
    };
    writeGzip(dir / "train-images-idx3-ubyte.gz", idxFile({ trainCount, 2, 2 }, images(trainCount)));
    writeGzip(dir / "train-labels-idx1-ubyte.gz", idxFile({ trainCount }, labels(trainCount)));
    // Plain (not gzip) files are accepted too.
    writeFile(dir / "t10k-images-idx3-ubyte", idxFile({ 3, 2, 2 }, images(3)));
    writeFile(dir / "t10k-labels-idx1-ubyte", idxFile({ 3 }, labels(3)));
}

} // namespace

TEST(CoreIdxReader, ReadsPlainAndGzipIdentically)
{
    TempDir dir;
    const std::string content = idxFile({ 2, 3 }, { 1, 2, 3, 250, 251, 255 });
    writeFile(dir / "plain.idx", content);
    writeGzip(dir / "packed.idx.gz", content);
    for (const auto& path : { dir / "plain.idx", dir / "packed.idx.gz" }) {
        const awb::core::IdxArray array = readIdxFile(path);
        EXPECT_EQ(array.dims, (std::vector<std::int64_t> { 2, 3 })) << path;
        EXPECT_EQ(array.data, (std::vector<std::uint8_t> { 1, 2, 3, 250, 251, 255 })) << path;
        EXPECT_EQ(array.elementCount(), 6);
    }
}

TEST(CoreIdxReader, DimensionsAreBigEndian)
{
    TempDir dir;
    writeFile(dir / "wide.idx", idxFile({ 1, 300 }, std::vector<std::uint8_t>(300, 7)));
    EXPECT_EQ(readIdxFile(dir / "wide.idx").dims, (std::vector<std::int64_t> { 1, 300 }));
}

TEST(CoreIdxReader, TruncatedDataNamesTheFile)
{
    TempDir dir;
    const std::string content = idxFile({ 4, 4 }, std::vector<std::uint8_t>(16, 1));
    writeFile(dir / "short.idx", content.substr(0, content.size() - 3));
    writeGzip(dir / "short.idx.gz", content.substr(0, content.size() - 3));
    for (const auto& path : { dir / "short.idx", dir / "short.idx.gz" }) {
        const std::string error = errorOf(path);
        EXPECT_NE(error.find(path.string()), std::string::npos) << error;
        EXPECT_NE(error.find("truncated"), std::string::npos) << error;
        EXPECT_EQ(error.find('\n'), std::string::npos) << error;
    }
}

TEST(CoreIdxReader, TruncatedGzipStreamIsRefused)
{
    TempDir dir;
    writeGzip(dir / "full.gz", idxFile({ 64, 64 }, std::vector<std::uint8_t>(64 * 64, 9)));
    const std::string packed = awb::test::readFile(dir / "full.gz");
    writeFile(dir / "cut.gz", packed.substr(0, packed.size() / 2));
    const std::string error = errorOf(dir / "cut.gz");
    EXPECT_NE(error.find((dir / "cut.gz").string()), std::string::npos) << error;
    EXPECT_NE(error.find("truncated"), std::string::npos) << error;
}

TEST(CoreIdxReader, CorruptGzipDataIsRefused)
{
    TempDir dir;
    std::vector<std::uint8_t> data(64 * 64);
    for (std::size_t i = 0; i < data.size(); ++i)
        data[i] = static_cast<std::uint8_t>((i * 7919) % 251);
    writeGzip(dir / "good.gz", idxFile({ 64, 64 }, data));
    std::string packed = awb::test::readFile(dir / "good.gz");
    for (std::size_t i = packed.size() / 3; i < packed.size() / 3 + 16; ++i)
        packed[i] = static_cast<char>(~packed[i]);
    writeFile(dir / "bad.gz", packed);
    const std::string error = errorOf(dir / "bad.gz");
    EXPECT_NE(error.find((dir / "bad.gz").string()), std::string::npos) << error;
    EXPECT_NE(error.find("gzip"), std::string::npos) << error;
    EXPECT_EQ(error.find('\n'), std::string::npos) << error;
}

TEST(CoreIdxReader, TruncatedHeaderIsRefused)
{
    TempDir dir;
    writeFile(dir / "header.idx", idxHeader({ 10, 10 }).substr(0, 6));
    EXPECT_NE(errorOf(dir / "header.idx").find("truncated header"), std::string::npos);
}

TEST(CoreIdxReader, WrongMagicIsRefused)
{
    TempDir dir;
    writeFile(dir / "text.idx", "hello, this is not an IDX file");
    const std::string error = errorOf(dir / "text.idx");
    EXPECT_NE(error.find("wrong magic"), std::string::npos) << error;
    EXPECT_NE(error.find((dir / "text.idx").string()), std::string::npos) << error;
}

TEST(CoreIdxReader, OtherElementTypesAreRefused)
{
    TempDir dir;
    writeFile(dir / "float.idx", idxHeader({ 1 }, 0x0D) + std::string(4, '\0'));
    EXPECT_NE(errorOf(dir / "float.idx").find("0x0d is not supported"), std::string::npos);
}

TEST(CoreIdxReader, TrailingBytesAreRefused)
{
    TempDir dir;
    writeFile(dir / "long.idx", idxFile({ 2 }, { 1, 2, 3 }));
    EXPECT_NE(errorOf(dir / "long.idx").find("past the 2 elements"), std::string::npos);
}

TEST(CoreIdxReader, MissingFileIsRefused)
{
    TempDir dir;
    EXPECT_NE(errorOf(dir / "absent.idx").find("not found"), std::string::npos);
}

TEST(CoreFashionMnist, SplitsTheLastFiveThousandTrainingImagesForValidation)
{
    TempDir dir;
    writeTinyFashionMnist(dir.path(), 5012);
    const awb::core::FashionMnist data = awb::core::loadFashionMnist(dir.path());
    ASSERT_EQ(data.train.size(), 12U);
    ASSERT_EQ(data.validation.size(), awb::core::kFashionMnistValidationSize);
    ASSERT_EQ(data.test.size(), 3U);
    EXPECT_EQ(data.train.rows, 2);
    EXPECT_EQ(data.validation.labels.front(), 12 % 10); // image 12 opens the validation split
    EXPECT_EQ(data.validation.pixels.front(), 12);
    EXPECT_EQ(data.validation.pixels.size(), 5000U * 4U);
    EXPECT_EQ(data.train.labels.back(), 11 % 10);
}

TEST(CoreFashionMnist, NormalizesWithTheFixedMeanAndStd)
{
    TempDir dir;
    writeTinyFashionMnist(dir.path(), 5012);
    const awb::core::FashionMnist data = awb::core::loadFashionMnist(dir.path());
    const std::vector<float> image = awb::core::normalizedImage(data.train, 5); // pixels all 5
    ASSERT_EQ(image.size(), 4U);
    EXPECT_FLOAT_EQ(image[0], (5.0F / 255.0F - 0.2860F) / 0.3530F);
    EXPECT_THROW(awb::core::normalizedImage(data.train, 12), std::out_of_range);
}

TEST(CoreFashionMnist, MissingFilesNameTheDebianPackage)
{
    TempDir dir;
    try {
        awb::core::loadFashionMnist(dir.path());
        FAIL() << "loading an empty folder succeeded";
    } catch (const std::runtime_error& error) {
        const std::string message = error.what();
        EXPECT_NE(message.find("dataset-fashion-mnist"), std::string::npos) << message;
        EXPECT_NE(message.find((dir / "train-images-idx3-ubyte.gz").string()), std::string::npos) << message;
    }
}

TEST(CoreFashionMnist, CorruptFilesNameTheFile)
{
    TempDir dir;
    writeTinyFashionMnist(dir.path(), 5012);
    writeFile(dir / "t10k-labels-idx1-ubyte", idxFile({ 4 }, { 1, 2, 3, 4 })); // 4 labels for 3 images
    try {
        awb::core::loadFashionMnist(dir.path());
        FAIL() << "mismatched label count accepted";
    } catch (const IdxError& error) {
        EXPECT_NE(std::string(error.what()).find("t10k-labels-idx1-ubyte"), std::string::npos) << error.what();
    }
}

TEST(CoreFashionMnist, DirectoryFollowsTheEnvironment)
{
    const char* previous = std::getenv(awb::core::kFashionMnistDirEnv);
    const std::string saved = previous ? previous : "";
    ::setenv(awb::core::kFashionMnistDirEnv, "/tmp/somewhere-else", 1);
    EXPECT_EQ(awb::core::fashionMnistDirectory(), std::filesystem::path("/tmp/somewhere-else"));
    ::unsetenv(awb::core::kFashionMnistDirEnv);
    EXPECT_EQ(awb::core::fashionMnistDirectory(), std::filesystem::path(awb::core::kFashionMnistDefaultDir));
    if (previous)
        ::setenv(awb::core::kFashionMnistDirEnv, saved.c_str(), 1);
}

TEST(CoreFashionMnist, SliceKeepsImagesAndLabelsTogether)
{
    TempDir dir;
    writeTinyFashionMnist(dir.path(), 5012);
    const awb::core::FashionMnist data = awb::core::loadFashionMnist(dir.path());
    const awb::core::ImageSet slice = data.validation.slice(10, 5);
    ASSERT_EQ(slice.size(), 5U);
    EXPECT_EQ(slice.labels[0], (12 + 10) % 10);
    EXPECT_EQ(slice.pixels[0], 22);
    EXPECT_THROW(data.validation.slice(4999, 2), std::out_of_range);
}
