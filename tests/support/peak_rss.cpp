// peak-rss FILE PROGRAM [ARGS...]: runs PROGRAM (a path) with the same standard streams,
// then writes its peak resident set in KiB (wait4's ru_maxrss) to FILE and exits with its
// status (128 + the signal number when a signal ended it). The tests run a tool through it
// because a child forked straight from a test process starts with that process's peak:
// this small program's is what the tool's count starts from.
#include <cerrno>
#include <cstdio>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char** argv)
{
    if (argc < 3) {
        std::fputs("usage: peak-rss FILE PROGRAM [ARGS...]\n", stderr);
        return 2;
    }
    const pid_t pid = ::fork();
    if (pid < 0) {
        std::perror("peak-rss: fork");
        return 2;
    }
    if (pid == 0) {
        ::execv(argv[2], argv + 2);
        std::perror("peak-rss: exec");
        ::_exit(127);
    }
    int status = 0;
    rusage usage{};
    while (::wait4(pid, &status, 0, &usage) < 0) {
        if (errno != EINTR) {
            std::perror("peak-rss: wait4");
            return 2;
        }
    }
    if (FILE* out = std::fopen(argv[1], "w")) {
        std::fprintf(out, "%ld\n", usage.ru_maxrss);
        std::fclose(out);
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
