#include "widgets/profile_page.h"

#include "core/system/atomic_file.h"
#include "database/repositories.h"
#include "database/table_export.h"
#include "widgets/frontier_data.h"
#include "widgets/profile_cells_model.h"
#include "widgets/profile_sweep_runner.h"
#include "widgets/store_reader.h"

#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QScrollArea>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <set>

namespace awb::ui {

// What the form offers, read on the reader's thread.
struct ProfilePageState {
    std::vector<core::ModelRecord> models; // newest version of each name
    std::vector<core::ProfileSessionSummary> unfinished; // newest first
    std::vector<core::BackendAvailability> backends;
};

// One session's cells with their models' names and kinds.
struct ProfileSessionCells {
    core::ProfileSessionRecord session;
    QString backend;
    bool emulated = false;
    std::vector<ProfileCellRow> rows;
};

namespace {

    QString toQString(const std::string& text) { return QString::fromStdString(text); }

    constexpr int kModelIdRole = Qt::UserRole + 1;

    ProfilePageState readState(db::Store& store)
    {
        ProfilePageState state;
        state.models = db::ModelRepository(store).listNewest();
        for (core::ProfileSessionSummary& summary : db::ProfileRepository(store).listSessions()) {
            if (summary.session.status != core::SessionStatus::Complete)
                state.unfinished.push_back(std::move(summary));
        }
        state.backends = core::probePowerBackends();
        return state;
    }

    ProfileSessionCells readSession(db::Store& store, qint64 sessionId)
    {
        db::ProfileRepository profiles(store);
        const auto session = profiles.findSession(sessionId);
        if (!session)
            throw std::runtime_error("no profile session " + std::to_string(sessionId) + " in the store");
        ProfileSessionCells result;
        result.session = *session;
        if (const auto device = db::DeviceRepository(store).find(session->deviceId)) {
            result.backend = toQString(device->backend);
            result.emulated = device->isEmulated();
        }
        for (core::ProfileCellWithModel& row : profiles.cellsWithModels(sessionId))
            result.rows.push_back({ row.cell, toQString(row.modelName), row.modelKind });
        return result;
    }

    // "auto" picks RAPL, else NVML, else the emulated device: the same order as openPowerBackend.
    QString capabilityText(const QString& choice, const std::vector<core::BackendAvailability>& backends)
    {
        const auto describe = [](const core::BackendAvailability& backend) -> QString {
            const QString name = toQString(backend.name);
            if (backend.emulated)
                return name
                    % QStringLiteral(": emulated — a modelled DVFS device stretches real inference; every power "
                                     "and energy figure is emulated");
            if (backend.canSetCap)
                return name % QStringLiteral(": real power caps")
                    % (backend.detail.empty() ? QString() : QStringLiteral(" (%1)").arg(toQString(backend.detail)));
            return name % QStringLiteral(": unavailable — ")
                % toQString(backend.reason.empty() ? "cannot set caps" : backend.reason);
        };
        if (choice == QStringLiteral("auto")) {
            QStringList lines;
            for (const core::BackendAvailability& backend : backends) {
                lines << describe(backend);
                if (backend.canSetCap)
                    return QStringLiteral("auto uses %1\n").arg(toQString(backend.name)) % lines.join(QLatin1Char('\n'));
            }
            return lines.join(QLatin1Char('\n'));
        }
        for (const core::BackendAvailability& backend : backends) {
            if (toQString(backend.name) == choice)
                return describe(backend);
        }
        return {};
    }

    QString formatDuration(double seconds)
    {
        const auto total = static_cast<qint64>(std::ceil(seconds));
        if (total < 60)
            return QStringLiteral("%1 s").arg(total);
        if (total < 3600)
            return QStringLiteral("%1 min %2 s").arg(total / 60).arg(total % 60);
        return QStringLiteral("%1 h %2 min").arg(total / 3600).arg((total % 3600) / 60);
    }

