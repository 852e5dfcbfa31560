#include "app/cli/evaluate_table.h"

#include <cstdio>

namespace awb::cli {

namespace {

    std::string ratio(const std::optional<double>& value)
    {
        if (!value)
            return "-";
        char text[32];
        std::snprintf(text, sizeof text, "%.3f", *value);
        return text;
    }

    void printSummary(std::ostream& out, const char* title, const std::vector<core::SummaryRow>& rows)
    {
        if (rows.empty())
            return;
        char line[256];
        out << '\n' << title << " (" << rows.front().settings << " settings; ratios are means over settings)\n";
        std::snprintf(line, sizeof line, "  %-24s %9s %9s %9s %9s %8s %8s %10s %8s %9s\n", "controller", "E/oracle",
            "err/orac", "E/static", "err/stat", "miss %", "viol %", "J/input", "error %", "µs/input");
        out << line;
        for (const core::SummaryRow& row : rows) {
            std::snprintf(line, sizeof line, "  %-24s %9s %9s %9s %9s %8.2f %8.2f %10.4g %8.2f %9.2f\n",
                row.controller.c_str(), ratio(row.energyVsOracle).c_str(), ratio(row.errorVsOracle).c_str(),
                ratio(row.energyVsStaticOracle).c_str(), ratio(row.errorVsStaticOracle).c_str(),
                100.0 * row.deadlineMissRate, 100.0 * row.violationRate, row.energyPerInputJ, 100.0 * row.errorRate,
                row.decisionNs / 1000.0);
            out << line;
        }
    }

} // namespace

void printEvaluationTables(std::ostream& out, const EvaluationHeader& header, const core::EvaluationReport& report)
{
    out << "Replay of profile session " << header.session << " (backend " << header.backend
        << (header.emulated ? ", EMULATED: power and energy come from the DVFS model" : "") << "): " << header.models
        << " models x " << header.caps << " caps, " << header.inputs << " inputs per setting, " << header.trace
        << "; replayed in " << header.seconds << " s\n";
    printSummary(out, "All settings", report.summary);
    printSummary(out, "Maximize accuracy (deadline + energy budget)", report.maxAccuracySummary);
    printSummary(out, "Minimize energy (deadline + accuracy goal)", report.minEnergySummary);
    printSummary(out, "Maximize accuracy, settings whose goal the Oracle met", report.maxAccuracyFeasibleSummary);
    printSummary(out, "Minimize energy, settings whose goal the Oracle met", report.minEnergyFeasibleSummary);
}

} // namespace awb::cli
