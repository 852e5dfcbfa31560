#include "widgets/color_scheme.h"
#include "widgets/frontier_page.h"
#include "widgets/profile_cells_model.h"
#include "widgets/profile_page.h"
#include "widgets/history_model.h"
#include "widgets/history_page.h"
#include "widgets/main_window.h"

#include <QAbstractAxis>
#include <QChart>
#include <QChartView>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QImage>
#include <QLabel>
#include <QLineSeries>
#include <QListWidget>
#include <QScatterSeries>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QStackedWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include <gtest/gtest.h>
#include <map>

#include "sample_store.h"

namespace {

using awb::ui::FrontierPage;

constexpr int kLoadTimeoutMs = 20'000;

// A session of 6 cells: cnn-small (traditional, one output) and anytime-2 (anytime, two outputs)
// at 10 W and 20 W. Faster at 20 W, cheaper in energy at 10 W.
struct FrontierSample {
    awb::test::SampleStore store;
    std::int64_t sessionId = 0;
    std::map<std::string, std::int64_t> cellIds; // "cnn-small/0@20" → id
};

FrontierSample createFrontierSample(const std::filesystem::path& path, const std::string& backend)
{
    FrontierSample sample { awb::test::createSampleStore(path, backend), 0, {} };
    awb::db::Store store = awb::db::Store::open(path);
    awb::core::ModelRecord anytime;
    anytime.name = "anytime-2";
    anytime.kind = awb::core::ModelKind::Anytime;
    anytime.source = "zoo";
    anytime.createdAt = "2026-01-01T00:00:00Z";
    anytime.outputs = { { 0, 1000, 100, 0.7 }, { 1, 2000, 200, 0.9 } };
    const std::int64_t anytimeId = awb::db::ModelRepository(store).insert(anytime);

    awb::db::ProfileRepository profiles(store);
    awb::core::ProfileSessionRecord session;
    session.deviceId = sample.store.deviceId;
    session.startedAt = "2026-02-01T08:00:00Z";
    session.status = awb::core::SessionStatus::Complete;
    sample.sessionId = profiles.createSession(session);
    struct Config {
        std::string name;
        std::int64_t modelId;
        int output;
        double accuracy, latencyAt10Ms, energyAt10J;
    };
    const Config configs[] = { { "cnn-small", sample.store.modelId, 0, 0.80, 20.0, 0.20 },
        { "anytime-2", anytimeId, 0, 0.70, 8.0, 0.08 }, { "anytime-2", anytimeId, 1, 0.90, 30.0, 0.30 } };
    for (const Config& config : configs) {
        for (const double capW : { 10.0, 20.0 }) {
            awb::core::ProfileCellRecord cell;
            cell.sessionId = sample.sessionId;
            cell.modelId = config.modelId;
            cell.outputIndex = config.output;
            cell.powerCapW = capW;
            cell.accuracy = config.accuracy;
            cell.latencyMedianMs = capW == 10.0 ? config.latencyAt10Ms : config.latencyAt10Ms / 2.0;
            cell.energyJ = capW == 10.0 ? config.energyAt10J : config.energyAt10J + 0.05;
            cell.replicates = 5;
            sample.cellIds[config.name + "/" + std::to_string(config.output) + "@" + std::to_string(int(capW))]
                = profiles.addCell(cell);
        }
    }
    return sample;
}

// The points a user sees per series: a series the filters empty is hidden.
std::vector<int> pointCounts(const std::vector<QScatterSeries*>& series)
{
    std::vector<int> counts;
    for (const QScatterSeries* s : series)
        counts.push_back(s->isVisible() ? static_cast<int>(s->count()) : 0);
    return counts;
}

class WidgetsFrontierPage : public testing::Test {
protected:
    void SetUp() override { ASSERT_TRUE(m_dir.isValid()); }
    std::filesystem::path file(const char* name) const { return m_dir.filePath(QLatin1String(name)).toStdString(); }
    static QString qpath(const std::filesystem::path& path) { return QString::fromStdString(path.string()); }

