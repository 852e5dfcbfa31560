#include "powerd/peer_access.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <grp.h>
#include <pwd.h>
#include <stdexcept>
#include <sys/socket.h>
#include <vector>

namespace awb::powerd {

PeerCredentials peerCredentials(int socketFd)
{
    ucred credentials {};
    socklen_t length = sizeof credentials;
    if (getsockopt(socketFd, SOL_SOCKET, SO_PEERCRED, &credentials, &length) != 0)
        throw std::runtime_error(
            std::string("cannot read the peer's credentials (SO_PEERCRED): ") + std::strerror(errno));
    return { credentials.pid, credentials.uid, credentials.gid };
}

GroupAccess::GroupAccess(const std::string& groupName)
    : m_groupName(groupName)
{
    group entry {};
    group* found = nullptr;
    std::vector<char> buffer(16384);
    const int error = getgrnam_r(groupName.c_str(), &entry, buffer.data(), buffer.size(), &found);
    if (error != 0 || !found) {
        throw std::runtime_error("group \"" + groupName
            + "\" does not exist (systemd-sysusers creates it from alertwb-powerd.conf; or pass --group)");
    }
    m_gid = found->gr_gid;
}

std::optional<std::string> GroupAccess::operator()(const PeerCredentials& peer) const
{
    if (peer.uid == 0 || peer.gid == m_gid)
        return std::nullopt;
    const std::string refusal = "uid " + std::to_string(peer.uid) + " is not a member of group " + m_groupName
        + " (add the user with `usermod -aG " + m_groupName + " USER` and log in again)";
    passwd entry {};
    passwd* found = nullptr;
    std::vector<char> buffer(16384);
    if (getpwuid_r(peer.uid, &entry, buffer.data(), buffer.size(), &found) != 0 || !found)
        return refusal; // a uid without a user has no supplementary groups
    // getgrouplist reports how many groups there are when the array is too small.
    int count = 64;
    std::vector<gid_t> groups;
    for (int attempt = 0; attempt < 4; ++attempt) {
        groups.resize(static_cast<std::size_t>(count));
        if (getgrouplist(found->pw_name, found->pw_gid, groups.data(), &count) >= 0) {
            groups.resize(static_cast<std::size_t>(count));
            return std::find(groups.begin(), groups.end(), m_gid) != groups.end() ? std::nullopt
                                                                                  : std::optional(refusal);
        }
    }
    return refusal;
}

} // namespace awb::powerd
