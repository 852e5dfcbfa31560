#include "core/models/detail/torchscript_network.h"

#include "core/models/detail/op_cost_counter.h"
#include "core/models/torchscript_import.h"

#include <c10/core/InferenceMode.h>

#include <algorithm>
#include <set>

namespace awb::core::detail {

namespace {

    // More outputs than this is taken for a num_outputs() that returns garbage.
    constexpr std::int64_t kMaxOutputs = 64;

    [[noreturn]] void refuse(const std::string& displayName, const std::string& reason)
    {
        throw TorchScriptImportError(displayName + ": " + reason);
    }

    std::string shapeText(c10::IntArrayRef shape)
    {
        std::string text;
        for (const std::int64_t size : shape)
            text += (text.empty() ? "" : ",") + std::to_string(size);
        return text;
    }

    // "(k: int, state: List[Tensor]) -> Tuple[Tensor, List[Tensor]]", without `self`.
    std::string signatureText(const c10::FunctionSchema& schema)
    {
        std::string text = "(";
        for (std::size_t i = 1; i < schema.arguments().size(); ++i) {
            const c10::Argument& argument = schema.arguments()[i];
            text += (i > 1 ? ", " : "") + argument.name() + ": " + argument.type()->annotation_str();
        }
        text += ") -> ";
        for (std::size_t i = 0; i < schema.returns().size(); ++i)
            text += (i > 0 ? ", " : "") + schema.returns()[i].type()->annotation_str();
        return text;
    }

    // Argument and return types (annotation strings, `self` excluded) a contract method must have.
    void checkSignature(const torch::jit::Module& module, const std::string& method,
        const std::vector<std::string>& arguments, const std::string& returns, const std::string& displayName)
    {
        const c10::FunctionSchema& schema = module.get_method(method).function().getSchema();
        bool matches = schema.arguments().size() == arguments.size() + 1 && schema.returns().size() == 1
            && schema.returns()[0].type()->annotation_str() == returns;
        for (std::size_t i = 0; matches && i < arguments.size(); ++i)
            matches = schema.arguments()[i + 1].type()->annotation_str() == arguments[i];
        if (!matches) {
            std::string expected = "(";
            for (std::size_t i = 0; i < arguments.size(); ++i)
                expected += (i > 0 ? ", " : "") + arguments[i];
            refuse(displayName,
                method + " has the signature " + signatureText(schema) + "; the anytime convention needs " + expected
                    + ") -> " + returns + " (docs/torchscript-import.md)");
        }
    }

    void checkMethods(const torch::jit::Module& module, bool anytime, const std::string& displayName)
    {
        if (!anytime) {
            if (!module.find_method("forward"))
                refuse(displayName, "the module has no forward method");
            return;
        }
        std::string missing;
        for (const char* method : { "num_outputs", "forward_stage" }) {
            if (!module.find_method(method))
                missing += (missing.empty() ? "" : " and ") + std::string(method);
        }
        if (!missing.empty())
            refuse(displayName,
                "not an anytime module: it does not export " + missing
                    + " (see the convention in docs/torchscript-import.md)");
        checkSignature(module, "num_outputs", {}, "int", displayName);
        checkSignature(module, "forward_stage", { "int", "List[Tensor]" }, "Tuple[Tensor, List[Tensor]]", displayName);
    }

