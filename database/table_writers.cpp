#include "database/table_writers.h"

#include "database/store_error.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <nlohmann/json.hpp>
#include <sqlite3.h>

namespace awb::db {

namespace {

    constexpr std::size_t kChunkBytes = std::size_t { 1 } << 20;
    constexpr std::size_t kNumberBytes = 32; // longest shortest-round-trip double is 24 chars

    // Collects output in one large block and hands it to the stream a megabyte at a time, so
    // the per-field cost is a memcpy or a to_chars, never an iostream call.
    class OutputBuffer {
    public:
        explicit OutputBuffer(std::ostream& out)
            : m_out(out)
            , m_data(new char[kChunkBytes])
        {
        }

        void append(char c)
        {
            reserve(1);
            m_data[m_size++] = c;
        }

        void append(std::string_view text)
        {
            if (text.size() > kChunkBytes) {
                flush();
                write(text.data(), text.size());
                return;
            }
            reserve(text.size());
            std::memcpy(m_data.get() + m_size, text.data(), text.size());
            m_size += text.size();
        }

        template <typename Integer> void appendInteger(Integer value)
        {
            reserve(kNumberBytes);
            auto result = std::to_chars(m_data.get() + m_size, m_data.get() + m_size + kNumberBytes, value);
            m_size = static_cast<std::size_t>(result.ptr - m_data.get());
        }

        // Shortest text that parses back to the same double; `nan`, `inf` and `-inf` otherwise.
        void appendReal(double value)
        {
            if (std::isnan(value)) {
                append("nan");
                return;
            }
            reserve(kNumberBytes);
            auto result = std::to_chars(m_data.get() + m_size, m_data.get() + m_size + kNumberBytes, value);
            m_size = static_cast<std::size_t>(result.ptr - m_data.get());
        }

        void flush()
        {
            write(m_data.get(), m_size);
            m_size = 0;
        }

    private:
        void reserve(std::size_t bytes)
        {
            if (m_size + bytes > kChunkBytes)
                flush();
        }

        void write(const char* data, std::size_t size)
        {
            if (size == 0)
                return;
            m_out.write(data, static_cast<std::streamsize>(size));
            if (!m_out)
                throw StoreError("export failed: the output could not be written (disk full or closed pipe?)");
        }

        std::ostream& m_out;
        std::unique_ptr<char[]> m_data;
        std::size_t m_size = 0;
    };

    std::string_view columnText(sqlite3_stmt* statement, int index)
    {
        const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(statement, index));
        if (text == nullptr)
            return {};
        return { text, static_cast<std::size_t>(sqlite3_column_bytes(statement, index)) };
    }

    bool isNumeric(ColumnType type)
    {
        return type == ColumnType::Integer || type == ColumnType::Unsigned || type == ColumnType::Real
            || type == ColumnType::OptionalReal;
    }

    bool isMissing(sqlite3_stmt* statement, int index, ColumnType type)
    {
        return type == ColumnType::OptionalReal && sqlite3_column_type(statement, index) == SQLITE_NULL;
    }

    // Replaces CR and LF by spaces: the text formats keep one record per line.
    std::string singleLine(std::string_view text)
    {
        std::string result(text);
        std::replace_if(
            result.begin(), result.end(), [](char c) { return c == '\r' || c == '\n'; }, ' ');
        return result;
    }

    // Writes a numeric/boolean cell the way the text formats share (all but JSON and CSV's 0/1).
    void appendNumber(OutputBuffer& buffer, sqlite3_stmt* statement, int index, ColumnType type)
    {
        if (isMissing(statement, index, type))
            return; // an empty cell
        if (type == ColumnType::Integer)
            buffer.appendInteger(sqlite3_column_int64(statement, index));
        else if (type == ColumnType::Unsigned)
            buffer.appendInteger(static_cast<std::uint64_t>(sqlite3_column_int64(statement, index)));
        else
            buffer.appendReal(sqlite3_column_double(statement, index));
    }

    // ---- CSV (RFC 4180) -------------------------------------------------------------------

    class CsvWriter final : public TableWriter {
    public:
        explicit CsvWriter(std::ostream& out)
            : m_buffer(out)
        {
        }

        void begin(const Provenance& provenance, const std::vector<ExportColumn>& columns) override
        {
            m_columns = columns;
            for (const auto& [key, value] : provenance.lines()) {
                m_buffer.append("# ");
                m_buffer.append(key);
                m_buffer.append(": ");
                m_buffer.append(value);
                m_buffer.append("\r\n");
            }
            for (std::size_t i = 0; i < columns.size(); ++i) {
                if (i > 0)
                    m_buffer.append(',');
                appendField(columns[i].name);
            }
            m_buffer.append("\r\n");
        }

