#include "tests/integration/cli_runner.h"

#include "tests/support/temp_dir.h"

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char** environ;

namespace awb::test {

namespace {

    int exitCodeOf(int status) { return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status); }

} // namespace

pid_t spawnProgram(const std::string& program, const std::vector<std::string>& args,
    const std::vector<std::string>& environment, const std::filesystem::path& outPath,
    const std::filesystem::path& errPath)
{
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, outPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, errPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);

    std::vector<std::string> argvStrings { program };
    argvStrings.insert(argvStrings.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& arg : argvStrings)
        argv.push_back(arg.data());
    argv.push_back(nullptr);

    // The test's entries first: getenv takes the first match, so they override the inherited ones.
    std::vector<std::string> envStrings = environment;
    for (char** entry = environ; *entry; ++entry)
        envStrings.emplace_back(*entry);
    std::vector<char*> envp;
    for (auto& entry : envStrings)
        envp.push_back(entry.data());
    envp.push_back(nullptr);

    pid_t child = -1;
    const int spawnError = posix_spawn(&child, program.c_str(), &actions, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    return spawnError == 0 ? child : -1;
}

CliResult runCli(const std::vector<std::string>& args, const std::vector<std::string>& environment)
{
    return runProgram(AWB_CLI_PATH, args, environment);
}

CliResult runProgram(const std::string& program, const std::vector<std::string>& args,
                     const std::vector<std::string>& environment)
{
    TempDir captures;
    const auto outPath = captures / "stdout";
    const auto errPath = captures / "stderr";
    CliResult result;
    const pid_t child = spawnProgram(program, args, environment, outPath, errPath);
    if (child < 0)
        return result;
    int status = 0;
    waitpid(child, &status, 0);
    result.exitCode = exitCodeOf(status);
    result.out = readFile(outPath);
    result.err = readFile(errPath);
    return result;
}

BackgroundCli::BackgroundCli(const std::vector<std::string>& args, const std::vector<std::string>& environment)
    : m_pid(spawnProgram(AWB_CLI_PATH, args, environment, m_captures / "stdout", m_captures / "stderr"))
{
}

BackgroundCli::~BackgroundCli()
{
    if (m_pid > 0) {
        kill(m_pid, SIGKILL);
        waitpid(m_pid, nullptr, 0);
    }
}

std::string BackgroundCli::out() const { return readFile(m_captures / "stdout"); }
std::string BackgroundCli::err() const { return readFile(m_captures / "stderr"); }

bool BackgroundCli::waitFor(const std::function<bool()>& condition, double timeoutS)
{
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeoutS);
    while (std::chrono::steady_clock::now() < deadline) {
        if (condition())
            return true;
        int status = 0;
        if (m_pid > 0 && waitpid(m_pid, &status, WNOHANG) == m_pid) {
            m_pid = -1; // reaped: wait() reports this status
            m_exitCode = exitCodeOf(status);
            return condition();
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
}

int BackgroundCli::stop(int signalNumber)
{
    if (m_pid > 0)
        kill(m_pid, signalNumber);
    return wait();
}

int BackgroundCli::wait()
{
    if (m_pid > 0) {
        int status = 0;
        waitpid(m_pid, &status, 0);
        m_pid = -1;
        m_exitCode = exitCodeOf(status);
    }
    return m_exitCode;
}

} // namespace awb::test
