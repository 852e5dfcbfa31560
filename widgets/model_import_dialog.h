#pragma once

#include "database/model_import.h"

#include <QDialog>

class QCheckBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;

namespace awb::ui {

// Asks for what `alertwb-cli models import` takes: the TorchScript file (with a file picker),
// the name, the input shape N,C,H,W and whether the module follows the anytime convention.
// It validates nothing itself: Import emits importRequested() and the Models page runs the
// shared import (db::importModel) off the GUI thread, then calls setBusy()/showResult(), so the
// dialog stays responsive and shows the CLI's own one-line refusal. Not modal.
class ModelImportDialog : public QDialog {
    Q_OBJECT

public:
    explicit ModelImportDialog(QWidget* parent = nullptr);

    // The request as filled in; modelsDir is left empty (the page chooses it).
    db::ModelImportRequest request() const;
    void setRequest(const QString& file, const QString& name, const QString& inputShape, bool anytime);

    // While busy, the Import button is off and an indeterminate bar shows `line`.
    void setBusy(bool busy, const QString& line = {});
    // Off while the Models page trains the zoo: one job with LibTorch at a time.
    void setImportAllowed(bool allowed);
    // `message` is the refusal (red) or what was imported.
    void showResult(bool imported, const QString& message);
    QString messageText() const;
    bool isBusy() const { return m_busy; }

Q_SIGNALS:
    void importRequested(const awb::db::ModelImportRequest& request);

private:
    void chooseFile();
    void updateImportButton();

    QLineEdit* m_file = nullptr;
    QLineEdit* m_name = nullptr;
    QLineEdit* m_inputShape = nullptr;
    QCheckBox* m_anytime = nullptr;
    QProgressBar* m_busyBar = nullptr;
    QLabel* m_message = nullptr;
    QDialogButtonBox* m_buttons = nullptr;
    QPushButton* m_importButton = nullptr;
    bool m_busy = false;
    bool m_importAllowed = true;
};

} // namespace awb::ui
