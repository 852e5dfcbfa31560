#include "widgets/color_scheme.h"

#include <QApplication>
#include <QEvent>
#include <QStyle>
#include <QStyleFactory>
#include <QWidget>

#ifdef AWB_HAVE_QT_DBUS
#include <QDBusConnection>
#include <QDBusMessage>
#include <QDBusVariant>
#endif

#include <memory>

namespace awb::ui {

namespace {

    const QString kFusion = QStringLiteral("Fusion");

    // What applyColorScheme(System) puts back: the application's style and palette before the
    // first call changed them, and whether anything was changed since.
    struct StartupLook {
        QString styleName;
        QPalette palette;
        bool changed = false;
    };

    StartupLook& startupLook()
    {
        static StartupLook look { QApplication::style()->name(), QApplication::palette() };
        return look;
    }

    // Qt 6.4's QApplication::setPalette() sends ApplicationPaletteChange to the application object
    // only (seen with Debian's 6.4.2), so existing widgets would keep the old palette. Each window
    // is told instead; resolving its palette updates its children.
    void setApplicationPalette(const QPalette& palette)
    {
        QApplication::setPalette(palette);
        QEvent change(QEvent::ApplicationPaletteChange);
        for (QWidget* window : QApplication::topLevelWidgets())
            QCoreApplication::sendEvent(window, &change);
    }

    bool endsWithDark(const QString& theme)
    {
        return theme.endsWith(QLatin1String(":dark"), Qt::CaseInsensitive)
            || theme.endsWith(QLatin1String("-dark"), Qt::CaseInsensitive);
    }

} // namespace

ColorScheme decideColorScheme(const ColorSchemeHints& hints)
{
    const QString forced = hints.override.trimmed();
    if (forced.compare(QLatin1String("dark"), Qt::CaseInsensitive) == 0)
        return ColorScheme::Dark;
    if (forced.compare(QLatin1String("light"), Qt::CaseInsensitive) == 0)
        return ColorScheme::Light;
    if (hints.portal == kPortalPreferDark)
        return ColorScheme::Dark;
    if (hints.portal == kPortalPreferLight)
        return ColorScheme::Light;
    // A GTK theme that is not a dark variant says nothing about the desktop's preference (most
    // light themes have no suffix), so only the dark suffix decides.
    if (endsWithDark(hints.gtkTheme.trimmed()))
        return ColorScheme::Dark;
    return ColorScheme::System;
}

ColorSchemeHints colorSchemeHintsFromEnvironment()
{
    ColorSchemeHints hints;
    hints.override = qEnvironmentVariable("ALERTWB_COLOR_SCHEME");
    hints.gtkTheme = qEnvironmentVariable("GTK_THEME");
    return hints;
}

QPalette lightPalette()
{
    const std::unique_ptr<QStyle> fusion(QStyleFactory::create(kFusion));
    return fusion ? fusion->standardPalette() : QPalette(QColor(239, 239, 239));
}

QPalette darkPalette()
{
    // Fusion's light palette with the lightness turned around: a 50/255 grey window, a darker
    // base for views and lists, near-white text, and a blue that reads on both.
    const QColor windowText(240, 240, 240);
    const QColor window(50, 50, 50);
    const QColor base = window.darker(140);
    const QColor mid = window.darker(130);
    const QColor dark = window.darker(150);
    const QColor highlight(48, 140, 198);
    const QColor disabledText(130, 130, 130);
    QPalette palette(windowText, window, window.lighter(150), dark, mid, windowText, base);
    palette.setColor(QPalette::Midlight, mid.lighter(110));
    palette.setColor(QPalette::Button, window);
    palette.setColor(QPalette::ButtonText, windowText);
    palette.setColor(QPalette::AlternateBase, window);
    palette.setColor(QPalette::Shadow, dark.darker(135));
    palette.setColor(QPalette::Highlight, highlight);
    palette.setColor(QPalette::HighlightedText, windowText);
    palette.setColor(QPalette::Link, highlight);
    palette.setColor(QPalette::LinkVisited, highlight.lighter(130));
    palette.setColor(QPalette::ToolTipBase, window.lighter(120));
    palette.setColor(QPalette::ToolTipText, windowText);
    QColor placeholder = windowText;
    placeholder.setAlpha(128);
    palette.setColor(QPalette::PlaceholderText, placeholder);
    for (const QPalette::ColorRole role : { QPalette::WindowText, QPalette::Text, QPalette::ButtonText })
        palette.setColor(QPalette::Disabled, role, disabledText);
    palette.setColor(QPalette::Disabled, QPalette::Base, window);
    palette.setColor(QPalette::Disabled, QPalette::Highlight, QColor(145, 145, 145));
    return palette;
}

bool isDarkPalette(const QPalette& palette)
{
    return palette.color(QPalette::Window).lightness() < palette.color(QPalette::WindowText).lightness();
}

void applyColorScheme(ColorScheme scheme)
{
    StartupLook& startup = startupLook(); // captured before the first change
    if (scheme == ColorScheme::System) {
        // Untouched, the palette stays Qt's own (and keeps following the platform theme).
        if (!startup.changed)
            return;
        if (QApplication::style()->name().compare(startup.styleName, Qt::CaseInsensitive) != 0)
            QApplication::setStyle(startup.styleName);
        setApplicationPalette(startup.palette);
        startup.changed = false;
        return;
    }
    // The palettes are Fusion's: other styles draw parts of the widgets in their own colours.
    if (QApplication::style()->name().compare(kFusion, Qt::CaseInsensitive) != 0)
        QApplication::setStyle(kFusion);
    setApplicationPalette(scheme == ColorScheme::Dark ? darkPalette() : lightPalette());
    startup.changed = true;
}

ColorSchemeWatcher::ColorSchemeWatcher(ColorSchemeHints hints, QObject* parent)
    : QObject(parent)
    , m_hints(std::move(hints))
    , m_scheme(decideColorScheme(m_hints))
{
}

void ColorSchemeWatcher::setPortalColorScheme(uint value)
{
    m_hints.portal = value;
    const ColorScheme scheme = decideColorScheme(m_hints);
    if (scheme == m_scheme)
        return;
    m_scheme = scheme;
    Q_EMIT schemeChanged(scheme);
}

#ifdef AWB_HAVE_QT_DBUS

namespace {

