#include "widgets/comparison_chart.h"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QLineSeries>
#include <QPen>
#include <QValueAxis>

#include <algorithm>

namespace awb::ui {

namespace {

    QString titleOf(ComparisonMetric metric, bool emulated)
    {
        const QString title = metric == ComparisonMetric::Energy ? QStringLiteral("Energy / Static Oracle")
                                                                 : QStringLiteral("Error / Static Oracle");
        // Error rates are measured on the test set either way; only energy is modelled.
        return emulated && metric == ComparisonMetric::Energy ? title % QStringLiteral(" (emulated power)") : title;
    }

    void removeEverything(QChart* chart)
    {
        chart->removeAllSeries();
        for (QAbstractAxis* axis : chart->axes()) {
            chart->removeAxis(axis);
            delete axis;
        }
    }

} // namespace

void clearComparisonChart(QChart* chart, ComparisonMetric metric)
{
    removeEverything(chart);
    chart->setTitle(titleOf(metric, false));
}

QBarSeries* showComparisonBars(QChart* chart, const db::ComparisonResult& result, ComparisonMetric metric)
{
    removeEverything(chart);
    chart->setTitle(titleOf(metric, result.emulated()));

    QStringList categories;
    for (const db::EnvironmentReport& environment : result.environments)
        categories.append(QString::fromStdString(environment.environment.name));
    auto* series = new QBarSeries;
    double highest = 1.0;
    const std::size_t controllers = result.environments.empty() ? 0 : result.environments.front().report.summary.size();
    for (std::size_t c = 0; c < controllers; ++c) {
        auto* set = new QBarSet(QString::fromStdString(result.environments.front().report.summary[c].controller));
        for (const db::EnvironmentReport& environment : result.environments) {
            const core::SummaryRow& row = environment.report.summary[c];
            const std::optional<double> ratio
                = metric == ComparisonMetric::Energy ? row.energyVsStaticOracle : row.errorVsStaticOracle;
            set->append(ratio.value_or(0.0));
            highest = std::max(highest, ratio.value_or(0.0));
        }
        series->append(set);
    }
    chart->addSeries(series);

    auto* x = new QBarCategoryAxis;
    x->append(categories);
    x->setTitleText(QStringLiteral("Environment"));
    auto* y = new QValueAxis;
    y->setRange(0.0, highest * 1.1);
    y->applyNiceNumbers(); // round ticks, so 1.0 is one of them
    y->setLabelFormat(QStringLiteral("%.2f"));
    y->setTitleText(QStringLiteral("× Static Oracle"));
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(y, Qt::AlignLeft);
    series->attachAxis(x);
    series->attachAxis(y);

    // The Static Oracle's level, across every category (bar categories sit at 0, 1, …).
    auto* reference = new QLineSeries;
    reference->setName(QStringLiteral("= Static Oracle"));
    reference->append(-0.5, 1.0);
    reference->append(static_cast<double>(categories.size()) - 0.5, 1.0);
    QPen pen(Qt::DashLine);
    pen.setWidthF(1.5);
    reference->setPen(pen);
    chart->addSeries(reference);
    reference->attachAxis(x);
    reference->attachAxis(y);
    return series;
}

} // namespace awb::ui
