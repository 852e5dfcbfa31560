#pragma once
// The main() of the GUI benchmarks: a QApplication, offscreen unless QT_QPA_PLATFORM names a
// platform, then Google Benchmark with the command line's flags.

#include <QApplication>

#include <benchmark/benchmark.h>

namespace awb::bench {

inline int runGuiBenchmarks(int argc, char** argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}

} // namespace awb::bench