    // Loads the session into `page` and waits for it to be drawn.
    void show(FrontierPage& page, const FrontierSample& sample)
    {
        QSignalSpy shown(&page, &FrontierPage::sessionShown);
        page.setStorePath(qpath(sample.store.path));
        page.showSession(sample.sessionId);
        ASSERT_TRUE(shown.wait(kLoadTimeoutMs));
        ASSERT_EQ(shown.at(0).at(1).toInt(), 6);
    }

    QTemporaryDir m_dir;
};

TEST_F(WidgetsFrontierPage, DrawsOnePointPerCellByCapAndKindAndBothFronts)
{
    const auto sample = createFrontierSample(file("a.sqlite"), "emulated");
    FrontierPage page;
    show(page, sample);
    ASSERT_EQ(page.latencySeries().size(), 4u); // 10 W and 20 W × traditional and anytime
    EXPECT_EQ(pointCounts(page.latencySeries()), (std::vector<int> { 1, 2, 1, 2 }));
    EXPECT_EQ(pointCounts(page.energySeries()), (std::vector<int> { 1, 2, 1, 2 }));
    EXPECT_EQ(page.latencySeries()[0]->markerShape(), QScatterSeries::MarkerShapeCircle);
    EXPECT_EQ(page.latencySeries()[1]->markerShape(), QScatterSeries::MarkerShapeRectangle);
    EXPECT_EQ(page.latencySeries()[0]->name(), QStringLiteral("10 W · traditional"));
    EXPECT_EQ(page.latencySeries()[0]->color(), page.latencySeries()[1]->color());
    EXPECT_NE(page.latencySeries()[0]->color(), page.latencySeries()[2]->color());
    // Latency front: anytime-2/0 @20 W (4 ms), cnn-small @20 W (10 ms), anytime-2/1 @20 W (15 ms).
    EXPECT_EQ(page.latencyFrontSeries()->points(),
        (QList<QPointF> { QPointF(4.0, 70.0), QPointF(10.0, 80.0), QPointF(15.0, 90.0) }));
    ASSERT_EQ(page.energyFrontSeries()->count(), 3);
    EXPECT_DOUBLE_EQ(page.energyFrontSeries()->at(0).x(), 0.08);
    // The axes name their units.
    EXPECT_TRUE(page.latencyChart()->axes(Qt::Horizontal).first()->titleText().contains(QStringLiteral("ms")));
    EXPECT_TRUE(page.energyChart()->axes(Qt::Horizontal).first()->titleText().contains(QStringLiteral("(J")));
    EXPECT_TRUE(page.latencyChart()->axes(Qt::Vertical).first()->titleText().contains(QStringLiteral("%")));
    // Emulated: said in the banner and in both titles.
    EXPECT_FALSE(page.emulatedBanner()->isHidden());
    EXPECT_TRUE(page.latencyChart()->title().contains(QStringLiteral("EMULATED")));
    EXPECT_TRUE(page.energyChart()->title().contains(QStringLiteral("EMULATED")));
}

TEST_F(WidgetsFrontierPage, AMeasuredSessionIsNotLabelledEmulated)
{
    const auto sample = createFrontierSample(file("a.sqlite"), "rapl");
    FrontierPage page;
    show(page, sample);
    EXPECT_TRUE(page.emulatedBanner()->isHidden());
    EXPECT_FALSE(page.latencyChart()->title().contains(QStringLiteral("EMULATED")));
}

TEST_F(WidgetsFrontierPage, FilterChangeUpdatesPointsAndFront)
{
    const auto sample = createFrontierSample(file("a.sqlite"), "emulated");
    FrontierPage page;
    show(page, sample);
    QComboBox* models = page.modelFilter();
    models->setCurrentIndex(models->findText(QStringLiteral("cnn-small")));
    EXPECT_EQ(pointCounts(page.latencySeries()), (std::vector<int> { 1, 0, 1, 0 }));
    EXPECT_EQ(page.latencyFrontSeries()->points(), (QList<QPointF> { QPointF(10.0, 80.0) }));
    EXPECT_EQ(page.energyFrontSeries()->points(), (QList<QPointF> { QPointF(0.20, 80.0) }));

    models->setCurrentIndex(0); // all models
    QComboBox* caps = page.capFilter();
    caps->setCurrentIndex(caps->findText(QStringLiteral("10 W")));
    EXPECT_EQ(pointCounts(page.latencySeries()), (std::vector<int> { 1, 2, 0, 0 }));
    EXPECT_EQ(page.latencyFrontSeries()->points(),
        (QList<QPointF> { QPointF(8.0, 70.0), QPointF(20.0, 80.0), QPointF(30.0, 90.0) }));

    // Back to everything: every point returns, whichever series were hidden or refilled.
    caps->setCurrentIndex(0);
    EXPECT_EQ(pointCounts(page.latencySeries()), (std::vector<int> { 1, 2, 1, 2 }));
    EXPECT_EQ(pointCounts(page.energySeries()), (std::vector<int> { 1, 2, 1, 2 }));
    EXPECT_EQ(page.latencyFrontSeries()->count(), 3);
}

TEST_F(WidgetsFrontierPage, LogToggleSwitchesTheLatencyAxis)
{
    const auto sample = createFrontierSample(file("a.sqlite"), "emulated");
    FrontierPage page;
    show(page, sample);
    const auto latencyAxisType = [&page] { return page.latencyChart()->axes(Qt::Horizontal).first()->type(); };
    EXPECT_EQ(latencyAxisType(), QAbstractAxis::AxisTypeValue);
    page.logLatencyToggle()->setChecked(true);
    EXPECT_EQ(latencyAxisType(), QAbstractAxis::AxisTypeLogValue);
    EXPECT_TRUE(page.isLatencyLogScale());
    ASSERT_EQ(page.latencyChart()->axes(Qt::Horizontal).size(), 1);
    // Every series is on the new axis, so the points still draw.
    EXPECT_EQ(page.latencySeries()[0]->attachedAxes().size(), 2);
    EXPECT_EQ(page.latencyFrontSeries()->attachedAxes().size(), 2);
    // The energy axis stays linear.
    EXPECT_EQ(page.energyChart()->axes(Qt::Horizontal).first()->type(), QAbstractAxis::AxisTypeValue);
    page.setLatencyLogScale(false);
    EXPECT_FALSE(page.logLatencyToggle()->isChecked());
    EXPECT_EQ(latencyAxisType(), QAbstractAxis::AxisTypeValue);
}

TEST_F(WidgetsFrontierPage, ExportsPngAndSvgAndLeavesNothingOnFailure)
{
    const auto sample = createFrontierSample(file("a.sqlite"), "emulated");
    FrontierPage page;
    page.resize(1200, 600);
    show(page, sample);

    const QString png = m_dir.filePath(QStringLiteral("frontier.png"));
    ASSERT_TRUE(page.exportPng(png)) << page.lastError().toStdString();
    QFile pngFile(png);
    ASSERT_TRUE(pngFile.open(QIODevice::ReadOnly));
    EXPECT_TRUE(pngFile.read(8).startsWith("\x89PNG\r\n\x1a\n"));
    // Both charts, at the size the page lays them out (the page is 1200 px wide).
    const QImage image(png);
    EXPECT_GE(image.width(), 1000);
    EXPECT_GE(image.height(), 400);

    const QString svg = m_dir.filePath(QStringLiteral("frontier.svg"));
    ASSERT_TRUE(page.exportSvg(svg)) << page.lastError().toStdString();
    QFile svgFile(svg);
    ASSERT_TRUE(svgFile.open(QIODevice::ReadOnly));
    const QByteArray svgText = svgFile.readAll();
    EXPECT_TRUE(svgText.contains("<svg"));
    EXPECT_TRUE(svgText.contains("</svg>"));

    const QString missingFolder = m_dir.filePath(QStringLiteral("no-such-folder/frontier.png"));
    EXPECT_FALSE(page.exportPng(missingFolder));
    EXPECT_FALSE(page.lastError().isEmpty());
    EXPECT_FALSE(QFile::exists(missingFolder));
    EXPECT_EQ(QDir(m_dir.path()).entryList(QDir::Files).size(), 3); // the store, the PNG and the SVG
}

TEST_F(WidgetsFrontierPage, HoverNamesTheConfigurationAndItsNumbers)
{
    const auto sample = createFrontierSample(file("a.sqlite"), "emulated");
    FrontierPage page;
    show(page, sample);
    QScatterSeries* anytimeAt20 = page.latencySeries()[3];
    ASSERT_EQ(anytimeAt20->count(), 2);
    Q_EMIT anytimeAt20->hovered(QPointF(15.0, 90.0), true);
    EXPECT_EQ(page.hoverText(),
        QStringLiteral("anytime-2 (anytime), output 1, cap 20 W\n"
                       "accuracy 90.0 % · latency 15.0 ms · energy 0.350 J\n(emulated power backend)"));
    Q_EMIT anytimeAt20->hovered(QPointF(15.0, 90.0), false);
    EXPECT_TRUE(page.hoverText().isEmpty());
    Q_EMIT page.energySeries()[0]->hovered(QPointF(0.20, 80.0), true);
    EXPECT_TRUE(page.hoverText().startsWith(QStringLiteral("cnn-small (traditional), output 0, cap 10 W")));
}

TEST_F(WidgetsFrontierPage, SelectionSignalAndSlotRoundTrip)
{
    const auto sample = createFrontierSample(file("a.sqlite"), "emulated");
    FrontierPage page;
    show(page, sample);
    QSignalSpy selected(&page, &FrontierPage::cellSelected);

    // Clicking a point announces its cell and rings it in both charts.
    Q_EMIT page.latencySeries()[2]->clicked(QPointF(10.0, 80.0));
    ASSERT_EQ(selected.count(), 1);
    const qint64 cnnAt20 = sample.cellIds.at("cnn-small/0@20");
    EXPECT_EQ(selected.at(0).at(0).toLongLong(), cnnAt20);
    EXPECT_EQ(page.selectedCellId(), cnnAt20);

    // Another page selecting a row selects its point; selecting it again is not re-announced.
    const qint64 anytimeAt10 = sample.cellIds.at("anytime-2/1@10");
    page.selectCell(anytimeAt10);
    ASSERT_EQ(selected.count(), 2);
    EXPECT_EQ(selected.at(1).at(0).toLongLong(), anytimeAt10);
    page.selectCell(anytimeAt10);
    EXPECT_EQ(selected.count(), 2);
    page.selectCell(987654); // not in this session
    EXPECT_EQ(page.selectedCellId(), anytimeAt10);

    const auto* ring = qobject_cast<QScatterSeries*>(page.energyChart()->series().last());
    ASSERT_NE(ring, nullptr);
    EXPECT_EQ(ring->points(), (QList<QPointF> { QPointF(0.30, 90.0) }));
    // Hidden by a filter, the ring goes; the selection stays.
    page.capFilter()->setCurrentIndex(page.capFilter()->findText(QStringLiteral("20 W")));
    EXPECT_EQ(ring->count(), 0);
    EXPECT_EQ(page.selectedCellId(), anytimeAt10);
}

// Where a chart draws `value` of `series`, in its view's viewport coordinates.
QPoint viewportPosition(QChart* chart, QScatterSeries* series, const QPointF& value)
{
    const auto* view = qobject_cast<const QChartView*>(chart->scene()->views().first());
    return view->mapFromScene(chart->mapToScene(chart->mapToPosition(value, series)));
}

QWidget* viewportOf(const QChart* chart) { return chart->scene()->views().first()->viewport(); }

TEST_F(WidgetsFrontierPage, DrawsEachPointInItsCapColour)
{
    const auto sample = createFrontierSample(file("a.sqlite"), "emulated");
    FrontierPage page;
    page.resize(1200, 600);
    show(page, sample);
    page.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&page));
    // cnn-small at 10 W (20 ms, 80 %) on the latency chart and at 20 W (0.25 J, 80 %) on the energy
    // chart: off both fronts, so no line crosses their centres.
    QScatterSeries* latencyAt10 = page.latencySeries()[0];
    QScatterSeries* energyAt20 = page.energySeries()[2];
    const auto colourAt = [](QChart* chart, QScatterSeries* series, const QPointF& value) {
        const QImage image = viewportOf(chart)->grab().toImage();
        return image.pixel(viewportPosition(chart, series, value) * image.devicePixelRatio());
    };
    EXPECT_EQ(colourAt(page.latencyChart(), latencyAt10, QPointF(20.0, 80.0)), latencyAt10->color().rgb());
    EXPECT_EQ(colourAt(page.energyChart(), energyAt20, QPointF(0.25, 80.0)), energyAt20->color().rgb());
    EXPECT_NE(latencyAt10->color().rgb(), energyAt20->color().rgb());
    // On a log latency axis the point moves, and is drawn where the chart puts it.
    page.setLatencyLogScale(true);
    EXPECT_EQ(colourAt(page.latencyChart(), latencyAt10, QPointF(20.0, 80.0)), latencyAt10->color().rgb());
    page.setLatencyLogScale(false);

    // A filtered-out point is not drawn: its centre shows the plot's background.
    page.capFilter()->setCurrentIndex(page.capFilter()->findText(QStringLiteral("20 W")));
    EXPECT_NE(colourAt(page.latencyChart(), latencyAt10, QPointF(20.0, 80.0)), latencyAt10->color().rgb());
}

