#pragma once

// Private to core/models: how the zoo builds candidates and the trainer reaches their network.
// Torch-free; the network type is only forward-declared.

#include "core/models/candidate.h"
#include "core/models/detail/architectures.h"

namespace awb::core::detail {

struct CandidateAccess {
    static Candidate make(std::string name, ModelKind kind, NetworkPtr network);
    static StagedNetworkImpl& network(Candidate& candidate);
    static const NetworkPtr& networkPtr(const Candidate& candidate);
    // After the weights changed under it: cached activations and logits are stale.
    static void invalidateStagedState(Candidate& candidate);
};

} // namespace awb::core::detail
