#include "widgets/model_import_dialog.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QToolButton>
#include <QVBoxLayout>

namespace awb::ui {

ModelImportDialog::ModelImportDialog(QWidget* parent)
    : QDialog(parent)
    , m_file(new QLineEdit(this))
    , m_name(new QLineEdit(this))
    , m_inputShape(new QLineEdit(QStringLiteral("1,1,28,28"), this))
    , m_anytime(new QCheckBox(QStringLiteral("Anytime module (num_outputs and forward_stage)"), this))
    , m_busyBar(new QProgressBar(this))
    , m_message(new QLabel(this))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Close, this))
{
    setWindowTitle(QStringLiteral("Import TorchScript Model"));
    m_file->setObjectName(QStringLiteral("importFile"));
    m_name->setObjectName(QStringLiteral("importName"));
    m_inputShape->setObjectName(QStringLiteral("importInputShape"));
    m_anytime->setObjectName(QStringLiteral("importAnytime"));
    m_name->setPlaceholderText(QStringLiteral("letters, digits, '.', '_', '-'"));
    m_inputShape->setToolTip(QStringLiteral("N,C,H,W of the input the import runs to check the model; "
                                            "1,1,28,28 is Fashion-MNIST's and is evaluated on its test set"));

    auto* browse = new QToolButton(this);
    browse->setText(QStringLiteral("…"));
    browse->setToolTip(QStringLiteral("Choose a TorchScript file"));
    connect(browse, &QToolButton::clicked, this, &ModelImportDialog::chooseFile);
    auto* fileRow = new QHBoxLayout;
    fileRow->addWidget(m_file, 1);
    fileRow->addWidget(browse);

    auto* form = new QFormLayout;
    form->addRow(QStringLiteral("TorchScript file:"), fileRow);
    form->addRow(QStringLiteral("Name:"), m_name);
    form->addRow(QStringLiteral("Input shape:"), m_inputShape);
    form->addRow(QString(), m_anytime);

    m_busyBar->setRange(0, 0); // indeterminate: the import reports lines, not a fraction
    m_busyBar->setTextVisible(false);
    m_busyBar->hide();
    m_message->setObjectName(QStringLiteral("importMessage"));
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_importButton = m_buttons->addButton(QStringLiteral("&Import"), QDialogButtonBox::AcceptRole);
    m_importButton->setObjectName(QStringLiteral("importButton"));
    // Accepting would close the dialog; the import's result is shown here instead.
    connect(m_importButton, &QPushButton::clicked, this, [this] { Q_EMIT importRequested(request()); });
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_file, &QLineEdit::textChanged, this, &ModelImportDialog::updateImportButton);
    connect(m_name, &QLineEdit::textChanged, this, &ModelImportDialog::updateImportButton);
    connect(m_inputShape, &QLineEdit::textChanged, this, &ModelImportDialog::updateImportButton);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_busyBar);
    layout->addWidget(m_message);
    layout->addWidget(m_buttons);
    updateImportButton();
}

db::ModelImportRequest ModelImportDialog::request() const
{
    db::ModelImportRequest request;
    request.file = m_file->text().trimmed().toStdString();
    request.name = m_name->text().trimmed().toStdString();
    request.inputShape = m_inputShape->text().trimmed().toStdString();
    request.anytime = m_anytime->isChecked();
    return request;
}

void ModelImportDialog::setRequest(const QString& file, const QString& name, const QString& inputShape, bool anytime)
{
    m_file->setText(file);
    m_name->setText(name);
    m_inputShape->setText(inputShape);
    m_anytime->setChecked(anytime);
}

void ModelImportDialog::setBusy(bool busy, const QString& line)
{
    m_busy = busy;
    m_busyBar->setVisible(busy);
    if (busy) {
        m_message->setStyleSheet(QString());
        m_message->setText(line.isEmpty() ? QStringLiteral("Importing…") : line);
    }
    updateImportButton();
}

void ModelImportDialog::setImportAllowed(bool allowed)
{
    m_importAllowed = allowed;
    updateImportButton();
}

void ModelImportDialog::showResult(bool imported, const QString& message)
{
    setBusy(false);
    m_message->setStyleSheet(imported ? QString() : QStringLiteral("color: #b00020;"));
    m_message->setText(message);
}

QString ModelImportDialog::messageText() const { return m_message->text(); }

void ModelImportDialog::chooseFile()
{
    const QString start = m_file->text().isEmpty() ? QString() : QFileInfo(m_file->text()).absolutePath();
    const QString file = QFileDialog::getOpenFileName(
        this, QStringLiteral("TorchScript file"), start, QStringLiteral("TorchScript (*.pt *.pth);;All files (*)"));
    if (file.isEmpty())
        return;
    m_file->setText(file);
    if (m_name->text().isEmpty())
        m_name->setText(QFileInfo(file).completeBaseName());
}

void ModelImportDialog::updateImportButton()
{
    // Empty fields are the only thing checked here; everything else is the shared import's call.
    m_importButton->setEnabled(!m_busy && m_importAllowed && !m_file->text().trimmed().isEmpty()
        && !m_name->text().trimmed().isEmpty() && !m_inputShape->text().trimmed().isEmpty());
}

} // namespace awb::ui
