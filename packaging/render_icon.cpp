// awb_render_icon: renders the application's SVG icon to one square PNG, so that the hicolor
// PNG sizes the package installs come from the one hand-drawn SVG at build time.
// Usage: awb_render_icon SVG SIZE PNG
#include <QImage>
#include <QPainter>
#include <QSvgRenderer>

#include <cstdio>
#include <cstdlib>
#include <string>

int main(int argc, char* argv[])
{
    if (argc != 4) {
        std::fputs("usage: awb_render_icon SVG SIZE PNG\n", stderr);
        return 2;
    }
    // No QGuiApplication: painting paths into a QImage needs no platform plugin or display, so
    // this runs on a build machine without one (the icon has no text, which would need fonts).
    char* end = nullptr;
    const long size = std::strtol(argv[2], &end, 10);
    if (end == argv[2] || *end != '\0' || size < 1 || size > 4096) {
        std::fprintf(stderr, "awb_render_icon: SIZE must be a whole number of pixels in 1-4096, got '%s'\n", argv[2]);
        return 2;
    }
    QSvgRenderer renderer(QString::fromLocal8Bit(argv[1]));
    if (!renderer.isValid()) {
        std::fprintf(stderr, "awb_render_icon: cannot read the SVG %s\n", argv[1]);
        return 1;
    }
    QImage image(static_cast<int>(size), static_cast<int>(size), QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::transparent);
    {
        QPainter painter(&image);
        painter.setRenderHint(QPainter::Antialiasing);
        renderer.render(&painter);
    }
    if (!image.save(QString::fromLocal8Bit(argv[3]), "PNG")) {
        std::fprintf(stderr, "awb_render_icon: cannot write %s\n", argv[3]);
        return 1;
    }
    return 0;
}
