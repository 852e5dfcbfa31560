// `alertwb-cli train --compare`: trains the nested zoo networks with summed loss, adaptive loss
// balancing, OSGD and the oracle over several seeds, and prints the anytime-curve table (test
// accuracy of each output against its cumulative MACs, mean ± half-range over the seeds) as
// Markdown, or JSON with --json. Nothing is written but the -o file: no weights, no store.
#include "app/cli/train_compare.h"

#include "app/cli/interrupt_scope.h"
#include "core/models/fashion_mnist.h"
#include "core/models/torch_runtime.h"
#include "core/models/training_comparison.h"
#include "core/models/zoo.h"
#include "core/system/atomic_file.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

namespace awb::cli {

namespace {

    struct ModelResult {
        const core::ZooEntry* entry = nullptr;
        int epochs = 0;
        core::ComparisonResult comparison;
    };

    // Everything the table header reports, so the table can be reproduced from the file alone.
    struct CompareReport {
        std::string command;
        std::vector<std::uint64_t> seeds;
        std::size_t trainSamples = 0;
        std::size_t trainAvailable = 0;
        std::size_t testSamples = 0;
        std::string dataDirectory;
        core::TrainingOptions training; // epochs vary per model, see ModelResult
        int threads = 0;
        std::vector<ModelResult> models;
        double wallSeconds = 0.0;
    };

    class StderrProgress : public core::TrainingListener {
    public:
        void onProgress(const core::TrainingProgress& progress) override { std::cerr << progress.message << '\n'; }
        bool cancelRequested() override { return InterruptScope::interrupted(); }
    };

    std::vector<std::string> splitList(const std::string& list)
    {
        std::vector<std::string> items;
        std::stringstream stream(list);
        std::string item;
        while (std::getline(stream, item, ',')) {
            if (!item.empty())
                items.push_back(item);
        }
        return items;
    }

    std::vector<std::uint64_t> parseSeeds(const std::string& list)
    {
        std::vector<std::uint64_t> seeds;
        for (const std::string& item : splitList(list)) {
            std::size_t used = 0;
            std::uint64_t seed = 0;
            try {
                seed = std::stoull(item, &used);
            } catch (const std::exception&) {
                used = 0;
            }
            if (used != item.size() || item.front() == '-')
                throw CliError("--seeds takes comma-separated non-negative integers, not '" + item + "'");
            if (std::find(seeds.begin(), seeds.end(), seed) != seeds.end())
                throw CliError("--seeds names seed " + item + " twice");
            seeds.push_back(seed);
        }
        if (seeds.empty())
            throw CliError("--seeds names no seed");
        return seeds;
    }

    // The anytime zoo models named (default: all of them); a traditional model has one output and
    // nothing to compare.
    std::vector<const core::ZooEntry*> selectedModels(const std::string& list)
    {
        std::vector<const core::ZooEntry*> entries;
        if (list.empty()) {
            for (const core::ZooEntry& entry : core::zooEntries()) {
                if (entry.kind == core::ModelKind::Anytime)
                    entries.push_back(&entry);
            }
            return entries;
        }
        for (const std::string& name : splitList(list)) {
            const core::ZooEntry* entry = core::findZooEntry(name);
            if (!entry)
                throw CliError("unknown zoo model '" + name + "'");
            if (entry->kind != core::ModelKind::Anytime)
                throw CliError("--compare needs anytime models; '" + name + "' has one output");
            entries.push_back(entry);
        }
        if (entries.empty())
            throw CliError("--models names no model");
        return entries;
    }

    std::string joined(const std::vector<std::uint64_t>& seeds, const char* separator)
    {
        std::string text;
        for (const std::uint64_t seed : seeds)
            text += (text.empty() ? "" : separator) + std::to_string(seed);
        return text;
    }

    std::string withThousands(std::int64_t value)
    {
        std::string digits = std::to_string(value);
        for (int at = static_cast<int>(digits.size()) - 3; at > 0; at -= 3)
            digits.insert(static_cast<std::size_t>(at), ",");
        return digits;
    }

