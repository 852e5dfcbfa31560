#pragma once

#include "core/models/shipped_zoo.h"
#include "database/store.h"

#include <cstddef>

namespace awb::db {

// Records every shipped model whose name the store does not hold yet (a model trained or
// imported under that name wins), with its per-input correctness, each in one savepoint.
// Returns how many were added. Throws StoreError when the store cannot be written.
std::size_t installShippedModels(Store& store, const core::ShippedZoo& zoo);

} // namespace awb::db
