#include "core/models/torchscript_import.h"

#include "core/models/detail/candidate_access.h"
#include "core/models/detail/torchscript_network.h"
#include "core/models/fashion_mnist.h"
#include "core/system/atomic_file.h"
#include "core/system/sha256.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <sstream>

namespace awb::core {

namespace fs = std::filesystem;

namespace {

    // Largest input the validation pass allocates: 2^28 floats (1 GiB).
    constexpr std::int64_t kMaxInputElements = std::int64_t { 1 } << 28;
    constexpr std::size_t kMaxNameLength = 64;

    std::string readWholeFile(const fs::path& path)
    {
        std::error_code error;
        if (fs::is_directory(path, error))
            throw TorchScriptImportError(path.string() + " is a directory, not a TorchScript file");
        std::ifstream stream(path, std::ios::binary);
        if (!stream)
            throw TorchScriptImportError("cannot read " + path.string() + ": " + std::strerror(errno));
        std::ostringstream bytes;
        bytes << stream.rdbuf();
        if (stream.bad())
            throw TorchScriptImportError("cannot read " + path.string());
        return std::move(bytes).str();
    }

    // Names key store rows and become a file name in the models folder.
    void checkName(const std::string& name)
    {
        const bool allowed = std::all_of(name.begin(), name.end(), [](char c) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_'
                || c == '-';
        });
        if (name.empty() || name.size() > kMaxNameLength || !allowed || name.front() == '.' || name.front() == '-')
            throw TorchScriptImportError("model name '" + name + "' must be 1 to " + std::to_string(kMaxNameLength)
                + " letters, digits, '.', '_' or '-', not starting with '.' or '-'");
    }

} // namespace

std::vector<std::int64_t> parseInputShape(const std::string& text)
{
    const auto refuse = [&text](const std::string& why) -> TorchScriptImportError {
        return TorchScriptImportError("input shape '" + text + "' " + why);
    };
    std::vector<std::int64_t> shape;
    std::size_t begin = 0;
    while (true) {
        const std::size_t end = std::min(text.find(',', begin), text.size());
        std::int64_t size = 0;
        const char* first = text.data() + begin;
        const char* last = text.data() + end;
        const auto [stop, error] = std::from_chars(first, last, size);
        if (first == last || error != std::errc() || stop != last || *first == '-' || *first == '+')
            throw refuse("is not four positive integers N,C,H,W (e.g. 1,3,64,64)");
        if (size < 1)
            throw refuse("has a size of " + std::to_string(size) + "; every size must be at least 1");
        shape.push_back(size);
        if (end == text.size())
            break;
        begin = end + 1;
    }
    if (shape.size() != 4)
        throw refuse("has " + std::to_string(shape.size()) + " sizes; N,C,H,W (e.g. 1,3,64,64) has 4");
    std::int64_t elements = 1;
    for (const std::int64_t size : shape) {
        if (size > kMaxInputElements / elements)
            throw refuse("is larger than " + std::to_string(kMaxInputElements) + " elements");
        elements *= size;
    }
    return shape;
}

std::string formatInputShape(const std::vector<std::int64_t>& shape)
{
    std::string text;
    for (const std::int64_t size : shape)
        text += (text.empty() ? "" : ",") + std::to_string(size);
    return text;
}

bool isFashionMnistShape(const std::vector<std::int64_t>& inputShape)
{
    return inputShape.size() == 4 && inputShape[1] == 1 && inputShape[2] == 28 && inputShape[3] == 28;
}

Candidate loadTorchScriptCandidate(const std::string& name, const std::string& bytes, const std::string& displayName,
    const std::vector<std::int64_t>& inputShape, bool anytime)
{
    if (inputShape.size() != 4)
        throw TorchScriptImportError(displayName + ": input shape " + formatInputShape(inputShape) + " is not N,C,H,W");
    std::istringstream stream(bytes);
    auto network = detail::TorchScriptNetworkImpl::load(stream, displayName, inputShape, anytime);
    return detail::CandidateAccess::make(name, anytime ? ModelKind::Anytime : ModelKind::Traditional, network);
}

TorchScriptImportResult importTorchScript(const TorchScriptImportRequest& request, const FashionMnist* fashionMnist)
{
    checkName(request.name);
    const std::string displayName = request.file.string();
    // One read: the bytes checked here are the bytes hashed and copied.
    const std::string bytes = readWholeFile(request.file);
    Candidate candidate
        = loadTorchScriptCandidate(request.name, bytes, displayName, request.inputShape, request.anytime);

    TorchScriptImportResult result;
    if (fashionMnist && isFashionMnistShape(request.inputShape) && candidate.numClasses() == kFashionMnistClasses) {
        try {
            result.evaluation = evaluate(candidate, fashionMnist->test);
        } catch (const std::exception& error) {
            throw TorchScriptImportError(displayName
                + ": fails on a batch of Fashion-MNIST test images (the module must accept any batch size): "
                + detail::torchErrorReason(error));
        }
    }

    const fs::path target = fs::absolute(request.modelsDir) / (request.name + ".pt");
    std::error_code error;
    if (fs::exists(target, error)) {
        if (readWholeFile(target) != bytes)
            throw TorchScriptImportError(target.string()
                + " already exists with other content (a model of another store?); pick another name or move it");
    } else {
        fs::create_directories(target.parent_path(), error);
        if (error)
            throw std::runtime_error("cannot create " + target.parent_path().string() + ": " + error.message());
        AtomicFileWriter writer(target);
        writer.stream().write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        writer.commit();
        result.wroteFile = true;
    }

    ModelRecord& model = result.model;
    model.name = request.name;
    model.kind = candidate.kind();
    model.source = kImportedModelSource;
    model.filePath = target.string();
    model.fileSha256 = sha256Hex(bytes);
    model.inputShape = formatInputShape(request.inputShape);
    model.parameters = candidate.parameterCount();
    for (const OutputCost& cost : candidate.outputCosts()) {
        ModelOutputRecord output;
        output.index = cost.index;
        output.cumulativeMacs = cost.cumulativeMacs;
        output.cumulativeParameters = cost.cumulativeParameters;
        if (result.evaluation)
            output.testAccuracy = result.evaluation->outputs.at(static_cast<std::size_t>(cost.index)).accuracy;
        model.outputs.push_back(output);
    }
    return result;
}

} // namespace awb::core
