#pragma once

#include "database/comparison.h"

#include <QObject>
#include <QString>

#include <atomic>
#include <memory>

class QThread;

namespace awb::ui {

// Runs one db::runComparison at a time on a thread of its own, with its own Store connection,
// and reports on the GUI thread. Cancel is honoured before each goal setting; a cancelled
// comparison reports cancelled() and no result, so nothing partial is ever shown as complete.
// Threading: create and call from the GUI thread; signals are emitted on the GUI thread.
class ComparisonRunner : public QObject {
    Q_OBJECT

public:
    explicit ComparisonRunner(QObject* parent = nullptr);
    ~ComparisonRunner() override; // cancels and waits for the replay thread

    // False (and nothing starts) while a comparison runs.
    bool start(const QString& storePath, const db::ComparisonRequest& request);
    void cancel();
    bool isRunning() const { return m_thread != nullptr; }

Q_SIGNALS:
    // Over every environment: settingsDone of settingsTotal goal settings replayed; `message`
    // reads "Setting k of n, environment e of E (name)".
    void progressed(int settingsDone, int settingsTotal, const QString& message);
    void finished(const awb::db::ComparisonResult& result);
    void cancelled();
    // Refused or failed: one line.
    void failed(const QString& message);

private:
    void reapThread();

    QThread* m_thread = nullptr;
    std::shared_ptr<std::atomic<bool>> m_cancel;
};

} // namespace awb::ui
