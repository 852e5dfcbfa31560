#pragma once

#include "core/models/trainer.h"

#include <cstdint>
#include <string>
#include <vector>

namespace awb::core {

struct ImageSet;

// One architecture in a comparison of training rules (ANYTIME.md, "Baselines for the training
// comparison"). `make` builds a fresh, seeded copy; every rule starts from make(seed).
struct ComparedModel {
    std::string name;
    CandidateFactory make;
};

struct ComparisonOptions {
    // Oracle means trainOracle (one network per output); the others train one network with train().
    std::vector<TrainingRule> rules { TrainingRule::SummedLoss, TrainingRule::AdaptiveBalancing, TrainingRule::Osgd,
        TrainingRule::Oracle };
    std::vector<std::uint64_t> seeds { 1, 2 };
    TrainingOptions training; // shared by every run; its rule and seed are set per run
};

// One training: one model, one rule, one seed, then every output evaluated on the test set.
struct ComparisonRun {
    std::string model;
    TrainingRule rule = TrainingRule::SummedLoss;
    std::uint64_t seed = 0;
    std::vector<double> accuracies; // per output, fraction in [0, 1]
    std::vector<std::int64_t> cumulativeMacs; // per output, one input image
    double trainSeconds = 0.0; // wall time of the training(s), without evaluation
};

// One point of one anytime curve: one output of one model under one rule, over the seeds.
struct ComparisonRow {
    std::string model;
    TrainingRule rule = TrainingRule::SummedLoss;
    int output = 0; // 0-based, earliest first
    std::int64_t cumulativeMacs = 0;
    std::vector<double> accuracies; // one per seed, in the order the runs came
    double meanAccuracy = 0.0; // fraction
    // Half the range over the seeds, (max − min) / 2, as a fraction: mean ± spread covers every
    // seed. With two seeds it is |a − b| / 2; 0 with one seed.
    double spread = 0.0;
};

// Groups runs by (model, rule), in the order each pair first appears, then by output. Throws
// std::invalid_argument when the runs of one pair disagree on the number of outputs.
// Threading: pure function, any thread.
std::vector<ComparisonRow> summarizeComparison(const std::vector<ComparisonRun>& runs);

struct ComparisonResult {
    bool cancelled = false; // the listener asked to stop; `runs` holds the trainings that finished
    std::vector<ComparisonRun> runs; // model, then rule, then seed order
    std::vector<ComparisonRow> rows; // summarizeComparison(runs)
    double seconds = 0.0; // wall time, training and evaluation
};

// Trains every model under every rule for every seed on `train` and evaluates every output on
// `test`. Writes nothing to disk. Progress messages are prefixed "<model> <rule> seed <s>: ", and
// the progress fraction spans the whole comparison.
// Threading: blocks the calling thread; seeds LibTorch's global generator (see makeZooCandidate).
ComparisonResult compareTrainingRules(const std::vector<ComparedModel>& models, const ImageSet& train,
    const ImageSet& test, const ComparisonOptions& options, TrainingListener* listener = nullptr);

} // namespace awb::core
