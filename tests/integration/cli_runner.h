#pragma once

#include <string>
#include <vector>

namespace awb::test {

struct CliResult {
    int exitCode = -1;
    std::string out;
    std::string err;
};

// Runs alertwb-cli (the binary this build produced) with `args`, capturing stdout and stderr.
// `environment` entries ("NAME=value") are added to the child's environment.
CliResult runCli(const std::vector<std::string>& args, const std::vector<std::string>& environment = {});
// Runs any program the same way (argv[0] is `program`).
CliResult runProgram(const std::string& program, const std::vector<std::string>& args,
                     const std::vector<std::string>& environment = {});

} // namespace awb::test
