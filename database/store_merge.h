#pragma once

#include "database/store.h"

#include <cstdint>
#include <filesystem>

namespace awb::db {

struct MergeReport {
    std::int64_t devices = 0;
    std::int64_t datasets = 0;
    std::int64_t models = 0;
    std::int64_t profileSessions = 0;
    std::int64_t runs = 0;
    std::int64_t runSteps = 0;
};

// Brings everything of `other` that `target` lacks into `target` in one transaction, ids
// remapped; entities are matched by uid, so merging the same file twice adds nothing.
// `other` is validated like Store::open and never modified.
MergeReport mergeStore(Store& target, const std::filesystem::path& other);

} // namespace awb::db
