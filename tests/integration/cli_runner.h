#pragma once

#include "tests/support/temp_dir.h"

#include <filesystem>
#include <functional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace awb::test {

struct CliResult {
    int exitCode = -1;
    std::string out;
    std::string err;
};

// Runs alertwb-cli (the binary this build produced) with `args`, capturing stdout and stderr.
// `environment` entries ("NAME=value") override the inherited environment.
CliResult runCli(const std::vector<std::string>& args, const std::vector<std::string>& environment = {});
// Runs any program the same way (argv[0] is `program`).
CliResult runProgram(const std::string& program, const std::vector<std::string>& args,
                     const std::vector<std::string>& environment = {});
// Starts `program` with stdout and stderr going to the given files; returns its pid, −1 on failure.
pid_t spawnProgram(const std::string& program, const std::vector<std::string>& args,
    const std::vector<std::string>& environment, const std::filesystem::path& outPath,
    const std::filesystem::path& errPath);

// alertwb-cli running in the background, for tests that interrupt or kill it mid-way. The
// destructor SIGKILLs it if it still runs.
class BackgroundCli {
public:
    BackgroundCli(const std::vector<std::string>& args, const std::vector<std::string>& environment = {});
    ~BackgroundCli();
    BackgroundCli(const BackgroundCli&) = delete;
    BackgroundCli& operator=(const BackgroundCli&) = delete;

    bool started() const { return m_pid > 0; }
    pid_t pid() const { return m_pid; }
    std::string out() const;
    std::string err() const;
    // Polls `condition` every 10 ms until it holds (true), the process ends or timeoutS passes.
    bool waitFor(const std::function<bool()>& condition, double timeoutS);
    // Sends the signal (unless it already ended) and reaps: the exit code, or 128 + the signal
    // that ended it.
    int stop(int signalNumber);
    int wait();

private:
    TempDir m_captures;
    pid_t m_pid = -1;
    int m_exitCode = -1;
};

} // namespace awb::test
