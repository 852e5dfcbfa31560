#include "widgets/frontier_points_item.h"

#include <QChart>
#include <QGraphicsSceneHoverEvent>
#include <QGraphicsSceneMouseEvent>
#include <QLogValueAxis>
#include <QPaintEngine>
#include <QPainter>
#include <QScatterSeries>
#include <QValueAxis>

#include <cmath>
#include <utility>

namespace awb::ui {

namespace {

    // Qt Charts 6.4 stacks a chart's children by these z-values (chartpresenter_p.h): grid 2,
    // axes 3, every series 4. Between axes and series keeps the points under the fronts.
    constexpr qreal kPointsZ = 3.5;

    // The page uses circles (traditional models) and squares (anytime); other shapes draw as circles.
    void drawMarker(QPainter* painter, int shape, const QRectF& rect)
    {
        if (shape == QScatterSeries::MarkerShapeRectangle)
            painter->drawRect(rect);
        else
            painter->drawEllipse(rect);
    }

} // namespace

// Chart value → position in the chart's coordinates, as Qt Charts' XY and log domains compute it,
// for the axes attached to a series when it was built.
class FrontierPointsItem::Mapping {
public:
    Mapping(QScatterSeries* series, const QRectF& plotArea)
        : m_plot(plotArea)
    {
        for (const QAbstractAxis* axis : series->attachedAxes())
            (axis->orientation() == Qt::Horizontal ? m_x : m_y) = axisOf(axis);
    }

    bool isValid() const { return m_x.valid && m_y.valid && !m_plot.isEmpty(); }

    // False for a value outside the axes' ranges (Qt Charts hides those points too).
    bool map(const QPointF& value, QPointF* position) const
    {
        const double x = m_x.fraction(value.x());
        const double y = m_y.fraction(value.y());
        if (!(x >= 0.0 && x <= 1.0 && y >= 0.0 && y <= 1.0)) // also false for NaN
            return false;
        *position = QPointF(m_plot.left() + x * m_plot.width(), m_plot.bottom() - y * m_plot.height());
        return true;
    }

private:
    struct Axis {
        double low = 0.0;
        double high = 1.0;
        bool log = false;
        bool valid = false;

        double fraction(double value) const
        {
            if (log)
                return value > 0.0 ? std::log(value / low) / std::log(high / low) : std::nan("");
            return (value - low) / (high - low);
        }
    };

    static Axis axisOf(const QAbstractAxis* axis)
    {
        Axis result;
        if (const auto* linear = qobject_cast<const QValueAxis*>(axis)) {
            result.low = linear->min();
            result.high = linear->max();
            result.valid = result.high > result.low;
        } else if (const auto* log = qobject_cast<const QLogValueAxis*>(axis)) {
            result.low = log->min();
            result.high = log->max();
            result.log = true;
            result.valid = result.low > 0.0 && result.high > result.low;
        }
        return result;
    }

