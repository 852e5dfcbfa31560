#pragma once

#include "database/store.h"

#include <QMainWindow>

#include <memory>

class QLabel;
class QListWidget;
class QMenu;
class QStackedWidget;

namespace awb::ui {

class ComparePage;
class DevicePage;
class FrontierPage;
class HistoryPage;
class LivePage;
class ModelsPage;
class ProfilePage;
class RunPage;

// The workbench window: File menu (New, Open, Open Recent, Quit), a sidebar that switches
// pages, and a status bar naming the open store. It owns the open Store; pages get the path
// and open their own connections on their worker threads.
// Opening a store that is refused keeps the previous one open and emits storeOpenFailed()
// with the store's one-line reason; the message box is shown only when `interactive`.
class MainWindow : public QMainWindow {
    Q_OBJECT
    Q_PROPERTY(bool interactive READ isInteractive WRITE setInteractive)

public:
    static constexpr int kMaxRecentFiles = 8;

    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    bool isInteractive() const { return m_interactive; }
    // First start: a store opened with no profile session at all gets the shipped zoo profiled on
    // the Profile page (auto backend and caps; progress bar and Cancel there), then the Live page
    // opens ready to Start. Off by default; the application turns it on.
    void setProfileUnprofiledStores(bool enabled) { m_profileUnprofiled = enabled; }
    void setInteractive(bool interactive) { m_interactive = interactive; }

    // Empty when no store is open.
    QString storePath() const;
    int schemaVersion() const;
    // Most recent first; files that no longer exist are dropped (and forgotten).
    QStringList recentFiles() const;

    HistoryPage* historyPage() const { return m_historyPage; }
    DevicePage* devicePage() const { return m_devicePage; }
    ModelsPage* modelsPage() const { return m_modelsPage; }
    FrontierPage* frontierPage() const { return m_frontierPage; }
    ProfilePage* profilePage() const { return m_profilePage; }
    LivePage* livePage() const { return m_livePage; }
    RunPage* runPage() const { return m_runPage; }
    ComparePage* comparePage() const { return m_comparePage; }
    QStackedWidget* pages() const { return m_pages; }
    QListWidget* pageList() const { return m_pageList; }

public Q_SLOTS:
    // Both return whether `path` is now the open store.
    bool openStore(const QString& path);
    // Refuses a path that exists already: File ▸ New never opens old data by surprise.
    bool createStore(const QString& path);

Q_SIGNALS:
    void storeOpened(const QString& path);
    void storeOpenFailed(const QString& message);
    void firstProfileStarted(qint64 sessionId);
    void firstProfileFinished(qint64 sessionId, bool cancelled);

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void buildMenus();
    void addPage(QWidget* page, const QString& title);
    void chooseNewStore();
    void chooseStoreToOpen();
    void rebuildRecentMenu();
    void rememberRecent(const QString& path);
    void refuse(const QString& message);
    void showAbout();
    void updateStatus();
    void startFirstProfile();

    std::unique_ptr<db::Store> m_store;
    bool m_interactive = true;
    bool m_profileUnprofiled = false;
    bool m_firstProfilePending = false; // the open store has no profile session yet
    bool m_firstProfileStarting = false;
    qint64 m_firstProfileSession = 0;
    QListWidget* m_pageList = nullptr;
    QStackedWidget* m_pages = nullptr;
    HistoryPage* m_historyPage = nullptr;
    DevicePage* m_devicePage = nullptr;
    ModelsPage* m_modelsPage = nullptr;
    FrontierPage* m_frontierPage = nullptr;
    ProfilePage* m_profilePage = nullptr;
    LivePage* m_livePage = nullptr;
    RunPage* m_runPage = nullptr;
    ComparePage* m_comparePage = nullptr;
    QMenu* m_recentMenu = nullptr;
    QLabel* m_storeLabel = nullptr;
};

} // namespace awb::ui
