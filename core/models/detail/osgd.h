#pragma once

// Private to core/models: Orthogonalized SGD on LibTorch tensors.

#include "core/models/osgd.h"

#include <torch/torch.h>

#include <vector>

namespace awb::core::detail {

// Per-output gradients: grads[k][p] is ∂L_k/∂θ_p, undefined where L_k does not reach θ_p.
// Outputs are in priority order, earliest (index 0) first.
using OutputGradients = std::vector<std::vector<torch::Tensor>>;

struct OsgdDirection {
    // Σ_k u_k per parameter, in the parameter's dtype; undefined where no output reaches it.
    std::vector<torch::Tensor> combined;
    // u_k per output and parameter in double (undefined = zero); filled only when asked for.
    OutputGradients basis;
};

// Gram–Schmidt in priority order: u_0 = g_0, u_k = g_k minus its projections on u_j (j < k),
// inner products accumulated in double. Implemented as modified Gram–Schmidt (subtracting each
// projection from the running remainder), which is the same map in exact arithmetic and keeps
// orthogonality at double rounding level. Threading: reentrant.
OsgdDirection orthogonalize(const OutputGradients& grads, const OsgdOptions& options, bool keepBasis = false);

// One forward's per-output losses → per-output gradients by one retained-graph partial backward
// per output (torch::autograd::grad with allow_unused), then the combined direction written
// into each parameter's mutable_grad() for the stock optimizer. Returns the per-output gradients
// when `keepGradients` (tests), else an empty list.
OutputGradients osgdBackward(const std::vector<torch::Tensor>& losses, const std::vector<torch::Tensor>& parameters,
    const OsgdOptions& options, bool keepGradients = false);

} // namespace awb::core::detail
