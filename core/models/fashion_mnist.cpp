#include "core/models/fashion_mnist.h"

#include "core/models/idx_reader.h"

#include <cstdlib>
#include <stdexcept>

namespace awb::core {

namespace {

    std::filesystem::path locate(const std::filesystem::path& directory, const std::string& name)
    {
        for (const std::string& candidate : { name + ".gz", name }) {
            std::error_code error;
            if (std::filesystem::is_regular_file(directory / candidate, error))
                return directory / candidate;
        }
        throw std::runtime_error("Fashion-MNIST file " + (directory / (name + ".gz")).string()
            + " not found: install Debian's dataset-fashion-mnist package (apt install dataset-fashion-mnist) or set "
            + kFashionMnistDirEnv + " to a folder holding the four IDX files");
    }

    ImageSet loadPair(const std::filesystem::path& directory, const std::string& prefix, const std::string& name)
    {
        const std::filesystem::path imagesPath = locate(directory, prefix + "-images-idx3-ubyte");
        const std::filesystem::path labelsPath = locate(directory, prefix + "-labels-idx1-ubyte");
        IdxArray images = readIdxFile(imagesPath);
        IdxArray labels = readIdxFile(labelsPath);
        if (images.dims.size() != 3)
            throw IdxError("IDX file " + imagesPath.string() + ": expected 3 dimensions (count, rows, cols), found "
                + std::to_string(images.dims.size()));
        if (labels.dims.size() != 1)
            throw IdxError("IDX file " + labelsPath.string() + ": expected 1 dimension (count), found "
                + std::to_string(labels.dims.size()));
        if (labels.dims[0] != images.dims[0])
            throw IdxError("IDX file " + labelsPath.string() + ": " + std::to_string(labels.dims[0]) + " labels for "
                + std::to_string(images.dims[0]) + " images in " + imagesPath.string());
        for (const std::uint8_t label : labels.data) {
            if (label >= kFashionMnistClasses)
                throw IdxError("IDX file " + labelsPath.string() + ": label " + std::to_string(label)
                    + " is outside 0.." + std::to_string(kFashionMnistClasses - 1));
        }
        ImageSet set;
        set.name = name;
        set.rows = images.dims[1];
        set.cols = images.dims[2];
        set.pixels = std::move(images.data);
        set.labels = std::move(labels.data);
        return set;
    }

} // namespace

ImageSet ImageSet::slice(std::size_t begin, std::size_t count) const
{
    if (begin > size() || count > size() - begin)
        throw std::out_of_range("image slice [" + std::to_string(begin) + ", " + std::to_string(begin + count)
            + ") is outside " + name + " (" + std::to_string(size()) + " images)");
    const auto stride = static_cast<std::size_t>(pixelsPerImage());
    ImageSet out;
    out.name = name + "[" + std::to_string(begin) + ":" + std::to_string(begin + count) + "]";
    out.rows = rows;
    out.cols = cols;
    out.pixels.assign(pixels.begin() + static_cast<std::ptrdiff_t>(begin * stride),
        pixels.begin() + static_cast<std::ptrdiff_t>((begin + count) * stride));
    out.labels.assign(labels.begin() + static_cast<std::ptrdiff_t>(begin),
        labels.begin() + static_cast<std::ptrdiff_t>(begin + count));
    return out;
}

std::filesystem::path fashionMnistDirectory()
{
    const char* fromEnv = std::getenv(kFashionMnistDirEnv);
    if (fromEnv && *fromEnv)
        return fromEnv;
    return kFashionMnistDefaultDir;
}

FashionMnist loadFashionMnist() { return loadFashionMnist(fashionMnistDirectory()); }

FashionMnist loadFashionMnist(const std::filesystem::path& directory)
{
    FashionMnist data;
    data.directory = directory;
    ImageSet official = loadPair(directory, "train", "train");
    if (official.size() <= kFashionMnistValidationSize)
        throw std::runtime_error("Fashion-MNIST training set in " + directory.string() + " has only "
            + std::to_string(official.size()) + " images; the validation split needs more than "
            + std::to_string(kFashionMnistValidationSize));
    const std::size_t trainSize = official.size() - kFashionMnistValidationSize;
    data.validation = official.slice(trainSize, kFashionMnistValidationSize);
    data.validation.name = "validation";
    official.pixels.resize(trainSize * static_cast<std::size_t>(official.pixelsPerImage()));
    official.labels.resize(trainSize);
    data.train = std::move(official);
    data.test = loadPair(directory, "t10k", "test");
    if (data.test.rows != data.train.rows || data.test.cols != data.train.cols)
        throw std::runtime_error(
            "Fashion-MNIST test images in " + directory.string() + " differ in size from the training images");
    return data;
}

std::vector<float> normalizedImage(const ImageSet& images, std::size_t index)
{
    if (index >= images.size())
        throw std::out_of_range("image " + std::to_string(index) + " is outside " + images.name + " ("
            + std::to_string(images.size()) + " images)");
    const auto stride = static_cast<std::size_t>(images.pixelsPerImage());
    std::vector<float> out(stride);
    const std::uint8_t* pixel = images.pixels.data() + index * stride;
    for (std::size_t i = 0; i < stride; ++i)
        out[i] = (static_cast<float>(pixel[i]) / 255.0F - kFashionMnistMean) / kFashionMnistStd;
    return out;
}

const std::array<const char*, kFashionMnistClasses>& fashionMnistClassNames()
{
    static const std::array<const char*, kFashionMnistClasses> names { "T-shirt/top", "Trouser", "Pullover", "Dress",
        "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot" };
    return names;
}

DatasetRecord fashionMnistTestDataset(const FashionMnist& data)
{
    DatasetRecord dataset;
    dataset.uid = "fashion-mnist-test";
    dataset.name = "fashion-mnist";
    dataset.split = "test";
    dataset.sampleCount = static_cast<std::int64_t>(data.test.size());
    dataset.source = data.directory.string();
    return dataset;
}

} // namespace awb::core
