#pragma once

#include "database/zoo_train.h"

#include <QDialog>

class QComboBox;
class QLabel;
class QListWidget;
class QPushButton;
class QSpinBox;

namespace awb::ui {

// Asks for what `alertwb-cli train --zoo` takes: which zoo models (all checked at first), epochs
// (0: each model's recommended), seed and the anytime training rule, and says where the weights
// go. It validates nothing itself: Train emits trainRequested() and closes; the Models page runs
// the shared training off the GUI thread and shows progress, Cancel and the result. Not modal.
class ZooTrainDialog : public QDialog {
    Q_OBJECT

public:
    explicit ZooTrainDialog(QWidget* parent = nullptr);

    // The request as filled in. Fields the dialog does not show (modelsDir, trainSamples,
    // osgdGlobal) come from the last setRequest(), else their defaults.
    db::ZooTrainRequest request() const;
    // Fills the form from `request` (an empty model list checks every model) and keeps its other
    // fields for request().
    void setRequest(const db::ZooTrainRequest& request);

    // Off while the Models page runs an import or a training: one job with LibTorch at a time.
    void setTrainAllowed(bool allowed);

    QListWidget* modelList() const { return m_models; }
    QPushButton* trainButton() const { return m_trainButton; }

Q_SIGNALS:
    void trainRequested(const awb::db::ZooTrainRequest& request);

protected:
    void showEvent(QShowEvent* event) override;

private:
    void updateTrainButton();
    // The default folder follows $XDG_DATA_HOME at the time the dialog is shown.
    void updateDestination();

    db::ZooTrainRequest m_base;
    QListWidget* m_models = nullptr;
    QSpinBox* m_epochs = nullptr;
    QSpinBox* m_seed = nullptr;
    QComboBox* m_rule = nullptr;
    QLabel* m_destination = nullptr;
    QPushButton* m_trainButton = nullptr;
    bool m_trainAllowed = true;
};

} // namespace awb::ui
