#include "powerd/powerd_server.h"

#include "core/power/power_backend.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <iostream>
#include <poll.h>
#include <stdexcept>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <vector>

namespace awb::powerd {

namespace {

    constexpr int kListenBacklog = 16;

    std::runtime_error systemError(const std::string& what)
    {
        return std::runtime_error(what + ": " + std::strerror(errno));
    }

} // namespace

void refuseIfSocketInUse(const std::filesystem::path& socketPath)
{
    sockaddr_un address {};
    address.sun_family = AF_UNIX;
    const std::string path = socketPath.string();
    if (path.size() >= sizeof address.sun_path)
        throw std::runtime_error("socket path is too long: " + path);
    std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
    const int probe = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (probe < 0)
        throw systemError("cannot create a Unix socket");
    const bool listening = ::connect(probe, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0;
    ::close(probe);
    if (listening)
        throw std::runtime_error("another alertwb-powerd is listening on " + path);
}

PowerdServer::PowerdServer(CapController& controller, PowerdServerOptions options)
    : m_controller(controller)
    , m_options(std::move(options))
{
    if (!m_options.accessCheck)
        throw std::invalid_argument("alertwb-powerd needs an access check");
    const std::string path = m_options.socketPath.string();
    sockaddr_un address {};
    address.sun_family = AF_UNIX;
    if (path.size() >= sizeof address.sun_path)
        throw std::runtime_error("socket path is too long: " + path);
    std::memcpy(address.sun_path, path.c_str(), path.size() + 1);

    refuseIfSocketInUse(m_options.socketPath);
    struct stat existing { };
    if (lstat(path.c_str(), &existing) == 0) {
        if (!S_ISSOCK(existing.st_mode))
            throw std::runtime_error(path + " exists and is not a socket; refusing to replace it");
        ::unlink(path.c_str()); // left by an instance that died
    }
    m_listenFd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (m_listenFd < 0)
        throw systemError("cannot create a Unix socket");
    // The mode is set before anyone can connect: bind under a umask that leaves no access.
    const mode_t previousMask = ::umask(0177);
    const int bound = ::bind(m_listenFd, reinterpret_cast<const sockaddr*>(&address), sizeof address);
    ::umask(previousMask);
    if (bound != 0) {
        const auto error = systemError("cannot bind " + path);
        ::close(m_listenFd);
        throw error;
    }
    if ((m_options.socketGroup && ::chown(path.c_str(), 0, *m_options.socketGroup) != 0)
        || ::chmod(path.c_str(), m_options.socketMode) != 0 || ::listen(m_listenFd, kListenBacklog) != 0) {
        const auto error = systemError("cannot set up " + path);
        ::close(m_listenFd);
        ::unlink(path.c_str());
        throw error;
    }
    if (::pipe2(m_wakePipe, O_CLOEXEC | O_NONBLOCK) != 0) {
        const auto error = systemError("cannot create a pipe");
        ::close(m_listenFd);
        ::unlink(path.c_str());
        throw error;
    }
}

PowerdServer::~PowerdServer()
{
    while (!m_sessions.empty())
        close(m_sessions.begin()->first, "alertwb-powerd is stopping");
    ::close(m_listenFd);
    ::close(m_wakePipe[0]);
    ::close(m_wakePipe[1]);
    ::unlink(m_options.socketPath.c_str());
}

void PowerdServer::stop()
{
    const char byte = 1;
    [[maybe_unused]] const ssize_t written = ::write(m_wakePipe[1], &byte, 1);
}

void PowerdServer::run()
{
    for (;;) {
        std::vector<pollfd> entries { { m_wakePipe[0], POLLIN, 0 }, { m_listenFd, POLLIN, 0 } };
        for (const auto& [fd, session] : m_sessions)
            entries.push_back({ fd, POLLIN, 0 });
        if (::poll(entries.data(), entries.size(), pollTimeoutMs()) < 0 && errno != EINTR)
            throw systemError("poll failed");
        if (entries[0].revents & POLLIN)
            break;
        for (std::size_t i = 2; i < entries.size(); ++i) {
            if (!(entries[i].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            const auto it = m_sessions.find(entries[i].fd);
            if (it != m_sessions.end() && !serve(it->first, it->second))
                close(it->first, "client disconnected");
        }
        if (entries[1].revents & POLLIN)
            accept();
        expireSilent();
    }
    while (!m_sessions.empty())
        close(m_sessions.begin()->first, "alertwb-powerd is stopping");
}

void PowerdServer::accept()
{
    const int fd = ::accept4(m_listenFd, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (fd < 0)
        return; // the peer gave up already, or EMFILE: the next poll tries again
    PeerCredentials peer;
    try {
        peer = peerCredentials(fd);
    } catch (const std::runtime_error& error) {
        send(fd, core::powerd::errorReply(error.what()));
        ::close(fd);
        return;
    }
    if (const auto refusal = m_options.accessCheck(peer)) {
        log("refused pid " + std::to_string(peer.pid) + " uid " + std::to_string(peer.uid) + ": " + *refusal);
        send(fd, core::powerd::errorReply("access denied: " + *refusal));
        ::close(fd);
        return;
    }
    m_sessions[fd] = { m_nextSessionId++, peer, {}, std::chrono::steady_clock::now() };
}

bool PowerdServer::serve(int fd, Session& session)
{
    char chunk[4096];
    const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return true;
    if (n <= 0)
        return false;
    session.lastHeard = std::chrono::steady_clock::now();
    session.buffer.append(chunk, static_cast<std::size_t>(n));
    const std::string tooLong = core::powerd::errorReply(
        "request longer than " + std::to_string(core::powerd::kMaxRequestBytes) + " bytes; closing");
    for (std::size_t newline; (newline = session.buffer.find('\n')) != std::string::npos;) {
        if (newline > core::powerd::kMaxRequestBytes) {
            send(fd, tooLong);
            return false;
        }
        const std::string line = session.buffer.substr(0, newline);
        session.buffer.erase(0, newline + 1);
        if (!send(fd, answer(fd, line)))
            return false;
    }
    if (session.buffer.size() > core::powerd::kMaxRequestBytes) {
        send(fd, tooLong);
        return false;
    }
    return true;
}

std::string PowerdServer::answer(int fd, const std::string& line)
{
    const Session& session = m_sessions.at(fd);
    try {
        const auto request = core::powerd::parseRequest(line);
        auto reply = m_controller.execute(session.id, request);
        if (request.operation == core::powerd::Operation::List)
            reply["session_timeout_ms"] = m_options.sessionTimeout.count();
        if (request.operation == core::powerd::Operation::SetRaplLimit
            || request.operation == core::powerd::Operation::SetNvmlLimit)
            log("pid " + std::to_string(session.peer.pid) + " uid " + std::to_string(session.peer.uid) + ": " + line);
        return reply.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    } catch (const std::exception& error) {
        // ProtocolError, RequestRefused, PowerError: one line back to the client.
        return core::powerd::errorReply(error.what());
    }
}

bool PowerdServer::send(int fd, const std::string& line)
{
    const std::string message = line + "\n";
    // Non-blocking: a client that does not read its replies is dropped rather than let stall
    // every other session.
    const ssize_t n = ::send(fd, message.data(), message.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    return n == static_cast<ssize_t>(message.size());
}

void PowerdServer::close(int fd, const std::string& why)
{
    const auto it = m_sessions.find(fd);
    if (it == m_sessions.end())
        return;
    for (const auto& line : m_controller.release(it->second.id))
        log("pid " + std::to_string(it->second.peer.pid) + " (" + why + "): " + line);
    m_sessions.erase(it);
    ::close(fd);
}

void PowerdServer::expireSilent()
{
    const auto now = std::chrono::steady_clock::now();
    std::vector<int> silent;
    for (const auto& [fd, session] : m_sessions) {
        if (now - session.lastHeard >= m_options.sessionTimeout)
            silent.push_back(fd);
    }
    for (const int fd : silent) {
        const std::string why = "silent for " + std::to_string(m_options.sessionTimeout.count()) + " ms";
        send(fd, core::powerd::errorReply("session closed: " + why + "; its caps were restored"));
        close(fd, why);
    }
}

int PowerdServer::pollTimeoutMs() const
{
    if (m_sessions.empty())
        return -1;
    auto oldest = std::chrono::steady_clock::time_point::max();
    for (const auto& [fd, session] : m_sessions)
        oldest = std::min(oldest, session.lastHeard);
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        oldest + m_options.sessionTimeout - std::chrono::steady_clock::now());
    // +1: wake just after the deadline rather than just before it.
    return static_cast<int>(std::clamp<long long>(left.count() + 1, 0, 60'000));
}

void PowerdServer::log(const std::string& line) const
{
    if (m_options.log)
        m_options.log(line);
    else
        std::cerr << "alertwb-powerd: " << line << '\n';
}

} // namespace awb::powerd
