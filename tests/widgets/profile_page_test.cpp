// The Profile page as a user drives it: the shipped trained zoo swept for real (LibTorch
// inference on Fashion-MNIST) on the emulated backend and on a fake RAPL tree, into a real store.
#include "database/repositories.h"
#include "database/shipped_models.h"
#include "database/table_export.h"
#include "widgets/profile_cells_model.h"
#include "widgets/profile_page.h"

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QElapsedTimer>

#include <SQLiteCpp/Database.h>
#include <gtest/gtest.h>
#include <sstream>

#include "tests/core/power_test_support.h"

namespace {

using awb::ui::ProfileCellsModel;
using awb::ui::ProfilePage;

constexpr int kLoadTimeoutMs = 20'000;
constexpr int kSweepTimeoutMs = 240'000; // real inference on a shared 2-core machine

class WidgetsProfilePage : public testing::Test {
protected:
    void SetUp() override
    {
        ASSERT_TRUE(m_dir.isValid());
        m_store = m_dir.filePath(QStringLiteral("work.sqlite"));
        m_tree = m_dir.filePath(QStringLiteral("powercap")).toStdString();
        awb::test::writeTwoSocketRaplTree(m_tree);
        // The page probes and opens backends in this process: point them at the fake tree, a
        // state folder of this test and an NVML library that does not exist.
        qputenv("ALERTWB_POWERCAP_ROOT", QByteArray::fromStdString(m_tree.string()));
        qputenv("ALERTWB_STATE_DIR", m_dir.filePath(QStringLiteral("state")).toUtf8());
        qputenv("ALERTWB_NVML_LIBRARY", m_dir.filePath(QStringLiteral("no-nvml.so")).toUtf8());
        auto store = awb::db::Store::open(m_store.toStdString());
        ASSERT_EQ(awb::db::installShippedModelsIfPresent(store).added, 6U);
    }
    void TearDown() override
    {
        qunsetenv("ALERTWB_POWERCAP_ROOT");
        qunsetenv("ALERTWB_STATE_DIR");
        qunsetenv("ALERTWB_NVML_LIBRARY");
    }

    // Opens the store on the page and chooses a small, quick sweep of `models`.
    void prepare(ProfilePage& page, const QStringList& models, const QString& backend, const QString& caps, int reps)
    {
        QSignalSpy loaded(&page, &ProfilePage::stateLoaded);
        page.setStorePath(m_store);
        ASSERT_TRUE(loaded.wait(kLoadTimeoutMs));
        ASSERT_GE(page.modelList()->count(), 6) << "the shipped zoo";
        for (int i = 0; i < page.modelList()->count(); ++i) {
            QListWidgetItem* item = page.modelList()->item(i);
            item->setCheckState(models.contains(item->text()) ? Qt::Checked : Qt::Unchecked);
        }
        page.backendCombo()->setCurrentText(backend);
        page.capsEdit()->setText(caps);
        page.warmupSpin()->setValue(0);
        page.replicatesSpin()->setValue(reps);
        page.evalSamplesSpin()->setValue(100);
    }

    std::vector<awb::core::ProfileCellRecord> storedCells(qint64 sessionId) const
    {
        auto store = awb::db::Store::open(m_store.toStdString());
        return awb::db::ProfileRepository(store).cells(sessionId);
    }
    awb::core::SessionStatus storedStatus(qint64 sessionId) const
    {
        auto store = awb::db::Store::open(m_store.toStdString());
        return awb::db::ProfileRepository(store).findSession(sessionId)->status;
    }
    // Waits for the first measured row; a refused sweep fails the test at once with its message.
    static void waitForFirstCell(ProfilePage& page)
    {
        QSignalSpy inserted(page.cellsModel(), &QAbstractItemModel::rowsInserted);
        QSignalSpy failed(&page, &ProfilePage::sweepFailed);
        QElapsedTimer clock;
        clock.start();
        while (inserted.isEmpty() && failed.isEmpty() && clock.elapsed() < kSweepTimeoutMs)
            QTest::qWait(20);
        ASSERT_TRUE(failed.isEmpty()) << failed.at(0).at(0).toString().toStdString();
        ASSERT_FALSE(inserted.isEmpty()) << page.messageLabel()->text().toStdString();
    }
    long long limitUw(const char* zone) const
    {
        return awb::test::readInteger(m_tree / zone / "constraint_0_power_limit_uw");
    }

