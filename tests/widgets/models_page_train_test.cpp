// Train Zoo on the Models page: the dialog, real training of cnn-xs on Debian's Fashion-MNIST off
// the GUI thread (kept short with trainSamples), Cancel, and a refusal shown in the page.
#include "core/models/fashion_mnist.h"
#include "core/models/zoo.h"
#include "core/system/sha256.h"
#include "database/repositories.h"
#include "database/store.h"
#include "database/zoo_train.h"
#include "widgets/models_model.h"
#include "widgets/models_page.h"
#include "widgets/zoo_train_dialog.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QComboBox>
#include <QLabel>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>

#include <filesystem>
#include <gtest/gtest.h>
#include <iterator>
#include <optional>

namespace {

namespace fs = std::filesystem;
using awb::ui::ModelsModel;
using awb::ui::ModelsPage;
using awb::ui::ZooTrainDialog;

constexpr int kLoadTimeoutMs = 20'000;
// Loading Fashion-MNIST, a short training and evaluating 15,000 images: seconds, but generous on
// a loaded shared machine.
constexpr int kTrainTimeoutMs = 300'000;
// Two batches of 128 images per epoch.
constexpr std::size_t kQuickTrainSamples = 256;

// Sets one environment variable for a test's lifetime and puts the old value back.
class ScopedEnv {
public:
    ScopedEnv(const char* name, const QString& value)
        : m_name(name)
        , m_wasSet(qEnvironmentVariableIsSet(name))
        , m_old(qgetenv(name))
    {
        qputenv(name, value.toUtf8());
    }
    ~ScopedEnv()
    {
        if (m_wasSet)
            qputenv(m_name, m_old);
        else
            qunsetenv(m_name);
    }
    ScopedEnv(const ScopedEnv&) = delete;
    ScopedEnv& operator=(const ScopedEnv&) = delete;

private:
    const char* m_name;
    bool m_wasSet;
    QByteArray m_old;
};

awb::db::ZooTrainRequest quickCnnXs()
{
    awb::db::ZooTrainRequest request;
    request.models = { "cnn-xs" };
    request.epochs = 1;
    request.trainSamples = kQuickTrainSamples;
    return request;
}

std::vector<std::string> zooNames()
{
    std::vector<std::string> names;
    for (const awb::core::ZooEntry& entry : awb::core::zooEntries())
        names.push_back(entry.name);
    return names;
}

TEST(WidgetsZooTrainDialog, OffersTheWholeZooWithTheCliDefaultsAndEmitsWhatWasChosen)
{
    ZooTrainDialog dialog;
    QAbstractItemModelTester tester(dialog.modelList()->model(), QAbstractItemModelTester::FailureReportingMode::Fatal);
    const awb::db::ZooTrainRequest defaults = dialog.request();
    EXPECT_EQ(defaults.models, zooNames());
    EXPECT_EQ(defaults.epochs, 0); // each model's recommended
    EXPECT_EQ(defaults.seed, 1u);
    EXPECT_EQ(defaults.rule, awb::core::TrainingRule::Osgd);
    EXPECT_EQ(defaults.trainSamples, 0u);
    auto* destination = dialog.findChild<QLabel*>(QStringLiteral("trainDestination"));
    ASSERT_NE(destination, nullptr);
    EXPECT_TRUE(destination->text().contains(QString::fromStdString(awb::db::defaultZooModelsDir().string())))
        << destination->text().toStdString();

    // Nothing checked: nothing to train.
    QListWidget* list = dialog.modelList();
    for (int row = 0; row < list->count(); ++row)
        list->item(row)->setCheckState(Qt::Unchecked);
    EXPECT_FALSE(dialog.trainButton()->isEnabled());
    list->item(1)->setCheckState(Qt::Checked);
    EXPECT_TRUE(dialog.trainButton()->isEnabled());
    auto* epochs = dialog.findChild<QSpinBox*>(QStringLiteral("trainEpochs"));
    auto* seed = dialog.findChild<QSpinBox*>(QStringLiteral("trainSeed"));
    auto* rule = dialog.findChild<QComboBox*>(QStringLiteral("trainRule"));
    ASSERT_TRUE(epochs && seed && rule);
    epochs->setValue(2);
    seed->setValue(7);
    rule->setCurrentIndex(rule->findText(QStringLiteral("summed")));

    std::optional<awb::db::ZooTrainRequest> emitted;
    QObject::connect(&dialog, &ZooTrainDialog::trainRequested,
        [&emitted](const awb::db::ZooTrainRequest& request) { emitted = request; });
    dialog.show();
    QTest::mouseClick(dialog.trainButton(), Qt::LeftButton);
    ASSERT_TRUE(emitted);
    EXPECT_EQ(emitted->models, std::vector<std::string> { zooNames().at(1) });
    EXPECT_EQ(emitted->epochs, 2);
    EXPECT_EQ(emitted->seed, 7u);
    EXPECT_EQ(emitted->rule, awb::core::TrainingRule::SummedLoss);
    EXPECT_FALSE(dialog.isVisible()); // the page shows the progress

    // Fields the form does not show survive a setRequest().
    dialog.setRequest(quickCnnXs());
    const awb::db::ZooTrainRequest preset = dialog.request();
    EXPECT_EQ(preset.models, std::vector<std::string> { "cnn-xs" });
    EXPECT_EQ(preset.epochs, 1);
    EXPECT_EQ(preset.trainSamples, kQuickTrainSamples);
}

class WidgetsModelsPageTrain : public testing::Test {
protected:
    WidgetsModelsPageTrain()
        // The CLI's default weights folder, $XDG_DATA_HOME/alertwb/models, inside this test's folder.
        : m_dataHome("XDG_DATA_HOME", m_dir.filePath(QStringLiteral("data")))
    {
    }
    void SetUp() override { ASSERT_TRUE(m_dir.isValid()); }

