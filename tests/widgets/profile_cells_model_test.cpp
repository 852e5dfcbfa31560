#include "widgets/profile_cells_model.h"

#include <QAbstractItemModelTester>
#include <QIcon>

#include <gtest/gtest.h>

namespace {

using awb::ui::ProfileCellRow;
using awb::ui::ProfileCellsFilter;
using awb::ui::ProfileCellsModel;

ProfileCellRow row(qint64 id, const char* model, int output, double capW, double medianMs, bool noisy = false)
{
    ProfileCellRow row;
    row.cell.id = id;
    row.cell.outputIndex = output;
    row.cell.powerCapW = capW;
    row.cell.latencyMedianMs = medianMs;
    row.cell.latencyIqrMs = medianMs * (noisy ? 0.2 : 0.01);
    row.cell.latencyP95Ms = medianMs * 1.1;
    row.cell.powerW = 12.345;
    row.cell.energyJ = 0.00041234;
    row.cell.accuracy = 0.91234;
    row.cell.noisy = noisy;
    row.modelName = QString::fromLatin1(model);
    return row;
}

TEST(WidgetsProfileCellsModel, FormatsNumbersWithUnitsInTheHeadersAndSortsByValue)
{
    ProfileCellsModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    model.setRows({ row(1, "cnn-m", 0, 45.0, 0.61234), row(2, "cnn-m", 0, 20.0, 12.345, true) });
    model.appendRow(row(3, "anytime-width4", 2, 45.0, 1.5));
    ASSERT_EQ(model.rowCount(), 3);
    const auto text = [&](int r, int column) { return model.index(r, column).data().toString(); };
    EXPECT_EQ(text(0, ProfileCellsModel::MedianColumn), QStringLiteral("0.612"));
    EXPECT_EQ(text(1, ProfileCellsModel::MedianColumn), QStringLiteral("12.3"));
    EXPECT_EQ(text(0, ProfileCellsModel::CapColumn), QStringLiteral("45"));
    EXPECT_EQ(text(0, ProfileCellsModel::PowerColumn), QStringLiteral("12.3"));
    EXPECT_EQ(text(0, ProfileCellsModel::EnergyColumn), QStringLiteral("0.000412"));
    EXPECT_EQ(text(0, ProfileCellsModel::AccuracyColumn), QStringLiteral("91.2"));
    EXPECT_EQ(model.headerData(ProfileCellsModel::EnergyColumn, Qt::Horizontal).toString(), QStringLiteral("Energy (J)"));
    EXPECT_EQ(model.headerData(ProfileCellsModel::CapColumn, Qt::Horizontal).toString(), QStringLiteral("Cap (W)"));
    EXPECT_EQ(model.index(1, ProfileCellsModel::MedianColumn).data(ProfileCellsModel::SortRole).toDouble(), 12.345);

    // Noisy cells are marked three ways; quiet ones not at all.
    EXPECT_EQ(text(1, ProfileCellsModel::NoisyColumn), QStringLiteral("noisy"));
    EXPECT_TRUE(text(0, ProfileCellsModel::NoisyColumn).isEmpty());
    EXPECT_FALSE(model.index(1, ProfileCellsModel::ModelColumn).data(Qt::DecorationRole).value<QIcon>().isNull());
    EXPECT_FALSE(model.index(0, ProfileCellsModel::ModelColumn).data(Qt::DecorationRole).isValid());
    EXPECT_TRUE(model.index(1, ProfileCellsModel::CapColumn).data(Qt::ToolTipRole).toString().contains(QStringLiteral("IQR")));

    EXPECT_EQ(model.rowOfCell(3), 2);
    EXPECT_EQ(model.rowOfCell(99), -1);
    EXPECT_EQ(model.index(2, ProfileCellsModel::AccuracyColumn).data(ProfileCellsModel::CellIdRole).value<qint64>(), 3);

    ProfileCellsFilter filter;
    QAbstractItemModelTester filterTester(&filter, QAbstractItemModelTester::FailureReportingMode::Fatal);
    filter.setSourceModel(&model);
    filter.sort(ProfileCellsModel::MedianColumn, Qt::DescendingOrder);
    EXPECT_EQ(filter.index(0, 0).data(ProfileCellsModel::CellIdRole).value<qint64>(), 2) << "12.3 ms sorts above 1.5 ms";
    filter.setFilters(QStringLiteral("cnn-m"), std::nullopt, std::nullopt);
    EXPECT_EQ(filter.rowCount(), 2);
    filter.setFilters(std::nullopt, std::nullopt, 45.0000001);
    EXPECT_EQ(filter.rowCount(), 2) << "caps compare at milliwatt resolution";
    filter.setFilters(QStringLiteral("cnn-m"), 0, 20.0);
    EXPECT_EQ(filter.rowCount(), 1);
    filter.setFilters(std::nullopt, 1, std::nullopt);
    EXPECT_EQ(filter.rowCount(), 0);
    model.clear();
    EXPECT_EQ(filter.rowCount(), 0);
}

} // namespace
