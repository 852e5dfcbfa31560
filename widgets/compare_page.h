#pragma once

#include "core/control/contention_spec.h"
#include "database/comparison.h"

#include <QString>
#include <QWidget>

#include <optional>

class QBarSeries;
class QChart;
class QChartView;
class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSortFilterProxyModel;
class QSpinBox;
class QTableView;

namespace awb::ui {

class ComparisonRunner;
class ComparisonTableModel;
class StoreReader;

// The Compare page: replays ALERT and its baselines (db::runComparison, what `alertwb-cli
// evaluate` runs) against one complete profile session in the environments the user ticks —
// alone, memory-bound and compute-bound co-runner for the whole run, and the slowdown a finished
// live run met — off the GUI thread with progress and Cancel. It shows two grouped bar charts
// (energy and error per input, each divided by the Static Oracle's in the same goal setting and
// averaged over the grid; one bar set per controller, one category per environment, a line at
// 1) and a sortable table, and exports each chart as PNG or SVG and the table like
// `alertwb-cli export`. An emulated profile says so in a banner, the chart titles and the
// table's energy headers. A cancelled run shows no result at all.
class ComparePage : public QWidget {
    Q_OBJECT

public:
    enum class Chart { Energy, Error };

    explicit ComparePage(QWidget* parent = nullptr);
    ~ComparePage() override;

    // Clears the page (cancelling a comparison in flight) and lists the complete profile
    // sessions and finished live runs of `storePath` off the GUI thread (choicesLoaded()).
    void setStorePath(const QString& storePath);
    QString storePath() const { return m_storePath; }
    bool isLoading() const;
    bool isRunning() const;

    // The request the form describes; nullopt with lastError() set when it cannot be run
    // (no store, no complete session, no environment ticked, a malformed goal grid).
    std::optional<db::ComparisonRequest> request();
    // Starts the comparison; false with lastError() shown in the page when refused.
    bool startComparison();
    void cancelComparison();

    // The last finished comparison; nullopt while none is shown (before, running, cancelled,
    // failed).
    const std::optional<db::ComparisonResult>& result() const { return m_result; }

    // Each writes through a temporary file renamed over the target, so a refused export leaves
    // the old file untouched; false with lastError() set on failure or when nothing is shown.
    bool exportChartPng(Chart which, const QString& path);
    bool exportChartSvg(Chart which, const QString& path);
    // The format comes from the suffix: .csv, .json, .md or .tex.
    bool exportTable(const QString& path);
    QString lastError() const { return m_lastError; }

    QChart* chart(Chart which) const;
    QChartView* chartView(Chart which) const;
    // The chart's bars, one QBarSet per controller; null while no result is shown.
    QBarSeries* barSeries(Chart which) const;
    ComparisonTableModel* tableModel() const { return m_model; }
    QTableView* tableView() const { return m_table; }
    QComboBox* sessionChooser() const { return m_session; }
    QLineEdit* goalGridEdit() const { return m_goals; }
    QSpinBox* inputsSpin() const { return m_inputs; }
    QCheckBox* environmentCheck(core::ContentionKind kind) const;
    QCheckBox* recordedRunCheck() const { return m_recordedRun; }
    QComboBox* runChooser() const { return m_run; }
    QCheckBox* ablationsCheck() const { return m_ablations; }
    QPushButton* runButton() const { return m_runButton; }
    QPushButton* cancelButton() const { return m_cancelButton; }
    QProgressBar* progressBar() const { return m_progress; }
    QLabel* messageLabel() const { return m_message; }
    QLabel* emulatedBanner() const { return m_banner; }

public Q_SLOTS:
    // Lists the store's sessions and runs again (e.g. after a sweep), keeping the choices.
    void refreshChoices();

Q_SIGNALS:
    // The store's complete sessions and finished runs are listed in the choosers.
    void choicesLoaded(int sessionCount, int runCount);
    void comparisonStarted();
    void comparisonProgressed(int settingsDone, int settingsTotal);
    void comparisonFinished();
    void comparisonCancelled();
    void comparisonFailed(const QString& message);

private:
    QWidget* buildForm();
    QWidget* buildResults();
    void loadChoices();
    void onProgress(int settingsDone, int settingsTotal, const QString& message);
    void onFinished(const db::ComparisonResult& result);
    void onCancelled();
    void onFailed(const QString& message);
    void present(const db::ComparisonResult& result);
    void clearResult();
    void setRunning(bool running);
    void showMessage(const QString& text, bool error);
    bool refuse(const QString& message); // sets lastError, shows it, returns false
    void chooseExport(Chart which);
    void chooseTableExport();

    QString m_storePath;
    QString m_runStorePath; // the store the comparison in flight reads; its result is dropped when it changed
    QString m_lastError;
    std::optional<db::ComparisonResult> m_result;
    StoreReader* m_reader = nullptr;
    ComparisonRunner* m_runner = nullptr;
    ComparisonTableModel* m_model = nullptr;
    QSortFilterProxyModel* m_sorted = nullptr;

    QComboBox* m_session = nullptr;
    QLineEdit* m_goals = nullptr;
    QSpinBox* m_inputs = nullptr;
    QCheckBox* m_alone = nullptr;
    QCheckBox* m_memory = nullptr;
    QCheckBox* m_compute = nullptr;
    QCheckBox* m_recordedRun = nullptr;
    QComboBox* m_run = nullptr;
    QCheckBox* m_ablations = nullptr;
    QPushButton* m_runButton = nullptr;
    QPushButton* m_cancelButton = nullptr;
    QPushButton* m_exportButton = nullptr;
    QProgressBar* m_progress = nullptr;
    QLabel* m_message = nullptr;
    QLabel* m_banner = nullptr;
    QChartView* m_energyView = nullptr;
    QChartView* m_errorView = nullptr;
    QTableView* m_table = nullptr;
};

} // namespace awb::ui
