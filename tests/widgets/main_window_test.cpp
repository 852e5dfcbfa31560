#include "widgets/device_page.h"
#include "widgets/frontier_page.h"
#include "widgets/history_model.h"
#include "widgets/history_page.h"
#include "widgets/main_window.h"
#include "widgets/profile_page.h"

#include <QFile>
#include <QFileInfo>
#include <QLabel>
#include <QListWidget>
#include <QSettings>
#include <QSignalSpy>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>

#include <gtest/gtest.h>

#include "sample_store.h"

namespace {

using awb::ui::MainWindow;

constexpr int kLoadTimeoutMs = 20'000;

class WidgetsMainWindow : public testing::Test {
protected:
    void SetUp() override
    {
        ASSERT_TRUE(m_dir.isValid());
        QSettings().clear(); // each test starts without recent files or geometry
    }
    QString path(const QString& name) const { return m_dir.filePath(name); }
    static QString statusText(const MainWindow& window)
    {
        const auto* label = window.statusBar()->findChild<QLabel*>(QStringLiteral("storeStatusLabel"));
        return label ? label->text() : QString();
    }
    QString writeGarbage(const QString& name) const
    {
        QFile file(path(name));
        file.open(QIODevice::WriteOnly);
        file.write("this is not an SQLite database, just text that happens to be long enough");
        return file.fileName();
    }

