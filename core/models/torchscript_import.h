#pragma once

#include "core/models/candidate.h"
#include "core/models/trainer.h"
#include "core/records/model_record.h"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace awb::core {

struct FashionMnist;

// ModelRecord::source of a model imported from a TorchScript file.
inline constexpr const char* kImportedModelSource = "import";

// A TorchScript file or an import request that does not meet the contract of
// docs/torchscript-import.md (not TorchScript, fails on the declared input, outputs that are not
// finite 2-D logits, an anytime module without the convention's methods, a malformed shape or
// name). The message is one line, for the user.
class TorchScriptImportError : public std::invalid_argument {
public:
    using std::invalid_argument::invalid_argument;
};

// "N,C,H,W" → four positive sizes. Throws TorchScriptImportError quoting the text.
std::vector<std::int64_t> parseInputShape(const std::string& text);
std::string formatInputShape(const std::vector<std::int64_t>& shape);
// Whether images of `inputShape` (N, C, H, W) are Fashion-MNIST's: C, H, W = 1, 28, 28.
bool isFashionMnistShape(const std::vector<std::int64_t>& inputShape);

// The TorchScript module in `bytes` (a file's content) as a candidate named `name`, after
// checking it against the contract with one input of `inputShape` (N, C, H, W) and measuring
// each output's MACs and parameters on that input (per image). `anytime` selects the anytime
// convention (num_outputs, forward_stage), else forward(x) is the one output. Throws
// TorchScriptImportError naming `displayName`. Threading: like any candidate construction.
Candidate loadTorchScriptCandidate(const std::string& name, const std::string& bytes, const std::string& displayName,
    const std::vector<std::int64_t>& inputShape, bool anytime);

struct TorchScriptImportRequest {
    std::filesystem::path file; // the user's TorchScript file
    std::string name; // letters, digits, '.', '_', '-'; becomes the file name NAME.pt
    std::vector<std::int64_t> inputShape; // N, C, H, W
    bool anytime = false;
    std::filesystem::path modelsDir; // where the copy goes (created when missing)
};

struct TorchScriptImportResult {
    // Not stored yet (id 0): name, kind, source kImportedModelSource, filePath (absolute, the copy),
    // fileSha256, inputShape, parameters, outputs (cumulative MACs and parameters per image,
    // testAccuracy only when evaluated).
    ModelRecord model;
    std::optional<Evaluation> evaluation; // on fashionMnist->test, per-input correctness in file order
    // False when modelsDir/NAME.pt already held these bytes: a caller undoing a failed import
    // must then leave the file in place.
    bool wroteFile = false;
};

// Reads the file once, checks those bytes (loadTorchScriptCandidate), evaluates every output on
// `fashionMnist->test` when it is given, the shape is Fashion-MNIST's and the outputs have 10
// classes (images normalized as for the zoo, see kFashionMnistMean), and only then writes the
// same bytes to modelsDir/NAME.pt atomically (temporary file, fsync, rename). Refuses, writing
// nothing, with TorchScriptImportError for bad input and when modelsDir/NAME.pt already holds
// other bytes; std::runtime_error when the copy cannot be written. Threading: blocks the caller.
TorchScriptImportResult importTorchScript(const TorchScriptImportRequest& request, const FashionMnist* fashionMnist);

} // namespace awb::core
