/* A fixture adapter whose hooks block: "block_start" blocks inside start_call and "block_cancel"
   inside cancel_call, until the test calls fixture_unblock(); "ok" answers at once; "thread"
   answers with the id of the thread that runs start_call. The host
   must end such calls at their deadline without waiting for the hook. When it runs inside another
   process (`switchyard serve`, `tools call`), each hook that blocks appends a line to the file
   named by $SWITCHYARD_STUCK_FIXTURE_LOG, so a test can see it blocked. */
#define _POSIX_C_SOURCE 200809L
#define FIXTURE_TOOLS "[{\"id\":\"ok\"},{\"id\":\"thread\"},{\"id\":\"block_start\"},{\"id\":\"block_cancel\"}]"
#include "fixture_plugin.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

#define EXPORT SY_EXPORT

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed = PTHREAD_COND_INITIALIZER;
static int unblocked;
static int blocked;
static int releases;

/* Appends "blocked" to $SWITCHYARD_STUCK_FIXTURE_LOG, when set. */
static void note_blocked(void) {
    const char *path = getenv("SWITCHYARD_STUCK_FIXTURE_LOG");
    if (!path) return;
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) return;
    ssize_t written = write(fd, "blocked\n", 8);
    (void)written;
    close(fd);
}

/* Blocks the calling thread until fixture_unblock(). */
static void block(void) {
    note_blocked();
    pthread_mutex_lock(&lock);
    blocked++;
    pthread_cond_broadcast(&changed);
    while (!unblocked) pthread_cond_wait(&changed, &lock);
    blocked--;
    pthread_mutex_unlock(&lock);
}

/* Threads blocked inside a hook now. */
EXPORT int32_t fixture_blocked(void) {
    pthread_mutex_lock(&lock);
    int count = blocked;
    pthread_mutex_unlock(&lock);
    return count;
}

/* release_call count so far. */
EXPORT int32_t fixture_releases(void) {
    pthread_mutex_lock(&lock);
    int count = releases;
    pthread_mutex_unlock(&lock);
    return count;
}

/* The id of the calling thread, as the "thread" tool reports it. */
EXPORT int64_t fixture_thread_id(void) { return (int64_t)syscall(SYS_gettid); }

/* Lets every blocked hook return (and later ones not block); 0 blocks them again. */
EXPORT void fixture_unblock(int32_t value) {
    pthread_mutex_lock(&lock);
    unblocked = value;
    pthread_cond_broadcast(&changed);
    pthread_mutex_unlock(&lock);
}

static sy_status emit_text(const sy_host_api *host, uint64_t call, sy_frame_kind kind, const char *text) {
    sy_frame frame = {sizeof(sy_frame), kind, SY_FRAME_FLAG_END_OF_STREAM, 0, (const uint8_t *)text, strlen(text)};
    return host->emit(host->host_context, call, &frame);
}

static sy_status start_call(sy_instance *instance, const sy_call_request *request, char **error_out) {
    (void)error_out;
    if (strcmp(request->tool_id, "ok") == 0) {
        emit_text(instance->host, request->call_id, SY_FRAME_RESULT, "{\"ok\":true}");
        return SY_OK;
    }
    if (strcmp(request->tool_id, "thread") == 0) { /* which thread runs start_call */
        char json[64];
        snprintf(json, sizeof json, "{\"tid\":%lld}", (long long)fixture_thread_id());
        emit_text(instance->host, request->call_id, SY_FRAME_RESULT, json);
        return SY_OK;
    }
    if (strcmp(request->tool_id, "block_start") == 0) {
        block();
        return SY_OK; /* owes a terminal frame: the host cancels and releases it when it comes back */
    }
    if (strcmp(request->tool_id, "block_cancel") == 0) return SY_OK; /* ends only through cancel_call */
    return SY_E_NOT_FOUND;
}

static void cancel_call(sy_instance *instance, uint64_t call) {
    (void)instance;
    (void)call;
    block();
}

static void release_call(sy_instance *instance, uint64_t call) {
    (void)instance;
    (void)call;
    pthread_mutex_lock(&lock);
    releases++;
    pthread_mutex_unlock(&lock);
}

FIXTURE_ENTRY("stuck")
