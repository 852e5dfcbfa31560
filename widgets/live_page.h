#pragma once

#include "database/live_run.h"
#include "widgets/run_chart_data.h"

#include <QString>
#include <QTimer>
#include <QWidget>

#include <vector>

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;

namespace awb::ui {

class LiveRunRunner;
class RunChartsView;

// The Live page: set the goals, the scenario, the controller, the co-runner schedule and the
// number of inputs; Start and Stop a run; change the goals while it runs; and watch the
// controller think. Steps arrive in batches from LiveRunRunner (every step, through a bounded
// ring) into a RunChartData; a coalescing timer (~30 Hz) redraws the charts only when something
// arrived, never per point. The counters follow the newest step. Every number from the emulated
// backend is labelled so.
// Threading: GUI thread; the run itself is on the runner's thread.
class LivePage : public QWidget {
    Q_OBJECT

public:
    explicit LivePage(QWidget* parent = nullptr);
    ~LivePage() override;

    void setStorePath(const QString& storePath);
    // A line for the status area when no run is going (e.g. "the zoo is profiled: press Start").
    void setHint(const QString& hint);

    // The run the form describes; false with `error` set (one line) when the form is incomplete.
    bool buildRequest(db::LiveRunRequest* request, QString* error) const;
    // The goals the form describes.
    core::Goals formGoals() const;

    // Start as the button does; false (and the reason in statusText()) when refused at once.
    bool start();
    void stop();
    // Sends the form's goals to the running loop, as "Apply Goals" does.
    bool applyGoals();
    bool isRunning() const;

    RunChartsView* charts() const { return m_charts; }
    const RunChartData& data() const { return m_data; }
    LiveRunRunner* runner() const { return m_runner; }
    QString statusText() const;
    QString countersText() const;
    qint64 lastRunId() const { return m_runId; }
    // How many times the charts were redrawn (tests, the responsiveness benchmark).
    int redrawCount() const { return m_redraws; }
    void setRedrawInterval(int milliseconds) { m_redraw.setInterval(milliseconds); }

    // Form access for tests and the first-run demo.
    QComboBox* controllerBox() const { return m_controller; }
    QComboBox* goalModeBox() const { return m_goalMode; }
    QDoubleSpinBox* deadlineBox() const { return m_deadlineMs; }
    QDoubleSpinBox* budgetBox() const { return m_budgetJ; }
    QDoubleSpinBox* accuracyBox() const { return m_accuracyPercent; }
    QComboBox* scenarioBox() const { return m_scenario; }
    QDoubleSpinBox* rateBox() const { return m_rate; }
    QSpinBox* inputsBox() const { return m_inputs; }
    QLineEdit* contentionEdit() const { return m_contention; }

Q_SIGNALS:
    void runStarted(qint64 runId);
    // The run ended (complete or stopped) or failed; the History page lists it either way.
    void runEnded(qint64 runId);

private:
    void onStarted(const db::LiveRunStart& start);
    void onSteps(const std::vector<core::LiveProgress>& steps, quint64 lost);
    void onFinished(const db::LiveRunResult& result);
    void onFailed(const QString& message);
    void redraw();
    void updateCounters();
    void updateGoalFields();
    void setRunning(bool running);
    void chooseExport();

    QString m_storePath;
    LiveRunRunner* m_runner = nullptr;
    RunChartData m_data;
    QTimer m_redraw;
    bool m_dirty = false;
    int m_redraws = 0;
    qint64 m_runId = 0;
    bool m_emulated = false; // the run's backend models its power
    QString m_runName;

    QComboBox* m_controller = nullptr;
    QComboBox* m_goalMode = nullptr;
    QDoubleSpinBox* m_deadlineMs = nullptr;
    QDoubleSpinBox* m_budgetJ = nullptr;
    QDoubleSpinBox* m_accuracyPercent = nullptr;
    QComboBox* m_scenario = nullptr;
    QDoubleSpinBox* m_rate = nullptr;
    QSpinBox* m_inputs = nullptr;
    QLineEdit* m_contention = nullptr;
    QPushButton* m_start = nullptr;
    QPushButton* m_stop = nullptr;
    QPushButton* m_applyGoals = nullptr;
    QPushButton* m_export = nullptr;
    QLabel* m_banner = nullptr;
    QLabel* m_status = nullptr;
    QLabel* m_counters = nullptr;
    RunChartsView* m_charts = nullptr;
};

} // namespace awb::ui
