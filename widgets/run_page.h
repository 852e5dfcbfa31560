#pragma once

#include "widgets/stored_run_chart.h"

#include <QString>
#include <QWidget>

#include <optional>

class QComboBox;
class QLabel;
class QPushButton;

namespace awb::ui {

class RunChartsView;
class StoreReader;

// The Runs page: a finished (or stopped) run from the store in the same charts as the Live page,
// with a second run overlaid on it when chosen — e.g. ALERT against App-only on the same
// workload and co-runner schedule. Runs are read off the GUI thread (StoreReader), the run and
// its overlay each by a reader of its own so neither load supersedes the other.
// Threading: GUI thread.
class RunPage : public QWidget {
    Q_OBJECT

public:
    explicit RunPage(QWidget* parent = nullptr);
    ~RunPage() override;

    void setStorePath(const QString& storePath);
    // Lists the store's runs again (e.g. after a live run ended).
    void refreshRuns();
    void showRun(qint64 runId);
    // 0: no overlay.
    void setOverlay(qint64 runId);
    // Overlays what `controller` would have done on the slowdown the shown run met, replayed
    // input by input against its profile and goals (replayStoredRun).
    void setReplayOverlay(const QString& controller);

    qint64 runId() const { return m_run ? m_run->run.id : 0; }
    qint64 overlayRunId() const { return m_overlay ? m_overlay->run.id : 0; }
    RunChartsView* charts() const { return m_charts; }
    QString titleText() const;
    QString countersText() const;
    QString statusText() const;
    QComboBox* runBox() const { return m_runBox; }
    QComboBox* overlayBox() const { return m_overlayBox; }

Q_SIGNALS:
    void runsListed(int count);
    void runShown(qint64 runId);
    void overlayShown(qint64 runId);
    void loadFailed(const QString& message);

private:
    void redraw();
    void updateCounters();
    void chooseExport();
    void selectInBoxes();

    QString m_storePath;
    StoreReader* m_listReader = nullptr;
    StoreReader* m_runReader = nullptr;
    StoreReader* m_overlayReader = nullptr;
    std::optional<StoredRunChart> m_run;
    std::optional<StoredRunChart> m_overlay;
    qint64 m_wantedRun = 0;
    qint64 m_wantedOverlay = 0;
    QString m_wantedReplay; // the controller of a replay overlay; empty: none
    bool m_listing = false; // combo boxes being refilled: their signals are not the user's

    QComboBox* m_runBox = nullptr;
    QComboBox* m_overlayBox = nullptr;
    QPushButton* m_export = nullptr;
    QLabel* m_title = nullptr;
    QLabel* m_banner = nullptr;
    QLabel* m_counters = nullptr;
    QLabel* m_status = nullptr;
    RunChartsView* m_charts = nullptr;
};

} // namespace awb::ui
