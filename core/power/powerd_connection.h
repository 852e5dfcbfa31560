#pragma once

#include "core/power/power_backend.h"
#include "core/power/powerd_protocol.h"

#include <chrono>
#include <filesystem>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>

namespace awb::core {

// alertwb-powerd answered a request with an error (out of range, unknown zone, a cap held by
// another client, …): the message is the daemon's, one line.
class PowerdRefused : public PowerError {
public:
    using PowerError::PowerError;
};

// $ALERTWB_POWERD_SOCKET when set (tests), /run/alertwb/powerd.sock otherwise.
std::filesystem::path powerdSocketPath();

// One session with alertwb-powerd over its Unix socket. The daemon remembers the caps this
// session changed and puts them back when the connection closes (this object is destroyed,
// or the process dies) or stays silent past the daemon's session timeout.
// Threading: safe from any thread; one mutex serialises request and reply.
class PowerdConnection {
public:
    // Connects; throws PowerError with one line ("alertwb-powerd socket /run/… does not exist
    // (is alertwb-powerd.service running?)", "permission denied …", the daemon's refusal).
    // The daemon refuses a caller outside its group only after accepting the connection, so
    // the constructor sends a ping to learn whether this session is really open.
    explicit PowerdConnection(std::filesystem::path socket = powerdSocketPath(),
        std::chrono::milliseconds replyTimeout = std::chrono::seconds(10));
    ~PowerdConnection();
    PowerdConnection(const PowerdConnection&) = delete;
    PowerdConnection& operator=(const PowerdConnection&) = delete;

    // Sends the request and returns the reply object. A reply with "ok": false throws
    // PowerdRefused (its "error"); a broken connection or timeout throws PowerError.
    nlohmann::json call(const powerd::Request& request);
    // The same for a raw line (tests of malformed requests); no newline in `line`.
    nlohmann::json callRaw(const std::string& line);

    const std::filesystem::path& socket() const { return m_socket; }

private:
    std::string readLine(); // callers hold m_mutex
    void throwFarewell(); // callers hold m_mutex

    std::filesystem::path m_socket;
    std::chrono::milliseconds m_replyTimeout;
    int m_fd = -1;
    std::string m_buffer; // bytes received after the last complete reply
    std::mutex m_mutex;
};

} // namespace awb::core
