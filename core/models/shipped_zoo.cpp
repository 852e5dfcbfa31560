#include "core/models/shipped_zoo.h"

#include "core/system/resource_dir.h"
#include "core/system/sha256.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

namespace awb::core {

namespace {

    // Inverse of the store's packing (bit i of byte i/8, least significant first) from hex.
    std::vector<bool> unpackHexBits(const std::string& hex, std::size_t count, const std::string& where)
    {
        if (hex.size() != 2 * ((count + 7) / 8))
            throw std::runtime_error(where + ": correct_bits_hex has " + std::to_string(hex.size())
                + " digits for " + std::to_string(count) + " inputs");
        std::vector<bool> bits(count);
        for (std::size_t i = 0; i < count; ++i) {
            const std::size_t byteIndex = i / 8;
            const unsigned long byte = std::stoul(hex.substr(2 * byteIndex, 2), nullptr, 16);
            bits[i] = ((byte >> (i % 8)) & 1U) != 0;
        }
        return bits;
    }

    ShippedModel readModel(const nlohmann::json& entry, const std::filesystem::path& directory)
    {
        ShippedModel shipped;
        ModelRecord& model = shipped.model;
        model.name = entry.at("name").get<std::string>();
        model.kind = modelKindFromString(entry.at("kind").get<std::string>());
        model.source = "zoo";
        model.filePath = (directory / entry.at("file").get<std::string>()).string();
        model.fileSha256 = entry.at("sha256").get<std::string>();
        model.inputShape = entry.at("input_shape").get<std::string>();
        model.parameters = entry.at("parameters").get<std::int64_t>();
        model.createdAt = entry.at("trained_at").get<std::string>();
        // Stable across machines: every store that loads this file agrees on the model (merge).
        model.uid = "zoo-" + model.name + "-" + model.fileSha256.substr(0, 16);
        if (!std::filesystem::exists(model.filePath))
            throw std::runtime_error("shipped weights " + model.filePath + " are missing");
        if (sha256FileHex(model.filePath) != model.fileSha256)
            throw std::runtime_error("shipped weights " + model.filePath + " do not match the manifest's sha256");
        for (const nlohmann::json& output : entry.at("outputs")) {
            ModelOutputRecord record;
            record.index = output.at("index").get<int>();
            record.cumulativeMacs = output.at("cumulative_macs").get<std::int64_t>();
            record.cumulativeParameters = output.at("cumulative_parameters").get<std::int64_t>();
            record.testAccuracy = output.at("test_accuracy").get<double>();
            model.outputs.push_back(record);
            shipped.correctByOutput.push_back(unpackHexBits(output.at("correct_bits_hex").get<std::string>(),
                output.at("input_count").get<std::size_t>(), model.name + " output " + std::to_string(record.index)));
        }
        return shipped;
    }

} // namespace

std::filesystem::path shippedZooDirectory() { return resourceDirectory() / "models"; }

ShippedZoo readShippedZoo(const std::filesystem::path& directory)
{
    const std::filesystem::path manifestPath = directory / "manifest.json";
    std::ifstream file(manifestPath);
    if (!file)
        throw std::runtime_error("the shipped zoo manifest " + manifestPath.string() + " cannot be read");
    ShippedZoo zoo;
    zoo.directory = directory;
    try {
        const nlohmann::json manifest = nlohmann::json::parse(file);
        if (manifest.at("format").get<int>() != 1)
            throw std::runtime_error("unknown format " + manifest.at("format").dump());
        zoo.command = manifest.at("command").get<std::string>();
        zoo.seed = manifest.at("seed").get<std::uint64_t>();
        const nlohmann::json& dataset = manifest.at("dataset");
        zoo.dataset.uid = dataset.at("uid").get<std::string>();
        zoo.dataset.name = dataset.at("name").get<std::string>();
        zoo.dataset.split = dataset.at("split").get<std::string>();
        zoo.dataset.sampleCount = dataset.at("sample_count").get<std::int64_t>();
        zoo.dataset.source = "dataset-fashion-mnist";
        for (const nlohmann::json& entry : manifest.at("models"))
            zoo.models.push_back(readModel(entry, directory));
    } catch (const nlohmann::json::exception& error) {
        throw std::runtime_error("the shipped zoo manifest " + manifestPath.string() + " is malformed: " + error.what());
    } catch (const std::invalid_argument& error) {
        throw std::runtime_error("the shipped zoo manifest " + manifestPath.string() + " is malformed: " + error.what());
    }
    return zoo;
}

} // namespace awb::core
