#pragma once

#include "core/records/model_record.h"
#include "database/store.h"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace awb::db {

// What `alertwb-cli models import` and the GUI's Import dialog ask for (docs/torchscript-import.md).
struct ModelImportRequest {
    std::filesystem::path file; // the user's TorchScript file
    std::string name; // name in the store and of the copy NAME.pt
    std::string inputShape; // "N,C,H,W" as the user typed it
    bool anytime = false;
    std::filesystem::path modelsDir; // where the copy goes
};

// "models" beside the store: the default folder of imported copies.
std::filesystem::path defaultModelsDir(const std::filesystem::path& storePath);

// The checks that need no model run: the input shape parses, the name is not a zoo model's and,
// when `store` is given, not a name it already holds. Returns the parsed shape. Throws
// core::TorchScriptImportError with the one-line message the CLI prints (it names the CLI's
// options, e.g. "--input-shape: …"; the GUI shows the same words).
std::vector<std::int64_t> checkModelImportRequest(const ModelImportRequest& request, Store* store);

// Progress lines for the user ("NAME: checking FILE…", "NAME: no test accuracy: …").
using ModelImportNote = std::function<void(const std::string& line)>;

// Runs the whole import: checkModelImportRequest (without a store), loads Fashion-MNIST when the
// shape is its own (a missing data set is a note, and the accuracy stays empty), checks and
// measures the module (core::importTorchScript), then records it in `openStore()` after checking
// the name once more (another process may have taken it meanwhile). A refusal leaves neither a
// copy nor a row. `openStore` is called once, only after the model passed: the CLI creates a
// missing store there. Throws core::TorchScriptImportError (refusal), StoreError (the store),
// std::runtime_error (the copy could not be written). Returns the stored record (with its id).
// Threading: blocks for seconds (inference, evaluation on 10,000 images); call off the GUI thread.
core::ModelRecord importModel(
    const ModelImportRequest& request, const std::function<Store&()>& openStore, const ModelImportNote& note);

} // namespace awb::db
