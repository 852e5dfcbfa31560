#pragma once

#include "core/records/device_record.h"
#include "core/records/model_record.h"
#include "core/records/profile_record.h"
#include "database/store.h"

#include <cstdint>
#include <string>
#include <vector>

namespace awb::db {

// What a replay evaluation reads from the store: one profile session's cells, the models they
// measure (as stored: kind, outputs), the device, and the per-input correctness of every output of
// those models on the session's data set. Plain records, so the store layer needs nothing of
// core/control; `alertwb-cli evaluate` and the GUI's Compare page build their tables from it.
struct ReplaySource {
    core::ProfileSessionRecord session;
    core::DeviceRecord device;
    std::vector<core::ModelRecord> models; // in the order of their first cell
    std::vector<core::ProfileCellRecord> cells;
    // [model][output]: correct per test input, models in `models` order.
    std::vector<std::vector<std::vector<bool>>> correctness;
};

// sessionId 0: the newest complete session. modelNames empty: every model the session measured;
// otherwise those, in that order. Throws StoreError with one line: no such session (or no complete
// one), a name the session did not measure, a session without a data set or a model output
// without per-input correctness on it.
ReplaySource loadReplaySource(Store& store, std::int64_t sessionId, const std::vector<std::string>& modelNames = {});

} // namespace awb::db