        void row(sqlite3_stmt* statement) override
        {
            const int count = static_cast<int>(m_columns.size());
            for (int i = 0; i < count; ++i) {
                if (i > 0)
                    m_buffer.append(',');
                const ColumnType type = m_columns[static_cast<std::size_t>(i)].type;
                if (type == ColumnType::Text)
                    appendField(columnText(statement, i));
                else if (type == ColumnType::Boolean)
                    m_buffer.append(sqlite3_column_int64(statement, i) != 0 ? '1' : '0');
                else
                    appendNumber(m_buffer, statement, i, type);
            }
            m_buffer.append("\r\n");
        }

        void end() override { m_buffer.flush(); }

    private:
        void appendField(std::string_view text)
        {
            if (text.find_first_of(",\"\r\n") == std::string_view::npos) {
                m_buffer.append(text);
                return;
            }
            m_buffer.append('"');
            for (char c : text) {
                if (c == '"')
                    m_buffer.append('"');
                m_buffer.append(c);
            }
            m_buffer.append('"');
        }

        OutputBuffer m_buffer;
        std::vector<ExportColumn> m_columns;
    };

    // ---- JSON -----------------------------------------------------------------------------

    std::string jsonString(std::string_view text)
    {
        return nlohmann::json(std::string(text)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    }

    // Parses JSON text from the store; text that is not valid JSON is kept as a string.
    nlohmann::ordered_json jsonValue(const std::string& text)
    {
        auto parsed = nlohmann::ordered_json::parse(text, nullptr, /*allow_exceptions=*/false);
        if (parsed.is_discarded())
            return text;
        return parsed;
    }

    class JsonWriter final : public TableWriter {
    public:
        explicit JsonWriter(std::ostream& out)
            : m_buffer(out)
        {
        }

        void begin(const Provenance& provenance, const std::vector<ExportColumn>& columns) override
        {
            m_columns = columns;
            nlohmann::ordered_json meta;
            meta["table"] = provenance.table;
            meta["scope"] = provenance.scope;
            meta["alertwb_version"] = provenance.alertwbVersion;
            meta["sqlite_version"] = provenance.sqliteVersion;
            meta["backend"] = provenance.backends();
            meta["emulated"] = provenance.emulated();
            meta["devices"] = nlohmann::ordered_json::array();
            for (const auto& device : provenance.devices) {
                nlohmann::ordered_json entry;
                entry["host"] = device.host;
                entry["cpu_model"] = device.cpuModel;
                entry["gpu_model"] = device.gpuModel;
                entry["backend"] = device.backend;
                if (!device.emulationJson.empty())
                    entry["emulation"] = jsonValue(device.emulationJson);
                meta["devices"].push_back(std::move(entry));
            }
            for (const auto& detail : provenance.details)
                meta[detail.key] = detail.json ? jsonValue(detail.value) : nlohmann::ordered_json(detail.value);

            nlohmann::ordered_json names = nlohmann::ordered_json::array();
            m_keys.clear();
            for (std::size_t i = 0; i < columns.size(); ++i) {
                names.push_back(std::string(columns[i].name));
                m_keys.push_back((i == 0 ? "{" : ",") + jsonString(columns[i].name) + ":");
            }
            const auto dump = [](const nlohmann::ordered_json& value) {
                return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
            };
            m_buffer.append("{\"provenance\":");
            m_buffer.append(dump(meta));
            m_buffer.append(",\n\"columns\":");
            m_buffer.append(dump(names));
            m_buffer.append(",\n\"rows\":[");
            m_firstRow = true;
        }

        void row(sqlite3_stmt* statement) override
        {
            m_buffer.append(m_firstRow ? "\n" : ",\n");
            m_firstRow = false;
            const int count = static_cast<int>(m_columns.size());
            for (int i = 0; i < count; ++i) {
                m_buffer.append(m_keys[static_cast<std::size_t>(i)]);
                switch (m_columns[static_cast<std::size_t>(i)].type) {
                case ColumnType::Text:
                    appendString(columnText(statement, i));
                    break;
                case ColumnType::Boolean:
                    m_buffer.append(sqlite3_column_int64(statement, i) != 0 ? "true" : "false");
                    break;
                case ColumnType::Integer:
                case ColumnType::Unsigned:
                    appendNumber(m_buffer, statement, i, m_columns[static_cast<std::size_t>(i)].type);
                    break;
                case ColumnType::Real:
                case ColumnType::OptionalReal: {
                    const double value = sqlite3_column_double(statement, i);
                    if (std::isfinite(value) && !isMissing(statement, i, m_columns[static_cast<std::size_t>(i)].type))
                        m_buffer.appendReal(value);
                    else
                        m_buffer.append("null"); // JSON has no NaN or infinity
                    break;
                }
                }
            }
            if (count == 0)
                m_buffer.append('{');
            m_buffer.append('}');
        }

        void end() override
        {
            m_buffer.append(m_firstRow ? "]}\n" : "\n]}\n");
            m_buffer.flush();
        }

    private:
        // Printable ASCII without quote or backslash is copied as it is; anything else goes
        // through nlohmann (control characters escaped, invalid UTF-8 replaced by U+FFFD).
        void appendString(std::string_view text)
        {
            const bool plain = std::all_of(
                text.begin(), text.end(), [](char c) { return c >= 0x20 && c < 0x7f && c != '"' && c != '\\'; });
            if (!plain) {
                m_buffer.append(jsonString(text));
                return;
            }
            m_buffer.append('"');
            m_buffer.append(text);
            m_buffer.append('"');
        }

        OutputBuffer m_buffer;
        std::vector<ExportColumn> m_columns;
        std::vector<std::string> m_keys; // `{"name":` / `,"name":` per column
        bool m_firstRow = true;
    };

    // ---- Markdown -------------------------------------------------------------------------

    // Text inside an HTML comment must not contain "--" (it would end or break the comment).
    std::string commentSafe(std::string text)
    {
        for (auto at = text.find("--"); at != std::string::npos; at = text.find("--", at))
            text.replace(at, 2, "- -");
        return text;
    }

    class MarkdownWriter final : public TableWriter {
    public:
        explicit MarkdownWriter(std::ostream& out)
            : m_buffer(out)
        {
        }

        void begin(const Provenance& provenance, const std::vector<ExportColumn>& columns) override
        {
            m_columns = columns;
            m_buffer.append("<!-- ALERT Workbench export\n");
            for (const auto& [key, value] : provenance.lines())
                m_buffer.append(commentSafe(key + ": " + value) + "\n");
            m_buffer.append("-->\n\n|");
            for (const auto& column : columns) {
                m_buffer.append(' ');
                appendCell(column.name);
                m_buffer.append(" |");
            }
            m_buffer.append("\n|");
            for (const auto& column : columns)
                m_buffer.append(isNumeric(column.type) ? " ---: |" : " --- |");
            m_buffer.append('\n');
        }

        void row(sqlite3_stmt* statement) override
        {
            m_buffer.append('|');
            const int count = static_cast<int>(m_columns.size());
            for (int i = 0; i < count; ++i) {
                m_buffer.append(' ');
                const ColumnType type = m_columns[static_cast<std::size_t>(i)].type;
                if (type == ColumnType::Text)
                    appendCell(columnText(statement, i));
                else if (type == ColumnType::Boolean)
                    m_buffer.append(sqlite3_column_int64(statement, i) != 0 ? "yes" : "no");
                else
                    appendNumber(m_buffer, statement, i, type);
                m_buffer.append(" |");
            }
            m_buffer.append('\n');
        }

        void end() override { m_buffer.flush(); }

    private:
        // `|` would end the cell and `\` would escape what follows; line breaks end the row.
        void appendCell(std::string_view text)
        {
            for (char c : text) {
                if (c == '|' || c == '\\')
                    m_buffer.append('\\');
                m_buffer.append(c == '\r' || c == '\n' ? ' ' : c);
            }
        }

        OutputBuffer m_buffer;
        std::vector<ExportColumn> m_columns;
    };

    // ---- LaTeX ----------------------------------------------------------------------------

    std::string latexEscape(std::string_view text)
    {
        std::string result;
        result.reserve(text.size());
        for (char c : text) {
            switch (c) {
            case '&':
            case '%':
            case '$':
            case '#':
            case '_':
            case '{':
            case '}':
                result += '\\';
                result += c;
                break;
            case '~':
                result += "\\textasciitilde{}";
                break;
            case '^':
                result += "\\textasciicircum{}";
                break;
            case '\\':
                result += "\\textbackslash{}";
                break;
            // In LaTeX's default OT1 font encoding these print as other glyphs (—, ¡, ¿).
            case '|':
                result += "\\textbar{}";
                break;
            case '<':
                result += "\\textless{}";
                break;
            case '>':
                result += "\\textgreater{}";
                break;
            case '\r':
            case '\n':
                result += ' ';
                break;
            default:
                result += c;
            }
        }
        return result;
    }

    class LatexWriter final : public TableWriter {
    public:
        explicit LatexWriter(std::ostream& out)
            : m_buffer(out)
        {
        }

        void begin(const Provenance& provenance, const std::vector<ExportColumn>& columns) override
        {
            m_columns = columns;
            std::string caption;
            for (const auto& [key, value] : provenance.lines())
                caption += (caption.empty() ? "" : "; ") + latexEscape(key) + ": " + latexEscape(value);
            const std::string table = latexEscape(provenance.table);
            m_buffer.append("% ALERT Workbench export; needs \\usepackage{booktabs}\n");
            m_buffer.append("\\begin{table}[htbp]\n\\centering\n");
            m_buffer.append(
                "\\caption[ALERT Workbench export: " + table + "]{ALERT Workbench export. " + caption + "}\n");
            m_buffer.append("\\label{tab:alertwb-" + table + "}\n\\begin{tabular}{");
            for (const auto& column : columns)
                m_buffer.append(isNumeric(column.type) ? 'r' : 'l');
            m_buffer.append("}\n\\toprule\n");
            for (std::size_t i = 0; i < columns.size(); ++i) {
                m_buffer.append(i == 0 ? "" : " & ");
                m_buffer.append(latexEscape(columns[i].name));
            }
            m_buffer.append(" \\\\\n\\midrule\n");
        }

        void row(sqlite3_stmt* statement) override
        {
            const int count = static_cast<int>(m_columns.size());
            for (int i = 0; i < count; ++i) {
                if (i > 0)
                    m_buffer.append(" & ");
                const ColumnType type = m_columns[static_cast<std::size_t>(i)].type;
                if (type == ColumnType::Text)
                    m_buffer.append(latexEscape(columnText(statement, i)));
                else if (type == ColumnType::Boolean)
                    m_buffer.append(sqlite3_column_int64(statement, i) != 0 ? "yes" : "no");
                else
                    appendNumber(m_buffer, statement, i, type);
            }
            m_buffer.append(" \\\\\n");
        }

        void end() override
        {
            m_buffer.append("\\bottomrule\n\\end{tabular}\n\\end{table}\n");
            m_buffer.flush();
        }

    private:
        OutputBuffer m_buffer;
        std::vector<ExportColumn> m_columns;
    };

} // namespace

bool Provenance::emulated() const
{
    return std::any_of(devices.begin(), devices.end(), [](const auto& d) { return d.backend == "emulated"; });
}

std::string Provenance::backends() const
{
    std::vector<std::string> seen;
    for (const auto& device : devices)
        if (std::find(seen.begin(), seen.end(), device.backend) == seen.end())
            seen.push_back(device.backend);
    if (seen.empty())
        return "none";
    std::string result;
    for (const auto& backend : seen)
        result += (result.empty() ? "" : ", ") + backend;
    return result;
}

std::vector<std::pair<std::string, std::string>> Provenance::lines() const
{
    // JSON settings are compacted so that every value stays on one line.
    const auto compact = [](const std::string& text) {
        auto parsed = nlohmann::ordered_json::parse(text, nullptr, /*allow_exceptions=*/false);
        if (parsed.is_discarded())
            return singleLine(text);
        return parsed.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    };
    std::vector<std::pair<std::string, std::string>> result {
        { "table", table },
        { "scope", scope },
        { "alertwb_version", alertwbVersion },
        { "sqlite_version", sqliteVersion },
        { "backend", backends() },
    };
    if (emulated())
        result.emplace_back("note", "emulated backend: power and energy come from a DVFS model, not a measurement");
    for (const auto& device : devices) {
        std::string text = singleLine(device.host) + " (cpu: " + singleLine(device.cpuModel);
        if (!device.gpuModel.empty())
            text += "; gpu: " + singleLine(device.gpuModel);
        text += "; backend: " + singleLine(device.backend);
        if (!device.emulationJson.empty())
            text += "; emulation: " + compact(device.emulationJson);
        result.emplace_back("device", text + ")");
    }
    for (const auto& detail : details)
        result.emplace_back(detail.key, detail.json ? compact(detail.value) : singleLine(detail.value));
    return result;
}

std::unique_ptr<TableWriter> makeTableWriter(ExportFormat format, std::ostream& out)
{
    switch (format) {
    case ExportFormat::Csv:
        return std::make_unique<CsvWriter>(out);
    case ExportFormat::Json:
        return std::make_unique<JsonWriter>(out);
    case ExportFormat::Markdown:
        return std::make_unique<MarkdownWriter>(out);
    case ExportFormat::Latex:
        return std::make_unique<LatexWriter>(out);
    }
    throw StoreError("unknown export format");
}

} // namespace awb::db
