#include "core/models/detail/op_cost_counter.h"

#include <ATen/record_function.h>

#include <optional>
#include <stdexcept>
#include <string_view>

namespace awb::core::detail {

namespace {

    // The counter of this thread; the callback is thread-local too, but LibTorch's intra-op
    // workers inherit callbacks, and their operators (inside a kernel) must not be counted.
    thread_local OpCostCounter* t_counter = nullptr;

    enum class Product {
        None,
        Convolution,
        MaybeTransposed,
        TransposedConvolution,
        Linear,
        LeftOperand,
        SecondOperand
    };

    Product productKind(std::string_view name)
    {
        if (name == "aten::conv1d" || name == "aten::conv2d" || name == "aten::conv3d")
            return Product::Convolution;
        if (name == "aten::convolution" || name == "aten::_convolution")
            return Product::MaybeTransposed; // argument 6 is `transposed`
        if (name == "aten::conv_transpose1d" || name == "aten::conv_transpose2d" || name == "aten::conv_transpose3d")
            return Product::TransposedConvolution;
        if (name == "aten::linear")
            return Product::Linear;
        if (name == "aten::matmul" || name == "aten::mm" || name == "aten::bmm" || name == "aten::mv"
            || name == "aten::dot")
            return Product::LeftOperand;
        if (name == "aten::addmm" || name == "aten::baddbmm" || name == "aten::addmv")
            return Product::SecondOperand;
        return Product::None;
    }

    // MACs of one product: `fixed` plus `perOutputElement` × the output's element count (known
    // only when the operator returns).
    struct ProductContext : at::ObserverContext {
        bool counted = false;
        std::int64_t fixed = 0;
        std::int64_t perOutputElement = 0;
    };

    const at::Tensor* tensorAt(c10::ArrayRef<const c10::IValue> inputs, std::size_t index)
    {
        if (index >= inputs.size() || !inputs[index].isTensor() || !inputs[index].toTensor().defined())
            return nullptr;
        return &inputs[index].toTensor();
    }

    // Multiply-accumulates per weight slice: input channels per group × kernel elements for a
    // convolution weight (out, in / groups, k...), or (in, out / groups, k...) when transposed.
    std::int64_t perFilter(const at::Tensor& weight)
    {
        return weight.dim() > 0 && weight.size(0) > 0 ? weight.numel() / weight.size(0) : 0;
    }

    void measure(Product kind, c10::ArrayRef<const c10::IValue> inputs, ProductContext& context)
    {
        if (kind == Product::MaybeTransposed)
            kind = inputs.size() > 6 && inputs[6].isBool() && inputs[6].toBool() ? Product::TransposedConvolution
                                                                                 : Product::Convolution;
        const at::Tensor* first = tensorAt(inputs, 0);
        const at::Tensor* second = tensorAt(inputs, 1);
        switch (kind) {
        case Product::Convolution:
            if (second)
                context.perOutputElement = perFilter(*second);
            break;
        case Product::TransposedConvolution:
            // Every input element is scattered into out / groups × kernel outputs.
            if (first && second)
                context.fixed = first->numel() * perFilter(*second);
            break;
        case Product::Linear:
            // rows × out_features × in_features, with rows = input elements / in_features.
            if (first && second && second->dim() == 2)
                context.fixed = first->numel() * second->size(0);
            break;
        case Product::LeftOperand:
            if (first && first->dim() > 0)
                context.perOutputElement = first->size(-1);
            break;
        case Product::SecondOperand:
            if (second && second->dim() > 0)
                context.perOutputElement = second->size(-1);
            break;
        case Product::None:
        case Product::MaybeTransposed:
            break;
        }
    }

    // The operator's own arguments. Called through the JIT interpreter, inputs() is the whole
    // interpreter stack, with the arguments last; the schema says how many there are. Named
    // ranges without a schema have no arguments we could read.
    std::optional<c10::ArrayRef<const c10::IValue>> argumentsOf(const at::RecordFunction& function)
    {
        std::size_t count = 0;
        try {
            count = function.num_inputs();
        } catch (const c10::Error&) {
            return std::nullopt;
        }
        const c10::ArrayRef<const c10::IValue> stack = function.inputs();
        return count <= stack.size() ? stack.slice(stack.size() - count) : stack;
    }

    std::unique_ptr<at::ObserverContext> onStart(const at::RecordFunction& function)
    {
        OpCostCounter* counter = t_counter;
        if (counter == nullptr)
            return nullptr;
        const std::optional<c10::ArrayRef<const c10::IValue>> arguments = argumentsOf(function);
        if (!arguments)
            return nullptr;
        const c10::ArrayRef<const c10::IValue> inputs = *arguments;
        for (const c10::IValue& input : inputs) {
            if (input.isTensor()) {
                counter->noteRead(input.toTensor().unsafeGetTensorImpl());
            } else if (input.isTensorList()) {
                for (const at::Tensor& tensor : input.toTensorList().vec())
                    counter->noteRead(tensor.unsafeGetTensorImpl());
            }
        }
        const Product kind = productKind(function.name());
        if (kind == Product::None)
            return nullptr;
        auto context = std::make_unique<ProductContext>();
        context->counted = counter->productDepth()++ == 0;
        if (context->counted)
            measure(kind, inputs, *context);
        return context;
    }

    void onEnd(const at::RecordFunction& function, at::ObserverContext* observed)
    {
        OpCostCounter* counter = t_counter;
        if (counter == nullptr || observed == nullptr)
            return;
        const auto& context = static_cast<const ProductContext&>(*observed);
        --counter->productDepth();
        if (!context.counted)
            return;
        std::int64_t outputElements = 0;
        const std::vector<c10::IValue>& outputs = function.outputs();
        if (!outputs.empty() && outputs.front().isTensor() && outputs.front().toTensor().defined())
            outputElements = outputs.front().toTensor().numel();
        counter->addMacs(context.fixed + context.perOutputElement * outputElements);
    }

} // namespace

OpCostCounter::OpCostCounter(const std::vector<torch::Tensor>& watched)
    : m_read(watched.size(), false)
{
    if (t_counter != nullptr)
        throw std::logic_error("OpCostCounter: one counter per thread at a time");
    for (std::size_t i = 0; i < watched.size(); ++i)
        m_indexOf.emplace(watched[i].unsafeGetTensorImpl(), i);
    t_counter = this;
    m_handle = at::addThreadLocalCallback(at::RecordFunctionCallback(onStart, onEnd)
                                              .needsInputs(true)
                                              .needsOutputs(true)
                                              .scopes({ at::RecordScope::FUNCTION }));
}

OpCostCounter::~OpCostCounter()
{
    at::removeCallback(m_handle);
    t_counter = nullptr;
}

std::vector<std::size_t> OpCostCounter::takeFirstReads()
{
    std::vector<std::size_t> out;
    out.swap(m_firstReads);
    return out;
}

void OpCostCounter::noteRead(const c10::TensorImpl* tensor)
{
    const auto found = m_indexOf.find(tensor);
    if (found == m_indexOf.end() || m_read[found->second])
        return;
    m_read[found->second] = true;
    m_firstReads.push_back(found->second);
}

} // namespace awb::core::detail
