#include "core/power/powerd_connection.h"

#include "core/power/power_backend.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace awb::core {

namespace {

    std::string describeConnectError(const std::filesystem::path& socket, int error)
    {
        const std::string where = "alertwb-powerd socket " + socket.string();
        if (error == ENOENT)
            return where + " does not exist (is alertwb-powerd.service running?)";
        if (error == ECONNREFUSED)
            return where + " refuses connections (alertwb-powerd is not running; a stale socket file)";
        if (error == EACCES || error == EPERM)
            return "permission denied connecting to " + where + " (join the alertwb group and log in again)";
        return "cannot connect to " + where + ": " + std::strerror(error);
    }

} // namespace

std::filesystem::path powerdSocketPath()
{
    if (const char* path = std::getenv("ALERTWB_POWERD_SOCKET"); path && *path)
        return path;
    return "/run/alertwb/powerd.sock";
}

PowerdConnection::PowerdConnection(std::filesystem::path socket, std::chrono::milliseconds replyTimeout)
    : m_socket(std::move(socket))
    , m_replyTimeout(replyTimeout)
{
    sockaddr_un address {};
    address.sun_family = AF_UNIX;
    const std::string path = m_socket.string();
    if (path.size() >= sizeof address.sun_path)
        throw PowerError("alertwb-powerd socket path is too long: " + path);
    std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
    m_fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (m_fd < 0)
        throw PowerError(std::string("cannot create a Unix socket: ") + std::strerror(errno));
    if (::connect(m_fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
        const int error = errno;
        ::close(m_fd);
        throw PowerError(describeConnectError(m_socket, error));
    }
    try {
        call(powerd::Request::ping());
    } catch (const PowerError& error) {
        ::close(m_fd);
        throw PowerError("alertwb-powerd at " + path + " refused this session: " + error.what());
    }
}

PowerdConnection::~PowerdConnection() { ::close(m_fd); }

nlohmann::json PowerdConnection::call(const powerd::Request& request)
{
    return callRaw(powerd::serializeRequest(request));
}

nlohmann::json PowerdConnection::callRaw(const std::string& line)
{
    std::lock_guard lock(m_mutex);
    const std::string message = line + "\n";
    for (std::size_t sent = 0; sent < message.size();) {
        const ssize_t n = ::send(m_fd, message.data() + sent, message.size() - sent, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            const int error = errno;
            throwFarewell();
            throw PowerError(
                "lost the connection to alertwb-powerd at " + m_socket.string() + ": " + std::strerror(error));
        }
        sent += static_cast<std::size_t>(n);
    }
    const nlohmann::json reply = nlohmann::json::parse(readLine(), nullptr, /*allow_exceptions=*/false);
    if (!reply.is_object() || !reply.contains("ok"))
        throw PowerError("alertwb-powerd at " + m_socket.string() + " sent a reply that is not a JSON object");
    if (!reply.value("ok", false))
        throw PowerdRefused(reply.value("error", std::string("alertwb-powerd refused the request")));
    return reply;
}

void PowerdConnection::throwFarewell()
{
    // The daemon says why before it hangs up (a timed-out session): that line beats EPIPE.
    char chunk[4096];
    for (ssize_t n; (n = ::recv(m_fd, chunk, sizeof chunk, MSG_DONTWAIT)) > 0;)
        m_buffer.append(chunk, static_cast<std::size_t>(n));
    const auto newline = m_buffer.find('\n');
    if (newline == std::string::npos)
        return;
    const auto farewell = nlohmann::json::parse(m_buffer.substr(0, newline), nullptr, /*allow_exceptions=*/false);
    m_buffer.erase(0, newline + 1);
    if (farewell.is_object() && farewell.contains("error") && farewell["error"].is_string())
        throw PowerdRefused(farewell["error"].get<std::string>());
}

std::string PowerdConnection::readLine()
{
    const auto deadline = std::chrono::steady_clock::now() + m_replyTimeout;
    for (;;) {
        if (const auto newline = m_buffer.find('\n'); newline != std::string::npos) {
            std::string line = m_buffer.substr(0, newline);
            m_buffer.erase(0, newline + 1);
            return line;
        }
        if (m_buffer.size() > powerd::kMaxReplyBytes)
            throw PowerError(
                "alertwb-powerd sent a reply longer than " + std::to_string(powerd::kMaxReplyBytes) + " bytes");
        const auto left
            = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0)
            throw PowerError("alertwb-powerd at " + m_socket.string() + " did not answer within "
                + std::to_string(m_replyTimeout.count()) + " ms");
        pollfd entry { m_fd, POLLIN, 0 };
        if (::poll(&entry, 1, static_cast<int>(left.count())) < 0 && errno != EINTR)
            throw PowerError(std::string("poll on the alertwb-powerd socket failed: ") + std::strerror(errno));
        if (!(entry.revents & (POLLIN | POLLHUP | POLLERR)))
            continue;
        char chunk[4096];
        const ssize_t n = ::recv(m_fd, chunk, sizeof chunk, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            throw PowerError("alertwb-powerd at " + m_socket.string() + " closed the connection");
        m_buffer.append(chunk, static_cast<std::size_t>(n));
    }
}

} // namespace awb::core
