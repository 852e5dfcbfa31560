#include "core/models/trainer.h"

#include "core/models/detail/candidate_access.h"
#include "core/models/detail/osgd.h"
#include "core/models/detail/staged_network.h"
#include "core/models/detail/tensor_data.h"
#include "core/models/fashion_mnist.h"
#include "core/models/torch_runtime.h"
#include "core/models/zoo.h"

#include <c10/core/InferenceMode.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <numbers>
#include <numeric>
#include <random>
#include <stdexcept>

namespace awb::core {

namespace {

    constexpr std::int64_t kEvaluationBatch = 1000;

    // Restores the process-wide thread count and the network's eval mode on every exit path.
    class TrainingScope {
    public:
        TrainingScope(detail::StagedNetworkImpl& network, int threads)
            : m_network(network)
            , m_previousThreads(torchThreads())
        {
            if (threads > 0)
                setTorchThreads(threads);
            m_network.train();
        }
        ~TrainingScope()
        {
            m_network.eval();
            if (torchThreads() != m_previousThreads)
                setTorchThreads(m_previousThreads);
        }
        TrainingScope(const TrainingScope&) = delete;
        TrainingScope& operator=(const TrainingScope&) = delete;

    private:
        detail::StagedNetworkImpl& m_network;
        int m_previousThreads;
    };

    // Maps one training's progress into a share of the whole job (the oracle runs several).
    struct ProgressSink {
        TrainingListener* listener = nullptr;
        double offset = 0.0;
        double share = 1.0;
        std::string prefix;
    };

    // Which losses one training optimises: all `outputs` by `rule`, or (oracle) only output
    // `onlyOutput` of a network computed up to it.
    struct Objective {
        int outputs = 1;
        int onlyOutput = -1;
        TrainingRule rule = TrainingRule::SummedLoss;
    };

    std::vector<std::vector<bool>> correctness(detail::StagedNetworkImpl& network, const ImageSet& images, int outputs)
    {
        std::vector<std::vector<bool>> correct(static_cast<std::size_t>(outputs));
        c10::InferenceMode guard;
        const auto total = static_cast<std::int64_t>(images.size());
        for (std::int64_t begin = 0; begin < total; begin += kEvaluationBatch) {
            const std::int64_t count = std::min(kEvaluationBatch, total - begin);
            const std::vector<torch::Tensor> logits
                = network.forwardOutputs(detail::imageBatch(images, begin, count), outputs);
            const torch::Tensor labels = detail::labelBatch(images, begin, count);
            for (int k = 0; k < outputs; ++k) {
                const torch::Tensor hit = logits[static_cast<std::size_t>(k)].argmax(/*dim=*/1).eq(labels).contiguous();
                const bool* data = hit.data_ptr<bool>();
                correct[static_cast<std::size_t>(k)].insert(
                    correct[static_cast<std::size_t>(k)].end(), data, data + count);
            }
        }
        return correct;
    }

    OutputEvaluation summarize(int index, std::vector<bool> correct)
    {
        OutputEvaluation out;
        out.index = index;
        const auto hits = std::count(correct.begin(), correct.end(), true);
        out.accuracy = correct.empty() ? 0.0 : static_cast<double>(hits) / static_cast<double>(correct.size());
        out.correct = std::move(correct);
        return out;
    }

    std::string accuracyLine(detail::StagedNetworkImpl& network, const ImageSet& images, int outputs)
    {
        const bool wasTraining = network.is_training();
        network.eval();
        std::string line;
        for (auto& correct : correctness(network, images, outputs)) {
            std::array<char, 16> text {};
            std::snprintf(text.data(), text.size(), "%.1f", 100.0 * summarize(0, std::move(correct)).accuracy);
            line += (line.empty() ? "" : "/") + std::string(text.data());
        }
        network.train(wasTraining);
        return line + " %";
    }

    std::vector<torch::Tensor> lossesOf(
        const std::vector<torch::Tensor>& logits, const torch::Tensor& labels, const Objective& objective)
    {
        if (objective.onlyOutput >= 0)
            return { torch::cross_entropy_loss(logits[static_cast<std::size_t>(objective.onlyOutput)], labels) };
        std::vector<torch::Tensor> losses;
        for (const torch::Tensor& output : logits)
            losses.push_back(torch::cross_entropy_loss(output, labels));
        return losses;
    }

