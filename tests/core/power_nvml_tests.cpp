#include "core/power/backend_probe.h"
#include "core/power/nvml_backend.h"

#include <cstdlib>
#include <gtest/gtest.h>
#include <sstream>

#include "tests/support/temp_dir.h"

using awb::core::NvmlBackend;
using awb::core::PowerCapRangeError;
using awb::core::PowerError;
using awb::core::PowerTargetMissing;
using awb::test::TempDir;

namespace {

// Each test gets its own fake GPU state file (see tests/fakes/fake_nvml.cpp).
class CoreNvmlBackend : public ::testing::Test {
protected:
    void SetUp() override { setenv("ALERTWB_FAKE_NVML_STATE", m_state.c_str(), 1); }
    void TearDown() override { unsetenv("ALERTWB_FAKE_NVML_STATE"); }

    void writeState(const std::string& lines) { awb::test::writeFile(m_state, lines); }
    std::string stateValue(const std::string& key) const
    {
        std::istringstream lines(awb::test::readFile(m_state));
        for (std::string line; std::getline(lines, line);) {
            if (line.rfind(key + " ", 0) == 0)
                return line.substr(key.size() + 1);
        }
        return "";
    }

    TempDir m_dir;
    std::filesystem::path m_state = m_dir / "fake-nvml-state";
};

const std::string kFake = AWB_FAKE_NVML_PATH;

} // namespace

TEST_F(CoreNvmlBackend, ConstraintsAreConvertedToWatts)
{
    writeState("gpu0.min_mw 125000\ngpu0.max_mw 350000\ngpu0.limit_mw 300000\n");
    NvmlBackend backend(0, kFake);
    const auto range = backend.capRange();
    EXPECT_DOUBLE_EQ(range.minW, 125.0);
    EXPECT_DOUBLE_EQ(range.maxW, 350.0);
    EXPECT_DOUBLE_EQ(range.stepW, 1.0);
    EXPECT_DOUBLE_EQ(backend.capW(), 300.0);
    EXPECT_EQ(backend.name(), "nvml");
    EXPECT_FALSE(backend.isEmulated());
}

TEST_F(CoreNvmlBackend, SetCapReturnsTheEnforcedLimitReadBack)
{
    writeState("gpu0.limit_mw 400000\n");
    NvmlBackend backend(0, kFake);
    EXPECT_DOUBLE_EQ(backend.setCapW(250.0), 250.0);
    EXPECT_EQ(stateValue("gpu0.limit_mw"), "250000");
    EXPECT_DOUBLE_EQ(backend.capW(), 250.0);

    // Another limit in force (thermal, a board limit): the driver enforces less than asked.
    writeState("gpu0.limit_mw 250000\ngpu0.other_limit_mw 200000\n");
    EXPECT_DOUBLE_EQ(backend.setCapW(300.0), 200.0);
    EXPECT_DOUBLE_EQ(backend.capW(), 200.0);
}

// Seen on an H100 (driver 580): the enforced limit read right after a set still showed the old
// limit; setCapW must report the limit once the driver enforces it, not the stale one.
TEST_F(CoreNvmlBackend, SetCapWaitsForTheDriverToEnforceTheNewLimit)
{
    writeState("gpu0.limit_mw 400000\ngpu0.enforce_lag_reads 3\n");
    NvmlBackend backend(0, kFake);
    EXPECT_DOUBLE_EQ(backend.setCapW(200.0), 200.0);
    EXPECT_EQ(stateValue("gpu0.lag_left"), "0") << "the stale reads were consumed by polling";
    EXPECT_DOUBLE_EQ(backend.capW(), 200.0);
}

TEST_F(CoreNvmlBackend, RestoreWaitsForTheDriverToEnforceTheOriginalLimit)
{
    writeState("gpu0.limit_mw 400000\ngpu0.enforce_lag_reads 3\n");
    NvmlBackend backend(0, kFake);
    const auto original = backend.snapshotCaps();
    backend.setCapW(200.0);
    backend.restoreCaps(original);
    EXPECT_DOUBLE_EQ(backend.capW(), 400.0) << "not the stale 200 W the driver still showed";
}

TEST_F(CoreNvmlBackend, EnergyIsInJoulesSinceTheBackendOpened)
{
    writeState("gpu0.energy_mj 5000000\n");
    NvmlBackend backend(0, kFake);
    EXPECT_DOUBLE_EQ(backend.energyJ(), 0.0);
    writeState("gpu0.energy_mj 5002500\n");
    EXPECT_DOUBLE_EQ(backend.energyJ(), 2.5);
    EXPECT_DOUBLE_EQ(backend.counterEnergyJ(), 5002.5);
    EXPECT_GE(backend.minEnergyWindowS(), 1.0) << "windows must span many counter updates (~100 ms each)";
}

