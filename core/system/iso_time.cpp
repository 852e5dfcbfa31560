#include "core/system/iso_time.h"

#include <ctime>

namespace awb::core {

std::string isoTimeUtc(std::chrono::system_clock::time_point when)
{
    const std::time_t seconds = std::chrono::system_clock::to_time_t(when);
    std::tm utc {};
    gmtime_r(&seconds, &utc);
    char buffer[32];
    const auto length = std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return std::string(buffer, length);
}

std::string isoTimeUtcNow()
{
    return isoTimeUtc(std::chrono::system_clock::now());
}

} // namespace awb::core
