#include "widgets/compare_page.h"

#include "core/system/atomic_file.h"
#include "database/comparison_export.h"
#include "database/repositories.h"
#include "widgets/comparison_chart.h"
#include "widgets/comparison_runner.h"
#include "widgets/comparison_table_model.h"
#include "widgets/store_reader.h"
#include "widgets/widget_image_export.h"

#include <QBarSeries>
#include <QChart>
#include <QChartView>
#include <QCheckBox>
#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QProgressBar>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QSpinBox>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>

namespace awb::ui {

namespace {

    // Inputs per environment by default: half the Fashion-MNIST test set, enough for the
    // violation and miss rates to settle, a few seconds per environment on a laptop.
    constexpr int kDefaultInputs = 5000;
    const QString kDefaultGoalGrid = QStringLiteral("3x3");

    // What the choosers offer: complete profile sessions (newest first) and finished live runs
    // with steps, whose recorded slowdown can be replayed.
    struct CompareChoices {
        std::vector<core::ProfileSessionSummary> sessions;
        std::vector<core::RunSummary> runs;
    };

    CompareChoices loadCompareChoices(db::Store& store)
    {
        CompareChoices choices;
        for (core::ProfileSessionSummary& summary : db::ProfileRepository(store).listSessions()) {
            if (summary.session.status == core::SessionStatus::Complete && summary.cellCount > 0)
                choices.sessions.push_back(std::move(summary));
        }
        for (core::RunSummary& summary : db::RunRepository(store).listRuns()) {
            if (summary.run.status == core::SessionStatus::Complete && summary.stepCount > 0)
                choices.runs.push_back(std::move(summary));
        }
        return choices;
    }

    QChartView* makeChartView(QWidget* parent, const QString& objectName, ComparisonMetric metric)
    {
        auto* chart = new QChart;
        chart->legend()->setAlignment(Qt::AlignBottom);
        clearComparisonChart(chart, metric);
        auto* view = new QChartView(chart, parent);
        view->setObjectName(objectName);
        view->setRenderHint(QPainter::Antialiasing);
        view->setMinimumSize(240, 180);
        return view;
    }

