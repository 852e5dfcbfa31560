#pragma once

namespace awb::core {

// Where Orthogonalized SGD takes the inner products of its Gram–Schmidt step (ANYTIME.md):
// separately for every parameter tensor (the default, as good or better in our runs), or over
// the concatenation of all parameters.
enum class InnerProductScope { PerTensor, Global };

const char* toString(InnerProductScope scope);

struct OsgdOptions {
    InnerProductScope scope = InnerProductScope::PerTensor;
    // u_j joins the projection basis only when ‖u_j‖² ≥ max(absoluteEpsilon, relativeEpsilon·‖g_j‖²):
    // a smaller remainder is rounding noise of a g_j already (almost) in the earlier span.
    double absoluteEpsilon = 1e-30;
    double relativeEpsilon = 1e-12;
};

} // namespace awb::core
