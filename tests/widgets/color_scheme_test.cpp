#include "widgets/color_scheme.h"

#include <QApplication>
#include <QLabel>
#include <QSignalSpy>
#include <QStyle>

#include <gtest/gtest.h>

namespace {

using awb::ui::ColorScheme;
using awb::ui::ColorSchemeHints;
using awb::ui::decideColorScheme;

ColorSchemeHints hints(const char* override, std::optional<uint> portal, const char* gtkTheme)
{
    return { QLatin1String(override), portal, QLatin1String(gtkTheme) };
}

TEST(WidgetsColorScheme, TheOverrideWinsOverTheDesktop)
{
    EXPECT_EQ(decideColorScheme(hints("dark", awb::ui::kPortalPreferLight, "Adwaita")), ColorScheme::Dark);
    EXPECT_EQ(decideColorScheme(hints("light", awb::ui::kPortalPreferDark, "Adwaita:dark")), ColorScheme::Light);
    EXPECT_EQ(decideColorScheme(hints(" Dark ", std::nullopt, "")), ColorScheme::Dark);
    EXPECT_EQ(decideColorScheme(hints("LIGHT", std::nullopt, "Adwaita-dark")), ColorScheme::Light);
    // Anything else is no override: the desktop decides.
    EXPECT_EQ(decideColorScheme(hints("blue", awb::ui::kPortalPreferDark, "")), ColorScheme::Dark);
    EXPECT_EQ(decideColorScheme(hints("auto", std::nullopt, "")), ColorScheme::System);
}

TEST(WidgetsColorScheme, ThePortalDecidesUnlessItHasNoPreference)
{
    EXPECT_EQ(decideColorScheme(hints("", awb::ui::kPortalPreferDark, "")), ColorScheme::Dark);
    EXPECT_EQ(decideColorScheme(hints("", awb::ui::kPortalPreferLight, "Adwaita:dark")), ColorScheme::Light);
    EXPECT_EQ(decideColorScheme(hints("", awb::ui::kPortalNoPreference, "")), ColorScheme::System);
    EXPECT_EQ(decideColorScheme(hints("", awb::ui::kPortalNoPreference, "Adwaita:dark")), ColorScheme::Dark);
    EXPECT_EQ(decideColorScheme(hints("", 7u, "")), ColorScheme::System); // a value the spec does not define
}

TEST(WidgetsColorScheme, AGtkThemeDecidesOnlyWhenItIsADarkVariant)
{
    EXPECT_EQ(decideColorScheme(hints("", std::nullopt, "Adwaita:dark")), ColorScheme::Dark);
    EXPECT_EQ(decideColorScheme(hints("", std::nullopt, "Breeze-Dark")), ColorScheme::Dark);
    EXPECT_EQ(decideColorScheme(hints("", std::nullopt, "Adwaita")), ColorScheme::System);
    EXPECT_EQ(decideColorScheme(hints("", std::nullopt, "darkness")), ColorScheme::System);
    EXPECT_EQ(decideColorScheme(hints("", std::nullopt, "")), ColorScheme::System);
}

TEST(WidgetsColorScheme, HintsComeFromTheEnvironment)
{
    qputenv("ALERTWB_COLOR_SCHEME", "dark");
    qputenv("GTK_THEME", "Adwaita:dark");
    const ColorSchemeHints read = awb::ui::colorSchemeHintsFromEnvironment();
    qunsetenv("ALERTWB_COLOR_SCHEME");
    qunsetenv("GTK_THEME");
    EXPECT_EQ(read.override, QStringLiteral("dark"));
    EXPECT_EQ(read.gtkTheme, QStringLiteral("Adwaita:dark"));
    EXPECT_FALSE(read.portal.has_value());
}

TEST(WidgetsColorScheme, TheWatcherFollowsThePortalAndAnnouncesOnlyChanges)
{
    awb::ui::ColorSchemeWatcher watcher(hints("", std::nullopt, ""));
    EXPECT_EQ(watcher.scheme(), ColorScheme::System);
    QSignalSpy changed(&watcher, &awb::ui::ColorSchemeWatcher::schemeChanged);
    watcher.setPortalColorScheme(awb::ui::kPortalPreferDark);
    ASSERT_EQ(changed.count(), 1);
    EXPECT_EQ(changed.at(0).at(0).value<ColorScheme>(), ColorScheme::Dark);
    watcher.setPortalColorScheme(awb::ui::kPortalPreferDark);
    EXPECT_EQ(changed.count(), 1);
    watcher.setPortalColorScheme(awb::ui::kPortalNoPreference);
    ASSERT_EQ(changed.count(), 2);
    EXPECT_EQ(watcher.scheme(), ColorScheme::System);
}

TEST(WidgetsColorScheme, TheOverrideHoldsWhenThePortalChanges)
{
    awb::ui::ColorSchemeWatcher watcher(hints("light", std::nullopt, ""));
    EXPECT_EQ(watcher.scheme(), ColorScheme::Light);
    QSignalSpy changed(&watcher, &awb::ui::ColorSchemeWatcher::schemeChanged);
    watcher.setPortalColorScheme(awb::ui::kPortalPreferDark);
    EXPECT_EQ(changed.count(), 0);
    EXPECT_EQ(watcher.scheme(), ColorScheme::Light);
}

TEST(WidgetsColorScheme, ApplyingSetsTheApplicationPaletteAndSystemPutsItBack)
{
    EXPECT_TRUE(awb::ui::isDarkPalette(awb::ui::darkPalette()));
    EXPECT_FALSE(awb::ui::isDarkPalette(awb::ui::lightPalette()));

    const QPalette before = QApplication::palette();
    ASSERT_FALSE(awb::ui::isDarkPalette(before));
    QWidget window; // exists before the change, as the main window does
    QLabel child(&window);
    awb::ui::applyColorScheme(ColorScheme::Dark);
    EXPECT_TRUE(awb::ui::isDarkPalette(QApplication::palette()));
    EXPECT_TRUE(awb::ui::isDarkPalette(window.palette()));
    EXPECT_TRUE(awb::ui::isDarkPalette(child.palette()));
    EXPECT_EQ(QApplication::style()->name().toLower(), QStringLiteral("fusion"));
    awb::ui::applyColorScheme(ColorScheme::Light);
    EXPECT_FALSE(awb::ui::isDarkPalette(QApplication::palette()));
    EXPECT_EQ(QApplication::palette().color(QPalette::Window), awb::ui::lightPalette().color(QPalette::Window));
    awb::ui::applyColorScheme(ColorScheme::System);
    EXPECT_EQ(QApplication::palette().color(QPalette::Window), before.color(QPalette::Window));
    EXPECT_EQ(child.palette().color(QPalette::Window), before.color(QPalette::Window));
    EXPECT_EQ(QApplication::palette().color(QPalette::WindowText), before.color(QPalette::WindowText));
}

} // namespace
