#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace awb::core {

// Integer attribute files of sysfs (and of the fake trees tests build), read and written with
// plain syscalls so errno reaches the message. Every failure throws PowerError with one line
// that names the file: "permission denied reading /sys/…/energy_uj (…)", "… does not exist".
// Threading: no shared state; safe from any thread.

std::int64_t readIntegerFile(const std::filesystem::path& file);
// std::nullopt when the file does not exist (optional attributes such as
// constraint_0_max_power_uw); other failures throw like readIntegerFile.
std::optional<std::int64_t> readOptionalIntegerFile(const std::filesystem::path& file);
// First line of a text attribute (`name`); throws when it cannot be read.
std::string readTextFile(const std::filesystem::path& file);
// Writes "<value>\n", replacing the content.
void writeIntegerFile(const std::filesystem::path& file, std::int64_t value);

} // namespace awb::core