    // csv, json, md or tex, as `alertwb-cli export --format` names them.
    std::optional<db::ExportFormat> tableFormatOf(const QString& path)
    {
        try {
            return db::exportFormatFromString(QFileInfo(path).suffix().toLower().toStdString());
        } catch (const std::exception&) {
            return std::nullopt;
        }
    }

} // namespace

ComparePage::ComparePage(QWidget* parent)
    : QWidget(parent)
    , m_reader(new StoreReader(this))
    , m_runner(new ComparisonRunner(this))
    , m_model(new ComparisonTableModel(this))
    , m_sorted(new QSortFilterProxyModel(this))
{
    m_banner = new QLabel(
        QStringLiteral("EMULATED profile: every energy figure comes from the DVFS model, not from a meter"), this);
    m_banner->setObjectName(QStringLiteral("compareEmulatedBanner"));
    m_banner->setStyleSheet(
        QStringLiteral("QLabel { background: #fff3cd; color: #664d03; padding: 4px; font-weight: bold; }"));
    m_banner->hide();
    m_message = new QLabel(this);
    m_message->setObjectName(QStringLiteral("compareMessage"));
    m_message->setWordWrap(true);
    m_progress = new QProgressBar(this);
    m_progress->setObjectName(QStringLiteral("compareProgress"));
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    m_progress->setFormat(QStringLiteral("%v of %m goal settings"));

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(buildForm());
    layout->addWidget(m_progress);
    layout->addWidget(m_message);
    layout->addWidget(m_banner);
    layout->addWidget(buildResults(), 1);

    connect(m_runner, &ComparisonRunner::progressed, this, &ComparePage::onProgress);
    connect(m_runner, &ComparisonRunner::finished, this, &ComparePage::onFinished);
    connect(m_runner, &ComparisonRunner::cancelled, this, &ComparePage::onCancelled);
    connect(m_runner, &ComparisonRunner::failed, this, &ComparePage::onFailed);
    setStorePath(QString());
}

ComparePage::~ComparePage() = default;

QWidget* ComparePage::buildForm()
{
    auto* form = new QWidget(this);
    m_session = new QComboBox(form);
    m_session->setObjectName(QStringLiteral("compareSession"));
    m_session->setToolTip(QStringLiteral("A complete profile session with per-input correctness; newest first"));
    m_goals = new QLineEdit(kDefaultGoalGrid, form);
    m_goals->setObjectName(QStringLiteral("compareGoalGrid"));
    m_goals->setToolTip(QStringLiteral("NxM: N deadlines × M energy budgets (max accuracy) and M accuracy goals (min "
                                       "energy), from tight to loose; or alertwb-cli evaluate --goals text"));
    m_inputs = new QSpinBox(form);
    m_inputs->setObjectName(QStringLiteral("compareInputs"));
    m_inputs->setRange(10, 1'000'000);
    m_inputs->setValue(kDefaultInputs);
    m_inputs->setToolTip(QStringLiteral("Inputs replayed per environment and goal setting"));
    m_alone = new QCheckBox(QStringLiteral("Alone"), form);
    m_memory = new QCheckBox(QStringLiteral("Memory-bound"), form);
    m_memory->setToolTip(QStringLiteral("A memory-bound co-runner for the whole run (the measured level)"));
    m_compute = new QCheckBox(QStringLiteral("Compute-bound"), form);
    m_compute->setToolTip(QStringLiteral("A compute-bound co-runner for the whole run (the measured level)"));
    for (QCheckBox* box : { m_alone, m_memory, m_compute })
        box->setChecked(true);
    m_recordedRun = new QCheckBox(QStringLiteral("Slowdown of live run"), form);
    m_recordedRun->setToolTip(QStringLiteral("The slowdown a finished live run met, input by input (xi_observed)"));
    m_run = new QComboBox(form);
    m_run->setObjectName(QStringLiteral("compareRun"));
    m_ablations = new QCheckBox(QStringLiteral("Ablations"), form);
    m_ablations->setToolTip(QStringLiteral("Also ALERT mean-only, fixed-Q and traditional-only"));
    m_runButton = new QPushButton(QStringLiteral("Run"), form);
    m_runButton->setObjectName(QStringLiteral("compareRunButton"));
    m_cancelButton = new QPushButton(QStringLiteral("Cancel"), form);
    m_cancelButton->setObjectName(QStringLiteral("compareCancelButton"));
    m_exportButton = new QPushButton(QStringLiteral("Export…"), form);
    auto* exportMenu = new QMenu(m_exportButton);
    exportMenu->addAction(QStringLiteral("Energy chart (PNG or SVG)…"), this, [this] { chooseExport(Chart::Energy); });
    exportMenu->addAction(QStringLiteral("Error chart (PNG or SVG)…"), this, [this] { chooseExport(Chart::Error); });
    exportMenu->addAction(QStringLiteral("Table (CSV, JSON, Markdown or LaTeX)…"), this, &ComparePage::chooseTableExport);
    m_exportButton->setMenu(exportMenu);
    connect(m_runButton, &QPushButton::clicked, this, &ComparePage::startComparison);
    connect(m_cancelButton, &QPushButton::clicked, this, &ComparePage::cancelComparison);
    connect(m_recordedRun, &QCheckBox::toggled, m_run, &QWidget::setEnabled);

    auto* environments = new QHBoxLayout;
    for (QWidget* widget : std::initializer_list<QWidget*> { m_alone, m_memory, m_compute, m_recordedRun, m_run })
        environments->addWidget(widget);
    environments->addStretch(1);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_ablations);
    buttons->addStretch(1);
    buttons->addWidget(m_runButton);
    buttons->addWidget(m_cancelButton);
    buttons->addWidget(m_exportButton);
    auto* grid = new QHBoxLayout;
    grid->addWidget(m_goals);
    grid->addWidget(new QLabel(QStringLiteral("Inputs per environment"), form));
    grid->addWidget(m_inputs);
    auto* layout = new QFormLayout(form);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addRow(QStringLiteral("Profile session"), m_session);
    layout->addRow(QStringLiteral("Goal grid"), grid);
    layout->addRow(QStringLiteral("Environments"), environments);
    layout->addRow(buttons);
    return form;
}

