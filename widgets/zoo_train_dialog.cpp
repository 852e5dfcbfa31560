#include "widgets/zoo_train_dialog.h"

#include "core/models/zoo.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

#include <algorithm>
#include <limits>

namespace awb::ui {

namespace {

    constexpr int kNameRole = Qt::UserRole;
    constexpr int kMaxEpochs = 1000;

    // The rules `train --zoo --rule` accepts, in its order of preference (osgd is its default).
    const core::TrainingRule kRules[]
        = { core::TrainingRule::Osgd, core::TrainingRule::SummedLoss, core::TrainingRule::AdaptiveBalancing };

    QString entryTooltip(const core::ZooEntry& entry)
    {
        return QStringLiteral("%1, %2 output(s), %3 epoch(s) recommended")
            .arg(QString::fromUtf8(core::toString(entry.kind)))
            .arg(entry.numOutputs)
            .arg(entry.recommendedEpochs);
    }

} // namespace

ZooTrainDialog::ZooTrainDialog(QWidget* parent)
    : QDialog(parent)
    , m_models(new QListWidget(this))
    , m_epochs(new QSpinBox(this))
    , m_seed(new QSpinBox(this))
    , m_rule(new QComboBox(this))
    , m_destination(new QLabel(this))
{
    setWindowTitle(QStringLiteral("Train Zoo Models"));
    m_models->setObjectName(QStringLiteral("trainModels"));
    for (const core::ZooEntry& entry : core::zooEntries()) {
        auto* item = new QListWidgetItem(
            QString::fromStdString(entry.name) % QStringLiteral(" — ") % QString::fromStdString(entry.description),
            m_models);
        item->setData(kNameRole, QString::fromStdString(entry.name));
        item->setToolTip(entryTooltip(entry));
        item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable);
        item->setCheckState(Qt::Checked);
    }

    m_epochs->setObjectName(QStringLiteral("trainEpochs"));
    m_epochs->setRange(0, kMaxEpochs);
    m_epochs->setSpecialValueText(QStringLiteral("recommended")); // shown for 0
    m_epochs->setToolTip(QStringLiteral("Epochs per model; \"recommended\" uses each model's own (3 to 5)"));
    m_seed->setObjectName(QStringLiteral("trainSeed"));
    m_seed->setRange(0, std::numeric_limits<int>::max());
    m_seed->setToolTip(QStringLiteral("Weight initialisation and shuffling seed"));
    m_rule->setObjectName(QStringLiteral("trainRule"));
    for (const core::TrainingRule rule : kRules)
        m_rule->addItem(QString::fromUtf8(core::toString(rule)), static_cast<int>(rule));
    m_rule->setToolTip(QStringLiteral("How an anytime model's output losses become one update; "
                                      "a one-output model trains with plain SGD whatever the rule"));
    m_destination->setObjectName(QStringLiteral("trainDestination"));
    m_destination->setWordWrap(true);
    m_destination->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* form = new QFormLayout;
    form->addRow(QStringLiteral("Epochs:"), m_epochs);
    form->addRow(QStringLiteral("Seed:"), m_seed);
    form->addRow(QStringLiteral("Anytime rule:"), m_rule);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    m_trainButton = buttons->addButton(QStringLiteral("&Train"), QDialogButtonBox::AcceptRole);
    m_trainButton->setObjectName(QStringLiteral("trainButton"));
    connect(m_trainButton, &QPushButton::clicked, this, [this] {
        Q_EMIT trainRequested(request());
        accept();
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_models, &QListWidget::itemChanged, this, &ZooTrainDialog::updateTrainButton);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(new QLabel(QStringLiteral("Models to train on Fashion-MNIST:"), this));
    layout->addWidget(m_models, 1);
    layout->addLayout(form);
    layout->addWidget(m_destination);
    layout->addWidget(buttons);
    setRequest(db::ZooTrainRequest {});
}

db::ZooTrainRequest ZooTrainDialog::request() const
{
    db::ZooTrainRequest request = m_base;
    request.models.clear();
    for (int row = 0; row < m_models->count(); ++row) {
        const QListWidgetItem* item = m_models->item(row);
        if (item->checkState() == Qt::Checked)
            request.models.push_back(item->data(kNameRole).toString().toStdString());
    }
    request.epochs = m_epochs->value();
    request.seed = static_cast<std::uint64_t>(m_seed->value());
    request.rule = static_cast<core::TrainingRule>(m_rule->currentData().toInt());
    return request;
}

void ZooTrainDialog::setRequest(const db::ZooTrainRequest& request)
{
    m_base = request;
    for (int row = 0; row < m_models->count(); ++row) {
        QListWidgetItem* item = m_models->item(row);
        const std::string name = item->data(kNameRole).toString().toStdString();
        const bool chosen = request.models.empty()
            || std::find(request.models.begin(), request.models.end(), name) != request.models.end();
        item->setCheckState(chosen ? Qt::Checked : Qt::Unchecked);
    }
    m_epochs->setValue(std::clamp(request.epochs, 0, kMaxEpochs));
    m_seed->setValue(static_cast<int>(std::min<std::uint64_t>(request.seed, std::numeric_limits<int>::max())));
    const int rule = m_rule->findData(static_cast<int>(request.rule));
    m_rule->setCurrentIndex(rule >= 0 ? rule : 0);
    updateDestination();
    updateTrainButton();
}

void ZooTrainDialog::showEvent(QShowEvent* event)
{
    updateDestination();
    QDialog::showEvent(event);
}

void ZooTrainDialog::updateDestination()
{
    const std::filesystem::path modelsDir = m_base.modelsDir.empty() ? db::defaultZooModelsDir() : m_base.modelsDir;
    m_destination->setText(QStringLiteral("Weights go to %1 (replacing a file of the same name); each model "
                                          "becomes a new version in the store.")
                               .arg(QString::fromStdString(modelsDir.string())));
}

void ZooTrainDialog::setTrainAllowed(bool allowed)
{
    m_trainAllowed = allowed;
    updateTrainButton();
}

void ZooTrainDialog::updateTrainButton()
{
    bool anyChecked = false;
    for (int row = 0; row < m_models->count() && !anyChecked; ++row)
        anyChecked = m_models->item(row)->checkState() == Qt::Checked;
    m_trainButton->setEnabled(m_trainAllowed && anyChecked);
}

} // namespace awb::ui
