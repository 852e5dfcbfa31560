#pragma once

#include "core/models/candidate.h"
#include "core/models/osgd.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace awb::core {

struct ImageSet;

// How the losses of several outputs become one update (ANYTIME.md). With one output every rule
// is plain SGD on that output's loss.
enum class TrainingRule {
    SummedLoss, // Σ_k CE(O_k, y), uniform weights
    AdaptiveBalancing, // Σ_k w_k·CE(O_k, y), w_k ∝ 1 / running average of L_k, mean w_k = 1
    Osgd, // Orthogonalized SGD: Gram–Schmidt of the per-output gradients in output order
    Oracle, // each output's stage-≤k network trained alone on L_k (trainOracle only)
};

const char* toString(TrainingRule rule);
// "summed", "adaptive", "osgd", "oracle"; throws std::invalid_argument otherwise.
TrainingRule trainingRuleFromString(const std::string& text);

struct TrainingOptions {
    TrainingRule rule = TrainingRule::SummedLoss;
    OsgdOptions osgd;
    int epochs = 5;
    std::int64_t maxSteps = 0; // > 0: stop after this many steps (the cosine schedule spans them)
    int batchSize = 128;
    double learningRate = 0.05; // initial; cosine-annealed to 0 over the run, per step
    double momentum = 0.9;
    double weightDecay = 5e-4;
    double adaptiveMomentum = 0.9; // running average of each loss for AdaptiveBalancing
    std::uint64_t seed = 1; // weight init (via the zoo) and shuffling
    int threads = 0; // LibTorch intra-op threads while training (process-wide); 0 leaves it as is
    int progressEverySteps = 50;
};

struct TrainingProgress {
    int epoch = 0; // 1-based
    int epochs = 0;
    std::int64_t step = 0; // steps done so far in this training
    std::int64_t totalSteps = 0;
    double loss = 0.0; // mean objective over the steps since the last report
    std::vector<double> outputLosses; // mean CE per output over the same steps
    double fraction = 0.0; // of the whole job, in [0, 1]
    std::string message;
};

// Receives progress and is asked about cancellation once per step.
// Threading: called on the training thread; implementations forward across threads themselves.
class TrainingListener {
public:
    virtual ~TrainingListener() = default;
    virtual void onProgress(const TrainingProgress& progress) = 0;
    virtual bool cancelRequested() { return false; }
};

struct TrainingReport {
    bool cancelled = false; // weights are as they were at the cancelled step
    std::int64_t steps = 0;
    std::vector<double> epochSeconds; // wall time per completed epoch
    double seconds = 0.0;
    std::vector<double> finalOutputLosses; // mean CE per output over the last epoch's steps
};

struct OutputEvaluation {
    int index = 0;
    double accuracy = 0.0; // fraction in [0, 1]
    std::vector<bool> correct; // per input, in the data set's order
};

struct Evaluation {
    std::string dataset;
    std::vector<OutputEvaluation> outputs;
};

// Trains `candidate` in place on `train` (rule SummedLoss, AdaptiveBalancing or Osgd; Oracle
// throws std::invalid_argument — use trainOracle). Seeds LibTorch's global generator and uses a
// seeded shuffle, so equal options on an equally initialised candidate give equal weights.
// `validation`, when given, is evaluated after every epoch and reported in the progress message.
// Threading: blocks the calling thread; no concurrent use of `candidate`; seeding is process-wide.
TrainingReport train(Candidate& candidate, const ImageSet& train, const TrainingOptions& options,
    TrainingListener* listener = nullptr, const ImageSet* validation = nullptr);

struct OracleResult {
    // networks[k] is the zoo model trained on L_k alone (only its stages ≤ k were computed and
    // updated); its output k is the oracle's output k.
    std::vector<Candidate> networks;
    std::vector<TrainingReport> reports;
};

// Builds a fresh, seeded copy of one architecture (e.g. wrapping makeZooCandidate).
using CandidateFactory = std::function<Candidate(std::uint64_t seed)>;

// Oracle mode: one fresh network (seeded with options.seed) per output, each trained alone on
// its output's loss. options.rule is ignored. Progress fractions span all the trainings.
OracleResult trainOracle(const CandidateFactory& makeCandidate, const ImageSet& train, const TrainingOptions& options,
    TrainingListener* listener = nullptr);
OracleResult trainOracle(const std::string& zooName, const ImageSet& train, const TrainingOptions& options,
    TrainingListener* listener = nullptr);

// Accuracy of every output on `images` with per-input correctness, in eval mode.
// Threading: no concurrent use of `candidate`.
Evaluation evaluate(Candidate& candidate, const ImageSet& images);
// The oracle's curve: output k of networks[k] for every k.
Evaluation evaluateOracle(OracleResult& oracle, const ImageSet& images);

} // namespace awb::core
