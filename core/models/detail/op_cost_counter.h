#pragma once

// Private to core/models: LibTorch types. Never include from a public header.

#include <torch/torch.h>

#include <cstdint>
#include <unordered_map>
#include <vector>

namespace awb::core::detail {

// Measures what a forward pass of an opaque model (a TorchScript module) costs by watching the
// operators it dispatches on this thread, through a thread-local at::RecordFunction callback:
// - multiply-accumulates of convolutions (also transposed), linear layers and matrix products
//   (matmul, mm, bmm, addmm, baddbmm, mv, addmv, dot), computed from the operands' shapes. Only
//   the outermost such operator is counted, so linear → addmm or einsum → bmm counts once, and
//   composites outside the list (einsum, attention) are counted through the products they call.
//   Element-wise operators, normalization and pooling are not counted, as for the built-in zoo.
// - which of `watched` (the module's parameters) any operator read, to attribute parameters to
//   the first stage that uses them.
// Counts are for the whole batch that ran; divide by the batch size for per-image figures.
// Threading: counts only the constructing thread's operators; one counter per thread at a time.
class OpCostCounter {
public:
    explicit OpCostCounter(const std::vector<torch::Tensor>& watched);
    ~OpCostCounter();
    OpCostCounter(const OpCostCounter&) = delete;
    OpCostCounter& operator=(const OpCostCounter&) = delete;

    // MACs counted since construction.
    std::int64_t macs() const { return m_macs; }
    // Indices into `watched` of the tensors read for the first time since the previous call.
    std::vector<std::size_t> takeFirstReads();

    // Called by the RecordFunction callbacks of this thread.
    void noteRead(const c10::TensorImpl* tensor);
    void addMacs(std::int64_t macs) { m_macs += macs; }
    int& productDepth() { return m_productDepth; }

private:
    std::unordered_map<const c10::TensorImpl*, std::size_t> m_indexOf;
    std::vector<bool> m_read;
    std::vector<std::size_t> m_firstReads;
    std::int64_t m_macs = 0;
    int m_productDepth = 0; // nesting of counted product operators now running
    std::uint64_t m_handle = 0;
};

} // namespace awb::core::detail
