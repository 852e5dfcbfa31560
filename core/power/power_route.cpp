#include "core/power/power_route.h"

#include "core/power/powerd_backend.h"
#include "core/power/rapl_backend.h"

#include <unistd.h>

namespace awb::core {

namespace {

    // Either an open backend that can set caps, or the reasons for passing over each route.
    struct RouteAttempt {
        std::unique_ptr<PowerBackend> backend;
        PowerRoute route;
    };

    RouteAttempt attempt()
    {
        RouteAttempt result;
        std::string raplWhy;
        try {
            auto rapl = std::make_unique<RaplBackend>();
            if (rapl->availability().canSetCap) {
                result.route = { PowerRoute::Kind::DirectSysfs, "direct sysfs", "" };
                result.backend = std::move(rapl);
                return result;
            }
            raplWhy = rapl->availability().reason;
        } catch (const PowerError& error) {
            raplWhy = error.what();
        }
        std::string powerdWhy;
        if (geteuid() == 0) {
            // Root that cannot write sysfs is a read-only tree or disabled limits: a root
            // daemon could not do more.
            powerdWhy = "not used when running as root";
        } else {
            try {
                auto helper = std::make_unique<PowerdBackend>();
                if (helper->availability().canSetCap) {
                    result.route = { PowerRoute::Kind::Powerd, "alertwb-powerd at " + helper->socket().string(), "" };
                    result.backend = std::move(helper);
                    return result;
                }
                powerdWhy = helper->availability().reason;
            } catch (const PowerError& error) {
                powerdWhy = error.what();
            }
        }
        result.route = { PowerRoute::Kind::None, "none", "rapl: " + raplWhy + "; alertwb-powerd: " + powerdWhy };
        return result;
    }

} // namespace

PowerRoute probePowerRoute() { return attempt().route; }

std::unique_ptr<PowerBackend> openRaplRoute(PowerRoute* route)
{
    auto result = attempt();
    if (route)
        *route = result.route;
    if (!result.backend)
        throw PowerError("cannot set RAPL power caps: " + result.route.reason);
    return std::move(result.backend);
}

} // namespace awb::core
