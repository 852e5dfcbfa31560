#include "core/models/detail/osgd.h"

#include <algorithm>
#include <stdexcept>

namespace awb::core {

const char* toString(InnerProductScope scope) { return scope == InnerProductScope::Global ? "global" : "per-tensor"; }

namespace detail {

    namespace {

        // A block is the set of tensors one inner product runs over: one parameter (per-tensor
        // scope) or all of them (global scope). vectors[k][i]: output k, tensor i of the block,
        // flattened double; undefined = zero.
        using Block = std::vector<std::vector<torch::Tensor>>;

        double dot(const std::vector<torch::Tensor>& a, const std::vector<torch::Tensor>& b)
        {
            double sum = 0.0;
            for (std::size_t i = 0; i < a.size(); ++i) {
                if (a[i].defined() && b[i].defined())
                    sum += at::dot(a[i], b[i]).item<double>();
            }
            return sum;
        }

        // Replaces `grads` (one block) by its Gram–Schmidt basis u_k in place.
        void orthogonalizeBlock(Block& vectors, const OsgdOptions& options)
        {
            const std::size_t outputs = vectors.size();
            std::vector<double> normSquared(outputs, 0.0);
            std::vector<bool> inBasis(outputs, false);
            for (std::size_t k = 0; k < outputs; ++k) {
                std::vector<torch::Tensor>& v = vectors[k];
                const double gradientNormSquared = dot(v, v);
                for (std::size_t j = 0; j < k; ++j) {
                    if (!inBasis[j])
                        continue;
                    const double coefficient = dot(v, vectors[j]) / normSquared[j];
                    if (coefficient == 0.0)
                        continue;
                    for (std::size_t i = 0; i < v.size(); ++i) {
                        if (!vectors[j][i].defined())
                            continue;
                        if (!v[i].defined())
                            v[i] = torch::zeros_like(vectors[j][i]);
                        v[i].sub_(vectors[j][i], coefficient);
                    }
                }
                normSquared[k] = dot(v, v);
                inBasis[k] = normSquared[k] > 0.0
                    && normSquared[k]
                        >= std::max(options.absoluteEpsilon, options.relativeEpsilon * gradientNormSquared);
            }
        }

    } // namespace

    OsgdDirection orthogonalize(const OutputGradients& grads, const OsgdOptions& options, bool keepBasis)
    {
        OsgdDirection result;
        if (grads.empty())
            return result;
        const std::size_t outputs = grads.size();
        const std::size_t tensors = grads[0].size();
        for (const auto& perOutput : grads) {
            if (perOutput.size() != tensors)
                throw std::invalid_argument("orthogonalize: every output needs one gradient entry per parameter");
        }
        // Flattened double copies (never views of the caller's gradients, which stay intact);
        // u_0 = g_0 exactly.
        Block all(outputs, std::vector<torch::Tensor>(tensors));
        std::vector<torch::Tensor> reference(tensors); // a defined gradient per parameter: shape, dtype
        for (std::size_t k = 0; k < outputs; ++k) {
            for (std::size_t p = 0; p < tensors; ++p) {
                const torch::Tensor& g = grads[k][p];
                if (!g.defined())
                    continue;
                all[k][p] = g.detach().to(torch::kDouble, /*non_blocking=*/false, /*copy=*/true).flatten();
                if (!reference[p].defined())
                    reference[p] = g;
            }
        }
        if (options.scope == InnerProductScope::Global) {
            orthogonalizeBlock(all, options);
        } else {
            for (std::size_t p = 0; p < tensors; ++p) {
                Block block(outputs, std::vector<torch::Tensor>(1));
                for (std::size_t k = 0; k < outputs; ++k)
                    block[k][0] = all[k][p];
                orthogonalizeBlock(block, options);
                for (std::size_t k = 0; k < outputs; ++k)
                    all[k][p] = block[k][0];
            }
        }
        result.combined.resize(tensors);
        for (std::size_t p = 0; p < tensors; ++p) {
            torch::Tensor sum;
            for (std::size_t k = 0; k < outputs; ++k) {
                if (all[k][p].defined())
                    sum = sum.defined() ? sum + all[k][p] : all[k][p];
            }
            if (sum.defined())
                result.combined[p] = sum.view(reference[p].sizes()).to(reference[p].scalar_type());
        }
        if (keepBasis) {
            result.basis.assign(outputs, std::vector<torch::Tensor>(tensors));
            for (std::size_t k = 0; k < outputs; ++k) {
                for (std::size_t p = 0; p < tensors; ++p) {
                    if (all[k][p].defined())
                        result.basis[k][p] = all[k][p].view(reference[p].sizes());
                }
            }
        }
        return result;
    }

    OutputGradients osgdBackward(const std::vector<torch::Tensor>& losses, const std::vector<torch::Tensor>& parameters,
        const OsgdOptions& options, bool keepGradients)
    {
        OutputGradients grads;
        grads.reserve(losses.size());
        for (std::size_t k = 0; k < losses.size(); ++k) {
            grads.push_back(torch::autograd::grad({ losses[k] }, parameters, /*grad_outputs=*/ {},
                /*retain_graph=*/k + 1 < losses.size(), /*create_graph=*/false, /*allow_unused=*/true));
        }
        OsgdDirection direction = orthogonalize(grads, options);
        for (std::size_t p = 0; p < parameters.size(); ++p)
            const_cast<torch::Tensor&>(parameters[p]).mutable_grad() = direction.combined[p];
        if (!keepGradients)
            grads.clear();
        return grads;
    }

} // namespace detail

} // namespace awb::core