    std::string format(const char* pattern, double a, double b = 0.0)
    {
        char text[64];
        std::snprintf(text, sizeof text, pattern, a, b);
        return text;
    }

    double meanTrainSeconds(const core::ComparisonResult& result, core::TrainingRule rule)
    {
        double sum = 0.0;
        int count = 0;
        for (const core::ComparisonRun& run : result.runs) {
            if (run.rule == rule) {
                sum += run.trainSeconds;
                ++count;
            }
        }
        return count > 0 ? sum / count : 0.0;
    }

    void writeModelTable(std::ostream& out, const ModelResult& model, const std::vector<core::TrainingRule>& rules)
    {
        const auto& rows = model.comparison.rows;
        const int outputs = model.entry->numOutputs;
        out << "\n### " << model.entry->name << " (" << outputs << " outputs, " << model.epochs << " epoch"
            << (model.epochs == 1 ? "" : "s") << ")\n\n| output | MACs |";
        for (const core::TrainingRule rule : rules)
            out << ' ' << core::toString(rule) << " |";
        out << "\n| ---: | ---: |";
        for (std::size_t i = 0; i < rules.size(); ++i)
            out << " ---: |";
        out << '\n';
        for (int k = 0; k < outputs; ++k) {
            std::int64_t macs = 0;
            std::string cells;
            for (const core::TrainingRule rule : rules) {
                const auto row = std::find_if(rows.begin(), rows.end(),
                    [&](const core::ComparisonRow& r) { return r.rule == rule && r.output == k; });
                if (row == rows.end()) {
                    cells += " — |";
                    continue;
                }
                macs = row->cumulativeMacs;
                cells += ' ' + format("%.2f ± %.2f", 100.0 * row->meanAccuracy, 100.0 * row->spread) + " |";
            }
            out << "| " << k << " | " << withThousands(macs) << " |" << cells << '\n';
        }
        out << "\nTraining time per seed, mean:";
        for (std::size_t i = 0; i < rules.size(); ++i)
            out << (i == 0 ? " " : " · ") << core::toString(rules[i]) << ' '
                << format("%.0f s", meanTrainSeconds(model.comparison, rules[i]));
        out << ".\n";
    }

    std::string markdown(const CompareReport& report, const std::vector<core::TrainingRule>& rules)
    {
        const core::TrainingOptions& t = report.training;
        const bool subset = report.trainSamples < report.trainAvailable;
        const auto stepsPerEpoch
            = static_cast<std::int64_t>(report.trainSamples / static_cast<std::size_t>(t.batchSize));
        std::ostringstream out;
        out << "## Anytime curves by training rule\n\n"
            << "Command: `" << report.command << "`\n\n"
            << "- Data: Fashion-MNIST (" << report.dataDirectory << "). Training on "
            << (subset ? "the first " + withThousands(static_cast<std::int64_t>(report.trainSamples)) + " of the "
                           + withThousands(static_cast<std::int64_t>(report.trainAvailable))
                           + " training images (a subset, to keep the run affordable)"
                       : "all " + withThousands(static_cast<std::int64_t>(report.trainAvailable)) + " training images")
            << "; test accuracy on all " << withThousands(static_cast<std::int64_t>(report.testSamples))
            << " test images.\n"
            << "- Rules: `summed` = Σ_k CE(O_k, y), uniform weights; `adaptive` = weights ∝ 1 / running mean of "
               "each loss (momentum "
            << t.adaptiveMomentum << "), mean weight 1; `osgd` = Orthogonalized SGD, inner products "
            << (t.osgd.scope == core::InnerProductScope::Global ? "over all parameters" : "per parameter tensor")
            << "; `oracle` = output k of the stage-≤k network trained alone on L_k.\n"
            << "- Each training: SGD, batch " << t.batchSize << " (" << stepsPerEpoch << " steps per epoch), momentum "
            << t.momentum << ", weight decay " << t.weightDecay << ", cosine learning rate from " << t.learningRate
            << " to 0. For a given seed every rule starts from the same initial weights and shuffle.\n"
            << "- Seeds " << joined(report.seeds, ", ") << ". Cells: test accuracy in %, mean ± half-range over the "
            << report.seeds.size() << " seeds, half-range = (max − min) / 2.\n"
            << "- alertwb " << AWB_VERSION << ", LibTorch " << core::torchVersion() << ", " << report.threads
            << " intra-op thread(s). Wall time "
            << format("%.0f s (%.1f min)", report.wallSeconds, report.wallSeconds / 60.0)
            << ", training and evaluation.\n";
        for (const ModelResult& model : report.models)
            writeModelTable(out, model, rules);
        return out.str();
    }

