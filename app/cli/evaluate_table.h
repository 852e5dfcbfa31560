#pragma once

#include "core/control/evaluation.h"

#include <cstdint>
#include <ostream>
#include <string>

namespace awb::cli {

struct EvaluationHeader {
    std::int64_t session = 0;
    std::string backend;
    bool emulated = false;
    std::size_t models = 0;
    std::size_t caps = 0;
    std::size_t inputs = 0;
    std::string trace;
    double seconds = 0.0;
};

// The readable summary of `alertwb-cli evaluate`: all settings, then each mode on its own.
void printEvaluationTables(std::ostream& out, const EvaluationHeader& header, const core::EvaluationReport& report);

} // namespace awb::cli
