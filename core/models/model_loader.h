#pragma once

#include "core/models/candidate.h"
#include "core/records/model_record.h"

namespace awb::core {

// The runnable candidate behind a stored model, whatever its source: the profiler, the
// replay and the live runner load models through this one door. Source "zoo": the built-in
// architecture `model.name` with the weights at model.filePath. Source "import": the TorchScript
// file at model.filePath, checked against its SHA-256 and the import contract again (one pass of
// the recorded input shape, docs/torchscript-import.md). Throws std::runtime_error naming the
// file when it is missing, changed or does not match, std::invalid_argument for a source this
// build cannot load.
Candidate loadModelCandidate(const ModelRecord& model);

} // namespace awb::core