    nlohmann::ordered_json toJson(const CompareReport& report)
    {
        nlohmann::ordered_json models = nlohmann::ordered_json::array();
        nlohmann::ordered_json rows = nlohmann::ordered_json::array();
        nlohmann::ordered_json runs = nlohmann::ordered_json::array();
        for (const ModelResult& model : report.models) {
            models.push_back({ { "name", model.entry->name }, { "epochs", model.epochs } });
            for (const core::ComparisonRow& row : model.comparison.rows) {
                rows.push_back({ { "model", row.model }, { "rule", core::toString(row.rule) }, { "output", row.output },
                    { "macs", row.cumulativeMacs }, { "accuracy_mean", row.meanAccuracy },
                    { "accuracy_spread", row.spread }, { "accuracy_per_seed", row.accuracies } });
            }
            for (const core::ComparisonRun& run : model.comparison.runs) {
                runs.push_back({ { "model", run.model }, { "rule", core::toString(run.rule) }, { "seed", run.seed },
                    { "accuracies", run.accuracies }, { "train_seconds", run.trainSeconds } });
            }
        }
        const core::TrainingOptions& t = report.training;
        return { { "command", report.command },
            { "settings",
                { { "models", models }, { "seeds", report.seeds }, { "train_samples", report.trainSamples },
                    { "train_samples_available", report.trainAvailable }, { "test_samples", report.testSamples },
                    { "batch_size", t.batchSize }, { "learning_rate", t.learningRate }, { "momentum", t.momentum },
                    { "weight_decay", t.weightDecay }, { "osgd_scope", core::toString(t.osgd.scope) },
                    { "spread", "half-range: (max - min) / 2 over seeds" }, { "threads", report.threads } } },
            { "rows", rows }, { "runs", runs }, { "wall_seconds", report.wallSeconds } };
    }

    void refuseZooOnlyOptions(const CLI::App& command)
    {
        for (const char* option : { "--zoo", "--seed", "--rule", "--models-dir" }) {
            if (command.count(option) > 0)
                throw CliError(
                    std::string("--compare trains every rule over --seeds and writes no weights; drop ") + option);
        }
    }

    std::string commandLine(const std::vector<const core::ZooEntry*>& entries, const std::vector<std::uint64_t>& seeds,
        const SharedTrainOptions& shared, std::size_t trainSamples)
    {
        std::string names;
        for (const core::ZooEntry* entry : entries)
            names += (names.empty() ? "" : ",") + entry->name;
        std::string line = "alertwb-cli train --compare --models " + names + " --seeds " + joined(seeds, ",");
        if (shared.epochs > 0)
            line += " --epochs " + std::to_string(shared.epochs);
        if (trainSamples > 0)
            line += " --train-samples " + std::to_string(trainSamples);
        if (shared.osgdGlobal)
            line += " --osgd-global";
        return line;
    }

