#include "widgets/history_model.h"

#include <QAbstractItemModelTester>
#include <QFont>
#include <QSortFilterProxyModel>
#include <QStringList>

#include <gtest/gtest.h>

namespace {

using awb::ui::HistoryModel;

// Collects what QAbstractItemModelTester reports in Warning mode, so a broken model fails the
// test instead of aborting the whole program.
class ModelTesterLog {
public:
    ModelTesterLog()
    {
        s_messages.clear();
        m_previous = qInstallMessageHandler(&ModelTesterLog::handle);
    }
    ~ModelTesterLog() { qInstallMessageHandler(m_previous); }
    const QStringList& messages() const { return s_messages; }

private:
    static void handle(QtMsgType type, const QMessageLogContext& context, const QString& message)
    {
        if (type != QtDebugMsg && context.category && QByteArray(context.category) == "qt.modeltest")
            s_messages.append(message);
    }
    static inline QStringList s_messages;
    QtMessageHandler m_previous = nullptr;
};

awb::core::RunSummary makeRun(
    std::int64_t id, const std::string& startedAt, std::int64_t steps, const std::string& backend = "emulated")
{
    awb::core::RunSummary summary;
    summary.run.id = id;
    summary.run.controller = id % 2 ? "alert" : "app-only";
    summary.run.goalMode = "min-energy";
    summary.run.deadlineMs = 40.0;
    summary.run.accuracyGoal = 0.9;
    summary.run.startedAt = startedAt;
    summary.run.status = awb::core::SessionStatus::Complete;
    summary.run.inputCount = steps;
    summary.deviceHost = "host-a";
    summary.backend = backend;
    summary.stepCount = steps;
    return summary;
}

awb::core::ProfileSessionSummary makeSession(std::int64_t id, const std::string& startedAt)
{
    awb::core::ProfileSessionSummary summary;
    summary.session.id = id;
    summary.session.startedAt = startedAt;
    summary.session.status = awb::core::SessionStatus::Cancelled;
    summary.deviceHost = "host-b";
    summary.backend = "rapl";
    summary.cellCount = 48;
    summary.modelCount = 4;
    return summary;
}

QString text(const QAbstractItemModel& model, int row, int column)
{
    return model.data(model.index(row, column)).toString();
}

TEST(WidgetsHistoryModel, EmptyAndPopulatedModelPassTheModelTester)
{
    ModelTesterLog log;
    HistoryModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Warning);
    EXPECT_EQ(model.rowCount(), 0);
    EXPECT_EQ(model.columnCount(), HistoryModel::ColumnCount);

    model.setHistory({ makeSession(1, "2026-03-01T10:00:00Z") },
        { makeRun(1, "2026-03-02T10:00:00Z", 10), makeRun(2, "2026-03-03T10:00:00Z", 20, "nvml") });
    EXPECT_EQ(model.rowCount(), 3);
    QSortFilterProxyModel proxy;
    proxy.setSourceModel(&model);
    QAbstractItemModelTester proxyTester(&proxy, QAbstractItemModelTester::FailureReportingMode::Warning);
    proxy.sort(HistoryModel::StepsColumn);
    model.clear();
    EXPECT_EQ(model.rowCount(), 0);
    EXPECT_TRUE(log.messages().isEmpty()) << log.messages().join(QLatin1Char('\n')).toStdString();
}

TEST(WidgetsHistoryModel, ShowsSessionAndRunColumns)
{
    HistoryModel model;
    model.setHistory({ makeSession(7, "2026-03-01T10:00:00Z") }, { makeRun(3, "2026-03-02T10:00:00Z", 1234) });
    ASSERT_EQ(model.rowCount(), 2);
    EXPECT_EQ(model.rowKind(0), HistoryModel::RowKind::ProfileSession);
    EXPECT_EQ(model.rowKind(1), HistoryModel::RowKind::Run);

    EXPECT_EQ(text(model, 0, HistoryModel::TypeColumn), QStringLiteral("profile"));
    EXPECT_EQ(text(model, 0, HistoryModel::IdColumn), QStringLiteral("7"));
    EXPECT_EQ(text(model, 0, HistoryModel::StatusColumn), QStringLiteral("cancelled"));
    EXPECT_EQ(text(model, 0, HistoryModel::DeviceColumn), QStringLiteral("host-b"));
    EXPECT_EQ(text(model, 0, HistoryModel::BackendColumn), QStringLiteral("rapl"));
    EXPECT_EQ(text(model, 0, HistoryModel::CellsColumn), QStringLiteral("48"));
    EXPECT_EQ(text(model, 0, HistoryModel::ModelsColumn), QStringLiteral("4"));
    EXPECT_TRUE(text(model, 0, HistoryModel::ControllerColumn).isEmpty());
    EXPECT_TRUE(text(model, 0, HistoryModel::StepsColumn).isEmpty());

    EXPECT_EQ(text(model, 1, HistoryModel::TypeColumn), QStringLiteral("run"));
    EXPECT_EQ(text(model, 1, HistoryModel::ControllerColumn), QStringLiteral("alert"));
    EXPECT_EQ(text(model, 1, HistoryModel::StepsColumn), QStringLiteral("1234"));
    EXPECT_TRUE(text(model, 1, HistoryModel::CellsColumn).isEmpty());
    const QString goal = text(model, 1, HistoryModel::GoalColumn);
    EXPECT_TRUE(goal.contains(QStringLiteral("min energy"))) << goal.toStdString();
    EXPECT_TRUE(goal.contains(QStringLiteral("40 ms"))) << goal.toStdString();
    EXPECT_TRUE(goal.contains(QStringLiteral("90.0 %"))) << goal.toStdString();
    EXPECT_FALSE(text(model, 1, HistoryModel::StartedColumn).isEmpty());
}

