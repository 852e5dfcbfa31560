#pragma once

// The comparison table as the Compare page shows and exports it: one row per environment ×
// controller, the means over the goal grid of core::SummaryRow. Written by the project's table
// writers, so CSV, JSON, Markdown and LaTeX read like `alertwb-cli export`, provenance included.

#include "database/comparison.h"
#include "database/table_export.h"

#include <ostream>
#include <string>
#include <vector>

namespace awb::db {

// One controller in one environment: its core::SummaryRow (means over the goal grid; energy is
// emulated when the result is; a ratio is empty when the reference is 0 in every setting).
struct ComparisonRow {
    std::string environment;
    core::SummaryRow summary;
};

// Environments in the result's order, controllers in core::evaluatedControllers order.
std::vector<ComparisonRow> comparisonRows(const ComparisonResult& result);

// Columns environment, controller, energy_per_input_j, error_rate, energy_vs_static_oracle,
// error_vs_static_oracle, energy_vs_oracle, error_vs_oracle, deadline_miss_rate, violation_rate,
// settings; a ratio without a reference is an empty cell (null in JSON). The provenance names the
// profile session, device and backend ("emulated" where it is), models, caps, goal grid, seed and
// each environment's trace. Throws StoreError when `out` fails.
void exportComparison(const ComparisonResult& result, ExportFormat format, std::ostream& out);

} // namespace awb::db
