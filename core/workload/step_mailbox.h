#pragma once

// A one-slot mailbox from the live loop (producer) to a listener (consumer, e.g. the GUI's
// coalescing chart timer): the producer never waits for the consumer, and the consumer reads the
// newest value plus how many it missed.
//
// Threading: at most one producer thread and one consumer thread at a time (either may change
// between runs, as long as the hand-over itself synchronises, e.g. a thread join). publish() is
// wait-free: it copies the value into a slot only the producer touches and swaps that slot with
// the shared middle slot in one atomic exchange. take() is wait-free too: one load and, when
// something new is waiting, one exchange. No lock, no allocation, no system call on either side.
//
// Design: a triple buffer. Three slots; at any moment one belongs to the producer (being written),
// one to the consumer (being read) and one sits in the middle holding the newest complete value.
// Each slot carries the sequence number of its value (1, 2, 3, ... in publication order), so the
// consumer's dropped count — values published after the last one it took and before the one it
// takes now — is exact.

#include "core/records/run_record.h"

#include <atomic>
#include <cstdint>
#include <optional>
#include <type_traits>

namespace awb::core {

template <typename T> struct MailboxDelivery {
    T value;
    std::uint64_t sequence = 0; // 1 for the first value ever published
    std::uint64_t dropped = 0; // values published since the previous take() that were never taken
};

template <typename T> class LatestValueMailbox {
    static_assert(std::is_copy_assignable_v<T> && std::is_default_constructible_v<T>);

public:
    // Producer side. Overwrites whatever the consumer has not taken yet.
    void publish(const T& value)
    {
        Slot& slot = m_slots[m_back];
        slot.value = value;
        slot.sequence = ++m_published;
        // Release: the slot's contents become visible to the consumer that acquires the index.
        m_back = m_middle.exchange(m_back | kFresh, std::memory_order_acq_rel) & kIndexMask;
        m_publishedCount.store(m_published, std::memory_order_relaxed);
    }

    // Consumer side. The newest value if one arrived since the previous take(), else nothing.
    std::optional<MailboxDelivery<T>> take()
    {
        if ((m_middle.load(std::memory_order_relaxed) & kFresh) == 0)
            return std::nullopt;
        // Acquire: pairs with publish()'s release, so the slot is completely written.
        m_front = m_middle.exchange(m_front, std::memory_order_acq_rel) & kIndexMask;
        const Slot& slot = m_slots[m_front];
        MailboxDelivery<T> delivery { slot.value, slot.sequence, slot.sequence - m_taken - 1 };
        m_totalDropped += delivery.dropped;
        m_taken = slot.sequence;
        return delivery;
    }

    // Consumer side: the dropped counts of every take() so far, summed.
    std::uint64_t totalDropped() const { return m_totalDropped; }
    // Any thread: values published so far (may lag publish() by an instant).
    std::uint64_t publishedCount() const { return m_publishedCount.load(std::memory_order_relaxed); }

private:
    static constexpr std::uint8_t kIndexMask = 0x3;
    static constexpr std::uint8_t kFresh = 0x4; // the middle slot holds a value not yet taken

    struct Slot {
        T value {};
        std::uint64_t sequence = 0;
    };

    // Producer and consumer each own one slot; the padding keeps their hot fields off one line.
    Slot m_slots[3];
    alignas(64) std::atomic<std::uint8_t> m_middle { 1 };
    alignas(64) std::uint8_t m_back = 0; // producer only
    std::uint64_t m_published = 0; // producer only
    std::atomic<std::uint64_t> m_publishedCount { 0 };
    alignas(64) std::uint8_t m_front = 2; // consumer only
    std::uint64_t m_taken = 0; // consumer only: sequence of the last value taken
    std::uint64_t m_totalDropped = 0; // consumer only
};

// What the live loop publishes after each input: the run-step fields as the store records them.
using StepMailbox = LatestValueMailbox<RunStepRecord>;
static_assert(std::is_trivially_copyable_v<RunStepRecord>, "a step is copied into the mailbox by value");

} // namespace awb::core