    QTemporaryDir m_dir;
};

TEST_F(WidgetsMainWindow, OpensAStoreIntoBothPages)
{
    const QString store = path(QStringLiteral("work.sqlite"));
    awb::test::addRun(awb::test::createSampleStore(store.toStdString()), "alert", "2026-02-02T08:00:00Z", 5);

    MainWindow window;
    window.setInteractive(false);
    EXPECT_EQ(statusText(window), QStringLiteral("No store open"));
    QSignalSpy loaded(window.historyPage(), &awb::ui::HistoryPage::historyLoaded);
    ASSERT_TRUE(window.openStore(store));
    EXPECT_EQ(window.storePath(), store);
    EXPECT_EQ(window.schemaVersion(), awb::db::kSchemaVersion);

    // Every page is reachable from the sidebar under its title; History comes first.
    ASSERT_EQ(window.pageList()->count(), window.pages()->count());
    EXPECT_EQ(window.pageList()->item(0)->text(), QStringLiteral("History"));
    const auto pageTitled = [&window](const QString& title) -> QWidget* {
        const auto items = window.pageList()->findItems(title, Qt::MatchExactly);
        if (items.size() != 1)
            return nullptr;
        window.pageList()->setCurrentItem(items.first());
        return window.pages()->currentWidget();
    };
    EXPECT_EQ(pageTitled(QStringLiteral("Frontier")), window.frontierPage());
    EXPECT_EQ(pageTitled(QStringLiteral("Device")), window.devicePage());
    EXPECT_EQ(pageTitled(QStringLiteral("Profile")), window.profilePage());
    EXPECT_EQ(pageTitled(QStringLiteral("History")), window.historyPage());

    const QString status = statusText(window);
    EXPECT_TRUE(status.contains(store)) << status.toStdString();
    EXPECT_TRUE(status.contains(QStringLiteral("schema version %1").arg(awb::db::kSchemaVersion)))
        << status.toStdString();
    EXPECT_EQ(window.devicePage()->fieldText(QStringLiteral("storePath")), store);
    EXPECT_EQ(
        window.devicePage()->fieldText(QStringLiteral("schemaVersion")), QString::number(awb::db::kSchemaVersion));

    ASSERT_TRUE(loaded.wait(kLoadTimeoutMs));
    EXPECT_EQ(window.historyPage()->model()->runCount(), 1);
}

TEST_F(WidgetsMainWindow, RefusedStoreIsReportedAndThePreviousOneStaysOpen)
{
    const QString good = path(QStringLiteral("good.sqlite"));
    const QString bad = writeGarbage(QStringLiteral("bad.sqlite"));
    const QByteArray badBytes = [&] {
        QFile file(bad);
        file.open(QIODevice::ReadOnly);
        return file.readAll();
    }();

    MainWindow window;
    window.setInteractive(false);
    ASSERT_TRUE(window.openStore(good));
    QSignalSpy failed(&window, &MainWindow::storeOpenFailed);
    QSignalSpy opened(&window, &MainWindow::storeOpened);
    EXPECT_FALSE(window.openStore(bad));

    ASSERT_EQ(failed.count(), 1);
    const QString message = failed.at(0).at(0).toString();
    EXPECT_FALSE(message.isEmpty());
    EXPECT_FALSE(message.contains(QLatin1Char('\n'))) << message.toStdString();
    EXPECT_TRUE(message.contains(QStringLiteral("bad.sqlite"))) << message.toStdString();
    EXPECT_EQ(opened.count(), 0);
    EXPECT_EQ(window.storePath(), good);
    EXPECT_TRUE(statusText(window).contains(good));
    EXPECT_EQ(window.historyPage()->storePath(), good);
    EXPECT_EQ(window.recentFiles(), QStringList { good });

    QFile file(bad);
    ASSERT_TRUE(file.open(QIODevice::ReadOnly));
    EXPECT_EQ(file.readAll(), badBytes) << "a refused file must be left untouched";
}

TEST_F(WidgetsMainWindow, NewStoreRefusesAnExistingFile)
{
    const QString existing = writeGarbage(QStringLiteral("taken.sqlite"));
    MainWindow window;
    window.setInteractive(false);
    QSignalSpy failed(&window, &MainWindow::storeOpenFailed);
    EXPECT_FALSE(window.createStore(existing));
    ASSERT_EQ(failed.count(), 1);
    EXPECT_TRUE(failed.at(0).at(0).toString().contains(QStringLiteral("already exists")));
    EXPECT_TRUE(window.storePath().isEmpty());

    const QString fresh = path(QStringLiteral("sub/fresh.sqlite"));
    EXPECT_TRUE(window.createStore(fresh));
    EXPECT_TRUE(QFileInfo(fresh).isFile());
    EXPECT_EQ(window.storePath(), fresh);
}

TEST_F(WidgetsMainWindow, RecentStoresPersistAndForgetDeletedFiles)
{
    const QString first = path(QStringLiteral("first.sqlite"));
    const QString second = path(QStringLiteral("second.sqlite"));
    {
        MainWindow window;
        window.setInteractive(false);
        ASSERT_TRUE(window.openStore(first));
        ASSERT_TRUE(window.openStore(second));
        QSignalSpy failed(&window, &MainWindow::storeOpenFailed);
        const bool ok = window.openStore(first);
        ASSERT_TRUE(ok) << (failed.isEmpty() ? std::string() : failed.at(0).at(0).toString().toStdString());
    }
    {
        MainWindow window;
        EXPECT_EQ(window.recentFiles(), (QStringList { first, second }));
    }
    ASSERT_TRUE(QFile::remove(first));
    {
        MainWindow window;
        EXPECT_EQ(window.recentFiles(), QStringList { second });
    }
    EXPECT_EQ(QSettings().value(QStringLiteral("recentFiles")).toStringList(), QStringList { second });
}

TEST_F(WidgetsMainWindow, RecentStoresKeepTheNewestEight)
{
    MainWindow window;
    window.setInteractive(false);
    QStringList opened;
    for (int i = 0; i < MainWindow::kMaxRecentFiles + 3; ++i) {
        const QString store = path(QStringLiteral("store-%1.sqlite").arg(i));
        ASSERT_TRUE(window.openStore(store));
        opened.prepend(store);
    }
    const QStringList recent = window.recentFiles();
    ASSERT_EQ(recent.size(), MainWindow::kMaxRecentFiles);
    EXPECT_EQ(recent, opened.mid(0, MainWindow::kMaxRecentFiles));
}

TEST_F(WidgetsMainWindow, RestoresGeometryAndPage)
{
    {
        MainWindow window;
        window.show();
        ASSERT_TRUE(QTest::qWaitForWindowExposed(&window));
        window.resize(812, 534);
        window.pageList()->setCurrentRow(window.pages()->indexOf(window.devicePage()));
        QTest::qWait(50);
        window.close();
    }
    MainWindow window;
    window.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&window));
    EXPECT_EQ(window.size(), QSize(812, 534));
    EXPECT_EQ(window.pages()->currentWidget(), window.devicePage());
}

} // namespace
