#pragma once

#include "core/records/device_record.h"
#include "core/records/model_record.h"

#include <filesystem>
#include <string>
#include <vector>

namespace awb::core {

// One trained model shipped in resources/models: its store row (id 0, filePath absolute) and
// the per-input correctness of each output on the data set, in output order.
struct ShippedModel {
    ModelRecord model;
    std::vector<std::vector<bool>> correctByOutput;
};

// The trained zoo that ships with the workbench, as scripts/ship-zoo.py wrote it.
struct ShippedZoo {
    std::filesystem::path directory;
    std::string command; // the exact training command
    std::uint64_t seed = 0;
    DatasetRecord dataset; // what the correctness bits index
    std::vector<ShippedModel> models;
};

// resourceDirectory()/models.
std::filesystem::path shippedZooDirectory();

// Reads `directory`/manifest.json and checks every weights file against its sha256. Throws
// std::runtime_error with one line naming the file: a missing manifest or weights file, a
// malformed manifest, a checksum mismatch.
ShippedZoo readShippedZoo(const std::filesystem::path& directory = shippedZooDirectory());

} // namespace awb::core
