#include "core/models/training_comparison.h"

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <utility>

namespace awb::core {

namespace {

    // Forwards one training's progress as a share of the whole comparison, with a prefix that
    // names the run.
    class RunListener : public TrainingListener {
    public:
        RunListener(TrainingListener* outer, std::string prefix, double offset, double share)
            : m_outer(outer)
            , m_prefix(std::move(prefix))
            , m_offset(offset)
            , m_share(share)
        {
        }
        void onProgress(const TrainingProgress& progress) override
        {
            if (!m_outer)
                return;
            TrainingProgress forwarded = progress;
            forwarded.fraction = m_offset + m_share * progress.fraction;
            forwarded.message = m_prefix + progress.message;
            m_outer->onProgress(forwarded);
        }
        bool cancelRequested() override { return m_outer && m_outer->cancelRequested(); }

    private:
        TrainingListener* m_outer;
        std::string m_prefix;
        double m_offset;
        double m_share;
    };

    std::vector<double> accuracies(const Evaluation& evaluation)
    {
        std::vector<double> out;
        for (const OutputEvaluation& output : evaluation.outputs)
            out.push_back(output.accuracy);
        return out;
    }

    // Trains one (model, rule, seed) and evaluates it; `cancelled` is set when the listener stopped it.
    ComparisonRun runOne(const ComparedModel& model, TrainingRule rule, std::uint64_t seed, const ImageSet& train,
        const ImageSet& test, TrainingOptions options, RunListener& listener, bool& cancelled)
    {
        options.rule = rule;
        options.seed = seed;
        ComparisonRun run { model.name, rule, seed, {}, {}, 0.0 };
        if (rule == TrainingRule::Oracle) {
            OracleResult oracle = trainOracle(model.make, train, options, &listener);
            for (const TrainingReport& report : oracle.reports) {
                run.trainSeconds += report.seconds;
                cancelled = cancelled || report.cancelled;
            }
            if (cancelled)
                return run;
            run.accuracies = accuracies(evaluateOracle(oracle, test));
            // Output k of the oracle is output k of networks[k]: the same architecture, so the same cost.
            for (const OutputCost& cost : oracle.networks.front().outputCosts())
                run.cumulativeMacs.push_back(cost.cumulativeMacs);
            return run;
        }
        Candidate candidate = model.make(seed);
        const TrainingReport report = core::train(candidate, train, options, &listener);
        run.trainSeconds = report.seconds;
        cancelled = report.cancelled;
        if (cancelled)
            return run;
        run.accuracies = accuracies(evaluate(candidate, test));
        for (const OutputCost& cost : candidate.outputCosts())
            run.cumulativeMacs.push_back(cost.cumulativeMacs);
        return run;
    }

} // namespace

std::vector<ComparisonRow> summarizeComparison(const std::vector<ComparisonRun>& runs)
{
    // (model, rule) pairs in order of first appearance, each with its runs.
    std::vector<std::pair<const ComparisonRun*, std::vector<const ComparisonRun*>>> groups;
    for (const ComparisonRun& run : runs) {
        auto group = std::find_if(groups.begin(), groups.end(),
            [&](const auto& g) { return g.first->model == run.model && g.first->rule == run.rule; });
        if (group == groups.end()) {
            groups.push_back({ &run, {} });
            group = std::prev(groups.end());
        }
        if (run.accuracies.size() != group->first->accuracies.size())
            throw std::invalid_argument(
                "runs of " + run.model + " (" + toString(run.rule) + ") disagree on the number of outputs");
        group->second.push_back(&run);
    }

    std::vector<ComparisonRow> rows;
    for (const auto& [first, members] : groups) {
        for (std::size_t k = 0; k < first->accuracies.size(); ++k) {
            ComparisonRow row;
            row.model = first->model;
            row.rule = first->rule;
            row.output = static_cast<int>(k);
            row.cumulativeMacs = k < first->cumulativeMacs.size() ? first->cumulativeMacs[k] : 0;
            for (const ComparisonRun* run : members)
                row.accuracies.push_back(run->accuracies[k]);
            double sum = 0.0;
            for (const double accuracy : row.accuracies)
                sum += accuracy;
            row.meanAccuracy = sum / static_cast<double>(row.accuracies.size());
            const auto [low, high] = std::minmax_element(row.accuracies.begin(), row.accuracies.end());
            row.spread = (*high - *low) / 2.0;
            rows.push_back(std::move(row));
        }
    }
    return rows;
}

ComparisonResult compareTrainingRules(const std::vector<ComparedModel>& models, const ImageSet& train,
    const ImageSet& test, const ComparisonOptions& options, TrainingListener* listener)
{
    if (models.empty() || options.rules.empty() || options.seeds.empty())
        throw std::invalid_argument("a comparison needs at least one model, one rule and one seed");
    const auto started = std::chrono::steady_clock::now();
    const double share = 1.0 / static_cast<double>(models.size() * options.rules.size() * options.seeds.size());
    ComparisonResult result;
    double offset = 0.0;
    for (const ComparedModel& model : models) {
        for (const TrainingRule rule : options.rules) {
            for (const std::uint64_t seed : options.seeds) {
                RunListener runListener(listener,
                    model.name + " " + toString(rule) + " seed " + std::to_string(seed) + ": ", offset, share);
                ComparisonRun run
                    = runOne(model, rule, seed, train, test, options.training, runListener, result.cancelled);
                if (result.cancelled)
                    break;
                result.runs.push_back(std::move(run));
                offset += share;
            }
            if (result.cancelled)
                break;
        }
        if (result.cancelled)
            break;
    }
    result.rows = summarizeComparison(result.runs);
    result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return result;
}

} // namespace awb::core
