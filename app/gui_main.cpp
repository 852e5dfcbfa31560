// alertwb: the workbench GUI. Only parses the command line and wires the main window.

#include "database/store.h"
#include "widgets/color_scheme.h"
#include "widgets/main_window.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QStringList>

#include <cstdio>
#include <cstring>

namespace {

constexpr const char* kUsage
    = "Usage: alertwb [--version] [FILE]\n"
      "  FILE       workbench store to open (default: $XDG_DATA_HOME/alertwb/workbench.sqlite)\n"
      "  --version  print the version and exit\n"
      "Without a display, run with QT_QPA_PLATFORM=offscreen.\n"
      "ALERTWB_COLOR_SCHEME=light|dark overrides the desktop's light/dark setting.\n";

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

    // Without this check Qt aborts with a long plugin message; say what to do instead.
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM") && qEnvironmentVariableIsEmpty("DISPLAY")
        && qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY")) {
        std::fputs("alertwb: no display (DISPLAY and WAYLAND_DISPLAY are unset); set QT_QPA_PLATFORM=offscreen "
                   "to run headless, or use alertwb-cli\n",
            stderr);
        return 1;
    }

    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("ALERT Workbench"));
    QApplication::setApplicationName(QStringLiteral("alertwb"));
    QApplication::setApplicationVersion(QStringLiteral(AWB_VERSION));

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
    window.show();
    window.openStore(
        positional.isEmpty() ? QString::fromStdString(awb::db::Store::defaultPath().string()) : positional.first());
    return app.exec();
}
