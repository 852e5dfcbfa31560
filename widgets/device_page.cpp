#include "widgets/device_page.h"

#include <QColor>
#include <QFont>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QShowEvent>
#include <QTableWidget>
#include <QThread>
#include <QVBoxLayout>

#include <exception>
#include <memory>

namespace awb::ui {

namespace {

    QString toQString(const std::string& text) { return QString::fromStdString(text); }

    QString yesNo(bool value) { return value ? QStringLiteral("yes") : QStringLiteral("no"); }

    QTableWidgetItem* readOnlyItem(const QString& text)
    {
        auto* item = new QTableWidgetItem(text);
        item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable);
        return item;
    }

    // What the collector thread hands back; written there, read here after it finished.
    struct CollectResult {
        core::DoctorReport report;
        QString error;
    };

} // namespace

DevicePage::DevicePage(QWidget* parent)
    : QWidget(parent)
    , m_error(new QLabel(this))
    , m_refreshButton(new QPushButton(QStringLiteral("Check again"), this))
    , m_backends(new QTableWidget(0, BackendColumnCount, this))
{
    auto* machineBox = new QGroupBox(QStringLiteral("This machine"), this);
    auto* machineForm = new QFormLayout(machineBox);
    addField(machineForm, QStringLiteral("alertwbVersion"), QStringLiteral("alertwb version:"));
    addField(machineForm, QStringLiteral("torchVersion"), QStringLiteral("LibTorch version:"));
    addField(machineForm, QStringLiteral("torchThreads"), QStringLiteral("LibTorch intra-op threads:"));
    addField(machineForm, QStringLiteral("cpu"), QStringLiteral("CPU:"));
    addField(machineForm, QStringLiteral("host"), QStringLiteral("Host:"));
    addField(machineForm, QStringLiteral("display"), QStringLiteral("Display:"));

    auto* storeBox = new QGroupBox(QStringLiteral("Store"), this);
    auto* storeForm = new QFormLayout(storeBox);
    addField(storeForm, QStringLiteral("storePath"), QStringLiteral("Path:"));
    addField(storeForm, QStringLiteral("schemaVersion"), QStringLiteral("Schema version:"));
    setStore(QString(), 0);

    m_backends->setObjectName(QStringLiteral("backendTable"));
    m_backends->setHorizontalHeaderLabels({ QStringLiteral("Power backend"), QStringLiteral("Usable"),
        QStringLiteral("Can set cap"), QStringLiteral("Emulated"), QStringLiteral("Reason / detail") });
    m_backends->verticalHeader()->hide();
    m_backends->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_backends->horizontalHeader()->setStretchLastSection(true);
    m_backends->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_backends->setWordWrap(true);

    m_error->setObjectName(QStringLiteral("deviceError"));
    m_error->setWordWrap(true);
    m_error->hide();
    connect(m_refreshButton, &QPushButton::clicked, this, &DevicePage::refresh);

    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_error, 1);
    buttons->addStretch();
    buttons->addWidget(m_refreshButton);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(machineBox);
    layout->addWidget(new QLabel(QStringLiteral("Power backends:"), this));
    layout->addWidget(m_backends, 1);
    layout->addWidget(storeBox);
    layout->addLayout(buttons);
}

DevicePage::~DevicePage()
{
    if (m_collector) {
        m_collector->wait();
        delete m_collector;
    }
}

QLabel* DevicePage::addField(QFormLayout* form, const QString& field, const QString& label)
{
    auto* value = new QLabel(QStringLiteral("—"), form->parentWidget());
    value->setObjectName(QStringLiteral("field_") % field);
    value->setTextInteractionFlags(Qt::TextSelectableByMouse);
    value->setWordWrap(true);
    form->addRow(label, value);
    return value;
}

QString DevicePage::fieldText(const QString& field) const
{
    const auto* label = findChild<QLabel*>(QStringLiteral("field_") % field);
    return label ? label->text() : QString();
}

