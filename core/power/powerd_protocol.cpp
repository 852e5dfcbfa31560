#include "core/power/powerd_protocol.h"

#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>

namespace awb::core::powerd {

namespace {

    using nlohmann::json;

    struct OperationSpec {
        Operation operation;
        std::string_view name;
    };

    constexpr std::array kOperations {
        OperationSpec { Operation::Ping, "ping" },
        OperationSpec { Operation::List, "list" },
        OperationSpec { Operation::SetRaplLimit, "set_rapl_limit" },
        OperationSpec { Operation::SetNvmlLimit, "set_nvml_limit" },
        OperationSpec { Operation::ReadEnergy, "read_energy" },
    };

    // The fields each operation takes besides "op"; anything else is refused, so that a typo
    // (limit_w for limit_uw) never passes silently.
    bool fieldAllowed(Operation operation, const std::string& field)
    {
        switch (operation) {
        case Operation::Ping:
        case Operation::List:
            return false;
        case Operation::SetRaplLimit:
            return field == "zone" || field == "limit_uw";
        case Operation::SetNvmlLimit:
            return field == "gpu" || field == "limit_mw";
        case Operation::ReadEnergy:
            return field == "zone" || field == "gpu";
        }
        return false;
    }

    // Zone names are what RAPL writes in `name` (package-0): letters, digits, '-' and '_'. No
    // '/' or '.', so a name can never be turned into a path.
    std::string zoneArgument(const json& object)
    {
        const auto it = object.find("zone");
        if (it == object.end())
            throw ProtocolError("missing \"zone\" (a RAPL zone name such as \"package-0\")");
        if (!it->is_string())
            throw ProtocolError("\"zone\" must be a string such as \"package-0\"");
        const auto& zone = it->get_ref<const std::string&>();
        const bool valid
            = !zone.empty() && zone.size() <= kMaxZoneNameLength && std::all_of(zone.begin(), zone.end(), [](char c) {
                  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'
                      || c == '_';
              });
        if (!valid)
            throw ProtocolError("\"zone\" must be a RAPL zone name of letters, digits, '-' and '_' (at most 64)");
        return zone;
    }

    // A JSON integer (not a float, not a string) in [minimum, maximum].
    std::int64_t integerArgument(const json& object, const char* field, std::int64_t minimum, std::int64_t maximum)
    {
        const auto it = object.find(field);
        if (it == object.end())
            throw ProtocolError(std::string("missing \"") + field + "\"");
        if (!it->is_number_integer())
            throw ProtocolError(std::string("\"") + field + "\" must be an integer");
        // Unsigned values above INT64_MAX are out of range whatever the bounds.
        if (it->is_number_unsigned() && it->get<std::uint64_t>() > static_cast<std::uint64_t>(maximum))
            throw ProtocolError(std::string("\"") + field + "\" is out of range");
        const auto value = it->get<std::int64_t>();
        if (value < minimum || value > maximum) {
            throw ProtocolError(std::string("\"") + field + "\" must be between " + std::to_string(minimum) + " and "
                + std::to_string(maximum));
        }
        return value;
    }

    unsigned int gpuArgument(const json& object)
    {
        return static_cast<unsigned int>(integerArgument(object, "gpu", 0, kMaxGpuIndex));
    }

} // namespace

Request Request::withOperation(Operation operation)
{
    Request request;
    request.operation = operation;
    return request;
}

Request Request::setRaplLimit(std::string zone, std::int64_t limitUw)
{
    Request request = withOperation(Operation::SetRaplLimit);
    request.zone = std::move(zone);
    request.limitUw = limitUw;
    return request;
}

Request Request::setNvmlLimit(unsigned int gpu, std::int64_t limitMw)
{
    Request request = withOperation(Operation::SetNvmlLimit);
    request.gpu = gpu;
    request.limitMw = limitMw;
    return request;
}

Request Request::readZoneEnergy(std::string zone)
{
    Request request = withOperation(Operation::ReadEnergy);
    request.zone = std::move(zone);
    return request;
}

std::string_view operationName(Operation operation)
{
    for (const auto& spec : kOperations) {
        if (spec.operation == operation)
            return spec.name;
    }
    return "unknown";
}

Request parseRequest(std::string_view line)
{
    if (line.size() > kMaxRequestBytes)
        throw ProtocolError("request longer than " + std::to_string(kMaxRequestBytes) + " bytes");
    const json object = json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (object.is_discarded())
        throw ProtocolError("request is not valid JSON");
    if (!object.is_object())
        throw ProtocolError("request must be a JSON object");
    const auto op = object.find("op");
    if (op == object.end() || !op->is_string())
        throw ProtocolError("request needs \"op\" (ping, list, set_rapl_limit, set_nvml_limit, read_energy)");
    const auto spec = std::find_if(kOperations.begin(), kOperations.end(),
        [&op](const OperationSpec& candidate) { return candidate.name == op->get_ref<const std::string&>(); });
    if (spec == kOperations.end())
        throw ProtocolError("unknown op (ping, list, set_rapl_limit, set_nvml_limit, read_energy)");

    Request request;
    request.operation = spec->operation;
    for (const auto& [field, value] : object.items()) {
        if (field != "op" && !fieldAllowed(request.operation, field))
            throw ProtocolError("unexpected field for " + std::string(spec->name) + " (allowed: op and its arguments)");
    }
    switch (request.operation) {
    case Operation::Ping:
    case Operation::List:
        break;
    case Operation::SetRaplLimit:
        request.zone = zoneArgument(object);
        request.limitUw = integerArgument(object, "limit_uw", 1, kMaxLimitUw);
        break;
    case Operation::SetNvmlLimit:
        request.gpu = gpuArgument(object);
        request.limitMw = integerArgument(object, "limit_mw", 1, kMaxLimitMw);
        break;
    case Operation::ReadEnergy:
        if (object.contains("zone") == object.contains("gpu"))
            throw ProtocolError("read_energy needs exactly one of \"zone\" and \"gpu\"");
        if (object.contains("zone"))
            request.zone = zoneArgument(object);
        else
            request.gpu = gpuArgument(object);
        break;
    }
    return request;
}

std::string serializeRequest(const Request& request)
{
    json object { { "op", std::string(operationName(request.operation)) } };
    switch (request.operation) {
    case Operation::Ping:
    case Operation::List:
        break;
    case Operation::SetRaplLimit:
        object["zone"] = request.zone;
        object["limit_uw"] = request.limitUw;
        break;
    case Operation::SetNvmlLimit:
        object["gpu"] = request.gpu.value_or(0);
        object["limit_mw"] = request.limitMw;
        break;
    case Operation::ReadEnergy:
        if (request.gpu)
            object["gpu"] = *request.gpu;
        else
            object["zone"] = request.zone;
        break;
    }
    return object.dump();
}

std::string errorReply(std::string_view message)
{
    // Replacement instead of throwing: an error text quoting invalid UTF-8 must still go out.
    return json { { "ok", false }, { "error", std::string(message) } }.dump(
        -1, ' ', false, json::error_handler_t::replace);
}

} // namespace awb::core::powerd