    // Fills the parameters' gradients for one step and returns the objective's value.
    class GradientRule {
    public:
        GradientRule(const TrainingOptions& options, std::vector<torch::Tensor> parameters)
            : m_options(options)
            , m_parameters(std::move(parameters))
        {
        }

        double apply(const std::vector<torch::Tensor>& losses, TrainingRule rule)
        {
            if (rule == TrainingRule::Osgd) {
                detail::osgdBackward(losses, m_parameters, m_options.osgd);
                double sum = 0.0;
                for (const torch::Tensor& loss : losses)
                    sum += loss.item<double>();
                return sum;
            }
            torch::Tensor total = losses[0] * weight(losses, 0, rule);
            for (std::size_t k = 1; k < losses.size(); ++k)
                total = total + losses[k] * weight(losses, k, rule);
            total.backward();
            return total.item<double>();
        }

    private:
        // 1 for summed loss (and for a single loss under any rule, keeping it plain SGD);
        // adaptive: (1 / avg_k) normalised to mean 1, avg_k the running average of L_k.
        double weight(const std::vector<torch::Tensor>& losses, std::size_t k, TrainingRule rule)
        {
            if (rule != TrainingRule::AdaptiveBalancing || losses.size() == 1)
                return 1.0;
            if (k == 0) {
                m_averages.resize(losses.size(), 0.0);
                for (std::size_t i = 0; i < losses.size(); ++i) {
                    const double value = losses[i].item<double>();
                    m_averages[i] = m_started
                        ? m_options.adaptiveMomentum * m_averages[i] + (1.0 - m_options.adaptiveMomentum) * value
                        : value;
                }
                m_started = true;
                double inverseSum = 0.0;
                for (const double average : m_averages)
                    inverseSum += 1.0 / std::max(average, 1e-12);
                m_weights.clear();
                for (const double average : m_averages)
                    m_weights.push_back(static_cast<double>(losses.size()) / std::max(average, 1e-12) / inverseSum);
            }
            return m_weights[k];
        }

        const TrainingOptions& m_options;
        std::vector<torch::Tensor> m_parameters;
        std::vector<double> m_averages;
        std::vector<double> m_weights;
        bool m_started = false;
    };

    void report(const ProgressSink& sink, TrainingProgress progress)
    {
        if (!sink.listener)
            return;
        progress.fraction = sink.offset
            + sink.share * static_cast<double>(progress.step)
                / static_cast<double>(std::max<std::int64_t>(progress.totalSteps, 1));
        progress.message = sink.prefix + progress.message;
        sink.listener->onProgress(progress);
    }

    // Mean losses over a run of steps (a progress window or an epoch).
    struct LossWindow {
        double objective = 0.0;
        std::vector<double> outputs; // sum of CE per output
        std::int64_t steps = 0;

        void add(double stepObjective, const std::vector<double>& stepLosses)
        {
            objective += stepObjective;
            outputs.resize(stepLosses.size(), 0.0);
            for (std::size_t k = 0; k < stepLosses.size(); ++k)
                outputs[k] += stepLosses[k];
            ++steps;
        }
        std::vector<double> meanOutputs() const
        {
            std::vector<double> means;
            for (const double sum : outputs)
                means.push_back(sum / static_cast<double>(steps));
            return means;
        }
    };

    // Cosine annealing from the initial rate to 0 over the run, set before every step.
    void setLearningRate(
        torch::optim::SGD& optimizer, const TrainingOptions& options, std::int64_t step, std::int64_t totalSteps)
    {
        const double lr = 0.5 * options.learningRate
            * (1.0 + std::cos(std::numbers::pi * static_cast<double>(step) / static_cast<double>(totalSteps)));
        for (auto& group : optimizer.param_groups())
            static_cast<torch::optim::SGDOptions&>(group.options()).lr(lr);
    }

