#include "core/control/slowdown_trace.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <iomanip>
#include <sstream>
#include <stdexcept>

namespace awb::core {

namespace {

    std::string trim(const std::string& text)
    {
        const auto first = text.find_first_not_of(" \t\r");
        if (first == std::string::npos)
            return {};
        const auto last = text.find_last_not_of(" \t\r");
        return text.substr(first, last - first + 1);
    }

    std::vector<std::string> splitFields(const std::string& line)
    {
        std::vector<std::string> fields;
        std::stringstream stream(line);
        std::string field;
        while (std::getline(stream, field, ','))
            fields.push_back(trim(field));
        if (!line.empty() && line.back() == ',')
            fields.emplace_back();
        return fields;
    }

    bool parseNumber(const std::string& text, double& value)
    {
        if (text.empty())
            return false;
        const char* end = text.data() + text.size();
        const auto [ptr, error] = std::from_chars(text.data(), end, value);
        return error == std::errc() && ptr == end;
    }

} // namespace

SlowdownTrace parseSlowdownTrace(std::istream& in, const std::string& sourceName, double defaultIdlePowerW)
{
    const auto fail = [&](long line, const std::string& what) {
        throw std::invalid_argument(
            "trace " + sourceName + (line > 0 ? " line " + std::to_string(line) : std::string()) + ": " + what);
    };
    SlowdownTrace trace;
    trace.description = "trace " + sourceName;
    long lineNumber = 0;
    long slowdownColumn = -1;
    long idleColumn = -1;
    bool haveHeader = false;
    std::string line;
    while (std::getline(in, line)) {
        ++lineNumber;
        const std::string text = trim(line);
        if (text.empty() || text.front() == '#')
            continue;
        const std::vector<std::string> fields = splitFields(text);
        if (!haveHeader) {
            for (std::size_t i = 0; i < fields.size(); ++i) {
                if (fields[i] == "slowdown" || (fields[i] == "xi_observed" && slowdownColumn < 0))
                    slowdownColumn = static_cast<long>(i);
                if (fields[i] == "idle_power_w")
                    idleColumn = static_cast<long>(i);
            }
            if (slowdownColumn < 0)
                fail(lineNumber, "the header names no 'slowdown' (or 'xi_observed') column");
            haveHeader = true;
            continue;
        }
        const long needed = std::max(slowdownColumn, idleColumn) + 1;
        if (static_cast<long>(fields.size()) < needed)
            fail(lineNumber,
                "expected at least " + std::to_string(needed) + " fields, found " + std::to_string(fields.size()));
        double slowdown = 0.0;
        const std::string& slowdownText = fields[static_cast<std::size_t>(slowdownColumn)];
        if (!parseNumber(slowdownText, slowdown) || !std::isfinite(slowdown) || slowdown <= 0.0)
            fail(lineNumber, "slowdown '" + slowdownText + "' is not a positive number");
        double idleW = defaultIdlePowerW;
        if (idleColumn >= 0) {
            const std::string& idleText = fields[static_cast<std::size_t>(idleColumn)];
            if (!parseNumber(idleText, idleW) || !std::isfinite(idleW) || idleW < 0.0)
                fail(lineNumber, "idle power '" + idleText + "' is not a number ≥ 0 W");
        }
        trace.slowdown.push_back(slowdown);
        trace.idlePowerW.push_back(idleW);
    }
    if (!haveHeader)
        fail(0, "no header line (expected e.g. 'input,slowdown,idle_power_w')");
    if (trace.slowdown.empty())
        fail(0, "no input rows after the header");
    return trace;
}

SlowdownTrace readSlowdownTrace(const std::filesystem::path& file, double defaultIdlePowerW)
{
    std::ifstream in(file);
    if (!in)
        throw std::invalid_argument("cannot read the trace file " + file.string());
    return parseSlowdownTrace(in, file.string(), defaultIdlePowerW);
}

void writeSlowdownTrace(std::ostream& out, const SlowdownTrace& trace)
{
    if (!trace.description.empty())
        out << "# " << trace.description << '\n';
    out << "input,slowdown,idle_power_w\n" << std::setprecision(17);
    for (std::size_t n = 0; n < trace.size(); ++n)
        out << n << ',' << trace.slowdown[n] << ',' << trace.idlePowerW[n] << '\n';
}

} // namespace awb::core
