/*
 * Linux calls the adapter helper and its supervisor need that Swift's Glibc module does not
 * export cleanly (they sit behind _GNU_SOURCE, or are macros and glibc-private enums).
 */
#ifndef SWITCHYARD_ISOLATION_SUPPORT_H
#define SWITCHYARD_ISOLATION_SUPPORT_H

#include <stdint.h>
#include <sys/types.h>

/** Which resource `sy_isolation_set_limit` sets. */
typedef enum sy_isolation_limit {
    SY_ISOLATION_LIMIT_ADDRESS_SPACE = 1, /* RLIMIT_AS, bytes */
    SY_ISOLATION_LIMIT_CPU_SECONDS = 2,   /* RLIMIT_CPU: soft at the value (SIGXCPU), hard one second later */
    SY_ISOLATION_LIMIT_OPEN_FILES = 3,    /* RLIMIT_NOFILE */
} sy_isolation_limit;

/** A pipe with both ends close-on-exec (pipe2(O_CLOEXEC)); returns 0 or -1 with errno set. */
int sy_isolation_pipe(int ends[_Nonnull 2]);

/** Asks for SIGKILL when the thread that spawned this process exits; returns 0 or -1 (errno). */
int sy_isolation_die_with_parent(void);

/** Sets soft and hard limit of one resource; returns 0 or -1 with errno set. */
int sy_isolation_set_limit(sy_isolation_limit limit, uint64_t value);

/** Duplicates `fd` to the lowest free descriptor >= `minimum`, close-on-exec; -1 on failure. */
int sy_isolation_dup_cloexec(int fd, int minimum);

/** A new epoll set (close-on-exec) watching `fd` for reading; the set, or -1 with errno set. */
int sy_isolation_epoll_watch_readable(int fd);

/** Switches the set's interest in `fd` for reading on or off. Changing a set does not wake a
 *  thread waiting on it; switching on does when `fd` is readable. Returns 0 or -1 (errno). */
int sy_isolation_epoll_set_reading(int epoll_fd, int fd, int reading);

/** The abbreviation of a signal (SIGSEGV, SIGXCPU, ...), or NULL for an unknown number. */
const char *_Nullable sy_isolation_signal_name(int signal_number);

#endif
