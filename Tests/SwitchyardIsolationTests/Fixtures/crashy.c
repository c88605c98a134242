/*
 * Fixture: a plugin that fails in every way a process can, one tool each, plus well-behaved
 * tools to show the next call works.
 *   echo      RESULT {"echo": input}, a PROGRESS and a LOG first
 *   pid       RESULT {"pid": getpid()}
 *   segfault  writes through a null pointer (SIGSEGV)
 *   abort     abort() (SIGABRT)
 *   exit3     exit(3)
 *   spin      spins forever inside start_call, ignoring everything
 *   burn      spins forever on a thread of its own (CPU time, for the cpu_seconds limit)
 *   leak      allocates and touches {"mb": N} MiB (default 32) and never frees it; when malloc
 *             fails it writes through the null pointer, as careless code does
 *   sleep     answers after {"ms": N} on a thread, or "canceled" from cancel_call
 *   open      opens /dev/null {"count": N} times, keeps them, RESULT {"opened": K}
 */
#define _POSIX_C_SOURCE 200809L
/* The tool list, read by the shared fixture kit (create, describe, destroy, the entry). */
#define FIXTURE_TOOLS                                                                                     \
    "[{\"id\":\"echo\",\"description\":\"echoes\",\"input\":{\"type\":\"object\"}},"                                 \
    "{\"id\":\"pid\",\"description\":\"its process id\"},"                                                  \
    "{\"id\":\"segfault\",\"description\":\"SIGSEGV\"},{\"id\":\"abort\",\"description\":\"SIGABRT\"},"         \
    "{\"id\":\"exit3\",\"description\":\"exit(3)\"},{\"id\":\"spin\",\"description\":\"spins in start_call\"}," \
    "{\"id\":\"burn\",\"description\":\"burns CPU on a thread\"},{\"id\":\"leak\",\"description\":\"leaks\"},"  \
    "{\"id\":\"sleep\",\"description\":\"sleeps\"},{\"id\":\"open\",\"description\":\"opens files\"}]"
/* The adapter-host tests' kit, by path: this target compiles its fixtures with -I include only. */
#include "../../SwitchyardAdapterHostTests/Fixtures/fixture_plugin.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static sy_status emit_text(const sy_host_api *host, uint64_t call, sy_frame_kind kind, uint32_t flags,
                           const char *text) {
    sy_frame frame = {sizeof(sy_frame), kind, flags, SY_LOG_INFO, (const uint8_t *)text, strlen(text)};
    return host->emit(host->host_context, call, &frame);
}

static void result(const sy_host_api *host, uint64_t call, const char *json) {
    emit_text(host, call, SY_FRAME_RESULT, SY_FRAME_FLAG_END_OF_STREAM, json);
}

/* The integer after "KEY": in the input, or `fallback`. */
static long number(const uint8_t *input, const char *key, long fallback) {
    char pattern[32];
    snprintf(pattern, sizeof pattern, "\"%s\":", key);
    const char *at = strstr((const char *)input, pattern);
    return at ? strtol(at + strlen(pattern), NULL, 10) : fallback;
}

/* ---- sleep: a call that ends on a thread, or on cancel ---------------------------------- */

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed = PTHREAD_COND_INITIALIZER;
struct sleeper {
    uint64_t call;
    long ms;
    int canceled;
    int used;
};
static struct sleeper sleepers[64];

struct sleep_job {
    const sy_host_api *host;
    struct sleeper *sleeper;
};

static void *run_sleep(void *argument) {
    struct sleep_job *job = argument;
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += job->sleeper->ms / 1000;
    until.tv_nsec += (job->sleeper->ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec += 1;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&lock);
    while (!job->sleeper->canceled) {
        if (pthread_cond_timedwait(&changed, &lock, &until) != 0) break;
    }
    int canceled = job->sleeper->canceled;
    uint64_t call = job->sleeper->call;
    job->sleeper->used = 0;
    pthread_mutex_unlock(&lock);
    if (canceled) {
        emit_text(job->host, call, SY_FRAME_ERROR, SY_FRAME_FLAG_END_OF_STREAM,
                  "{\"kind\":\"canceled\",\"message\":\"sleep canceled\"}");
    } else {
        result(job->host, call, "{\"slept\":true}");
    }
    free(job);
    return NULL;
}

