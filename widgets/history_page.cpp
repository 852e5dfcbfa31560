#include "widgets/history_page.h"

#include "widgets/history_model.h"

#include <QAction>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QRegularExpression>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

namespace awb::ui {

HistoryPage::HistoryPage(QWidget* parent)
    : QWidget(parent)
    , m_loader(new HistoryLoader(this))
    , m_model(new HistoryModel(this))
    , m_proxy(new QSortFilterProxyModel(this))
    , m_view(new QTableView(this))
    , m_refreshAction(new QAction(QStringLiteral("&Refresh"), this))
    , m_typeFilter(new QComboBox(this))
    , m_status(new QLabel(this))
{
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(HistoryModel::SortRole);
    m_proxy->setFilterRole(HistoryModel::KindRole);
    m_proxy->setFilterKeyColumn(HistoryModel::TypeColumn);

    m_view->setObjectName(QStringLiteral("historyTable"));
    m_view->setModel(m_proxy);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(HistoryModel::StartedColumn, Qt::DescendingOrder);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setAlternatingRowColors(true);
    m_view->verticalHeader()->hide();
    m_view->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_view->horizontalHeader()->setStretchLastSection(true);

    m_refreshAction->setShortcut(QKeySequence::Refresh);
    m_refreshAction->setToolTip(QStringLiteral("Read the sessions and runs of the store again"));
    m_refreshAction->setEnabled(false);
    connect(m_refreshAction, &QAction::triggered, this, &HistoryPage::refresh);
    addAction(m_refreshAction);

    m_typeFilter->addItem(QStringLiteral("Sessions and runs"), QString());
    m_typeFilter->addItem(QStringLiteral("Profile sessions"), QStringLiteral("profile"));
    m_typeFilter->addItem(QStringLiteral("Runs"), QStringLiteral("run"));
    connect(m_typeFilter, &QComboBox::currentIndexChanged, this, &HistoryPage::applyTypeFilter);

    auto* refreshButton = new QToolButton(this);
    refreshButton->setDefaultAction(m_refreshAction);
    m_status->setObjectName(QStringLiteral("historyStatus"));
    m_status->setText(QStringLiteral("No store open"));

    auto* toolbar = new QHBoxLayout;
    toolbar->addWidget(new QLabel(QStringLiteral("Show:"), this));
    toolbar->addWidget(m_typeFilter);
    toolbar->addWidget(refreshButton);
    toolbar->addWidget(m_status, 1);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(toolbar);
    layout->addWidget(m_view, 1);

    m_view->setToolTip(QStringLiteral("Double-click a profile session to see its frontiers"));
    connect(m_view, &QTableView::activated, this, &HistoryPage::activateRow);

    connect(m_loader, &HistoryLoader::loaded, this, &HistoryPage::applySnapshot);
    connect(m_loader, &HistoryLoader::loadFailed, this, &HistoryPage::showFailure);
}

void HistoryPage::setStorePath(const QString& storePath)
{
    m_storePath = storePath;
    m_refreshAction->setEnabled(!storePath.isEmpty());
    if (storePath.isEmpty()) {
        m_loader->cancel();
        m_model->clear();
        m_status->setText(QStringLiteral("No store open"));
        return;
    }
    // The previous store's rows must not linger under the new store's name.
    m_model->clear();
    refresh();
}

bool HistoryPage::isLoading() const { return m_loader->isLoading(); }

QString HistoryPage::statusText() const { return m_status->text(); }

void HistoryPage::refresh()
{
    if (m_storePath.isEmpty())
        return;
    m_status->setText(QStringLiteral("Loading…"));
    m_loader->load(m_storePath);
}

void HistoryPage::applySnapshot(const std::shared_ptr<const HistorySnapshot>& snapshot)
{
    if (snapshot->storePath != m_storePath)
        return; // cannot happen while the loader drops superseded jobs; kept as a guard
    m_model->setHistory(snapshot->sessions, snapshot->runs);
    m_status->setText(
        QStringLiteral("%1 profile sessions, %2 runs").arg(m_model->sessionCount()).arg(m_model->runCount()));
    Q_EMIT historyLoaded(m_model->sessionCount(), m_model->runCount());
}

void HistoryPage::showFailure(const QString& storePath, const QString& message)
{
    if (storePath != m_storePath)
        return;
    m_model->clear();
    m_status->setText(QStringLiteral("Could not load the history: %1").arg(message));
    Q_EMIT historyLoadFailed(message);
}

void HistoryPage::applyTypeFilter(int comboIndex)
{
    const QString kind = m_typeFilter->itemData(comboIndex).toString();
    m_proxy->setFilterRegularExpression(
        kind.isEmpty() ? QRegularExpression() : QRegularExpression(QRegularExpression::anchoredPattern(kind)));
}

void HistoryPage::activateRow(const QModelIndex& proxyIndex)
{
    if (!proxyIndex.isValid())
        return;
    const QString kind = proxyIndex.data(HistoryModel::KindRole).toString();
    const qint64 id = proxyIndex.data(HistoryModel::RecordIdRole).toLongLong();
    if (kind == QLatin1String("profile"))
        Q_EMIT profileSessionActivated(id);
    else if (kind == QLatin1String("run"))
        Q_EMIT runActivated(id);
}

} // namespace awb::ui
