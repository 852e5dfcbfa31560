#pragma once

#include <QGraphicsObject>
#include <QPixmap>

#include <vector>

class QAbstractAxis;
class QChart;
class QScatterSeries;

namespace awb::ui {

// Draws the points of a chart's scatter series as one graphics item, and reports hovers and clicks
// through each series' own hovered() and clicked() signals, so whoever listens to the series
// cannot tell the difference.
//
// Why: without OpenGL (not available offscreen, nor on every desktop), a Qt Charts 6.4
// QScatterSeries draws every point as its own QGraphicsItem, stroked and filled one by one.
// With 10,000 points, a filter change spent most of its time creating, deleting and painting those
// items. Here the series keep their points (count(), points(), the legend) but draw none
// (setPointsVisible(false)); this item blits one marker pixmap per point instead, rendered once per
// series, style and device pixel ratio. Vector painters (SVG export) get vector markers.
//
// Stacking: above the chart's grid and axes, below every series, so the Pareto front and the
// selection ring draw over the points as they did over the series' own markers.
// Threading: GUI thread.
class FrontierPointsItem : public QGraphicsObject {
    Q_OBJECT

public:
    // Becomes a child of `chart` and follows its plot area.
    explicit FrontierPointsItem(QChart* chart);

    // In drawing order: a later series draws over an earlier one and wins a hover. A hidden series
    // (isVisible() false) is skipped. The series must be in this item's chart.
    void setSeries(std::vector<QScatterSeries*> series);
    // Redraws after the series' points, visibility or style, or the chart's axes, changed.
    void refresh();

    QRectF boundingRect() const override;
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

protected:
    void hoverMoveEvent(QGraphicsSceneHoverEvent* event) override;
    void hoverLeaveEvent(QGraphicsSceneHoverEvent* event) override;
    void mousePressEvent(QGraphicsSceneMouseEvent* event) override;
    void mouseReleaseEvent(QGraphicsSceneMouseEvent* event) override;

private:
    // A point under the mouse: the series' own value, as Qt Charts hands it to hovered().
    struct Hit {
        QScatterSeries* series = nullptr;
        QPointF point;
        bool operator==(const Hit& other) const { return series == other.series && point == other.point; }
    };
    // One series' marker as drawn now; rebuilt when its style or the device pixel ratio changes.
    struct Marker {
        QColor fill;
        QColor border;
        qreal borderWidthPx = -1.0;
        int shape = -1;
        qreal sizePx = 0.0;
        qreal devicePixelRatio = 0.0;
        QPixmap pixmap;
    };
    class Mapping;

    Hit hitAt(const QPointF& position) const;
    void setHovered(const Hit& hit);
    const QPixmap& markerPixmap(std::size_t seriesIndex, qreal devicePixelRatio);
    void plotAreaChanged(const QRectF& plotArea);

    QRectF m_plotArea; // in the chart's coordinates, which are this item's
    std::vector<QScatterSeries*> m_series;
    std::vector<Marker> m_markers; // one per series
    Hit m_hovered;
    Hit m_pressed;
};

} // namespace awb::ui
