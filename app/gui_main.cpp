// alertwb: the workbench GUI. Only parses the command line and wires the main window.

#include "core/power/cap_state.h"
#include "core/power/power_backend.h"
#include "database/store.h"
#include "app/gui_demo.h"
#include "widgets/color_scheme.h"
#include "widgets/main_window.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>
#include <QStatusBar>
#include <QStringList>

#include <cstdio>
#include <cstring>

namespace {

constexpr const char* kUsage
    = "Usage: alertwb [--version] [FILE]\n"
      "       alertwb --demo [FOLDER]\n"
      "  FILE       workbench store to open (default: the last one opened, else\n"
      "             $XDG_DATA_HOME/alertwb/workbench.sqlite)\n"
      "  --demo     the headless tour: profile the shipped zoo, run ALERT live with\n"
      "             co-runners, compare it with its baselines; prints a summary and\n"
      "             writes the store, exports and charts into FOLDER (a new one by\n"
      "             default); runs offscreen when there is no display\n"
      "  --version  print the version and exit\n"
      "Without a display, run with QT_QPA_PLATFORM=offscreen.\n"
      "ALERTWB_COLOR_SCHEME=light|dark overrides the desktop's light/dark setting.\n";

// Caps a run killed mid-sweep left behind go back before anything else happens, as in the CLI.
// Returns one line for the status bar; empty when there was nothing to do.
std::string restorePendingCaps()
{
    try {
        const auto report = awb::core::restorePendingCaps();
        if (!report.pending || report.ownerAlive)
            return {};
        std::fprintf(stderr, "alertwb: %s\n", report.summary().c_str());
        return report.summary();
    } catch (const awb::core::PowerError& error) {
        std::fprintf(stderr, "alertwb: warning: %s\n", error.what());
        return std::string("warning: ") + error.what();
    }
}

} // namespace

int main(int argc, char* argv[])
{
    // Answered before QApplication exists, so they work on a machine without a display.
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--version") == 0) {
            std::printf("alertwb %s\n", AWB_VERSION);
            return 0;
        }
        if (std::strcmp(argv[i], "--help") == 0 || std::strcmp(argv[i], "-h") == 0) {
            std::fputs(kUsage, stdout);
            return 0;
        }
    }

    const bool demo = argc >= 2 && std::strcmp(argv[1], "--demo") == 0;
    const bool noDisplay = qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM") && qEnvironmentVariableIsEmpty("DISPLAY")
        && qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY");
    if (demo) {
        if (argc > 3) {
            std::fprintf(stderr, "alertwb: --demo takes at most one FOLDER\n%s", kUsage);
            return 2;
        }
        if (noDisplay)
            qputenv("QT_QPA_PLATFORM", "offscreen"); // the demo draws its charts into files
        restorePendingCaps(); // says on stderr what it restored
        QApplication app(argc, argv);
        QApplication::setOrganizationName(QStringLiteral("ALERT Workbench"));
        QApplication::setApplicationName(QStringLiteral("alertwb"));
        QApplication::setApplicationVersion(QStringLiteral(AWB_VERSION));
        return awb::app::runHeadlessDemo(argc == 3 ? QString::fromLocal8Bit(argv[2]) : QString());
    }

    // Without this check Qt aborts with a long plugin message; say what to do instead.
    if (noDisplay) {
        std::fputs("alertwb: no display (DISPLAY and WAYLAND_DISPLAY are unset); set QT_QPA_PLATFORM=offscreen "
                   "to run headless, or use alertwb-cli\n",
            stderr);
        return 1;
    }

    const std::string capNote = restorePendingCaps();
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("ALERT Workbench"));
    QApplication::setApplicationName(QStringLiteral("alertwb"));
    QApplication::setApplicationVersion(QStringLiteral(AWB_VERSION));
    // Ties the windows to the installed desktop entry (Wayland app id, taskbar grouping).
    QGuiApplication::setDesktopFileName(QStringLiteral(AWB_APP_ID));
    QApplication::setWindowIcon(
        QIcon::fromTheme(QStringLiteral(AWB_APP_ID), QIcon(QStringLiteral(":/icons/" AWB_APP_ID ".svg"))));

    QCommandLineParser parser;
    parser.addPositionalArgument(
        QStringLiteral("FILE"), QStringLiteral("workbench store to open"), QStringLiteral("[FILE]"));
    parser.process(app);
    const QStringList positional = parser.positionalArguments();
    if (positional.size() > 1) {
        std::fprintf(stderr, "alertwb: expected at most one FILE, got %lld\n%s",
            static_cast<long long>(positional.size()), kUsage);
        return 2;
    }

    // Light or dark as the desktop says (portal, then $GTK_THEME) unless $ALERTWB_COLOR_SCHEME
    // decides; applied before the window exists, and again whenever the portal's setting changes.
    awb::ui::ColorSchemeWatcher colorScheme(awb::ui::colorSchemeHintsFromEnvironment());
    colorScheme.listenToPortal();
    awb::ui::applyColorScheme(colorScheme.scheme());
    QObject::connect(&colorScheme, &awb::ui::ColorSchemeWatcher::schemeChanged, &app, &awb::ui::applyColorScheme);

    awb::ui::MainWindow window;
    // A store with no profile yet (a first start) gets the shipped zoo profiled, then the Live page.
    window.setProfileUnprofiledStores(true);
    window.show();
    if (!capNote.empty())
        window.statusBar()->showMessage(QString::fromStdString(capNote), 30'000);
    // The last store opened comes back; a first start opens the default one.
    const QStringList recent = window.recentFiles();
    window.openStore(!positional.isEmpty() ? positional.first()
            : !recent.isEmpty()            ? recent.first()
                                           : QString::fromStdString(awb::db::Store::defaultPath().string()));
    return app.exec();
}
