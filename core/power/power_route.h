#pragma once

#include "core/power/power_backend.h"

#include <memory>
#include <string>

namespace awb::core {

// How this process reaches the RAPL power limits: written directly in sysfs (root, or a
// powercap tree the user may write), through alertwb-powerd (not root, and the daemon's socket
// admits us), or not at all (then `reason` says why for both routes).
struct PowerRoute {
    enum class Kind { DirectSysfs, Powerd, None };
    Kind kind = Kind::None;
    std::string description; // "direct sysfs", "alertwb-powerd at /run/alertwb/powerd.sock", "none"
    std::string reason; // empty unless kind is None: "rapl: …; alertwb-powerd: …"
};

// What openRaplRoute would pick now, without keeping a connection. Never throws.
// Threading: no shared state.
PowerRoute probePowerRoute();

// Opens RAPL by the route probePowerRoute describes: RaplBackend when it can set caps, else
// (when not root) PowerdBackend on powerdSocketPath(). Throws PowerError naming both routes'
// reasons when neither can set caps. `route` receives the route taken.
std::unique_ptr<PowerBackend> openRaplRoute(PowerRoute* route = nullptr);

} // namespace awb::core
