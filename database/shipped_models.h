#pragma once

#include "core/models/shipped_zoo.h"
#include "database/store.h"

#include <cstddef>
#include <filesystem>
#include <string>

namespace awb::db {

// Records every shipped model whose name the store does not hold yet (a model trained or
// imported under that name wins), with its per-input correctness, each in one savepoint.
// Returns how many were added. Throws StoreError when the store cannot be written.
std::size_t installShippedModels(Store& store, const core::ShippedZoo& zoo);

struct ShippedModelsOutcome {
    std::size_t added = 0; // 0 after a failure part-way (the models recorded before it stay)
    std::filesystem::path directory; // where the shipped zoo was looked for
    std::string warning; // one line when the shipped zoo is there but unreadable; empty otherwise
};

// What every command and page that needs models does on opening a store (`models list`, the
// GUI's Models page): records the shipped zoo of `directory` when its manifest exists (a build
// without it has nothing to add), else nothing. A malformed manifest or weights file becomes
// `warning` and the store keeps what it had; so does a store that cannot be written (a read-only
// file still lists its models).
ShippedModelsOutcome installShippedModelsIfPresent(
    Store& store, const std::filesystem::path& directory = core::shippedZooDirectory());

} // namespace awb::db
