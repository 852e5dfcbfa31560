#pragma once

#include "core/system/doctor_report.h"

#include <QWidget>

class QFormLayout;
class QLabel;
class QPushButton;
class QTableWidget;
class QThread;

namespace awb::ui {

// The Device page: what this machine offers (the same facts as `alertwb-cli doctor`) — versions,
// CPU, host, display, and every power backend with whether it is usable, can set a cap, is
// emulated, and why not — plus the open store's path and schema version.
// collectDoctorReport() runs on a short-lived thread (it loads LibTorch and reads sysfs).
class DevicePage : public QWidget {
    Q_OBJECT

public:
    enum BackendColumn { NameColumn, UsableColumn, CanSetCapColumn, EmulatedColumn, DetailColumn, BackendColumnCount };

    explicit DevicePage(QWidget* parent = nullptr);
    ~DevicePage() override;

    void setReport(const core::DoctorReport& report);
    // An empty path means no store is open.
    void setStore(const QString& storePath, int schemaVersion);
    bool isCollecting() const { return m_collector != nullptr; }

    // For tests and for copying: the text shown for one fact ("torchVersion", "host", ...).
    QString fieldText(const QString& field) const;
    QTableWidget* backendTable() const { return m_backends; }

public Q_SLOTS:
    // Collects a fresh report off the GUI thread; reportChanged() follows.
    void refresh();

Q_SIGNALS:
    void reportChanged();

protected:
    // The first time the page is shown it collects a report, so a start-up that never
    // looks at the Device page never loads LibTorch for it.
    void showEvent(QShowEvent* event) override;

private:
    QLabel* addField(QFormLayout* form, const QString& field, const QString& label);

    QThread* m_collector = nullptr; // owned; non-null while a report is being collected
    bool m_hasReport = false;
    QLabel* m_error = nullptr;
    QPushButton* m_refreshButton = nullptr;
    QTableWidget* m_backends = nullptr;
};

} // namespace awb::ui
