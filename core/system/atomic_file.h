#pragma once

#include <filesystem>
#include <fstream>

namespace awb::core {

// Writes a file so that readers see either the old content or the complete new one, never a
// half-written file: the data goes to a temporary file beside the target, which replaces
// the target on commit(). Without commit() (an error, an exception) the temporary file is
// removed and the target is left untouched. Threading: one writer per object.
class AtomicFileWriter {
public:
    // Throws std::runtime_error (one line naming the file) when the temporary file cannot be created.
    explicit AtomicFileWriter(std::filesystem::path target);
    ~AtomicFileWriter();
    AtomicFileWriter(const AtomicFileWriter&) = delete;
    AtomicFileWriter& operator=(const AtomicFileWriter&) = delete;

    std::ostream& stream() { return m_stream; }
    // Flushes, syncs and renames over the target; throws std::runtime_error on failure.
    void commit();

private:
    std::filesystem::path m_target;
    std::filesystem::path m_temporary;
    std::ofstream m_stream;
    bool m_committed = false;
};

} // namespace awb::core