TEST_F(WidgetsFrontierPage, TheMouseOverAPointShowsItsTooltipAndAClickSelectsIt)
{
    const auto sample = createFrontierSample(file("a.sqlite"), "emulated");
    FrontierPage page;
    page.resize(1200, 600);
    show(page, sample);
    page.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&page));
    QSignalSpy selected(&page, &FrontierPage::cellSelected);

    // anytime-2 output 1 at 10 W: 30 ms, 90 % on the latency chart.
    QScatterSeries* anytimeAt10 = page.latencySeries()[1];
    const QPoint point = viewportPosition(page.latencyChart(), anytimeAt10, QPointF(30.0, 90.0));
    QWidget* viewport = viewportOf(page.latencyChart());
    QTest::mouseMove(viewport, point);
    EXPECT_TRUE(page.hoverText().startsWith(QStringLiteral("anytime-2 (anytime), output 1, cap 10 W")))
        << page.hoverText().toStdString();
    QTest::mouseMove(viewport, point + QPoint(40, 40)); // empty plot area
    EXPECT_TRUE(page.hoverText().isEmpty()) << page.hoverText().toStdString();

    QTest::mouseClick(viewport, Qt::LeftButton, {}, point);
    ASSERT_EQ(selected.count(), 1);
    EXPECT_EQ(selected.at(0).at(0).toLongLong(), sample.cellIds.at("anytime-2/1@10"));
    // A click beside every point selects nothing.
    QTest::mouseClick(viewport, Qt::LeftButton, {}, point + QPoint(40, 40));
    EXPECT_EQ(selected.count(), 1);
}