QWidget* ComparePage::buildResults()
{
    auto* splitter = new QSplitter(Qt::Vertical, this);
    auto* charts = new QWidget(splitter);
    m_energyView = makeChartView(charts, QStringLiteral("compareEnergyChart"), ComparisonMetric::Energy);
    m_errorView = makeChartView(charts, QStringLiteral("compareErrorChart"), ComparisonMetric::Error);
    auto* chartsLayout = new QHBoxLayout(charts);
    chartsLayout->setContentsMargins(0, 0, 0, 0);
    chartsLayout->addWidget(m_energyView);
    chartsLayout->addWidget(m_errorView);

    m_sorted->setSourceModel(m_model);
    m_sorted->setSortRole(ComparisonTableModel::SortRole);
    m_table = new QTableView(splitter);
    m_table->setObjectName(QStringLiteral("compareTable"));
    m_table->setModel(m_sorted);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(-1, Qt::AscendingOrder); // the result's order until a header is clicked
    m_table->verticalHeader()->setVisible(false);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setStretchLastSection(true);
    splitter->addWidget(charts);
    splitter->addWidget(m_table);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    return splitter;
}

void ComparePage::setStorePath(const QString& storePath)
{
    m_storePath = storePath;
    m_runner->cancel(); // its result, if any, is for the previous store and is dropped
    clearResult();
    m_session->clear();
    m_run->clear();
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    m_lastError.clear();
    showMessage(storePath.isEmpty() ? QStringLiteral("No store open") : QString(), false);
    setRunning(m_runner->isRunning());
    if (!storePath.isEmpty())
        loadChoices();
}

void ComparePage::refreshChoices()
{
    if (!m_storePath.isEmpty())
        loadChoices();
}

void ComparePage::loadChoices()
{
    const QString path = m_storePath;
    m_reader->run<CompareChoices>(
        path, [](db::Store& store) { return loadCompareChoices(store); },
        [this](CompareChoices choices) {
            // A refresh keeps the chosen session and run when they are still listed.
            const QVariant session = m_session->currentData();
            const QVariant run = m_run->currentData();
            m_session->clear();
            m_run->clear();
            for (const core::ProfileSessionSummary& summary : choices.sessions) {
                const core::ProfileSessionRecord& session = summary.session;
                // The backend names itself "emulated" where the power is modelled.
                m_session->addItem(QStringLiteral("Session %1 · %2 · %3 models · %4")
                                       .arg(session.id)
                                       .arg(QString::fromStdString(session.startedAt))
                                       .arg(summary.modelCount)
                                       .arg(QString::fromStdString(summary.backend)),
                    QVariant::fromValue<qint64>(session.id));
            }
            for (const core::RunSummary& summary : choices.runs) {
                m_run->addItem(QStringLiteral("Run %1 · %2 · %3 inputs")
                                   .arg(summary.run.id)
                                   .arg(QString::fromStdString(summary.run.controller))
                                   .arg(summary.stepCount),
                    QVariant::fromValue<qint64>(summary.run.id));
            }
            m_session->setCurrentIndex(std::max(0, m_session->findData(session)));
            m_run->setCurrentIndex(std::max(0, m_run->findData(run)));
            if (choices.runs.empty())
                m_recordedRun->setChecked(false);
            setRunning(m_runner->isRunning());
            if (choices.sessions.empty())
                showMessage(QStringLiteral("No complete profile session in this store: profile the models on the "
                                           "Profile page first"),
                    false);
            Q_EMIT choicesLoaded(static_cast<int>(choices.sessions.size()), static_cast<int>(choices.runs.size()));
        },
        [this](const QString& message) { showMessage(message, true); });
}

bool ComparePage::isLoading() const { return m_reader->isBusy(); }

bool ComparePage::isRunning() const { return m_runner->isRunning(); }

QCheckBox* ComparePage::environmentCheck(core::ContentionKind kind) const
{
    switch (kind) {
    case core::ContentionKind::Alone:
        return m_alone;
    case core::ContentionKind::Memory:
        return m_memory;
    case core::ContentionKind::Compute:
        return m_compute;
    }
    return m_alone;
}

