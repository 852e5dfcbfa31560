#include "core/models/shipped_zoo.h"
#include "database/repositories.h"
#include "database/store.h"
#include "widgets/model_import_dialog.h"
#include "widgets/models_model.h"
#include "widgets/models_page.h"

#include <QAbstractItemModelTester>
#include <QPushButton>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
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

constexpr int kLoadTimeoutMs = 20'000;
// Importing runs the module and may evaluate it on 10,000 images: generous on a loaded machine.
constexpr int kImportTimeoutMs = 120'000;

fs::path fixture(const char* name) { return fs::path(AWB_TEST_DATA_DIR) / "torchscript" / name; }

awb::core::ModelRecord makeModel(const std::string& name, awb::core::ModelKind kind, const std::string& source,
    std::vector<std::pair<std::int64_t, std::optional<double>>> outputs)
{
    awb::core::ModelRecord model;
    model.name = name;
    model.kind = kind;
    model.source = source;
    model.filePath = "/models/" + name + ".pt";
    model.inputShape = "1,1,28,28";
    model.createdAt = "2026-01-01T00:00:00Z";
    for (std::size_t k = 0; k < outputs.size(); ++k)
        model.outputs.push_back(
            { static_cast<int>(k), outputs[k].first, 1000 * static_cast<std::int64_t>(k + 1), outputs[k].second });
    model.parameters = 1000 * static_cast<std::int64_t>(outputs.size());
    return model;
}

