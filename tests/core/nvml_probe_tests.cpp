#include "core/power/nvml_probe.h"

#include <gtest/gtest.h>

TEST(CoreNvmlProbe, MissingLibraryIsReportedNotFatal)
{
    const auto result = awb::core::probeNvml("libnvidia-ml-does-not-exist.so.1");
    EXPECT_EQ(result.name, "nvml");
    EXPECT_FALSE(result.usable);
    EXPECT_FALSE(result.canSetCap);
    EXPECT_NE(result.reason.find("libnvidia-ml-does-not-exist.so.1 not found"), std::string::npos) << result.reason;
}

TEST(CoreNvmlProbe, LibraryWithoutNvmlSymbolsIsRefused)
{
    // libm loads fine but exports no NVML entry point.
    const auto result = awb::core::probeNvml("libm.so.6");
    EXPECT_FALSE(result.usable);
    EXPECT_NE(result.reason.find("lacks the NVML entry points"), std::string::npos) << result.reason;
}

TEST(CoreNvmlProbe, LibraryNameFollowsEnvironment)
{
    setenv("ALERTWB_NVML_LIBRARY", "/opt/fake/libnvidia-ml.so.1", 1);
    EXPECT_EQ(awb::core::nvmlLibraryName(), "/opt/fake/libnvidia-ml.so.1");
    unsetenv("ALERTWB_NVML_LIBRARY");
    EXPECT_EQ(awb::core::nvmlLibraryName(), "libnvidia-ml.so.1");
}
