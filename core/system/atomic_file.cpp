#include "core/system/atomic_file.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>

namespace awb::core {

namespace fs = std::filesystem;

static std::string errnoText()
{
    return std::strerror(errno);
}

AtomicFileWriter::AtomicFileWriter(fs::path target)
    : m_target(std::move(target))
{
    std::error_code error;
    if (fs::is_directory(m_target, error))
        throw std::runtime_error(m_target.string() + " is a directory");
    const fs::path folder = m_target.has_parent_path() ? m_target.parent_path() : fs::path(".");
    std::string pattern = (folder / ("." + m_target.filename().string() + ".XXXXXX")).string();
    const int descriptor = mkstemp(pattern.data());
    if (descriptor < 0)
        throw std::runtime_error("cannot write " + m_target.string() + ": " + errnoText());
    close(descriptor);
    m_temporary = pattern;
    m_stream.open(m_temporary, std::ios::binary | std::ios::trunc);
    if (!m_stream) {
        fs::remove(m_temporary, error);
        throw std::runtime_error("cannot write " + m_target.string() + ": " + errnoText());
    }
}

AtomicFileWriter::~AtomicFileWriter()
{
    if (m_committed)
        return;
    m_stream.close();
    std::error_code error;
    fs::remove(m_temporary, error);
}

void AtomicFileWriter::commit()
{
    m_stream.flush();
    const bool written = static_cast<bool>(m_stream);
    m_stream.close();
    if (!written)
        throw std::runtime_error("cannot write " + m_target.string() + " (disk full?)");
    // Keep the permissions a plain new file would get (mkstemp creates it 0600).
    const mode_t mask = umask(0);
    umask(mask);
    chmod(m_temporary.c_str(), 0666 & ~mask);
    if (const int descriptor = open(m_temporary.c_str(), O_RDONLY); descriptor >= 0) {
        fsync(descriptor);
        close(descriptor);
    }
    if (std::rename(m_temporary.c_str(), m_target.c_str()) != 0)
        throw std::runtime_error("cannot replace " + m_target.string() + ": " + errnoText());
    m_committed = true;
}

} // namespace awb::core
