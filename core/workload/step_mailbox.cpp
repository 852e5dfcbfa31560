#include "core/workload/step_mailbox.h"

namespace awb::core {

// Compiled once here, so the library checks the step mailbox builds without any caller.
template class LatestValueMailbox<RunStepRecord>;

} // namespace awb::core
