#include "widgets/profile_sweep_runner.h"

#include <QPointer>
#include <QThread>

namespace awb::ui {

namespace {

    // Lives on the sweep's thread; every report hops to the GUI thread through the runner.
    class QueuedObserver : public db::ProfileSweepObserver {
    public:
        QueuedObserver(ProfileSweepRunner* runner, std::shared_ptr<std::atomic<bool>> cancel)
            : m_runner(runner)
            , m_cancel(std::move(cancel))
        {
        }
        void onStarted(const db::ProfileSweepStart& start) override
        {
            post([start](ProfileSweepRunner* runner) { Q_EMIT runner->started(start); });
        }
        void onCell(const core::ProfileCellRecord& cell) override
        {
            post([cell](ProfileSweepRunner* runner) { Q_EMIT runner->cellMeasured(cell); });
        }
        void onProgress(const core::ProfileProgress& progress) override
        {
            const int done = static_cast<int>(progress.cellsDone);
            const int total = static_cast<int>(progress.cellsTotal);
            const QString message = QString::fromStdString(progress.message);
            post([done, total, message](ProfileSweepRunner* runner) { Q_EMIT runner->progressed(done, total, message); });
        }
        void onCellStarted(const std::string& cell) override
        {
            const QString text = QString::fromStdString(cell);
            post([text](ProfileSweepRunner* runner) { Q_EMIT runner->cellStarted(text); });
        }
        bool cancelRequested() override { return m_cancel->load(); }

        template <typename Emit> void post(Emit emit)
        {
            // The runner outlives the thread (its destructor waits), so `runner` is valid here;
            // a call still queued when it is destroyed is dropped by Qt.
            QMetaObject::invokeMethod(m_runner, [runner = m_runner, emit] { emit(runner); }, Qt::QueuedConnection);
        }

    private:
        ProfileSweepRunner* m_runner;
        std::shared_ptr<std::atomic<bool>> m_cancel;
    };

} // namespace

ProfileSweepRunner::ProfileSweepRunner(QObject* parent)
    : QObject(parent)
{
    // Connected before anyone else's slots, so those see the bookkeeping already updated and
    // isRunning() false once the sweep has ended.
    connect(this, &ProfileSweepRunner::started, this, [this] { m_clock.start(); });
    connect(this, &ProfileSweepRunner::cellMeasured, this, [this] { ++m_measuredNow; });
    connect(this, &ProfileSweepRunner::progressed, this, [this](int done, int total) {
        m_cellsDone = done;
        m_cellsTotal = total;
    });
    connect(this, &ProfileSweepRunner::finished, this, &ProfileSweepRunner::reapThread);
    connect(this, &ProfileSweepRunner::failed, this, &ProfileSweepRunner::reapThread);
}

ProfileSweepRunner::~ProfileSweepRunner()
{
    if (m_thread) {
        m_cancel->store(true);
        m_thread->wait();
    }
}

bool ProfileSweepRunner::start(const QString& storePath, const db::ProfileSweepRequest& request)
{
    if (m_thread)
        return false;
    m_cancel = std::make_shared<std::atomic<bool>>(false);
    m_measuredNow = 0;
    m_cellsDone = 0;
    m_cellsTotal = 0;
    m_clock.invalidate();

    auto cancel = m_cancel;
    m_thread = QThread::create([this, storePath, request, cancel] {
        QueuedObserver observer(this, cancel);
        try {
            db::Store store = db::Store::open(storePath.toStdString());
            db::ProfileSweepResult result = db::runProfileSweep(store, request, observer);
            observer.post([result](ProfileSweepRunner* runner) { Q_EMIT runner->finished(result); });
        } catch (const std::exception& error) {
            const QString message = QString::fromStdString(error.what()).simplified();
            observer.post([message](ProfileSweepRunner* runner) { Q_EMIT runner->failed(message); });
        }
    });
    m_thread->setObjectName(QStringLiteral("ProfileSweep"));
    m_thread->start();
    return true;
}

void ProfileSweepRunner::cancel()
{
    if (m_cancel)
        m_cancel->store(true);
}

double ProfileSweepRunner::etaSeconds() const
{
    if (m_measuredNow == 0 || !m_clock.isValid() || m_cellsTotal == 0)
        return -1.0;
    const double perCellS = static_cast<double>(m_clock.elapsed()) / 1000.0 / m_measuredNow;
    return perCellS * (m_cellsTotal - m_cellsDone);
}

void ProfileSweepRunner::reapThread()
{
    // The thread posted its last report and is returning: this wait is a few microseconds.
    m_thread->wait();
    delete m_thread;
    m_thread = nullptr;
}

} // namespace awb::ui
