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
            m_atS.push_back(std::chrono::duration<double>(now - m_start).count());
            m_last = now;
        });
        m_gapsMs.reserve(200'000);
        m_atS.reserve(200'000);
    }

    void start()
    {
        m_start = m_last = Clock::now();
        m_ticker.start();
    }
    void stop() { m_ticker.stop(); }

    std::size_t ticks() const { return m_gapsMs.size(); }
    double maxGapMs() const { return m_gapsMs.empty() ? 0.0 : *std::max_element(m_gapsMs.begin(), m_gapsMs.end()); }
    // Seconds after start() at which the longest gap ended.
    double maxGapAtS() const
    {
        if (m_gapsMs.empty())
            return 0.0;
        return m_atS[static_cast<std::size_t>(std::max_element(m_gapsMs.begin(), m_gapsMs.end()) - m_gapsMs.begin())];
    }
    // (seconds after start(), gap ms) of every gap longer than `limit`.
    std::vector<std::pair<double, double>> gapsOver(double limit) const
    {
        std::vector<std::pair<double, double>> found;
        for (std::size_t i = 0; i < m_gapsMs.size(); ++i) {
            if (m_gapsMs[i] > limit)
                found.emplace_back(m_atS[i], m_gapsMs[i]);
        }
        return found;
    }
    std::size_t gapsOverMs(double limit) const
    {
        return static_cast<std::size_t>(
            std::count_if(m_gapsMs.begin(), m_gapsMs.end(), [limit](double g) { return g > limit; }));
    }
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
    Clock::time_point m_start = Clock::now();
    Clock::time_point m_last = m_start;
    std::vector<double> m_gapsMs;
    std::vector<double> m_atS; // when each gap ended, seconds after start()
};

} // namespace awb::bench
