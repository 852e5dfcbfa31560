#pragma once
// How long a GUI event loop could not respond: a precise timer on the GUI thread ticks every
// few milliseconds and records the gap between consecutive ticks. The longest gap is the
// longest stall the user could have felt. Shared by the GUI responsiveness benchmarks.

#include <QObject>
#include <QTimer>

#include <algorithm>
#include <chrono>
#include <vector>

namespace awb::bench {

class EventLoopStallProbe {
public:
    explicit EventLoopStallProbe(int tickMs = 5)
    {
        m_ticker.setTimerType(Qt::PreciseTimer);
        m_ticker.setInterval(tickMs);
        QObject::connect(&m_ticker, &QTimer::timeout, [this] {
            const Clock::time_point now = Clock::now();
            m_gapsMs.push_back(std::chrono::duration<double, std::milli>(now - m_last).count());
            m_last = now;
        });
        m_gapsMs.reserve(200'000);
    }

    void start()
    {
        m_last = Clock::now();
        m_ticker.start();
    }
    void stop() { m_ticker.stop(); }

    std::size_t ticks() const { return m_gapsMs.size(); }
    double maxGapMs() const { return m_gapsMs.empty() ? 0.0 : *std::max_element(m_gapsMs.begin(), m_gapsMs.end()); }
    double percentileGapMs(double q) const
    {
        if (m_gapsMs.empty())
            return 0.0;
        std::vector<double> sorted = m_gapsMs;
        std::sort(sorted.begin(), sorted.end());
        return sorted[static_cast<std::size_t>(q * static_cast<double>(sorted.size() - 1))];
    }

private:
    using Clock = std::chrono::steady_clock;
    QTimer m_ticker;
    Clock::time_point m_last = Clock::now();
    std::vector<double> m_gapsMs;
};

} // namespace awb::bench
