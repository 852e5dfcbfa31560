#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace awb::core::powerd {

// The wire protocol of alertwb-powerd (docs/powerd.md): one JSON object per line, each way.
// A request names an operation and typed arguments, never a path: RAPL zones go by their
// `name` (package-0), GPUs by NVML index. Replies carry "ok": true and the values, or "ok":
// false and "error" (one line). Limits and units are in every field name (limit_uw, limit_mw).

// The longest line either side accepts, newline excluded: a request is far shorter, and a
// reply lists a few zones. A longer request line is refused and its connection closed.
inline constexpr std::size_t kMaxRequestBytes = 1024;
inline constexpr std::size_t kMaxReplyBytes = 65536;
// Sanity bounds checked while parsing; the device's own limits are checked by the daemon.
inline constexpr std::int64_t kMaxLimitUw = 10'000'000'000; // 10 kW
inline constexpr std::int64_t kMaxLimitMw = 10'000'000; // 10 kW
inline constexpr unsigned int kMaxGpuIndex = 63;
inline constexpr std::size_t kMaxZoneNameLength = 64;

enum class Operation { Ping, List, SetRaplLimit, SetNvmlLimit, ReadEnergy };

struct Request {
    Operation operation = Operation::Ping;
    std::string zone; // SetRaplLimit; ReadEnergy of a RAPL zone
    std::optional<unsigned int> gpu; // SetNvmlLimit; ReadEnergy of a GPU
    std::int64_t limitUw = 0; // SetRaplLimit
    std::int64_t limitMw = 0; // SetNvmlLimit

    bool operator==(const Request&) const = default;

    static Request ping() { return withOperation(Operation::Ping); }
    static Request list() { return withOperation(Operation::List); }
    static Request setRaplLimit(std::string zone, std::int64_t limitUw);
    static Request setNvmlLimit(unsigned int gpu, std::int64_t limitMw);
    static Request readZoneEnergy(std::string zone);

private:
    static Request withOperation(Operation operation);
};

// A request that is not well formed: not JSON, not an object, an unknown operation or field,
// a missing argument, a value of the wrong type or out of the sanity bounds above.
class ProtocolError : public std::invalid_argument {
public:
    using std::invalid_argument::invalid_argument;
};

// Parses one request line (without its newline). Throws ProtocolError with one line saying
// what is wrong. Threading: no shared state.
Request parseRequest(std::string_view line);
// The line a client sends for `request` (no newline): parseRequest(serializeRequest(r)) == r.
std::string serializeRequest(const Request& request);
// {"ok":false,"error":message} as a line (no newline).
std::string errorReply(std::string_view message);
// The operation's name on the wire ("set_rapl_limit").
std::string_view operationName(Operation operation);

} // namespace awb::core::powerd
