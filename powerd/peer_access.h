#pragma once

#include <functional>
#include <optional>
#include <string>
#include <sys/types.h>

namespace awb::powerd {

// Who is at the other end of a Unix socket, as the kernel recorded it at connect(2)
// (SO_PEERCRED): it cannot be forged by the peer.
struct PeerCredentials {
    pid_t pid = 0;
    uid_t uid = 0;
    gid_t gid = 0;
};

// Throws std::runtime_error with one line when the kernel does not say (not a Unix socket).
PeerCredentials peerCredentials(int socketFd);

// Decides whether a peer may use the daemon: std::nullopt to admit, else the refusal (one line,
// sent to the peer). The daemon takes it as a function so that tests can refuse a peer without
// needing a second user or root.
using AccessCheck = std::function<std::optional<std::string>(const PeerCredentials&)>;

// Admits root and members of one group: the peer's primary gid, or a supplementary group of
// its user as the group database lists it (getgrouplist). Membership is looked up at every
// connection, so removing a user from the group takes effect for their next connection.
// Threading: a value; operator() calls getpwuid_r/getgrouplist and is safe from any thread.
class GroupAccess {
public:
    // Throws std::runtime_error when the group does not exist (the sysusers.d entry creates it).
    explicit GroupAccess(const std::string& groupName);

    std::optional<std::string> operator()(const PeerCredentials& peer) const;
    gid_t gid() const { return m_gid; }
    const std::string& groupName() const { return m_groupName; }

private:
    std::string m_groupName;
    gid_t m_gid = 0;
};

} // namespace awb::powerd
