#pragma once

// How run_step rows are keyed (schema v1, 001_initial.sql): step_key = (run_id << 32) +
// input_index, so the steps of one run are one contiguous rowid range. Every statement that
// writes a key or reads one run's steps builds it here, so the layout has one definition.

#include <string>

namespace awb::db::detail {

// The step_key of input `inputIndex` of run `runId`; both are SQL expressions.
inline std::string stepKeySql(const std::string& runId, const std::string& inputIndex)
{
    return "((" + runId + ") << 32) + (" + inputIndex + ")";
}

// A condition selecting the steps of run `runId` (an SQL expression) by the step_key column
// `keyColumn` as the query names it: a range on the rowid, never a scan.
inline std::string stepsOfRunSql(const std::string& keyColumn, const std::string& runId)
{
    return keyColumn + " BETWEEN ((" + runId + ") << 32) AND ((" + runId + ") << 32) + 4294967295";
}

} // namespace awb::db::detail
