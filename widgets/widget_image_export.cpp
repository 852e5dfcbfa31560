#include "widgets/widget_image_export.h"

#include "core/system/atomic_file.h"

#include <QBuffer>
#include <QByteArray>
#include <QFileInfo>
#include <QImage>
#include <QLayout>
#include <QPainter>
#include <QSvgGenerator>
#include <QWidget>

#include <exception>

namespace awb::ui {

namespace {

    // A page never shown has not laid out its children yet: lay out from the top-level widget
    // down, so the exported widget gets the size it will have on screen.
    QSize laidOutSize(QWidget* widget)
    {
        for (QWidget* level = widget; level; level = level->parentWidget()) {
            if (level->layout())
                level->layout()->activate();
        }
        return widget->size();
    }

    bool writeAtomically(const QString& path, const QByteArray& bytes, QString* error)
    {
        try {
            core::AtomicFileWriter writer(path.toStdString());
            writer.stream().write(bytes.constData(), bytes.size());
            writer.commit();
        } catch (const std::exception& failure) {
            *error = QString::fromStdString(failure.what());
            return false;
        }
        error->clear();
        return true;
    }

} // namespace

bool exportWidgetPng(QWidget* widget, const QString& path, QString* error)
{
    const QSize size = laidOutSize(widget);
    QImage image(size, QImage::Format_ARGB32_Premultiplied);
    if (size.isEmpty() || image.isNull()) {
        *error = QStringLiteral("the chart has no size to draw");
        return false;
    }
    image.fill(widget->palette().color(QPalette::Window));
    {
        QPainter painter(&image);
        widget->render(&painter);
    }
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    if (!image.save(&buffer, "PNG")) {
        *error = QStringLiteral("could not encode the PNG image");
        return false;
    }
    return writeAtomically(path, bytes, error);
}

bool exportWidgetSvg(QWidget* widget, const QString& path, const QString& title, QString* error)
{
    const QSize size = laidOutSize(widget);
    if (size.isEmpty()) {
        *error = QStringLiteral("the chart has no size to draw");
        return false;
    }
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    QSvgGenerator generator;
    generator.setOutputDevice(&buffer);
    generator.setSize(size);
    generator.setViewBox(QRect(QPoint(0, 0), size));
    generator.setTitle(title);
    generator.setDescription(QStringLiteral("ALERT Workbench chart"));
    {
        QPainter painter(&generator);
        widget->render(&painter);
    }
    return writeAtomically(path, bytes, error);
}

QString imageFormatOf(const QString& path)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    return suffix == QLatin1String("png") || suffix == QLatin1String("svg") ? suffix : QString();
}

} // namespace awb::ui
