#pragma once

#include "core/models/candidate.h"
#include "core/records/model_record.h"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace awb::core {

// One built-in model. Names are stable: they key weights files and store rows.
struct ZooEntry {
    std::string name; // e.g. "cnn-m", "anytime-width4"
    ModelKind kind = ModelKind::Traditional;
    int numOutputs = 1;
    int recommendedEpochs = 1; // what `train --zoo` should use by default
    std::string description;
};

// In zoo order: traditional CNNs by rising cost, then the anytime networks.
// Threading: any thread (immutable after first use).
const std::vector<ZooEntry>& zooEntries();
const ZooEntry* findZooEntry(const std::string& name); // nullptr when unknown

// A freshly initialised (untrained) model; equal seeds give equal weights. Seeds LibTorch's
// global generator, so do not call concurrently with other seeded work. Throws
// std::invalid_argument for an unknown name (the message lists the known ones).
Candidate makeZooCandidate(const std::string& name, std::uint64_t seed = 0);
// The architecture `name` with weights from `weightsPath` (see Candidate::loadWeights).
Candidate loadZooCandidate(const std::string& name, const std::filesystem::path& weightsPath);

// A width-nested anytime CNN of another shape than the zoo's (ANYTIME.md, "Width nesting"):
// one output per entry of groupChannels, one 3×3 conv layer per entry of layerStrides (1 or 2).
// `name` keys its weights files. Seeds like makeZooCandidate; throws std::invalid_argument for
// empty or non-positive sizes.
Candidate makeWidthNestedCandidate(const std::string& name, const std::vector<std::int64_t>& groupChannels,
    const std::vector<std::int64_t>& layerStrides, std::uint64_t seed = 0);

} // namespace awb::core
