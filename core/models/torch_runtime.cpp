#include "core/models/torch_runtime.h"

#include <ATen/Parallel.h>
#include <torch/version.h>

namespace awb::core {

std::string torchVersion()
{
    return TORCH_VERSION;
}

int torchThreads()
{
    return at::get_num_threads();
}

void setTorchThreads(int threads)
{
    at::set_num_threads(threads);
}

} // namespace awb::core