TEST(WidgetsHistoryModel, MarksEmulatedBackendClearly)
{
    HistoryModel model;
    model.setHistory(
        {}, { makeRun(1, "2026-03-02T10:00:00Z", 5, "emulated"), makeRun(2, "2026-03-02T11:00:00Z", 5, "rapl") });
    const QModelIndex emulated = model.index(0, HistoryModel::BackendColumn);
    const QModelIndex measured = model.index(1, HistoryModel::BackendColumn);
    EXPECT_EQ(emulated.data().toString(), QStringLiteral("emulated"));
    EXPECT_TRUE(emulated.data(HistoryModel::EmulatedRole).toBool());
    EXPECT_TRUE(emulated.data(Qt::FontRole).value<QFont>().bold());
    EXPECT_TRUE(emulated.data(Qt::ToolTipRole).toString().contains(QStringLiteral("modelled")));
    EXPECT_FALSE(measured.data(HistoryModel::EmulatedRole).toBool());
    EXPECT_FALSE(measured.data(Qt::FontRole).isValid());
}

TEST(WidgetsHistoryModel, SortsNumbersAndTimesThroughTheProxy)
{
    HistoryModel model;
    model.setHistory({ makeSession(1, "2026-03-05T09:00:00Z") },
        { makeRun(9, "2026-03-01T10:00:00Z", 100), makeRun(10, "2026-03-03T10:00:00Z", 9),
            makeRun(100, "2026-03-02T10:00:00Z", 10) });
    QSortFilterProxyModel proxy;
    proxy.setSourceModel(&model);
    proxy.setSortRole(HistoryModel::SortRole);

    // Numerically, not as text ("10" < "100" < "9").
    proxy.sort(HistoryModel::IdColumn, Qt::AscendingOrder);
    EXPECT_EQ(text(proxy, 0, HistoryModel::IdColumn), QStringLiteral("1"));
    EXPECT_EQ(text(proxy, 1, HistoryModel::IdColumn), QStringLiteral("9"));
    EXPECT_EQ(text(proxy, 2, HistoryModel::IdColumn), QStringLiteral("10"));
    EXPECT_EQ(text(proxy, 3, HistoryModel::IdColumn), QStringLiteral("100"));

    // The session has no step count; empty cells sort after every number.
    proxy.sort(HistoryModel::StepsColumn, Qt::AscendingOrder);
    EXPECT_EQ(text(proxy, 0, HistoryModel::StepsColumn), QStringLiteral("9"));
    EXPECT_EQ(text(proxy, 1, HistoryModel::StepsColumn), QStringLiteral("10"));
    EXPECT_EQ(text(proxy, 2, HistoryModel::StepsColumn), QStringLiteral("100"));
    EXPECT_EQ(text(proxy, 3, HistoryModel::TypeColumn), QStringLiteral("profile"));

    proxy.sort(HistoryModel::StartedColumn, Qt::DescendingOrder);
    EXPECT_EQ(text(proxy, 0, HistoryModel::TypeColumn), QStringLiteral("profile"));
    EXPECT_EQ(text(proxy, 1, HistoryModel::IdColumn), QStringLiteral("10"));
    EXPECT_EQ(text(proxy, 2, HistoryModel::IdColumn), QStringLiteral("100"));
    EXPECT_EQ(text(proxy, 3, HistoryModel::IdColumn), QStringLiteral("9"));
}

} // namespace
