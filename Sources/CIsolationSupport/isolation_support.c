#define _GNU_SOURCE
#include "isolation_support.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

int sy_isolation_pipe(int ends[2]) { return pipe2(ends, O_CLOEXEC); }

int sy_isolation_epoll_watch_readable(int fd) {
    int set = epoll_create1(EPOLL_CLOEXEC);
    if (set < 0) return -1;
    struct epoll_event event = {.events = EPOLLIN, .data.fd = fd};
    if (epoll_ctl(set, EPOLL_CTL_ADD, fd, &event) != 0) {
        int saved = errno;
        close(set);
        errno = saved;
        return -1;
    }
    return set;
}

int sy_isolation_epoll_set_reading(int epoll_fd, int fd, int reading) {
    struct epoll_event event = {.events = reading ? EPOLLIN : 0, .data.fd = fd};
    return epoll_ctl(epoll_fd, EPOLL_CTL_MOD, fd, &event);
}

int sy_isolation_die_with_parent(void) { return prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0); }

int sy_isolation_set_limit(sy_isolation_limit limit, uint64_t value) {
    struct rlimit bounds = {(rlim_t)value, (rlim_t)value};
    switch (limit) {
    case SY_ISOLATION_LIMIT_ADDRESS_SPACE:
        return setrlimit(RLIMIT_AS, &bounds);
    case SY_ISOLATION_LIMIT_CPU_SECONDS:
        /* The soft limit sends SIGXCPU (a crash the host can name); the hard one, a second
           later, is SIGKILL for a plugin that catches SIGXCPU. */
        bounds.rlim_max = (rlim_t)value + 1;
        return setrlimit(RLIMIT_CPU, &bounds);
    case SY_ISOLATION_LIMIT_OPEN_FILES:
        return setrlimit(RLIMIT_NOFILE, &bounds);
    }
    return -1;
}

int sy_isolation_dup_cloexec(int fd, int minimum) { return fcntl(fd, F_DUPFD_CLOEXEC, minimum); }

const char *sy_isolation_signal_name(int signal_number) {
    switch (signal_number) {
    case SIGHUP: return "SIGHUP";
    case SIGINT: return "SIGINT";
    case SIGQUIT: return "SIGQUIT";
    case SIGILL: return "SIGILL";
    case SIGTRAP: return "SIGTRAP";
    case SIGABRT: return "SIGABRT";
    case SIGBUS: return "SIGBUS";
    case SIGFPE: return "SIGFPE";
    case SIGKILL: return "SIGKILL";
    case SIGSEGV: return "SIGSEGV";
    case SIGPIPE: return "SIGPIPE";
    case SIGALRM: return "SIGALRM";
    case SIGTERM: return "SIGTERM";
    case SIGXCPU: return "SIGXCPU";
    case SIGXFSZ: return "SIGXFSZ";
    case SIGSYS: return "SIGSYS";
    default: return NULL;
    }
}
