// The contention injector: which workers the schedule starts and stops at which inputs, the events
// it reports, that workers really run on their cores, and that no worker thread outlives it.
// No assertion depends on how long anything takes.
#include "core/workload/contention_injector.h"

#include <chrono>
#include <filesystem>
#include <gtest/gtest.h>
#include <stdexcept>
#include <thread>
#include <unistd.h>

using awb::core::ContentionEvent;
using awb::core::ContentionEventType;
using awb::core::ContentionInjector;
using awb::core::ContentionIntensity;
using awb::core::ContentionKind;
using awb::core::ContentionPlan;

namespace {

std::size_t threadCount()
{
    std::size_t count = 0;
    for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator("/proc/self/task"))
        ++count;
    return count;
}

// The count before a test starts workers. One throwaway thread first: a runtime may start a helper
// thread of its own at the first thread creation (ThreadSanitizer does), which is not ours.
std::size_t baselineThreadCount()
{
    pid_t tid = 0;
    std::thread([&tid] { tid = gettid(); }).join();
    const std::string task = "/proc/self/task/" + std::to_string(tid);
    for (int i = 0; i < 10'000 && std::filesystem::exists(task); ++i) // see settledThreadCount
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    return threadCount();
}

// A joined thread can linger in /proc/self/task for an instant: the kernel wakes the joiner when
// it clears the thread's id, a little before it removes the task. So poll (for up to 10 s, far
// beyond that instant) until the count is `expected`, and return the last count seen.
std::size_t settledThreadCount(std::size_t expected)
{
    std::size_t count = threadCount();
    for (int i = 0; i < 10'000 && count != expected; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
        count = threadCount();
    }
    return count;
}

// Waits (up to 60 s) until every running worker has finished a chunk of work.
bool everyWorkerWorked(const ContentionInjector& injector)
{
    for (int i = 0; i < 60'000; ++i) {
        bool all = injector.activeWorkerCount() > 0;
        for (const auto& worker : injector.workerStatus())
            all = all && worker.chunks > 0 && worker.lastCpu >= 0;
        if (all)
            return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return false;
}

// Two small workers: 3 × 4 MiB arrays keep the tests light; the schedule logic is the same.
ContentionIntensity smallIntensity()
{
    ContentionIntensity intensity;
    intensity.workers = 2;
    intensity.memoryArrayBytes = std::size_t { 4 } << 20;
    return intensity;
}

struct Seen {
    ContentionEventType type;
    ContentionKind kind;
    std::int64_t index;
    bool operator==(const Seen&) const = default;
};

} // namespace

TEST(CoreWorkloadInjector, TheScheduleStartsAndStopsEachPhaseAtItsInputs)
{
    const std::size_t baseline = baselineThreadCount();
    ContentionInjector injector(
        ContentionPlan::fromSpec("compute@6-8,memory@3-6,alone@8-10,memory@10-12"), smallIntensity());
    std::vector<Seen> seen;
    for (std::int64_t index = 0; index < 14; ++index) {
        for (const ContentionEvent& event : injector.onInput(index))
            seen.push_back({ event.type, event.kind, event.inputIndex });
        const bool memory = (index >= 3 && index < 6) || (index >= 10 && index < 12);
        const bool compute = index >= 6 && index < 8;
        const ContentionKind expected = memory ? ContentionKind::Memory
            : compute                          ? ContentionKind::Compute
                                               : ContentionKind::Alone;
        EXPECT_EQ(injector.activeKind(), expected) << "input " << index;
        const std::size_t workers = expected == ContentionKind::Alone ? 0 : 2;
        ASSERT_EQ(injector.activeWorkerCount(), workers) << "input " << index;
        for (const auto& worker : injector.workerStatus())
            EXPECT_EQ(worker.kind, expected) << "input " << index;
        EXPECT_EQ(settledThreadCount(baseline + workers), baseline + workers) << "input " << index;
    }
    const std::vector<Seen> expected {
        { ContentionEventType::Start, ContentionKind::Memory, 3 },
        { ContentionEventType::Stop, ContentionKind::Memory, 6 },
        { ContentionEventType::Start, ContentionKind::Compute, 6 },
        { ContentionEventType::Stop, ContentionKind::Compute, 8 },
        { ContentionEventType::Start, ContentionKind::Memory, 10 },
        { ContentionEventType::Stop, ContentionKind::Memory, 12 },
    };
    EXPECT_EQ(seen, expected);
    EXPECT_TRUE(injector.stopAll().empty()) << "nothing runs after the last phase";
}

TEST(CoreWorkloadInjector, EventsNameTheirKindCoresAndArraysForTheRunLog)
{
    ContentionIntensity intensity = smallIntensity();
    intensity.cores = { awb::core::allowedCores().front() };
    ContentionInjector injector(ContentionPlan::fromSpec("memory@1-2"), intensity);
    EXPECT_TRUE(injector.onInput(0).empty());
    const auto started = injector.onInput(1);
    ASSERT_EQ(started.size(), 1U);
    EXPECT_STREQ(awb::core::toString(started[0].type), "contention-start");
    const std::string core = std::to_string(intensity.cores[0]);
    EXPECT_EQ(started[0].detail(), "memory: 2 workers on cores " + core + "," + core + "; 3 x 4 MiB arrays each");
    const auto stopped = injector.onInput(2);
    ASSERT_EQ(stopped.size(), 1U);
    EXPECT_STREQ(awb::core::toString(stopped[0].type), "contention-stop");
    EXPECT_EQ(stopped[0].inputIndex, 2);
}

TEST(CoreWorkloadInjector, AJumpOverAPhaseStartsNothingAndAJumpIntoOneStartsIt)
{
    ContentionInjector injector(ContentionPlan::fromSpec("memory@5-10"), smallIntensity());
    EXPECT_TRUE(injector.onInput(0).empty());
    EXPECT_TRUE(injector.onInput(20).empty());
    EXPECT_EQ(injector.activeWorkerCount(), 0U);
    const auto events = injector.onInput(7);
    ASSERT_EQ(events.size(), 1U);
    EXPECT_EQ(events[0].type, ContentionEventType::Start);
    EXPECT_EQ(events[0].inputIndex, 7);
    EXPECT_TRUE(injector.onInput(8).empty()) << "the running phase is not restarted";
}

TEST(CoreWorkloadInjector, AdjacentPhasesStopTheOneAndStartTheOtherAtTheSameInput)
{
    ContentionInjector injector(ContentionPlan::fromSpec("memory@0-2,compute@2-4"), smallIntensity());
    ASSERT_EQ(injector.onInput(0).size(), 1U);
    const auto events = injector.onInput(2);
    ASSERT_EQ(events.size(), 2U);
    EXPECT_EQ((Seen { events[0].type, events[0].kind, events[0].inputIndex }),
        (Seen { ContentionEventType::Stop, ContentionKind::Memory, 2 }));
    EXPECT_EQ((Seen { events[1].type, events[1].kind, events[1].inputIndex }),
        (Seen { ContentionEventType::Start, ContentionKind::Compute, 2 }));
}

// One worker per allowed core (the default), each pinned: every chunk a worker finishes runs on its core.
TEST(CoreWorkloadInjector, WorkersRunOnTheCoresTheyArePinnedTo)
{
    ContentionIntensity intensity;
    intensity.memoryArrayBytes = std::size_t { 4 } << 20;
    ContentionInjector injector(ContentionPlan::fromSpec("compute@0-1,memory@1-2"), intensity);
    EXPECT_EQ(injector.workerCores(), awb::core::allowedCores());
    for (std::int64_t index : { 0, 1 }) {
        injector.onInput(index);
        ASSERT_TRUE(everyWorkerWorked(injector)) << "input " << index;
        const auto workers = injector.workerStatus();
        ASSERT_EQ(workers.size(), awb::core::allowedCores().size());
        for (std::size_t i = 0; i < workers.size(); ++i) {
            EXPECT_EQ(workers[i].core, injector.workerCores()[i]);
            EXPECT_EQ(workers[i].lastCpu, workers[i].core) << "input " << index << " worker " << i;
        }
    }
}

TEST(CoreWorkloadInjector, WithoutAWorkerCountThereIsOneWorkerPerNamedCore)
{
    const int core = awb::core::allowedCores().back();
    ContentionIntensity intensity;
    intensity.cores = { core, core, core };
    ContentionInjector injector(ContentionPlan::fromSpec("compute@0-1"), intensity);
    EXPECT_EQ(injector.workerCores(), (std::vector<int> { core, core, core }));
    ASSERT_EQ(injector.onInput(0).size(), 1U);
    EXPECT_EQ(injector.activeWorkerCount(), 3U);
}

TEST(CoreWorkloadInjector, DestroyingItMidPhaseJoinsEveryWorker)
{
    const std::size_t baseline = baselineThreadCount();
    {
        ContentionInjector injector(ContentionPlan::fromSpec("memory@0-100"), smallIntensity());
        injector.onInput(0);
        ASSERT_TRUE(everyWorkerWorked(injector));
        EXPECT_EQ(settledThreadCount(baseline + 2), baseline + 2);
    }
    EXPECT_EQ(settledThreadCount(baseline), baseline);
}

TEST(CoreWorkloadInjector, AnExceptionThroughTheLoopJoinsEveryWorker)
{
    const std::size_t baseline = baselineThreadCount();
    try {
        ContentionInjector injector(ContentionPlan::fromSpec("compute@0-100"), smallIntensity());
        injector.onInput(0);
        EXPECT_EQ(settledThreadCount(baseline + 2), baseline + 2);
        throw std::runtime_error("inference failed");
    } catch (const std::runtime_error&) {
    }
    EXPECT_EQ(settledThreadCount(baseline), baseline);
}

// Full-size arrays (default intensity): stopAll right after the start lands while the workers
// are still faulting in their arrays, which they also interrupt between chunks. It must return.
TEST(CoreWorkloadInjector, StopAllReturnsEvenWhileWorkersTouchLargeArrays)
{
    const std::size_t baseline = baselineThreadCount();
    ContentionInjector injector(ContentionPlan::fromSpec("memory@0-100"));
    EXPECT_GE(injector.memoryArrayBytes(), std::size_t { 64 } << 20);
    ASSERT_EQ(injector.onInput(0).size(), 1U);
    injector.onInput(1);
    const auto events = injector.stopAll();
    ASSERT_EQ(events.size(), 1U);
    EXPECT_EQ(events[0].type, ContentionEventType::Stop);
    EXPECT_EQ(events[0].inputIndex, 1) << "stamped with the last input seen";
    EXPECT_EQ(injector.activeWorkerCount(), 0U);
    EXPECT_EQ(settledThreadCount(baseline), baseline);
    EXPECT_TRUE(injector.stopAll().empty());
}

TEST(CoreWorkloadInjector, RefusesBadPlansAndIntensities)
{
    EXPECT_THROW(ContentionPlan::fromSpec("memory@5-1"), std::invalid_argument);
    ContentionPlan overlapping { { { ContentionKind::Memory, 0, 10 }, { ContentionKind::Compute, 5, 15 } } };
    EXPECT_THROW(ContentionInjector(overlapping, {}), std::invalid_argument);
    ContentionPlan empty { { { ContentionKind::Memory, 4, 4 } } };
    EXPECT_THROW(ContentionInjector(empty, {}), std::invalid_argument);
    ContentionIntensity negative;
    negative.workers = -1;
    EXPECT_THROW(ContentionInjector(ContentionPlan::fromSpec("memory@0-1"), negative), std::invalid_argument);
    ContentionIntensity foreignCore;
    foreignCore.cores = { static_cast<int>(sysconf(_SC_NPROCESSORS_CONF)) };
    EXPECT_THROW(ContentionInjector(ContentionPlan::fromSpec("memory@0-1"), foreignCore), std::invalid_argument);
    foreignCore.cores = { -1 };
    EXPECT_THROW(ContentionInjector(ContentionPlan::fromSpec("memory@0-1"), foreignCore), std::invalid_argument);
}
