#pragma once

#include "core/models/trainer.h"
#include "core/records/model_record.h"
#include "database/store.h"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

namespace awb::db {

// What `alertwb-cli train --zoo` and the GUI's Train Zoo dialog ask for.
struct ZooTrainRequest {
    std::vector<std::string> models; // zoo names, trained in this order; empty: the whole zoo
    int epochs = 0; // per model; 0: each model's recommended epochs
    std::uint64_t seed = 1; // weight initialisation and shuffling
    // Anytime models only (with one output every rule is plain SGD); Oracle is refused.
    core::TrainingRule rule = core::TrainingRule::Osgd;
    bool osgdGlobal = false; // OSGD inner products over all parameters at once
    std::filesystem::path modelsDir; // where NAME.pt goes; empty: defaultZooModelsDir()
    // > 0: train on the first trainSamples of the 55,000 training images only (quick checks);
    // 0: all. Validation and the stored test accuracy always use the full splits.
    std::size_t trainSamples = 0;
    // Trainer progress: 0 one message per epoch (the CLI's lines), N > 0 also every N steps.
    int progressEverySteps = 0;
};

// $XDG_DATA_HOME/alertwb/models: the folder beside the default store, where trained zoo weights
// go unless the user names another one.
std::filesystem::path defaultZooModelsDir();

// A request refused before anything is read or written (an unknown model name, the oracle rule).
// One line, in the CLI's words.
class ZooTrainRequestError : public std::invalid_argument {
public:
    using std::invalid_argument::invalid_argument;
};

// Fashion-MNIST could not be read: core::loadFashionMnist's one line (it names the Debian package
// dataset-fashion-mnist or the damaged file). Nothing was written.
class ZooTrainDataError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// A message for the user plus where the whole request stands.
struct ZooTrainProgress {
    // In [0, 1]: models done plus the running model's share of its steps, each model weighing the same.
    double fraction = 0.0;
    // One line, the CLI's stderr line: "cnn-xs: training 1 epoch(s), plain SGD, seed 1",
    // "cnn-xs: epoch 1/1, step 429/429, loss 0.5123, validation accuracy …",
    // "cnn-xs: test accuracy 0.84, weights /…/cnn-xs.pt".
    std::string message;
};

// Threading: called on the training thread; implementations forward across threads themselves.
class ZooTrainListener {
public:
    virtual ~ZooTrainListener() = default;
    virtual void onProgress(const ZooTrainProgress& progress) = 0;
    // Asked once per training step and before each model's weights are written.
    virtual bool cancelRequested() { return false; }
};

// One model trained, written and recorded.
struct ZooTrainedModel {
    core::ModelRecord model; // as stored: with its id, absolute filePath and fileSha256
    int epochs = 0; // the epochs it was trained for
    std::uint64_t seed = 0;
    core::TrainingRule rule = core::TrainingRule::Osgd;
    double trainSeconds = 0.0; // wall time of the training proper (not loading or evaluation)
};

struct ZooTrainOutcome {
    std::vector<ZooTrainedModel> trained; // in request order; each has its weights file and rows
    // Non-empty: the model a cancel request stopped. It left no weights file and no row, and the
    // models after it were not started; those in `trained` stay.
    std::string cancelledModel;

    bool cancelled() const { return !cancelledModel.empty(); }
};

// The checks that need no data and no store: every name is a zoo model's and the rule is one of
// the three joint rules. Returns the names to train (the whole zoo for an empty list). Throws
// ZooTrainRequestError.
std::vector<std::string> checkZooTrainRequest(const ZooTrainRequest& request);

// Trains each requested zoo model on Fashion-MNIST in turn and, for each, writes its weights to
// modelsDir/NAME.pt atomically (replacing an older file) and records in `openStore()` the model,
// its outputs' cost and test accuracy and the per-input correctness on the test split. A name the
// store already holds gets a new version (a new row): profile cells and runs refer to the version
// they measured. `openStore` is called once, after the data set is loaded and before the first
// model: the CLI creates a missing store there, so a refused request or a missing data set leaves
// no store behind. Throws ZooTrainRequestError and ZooTrainDataError as above, whatever
// `openStore` throws, StoreError when a row cannot be written and std::runtime_error when the
// weights cannot be; models recorded before a failure stay.
// Threading: blocks for minutes; call off the GUI thread. Seeds LibTorch's global generator, so
// nothing else seeded may run meanwhile (see core::makeZooCandidate).
ZooTrainOutcome trainZooIntoStore(
    const ZooTrainRequest& request, const std::function<Store&()>& openStore, ZooTrainListener& listener);

} // namespace awb::db