void DevicePage::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    if (!m_hasReport)
        refresh();
}

void DevicePage::setReport(const core::DoctorReport& report)
{
    m_hasReport = true;
    const auto set = [this](const QString& field, const QString& text) {
        findChild<QLabel*>(QStringLiteral("field_") % field)->setText(text);
    };
    set(QStringLiteral("alertwbVersion"), toQString(report.alertwbVersion));
    set(QStringLiteral("torchVersion"), toQString(report.torchVersion));
    set(QStringLiteral("torchThreads"), QString::number(report.torchThreads));
    set(QStringLiteral("cpu"),
        QStringLiteral("%1 (%2 logical CPUs)").arg(toQString(report.cpuModel)).arg(report.logicalCpus));
    set(QStringLiteral("host"), toQString(report.host));
    set(QStringLiteral("display"),
        (report.displayAvailable ? QStringLiteral("available") : QStringLiteral("none")) % QStringLiteral(" — ")
            % toQString(report.displayDetail));

    m_backends->setRowCount(static_cast<int>(report.backends.size()));
    for (int row = 0; row < m_backends->rowCount(); ++row) {
        const core::BackendAvailability& backend = report.backends[static_cast<std::size_t>(row)];
        m_backends->setItem(row, NameColumn, readOnlyItem(toQString(backend.name)));
        m_backends->setItem(row, UsableColumn, readOnlyItem(yesNo(backend.usable)));
        m_backends->setItem(row, CanSetCapColumn, readOnlyItem(yesNo(backend.canSetCap)));
        auto* emulated
            = readOnlyItem(backend.emulated ? QStringLiteral("yes — power is modelled, not measured") : yesNo(false));
        if (backend.emulated) {
            QFont bold = emulated->font();
            bold.setBold(true);
            emulated->setFont(bold);
            emulated->setForeground(QColor(0xb3, 0x5c, 0x00));
        }
        m_backends->setItem(row, EmulatedColumn, emulated);
        // The reason is what a user must act on; the detail is what was found.
        const QString reason = toQString(backend.reason);
        const QString detail = toQString(backend.detail);
        auto* text = readOnlyItem(reason.isEmpty() ? detail : reason);
        text->setToolTip(
            QStringLiteral("Reason: %1\nDetail: %2")
                .arg(reason.isEmpty() ? QStringLiteral("—") : reason, detail.isEmpty() ? QStringLiteral("—") : detail));
        m_backends->setItem(row, DetailColumn, text);
    }
    m_backends->resizeRowsToContents();
    Q_EMIT reportChanged();
}

void DevicePage::setStore(const QString& storePath, int schemaVersion)
{
    const bool open = !storePath.isEmpty();
    findChild<QLabel*>(QStringLiteral("field_storePath"))->setText(open ? storePath : QStringLiteral("no store open"));
    findChild<QLabel*>(QStringLiteral("field_schemaVersion"))
        ->setText(open ? QString::number(schemaVersion) : QStringLiteral("—"));
}

void DevicePage::refresh()
{
    if (m_collector)
        return;
    auto result = std::make_shared<CollectResult>();
    m_collector = QThread::create([result] {
        try {
            result->report = core::collectDoctorReport();
        } catch (const std::exception& error) {
            result->error = QString::fromStdString(error.what());
        }
    });
    m_refreshButton->setEnabled(false);
    // finished() is emitted on the collector thread; the lambda runs queued on the GUI thread.
    connect(m_collector, &QThread::finished, this, [this, result] {
        m_collector->wait();
        delete m_collector;
        m_collector = nullptr;
        m_refreshButton->setEnabled(true);
        m_error->setVisible(!result->error.isEmpty());
        if (!result->error.isEmpty()) {
            m_error->setText(QStringLiteral("Could not examine this machine: %1").arg(result->error));
            Q_EMIT reportChanged();
            return;
        }
        setReport(result->report);
    });
    m_collector->start();
}

} // namespace awb::ui
