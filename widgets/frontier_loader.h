#pragma once

#include "widgets/frontier_data.h"

#include <QObject>
#include <QString>

#include <memory>
#include <vector>

namespace awb::ui {

// One profile session's cells as the Frontier page plots them; immutable once delivered.
struct FrontierSnapshot {
    quint64 jobId = 0;
    QString storePath;
    qint64 sessionId = 0;
    QString sessionStatus; // "complete", "running", …
    QString startedAt;
    QString deviceHost;
    QString backend;
    bool emulated = false;
    std::vector<FrontierCell> cells;
};

class StoreReader;

// Reads a session's cells, its device and its models' names and kinds on a worker thread with
// its own Store connection. Each load() supersedes the previous one: a superseded job's result
// is dropped, so the page shows the session it asked for last.
// Threading: create and call from the GUI thread; signals arrive on the GUI thread (queued).
class FrontierLoader : public QObject {
    Q_OBJECT

public:
    explicit FrontierLoader(QObject* parent = nullptr);
    ~FrontierLoader() override;

    // Returns the new job's id (never 0).
    quint64 load(const QString& storePath, qint64 sessionId);
    void cancel();
    bool isLoading() const;

Q_SIGNALS:
    void loaded(std::shared_ptr<const awb::ui::FrontierSnapshot> snapshot);
    // `message` is one line: the store's reason, or a session that does not exist.
    void loadFailed(const QString& message);

private:
    StoreReader* m_reader = nullptr;
};

} // namespace awb::ui