    const QString kPortalService = QStringLiteral("org.freedesktop.portal.Desktop");
    const QString kPortalPath = QStringLiteral("/org/freedesktop/portal/desktop");
    const QString kSettingsInterface = QStringLiteral("org.freedesktop.portal.Settings");
    const QString kAppearanceNamespace = QStringLiteral("org.freedesktop.appearance");
    const QString kColorSchemeKey = QStringLiteral("color-scheme");

    // Settings.Read answers a variant inside a variant (a quirk kept for compatibility);
    // SettingChanged carries one level. Either way the value is a uint.
    std::optional<uint> portalValue(QVariant value)
    {
        for (int depth = 0; depth < 3 && value.metaType() == QMetaType::fromType<QDBusVariant>(); ++depth)
            value = qvariant_cast<QDBusVariant>(value).variant();
        bool ok = false;
        const uint number = value.toUInt(&ok);
        return ok ? std::optional(number) : std::nullopt;
    }

} // namespace

// Receives the portal's SettingChanged signal; QtDBus needs a slot it can match by signature.
class PortalListener : public QObject {
    Q_OBJECT

public:
    explicit PortalListener(ColorSchemeWatcher* watcher)
        : QObject(watcher)
        , m_watcher(watcher)
    {
    }

public Q_SLOTS:
    void settingChanged(const QString& nameSpace, const QString& key, const QDBusVariant& value)
    {
        if (nameSpace != kAppearanceNamespace || key != kColorSchemeKey)
            return;
        if (const std::optional<uint> scheme = portalValue(QVariant::fromValue(value)))
            m_watcher->setPortalColorScheme(*scheme);
    }

private:
    ColorSchemeWatcher* m_watcher;
};

bool ColorSchemeWatcher::listenToPortal()
{
    QDBusConnection bus = QDBusConnection::sessionBus();
    if (!bus.isConnected())
        return false;
    QDBusMessage read
        = QDBusMessage::createMethodCall(kPortalService, kPortalPath, kSettingsInterface, QStringLiteral("Read"));
    read << kAppearanceNamespace << kColorSchemeKey;
    const QDBusMessage reply = bus.call(read, QDBus::Block, kPortalTimeoutMs);
    if (reply.type() != QDBusMessage::ReplyMessage || reply.arguments().isEmpty())
        return false;
    auto* listener = new PortalListener(this);
    if (!bus.connect(kPortalService, kPortalPath, kSettingsInterface, QStringLiteral("SettingChanged"), listener,
            SLOT(settingChanged(QString, QString, QDBusVariant)))) {
        delete listener;
        return false;
    }
    if (const std::optional<uint> value = portalValue(reply.arguments().first()))
        setPortalColorScheme(*value);
    return true;
}

#else

bool ColorSchemeWatcher::listenToPortal() { return false; }

#endif

} // namespace awb::ui

#ifdef AWB_HAVE_QT_DBUS
#include "color_scheme.moc"
#endif