    fs::path storeFile() const { return m_dir.filePath(QStringLiteral("store.sqlite")).toStdString(); }
    fs::path weightsDir() const { return m_dir.filePath(QStringLiteral("data/alertwb/models")).toStdString(); }
    std::size_t storedModels() const
    {
        awb::db::Store store = awb::db::Store::open(storeFile());
        return awb::db::ModelRepository(store).list().size();
    }
    std::size_t filesInWeightsDir() const
    {
        std::error_code error;
        return static_cast<std::size_t>(std::distance(fs::directory_iterator(weightsDir(), error), {}));
    }
    // Opens store.sqlite (a new store: the shipped zoo is recorded) and waits for the first load.
    void openIn(ModelsPage& page)
    {
        QSignalSpy loaded(&page, &ModelsPage::modelsLoaded);
        page.setStorePath(QString::fromStdString(storeFile().string()));
        ASSERT_TRUE(loaded.wait(kLoadTimeoutMs)) << page.statusText().toStdString();
    }
    static void expectIdle(ModelsPage& page)
    {
        EXPECT_FALSE(page.isTraining());
        EXPECT_TRUE(page.trainAction()->isEnabled());
        EXPECT_TRUE(page.importAction()->isEnabled());
        EXPECT_TRUE(page.trainProgressBar()->isHidden());
        EXPECT_TRUE(page.cancelTrainButton()->isHidden());
    }