    // Every model in turn, each with its own epochs (the zoo's recommendation unless --epochs).
    void compareModels(CompareReport& report, const std::vector<const core::ZooEntry*>& entries, int epochs,
        const core::ImageSet& train, const core::ImageSet& test)
    {
        const InterruptScope interrupts;
        StderrProgress progress;
        core::ComparisonOptions options;
        options.seeds = report.seeds;
        for (const core::ZooEntry* entry : entries) {
            options.training = report.training;
            options.training.epochs = epochs > 0 ? epochs : entry->recommendedEpochs;
            const std::string name = entry->name;
            std::cerr << name << ": comparing " << options.rules.size() << " rules over " << options.seeds.size()
                      << " seed(s), " << options.training.epochs << " epoch(s) on " << train.size() << " images\n";
            const core::ComparedModel model { name,
                [name](std::uint64_t seed) { return core::makeZooCandidate(name, seed); } };
            ModelResult result { entry, options.training.epochs,
                core::compareTrainingRules({ model }, train, test, options, &progress) };
            if (result.comparison.cancelled)
                throw CliError("interrupted while comparing " + name + "; nothing was written", 130);
            report.models.push_back(std::move(result));
        }
    }

} // namespace

std::shared_ptr<TrainCompareOptions> addTrainCompareOptions(CLI::App& command)
{
    auto options = std::make_shared<TrainCompareOptions>();
    command.add_flag("--compare", options->enabled,
        "anytime models: compare summed, adaptive, osgd and oracle training over --seeds (writes no weights)");
    command.add_option("--seeds", options->seeds, "--compare: comma-separated seeds (default 1,2)");
    command.add_option("--train-samples", options->trainSamples,
        "--compare: train on the first N training images (default all 55,000)");
    command.add_option("-o,--output", options->outputPath, "--compare: write the Markdown table to this file");
    return options;
}

void runTrainCompare(const CliContext& context, const CLI::App& command, const TrainCompareOptions& compare,
    const SharedTrainOptions& shared)
{
    refuseZooOnlyOptions(command);
    const std::vector<std::uint64_t> seeds = parseSeeds(compare.seeds);
    const std::vector<const core::ZooEntry*> entries = selectedModels(shared.models);

    core::FashionMnist data;
    try {
        data = core::loadFashionMnist();
    } catch (const std::runtime_error& error) {
        throw CliError(error.what(), 1);
    }
    CompareReport report;
    report.training.osgd.scope
        = shared.osgdGlobal ? core::InnerProductScope::Global : core::InnerProductScope::PerTensor;
    report.training.progressEverySteps = 0; // one line per epoch and run
    report.trainAvailable = data.train.size();
    if (compare.trainSamples > report.trainAvailable
        || (compare.trainSamples > 0 && compare.trainSamples < static_cast<std::size_t>(report.training.batchSize)))
        throw CliError("--train-samples must be between " + std::to_string(report.training.batchSize) + " and "
            + std::to_string(report.trainAvailable));
    const core::ImageSet train
        = compare.trainSamples > 0 ? data.train.slice(0, compare.trainSamples) : std::move(data.train);
    report.command = commandLine(entries, seeds, shared, compare.trainSamples);
    report.seeds = seeds;
    report.trainSamples = train.size();
    report.testSamples = data.test.size();
    report.dataDirectory = data.directory.string();
    report.threads = core::torchThreads();

    // Opened before the long run so that an unwritable -o path is refused at once; the temporary
    // file beside it is removed if the comparison fails or is interrupted.
    std::optional<core::AtomicFileWriter> file;
    if (!compare.outputPath.empty()) {
        try {
            file.emplace(compare.outputPath);
        } catch (const std::runtime_error& error) {
            throw CliError(error.what());
        }
    }

    const auto started = std::chrono::steady_clock::now();
    compareModels(report, entries, shared.epochs, train, data.test);
    report.wallSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

    const std::string table = markdown(report, core::ComparisonOptions().rules);
    if (file) {
        file->stream() << table;
        file->commit();
        std::cerr << "wrote " << compare.outputPath << '\n';
    }
    if (context.json)
        std::cout << toJson(report).dump(2) << '\n';
    else if (compare.outputPath.empty())
        std::cout << table;
}

} // namespace awb::cli
