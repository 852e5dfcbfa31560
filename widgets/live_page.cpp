#include "widgets/live_page.h"

#include "core/control/goals.h"
#include "widgets/live_run_runner.h"
#include "widgets/run_charts_view.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace awb::ui {

namespace {

    constexpr int kRedrawMs = 33; // ~30 Hz

    QString percent(double fraction) { return QStringLiteral("%1 %").arg(100.0 * fraction, 0, 'f', 1); }

} // namespace

LivePage::LivePage(QWidget* parent)
    : QWidget(parent)
    , m_runner(new LiveRunRunner(this))
    , m_controller(new QComboBox(this))
    , m_goalMode(new QComboBox(this))
    , m_deadlineMs(new QDoubleSpinBox(this))
    , m_budgetJ(new QDoubleSpinBox(this))
    , m_accuracyPercent(new QDoubleSpinBox(this))
    , m_scenario(new QComboBox(this))
    , m_rate(new QDoubleSpinBox(this))
    , m_inputs(new QSpinBox(this))
    , m_contention(new QLineEdit(this))
    , m_start(new QPushButton(QStringLiteral("Start"), this))
    , m_stop(new QPushButton(QStringLiteral("Stop"), this))
    , m_applyGoals(new QPushButton(QStringLiteral("Apply Goals"), this))
    , m_export(new QPushButton(QStringLiteral("Export Charts…"), this))
    , m_banner(new QLabel(this))
    , m_status(new QLabel(this))
    , m_counters(new QLabel(this))
    , m_charts(new RunChartsView(this))
{
    // The controllers a live run can use; "fixed:MODEL@CAP" is typed in full (e.g. fixed:cnn-l@40).
    m_controller->setEditable(true);
    m_controller->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_controller->setMinimumContentsLength(12);
    for (const std::string& name : db::liveControllerNames()) {
        if (name.rfind("fixed:", 0) != 0)
            m_controller->addItem(QString::fromStdString(name));
    }
    m_controller->setToolTip(QStringLiteral("A live controller, or fixed:MODEL@CAP for one configuration"));
    m_goalMode->addItem(QStringLiteral("Maximize accuracy"), QStringLiteral("max-accuracy"));
    m_goalMode->addItem(QStringLiteral("Minimize energy"), QStringLiteral("min-energy"));
    m_deadlineMs->setRange(0.1, 10'000.0);
    m_deadlineMs->setDecimals(1);
    m_deadlineMs->setSuffix(QStringLiteral(" ms"));
    m_deadlineMs->setValue(10.0);
    m_budgetJ->setRange(0.001, 1'000.0);
    m_budgetJ->setDecimals(3);
    m_budgetJ->setSingleStep(0.05);
    m_budgetJ->setSuffix(QStringLiteral(" J"));
    m_budgetJ->setValue(0.6);
    m_accuracyPercent->setRange(1.0, 100.0);
    m_accuracyPercent->setDecimals(1);
    m_accuracyPercent->setSuffix(QStringLiteral(" %"));
    m_accuracyPercent->setValue(85.0);
    m_scenario->addItem(QStringLiteral("Single stream"), QStringLiteral("single-stream"));
    m_scenario->addItem(QStringLiteral("Server (Poisson)"), QStringLiteral("server"));
    m_scenario->setToolTip(QStringLiteral("Single stream: one input per deadline period. Server: Poisson arrivals at "
                                          "the rate below."));
    m_rate->setRange(0.1, 100'000.0);
    m_rate->setDecimals(1);
    m_rate->setSuffix(QStringLiteral(" /s"));
    m_rate->setValue(100.0);
    m_inputs->setRange(1, 10'000'000);
    m_inputs->setGroupSeparatorShown(true);
    m_inputs->setValue(3000);
    m_contention->setPlaceholderText(QStringLiteral("none, or memory@1000-2000"));
    m_contention->setText(QStringLiteral("memory@1000-2000"));
    m_contention->setToolTip(QStringLiteral("Co-runners by input: memory- or compute-bound, from input A to B"));
    m_stop->setEnabled(false);
    m_applyGoals->setEnabled(false);
    m_export->setEnabled(false);
    m_banner->setObjectName(QStringLiteral("powerBanner"));
    m_banner->setText(QStringLiteral("Power: the run's backend says whether caps and energy are measured or modelled"));
    m_banner->setStyleSheet(QStringLiteral("QLabel { padding: 4px; }"));
    m_status->setObjectName(QStringLiteral("liveStatus"));
    m_status->setText(QStringLiteral("Set the goals and press Start."));
    m_counters->setObjectName(QStringLiteral("liveCounters"));
    m_counters->setTextInteractionFlags(Qt::TextSelectableByMouse);
    // One line each, whatever the text: they change with every redraw, and a label that wrapped
    // or set the window's minimum width would lay the page (and its six charts) out again each
    // time. Too long a line is cut at the window's edge.
    for (QLabel* label : { m_banner, m_status, m_counters })
        label->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Fixed);

    auto* goals = new QFormLayout;
    goals->addRow(QStringLiteral("Goal"), m_goalMode);
    goals->addRow(QStringLiteral("Deadline"), m_deadlineMs);
    goals->addRow(QStringLiteral("Budget / input"), m_budgetJ);
    goals->addRow(QStringLiteral("Accuracy goal"), m_accuracyPercent);
    auto* workload = new QFormLayout;
    workload->addRow(QStringLiteral("Controller"), m_controller);
    workload->addRow(QStringLiteral("Scenario"), m_scenario);
    workload->addRow(QStringLiteral("Rate"), m_rate);
    workload->addRow(QStringLiteral("Inputs"), m_inputs);
    workload->addRow(QStringLiteral("Co-runners"), m_contention);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_start);
    buttons->addWidget(m_stop);
    buttons->addWidget(m_applyGoals);
    buttons->addStretch(1);
    buttons->addWidget(m_export);
    auto* form = new QHBoxLayout;
    form->addLayout(goals, 1);
    form->addLayout(workload, 1);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addLayout(buttons);
    layout->addWidget(m_banner);
    layout->addWidget(m_status);
    layout->addWidget(m_counters);
    layout->addWidget(m_charts, 1);

    m_redraw.setInterval(kRedrawMs);
    connect(&m_redraw, &QTimer::timeout, this, &LivePage::redraw);
    connect(m_goalMode, &QComboBox::currentIndexChanged, this, &LivePage::updateGoalFields);
    connect(m_scenario, &QComboBox::currentIndexChanged, this, &LivePage::updateGoalFields);
    connect(m_start, &QPushButton::clicked, this, &LivePage::start);
    connect(m_stop, &QPushButton::clicked, this, &LivePage::stop);
    connect(m_applyGoals, &QPushButton::clicked, this, &LivePage::applyGoals);
    connect(m_export, &QPushButton::clicked, this, &LivePage::chooseExport);
    connect(m_charts, &RunChartsView::windowChanged, this, [this] {
        m_dirty = true;
        redraw();
    });
    connect(m_runner, &LiveRunRunner::started, this, &LivePage::onStarted);
    connect(m_runner, &LiveRunRunner::stepsArrived, this, &LivePage::onSteps);
    connect(m_runner, &LiveRunRunner::finished, this, &LivePage::onFinished);
    connect(m_runner, &LiveRunRunner::failed, this, &LivePage::onFailed);
    updateGoalFields();
    updateCounters();
}

LivePage::~LivePage() = default; // the runner (a child) stops the run and waits for it

void LivePage::setStorePath(const QString& storePath) { m_storePath = storePath; }

void LivePage::setHint(const QString& hint)
{
    if (!m_runner->isRunning())
        m_status->setText(hint);
}

core::Goals LivePage::formGoals() const
{
    if (m_goalMode->currentData().toString() == QLatin1String("min-energy"))
        return core::Goals::minimizeEnergy(m_deadlineMs->value(), m_accuracyPercent->value() / 100.0);
    return core::Goals::maximizeAccuracy(m_deadlineMs->value(), m_budgetJ->value());
}

bool LivePage::buildRequest(db::LiveRunRequest* request, QString* error) const
{
    if (m_storePath.isEmpty()) {
        *error = QStringLiteral("no store is open: open or create one first (File menu)");
        return false;
    }
    const QString controller = m_controller->currentText().trimmed();
    if (controller.isEmpty()) {
        *error = QStringLiteral("choose a controller");
        return false;
    }
    request->controller = controller.toStdString();
    request->goals = formGoals();
    request->workload.scenario = m_scenario->currentData().toString() == QLatin1String("server")
        ? core::Scenario::Server
        : core::Scenario::SingleStream;
    request->workload.arrivalRatePerS = request->workload.scenario == core::Scenario::Server ? m_rate->value() : 0.0;
    request->workload.inputs = m_inputs->value();
    const QString contention = m_contention->text().trimmed();
    request->contentionSpec = contention.compare(QLatin1String("none"), Qt::CaseInsensitive) == 0
        ? std::string()
        : contention.toStdString();
    return true;
}

bool LivePage::start()
{
    if (m_runner->isRunning())
        return false;
    db::LiveRunRequest request;
    QString error;
    if (!buildRequest(&request, &error)) {
        m_status->setText(error);
        return false;
    }
    m_data.clear();
    m_charts->clear();
    m_runId = 0;
    m_status->setText(QStringLiteral("Starting: loading the candidates and the test images…"));
    setRunning(true);
    if (!m_runner->start(m_storePath, request)) {
        setRunning(false);
        m_status->setText(QStringLiteral("a run is already going"));
        return false;
    }
    return true;
}

void LivePage::stop()
{
    if (m_runner->isRunning()) {
        m_runner->stop();
        m_status->setText(QStringLiteral("Stopping: restoring the power caps…"));
    }
}

bool LivePage::applyGoals()
{
    QString error;
    const core::Goals goals = formGoals();
    if (!m_runner->requestGoals(goals, &error)) {
        m_status->setText(QStringLiteral("Goals not changed: %1").arg(error));
        return false;
    }
    m_status->setText(
        QStringLiteral("New goals from the next input: %1").arg(QString::fromStdString(goals.describe())));
    return true;
}

bool LivePage::isRunning() const { return m_runner->isRunning(); }

QString LivePage::statusText() const { return m_status->text(); }

QString LivePage::countersText() const { return m_counters->text(); }

void LivePage::onStarted(const db::LiveRunStart& start)
{
    m_runId = start.run.id;
    m_data.setModels(start.modelIds, start.models);
    RunChartData::Counters counters;
    counters.inputsTotal = start.run.inputCount;
    m_data.setCounters(counters);
    m_runName = QStringLiteral("run %1").arg(m_runId);
    m_emulated = start.emulated;
    if (start.emulated) {
        m_banner->setText(QStringLiteral("emulated power: caps, power and energy are modelled (%1), not measured")
                              .arg(QString::fromStdString(start.deviceDescription)));
        m_banner->setStyleSheet(QStringLiteral("QLabel { background: #fff3c4; color: #5a4500; padding: 4px; }"));
    } else {
        m_banner->setText(QStringLiteral("Power: %1 on %2, measured")
                              .arg(QString::fromStdString(start.backend), QString::fromStdString(start.deviceDescription)));
        m_banner->setStyleSheet(QStringLiteral("QLabel { padding: 4px; }"));
    }
    m_status->setText(
        QStringLiteral("Run %1: %2 · %3 · %4 candidates")
            .arg(m_runId)
            .arg(QString::fromStdString(start.run.controller), QString::fromStdString(formGoals().describe()))
            .arg(start.models.size()));
    m_redraw.start();
    Q_EMIT runStarted(m_runId);
}

void LivePage::onSteps(const std::vector<core::LiveProgress>& steps, quint64 lost)
{
    for (const core::LiveProgress& p : steps)
        m_data.append(p.step, p.goals, p.accuracy, p.contention != core::ContentionKind::Alone);
    const core::LiveProgress& newest = steps.back();
    RunChartData::Counters counters;
    counters.inputs = newest.inputsDone;
    counters.inputsTotal = newest.inputsTotal;
    counters.deadlineMissRate = newest.deadlineMissRate;
    counters.energyPerInputJ = newest.energyPerInputJ;
    counters.accuracy = newest.accuracy;
    counters.goalViolationRate = newest.goalViolationRate;
    counters.droppedNotifications = lost;
    m_data.setCounters(counters);
    m_dirty = true; // drawn by the next tick of m_redraw
}

void LivePage::redraw()
{
    if (!m_dirty)
        return;
    m_dirty = false;
    if (m_data.empty())
        return;
    m_charts->draw(m_data, m_runName);
    updateCounters();
    ++m_redraws;
}

void LivePage::updateCounters()
{
    const RunChartData::Counters& c = m_data.counters();
    const bool emulated = m_emulated;
    m_counters->setText(QStringLiteral("Inputs %L1 / %L2 · deadline misses %3 · energy %4 J/input%5 · accuracy %6 · "
                                       "goal violations %7 · dropped notifications %L8")
                            .arg(c.inputs)
                            .arg(c.inputsTotal)
                            .arg(percent(c.deadlineMissRate))
                            .arg(c.energyPerInputJ, 0, 'g', 4)
                            .arg(emulated ? QStringLiteral(" (emulated)") : QString())
                            .arg(percent(c.accuracy), percent(c.goalViolationRate))
                            .arg(c.droppedNotifications));
}

void LivePage::onFinished(const db::LiveRunResult& result)
{
    m_redraw.stop();
    m_dirty = true;
    redraw();
    const bool stopped = result.status == core::SessionStatus::Cancelled;
    m_status->setText(QStringLiteral("Run %1 %2: %L3 inputs in %4 s (%5 inputs/s asked, %6 achieved); caps restored")
                          .arg(result.start.run.id)
                          .arg(stopped ? QStringLiteral("stopped") : QStringLiteral("finished"))
                          .arg(result.session.metrics.inputs)
                          .arg(result.session.wallS, 0, 'f', 1)
                          .arg(result.session.targetRatePerS, 0, 'f', 0)
                          .arg(result.session.achievedRatePerS, 0, 'f', 0));
    setRunning(false);
    Q_EMIT runEnded(result.start.run.id);
}

void LivePage::onFailed(const QString& message)
{
    m_redraw.stop();
    m_dirty = true;
    redraw();
    m_status->setText(message);
    setRunning(false);
    if (m_runId != 0)
        Q_EMIT runEnded(m_runId);
}

void LivePage::updateGoalFields()
{
    const bool minEnergy = m_goalMode->currentData().toString() == QLatin1String("min-energy");
    m_budgetJ->setEnabled(!minEnergy);
    m_accuracyPercent->setEnabled(minEnergy);
    m_rate->setEnabled(m_scenario->currentData().toString() == QLatin1String("server"));
}

void LivePage::setRunning(bool running)
{
    m_start->setEnabled(!running);
    m_stop->setEnabled(running);
    m_applyGoals->setEnabled(running);
    m_export->setEnabled(!running || !m_data.empty());
    for (QWidget* field : std::initializer_list<QWidget*> { m_controller, m_scenario, m_rate, m_inputs, m_contention })
        field->setEnabled(!running);
    if (!running)
        updateGoalFields();
}

void LivePage::chooseExport()
{
    const QString folder = QFileDialog::getExistingDirectory(this, QStringLiteral("Export Charts to Folder"));
    if (folder.isEmpty())
        return;
    QString error;
    QStringList written;
    const QString stem = m_runId != 0 ? QStringLiteral("run-%1").arg(m_runId) : QStringLiteral("live");
    if (m_charts->exportAll(folder, stem, &error, &written))
        m_status->setText(QStringLiteral("Exported %1 files to %2").arg(written.size()).arg(folder));
    else
        m_status->setText(QStringLiteral("Could not export the charts: %1").arg(error));
}

} // namespace awb::ui
