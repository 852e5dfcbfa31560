#pragma once

// Private to core/models: LibTorch types. Never include from a public header.

#include "core/models/detail/staged_network.h"

#include <torch/script.h>

#include <istream>
#include <memory>
#include <string>
#include <vector>

namespace awb::core::detail {

// The reason in a LibTorch error, on one line (TorchScript interpreter errors carry the script's
// traceback before it, other errors a C++ backtrace after it).
std::string torchErrorReason(const std::exception& error);

// A user's TorchScript module as a staged network, under the import contract of
// docs/torchscript-import.md. Plain modules have one stage, forward(x) → logits. Anytime modules
// have num_outputs() stages; stage k is forward_stage(k, state) → (logits, state'), called with
// state = [x] for k = 0 and with the state stage k − 1 returned afterwards, so each stage runs
// only its new layers. The module's parameters are registered on this wrapper as well (the same
// tensors, not copies), so parameter counts and stageParameters see them.
// Threading: see StagedNetworkImpl.
class TorchScriptNetworkImpl : public StagedNetworkImpl {
public:
    // Loads the module from `bytes` and checks it against the contract: the methods its kind
    // needs, then one input of `inputShape` (N, C, H, W) through every stage, each returning
    // finite N × classes logits with the same classes. Measures every stage's MACs and the
    // parameters it reads first on that input (OpCostCounter). Throws TorchScriptImportError
    // (torchscript_import.h) naming `displayName`.
    static std::shared_ptr<TorchScriptNetworkImpl> load(
        std::istream& bytes, const std::string& displayName, const std::vector<std::int64_t>& inputShape, bool anytime);

    bool anytime() const { return m_anytime; }

    int numOutputs() const override { return static_cast<int>(m_costs.size()); }
    std::vector<std::int64_t> imageShape() const override { return m_imageShape; }
    std::int64_t numClasses() const override { return m_classes; }
    std::vector<torch::Tensor> forwardOutputs(const torch::Tensor& input, int outputs) override;
    void beginStaged(const torch::Tensor& input) override;
    torch::Tensor runStage(int stage) override;
    // MACs and parameters as measured on the validation input (per image).
    std::vector<StageCost> stageCosts() const override { return m_costs; }
    // The parameters stage `stage` reads first; parameters no stage reads belong to the last one.
    std::vector<torch::Tensor> stageParameters(int stage) const override;
    // Switches the scripted module too (its `training` attribute: dropout, batch-norm statistics).
    void train(bool on = true) override;

private:
    TorchScriptNetworkImpl(torch::jit::Module module, bool anytime, std::vector<std::int64_t> imageShape);
    // Stage `stage` on `state` (replaced by the state the stage returns); returns its logits.
    torch::Tensor stage(int stage, std::vector<torch::Tensor>& state);
    // Runs the validation input through every stage, checking the logits; fills the costs.
    void measure(const std::string& displayName, const std::vector<std::int64_t>& inputShape);
    std::int64_t declaredOutputs(const std::string& displayName);
    void attributeUnreadParameters(const std::vector<torch::Tensor>& parameters);

    torch::jit::Module m_module;
    bool m_anytime = false;
    std::vector<std::int64_t> m_imageShape; // C, H, W
    std::int64_t m_classes = 0;
    std::vector<StageCost> m_costs;
    std::vector<std::vector<torch::Tensor>> m_stageParameters;
    // Staged path: the state the next stage receives, and that stage's index (−1: no input).
    std::vector<torch::Tensor> m_state;
    int m_nextStage = -1;
};

} // namespace awb::core::detail
