#pragma once

#include <QString>

class QWidget;

namespace awb::ui {

// Renders a widget (a chart view, or a panel of them) to a PNG or SVG file, through a temporary
// file renamed over the target, so a failed export leaves any previous file untouched. The
// Frontier, Live, Run and Compare pages all export their charts through here.
// Each returns false and sets `error` (one line) when the widget has no size or the file cannot be
// written. Call on the GUI thread.
bool exportWidgetPng(QWidget* widget, const QString& path, QString* error);
bool exportWidgetSvg(QWidget* widget, const QString& path, const QString& title, QString* error);

// "png" or "svg" from the path's suffix (case-insensitive); empty for anything else.
QString imageFormatOf(const QString& path);

} // namespace awb::ui
