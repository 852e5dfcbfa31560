#pragma once

#include "app/cli/cli_context.h"

#include <cstddef>
#include <memory>
#include <string>

namespace CLI {
class App;
}

namespace awb::cli {

// `alertwb-cli train --compare`: the anytime training comparison (ANYTIME.md). Trains the nested
// zoo networks under summed loss, adaptive loss balancing, OSGD and the oracle for several seeds
// and prints the anytime-curve table; it writes no weights and never opens the store.
struct TrainCompareOptions {
    bool enabled = false; // --compare
    std::string seeds = "1,2";
    std::size_t trainSamples = 0; // 0: all 55,000 training images
    std::string outputPath; // -o: Markdown table to this file
};

// What --compare shares with `train --zoo`.
struct SharedTrainOptions {
    std::string models; // comma-separated; empty: every anytime zoo model
    int epochs = 0; // 0: each model's recommended epochs
    bool osgdGlobal = false;
};

// Adds --compare, --seeds, --train-samples and -o to the train subcommand.
std::shared_ptr<TrainCompareOptions> addTrainCompareOptions(CLI::App& command);

// Runs the comparison; `command` is asked which --zoo-only options were given, to refuse them.
void runTrainCompare(const CliContext& context, const CLI::App& command, const TrainCompareOptions& compare,
    const SharedTrainOptions& shared);

} // namespace awb::cli
