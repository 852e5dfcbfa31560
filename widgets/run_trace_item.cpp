#include "widgets/run_trace_item.h"

#include <QChart>
#include <QPaintEngine>
#include <QPainter>
#include <QPixmap>
#include <QValueAxis>

#include <cmath>

namespace awb::ui {

namespace {

    // Qt Charts 6.4 stacks a chart's children by these z-values (chartpresenter_p.h): grid 2,
    // axes 3, every series 4.
    constexpr qreal kTracesZ = 3.5;

    // Chart values → positions in the chart's coordinates for the axes' current ranges.
    class Mapping {
    public:
        Mapping(const QValueAxis* x, const QValueAxis* y, const QRectF& plot)
            : m_plot(plot)
            , m_xLow(x->min())
            , m_xSpan(x->max() - x->min())
            , m_yLow(y->min())
            , m_ySpan(y->max() - y->min())
        {
        }
        bool isValid() const { return m_xSpan > 0.0 && m_ySpan > 0.0 && !m_plot.isEmpty(); }
        QPointF operator()(const QPointF& value) const
        {
            return { m_plot.left() + (value.x() - m_xLow) / m_xSpan * m_plot.width(),
                m_plot.bottom() - (value.y() - m_yLow) / m_ySpan * m_plot.height() };
        }
        qreal bottom() const { return m_plot.bottom(); }

    private:
        QRectF m_plot;
        double m_xLow, m_xSpan, m_yLow, m_ySpan;
    };

    // NaN values break a line: each finite run of points is its own polyline.
    template <typename Draw> void forEachFiniteRun(const QPolygonF& mapped, Draw draw)
    {
        qsizetype start = 0;
        for (qsizetype i = 0; i <= mapped.size(); ++i) {
            if (i == mapped.size() || !std::isfinite(mapped[i].y())) {
                if (i - start >= 2)
                    draw(mapped.constData() + start, static_cast<int>(i - start));
                start = i + 1;
            }
        }
    }

} // namespace

RunTraceItem::RunTraceItem(QChart* chart, QValueAxis* x, QValueAxis* y)
    : QGraphicsObject(chart)
    , m_x(x)
    , m_y(y)
    , m_plotArea(chart->plotArea())
{
    setZValue(kTracesZ);
    connect(chart, &QChart::plotAreaChanged, this, &RunTraceItem::plotAreaChanged);
    // A range change moves every point.
    connect(x, &QValueAxis::rangeChanged, this, [this] { update(); });
    connect(y, &QValueAxis::rangeChanged, this, [this] { update(); });
}

void RunTraceItem::setTraces(std::vector<RunTrace> traces)
{
    m_traces = std::move(traces);
    update();
}

void RunTraceItem::plotAreaChanged(const QRectF& plotArea)
{
    prepareGeometryChange();
    m_plotArea = plotArea;
    update();
}

const QPixmap& RunTraceItem::dotPixmap(const RunTrace& trace, qreal devicePixelRatio)
{
    const QColor colour = trace.brush.color();
    for (const Dot& dot : m_dots) {
        if (dot.colour == colour && dot.sizePx == trace.dotSizePx && dot.devicePixelRatio == devicePixelRatio)
            return dot.pixmap;
    }
    const int side = static_cast<int>(std::ceil(trace.dotSizePx * devicePixelRatio));
    QPixmap pixmap(side, side);
    pixmap.setDevicePixelRatio(devicePixelRatio);
    pixmap.fill(Qt::transparent);
    {
        QPainter painter(&pixmap);
        painter.setRenderHint(QPainter::Antialiasing);
        painter.setPen(Qt::NoPen);
        painter.setBrush(colour);
        painter.drawEllipse(QRectF(0.0, 0.0, trace.dotSizePx, trace.dotSizePx));
    }
    m_dots.push_back(Dot { colour, trace.dotSizePx, devicePixelRatio, pixmap });
    return m_dots.back().pixmap;
}

QRectF RunTraceItem::boundingRect() const { return m_plotArea; }

void RunTraceItem::paint(QPainter* painter, const QStyleOptionGraphicsItem*, QWidget*)
{
    const Mapping map(m_x, m_y, m_plotArea);
    if (!map.isValid())
        return;
    painter->save();
    painter->setClipRect(m_plotArea, Qt::IntersectClip); // as Qt Charts clips its series
    // Thousands of vertices 30 times a second: aliased one-pixel (cosmetic) lines take the raster
    // engine's fast path, about a third of the cost of antialiased or wider ones here.
    painter->setRenderHint(QPainter::Antialiasing, false);
    for (const RunTrace& trace : m_traces) {
        if (trace.values.isEmpty())
            continue;
        QPolygonF mapped(trace.values.size());
        for (qsizetype i = 0; i < trace.values.size(); ++i)
            mapped[i] = map(trace.values[i]);
        switch (trace.kind) {
        case RunTrace::Kind::Line: {
            QPen pen = trace.pen;
            pen.setWidth(0); // cosmetic: one device pixel whatever the transform
            painter->setPen(pen);
            painter->setBrush(Qt::NoBrush);
            forEachFiniteRun(
                mapped, [painter](const QPointF* points, int count) { painter->drawPolyline(points, count); });
            break;
        }
        case RunTrace::Kind::Dots: {
            // Raster painters blit one pre-drawn dot per point (an ellipse is flattened to a
            // polygon every time); vector painters (SVG export) get real circles.
            const bool raster
                = painter->paintEngine() != nullptr && painter->paintEngine()->type() == QPaintEngine::Raster;
            const qreal r = trace.dotSizePx / 2.0;
            if (raster) {
                const QPixmap& dot = dotPixmap(trace, painter->device()->devicePixelRatioF());
                const QPointF offset(r, r);
                for (const QPointF& p : mapped) {
                    if (std::isfinite(p.x()) && std::isfinite(p.y()))
                        painter->drawPixmap(p - offset, dot);
                }
                break;
            }
            painter->setPen(Qt::NoPen);
            painter->setBrush(trace.brush);
            for (const QPointF& p : mapped) {
                if (std::isfinite(p.x()) && std::isfinite(p.y()))
                    painter->drawEllipse(p, r, r);
            }
            break;
        }
        case RunTrace::Kind::Band: {
            QPolygonF outline = mapped;
            for (qsizetype i = trace.lower.size() - 1; i >= 0; --i)
                outline.append(map(trace.lower[i]));
            painter->setPen(Qt::NoPen);
            painter->setBrush(trace.brush);
            painter->drawPolygon(outline);
            break;
        }
        case RunTrace::Kind::Shade: {
            QPolygonF outline = mapped;
            outline.append(QPointF(mapped.back().x(), map.bottom()));
            outline.prepend(QPointF(mapped.front().x(), map.bottom()));
            painter->setPen(Qt::NoPen);
            painter->setBrush(trace.brush);
            painter->drawPolygon(outline);
            break;
        }
        }
    }
    painter->restore();
}

} // namespace awb::ui