    QRectF m_plot;
    Axis m_x;
    Axis m_y;
};

FrontierPointsItem::FrontierPointsItem(QChart* chart)
    : QGraphicsObject(chart)
    , m_plotArea(chart->plotArea())
{
    setZValue(kPointsZ);
    setAcceptHoverEvents(true);
    setAcceptedMouseButtons(Qt::LeftButton);
    connect(chart, &QChart::plotAreaChanged, this, &FrontierPointsItem::plotAreaChanged);
}

void FrontierPointsItem::setSeries(std::vector<QScatterSeries*> series)
{
    m_series = std::move(series);
    m_markers.assign(m_series.size(), Marker {});
    m_hovered = {};
    m_pressed = {};
    update();
}

void FrontierPointsItem::refresh()
{
    // The hovered point may have gone with the change; the next mouse move finds the new one.
    setHovered({});
    update();
}

void FrontierPointsItem::plotAreaChanged(const QRectF& plotArea)
{
    prepareGeometryChange();
    m_plotArea = plotArea;
    update();
}

QRectF FrontierPointsItem::boundingRect() const { return m_plotArea; }

void FrontierPointsItem::paint(QPainter* painter, const QStyleOptionGraphicsItem*, QWidget*)
{
    if (m_series.empty())
        return;
    const Mapping mapping(m_series.front(), m_plotArea);
    if (!mapping.isValid())
        return;
    painter->save();
    painter->setClipRect(m_plotArea, Qt::IntersectClip); // Qt Charts clips series to the plot area too
    // Pixmaps for raster painting (the screen, PNG export); shapes for vector output (SVG).
    const bool raster = painter->paintEngine() && painter->paintEngine()->type() == QPaintEngine::Raster;
    const qreal devicePixelRatio = painter->device() ? painter->device()->devicePixelRatio() : 1.0;
    QPointF at;
    for (std::size_t i = 0; i < m_series.size(); ++i) {
        const QScatterSeries* series = m_series[i];
        if (!series->isVisible() || series->count() == 0)
            continue;
        const QList<QPointF> points = series->points(); // shared, not copied
        if (raster) {
            const QPixmap& pixmap = markerPixmap(i, devicePixelRatio);
            const QPointF half = QRectF(QPointF(), pixmap.deviceIndependentSize()).center();
            for (const QPointF& value : points) {
                if (mapping.map(value, &at))
                    painter->drawPixmap(QPointF(std::round(at.x() - half.x()), std::round(at.y() - half.y())), pixmap);
            }
        } else {
            painter->setPen(series->pen());
            painter->setBrush(series->brush());
            const qreal size = series->markerSize();
            for (const QPointF& value : points) {
                if (mapping.map(value, &at))
                    drawMarker(
                        painter, series->markerShape(), QRectF(at.x() - size / 2, at.y() - size / 2, size, size));
            }
        }
    }
    painter->restore();
}

const QPixmap& FrontierPointsItem::markerPixmap(std::size_t seriesIndex, qreal devicePixelRatio)
{
    const QScatterSeries* series = m_series[seriesIndex];
    Marker& marker = m_markers[seriesIndex];
    const QPen pen = series->pen();
    const QColor fill = series->brush().color();
    const qreal borderWidthPx = pen.style() == Qt::NoPen ? 0.0 : pen.widthF();
    const int shape = series->markerShape();
    const qreal sizePx = series->markerSize();
    if (!marker.pixmap.isNull() && marker.fill == fill && marker.border == pen.color()
        && marker.borderWidthPx == borderWidthPx && marker.shape == shape && marker.sizePx == sizePx
        && marker.devicePixelRatio == devicePixelRatio)
        return marker.pixmap;

    // Room for the border, half of which strokes outside the shape, and for antialiasing.
    const qreal sidePx = std::ceil(sizePx + std::max(borderWidthPx, 1.0)) + 2.0;
    QPixmap pixmap(int(std::ceil(sidePx * devicePixelRatio)), int(std::ceil(sidePx * devicePixelRatio)));
    pixmap.setDevicePixelRatio(devicePixelRatio);
    pixmap.fill(Qt::transparent);
    {
        QPainter painter(&pixmap);
        painter.setRenderHint(QPainter::Antialiasing);
        painter.setPen(pen);
        painter.setBrush(series->brush());
        const qreal offset = (sidePx - sizePx) / 2.0;
        drawMarker(&painter, shape, QRectF(offset, offset, sizePx, sizePx));
    }
    marker = { fill, pen.color(), borderWidthPx, shape, sizePx, devicePixelRatio, pixmap };
    return marker.pixmap;
}

FrontierPointsItem::Hit FrontierPointsItem::hitAt(const QPointF& position) const
{
    if (m_series.empty() || !m_plotArea.contains(position))
        return {};
    const Mapping mapping(m_series.front(), m_plotArea);
    if (!mapping.isValid())
        return {};
    // The topmost point wins: the last series drawn, and its last point.
    QPointF at;
    for (auto s = m_series.rbegin(); s != m_series.rend(); ++s) {
        QScatterSeries* series = *s;
        if (!series->isVisible())
            continue;
        const qreal half = series->markerSize() / 2.0;
        const bool square = series->markerShape() == QScatterSeries::MarkerShapeRectangle;
        const QList<QPointF> points = series->points();
        for (auto p = points.crbegin(); p != points.crend(); ++p) {
            if (!mapping.map(*p, &at))
                continue;
            const QPointF d = at - position;
            const bool inside = square ? std::abs(d.x()) <= half && std::abs(d.y()) <= half
                                       : d.x() * d.x() + d.y() * d.y() <= half * half;
            if (inside)
                return { series, *p };
        }
    }
    return {};
}

void FrontierPointsItem::setHovered(const Hit& hit)
{
    if (hit == m_hovered)
        return;
    const Hit left = std::exchange(m_hovered, hit);
    if (left.series)
        Q_EMIT left.series->hovered(left.point, false);
    if (hit.series)
        Q_EMIT hit.series->hovered(hit.point, true);
}

void FrontierPointsItem::hoverMoveEvent(QGraphicsSceneHoverEvent* event) { setHovered(hitAt(event->pos())); }

void FrontierPointsItem::hoverLeaveEvent(QGraphicsSceneHoverEvent*) { setHovered({}); }

void FrontierPointsItem::mousePressEvent(QGraphicsSceneMouseEvent* event)
{
    const Hit hit = hitAt(event->pos());
    if (!hit.series) {
        event->ignore(); // not on a point: whatever lies below may take it
        return;
    }
    m_pressed = hit;
}

// Like Qt Charts' own markers: a press on a point and its release make a click on that point.
void FrontierPointsItem::mouseReleaseEvent(QGraphicsSceneMouseEvent*)
{
    const Hit pressed = std::exchange(m_pressed, {});
    if (pressed.series)
        Q_EMIT pressed.series->clicked(pressed.point);
}

} // namespace awb::ui
