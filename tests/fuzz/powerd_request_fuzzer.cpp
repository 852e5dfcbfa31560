// libFuzzer target for alertwb-powerd's request parser, the only code that reads bytes from an
// unprivileged peer before they are typed. Built with clang++ -fsanitize=fuzzer,address,undefined
// by tests/fuzz/CMakeLists.txt (the main build uses GCC). Besides memory errors it checks:
// - every input either parses or throws ProtocolError (any other exception escapes and
//   aborts the run);
// - a parsed request never carries a zone that could name a path, or a value outside the
//   sanity bounds;
// - what the client would send for it parses back to the same request;
// - an error reply quoting the input (invalid UTF-8 included) is always one JSON line.
#include "core/power/powerd_protocol.h"

#include <cstdint>
#include <cstdlib>
#include <string_view>

using namespace awb::core::powerd;

namespace {

void check(bool condition)
{
    if (!condition)
        std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view line(reinterpret_cast<const char*>(data), size);
    const std::string reply = errorReply(line);
    check(!reply.empty() && reply.find('\n') == std::string::npos);
    Request request;
    try {
        request = parseRequest(line);
    } catch (const ProtocolError&) {
        return 0;
    }
    check(request.zone.find('/') == std::string::npos && request.zone.find('.') == std::string::npos);
    check(request.zone.size() <= kMaxZoneNameLength);
    check(request.limitUw >= 0 && request.limitUw <= kMaxLimitUw);
    check(request.limitMw >= 0 && request.limitMw <= kMaxLimitMw);
    check(!request.gpu || *request.gpu <= kMaxGpuIndex);
    check(parseRequest(serializeRequest(request)) == request);
    return 0;
}
