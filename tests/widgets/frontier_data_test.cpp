#include "widgets/frontier_data.h"

#include <gtest/gtest.h>

namespace {

using awb::core::ModelKind;
using awb::ui::FrontierCell;
using awb::ui::FrontierData;

FrontierCell cell(qint64 id, const char* model, ModelKind kind, int output, double capW, double accuracy,
    double latencyMs, double energyJ)
{
    const std::int64_t modelId = model[0] == 'c' ? 1 : 2;
    return { id, kind, { modelId, model, output, capW, accuracy, latencyMs, energyJ } };
}

// cnn (traditional, one output) and any (anytime, two outputs) at 10 W and 20 W. Faster at 20 W,
// cheaper in energy at 10 W, so the two fronts pick different caps.
std::vector<FrontierCell> sampleCells()
{
    return {
        cell(1, "cnn", ModelKind::Traditional, 0, 10.0, 0.80, 20.0, 0.20),
        cell(2, "cnn", ModelKind::Traditional, 0, 20.0, 0.80, 10.0, 0.25),
        cell(3, "any", ModelKind::Anytime, 0, 10.0, 0.70, 8.0, 0.08),
        cell(4, "any", ModelKind::Anytime, 0, 20.0, 0.70, 4.0, 0.10),
        cell(5, "any", ModelKind::Anytime, 1, 10.0, 0.90, 30.0, 0.30),
        cell(6, "any", ModelKind::Anytime, 1, 20.0, 0.90, 15.0, 0.35),
    };
}

std::vector<qint64> idsOf(const FrontierData& data, const std::vector<int>& indices)
{
    std::vector<qint64> ids;
    for (const int index : indices)
        ids.push_back(data.cells()[static_cast<std::size_t>(index)].cellId);
    return ids;
}

TEST(WidgetsFrontierData, OneSeriesPerCapAndKindInCapOrder)
{
    const FrontierData data(sampleCells(), false);
    EXPECT_EQ(data.modelNames(), (std::vector<std::string> { "any", "cnn" }));
    EXPECT_EQ(data.powerCapsW(), (std::vector<double> { 10.0, 20.0 }));
    const auto view = data.view();
    ASSERT_EQ(view.series.size(), 4u);
    EXPECT_EQ(view.visibleCount, 6);
    EXPECT_EQ(view.series[0].powerCapW, 10.0);
    EXPECT_EQ(view.series[0].kind, ModelKind::Traditional);
    EXPECT_EQ(view.series[1].kind, ModelKind::Anytime);
    EXPECT_EQ(view.series[0].cells.size(), 1u);
    EXPECT_EQ(view.series[1].cells.size(), 2u);
    EXPECT_EQ(view.series[3].powerCapW, 20.0);
    // Accuracy is drawn in percent.
    EXPECT_EQ(view.series[0].latencyPoints.at(0), QPointF(20.0, 80.0));
    EXPECT_EQ(view.series[0].energyPoints.at(0), QPointF(0.20, 80.0));
    // Both kinds of one cap share its colour; the two caps differ.
    EXPECT_EQ(view.series[0].colour, view.series[1].colour);
    EXPECT_NE(view.series[0].colour, view.series[2].colour);
}

TEST(WidgetsFrontierData, FrontsAreSortedByCostAndNameTheirCells)
{
    const FrontierData data(sampleCells(), false);
    const auto view = data.view();
    EXPECT_EQ(idsOf(data, view.latencyFrontCells), (std::vector<qint64> { 4, 2, 6 }));
    EXPECT_EQ(idsOf(data, view.energyFrontCells), (std::vector<qint64> { 3, 1, 5 }));
    EXPECT_EQ(
        view.latencyFront, (std::vector<QPointF> { QPointF(4.0, 70.0), QPointF(10.0, 80.0), QPointF(15.0, 90.0) }));
}

TEST(WidgetsFrontierData, FiltersByModelAndCap)
{
    FrontierData data(sampleCells(), false);
    data.setModelFilter("cnn");
    auto view = data.view();
    EXPECT_EQ(view.visibleCount, 2);
    ASSERT_EQ(view.series.size(), 4u); // series stay; the hidden ones are empty
    EXPECT_TRUE(view.series[1].cells.empty());
    EXPECT_EQ(idsOf(data, view.latencyFrontCells), (std::vector<qint64> { 2 }));
    EXPECT_EQ(idsOf(data, view.energyFrontCells), (std::vector<qint64> { 1 }));

    data.setModelFilter(std::nullopt);
    data.setCapFilter(10.0);
    view = data.view();
    EXPECT_EQ(view.visibleCount, 3);
    EXPECT_EQ(idsOf(data, view.latencyFrontCells), (std::vector<qint64> { 3, 1, 5 }));
    EXPECT_FALSE(data.isVisible(data.indexOfCell(2)));

    data.setModelFilter("cnn");
    data.setCapFilter(20.0);
    EXPECT_EQ(data.view().visibleCount, 1);
}

TEST(WidgetsFrontierData, SeriesOnlyForKindsThatOccur)
{
    const FrontierData data({ cell(1, "cnn", ModelKind::Traditional, 0, 15.0, 0.8, 3.0, 0.1) }, false);
    ASSERT_EQ(data.view().series.size(), 1u);
    EXPECT_EQ(data.view().latencyFrontCells.size(), 1u);
    EXPECT_EQ(FrontierData().view().series.size(), 0u);
}

TEST(WidgetsFrontierData, TooltipNamesTheConfigurationWithUnits)
{
    const FrontierData data(sampleCells(), false);
    EXPECT_EQ(data.tooltip(data.indexOfCell(6)),
        QStringLiteral("any (anytime), output 1, cap 20 W\naccuracy 90.0 % · latency 15.0 ms · energy 0.350 J"));
    const FrontierData emulated(sampleCells(), true);
    EXPECT_TRUE(emulated.tooltip(0).endsWith(QStringLiteral("(emulated power backend)")));
    EXPECT_EQ(data.indexOfCell(99), -1);
}

TEST(WidgetsFrontierData, NumbersKeepThreeSignificantDigitsWithoutExponents)
{
    EXPECT_EQ(awb::ui::formatSignificant(1234.4), QStringLiteral("1234"));
    EXPECT_EQ(awb::ui::formatSignificant(12.345), QStringLiteral("12.3"));
    EXPECT_EQ(awb::ui::formatSignificant(0.012345), QStringLiteral("0.0123"));
    EXPECT_EQ(awb::ui::formatSignificant(0.0), QStringLiteral("0"));
    EXPECT_EQ(awb::ui::formatLatencyMs(2.0), QStringLiteral("2.00 ms"));
    EXPECT_EQ(awb::ui::formatEnergyJ(0.5), QStringLiteral("0.500 J"));
    EXPECT_EQ(awb::ui::formatPowerW(15.0), QStringLiteral("15 W"));
    EXPECT_EQ(awb::ui::formatPowerW(12.5), QStringLiteral("12.5 W"));
    EXPECT_EQ(awb::ui::formatAccuracy(0.912), QStringLiteral("91.2 %"));
}

} // namespace
