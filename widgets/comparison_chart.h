#pragma once

#include "database/comparison.h"

class QBarSeries;
class QChart;

namespace awb::ui {

enum class ComparisonMetric { Energy, Error };

// Fills `chart` with grouped bars of `metric` per input divided by the Static Oracle's (the mean
// over the goal grid of the per-setting ratios): one category per environment, one QBarSet per
// controller (so the Static Oracle's bars are 1), and a dashed line at 1. A ratio without a
// reference (the Static Oracle's figure is 0 in every setting) is drawn as 0; the table shows it
// as missing. Replaces whatever the chart held; returns the bar series (owned by the chart).
QBarSeries* showComparisonBars(QChart* chart, const db::ComparisonResult& result, ComparisonMetric metric);

// Empties the chart and titles it for `metric`, with no result.
void clearComparisonChart(QChart* chart, ComparisonMetric metric);

} // namespace awb::ui
