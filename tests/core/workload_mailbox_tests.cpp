// The step mailbox: the newest value and an exact dropped count, in every interleaving of publish
// and take on one thread, and under a real producer thread that outpaces its consumer.
#include "core/workload/step_mailbox.h"

#include <gtest/gtest.h>
#include <thread>
#include <vector>

using awb::core::LatestValueMailbox;
using awb::core::RunStepRecord;
using awb::core::StepMailbox;

namespace {

// A step whose every field is derived from `index`, so a torn copy shows up as a mismatch.
RunStepRecord stepFor(std::int64_t index)
{
    RunStepRecord step;
    step.runId = 7;
    step.inputIndex = index;
    step.arrivalMs = 10.0 * static_cast<double>(index);
    step.modelId = index % 5;
    step.outputReached = static_cast<int>(index % 4);
    step.powerCapW = 15.0 + static_cast<double>(index % 3);
    step.latencyMs = 0.5 * static_cast<double>(index);
    step.energyJ = 2.0 * static_cast<double>(index);
    step.deadlineMet = index % 2 == 0;
    step.correct = index % 3 == 0;
    step.xiObserved = 1.0 + 1e-6 * static_cast<double>(index);
    step.xiMean = step.xiObserved;
    step.xiStd = 1e-3 * static_cast<double>(index);
    step.predictedLatencyMs = step.latencyMs + 1.0;
    step.predictedEnergyJ = step.energyJ + 1.0;
    step.predictedAccuracy = 0.9;
    return step;
}

bool matches(const RunStepRecord& step, std::int64_t index)
{
    const RunStepRecord expected = stepFor(index);
    return step.runId == expected.runId && step.inputIndex == expected.inputIndex
        && step.arrivalMs == expected.arrivalMs && step.modelId == expected.modelId
        && step.outputReached == expected.outputReached && step.powerCapW == expected.powerCapW
        && step.latencyMs == expected.latencyMs && step.energyJ == expected.energyJ
        && step.deadlineMet == expected.deadlineMet && step.correct == expected.correct
        && step.xiObserved == expected.xiObserved && step.xiMean == expected.xiMean && step.xiStd == expected.xiStd
        && step.predictedLatencyMs == expected.predictedLatencyMs && step.predictedEnergyJ == expected.predictedEnergyJ
        && step.predictedAccuracy == expected.predictedAccuracy;
}

} // namespace

TEST(CoreWorkloadMailbox, NothingToTakeBeforeTheFirstPublish)
{
    StepMailbox mailbox;
    EXPECT_FALSE(mailbox.take().has_value());
    EXPECT_EQ(mailbox.publishedCount(), 0U);
    EXPECT_EQ(mailbox.totalDropped(), 0U);
}

TEST(CoreWorkloadMailbox, DeliversTheNewestStepAndCountsTheOnesItMissed)
{
    StepMailbox mailbox;
    for (std::int64_t i = 1; i <= 3; ++i)
        mailbox.publish(stepFor(i));
    auto delivery = mailbox.take();
    ASSERT_TRUE(delivery.has_value());
    EXPECT_TRUE(matches(delivery->value, 3));
    EXPECT_EQ(delivery->sequence, 3U);
    EXPECT_EQ(delivery->dropped, 2U);
    EXPECT_FALSE(mailbox.take().has_value()) << "the same step is never delivered twice";

    mailbox.publish(stepFor(4));
    delivery = mailbox.take();
    ASSERT_TRUE(delivery.has_value());
    EXPECT_TRUE(matches(delivery->value, 4));
    EXPECT_EQ(delivery->dropped, 0U);

    mailbox.publish(stepFor(5));
    mailbox.publish(stepFor(6));
    delivery = mailbox.take();
    ASSERT_TRUE(delivery.has_value());
    EXPECT_TRUE(matches(delivery->value, 6));
    EXPECT_EQ(delivery->dropped, 1U);
    EXPECT_EQ(mailbox.totalDropped(), 3U);
    EXPECT_EQ(mailbox.publishedCount(), 6U);
}