    TrainingProgress windowProgress(
        const LossWindow& window, int epoch, int epochs, std::int64_t step, std::int64_t totalSteps)
    {
        TrainingProgress progress;
        progress.epoch = epoch;
        progress.epochs = epochs;
        progress.step = step;
        progress.totalSteps = totalSteps;
        progress.loss = window.objective / static_cast<double>(window.steps);
        progress.outputLosses = window.meanOutputs();
        std::array<char, 96> text {};
        std::snprintf(text.data(), text.size(), "epoch %d/%d, step %lld/%lld, loss %.4f", epoch, epochs,
            static_cast<long long>(step), static_cast<long long>(totalSteps), progress.loss);
        progress.message = text.data();
        return progress;
    }

    TrainingReport runTraining(detail::StagedNetworkImpl& network, const ImageSet& data, const TrainingOptions& options,
        const Objective& objective, const ProgressSink& sink, const ImageSet* validation)
    {
        const auto batch = static_cast<std::size_t>(std::max(options.batchSize, 0));
        if (options.batchSize < 2 || data.size() < batch)
            throw std::invalid_argument("training needs a batch size ≥ 2 and at least one full batch of images ("
                + std::to_string(data.size()) + " images, batch " + std::to_string(options.batchSize) + ")");
        // Partial last batches are dropped: every step sees `batch` images.
        const auto stepsPerEpoch = static_cast<std::int64_t>(data.size() / batch);
        const std::int64_t totalSteps = options.maxSteps > 0 ? options.maxSteps : stepsPerEpoch * options.epochs;
        if (totalSteps <= 0)
            throw std::invalid_argument("training needs at least one epoch or step");
        const auto epochs = static_cast<int>((totalSteps + stepsPerEpoch - 1) / stepsPerEpoch);
        const int computed = objective.onlyOutput >= 0 ? objective.onlyOutput + 1 : objective.outputs;

        TrainingScope scope(network, options.threads);
        torch::manual_seed(options.seed); // dropout
        std::mt19937_64 shuffler(options.seed);
        std::vector<std::int64_t> order(data.size());
        std::iota(order.begin(), order.end(), 0);
        std::vector<torch::Tensor> parameters = network.parameters(/*recurse=*/true);
        torch::optim::SGD optimizer(parameters,
            torch::optim::SGDOptions(options.learningRate)
                .momentum(options.momentum)
                .weight_decay(options.weightDecay));
        GradientRule rule(options, parameters);

        TrainingReport result;
        const auto started = std::chrono::steady_clock::now();
        std::int64_t step = 0;
        for (int epoch = 1; epoch <= epochs && !result.cancelled; ++epoch) {
            const auto epochStart = std::chrono::steady_clock::now();
            std::shuffle(order.begin(), order.end(), shuffler);
            LossWindow window;
            LossWindow epochWindow;
            for (std::int64_t s = 0; s < stepsPerEpoch && step < totalSteps; ++s, ++step) {
                if (sink.listener && sink.listener->cancelRequested()) {
                    result.cancelled = true;
                    break;
                }
                setLearningRate(optimizer, options, step, totalSteps);
                const torch::Tensor indices
                    = torch::from_blob(order.data() + s * options.batchSize, { options.batchSize }, torch::kLong);
                const std::vector<torch::Tensor> losses
                    = lossesOf(network.forwardOutputs(detail::imageBatch(data, indices), computed),
                        detail::labelBatch(data, indices), objective);
                optimizer.zero_grad();
                const double stepObjective = rule.apply(losses, objective.rule);
                optimizer.step();

                std::vector<double> stepLosses;
                for (const torch::Tensor& loss : losses)
                    stepLosses.push_back(loss.item<double>());
                window.add(stepObjective, stepLosses);
                epochWindow.add(stepObjective, stepLosses);
                const bool epochEnd = s + 1 == stepsPerEpoch || step + 1 == totalSteps;
                if (!epochEnd && (options.progressEverySteps <= 0 || window.steps < options.progressEverySteps))
                    continue;
                TrainingProgress progress = windowProgress(window, epoch, epochs, step + 1, totalSteps);
                if (epochEnd) {
                    result.epochSeconds.push_back(
                        std::chrono::duration<double>(std::chrono::steady_clock::now() - epochStart).count());
                    if (validation)
                        progress.message += ", validation accuracy " + accuracyLine(network, *validation, computed);
                }
                report(sink, std::move(progress));
                window = LossWindow();
            }
            if (epochWindow.steps > 0)
                result.finalOutputLosses = epochWindow.meanOutputs();
        }
        result.steps = step;
        result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        return result;
    }

} // namespace

const char* toString(TrainingRule rule)
{
    switch (rule) {
    case TrainingRule::SummedLoss:
        return "summed";
    case TrainingRule::AdaptiveBalancing:
        return "adaptive";
    case TrainingRule::Osgd:
        return "osgd";
    case TrainingRule::Oracle:
        return "oracle";
    }
    return "summed";
}

TrainingRule trainingRuleFromString(const std::string& text)
{
    for (const TrainingRule rule :
        { TrainingRule::SummedLoss, TrainingRule::AdaptiveBalancing, TrainingRule::Osgd, TrainingRule::Oracle }) {
        if (text == toString(rule))
            return rule;
    }
    throw std::invalid_argument("unknown training rule '" + text + "' (expected summed, adaptive, osgd or oracle)");
}

TrainingReport train(Candidate& candidate, const ImageSet& train, const TrainingOptions& options,
    TrainingListener* listener, const ImageSet* validation)
{
    if (options.rule == TrainingRule::Oracle)
        throw std::invalid_argument("the oracle trains one network per output: use trainOracle");
    detail::StagedNetworkImpl& network = detail::CandidateAccess::network(candidate);
    const Objective objective { candidate.numOutputs(), -1, options.rule };
    TrainingReport result = runTraining(network, train, options, objective, { listener, 0.0, 1.0, "" }, validation);
    detail::CandidateAccess::invalidateStagedState(candidate);
    return result;
}

OracleResult trainOracle(
    const std::string& zooName, const ImageSet& train, const TrainingOptions& options, TrainingListener* listener)
{
    return trainOracle(
        [&zooName](std::uint64_t seed) { return makeZooCandidate(zooName, seed); }, train, options, listener);
}

OracleResult trainOracle(const CandidateFactory& makeCandidate, const ImageSet& train, const TrainingOptions& options,
    TrainingListener* listener)
{
    OracleResult oracle;
    const int outputs = makeCandidate(options.seed).numOutputs();
    for (int k = 0; k < outputs; ++k) {
        Candidate candidate = makeCandidate(options.seed);
        const Objective objective { k + 1, k, TrainingRule::SummedLoss };
        const ProgressSink sink { listener, static_cast<double>(k) / outputs, 1.0 / outputs,
            "oracle output " + std::to_string(k) + ": " };
        oracle.reports.push_back(
            runTraining(detail::CandidateAccess::network(candidate), train, options, objective, sink, nullptr));
        detail::CandidateAccess::invalidateStagedState(candidate);
        oracle.networks.push_back(std::move(candidate));
        if (oracle.reports.back().cancelled)
            break;
    }
    return oracle;
}

Evaluation evaluate(Candidate& candidate, const ImageSet& images)
{
    detail::StagedNetworkImpl& network = detail::CandidateAccess::network(candidate);
    network.eval();
    Evaluation evaluation;
    evaluation.dataset = images.name;
    int index = 0;
    for (auto& correct : correctness(network, images, candidate.numOutputs()))
        evaluation.outputs.push_back(summarize(index++, std::move(correct)));
    return evaluation;
}

Evaluation evaluateOracle(OracleResult& oracle, const ImageSet& images)
{
    Evaluation evaluation;
    evaluation.dataset = images.name;
    for (std::size_t k = 0; k < oracle.networks.size(); ++k) {
        detail::StagedNetworkImpl& network = detail::CandidateAccess::network(oracle.networks[k]);
        network.eval();
        const int output = static_cast<int>(k);
        auto correct = correctness(network, images, output + 1);
        evaluation.outputs.push_back(summarize(output, std::move(correct.back())));
    }
    return evaluation;
}

} // namespace awb::core