    QTemporaryDir m_dir;
    ScopedEnv m_dataHome;
};

TEST_F(WidgetsModelsPageTrain, TrainingCnnXsFromTheDialogAddsAVersionAndWritesItsWeights)
{
    ModelsPage page;
    QAbstractItemModelTester tester(page.proxyModel(), QAbstractItemModelTester::FailureReportingMode::Fatal);
    openIn(page);
    const std::size_t before = storedModels();
    ASSERT_GT(before, 0u); // the shipped zoo, cnn-xs among it
    ASSERT_TRUE(page.trainAction()->isEnabled());
    page.trainAction()->trigger();
    ZooTrainDialog* dialog = page.trainDialog();
    ASSERT_TRUE(dialog->isVisible());
    dialog->setRequest(quickCnnXs());

    QSignalSpy finished(&page, &ModelsPage::trainingFinished);
    QSignalSpy failed(&page, &ModelsPage::trainingFailed);
    QSignalSpy loaded(&page, &ModelsPage::modelsLoaded);
    QTest::mouseClick(dialog->trainButton(), Qt::LeftButton);
    EXPECT_FALSE(dialog->isVisible());
    ASSERT_TRUE(page.isTraining());
    EXPECT_FALSE(page.trainProgressBar()->isHidden());
    EXPECT_FALSE(page.cancelTrainButton()->isHidden());
    EXPECT_FALSE(page.trainAction()->isEnabled());
    EXPECT_FALSE(page.importAction()->isEnabled());

    ASSERT_TRUE(finished.wait(kTrainTimeoutMs)) << page.trainMessage().toStdString();
    EXPECT_EQ(failed.count(), 0);
    EXPECT_EQ(finished.at(0).at(0).toInt(), 1);
    EXPECT_FALSE(finished.at(0).at(1).toBool());
    const QString line = page.trainMessage();
    EXPECT_TRUE(line.startsWith(QStringLiteral("Trained cnn-xs ("))) << line.toStdString();
    EXPECT_TRUE(line.contains(QString::fromStdString(weightsDir().string()))) << line.toStdString();
    EXPECT_FALSE(line.contains(QLatin1Char('\n')));
    EXPECT_EQ(page.trainProgressBar()->value(), page.trainProgressBar()->maximum());
    expectIdle(page);
    // The page reloads by itself.
    ASSERT_TRUE(loaded.count() > 0 || loaded.wait(kLoadTimeoutMs));

    // A new version beside the shipped one, its weights in the CLI's default folder.
    EXPECT_EQ(awb::db::defaultZooModelsDir(), weightsDir());
    EXPECT_EQ(storedModels(), before + 1);
    const fs::path weights = weightsDir() / "cnn-xs.pt";
    ASSERT_TRUE(fs::is_regular_file(weights));
    EXPECT_EQ(filesInWeightsDir(), 1u);
    awb::db::Store store = awb::db::Store::open(storeFile());
    const auto newest = awb::db::ModelRepository(store).findByName("cnn-xs");
    ASSERT_TRUE(newest);
    EXPECT_EQ(fs::path(newest->filePath), weights);
    EXPECT_EQ(newest->fileSha256, awb::core::sha256FileHex(weights));
    const ModelsModel& model = *page.model();
    const int row = model.rowOfModel(QStringLiteral("cnn-xs"));
    ASSERT_GE(row, 0);
    EXPECT_EQ(model.index(row, ModelsModel::AccuracyColumn).data().toString(),
        ModelsModel::formatAccuracy(newest->outputs.back().testAccuracy));
    EXPECT_TRUE(line.contains(ModelsModel::formatAccuracy(newest->outputs.back().testAccuracy)));
}

TEST_F(WidgetsModelsPageTrain, CancellingLeavesNoRowNoWeightsAndThePageUsable)
{
    ModelsPage page;
    openIn(page);
    const std::size_t before = storedModels();
    awb::db::ZooTrainRequest request;
    request.models = { "cnn-xs" };
    request.epochs = 50; // the full training set: far more steps than it takes to see progress and cancel

    QSignalSpy barMoved(page.trainProgressBar(), &QProgressBar::valueChanged);
    QSignalSpy finished(&page, &ModelsPage::trainingFinished);
    ASSERT_TRUE(page.trainZoo(request));
    // One job at a time.
    EXPECT_FALSE(page.trainZoo(quickCnnXs()));
    EXPECT_FALSE(page.importModel({ "any.pt", "other-name", "1,1,28,28", false, {} }));
    EXPECT_FALSE(page.importAction()->isEnabled());
    EXPECT_FALSE(page.trainDialog()->trainButton()->isEnabled());
    // The trainer's first progress report: training is under way.
    while (page.trainProgressBar()->value() <= 0)
        ASSERT_TRUE(barMoved.wait(kTrainTimeoutMs)) << page.trainMessage().toStdString();
    EXPECT_TRUE(page.trainMessage().startsWith(QStringLiteral("cnn-xs: epoch 1/50, step ")))
        << page.trainMessage().toStdString();
    EXPECT_TRUE(page.isTraining());

    QTest::mouseClick(page.cancelTrainButton(), Qt::LeftButton);
    ASSERT_TRUE(finished.wait(kTrainTimeoutMs)) << page.trainMessage().toStdString();
    EXPECT_EQ(finished.at(0).at(0).toInt(), 0);
    EXPECT_TRUE(finished.at(0).at(1).toBool());
    EXPECT_TRUE(page.trainMessage().startsWith(QStringLiteral("Cancelled while training cnn-xs")))
        << page.trainMessage().toStdString();
    EXPECT_EQ(storedModels(), before);
    EXPECT_FALSE(fs::exists(weightsDir() / "cnn-xs.pt"));
    EXPECT_EQ(filesInWeightsDir(), 0u); // no temporary file either
    expectIdle(page);

    // Usable afterwards: the next training runs and is recorded.
    finished.clear();
    ASSERT_TRUE(page.trainZoo(quickCnnXs()));
    ASSERT_TRUE(finished.wait(kTrainTimeoutMs)) << page.trainMessage().toStdString();
    EXPECT_EQ(finished.at(0).at(0).toInt(), 1);
    EXPECT_EQ(storedModels(), before + 1);
    EXPECT_TRUE(fs::is_regular_file(weightsDir() / "cnn-xs.pt"));
}

TEST_F(WidgetsModelsPageTrain, AMissingDataSetIsOneLineInThePageAndNothingIsWritten)
{
    QTemporaryDir emptyDataDir;
    ASSERT_TRUE(emptyDataDir.isValid());
    const ScopedEnv dataDir(awb::core::kFashionMnistDirEnv, emptyDataDir.path());
    ModelsPage page;
    openIn(page);
    const std::size_t before = storedModels();

    QSignalSpy failed(&page, &ModelsPage::trainingFailed);
    QSignalSpy finished(&page, &ModelsPage::trainingFinished);
    ASSERT_TRUE(page.trainZoo(quickCnnXs()));
    ASSERT_TRUE(failed.wait(kTrainTimeoutMs)) << page.trainMessage().toStdString();
    EXPECT_EQ(finished.count(), 0);
    const QString message = failed.at(0).at(0).toString();
    EXPECT_TRUE(message.contains(QStringLiteral("dataset-fashion-mnist"))) << message.toStdString();
    EXPECT_FALSE(message.contains(QLatin1Char('\n'))) << message.toStdString();
    EXPECT_EQ(page.trainMessage(), message); // in the window, not only in a signal
    expectIdle(page);
    EXPECT_EQ(storedModels(), before);
    EXPECT_FALSE(fs::exists(weightsDir()));
}

} // namespace
