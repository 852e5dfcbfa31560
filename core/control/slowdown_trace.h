#pragma once

#include <filesystem>
#include <istream>
#include <ostream>
#include <string>
#include <vector>

namespace awb::core {

// The environment a replay runs in, input by input: how much slower than profiled every
// configuration runs (the global slowdown factor ξ, dimensionless) and the idle power (W).
// Every controller replayed against one trace sees the same environment.
struct SlowdownTrace {
    std::vector<double> slowdown;
    std::vector<double> idlePowerW; // same length as slowdown
    std::string description; // where it came from, recorded with the evaluation

    std::size_t size() const { return slowdown.size(); }
};

// Reads a CSV trace: lines starting with '#' and blank lines are skipped; the first other line is
// a header naming the columns; one row per input in input order. The slowdown is the column
// `slowdown` or, in a steps export of a recorded run (`alertwb-cli export --table steps`),
// `xi_observed`; the idle power is the column `idle_power_w` when there is one, else
// `defaultIdlePowerW`. Other columns are ignored.
// Throws std::invalid_argument with one line naming the source and line: no header, no slowdown
// column, a row with too few fields, a value that is not a positive finite number, no rows.
SlowdownTrace parseSlowdownTrace(std::istream& in, const std::string& sourceName, double defaultIdlePowerW);
// The same for a file; also refuses a file that cannot be read.
SlowdownTrace readSlowdownTrace(const std::filesystem::path& file, double defaultIdlePowerW);
// input,slowdown,idle_power_w with 17 significant digits, so a written trace reads back exactly.
void writeSlowdownTrace(std::ostream& out, const SlowdownTrace& trace);

} // namespace awb::core
