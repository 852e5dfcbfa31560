#pragma once

#include "core/models/candidate.h"
#include "core/models/fashion_mnist.h"
#include "core/models/trainer.h"
#include "core/records/model_record.h"

#include <filesystem>
#include <string>

namespace awb::core {

// One zoo model trained, evaluated and written to disk, ready for the store.
struct ZooTrainingResult {
    bool cancelled = false; // nothing was written, `model` and `evaluation` are empty
    // Not stored yet (id 0): name, kind, source "zoo", filePath (absolute), fileSha256, input shape,
    // parameters, and per output the cumulative MACs/parameters and the test accuracy.
    ModelRecord model;
    Evaluation evaluation; // on data.test, per-input correctness in file order
    TrainingReport report;
};

// Trains makeZooCandidate(name, options.seed) on data.train (validation accuracy in the message
// of every epoch's progress), evaluates every output on data.test and writes the weights to
// `weightsPath` with writeWeightsAtomically. A cancel request (listener) before the file is
// written leaves no file and returns cancelled. Throws std::invalid_argument for an unknown
// name, std::runtime_error when the weights cannot be written.
// Threading: blocks the calling thread; seeds LibTorch's global generator (see makeZooCandidate).
ZooTrainingResult trainZooModel(const std::string& name, const FashionMnist& data, const TrainingOptions& options,
    const std::filesystem::path& weightsPath, TrainingListener* listener = nullptr);

// Saves the weights to a temporary file in the target's folder (created when missing), syncs it
// and renames it over `weightsPath`: readers, and a process killed mid-write, see the old file
// or the complete new one, never half of one. Throws std::runtime_error naming the file.
void writeWeightsAtomically(const Candidate& candidate, const std::filesystem::path& weightsPath);

} // namespace awb::core
