#include "widgets/main_window.h"

#include "database/repositories.h"

#include "widgets/compare_page.h"
#include "widgets/device_page.h"
#include "widgets/frontier_page.h"
#include "widgets/history_page.h"
#include "widgets/live_page.h"
#include "widgets/models_page.h"
#include "widgets/profile_page.h"
#include "widgets/run_page.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QStackedWidget>
#include <QStatusBar>

#include <exception>

namespace awb::ui {

namespace {

    const QString kRecentFilesKey = QStringLiteral("recentFiles");
    const QString kGeometryKey = QStringLiteral("mainWindow/geometry");
    const QString kStateKey = QStringLiteral("mainWindow/state");
    const QString kPageKey = QStringLiteral("mainWindow/page");
    const QString kStoreFilter = QStringLiteral("Workbench stores (*.sqlite);;All files (*)");

} // namespace

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent)
    , m_pageList(new QListWidget(this))
    , m_pages(new QStackedWidget(this))
    , m_historyPage(new HistoryPage(this))
    , m_devicePage(new DevicePage(this))
    , m_modelsPage(new ModelsPage(this))
    , m_frontierPage(new FrontierPage(this))
    , m_profilePage(new ProfilePage(this))
    , m_livePage(new LivePage(this))
    , m_runPage(new RunPage(this))
    , m_comparePage(new ComparePage(this))
    , m_storeLabel(new QLabel(this))
{
    setWindowTitle(QStringLiteral("ALERT Workbench"));

    m_pageList->setObjectName(QStringLiteral("pageList"));
    m_pageList->setSelectionMode(QAbstractItemView::SingleSelection);
    m_pageList->setMaximumWidth(160);
    addPage(m_historyPage, QStringLiteral("History"));
    addPage(m_frontierPage, QStringLiteral("Frontier"));
    addPage(m_devicePage, QStringLiteral("Device"));
    addPage(m_modelsPage, QStringLiteral("Models"));
    addPage(m_profilePage, QStringLiteral("Profile"));
    addPage(m_livePage, QStringLiteral("Live"));
    addPage(m_runPage, QStringLiteral("Runs"));
    addPage(m_comparePage, QStringLiteral("Compare"));
    connect(m_pageList, &QListWidget::currentRowChanged, m_pages, &QStackedWidget::setCurrentIndex);
    // A session opened from History shows on the Profile and Frontier pages at once.
    connect(m_historyPage, &HistoryPage::profileSessionActivated, this, [this](qint64 sessionId) {
        m_profilePage->showSession(sessionId);
        m_frontierPage->showSession(sessionId);
        m_pageList->setCurrentRow(m_pages->indexOf(m_frontierPage));
    });
    // A sweep's session shows on the Frontier page when it starts and, with every cell, when it
    // ends; the History page then lists it.
    connect(m_profilePage, &ProfilePage::sweepStarted, m_frontierPage, &FrontierPage::showSession);
    connect(m_profilePage, &ProfilePage::sweepFinished, this, [this](qint64 sessionId) {
        m_frontierPage->showSession(sessionId);
        m_historyPage->refresh();
    });
    connect(m_profilePage, &ProfilePage::sweepFailed, m_historyPage, &HistoryPage::refresh);
    // First start: the Profile page's form is filled once the shipped zoo is in the store.
    connect(m_profilePage, &ProfilePage::stateLoaded, this, &MainWindow::startFirstProfile);
    connect(m_profilePage, &ProfilePage::sweepStarted, this, [this](qint64 sessionId) {
        if (!m_firstProfileStarting)
            return;
        m_firstProfileStarting = false;
        m_firstProfileSession = sessionId;
        statusBar()->showMessage(QStringLiteral("First start: profiling the shipped zoo so the controller has "
                                                "configurations to choose from (about a minute)"),
            60'000);
        Q_EMIT firstProfileStarted(sessionId);
    });
    connect(m_profilePage, &ProfilePage::sweepFinished, this, [this](qint64 sessionId, bool cancelled) {
        if (sessionId == 0 || sessionId != m_firstProfileSession)
            return;
        m_firstProfileSession = 0;
        if (!cancelled) {
            m_livePage->setHint(QStringLiteral("The shipped zoo is profiled (session %1, every configuration the "
                                               "controller can choose). Press Start to run ALERT against a "
                                               "workload with co-runners.")
                                    .arg(sessionId));
            m_pageList->setCurrentRow(m_pages->indexOf(m_livePage));
        }
        Q_EMIT firstProfileFinished(sessionId, cancelled);
    });
    // A run opened from History shows on the Runs page; a live run, once over, is listed on both.
    connect(m_historyPage, &HistoryPage::runActivated, this, [this](qint64 runId) {
        m_runPage->showRun(runId);
        m_pageList->setCurrentRow(m_pages->indexOf(m_runPage));
    });
    connect(m_livePage, &LivePage::runEnded, this, [this] {
        m_historyPage->refresh();
        m_runPage->refreshRuns();
        m_comparePage->refreshChoices(); // its slowdown is an environment to compare in
    });
    // A finished sweep is a new session to compare on.
    connect(m_profilePage, &ProfilePage::sweepFinished, m_comparePage, &ComparePage::refreshChoices);
    connect(m_modelsPage, &ModelsPage::modelsLoaded, m_profilePage, &ProfilePage::reloadModels);
    // Selection crosses pages by cell id; each page emits only on a change, so this stops.
    connect(m_profilePage, &ProfilePage::cellSelected, m_frontierPage, &FrontierPage::selectCell);
    connect(m_frontierPage, &FrontierPage::cellSelected, m_profilePage, &ProfilePage::selectCell);

    auto* central = new QWidget(this);
    auto* layout = new QHBoxLayout(central);
    layout->addWidget(m_pageList);
    layout->addWidget(m_pages, 1);
    setCentralWidget(central);

    m_storeLabel->setObjectName(QStringLiteral("storeStatusLabel"));
    statusBar()->addPermanentWidget(m_storeLabel, 1);
    updateStatus();
    buildMenus();

    const QSettings settings;
    if (!restoreGeometry(settings.value(kGeometryKey).toByteArray()))
        resize(1100, 700);
    restoreState(settings.value(kStateKey).toByteArray());
    const int page = settings.value(kPageKey, 0).toInt();
    m_pageList->setCurrentRow(page >= 0 && page < m_pages->count() ? page : 0);
}

MainWindow::~MainWindow() = default;

void MainWindow::addPage(QWidget* page, const QString& title)
{
    m_pages->addWidget(page);
    m_pageList->addItem(title);
}

void MainWindow::buildMenus()
{
    QMenu* file = menuBar()->addMenu(QStringLiteral("&File"));
    QAction* newAction = file->addAction(QStringLiteral("&New Store…"), this, &MainWindow::chooseNewStore);
    newAction->setShortcut(QKeySequence::New);
    QAction* openAction = file->addAction(QStringLiteral("&Open Store…"), this, &MainWindow::chooseStoreToOpen);
    openAction->setShortcut(QKeySequence::Open);
    m_recentMenu = file->addMenu(QStringLiteral("Open &Recent"));
    // Rebuilt whenever it opens, so files deleted meanwhile disappear from it.
    connect(m_recentMenu, &QMenu::aboutToShow, this, &MainWindow::rebuildRecentMenu);
    rebuildRecentMenu();
    file->addSeparator();
    file->addAction(m_modelsPage->importAction());
    file->addAction(m_modelsPage->trainAction());
    file->addSeparator();
    QAction* quitAction = file->addAction(QStringLiteral("&Quit"), this, &QWidget::close);
    quitAction->setShortcut(QKeySequence::Quit);

    QMenu* view = menuBar()->addMenu(QStringLiteral("&View"));
    view->addAction(m_historyPage->refreshAction());
    view->addAction(m_modelsPage->refreshAction());

    QMenu* help = menuBar()->addMenu(QStringLiteral("&Help"));
    help->addAction(QStringLiteral("&About ALERT Workbench"), this, &MainWindow::showAbout);
    help->addAction(QStringLiteral("About &Qt"), qApp, &QApplication::aboutQt);
}

QString MainWindow::storePath() const { return m_store ? QString::fromStdString(m_store->path().string()) : QString(); }

int MainWindow::schemaVersion() const { return m_store ? m_store->schemaVersion() : 0; }

bool MainWindow::openStore(const QString& path)
{
    const QString absolute = QFileInfo(path).absoluteFilePath();
    try {
        // Assigned only once open() succeeded: a refused file leaves the previous store open.
        m_store = std::make_unique<db::Store>(db::Store::open(absolute.toStdString()));
    } catch (const std::exception& error) {
        refuse(QString::fromStdString(error.what()));
        return false;
    }
    const QString opened = storePath();
    rememberRecent(opened);
    updateStatus();
    m_historyPage->setStorePath(opened);
    m_frontierPage->setStorePath(opened);
    m_devicePage->setStore(opened, schemaVersion());
    m_modelsPage->setStorePath(opened);
    m_profilePage->setStorePath(opened);
    m_livePage->setStorePath(opened);
    m_runPage->setStorePath(opened);
    m_firstProfilePending = m_profileUnprofiled && db::summarize(*m_store).profileSessions == 0;
    m_comparePage->setStorePath(opened);
    Q_EMIT storeOpened(opened);
    return true;
}

bool MainWindow::createStore(const QString& path)
{
    if (QFileInfo::exists(path)) {
        refuse(QStringLiteral("%1 already exists; use File ▸ Open Store to open it")
                   .arg(QFileInfo(path).absoluteFilePath()));
        return false;
    }
    return openStore(path);
}

void MainWindow::startFirstProfile()
{
    if (!m_firstProfilePending || m_profilePage->isSweeping() || m_profilePage->modelList()->count() == 0)
        return; // not asked for, or the shipped zoo is not in the store yet (the next load has it)
    m_firstProfilePending = false;
    m_pageList->setCurrentRow(m_pages->indexOf(m_profilePage));
    m_firstProfileStarting = true; // the sweepStarted that follows is this sweep's
    if (!m_profilePage->startSweep())
        m_firstProfileStarting = false;
}

void MainWindow::refuse(const QString& message)
{
    Q_EMIT storeOpenFailed(message);
    if (m_interactive)
        QMessageBox::warning(this, QStringLiteral("Cannot open store"), message);
}

QStringList MainWindow::recentFiles() const
{
    QSettings settings;
    const QStringList stored = settings.value(kRecentFilesKey).toStringList();
    QStringList kept;
    for (const QString& file : stored) {
        if (kept.size() < kMaxRecentFiles && !kept.contains(file) && QFileInfo(file).isFile())
            kept.append(file);
    }
    if (kept != stored)
        settings.setValue(kRecentFilesKey, kept);
    return kept;
}

void MainWindow::rememberRecent(const QString& path)
{
    QStringList files = recentFiles();
    files.removeAll(path);
    files.prepend(path);
    while (files.size() > kMaxRecentFiles)
        files.removeLast();
    QSettings().setValue(kRecentFilesKey, files);
    rebuildRecentMenu();
}

void MainWindow::rebuildRecentMenu()
{
    m_recentMenu->clear();
    const QStringList files = recentFiles();
    for (int i = 0; i < files.size(); ++i) {
        const QString file = files.at(i);
        QAction* action = m_recentMenu->addAction(QStringLiteral("&%1 %2").arg(i + 1).arg(QFileInfo(file).fileName()),
            this, [this, file] { openStore(file); });
        action->setToolTip(file);
        action->setStatusTip(file);
    }
    if (files.isEmpty()) {
        m_recentMenu->addAction(QStringLiteral("No recent stores"))->setEnabled(false);
        return;
    }
    m_recentMenu->addSeparator();
    m_recentMenu->addAction(QStringLiteral("Clear List"), this, [this] {
        QSettings().remove(kRecentFilesKey);
        rebuildRecentMenu();
    });
}

void MainWindow::chooseNewStore()
{
    const QString folder = m_store ? QFileInfo(storePath()).absolutePath()
                                   : QString::fromStdString(db::Store::defaultPath().parent_path().string());
    QString path = QFileDialog::getSaveFileName(
        this, QStringLiteral("New Store"), folder, kStoreFilter, nullptr, QFileDialog::DontConfirmOverwrite);
    if (path.isEmpty())
        return;
    if (QFileInfo(path).suffix().isEmpty())
        path += QStringLiteral(".sqlite");
    createStore(path);
}

void MainWindow::chooseStoreToOpen()
{
    const QString folder = m_store ? QFileInfo(storePath()).absolutePath()
                                   : QString::fromStdString(db::Store::defaultPath().parent_path().string());
    const QString path = QFileDialog::getOpenFileName(this, QStringLiteral("Open Store"), folder, kStoreFilter);
    if (!path.isEmpty())
        openStore(path);
}

void MainWindow::showAbout()
{
    QMessageBox::about(this, QStringLiteral("About ALERT Workbench"),
        QStringLiteral("<p><b>ALERT Workbench</b> — alertwb " AWB_VERSION "</p>"
                       "<p>Profiles DNNs across power caps and runs the ALERT controller against "
                       "accuracy, latency and energy goals.</p>"));
}

void MainWindow::updateStatus()
{
    if (!m_store) {
        m_storeLabel->setText(QStringLiteral("No store open"));
        setWindowTitle(QStringLiteral("ALERT Workbench"));
        return;
    }
    const QString path = storePath();
    m_storeLabel->setText(QStringLiteral("Store: %1 · schema version %2").arg(path).arg(schemaVersion()));
    setWindowTitle(QFileInfo(path).fileName() % QStringLiteral(" — ALERT Workbench"));
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    QSettings settings;
    settings.setValue(kGeometryKey, saveGeometry());
    settings.setValue(kStateKey, saveState());
    settings.setValue(kPageKey, m_pages->currentIndex());
    QMainWindow::closeEvent(event);
}

} // namespace awb::ui
