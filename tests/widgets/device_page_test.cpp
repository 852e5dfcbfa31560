#include "widgets/device_page.h"

#include <QSignalSpy>
#include <QTableWidget>

#include <gtest/gtest.h>

namespace {

using awb::ui::DevicePage;

awb::core::DoctorReport sampleReport()
{
    awb::core::DoctorReport report;
    report.alertwbVersion = "9.8.7";
    report.torchVersion = "2.1.0";
    report.torchThreads = 6;
    report.cpuModel = "Example CPU @ 3.0GHz";
    report.logicalCpus = 12;
    report.host = "workstation-1";
    report.displayAvailable = false;
    report.displayDetail = "no DISPLAY or WAYLAND_DISPLAY set";
    report.backends = {
        { "rapl", false, false, false, "/sys/class/powercap/intel-rapl:0/energy_uj: permission denied", "" },
        { "nvml", false, false, false, "libnvidia-ml.so.1 not found", "" },
        { "emulated", true, true, true, "", "laptop-cpu DVFS model, 5–25 W" },
    };
    return report;
}

TEST(WidgetsDevicePage, ShowsTheDoctorReport)
{
    DevicePage page;
    QSignalSpy changed(&page, &DevicePage::reportChanged);
    page.setReport(sampleReport());
    EXPECT_EQ(changed.count(), 1);
    EXPECT_EQ(page.fieldText(QStringLiteral("alertwbVersion")), QStringLiteral("9.8.7"));
    EXPECT_EQ(page.fieldText(QStringLiteral("torchVersion")), QStringLiteral("2.1.0"));
    EXPECT_EQ(page.fieldText(QStringLiteral("torchThreads")), QStringLiteral("6"));
    EXPECT_TRUE(page.fieldText(QStringLiteral("cpu")).contains(QStringLiteral("Example CPU")));
    EXPECT_TRUE(page.fieldText(QStringLiteral("cpu")).contains(QStringLiteral("12 logical CPUs")));
    EXPECT_EQ(page.fieldText(QStringLiteral("host")), QStringLiteral("workstation-1"));
    EXPECT_TRUE(page.fieldText(QStringLiteral("display")).startsWith(QStringLiteral("none")));

    const QTableWidget& table = *page.backendTable();
    ASSERT_EQ(table.rowCount(), 3);
    EXPECT_EQ(table.item(0, DevicePage::NameColumn)->text(), QStringLiteral("rapl"));
    EXPECT_EQ(table.item(0, DevicePage::UsableColumn)->text(), QStringLiteral("no"));
    EXPECT_TRUE(table.item(0, DevicePage::DetailColumn)->text().contains(QStringLiteral("permission denied")));
    EXPECT_EQ(table.item(2, DevicePage::UsableColumn)->text(), QStringLiteral("yes"));
    EXPECT_EQ(table.item(2, DevicePage::CanSetCapColumn)->text(), QStringLiteral("yes"));
    EXPECT_TRUE(table.item(2, DevicePage::EmulatedColumn)->text().startsWith(QStringLiteral("yes")));
    EXPECT_TRUE(table.item(2, DevicePage::EmulatedColumn)->font().bold());
    EXPECT_TRUE(table.item(2, DevicePage::DetailColumn)->text().contains(QStringLiteral("DVFS")));
    EXPECT_EQ(table.item(1, DevicePage::EmulatedColumn)->text(), QStringLiteral("no"));
}

TEST(WidgetsDevicePage, ShowsTheStore)
{
    DevicePage page;
    EXPECT_EQ(page.fieldText(QStringLiteral("storePath")), QStringLiteral("no store open"));
    page.setStore(QStringLiteral("/tmp/x/workbench.sqlite"), 3);
    EXPECT_EQ(page.fieldText(QStringLiteral("storePath")), QStringLiteral("/tmp/x/workbench.sqlite"));
    EXPECT_EQ(page.fieldText(QStringLiteral("schemaVersion")), QStringLiteral("3"));
}

TEST(WidgetsDevicePage, CollectsThisMachineOffTheGuiThread)
{
    DevicePage page;
    QSignalSpy changed(&page, &DevicePage::reportChanged);
    page.refresh();
    EXPECT_TRUE(page.isCollecting());
    ASSERT_TRUE(changed.wait(60'000));
    EXPECT_FALSE(page.isCollecting());
    EXPECT_EQ(page.fieldText(QStringLiteral("alertwbVersion")), QStringLiteral(AWB_VERSION));
    EXPECT_FALSE(page.fieldText(QStringLiteral("torchVersion")).isEmpty());
    // The emulated backend is always offered, so the table is never empty.
    bool hasEmulated = false;
    for (int row = 0; row < page.backendTable()->rowCount(); ++row)
        hasEmulated |= page.backendTable()->item(row, DevicePage::NameColumn)->text() == QStringLiteral("emulated");
    EXPECT_TRUE(hasEmulated);
}

} // namespace
