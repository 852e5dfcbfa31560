#pragma once

#include "core/records/device_record.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace awb::core {

// Normalization every zoo model was trained with: x = (pixel / 255 - mean) / std.
inline constexpr float kFashionMnistMean = 0.2860F;
inline constexpr float kFashionMnistStd = 0.3530F;
// The validation split is the last 5,000 images of the official training set, always the same.
inline constexpr std::size_t kFashionMnistValidationSize = 5000;
inline constexpr int kFashionMnistClasses = 10;
inline constexpr const char* kFashionMnistDefaultDir = "/usr/share/datasets/fashion-mnist";
inline constexpr const char* kFashionMnistDirEnv = "ALERTWB_FASHION_MNIST_DIR";

// Grey-scale images and their labels, kept as raw bytes (tensors are built inside core/models).
struct ImageSet {
    std::string name; // "train", "validation", "test" or a slice of one of them
    std::int64_t rows = 0;
    std::int64_t cols = 0;
    std::vector<std::uint8_t> pixels; // size() × rows × cols, row-major
    std::vector<std::uint8_t> labels; // class index per image

    std::size_t size() const { return labels.size(); }
    std::int64_t pixelsPerImage() const { return rows * cols; }
    // The images [begin, begin + count); throws std::out_of_range past the end.
    ImageSet slice(std::size_t begin, std::size_t count) const;
};

struct FashionMnist {
    std::filesystem::path directory;
    ImageSet train; // the first 55,000 official training images
    ImageSet validation; // the last 5,000 official training images
    ImageSet test; // the 10,000 official test images, in file order
};

// $ALERTWB_FASHION_MNIST_DIR when set and non-empty, else kFashionMnistDefaultDir.
std::filesystem::path fashionMnistDirectory();

// Loads the four IDX files (each as NAME.gz, or plain NAME when no .gz is present). Throws
// std::runtime_error with one line: a missing file names the Debian package dataset-fashion-mnist,
// a corrupt one names the file (see IdxError). Takes about a second (gzip).
// Threading: reentrant.
FashionMnist loadFashionMnist();
FashionMnist loadFashionMnist(const std::filesystem::path& directory);

// Image `index` normalized as the models expect, rows × cols floats; throws std::out_of_range.
std::vector<float> normalizedImage(const ImageSet& images, std::size_t index);

const std::array<const char*, kFashionMnistClasses>& fashionMnistClassNames();

// The store's row for the official test split, with a fixed uid: it is the same data wherever it
// was read from, so stores that are merged agree on it. Per-input correctness refers to it.
DatasetRecord fashionMnistTestDataset(const FashionMnist& data);

} // namespace awb::core