// Puts the application's palette back however the test ends.
struct RestoreColorScheme {
    ~RestoreColorScheme() { awb::ui::applyColorScheme(awb::ui::ColorScheme::System); }
};

TEST_F(WidgetsFrontierPage, ChartsFollowTheColourSchemeAndKeepTheCapColours)
{
    const auto sample = createFrontierSample(file("a.sqlite"), "emulated");
    awb::ui::MainWindow window; // the page as it lives in the application: a child of the window
    window.setInteractive(false);
    FrontierPage& page = *window.frontierPage();
    show(page, sample);
    ASSERT_EQ(page.latencyChart()->theme(), QChart::ChartThemeLight);
    const QColor capColour = page.latencySeries()[0]->color();
    const QColor frontColour = page.latencyFrontSeries()->pen().color();
    EXPECT_EQ(frontColour, QColor(Qt::black));

    const RestoreColorScheme restore;
    awb::ui::applyColorScheme(awb::ui::ColorScheme::Dark);
    EXPECT_EQ(page.latencyChart()->theme(), QChart::ChartThemeDark);
    EXPECT_EQ(page.energyChart()->theme(), QChart::ChartThemeDark);
    EXPECT_EQ(page.latencySeries()[0]->color(), capColour);
    EXPECT_EQ(page.energySeries()[0]->color(), capColour);
    // The front is drawn in the palette's light text colour, readable on the dark chart.
    EXPECT_GT(page.latencyFrontSeries()->pen().color().lightness(), 128);

    awb::ui::applyColorScheme(awb::ui::ColorScheme::Light);
    EXPECT_EQ(page.latencyChart()->theme(), QChart::ChartThemeLight);
    EXPECT_EQ(page.latencySeries()[0]->color(), capColour);
    EXPECT_EQ(page.latencyFrontSeries()->pen().color(), frontColour);
}