TEST_F(CoreNvmlBackend, GpuIndexSelectsTheBoard)
{
    writeState("count 2\ngpu1.name Tesla V100-SXM2-16GB\ngpu1.uuid GPU-v100\ngpu1.min_mw 150000\ngpu1.max_mw "
               "300000\ngpu1.limit_mw 300000\n");
    NvmlBackend second(1, kFake);
    EXPECT_EQ(second.deviceDescription(), "GPU 1: Tesla V100-SXM2-16GB (GPU-v100)");
    EXPECT_DOUBLE_EQ(second.capRange().minW, 150.0);
    second.setCapW(200.0);
    EXPECT_EQ(stateValue("gpu1.limit_mw"), "200000");
    EXPECT_EQ(stateValue("gpu0.limit_mw"), "400000") << "GPU 0 untouched";

    const auto byUuid = NvmlBackend::openByUuid("GPU-v100", kFake);
    EXPECT_EQ(byUuid->gpuIndex(), 1u);
    EXPECT_THROW(NvmlBackend::openByUuid("GPU-gone", kFake), PowerTargetMissing);
    try {
        NvmlBackend third(2, kFake);
        FAIL() << "opened a GPU that does not exist";
    } catch (const PowerError& error) {
        EXPECT_NE(std::string(error.what()).find("GPU 2 does not exist (NVML reports 2 GPUs)"), std::string::npos)
            << error.what();
    }
}

TEST_F(CoreNvmlBackend, CapOutsideTheConstraintsIsRefused)
{
    NvmlBackend backend(0, kFake);
    EXPECT_THROW(backend.setCapW(50.0), PowerCapRangeError);
    EXPECT_THROW(backend.setCapW(401.0), PowerCapRangeError);
    EXPECT_DOUBLE_EQ(backend.capW(), 400.0);
}

TEST_F(CoreNvmlBackend, NoPermissionIsReportedWithTheCall)
{
    writeState("gpu0.set_status 4\n");
    NvmlBackend backend(0, kFake);
    try {
        backend.setCapW(200.0);
        FAIL() << "the refused set went unnoticed";
    } catch (const PowerError& error) {
        const std::string message = error.what();
        EXPECT_NE(message.find("nvmlDeviceSetPowerManagementLimit(GPU 0, 200000 mW) failed: Insufficient Permissions"),
            std::string::npos)
            << message;
        EXPECT_NE(message.find("needs root"), std::string::npos) << message;
    }
}

TEST_F(CoreNvmlBackend, GpuWithoutEnergyCounterSaysWhy)
{
    writeState("gpu0.energy_status 3\n");
    try {
        NvmlBackend backend(0, kFake);
        FAIL() << "opened a GPU without energy counter";
    } catch (const PowerError& error) {
        EXPECT_NE(std::string(error.what()).find("Volta or newer"), std::string::npos) << error.what();
    }
}

TEST_F(CoreNvmlBackend, SnapshotAndRestoreUseTheConfiguredLimit)
{
    writeState("gpu0.limit_mw 320000\ngpu0.other_limit_mw 300000\n");
    NvmlBackend backend(0, kFake);
    const auto snapshot = backend.snapshotCaps();
    ASSERT_EQ(snapshot.settings.size(), 1u);
    EXPECT_EQ(snapshot.settings[0].kind, "nvml");
    EXPECT_EQ(snapshot.settings[0].target, "GPU-11111111-2222-3333-4444-555555555555");
    EXPECT_EQ(snapshot.settings[0].value, 320000);
    EXPECT_EQ(snapshot.settings[0].unit, "mW");
    EXPECT_DOUBLE_EQ(snapshot.capW, 300.0); // enforced
    backend.setCapW(150.0);
    backend.restoreCaps(snapshot);
    EXPECT_EQ(stateValue("gpu0.limit_mw"), "320000");
}

TEST_F(CoreNvmlBackend, NoLibraryMeansNoDriverAndSaysSo)
{
    try {
        NvmlBackend backend(0, "libnvidia-ml-absent.so.1");
        FAIL() << "opened a library that does not exist";
    } catch (const PowerError& error) {
        EXPECT_NE(std::string(error.what()).find("libnvidia-ml-absent.so.1 not found (no NVIDIA driver installed)"),
            std::string::npos)
            << error.what();
    }
}

TEST_F(CoreNvmlBackend, LibraryWithoutTheEntryPointsIsRefused)
{
    try {
        NvmlBackend backend(0, "libm.so.6");
        FAIL() << "opened libm as NVML";
    } catch (const PowerError& error) {
        EXPECT_NE(std::string(error.what()).find("libm.so.6 lacks nvmlInit_v2"), std::string::npos) << error.what();
    }
}

TEST_F(CoreNvmlBackend, DoctorConfirmsTheProbeWithTheBackend)
{
    setenv("ALERTWB_NVML_LIBRARY", kFake.c_str(), 1);
    const auto usable = awb::core::probePowerBackends()[1];
    EXPECT_EQ(usable.name, "nvml");
    EXPECT_TRUE(usable.usable) << usable.reason;
    EXPECT_NE(usable.detail.find("GPU 0: NVIDIA A100-SXM4-40GB"), std::string::npos) << usable.detail;

    writeState("gpu0.energy_status 3\n"); // a Pascal board: NVML answers, but has no energy counter
    const auto refused = awb::core::probePowerBackends()[1];
    unsetenv("ALERTWB_NVML_LIBRARY");
    EXPECT_FALSE(refused.usable);
    EXPECT_NE(refused.reason.find("Volta or newer"), std::string::npos) << refused.reason;
}
