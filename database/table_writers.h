#pragma once

#include "database/table_export.h"

#include <cstdint>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

struct sqlite3_stmt;

namespace awb::db {

// Internal to awb_db: the per-format writers behind exportTable().
//
// Output conventions, shared by every format:
// - Numbers use the shortest text that reads back to the same double (std::to_chars), so an
//   export is exact and identical from run to run; non-finite reals are written as `nan`,
//   `inf`, `-inf` (CSV, Markdown, LaTeX) or `null` (JSON). Every exported column but an
//   OptionalReal is NOT NULL, so cells are read without a NULL check (each costs a mutex round trip).
// - Booleans are 0/1 in CSV, true/false in JSON, yes/no in Markdown and LaTeX.
// - CSV is RFC 4180: CRLF after every record, a header record, and a field quoted (with inner
//   quotes doubled) when it holds a comma, a quote, CR or LF. The provenance comes first as
//   lines starting with "# " (also CRLF-terminated); RFC 4180 has no comments, so readers skip
//   the leading lines that start with '#' before handing the rest to a CSV parser (e.g. Python:
//   `csv.reader(line for line in f if not line.startswith('#'))` — only leading lines start
//   with '#', since the header and data lines never do).
// - JSON: {"provenance":{...},"columns":[...],"rows":[{...},...]}, one row per line, streamed.
// - Markdown: provenance in a leading HTML comment, then a pipe table (`|` and `\` escaped).
// - LaTeX: a booktabs tabular inside a table environment with the provenance in \caption.

// Unsigned: an INTEGER column holding the bit pattern of a std::uint64_t (seeds).
// OptionalReal: the one column type that may be NULL (a ratio whose reference is 0): an empty cell
// in CSV, Markdown and LaTeX, null in JSON.
enum class ColumnType { Integer, Unsigned, Real, OptionalReal, Boolean, Text };

struct ExportColumn {
    std::string_view name;
    ColumnType type;
};

struct ProvenanceDevice {
    std::string host;
    std::string cpuModel;
    std::string gpuModel;
    std::string backend;
    std::string emulationJson; // emulated DVFS parameters; empty for real backends
};

// Where the exported numbers came from. Deliberately without an export time, so that the same
// store exports to the same bytes.
struct Provenance {
    std::string table; // profiles, runs, steps
    std::string scope; // e.g. "session 3", "all sessions", "run 7"
    std::string alertwbVersion; // AWB_VERSION of the exporting build
    std::string sqliteVersion; // sqlite3_libversion() of the exporting build
    std::vector<ProvenanceDevice> devices;
    // One entry per setting that exists for the exported session/run (seed, settings_json,
    // versions_json, ...); `json` marks values holding JSON text.
    struct Entry {
        std::string key;
        std::string value;
        bool json = false;
    };
    std::vector<Entry> details;

    bool emulated() const;
    // Distinct backends in device order ("emulated", "rapl, nvml"), or "none" without devices.
    std::string backends() const;
    // Flat key/value lines for the text formats; values are single-line (JSON compacted).
    std::vector<std::pair<std::string, std::string>> lines() const;
};

// Writes one table: begin() once, row() per result row of a statement whose result columns
// match `columns` in order, end() once. Output is buffered and written to the stream in large
// chunks; a failed stream raises StoreError.
class TableWriter {
public:
    virtual ~TableWriter() = default;
    virtual void begin(const Provenance& provenance, const std::vector<ExportColumn>& columns) = 0;
    virtual void row(sqlite3_stmt* statement) = 0;
    virtual void end() = 0;
};

std::unique_ptr<TableWriter> makeTableWriter(ExportFormat format, std::ostream& out);

} // namespace awb::db