// Every sequence of 12 publish/take operations (4,096 of them) against the obvious model: a take
// returns the newest value if it is newer than the last one taken, and drops what lies between.
// This walks the three slots through every order in which the two sides can swap them.
TEST(CoreWorkloadMailbox, EveryInterleavingOfTwelveOperationsMatchesTheModel)
{
    constexpr int kOperations = 12;
    for (unsigned pattern = 0; pattern < (1U << kOperations); ++pattern) {
        LatestValueMailbox<std::int64_t> mailbox;
        std::int64_t published = 0;
        std::int64_t lastTaken = 0;
        std::uint64_t dropped = 0;
        for (int op = 0; op < kOperations; ++op) {
            if (pattern & (1U << op)) {
                mailbox.publish(100 + ++published);
                continue;
            }
            const auto delivery = mailbox.take();
            if (published == lastTaken) {
                ASSERT_FALSE(delivery.has_value()) << "pattern " << pattern << " op " << op;
                continue;
            }
            ASSERT_TRUE(delivery.has_value()) << "pattern " << pattern << " op " << op;
            EXPECT_EQ(delivery->value, 100 + published) << "pattern " << pattern << " op " << op;
            EXPECT_EQ(delivery->sequence, static_cast<std::uint64_t>(published));
            EXPECT_EQ(delivery->dropped, static_cast<std::uint64_t>(published - lastTaken - 1));
            dropped += delivery->dropped;
            lastTaken = published;
        }
        EXPECT_EQ(mailbox.totalDropped(), dropped) << "pattern " << pattern;
    }
}

// The producer publishes a million steps and nobody takes any: publish never waits for a consumer.
TEST(CoreWorkloadMailbox, PublishingWithoutAConsumerNeverWaits)
{
    StepMailbox mailbox;
    constexpr std::int64_t kSteps = 1'000'000;
    for (std::int64_t i = 1; i <= kSteps; ++i)
        mailbox.publish(stepFor(i));
    const auto delivery = mailbox.take();
    ASSERT_TRUE(delivery.has_value());
    EXPECT_TRUE(matches(delivery->value, kSteps));
    EXPECT_EQ(delivery->dropped, static_cast<std::uint64_t>(kSteps - 1));
}

// A producer thread outpaces a consumer that yields between takes. Whatever the interleaving: every
// delivered step is whole (its fields agree with its index), sequences rise, and deliveries plus
// dropped counts add up to exactly the steps published.
TEST(CoreWorkloadMailbox, AFastProducerAndASlowConsumerAccountForEveryStep)
{
    StepMailbox mailbox;
    constexpr std::int64_t kSteps = 200'000;
    std::thread producer([&mailbox] {
        for (std::int64_t i = 1; i <= kSteps; ++i)
            mailbox.publish(stepFor(i));
    });
    std::uint64_t deliveries = 0;
    std::uint64_t dropped = 0;
    std::uint64_t lastSequence = 0;
    std::uint64_t torn = 0;
    while (lastSequence < static_cast<std::uint64_t>(kSteps)) {
        const auto delivery = mailbox.take();
        if (!delivery) {
            std::this_thread::yield();
            continue;
        }
        ++deliveries;
        dropped += delivery->dropped;
        EXPECT_GT(delivery->sequence, lastSequence);
        EXPECT_EQ(delivery->dropped, delivery->sequence - lastSequence - 1);
        if (!matches(delivery->value, static_cast<std::int64_t>(delivery->sequence)))
            ++torn;
        lastSequence = delivery->sequence;
        std::this_thread::yield(); // a slow consumer
    }
    producer.join();
    EXPECT_EQ(torn, 0U);
    EXPECT_EQ(deliveries + dropped, static_cast<std::uint64_t>(kSteps));
    EXPECT_EQ(mailbox.totalDropped(), dropped);
    EXPECT_FALSE(mailbox.take().has_value());
}
