#include "core/system/doctor_report.h"

#include "core/models/torch_runtime.h"
#include "core/system/host_info.h"

namespace awb::core {

DoctorReport collectDoctorReport()
{
    DoctorReport report;
    report.alertwbVersion = AWB_VERSION;
    report.torchVersion = torchVersion();
    report.torchThreads = torchThreads();
    report.cpuModel = cpuModelName();
    report.logicalCpus = logicalCpuCount();
    report.host = hostName();
    const DisplayInfo display = displayInfo();
    report.displayAvailable = display.available;
    report.displayDetail = display.detail;
    report.backends = probePowerBackends();
    report.powerRoute = probePowerRoute();
    return report;
}

} // namespace awb::core
