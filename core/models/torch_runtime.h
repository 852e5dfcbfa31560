#pragma once

#include <string>

namespace awb::core {

// The LibTorch this build links, and its intra-op thread pool. The only way the rest of the
// program learns about LibTorch's runtime without including its headers.
// Threading: any thread; setTorchThreads affects the whole process.
std::string torchVersion();
int torchThreads();
void setTorchThreads(int threads);

} // namespace awb::core
