#pragma once

#include "core/power/backend_probe.h"
#include "core/records/model_record.h"
#include "core/records/profile_record.h"
#include "database/profile_sweep.h"

#include <QWidget>

#include <map>
#include <vector>

class QComboBox;
class QGroupBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTableView;

namespace awb::ui {

class ProfileCellsFilter;
class ProfileCellsModel;
class ProfileSweepRunner;
class StoreReader;
struct ProfilePageState;
struct ProfileSessionCells;

// The Profile page: choose models, a power backend (its capability shown: real or emulated,
// and why a real one is unavailable), caps (auto or a list), warm-up, replicates and accuracy
// images; Start sweeps them off the GUI thread (db::runProfileSweep, the CLI's code) with a
// progress bar, the current cell, an ETA and Cancel (caps restored, finished cells kept); Resume
// finishes an unfinished session. Below, one session's cells: sortable, filterable by model,
// output and cap, noisy cells marked, exported like `alertwb-cli export --table profiles`.
// Selection crosses pages by cell id (cellSelected out, selectCell in), like the Frontier page.
class ProfilePage : public QWidget {
    Q_OBJECT

public:
    explicit ProfilePage(QWidget* parent = nullptr);
    ~ProfilePage() override; // a running sweep is cancelled and its caps restored first

    // Clears the page and reads the store's models and unfinished sessions.
    void setStorePath(const QString& storePath);
    QString storePath() const { return m_storePath; }
    // Reads the models and unfinished sessions again (after a training or an import).
    void reloadModels() { loadState(); }
    // Shows this session's cells in the table.
    void showSession(qint64 sessionId);
    qint64 sessionId() const { return m_sessionId; }

    // What the form asks for now; throws db::ProfileSweepError for unusable caps or no model.
    db::ProfileSweepRequest request() const;
    // Start / Resume / Cancel, as the buttons do. False when refused (the message shows why).
    bool startSweep();
    bool resumeSweep();
    void cancelSweep();
    bool isSweeping() const;
    // Writes the shown session like `alertwb-cli export --table profiles --session N`;
    // format: csv | json | markdown | latex. Reports through exported / exportFailed.
    void exportTo(const QString& path, const QString& format);

    void selectCell(qint64 cellId);
    qint64 selectedCellId() const; // 0 when none

    QListWidget* modelList() const { return m_models; }
    QComboBox* backendCombo() const { return m_backend; }
    QLabel* backendCapability() const { return m_backendCapability; }
    QLineEdit* capsEdit() const { return m_caps; }
    QSpinBox* warmupSpin() const { return m_warmup; }
    QSpinBox* replicatesSpin() const { return m_replicates; }
    QSpinBox* evalSamplesSpin() const { return m_evalSamples; }
    QPushButton* startButton() const { return m_start; }
    QPushButton* cancelButton() const { return m_cancel; }
    QPushButton* resumeButton() const { return m_resume; }
    QComboBox* unfinishedCombo() const { return m_unfinished; }
    QProgressBar* progressBar() const { return m_progress; }
    QLabel* currentCellLabel() const { return m_currentCell; }
    QLabel* etaLabel() const { return m_eta; }
    QLabel* messageLabel() const { return m_message; }
    QLabel* sessionLabel() const { return m_sessionLabel; }
    QComboBox* modelFilter() const { return m_modelFilter; }
    QComboBox* outputFilter() const { return m_outputFilter; }
    QComboBox* capFilter() const { return m_capFilter; }
    QPushButton* exportButton() const { return m_export; }
    QTableView* table() const { return m_table; }
    ProfileCellsModel* cellsModel() const { return m_cellsModel; }
    ProfileCellsFilter* cellsFilter() const { return m_cellsFilter; }

Q_SIGNALS:
    void stateLoaded(); // models, backends and unfinished sessions are in the form
    void sessionLoaded(qint64 sessionId);
    void sweepStarted(qint64 sessionId);
    void sweepFinished(qint64 sessionId, bool cancelled);
    void sweepFailed(const QString& message);
    void exported(const QString& path);
    void exportFailed(const QString& message);
    void cellSelected(qint64 cellId);

private:
    QGroupBox* buildSweepBox();
    QGroupBox* buildResultsBox();
    void loadState();
    void applyState(const ProfilePageState& state);
    void applySession(const ProfileSessionCells& session);
    void updateBackendCapability();
    void updateButtons();
    void rebuildFilters();
    void applyFilters();
    void showMessage(const QString& text, bool error);
    void onSweepStarted(const db::ProfileSweepStart& start);
    void onCellMeasured(const core::ProfileCellRecord& cell);
    void onProgress(int cellsDone, int cellsTotal);
    void onSweepEnded(qint64 sessionId, bool cancelled, std::size_t cells);
    void onSweepFailed(const QString& message);
    void onTableSelectionChanged();

    QString m_storePath;
    qint64 m_sessionId = 0;
    qint64 m_selectedCellId = 0;
    std::vector<core::BackendAvailability> m_backends;
    std::map<qint64, std::pair<QString, core::ModelKind>> m_modelById; // for live rows

    StoreReader* m_stateReader = nullptr; // models, unfinished sessions, backends
    StoreReader* m_sessionReader = nullptr; // the shown session's cells
    StoreReader* m_exporter = nullptr; // exports do not supersede loads
    ProfileSweepRunner* m_runner = nullptr;

    QListWidget* m_models = nullptr;
    QComboBox* m_backend = nullptr;
    QLabel* m_backendCapability = nullptr;
    QLineEdit* m_caps = nullptr;
    QSpinBox* m_warmup = nullptr;
    QSpinBox* m_replicates = nullptr;
    QSpinBox* m_evalSamples = nullptr;
    QPushButton* m_start = nullptr;
    QPushButton* m_cancel = nullptr;
    QPushButton* m_resume = nullptr;
    QComboBox* m_unfinished = nullptr;
    QProgressBar* m_progress = nullptr;
    QLabel* m_currentCell = nullptr;
    QLabel* m_eta = nullptr;
    QLabel* m_message = nullptr;
    QLabel* m_sessionLabel = nullptr;
    QComboBox* m_modelFilter = nullptr;
    QComboBox* m_outputFilter = nullptr;
    QComboBox* m_capFilter = nullptr;
    QPushButton* m_export = nullptr;
    QTableView* m_table = nullptr;
    ProfileCellsModel* m_cellsModel = nullptr;
    ProfileCellsFilter* m_cellsFilter = nullptr;
};

} // namespace awb::ui