std::optional<db::ComparisonRequest> ComparePage::request()
{
    if (m_storePath.isEmpty()) {
        refuse(QStringLiteral("no store is open: open one with File ▸ Open Store"));
        return std::nullopt;
    }
    if (m_session->currentIndex() < 0) {
        refuse(QStringLiteral("no complete profile session to compare on: profile the models on the Profile page"));
        return std::nullopt;
    }
    db::ComparisonRequest request;
    request.sessionId = m_session->currentData().toLongLong();
    request.goals = m_goals->text().trimmed().toStdString();
    request.inputs = m_inputs->value();
    request.ablations = m_ablations->isChecked();
    for (const core::ContentionKind kind :
        { core::ContentionKind::Alone, core::ContentionKind::Memory, core::ContentionKind::Compute }) {
        if (environmentCheck(kind)->isChecked())
            request.environments.push_back(db::ComparisonEnvironment::wholeRun(kind, request.inputs));
    }
    if (m_recordedRun->isChecked() && m_run->currentIndex() >= 0)
        request.environments.push_back(db::ComparisonEnvironment::recordedRun(m_run->currentData().toLongLong()));
    try {
        db::validateComparisonRequest(request);
    } catch (const db::ComparisonError& error) {
        refuse(QString::fromStdString(error.what()));
        return std::nullopt;
    }
    return request;
}

bool ComparePage::startComparison()
{
    if (m_runner->isRunning())
        return refuse(QStringLiteral("a comparison is already running"));
    const std::optional<db::ComparisonRequest> chosen = request();
    if (!chosen)
        return false;
    clearResult();
    m_lastError.clear();
    m_runStorePath = m_storePath;
    if (!m_runner->start(m_storePath, *chosen))
        return refuse(QStringLiteral("a comparison is already running"));
    m_progress->setRange(0, 0); // busy until the first setting is done
    showMessage(QStringLiteral("Preparing the comparison…"), false);
    setRunning(true);
    Q_EMIT comparisonStarted();
    return true;
}

void ComparePage::cancelComparison()
{
    if (!m_runner->isRunning())
        return;
    m_runner->cancel();
    m_cancelButton->setEnabled(false);
    showMessage(QStringLiteral("Cancelling after the goal settings in progress…"), false);
}

void ComparePage::onProgress(int settingsDone, int settingsTotal, const QString& message)
{
    if (m_runStorePath != m_storePath)
        return;
    m_progress->setRange(0, settingsTotal);
    m_progress->setValue(settingsDone);
    showMessage(message, false);
    Q_EMIT comparisonProgressed(settingsDone, settingsTotal);
}

void ComparePage::onFinished(const db::ComparisonResult& result)
{
    setRunning(false);
    if (m_runStorePath != m_storePath)
        return; // the store changed while it ran
    present(result);
    const std::size_t controllers = result.environments.front().report.summary.size();
    showMessage(QStringLiteral("Compared %1 controllers in %2 environments over %3 goal settings each, on profile "
                               "session %4%5")
                    .arg(controllers)
                    .arg(result.environments.size())
                    .arg(result.settingsPerEnvironment)
                    .arg(result.sessionId)
                    .arg(result.emulated() ? QStringLiteral(" (emulated power)") : QString()),
        false);
    Q_EMIT comparisonFinished();
}

void ComparePage::onCancelled()
{
    setRunning(false);
    if (m_runStorePath != m_storePath)
        return;
    clearResult();
    showMessage(QStringLiteral("Comparison cancelled: no result is shown"), false);
    Q_EMIT comparisonCancelled();
}

void ComparePage::onFailed(const QString& message)
{
    setRunning(false);
    if (m_runStorePath != m_storePath)
        return;
    clearResult();
    m_lastError = message;
    showMessage(message, true);
    Q_EMIT comparisonFailed(message);
}

void ComparePage::present(const db::ComparisonResult& result)
{
    m_result = result;
    showComparisonBars(chart(Chart::Energy), result, ComparisonMetric::Energy);
    showComparisonBars(chart(Chart::Error), result, ComparisonMetric::Error);
    m_model->setResult(result);
    m_banner->setVisible(result.emulated());
    m_exportButton->setEnabled(true);
}

