// The step ring from the live loop to the GUI's charts: every value in order across threads,
// a full ring drops and counts the newest instead of waiting, and drained slots are reused.
#include "core/workload/step_ring.h"

#include <atomic>
#include <cstdint>
#include <gtest/gtest.h>
#include <stdexcept>
#include <thread>
#include <vector>

namespace {

using awb::core::StepRing;

TEST(CoreWorkloadStepRing, RoundsItsCapacityUpToAPowerOfTwoAndRefusesZero)
{
    EXPECT_EQ(StepRing<int>(5).capacity(), 8U);
    EXPECT_EQ(StepRing<int>(8).capacity(), 8U);
    EXPECT_THROW(StepRing<int>(0), std::invalid_argument);
}

TEST(CoreWorkloadStepRing, AFullRingDropsTheNewestAndCountsThem)
{
    StepRing<int> ring(4);
    for (int i = 0; i < 6; ++i)
        EXPECT_EQ(ring.push(i), i < 4) << i;
    EXPECT_EQ(ring.dropped(), 2U);
    std::vector<int> got;
    EXPECT_EQ(ring.drain([&got](int v) { got.push_back(v); }), 4U);
    EXPECT_EQ(got, (std::vector<int> { 0, 1, 2, 3 }));
    // Drained slots are free again, and the count of what was lost stays.
    EXPECT_TRUE(ring.push(10));
    got.clear();
    ring.drain([&got](int v) { got.push_back(v); });
    EXPECT_EQ(got, (std::vector<int> { 10 }));
    EXPECT_EQ(ring.dropped(), 2U);
    EXPECT_EQ(ring.drain([](int) {}), 0U);
}

TEST(CoreWorkloadStepRing, AConsumerOnAnotherThreadGetsEveryValueOnceInOrderOrItsDropCount)
{
    constexpr std::uint64_t kValues = 200'000;
    StepRing<std::uint64_t> ring(64); // small, so the producer outruns the consumer at times
    std::atomic<bool> done { false };
    std::thread producer([&] {
        for (std::uint64_t v = 1; v <= kValues; ++v)
            ring.push(v);
        done = true;
    });
    std::vector<std::uint64_t> got;
    got.reserve(kValues);
    while (!done.load())
        ring.drain([&got](std::uint64_t v) { got.push_back(v); });
    ring.drain([&got](std::uint64_t v) { got.push_back(v); });
    producer.join();

    EXPECT_EQ(got.size() + ring.dropped(), kValues);
    for (std::size_t i = 1; i < got.size(); ++i)
        ASSERT_LT(got[i - 1], got[i]) << "out of order or repeated at " << i;
}

} // namespace
