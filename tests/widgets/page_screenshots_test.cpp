// The real main window on a store with something on every page, visited page by page through
// its sidebar, one PNG per page into AWB_SCREENSHOT_DIR. Registered to run under xvfb-run with
// the xcb platform (tests/widgets/CMakeLists.txt), so it draws the way a desktop does; the
// PNGs stay in the build tree for a person to look at.

#include "widgets/compare_page.h"
#include "widgets/device_page.h"
#include "widgets/frontier_page.h"
#include "widgets/history_page.h"
#include "widgets/main_window.h"
#include "widgets/models_page.h"

#include <QComboBox>
#include <QDir>
#include <QFileInfo>
#include <QGuiApplication>
#include <QImage>
#include <QLineEdit>
#include <QListWidget>
#include <QPixmap>
#include <QRegularExpression>
#include <QSet>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStackedWidget>
#include <QTemporaryDir>
#include <QTest>

#include <gtest/gtest.h>

#include "sample_store.h"
#include "tests/support/replay_store.h"

namespace {

using awb::ui::MainWindow;

constexpr int kLoadTimeoutMs = 60'000; // the Device page loads LibTorch for its report
constexpr int kSettleMs = 200; // for queued layout and paint events after a page switch

// A file name from a sidebar title: "Frontier" → "frontier.png", "Run Live" → "run-live.png".
QString fileNameFor(const QString& title)
{
    QString name = title.toLower();
    name.replace(QRegularExpression(QStringLiteral("[^a-z0-9]+")), QStringLiteral("-"));
    return name % QStringLiteral(".png");
}

// Whether a page still waits for its worker thread. Pages without a loader are never busy.
bool isBusy(const QWidget* page)
{
    if (const auto* history = qobject_cast<const awb::ui::HistoryPage*>(page))
        return history->isLoading();
    if (const auto* frontier = qobject_cast<const awb::ui::FrontierPage*>(page))
        return frontier->isLoading();
    if (const auto* models = qobject_cast<const awb::ui::ModelsPage*>(page))
        return models->isLoading();
    if (const auto* device = qobject_cast<const awb::ui::DevicePage*>(page))
        return device->isCollecting();
    if (const auto* compare = qobject_cast<const awb::ui::ComparePage*>(page))
        return compare->isLoading() || compare->isRunning();
    return false;
}

// How many distinct colours `rect` of `image` holds, counting up to `enough`.
int distinctColours(const QImage& image, const QRect& rect, int enough)
{
    QSet<QRgb> colours;
    const QRect area = rect.intersected(image.rect());
    for (int y = area.top(); y <= area.bottom(); ++y) {
        for (int x = area.left(); x <= area.right(); ++x) {
            colours.insert(image.pixel(x, y));
            if (colours.size() >= enough)
                return enough;
        }
    }
    return static_cast<int>(colours.size());
}

TEST(WidgetsScreenshots, EveryPageOfTheWindowDrawsSomething)
{
    ASSERT_EQ(QGuiApplication::platformName(), QStringLiteral("xcb"))
        << "run under xvfb-run with QT_QPA_PLATFORM=xcb (ctest does)";
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    const std::filesystem::path storePath = dir.filePath(QStringLiteral("screens.sqlite")).toStdString();
    const awb::test::SampleStore sample = awb::test::createSampleStore(storePath);
    const std::int64_t sessionId = awb::test::addFrontierSession(sample, "2026-02-01T08:00:00Z");
    awb::test::addRun(sample, "alert", "2026-02-02T08:00:00Z", 200);
    // Profile sessions with per-input correctness, for the Compare page to replay.
    const awb::test::ReplayStoreIds replay = awb::test::makeReplayStore(storePath);
    const QDir out(QStringLiteral(AWB_SCREENSHOT_DIR));
    ASSERT_TRUE(out.mkpath(QStringLiteral(".")));

    QSettings().clear(); // the default geometry and the first page, whatever ran before
    MainWindow window;
    window.setInteractive(false);
    window.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&window));
    QSignalSpy historyLoaded(window.historyPage(), &awb::ui::HistoryPage::historyLoaded);
    QSignalSpy modelsLoaded(window.modelsPage(), &awb::ui::ModelsPage::modelsLoaded);
    QSignalSpy compareChoices(window.comparePage(), &awb::ui::ComparePage::choicesLoaded);
    ASSERT_TRUE(window.openStore(QString::fromStdString(storePath.string())));
    ASSERT_TRUE(historyLoaded.count() > 0 || historyLoaded.wait(kLoadTimeoutMs));
    ASSERT_TRUE(modelsLoaded.count() > 0 || modelsLoaded.wait(kLoadTimeoutMs));
    QSignalSpy shown(window.frontierPage(), &awb::ui::FrontierPage::sessionShown);
    window.frontierPage()->showSession(sessionId);
    ASSERT_TRUE(shown.wait(kLoadTimeoutMs));
    ASSERT_GT(shown.at(0).at(1).toInt(), 0);
    // The Compare page shows a finished comparison: every environment, a small grid.
    awb::ui::ComparePage* compare = window.comparePage();
    ASSERT_TRUE(compareChoices.count() > 0 || compareChoices.wait(kLoadTimeoutMs));
    compare->sessionChooser()->setCurrentIndex(
        compare->sessionChooser()->findData(QVariant::fromValue<qint64>(replay.complete)));
    compare->goalGridEdit()->setText(QStringLiteral("2x2"));
    compare->inputsSpin()->setValue(500);
    QSignalSpy compared(compare, &awb::ui::ComparePage::comparisonFinished);
    ASSERT_TRUE(compare->startComparison()) << compare->lastError().toStdString();
    ASSERT_TRUE(compared.wait(kLoadTimeoutMs)) << compare->lastError().toStdString();

    // Every sidebar entry, so a page added later gets its screenshot too.
    QListWidget* sidebar = window.pageList();
    ASSERT_GT(sidebar->count(), 0);
    ASSERT_EQ(sidebar->count(), window.pages()->count());
    QSet<QString> written;
    for (int row = 0; row < sidebar->count(); ++row) {
        const QString title = sidebar->item(row)->text();
        SCOPED_TRACE(title.toStdString());
        sidebar->setCurrentRow(row);
        QWidget* page = window.pages()->currentWidget();
        ASSERT_NE(page, nullptr);
        EXPECT_TRUE(QTest::qWaitFor([page] { return !isBusy(page); }, kLoadTimeoutMs));
        QTest::qWait(kSettleMs);

        const QString path = out.filePath(fileNameFor(title));
        QFile::remove(path); // so the checks below see this run's file
        ASSERT_TRUE(window.grab().save(path, "PNG")) << path.toStdString();
        written.insert(path);

        const QFileInfo file(path);
        ASSERT_TRUE(file.isFile()) << path.toStdString();
        EXPECT_GT(file.size(), 0);
        const QImage image(path);
        ASSERT_FALSE(image.isNull()) << path.toStdString();
        EXPECT_GT(distinctColours(image, image.rect(), 2), 1) << "one flat colour: " << path.toStdString();
        // The page itself, not only the sidebar and menu bar around it, draws something. The grab
        // is in device pixels; the page's rectangle in logical ones.
        const qreal scale = window.devicePixelRatioF();
        const QRect pageRect(page->mapTo(&window, QPoint(0, 0)) * scale, page->size() * scale);
        EXPECT_GT(distinctColours(image, pageRect, 2), 1) << "the page area is one flat colour: " << path.toStdString();
    }
    EXPECT_EQ(written.size(), sidebar->count()); // one file per page: no two titles share a name
}

} // namespace