void ComparePage::clearResult()
{
    m_result.reset();
    clearComparisonChart(chart(Chart::Energy), ComparisonMetric::Energy);
    clearComparisonChart(chart(Chart::Error), ComparisonMetric::Error);
    m_model->clear();
    m_banner->hide();
    m_exportButton->setEnabled(false);
}

void ComparePage::setRunning(bool running)
{
    if (!running && m_progress->maximum() == 0)
        m_progress->setRange(0, 1); // stopped before the first setting: no busy indicator left running
    m_runButton->setEnabled(!running);
    m_cancelButton->setEnabled(running);
    for (QWidget* widget : std::initializer_list<QWidget*> { m_session, m_goals, m_inputs, m_alone, m_memory,
             m_compute, m_ablations })
        widget->setEnabled(!running);
    m_recordedRun->setEnabled(!running && m_run->count() > 0);
    m_run->setEnabled(!running && m_recordedRun->isChecked());
}

void ComparePage::showMessage(const QString& text, bool error)
{
    m_message->setText(text);
    m_message->setStyleSheet(error ? QStringLiteral("QLabel { color: #b02a37; }") : QString());
}

bool ComparePage::refuse(const QString& message)
{
    m_lastError = message;
    showMessage(message, true);
    return false;
}

QChart* ComparePage::chart(Chart which) const { return chartView(which)->chart(); }

QChartView* ComparePage::chartView(Chart which) const
{
    return which == Chart::Energy ? m_energyView : m_errorView;
}

QBarSeries* ComparePage::barSeries(Chart which) const
{
    for (QAbstractSeries* series : chart(which)->series()) {
        if (auto* bars = qobject_cast<QBarSeries*>(series))
            return bars;
    }
    return nullptr;
}

bool ComparePage::exportChartPng(Chart which, const QString& path)
{
    if (!m_result)
        return refuse(QStringLiteral("no finished comparison is shown: there is nothing to export"));
    QString error;
    if (!exportWidgetPng(chartView(which), path, &error))
        return refuse(error);
    showMessage(QStringLiteral("Wrote %1").arg(path), false);
    return true;
}

bool ComparePage::exportChartSvg(Chart which, const QString& path)
{
    if (!m_result)
        return refuse(QStringLiteral("no finished comparison is shown: there is nothing to export"));
    QString error;
    if (!exportWidgetSvg(chartView(which), path, chart(which)->title(), &error))
        return refuse(error);
    showMessage(QStringLiteral("Wrote %1").arg(path), false);
    return true;
}

bool ComparePage::exportTable(const QString& path)
{
    if (!m_result)
        return refuse(QStringLiteral("no finished comparison is shown: there is nothing to export"));
    const std::optional<db::ExportFormat> format = tableFormatOf(path);
    if (!format)
        return refuse(QStringLiteral("cannot tell the table format from '%1': name it .csv, .json, .md or .tex")
                          .arg(QFileInfo(path).fileName()));
    try {
        // A temporary file renamed over the target: a failed export leaves the old file as it was.
        core::AtomicFileWriter file(path.toStdString());
        db::exportComparison(*m_result, *format, file.stream());
        file.commit();
    } catch (const std::exception& error) {
        return refuse(QString::fromStdString(error.what()).simplified());
    }
    showMessage(QStringLiteral("Wrote %1").arg(path), false);
    return true;
}

void ComparePage::chooseExport(Chart which)
{
    const QString name = which == Chart::Energy ? QStringLiteral("energy") : QStringLiteral("error");
    const QString path = QFileDialog::getSaveFileName(this, QStringLiteral("Export Chart"),
        QStringLiteral("compare-%1.png").arg(name), QStringLiteral("PNG image (*.png);;SVG drawing (*.svg)"));
    if (path.isEmpty())
        return;
    if (imageFormatOf(path) == QStringLiteral("svg"))
        exportChartSvg(which, path);
    else
        exportChartPng(which, path);
}

void ComparePage::chooseTableExport()
{
    const QString path = QFileDialog::getSaveFileName(this, QStringLiteral("Export Comparison Table"),
        QStringLiteral("compare.csv"), QStringLiteral("CSV (*.csv);;JSON (*.json);;Markdown (*.md);;LaTeX (*.tex)"));
    if (!path.isEmpty())
        exportTable(path);
}

} // namespace awb::ui
