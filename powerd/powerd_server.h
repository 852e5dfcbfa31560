#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <sys/types.h>

#include "powerd/cap_controller.h"
#include "powerd/peer_access.h"

namespace awb::powerd {

// Throws std::runtime_error when a process accepts connections on `socketPath` (another
// alertwb-powerd): a second instance must neither take its socket nor restore the caps its
// clients hold. Call it before constructing the CapController, which restores the state file.
void refuseIfSocketInUse(const std::filesystem::path& socketPath);

struct PowerdServerOptions {
    std::filesystem::path socketPath = "/run/alertwb/powerd.sock";
    mode_t socketMode = 0660; // tests that connect as another user widen it
    std::optional<gid_t> socketGroup; // chown the socket to root:group (needs root)
    // A session that sends nothing for this long is closed and its caps restored; clients
    // send `ping` to stay open.
    std::chrono::milliseconds sessionTimeout { std::chrono::seconds(30) };
    AccessCheck accessCheck; // required
    std::function<void(std::string_view)> log; // one line per event; stderr when empty
};

// The socket side of alertwb-powerd: accepts connections, admits peers through accessCheck
// (SO_PEERCRED), reads one request per line, answers one reply per line, and hands every
// closed, broken or silent session to CapController::release. One thread runs everything
// (poll(2) on the listening socket, the sessions and a wake-up pipe), so the controller needs
// no locks. Threading: construct, run() and destroy on one thread; stop() from any thread or
// a signal handler.
class PowerdServer {
public:
    // Binds and listens. A socket file left by a dead instance is replaced; anything else at
    // the path is refused. Throws std::runtime_error with one line.
    PowerdServer(CapController& controller, PowerdServerOptions options);
    ~PowerdServer(); // closes every session (restoring its caps) and removes the socket file
    PowerdServer(const PowerdServer&) = delete;
    PowerdServer& operator=(const PowerdServer&) = delete;

    // Serves until stop(); then releases every session before returning.
    void run();
    // Async-signal-safe (one write(2) to a pipe).
    void stop();

private:
    struct Session {
        SessionId id = 0; // descriptors are reused, ids never are
        PeerCredentials peer;
        std::string buffer; // received bytes after the last complete line
        std::chrono::steady_clock::time_point lastHeard;
    };

    void accept();
    // Reads what the peer sent and answers complete lines; false when the session must close.
    bool serve(int fd, Session& session);
    std::string answer(int fd, const std::string& line);
    bool send(int fd, const std::string& line);
    void close(int fd, const std::string& why);
    void expireSilent();
    int pollTimeoutMs() const;
    void log(const std::string& line) const;

    CapController& m_controller;
    PowerdServerOptions m_options;
    int m_listenFd = -1;
    int m_wakePipe[2] = { -1, -1 };
    std::map<int, Session> m_sessions; // by socket descriptor
    SessionId m_nextSessionId = 1; // 0 marks a cap whose restore failed (cap_controller.cpp)
};

} // namespace awb::powerd