    // The logits `what` returned for a batch of `batch`, checked against the contract.
    torch::Tensor checkedLogits(
        const c10::IValue& value, const std::string& what, std::int64_t batch, const std::string& displayName)
    {
        if (!value.isTensor())
            refuse(displayName, what + " returned a " + value.tagKind() + ", not a tensor of logits (batch × classes)");
        const torch::Tensor logits = value.toTensor();
        if (logits.dim() != 2 || logits.size(0) != batch)
            refuse(displayName,
                what + " returned a tensor of shape [" + shapeText(logits.sizes()) + "], not 2-D logits of shape ["
                    + std::to_string(batch) + ", classes]");
        if (!logits.is_floating_point())
            refuse(displayName, what + " returned " + std::string(c10::toString(logits.scalar_type())) + " logits");
        if (logits.size(1) < 2)
            refuse(displayName, what + " returned logits for " + std::to_string(logits.size(1)) + " class");
        if (!torch::isfinite(logits).all().item<bool>())
            refuse(displayName, what + " returned NaN or infinite logits on the validation input");
        return logits;
    }

} // namespace

std::string torchErrorReason(const std::exception& error)
{
    // Interpreter errors end with the Python exception ("RuntimeError: Given groups=1, ...").
    const auto* torchError = dynamic_cast<const c10::Error*>(&error);
    const std::string text = torchError ? torchError->what_without_backtrace() : error.what();
    std::string reason = text.substr(0, text.find('\n'));
    for (const char* marker : { "\nRuntimeError: ", "\nValueError: ", "\nAssertionError: " }) {
        if (const auto at = text.rfind(marker); at != std::string::npos) {
            const auto begin = at + 1;
            reason = text.substr(begin, text.find('\n', begin) - begin);
            break;
        }
    }
    return reason;
}

TorchScriptNetworkImpl::TorchScriptNetworkImpl(
    torch::jit::Module module, bool anytime, std::vector<std::int64_t> imageShape)
    : m_module(std::move(module))
    , m_anytime(anytime)
    , m_imageShape(std::move(imageShape))
{
    // Tied weights appear under several names: register each tensor once.
    std::set<const c10::TensorImpl*> seen;
    for (const auto& named : m_module.named_parameters(/*recurse=*/true)) {
        if (!seen.insert(named.value.unsafeGetTensorImpl()).second)
            continue;
        std::string key = named.name;
        std::replace(key.begin(), key.end(), '.', '_'); // nn::Module names cannot hold dots
        while (named_parameters(/*recurse=*/false).contains(key))
            key += '_';
        register_parameter(key, named.value, named.value.requires_grad());
    }
}

std::shared_ptr<TorchScriptNetworkImpl> TorchScriptNetworkImpl::load(
    std::istream& bytes, const std::string& displayName, const std::vector<std::int64_t>& inputShape, bool anytime)
{
    torch::jit::Module module;
    try {
        module = torch::jit::load(bytes, torch::kCPU);
    } catch (const std::exception& error) {
        refuse(displayName, "not a TorchScript file (torch::jit::load: " + torchErrorReason(error) + ")");
    }
    checkMethods(module, anytime, displayName);
    std::shared_ptr<TorchScriptNetworkImpl> network(new TorchScriptNetworkImpl(
        std::move(module), anytime, std::vector<std::int64_t>(inputShape.begin() + 1, inputShape.end())));
    network->eval(); // candidates infer: batch-norm running statistics, no dropout
    network->measure(displayName, inputShape);
    return network;
}

void TorchScriptNetworkImpl::measure(const std::string& displayName, const std::vector<std::int64_t>& inputShape)
{
    const std::int64_t batch = inputShape.at(0);
    std::vector<torch::Tensor> parameters = this->parameters(/*recurse=*/false);
    c10::InferenceMode guard;
    // A smooth pattern in [−1, 1] rather than zeros, so that a division or log that only
    // misbehaves on real data has a chance to show (and runs are repeatable).
    const torch::Tensor input
        = torch::arange(c10::multiply_integers(inputShape), torch::kFloat).mul_(0.21F).sin_().reshape(inputShape);
    OpCostCounter counter(parameters);
    const std::int64_t outputs = m_anytime ? declaredOutputs(displayName) : 1;
    std::vector<torch::Tensor> state { input };
    std::int64_t macsBefore = 0;
    for (int k = 0; k < outputs; ++k) {
        const std::string what = m_anytime ? "forward_stage(" + std::to_string(k) + ")" : std::string("forward");
        c10::IValue result;
        try {
            result = m_anytime ? m_module.get_method("forward_stage")(
                         { c10::IValue(static_cast<std::int64_t>(k)), c10::IValue(c10::List<at::Tensor>(state)) })
                               : m_module.forward({ input });
        } catch (const std::exception& error) {
            refuse(displayName,
                what + " fails on an input of shape " + shapeText(inputShape) + ": " + torchErrorReason(error));
        }
        const torch::Tensor logits
            = checkedLogits(m_anytime ? result.toTupleRef().elements()[0] : result, what, batch, displayName);
        if (m_anytime)
            state = result.toTupleRef().elements()[1].toTensorVector();
        if (k == 0)
            m_classes = logits.size(1);
        else if (logits.size(1) != m_classes)
            refuse(displayName,
                what + " returned logits for " + std::to_string(logits.size(1)) + " classes, forward_stage(0) for "
                    + std::to_string(m_classes));
        StageCost cost;
        cost.macs = (counter.macs() - macsBefore) / batch;
        macsBefore = counter.macs();
        m_stageParameters.emplace_back();
        for (const std::size_t index : counter.takeFirstReads())
            m_stageParameters.back().push_back(parameters[index]);
        m_costs.push_back(cost);
    }
    attributeUnreadParameters(parameters);
}

std::int64_t TorchScriptNetworkImpl::declaredOutputs(const std::string& displayName)
{
    c10::IValue count;
    try {
        count = m_module.get_method("num_outputs")({});
    } catch (const std::exception& error) {
        refuse(displayName, "num_outputs() failed: " + torchErrorReason(error));
    }
    const std::int64_t outputs = count.toInt(); // the signature check made sure it is an int
    if (outputs < 1 || outputs > kMaxOutputs)
        refuse(displayName,
            "num_outputs() returned " + std::to_string(outputs) + " (1 to " + std::to_string(kMaxOutputs)
                + " expected)");
    return outputs;
}

void TorchScriptNetworkImpl::attributeUnreadParameters(const std::vector<torch::Tensor>& parameters)
{
    // Parameters no stage read (dead code) still belong to the module: count them with the last
    // output, so that the stages partition the parameters.
    std::set<const c10::TensorImpl*> attributed;
    for (const auto& stage : m_stageParameters) {
        for (const torch::Tensor& parameter : stage)
            attributed.insert(parameter.unsafeGetTensorImpl());
    }
    for (const torch::Tensor& parameter : parameters) {
        if (!attributed.count(parameter.unsafeGetTensorImpl()))
            m_stageParameters.back().push_back(parameter);
    }
    for (std::size_t k = 0; k < m_costs.size(); ++k)
        m_costs[k].parameters = parameterCount(m_stageParameters[k]);
}

torch::Tensor TorchScriptNetworkImpl::stage(int stage, std::vector<torch::Tensor>& state)
{
    if (!m_anytime)
        return m_module.forward({ state.front() }).toTensor();
    const c10::IValue result = m_module.get_method("forward_stage")(
        { c10::IValue(static_cast<std::int64_t>(stage)), c10::IValue(c10::List<at::Tensor>(state)) });
    const auto& elements = result.toTupleRef().elements();
    state = elements[1].toTensorVector();
    return elements[0].toTensor();
}

std::vector<torch::Tensor> TorchScriptNetworkImpl::forwardOutputs(const torch::Tensor& input, int outputs)
{
    if (outputs < 1 || outputs > numOutputs())
        throw std::out_of_range("TorchScript module: " + std::to_string(outputs) + " outputs requested");
    std::vector<torch::Tensor> state { input };
    std::vector<torch::Tensor> logits;
    for (int k = 0; k < outputs; ++k)
        logits.push_back(stage(k, state));
    return logits;
}

void TorchScriptNetworkImpl::beginStaged(const torch::Tensor& input)
{
    m_state.clear();
    m_state.push_back(input);
    m_nextStage = input.defined() ? 0 : -1;
}

torch::Tensor TorchScriptNetworkImpl::runStage(int stage)
{
    if (m_nextStage < 0 || stage != m_nextStage || stage >= numOutputs())
        throw std::logic_error("TorchScript module: stage " + std::to_string(stage) + " run out of order");
    torch::Tensor logits = this->stage(stage, m_state);
    ++m_nextStage;
    if (!m_anytime)
        m_state.front() = torch::Tensor(); // the input is not needed again until the next beginStaged
    return logits;
}

std::vector<torch::Tensor> TorchScriptNetworkImpl::stageParameters(int stage) const
{
    if (stage < 0 || stage >= numOutputs())
        throw std::out_of_range("TorchScript module: no stage " + std::to_string(stage));
    return m_stageParameters[static_cast<std::size_t>(stage)];
}

void TorchScriptNetworkImpl::train(bool on)
{
    StagedNetworkImpl::train(on);
    m_module.train(on);
}

} // namespace awb::core::detail
