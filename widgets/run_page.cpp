#include "widgets/run_page.h"

#include "database/repositories.h"
#include "widgets/run_charts_view.h"
#include "widgets/store_reader.h"

#include <QComboBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

#include <memory>

namespace awb::ui {

namespace {

    QString percent(double fraction) { return QStringLiteral("%1 %").arg(100.0 * fraction, 0, 'f', 1); }

    QString describeRun(const core::RunSummary& summary)
    {
        const core::RunRecord& run = summary.run;
        return QStringLiteral("Run %1 · %2 · %3 ms · %4 · %L5 inputs · %6")
            .arg(run.id)
            .arg(QString::fromStdString(run.controller))
            .arg(run.deadlineMs)
            .arg(run.contentionSpec.empty() ? QStringLiteral("no co-runners")
                                            : QString::fromStdString(run.contentionSpec))
            .arg(summary.stepCount)
            .arg(QString::fromLatin1(core::toString(run.status)));
    }

} // namespace

RunPage::RunPage(QWidget* parent)
    : QWidget(parent)
    , m_listReader(new StoreReader(this))
    , m_runReader(new StoreReader(this))
    , m_overlayReader(new StoreReader(this))
    , m_runBox(new QComboBox(this))
    , m_overlayBox(new QComboBox(this))
    , m_export(new QPushButton(QStringLiteral("Export Charts…"), this))
    , m_title(new QLabel(this))
    , m_banner(new QLabel(this))
    , m_counters(new QLabel(this))
    , m_status(new QLabel(this))
    , m_charts(new RunChartsView(this))
{
    m_runBox->setObjectName(QStringLiteral("runBox"));
    m_overlayBox->setObjectName(QStringLiteral("overlayBox"));
    // Long run descriptions must not set the window's minimum width.
    for (QComboBox* box : { m_runBox, m_overlayBox }) {
        box->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
        box->setMinimumContentsLength(16);
    }
    m_export->setEnabled(false);
    m_title->setObjectName(QStringLiteral("runTitle"));
    m_title->setWordWrap(true);
    m_banner->setVisible(false);
    m_banner->setStyleSheet(QStringLiteral("QLabel { background: #fff3c4; color: #5a4500; padding: 4px; }"));
    m_banner->setText(QStringLiteral("emulated power: caps, power and energy come from the emulated DVFS model"));
    m_counters->setObjectName(QStringLiteral("runCounters"));
    m_counters->setTextInteractionFlags(Qt::TextSelectableByMouse);
    for (QLabel* label : { m_banner, m_status, m_counters })
        label->setWordWrap(true);
    m_status->setObjectName(QStringLiteral("runStatus"));
    m_status->setText(QStringLiteral("No store open"));

    auto* pickers = new QHBoxLayout;
    pickers->addWidget(new QLabel(QStringLiteral("Run:"), this));
    pickers->addWidget(m_runBox, 1);
    pickers->addWidget(new QLabel(QStringLiteral("Overlay:"), this));
    pickers->addWidget(m_overlayBox, 1);
    pickers->addWidget(m_export);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(pickers);
    layout->addWidget(m_title);
    layout->addWidget(m_banner);
    layout->addWidget(m_counters);
    layout->addWidget(m_status);
    layout->addWidget(m_charts, 1);

    connect(m_runBox, &QComboBox::currentIndexChanged, this, [this] {
        if (!m_listing && m_runBox->currentData().toLongLong() != 0)
            showRun(m_runBox->currentData().toLongLong());
    });
    connect(m_overlayBox, &QComboBox::currentIndexChanged, this, [this] {
        if (m_listing)
            return;
        const QVariant choice = m_overlayBox->currentData();
        if (choice.typeId() == QMetaType::QString)
            setReplayOverlay(choice.toString());
        else
            setOverlay(choice.toLongLong());
    });
    connect(m_charts, &RunChartsView::windowChanged, this, &RunPage::redraw);
    connect(m_export, &QPushButton::clicked, this, &RunPage::chooseExport);
}

RunPage::~RunPage() = default;

void RunPage::setStorePath(const QString& storePath)
{
    m_storePath = storePath;
    m_run.reset();
    m_overlay.reset();
    m_wantedRun = m_wantedOverlay = 0;
    m_charts->clear();
    m_title->clear();
    m_counters->clear();
    m_banner->setVisible(false);
    m_export->setEnabled(false);
    refreshRuns();
}

void RunPage::refreshRuns()
{
    if (m_storePath.isEmpty())
        return;
    m_listReader->run<std::vector<core::RunSummary>>(
        m_storePath, [](db::Store& store) { return db::RunRepository(store).listRuns(); },
        [this](std::vector<core::RunSummary> runs) {
            m_listing = true;
            m_runBox->clear();
            m_overlayBox->clear();
            m_overlayBox->addItem(QStringLiteral("No overlay"), QVariant::fromValue<qint64>(0));
            for (const std::string& name : replayControllerNames()) {
                const QString controller = QString::fromStdString(name);
                m_overlayBox->addItem(QStringLiteral("Replay its slowdown with %1").arg(controller), controller);
            }
            for (auto it = runs.rbegin(); it != runs.rend(); ++it) { // newest first
                const QString text = describeRun(*it);
                m_runBox->addItem(text, QVariant::fromValue<qint64>(it->run.id));
                m_overlayBox->addItem(text, QVariant::fromValue<qint64>(it->run.id));
            }
            selectInBoxes();
            m_listing = false;
            if (runs.empty())
                m_status->setText(QStringLiteral("No runs in this store yet: start one on the Live page"));
            else if (m_wantedRun == 0)
                showRun(runs.back().run.id); // nothing asked for yet: the newest run
            Q_EMIT runsListed(static_cast<int>(runs.size()));
        },
        [this](const QString& message) { m_status->setText(message); });
}

void RunPage::selectInBoxes()
{
    const bool was = m_listing;
    m_listing = true;
    const int run = m_runBox->findData(QVariant::fromValue<qint64>(m_wantedRun));
    if (run >= 0)
        m_runBox->setCurrentIndex(run);
    const int overlay = m_wantedReplay.isEmpty() ? m_overlayBox->findData(QVariant::fromValue<qint64>(m_wantedOverlay))
                                                 : m_overlayBox->findData(m_wantedReplay);
    m_overlayBox->setCurrentIndex(overlay >= 0 ? overlay : 0);
    m_listing = was;
}

void RunPage::showRun(qint64 runId)
{
    if (m_storePath.isEmpty())
        return;
    m_wantedRun = runId;
    selectInBoxes();
    m_status->setText(QStringLiteral("Loading run %1…").arg(runId));
    m_runReader->run<std::shared_ptr<StoredRunChart>>(
        m_storePath,
        [runId](db::Store& store) { return std::make_shared<StoredRunChart>(loadStoredRunChart(store, runId)); },
        [this](std::shared_ptr<StoredRunChart> chart) {
            m_run = std::move(*chart);
            m_status->clear();
            m_export->setEnabled(true);
            redraw();
            Q_EMIT runShown(m_run->run.id);
            if (!m_wantedReplay.isEmpty())
                setReplayOverlay(m_wantedReplay); // the replay follows the run shown
        },
        [this](const QString& message) {
            m_status->setText(message);
            Q_EMIT loadFailed(message);
        });
}

void RunPage::setReplayOverlay(const QString& controller)
{
    m_wantedReplay = controller;
    m_wantedOverlay = 0;
    selectInBoxes();
    if (!m_run || m_storePath.isEmpty())
        return; // applied once a run is shown
    const qint64 runId = m_run->run.id;
    m_status->setText(QStringLiteral("Replaying the slowdown of run %1 with %2…").arg(runId).arg(controller));
    m_overlayReader->run<std::shared_ptr<StoredRunChart>>(
        m_storePath,
        [runId, name = controller.toStdString()](
            db::Store& store) { return std::make_shared<StoredRunChart>(replayStoredRun(store, runId, name)); },
        [this](std::shared_ptr<StoredRunChart> chart) {
            m_overlay = std::move(*chart);
            m_status->clear();
            redraw();
            Q_EMIT overlayShown(m_overlay->run.id);
        },
        [this](const QString& message) {
            m_status->setText(message);
            Q_EMIT loadFailed(message);
        });
}

void RunPage::setOverlay(qint64 runId)
{
    m_wantedOverlay = runId;
    m_wantedReplay.clear();
    selectInBoxes();
    if (runId == 0 || m_storePath.isEmpty()) {
        m_overlayReader->cancel();
        m_overlay.reset();
        redraw();
        Q_EMIT overlayShown(0);
        return;
    }
    m_overlayReader->run<std::shared_ptr<StoredRunChart>>(
        m_storePath,
        [runId](db::Store& store) { return std::make_shared<StoredRunChart>(loadStoredRunChart(store, runId)); },
        [this](std::shared_ptr<StoredRunChart> chart) {
            m_overlay = std::move(*chart);
            redraw();
            Q_EMIT overlayShown(m_overlay->run.id);
        },
        [this](const QString& message) {
            m_status->setText(message);
            Q_EMIT loadFailed(message);
        });
}

void RunPage::redraw()
{
    if (!m_run) {
        m_charts->clear();
        return;
    }
    const QString name
        = QStringLiteral("run %1 (%2)").arg(m_run->run.id).arg(QString::fromStdString(m_run->run.controller));
    QString title = QString::fromStdString(m_run->title);
    if (m_overlay) {
        const QString overlayName = m_wantedReplay.isEmpty()
            ? QStringLiteral("run %1 (%2)")
                  .arg(m_overlay->run.id)
                  .arg(QString::fromStdString(m_overlay->run.controller))
            : QStringLiteral("%1, replayed").arg(m_wantedReplay);
        title += QStringLiteral("\noverlaid, dashed: ") + QString::fromStdString(m_overlay->title);
        m_charts->draw(m_run->data, name, &m_overlay->data, overlayName);
    } else {
        m_charts->draw(m_run->data, name);
    }
    m_title->setText(title);
    m_banner->setVisible(m_run->emulated || (m_overlay && m_overlay->emulated));
    updateCounters();
}

void RunPage::updateCounters()
{
    const auto line = [](const StoredRunChart& chart, const QString& name) {
        const RunChartData::Counters& c = chart.data.counters();
        return QStringLiteral("%1: inputs %L2 / %L3 · deadline misses %4 · energy %5 J/input%6 · accuracy %7 · "
                              "goal violations %8")
            .arg(name)
            .arg(c.inputs)
            .arg(c.inputsTotal)
            .arg(percent(c.deadlineMissRate))
            .arg(c.energyPerInputJ, 0, 'g', 4)
            .arg(chart.emulated ? QStringLiteral(" (emulated)") : QString())
            .arg(percent(c.accuracy), percent(c.goalViolationRate));
    };
    QString text = line(*m_run, QStringLiteral("Run %1").arg(m_run->run.id));
    if (m_overlay) {
        const QString name = m_wantedReplay.isEmpty() ? QStringLiteral("Run %1").arg(m_overlay->run.id)
                                                      : QStringLiteral("%1, replayed").arg(m_wantedReplay);
        text += QLatin1Char('\n') + line(*m_overlay, name);
    }
    m_counters->setText(text);
}

QString RunPage::titleText() const { return m_title->text(); }

QString RunPage::countersText() const { return m_counters->text(); }

QString RunPage::statusText() const { return m_status->text(); }

void RunPage::chooseExport()
{
    const QString folder = QFileDialog::getExistingDirectory(this, QStringLiteral("Export Charts to Folder"));
    if (folder.isEmpty() || !m_run)
        return;
    QString error;
    QStringList written;
    if (m_charts->exportAll(folder, QStringLiteral("run-%1").arg(m_run->run.id), &error, &written))
        m_status->setText(QStringLiteral("Exported %1 files to %2").arg(written.size()).arg(folder));
    else
        m_status->setText(QStringLiteral("Could not export the charts: %1").arg(error));
}

} // namespace awb::ui
