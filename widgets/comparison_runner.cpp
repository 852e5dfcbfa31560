#include "widgets/comparison_runner.h"

#include <QPointer>
#include <QThread>

namespace awb::ui {

namespace {

    QString progressMessage(const db::ComparisonProgress& progress)
    {
        return QStringLiteral("Setting %1 of %2, environment %3 of %4 (%5)")
            .arg(progress.settingsDone)
            .arg(progress.settingsTotal)
            .arg(progress.environment + 1)
            .arg(progress.environments)
            .arg(QString::fromStdString(progress.environmentName));
    }

} // namespace

ComparisonRunner::ComparisonRunner(QObject* parent)
    : QObject(parent)
{
    // Connected before anyone else's slots, so those see isRunning() false once it has ended.
    connect(this, &ComparisonRunner::finished, this, &ComparisonRunner::reapThread);
    connect(this, &ComparisonRunner::cancelled, this, &ComparisonRunner::reapThread);
    connect(this, &ComparisonRunner::failed, this, &ComparisonRunner::reapThread);
}

ComparisonRunner::~ComparisonRunner()
{
    if (m_thread) {
        m_cancel->store(true);
        m_thread->wait();
        delete m_thread;
    }
}

bool ComparisonRunner::start(const QString& storePath, const db::ComparisonRequest& request)
{
    if (m_thread)
        return false;
    m_cancel = std::make_shared<std::atomic<bool>>(false);
    auto cancel = m_cancel;
    // The runner outlives the thread (its destructor waits), so `this` is valid in the posted
    // calls; one still queued when it is destroyed is dropped by Qt.
    const auto post = [this](auto emit) {
        QMetaObject::invokeMethod(this, [runner = this, emit] { emit(runner); }, Qt::QueuedConnection);
    };
    m_thread = QThread::create([storePath, request, cancel, post] {
        try {
            db::Store store = db::Store::open(storePath.toStdString());
            const auto progress = [&](const db::ComparisonProgress& step) {
                // Settings done over every environment, so the bar runs once from 0 to the end.
                const int total = step.settingsTotal * static_cast<int>(step.environments);
                const int done = step.settingsTotal * static_cast<int>(step.environment) + step.settingsDone;
                const QString message = progressMessage(step);
                post([done, total, message](ComparisonRunner* runner) { Q_EMIT runner->progressed(done, total, message); });
            };
            db::ComparisonResult result
                = db::runComparison(store, request, progress, [cancel] { return cancel->load(); });
            post([result = std::move(result)](ComparisonRunner* runner) { Q_EMIT runner->finished(result); });
        } catch (const core::EvaluationCancelled&) {
            post([](ComparisonRunner* runner) { Q_EMIT runner->cancelled(); });
        } catch (const std::exception& error) {
            const QString message = QString::fromStdString(error.what()).simplified();
            post([message](ComparisonRunner* runner) { Q_EMIT runner->failed(message); });
        }
    });
    m_thread->setObjectName(QStringLiteral("Comparison"));
    m_thread->start();
    return true;
}

void ComparisonRunner::cancel()
{
    if (m_cancel)
        m_cancel->store(true);
}

void ComparisonRunner::reapThread()
{
    // The thread posted its last report and is returning: this wait is a few microseconds.
    m_thread->wait();
    delete m_thread;
    m_thread = nullptr;
}

} // namespace awb::ui
