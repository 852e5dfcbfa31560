#include "database/zoo_train.h"

#include "core/models/fashion_mnist.h"
#include "core/models/zoo.h"
#include "core/models/zoo_training.h"
#include "database/repositories.h"

#include <sstream>

namespace awb::db {

namespace {

    namespace fs = std::filesystem;

    // Forwards one model's trainer progress as lines prefixed with its name and as a share of the
    // whole request.
    class ModelProgress : public core::TrainingListener {
    public:
        ModelProgress(ZooTrainListener& listener, std::string prefix, double offset, double share)
            : m_listener(listener)
            , m_prefix(std::move(prefix))
            , m_offset(offset)
            , m_share(share)
        {
        }
        void onProgress(const core::TrainingProgress& progress) override
        {
            m_listener.onProgress({ m_offset + m_share * progress.fraction, m_prefix + progress.message });
        }
        bool cancelRequested() override { return m_listener.cancelRequested(); }

    private:
        ZooTrainListener& m_listener;
        std::string m_prefix;
        double m_offset;
        double m_share;
    };

    core::TrainingOptions trainingOptions(const ZooTrainRequest& request, const core::ZooEntry& entry)
    {
        core::TrainingOptions training;
        // With one output every rule is plain SGD; the chosen rule matters for anytime models only.
        training.rule = request.rule;
        training.osgd.scope = request.osgdGlobal ? core::InnerProductScope::Global : core::InnerProductScope::PerTensor;
        training.epochs = request.epochs > 0 ? request.epochs : entry.recommendedEpochs;
        training.seed = request.seed;
        training.progressEverySteps = request.progressEverySteps;
        return training;
    }

    std::string startLine(const std::string& name, const core::ZooEntry& entry, const core::TrainingOptions& training)
    {
        return name + ": training " + std::to_string(training.epochs) + " epoch(s), "
            + (entry.kind == core::ModelKind::Anytime ? std::string("rule ") + core::toString(training.rule)
                                                      : std::string("plain SGD"))
            + ", seed " + std::to_string(training.seed);
    }

    std::string resultLine(const core::ModelRecord& model)
    {
        // An ostream's default formatting (6 significant digits), as the CLI has always printed it.
        std::ostringstream line;
        line << model.name << ": test accuracy";
        for (const core::ModelOutputRecord& output : model.outputs)
            line << ' ' << output.testAccuracy.value();
        line << ", weights " << model.filePath;
        return line.str();
    }

    // The store rows of one trained model: its data set, the model, and per-input correctness.
    void storeResult(Store& store, const core::FashionMnist& data, core::ZooTrainingResult& result)
    {
        core::DatasetRecord dataset = core::fashionMnistTestDataset(data);
        DatasetRepository(store).upsert(dataset);

        std::vector<core::InputCorrectnessRecord> correctness;
        for (const core::OutputEvaluation& output : result.evaluation.outputs)
            correctness.push_back({ /*modelId=*/0, output.index, dataset.id, output.correct });
        ModelRepository(store).insert(result.model, correctness);
    }

    core::FashionMnist loadData(const ZooTrainRequest& request)
    {
        core::FashionMnist data;
        try {
            data = core::loadFashionMnist();
        } catch (const std::runtime_error& error) {
            throw ZooTrainDataError(error.what());
        }
        if (request.trainSamples > 0 && request.trainSamples < data.train.size())
            data.train = data.train.slice(0, request.trainSamples);
        return data;
    }

} // namespace

fs::path defaultZooModelsDir() { return Store::defaultPath().parent_path() / "models"; }

std::vector<std::string> checkZooTrainRequest(const ZooTrainRequest& request)
{
    if (request.rule == core::TrainingRule::Oracle)
        throw ZooTrainRequestError("the oracle rule trains one network per output and cannot train a zoo model; "
                                   "use summed, adaptive or osgd");
    std::vector<std::string> names;
    if (request.models.empty()) {
        for (const core::ZooEntry& entry : core::zooEntries())
            names.push_back(entry.name);
        return names;
    }
    for (const std::string& name : request.models) {
        if (!core::findZooEntry(name)) {
            std::string known;
            for (const core::ZooEntry& entry : core::zooEntries())
                known += (known.empty() ? "" : ", ") + entry.name;
            throw ZooTrainRequestError("unknown zoo model '" + name + "' (known: " + known + ")");
        }
        names.push_back(name);
    }
    return names;
}

ZooTrainOutcome trainZooIntoStore(
    const ZooTrainRequest& request, const std::function<Store&()>& openStore, ZooTrainListener& listener)
{
    const std::vector<std::string> names = checkZooTrainRequest(request);
    const fs::path modelsDir = request.modelsDir.empty() ? defaultZooModelsDir() : request.modelsDir;
    const core::FashionMnist data = loadData(request);
    Store& store = openStore();

    ZooTrainOutcome outcome;
    const double share = 1.0 / static_cast<double>(names.size());
    for (std::size_t index = 0; index < names.size(); ++index) {
        const std::string& name = names[index];
        const core::ZooEntry& entry = *core::findZooEntry(name);
        const core::TrainingOptions training = trainingOptions(request, entry);
        const double offset = share * static_cast<double>(index);
        listener.onProgress({ offset, startLine(name, entry, training) });
        ModelProgress progress(listener, name + ": ", offset, share);
        core::ZooTrainingResult result
            = core::trainZooModel(name, data, training, modelsDir / (name + ".pt"), &progress);
        if (result.cancelled) {
            outcome.cancelledModel = name;
            return outcome;
        }
        storeResult(store, data, result);
        listener.onProgress({ offset + share, resultLine(result.model) });
        outcome.trained.push_back(
            { result.model, training.epochs, training.seed, training.rule, result.report.seconds });
    }
    return outcome;
}

} // namespace awb::db