    std::optional<db::ExportFormat> exportFormat(const QString& name)
    {
        try {
            return db::exportFormatFromString(name.toLower().toStdString());
        } catch (const std::exception&) {
            return std::nullopt;
        }
    }

} // namespace

ProfilePage::ProfilePage(QWidget* parent)
    : QWidget(parent)
    , m_stateReader(new StoreReader(this))
    , m_sessionReader(new StoreReader(this))
    , m_exporter(new StoreReader(this))
    , m_runner(new ProfileSweepRunner(this))
    , m_cellsModel(new ProfileCellsModel(this))
    , m_cellsFilter(new ProfileCellsFilter(this))
{
    auto* splitter = new QSplitter(Qt::Vertical, this);
    // The form scrolls rather than forcing a tall window on small screens.
    auto* sweepArea = new QScrollArea(splitter);
    sweepArea->setWidgetResizable(true);
    sweepArea->setFrameShape(QFrame::NoFrame);
    sweepArea->setWidget(buildSweepBox());
    splitter->addWidget(sweepArea);
    splitter->addWidget(buildResultsBox());
    splitter->setStretchFactor(1, 1);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(splitter);

    connect(m_runner, &ProfileSweepRunner::started, this, &ProfilePage::onSweepStarted);
    connect(m_runner, &ProfileSweepRunner::cellMeasured, this, &ProfilePage::onCellMeasured);
    connect(m_runner, &ProfileSweepRunner::progressed, this, &ProfilePage::onProgress);
    connect(m_runner, &ProfileSweepRunner::cellStarted, this,
        [this](const QString& cell) { m_currentCell->setText(QStringLiteral("Measuring %1").arg(cell)); });
    connect(m_runner, &ProfileSweepRunner::finished, this, [this](const db::ProfileSweepResult& result) {
        onSweepEnded(result.start.sessionId, result.outcome.cancelled, result.cells.size());
    });
    connect(m_runner, &ProfileSweepRunner::failed, this, &ProfilePage::onSweepFailed);
    updateButtons();
}

ProfilePage::~ProfilePage() = default;

QGroupBox* ProfilePage::buildSweepBox()
{
    auto* box = new QGroupBox(QStringLiteral("Sweep"), this);
    auto* form = new QFormLayout;

    m_models = new QListWidget(box);
    m_models->setObjectName(QStringLiteral("profileModels"));
    m_models->setMaximumHeight(120);
    m_models->setToolTip(QStringLiteral("The models to sweep (the newest version of each)"));
    form->addRow(QStringLiteral("Models"), m_models);

    m_backend = new QComboBox(box);
    m_backend->addItems({ QStringLiteral("auto"), QStringLiteral("rapl"), QStringLiteral("nvml"), QStringLiteral("emulated") });
    m_backendCapability = new QLabel(box);
    // One line per backend; a wrapped label would reserve room for lines it does not have.
    m_backendCapability->setWordWrap(false);
    m_backendCapability->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_backendCapability->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    m_backendCapability->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Maximum);
    connect(m_backend, &QComboBox::currentTextChanged, this, [this] { updateBackendCapability(); });
    form->addRow(QStringLiteral("Power backend"), m_backend);
    form->addRow(QString(), m_backendCapability);

    m_caps = new QLineEdit(QStringLiteral("auto"), box);
    m_caps->setPlaceholderText(QStringLiteral("auto, or watts: 30, 45, 60"));
    m_caps->setToolTip(QStringLiteral("auto: %1 levels across the backend's range; or power caps in W separated by commas")
                           .arg(db::kAutoCapLevels));
    form->addRow(QStringLiteral("Power caps (W)"), m_caps);

