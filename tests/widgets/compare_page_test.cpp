// The Compare page end to end on a real store: a profile session with per-input correctness,
// replayed by db::runComparison on the page's own thread; charts, table, Cancel, refusals, export.

#include "widgets/compare_page.h"
#include "widgets/comparison_table_model.h"
#include "widgets/main_window.h"

#include <QAbstractItemModelTester>
#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStackedWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "sample_store.h"
#include "tests/support/replay_store.h"

namespace {

using awb::core::ContentionKind;
using awb::ui::ComparePage;
using Chart = awb::ui::ComparePage::Chart;

constexpr int kRunTimeoutMs = 120'000; // a loaded 2-core machine

const QStringList kControllers { QStringLiteral("alert"), QStringLiteral("oracle"), QStringLiteral("static-oracle"),
    QStringLiteral("app-only"), QStringLiteral("sys-only"), QStringLiteral("no-coord") };

QByteArray head(const QString& path, int bytes)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.read(bytes) : QByteArray();
}

QByteArray contents(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

QStringList categoriesOf(QChart* chart)
{
    const auto axes = chart->axes(Qt::Horizontal);
    if (axes.isEmpty())
        return {};
    auto* axis = qobject_cast<QBarCategoryAxis*>(axes.first());
    return axis ? axis->categories() : QStringList();
}

class WidgetsComparePage : public testing::Test {
protected:
    void SetUp() override
    {
        ASSERT_TRUE(m_dir.isValid());
        m_ids = awb::test::makeReplayStore(storeFile());
    }
    std::filesystem::path storeFile() const { return m_dir.filePath(QStringLiteral("store.sqlite")).toStdString(); }
    QString storePath() const { return QString::fromStdString(storeFile().string()); }
    QString file(const char* name) const { return m_dir.filePath(QLatin1String(name)); }

    // Opens the store on the page, waits for its choices and picks the complete session.
    void open(ComparePage& page, const QString& path)
    {
        QSignalSpy loaded(&page, &ComparePage::choicesLoaded);
        page.setStorePath(path);
        ASSERT_TRUE(loaded.wait(kRunTimeoutMs));
        const int index = page.sessionChooser()->findData(QVariant::fromValue<qint64>(m_ids.complete));
        if (index >= 0)
            page.sessionChooser()->setCurrentIndex(index);
    }

    // A small comparison: a 2x2 grid, 300 inputs, alone and memory-bound co-runner.
    void runSmall(ComparePage& page)
    {
        open(page, storePath());
        page.goalGridEdit()->setText(QStringLiteral("2x2"));
        page.inputsSpin()->setValue(300);
        page.environmentCheck(ContentionKind::Compute)->setChecked(false);
        QSignalSpy finished(&page, &ComparePage::comparisonFinished);
        QSignalSpy failed(&page, &ComparePage::comparisonFailed);
        ASSERT_TRUE(page.startComparison()) << page.lastError().toStdString();
        EXPECT_TRUE(page.isRunning());
        EXPECT_FALSE(page.runButton()->isEnabled());
        EXPECT_TRUE(page.cancelButton()->isEnabled());
        ASSERT_TRUE(finished.wait(kRunTimeoutMs)) << page.messageLabel()->text().toStdString();
        ASSERT_TRUE(failed.isEmpty());
    }

    QTemporaryDir m_dir;
    awb::test::ReplayStoreIds m_ids;
};

TEST_F(WidgetsComparePage, ChartsHaveABarSetPerControllerAndACategoryPerEnvironmentNormalisedToTheStaticOracle)
{
    ComparePage page;
    page.resize(1200, 800);
    QAbstractItemModelTester tester(page.tableModel());
    runSmall(page);
    ASSERT_TRUE(page.result().has_value());
    EXPECT_FALSE(page.isRunning());
    EXPECT_TRUE(page.runButton()->isEnabled());
    EXPECT_EQ(page.progressBar()->value(), page.progressBar()->maximum());

    const auto& result = *page.result();
    ASSERT_EQ(result.environments.size(), 2U);
    for (const Chart which : { Chart::Energy, Chart::Error }) {
        QBarSeries* bars = page.barSeries(which);
        ASSERT_NE(bars, nullptr);
        EXPECT_EQ(categoriesOf(page.chart(which)), (QStringList { QStringLiteral("alone"), QStringLiteral("memory") }));
        ASSERT_EQ(bars->count(), kControllers.size());
        for (int c = 0; c < bars->count(); ++c) {
            QBarSet* set = bars->barSets().at(c);
            EXPECT_EQ(set->label(), kControllers.at(c));
            ASSERT_EQ(set->count(), 2);
            for (int e = 0; e < 2; ++e) {
                const auto& row = result.environments[static_cast<std::size_t>(e)].report.summary[static_cast<std::size_t>(c)];
                const auto ratio = which == Chart::Energy ? row.energyVsStaticOracle : row.errorVsStaticOracle;
                ASSERT_TRUE(ratio.has_value());
                EXPECT_DOUBLE_EQ(set->at(e), *ratio);
            }
        }
        QBarSet* staticOracle = bars->barSets().at(2);
        EXPECT_DOUBLE_EQ(staticOracle->at(0), 1.0);
        EXPECT_DOUBLE_EQ(staticOracle->at(1), 1.0);
    }
    // Emulated power, said in the banner, the energy chart's title and the table's energy header.
    EXPECT_FALSE(page.emulatedBanner()->isHidden());
    EXPECT_TRUE(page.chart(Chart::Energy)->title().contains(QStringLiteral("emulated")));
    auto* model = page.tableModel();
    EXPECT_TRUE(model->headerData(awb::ui::ComparisonTableModel::EnergyColumn, Qt::Horizontal)
                    .toString()
                    .contains(QStringLiteral("emulated")));

    // One row per environment × controller; the table sorts by value.
    ASSERT_EQ(model->rowCount(), 12);
    EXPECT_EQ(model->index(0, 0).data().toString(), QStringLiteral("alone"));
    EXPECT_EQ(model->index(2, 1).data().toString(), QStringLiteral("static-oracle"));
    EXPECT_EQ(model->index(2, awb::ui::ComparisonTableModel::EnergyVsStaticOracleColumn).data().toString(),
        QStringLiteral("1"));
    QTableView* table = page.tableView();
    table->sortByColumn(awb::ui::ComparisonTableModel::EnergyColumn, Qt::AscendingOrder);
    const auto energyAt = [table](int row) {
        return table->model()
            ->index(row, awb::ui::ComparisonTableModel::EnergyColumn)
            .data(awb::ui::ComparisonTableModel::SortRole)
            .toDouble();
    };
    for (int row = 1; row < table->model()->rowCount(); ++row)
        EXPECT_LE(energyAt(row - 1), energyAt(row));
    EXPECT_TRUE(page.messageLabel()->text().contains(QStringLiteral("Compared 6 controllers in 2 environments")));
}

TEST_F(WidgetsComparePage, CancelStopsTheReplayAndShowsNoResult)
{
    ComparePage page;
    open(page, storePath());
    // Large enough that the replay is far from done when the first setting reports.
    page.goalGridEdit()->setText(QStringLiteral("6x6"));
    page.inputsSpin()->setValue(20000);
    QSignalSpy progressed(&page, &ComparePage::comparisonProgressed);
    QSignalSpy cancelled(&page, &ComparePage::comparisonCancelled);
    QSignalSpy finished(&page, &ComparePage::comparisonFinished);
    // Cancel as soon as the first goal setting reports.
    QObject::connect(&page, &ComparePage::comparisonProgressed, &page, &ComparePage::cancelComparison);
    ASSERT_TRUE(page.startComparison()) << page.lastError().toStdString();
    ASSERT_TRUE(cancelled.wait(kRunTimeoutMs)) << page.messageLabel()->text().toStdString();
    EXPECT_TRUE(finished.isEmpty());
    EXPECT_FALSE(page.isRunning());
    ASSERT_FALSE(progressed.isEmpty());
    const int settingsTotal = progressed.last().at(1).toInt();
    EXPECT_LT(progressed.last().at(0).toInt(), settingsTotal);

    // Nothing is presented as complete, and no progress arrives after the cancel.
    EXPECT_FALSE(page.result().has_value());
    EXPECT_EQ(page.barSeries(Chart::Energy), nullptr);
    EXPECT_EQ(page.barSeries(Chart::Error), nullptr);
    EXPECT_EQ(page.tableModel()->rowCount(), 0);
    EXPECT_TRUE(page.messageLabel()->text().contains(QStringLiteral("cancelled")));
    EXPECT_LT(page.progressBar()->value(), page.progressBar()->maximum());
    const auto reports = progressed.count();
    QTest::qWait(200);
    EXPECT_EQ(progressed.count(), reports);
    EXPECT_FALSE(page.exportChartPng(Chart::Energy, file("cancelled.png")));
    EXPECT_FALSE(QFile::exists(file("cancelled.png")));
    EXPECT_TRUE(page.runButton()->isEnabled());
}

TEST_F(WidgetsComparePage, BadRequestsGiveOneLineAndStartNothing)
{
    ComparePage page;
    QSignalSpy started(&page, &ComparePage::comparisonStarted);
    EXPECT_FALSE(page.startComparison()); // no store
    EXPECT_TRUE(page.lastError().contains(QStringLiteral("no store")));

    // A store without a complete profile session.
    const QString empty = file("empty.sqlite");
    awb::test::createSampleStore(empty.toStdString());
    open(page, empty);
    EXPECT_EQ(page.sessionChooser()->count(), 0);
    EXPECT_FALSE(page.startComparison());
    EXPECT_TRUE(page.lastError().contains(QStringLiteral("no complete profile session")));
    EXPECT_EQ(page.messageLabel()->text(), page.lastError());

    open(page, storePath());
    for (const ContentionKind kind : { ContentionKind::Alone, ContentionKind::Memory, ContentionKind::Compute })
        page.environmentCheck(kind)->setChecked(false);
    EXPECT_FALSE(page.startComparison());
    EXPECT_TRUE(page.lastError().contains(QStringLiteral("environment")));

    page.environmentCheck(ContentionKind::Alone)->setChecked(true);
    page.goalGridEdit()->setText(QStringLiteral("3y3"));
    EXPECT_FALSE(page.startComparison());
    EXPECT_TRUE(page.lastError().contains(QStringLiteral("3y3")));
    EXPECT_TRUE(started.isEmpty());
    for (const QString& message : { page.lastError(), page.messageLabel()->text() })
        EXPECT_FALSE(message.contains(QLatin1Char('\n')));

    // A session the table refuses fails on the replay thread, with the store's one line.
    page.goalGridEdit()->setText(QStringLiteral("2x2"));
    page.sessionChooser()->setCurrentIndex(
        page.sessionChooser()->findData(QVariant::fromValue<qint64>(m_ids.missingCap)));
    QSignalSpy failed(&page, &ComparePage::comparisonFailed);
    ASSERT_TRUE(page.startComparison());
    ASSERT_TRUE(failed.wait(kRunTimeoutMs));
    const QString message = failed.at(0).at(0).toString();
    EXPECT_TRUE(message.contains(QStringLiteral("slow"))) << message.toStdString();
    EXPECT_FALSE(message.contains(QLatin1Char('\n')));
    EXPECT_FALSE(page.result().has_value());
}

TEST_F(WidgetsComparePage, ExportsEveryChartAsPngAndSvgAndTheTable)
{
    ComparePage page;
    page.resize(1200, 800);
    page.show();
    runSmall(page);
    for (const Chart which : { Chart::Energy, Chart::Error }) {
        const QString name = which == Chart::Energy ? QStringLiteral("energy") : QStringLiteral("error");
        const QString png = m_dir.filePath(name % QStringLiteral(".png"));
        ASSERT_TRUE(page.exportChartPng(which, png)) << page.lastError().toStdString();
        EXPECT_EQ(head(png, 8), QByteArray("\x89PNG\r\n\x1a\n"));
        const QString svg = m_dir.filePath(name % QStringLiteral(".svg"));
        ASSERT_TRUE(page.exportChartSvg(which, svg)) << page.lastError().toStdString();
        const QByteArray svgText = contents(svg);
        EXPECT_TRUE(svgText.contains("<svg"));
        EXPECT_TRUE(svgText.contains("</svg>"));
    }

    ASSERT_TRUE(page.exportTable(file("compare.csv"))) << page.lastError().toStdString();
    const QByteArray csv = contents(file("compare.csv"));
    EXPECT_TRUE(csv.startsWith("# table: comparison\r\n"));
    EXPECT_TRUE(csv.contains("# backend: emulated\r\n"));
    EXPECT_TRUE(csv.contains("environment,controller,energy_per_input_j,error_rate,energy_vs_static_oracle"));
    EXPECT_TRUE(csv.contains("\r\nmemory,static-oracle,"));

    ASSERT_TRUE(page.exportTable(file("compare.json"))) << page.lastError().toStdString();
    const auto json = nlohmann::json::parse(contents(file("compare.json")).toStdString());
    EXPECT_EQ(json["provenance"]["emulated"], true);
    ASSERT_EQ(json["rows"].size(), 12U);
    EXPECT_EQ(json["rows"][2]["controller"], "static-oracle");
    EXPECT_DOUBLE_EQ(json["rows"][2]["energy_vs_static_oracle"].get<double>(), 1.0);

    ASSERT_TRUE(page.exportTable(file("compare.md"))) << page.lastError().toStdString();
    EXPECT_TRUE(contents(file("compare.md")).contains("| environment | controller |"));

    // A folder that does not exist: refused with a message, nothing written; an unknown suffix too.
    const QString missing = file("no-such-folder/energy.png");
    EXPECT_FALSE(page.exportChartPng(Chart::Energy, missing));
    EXPECT_FALSE(page.lastError().isEmpty());
    EXPECT_FALSE(QFile::exists(missing));
    EXPECT_FALSE(page.exportTable(file("no-such-folder/compare.csv")));
    EXPECT_FALSE(page.lastError().isEmpty());
    EXPECT_FALSE(page.exportTable(file("compare.xls")));
    EXPECT_TRUE(page.lastError().contains(QStringLiteral(".csv")));
    // Four images and three tables, and nothing left behind by the refusals.
    const QStringList written = QDir(m_dir.path()).entryList(QDir::Files);
    EXPECT_EQ(written.filter(QRegularExpression(QStringLiteral("^(energy|error|compare)\\."))).size(), 7)
        << written.join(QLatin1Char(' ')).toStdString();
    EXPECT_FALSE(QFileInfo::exists(file("no-such-folder")));
}

TEST_F(WidgetsComparePage, TheMainWindowHasAComparePageAndTellsItTheStore)
{
    awb::ui::MainWindow window;
    window.setInteractive(false);
    QListWidget* sidebar = window.pageList();
    const auto entries = sidebar->findItems(QStringLiteral("Compare"), Qt::MatchExactly);
    ASSERT_EQ(entries.size(), 1);
    EXPECT_EQ(window.pages()->widget(sidebar->row(entries.first())), window.comparePage());
    QSignalSpy loaded(window.comparePage(), &ComparePage::choicesLoaded);
    ASSERT_TRUE(window.openStore(storePath()));
    EXPECT_EQ(window.comparePage()->storePath(), window.storePath());
    ASSERT_TRUE(loaded.wait(kRunTimeoutMs));
    EXPECT_EQ(loaded.at(0).at(0).toInt(), 2); // both complete sessions of the store
}

} // namespace
