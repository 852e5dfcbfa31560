#pragma once

#include <QObject>
#include <QPalette>
#include <QString>

#include <optional>

namespace awb::ui {

// Whether the workbench draws light or dark. System keeps the palette Qt started with (Qt 6.4
// has no QStyleHints::colorScheme, so nothing finer is known about the desktop then).
enum class ColorScheme { System, Light, Dark };

// The portal's org.freedesktop.appearance color-scheme values.
enum PortalColorScheme : uint { kPortalNoPreference = 0, kPortalPreferDark = 1, kPortalPreferLight = 2 };

// What the desktop says, gathered by the caller so the decision stays a pure function.
struct ColorSchemeHints {
    QString override; // $ALERTWB_COLOR_SCHEME: "light" or "dark" (case-insensitive); anything else is ignored
    std::optional<uint> portal; // the freedesktop portal's color-scheme, when it answered
    QString gtkTheme; // $GTK_THEME, e.g. "Adwaita:dark" or "Adwaita-dark"
};

// The override first, then the portal (unless it has no preference), then a GTK theme name
// ending in ":dark" or "-dark"; otherwise System.
ColorScheme decideColorScheme(const ColorSchemeHints& hints);

// The override and the GTK theme from the environment; `portal` is left empty.
ColorSchemeHints colorSchemeHintsFromEnvironment();

// Fusion palettes for each scheme; the light one is Fusion's own.
QPalette lightPalette();
QPalette darkPalette();
// Whether `palette` draws light text on a dark window (what the charts follow).
bool isDarkPalette(const QPalette& palette);

// Sets the Fusion style and the scheme's palette on the running QApplication. System puts back
// the palette the application had before the first call. GUI thread only.
void applyColorScheme(ColorScheme scheme);

// Follows the desktop's light/dark preference: starts from `hints` and, once listenToPortal()
// succeeded, from the portal's SettingChanged signal. schemeChanged() only on a change.
// Threading: GUI thread.
class ColorSchemeWatcher : public QObject {
    Q_OBJECT

public:
    explicit ColorSchemeWatcher(ColorSchemeHints hints, QObject* parent = nullptr);

    ColorScheme scheme() const { return m_scheme; }
    const ColorSchemeHints& hints() const { return m_hints; }

    // Reads the portal's color-scheme (blocking, at most kPortalTimeoutMs) and subscribes to its
    // changes. False, and nothing changes, without a session bus, without the portal or when
    // this build has no Qt D-Bus.
    bool listenToPortal();
    static constexpr int kPortalTimeoutMs = 300;

public Q_SLOTS:
    // A new portal color-scheme value (what SettingChanged carries); also how tests drive it.
    void setPortalColorScheme(uint value);

Q_SIGNALS:
    void schemeChanged(awb::ui::ColorScheme scheme);

private:
    ColorSchemeHints m_hints;
    ColorScheme m_scheme = ColorScheme::System;
};

} // namespace awb::ui
