#include "core/system/resource_dir.h"

#include <cstdlib>
#include <system_error>

namespace awb::core {

std::filesystem::path resourceDirectory()
{
    if (const char* overridden = std::getenv("ALERTWB_RESOURCE_DIR"); overridden != nullptr && *overridden != '\0')
        return overridden;
    std::error_code error;
    const std::filesystem::path executable = std::filesystem::read_symlink("/proc/self/exe", error);
    if (!error) {
        const std::filesystem::path installed = executable.parent_path().parent_path() / "share" / "alertwb";
        if (std::filesystem::is_directory(installed, error))
            return installed;
    }
    return AWB_SOURCE_RESOURCE_DIR;
}

} // namespace awb::core
