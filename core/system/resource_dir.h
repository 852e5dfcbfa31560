#pragma once

#include <filesystem>

namespace awb::core {

// Where the files shipped with the workbench are (the trained zoo in models/):
// $ALERTWB_RESOURCE_DIR when set and non-empty; else <executable>/../share/alertwb when it
// exists (an installed package); else the source tree's resources/ this build came from.
// Threading: any thread.
std::filesystem::path resourceDirectory();

} // namespace awb::core
