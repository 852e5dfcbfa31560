// Screenshots of the Live page during a real run with co-runners, and of the Runs page with two
// runs overlaid, drawn by the xcb platform on a virtual X server (xvfb-run), into
// AWB_SCREENSHOT_DIR for a person to look at.
#include "widgets/live_page.h"
#include "widgets/live_run_runner.h"
#include "widgets/main_window.h"
#include "widgets/run_chart_data.h"
#include "widgets/run_charts_view.h"
#include "widgets/run_page.h"

#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QGuiApplication>
#include <QImage>
#include <QLineEdit>
#include <QListWidget>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStackedWidget>
#include <QTemporaryDir>
#include <QTest>

#include <gtest/gtest.h>

#include "tests/widgets/profiled_store.h"

namespace {

using awb::ui::LivePage;
using awb::ui::MainWindow;

constexpr int kRunTimeoutMs = 180'000;

bool hasInk(const QImage& image)
{
    const QRgb first = image.pixel(0, 0);
    for (int y = 0; y < image.height(); y += 7) {
        for (int x = 0; x < image.width(); x += 7) {
            if (image.pixel(x, y) != first)
                return true;
        }
    }
    return false;
}

TEST(WidgetsScreenshots, LivePageDuringContentionAndRunsPageOverlay)
{
    ASSERT_EQ(QGuiApplication::platformName(), QStringLiteral("xcb"))
        << "run under xvfb-run with QT_QPA_PLATFORM=xcb (ctest does)";
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    qputenv("ALERTWB_STATE_DIR", dir.filePath(QStringLiteral("state")).toUtf8());
    const QString storePath = dir.filePath(QStringLiteral("live.sqlite"));
    awb::test::profileShippedModels(
        storePath.toStdString(), { "cnn-xs", "cnn-s", "anytime-width4" }, { 20.0, 40.0, 65.0 });
    const QDir out(QStringLiteral(AWB_SCREENSHOT_DIR));
    ASSERT_TRUE(out.mkpath(QStringLiteral(".")));

    QSettings().clear();
    MainWindow window;
    window.setInteractive(false);
    window.resize(1500, 980);
    window.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&window));
    ASSERT_TRUE(window.openStore(storePath));
    LivePage& page = *window.livePage();
    window.pageList()->setCurrentRow(window.pages()->indexOf(&page));
    page.deadlineBox()->setValue(3.0);
    page.budgetBox()->setValue(0.3);
    page.inputsBox()->setValue(2400);
    page.contentionEdit()->setText(QStringLiteral("memory@800-1600"));
    page.charts()->setWindow(0);

    // The screenshot is taken once the co-runners have run for 400 inputs.
    const QString livePath = out.filePath(QStringLiteral("live-during-contention.png"));
    QFile::remove(livePath);
    bool grabbed = false;
    QObject::connect(page.runner(), &awb::ui::LiveRunRunner::progressed, &page, [&](const awb::core::LiveProgress& p) {
        if (!grabbed && p.inputsDone >= 1200) {
            grabbed = true;
            QTimer::singleShot(100, &page, [&] { EXPECT_TRUE(window.grab().save(livePath, "PNG")); });
        }
    });
    QSignalSpy ended(&page, &LivePage::runEnded);
    ASSERT_TRUE(page.start()) << page.statusText().toStdString();
    ASSERT_TRUE(ended.wait(kRunTimeoutMs)) << page.statusText().toStdString();
    ASSERT_TRUE(grabbed);
    const QImage live(livePath);
    ASSERT_FALSE(live.isNull()) << livePath.toStdString();
    EXPECT_TRUE(hasInk(live));
    EXPECT_GT(page.charts()->contentionPointCount(), 0);

    // A second run with another controller on the same workload, overlaid on the first.
    const qint64 first = ended.first().first().toLongLong();
    page.controllerBox()->setCurrentText(QStringLiteral("app-only"));
    ASSERT_TRUE(page.start()) << page.statusText().toStdString();
    ASSERT_TRUE(ended.wait(kRunTimeoutMs)) << page.statusText().toStdString();
    const qint64 second = ended.last().first().toLongLong();
    awb::ui::RunPage& runs = *window.runPage();
    window.pageList()->setCurrentRow(window.pages()->indexOf(&runs));
    QSignalSpy shown(&runs, &awb::ui::RunPage::runShown);
    QSignalSpy overlaid(&runs, &awb::ui::RunPage::overlayShown);
    runs.showRun(first);
    ASSERT_TRUE(shown.wait(kRunTimeoutMs));
    runs.setOverlay(second);
    ASSERT_TRUE(overlaid.wait(kRunTimeoutMs));
    runs.charts()->setWindow(0);
    QTest::qWait(200);
    const QString runsPath = out.filePath(QStringLiteral("runs-overlay.png"));
    ASSERT_TRUE(window.grab().save(runsPath, "PNG"));
    EXPECT_TRUE(hasInk(QImage(runsPath)));

    // And what App-only would have done on the slowdown the first run met, replayed.
    runs.setReplayOverlay(QStringLiteral("app-only"));
    ASSERT_TRUE(overlaid.wait(kRunTimeoutMs));
    QTest::qWait(200);
    const QString replayPath = out.filePath(QStringLiteral("runs-replay-overlay.png"));
    ASSERT_TRUE(window.grab().save(replayPath, "PNG"));
    EXPECT_TRUE(hasInk(QImage(replayPath)));
    qunsetenv("ALERTWB_STATE_DIR");
}

} // namespace