TEST_F(WidgetsFrontierPage, ActivatingASessionOnTheHistoryPageOpensItHereAndOnTheProfilePage)
{
    const auto sample = createFrontierSample(file("a.sqlite"), "emulated");
    awb::ui::MainWindow window;
    window.setInteractive(false);
    QSignalSpy historyLoaded(window.historyPage(), &awb::ui::HistoryPage::historyLoaded);
    ASSERT_TRUE(window.openStore(qpath(sample.store.path)));
    ASSERT_TRUE(historyLoaded.wait(kLoadTimeoutMs));

    QSignalSpy shown(window.frontierPage(), &FrontierPage::sessionShown);
    QSignalSpy listed(window.profilePage(), &awb::ui::ProfilePage::sessionLoaded);
    const QModelIndex row = window.historyPage()->proxyModel()->index(0, awb::ui::HistoryModel::IdColumn);
    ASSERT_EQ(row.data(awb::ui::HistoryModel::KindRole).toString(), QStringLiteral("profile"));
    Q_EMIT window.historyPage()->view()->activated(row);
    EXPECT_EQ(window.pages()->currentWidget(), window.frontierPage());
    ASSERT_TRUE(shown.wait(kLoadTimeoutMs));
    EXPECT_EQ(shown.at(0).at(0).toLongLong(), sample.sessionId);
    EXPECT_EQ(window.frontierPage()->sessionId(), sample.sessionId);
    ASSERT_TRUE(listed.count() > 0 || listed.wait(kLoadTimeoutMs));
    EXPECT_EQ(window.profilePage()->sessionId(), sample.sessionId);
    ASSERT_GE(window.profilePage()->cellsFilter()->rowCount(), 2);

    // A row selected on the Profile page selects its point here, and a point selected here
    // selects its row there.
    QTableView* table = window.profilePage()->table();
    table->selectRow(1);
    const qint64 fromTable = table->model()->index(1, 0).data(awb::ui::ProfileCellsModel::CellIdRole).value<qint64>();
    EXPECT_EQ(window.frontierPage()->selectedCellId(), fromTable);
    const qint64 fromChart = table->model()->index(0, 0).data(awb::ui::ProfileCellsModel::CellIdRole).value<qint64>();
    window.frontierPage()->selectCell(fromChart);
    EXPECT_EQ(window.profilePage()->selectedCellId(), fromChart);
    const QModelIndexList selected = table->selectionModel()->selectedRows();
    ASSERT_EQ(selected.size(), 1);
    EXPECT_EQ(selected.first().row(), 0);
}

} // namespace
