#pragma once

#include <chrono>
#include <string>

namespace awb::core {

// "2026-11-26T11:14:49Z": the timestamp format of the store and of exports (UTC, seconds).
std::string isoTimeUtc(std::chrono::system_clock::time_point when);
std::string isoTimeUtcNow();

} // namespace awb::core