    QTemporaryDir m_dir;
    QString m_store;
    std::filesystem::path m_tree;
};

TEST_F(WidgetsProfilePage, ShowsEachBackendsCapabilityAndWhyARealOneIsUnavailable)
{
    qputenv("ALERTWB_POWERCAP_ROOT", m_dir.filePath(QStringLiteral("no-such-tree")).toUtf8());
    ProfilePage page;
    QSignalSpy loaded(&page, &ProfilePage::stateLoaded);
    page.setStorePath(m_store);
    ASSERT_TRUE(loaded.wait(kLoadTimeoutMs));

    page.backendCombo()->setCurrentText(QStringLiteral("emulated"));
    EXPECT_TRUE(page.backendCapability()->text().contains(QStringLiteral("emulated"))) << page.backendCapability()->text().toStdString();
    page.backendCombo()->setCurrentText(QStringLiteral("rapl"));
    const QString rapl = page.backendCapability()->text();
    EXPECT_TRUE(rapl.contains(QStringLiteral("unavailable"))) << rapl.toStdString();
    EXPECT_TRUE(rapl.contains(QStringLiteral("no-such-tree"))) << "names what is missing: " << rapl.toStdString();
    page.backendCombo()->setCurrentText(QStringLiteral("nvml"));
    EXPECT_TRUE(page.backendCapability()->text().contains(QStringLiteral("unavailable")));
    page.backendCombo()->setCurrentText(QStringLiteral("auto"));
    EXPECT_TRUE(page.backendCapability()->text().startsWith(QStringLiteral("auto uses emulated")))
        << page.backendCapability()->text().toStdString();
}

TEST_F(WidgetsProfilePage, SweepsFiltersSortsSelectsAndExportsLikeTheCli)
{
    ProfilePage page;
    prepare(page, { QStringLiteral("cnn-xs"), QStringLiteral("anytime-width4") }, QStringLiteral("emulated"),
        QStringLiteral("20, 65"), 5);
    QAbstractItemModelTester cellsTester(page.cellsModel(), QAbstractItemModelTester::FailureReportingMode::Fatal);
    QAbstractItemModelTester filterTester(page.cellsFilter(), QAbstractItemModelTester::FailureReportingMode::Fatal);
    QSignalSpy started(&page, &ProfilePage::sweepStarted);
    QSignalSpy finished(&page, &ProfilePage::sweepFinished);
    QSignalSpy reloaded(&page, &ProfilePage::sessionLoaded);

    ASSERT_TRUE(page.startSweep());
    EXPECT_TRUE(page.isSweeping());
    EXPECT_FALSE(page.startButton()->isEnabled());
    EXPECT_TRUE(page.cancelButton()->isEnabled());
    ASSERT_TRUE(finished.wait(kSweepTimeoutMs)) << page.messageLabel()->text().toStdString();
    ASSERT_EQ(started.count(), 1);
    const qint64 session = finished.at(0).at(0).value<qint64>();
    EXPECT_FALSE(finished.at(0).at(1).toBool()) << "not cancelled";
    EXPECT_EQ(session, started.at(0).at(0).value<qint64>());
    EXPECT_FALSE(page.isSweeping());
    EXPECT_TRUE(page.startButton()->isEnabled());

    // (1 + 4 outputs) × 2 caps, each shown as it was measured and all of them in the store.
    constexpr int kCells = 10;
    EXPECT_EQ(page.progressBar()->value(), kCells);
    EXPECT_EQ(page.progressBar()->maximum(), kCells);
    EXPECT_EQ(page.cellsModel()->rowCount(), kCells);
    EXPECT_EQ(storedCells(session).size(), static_cast<std::size_t>(kCells));
    EXPECT_EQ(storedStatus(session), awb::core::SessionStatus::Complete);
    EXPECT_TRUE(page.messageLabel()->text().contains(QStringLiteral("complete")));
    ASSERT_TRUE(reloaded.count() > 0 || reloaded.wait(kLoadTimeoutMs));
    EXPECT_TRUE(page.sessionLabel()->text().contains(QStringLiteral("emulated")));
    EXPECT_EQ(page.cellsModel()->rowCount(), kCells) << "the stored cells replace the live ones, none twice";

    // Units in the headers; filters by model, output and cap.
    EXPECT_EQ(page.cellsModel()->headerData(ProfileCellsModel::MedianColumn, Qt::Horizontal).toString(),
        QStringLiteral("Latency median (ms)"));
    page.modelFilter()->setCurrentText(QStringLiteral("anytime-width4"));
    EXPECT_EQ(page.cellsFilter()->rowCount(), 8);
    page.outputFilter()->setCurrentText(QStringLiteral("3"));
    EXPECT_EQ(page.cellsFilter()->rowCount(), 2);
    page.capFilter()->setCurrentText(QStringLiteral("65 W"));
    ASSERT_EQ(page.cellsFilter()->rowCount(), 1);
    page.modelFilter()->setCurrentIndex(0);
    page.outputFilter()->setCurrentIndex(0);
    EXPECT_EQ(page.cellsFilter()->rowCount(), 5) << "every output of both models at 65 W";
    page.capFilter()->setCurrentIndex(0);

    // Sorting by median latency orders the rows by the number, not its text.
    page.table()->sortByColumn(ProfileCellsModel::MedianColumn, Qt::AscendingOrder);
    double previous = -1.0;
    for (int row = 0; row < page.cellsFilter()->rowCount(); ++row) {
        const double median
            = page.cellsFilter()->index(row, ProfileCellsModel::MedianColumn).data(ProfileCellsModel::SortRole).toDouble();
        EXPECT_GE(median, previous);
        previous = median;
    }

    // Selecting a row says which cell; selecting a cell by id selects its row.
    QSignalSpy selected(&page, &ProfilePage::cellSelected);
    page.table()->selectRow(2);
    ASSERT_EQ(selected.count(), 1);
    const qint64 cellId = selected.at(0).at(0).value<qint64>();
    EXPECT_EQ(cellId, page.cellsFilter()->index(2, 0).data(ProfileCellsModel::CellIdRole).value<qint64>());
    const qint64 other = page.cellsFilter()->index(5, 0).data(ProfileCellsModel::CellIdRole).value<qint64>();
    page.selectCell(other);
    EXPECT_EQ(page.selectedCellId(), other);
    EXPECT_EQ(selected.count(), 1) << "a selection from outside is not echoed back";
    const QModelIndexList rows = page.table()->selectionModel()->selectedRows();
    ASSERT_EQ(rows.size(), 1);
    EXPECT_EQ(rows.first().data(ProfileCellsModel::CellIdRole).value<qint64>(), other);
    // A cell hidden by a filter is shown again to be selected.
    page.capFilter()->setCurrentText(QStringLiteral("20 W"));
    const auto stored = storedCells(session);
    const auto at65 = std::find_if(stored.begin(), stored.end(), [](const auto& cell) { return cell.powerCapW == 65.0; });
    page.selectCell(at65->id);
    EXPECT_EQ(page.capFilter()->currentIndex(), 0);
    EXPECT_EQ(page.table()->selectionModel()->selectedRows().size(), 1);

    // Every export format writes exactly what `alertwb-cli export --table profiles --session N` does.
    for (const auto& [format, name] : std::vector<std::pair<awb::db::ExportFormat, QString>> {
             { awb::db::ExportFormat::Csv, QStringLiteral("csv") }, { awb::db::ExportFormat::Json, QStringLiteral("json") },
             { awb::db::ExportFormat::Markdown, QStringLiteral("markdown") },
             { awb::db::ExportFormat::Latex, QStringLiteral("latex") } }) {
        const QString path = m_dir.filePath(QStringLiteral("cells.") + name);
        QSignalSpy exported(&page, &ProfilePage::exported);
        page.exportTo(path, name);
        ASSERT_TRUE(exported.wait(kLoadTimeoutMs)) << page.messageLabel()->text().toStdString();
        std::ostringstream expected;
        {
            auto store = awb::db::Store::open(m_store.toStdString());
            awb::db::exportTable(store, { awb::db::ExportTable::Profiles, format, std::nullopt, session }, expected);
        }
        QFile file(path);
        ASSERT_TRUE(file.open(QIODevice::ReadOnly));
        EXPECT_EQ(file.readAll().toStdString(), expected.str()) << name.toStdString();
    }
}

TEST_F(WidgetsProfilePage, CancelRestoresTheCapsKeepsFinishedCellsAndResumeFinishesTheSession)
{
    const long long before0 = limitUw("intel-rapl:0");
    const long long before1 = limitUw("intel-rapl:1");
    ProfilePage page;
    prepare(page, { QStringLiteral("cnn-xs"), QStringLiteral("cnn-s") }, QStringLiteral("rapl"), QStringLiteral("70, 90"),
        300);
    QAbstractItemModelTester cellsTester(page.cellsModel(), QAbstractItemModelTester::FailureReportingMode::Fatal);
    QSignalSpy finished(&page, &ProfilePage::sweepFinished);
    ASSERT_TRUE(page.startSweep());
    ASSERT_NO_FATAL_FAILURE(waitForFirstCell(page));
    EXPECT_FALSE(page.currentCellLabel()->text().isEmpty()) << "names the cell being measured";
    page.cancelSweep();
    EXPECT_FALSE(page.cancelButton()->isEnabled()) << "one cancel is enough";
    ASSERT_TRUE(finished.wait(kSweepTimeoutMs));
    EXPECT_TRUE(finished.at(0).at(1).toBool()) << "cancelled";
    const qint64 session = finished.at(0).at(0).value<qint64>();
    const std::size_t kept = storedCells(session).size();
    EXPECT_GE(kept, 1U);
    EXPECT_LT(kept, 4U);
    EXPECT_EQ(storedStatus(session), awb::core::SessionStatus::Cancelled);
    EXPECT_EQ(limitUw("intel-rapl:0"), before0) << "cancel puts the caps back";
    EXPECT_EQ(limitUw("intel-rapl:1"), before1);
    EXPECT_TRUE(page.messageLabel()->text().contains(QStringLiteral("Cancelled")));

    // The unfinished session is offered for Resume, which measures only what it lacks.
    QSignalSpy reloaded(&page, &ProfilePage::stateLoaded);
    ASSERT_TRUE(reloaded.wait(kLoadTimeoutMs));
    ASSERT_GE(page.unfinishedCombo()->count(), 1);
    EXPECT_EQ(page.unfinishedCombo()->currentData().value<qint64>(), session);
    EXPECT_TRUE(page.resumeButton()->isEnabled());
    page.capsEdit()->setText(QStringLiteral("75")); // ignored: Resume runs the session's own settings
    finished.clear();
    ASSERT_TRUE(page.resumeSweep());
    ASSERT_TRUE(finished.wait(kSweepTimeoutMs)) << page.messageLabel()->text().toStdString();
    EXPECT_FALSE(finished.at(0).at(1).toBool());
    EXPECT_EQ(finished.at(0).at(0).value<qint64>(), session);
    const auto cells = storedCells(session);
    EXPECT_EQ(cells.size(), 4U) << "2 models × 2 caps, the kept ones not measured twice";
    EXPECT_EQ(storedStatus(session), awb::core::SessionStatus::Complete);
    EXPECT_EQ(limitUw("intel-rapl:0"), before0);
    ASSERT_TRUE(reloaded.wait(kLoadTimeoutMs));
    EXPECT_EQ(page.unfinishedCombo()->count(), 0);
    EXPECT_FALSE(page.resumeButton()->isEnabled());
}

TEST_F(WidgetsProfilePage, RefusalsShowOneLineInThePageAndStartNothing)
{
    ProfilePage page;
    prepare(page, { QStringLiteral("cnn-xs") }, QStringLiteral("emulated"), QStringLiteral("30, lots"), 5);
    QSignalSpy started(&page, &ProfilePage::sweepStarted);
    EXPECT_FALSE(page.startSweep());
    EXPECT_TRUE(page.messageLabel()->text().contains(QStringLiteral("'lots' is not a power in W")))
        << page.messageLabel()->text().toStdString();

    page.capsEdit()->setText(QStringLiteral("auto"));
    for (int i = 0; i < page.modelList()->count(); ++i)
        page.modelList()->item(i)->setCheckState(Qt::Unchecked);
    EXPECT_FALSE(page.startSweep());
    EXPECT_TRUE(page.messageLabel()->text().contains(QStringLiteral("at least one model")));

    // An unavailable backend is refused by the sweep itself, before any cap changes.
    page.modelList()->item(0)->setCheckState(Qt::Checked);
    page.backendCombo()->setCurrentText(QStringLiteral("nvml"));
    QSignalSpy failed(&page, &ProfilePage::sweepFailed);
    ASSERT_TRUE(page.startSweep());
    ASSERT_TRUE(failed.wait(kSweepTimeoutMs));
    const QString message = failed.at(0).at(0).toString();
    EXPECT_TRUE(message.contains(QStringLiteral("cannot profile with this backend"))) << message.toStdString();
    EXPECT_FALSE(message.contains(QLatin1Char('\n')));
    EXPECT_EQ(page.messageLabel()->text(), message);
    EXPECT_EQ(started.count(), 0);
    EXPECT_TRUE(page.startButton()->isEnabled()) << "the page stays usable";
    EXPECT_EQ(page.cellsModel()->rowCount(), 0);
}

TEST_F(WidgetsProfilePage, AStoreThatStopsTakingWritesMidSweepIsReportedAndTheCapsGoBack)
{
    const long long before = limitUw("intel-rapl:0");
    ProfilePage page;
    prepare(page, { QStringLiteral("cnn-xs"), QStringLiteral("cnn-s") }, QStringLiteral("rapl"), QStringLiteral("70, 90"),
        100);
    QSignalSpy failed(&page, &ProfilePage::sweepFailed);
    ASSERT_TRUE(page.startSweep());
    ASSERT_NO_FATAL_FAILURE(waitForFirstCell(page));
    // Another process takes the write lock and keeps it: the next cell cannot be recorded.
    SQLite::Database other(m_store.toStdString(), SQLite::OPEN_READWRITE, 60'000);
    other.exec("BEGIN EXCLUSIVE");
    ASSERT_TRUE(failed.wait(kSweepTimeoutMs));
    other.exec("ROLLBACK");
    const QString message = failed.at(0).at(0).toString();
    EXPECT_TRUE(message.contains(QStringLiteral("locked"))) << message.toStdString();
    EXPECT_FALSE(message.contains(QLatin1Char('\n')));
    EXPECT_EQ(page.messageLabel()->text(), message);
    EXPECT_EQ(limitUw("intel-rapl:0"), before);
    EXPECT_TRUE(page.startButton()->isEnabled());
    EXPECT_GE(page.cellsModel()->rowCount(), 1) << "cells measured before the failure stay shown";
}

} // namespace