    const db::ProfileSweepRequest defaults;
    m_warmup = new QSpinBox(box);
    m_warmup->setRange(0, 100'000);
    m_warmup->setValue(defaults.warmup);
    m_warmup->setSuffix(QStringLiteral(" inferences"));
    form->addRow(QStringLiteral("Warm-up per cell"), m_warmup);
    m_replicates = new QSpinBox(box);
    m_replicates->setRange(1, 1'000'000);
    m_replicates->setValue(defaults.replicates);
    m_replicates->setSuffix(QStringLiteral(" inferences"));
    form->addRow(QStringLiteral("Replicates per cell"), m_replicates);
    m_evalSamples = new QSpinBox(box);
    m_evalSamples->setRange(1, 10'000);
    m_evalSamples->setValue(defaults.evalSamples);
    m_evalSamples->setSuffix(QStringLiteral(" test images"));
    form->addRow(QStringLiteral("Accuracy on"), m_evalSamples);

    m_start = new QPushButton(QStringLiteral("Start"), box);
    m_cancel = new QPushButton(QStringLiteral("Cancel"), box);
    m_unfinished = new QComboBox(box);
    m_unfinished->setObjectName(QStringLiteral("unfinishedSessions"));
    m_unfinished->setMinimumContentsLength(28);
    m_resume = new QPushButton(QStringLiteral("Resume"), box);
    m_resume->setToolTip(QStringLiteral("Finish the chosen unfinished session with its own settings"));
    connect(m_start, &QPushButton::clicked, this, [this] { startSweep(); });
    connect(m_cancel, &QPushButton::clicked, this, [this] { cancelSweep(); });
    connect(m_resume, &QPushButton::clicked, this, [this] { resumeSweep(); });
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_start);
    buttons->addWidget(m_cancel);
    buttons->addSpacing(24);
    buttons->addWidget(new QLabel(QStringLiteral("Unfinished:"), box));
    buttons->addWidget(m_unfinished, 1);
    buttons->addWidget(m_resume);
    form->addRow(buttons);

    m_progress = new QProgressBar(box);
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    m_progress->setFormat(QStringLiteral("%v / %m cells"));
    m_currentCell = new QLabel(box);
    m_eta = new QLabel(box);
    auto* progressRow = new QHBoxLayout;
    progressRow->addWidget(m_progress, 1);
    progressRow->addWidget(m_eta);
    form->addRow(QStringLiteral("Progress"), progressRow);
    form->addRow(QString(), m_currentCell);

    m_message = new QLabel(box);
    m_message->setObjectName(QStringLiteral("profileMessage"));
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    form->addRow(m_message);

    box->setLayout(form);
    return box;
}

QGroupBox* ProfilePage::buildResultsBox()
{
    auto* box = new QGroupBox(QStringLiteral("Results"), this);
    m_sessionLabel = new QLabel(QStringLiteral("No session shown: start a sweep, or open one from History"), box);
    m_sessionLabel->setWordWrap(true);

    m_modelFilter = new QComboBox(box);
    m_outputFilter = new QComboBox(box);
    m_capFilter = new QComboBox(box);
    for (QComboBox* filter : { m_modelFilter, m_outputFilter, m_capFilter })
        connect(filter, &QComboBox::currentIndexChanged, this, [this] { applyFilters(); });
    m_export = new QPushButton(QStringLiteral("Export…"), box);
    m_export->setToolTip(QStringLiteral("The session's cells as CSV, JSON, Markdown or LaTeX, as alertwb-cli export writes them"));
    connect(m_export, &QPushButton::clicked, this, [this] {
        QString filter;
        const QString path = QFileDialog::getSaveFileName(this, QStringLiteral("Export Profile Table"),
            QStringLiteral("profile-session-%1.csv").arg(m_sessionId),
            QStringLiteral("CSV (*.csv);;JSON (*.json);;Markdown (*.md);;LaTeX (*.tex)"), &filter);
        if (path.isEmpty())
            return;
        const QString suffix = QFileInfo(path).suffix().toLower();
        const QString format = suffix == QStringLiteral("json") ? QStringLiteral("json")
            : suffix == QStringLiteral("md")                    ? QStringLiteral("markdown")
            : suffix == QStringLiteral("tex")                   ? QStringLiteral("latex")
            : filter.startsWith(QStringLiteral("JSON"))         ? QStringLiteral("json")
            : filter.startsWith(QStringLiteral("Markdown"))     ? QStringLiteral("markdown")
            : filter.startsWith(QStringLiteral("LaTeX"))        ? QStringLiteral("latex")
                                                                : QStringLiteral("csv");
        exportTo(path, format);
    });
    auto* filters = new QHBoxLayout;
    filters->addWidget(new QLabel(QStringLiteral("Model"), box));
    filters->addWidget(m_modelFilter);
    filters->addWidget(new QLabel(QStringLiteral("Output"), box));
    filters->addWidget(m_outputFilter);
    filters->addWidget(new QLabel(QStringLiteral("Cap"), box));
    filters->addWidget(m_capFilter);
    filters->addStretch(1);
    filters->addWidget(m_export);

    m_cellsFilter->setSourceModel(m_cellsModel);
    m_table = new QTableView(box);
    m_table->setObjectName(QStringLiteral("profileCells"));
    m_table->setModel(m_cellsFilter);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(ProfileCellsModel::CapColumn, Qt::AscendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->verticalHeader()->setVisible(false);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setStretchLastSection(true);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this,
        &ProfilePage::onTableSelectionChanged);

    auto* layout = new QVBoxLayout(box);
    layout->addWidget(m_sessionLabel);
    layout->addLayout(filters);
    layout->addWidget(m_table, 1);
    rebuildFilters();
    return box;
}

void ProfilePage::setStorePath(const QString& storePath)
{
    m_storePath = storePath;
    m_sessionId = 0;
    m_selectedCellId = 0;
    m_stateReader->cancel();
    m_sessionReader->cancel();
    m_models->clear();
    m_unfinished->clear();
    m_cellsModel->clear();
    m_modelById.clear();
    m_sessionLabel->setText(QStringLiteral("No session shown: start a sweep, or open one from History"));
    rebuildFilters();
    showMessage({}, false);
    loadState();
    updateButtons();
}

void ProfilePage::loadState()
{
    if (m_storePath.isEmpty())
        return;
    m_stateReader->run<ProfilePageState>(
        m_storePath, [](db::Store& store) { return readState(store); },
        [this](ProfilePageState state) { applyState(state); },
        [this](const QString& message) { showMessage(message, true); });
}

void ProfilePage::applyState(const ProfilePageState& state)
{
    std::set<QString> unchecked; // keep the user's choice across reloads
    for (int i = 0; i < m_models->count(); ++i) {
        if (m_models->item(i)->checkState() == Qt::Unchecked)
            unchecked.insert(m_models->item(i)->text());
    }
    m_models->clear();
    for (const core::ModelRecord& model : state.models) {
        const QString name = toQString(model.name);
        auto* item = new QListWidgetItem(name, m_models);
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        item->setCheckState(unchecked.count(name) ? Qt::Unchecked : Qt::Checked);
        item->setData(kModelIdRole, QVariant::fromValue<qint64>(model.id));
        item->setToolTip(QStringLiteral("%1, %2 output(s)")
                             .arg(model.kind == core::ModelKind::Anytime ? QStringLiteral("anytime") : QStringLiteral("traditional"))
                             .arg(model.outputs.size()));
        m_modelById[model.id] = { name, model.kind };
    }
    m_unfinished->clear();
    for (const core::ProfileSessionSummary& summary : state.unfinished) {
        m_unfinished->addItem(QStringLiteral("Session %1 — %2, %3 cells, %4")
                                  .arg(summary.session.id)
                                  .arg(QLatin1String(core::toString(summary.session.status)))
                                  .arg(summary.cellCount)
                                  .arg(toQString(summary.backend)),
            QVariant::fromValue<qint64>(summary.session.id));
    }
    m_backends = state.backends;
    updateBackendCapability();
    updateButtons();
    Q_EMIT stateLoaded();
}

void ProfilePage::updateBackendCapability()
{
    m_backendCapability->setText(capabilityText(m_backend->currentText(), m_backends));
    m_backendCapability->setToolTip(m_backendCapability->text());
}

void ProfilePage::showSession(qint64 sessionId)
{
    if (m_storePath.isEmpty())
        return;
    m_sessionReader->run<ProfileSessionCells>(
        m_storePath, [sessionId](db::Store& store) { return readSession(store, sessionId); },
        [this](ProfileSessionCells session) { applySession(session); },
        [this](const QString& message) { showMessage(message, true); });
}

void ProfilePage::applySession(const ProfileSessionCells& session)
{
    const qint64 selected = m_selectedCellId;
    std::vector<ProfileCellRow> rows = session.rows;
    // Cells measured by a running sweep after the read began are kept.
    if (session.session.id == m_sessionId) {
        std::set<qint64> loaded;
        for (const ProfileCellRow& row : rows)
            loaded.insert(row.cell.id);
        for (const ProfileCellRow& row : m_cellsModel->rows()) {
            if (!loaded.count(row.cell.id))
                rows.push_back(row);
        }
    }
    for (const ProfileCellRow& row : rows)
        m_modelById.emplace(row.cell.modelId, std::pair { row.modelName, row.kind });
    m_sessionId = session.session.id;
    m_cellsModel->setRows(std::move(rows));
    m_sessionLabel->setText(QStringLiteral("Session %1 · %2 · %3%4")
                                .arg(m_sessionId)
                                .arg(QLatin1String(core::toString(session.session.status)))
                                .arg(session.backend)
                                .arg(session.emulated ? QStringLiteral(" — emulated: every power and energy figure is modelled")
                                                      : QString()));
    rebuildFilters();
    updateButtons();
    if (selected != 0)
        selectCell(selected);
    Q_EMIT sessionLoaded(m_sessionId);
}

db::ProfileSweepRequest ProfilePage::request() const
{
    db::ProfileSweepRequest request;
    for (int i = 0; i < m_models->count(); ++i) {
        if (m_models->item(i)->checkState() == Qt::Checked)
            request.modelNames.push_back(m_models->item(i)->text().toStdString());
    }
    if (request.modelNames.empty())
        throw db::ProfileSweepError("choose at least one model to profile", db::ProfileSweepError::Kind::BadRequest);
    request.capsW = db::parseCapList(m_caps->text().toStdString());
    request.backend = m_backend->currentText().toStdString();
    request.warmup = m_warmup->value();
    request.replicates = m_replicates->value();
    request.evalSamples = m_evalSamples->value();
    return request;
}

bool ProfilePage::startSweep()
{
    if (m_storePath.isEmpty() || isSweeping())
        return false;
    db::ProfileSweepRequest sweep;
    try {
        sweep = request();
    } catch (const db::ProfileSweepError& error) {
        showMessage(toQString(error.what()), true);
        return false;
    }
    showMessage(QStringLiteral("Checking the models, the backend and the store…"), false);
    m_runner->start(m_storePath, sweep);
    updateButtons();
    return true;
}

bool ProfilePage::resumeSweep()
{
    if (m_storePath.isEmpty() || isSweeping() || m_unfinished->currentIndex() < 0)
        return false;
    db::ProfileSweepRequest sweep;
    sweep.resumeSessionId = m_unfinished->currentData().value<qint64>();
    showMessage(QStringLiteral("Resuming session %1…").arg(sweep.resumeSessionId), false);
    m_runner->start(m_storePath, sweep);
    updateButtons();
    return true;
}

void ProfilePage::cancelSweep()
{
    if (!isSweeping())
        return;
    m_runner->cancel();
    showMessage(QStringLiteral("Cancelling: the current cell stops, the caps go back…"), false);
    updateButtons();
}

bool ProfilePage::isSweeping() const { return m_runner->isRunning(); }

void ProfilePage::onSweepStarted(const db::ProfileSweepStart& start)
{
    for (const core::ModelRecord& model : start.models)
        m_modelById[model.id] = { toQString(model.name), model.kind };
    m_sessionId = start.sessionId;
    m_selectedCellId = 0;
    m_cellsModel->clear();
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    m_eta->clear();
    QString text = QStringLiteral("Session %1: %2 model(s) × %3 cap(s) on %4 (%5)")
                       .arg(start.sessionId)
                       .arg(start.modelCount)
                       .arg(start.capsW.size())
                       .arg(toQString(start.backend), toQString(start.deviceDescription));
    if (start.emulated)
        text += QStringLiteral(" — emulated: every power and energy figure is modelled");
    if (!start.backendNote.empty())
        text += QStringLiteral("\nauto: ") % toQString(start.backendNote);
    showMessage(text, false);
    m_sessionLabel->setText(QStringLiteral("Session %1 · running · %2%3")
                                .arg(start.sessionId)
                                .arg(toQString(start.backend))
                                .arg(start.emulated ? QStringLiteral(" — emulated") : QString()));
    rebuildFilters();
    if (start.cellsAlreadyMeasured > 0)
        showSession(start.sessionId); // the cells measured before; new ones are appended meanwhile
    Q_EMIT sweepStarted(start.sessionId);
}

void ProfilePage::onCellMeasured(const core::ProfileCellRecord& cell)
{
    if (cell.sessionId != m_sessionId)
        return;
    const auto model = m_modelById.find(cell.modelId);
    ProfileCellRow row { cell, model != m_modelById.end() ? model->second.first : QStringLiteral("model#%1").arg(cell.modelId),
        model != m_modelById.end() ? model->second.second : core::ModelKind::Traditional };
    m_cellsModel->appendRow(std::move(row));
    // A new model, output or cap joins the filters without resetting the user's choice.
    rebuildFilters();
}

void ProfilePage::onProgress(int cellsDone, int cellsTotal)
{
    m_progress->setRange(0, std::max(cellsTotal, 1));
    m_progress->setValue(cellsDone);
    const double eta = m_runner->etaSeconds();
    m_eta->setText(eta < 0.0 ? QString() : QStringLiteral("about %1 left").arg(formatDuration(eta)));
}

void ProfilePage::onSweepEnded(qint64 sessionId, bool cancelled, std::size_t cells)
{
    m_currentCell->clear();
    m_eta->clear();
    showMessage(cancelled ? QStringLiteral("Cancelled: caps restored; the %1 cells of session %2 are kept — Resume "
                                           "finishes it")
                                .arg(cells)
                                .arg(sessionId)
                          : QStringLiteral("Session %1 complete: %2 cells").arg(sessionId).arg(cells),
        false);
    updateButtons();
    loadState(); // the unfinished list changed
    showSession(sessionId); // the session's status and every cell, as stored
    Q_EMIT sweepFinished(sessionId, cancelled);
}

void ProfilePage::onSweepFailed(const QString& message)
{
    m_currentCell->clear();
    m_eta->clear();
    showMessage(message, true);
    updateButtons();
    loadState();
    Q_EMIT sweepFailed(message);
}

void ProfilePage::updateButtons()
{
    const bool sweeping = isSweeping();
    const bool haveStore = !m_storePath.isEmpty();
    m_start->setEnabled(haveStore && !sweeping);
    m_resume->setEnabled(haveStore && !sweeping && m_unfinished->count() > 0);
    m_unfinished->setEnabled(!sweeping);
    m_cancel->setEnabled(sweeping && !m_runner->isCancelling());
    m_export->setEnabled(haveStore && m_sessionId != 0);
}

void ProfilePage::rebuildFilters()
{
    std::set<QString> models;
    std::set<int> outputs;
    std::set<double> caps;
    for (const ProfileCellRow& row : m_cellsModel->rows()) {
        models.insert(row.modelName);
        outputs.insert(row.cell.outputIndex);
        caps.insert(row.cell.powerCapW);
    }
    const auto refill = [](QComboBox* combo, const QString& all, const auto& values, const auto& text, const auto& data) {
        const QVariant kept = combo->currentData();
        const QSignalBlocker block(combo);
        combo->clear();
        combo->addItem(all);
        for (const auto& value : values)
            combo->addItem(text(value), data(value));
        const int index = kept.isValid() ? combo->findData(kept) : 0;
        combo->setCurrentIndex(index < 0 ? 0 : index);
    };
    refill(m_modelFilter, QStringLiteral("All models"), models, [](const QString& name) { return name; },
        [](const QString& name) { return QVariant(name); });
    refill(m_outputFilter, QStringLiteral("All outputs"), outputs, [](int output) { return QString::number(output); },
        [](int output) { return QVariant(output); });
    refill(m_capFilter, QStringLiteral("All caps"), caps, [](double capW) { return formatPowerW(capW); },
        [](double capW) { return QVariant(capW); });
    applyFilters();
}

void ProfilePage::applyFilters()
{
    const QVariant model = m_modelFilter->currentData();
    const QVariant output = m_outputFilter->currentData();
    const QVariant cap = m_capFilter->currentData();
    m_cellsFilter->setFilters(model.isValid() ? std::optional(model.toString()) : std::nullopt,
        output.isValid() ? std::optional(output.toInt()) : std::nullopt,
        cap.isValid() ? std::optional(cap.toDouble()) : std::nullopt);
}

void ProfilePage::exportTo(const QString& path, const QString& format)
{
    const auto chosen = exportFormat(format);
    if (!chosen) {
        const QString message = QStringLiteral("unknown export format '%1' (csv, json, markdown, latex)").arg(format);
        showMessage(message, true);
        Q_EMIT exportFailed(message);
        return;
    }
    if (m_storePath.isEmpty() || m_sessionId == 0) {
        const QString message = QStringLiteral("no profile session is shown: there is nothing to export");
        showMessage(message, true);
        Q_EMIT exportFailed(message);
        return;
    }
    db::ExportRequest request;
    request.table = db::ExportTable::Profiles;
    request.format = *chosen;
    request.sessionId = m_sessionId;
    const std::string target = path.toStdString();
    m_exporter->run<bool>(
        m_storePath,
        [request, target](db::Store& store) {
            // A temporary file renamed over the target: a failed export leaves no half-written file.
            core::AtomicFileWriter file(target);
            db::exportTable(store, request, file.stream());
            file.commit();
            return true;
        },
        [this, path](bool) {
            showMessage(QStringLiteral("Wrote %1").arg(path), false);
            Q_EMIT exported(path);
        },
        [this](const QString& message) {
            showMessage(message, true);
            Q_EMIT exportFailed(message);
        });
}

void ProfilePage::selectCell(qint64 cellId)
{
    if (cellId == m_selectedCellId && (cellId == 0 || m_table->selectionModel()->hasSelection()))
        return;
    m_selectedCellId = cellId;
    const int sourceRow = m_cellsModel->rowOfCell(cellId);
    QModelIndex index = sourceRow < 0 ? QModelIndex() : m_cellsFilter->mapFromSource(m_cellsModel->index(sourceRow, 0));
    if (sourceRow >= 0 && !index.isValid()) {
        // Filtered out: show every cell again rather than select something invisible.
        for (QComboBox* filter : { m_modelFilter, m_outputFilter, m_capFilter }) {
            const QSignalBlocker block(filter);
            filter->setCurrentIndex(0);
        }
        applyFilters();
        index = m_cellsFilter->mapFromSource(m_cellsModel->index(sourceRow, 0));
    }
    const QSignalBlocker block(m_table->selectionModel());
    if (!index.isValid()) {
        m_table->clearSelection();
        return;
    }
    m_table->selectionModel()->select(
        index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows | QItemSelectionModel::Current);
    m_table->scrollTo(index);
}

qint64 ProfilePage::selectedCellId() const { return m_selectedCellId; }

void ProfilePage::onTableSelectionChanged()
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    const qint64 cellId = rows.isEmpty() ? 0 : rows.first().data(ProfileCellsModel::CellIdRole).value<qint64>();
    if (cellId == m_selectedCellId)
        return;
    m_selectedCellId = cellId;
    Q_EMIT cellSelected(cellId);
}

void ProfilePage::showMessage(const QString& text, bool error)
{
    m_message->setText(text);
    // A red that reads on light and dark palettes; other messages keep the palette's text colour.
    m_message->setStyleSheet(error ? QStringLiteral("color: #c62828; font-weight: bold;") : QString());
}

} // namespace awb::ui
