#pragma once

// A bounded single-producer single-consumer queue from the live loop to a listener that wants
// every step, not just the newest (the GUI's charts). The producer never waits: when the ring is
// full — the listener stalled for longer than the ring holds — the new value is dropped and
// counted, so the listener can say how many notifications it lost (the store still has every
// step). The consumer drains everything waiting in one call, at its own pace (about 30 Hz).
//
// Threading: one producer thread and one consumer thread at a time (either may change between
// runs when the hand-over synchronises, e.g. a thread join). push() and drain() are wait-free:
// no lock, no allocation after construction, no system call.

#include <atomic>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <type_traits>
#include <vector>

namespace awb::core {

template <typename T> class StepRing {
    static_assert(std::is_copy_assignable_v<T> && std::is_default_constructible_v<T>);

public:
    // `capacity` is rounded up to a power of two; throws std::invalid_argument for 0.
    explicit StepRing(std::size_t capacity)
        : m_slots(capacity == 0 ? 0 : std::bit_ceil(capacity))
        , m_mask(m_slots.size() - 1)
    {
        if (capacity == 0)
            throw std::invalid_argument("a step ring needs room for at least one value");
    }

    std::size_t capacity() const { return m_slots.size(); }

    // Producer side: false (and the value counted as dropped) when the ring is full.
    bool push(const T& value)
    {
        const std::uint64_t head = m_head.load(std::memory_order_relaxed);
        if (head - m_tail.load(std::memory_order_acquire) == m_slots.size()) {
            m_dropped.fetch_add(1, std::memory_order_relaxed);
            return false;
        }
        m_slots[head & m_mask] = value;
        m_head.store(head + 1, std::memory_order_release); // the slot is visible before the index
        return true;
    }

    // Consumer side: hands every waiting value, oldest first, to `consume(const T&)` and frees
    // their slots. Returns how many it handed over.
    template <typename Consume> std::size_t drain(Consume&& consume)
    {
        const std::uint64_t tail = m_tail.load(std::memory_order_relaxed);
        const std::uint64_t head = m_head.load(std::memory_order_acquire);
        for (std::uint64_t i = tail; i != head; ++i)
            consume(static_cast<const T&>(m_slots[i & m_mask]));
        m_tail.store(head, std::memory_order_release); // the slots may be overwritten from now on
        return static_cast<std::size_t>(head - tail);
    }

    // Any thread: values dropped because the ring was full (may lag push() by an instant).
    std::uint64_t dropped() const { return m_dropped.load(std::memory_order_relaxed); }

private:
    std::vector<T> m_slots;
    std::uint64_t m_mask;
    alignas(64) std::atomic<std::uint64_t> m_head { 0 }; // written by the producer
    alignas(64) std::atomic<std::uint64_t> m_tail { 0 }; // written by the consumer
    alignas(64) std::atomic<std::uint64_t> m_dropped { 0 };
};

} // namespace awb::core