std::vector<awb::core::ModelRecord> sampleModels()
{
    using awb::core::ModelKind;
    return { makeModel("tiny-cnn", ModelKind::Traditional, "zoo", { { 9'000, 0.862 } }),
        makeModel(
            "early-exit", ModelKind::Anytime, "zoo", { { 64'000, 0.738 }, { 162'000, 0.7873 }, { 501'000, 0.8455 } }),
        makeModel("rgb-net", ModelKind::Traditional, "import", { { 405'030, std::nullopt } }) };
}

// Points the shipped zoo at an empty folder for one test, so a store holds only what it wrote.
class NoShippedZoo {
public:
    NoShippedZoo()
        : m_old(qgetenv("ALERTWB_RESOURCE_DIR"))
    {
        qputenv("ALERTWB_RESOURCE_DIR", m_empty.path().toUtf8());
    }
    ~NoShippedZoo() { qputenv("ALERTWB_RESOURCE_DIR", m_old); }

private:
    QTemporaryDir m_empty;
    QByteArray m_old;
};

QString text(const QAbstractItemModel& model, int row, int column, const QModelIndex& parent = {})
{
    return model.index(row, column, parent).data().toString();
}

class WidgetsModelsPage : public testing::Test {
protected:
    void SetUp() override { ASSERT_TRUE(m_dir.isValid()); }
    fs::path file(const char* name) const { return m_dir.filePath(QLatin1String(name)).toStdString(); }
    static QString qpath(const fs::path& path) { return QString::fromStdString(path.string()); }
    std::size_t storedModels() const
    {
        awb::db::Store store = awb::db::Store::open(file("store.sqlite"));
        return awb::db::ModelRepository(store).list().size();
    }
    std::size_t copiesInModelsDir() const
    {
        const fs::path dir = file("models");
        if (!fs::exists(dir))
            return 0;
        return static_cast<std::size_t>(std::distance(fs::directory_iterator(dir), fs::directory_iterator()));
    }

    // Opens store.sqlite in `page` and waits for the first load.
    void openIn(ModelsPage& page)
    {
        QSignalSpy loaded(&page, &ModelsPage::modelsLoaded);
        page.setStorePath(qpath(file("store.sqlite")));
        ASSERT_TRUE(loaded.wait(kLoadTimeoutMs)) << page.statusText().toStdString();
    }

    QTemporaryDir m_dir;
};

TEST(WidgetsModelsModel, PassesTheModelTesterAndShowsOutputsAsChildren)
{
    ModelsModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    model.setModels(sampleModels());
    ASSERT_EQ(model.rowCount(), 3);
    EXPECT_EQ(model.rowCount(model.index(0, 0)), 0); // one output: shown on the model's row
    const QModelIndex anytime = model.index(1, 0);
    ASSERT_EQ(model.rowCount(anytime), 3);
    EXPECT_EQ(model.parent(model.index(2, 0, anytime)), anytime);
    EXPECT_EQ(text(model, 0, ModelsModel::NameColumn, anytime), QStringLiteral("output 0"));
    EXPECT_EQ(text(model, 0, ModelsModel::MacsColumn, anytime), QStringLiteral("0.064 MMACs"));
    EXPECT_EQ(text(model, 1, ModelsModel::AccuracyColumn, anytime), QStringLiteral("78.7 %"));
    EXPECT_EQ(model.index(2, 0, anytime).data(ModelsModel::OutputIndexRole).toInt(), 2);
    model.clear();
    EXPECT_EQ(model.rowCount(), 0);
}

TEST(WidgetsModelsModel, FormatsMacsAndAccuracyAndDashesWhatIsMissing)
{
    EXPECT_EQ(ModelsModel::formatMacs(14'688'000), QStringLiteral("14.688 MMACs"));
    EXPECT_EQ(ModelsModel::formatMacs(0), QStringLiteral("—"));
    EXPECT_EQ(ModelsModel::formatAccuracy(0.9171), QStringLiteral("91.7 %"));
    EXPECT_EQ(ModelsModel::formatAccuracy(std::nullopt), QStringLiteral("—"));
}

TEST_F(WidgetsModelsPage, ShowsTheStoresModelsWithKindsOutputsAndAccuracy)
{
    NoShippedZoo noZoo;
    {
        awb::db::Store store = awb::db::Store::open(file("store.sqlite"));
        for (awb::core::ModelRecord model : sampleModels())
            awb::db::ModelRepository(store).insert(model);
    }
    ModelsPage page;
    QAbstractItemModelTester tester(page.proxyModel(), QAbstractItemModelTester::FailureReportingMode::Fatal);
    openIn(page);
    const ModelsModel& model = *page.model();
    ASSERT_EQ(model.rowCount(), 3);

    const int tiny = model.rowOfModel(QStringLiteral("tiny-cnn"));
    ASSERT_GE(tiny, 0);
    EXPECT_EQ(text(model, tiny, ModelsModel::KindColumn), QStringLiteral("traditional"));
    EXPECT_EQ(text(model, tiny, ModelsModel::OutputsColumn), QStringLiteral("1"));
    EXPECT_EQ(text(model, tiny, ModelsModel::MacsColumn), QStringLiteral("0.009 MMACs"));
    EXPECT_EQ(text(model, tiny, ModelsModel::AccuracyColumn), QStringLiteral("86.2 %"));
    EXPECT_EQ(text(model, tiny, ModelsModel::FileColumn), QStringLiteral("tiny-cnn.pt"));

    const int anytime = model.rowOfModel(QStringLiteral("early-exit"));
    ASSERT_GE(anytime, 0);
    EXPECT_EQ(text(model, anytime, ModelsModel::KindColumn), QStringLiteral("anytime"));
    EXPECT_EQ(text(model, anytime, ModelsModel::OutputsColumn), QStringLiteral("3"));
    // The model's row is the full model: its last output.
    EXPECT_EQ(text(model, anytime, ModelsModel::MacsColumn), QStringLiteral("0.501 MMACs"));
    EXPECT_EQ(text(model, anytime, ModelsModel::AccuracyColumn), QStringLiteral("84.5 %"));
    EXPECT_EQ(text(model, 0, ModelsModel::AccuracyColumn, model.index(anytime, 0)), QStringLiteral("73.8 %"));

    const int imported = model.rowOfModel(QStringLiteral("rgb-net"));
    ASSERT_GE(imported, 0);
    EXPECT_EQ(text(model, imported, ModelsModel::SourceColumn), QStringLiteral("import"));
    EXPECT_EQ(text(model, imported, ModelsModel::AccuracyColumn), QStringLiteral("—"));
    EXPECT_TRUE(page.statusText().startsWith(QStringLiteral("3 models")));
}

TEST_F(WidgetsModelsPage, ANewStoreShowsTheShippedTrainedZoo)
{
    const awb::core::ShippedZoo zoo = awb::core::readShippedZoo();
    ASSERT_FALSE(zoo.models.empty());
    ModelsPage page;
    openIn(page);
    const ModelsModel& model = *page.model();
    EXPECT_EQ(model.rowCount(), static_cast<int>(zoo.models.size()));
    for (const awb::core::ShippedModel& shipped : zoo.models) {
        const int row = model.rowOfModel(QString::fromStdString(shipped.model.name));
        ASSERT_GE(row, 0) << shipped.model.name;
        EXPECT_EQ(text(model, row, ModelsModel::AccuracyColumn),
            ModelsModel::formatAccuracy(shipped.model.outputs.back().testAccuracy))
            << shipped.model.name;
        EXPECT_NE(text(model, row, ModelsModel::AccuracyColumn), QStringLiteral("—")) << shipped.model.name;
    }
    EXPECT_TRUE(page.statusText().contains(QStringLiteral("shipped"))) << page.statusText().toStdString();

    // A second look adds nothing.
    QSignalSpy loaded(&page, &ModelsPage::modelsLoaded);
    page.refresh();
    ASSERT_TRUE(loaded.wait(kLoadTimeoutMs));
    EXPECT_EQ(storedModels(), zoo.models.size());
    EXPECT_FALSE(page.statusText().contains(QStringLiteral("shipped")));
}

TEST_F(WidgetsModelsPage, ImportingAGoodFileThroughTheDialogAddsARow)
{
    NoShippedZoo noZoo;
    ModelsPage page;
    openIn(page);
    ASSERT_EQ(page.model()->rowCount(), 0);

    QSignalSpy imported(&page, &ModelsPage::modelImported);
    QSignalSpy loaded(&page, &ModelsPage::modelsLoaded);
    page.importDialog()->setRequest(
        qpath(fixture("rgb64_traced.pt")), QStringLiteral("rgb-net"), QStringLiteral("1,3,64,64"), false);
    auto* importButton = page.importDialog()->findChild<QPushButton*>(QStringLiteral("importButton"));
    ASSERT_NE(importButton, nullptr);
    QTest::mouseClick(importButton, Qt::LeftButton);
    EXPECT_TRUE(page.isImporting());
    EXPECT_FALSE(importButton->isEnabled()); // one import at a time
    ASSERT_TRUE(imported.wait(kImportTimeoutMs)) << page.importMessage().toStdString();
    EXPECT_FALSE(page.isImporting());
    EXPECT_TRUE(page.importMessage().startsWith(QStringLiteral("imported rgb-net")))
        << page.importMessage().toStdString();
    // The page reloads by itself after the import.
    ASSERT_TRUE(loaded.wait(kLoadTimeoutMs));

    const ModelsModel& model = *page.model();
    const int row = model.rowOfModel(QStringLiteral("rgb-net"));
    ASSERT_GE(row, 0);
    EXPECT_EQ(text(model, row, ModelsModel::SourceColumn), QStringLiteral("import"));
    EXPECT_EQ(text(model, row, ModelsModel::InputShapeColumn), QStringLiteral("1,3,64,64"));
    EXPECT_EQ(text(model, row, ModelsModel::MacsColumn), QStringLiteral("0.405 MMACs")); // 405,030 MACs
    EXPECT_EQ(text(model, row, ModelsModel::AccuracyColumn), QStringLiteral("—")); // no labelled 64×64 RGB set
    EXPECT_EQ(text(model, row, ModelsModel::FileColumn), QStringLiteral("rgb-net.pt"));
    EXPECT_TRUE(fs::exists(file("models") / "rgb-net.pt"));
    EXPECT_EQ(storedModels(), 1u);
}

struct BadGuiImport {
    const char* label;
    const char* file;
    const char* name;
    const char* shape;
    bool anytime;
    const char* cliPhrase; // what models_import_cli_tests.cpp expects the CLI to say
};

void PrintTo(const BadGuiImport& bad, std::ostream* out) { *out << bad.label; }

class WidgetsModelsPageRefusal : public WidgetsModelsPage, public testing::WithParamInterface<BadGuiImport> { };

TEST_P(WidgetsModelsPageRefusal, ShowsTheCliMessageAndAddsNothing)
{
    const BadGuiImport& bad = GetParam();
    NoShippedZoo noZoo;
    ModelsPage page;
    openIn(page);
    QSignalSpy failed(&page, &ModelsPage::importFailed);
    awb::db::ModelImportRequest request;
    request.file = fixture(bad.file);
    request.name = bad.name;
    request.inputShape = bad.shape;
    request.anytime = bad.anytime;
    ASSERT_TRUE(page.importModel(request));
    ASSERT_TRUE(failed.wait(kImportTimeoutMs));
    const QString message = failed.at(0).at(0).toString();
    EXPECT_TRUE(message.contains(QLatin1String(bad.cliPhrase))) << message.toStdString();
    EXPECT_FALSE(message.contains(QLatin1Char('\n'))) << message.toStdString();
    // In the window, not only in a signal: on the page and in the dialog.
    EXPECT_EQ(page.importMessage(), message);
    EXPECT_EQ(page.importDialog()->messageText(), message);
    EXPECT_FALSE(page.isImporting());
    EXPECT_EQ(page.model()->rowCount(), 0);
    EXPECT_EQ(storedModels(), 0u);
    EXPECT_EQ(copiesInModelsDir(), 0u);
}

INSTANTIATE_TEST_SUITE_P(Contract, WidgetsModelsPageRefusal,
    testing::Values(BadGuiImport { "NaN", "nan_logits.pt", "m", "1,1,28,28", false, "NaN or infinite logits" },
        BadGuiImport { "PickledStateDict", "state_dict.pt", "m", "1,1,28,28", false, "not a TorchScript file" },
        BadGuiImport { "AnytimeWithoutConvention", "plain_fmnist.pt", "m", "1,1,28,28", true,
            "does not export num_outputs and forward_stage" },
        BadGuiImport { "ShapeWithThreeSizes", "plain_fmnist.pt", "m", "1,28,28", false, "--input-shape: input shape" },
        BadGuiImport { "ZooName", "plain_fmnist.pt", "cnn-m", "1,1,28,28", false, "built-in zoo model" }),
    [](const auto& info) { return std::string(info.param.label); });

TEST_F(WidgetsModelsPage, ATakenNameIsRefusedWithTheCliMessage)
{
    NoShippedZoo noZoo;
    ModelsPage page;
    openIn(page);
    awb::db::ModelImportRequest request { fixture("rgb64_traced.pt"), "twice", "1,3,64,64", false, {} };
    QSignalSpy imported(&page, &ModelsPage::modelImported);
    ASSERT_TRUE(page.importModel(request));
    ASSERT_TRUE(imported.wait(kImportTimeoutMs)) << page.importMessage().toStdString();
    QSignalSpy failed(&page, &ModelsPage::importFailed);
    ASSERT_TRUE(page.importModel(request));
    ASSERT_TRUE(failed.wait(kImportTimeoutMs));
    EXPECT_TRUE(page.importMessage().contains(QStringLiteral("already has a model named 'twice'")))
        << page.importMessage().toStdString();
    EXPECT_EQ(storedModels(), 1u);
}

} // namespace
