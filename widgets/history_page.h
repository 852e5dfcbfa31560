#pragma once

#include "widgets/history_loader.h"

#include <QWidget>

class QAction;
class QComboBox;
class QLabel;
class QSortFilterProxyModel;
class QTableView;

namespace awb::ui {

class HistoryModel;

// The History page: every profile session and run of the open store in one sortable table,
// filterable by type. Loading runs on a HistoryLoader thread; the table is replaced in one
// reset when the result arrives.
class HistoryPage : public QWidget {
    Q_OBJECT

public:
    explicit HistoryPage(QWidget* parent = nullptr);

    // Lists `storePath` (starts a load); an empty path clears the table.
    void setStorePath(const QString& storePath);
    QString storePath() const { return m_storePath; }
    bool isLoading() const;

    HistoryModel* model() const { return m_model; }
    QSortFilterProxyModel* proxyModel() const { return m_proxy; }
    QTableView* view() const { return m_view; }
    QAction* refreshAction() const { return m_refreshAction; }
    // "Loading…", the row counts, or why loading failed.
    QString statusText() const;

public Q_SLOTS:
    void refresh();

Q_SIGNALS:
    void historyLoaded(int sessionCount, int runCount);
    void historyLoadFailed(const QString& message);
    // A profile session row was activated (double-click or Enter): open it elsewhere, e.g. on
    // the Frontier page.
    void profileSessionActivated(qint64 sessionId);
    // A run row was activated: open its charts (the Runs page).
    void runActivated(qint64 runId);

private:
    void applySnapshot(const std::shared_ptr<const HistorySnapshot>& snapshot);
    void showFailure(const QString& storePath, const QString& message);
    void applyTypeFilter(int comboIndex);
    void activateRow(const QModelIndex& proxyIndex);

    QString m_storePath;
    HistoryLoader* m_loader = nullptr;
    HistoryModel* m_model = nullptr;
    QSortFilterProxyModel* m_proxy = nullptr;
    QTableView* m_view = nullptr;
    QAction* m_refreshAction = nullptr;
    QComboBox* m_typeFilter = nullptr;
    QLabel* m_status = nullptr;
};

} // namespace awb::ui