static sy_status start_sleep(const sy_host_api *host, uint64_t call, long ms) {
    pthread_mutex_lock(&lock);
    struct sleeper *slot = NULL;
    for (int i = 0; i < 64 && !slot; i++) {
        if (!sleepers[i].used) slot = &sleepers[i];
    }
    if (!slot) {
        pthread_mutex_unlock(&lock);
        return SY_E_INTERNAL;
    }
    *slot = (struct sleeper){call, ms, 0, 1};
    pthread_mutex_unlock(&lock);
    struct sleep_job *job = malloc(sizeof *job);
    job->host = host;
    job->sleeper = slot;
    pthread_t thread;
    pthread_create(&thread, NULL, run_sleep, job);
    pthread_detach(thread);
    return SY_OK;
}

/* ---- the hooks -------------------------------------------------------------------------- */

static volatile int *nowhere;
static volatile unsigned long spins;

static void *burn(void *argument) {
    (void)argument;
    for (;;) spins++;
    return NULL;
}

static sy_status start_call(sy_instance *instance, const sy_call_request *request, sy_transferred_text *error_out) {
    (void)error_out;
    const sy_host_api *host = instance->host;
    const char *tool = request->tool_id;
    uint64_t call = request->call_id;
    if (strcmp(tool, "echo") == 0) {
        emit_text(host, call, SY_FRAME_PROGRESS, 0, "{\"step\":1}");
        emit_text(host, call, SY_FRAME_LOG, 0, "echoing");
        char buffer[4096];
        snprintf(buffer, sizeof buffer, "{\"echo\":%s}", (const char *)request->input_json);
        result(host, call, buffer);
    } else if (strcmp(tool, "pid") == 0) {
        char buffer[64];
        snprintf(buffer, sizeof buffer, "{\"pid\":%ld}", (long)getpid());
        result(host, call, buffer);
    } else if (strcmp(tool, "segfault") == 0) {
        *nowhere = 1;
    } else if (strcmp(tool, "abort") == 0) {
        abort();
    } else if (strcmp(tool, "exit3") == 0) {
        exit(3);
    } else if (strcmp(tool, "spin") == 0) {
        for (;;) spins++;
    } else if (strcmp(tool, "burn") == 0) {
        pthread_t thread;
        pthread_create(&thread, NULL, burn, NULL);
        pthread_detach(thread);
    } else if (strcmp(tool, "leak") == 0) {
        size_t bytes = (size_t)number(request->input_json, "mb", 32) << 20;
        volatile char *memory = malloc(bytes);
        if (!memory) memory = (volatile char *)nowhere;
        for (size_t i = 0; i < bytes; i += 4096) memory[i] = 1;
        result(host, call, "{\"leaked\":true}");
    } else if (strcmp(tool, "sleep") == 0) {
        return start_sleep(host, call, number(request->input_json, "ms", 60000));
    } else if (strcmp(tool, "open") == 0) {
        long count = number(request->input_json, "count", 1), opened = 0;
        for (long i = 0; i < count; i++) {
            if (open("/dev/null", O_RDONLY) >= 0) opened++;
        }
        char buffer[64];
        snprintf(buffer, sizeof buffer, "{\"opened\":%ld}", opened);
        result(host, call, buffer);
    } else {
        return SY_E_NOT_FOUND;
    }
    return SY_OK;
}

static void cancel_call(sy_instance *instance, uint64_t call) {
    (void)instance;
    pthread_mutex_lock(&lock);
    for (int i = 0; i < 64; i++) {
        if (sleepers[i].used && sleepers[i].call == call) sleepers[i].canceled = 1;
    }
    pthread_cond_broadcast(&changed);
    pthread_mutex_unlock(&lock);
}

static void release_call(sy_instance *instance, uint64_t call) {
    (void)instance; (void)call;
}

FIXTURE_ENTRY("crashy")
