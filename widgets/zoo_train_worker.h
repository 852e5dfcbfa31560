#pragma once

#include "database/zoo_train.h"

#include <QObject>
#include <QString>

#include <atomic>
#include <memory>

class QThread;

namespace awb::ui {

// How one Train Zoo job ended; immutable once delivered.
struct ZooTrainResult {
    QString storePath;
    // Empty when the job ran to its end or was cancelled; otherwise the one-line refusal or
    // failure (unknown model, Fashion-MNIST missing, the store refused, the weights not written).
    QString error;
    // What was trained and recorded (before a cancel too). Empty after a failure: models recorded
    // before it stay in the store and show up when the page reloads.
    db::ZooTrainOutcome outcome;
    QString modelsDir; // where the weights went
};

class ZooTrainJob;

// Trains zoo models into a store (db::trainZooIntoStore, the code behind `alertwb-cli train --zoo`)
// on a thread of its own with its own Store connection, so minutes of training never block the
// GUI and never hold up the Models page's loads. One job at a time; cancel() is checked by the
// trainer at every step, and a cancelled model leaves neither weights nor a row.
// Threading: create and call from the GUI thread; signals arrive on the GUI thread (queued).
class ZooTrainWorker : public QObject {
    Q_OBJECT

public:
    explicit ZooTrainWorker(QObject* parent = nullptr);
    // Cancels a job in flight and waits for it to stop (at most one training step or one
    // evaluation): the store must not be closed mid-write.
    ~ZooTrainWorker() override;

    // Starts training into `storePath`; returns false, starting nothing, while a job runs.
    bool start(const QString& storePath, const db::ZooTrainRequest& request);
    void cancel();
    bool isRunning() const { return m_running; }
    bool isCancelling() const { return m_running && m_cancel->load(); }

Q_SIGNALS:
    // fraction in [0, 1] over the whole job; message is the CLI's line ("cnn-xs: epoch 1/3, …").
    void progress(double fraction, const QString& message);
    void finished(std::shared_ptr<const awb::ui::ZooTrainResult> result);

private:
    void deliver(const std::shared_ptr<const ZooTrainResult>& result);

    QThread* m_thread = nullptr;
    std::unique_ptr<ZooTrainJob> m_job;
    // Set on the GUI thread, read by the trainer between steps.
    std::shared_ptr<std::atomic<bool>> m_cancel;
    bool m_running = false;
};

} // namespace awb::ui
