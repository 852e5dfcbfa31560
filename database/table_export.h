#pragma once

#include "database/store.h"

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>

namespace awb::db {

enum class ExportTable { Profiles, Runs, Steps };
enum class ExportFormat { Csv, Json, Markdown, Latex };

// Throw StoreError with a one-line message on unknown names.
ExportTable exportTableFromString(const std::string& text);
ExportFormat exportFormatFromString(const std::string& text);

struct ExportRequest {
    ExportTable table = ExportTable::Profiles;
    ExportFormat format = ExportFormat::Csv;
    std::optional<std::int64_t> runId;     // steps: required; runs: optional filter
    std::optional<std::int64_t> sessionId; // profiles: optional filter
};

// Writes one table with its provenance (device, backend — "emulated" where it is —, versions,
// settings): a JSON object with "provenance" and "rows"; a leading comment for CSV
// ("# ..." lines before the header), Markdown (HTML comment) and LaTeX (caption).
// Units are in every column name. CSV follows RFC 4180 (CRLF line ends, quoted fields).
void exportTable(Store& store, const ExportRequest& request, std::ostream& out);

} // namespace awb::db
