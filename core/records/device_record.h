#pragma once

#include <cstdint>
#include <string>

namespace awb::core {

// The machine a profile or run was measured on. `backend` is the power backend that
// produced the numbers ("rapl", "nvml" or "emulated"); `emulationJson` holds the
// emulated DVFS model parameters (empty for real backends) so every number can be traced.
struct DeviceRecord {
    std::int64_t id = 0;
    std::string uid; // stable across stores; merge matches on it
    std::string host;
    std::string cpuModel;
    std::string gpuModel;
    std::string backend;
    std::string emulationJson;
    std::string createdAt; // ISO-8601 UTC

    bool isEmulated() const { return backend == "emulated"; }
};

// A data set a model was evaluated on (e.g. Fashion-MNIST, test split).
struct DatasetRecord {
    std::int64_t id = 0;
    std::string uid;
    std::string name;
    std::string split;
    std::int64_t sampleCount = 0;
    std::string source; // path or package it was read from
};

} // namespace awb::core
