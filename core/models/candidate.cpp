#include "core/models/candidate.h"

#include "core/models/detail/candidate_access.h"
#include "core/models/detail/staged_network.h"
#include "core/models/detail/tensor_data.h"
#include "core/models/fashion_mnist.h"

#include <c10/core/InferenceMode.h>

#include <set>
#include <stdexcept>

namespace awb::core {

namespace {

    constexpr const char* kArchitectureKey = "awb_architecture";

    // First line of a LibTorch error: its messages carry a C++ backtrace after the reason.
    std::string firstLine(const std::string& text) { return text.substr(0, text.find('\n')); }

    std::vector<float> toFloats(const torch::Tensor& tensor)
    {
        const torch::Tensor flat = tensor.detach().to(torch::kFloat).contiguous().view(-1);
        return { flat.data_ptr<float>(), flat.data_ptr<float>() + flat.numel() };
    }

    // Reads every parameter and buffer of `module` from `archive` (as Module::save wrote them)
    // into `loaded`, refusing missing, extra or reshaped tensors. Touches no module state.
    void readChecked(torch::nn::Module& module, torch::serialize::InputArchive& archive, const std::string& prefix,
        std::vector<std::pair<torch::Tensor, torch::Tensor>>& loaded, const std::string& fileName)
    {
        std::set<std::string> expected;
        auto readOne = [&](const std::string& key, const torch::Tensor& target, bool isBuffer) {
            expected.insert(key);
            torch::Tensor value;
            if (!archive.try_read(key, value, isBuffer))
                throw std::runtime_error("weights file " + fileName + " does not match the architecture: tensor '"
                    + prefix + key + "' is missing");
            if (value.sizes() != target.sizes() || value.scalar_type() != target.scalar_type())
                throw std::runtime_error("weights file " + fileName + " does not match the architecture: tensor '"
                    + prefix + key + "' has shape " + c10::str(value.sizes()) + ", expected "
                    + c10::str(target.sizes()));
            loaded.emplace_back(target, value);
        };
        for (const auto& parameter : module.named_parameters(/*recurse=*/false))
            readOne(parameter.key(), parameter.value(), /*isBuffer=*/false);
        for (const auto& buffer : module.named_buffers(/*recurse=*/false))
            readOne(buffer.key(), buffer.value(), /*isBuffer=*/true);
        for (const auto& child : module.named_children()) {
            expected.insert(child.key());
            torch::serialize::InputArchive childArchive;
            if (!archive.try_read(child.key(), childArchive))
                throw std::runtime_error("weights file " + fileName + " does not match the architecture: module '"
                    + prefix + child.key() + "' is missing");
            readChecked(*child.value(), childArchive, prefix + child.key() + ".", loaded, fileName);
        }
        for (const std::string& key : archive.keys()) {
            if (!expected.count(key) && !(prefix.empty() && key == kArchitectureKey))
                throw std::runtime_error(
                    "weights file " + fileName + " does not match the architecture: unexpected '" + prefix + key + "'");
        }
    }

} // namespace

struct Candidate::Impl {
    std::string name;
    ModelKind kind = ModelKind::Traditional;
    detail::NetworkPtr network;
    std::vector<OutputCost> costs;
    std::int64_t parameters = 0;
    torch::Tensor input;
    std::vector<torch::Tensor> logits; // one per completed output of the current input
};

Candidate::Candidate(std::unique_ptr<Impl> impl)
    : m_impl(std::move(impl))
{
}

Candidate::Candidate(Candidate&& other) noexcept = default;
Candidate& Candidate::operator=(Candidate&& other) noexcept = default;
Candidate::~Candidate() = default;

const std::string& Candidate::name() const { return m_impl->name; }

ModelKind Candidate::kind() const { return m_impl->kind; }

int Candidate::numOutputs() const { return static_cast<int>(m_impl->costs.size()); }

const std::vector<OutputCost>& Candidate::outputCosts() const { return m_impl->costs; }

std::int64_t Candidate::parameterCount() const { return m_impl->parameters; }

std::vector<std::int64_t> Candidate::imageShape() const { return m_impl->network->imageShape(); }

int Candidate::numClasses() const { return static_cast<int>(m_impl->network->numClasses()); }

void Candidate::reset(std::span<const float> pixels, const std::vector<std::int64_t>& shape)
{
    const std::vector<std::int64_t> image = imageShape();
    std::vector<std::int64_t> full = shape;
    if (full.size() == 3)
        full.insert(full.begin(), 1);
    if (full.size() != 4 || full[0] < 1 || !std::equal(image.begin(), image.end(), full.begin() + 1))
        throw std::invalid_argument(m_impl->name + " takes input of shape {N, " + std::to_string(image[0]) + ", "
            + std::to_string(image[1]) + ", " + std::to_string(image[2]) + "}, got "
            + c10::str(c10::IntArrayRef(shape)));
    const std::int64_t count = full[0] * full[1] * full[2] * full[3];
    if (static_cast<std::int64_t>(pixels.size()) != count)
        throw std::invalid_argument(m_impl->name + ": " + std::to_string(pixels.size()) + " floats for shape "
            + c10::str(c10::IntArrayRef(full)) + " (" + std::to_string(count) + " expected)");
    // The caller's buffer may not outlive the run: copy it.
    m_impl->input = torch::from_blob(const_cast<float*>(pixels.data()), full, torch::kFloat).clone();
    detail::CandidateAccess::invalidateStagedState(*this);
}

void Candidate::reset(const ImageSet& images, std::size_t index)
{
    if (index >= images.size())
        throw std::out_of_range("image " + std::to_string(index) + " is outside " + images.name + " ("
            + std::to_string(images.size()) + " images)");
    if (const std::vector<std::int64_t> shape = imageShape(); shape != std::vector<std::int64_t> { 1, images.rows, images.cols })
        throw std::invalid_argument(m_impl->name + " takes input of shape " + c10::str(c10::IntArrayRef(shape)) + ", not "
            + images.name + "'s 1 x " + std::to_string(images.rows) + " x " + std::to_string(images.cols) + " images");
    m_impl->input = detail::imageBatch(images, static_cast<std::int64_t>(index), /*count=*/1);
    detail::CandidateAccess::invalidateStagedState(*this);
}

int Candidate::runNextStage()
{
    if (!m_impl->input.defined())
        throw std::logic_error(m_impl->name + ": runNextStage before reset");
    if (finished())
        throw std::logic_error(m_impl->name + ": every output has been computed already");
    c10::InferenceMode guard;
    const int stage = outputsCompleted();
    m_impl->logits.push_back(m_impl->network->runStage(stage));
    return stage;
}

int Candidate::outputsCompleted() const { return static_cast<int>(m_impl->logits.size()); }

std::vector<float> Candidate::currentLogits() const
{
    if (m_impl->logits.empty())
        throw std::logic_error(m_impl->name + ": no output computed yet");
    return toFloats(m_impl->logits.back());
}

std::vector<int> Candidate::currentPredictions() const
{
    if (m_impl->logits.empty())
        throw std::logic_error(m_impl->name + ": no output computed yet");
    const torch::Tensor best = m_impl->logits.back().argmax(/*dim=*/1).to(torch::kInt).contiguous();
    return { best.data_ptr<int>(), best.data_ptr<int>() + best.numel() };
}

int Candidate::currentPrediction() const
{
    if (m_impl->logits.empty())
        throw std::logic_error(m_impl->name + ": no output computed yet");
    return static_cast<int>(m_impl->logits.back()[0].argmax().item<std::int64_t>());
}

std::vector<float> Candidate::outputLogits(int index) const
{
    if (index < 0 || index >= outputsCompleted())
        throw std::out_of_range(m_impl->name + ": output " + std::to_string(index) + " has not been computed");
    return toFloats(m_impl->logits[static_cast<std::size_t>(index)]);
}

void Candidate::runAllStagesMonolithic()
{
    if (!m_impl->input.defined())
        throw std::logic_error(m_impl->name + ": runAllStagesMonolithic before reset");
    c10::InferenceMode guard;
    m_impl->logits = m_impl->network->forwardOutputs(m_impl->input, numOutputs());
}

void Candidate::saveWeights(const std::filesystem::path& path) const
{
    torch::serialize::OutputArchive archive;
    archive.write(kArchitectureKey, c10::IValue(m_impl->name));
    m_impl->network->save(archive);
    try {
        archive.save_to(path.string());
    } catch (const c10::Error& error) {
        throw std::runtime_error("cannot write weights file " + path.string() + ": " + firstLine(error.what()));
    }
}

void Candidate::loadWeights(const std::filesystem::path& path)
{
    const std::string fileName = path.string();
    std::error_code error;
    if (!std::filesystem::is_regular_file(path, error))
        throw std::runtime_error("weights file " + fileName + " not found");
    std::vector<std::pair<torch::Tensor, torch::Tensor>> loaded;
    try {
        torch::serialize::InputArchive archive;
        archive.load_from(fileName);
        c10::IValue architecture;
        if (!archive.try_read(kArchitectureKey, architecture) || !architecture.isString())
            throw std::runtime_error("weights file " + fileName + " was not written by ALERT Workbench");
        if (architecture.toStringRef() != m_impl->name)
            throw std::runtime_error(
                "weights file " + fileName + " holds '" + architecture.toStringRef() + "', not '" + m_impl->name + "'");
        readChecked(*m_impl->network, archive, "", loaded, fileName);
    } catch (const c10::Error& torchError) {
        throw std::runtime_error("weights file " + fileName + " cannot be read: " + firstLine(torchError.what()));
    }
    torch::NoGradGuard noGrad;
    for (auto& [target, value] : loaded)
        target.copy_(value);
    detail::CandidateAccess::invalidateStagedState(*this);
}

namespace detail {

    Candidate CandidateAccess::make(std::string name, ModelKind kind, NetworkPtr network)
    {
        auto impl = std::make_unique<Candidate::Impl>();
        impl->name = std::move(name);
        impl->kind = kind;
        std::int64_t macs = 0;
        std::int64_t parameters = 0;
        int index = 0;
        for (const StageCost& stage : network->stageCosts()) {
            macs += stage.macs;
            parameters += stage.parameters;
            impl->costs.push_back({ index++, macs, parameters });
        }
        impl->parameters = detail::parameterCount(*network);
        network->eval(); // candidates infer; the trainer switches to train() and back
        impl->network = std::move(network);
        return Candidate(std::move(impl));
    }

    StagedNetworkImpl& CandidateAccess::network(Candidate& candidate) { return *candidate.m_impl->network; }

    const NetworkPtr& CandidateAccess::networkPtr(const Candidate& candidate) { return candidate.m_impl->network; }

    void CandidateAccess::invalidateStagedState(Candidate& candidate)
    {
        Candidate::Impl& impl = *candidate.m_impl;
        impl.network->beginStaged(impl.input);
        impl.logits.clear();
    }

} // namespace detail

} // namespace awb::core
