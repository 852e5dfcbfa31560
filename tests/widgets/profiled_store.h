#pragma once
// A store holding the shipped zoo and a real, short profile of some of its models on the emulated
// backend: what the live-run widget tests start from.

#include "database/profile_sweep.h"
#include "database/shipped_models.h"

#include <gtest/gtest.h>
#include <string>
#include <vector>

namespace awb::test {

inline void profileShippedModels(const std::string& storePath, const std::vector<std::string>& models,
    const std::vector<double>& capsW = { 20.0, 65.0 })
{
    auto store = db::Store::open(storePath);
    ASSERT_EQ(db::installShippedModelsIfPresent(store).added, 6U);
    db::ProfileSweepRequest sweep;
    sweep.modelNames = models;
    sweep.capsW = capsW;
    sweep.backend = "emulated";
    sweep.warmup = 2;
    sweep.replicates = 20;
    sweep.evalSamples = 500;
    db::ProfileSweepObserver quiet;
    db::runProfileSweep(store, sweep, quiet);
}

} // namespace awb::test
