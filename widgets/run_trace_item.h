#pragma once

#include <QBrush>
#include <QGraphicsObject>
#include <QPen>
#include <QPixmap>
#include <QPolygonF>

#include <deque>
#include <vector>

class QChart;
class QValueAxis;

namespace awb::ui {

// One polyline, set of dots, band or shaded phase of a run chart, in chart values (x: input).
struct RunTrace {
    enum class Kind {
        Line, // a polyline through `values`
        Dots, // a dot of `dotSizePx` at each of `values`
        Band, // filled between `values` (upper) and `lower`, same x
        Shade, // filled from the bottom of the plot up to `values` (a step outline)
    };
    Kind kind = Kind::Line;
    QPolygonF values;
    QPolygonF lower; // Band only
    QPen pen; // its colour and dash pattern; lines are drawn one device pixel wide
    QBrush brush;
    qreal dotSizePx = 4.0;
};

// Paints every trace of one run chart as a single graphics item, in the chart's own coordinates
// and clipped to its plot area, mapping values through the chart's x and y axes.
//
// Why: a Qt Charts 6.4 line series rebuilds and strokes a hit-test shape of its whole path on each
// change (an atan2 per vertex) and a scatter series makes a graphics item per point. Redrawing six
// charts of ~700 points each 30 times a second that way took 45–90 ms of CPU per redraw on this
// 2-core machine, so the GUI stalled for most of a 500 inputs/s run. This item draws the same
// points with one drawPolyline or drawEllipse loop per trace, aliased and one pixel wide (the
// raster engine's fast path): about 14 ms for all six charts (bench_live_page_stall). The chart's
// series stay, empty, for their legend entries and axes.
//
// Stacking: above the grid and axes, below the (empty) series. Threading: GUI thread.
class RunTraceItem : public QGraphicsObject {
    Q_OBJECT

public:
    // Becomes a child of `chart`, follows its plot area and maps through `x` and `y` (a category
    // axis is a value axis too).
    RunTraceItem(QChart* chart, QValueAxis* x, QValueAxis* y);

    // In drawing order: later traces draw over earlier ones.
    void setTraces(std::vector<RunTrace> traces);
    const std::vector<RunTrace>& traces() const { return m_traces; }

    QRectF boundingRect() const override;
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

private:
    // A dot as a raster painter blits it, drawn once per colour, size and device pixel ratio.
    struct Dot {
        QColor colour;
        qreal sizePx = 0.0;
        qreal devicePixelRatio = 1.0;
        QPixmap pixmap;
    };

    void plotAreaChanged(const QRectF& plotArea);
    const QPixmap& dotPixmap(const RunTrace& trace, qreal devicePixelRatio);

    QValueAxis* m_x;
    QValueAxis* m_y;
    QRectF m_plotArea;
    std::vector<RunTrace> m_traces;
    std::deque<Dot> m_dots; // a deque: references handed out stay valid as it grows
};

} // namespace awb::ui
