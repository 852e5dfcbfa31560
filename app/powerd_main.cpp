// alertwb-powerd: the root helper that sets RAPL and NVML power limits for members of the
// alertwb group, and puts them back when their client goes (docs/powerd.md). It wires the
// parts of powerd/ together; it computes nothing.
#include "core/power/powerd_connection.h"
#include "core/power/rapl_probe.h"

#include <CLI/CLI.hpp>
#include <atomic>
#include <csignal>
#include <cstdlib>
#include <iostream>

#include "powerd/cap_controller.h"
#include "powerd/powerd_server.h"

namespace {

std::atomic<awb::powerd::PowerdServer*> g_server { nullptr };

extern "C" void onStopSignal(int)
{
    if (auto* server = g_server.load())
        server->stop();
}

std::string environmentOr(const char* name, const std::string& fallback)
{
    const char* value = std::getenv(name);
    return value && *value ? value : fallback;
}

} // namespace

int main(int argc, char** argv)
{
    CLI::App app { "alertwb-powerd: sets power caps for members of one group and restores them when the client goes" };
    std::string socketPath = awb::core::powerdSocketPath().string();
    std::string groupName = environmentOr("ALERTWB_POWERD_GROUP", "alertwb");
    std::string stateFile = environmentOr("ALERTWB_POWERD_STATE", "/var/lib/alertwb-powerd/caps-state.json");
    double sessionTimeoutS = 30.0;
    app.add_option("--socket", socketPath, "Unix socket to listen on ($ALERTWB_POWERD_SOCKET)");
    app.add_option("--group", groupName, "group whose members may connect ($ALERTWB_POWERD_GROUP)");
    app.add_option("--state-file", stateFile, "record of the caps to restore after a crash ($ALERTWB_POWERD_STATE)");
    app.add_option("--session-timeout-s", sessionTimeoutS, "close a silent session and restore its caps after this")
        ->check(CLI::Range(0.1, 86400.0));
    app.set_version_flag("--version", std::string("alertwb-powerd ") + AWB_VERSION);
    CLI11_PARSE(app, argc, argv);

    try {
        const awb::powerd::GroupAccess access(groupName);
        awb::powerd::refuseIfSocketInUse(socketPath);
        awb::powerd::CapController controller(awb::core::powercapRoot(), stateFile);
        if (controller.startupRestore().pending)
            std::cerr << "alertwb-powerd: " << controller.startupRestore().summary() << '\n';
        for (const auto& line : controller.startupRestore().restored)
            std::cerr << "alertwb-powerd: restored " << line << '\n';

        awb::powerd::PowerdServerOptions options;
        options.socketPath = socketPath;
        if (geteuid() == 0)
            options.socketGroup = access.gid();
        options.sessionTimeout = std::chrono::milliseconds(static_cast<long long>(sessionTimeoutS * 1000.0));
        options.accessCheck = access;
        awb::powerd::PowerdServer server(controller, options);

        g_server = &server;
        struct sigaction action { };
        action.sa_handler = onStopSignal;
        sigemptyset(&action.sa_mask);
        sigaction(SIGTERM, &action, nullptr);
        sigaction(SIGINT, &action, nullptr);
        sigaction(SIGHUP, &action, nullptr);
        std::cerr << "alertwb-powerd: listening on " << socketPath << " for group " << groupName << '\n';
        server.run();
        g_server = nullptr;
        std::cerr << "alertwb-powerd: stopped; every cap it changed was restored\n";
        return 0;
    } catch (const std::exception& error) {
        std::cerr << "alertwb-powerd: " << error.what() << '\n';
        return 1;
    }
}
