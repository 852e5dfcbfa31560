#include "core/records/model_record.h"
#include "core/records/profile_record.h"

#include <stdexcept>

namespace awb::core {

const char* toString(ModelKind kind)
{
    return kind == ModelKind::Anytime ? "anytime" : "traditional";
}

ModelKind modelKindFromString(const std::string& text)
{
    if (text == "traditional")
        return ModelKind::Traditional;
    if (text == "anytime")
        return ModelKind::Anytime;
    throw std::invalid_argument("unknown model kind '" + text + "' (expected traditional or anytime)");
}

const char* toString(SessionStatus status)
{
    switch (status) {
    case SessionStatus::Running:
        return "running";
    case SessionStatus::Complete:
        return "complete";
    case SessionStatus::Cancelled:
        return "cancelled";
    case SessionStatus::Failed:
        return "failed";
    }
    return "failed";
}

SessionStatus sessionStatusFromString(const std::string& text)
{
    if (text == "running")
        return SessionStatus::Running;
    if (text == "complete")
        return SessionStatus::Complete;
    if (text == "cancelled")
        return SessionStatus::Cancelled;
    if (text == "failed")
        return SessionStatus::Failed;
    throw std::invalid_argument("unknown status '" + text + "'");
}

} // namespace awb::core
