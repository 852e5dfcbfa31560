#include "widgets/history_loader.h"
#include "widgets/history_model.h"
#include "widgets/history_page.h"

#include <QAction>
#include <QComboBox>
#include <QFile>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTemporaryDir>
#include <QTest>

#include <gtest/gtest.h>

#include "sample_store.h"

namespace {

using awb::ui::HistoryLoader;
using awb::ui::HistoryModel;
using awb::ui::HistoryPage;
using awb::ui::HistorySnapshot;

constexpr int kLoadTimeoutMs = 20'000;

class WidgetsHistoryPage : public testing::Test {
protected:
    void SetUp() override { ASSERT_TRUE(m_dir.isValid()); }
    std::filesystem::path file(const char* name) const { return m_dir.filePath(QLatin1String(name)).toStdString(); }
    static QString qpath(const std::filesystem::path& path) { return QString::fromStdString(path.string()); }

    QTemporaryDir m_dir;
};

TEST_F(WidgetsHistoryPage, LoadsSessionsAndRunsOffTheGuiThread)
{
    const auto sample = awb::test::createSampleStore(file("a.sqlite"));
    awb::test::addSession(sample, "2026-02-01T08:00:00Z", 3);
    awb::test::addRun(sample, "alert", "2026-02-02T08:00:00Z", 25);
    awb::test::addRun(sample, "no-coord", "2026-02-03T08:00:00Z", 7);

    HistoryPage page;
    QSignalSpy loaded(&page, &HistoryPage::historyLoaded);
    page.setStorePath(qpath(sample.path));
    EXPECT_TRUE(page.isLoading());
    ASSERT_TRUE(loaded.wait(kLoadTimeoutMs));
    EXPECT_FALSE(page.isLoading());
    EXPECT_EQ(loaded.at(0).at(0).toInt(), 1);
    EXPECT_EQ(loaded.at(0).at(1).toInt(), 2);

    const HistoryModel& model = *page.model();
    ASSERT_EQ(model.rowCount(), 3);
    QStringList steps;
    for (int row = 0; row < model.rowCount(); ++row) {
        if (model.rowKind(row) == HistoryModel::RowKind::Run)
            steps.append(model.index(row, HistoryModel::StepsColumn).data().toString());
        else
            EXPECT_EQ(model.index(row, HistoryModel::CellsColumn).data().toString(), QStringLiteral("3"));
        EXPECT_EQ(model.index(row, HistoryModel::BackendColumn).data().toString(), QStringLiteral("emulated"));
        EXPECT_EQ(model.index(row, HistoryModel::DeviceColumn).data().toString(), QStringLiteral("bench-host"));
    }
    steps.sort();
    EXPECT_EQ(steps, (QStringList { QStringLiteral("25"), QStringLiteral("7") }));
    // The view is sorted newest first.
    EXPECT_EQ(
        page.proxyModel()->index(0, HistoryModel::ControllerColumn).data().toString(), QStringLiteral("no-coord"));
    EXPECT_TRUE(page.statusText().contains(QStringLiteral("2 runs")));
}

TEST_F(WidgetsHistoryPage, RefreshShowsRunsAddedSince)
{
    const auto sample = awb::test::createSampleStore(file("a.sqlite"));
    awb::test::addRun(sample, "alert", "2026-02-02T08:00:00Z", 3);
    HistoryPage page;
    QSignalSpy loaded(&page, &HistoryPage::historyLoaded);
    page.setStorePath(qpath(sample.path));
    ASSERT_TRUE(loaded.wait(kLoadTimeoutMs));
    EXPECT_EQ(page.model()->rowCount(), 1);

    awb::test::addRun(sample, "sys-only", "2026-02-04T08:00:00Z", 4);
    ASSERT_TRUE(page.refreshAction()->isEnabled());
    page.refreshAction()->trigger();
    ASSERT_TRUE(loaded.wait(kLoadTimeoutMs));
    EXPECT_EQ(page.model()->rowCount(), 2);
}

TEST_F(WidgetsHistoryPage, TypeFilterShowsOnlyRuns)
{
    const auto sample = awb::test::createSampleStore(file("a.sqlite"));
    awb::test::addSession(sample, "2026-02-01T08:00:00Z", 1);
    awb::test::addRun(sample, "alert", "2026-02-02T08:00:00Z", 3);
    HistoryPage page;
    QSignalSpy loaded(&page, &HistoryPage::historyLoaded);
    page.setStorePath(qpath(sample.path));
    ASSERT_TRUE(loaded.wait(kLoadTimeoutMs));
    EXPECT_EQ(page.proxyModel()->rowCount(), 2);
    auto* filter = page.findChild<QComboBox*>();
    ASSERT_NE(filter, nullptr);
    filter->setCurrentIndex(filter->findData(QStringLiteral("run")));
    ASSERT_EQ(page.proxyModel()->rowCount(), 1);
    EXPECT_EQ(page.proxyModel()->index(0, HistoryModel::TypeColumn).data().toString(), QStringLiteral("run"));
}

TEST_F(WidgetsHistoryPage, DropsTheResultOfASupersededStore)
{
    const auto first = awb::test::createSampleStore(file("first.sqlite"));
    for (int i = 0; i < 5; ++i)
        awb::test::addRun(first, "alert", "2026-02-02T08:00:00Z", 2000);
    const auto second = awb::test::createSampleStore(file("second.sqlite"));
    awb::test::addRun(second, "oracle", "2026-02-02T08:00:00Z", 1);

    HistoryPage page;
    QSignalSpy loaded(&page, &HistoryPage::historyLoaded);
    page.setStorePath(qpath(first.path));
    page.setStorePath(qpath(second.path));
    ASSERT_TRUE(loaded.wait(kLoadTimeoutMs));
    // Give a stale delivery of the first store every chance to arrive.
    QTest::qWait(300);
    ASSERT_EQ(loaded.count(), 1);
    ASSERT_EQ(page.model()->rowCount(), 1);
    EXPECT_EQ(page.model()->index(0, HistoryModel::ControllerColumn).data().toString(), QStringLiteral("oracle"));
}

TEST_F(WidgetsHistoryPage, LoaderDeliversOnlyTheNewestJob)
{
    const auto first = awb::test::createSampleStore(file("first.sqlite"));
    const auto second = awb::test::createSampleStore(file("second.sqlite"));
    HistoryLoader loader;
    QSignalSpy loaded(&loader, &HistoryLoader::loaded);
    const quint64 firstJob = loader.load(qpath(first.path));
    const quint64 secondJob = loader.load(qpath(second.path));
    EXPECT_NE(firstJob, secondJob);
    ASSERT_TRUE(loaded.wait(kLoadTimeoutMs));
    QTest::qWait(300);
    ASSERT_EQ(loaded.count(), 1);
    const auto snapshot = loaded.at(0).at(0).value<std::shared_ptr<const HistorySnapshot>>();
    ASSERT_TRUE(snapshot);
    EXPECT_EQ(snapshot->jobId, secondJob);
    EXPECT_EQ(snapshot->storePath, qpath(second.path));
}

TEST_F(WidgetsHistoryPage, ReportsAStoreThatCannotBeRead)
{
    const auto path = file("garbage.sqlite");
    QFile garbage(qpath(path));
    ASSERT_TRUE(garbage.open(QIODevice::WriteOnly));
    garbage.write(QByteArray(4096, 'x'));
    garbage.close();

    HistoryPage page;
    QSignalSpy failed(&page, &HistoryPage::historyLoadFailed);
    page.setStorePath(qpath(path));
    ASSERT_TRUE(failed.wait(kLoadTimeoutMs));
    EXPECT_FALSE(failed.at(0).at(0).toString().isEmpty());
    EXPECT_EQ(page.model()->rowCount(), 0);
    EXPECT_TRUE(page.statusText().startsWith(QStringLiteral("Could not load")));
}

} // namespace
